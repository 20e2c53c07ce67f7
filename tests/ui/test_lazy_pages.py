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


def _click_nav(qtbot, w, key):
    from PySide6.QtCore import Qt

    row = w.page_keys().index(key)
    item = w.nav.item(row)
    w.nav.scrollToItem(item)
    qtbot.mouseClick(w.nav.viewport(), Qt.LeftButton, pos=w.nav.visualItemRect(item).center())


def test_extension_pages_are_built_when_first_clicked_in_the_navigation(qtbot, demo_store):
    """Issue 19: 统计报表, 预警, 同步, 企业检查查询 … are not built at start; a click in the navigation builds the
    page, shows it and it works (the 统计报表 fills the current period); the 预警 entry shows its count before
    its page exists; window.<page attribute> still answers."""
    from sifasuo_desktop.ui.stats_page import StatsPage

    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1280, 900)
    w.show()
    try:
        lazy = {"stats", "warnings", "catalogs", "ranking", "personnel", "sync", "enterprise", "exemplary"}
        assert lazy <= set(w._lazy) and lazy <= set(w.page_keys())
        assert "stats_page" not in w.__dict__ and "warnings_page" not in w.__dict__
        # the rules engine runs without its page: the navigation entry carries the count
        engine = w.rules_engine
        qtbot.waitUntil(lambda: engine.result is not None and not engine.busy, timeout=20000)
        nav_item = w.nav.item(w.page_keys().index("warnings"))
        total = engine.counts()["red"] + engine.counts()["yellow"]
        assert total > 0 and nav_item.text() == f"预警（{total}）" and "warnings" in w._lazy
        # a click builds 统计报表 and shows it filled
        _click_nav(qtbot, w, "stats")
        page = w.stack.currentWidget()
        assert isinstance(page, StatsPage) and page.isVisible()
        assert "stats" not in w._lazy and w.stats_page is page and w.page("stats") is page
        assert page.tabs.count() > 0 and page.period is not None
        # 预警 built on its click shows the findings the engine already has
        _click_nav(qtbot, w, "warnings")
        assert w.stack.currentWidget() is w.warnings_page and w.warnings_page.isVisible()
        assert f"红色预警 {engine.counts()['red']} 条" in w.warnings_page.summary.text()
        assert w.warnings_page.tree.topLevelItemCount() == 2
        # an attribute read builds a page not shown yet (tests and extensions use window.sync_page)
        assert "sync" in w._lazy
        sync_page = w.sync_page
        assert "sync" not in w._lazy and w.page("sync") is sync_page and not sync_page.isVisible()
        _click_nav(qtbot, w, "sync")
        assert w.stack.currentWidget() is sync_page and "本机" in sync_page.info.text()
        try:
            w.no_such_page
        except AttributeError:
            pass
        else:
            raise AssertionError("an unknown attribute must still raise AttributeError")
    finally:
        qtbot.waitUntil(lambda: not w.rules_engine.busy, timeout=20000)
        w.close()
