import datetime as dt

import pytest

from sifasuo_desktop.domain.errors import PermissionDenied, UserError
from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.security import accounts
from sifasuo_desktop.security.accounts import AuthError

from .conftest import PASSWORDS


def test_password_is_stored_as_argon2_hash_only(sec_store):
    row = sec_store.conn.execute("SELECT password_hash FROM accounts WHERE username='clerk'").fetchone()
    assert row[0].startswith("$argon2id$")
    assert PASSWORDS["clerk"] not in row[0]
    # neither hash nor password ever reaches the audit log
    text = " ".join(r[0] or "" for r in sec_store.conn.execute("SELECT after FROM audit_log WHERE table_name='accounts'"))
    assert "argon2" not in text and PASSWORDS["clerk"] not in text


def test_authenticate_returns_actor_with_role(sec_store):
    actor = accounts.authenticate(sec_store, "clerk", PASSWORDS["clerk"])
    assert actor == Actor("clerk", "staff", "李工作")
    assert accounts.authenticate(sec_store, "CLERK", PASSWORDS["clerk"]).username == "clerk"  # case-insensitive name
    with pytest.raises(AuthError, match="用户名或密码错误"):
        accounts.authenticate(sec_store, "clerk", "wrong-password")
    with pytest.raises(AuthError, match="用户名或密码错误"):
        accounts.authenticate(sec_store, "nobody", "whatever1")


def test_first_account_must_be_admin_and_later_ones_need_rights(store):
    with pytest.raises(UserError, match="第一个账号必须是管理员"):
        accounts.create_account(store, "a", "abcdefgh1", "staff")
    code = accounts.create_account(store, "root1", "abcdefgh1", "admin")
    assert code and len(code.replace("-", "")) == 20
    store.actor = Actor("x", "staff")
    with pytest.raises(PermissionDenied):
        accounts.create_account(store, "b", "abcdefgh1", "staff")
    store.actor = accounts.authenticate(store, "root1", "abcdefgh1")
    assert accounts.create_account(store, "b", "abcdefgh1", "工作人员") is None
    assert accounts.get_account(store, "b").role == "staff"


@pytest.mark.parametrize("user,pw,msg", [
    ("", "abcdefgh1", "用户名不能为空"), ("a b", "abcdefgh1", "不能包含空格"), ("system", "abcdefgh1", "保留"),
    ("okname", "short", "至少需要8个字符"), ("okname12", "okname12", "不能与用户名相同")])
def test_bad_input_is_refused_and_nothing_written(sec_store, user, pw, msg):
    sec_store.actor = Actor("boss", "admin")
    before = sec_store.conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
    with pytest.raises(UserError, match=msg):
        accounts.create_account(sec_store, user, pw, "staff")
    assert sec_store.conn.execute("SELECT count(*) FROM accounts").fetchone()[0] == before


def test_lockout_after_repeated_wrong_passwords_then_expires(sec_store):
    t0 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.timezone.utc)
    for _ in range(4):
        with pytest.raises(AuthError, match="用户名或密码错误"):
            accounts.authenticate(sec_store, "clerk", "bad-bad-bad", now=t0)
    with pytest.raises(AuthError, match="已被锁定"):
        accounts.authenticate(sec_store, "clerk", "bad-bad-bad", now=t0)
    # even the right password is refused while locked
    with pytest.raises(AuthError, match="已被锁定"):
        accounts.authenticate(sec_store, "clerk", PASSWORDS["clerk"], now=t0 + dt.timedelta(minutes=14))
    actor = accounts.authenticate(sec_store, "clerk", PASSWORDS["clerk"], now=t0 + dt.timedelta(minutes=16))
    assert actor.username == "clerk"
    actions = [r[0] for r in sec_store.conn.execute(
        "SELECT action FROM audit_log WHERE table_name='accounts' AND record_id='clerk' ORDER BY seq")]
    assert actions.count("login_failed") == 4 and "account_locked" in actions


def test_lockout_threshold_is_a_setting_and_admin_can_unlock(sec_store):
    sec_store.set_setting("security.lockout_attempts", 2)
    for _ in range(2):
        with pytest.raises(AuthError):
            accounts.authenticate(sec_store, "lead", "nope-nope")
    assert accounts.get_account(sec_store, "lead").locked()
    sec_store.actor = Actor("clerk", "staff")
    with pytest.raises(PermissionDenied):
        accounts.unlock(sec_store, "lead")
    sec_store.actor = Actor("boss", "admin")
    accounts.unlock(sec_store, "lead")
    assert accounts.authenticate(sec_store, "lead", PASSWORDS["lead"]).role == "leader"


def test_admin_reset_forces_change_and_user_changes_password(sec_store):
    sec_store.actor = Actor("boss", "admin")
    acc = accounts.reset_password(sec_store, "clerk", "temp-pass-9")
    assert acc.must_change
    with pytest.raises(AuthError):
        accounts.authenticate(sec_store, "clerk", PASSWORDS["clerk"])
    accounts.authenticate(sec_store, "clerk", "temp-pass-9")
    with pytest.raises(AuthError, match="原密码不正确"):
        accounts.change_password(sec_store, "clerk", "wrong-old-1", "new-pass-99")
    acc = accounts.change_password(sec_store, "clerk", "temp-pass-9", "new-pass-99")
    assert not acc.must_change
    assert accounts.authenticate(sec_store, "clerk", "new-pass-99").username == "clerk"
    sec_store.actor = Actor("clerk", "staff")
    with pytest.raises(PermissionDenied):
        accounts.reset_password(sec_store, "boss", "hijack-pass-1")


def test_recovery_code_resets_forgotten_admin_password_once(store):
    code = accounts.create_account(store, "chief", "forgotten-1", "admin")
    with pytest.raises(AuthError, match="恢复码不正确"):
        accounts.recover_with_code(store, "chief", "AAAA-BBBB-CCCC-DDDD-EEEE", "brand-new-1")
    new_code = accounts.recover_with_code(store, "chief", code.lower().replace("-", " "), "brand-new-1")
    assert new_code != code
    assert accounts.authenticate(store, "chief", "brand-new-1").role == "admin"
    with pytest.raises(AuthError):  # the old code is used up
        accounts.recover_with_code(store, "chief", code, "another-one-1")
    assert accounts.recover_with_code(store, "chief", new_code, "another-one-1")


def test_cannot_remove_last_admin_or_disable_self(sec_store):
    sec_store.actor = Actor("boss", "admin")
    with pytest.raises(UserError, match="最后一个管理员"):
        accounts.set_role(sec_store, "boss", "staff")
    with pytest.raises(UserError, match="自己"):
        accounts.set_active(sec_store, "boss", False)
    accounts.set_active(sec_store, "clerk", False)
    with pytest.raises(AuthError, match="已停用"):
        accounts.authenticate(sec_store, "clerk", PASSWORDS["clerk"])
