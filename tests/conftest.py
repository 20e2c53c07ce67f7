import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from sifasuo_desktop.domain.permissions import SYSTEM  # noqa: E402
from sifasuo_desktop.store import Store  # noqa: E402


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    s.init_org("township", "测试镇司法所", "T0001", "C0001")
    yield s
    s.close()


@pytest.fixture
def demo_store(tmp_path):
    from sifasuo_desktop.demo import generate

    s = Store.open(tmp_path / "demo")
    generate(s, cases=120, seed=7)
    yield s
    s.close()
