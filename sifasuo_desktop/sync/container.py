"""The inner container: a ZIP file with STORED (uncompressed) entries in one canonical layout.

Why our own tiny writer/reader instead of `zipfile`: a ZIP has metadata (timestamps, attributes,
offsets, comments) that no signature covers. By writing exactly one layout (fixed date 1980-01-01,
UTF-8 flag, regular-file mode 0644, no extra fields, no comments, entries back to back) and refusing
anything that deviates by a single byte, every bit of the container is either checked against the
central directory, covered by CRC-32, or covered by the signed manifest's SHA-256 of each file.
Compression happens inside the files (gzip'ed NDJSON), bounded on read, so there is nothing to bomb.
Names must match ^[A-Za-z0-9._/-]+$ without '..', absolute paths, empty parts, directories,
duplicates or symlinks; entry count and total size are capped.
"""
from __future__ import annotations

import re
import stat
import struct
import zlib
from typing import BinaryIO, Iterable

from . import errors as E
from .errors import SyncError

LOCAL_SIG = b"PK\x03\x04"
CEN_SIG = b"PK\x01\x02"
EOCD_SIG = b"PK\x05\x06"
LOCAL = struct.Struct("<4sHHHHHIIIHH")        # 30 bytes
CEN = struct.Struct("<4sHHHHHHIIIHHHHHII")    # 46 bytes
EOCD = struct.Struct("<4sHHHHIIH")            # 22 bytes

VER_MADE = (3 << 8) | 20     # unix, 2.0
VER_NEEDED = 20
FLAGS = 0x0800               # names are UTF-8
DOS_TIME = 0
DOS_DATE = (0 << 9) | (1 << 5) | 1   # 1980-01-01
EXT_ATTR = (stat.S_IFREG | 0o644) << 16

NAME_RE = re.compile(r"^[A-Za-z0-9._/-]+$")
MAX_ENTRIES = 20000                # manifest, signature, data file and attachment files
MAX_TOTAL = 1024 * 1024 * 1024     # 1 GiB of entries in one package
MAX_RATIO = 100                    # for compressed entries from foreign zips: anything above is a bomb

_BAD = "同步包内部结构不正确（压缩包格式被改动或损坏）。"


def check_name(name: str) -> None:
    if (not NAME_RE.match(name) or name.startswith("/") or name.endswith("/")
            or any(part in ("", ".", "..") for part in name.split("/"))):
        raise SyncError(E.UNSAFE_ZIP, f"同步包中有不安全的文件名“{name[:80]}”，已拒绝。")


def write_zip(out: BinaryIO, entries: Iterable[tuple[str, bytes]]) -> None:
    """Write entries (name, data) in the canonical layout."""
    central = []
    offset = 0
    seen = set()
    for name, data in entries:
        check_name(name)
        if name in seen:
            raise ValueError(f"duplicate entry {name}")
        seen.add(name)
        nb = name.encode("ascii")
        crc = zlib.crc32(data) & 0xFFFFFFFF
        size = len(data)
        out.write(LOCAL.pack(LOCAL_SIG, VER_NEEDED, FLAGS, 0, DOS_TIME, DOS_DATE, crc, size, size, len(nb), 0))
        out.write(nb)
        out.write(data)
        central.append(CEN.pack(CEN_SIG, VER_MADE, VER_NEEDED, FLAGS, 0, DOS_TIME, DOS_DATE, crc, size, size,
                                len(nb), 0, 0, 0, 0, EXT_ATTR, offset) + nb)
        offset += LOCAL.size + len(nb) + size
    cd = b"".join(central)
    out.write(cd)
    out.write(EOCD.pack(EOCD_SIG, 0, 0, len(central), len(central), len(cd), offset, 0))


def read_zip(data: bytes) -> dict[str, memoryview]:
    """Parse and strictly check a container. Returns name -> contents (views into `data`)."""
    mv = memoryview(data)
    n = len(data)
    if n < EOCD.size or n > MAX_TOTAL + 64 * 1024 * 1024:
        raise SyncError(E.UNSAFE_ZIP, _BAD)
    sig, disk, cd_disk, n_disk, n_total, cd_size, cd_off, clen = EOCD.unpack_from(data, n - EOCD.size)
    if sig != EOCD_SIG or clen != 0 or disk != 0 or cd_disk != 0 or n_disk != n_total:
        raise SyncError(E.UNSAFE_ZIP, _BAD)
    if n_total > MAX_ENTRIES:
        raise SyncError(E.UNSAFE_ZIP, f"同步包中的文件数过多（{n_total}），已拒绝。")
    if cd_off + cd_size != n - EOCD.size:
        raise SyncError(E.UNSAFE_ZIP, _BAD)
    # 1) central directory: names, types and sizes first (specific reasons for malicious zips)
    entries = []
    pos = cd_off
    total = 0
    seen: set[str] = set()
    for _ in range(n_total):
        if pos + CEN.size > cd_off + cd_size:
            raise SyncError(E.UNSAFE_ZIP, _BAD)
        f = CEN.unpack_from(data, pos)
        (sig, made, needed, flags, method, mtime, mdate, crc, csize, usize, nlen, xlen, ccount,
         dstart, iattr, eattr, loff) = f
        if sig != CEN_SIG:
            raise SyncError(E.UNSAFE_ZIP, _BAD)
        end = pos + CEN.size + nlen + xlen + ccount
        if end > cd_off + cd_size:
            raise SyncError(E.UNSAFE_ZIP, _BAD)
        raw_name = bytes(mv[pos + CEN.size: pos + CEN.size + nlen])
        try:
            name = raw_name.decode("utf-8")
        except UnicodeDecodeError:
            raise SyncError(E.UNSAFE_ZIP, "同步包中有不安全的文件名（编码不正确），已拒绝。") from None
        check_name(name)
        if name in seen:
            raise SyncError(E.UNSAFE_ZIP, f"同步包中有重复的文件名“{name}”，已拒绝。")
        seen.add(name)
        ftype = stat.S_IFMT(eattr >> 16)
        if ftype == stat.S_IFLNK:
            raise SyncError(E.UNSAFE_ZIP, f"同步包中有符号链接“{name}”，已拒绝。")
        total += usize
        if usize > MAX_TOTAL or total > MAX_TOTAL or (method != 0 and usize > MAX_RATIO * max(csize, 1)):
            raise SyncError(E.ZIP_BOMB, "同步包解压后过大或压缩比异常（疑似压缩炸弹），已拒绝。")
        if method != 0:
            raise SyncError(E.UNSAFE_ZIP, "同步包使用了不支持的压缩方式，已拒绝。")
        entries.append((name, raw_name, f))
        pos = end
    if pos != cd_off + cd_size:
        raise SyncError(E.UNSAFE_ZIP, _BAD)
    # 2) canonical layout, byte for byte
    out: dict[str, memoryview] = {}
    expect_off = 0
    for name, raw_name, f in entries:
        (sig, made, needed, flags, method, mtime, mdate, crc, csize, usize, nlen, xlen, ccount,
         dstart, iattr, eattr, loff) = f
        if (made, needed, flags, mtime, mdate, xlen, ccount, dstart, iattr, eattr) != (
                VER_MADE, VER_NEEDED, FLAGS, DOS_TIME, DOS_DATE, 0, 0, 0, 0, EXT_ATTR):
            raise SyncError(E.UNSAFE_ZIP, _BAD)
        if csize != usize or loff != expect_off or loff + LOCAL.size + nlen + csize > cd_off:
            raise SyncError(E.UNSAFE_ZIP, _BAD)
        local = LOCAL.unpack_from(data, loff)
        if local != (LOCAL_SIG, needed, flags, method, mtime, mdate, crc, csize, usize, nlen, 0):
            raise SyncError(E.UNSAFE_ZIP, _BAD)
        if bytes(mv[loff + LOCAL.size: loff + LOCAL.size + nlen]) != raw_name:
            raise SyncError(E.UNSAFE_ZIP, _BAD)
        start = loff + LOCAL.size + nlen
        body = mv[start:start + csize]
        if zlib.crc32(body) & 0xFFFFFFFF != crc:
            raise SyncError(E.HASH_MISMATCH, f"同步包中的文件“{name}”校验失败（内容已损坏）。")
        out[name] = body
        expect_off = start + csize
    if expect_off != cd_off:
        raise SyncError(E.UNSAFE_ZIP, _BAD)
    return out
