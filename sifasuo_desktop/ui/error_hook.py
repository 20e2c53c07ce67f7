"""The GUI's last line of defence (issue 12): an exception that escapes a slot or a worker thread never ends in a
traceback on the console and a form that silently stays open. The user gets a Chinese message (what happened,
that the form's content is still there), and the details go to <data folder>/logs/errors.log (0600, appended).

    install(data_dir)      # once, after the QApplication exists
    user_text(exc)         # the Chinese sentence for an exception (store errors mapped to what the clerk can do)
"""
from __future__ import annotations

import datetime as _dt
import os
import sqlite3
import sys
import threading
import traceback
from pathlib import Path

from sifasuo_desktop import APP_NAME
from sifasuo_desktop.domain.errors import UserError

LOG_NAME = "errors.log"
_state = {"dir": None, "showing": False, "installed": False}


def log_path(data_dir) -> Path:
    return Path(data_dir) / "logs" / LOG_NAME


def user_text(exc: BaseException) -> str:
    from sifasuo_desktop.store.repo import sqlite_error_text

    if isinstance(exc, UserError):
        return exc.message
    if isinstance(exc, sqlite3.Error):
        return f"{sqlite_error_text(exc)}。"
    if isinstance(exc, MemoryError):
        return "内存不足，操作未完成。请关闭其他程序后重试。"
    if isinstance(exc, OSError):
        from sifasuo_desktop.domain.errors import os_error_text
        return f"读写文件时出错：{os_error_text(exc)}。"
    return f"程序内部错误（{type(exc).__name__}），这次操作未完成。"


def write_log(exc_type, exc, tb, where: str = "") -> Path | None:
    """Append the traceback to the data folder's error log (None when there is no folder or it cannot be written)."""
    data_dir = _state["dir"]
    if data_dir is None:
        return None
    path = log_path(data_dir)
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(f"---- {_dt.datetime.now().isoformat(timespec='seconds')} {where}\n")
            fh.write("".join(traceback.format_exception(exc_type, exc, tb)))
        return path
    except OSError:
        return None


def _show(exc, logged: Path | None) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None or _state["showing"]:
        return
    _state["showing"] = True
    try:
        text = user_text(exc)
        if not isinstance(exc, UserError):
            text += "\n\n已录入但未保存的内容仍在窗口中，可以修改后再保存；之前保存的数据不受影响。"
            if logged is not None:
                text += f"\n详细信息已记入“{logged}”，如问题反复出现，请把该文件发给技术支持。"
        parent = QApplication.activeModalWidget() or QApplication.activeWindow()
        QMessageBox.critical(parent, APP_NAME, text)
    finally:
        _state["showing"] = False


def handle(exc_type, exc, tb) -> None:
    """sys.excepthook: log, then tell the user (never re-raises, never prints a traceback)."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    logged = None if isinstance(exc, UserError) else write_log(exc_type, exc, tb, "GUI")
    try:
        _show(exc, logged)
    except Exception:  # noqa: BLE001 - the hook itself must never raise
        pass


def _thread_hook(args) -> None:
    # a worker thread: log only (Qt widgets must not be touched off the GUI thread)
    if args.exc_type is SystemExit:
        return
    write_log(args.exc_type, args.exc_value, args.exc_traceback, f"thread {getattr(args.thread, 'name', '')}")


def install(data_dir) -> None:
    _state["dir"] = Path(data_dir) if data_dir else None
    sys.excepthook = handle
    threading.excepthook = _thread_hook
    _state["installed"] = True
