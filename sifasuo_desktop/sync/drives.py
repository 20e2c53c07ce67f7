"""Removable drives (USB sticks) that are mounted now, for the export dialog. No Qt."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def removable_drives() -> list[tuple[str, Path]]:
    """(label, path) of mounted removable drives; best effort, never raises."""
    try:
        if sys.platform.startswith("win"):
            return _windows()
        return _posix()
    except Exception:  # pragma: no cover - platform surprises must not break the dialog
        return []


def _windows() -> list[tuple[str, Path]]:  # pragma: no cover - Windows only
    import ctypes
    import string

    out = []
    mask = ctypes.windll.kernel32.GetLogicalDrives()
    for i, letter in enumerate(string.ascii_uppercase):
        if mask & (1 << i):
            root = f"{letter}:\\"
            if ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) == 2:  # DRIVE_REMOVABLE
                out.append((f"U盘 {letter}:", Path(root)))
    return out


def _posix(mounts_file: str = "/proc/mounts", roots=None) -> list[tuple[str, Path]]:
    """Mount points under the usual removable-media folders (/media, /run/media, /mnt on Linux;
    /Volumes on macOS)."""
    user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
    roots = roots or [Path("/media") / user, Path("/run/media") / user, Path("/media"), Path("/mnt"),
                      Path("/Volumes")]
    found: dict[str, Path] = {}
    mounted = set()
    try:
        with open(mounts_file, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) > 1:
                    mounted.add(parts[1].replace("\\040", " "))
    except OSError:
        mounted = None
    for root in roots:
        if not root.is_dir():
            continue
        for child in sorted(root.iterdir()):
            if child.is_dir() and (mounted is None or str(child) in mounted) and os.access(child, os.W_OK):
                found.setdefault(str(child), child)
    return [(f"U盘 {p.name}", p) for p in found.values()]
