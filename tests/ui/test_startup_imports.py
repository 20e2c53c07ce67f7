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


def _start_and_report(tmp_path, script: str, prefix: str, *args: str) -> str:
    """Run `script` (a GUI start that prints a report line) on a one-case township; the line starting with
    `prefix`."""
    data = tmp_path / "data"
    store = Store.open(data)
    store.init_org("township", "测试镇司法所", "T0001", "C0001")
    store.insert("cases", {"case_no": "测罚〔2026〕1号"})
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", script, str(data), *args], capture_output=True, text=True,
                         timeout=180, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    return next(x for x in out.stdout.splitlines() if x.startswith(prefix))


def test_a_plain_start_imports_no_cryptography(tmp_path):
    line = _start_and_report(tmp_path, CHECK, "CRYPTO=")
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


LAZY_CHECK = """
import os, sys
from sifasuo_desktop.ui import warnings_engine
warnings_engine.RulesEngine.schedule = lambda self: None   # the check itself runs after the first paint
import importlib.abc
real_exit = os._exit
scanned = []

class Spy(importlib.abc.MetaPathFinder):
    # from the main window's import on, count the sources PySide6's import hook still reads
    def find_spec(self, name, path, target=None):
        if name == 'sifasuo_desktop.ui.main_window' and not scanned:
            import shibokensupport.feature as feature
            real_scan = feature._mod_uses_pyside
            def scan(module):
                scanned.append(module.__name__)
                return real_scan(module)
            feature._mod_uses_pyside = scan
            scanned.append('')
        return None

sys.meta_path.insert(0, Spy())

def report(code):
    print('LOADED=' + repr(sorted(m for m in sys.argv[2].split(',') if m in sys.modules)),
          'OURS_SCANNED=' + repr(sorted(m for m in scanned if m.startswith('sifasuo_desktop'))),
          'WINDOW=' + repr('sifasuo_desktop.ui.main_window' in sys.modules), flush=True)
    real_exit(code)

os._exit = report
from sifasuo_desktop.cli import main
main(['--data-dir', sys.argv[1], '--quit-after-startup'])
"""

# what the window does not need before its first paint (issue 19: 20–40 ms of a start): the warning rules (run in
# a worker thread afterwards), printing, backups' restore, the 督办 deadlines, HTML escaping of detail panes
NOT_AT_START = ("sifasuo_desktop.domain.rules", "sifasuo_desktop.store.rules_queries", "PySide6.QtPrintSupport",
                "sifasuo_desktop.security.restore", "sifasuo_desktop.domain.workflow", "html",
                "sifasuo_desktop.ui.settings_dialog", "sifasuo_desktop.ui.warnings_page")


def test_a_plain_start_leaves_rules_printing_and_restore_for_later_and_pyside_reads_none_of_our_sources(tmp_path):
    line = _start_and_report(tmp_path, LAZY_CHECK, "LOADED=", ",".join(NOT_AT_START))
    assert "WINDOW=True" in line, line
    assert line.startswith("LOADED=[] "), line
    assert "OURS_SCANNED=[] " in line, line     # skip_pyside_source_scans answered for every module of ours


def test_the_modules_said_to_use_pyside_include_every_one_whose_source_mentions_it_and_none_selects_a_feature():
    """skip_pyside_source_scans enters for each module what PySide6's hook would decide from its source: uses
    PySide6 (0: the default feature selection) or not (-1: left alone). With no `from __feature__ import` anywhere
    the two behave the same; a module that mentions PySide6 is still entered as using it. This reads every source, so
    a Qt import outside ui/ (or the cli), or a __feature__ import, fails here."""
    from pathlib import Path

    import sifasuo_desktop
    from sifasuo_desktop.ui import app

    root = Path(sifasuo_desktop.__file__).parent
    names = app.program_modules()
    assert "sifasuo_desktop.ui.main_window" in names and "sifasuo_desktop.store.repo" in names
    assert "sifasuo_desktop" in names and "sifasuo_desktop.domain.rules" in names   # packages by their own name
    for name in names:
        rel = Path(*name.split(".")[1:])
        path = root / rel / "__init__.py" if (root / rel).is_dir() else (root / rel).with_suffix(".py")
        if name == "sifasuo_desktop":
            path = root / "__init__.py"
        text = path.read_text(encoding="utf-8")
        assert "from __feature__" not in text and "import __feature__" not in text, name
        if "PySide6" in text:
            assert app.uses_pyside(name), name


def test_skip_pyside_source_scans_changes_nothing_without_the_hooks_table(monkeypatch):
    from sifasuo_desktop.ui import app

    monkeypatch.setitem(sys.modules, "shibokensupport.feature", None)
    assert app.skip_pyside_source_scans() == 0
