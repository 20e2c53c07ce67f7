"""Which files of a PyInstaller analysis go into the bundle (used by installer/sifasuo.spec).

Kept separate from the spec so the rules are importable and tested (tests/installer).
Entries are PyInstaller TOC tuples (dest_name, src_name, typecode).
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

# platform plugins: X11, Wayland, Windows, plus offscreen/minimal for CI and --quit-after-startup
KEEP_PLATFORMS = re.compile(r"q(xcb|offscreen|minimal|wayland[\w-]*|windows)\.(so|dll)$")
KEEP_IMAGEFORMATS = re.compile(r"q(jpeg|gif|ico|svg)d?\.(so|dll)$")
KEEP_TRANSLATIONS = {"qtbase_zh_CN.qm", "qt_zh_CN.qm"}
DROP_PLUGIN_DIRS = {
    "generic", "networkinformation", "tls", "sqldrivers", "qmltooling", "designer",
    "egldeviceintegrations", "wayland-graphics-integration-server", "multimedia", "position",
    "sensors", "webview", "geoservices", "texttospeech", "scenegraph", "qmllint", "canbus",
}
_NEEDED_RE = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")


def _norm(dest: str) -> str:
    return dest.replace("\\", "/")


def keep(dest: str) -> bool:
    """False for Qt plugins/translations we do not ship (by destination path in the bundle)."""
    d = _norm(dest)
    m = re.search(r"/plugins/([^/]+)/([^/]+)$", d)
    if m:
        cat, name = m.groups()
        if cat in DROP_PLUGIN_DIRS:
            return False
        # libqgtk3 makes PyInstaller copy the host's whole GTK stack (toolchain.md §3)
        if cat == "platformthemes" and "gtk" in name:
            return False
        if cat == "platforms" and not KEEP_PLATFORMS.search(name):
            return False
        if cat == "imageformats" and not KEEP_IMAGEFORMATS.search(name):
            return False
    if "/translations/" in d and d.endswith(".qm"):
        return d.rsplit("/", 1)[1] in KEEP_TRANSLATIONS
    return True


def elf_needed(path: str) -> list[str] | None:
    """NEEDED sonames of an ELF file; None when readelf is unavailable."""
    try:
        out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return None
    return _NEEDED_RE.findall(out)


def prunable(dest: str) -> bool:
    """Only dependency libraries PyInstaller put at the top level or into Qt's lib folder may go.

    Libraries inside a package folder (pypdfium2_raw/libpdfium.so, ...) are loaded with
    ctypes/dlopen, which leaves no NEEDED trace, so they always stay.
    """
    parent = str(Path(_norm(dest)).parent).replace("\\", "/")
    return parent in ("", ".") or parent.endswith("PySide6/Qt/lib")


def prune_orphans(binaries, needed=elf_needed, log=print):
    """Drop shared libraries that nothing left in the bundle needs (Linux, ELF NEEDED closure).

    Roots are Python extension modules, Qt plugins and libpython; everything reachable from them
    through NEEDED stays, and so does every library that is not `prunable` (dlopen'ed ones). Filtering plugins alone would leave e.g. the GTK libraries that only
    libqgtk3 needed.
    """
    by_name: dict[str, list] = {}
    for entry in binaries:
        by_name.setdefault(Path(_norm(entry[0])).name, []).append(entry)
    roots = [e for e in binaries
             if e[2] == "EXTENSION" or "/plugins/" in _norm(e[0]) or "libpython" in Path(_norm(e[0])).name]
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        e = stack.pop()
        if e[0] in seen:
            continue
        seen.add(e[0])
        sonames = needed(e[1])
        if sonames is None:  # cannot inspect: keep everything rather than break the bundle
            return list(binaries)
        for so in sonames:
            stack.extend(by_name.get(so, []))
    kept = [e for e in binaries if e[0] in seen or not prunable(e[0])]
    dropped = sorted(Path(_norm(e[0])).name for e in binaries if e[0] not in seen and prunable(e[0]))
    if dropped:
        log(f"sifasuo.spec: pruned {len(dropped)} orphan libraries: {', '.join(dropped)}")
    return kept
