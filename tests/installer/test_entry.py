"""The frozen entry point, run unfrozen: selftest report and the windowed-exe stream guard."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "installer" / "entry.py"


def test_selftest_reports_translations_fts_and_package(tmp_path):
    env = dict(os.environ, SIFASUO_BUNDLE_SELFTEST="1", QT_QPA_PLATFORM="offscreen")
    res = subprocess.run([sys.executable, str(ENTRY)], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=120)
    report = json.loads(res.stdout.strip().splitlines()[-1])
    assert report["frozen"] is False
    assert report["zh_CN_qm"] is True and report["cancel_text"] == "取消"
    assert report["fts5_trigram"] is True
    assert report["package"] is True and "rule_defaults.json" in report["package_resources"]
    # unfrozen, "resources" is installer/resources (absent): the selftest must then fail
    assert report["resources"] is False and res.returncode == 1


def test_none_streams_are_replaced(monkeypatch):
    sys.path.insert(0, str(ROOT / "installer"))
    try:
        import entry
    finally:
        sys.path.remove(str(ROOT / "installer"))
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    entry._ensure_std_streams()
    assert sys.stdout is not None and sys.stderr is not None
    print("goes nowhere")
    sys.stderr.write("also nowhere\n")
