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


_exit_status = {"code": None}


def pytest_sessionfinish(session, exitstatus):
    _exit_status["code"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """PySide6 sometimes crashes while the interpreter tears down Qt wrappers after the last test has run
    and the summary has been printed (bool_dealloc / segfault at exit). Nothing is tested any more then, so
    leave with pytest's own exit status instead of letting that teardown turn a green run red."""
    import sys

    if _exit_status["code"] is not None and "PySide6.QtCore" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status["code"])
