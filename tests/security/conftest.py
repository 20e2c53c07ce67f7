import pytest

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.security import accounts
from sifasuo_desktop.store import Store

PASSWORDS = {"boss": "boss-pass-1", "lead": "lead-pass-1", "clerk": "clerk-pass-1", "guest": "guest-pass-1"}


@pytest.fixture
def sec_dir(tmp_path):
    """An initialized data folder with one account per role (boss=admin, lead, clerk=staff, guest=readonly)."""
    data = tmp_path / "data"
    with Store.open(data) as s:
        s.init_org("township", "安全测试所", "SEC01", "C0001")
        accounts.create_account(s, "boss", PASSWORDS["boss"], "admin", "张所长")
        s.actor = accounts.authenticate(s, "boss", PASSWORDS["boss"])
        accounts.create_account(s, "lead", PASSWORDS["lead"], "leader")
        accounts.create_account(s, "clerk", PASSWORDS["clerk"], "staff", "李工作")
        accounts.create_account(s, "guest", PASSWORDS["guest"], "readonly")
    return data


@pytest.fixture
def sec_store(sec_dir):
    s = Store.open(sec_dir, actor=SYSTEM)
    yield s
    s.close()


@pytest.fixture
def login(monkeypatch):
    def _login(user):
        monkeypatch.setenv("SIFASUO_USER", user)
        monkeypatch.setenv("SIFASUO_PASSWORD", PASSWORDS.get(user, "x"))
    monkeypatch.delenv("SIFASUO_USER", raising=False)
    monkeypatch.delenv("SIFASUO_PASSWORD", raising=False)
    return _login
