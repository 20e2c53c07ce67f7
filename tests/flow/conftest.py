import pytest

from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.store import Store

LEADER = Actor("zhang", "leader", "张所长")
STAFF = Actor("li", "staff", "李干事")
ADMIN = Actor("admin", "admin", "管理员")


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    s.actor = LEADER
    yield s
    s.close()


@pytest.fixture
def body(store):
    return store.insert("bodies", {"name": "示范镇人民政府", "body_type": "乡镇政府", "status": "有效"})
