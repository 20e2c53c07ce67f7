"""Atomic file output: write a temp file beside the target, fsync, rename, fsync the folder.

A reader never sees a half-written file under the final name; after a power cut either the old
state or the complete new file exists (plus, at worst, a stray *.tmp that the next run removes).
"""
from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import BinaryIO, Iterator

from sifasuo_desktop.fsutil import fsync_dir

from . import errors as E
from .errors import SyncError

TMP_SUFFIX = ".tmp"


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it appears as `target`, on any error nothing appears."""
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise SyncError(E.WRITE_FAILED, f"目标文件夹不存在：{folder}")
    tmp = folder / f".{target.name}.{uuid.uuid4().hex[:8]}{TMP_SUFFIX}"
    try:
        fh = open(tmp, "xb")
    except OSError as exc:
        raise SyncError(E.WRITE_FAILED, f"无法在“{folder}”写入文件（{_os_reason(exc)}）。") from exc
    ok = False
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(folder)
        ok = True
    except OSError as exc:
        raise SyncError(E.WRITE_FAILED, f"写入“{target.name}”失败（{_os_reason(exc)}），未生成文件。") from exc
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _os_reason(exc: OSError) -> str:
    import errno
    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if exc.errno in (errno.EROFS,):
        return "目标为只读"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有写入权限"
    return exc.strerror or str(exc)
