"""The one `sifasuo` command. No subcommand opens the GUI.

Exit codes: 0 success, 1 user error (Chinese message on stderr), 2 usage error; command families may
define more (sync import: 3 held, 4 rejected).
"""
from __future__ import annotations

import argparse
import os
import importlib
import sys

from sifasuo_desktop import APP_NAME, __version__
from sifasuo_desktop.domain.errors import UserError

# command family modules in this package; each defines register(subparsers, common)
COMMAND_MODULES = ["core", "check", "docs", "xlsx", "sync", "security", "stats", "rules", "personnel", "discretion",
                   "enterprise", "evaluation"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: exit 2 with a Chinese hint
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: 参数错误：{message}\n")
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help="数据文件夹（默认：用户应用数据目录）")
    parser = _Parser(prog="sifasuo", description=APP_NAME, parents=[common])
    parser.add_argument("--version", action="version", version=f"sifasuo {__version__}")
    parser.add_argument("--quit-after-startup", action="store_true",
                        help="打开主窗口并载入默认台账后立即退出（冒烟测试、启动计时）")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub, common)
    return parser


class _NotGui(Exception):
    pass


class _QuietParser(argparse.ArgumentParser):
    def error(self, message):   # the full parser reports it
        raise _NotGui(message)


def _gui_arguments(argv) -> argparse.Namespace | None:
    """The arguments of a GUI start (`sifasuo [--data-dir D] [--quit-after-startup]`, no command), read without
    building the whole command parser (which imports every command family: ~0.1 s of the GUI's start-up).
    None when argv holds anything else: the full parser then reads it (and reports any error)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if any(a in ("-h", "--help", "--version") for a in argv):
        return None
    quick = _QuietParser(add_help=False, allow_abbrev=False)
    quick.add_argument("--data-dir", default=argparse.SUPPRESS)
    quick.add_argument("--quit-after-startup", action="store_true")
    try:
        args, rest = quick.parse_known_args(argv)
    except _NotGui:
        return None
    if rest:
        return None
    args.command = None
    return args


def main(argv=None) -> int:
    from sifasuo_desktop.fsutil import private_umask

    private_umask()   # files and folders this process creates: owner only (POSIX)
    args = _gui_arguments(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    try:
        if not args.command:
            from sifasuo_desktop.ui.app import run_gui

            code = run_gui(getattr(args, "data_dir", None), quit_after_startup=args.quit_after_startup)
            # the store is closed and everything is on disk; skip the interpreter's teardown of Qt wrappers,
            # which PySide6 can crash on (a crash there would turn a clean exit into a failure code)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # `sifasuo docs list | head`: the reader went away; no traceback
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except UserError as exc:
        sys.stderr.write(f"错误：{exc.message}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("已取消。\n")
        return 1
    except OSError as exc:   # a file or folder the command needed: a Chinese reason, never a traceback
        from sifasuo_desktop.domain.errors import os_error_text

        where = f"“{_short(exc.filename)}”" if getattr(exc, "filename", None) else ""
        sys.stderr.write(f"错误：读写{where or '文件'}时出错：{os_error_text(exc)}。数据没有任何改动。\n")
        _log_details(exc)
        return 1
    except MemoryError:
        sys.stderr.write("错误：内存不足，操作未完成；数据没有任何改动。请关闭其他程序后重试，或把文件拆小。\n")
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message and a log file, no traceback
        import sqlite3

        if isinstance(exc, sqlite3.Error):
            from sifasuo_desktop.store.repo import sqlite_error_text

            sys.stderr.write(f"错误：数据文件读写出错（{sqlite_error_text(exc)}），操作未完成。\n")
        else:
            sys.stderr.write(f"错误：程序内部错误（{type(exc).__name__}），操作未完成。\n")
        where = _log_details(exc)
        if where:
            sys.stderr.write(f"详细信息已写入“{where}”，请把该文件发给技术支持。\n")
        return 1


def _short(path, keep: int = 120) -> str:
    text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else str(path)
    return text if len(text) <= keep else text[:keep // 2] + "…" + text[-keep // 2:]


def _log_details(exc: BaseException) -> str | None:
    """Write the traceback to a private file in the temp folder (SIFASUO_DEBUG=1: to stderr); returns its path."""
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(exc))
    if os.environ.get("SIFASUO_DEBUG"):
        sys.stderr.write(text)
        return None
    try:
        fd, name = tempfile.mkstemp(prefix="sifasuo-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(" ".join(sys.argv[:1] + [a for a in sys.argv[1:2]]) + "\n" + text)
        return name
    except OSError:
        return None
