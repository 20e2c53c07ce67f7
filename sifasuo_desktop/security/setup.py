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


def after_init(store, args) -> None:
    """Create the first administrator from --admin-user/--admin-password, prompting when a terminal is
    attached; without a terminal and without flags, warn and go on (no account yet)."""
    user = getattr(args, "admin_user", None)
    password = getattr(args, "admin_password", None)
    if accounts.has_accounts(store):
        return
    if not user and not password and not _interactive():
        sys.stderr.write(NO_ACCOUNT_WARNING + "\n")
        return
    if not user:
        if not _interactive():
            sys.stderr.write("缺少 --admin-user。" + NO_ACCOUNT_WARNING + "\n")
            return
        user = input("管理员用户名（默认 admin）：").strip() or "admin"
    accounts.validate_username(user)
    if password is None:
        if not _interactive():
            sys.stderr.write("缺少 --admin-password。" + NO_ACCOUNT_WARNING + "\n")
            return
        password = _ask_password(user)
    try:
        code = accounts.create_account(store, user, password, ADMIN)
    except UserError as exc:
        sys.stderr.write(f"未创建管理员账号：{exc.message}\n{NO_ACCOUNT_WARNING}\n")
        return
    print(f"已创建管理员账号：{user}")
    print(recovery_notice(user, code))


def after_demo(store) -> dict:
    """The demo folder gets admin / demo1234 so a newcomer can log in."""
    if accounts.has_accounts(store):
        return {}
    code = accounts.create_account(store, DEMO_USER, DEMO_PASSWORD, ADMIN, display_name="演示管理员")
    return {"login": f"{DEMO_USER} / {DEMO_PASSWORD}", "recovery_code": code}
