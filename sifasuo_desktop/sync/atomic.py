"""Atomic file output for sync files: the project's one atomic writer (sifasuo_desktop.fsutil) with the
sync module's error type.

A reader never sees a half-written file under the final name; after a power cut either the old
state or the complete new file exists (plus, at worst, a stray *.tmp).
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import BinaryIO, Iterator

from sifasuo_desktop import fsutil

from . import errors as E
from .errors import SyncError

TMP_SUFFIX = fsutil.TMP_SUFFIX


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it appears as `target`, on any error nothing appears."""
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise SyncError(E.WRITE_FAILED, f"目标文件夹不存在：{folder}")
    try:
        with fsutil.atomic_file(target) as fh:
            yield fh
    except OSError as exc:
        raise SyncError(E.WRITE_FAILED, f"写入“{target.name}”失败（{_os_reason(exc)}），未生成文件。") from exc


def _os_reason(exc: OSError) -> str:
    return fsutil.os_reason(exc)
