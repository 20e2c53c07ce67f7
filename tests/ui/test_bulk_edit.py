"""Issue 18: 批量修改… — one field set on many selected rows, previewed, validated like the form, all-or-nothing,
audited; workflow state fields are never offered."""
import pytest

from sifasuo_desktop.domain.bulk_edit import bulk_fields, plan_bulk_edit
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 700)
    w.show()
    return w


def _cases_view(window, n):
    window.show_page("cases")
    view = window.ledger_view("cases")
    view.ensure_loaded()
    ids = [view.model.record_at(r)["id"] for r in range(n)]
    view.select_records(ids)
    return view, ids


def test_set_publication_date_for_several_cases(qtbot, window):
    store = window.store
    view, ids = _cases_view(window, 4)
    assert len(view.selected_records()) == 4
    assert view.selected_record() is None and not view.edit_btn.isEnabled()   # one-record actions: one row
    assert view.bulk_btn.isEnabled() and view.bulk_btn.isVisible()
    audit_before = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    dlg = view.bulk_edit(run=False)
    qtbot.addWidget(dlg)
    assert dlg.select_field("published_date")
    dlg.show()
    from PySide6.QtWidgets import QWidget

    stray = [c for c in dlg.findChildren(QWidget) if c.parentWidget() is dlg and c.isVisible()
             and dlg.layout().indexOf(c) < 0 and dlg.form.indexOf(c) < 0]
    assert stray == []          # the value widgets of fields picked before do not linger over the dialog
    dlg.set_value("2026年11月30日")
    assert "将修改" in dlg.preview.text() and dlg.apply_btn.isEnabled()
    changes = len(dlg.plan.changes)
    dlg.apply()
    assert dlg.result() and dlg.applied == changes
    for rid in ids:
        assert store.get("cases", rid)["published_date"] == "2026-11-30"
    audit_after = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert audit_after - audit_before >= changes        # each record's change is in the audit chain
    row = store.conn.execute("SELECT actor FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert row[0] == SYSTEM.username
    # the selection survives the save, and the confirmation shows next to the table
    assert sorted(r["id"] for r in view.selected_records()) == sorted(ids)
    assert "已批量修改" in view.notice.text()


def test_a_bad_value_writes_nothing(qtbot, window):
    store = window.store
    view, ids = _cases_view(window, 3)
    before = {rid: store.get("cases", rid)["published_date"] for rid in ids}
    dlg = view.bulk_edit(run=False)
    qtbot.addWidget(dlg)
    dlg.select_field("published_date")
    dlg.set_value("明天")
    assert not dlg.apply_btn.isEnabled()
    assert "公示日期" in dlg.preview.text() or dlg.errors.toPlainText()
    dlg.apply()
    assert {rid: store.get("cases", rid)["published_date"] for rid in ids} == before
    # a required field cannot be emptied in bulk either (the form's rule)
    dlg.select_field("case_type")
    dlg.set_value(None)
    assert not dlg.apply_btn.isEnabled() and "必填" in dlg.errors.toPlainText()


def test_a_record_changed_meanwhile_rolls_the_whole_edit_back(qtbot, window):
    store = window.store
    view, ids = _cases_view(window, 3)
    dlg = view.bulk_edit(run=False)
    qtbot.addWidget(dlg)
    dlg.select_field("note")
    dlg.set_value("批量备注")
    plan = dlg.plan
    store.update("cases", ids[2], {"note": "别人改的"})         # someone edits one of them before 应用
    from sifasuo_desktop.domain.errors import UserError
    from sifasuo_desktop.store.bulk_ops import apply_bulk_edit

    with pytest.raises(UserError):
        apply_bulk_edit(store, LEDGERS["cases"], plan)
    assert store.get("cases", ids[0])["note"] != "批量备注"      # nothing half-written


def test_workflow_state_and_numbers_are_not_offered():
    problems = {f.name for f in bulk_fields(LEDGERS["problems"])}
    assert "status" not in problems and "closed_date" not in problems and "problem_no" not in problems
    docs = {f.name for f in bulk_fields(LEDGERS["documents"])}
    assert not docs & {"doc_no", "status", "signer", "served_date"}
    cases = {f.name for f in bulk_fields(LEDGERS["cases"])}
    assert "case_no" not in cases and "party_id_number" not in cases and "published_date" in cases
    from sifasuo_desktop.domain.errors import ValidationError

    with pytest.raises(ValidationError):
        plan_bulk_edit(LEDGERS["problems"], [{"id": "x"}], "status", "已销号")


def test_problems_page_offers_no_state_field(qtbot, window):
    window.show_page("problems")
    view = window.ledger_view("problems")
    view.ensure_loaded()
    view.select_records([view.model.record_at(0)["id"]])
    dlg = view.bulk_edit(run=False)
    qtbot.addWidget(dlg)
    offered = {dlg.field_box.itemData(i) for i in range(dlg.field_box.count())}
    assert "status" not in offered and "closed_date" not in offered and offered
