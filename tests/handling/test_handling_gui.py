"""Issue 12 in the window, driven through qtbot: 处置 on the 预警 page and in a record's form, the record's own
warnings at the top of its form, the 回收站, and 放弃修改？ on Esc/close."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import SYSTEM, Actor
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm
from sifasuo_desktop.ui.unsaved import TITLE

from tests.ui.helpers import type_text, when_modal


def settle(qtbot, engine, after_runs=0):
    qtbot.waitUntil(lambda: engine.runs > after_runs and not engine.busy and engine.result is not None,
                    timeout=20000)


def _window(qtbot, store, actor=SYSTEM):
    w = MainWindow(store, actor)
    w.show()
    settle(qtbot, w.rules_engine)
    return w


def dispose(qtbot, w):
    qtbot.waitUntil(lambda: not w.rules_engine.busy, timeout=20000)
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


@pytest.fixture
def window(qtbot, demo_store):
    w = _window(qtbot, demo_store)
    yield w
    dispose(qtbot, w)


def _fill_handle(disposition, reason, seen=None):
    def act(dlg):
        dlg.disposition.setCurrentText(disposition)
        dlg.reason.setPlainText("")
        dlg.buttons.button(QDialogButtonBox.Ok).click()          # empty reason: refused in the dialog
        assert dlg.isVisible() and "理由" in dlg.error.text()
        dlg.reason.setPlainText(reason)
        dlg.buttons.button(QDialogButtonBox.Ok).click()
        if seen is not None:
            seen["done"] = True
    return act


def _finding_item(page, handled=False):
    for i in range(page.tree.topLevelItemCount()):
        top = page.tree.topLevelItem(i)
        for j in range(top.childCount()):
            top.child(j).setExpanded(True)
    for it in page.finding_items():
        f = it.data(0, Qt.UserRole + 4)
        if f.handled == handled:
            return it, f
    raise AssertionError("no finding")


def test_handle_on_the_warnings_page_greys_it_and_takes_it_off_the_todo_list(qtbot, window):
    engine, page = window.rules_engine, window.warnings_page
    window.show_page("warnings")
    item, f = _finding_item(page)
    page.tree.setCurrentItem(item)
    assert page.handle_button.isEnabled() and page.handle_button.text() == "处置…"
    runs = engine.runs
    st = when_modal(qtbot, _fill_handle("无法纠正", "2024年的公示无法补做，已向县局说明"))
    page.handle_button.click()
    assert st["done"] and st["error"] is None, st["error"]
    settle(qtbot, engine, runs)
    g = next(x for x in engine.result.findings if (x.code, x.record_type, x.record_id) == (f.code, f.record_type, f.record_id))
    assert g.handled and g.handling == "无法纠正：2024年的公示无法补做，已向县局说明"
    assert "已处置 " in page.summary.text()
    item, f2 = _finding_item(page, handled=True)
    assert item.text(1).startswith("【已处置：无法纠正") and item.foreground(1).color().name() == "#8a8a8a"
    # the dashboard's 本周要办的事 no longer lists it; statistics still count it
    from sifasuo_desktop.store import stats_queries as sq
    week = sq.week_items(window.store, engine.result.today, engine.result)
    assert week["handled"] == 1
    assert not any((i["code"], i["record_id"]) == (f.code, f.record_id) for i in week["items"])
    assert engine.counts()["red"] + engine.counts()["yellow"] == len(engine.result.findings)
    # take it back
    page.tree.setCurrentItem(item)
    assert page.handle_button.text() == "取消处置"
    runs = engine.runs
    page.handle_button.click()
    settle(qtbot, engine, runs)
    assert not any(x.handled for x in engine.result.findings)


def test_a_record_form_shows_its_own_warnings_at_the_top_and_handles_them(qtbot, window):
    engine = window.rules_engine
    f = next(x for x in engine.result.findings if x.record_type == "cases" and x.due_date)
    rec = window.store.get("cases", f.record_id)
    form = RecordForm(window, LEDGERS["cases"], rec)
    qtbot.addWidget(form)
    form.show()
    panel = form.warnings_panel
    assert form.layout().itemAt(0).widget() is panel                 # at the top of the case form
    mine = [x for x in engine.result.findings if x.record_id == f.record_id]
    assert len(panel.rows) == len(mine)
    label, btn = next((lb, b) for (lb, b), x in zip(panel.rows, panel.findings) if x.code == f.code)
    assert f.message in label.text() and f"期限：{f.due_date}" in label.text()
    st = when_modal(qtbot, _fill_handle("已知悉", "已督促整改"))
    btn.click()
    assert st["error"] is None, st["error"]
    label, btn = next((lb, b) for (lb, b), x in zip(panel.rows, panel.findings) if x.code == f.code)
    assert "【已处置：已知悉：已督促整改】" in label.text() and "#8a8a8a" in label.styleSheet()
    assert btn.text() == "取消处置"
    btn.click()
    label, btn = next((lb, b) for (lb, b), x in zip(panel.rows, panel.findings) if x.code == f.code)
    assert "已处置" not in label.text() and btn.text() == "处置…"
    form.reject()


def test_staff_sees_warnings_but_cannot_handle(qtbot, demo_store):
    w = _window(qtbot, demo_store, Actor("clerk", "staff", "小王"))
    try:
        f = next(x for x in w.rules_engine.result.findings if x.record_type == "cases")
        form = RecordForm(w, LEDGERS["cases"], demo_store.get("cases", f.record_id))
        assert form.warnings_panel.rows and all(b is None for _l, b in form.warnings_panel.rows)
        form.reject()
        page = w.warnings_page
        w.show_page("warnings")
        item, f = _finding_item(page)
        page.tree.setCurrentItem(item)
        st = when_modal(qtbot, lambda box: box.accept())
        page.handle_button.click()                                     # a clear refusal, nothing stored
        assert st["error"] is None
        assert demo_store.count("finding_handlings") == 0
    finally:
        dispose(qtbot, w)


def _answer(button_text):
    def act(box):
        assert box.windowTitle() in ("删除记录", TITLE), box.windowTitle()
        for b in box.buttons():
            if b.text().replace("&", "") == button_text:
                b.click()
                return
        raise AssertionError([b.text() for b in box.buttons()])
    return act


def test_delete_a_case_see_it_in_the_recycle_bin_restore_it_with_the_same_values(qtbot, window):
    store = window.store
    window.show_page("cases")
    view = window.ledger_view("cases")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=5000)
    view.table.selectRow(0)
    rec = dict(view.selected_record())
    rec = store.get("cases", rec["id"])
    seen = {}

    def yes(box):
        seen["text"] = box.text()
        box.button(QMessageBox.Yes).click()
    st = when_modal(qtbot, yes)
    view.delete_selected()
    assert st["error"] is None, st["error"]
    assert "回收站" in seen["text"] and "修改历史中查到" not in seen["text"]
    assert store.get("cases", rec["id"])["deleted"] == 1
    qtbot.waitUntil(lambda: not view.select_record(rec["id"]), timeout=5000)

    def restore(dlg):
        assert dlg.current_table() == "cases"
        assert dlg.select(rec["id"])
        row = dlg.table.currentRow()
        assert dlg.table.item(row, dlg.table.columnCount() - 2).text() == "system"   # who deleted it
        assert dlg.table.item(row, dlg.table.columnCount() - 1).text()            # when
        assert dlg.restore_button.isEnabled()
        dlg.restore_button.click()
        seen["after"] = dlg.table.rowCount()
        dlg.accept()
    st = when_modal(qtbot, restore)
    view.recycle_button.click()                        # the ledger page's 回收站…
    assert st["error"] is None, st["error"]
    back = store.get("cases", rec["id"])
    assert back["deleted"] == 0 and back["version"] == rec["version"] + 2
    skip = {"version", "updated_at", "updated_by", "deleted"}
    assert {k: v for k, v in back.items() if k not in skip} == {k: v for k, v in rec.items() if k not in skip}
    qtbot.waitUntil(lambda: view.select_record(rec["id"]), timeout=5000)
    ops = [r[0] for r in store.conn.execute(
        "SELECT action FROM audit_log WHERE table_name = 'cases' AND record_id = ? ORDER BY seq", (rec["id"],))]
    assert ops[-2:] == ["delete", "update"]
    # the menu reaches it too
    action = next(a for a in window.menus["台账"].actions() if a.text() == "回收站…")
    st = when_modal(qtbot, lambda dlg: dlg.accept())
    action.trigger()
    assert st["error"] is None


def test_staff_cannot_restore(qtbot, demo_store):
    cid = demo_store.rows("cases", limit=1)[0]["id"]
    demo_store.delete("cases", cid)
    w = _window(qtbot, demo_store, Actor("clerk", "staff", "小王"))
    try:
        from sifasuo_desktop.ui.handling_ui import RecycleBinDialog

        dlg = RecycleBinDialog(w, "cases")
        assert dlg.select(cid) and not dlg.restore_button.isEnabled()
        from sifasuo_desktop.domain.errors import PermissionDenied
        from sifasuo_desktop.store.handling_ops import restore_record
        demo_store.as_actor(w.actor)   # the app's store acts as the logged-in account
        with pytest.raises(PermissionDenied):
            restore_record(demo_store, "cases", cid)
        demo_store.as_actor(SYSTEM)
        dlg.reject()
    finally:
        dispose(qtbot, w)


class _WindowClose(QCloseEvent):
    """What the window system sends for the title bar's close button (offscreen has none to click)."""

    def spontaneous(self):
        return True


def test_esc_with_changes_asks_before_discarding(qtbot, window):
    rec = window.store.rows("cases", limit=1)[0]
    form = RecordForm(window, LEDGERS["cases"], rec)
    qtbot.addWidget(form)
    form.show()
    # nothing changed: Esc closes at once, no question
    qtbot.keyClick(form, Qt.Key_Escape)
    assert not form.isVisible()
    form = RecordForm(window, LEDGERS["cases"], window.store.get("cases", rec["id"]))
    qtbot.addWidget(form)
    form.show()
    type_text(form.widgets["party"], "改")
    st = when_modal(qtbot, _answer("继续编辑"))
    qtbot.keyClick(form, Qt.Key_Escape)
    assert st["error"] is None and form.isVisible()
    assert form.widgets["party"].text().endswith("改")               # what was typed is still there
    st = when_modal(qtbot, _answer("继续编辑"))
    form.buttons.button(QDialogButtonBox.Cancel).click()                # 取消 asks too
    assert st["error"] is None and form.isVisible()
    st = when_modal(qtbot, _answer("继续编辑"))
    ev = _WindowClose()                                             # the window's close button
    form.closeEvent(ev)
    assert st["error"] is None and not ev.isAccepted() and form.isVisible()
    st = when_modal(qtbot, _answer("放弃修改"))
    qtbot.keyClick(form, Qt.Key_Escape)
    assert st["error"] is None and not form.isVisible()
    assert window.store.get("cases", rec["id"])["party"] == rec["party"]


def test_new_record_form_and_scoring_form_ask_only_with_changes(qtbot, window):
    form = RecordForm(window, LEDGERS["supervisors"])
    qtbot.addWidget(form)
    form.show()
    ev = _WindowClose()
    form.closeEvent(ev)                                             # nothing typed: closes, no question
    assert ev.isAccepted() and not form.isVisible()
    form = RecordForm(window, LEDGERS["supervisors"])
    qtbot.addWidget(form)
    form.show()
    type_text(form.widgets["name"], "张")
    st = when_modal(qtbot, _answer("放弃修改"))
    ev = _WindowClose()
    form.closeEvent(ev)
    assert st["error"] is None and ev.isAccepted() and not form.isVisible()

    from sifasuo_desktop.ui.review_form import ReviewScoringDialog
    dlg = ReviewScoringDialog(window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClick(dlg, Qt.Key_Escape)
    assert not dlg.isVisible()
    dlg = ReviewScoringDialog(window)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.reviewers.setText("张三、李四")
    st = when_modal(qtbot, _answer("继续编辑"))
    qtbot.keyClick(dlg, Qt.Key_Escape)
    assert st["error"] is None and dlg.isVisible()
    st = when_modal(qtbot, _answer("放弃修改"))
    qtbot.keyClick(dlg, Qt.Key_Escape)
    assert st["error"] is None and not dlg.isVisible()
