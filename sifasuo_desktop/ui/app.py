"""Start the GUI: setup on an empty folder, optional login, the main window."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from sifasuo_desktop import APP_NAME
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.paths import db_path, default_data_dir


def chinese_system_locale() -> None:
    """The file dialog formats dates with the *system* locale (QLocale::system(), read from LC_*/LANG when Qt
    starts): under a C/POSIX locale (a fresh Linux, a service account) that is "2 12 2026". Ask Qt for Chinese
    dates and numbers then; a user who set a real locale keeps it. Call before the QApplication exists."""
    if sys.platform.startswith("win") or sys.platform == "darwin":
        return
    current = os.environ.get("LC_ALL") or os.environ.get("LC_TIME") or os.environ.get("LANG") or "C"
    if current.split(".")[0] in ("C", "POSIX", ""):
        os.environ["LC_TIME"] = "zh_CN.UTF-8"
        os.environ["LC_NUMERIC"] = os.environ.get("LC_NUMERIC") or "C.UTF-8"
        if os.environ.get("LC_ALL", "").split(".")[0] in ("C", "POSIX"):
            os.environ.pop("LC_ALL")   # LC_ALL would override LC_TIME


def make_app(argv=None):
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        chinese_system_locale()
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("sifasuo")
    app.setApplicationDisplayName(APP_NAME)
    QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))
    translations = QLibraryInfo.path(QLibraryInfo.TranslationsPath)
    app._translators = []
    for base in ("qtbase_zh_CN", "qt_zh_CN"):
        tr = QTranslator(app)
        if tr.load(base, translations):
            app.installTranslator(tr)
            app._translators.append(tr)
            if base == "qtbase_zh_CN":   # labels Qt 6.12 renamed ("&Look in:") but its catalogue lacks
                from .translations import install_fallback

                app._translators.append(install_fallback(app, tr))
    font = QFont()
    font.setFamilies(["Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "WenQuanYi Zen Hei",
                      "Source Han Sans SC", font.defaultFamily()])
    font.setPointSize(10)
    app.setFont(font)
    return app


def upgrade_with_progress(data_dir: Path, parent=None) -> None:
    """Upgrade an existing database (pending migrations; minutes at county scale) in a worker thread behind a busy
    dialog that says what is happening and how long it has run, so the window never shows 未响应 and nobody
    switches the PC off thinking it hung. Errors are left to the open that follows, which reports them."""
    import gc
    import threading
    import time

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QLabel, QProgressDialog

    from sifasuo_desktop.store import Store
    from sifasuo_desktop.store.repo import UPGRADE_NOTICE

    def work():
        try:
            Store.open(data_dir).close()
        except Exception:   # noqa: BLE001 - the open after this reports it
            pass

    dlg = QProgressDialog(UPGRADE_NOTICE, None, 0, 0, parent)   # busy bar, no 取消: a half-done upgrade helps nobody
    label = QLabel()
    label.setWordWrap(True)
    dlg.setLabel(label)
    dlg.setLabelText(UPGRADE_NOTICE)
    dlg.setWindowTitle(f"{APP_NAME} — 升级数据文件")
    dlg.setWindowModality(Qt.ApplicationModal)
    dlg.setMinimumDuration(0)
    dlg.setAutoClose(False)
    dlg.setAutoReset(False)
    dlg.setMinimumWidth(460)
    # a collection inside the worker could free Qt wrappers off the GUI thread (see warnings_engine): none there
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    thread = threading.Thread(target=work, name="db-upgrade")
    start = time.monotonic()
    thread.start()
    dlg.show()
    loop = QEventLoop()

    def poll():
        if not thread.is_alive():
            loop.quit()
            return
        dlg.setLabelText(f"{UPGRADE_NOTICE}\n\n已用时 {int(time.monotonic() - start)} 秒……")

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(200)
    try:
        if thread.is_alive():
            loop.exec()
    finally:
        timer.stop()
        thread.join()
        if was_enabled:
            gc.enable()
        dlg.close()
        dlg.deleteLater()


def open_or_setup(data_dir: Path, parent=None, interactive: bool = True):
    """Open the store; on an empty folder run the setup dialog. Returns the Store or None (cancelled).
    Not interactive (--quit-after-startup): no dialog that would wait for a user; a message on stderr instead."""
    from PySide6.QtWidgets import QMessageBox

    from sifasuo_desktop.store import Store

    if interactive and Store.needs_upgrade(data_dir):
        upgrade_with_progress(data_dir, parent)
    while True:
        try:
            store = Store.open(data_dir)
            break
        except UserError as exc:
            if not interactive:
                sys.stderr.write(f"错误：{exc.message}\n")
                return None
            from .security_gui import offer_restore

            if db_path(data_dir).exists() and offer_restore(parent, data_dir, exc):
                continue
            QMessageBox.critical(parent, APP_NAME, exc.message)
            return None
    if not store.initialized and not interactive:
        store.close()
        sys.stderr.write(f"错误：数据文件夹“{data_dir}”中还没有台账，请先运行 sifasuo init 或 sifasuo demo"
                         "（或不带 --quit-after-startup 打开程序完成初始设置）。\n")
        return None
    if not store.initialized:
        from .setup_dialog import SetupDialog

        if SetupDialog(store, parent).exec() != SetupDialog.Accepted:
            store.close()
            return None
        from .security_gui import after_setup

        if not after_setup(parent, store):
            store.close()
            return None
    return store


def start_integrity_check(window, data_dir: Path) -> None:
    """PRAGMA quick_check on a second connection in a background thread (it takes seconds on a large
    ledger, so it must not delay start-up); a failure is reported with the way to restore a backup."""
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    result: list[str] = []

    def work():
        from sifasuo_desktop.store.integrity import quick_check

        result.append(quick_check(data_dir))

    thread = threading.Thread(target=work, name="integrity-check", daemon=True)
    thread.start()

    def poll():
        if thread.is_alive():
            QTimer.singleShot(500, poll)
        elif result and result[0] != "ok":
            QMessageBox.critical(window, APP_NAME, f"数据文件完整性检查未通过（{result[0]}）。请立即备份当前数据，"
                                                   "并通过“工具 → 从备份恢复”恢复最近的完好备份。")
    window._integrity_thread = thread
    QTimer.singleShot(500, poll)


# The Qt-free modules every GUI start imports (store, domain, documents, security, sync setup), imported before
# PySide6 so that they are loaded before the window is built (tests/ui/test_startup_imports.py: only modules a start
# needs anyway belong here). See skip_pyside_source_scans for PySide6's import hook.
CORE_MODULES = (
    "sifasuo_desktop.store", "sifasuo_desktop.store.ledger_queries",
    "sifasuo_desktop.store.stats_queries", "sifasuo_desktop.store.sync_queries", "sifasuo_desktop.store.cert_events",
    "sifasuo_desktop.store.personnel_queries", "sifasuo_desktop.store.exemplary_queries",
    "sifasuo_desktop.store.checklist_ops", "sifasuo_desktop.store.report_calendar_ops",
    "sifasuo_desktop.store.documents_queries", "sifasuo_desktop.domain.first_run",
    "sifasuo_desktop.domain.bulk_edit", "sifasuo_desktop.domain.handling", "sifasuo_desktop.domain.ranking",
    "sifasuo_desktop.domain.report_calendar", "sifasuo_desktop.domain.checklist",
    "sifasuo_desktop.domain.personnel_stats", "sifasuo_desktop.domain.stats_discretion",
    "sifasuo_desktop.documents.service", "sifasuo_desktop.security.accounts", "sifasuo_desktop.security.backup",
    "sifasuo_desktop.sync.setup", "sifasuo_desktop.xlsx.headers",
)


def import_core_before_qt() -> None:
    import importlib

    if "PySide6.QtCore" in sys.modules:   # too late to gain anything (tests, a second window)
        return
    for name in CORE_MODULES:
        importlib.import_module(name)


# modules whose source mentions PySide6: the Qt layer (and the CLI's GUI entry)
USES_PYSIDE = ("sifasuo_desktop.ui", "sifasuo_desktop.cli")


def uses_pyside(name: str) -> bool:
    return name in USES_PYSIDE or name.startswith(tuple(p + "." for p in USES_PYSIDE))


def program_modules() -> list[str]:
    """The dotted names of this program's modules, from its files (nothing imported; none in a frozen bundle)."""
    root = Path(__file__).resolve().parent.parent
    names = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d.isidentifier() and d != "__pycache__"]
        parts = ["sifasuo_desktop", *Path(folder).relative_to(root).parts]
        for f in files:
            if f.endswith(".py"):
                stem = f[:-3]
                names.append(".".join(parts if stem == "__init__" else [*parts, stem]))
    return names


def skip_pyside_source_scans() -> int:
    """PySide6's import hook (shibokensupport/feature.py, for its `__feature__` options, which this program does
    not use) reads the whole source of every module named in an import statement after PySide6 is loaded, once per
    module, to see whether it mentions "PySide6": 74 modules, 30 ms of a start from a source checkout (issue 19;
    none in the frozen bundle, which has no sources). Its table is filled here with the answers it would find — every
    module loaded so far (the standard library's, the Qt-free core's) and every module of this program: ui/ and the
    cli as using PySide6, the rest as not (tests/ui/test_startup_imports.py reads the sources: every module that
    mentions PySide6 is in ui/ or the cli, and none selects a feature, so the few in ui/ that do not mention it
    behave the same either way). Returns the number of modules entered (0 when a PySide6 without that table runs
    this: nothing changes)."""
    table = getattr(sys.modules.get("shibokensupport.feature"), "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return 0
    before = len(table)
    for name in [*list(sys.modules), *program_modules()]:
        if name.startswith("sifasuo_desktop"):
            table.setdefault(name, 0 if uses_pyside(name) else -1)
        elif not name.startswith(("PySide6", "shiboken6", "shibokensupport", "__feature__")):
            table.setdefault(name, -1)
    return len(table) - before


def run_gui(data_dir=None, quit_after_startup: bool = False) -> int:
    import_core_before_qt()
    from PySide6.QtCore import QTimer

    skip_pyside_source_scans()
    from .main_window import MainWindow

    app = make_app()
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    from .error_hook import install as install_error_hook

    install_error_hook(data_dir)
    store = open_or_setup(data_dir, interactive=not quit_after_startup)
    if store is None:
        return 1
    if quit_after_startup:
        from .security_gui import quit_after_startup_actor

        actor = quit_after_startup_actor(store)
    else:
        from .security_gui import login

        actor = login(None, store)
        if actor is None:
            store.close()
            return 0
    store.actor = actor
    window = MainWindow(store, actor, data_dir)
    window.show()
    if not quit_after_startup:
        QTimer.singleShot(1500, lambda: start_integrity_check(window, data_dir))
    if quit_after_startup:
        QTimer.singleShot(0, window.close)
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    store.close()
    return code
