"""Entry point frozen by installer/sifasuo.spec: the normal `sifasuo` command.

With SIFASUO_BUNDLE_SELFTEST=1 in the environment it instead prints what the bundle can do on this
machine (Qt platform, zh_CN Qt translations, Chinese fonts seen by Qt, SQLite/FTS5 trigram, bundled
resources and free fonts) as one JSON line and exits 0 only when everything essential is there.
installer/ci-check.sh runs it from the installed .deb; on Windows run
`set SIFASUO_BUNDLE_SELFTEST=1 && sifasuo.exe`.
"""
from __future__ import annotations

import json
import os
import sys


def _bundle_dir() -> str:
    return getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(__file__)))


def selftest() -> int:
    import sqlite3

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QLibraryInfo, QTranslator, qVersion
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["sifasuo-selftest"])
    tr_path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    tr = QTranslator()
    zh_qm = tr.load("qtbase_zh_CN", tr_path)
    # a string Qt's own dialogs use; translated only when the catalogue really loaded
    app.installTranslator(tr)
    cancel = QApplication.translate("QPlatformTheme", "Cancel")
    cjk = [f for f in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)]

    con = sqlite3.connect(":memory:")
    try:
        con.execute("create virtual table t using fts5(x, tokenize='trigram')")
        con.execute("insert into t values ('东风村危房改造')")
        fts_ok = con.execute("select count(*) from t where t match '危房改'").fetchone()[0] == 1
    except sqlite3.Error:
        fts_ok = False

    base = _bundle_dir()
    res = os.path.join(base, "resources")
    fonts_dir = os.path.join(res, "fonts")
    bundled_fonts = sorted(os.listdir(fonts_dir)) if os.path.isdir(fonts_dir) else []
    pkg_data: list[str] = []
    try:
        import sifasuo_desktop

        pkg_ok = True
        # package data the code finds next to its modules (rules defaults, templates, standards)
        pkg_res = os.path.join(os.path.dirname(sifasuo_desktop.__file__), "resources")
        if os.path.isdir(pkg_res):
            pkg_data = sorted(os.listdir(pkg_res))
    except Exception:  # pragma: no cover - reported, not raised
        pkg_ok = False
    # the PDF->printer fallback when QtPdf is absent: libpdfium is dlopen'ed, so check it loads
    try:
        import pypdfium2

        pypdfium2.PdfDocument.new().close()
        pdfium = True
    except ImportError:
        pdfium = None  # not bundled
    except Exception:
        pdfium = False
    report = {
        "frozen": bool(getattr(sys, "frozen", False)),
        "qt": qVersion(),
        "platform": app.platformName(),
        "translations_path": tr_path,
        "zh_CN_qm": zh_qm,
        "cancel_text": cancel,
        "cjk_font_families": len(cjk),
        "sqlite": sqlite3.sqlite_version,
        "fts5_trigram": fts_ok,
        "resources": os.path.isdir(res),
        "bundled_fonts": bundled_fonts,
        "package": pkg_ok,
        "package_resources": pkg_data,
        "pdfium": pdfium,
    }
    print(json.dumps(report, ensure_ascii=False))
    essential = (zh_qm and fts_ok and pkg_ok and report["resources"] and len(cjk) > 0
                 and "rule_defaults.json" in pkg_data and pdfium is not False)
    return 0 if essential else 1


def _ensure_std_streams() -> None:
    """The windowed Windows exe (sifasuo-gui.exe) has no console: sys.stdout/stderr are None there,
    and any print or warning would raise. Send them to the null device instead."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def main() -> int:
    _ensure_std_streams()
    if os.environ.get("SIFASUO_BUNDLE_SELFTEST"):
        return selftest()
    import multiprocessing

    multiprocessing.freeze_support()
    from sifasuo_desktop.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
