"""Backups (restoring one: security/restore.py).

- Every backup is an SQLite online backup (store.backup_to), integrity-checked before it is kept.
- Automatic backups go to <data>/backups/auto-YYYYmmdd-HHMMSS.sqlite3 (on exit, every 30 minutes while there
  are changes) and are thinned to 12 daily, 10 weekly and 9 monthly; an optional second folder (USB stick)
  gets the same files. Before an import: backup_before(store, "import").
- Optional passphrase encryption (scrypt + AES-256-GCM in 4 MiB chunks, the last chunk marked so a cut-off
  file is refused). The derived key (never the passphrase) is kept in the local meta table so automatic
  backups can be encrypted without asking; restoring an encrypted file needs the passphrase.
- list_backups() finds them; restore.py checks one and puts it back.
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import os
import re
import shutil
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path


from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import require
from sifasuo_desktop import fsutil

MAGIC = b"SIFASUO-BACKUP-ENC1\n"
CHUNK = 4 * 1024 * 1024
KDF_N, KDF_R, KDF_P = 2 ** 15, 8, 1
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 12, 10, 9
KEEP_PRE = 10
AUTO_INTERVAL_MINUTES = 30
_AUTO_RE = re.compile(r"^auto-(\d{8})-(\d{6})(?:-\d+)?\.sqlite3(?:\.enc)?$")
_PRE_RE = re.compile(r"^pre-[\w.-]+-(\d{8})-(\d{6})(?:-\d+)?\.sqlite3(?:\.enc)?$")
META_KEY = "backup.enc_key"
META_SALT = "backup.enc_salt"
META_SECOND = "backup.second_dir"
META_LAST_SEQ = "backup.last_seq"
META_LAST_AT = "backup.last_at"
META_MANUAL = "backup.manual"   # JSON list of the last manual backups [{path, at}] (first-run checklist)
MANUAL_KEEP = 10


def backups_dir(data_dir) -> Path:
    return Path(data_dir) / "backups"


def _stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def _unique(path: Path) -> Path:
    if not path.exists():
        return path
    stem, suffix = path.name.split(".", 1)
    for i in range(2, 1000):
        cand = path.with_name(f"{stem}-{i}.{suffix}")
        if not cand.exists():
            return cand
    raise UserError(f"无法在“{path.parent}”中生成备份文件名。")


# ---------------------------------------------------------------------------- encryption
@functools.lru_cache(maxsize=8)  # attachments encrypted with the same key share the salt
def derive_key(passphrase: str, salt: bytes, n: int = KDF_N, r: int = KDF_R, p: int = KDF_P) -> bytes:
    if not passphrase:
        raise UserError("备份密码不能为空。")
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt   # imported when used: not at GUI start-up

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def is_encrypted(path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def encrypt_file(src: Path, dst: Path, key: bytes, salt: bytes) -> None:
    """Write src encrypted to dst (fsutil.atomic_file: temp file, fsync, rename)."""
    header = json.dumps({"kdf": "scrypt", "n": KDF_N, "r": KDF_R, "p": KDF_P,
                         "salt": base64.b64encode(salt).decode(), "chunk": CHUNK,
                         "prefix": base64.b64encode(os.urandom(7)).decode()}).encode()
    prefix = base64.b64decode(json.loads(header)["prefix"])
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aes = AESGCM(key)
    size = src.stat().st_size
    with open(src, "rb") as fin, fsutil.atomic_file(dst) as fout:
        fout.write(MAGIC + struct.pack(">I", len(header)) + header)
        index = 0
        done = 0
        while True:
            block = fin.read(CHUNK)
            done += len(block)
            final = done >= size
            nonce = prefix + struct.pack(">IB", index, 1 if final else 0)
            ct = aes.encrypt(nonce, block, header)
            fout.write(struct.pack(">IB", len(ct), 1 if final else 0) + ct)
            index += 1
            if final:
                break


def decrypt_file(src: Path, dst: Path, passphrase: str | None = None, key: bytes | None = None) -> None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    with open(src, "rb") as fin:
        if fin.read(len(MAGIC)) != MAGIC:
            raise UserError(f"“{src.name}”不是加密的备份文件。")
        (hlen,) = struct.unpack(">I", fin.read(4))
        header = fin.read(hlen)
        try:
            info = json.loads(header)
            salt = base64.b64decode(info["salt"])
            prefix = base64.b64decode(info["prefix"])
        except (ValueError, KeyError) as exc:
            raise UserError(f"备份文件“{src.name}”已损坏（文件头无法读取）。") from exc
        if key is None:
            if not passphrase:
                raise UserError(f"备份文件“{src.name}”已加密，需要备份密码。")
            key = derive_key(passphrase, salt, info["n"], info["r"], info["p"])
        aes = AESGCM(key)
        index = 0
        with open(dst, "wb") as fout:
            while True:
                head = fin.read(5)
                if len(head) < 5:
                    raise UserError(f"备份文件“{src.name}”不完整（可能在复制时被截断）。")
                length, final = struct.unpack(">IB", head)
                ct = fin.read(length)
                nonce = prefix + struct.pack(">IB", index, final)
                try:
                    fout.write(aes.decrypt(nonce, ct, header))
                except InvalidTag:
                    if index == 0:
                        raise UserError("备份密码不正确，或备份文件已损坏。") from None
                    raise UserError(f"备份文件“{src.name}”已损坏（第{index + 1}段校验失败）。") from None
                index += 1
                if final:
                    break
            fout.flush()
            os.fsync(fout.fileno())


# ---------------------------------------------------------------------------- configuration (local, not synced)
def set_passphrase(store, passphrase: str | None) -> None:
    """Encrypt automatic backups with this passphrase from now on (None: stop encrypting). Admin only."""
    require(store.actor, "settings")
    if not passphrase:
        store.set_meta(META_KEY, None)
        store.set_meta(META_SALT, None)
        return
    if len(passphrase) < 8:
        raise UserError("备份密码至少需要8个字符。")
    salt = os.urandom(16)
    key = derive_key(passphrase, salt)
    store.set_meta(META_SALT, base64.b64encode(salt).decode())
    store.set_meta(META_KEY, base64.b64encode(key).decode())


def _stored_key(store) -> tuple[bytes, bytes] | None:
    key, salt = store.meta(META_KEY), store.meta(META_SALT)
    if not key or not salt:
        return None
    return base64.b64decode(key), base64.b64decode(salt)


def set_second_dir(store, folder: str | None) -> None:
    require(store.actor, "settings")
    if folder:
        p = Path(folder)
        if not p.is_dir():
            raise UserError(f"第二备份文件夹“{folder}”不存在（U盘是否已插好？）。")
    store.set_meta(META_SECOND, str(Path(folder).resolve()) if folder else None)


def config(store) -> dict:
    return {"second_dir": store.meta(META_SECOND) or None, "encrypted": _stored_key(store) is not None,
            "last_backup_at": store.meta(META_LAST_AT) or None, "folder": str(backups_dir(store.data_dir))}


# ---------------------------------------------------------------------------- making backups
def _write_backup(store, target: Path, key_salt: tuple[bytes, bytes] | None) -> Path:
    if key_salt is None:
        return store.backup_to(target)
    plain = _unique(backups_dir(store.data_dir) / f".plain-{_stamp()}.sqlite3")
    try:
        store.backup_to(plain)
        target.parent.mkdir(parents=True, exist_ok=True)
        encrypt_file(plain, target, *key_salt)
    finally:
        plain.unlink(missing_ok=True)
    return target


def make_backup(store, out, passphrase: str | None = None) -> Path:
    """A backup the user asked for, to a file of their choice (optionally encrypted with `passphrase`)."""
    require(store.actor, "backup")
    out = fsutil.check_output_path(out, store.data_dir, allow=("backups",))
    if out.is_dir():
        out = out / f"sifasuo-{store.org.code}-{_stamp()}.sqlite3{'.enc' if passphrase else ''}"
    key_salt = None
    if passphrase:
        salt = os.urandom(16)
        key_salt = (derive_key(passphrase, salt), salt)
    try:
        written = _write_backup(store, out, key_salt)
        _note_manual(store, written)
        return written
    except OSError as exc:
        raise UserError(f"无法写入备份文件“{out}”（{fsutil.os_reason(exc)}），未生成文件；当前数据没有受影响。") from exc
    except sqlite3.Error as exc:
        raise UserError(f"备份失败（{exc}）：请检查目标磁盘是否已满、是否可写。未生成文件；当前数据没有受影响。") from exc


def _note_manual(store, path: Path) -> None:
    """Remember where the user's own backups went (the first-run checklist's "first backup to a USB stick")."""
    try:
        done = json.loads(store.meta(META_MANUAL) or "[]")
    except ValueError:
        done = []
    done = [d for d in done if isinstance(d, dict) and d.get("path") != str(path)]
    done.insert(0, {"path": str(Path(path).resolve()), "at": dt.datetime.now().isoformat(timespec="minutes")})
    store.set_meta(META_MANUAL, json.dumps(done[:MANUAL_KEEP], ensure_ascii=False))


def other_drive(path, data_dir) -> bool:
    """`path` lies on another drive than the data folder (a USB stick, a network share): a copy that survives
    the PC's own disk. Compared by device number (drive/volume on Windows, mount on Linux)."""
    try:
        return os.stat(Path(path).parent).st_dev != os.stat(data_dir).st_dev
    except OSError:
        return False


def manual_backups(store) -> list[dict]:
    """The remembered manual backups whose file still exists, newest first: {path, at, other_drive}."""
    try:
        done = json.loads(store.meta(META_MANUAL) or "[]")
    except ValueError:
        return []
    out = []
    for d in done:
        if isinstance(d, dict) and d.get("path") and Path(d["path"]).is_file():
            out.append(dict(d, other_drive=other_drive(d["path"], store.data_dir)))
    return out


def _audit_top(store) -> int:
    row = store.conn.execute("SELECT max(seq) FROM audit_log").fetchone()
    return row[0] or 0


def has_unsaved_changes(store) -> bool:
    return str(_audit_top(store)) != (store.meta(META_LAST_SEQ) or "")


@dataclass
class AutoResult:
    path: Path | None
    second: Path | None = None
    warning: str = ""
    removed: int = 0
    attachments: int = 0  # attachment files newly copied to the second folder


def auto_backup(store, force: bool = False, now: dt.datetime | None = None) -> AutoResult:
    """Automatic backup (exit, timer): only when something changed since the last one; thinned afterwards."""
    if not force and not has_unsaved_changes(store):
        return AutoResult(None)
    top = _audit_top(store)
    key_salt = _stored_key(store)
    folder = backups_dir(store.data_dir)
    name = f"auto-{_stamp(now)}.sqlite3" + (".enc" if key_salt else "")
    path = _write_backup(store, _unique(folder / name), key_salt)
    result = AutoResult(path)
    second = store.meta(META_SECOND)
    if second:
        try:
            target = _unique(Path(second) / path.name)
            with fsutil.atomic_path(target) as tmp:
                shutil.copyfile(path, tmp)
            result.second = target
            result.removed += len(thin(Path(second), now=now))
            result.attachments = mirror_attachments(store.data_dir, Path(second), key_salt)
        except OSError as exc:
            result.warning = f"未能复制到第二备份文件夹“{second}”：{exc.strerror or exc}"
    result.removed += len(thin(folder, now=now))
    store.set_meta(META_LAST_SEQ, top)
    store.set_meta(META_LAST_AT, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    return result


# ---------------------------------------------------------------------------- attachments
ATTACHMENTS = "attachments"


def mirror_attachments(data_dir, dest_root, key_salt: tuple[bytes, bytes] | None = None) -> int:
    """Copy attachment files not yet in <dest_root>/attachments (encrypted as *.enc when a key is set).
    Attachments are content-addressed and never changed, so existing copies are skipped. Returns the count."""
    src = Path(data_dir) / ATTACHMENTS
    if not src.is_dir():
        return 0
    dest = Path(dest_root) / ATTACHMENTS
    copied = 0
    for f in sorted(src.rglob("*")):
        if not f.is_file() or f.name.endswith(".part"):
            continue
        target = dest / f.relative_to(src)
        if key_salt:
            target = target.with_name(target.name + ".enc")
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if key_salt:
            encrypt_file(f, target, *key_salt)
        else:
            with fsutil.atomic_path(target) as tmp:
                shutil.copyfile(f, tmp)
        copied += 1
    return copied


def restore_attachments(source_root, data_dir, passphrase: str | None = None) -> tuple[int, list[str]]:
    """Bring back attachment files missing from the data folder from <source_root>/attachments."""
    src = Path(source_root) / ATTACHMENTS
    dest = Path(data_dir) / ATTACHMENTS
    copied, failed = 0, []
    if not src.is_dir():
        return 0, []
    for f in sorted(src.rglob("*")):
        if not f.is_file() or f.name.endswith(".part"):
            continue
        rel = f.relative_to(src)
        encrypted = f.name.endswith(".enc") and is_encrypted(f)
        if encrypted:
            rel = rel.with_name(rel.name[:-4])
        target = dest / rel
        if target.exists():
            continue
        tmp = target.with_name(target.name + ".part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if encrypted:
                decrypt_file(f, tmp, passphrase=passphrase)
            else:
                shutil.copyfile(f, tmp)
            os.replace(tmp, target)
            copied += 1
        except (UserError, OSError):
            tmp.unlink(missing_ok=True)
            failed.append(rel.as_posix())
    return copied, failed


def backup_before(store, reason: str) -> Path:
    """Call before an import or another bulk change: a backup named pre-<reason>-<time>; the last 10 kept."""
    reason = re.sub(r"[^\w.-]", "_", reason)[:30] or "change"
    key_salt = _stored_key(store)
    folder = backups_dir(store.data_dir)
    path = _write_backup(store, _unique(folder / f"pre-{reason}-{_stamp()}.sqlite3{'.enc' if key_salt else ''}"),
                         key_salt)
    head = f"pre-{reason}-"
    pres = sorted((p for p in folder.iterdir() if p.name.startswith(head) and _PRE_RE.match(p.name)),
                  key=lambda p: _PRE_RE.match(p.name).groups(), reverse=True)
    for old in pres[KEEP_PRE:]:
        old.unlink(missing_ok=True)
    return path


def _auto_time(name: str) -> dt.datetime | None:
    m = _AUTO_RE.match(name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def thin_plan(times: list[dt.datetime]) -> set[dt.datetime]:
    """Which backup times to keep: the newest of each of the last 12 days, 10 weeks and 9 months that have one."""
    keep: set[dt.datetime] = set()
    ordered = sorted(times, reverse=True)
    for bucket, limit in ((lambda t: t.date(), KEEP_DAILY), (lambda t: t.isocalendar()[:2], KEEP_WEEKLY),
                          (lambda t: (t.year, t.month), KEEP_MONTHLY)):
        seen = []
        for t in ordered:
            b = bucket(t)
            if b in seen:
                continue
            if len(seen) >= limit:
                break
            seen.append(b)
            keep.add(t)
    return keep


def _clean_temp(folder: Path, min_age_s: int = 600) -> None:
    """Leftovers of interrupted backups (*.part, .plain-*, .check-*) older than min_age_s."""
    cutoff = dt.datetime.now().timestamp() - min_age_s
    for p in folder.iterdir():
        if p.name.endswith(".part") or p.name.startswith((".plain-", ".check-")) or \
                p.name.startswith(".") and p.name.endswith(fsutil.TMP_SUFFIX):
            try:
                if p.stat().st_mtime < cutoff:
                    p.unlink()
            except OSError:
                pass


def thin(folder: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete automatic backups that thin_plan does not keep; returns the deleted files."""
    if not folder.is_dir():
        return []
    _clean_temp(folder)
    files = {}
    for p in folder.iterdir():
        t = _auto_time(p.name)
        if t is not None:
            files.setdefault(t, []).append(p)
    keep = thin_plan(list(files))
    removed = []
    for t, paths in files.items():
        if t in keep:
            continue
        for p in paths:
            try:
                p.unlink()
                removed.append(p)
            except OSError:
                pass
    return removed


# ---------------------------------------------------------------------------- listing and checking
@dataclass
class BackupInfo:
    path: Path
    when: dt.datetime
    kind: str          # auto | pre | replaced | manual
    encrypted: bool
    size: int


def list_backups(data_dir, extra_dirs=()) -> list[BackupInfo]:
    out = []
    for folder in [backups_dir(data_dir), *[Path(d) for d in extra_dirs if d]]:
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if not p.is_file() or not (p.name.endswith(".sqlite3") or p.name.endswith(".sqlite3.enc")):
                continue
            if p.name.startswith("."):
                continue
            kind = "auto" if p.name.startswith("auto-") else "pre" if p.name.startswith("pre-") else \
                "replaced" if p.name.startswith("replaced-") else "manual"
            st = p.stat()
            when = _auto_time(p.name) or dt.datetime.fromtimestamp(st.st_mtime)
            out.append(BackupInfo(p, when, kind, is_encrypted(p), st.st_size))
    out.sort(key=lambda b: b.when, reverse=True)
    return out
