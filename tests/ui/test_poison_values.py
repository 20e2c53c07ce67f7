"""Issue 11 item 4 through the real form: a clerk types 9999-12-31 or a negative fine and gets a Chinese
message; nothing is stored."""
import pytest
from PySide6.QtCore import Qt

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow

from .helpers import type_text, when_modal
from .test_main_window import fill_required


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.mark.parametrize("field,text,expect", [("filed_date", "9999-12-31", "超出允许范围"),
                                               ("fine_amount", "-500", "负数"),
                                               ("fine_amount", "1e400", "无穷大")])
def test_form_refuses_poison(qtbot, window, field, text, expect):
    window.show_page("cases")
    view = window.ledger_view("cases")
    before = window.store.count("cases")
    seen = {}

    def add(dialog):
        fill_required(qtbot, dialog, "毒值")
        w = dialog.widgets[field]
        target = getattr(w, "edit", w)
        target.clear()
        type_text(w, text)
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.LeftButton)
        seen["error"] = dialog.error_label.text()
        seen["open"] = dialog.isVisible()
        dialog.reject()

    state = when_modal(qtbot, add)
    qtbot.mouseClick(view.add_btn, Qt.LeftButton)
    assert state["error"] is None, state["error"]
    assert expect in seen["error"] and seen["open"] is True
    assert window.store.count("cases") == before


def test_warnings_page_with_poison_in_the_database(qtbot, demo_store):
    """Before: a stored 9999-12-31 crashed the 预警 computation for everybody; now DQ-01 shows and the rest runs."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication
    cases = demo_store.rows("cases", limit=2)
    with demo_store.transaction():
        demo_store.conn.execute("UPDATE cases SET filed_date = '9999-12-31', decision_date = '9999-12-31' "
                                "WHERE id = ?", (cases[0]["id"],))
        demo_store.conn.execute("UPDATE cases SET fine_amount = ? WHERE id = ?", (float("inf"), cases[1]["id"]))
    w = MainWindow(demo_store, SYSTEM)
    w.show()
    engine = w.rules_engine
    qtbot.waitUntil(lambda: engine.runs > 0 and not engine.busy and engine.result is not None, timeout=20000)
    codes = [f.code for f in engine.result.findings]
    dq = {f.record_id for f in engine.result.findings if f.code == "DQ-01"}
    assert {cases[0]["id"], cases[1]["id"]} <= dq
    assert len(set(codes)) > 3                              # the other rules ran
    w.show_page("warnings")
    texts = [w.warnings_page.tree.topLevelItem(i).child(j).text(0)
             for i in range(w.warnings_page.tree.topLevelItemCount())
             for j in range(w.warnings_page.tree.topLevelItem(i).childCount())]
    assert any(t.startswith("DQ-01") for t in texts)
    w.show_page("cases")                                    # the list shows the inf row without crashing
    assert w.ledger_view("cases").model.rowCount() > 0
    qtbot.waitUntil(lambda: not engine.busy, timeout=20000)
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
