"""Helpers shared by CLI command modules."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.paths import default_data_dir


def data_dir_from(args) -> Path:
    d = getattr(args, "data_dir", None)
    return Path(d) if d else default_data_dir()


def resolve_cli_actor(store, write: bool):
    """The account the CLI acts as. The security module decides (SIFASUO_USER/SIFASUO_PASSWORD, prompt,
    refusal); without accounts in the data folder the CLI acts as the system."""
    from sifasuo_desktop.security.cli_auth import cli_actor

    return cli_actor(store, write)


def open_store(args, write: bool = False, create: bool = False):
    """Open the data folder named by --data-dir (or the default) as the CLI's acting account."""
    from sifasuo_desktop.store import Store

    data_dir = data_dir_from(args)
    if Store.needs_upgrade(data_dir):
        from sifasuo_desktop.store.repo import UPGRADE_NOTICE

        print(UPGRADE_NOTICE, file=sys.stderr, flush=True)
    store = Store.open(data_dir, create=create)
    if not create and not store.initialized:
        store.close()
        raise UserError(f"数据文件夹“{data_dir}”尚未初始化，请先运行 sifasuo init 或 sifasuo demo。")
    try:
        store.actor = resolve_cli_actor(store, write)
    except BaseException:
        store.close()
        raise
    return store


ARGV_SECRET_WARNING = ("警告：写在命令行里的{what}，本机其他用户可以在进程列表（/proc、任务管理器）中看到。"
                       "请改用环境变量 {env}、{file_flag} 文件（- 表示从标准输入读取），或在终端中输入。")


def read_secret(given: str | None, file: str | None, env: str | None, what: str, flag: str) -> str | None:
    """A password or code for a CLI command, in this order: the old command-line flag (still works, with a
    warning: other users see it in /proc), --…-file FILE ('-' = the first line of standard input), the
    environment variable `env`. None: not given (the caller may prompt)."""
    file_flag = f"{flag}-file"
    if given is not None:
        sys.stderr.write(ARGV_SECRET_WARNING.format(what=what, env=env or "", file_flag=file_flag) + "\n")
        return given
    if file:
        try:
            if file == "-":
                text = sys.stdin.readline()
            else:
                with open(file, encoding="utf-8-sig") as fh:
                    text = fh.readline()
        except OSError as exc:
            raise UserError(f"无法读取{file_flag} 文件“{file}”：{exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise UserError(f"{file_flag} 文件“{file}”不是 UTF-8 文本。") from exc
        text = text.rstrip("\r\n")
        if not text:
            raise UserError(f"{file_flag} 给出的{what}是空的。")
        return text
    if env:
        value = os.environ.get(env)
        if value:
            return value
    return None


def add_secret_file_arg(parser, flag: str, what: str) -> None:
    parser.add_argument(f"{flag}-file", metavar="FILE",
                        help=f"从文件的第一行读取{what}（- 表示从标准输入读取）；比写在命令行里安全")


def print_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def date_arg(text: str) -> str:
    from sifasuo_desktop.domain.validators import parse_date

    try:
        iso = parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not iso:
        raise argparse.ArgumentTypeError("日期不能为空")
    return iso
