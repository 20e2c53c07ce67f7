"""The NSIS script compiles against a dummy payload and carries its Chinese strings intact."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NSI = ROOT / "installer" / "windows" / "sifasuo.nsi"
pytestmark = pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian: nsis) not installed")


def _payload(tmp_path: Path) -> Path:
    dist = tmp_path / "dist" / "sifasuo"
    (dist / "_internal").mkdir(parents=True)
    (dist / "sifasuo.exe").write_bytes(b"MZ dummy")
    (dist / "sifasuo-gui.exe").write_bytes(b"MZ dummy")
    (dist / "_internal" / "Qt6Core.dll").write_bytes(b"\0" * 1024)
    return dist


def _makensis(tmp_path, *defines, script=NSI):
    cmd = ["makensis", "-V2", f"-DOUTDIR={tmp_path}", f"-DICON={ROOT / 'resources' / 'icons' / 'sifasuo.ico'}",
           *defines, str(script)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=script.parent)


def test_script_is_utf8_with_bom():
    raw = NSI.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "Unicode true" in text and '!insertmacro MUI_LANGUAGE "SimpChinese"' in text


def test_compiles_and_contains_chinese_ui_strings(tmp_path):
    dist = _payload(tmp_path)
    res = _makensis(tmp_path, "-DNOCOMPRESS", "-DVERSION=0.1.0.5", f"-DDIST={dist}")
    assert res.returncode == 0, res.stdout + res.stderr
    exe = tmp_path / "sifasuo-setup-0.1.0.5.exe"
    data = exe.read_bytes()
    assert data[:2] == b"MZ"
    for s in ("司法所行政执法监督台账", "卸载程序不会删除", "立即运行"):
        assert s.encode("utf-16-le") in data, s


def test_missing_payload_fails(tmp_path):
    res = _makensis(tmp_path, "-DVERSION=0.1.0.0", f"-DDIST={tmp_path / 'nothing-here'}")
    assert res.returncode != 0


def test_a_script_error_is_caught(tmp_path):
    broken = tmp_path / "broken.nsi"
    text = NSI.read_text("utf-8-sig").replace("CreateShortcut \"$DESKTOP", "CreateShortcutt \"$DESKTOP")
    broken.write_text(text, encoding="utf-8-sig")
    dist = _payload(tmp_path)
    res = _makensis(tmp_path, "-DVERSION=0.1.0.0", f"-DDIST={dist}", script=broken)
    assert res.returncode != 0
    assert "CreateShortcutt" in res.stdout + res.stderr
