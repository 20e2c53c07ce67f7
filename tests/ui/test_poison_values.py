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
