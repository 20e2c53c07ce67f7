"""Split a package file into numbered parts under a size cap; reassemble parts in any order.

Part file: MAGIC "TSPART1\\n" | u32 header length | canonical JSON header | raw slice of the package.
header = {package_sha256, package_bytes, package_name, index (1-based), count, part_sha256}
The header is not trusted for security: the reassembled package is verified in full (envelope AEAD,
signature, hashes) like any other. Part names may be changed by a mail client; only contents matter.
"""
from __future__ import annotations

import hashlib
import shutil
import struct
from pathlib import Path

from ..domain.limits import HEX64, MAX_PACKAGE_BYTES, MAX_PART_FILE_BYTES, MAX_PARTS
from . import canonical
from . import errors as E
from .atomic import atomic_output
from .errors import SyncError

MAGIC = b"TSPART1\n"
MAX_HEADER = 4096
DEFAULT_CAP = 20 * 1024 * 1024


def is_part(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def split_package(path: Path, cap: int = DEFAULT_CAP) -> list[Path]:
    """Replace `path` by parts `<name>.partNNofMM` if it is larger than `cap`; return the files to send."""
    path = Path(path)
    size = path.stat().st_size
    if size <= cap:
        return [path]
    body_cap = cap - 512                      # room for the part header
    if body_cap <= 0:
        raise ValueError("cap too small")
    count = (size + body_cap - 1) // body_cap
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    pkg_sha = h.hexdigest()
    parts = []
    width = max(2, len(str(count)))
    try:
        with open(path, "rb") as fh:
            for i in range(1, count + 1):
                data = fh.read(body_cap)
                header = canonical.dumps({"package_sha256": pkg_sha, "package_bytes": size,
                                          "package_name": path.name, "index": i, "count": count,
                                          "part_sha256": hashlib.sha256(data).hexdigest()})
                target = path.with_name(f"{path.name}.part{i:0{width}d}of{count:0{width}d}")
                with atomic_output(target) as out:
                    out.write(MAGIC + struct.pack(">I", len(header)) + header + data)
                parts.append(target)
    except BaseException:
        for p in parts:
            p.unlink(missing_ok=True)
        raise
    path.unlink()
    return parts


def read_part(path: Path) -> tuple[dict, bytes]:
    """The part's header and body. The header is unauthenticated: every field is checked for type and
    range before it names a folder or a size (package_sha256 only as 64 hex digits)."""
    bad = SyncError(E.PARTS, f"分卷文件“{Path(path).name}”已损坏或不完整，请重新复制该分卷。")
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise SyncError(E.PARTS, f"无法读取分卷文件“{Path(path).name}”（{exc.strerror or exc}）。") from exc
    if size > MAX_PART_FILE_BYTES:
        raise SyncError(E.TOO_LARGE, f"分卷文件“{Path(path).name}”超过 {MAX_PART_FILE_BYTES // 2**20} MB，已拒绝。")
    data = Path(path).read_bytes()
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise bad
    (hlen,) = struct.unpack(">I", data[len(MAGIC):len(MAGIC) + 4])
    if not 0 < hlen <= MAX_HEADER:
        raise bad
    try:
        header = canonical.loads_strict(data[len(MAGIC) + 4:len(MAGIC) + 4 + hlen])
        body = data[len(MAGIC) + 4 + hlen:]
        ok = (isinstance(header, dict)
              and set(header) == {"package_sha256", "package_bytes", "package_name", "index", "count",
                                  "part_sha256"}
              and all(type(header[k]) is int for k in ("index", "count", "package_bytes"))
              and all(isinstance(header[k], str) for k in ("package_sha256", "part_sha256", "package_name"))
              and HEX64.match(header["package_sha256"]) is not None
              and hashlib.sha256(body).hexdigest() == header["part_sha256"]
              and 1 <= header["index"] <= header["count"] <= MAX_PARTS
              and 0 < header["package_bytes"] <= MAX_PACKAGE_BYTES
              and len(body) <= header["package_bytes"])
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise bad
    return header, body


class PartStore:
    """A folder collecting parts until every part of a package has arrived."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def add(self, path: Path) -> tuple[Path | None, dict]:
        """Keep a copy of the part; return (reassembled package path or None, status)."""
        header, body = read_part(path)
        group = self.folder / header["package_sha256"]       # 64 hex digits: always inside the folder
        group.mkdir(parents=True, exist_ok=True)
        target = group / f"{int(header['index']):06d}.part"
        if not target.exists():
            with atomic_output(target) as out:
                out.write(body)
        have = sorted(int(p.stem) for p in group.glob("*.part") if p.stem.isdigit())
        if sum((group / f"{i:06d}.part").stat().st_size for i in have) > header["package_bytes"]:
            self.discard(header["package_sha256"])
            raise SyncError(E.PARTS, "分卷合计大小超过分卷头中声明的大小，分卷可能来自不同的导出，已丢弃，请重新导出。")
        status = {"package_name": header["package_name"][:120], "have": len(have), "count": int(header["count"]),
                  "package_sha256": header["package_sha256"]}
        if len(have) < int(header["count"]):
            return None, status
        if have != list(range(1, int(header["count"]) + 1)):
            raise SyncError(E.PARTS, "分卷编号不连续，请重新导出。")
        out_path = group / "package.tspkg"          # the header's name is only shown, never used as a path
        h = hashlib.sha256()
        with atomic_output(out_path) as out:
            for i in have:
                data = (group / f"{i:06d}.part").read_bytes()
                h.update(data)
                out.write(data)
        if h.hexdigest() != header["package_sha256"]:
            out_path.unlink(missing_ok=True)
            raise SyncError(E.PARTS, "各分卷合并后校验失败，分卷可能来自不同的导出，请重新导出。")
        return out_path, status

    def discard(self, package_sha256: str) -> None:
        if HEX64.match(str(package_sha256)):
            shutil.rmtree(self.folder / package_sha256, ignore_errors=True)
