"""Which account the command line acts as (called by cli.common.open_store).

- No account in the data folder yet: the CLI acts as the system (fresh `init` without --admin-user).
- Read-only commands (open_store(write=False)): an anonymous read-only actor, so personal data stays masked.
- Commands that write: SIFASUO_USER / SIFASUO_PASSWORD from the environment, else a prompt when a terminal
  is attached, else a clear refusal (exit 1).
"""
from __future__ import annotations

import getpass
import os
import sys

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import READONLY, SYSTEM, Actor

from . import accounts

CLI_READONLY = Actor("cli", READONLY, "命令行（只读）")
REFUSAL = ("该数据文件夹已设置账号，这个命令需要登录：请设置环境变量 SIFASUO_USER 和 SIFASUO_PASSWORD"
           "（或在终端中运行以便输入密码）。")


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def prompt_credentials() -> tuple[str, str]:
    sys.stderr.write("该数据文件夹需要登录。\n")
    sys.stderr.flush()
    user = input("用户名：").strip()
    password = getpass.getpass("密码：")
    return user, password


def cli_actor(store, write: bool) -> Actor:
    if not accounts.has_accounts(store):
        return SYSTEM
    if not write:
        return CLI_READONLY
    user = os.environ.get("SIFASUO_USER", "").strip()
    password = os.environ.get("SIFASUO_PASSWORD")
    if user and password is not None:
        return accounts.authenticate(store, user, password)
    if _interactive():
        if user:
            password = getpass.getpass(f"账号“{user}”的密码：")
        else:
            user, password = prompt_credentials()
        return accounts.authenticate(store, user, password)
    raise UserError(REFUSAL)
