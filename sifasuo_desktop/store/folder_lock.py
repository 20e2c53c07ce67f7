"""The data folder's lock file (<data>/.sifasuo.lock).

Every Store holds a SHARED lock on it while open (the GUI, every CLI command, worker threads); `restore`
takes it EXCLUSIVELY, so it refuses while anyone else has the folder open and nobody can open the folder
while a restore replaces the database. POSIX: flock(2) (per open file, so two stores of one process count
as two users). Windows: LockFileEx on the first byte (shared / exclusive), released when the handle closes.

A folder where the lock file cannot be created (read-only media) is opened without a lock: nothing can be
written there anyway.
"""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.fsutil import LOCK_FILE, _real

BUSY_FOR_RESTORE = ("数据文件夹正被其他程序使用（例如已打开的台账窗口、另一个命令行命令或计划任务）。"
                    "请先关闭它们后再恢复；数据没有任何改动。")
RESTORE_RUNNING = "数据文件夹正在从备份恢复，请稍后再打开。"
WAIT_SECONDS = 10.0
_exclusive_here: set[str] = set()   # folders this process holds exclusively (restore): its own opens pass


def lock_path(data_dir) -> Path:
    return Path(data_dir) / LOCK_FILE


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _OVERLAPPED(ctypes.Structure):
        _fields_ = [("Internal", ctypes.c_size_t), ("InternalHigh", ctypes.c_size_t),
                    ("Offset", wintypes.DWORD), ("OffsetHigh", wintypes.DWORD), ("hEvent", wintypes.HANDLE)]

    _k32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _LockFileEx = _k32.LockFileEx
    _LockFileEx.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                            ctypes.POINTER(_OVERLAPPED)]
    _LockFileEx.restype = wintypes.BOOL
    _EXCLUSIVE, _FAIL_NOW = 0x2, 0x1

    def _try_lock(fd: int, exclusive: bool) -> bool:
        ov = _OVERLAPPED()
        flags = _FAIL_NOW | (_EXCLUSIVE if exclusive else 0)
        return bool(_LockFileEx(msvcrt.get_osfhandle(fd), flags, 0, 1, 0, ctypes.byref(ov)))
else:
    import fcntl

    def _try_lock(fd: int, exclusive: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        except OSError as exc:  # a file system without locks (some network shares): go on unlocked
            import errno
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            return True


class FolderLock:
    """A held lock; release() (or close of the process) lets go."""

    def __init__(self, fd: int | None, key: str, exclusive: bool):
        self.fd = fd
        self.key = key
        self.exclusive = exclusive

    def release(self) -> None:
        if self.exclusive:
            _exclusive_here.discard(self.key)
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)   # closing the file releases flock / LockFileEx
            self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def _open_lock_file(data_dir) -> int | None:
    path = lock_path(data_dir)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(str(path), flags, 0o600)
    except OSError:
        try:
            return os.open(str(path), os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            return None


def acquire(data_dir, exclusive: bool = False, wait: float | None = None) -> FolderLock:
    """Shared (a Store opens the folder) or exclusive (restore). A shared lock waits up to WAIT_SECONDS for
    a restore to finish; an exclusive one does not wait (someone has the folder open: refuse)."""
    key = _real(data_dir)
    if not exclusive and key in _exclusive_here:
        return FolderLock(None, key, False)   # restore's own opens of the folder
    fd = _open_lock_file(data_dir)
    if fd is None:
        return FolderLock(None, key, exclusive)
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None and not exclusive else (wait or 0.0))
    while True:
        if _try_lock(fd, exclusive):
            break
        if time.monotonic() >= deadline:
            os.close(fd)
            raise UserError(BUSY_FOR_RESTORE if exclusive else RESTORE_RUNNING)
        time.sleep(0.05)
    if exclusive:
        _exclusive_here.add(key)
    return FolderLock(fd, key, exclusive)


def in_use_by_others(data_dir) -> bool:
    """True when some process (or another store of this one) has the folder open."""
    try:
        lk = acquire(data_dir, exclusive=True)
    except UserError:
        return True
    lk.release()
    return False
