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
    data = Path(path).read_bytes()
    bad = SyncError(E.PARTS, f"分卷文件“{Path(path).name}”已损坏或不完整，请重新复制该分卷。")
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise bad
    (hlen,) = struct.unpack(">I", data[len(MAGIC):len(MAGIC) + 4])
    if not 0 < hlen <= MAX_HEADER:
        raise bad
    try:
        header = canonical.loads_strict(data[len(MAGIC) + 4:len(MAGIC) + 4 + hlen])
        body = data[len(MAGIC) + 4 + hlen:]
        ok = (isinstance(header, dict) and hashlib.sha256(body).hexdigest() == header["part_sha256"]
              and 1 <= int(header["index"]) <= int(header["count"]) <= 100000
              and len(str(header["package_sha256"])) == 64)
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
        group = self.folder / header["package_sha256"]
        group.mkdir(parents=True, exist_ok=True)
        target = group / f"{int(header['index']):06d}.part"
        if not target.exists():
            with atomic_output(target) as out:
                out.write(body)
        have = sorted(int(p.stem) for p in group.glob("*.part"))
        status = {"package_name": header["package_name"], "have": len(have), "count": int(header["count"]),
                  "package_sha256": header["package_sha256"]}
        if len(have) < int(header["count"]):
            return None, status
        if have != list(range(1, int(header["count"]) + 1)):
            raise SyncError(E.PARTS, "分卷编号不连续，请重新导出。")
        name = Path(str(header["package_name"])).name or "package.tspkg"
        out_path = group / name
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
        shutil.rmtree(self.folder / package_sha256, ignore_errors=True)
