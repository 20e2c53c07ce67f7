"""Issue 19 (start-up): ledger pages are built when first shown or asked for, with the record buttons the
extensions added before; a user never sees the difference."""
from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.ledger_view import LedgerView
from sifasuo_desktop.ui.main_window import DEFAULT_LEDGER, MainWindow


def test_ledger_pages_are_built_on_first_show(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    w.show()
    try:
        built = set(w._ledger_views)
        assert DEFAULT_LEDGER in built and "inspections" not in built and w._unbuilt
        # a record button added now (before the page exists) is there once it is built, and obeys `when`
        seen = []
        w.add_record_action("inspections", "测试动作", lambda rec: seen.append(rec["id"]), when=lambda r: False)
        w.show_page("inspections")                       # the user clicks the page in the navigation
        view = w.stack.currentWidget()
        assert isinstance(view, LedgerView) and view.ledger.table == "inspections"
        assert w.ledger_view("inspections") is view and w.page("inspections") is view
        assert "inspections" not in w._unbuilt
        view.ensure_loaded()
        assert view.model.rowCount() > 0
        button = next(b for b in view.record_buttons if b.text() == "测试动作")
        view.table.selectRow(0)
        assert button.isHidden()                         # `when` says no for every record
        # open_record goes to a page never shown before and builds it
        rec = demo_store.conn.execute("SELECT id FROM officers WHERE deleted = 0 LIMIT 1").fetchone()
        assert "officers" in w._unbuilt

        def close_form():
            for top in QApplication.topLevelWidgets():
                if top.isVisible() and top is not w and top.isModal():
                    top.reject()

        from PySide6.QtCore import QTimer

        QTimer.singleShot(200, close_form)
        w.open_record("officers", rec["id"])
        assert isinstance(w.stack.currentWidget(), LedgerView) and w.stack.currentWidget().ledger.table == "officers"
        assert w.stack.currentWidget().selected_record()["id"] == rec["id"]
        # every navigation entry still leads to its page
        for key in w.page_keys():
            w.show_page(key)
            assert w.stack.currentWidget() is w.page(key)
    finally:
        qtbot.waitUntil(lambda: not w.rules_engine.busy, timeout=20000)
        w.close()
        w.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
