"""Local accounts: Argon2 password hashes, roles, lock-out, admin reset, recovery codes.

The `accounts` table (migration m0050) is installation-local: it is never synced. Every change to an
account (and every login, failed login and lock-out) is written to the hash-chained audit_log with
table_name "accounts" and record_id = the username; password and recovery hashes never enter the log.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sifasuo_desktop.domain.errors import PermissionDenied, UserError
from sifasuo_desktop.domain.permissions import ADMIN, LEADER, READONLY, ROLE_LABELS, STAFF, Actor, require
from sifasuo_desktop.store.repo import utc_now

from .audit import append_audit

# OWASP minimum for Argon2id (19 MiB, 2 passes, 1 lane): ~50 ms on an office PC.
class _Hasher:
    """argon2's PasswordHasher, made on first use: a start that logs nobody in (--quit-after-startup, a folder
    without accounts) never imports argon2, and the login dialog shows before it is imported (issue 19)."""

    _ph = None

    def __getattr__(self, name: str):
        if _Hasher._ph is None:
            from argon2 import PasswordHasher

            _Hasher._ph = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
        return getattr(_Hasher._ph, name)


HASHER = _Hasher()


def _hash_errors() -> tuple:
    """What a failed argon2 verify raises (a wrong secret, a damaged hash): for the except clauses."""
    from argon2.exceptions import InvalidHashError, VerificationError

    return VerificationError, InvalidHashError   # VerifyMismatchError is a VerificationError
MIN_PASSWORD_LEN = 8
ROLES = (ADMIN, LEADER, STAFF, READONLY)
DEFAULTS = {
    "security.lockout_attempts": 5,     # wrong passwords in a row before the account is locked
    "security.lockout_minutes": 15,     # how long it stays locked
    "security.idle_lock_minutes": 10,   # screen lock after this much inactivity (0 = never)
}
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_ROLE_WORDS = {
    "admin": ADMIN, "管理员": ADMIN,
    "leader": LEADER, "所长/负责人": LEADER, "所长": LEADER, "负责人": LEADER, "所长负责人": LEADER,
    "staff": STAFF, "工作人员": STAFF,
    "readonly": READONLY, "只读": READONLY,
}
BAD_LOGIN = "用户名或密码错误。"
DEMO_LOGIN_META = "security.demo_login"   # meta: "admin / demo1234" shown on the login dialog of a demo folder
SETUP_OPEN = "security.setup_open"   # meta: `init` deliberately left the first administrator to be added later
NO_ADMIN_FOLDER = ("这个数据文件夹已有机构信息，却没有任何账号（初始化可能被中断）。为安全起见，不能不登录就在这里"
                   "创建管理员：请从备份恢复，或把这个文件夹改名后重新运行 sifasuo init。")


class AuthError(UserError):
    """Login refused (wrong password, locked, disabled)."""


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    active: bool
    must_change: bool
    failed_count: int
    locked_until: str | None
    created_at: str
    last_login_at: str | None
    has_recovery: bool

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.display_name)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def locked(self, now: dt.datetime | None = None) -> bool:
        if not self.locked_until:
            return False
        return _parse(self.locked_until) > (now or _now())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


# ---------------------------------------------------------------------------- helpers
def parse_role(text: str) -> str:
    role = _ROLE_WORDS.get((text or "").strip().lower()) or _ROLE_WORDS.get((text or "").strip())
    if role is None:
        raise UserError(f"未知的角色“{text}”。可选：管理员(admin)、所长/负责人(leader)、工作人员(staff)、只读(readonly)。")
    return role


def validate_username(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise UserError("用户名不能为空。")
    if len(name) > 32:
        raise UserError("用户名不能超过32个字符。")
    if any(ch.isspace() for ch in name) or any(ch in "/\\:*?\"<>|" for ch in name):
        raise UserError("用户名不能包含空格或 / \\ : * ? \" < > | 等字符。")
    if name.lower() in ("system", "cli"):
        raise UserError(f"“{name}”是系统保留的名称，请换一个用户名。")
    return name


def validate_password(password: str, username: str = "") -> None:
    if password is None or len(password) < MIN_PASSWORD_LEN:
        raise UserError(f"密码至少需要{MIN_PASSWORD_LEN}个字符。")
    if username and password.strip().lower() == username.strip().lower():
        raise UserError("密码不能与用户名相同。")


def setting(store, key: str):
    return store.get_setting(key, DEFAULTS[key])


def has_accounts(store) -> bool:
    return store.conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None


def _row_to_account(row) -> Account:
    return Account(row["username"], row["display_name"] or "", row["role"], bool(row["active"]),
                   bool(row["must_change"]), row["failed_count"], row["locked_until"], row["created_at"],
                   row["last_login_at"], bool(row["recovery_hash"]))


def list_accounts(store) -> list[Account]:
    return [_row_to_account(r) for r in store.conn.execute("SELECT * FROM accounts ORDER BY username")]


def get_account(store, username: str) -> Account | None:
    row = store.conn.execute("SELECT * FROM accounts WHERE username = ?", ((username or "").strip(),)).fetchone()
    return _row_to_account(row) if row else None


def _public(acc: Account | None) -> dict | None:
    if acc is None:
        return None
    return {"username": acc.username, "display_name": acc.display_name, "role": acc.role, "active": acc.active,
            "must_change": acc.must_change, "locked_until": acc.locked_until}


def _audit(store, action: str, username: str, before: dict | None, after: dict | None, actor: str | None = None) -> None:
    append_audit(store, action, "accounts", username, before, after, actor=actor)


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(20))
    return "-".join(raw[i:i + 4] for i in range(0, 20, 4))


def _normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _admin_count(store) -> int:
    return store.conn.execute("SELECT count(*) FROM accounts WHERE role = ? AND active = 1", (ADMIN,)).fetchone()[0]


# ---------------------------------------------------------------------------- managing accounts
def create_account(store, username: str, password: str, role: str, display_name: str = "",
                   with_recovery: bool | None = None) -> str | None:
    """Create an account. The very first account must be an administrator and may be created by anyone
    (setup); later ones need the "accounts" right. Returns the recovery code (admins) — show it ONCE."""
    username = validate_username(username)
    role = parse_role(role) if role not in ROLES else role
    validate_password(password, username)
    first = not has_accounts(store)
    if first:
        if role != ADMIN:
            raise UserError("第一个账号必须是管理员。")
        # an organisation without any account is open to anyone only within the setup that wrote it, or when
        # `init` deliberately left the administrator for later (it warned); not after an interrupted setup
        if store.initialized and not getattr(store, "setup_session", False) and store.meta(SETUP_OPEN) != "1":
            raise UserError(NO_ADMIN_FOLDER)
    else:
        require(store.actor, "accounts")
    if get_account(store, username):
        raise UserError(f"账号“{username}”已存在。")
    if with_recovery is None:
        with_recovery = role == ADMIN
    code = new_recovery_code() if with_recovery else None
    now = utc_now()
    with store.transaction():
        store.conn.execute(
            "INSERT INTO accounts(username, display_name, role, password_hash, recovery_hash, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?)",
            (username, (display_name or "").strip(), role, HASHER.hash(password),
             HASHER.hash(_normalize_code(code)) if code else None, now, now))
        _audit(store, "account_create", username, None, _public(get_account(store, username)))
        if first and store.meta(SETUP_OPEN):
            store.set_meta(SETUP_OPEN, None)
    return code


def _update(store, username: str, values: dict, action: str, actor: str | None = None) -> Account:
    before = get_account(store, username)
    if before is None:
        raise UserError(f"账号“{username}”不存在。")
    values = dict(values, updated_at=utc_now())
    sets = ", ".join(f"{k} = ?" for k in values)
    with store.transaction():
        store.conn.execute(f"UPDATE accounts SET {sets} WHERE username = ?", [*values.values(), before.username])
        after = get_account(store, before.username)
        _audit(store, action, before.username, _public(before), _public(after), actor=actor)
    if "password_hash" in values and store.meta(DEMO_LOGIN_META):
        store.set_meta(DEMO_LOGIN_META, None)   # the login dialog no longer shows the demo password
    return after


def set_role(store, username: str, role: str) -> Account:
    require(store.actor, "accounts")
    role = parse_role(role) if role not in ROLES else role
    acc = get_account(store, username)
    if acc and acc.role == ADMIN and role != ADMIN and _admin_count(store) <= 1:
        raise UserError("不能取消最后一个管理员的管理员角色。")
    return _update(store, username, {"role": role}, "account_role")


def set_active(store, username: str, active: bool) -> Account:
    require(store.actor, "accounts")
    acc = get_account(store, username)
    if acc and not active:
        if acc.username.lower() == store.actor.username.lower():
            raise UserError("不能停用自己正在使用的账号。")
        if acc.role == ADMIN and _admin_count(store) <= 1:
            raise UserError("不能停用最后一个管理员。")
    return _update(store, username, {"active": 1 if active else 0}, "account_active")


def set_display_name(store, username: str, display_name: str) -> Account:
    if (username or "").lower() != store.actor.username.lower():
        require(store.actor, "accounts")
    return _update(store, username, {"display_name": (display_name or "").strip()}, "account_update")


def unlock(store, username: str) -> Account:
    require(store.actor, "accounts")
    return _update(store, username, {"failed_count": 0, "locked_until": None}, "account_unlock")


def reset_password(store, username: str, new_password: str) -> Account:
    """Administrator sets a temporary password; the user must change it at the next login."""
    require(store.actor, "accounts")
    acc = get_account(store, username)
    if acc is None:
        raise UserError(f"账号“{username}”不存在。")
    validate_password(new_password, acc.username)
    must = 0 if acc.username.lower() == store.actor.username.lower() else 1
    return _update(store, acc.username, {"password_hash": HASHER.hash(new_password), "must_change": must,
                                         "failed_count": 0, "locked_until": None}, "password_reset")


def change_password(store, username: str, old_password: str, new_password: str) -> Account:
    """The user changes their own password (old password required)."""
    acc = get_account(store, username)
    if acc is None or not _verify(store, acc.username, old_password):
        raise AuthError("原密码不正确。")
    validate_password(new_password, acc.username)
    if new_password == old_password:
        raise UserError("新密码不能与原密码相同。")
    return _update(store, acc.username, {"password_hash": HASHER.hash(new_password), "must_change": 0},
                   "password_change", actor=acc.username)


def regenerate_recovery_code(store, username: str) -> str:
    """A new recovery code for an administrator (the old one stops working). Show it once."""
    if (username or "").lower() != store.actor.username.lower():
        require(store.actor, "accounts")
    acc = get_account(store, username)
    if acc is None:
        raise UserError(f"账号“{username}”不存在。")
    if acc.role != ADMIN:
        raise UserError("只有管理员账号使用恢复码。")
    code = new_recovery_code()
    _update(store, acc.username, {"recovery_hash": HASHER.hash(_normalize_code(code))}, "recovery_code_new")
    return code


def recover_with_code(store, username: str, code: str, new_password: str) -> str:
    """Forgotten admin password: the recovery code shown at setup sets a new password. The code is used up;
    a new code is returned (show it once). Wrong codes count toward the lock-out like wrong passwords."""
    acc = get_account(store, username)
    if acc is None or acc.role != ADMIN:
        raise AuthError("恢复码只能用于管理员账号，请检查用户名。")
    _check_lock(store, acc)
    _reserve_attempt(store, acc, _now())
    row = store.conn.execute("SELECT recovery_hash FROM accounts WHERE username = ?", (acc.username,)).fetchone()
    ok = False
    if row and row[0]:
        try:
            ok = HASHER.verify(row[0], _normalize_code(code))
        except _hash_errors():
            ok = False
    if not ok:
        _failed(store, acc)
        raise AuthError("恢复码不正确。")
    validate_password(new_password, acc.username)
    new_code = new_recovery_code()
    _update(store, acc.username, {"password_hash": HASHER.hash(new_password), "recovery_hash":
                                  HASHER.hash(_normalize_code(new_code)), "must_change": 0, "failed_count": 0,
                                  "locked_until": None, "active": 1}, "recovery_used", actor=acc.username)
    return new_code


# ---------------------------------------------------------------------------- login
def _verify(store, username: str, password: str) -> bool:
    row = store.conn.execute("SELECT password_hash FROM accounts WHERE username = ?", (username,)).fetchone()
    if row is None:
        return False
    try:
        return HASHER.verify(row[0], password or "")
    except _hash_errors():
        return False


def _check_lock(store, acc: Account, now: dt.datetime | None = None) -> None:
    now = now or _now()
    if acc.locked(now):
        left = max(1, int((_parse(acc.locked_until) - now).total_seconds() // 60) + 1)
        raise AuthError(f"账号“{acc.username}”因多次输错密码已被锁定，请约{left}分钟后再试，或请管理员解锁。")


def _reserve_attempt(store, acc: Account, now: dt.datetime) -> None:
    """Count this attempt BEFORE the password (or recovery code) is checked, in one IMMEDIATE transaction:
    parallel attempts (60 processes at once) are serialized here, so at most `lockout_attempts` of them are
    ever checked before the account locks. Refuses while locked or when the attempts are used up."""
    limit = int(setting(store, "security.lockout_attempts"))
    minutes = int(setting(store, "security.lockout_minutes"))
    locked_now = None
    with store.transaction():
        row = store.conn.execute("SELECT failed_count, locked_until FROM accounts WHERE username = ?",
                                 (acc.username,)).fetchone()
        fresh = Account(acc.username, acc.display_name, acc.role, acc.active, acc.must_change, row[0], row[1],
                        acc.created_at, acc.last_login_at, acc.has_recovery)
        if fresh.locked(now):
            locked_now = fresh
        elif limit > 0 and row[0] >= limit:   # used up by attempts still being checked: lock now
            until = _iso(now + dt.timedelta(minutes=minutes))
            store.conn.execute("UPDATE accounts SET failed_count = 0, locked_until = ?, updated_at = ? "
                               "WHERE username = ?", (until, utc_now(), acc.username))
            _audit(store, "account_locked", acc.username, _public(acc),
                   dict(_public(acc), locked_until=until), actor=acc.username)
            locked_now = get_account(store, acc.username)
        else:
            store.conn.execute("UPDATE accounts SET failed_count = failed_count + 1 WHERE username = ?",
                               (acc.username,))
    if locked_now is not None:
        _check_lock(store, locked_now, now)


def _failed(store, acc: Account, now: dt.datetime | None = None) -> None:
    """The reserved attempt failed: audit it; lock the account when the attempts are used up. The count is
    read and written inside one transaction (no lost updates between processes)."""
    now = now or _now()
    limit = int(setting(store, "security.lockout_attempts"))
    minutes = int(setting(store, "security.lockout_minutes"))
    with store.transaction():
        count = store.conn.execute("SELECT failed_count FROM accounts WHERE username = ?",
                                   (acc.username,)).fetchone()[0]
        if limit > 0 and count >= limit:
            _update(store, acc.username, {"failed_count": 0,
                                          "locked_until": _iso(now + dt.timedelta(minutes=minutes))},
                    "account_locked", actor=acc.username)
        else:
            _update(store, acc.username, {"failed_count": count}, "login_failed", actor=acc.username)


def authenticate(store, username: str, password: str, now: dt.datetime | None = None) -> Actor:
    """Check a login. Returns the Actor; raises AuthError with a Chinese message otherwise."""
    now = now or _now()
    acc = get_account(store, (username or "").strip())
    if acc is None:
        # same cost and message as a wrong password, so usernames cannot be probed
        try:
            HASHER.verify(HASHER.hash("x" * MIN_PASSWORD_LEN), password or "")
        except _hash_errors():
            pass
        raise AuthError(BAD_LOGIN)
    _check_lock(store, acc, now)
    if not acc.active:
        raise AuthError(f"账号“{acc.username}”已停用，请联系管理员。")
    _reserve_attempt(store, acc, now)
    if not _verify(store, acc.username, password):
        _failed(store, acc, now)
        acc = get_account(store, acc.username)
        if acc.locked(now):
            _check_lock(store, acc, now)
        raise AuthError(BAD_LOGIN)
    values = {"failed_count": 0, "locked_until": None, "last_login_at": _iso(now)}
    row = store.conn.execute("SELECT password_hash FROM accounts WHERE username = ?", (acc.username,)).fetchone()
    if HASHER.check_needs_rehash(row[0]):
        values["password_hash"] = HASHER.hash(password)
    _update(store, acc.username, values, "login", actor=acc.username)
    return acc.actor


def ensure_can_manage(actor: Actor) -> None:
    if actor.role not in (ADMIN, "system"):
        raise PermissionDenied("只有管理员可以管理账号。")
