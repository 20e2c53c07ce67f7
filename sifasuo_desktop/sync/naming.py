"""ASCII package file names a clerk can read and that survive FAT32 and mail gateways.

TS1_<from-org>_<to-org>_<kind>_<stream8>_<seqfrom>-<seqto>_<yyyymmddHHMM>.tspkg   (<= 255 chars)
"""
from __future__ import annotations

import datetime as _dt
import re

SUFFIX = ".tspkg"
_SAFE = re.compile(r"[^A-Za-z0-9-]")


def _safe(text: str, limit: int = 32) -> str:
    out = _SAFE.sub("", str(text))
    if not out:
        out = "x" + str(text).encode("utf-8").hex()[:limit - 1]
    return out[:limit]


def package_file_name(from_org: str, to_org: str, kind: str, stream_id: str | None = None,
                      seq_from: int | None = None, seq_to: int | None = None,
                      when: _dt.datetime | None = None) -> str:
    when = when or _dt.datetime.now()
    stream8 = _safe((stream_id or "").replace("-", ""), 8) if stream_id else "0"
    rng = f"{int(seq_from or 0)}-{int(seq_to or 0)}"
    name = "_".join(["TS1", _safe(from_org), _safe(to_org), _safe(kind, 12), stream8, rng,
                     when.strftime("%Y%m%d%H%M")]) + SUFFIX
    assert name.isascii() and len(name) <= 255
    return name


def unique_path(folder, name: str):
    """`folder/name`, or `name` with -2, -3 ... before the suffix if that file already exists."""
    from pathlib import Path
    folder = Path(folder)
    path = folder / name
    stem, dot, ext = name.partition(".")
    i = 2
    while path.exists():
        path = folder / f"{stem}-{i}{dot}{ext}"
        i += 1
    return path
