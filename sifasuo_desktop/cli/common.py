"""Helpers shared by CLI command modules."""
from __future__ import annotations

import argparse
import json
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
    try:
        from sifasuo_desktop.security.cli_auth import cli_actor  # provided by the security module
    except ImportError:
        from sifasuo_desktop.domain.permissions import SYSTEM
        return SYSTEM
    return cli_actor(store, write)


def open_store(args, write: bool = False, create: bool = False):
    """Open the data folder named by --data-dir (or the default) as the CLI's acting account."""
    from sifasuo_desktop.store import Store

    data_dir = data_dir_from(args)
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
