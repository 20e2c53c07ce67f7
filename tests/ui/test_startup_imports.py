"""Issue 19 (start-up): a plain GUI start imports no key material (cryptography, PyNaCl: ~20 ms); sync steps
import it when they need keys."""
from __future__ import annotations

import os
import subprocess
import sys

from sifasuo_desktop.store import Store

CHECK = """
import os, sys
real_exit = os._exit

def report(code):   # the GUI start ends with os._exit after the window was shown and closed
    crypto = sorted(m for m in sys.modules if m.split('.')[0] in ('cryptography', 'nacl'))
    print('CRYPTO=' + repr(crypto), 'WINDOW=' + repr('sifasuo_desktop.ui.main_window' in sys.modules), flush=True)
    real_exit(code)

os._exit = report
from sifasuo_desktop.cli import main
main(['--data-dir', sys.argv[1], '--quit-after-startup'])
"""


def test_a_plain_start_imports_no_cryptography(tmp_path):
    data = tmp_path / "data"
    store = Store.open(data)
    store.init_org("township", "测试镇司法所", "T0001", "C0001")
    store.insert("cases", {"case_no": "测罚〔2026〕1号"})
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", CHECK, str(data)], capture_output=True, text=True, timeout=180,
                         env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    line = next(x for x in out.stdout.splitlines() if x.startswith("CRYPTO="))
    assert "WINDOW=True" in line, line          # the main window was really built and shown
    assert line.startswith("CRYPTO=[] "), line


def test_key_material_still_loads_when_a_sync_step_needs_it(tmp_path):
    from sifasuo_desktop.sync import setup as SU

    store = Store.open(tmp_path / "data")
    try:
        store.init_org("township", "测试镇司法所", "T0001", "C0001")
        SU.after_init(store)
        assert (tmp_path / "data" / "keys" / "identity.json").exists()
        path = SU.write_own_identity(store, tmp_path)
        assert path.name == SU.identity_file_name("T0001") and path.exists()
    finally:
        store.close()


CORE_CHECK = """
import os, sys
from sifasuo_desktop.ui import app
listed = app.CORE_MODULES
if sys.argv[2] == 'bare':
    app.import_core_before_qt()
    print('QT=' + repr(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))), flush=True)
    raise SystemExit(0)
app.CORE_MODULES = ()          # a start without the early imports: which of them does it import anyway?
real_exit = os._exit

def report(code):
    print('MISSING=' + repr([m for m in listed if m not in sys.modules]), flush=True)
    real_exit(code)

os._exit = report
from sifasuo_desktop.cli import main
main(['--data-dir', sys.argv[1], '--quit-after-startup'])
"""


def test_the_modules_imported_before_qt_are_qt_free_and_needed_by_every_start(tmp_path):
    """app.CORE_MODULES are imported before PySide6 (its import hook reads the source of every module imported
    after it): none of them may pull Qt in, and each must be one a plain start imports anyway."""
    data = tmp_path / "data"
    store = Store.open(data)
    store.init_org("township", "测试镇司法所", "T0001", "C0001")
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    bare = subprocess.run([sys.executable, "-c", CORE_CHECK, str(data), "bare"], capture_output=True, text=True,
                          timeout=180, env=env)
    assert bare.returncode == 0, bare.stderr[-2000:]
    assert "QT=[]" in bare.stdout, bare.stdout
    out = subprocess.run([sys.executable, "-c", CORE_CHECK, str(data), "start"], capture_output=True, text=True,
                         timeout=180, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "MISSING=[]" in out.stdout, out.stdout
