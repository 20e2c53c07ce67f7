"""Signed manifest + canonical container + encrypted envelope: build and verify a package.

Inside the envelope (after decryption) the container holds, in this order:
  manifest.json   canonical JSON: format, suite, package_id, kind, sender, recipient, schema_version,
                  created_at_local, files[{path, bytes, sha256, records}], plus kind-specific fields
  manifest.sig    canonical JSON {alg, key_id, sig}; sig = Ed25519(b"TSPKG1\\0" + manifest.json)
  data/...        payload files (gzip'ed NDJSON etc.), each listed with its SHA-256 in the manifest
Verification order: envelope (recipient key, AEAD, truncation) -> container layout -> manifest strict
parse -> format/suite -> recipient is me -> signature by a trusted, non-revoked key -> schema version
-> exactly the listed files, each with the listed size and hash. Nothing touches the database before
all of this passed.
"""
from __future__ import annotations

import datetime as _dt
import gzip
import hashlib
import io
import os
import tempfile
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .. import __version__ as APP_VERSION
from ..domain.limits import MAX_PACKAGE_BYTES
from . import canonical, container, envelope
from . import errors as E
from .atomic import atomic_output
from .errors import SyncError
from .keys import LocalKeys, PublicIdentity, b64d, b64e

FORMAT = "tspkg/1"
SIG_CONTEXT = b"TSPKG1\0"
KINDS = ("changes", "snapshot", "ack", "catalog", "hello")
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MAX_PLAIN = 2 * 1024 * 1024 * 1024   # cap for one decompressed data file
DATA_FILE = "data/changes-0001.ndjson.gz"   # the records of a changes/snapshot package

TrustLookup = Callable[[str, str], "PublicIdentity | None"]


def now_local() -> str:
    return _dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


def sha256_hex(data) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- NDJSON payload helpers ---------------------------------------------------------------------
def ndjson_gz(rows: Iterable[dict]) -> tuple[bytes, int]:
    """Gzip'ed NDJSON (deterministic: mtime 0), one canonical JSON object per line."""
    buf = io.BytesIO()
    count = 0
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=6) as gz:
        for row in rows:
            gz.write(canonical.dumps(row, allow_float=True) + b"\n")
            count += 1
    return buf.getvalue(), count


def iter_ndjson_gz(data, limit: int = MAX_PLAIN) -> Iterator[dict]:
    """Decompress with a hard output bound and yield parsed rows (strict JSON)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    produced = 0
    pending = b""
    view = memoryview(data)
    step = 1 << 20
    try:
        for i in range(0, len(view), step):
            chunk = view[i:i + step]
            while chunk:
                out = d.decompress(chunk, 1 << 22)
                chunk = d.unconsumed_tail
                produced += len(out)
                if produced > limit:
                    raise SyncError(E.ZIP_BOMB, "同步包中的数据解压后超出上限，已拒绝。")
                pending += out
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    yield canonical.loads_strict(line, allow_float=True)
            if d.eof and (d.unused_data or i + step < len(view)):
                raise SyncError(E.CORRUPT, "同步包数据文件格式不正确。")
        if not d.eof or pending:
            raise SyncError(E.CORRUPT, "同步包数据文件格式不正确。")
    except (zlib.error, ValueError) as exc:
        raise SyncError(E.CORRUPT, "同步包数据文件格式不正确。") from exc


# ---- build ----------------------------------------------------------------------------------------
def build_manifest(*, sender: LocalKeys, recipient: PublicIdentity, kind: str, schema_version: int,
                   files: dict[str, bytes], records: dict[str, int] | None = None,
                   extra: dict | None = None, suite: str = "intl-1") -> dict:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind}")
    records = records or {}
    manifest = {
        "format": FORMAT, "suite": suite, "package_id": str(uuid.uuid4()), "kind": kind,
        "sender": {"org": sender.org_code, "role": sender.role, "key_id": sender.key_id},
        "recipient": {"org": recipient.org_code, "role": recipient.role, "key_id": recipient.key_id},
        "app_version": APP_VERSION, "schema_version": int(schema_version),
        "created_at_local": now_local(),
        "files": [{"path": name, "bytes": len(data), "sha256": sha256_hex(data),
                   "records": int(records.get(name, 0))} for name, data in files.items()],
    }
    for k, v in (extra or {}).items():
        if k in manifest and k != "sender":
            raise ValueError(f"extra field {k} clashes with the envelope fields")
        if k == "sender":
            manifest["sender"] = dict(manifest["sender"], **v)
        else:
            manifest[k] = v
    return manifest


def seal_package(out_path: Path, manifest: dict, files: dict[str, bytes], sender: LocalKeys,
                 recipient: PublicIdentity) -> Path:
    """Sign `manifest`, write the container, encrypt it for `recipient`, write atomically."""
    manifest_bytes = canonical.dumps(manifest)
    sig = canonical.dumps({"alg": "ed25519", "key_id": sender.key_id,
                           "sig": b64e(sender.sign(SIG_CONTEXT + manifest_bytes))})
    with tempfile.TemporaryFile() as plain:
        container.write_zip(plain, [(MANIFEST, manifest_bytes), (SIGNATURE, sig)] + list(files.items()))
        plain.seek(0)
        with atomic_output(Path(out_path)) as fh:
            envelope.encrypt(plain, fh, recipient, manifest["suite"])
    return Path(out_path)


# ---- verify ---------------------------------------------------------------------------------------
@dataclass
class VerifiedPackage:
    manifest: dict
    files: dict[str, bytes]
    outer_sha256: str
    sender: PublicIdentity
    source: Path | None = None

    @property
    def package_id(self) -> str:
        return self.manifest["package_id"]

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    def records(self, name: str) -> Iterator[dict]:
        """Rows of a gzip'ed NDJSON file; the count must match the signed manifest."""
        want = next(f["records"] for f in self.manifest["files"] if f["path"] == name)
        n = 0
        for row in iter_ndjson_gz(self.files[name]):
            n += 1
            if n > want:
                break
            yield row
        if n != want:
            raise SyncError(E.HASH_MISMATCH, f"同步包文件“{name}”的记录数与清单不符。")


class _HashingReader:
    def __init__(self, fh):
        self.fh = fh
        self.h = hashlib.sha256()

    def read(self, n=-1):
        data = self.fh.read(n)
        self.h.update(data)
        return data


def open_package(path: Path, me: LocalKeys, trust: TrustLookup, schema_version: int) -> VerifiedPackage:
    """Decrypt and verify a package file completely. Raises SyncError with a Chinese reason."""
    path = Path(path)
    try:
        src_fh = open(path, "rb")
        size = os.fstat(src_fh.fileno()).st_size
    except OSError as exc:
        raise SyncError(E.NOT_A_PACKAGE, f"无法读取文件“{path.name}”（{exc.strerror or exc}）。") from exc
    if size > MAX_PACKAGE_BYTES:   # before decryption: anyone with our public identity can encrypt to us
        src_fh.close()
        raise SyncError(E.TOO_LARGE, f"同步包“{path.name}”有 {size // 2**20} MB，超过上限 "
                                     f"{MAX_PACKAGE_BYTES // 2**20} MB，已拒绝（请分成几个包导出）。")
    with src_fh, tempfile.TemporaryFile() as plain:
        src = _HashingReader(src_fh)
        envelope.decrypt(src, plain, me)
        outer = src.h.hexdigest()
        plain.seek(0)
        data = plain.read()
    return verify_container(data, me, trust, schema_version, outer, path)


def verify_container(data: bytes, me: LocalKeys, trust: TrustLookup, schema_version: int,
                     outer_sha256: str = "", source: Path | None = None) -> VerifiedPackage:
    entries = container.read_zip(data)
    if MANIFEST not in entries or SIGNATURE not in entries:
        raise SyncError(E.MISSING_FILE, "同步包缺少清单或签名文件。")
    manifest_bytes = bytes(entries[MANIFEST])
    try:
        manifest = canonical.loads_strict(manifest_bytes)
        sig_doc = canonical.loads_strict(bytes(entries[SIGNATURE]))
        if not isinstance(manifest, dict) or not isinstance(sig_doc, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        raise SyncError(E.BAD_MANIFEST, "同步包清单格式不正确。") from exc
    if manifest.get("format") != FORMAT:
        raise SyncError(E.FORMAT, f"同步包格式“{str(manifest.get('format'))[:40]}”与本程序（{FORMAT}）不兼容，"
                                  "请双方升级到相同版本。")
    if manifest.get("suite") not in envelope.SUITES:
        raise SyncError(E.SUITE, f"同步包使用了本程序不支持的加密套件“{str(manifest.get('suite'))[:40]}”。")
    try:
        sender = manifest["sender"]
        recipient = manifest["recipient"]
        s_org, s_kid = str(sender["org"]), str(sender["key_id"])
        r_org, r_kid = str(recipient["org"]), str(recipient["key_id"])
        files = manifest["files"]
        if not isinstance(files, list):
            raise ValueError
    except (KeyError, TypeError, ValueError) as exc:
        raise SyncError(E.BAD_MANIFEST, "同步包清单缺少必要字段。") from exc
    if r_org != me.org_code or r_kid != me.key_id:
        raise SyncError(E.NOT_FOR_ME, f"这个同步包是发给“{r_org}”的，不是发给本单位（{me.org_code}）的，不能导入。")
    if sig_doc.get("alg") != "ed25519" or sig_doc.get("key_id") != s_kid:
        raise SyncError(E.BAD_SIGNATURE, "同步包签名信息与清单中的发送方密钥不一致，已拒绝。")
    ident = trust(s_org, s_kid)
    if ident is None:
        raise SyncError(E.UNKNOWN_KEY, f"发送方“{s_org}”的密钥（编号 {s_kid}）不在本机信任列表中，"
                                       "请先核对指纹并导入对方身份文件。")
    if ident.revoked_at:
        raise SyncError(E.REVOKED_KEY, f"发送方“{s_org}”的密钥（编号 {s_kid}）已于 {ident.revoked_at} 吊销，已拒绝。")
    try:
        sig = b64d(sig_doc.get("sig", ""), 64)
    except ValueError:
        sig = b""
    if not sig or not ident.verify(SIG_CONTEXT + manifest_bytes, sig):
        raise SyncError(E.BAD_SIGNATURE, "同步包签名校验失败（包被改动，或不是由所声称的发送方签发），已拒绝。")
    if manifest.get("schema_version") != schema_version:
        raise SyncError(E.SCHEMA, f"同步包的数据结构版本（{manifest.get('schema_version')}）与本机"
                                  f"（{schema_version}）不同，请双方升级到相同版本后重新导出。")
    if manifest.get("kind") not in KINDS or not isinstance(manifest.get("package_id"), str):
        raise SyncError(E.BAD_MANIFEST, "同步包清单中的类型或编号不正确。")
    from .manifest_check import check_manifest
    check_manifest(manifest)      # every field's type and range, before anything uses it
    listed = {}
    for f in files:
        listed[f["path"]] = (f["bytes"], f["sha256"])
    present = set(entries) - {MANIFEST, SIGNATURE}
    extra = sorted(present - set(listed))
    if extra:
        raise SyncError(E.EXTRA_FILE, f"同步包中有清单之外的文件“{extra[0]}”，已拒绝。")
    missing = sorted(set(listed) - present)
    if missing:
        raise SyncError(E.MISSING_FILE, f"同步包缺少清单中列出的文件“{missing[0]}”。")
    out = {}
    for name, (size, digest) in listed.items():
        body = entries[name]
        if len(body) != size or sha256_hex(body) != digest:
            raise SyncError(E.HASH_MISMATCH, f"同步包中的文件“{name}”与清单中的校验值不符，已拒绝。")
        out[name] = bytes(body)
    return VerifiedPackage(manifest, out, outer_sha256, ident, source)
