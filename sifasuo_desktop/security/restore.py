"""Restore: check a backup (decrypting it when needed) without touching any data folder, and replace a data
folder's database with one (split out of backup.py).

- restore() takes the folder lock exclusively, checks the backup's integrity, schema and org, asks `authorize`,
  keeps a copy of what it replaces (<data>/backups/replaced-*.sqlite3), starts a new sync stream and restores
  the attachments beside the backup.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sifasuo_desktop import fsutil
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.fsutil import fsync_dir
from sifasuo_desktop.paths import db_path
from sifasuo_desktop.store import migrations as _migrations

from .backup import (META_LAST_SEQ, BackupInfo, _stamp, _unique, backups_dir, decrypt_file, is_encrypted,
                     list_backups, restore_attachments)


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to a backup file. A backup made from a WAL database keeps the WAL flag in its
    header, and SQLite then needs to create a -shm file next to it even to read: on a write-protected stick or
    a CD that fails ("attempt to write a readonly database"). Such a file is opened as immutable (nobody
    writes a backup file while it is being restored)."""
    from urllib.parse import quote

    uri = "file:" + quote(str(Path(path).absolute()))
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if "readonly" not in text and "read-only" not in text and "unable to open" not in text:
            return conn     # not a database, damaged ...: the caller's own check reports it
        conn.close()
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)


def _check_db_file(path: Path) -> dict:
    """Integrity and identity of a plain backup database; raises UserError when unusable."""
    try:
        conn = open_read_only(path)
    except sqlite3.Error as exc:
        raise UserError(f"无法打开备份文件：{exc}") from exc
    try:
        try:
            res = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise UserError(f"备份文件不是有效的台账数据库（{exc}）。") from exc
        if res != "ok":
            raise UserError(f"备份文件已损坏（{res}）。")
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
        except sqlite3.DatabaseError as exc:
            raise UserError("备份文件不是本程序的台账数据库。") from exc
        if not meta.get("org_code"):
            raise UserError("备份文件中没有机构信息（不是已初始化的台账数据库）。")
        unknown = sorted(applied - set(_migrations.known_names()))
        if unknown:
            raise UserError("备份文件由更新版本的程序创建，本程序无法恢复，请先升级程序。")
        count = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        return {"org_code": meta.get("org_code"), "org_name": meta.get("org_name"), "audit_entries": count}
    finally:
        conn.close()


def _prepare(backup_file: Path, target: Path, passphrase: str | None) -> dict:
    """Copy (decrypting if needed) the backup to `target` and check it."""
    if not backup_file.is_file():
        raise UserError(f"找不到备份文件“{backup_file}”。")
    target.unlink(missing_ok=True)
    try:
        if is_encrypted(backup_file):
            decrypt_file(backup_file, target, passphrase=passphrase)
        else:
            try:
                src = open_read_only(backup_file)
                dst = sqlite3.connect(str(target))
            except sqlite3.Error as exc:
                raise UserError(f"无法读取备份文件或写入临时文件（{exc}）。") from exc
            try:
                src.backup(dst)
            except sqlite3.DatabaseError as exc:
                raise UserError(f"备份文件不是有效的台账数据库（{exc}）。") from exc
            finally:
                dst.close()
                src.close()
            with open(target, "rb") as fh:
                os.fsync(fh.fileno())
        return _check_db_file(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def check_backup(backup_file, passphrase: str | None = None, work_dir=None) -> dict:
    """Decrypt if needed and check a backup without touching any data folder."""
    backup_file = Path(backup_file)
    work = Path(work_dir) if work_dir else backup_file.parent
    try:
        work.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法写入文件夹“{work}”：{exc.strerror or exc}") from exc
    tmp = _unique(work / f".check-{_stamp()}.sqlite3")
    try:
        return _prepare(backup_file, tmp, passphrase)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass
class RestoreResult:
    replaced_copy: Path | None
    stream_id: str
    org_code: str
    org_name: str
    attachments_restored: int = 0
    attachments_failed: list = None


def restore(data_dir, backup_file, passphrase: str | None = None,
            authorize: Callable | None = None, force: bool = False) -> RestoreResult:
    """Replace the data folder's database with a backup.

    The backup is decrypted/copied and checked first; `authorize(store)` is then called with the current store
    (or, when the current database is missing or broken, with the backup) and may raise to refuse. A copy of
    the current database is kept as backups/replaced-<time>.sqlite3. Afterwards a new sync stream is started.
    When a current database exists but cannot be opened (damaged, or made by a newer version), neither its
    accounts nor its org can be checked: that is refused unless `force` (an explicit confirmation; `authorize`
    then checks an administrator of the backup).
    """
    data_dir = Path(data_dir)
    backup_file = Path(backup_file)
    db = db_path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        bdir = backups_dir(data_dir)
        bdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法写入数据文件夹“{data_dir}”：{exc.strerror or exc}") from exc
    from sifasuo_desktop.store.folder_lock import acquire

    # nobody else may have the folder open (GUI, CLI, scheduled backup) while the database is replaced,
    # and nobody can open it until the restore is done
    with acquire(data_dir, exclusive=True):
        return _restore_locked(data_dir, backup_file, db, bdir, passphrase, authorize, force)


UNCHECKABLE = ("当前的数据文件无法打开（已损坏，或由更新版本的程序创建），无法核对它的账号和所属机构。"
               "如确定要用这份备份覆盖，请加 --force 再运行，并以备份中的管理员账号登录；"
               "当前的数据文件会先保留一份副本。")


def _restore_locked(data_dir: Path, backup_file: Path, db: Path, bdir: Path, passphrase, authorize,
                    force: bool = False) -> RestoreResult:
    from sifasuo_desktop.store import Store
    from sifasuo_desktop.store.repo import Store as _Store

    if db.exists() and backup_file.resolve() == db.resolve():
        raise UserError("不能用正在使用的数据文件恢复自身。")
    candidate = db.with_name(db.name + fsutil.RESTORING_SUFFIX)
    info = _prepare(backup_file, candidate, passphrase)
    try:
        current = None
        if db.exists():
            try:
                current = Store.open(data_dir, create=False, check=True)
            except (UserError, sqlite3.Error):
                current = None
            if current is None and not force:
                raise UserError(UNCHECKABLE)
        replaced = None
        try:
            mine = current.org if current is not None else None
            if mine is not None and info.get("org_code") and info["org_code"] != mine.code:
                raise UserError(f"这份备份属于“{info.get('org_name') or ''}”（{info['org_code']}），而这个数据文件夹是"
                                f"“{mine.name}”（{mine.code}），不能用它覆盖。如需查看该备份，请恢复到一个新的空文件夹。")
            if authorize is not None:
                if current is not None:
                    authorize(current)
                else:
                    conn = sqlite3.connect(str(candidate))
                    conn.row_factory = sqlite3.Row
                    try:
                        has_table = conn.execute(
                            "SELECT 1 FROM sqlite_master WHERE name = 'accounts'").fetchone()
                        authorize(_Store(data_dir, conn, SYSTEM) if has_table else None)
                    finally:
                        conn.close()
            stamp = _stamp()
            if db.exists():
                replaced = _unique(bdir / f"replaced-{stamp}.sqlite3")
                if current is not None:
                    current.backup_to(replaced)
                    current.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                else:
                    shutil.copyfile(db, replaced)
        finally:
            if current is not None:
                current.close()
        wal, shm = Path(str(db) + "-wal"), Path(str(db) + "-shm")
        if current is not None and wal.exists() and wal.stat().st_size > 0:
            raise UserError("数据文件正被其他程序（例如已打开的台账窗口）使用，请先关闭后再恢复。")
        for side in (wal, shm):
            if side.exists():
                if replaced is not None and side is wal and side.stat().st_size > 0:
                    shutil.move(str(side), str(replaced) + "-wal")
                else:
                    side.unlink()
        os.replace(candidate, db)
        fsync_dir(data_dir)
    except BaseException:
        candidate.unlink(missing_ok=True)
        raise
    store = Store.open(data_dir, actor=SYSTEM)
    try:
        sid = store.new_stream()
        from .audit import append_audit

        append_audit(store, "restore", "meta", "database", None,
                     {"backup": backup_file.name, "stream_id": sid,
                      "replaced_copy": replaced.name if replaced else None})
        store.set_meta(META_LAST_SEQ, None)
    finally:
        store.close()
    att, att_failed = restore_attachments(backup_file.parent, data_dir, passphrase)
    return RestoreResult(replaced, sid, info["org_code"], info.get("org_name") or "", att, att_failed)


def newest_good_backup(data_dir, extra_dirs=(), passphrase: str | None = None) -> tuple[BackupInfo, dict] | None:
    """The newest backup that decrypts (when a passphrase is given) and passes the integrity check."""
    for info in list_backups(data_dir, extra_dirs):
        if info.kind == "replaced":
            continue
        if info.encrypted and not passphrase:
            continue
        try:
            details = check_backup(info.path, passphrase, work_dir=backups_dir(data_dir))
        except UserError:
            continue
        return info, details
    return None
