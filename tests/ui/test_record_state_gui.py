"""Issue 12 through the real main window: state fields are read-only in the generic form; what it saves
keeps the workflow's state, and an issued document's edit is a Chinese message, never a traceback."""
import pytest
from PySide6.QtCore import Qt

from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import workflow_ops as ops
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm

from .helpers import when_modal


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    return w


def test_problem_form_shows_state_read_only_and_cannot_close(qtbot, window):
    store = window.store
    p = ops.create_problem(store, {"found_date": "2026-05-01", "source": "监督检查", "description": "未按期公示",
                                   "requirement": "立即公示", "deadline": "2026-05-30"}, person="张所长")
    seen = {}

    def edit(dialog):
        assert isinstance(dialog, RecordForm)
        w = dialog.widgets["status"]
        seen["enabled"] = w.isEnabled() or dialog.widgets["closed_date"].isEnabled()
        w.setCurrentText(wf.CLOSED)   # even a widget forced to 已销号 is not saved
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.LeftButton)

    state = when_modal(qtbot, edit)
    window.open_record("problems", p["id"])
    assert state["error"] is None, state["error"]
    assert seen["enabled"] is False
    assert store.get("problems", p["id"])["status"] == wf.TODO


def test_new_review_form_cannot_type_a_score(qtbot, window):
    from sifasuo_desktop.ui.record_form import RecordForm as RF

    form = RF(window, __import__("sifasuo_desktop.domain.ledgers", fromlist=["LEDGERS"]).LEDGERS["reviews"], None)
    qtbot.addWidget(form)
    assert not form.widgets["score"].isEnabled() and not form.widgets["grade"].isEnabled()
    assert "score" not in form.values() and "grade" not in form.values()
