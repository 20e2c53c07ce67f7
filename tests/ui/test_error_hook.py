"""Issue 12: editing an issued document through the generic form gives a Chinese message and keeps the form open
(it raised an uncaught sqlite3.IntegrityError); an exception escaping a slot reaches the user as a Chinese message
with the details in <data>/logs/errors.log (0600), never as a console traceback."""
import os
import sqlite3
import stat

import pytest

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui import error_hook
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm

from .helpers import when_modal


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    return w


def test_editing_an_issued_document_is_refused_in_chinese(qtbot, window, demo_store):
    doc = next(d for d in demo_store.rows("documents") if d["status"] != "草稿")
    form = RecordForm(window, LEDGERS["documents"], doc)
    qtbot.addWidget(form)
    form.show()
    title = form.widgets["title"]
    title.setText(title.text() + "（改）")
    seen = {}
    st = when_modal(qtbot, lambda m: (seen.setdefault("text", m.text()), m.accept()))
    form.save()
    qtbot.waitUntil(lambda: st["done"], timeout=5000)
    assert "已签发" in seen["text"] and "Error" not in seen["text"]
    assert form.isVisible() and form.saved_record is None and form.widgets["title"].text().endswith("（改）")
    assert demo_store.get("documents", doc["id"])["title"] == doc["title"]


def test_uncaught_exception_is_logged_and_shown(qtbot, tmp_path):
    error_hook.install(tmp_path)
    try:
        seen = {}
        st = when_modal(qtbot, lambda m: (seen.setdefault("text", m.text()), m.accept()))
        try:
            raise sqlite3.IntegrityError("UNIQUE constraint failed: documents.doc_no")
        except sqlite3.IntegrityError as exc:
            error_hook.handle(type(exc), exc, exc.__traceback__)
        qtbot.waitUntil(lambda: st["done"], timeout=5000)
        log = tmp_path / "logs" / "errors.log"
        assert "与已有记录重复" in seen["text"] and str(log) in seen["text"] and "仍在窗口中" in seen["text"]
        assert "UNIQUE constraint failed" in log.read_text(encoding="utf-8")
        if os.name == "posix":
            assert stat.S_IMODE(log.stat().st_mode) == 0o600
        # a UserError is the user's own message, not logged
        st = when_modal(qtbot, lambda m: (seen.__setitem__("user", m.text()), m.accept()))
        error_hook.handle(UserError, UserError("请先选择执法主体。"), None)
        qtbot.waitUntil(lambda: st["done"], timeout=5000)
        assert seen["user"] == "请先选择执法主体。" and log.read_text(encoding="utf-8").count("----") == 1
    finally:
        import sys
        import threading
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__
