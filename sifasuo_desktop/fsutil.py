"""File-system helpers shared by the backup and sync code (no Qt, no SQL)."""
from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (POSIX). Windows cannot open a folder for fsync; NTFS renames
    are journaled, so nothing is needed there."""
    if os.name != "posix":
        return
    try:
        fd = os.open(str(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
