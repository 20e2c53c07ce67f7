"""File-system helpers shared by every part that writes a file (no Qt, no SQL).

- `check_output_path(path, data_dir=None, allow=())`: the ONE rule for where a command may write a file the
  user chose: never onto the data folder's managed files (the database and its -wal/-shm/-journal, the lock
  file, keys/, backups/, attachments/, sync/, documents/). `allow` names managed areas a command owns
  ("backups" for the backup command, "sync/outbox" for sync export). The data folder is the one given, any
  folder this process has open, and any folder above the target that holds a ledger database.
- `atomic_file(target)` / `atomic_path(target)` / `atomic_write_bytes(target, data)`: write through a temp
  file beside the target (created 0600), fsync, rename, fsync the folder. A failure (full disk, removed
  stick, exception while rendering) leaves no file under the target's name and no temp file.
- `secure_dir` / `secure_file`: data folder 0700, its files 0600 (POSIX; on Windows the per-user profile's
  ACLs protect %APPDATA%, nothing is changed).
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
import uuid
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from sifasuo_desktop.domain.errors import UserError, os_error_text
from sifasuo_desktop.paths import DB_FILE

LOCK_FILE = ".sifasuo.lock"
MANAGED_DIRS = ("keys", "backups", "attachments", "sync", "documents")
TMP_SUFFIX = ".tmp"
_open_data_dirs: dict[str, int] = {}   # real path -> number of open stores in this process
_open_data_dirs_lock = threading.Lock()


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


# ---------------------------------------------------------------------------- which paths are managed
def _real(path) -> str:
    return os.path.normcase(os.path.realpath(os.path.abspath(os.fspath(path))))


def register_data_dir(data_dir) -> None:
    key = _real(data_dir)
    with _open_data_dirs_lock:      # a worker thread (the automatic backup) opens a store of its own
        _open_data_dirs[key] = _open_data_dirs.get(key, 0) + 1


def unregister_data_dir(data_dir) -> None:
    key = _real(data_dir)
    with _open_data_dirs_lock:
        n = _open_data_dirs.get(key, 0) - 1
        if n > 0:
            _open_data_dirs[key] = n
        else:
            _open_data_dirs.pop(key, None)


def _managed_part(rel_parts: tuple[str, ...], allow: Iterable[str]) -> str | None:
    """The managed item `rel_parts` (a path relative to a data folder) falls in, or None."""
    if not rel_parts:
        return None
    first = rel_parts[0]
    db = os.path.normcase(DB_FILE)
    if len(rel_parts) == 1 and (first.startswith(db) or first == os.path.normcase(LOCK_FILE)):
        return first
    if first in MANAGED_DIRS:
        for a in allow:
            a_parts = tuple(os.path.normcase(p) for p in Path(a).parts)
            if rel_parts[:len(a_parts)] == a_parts:
                return None
        return first + "/"
    return None


def managed_conflict(path, data_dirs: Iterable = (), allow: Iterable[str] = ()) -> tuple[Path, str] | None:
    """(data folder, managed item) when writing `path` would touch a data folder's managed file."""
    target = _real(path)
    roots = {_real(d) for d in data_dirs if d} | set(_open_data_dirs)
    # any folder above the target that holds a ledger database is a data folder too
    cur = os.path.dirname(target)
    while True:
        if os.path.isfile(os.path.join(cur, DB_FILE)):
            roots.add(cur)
        nxt = os.path.dirname(cur)
        if nxt == cur:
            break
        cur = nxt
    for root in sorted(roots, key=len, reverse=True):
        if target == root:
            continue
        try:
            rel = os.path.relpath(target, root)
        except ValueError:  # another drive (Windows)
            continue
        if rel.startswith(os.pardir):
            continue
        hit = _managed_part(tuple(Path(rel).parts), allow)
        if hit:
            return Path(root), hit
    return None


def check_output_path(path, data_dir=None, allow: Iterable[str] = ()) -> Path:
    """Refuse (UserError, exit 1) a user-chosen output path on the data folder's managed files. Returns
    the path. Call it before writing anything the user named (--out, a save dialog)."""
    if path is None or not str(path).strip():
        raise UserError("请给出输出文件的位置。")
    if "\x00" in str(path):
        raise UserError("输出文件名中含有非法字符。")
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
    except (OSError, ValueError):
        mode = None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        # the atomic rename would replace a device node or pipe (/dev/full, /dev/sda) with a regular file
        raise UserError(f"不能写入“{p}”：这是设备或管道，不是普通文件。请选择一个文件位置；数据没有任何改动。")
    found = managed_conflict(p, [data_dir] if data_dir else [], allow)
    if found:
        root, item = found
        raise UserError(f"不能写入“{p}”：这是数据文件夹“{root}”中由本程序管理的文件或文件夹（{item}），"
                        "写入会破坏台账数据或同步密钥。请选择数据文件夹以外的位置；数据没有任何改动。")
    return p


# ---------------------------------------------------------------------------- atomic writes
def os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if exc.errno == errno.EROFS:
        return "目标为只读"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有写入权限（文件可能正被其他程序打开）"
    if exc.errno == errno.ENAMETOOLONG:
        return "文件名太长"
    if exc.errno == errno.ENOENT:
        return "文件夹不存在"
    if exc.errno == errno.EISDIR:
        return "这是一个文件夹"
    return os_error_text(exc)   # Chinese for the rest too (the system's English text is not shown)


def write_error(target, exc: OSError) -> UserError:
    return UserError(f"无法写入“{target}”（{os_reason(exc)}），未生成文件；数据没有任何改动。")


def _tmp_name(target: Path) -> Path:
    name = target.name
    if len(name.encode("utf-8", "surrogateescape")) > 180:
        name = name[:40]
    return target.with_name(f".{name}.{uuid.uuid4().hex[:8]}{TMP_SUFFIX}")


@contextlib.contextmanager
def atomic_path(target, mode: int = 0o600) -> Iterator[Path]:
    """Yield a temp path beside `target` (already created, `mode`); a library writes it by name. On success
    it is fsynced and renamed to `target`; on any error it is removed and `target` is left as it was.
    OSError is raised as is (callers turn it into their message, e.g. write_error)."""
    target = Path(target)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(target))
    folder = target.parent
    tmp = _tmp_name(target)
    fd = os.open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    os.close(fd)
    ok = False
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(folder)
        ok = True
    finally:
        if not ok:
            # SQLite (a backup written by name) leaves its rollback journal / WAL beside the temp file
            for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
                with contextlib.suppress(OSError):
                    leftover.unlink()


@contextlib.contextmanager
def atomic_file(target, mode: int = 0o600) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it appears as `target`, on any error nothing appears."""
    with atomic_path(target, mode) as tmp:
        with open(tmp, "wb") as fh:
            yield fh
            fh.flush()


def atomic_write_bytes(target, data: bytes, mode: int = 0o600) -> Path:
    with atomic_file(target, mode) as fh:
        fh.write(data)
    return Path(target)


# ---------------------------------------------------------------------------- file modes
def secure_dir(folder) -> None:
    """The data folder and its sub-folders: owner only (0700) on POSIX."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        st = os.stat(folder)
        if stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(folder, 0o700)


def secure_file(path) -> None:
    """A file holding personal data: owner read/write only (0600) on POSIX."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        st = os.stat(path)
        if stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & 0o600)


def secure_tree(data_dir) -> None:
    """Tighten the modes of an existing data folder (folders 0700, files 0600). The whole tree is walked
    only while the folder itself is still open to others (a folder made by an older version); after that
    only the top level (database, -wal, -shm, lock file) is checked."""
    if os.name != "posix":
        return
    root = Path(data_dir)
    try:
        loose = bool(stat.S_IMODE(os.stat(root).st_mode) & 0o077)
    except OSError:
        return
    secure_dir(root)
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for e in entries:
        try:
            if e.is_symlink():
                continue
            if e.is_dir():
                secure_dir(e.path)
                if loose and e.name in MANAGED_DIRS:
                    for sub, dirs, files in os.walk(e.path):
                        for d in dirs:
                            secure_dir(os.path.join(sub, d))
                        for f in files:
                            secure_file(os.path.join(sub, f))
            elif e.is_file():
                secure_file(e.path)
        except OSError:
            continue


def private_umask() -> None:
    """New files and folders of this process: owner only (POSIX). Called by the CLI and the GUI at start."""
    if os.name == "posix":
        os.umask(0o077)


# ---------------------------------------------------------------------------- litter of killed runs
RESTORING_SUFFIX = ".restoring"
LITTER_MIN_AGE_S = 60


def clean_litter(data_dir, min_age_s: int = LITTER_MIN_AGE_S) -> list[Path]:
    """Remove what a killed restore/backup/output left in the data folder (issue 11 item 14): the decrypted
    restore candidate (<db>.restoring), plain copies of an encrypted backup (backups/.plain-*), check copies
    (.check-*), half-written parts (*.part) and atomic-write temp files. Call it only while holding the
    folder's real shared lock (no restore can be running then); files younger than min_age_s are left alone
    because another process that has the folder open may be writing them right now. Returns what was removed."""
    import time

    root = Path(data_dir)
    cutoff = time.time() - min_age_s
    removed: list[Path] = []

    def drop(p: Path, young_ok: bool = False) -> None:
        try:
            st = p.lstat()
            if not stat.S_ISREG(st.st_mode) or (not young_ok and st.st_mtime > cutoff):
                return
            p.unlink()
            removed.append(p)
        except OSError:
            pass

    drop(root / (DB_FILE + RESTORING_SUFFIX), young_ok=True)
    drop(root / (DB_FILE + RESTORING_SUFFIX + "-journal"), young_ok=True)
    for sub in (root, root / "backups"):
        try:
            entries = list(sub.iterdir())
        except OSError:
            continue
        for p in entries:
            n = p.name
            if n.startswith((".plain-", ".check-")) or n.endswith(".part") or \
                    (n.startswith(".") and n.endswith(TMP_SUFFIX)):
                drop(p)
    att = root / "attachments"
    try:
        for p in att.rglob("*.part"):
            drop(p)
    except OSError:
        pass
    return removed
