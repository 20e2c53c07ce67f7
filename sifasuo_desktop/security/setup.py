"""Hooks called by `sifasuo init` and `sifasuo demo` (cli/core.py) to create the first account."""
from __future__ import annotations

import getpass
import sys

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import ADMIN

from . import accounts

DEMO_USER = "admin"
DEMO_PASSWORD = "demo1234"
NO_ACCOUNT_WARNING = ("警告：未创建管理员账号。在创建第一个账号之前，任何人都可以用命令行修改这个数据文件夹。"
                      "请尽快运行：sifasuo accounts add --user 用户名 --role admin")


def recovery_notice(username: str, code: str) -> str:
    return (f"管理员“{username}”的恢复码（只显示这一次，请抄下来锁好）：{code}\n"
            f"忘记管理员密码时运行：sifasuo accounts recover --user {username}（输入恢复码后设置新密码）。")


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _ask_password(username: str) -> str:
    for _ in range(3):
        first = getpass.getpass(f"为管理员“{username}”设置密码（至少{accounts.MIN_PASSWORD_LEN}位）：")
        second = getpass.getpass("再输入一次：")
        if first != second:
            sys.stderr.write("两次输入的密码不一致，请重新输入。\n")
            continue
        try:
            accounts.validate_password(first, username)
        except UserError as exc:
            sys.stderr.write(exc.message + "\n")
            continue
        return first
    raise UserError("未能设置管理员密码。")


def gather_admin(args) -> tuple[str, str] | str:
    """The first administrator's name and password from --admin-user/--admin-password (or the prompt, when a
    terminal is attached), asked BEFORE anything is written. A string: init goes on without one, and prints
    this warning once it has succeeded."""
    user = getattr(args, "admin_user", None)
    password = getattr(args, "admin_password", None)
    if not user and not password and not _interactive():
        return NO_ACCOUNT_WARNING
    if not user:
        if not _interactive():
            return "缺少 --admin-user。" + NO_ACCOUNT_WARNING
        user = input("管理员用户名（默认 admin）：").strip() or "admin"
    accounts.validate_username(user)
    if password is None:
        if not _interactive():
            return "缺少 --admin-password。" + NO_ACCOUNT_WARNING
        password = _ask_password(user)
    accounts.validate_password(password, user)
    return user, password


def init_with_admin(store, args, init_org) -> tuple:
    """`sifasuo init`: the organisation and its first administrator in ONE transaction, so a killed init
    leaves either nothing or both (never an organisation that anyone could claim). Returns (org, user, code)."""
    creds = gather_admin(args)
    with store.transaction():
        org = init_org()
        if isinstance(creds, str):
            store.set_meta(accounts.SETUP_OPEN, "1")
        else:
            code = accounts.create_account(store, creds[0], creds[1], ADMIN)
    if isinstance(creds, str):
        sys.stderr.write(creds + "\n")
        return org, None, None
    return org, creds[0], code


def after_init(store, args) -> None:
    """Kept for callers that wrote the organisation themselves (same setup session)."""
    if accounts.has_accounts(store):
        return
    creds = gather_admin(args)
    if isinstance(creds, str):
        store.set_meta(accounts.SETUP_OPEN, "1")
        sys.stderr.write(creds + "\n")
        return
    code = accounts.create_account(store, creds[0], creds[1], ADMIN)
    print(f"已创建管理员账号：{creds[0]}")
    print(recovery_notice(creds[0], code))


def after_demo(store) -> dict:
    """The demo folder gets admin / demo1234 so a newcomer can log in."""
    if accounts.has_accounts(store):
        return {}
    code = accounts.create_account(store, DEMO_USER, DEMO_PASSWORD, ADMIN, display_name="演示管理员")
    store.set_meta(accounts.DEMO_LOGIN_META, f"{DEMO_USER} / {DEMO_PASSWORD}")
    return {"login": f"{DEMO_USER} / {DEMO_PASSWORD}", "recovery_code": code}
