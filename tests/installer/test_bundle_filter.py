"""Rules that slim the PyInstaller bundle (installer/bundle_filter.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "installer"))
import bundle_filter as bf  # noqa: E402

P = "PySide6/Qt/plugins/"


@pytest.mark.parametrize("dest", [
    P + "platforms/libqxcb.so", P + "platforms/libqoffscreen.so", P + "platforms/libqwayland.so",
    P + "platforms/libqminimal.so", "PySide6\\plugins\\platforms\\qwindows.dll",
    P + "imageformats/libqjpeg.so", P + "imageformats/libqsvg.so", "PySide6\\plugins\\imageformats\\qico.dll",
    P + "printsupport/libcupsprintersupport.so", P + "platformthemes/libqxdgdesktopportal.so",
    P + "platforminputcontexts/libibusplatforminputcontextplugin.so",
    "PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6/Qt/translations/qt_zh_CN.qm",
    "PySide6/Qt/lib/libQt6Core.so.6", "resources/fonts/uming.ttc", "sifasuo_desktop/data/x.json",
])
def test_kept(dest):
    assert bf.keep(dest)


@pytest.mark.parametrize("dest", [
    P + "platformthemes/libqgtk3.so", P + "platforms/libqeglfs.so", P + "platforms/libqlinuxfb.so",
    P + "platforms/libqvnc.so", P + "platforms/libqvkkhrdisplay.so", P + "platforms/libqminimalegl.so",
    P + "generic/libqtuiotouchplugin.so", P + "tls/libqopensslbackend.so",
    P + "networkinformation/libqglib.so", P + "sqldrivers/libqsqlite.so",
    P + "imageformats/libqtiff.so", P + "imageformats/libqwebp.so",
    "PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/translations/qtdeclarative_zh_CN.qm",
    "PySide6\\translations\\qtbase_ja.qm",
])
def test_dropped(dest):
    assert not bf.keep(dest)


def test_prune_orphans_keeps_the_needed_closure_only():
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/src/QtWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/src/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/src/libQt6XcbQpa.so.6", "BINARY"),
        ("libgtk-stuff.so.0", "/src/libgtk-stuff.so.0", "BINARY"),  # only the dropped gtk theme needed it
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),
        ("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", "/src/libQt6Egl.so.6", "BINARY"),
        ("pypdfium2_raw/libpdfium.so", "/src/libpdfium.so", "BINARY"),  # dlopen'ed by ctypes: kept
    ]
    graph = {
        "/src/QtWidgets.abi3.so": ["libQt6Widgets.so.6", "libc.so.6"],
        "/src/libQt6Widgets.so.6": ["libQt6Core.so.6"],
        "/src/libQt6Core.so.6": [],
        "/src/libqxcb.so": ["libQt6XcbQpa.so.6"],
        "/src/libQt6XcbQpa.so.6": ["libQt6Core.so.6"],
        "/src/libgtk-stuff.so.0": ["libcairo.so.2"],
        "/src/libcairo.so.2": [],
        "/src/libQt6Egl.so.6": ["libQt6Core.so.6"],
        "/src/libpdfium.so": [],
    }
    logs = []
    kept = bf.prune_orphans(binaries, needed=lambda p: graph[p], log=logs.append)
    names = {Path(e[0]).name for e in kept}
    assert names == {"QtWidgets.abi3.so", "libQt6Widgets.so.6", "libQt6Core.so.6", "libqxcb.so",
                     "libQt6XcbQpa.so.6", "libpdfium.so"}
    assert "libcairo.so.2" in logs[0] and "libgtk-stuff.so.0" in logs[0]
    assert "libQt6EglFSDeviceIntegration.so.6" in logs[0] and "libpdfium" not in logs[0]


@pytest.mark.parametrize("dest,expected", [
    ("libcairo.so.2", True), ("PySide6/Qt/lib/libQt6Egl.so.6", True),
    ("pypdfium2_raw/libpdfium.so", False), ("cryptography/hazmat/bindings/_rust.abi3.so", False),
])
def test_prunable(dest, expected):
    assert bf.prunable(dest) is expected


def test_prune_orphans_keeps_everything_without_readelf():
    binaries = [("a.abi3.so", "/a", "EXTENSION"), ("libx.so", "/x", "BINARY")]
    assert bf.prune_orphans(binaries, needed=lambda p: None, log=lambda *_: None) == binaries
