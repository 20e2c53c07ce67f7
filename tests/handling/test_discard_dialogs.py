"""Issue 12 "Nothing lost by accident" on the editing dialogs besides the record forms, each opened from the real
main window the way a clerk opens it: 处置预警, 整改步骤, 登记问题, 编辑文书, 登记送达, 登记反馈, 监督检查清单 and
报送事项. A changed field → 取消/Esc asks 放弃修改？ (继续编辑 keeps the dialog and what was typed, 放弃修改 closes
and stores nothing); nothing changed → closes without a question. The 整改流程 dialog and the document editor
show the record's own warnings at the top."""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import SIGNAL, QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.permissions import ADMIN, SYSTEM, Actor
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.unsaved import TITLE

from tests.ui.helpers import type_text


# ---------------------------------------------------------------------- helpers
def settle(qtbot, engine):
    qtbot.waitUntil(lambda: engine.runs > 0 and not engine.busy and engine.result is not None, timeout=20000)


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    w.show()
    settle(qtbot, w.rules_engine)
    yield w
    qtbot.waitUntil(lambda: not w.rules_engine.busy, timeout=20000)
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def in_modal(qtbot, cls_name, action, timeout=8000):
    """Run `action(dialog)` once a modal dialog of class `cls_name` is shown (call before what opens it).
    An assertion failing inside is kept in state["error"] and the dialog is rejected, so nothing hangs."""
    state = {"done": False, "error": None}
    end = time.monotonic() + timeout / 1000

    def poll():
        w = QApplication.activeModalWidget()
        if w is None or type(w).__name__ != cls_name:
            if time.monotonic() < end:
                QTimer.singleShot(20, poll)
            return
        try:
            action(w)
        except BaseException as exc:   # noqa: BLE001 - reported by check()
            state["error"] = exc
            w.reject()
        state["done"] = True

    QTimer.singleShot(0, poll)
    return state


def check(state):
    assert state["done"], "the dialog did not open"
    if state["error"] is not None:
        raise state["error"]


def prompt(qtbot, answer, timeout=3000):
    """Answer the next 放弃修改？ box with `answer` (继续编辑 / 放弃修改); state["seen"] says whether it came."""
    state = {"seen": False, "stop": False}
    end = time.monotonic() + timeout / 1000

    def poll():
        if state["stop"]:
            return
        w = QApplication.activeModalWidget()
        if isinstance(w, QMessageBox) and w.windowTitle() == TITLE:
            state["seen"] = True
            for b in w.buttons():
                if b.text().replace("&", "") == answer:
                    b.click()
                    return
            w.reject()
            return
        if time.monotonic() < end:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return state


def asks_and_keeps(qtbot, dlg, close, still_there):
    """A changed dialog: Esc and 取消 each ask; 继续编辑 keeps it open with the entry; then `close()` (Esc or
    取消) answered 放弃修改 closes it."""
    for way, keep in (("Esc", esc(qtbot, dlg)), ("取消", cancel(dlg))):
        st = prompt(qtbot, "继续编辑")
        keep()
        assert st["seen"], f"{way}: no 放弃修改？ question"
        assert dlg.isVisible(), f"{way}: 继续编辑 closed the dialog"
        assert still_there(), f"{way}: what was typed is gone"
    st = prompt(qtbot, "放弃修改")
    close()
    assert st["seen"] and not dlg.isVisible()


def closes_silently(qtbot, dlg, close):
    st = prompt(qtbot, "继续编辑")   # answers a question that should not come, so the test fails instead of hanging
    close()
    st["stop"] = True
    assert not st["seen"], "asked 放弃修改？ although nothing changed"
    assert not dlg.isVisible()


def esc(qtbot, dlg):
    return lambda: qtbot.keyClick(dlg, Qt.Key_Escape)


def cancel(dlg):
    """取消 (关闭 where the dialog has no 取消)."""
    return lambda: (dlg.buttons.button(QDialogButtonBox.Cancel) or dlg.buttons.button(QDialogButtonBox.Close)).click()


def record_button(window, ledger, record_id, text):
    window.show_page(ledger)
    view = window.ledger_view(ledger)
    view.ensure_loaded()
    view.refresh()
    assert view.select_record(record_id), (ledger, record_id)
    b = next(b for b in view.record_buttons if b.text() == text)
    assert b.isEnabled(), text
    return b


# ---------------------------------------------------------------------- 处置预警
def _finding_item(page):
    for i in range(page.tree.topLevelItemCount()):
        top = page.tree.topLevelItem(i)
        for j in range(top.childCount()):
            top.child(j).setExpanded(True)
    for it in page.finding_items():
        f = it.data(0, Qt.UserRole + 4)
        if not f.handled:
            return it, f
    raise AssertionError("no open finding")


def test_handle_dialog_asks_before_discarding_a_typed_reason(qtbot, window):
    window.show_page("warnings")           # a page may be built when first shown
    page = window.warnings_page
    item, _f = _finding_item(page)
    page.tree.setCurrentItem(item)

    def silent(dlg):
        closes_silently(qtbot, dlg, esc(qtbot, dlg))
    st = in_modal(qtbot, "HandleDialog", silent)
    page.handle_button.click()
    check(st)

    def typed(dlg):
        type_text(dlg.reason, "已向县局说明")
        asks_and_keeps(qtbot, dlg, cancel(dlg), lambda: dlg.reason.toPlainText() == "已向县局说明")
    st = in_modal(qtbot, "HandleDialog", typed)
    page.handle_button.click()
    check(st)
    assert window.store.count("finding_handlings") == 0                # nothing stored

    def other_choice(dlg):                                               # a changed 处置方式 counts too
        dlg.disposition.setCurrentIndex((dlg.disposition.currentIndex() + 1) % dlg.disposition.count())
        asks_and_keeps(qtbot, dlg, esc(qtbot, dlg), lambda: True)
    st = in_modal(qtbot, "HandleDialog", other_choice)
    page.handle_button.click()
    check(st)


# ---------------------------------------------------------------------- 整改流程, 整改步骤, 登记问题
def _problem_with_finding(window, code="ZG-01"):
    f = next((x for x in window.rules_engine.result.findings if x.record_type == "problems" and x.code == code), None)
    assert f is not None, "the demo data has no overdue problem"
    return f


def test_problem_dialog_shows_the_problems_own_warnings_and_the_step_dialog_asks(qtbot, window):
    f = _problem_with_finding(window)
    mine = [x for x in window.rules_engine.result.findings
            if x.record_type == "problems" and x.record_id == f.record_id]
    seen = {}

    def step_typed(step):
        type_text(step.note, "已补充公示")
        asks_and_keeps(qtbot, step, esc(qtbot, step), lambda: step.note.text() == "已补充公示")

    def step_untouched(step):
        closes_silently(qtbot, step, cancel(step))

    def flow(dlg):
        panel = dlg.warnings_panel
        assert panel is not None, "no warnings panel in the 整改流程 dialog"
        assert dlg.layout().itemAt(0).widget() is panel                 # at the top, above the header
        assert len(panel.rows) == len(mine)
        label, btn = next((lb, b) for (lb, b), x in zip(panel.rows, panel.findings) if x.code == f.code)
        assert f.code in label.text() and f.message in label.text()
        assert btn is not None and btn.text() == "处置…"                  # SYSTEM may handle it here

        def handle(h):
            h.disposition.setCurrentText("已知悉")
            h.reason.setPlainText("已督促限期整改")
            h.buttons.button(QDialogButtonBox.Ok).click()
        st = in_modal(qtbot, "HandleDialog", handle)
        btn.click()                                                      # handled from the 整改流程 dialog
        check(st)
        label, btn = next((lb, b) for (lb, b), x in zip(panel.rows, panel.findings) if x.code == f.code)
        assert "【已处置：已知悉：已督促限期整改】" in label.text() and btn.text() == "取消处置"
        steps = 0
        for action, b in dlg.action_buttons.items():
            if b.isEnabled() and action != wf.UNDO:
                for fn in (step_typed, step_untouched):
                    st = in_modal(qtbot, "StepDialog", fn)
                    assert not dlg.run_action(action)                    # nothing applied
                    check(st)
                steps += 1
                break
        seen["steps"] = steps
        seen["history"] = dlg.history.rowCount()
        dlg.accept()

    before = window.store.get("problems", f.record_id)
    st = in_modal(qtbot, "ProblemDialog", flow)
    record_button(window, "problems", f.record_id, "整改流程…").click()
    check(st)
    assert seen["steps"] == 1
    assert window.store.get("problems", f.record_id)["version"] == before["version"]


def _take_step(qtbot, dlg, action):
    def fill(step):
        step.note.setText("已在门户网站补充公示，整改到位")
        if step.verify_method is not None:
            step.verify_method.setCurrentIndex(1)
            step.verifier.setText("张所长")
            step.verify_result.setText("经实地核查，已整改到位")
        step.ok_button.click()
    st = in_modal(qtbot, "StepDialog", fill)
    assert dlg.run_action(action), action
    check(st)


def test_the_problems_warnings_follow_the_steps_taken_in_the_dialog(qtbot, window):
    engine = window.rules_engine
    f = _problem_with_finding(window)
    seen = {}

    def flow(dlg):
        panel = dlg.warnings_panel
        assert panel is not None and panel.isVisibleTo(dlg)
        for _ in range(3):                       # 开始整改 / 报告整改 until 销号 is allowed
            if dlg.action_buttons[wf.CLOSE].isEnabled():
                break
            action = wf.REPORT if dlg.action_buttons[wf.REPORT].isEnabled() else wf.START
            runs = engine.runs
            _take_step(qtbot, dlg, action)
            qtbot.waitUntil(lambda: engine.runs > runs and not engine.busy, timeout=20000)
            assert panel.isVisibleTo(dlg)
            if action == wf.REPORT:             # the message names the state it has now
                assert any("已报告" in lb.text() for lb, _b in panel.rows), [lb.text() for lb, _b in panel.rows]
        runs = engine.runs
        _take_step(qtbot, dlg, wf.CLOSE)
        qtbot.waitUntil(lambda: engine.runs > runs and not engine.busy, timeout=20000)
        seen["status"] = dlg.problem["status"]
        seen["visible"] = panel.isVisibleTo(dlg)
        seen["findings"] = list(panel.findings)
        dlg.accept()

    listeners = engine.receivers(SIGNAL("updated()"))
    st = in_modal(qtbot, "ProblemDialog", flow, timeout=60000)
    record_button(window, "problems", f.record_id, "整改流程…").click()
    check(st)
    assert engine.receivers(SIGNAL("updated()")) == listeners        # a closed dialog no longer follows
    assert seen["status"] == "已销号"
    assert seen["findings"] == [] and not seen["visible"]          # 销号: the panel goes away


def test_problem_without_a_finding_has_no_panel(qtbot, window):
    flagged = {x.record_id for x in window.rules_engine.result.findings if x.record_type == "problems"}
    other = next(p for p in window.store.rows("problems") if p["id"] not in flagged)

    def flow(dlg):
        assert dlg.warnings_panel is None
        dlg.accept()
    st = in_modal(qtbot, "ProblemDialog", flow)
    record_button(window, "problems", other["id"], "整改流程…").click()
    check(st)


def test_new_problem_dialog_asks_only_after_typing(qtbot, window):
    action = next(a for a in window.menus["监督"].actions() if a.text() == "登记问题…")
    n = window.store.count("problems")

    st = in_modal(qtbot, "NewProblemDialog", lambda dlg: closes_silently(qtbot, dlg, esc(qtbot, dlg)))
    action.trigger()
    check(st)

    def typed(dlg):
        type_text(dlg.description, "执法记录仪未配备")
        asks_and_keeps(qtbot, dlg, cancel(dlg), lambda: dlg.description.text() == "执法记录仪未配备")
    st = in_modal(qtbot, "NewProblemDialog", typed)
    action.trigger()
    check(st)
    assert window.store.count("problems") == n


# ---------------------------------------------------------------------- 监督文书
def _doc(window, status):
    return next(d for d in window.store.rows("documents") if d["status"] == status)


def test_document_editor_asks_before_discarding_an_edited_draft(qtbot, window):
    draft = _doc(window, "草稿")
    button = record_button(window, "documents", draft["id"], "编辑文书")

    st = in_modal(qtbot, "DocumentEditor", lambda dlg: closes_silently(qtbot, dlg, esc(qtbot, dlg)))
    button.click()
    check(st)

    def typed(dlg):
        assert not dlg.read_only
        dlg.body_edit.moveCursor(dlg.body_edit.textCursor().MoveOperation.End)
        type_text(dlg.body_edit, "特此告知。")
        asks_and_keeps(qtbot, dlg, esc(qtbot, dlg), lambda: dlg.body_edit.toPlainText().endswith("特此告知。"))
    st = in_modal(qtbot, "DocumentEditor", typed)
    button.click()
    check(st)

    def title(dlg):
        type_text(dlg.title_edit, "（修改）")
        asks_and_keeps(qtbot, dlg, cancel(dlg), lambda: dlg.title_edit.text().endswith("（修改）"))
    st = in_modal(qtbot, "DocumentEditor", title)
    button.click()
    check(st)
    assert window.store.get("documents", draft["id"])["version"] == draft["version"]


def test_document_editor_shows_the_documents_own_warnings(qtbot, window):
    findings = [x for x in window.rules_engine.result.findings if x.record_type == "documents"]
    assert findings, "the demo data has no document with a warning"
    f = findings[0]
    mine = [x for x in findings if x.record_id == f.record_id]

    def editor(dlg):
        panel = dlg.warnings_panel
        assert panel is not None, "no warnings panel in the document editor"
        assert dlg.layout().itemAt(0).widget() is panel
        assert len(panel.rows) == len(mine) and any(f.message in lb.text() for lb, _b in panel.rows)
        closes_silently(qtbot, dlg, lambda: dlg.buttons.button(QDialogButtonBox.Close).click())   # issued: read-only
    st = in_modal(qtbot, "DocumentEditor", editor)
    record_button(window, "documents", f.record_id, "编辑文书").click()
    check(st)

    clean = next(d for d in window.store.rows("documents") if d["id"] not in {x.record_id for x in findings})

    def no_panel(dlg):
        assert dlg.warnings_panel is None
        dlg.reject()
    st = in_modal(qtbot, "DocumentEditor", no_panel)
    record_button(window, "documents", clean["id"], "编辑文书").click()
    check(st)


def test_service_and_reply_dialogs_ask_before_discarding(qtbot, window):
    issued = _doc(window, "已签发")
    before = window.store.get("documents", issued["id"])
    serve = record_button(window, "documents", issued["id"], "登记送达")

    st = in_modal(qtbot, "ServiceDialog", lambda dlg: closes_silently(qtbot, dlg, esc(qtbot, dlg)))
    serve.click()
    check(st)

    def typed(dlg):
        type_text(dlg.signer, "王喆")
        asks_and_keeps(qtbot, dlg, cancel(dlg), lambda: dlg.signer.text() == "王喆")
    st = in_modal(qtbot, "ServiceDialog", typed)
    serve.click()
    check(st)

    def date_changed(dlg):
        dlg.date.setDate(dlg.date.date().addDays(-1))
        asks_and_keeps(qtbot, dlg, esc(qtbot, dlg), lambda: True)
    st = in_modal(qtbot, "ServiceDialog", date_changed)
    serve.click()
    check(st)

    reply = record_button(window, "documents", issued["id"], "登记反馈")
    st = in_modal(qtbot, "ReplyDialog", lambda dlg: closes_silently(qtbot, dlg, cancel(dlg)))
    reply.click()
    check(st)

    def reply_typed(dlg):
        type_text(dlg.content, "已全部整改。")
        asks_and_keeps(qtbot, dlg, esc(qtbot, dlg), lambda: dlg.content.toPlainText().endswith("已全部整改。"))
    st = in_modal(qtbot, "ReplyDialog", reply_typed)
    reply.click()
    check(st)
    after = window.store.get("documents", issued["id"])
    assert after["version"] == before["version"] and after["status"] == "已签发"


# ---------------------------------------------------------------------- 监督检查清单
def test_checklist_asks_only_for_results_not_yet_saved(qtbot, window):
    from sifasuo_desktop.domain import checklist as cl

    visit = window.store.rows("visits", limit=1)[0]
    button = record_button(window, "visits", visit["id"], "检查清单…")

    st = in_modal(qtbot, "ChecklistVisitDialog", lambda dlg: closes_silently(qtbot, dlg, esc(qtbot, dlg)))
    button.click()
    check(st)

    def fill(dlg):
        code = next(iter(dlg.result_boxes))
        other = cl.NOT_APPLICABLE if dlg.result_boxes[code].currentText() == cl.CONFORM else cl.CONFORM
        dlg.result_boxes[code].setCurrentText(other)
        type_text(dlg.note_edits[code], "现场查看")
        asks_and_keeps(qtbot, dlg, esc(qtbot, dlg), lambda: dlg.note_edits[code].text().endswith("现场查看"))
    st = in_modal(qtbot, "ChecklistVisitDialog", fill)
    button.click()
    check(st)

    def save_then_close(dlg):
        code = next(iter(dlg.result_boxes))
        dlg.result_boxes[code].setCurrentText(cl.CONFORM)
        dlg.note_edits[code].setText("已保存的说明")
        dlg.save_button.click()
        assert not dlg.error.text(), dlg.error.text()
        closes_silently(qtbot, dlg, cancel(dlg))   # what was saved is the new baseline: 关闭 asks nothing
    st = in_modal(qtbot, "ChecklistVisitDialog", save_then_close)
    button.click()
    check(st)


# ---------------------------------------------------------------------- 报送事项 (a county admin)
def test_calendar_item_dialog_asks_before_discarding(qtbot, tmp_path):
    from sifasuo_desktop.store import Store
    from sifasuo_desktop.store import report_calendar_ops as rops

    store = Store.open(tmp_path / "county")
    store.init_org("county", "示范县司法局", "C001")
    admin = Actor("admin", ADMIN, "管理员")
    store.actor = admin
    w = MainWindow(store, admin)
    qtbot.addWidget(w)
    w.show()
    try:
        w.show_page("catalogs")
        cal = w.catalogs_page.calendar
        w.catalogs_page.tabs.setCurrentWidget(cal)
        n = len(rops.calendar_items(store))

        st = in_modal(qtbot, "CalendarItemDialog", lambda dlg: closes_silently(qtbot, dlg, esc(qtbot, dlg)))
        cal.add_button.click()
        check(st)

        def typed(dlg):
            type_text(dlg.name_edit, "上半年执法工作总结")
            asks_and_keeps(qtbot, dlg, cancel(dlg), lambda: dlg.name_edit.text() == "上半年执法工作总结")
        st = in_modal(qtbot, "CalendarItemDialog", typed)
        cal.add_button.click()
        check(st)

        def day(dlg):
            dlg.day_box.setValue(15)
            asks_and_keeps(qtbot, dlg, esc(qtbot, dlg), lambda: dlg.day_box.value() == 15)
        st = in_modal(qtbot, "CalendarItemDialog", day)
        cal.add_button.click()
        check(st)
        assert len(rops.calendar_items(store)) == n
    finally:
        w.close()
        store.close()


# ---------------------------------------------------------------------- no reference cycles
def test_guarded_dialogs_and_the_warnings_panel_are_freed_without_the_cycle_collector(qtbot, window):
    """The 放弃修改？ snapshot and the warnings panel hold no reference cycle through the dialog: a cycle of Qt
    wrappers waits for the cyclic collector, which may run in a worker thread (rules check) and crash PySide."""
    import gc
    import weakref

    from sifasuo_desktop.domain.ledgers import LEDGERS
    from sifasuo_desktop.ui.county_catalogs_ui import CalendarItemDialog
    from sifasuo_desktop.ui.documents_ui import DocumentEditor, ReplyDialog, ServiceDialog
    from sifasuo_desktop.ui.handling_ui import HandleDialog, add_record_warnings
    from sifasuo_desktop.ui.problem_panel import StepDialog
    from sifasuo_desktop.ui.widgets import FitDialog
    from PySide6.QtWidgets import QVBoxLayout

    store = window.store
    f = _problem_with_finding(window)
    problem = store.get("problems", f.record_id)
    doc = _doc(window, "已签发")["id"]

    def with_panel():
        d = FitDialog(None)
        lay = QVBoxLayout(d)
        assert add_record_warnings(d, lay, window, store, "problems", f.record_id) is not None
        return d

    freed = {   # no other reference to themselves: freed as soon as the last name goes
        "处置预警": lambda: HandleDialog(None, f),
        "编辑文书": lambda: DocumentEditor(None, store, doc),
        "登记送达": lambda: ServiceDialog(None, store, doc),
        "登记反馈": lambda: ReplyDialog(None, store, doc),
        "预警面板": with_panel,
    }
    others = {   # kept by their own signal lambdas (held by Qt, not a cycle the collector sees): the snapshot only
        "整改步骤": lambda: StepDialog(None, store, problem, wf.REPORT, SYSTEM),
        "报送事项": lambda: CalendarItemDialog(None),
    }
    from sifasuo_desktop.ui.record_form import RecordForm

    def snapshot_refers_to(d):
        fn = d._unsaved_state_fn
        return getattr(fn, "__self__", None) is d or any(c.cell_contents is d for c in fn.__closure__ or ())

    alive = []
    gc.collect()
    gc.disable()
    try:
        for name, make in freed.items():
            ref = weakref.ref(make())
            if ref() is not None:
                alive.append(name)
        for name, make in others.items():
            d = make()
            assert not snapshot_refers_to(d), name
            d.deleteLater()
        form = RecordForm(window, LEDGERS["problems"], problem)    # parented to the window: check the cycle itself
        assert form.warnings_panel is not None and form.warnings_panel.form is form
        assert form not in gc.get_referents(vars(form.warnings_panel))
        assert not snapshot_refers_to(form)
        form.reject()
    finally:
        gc.enable()
    assert alive == [], f"kept alive by a reference cycle: {alive}"
