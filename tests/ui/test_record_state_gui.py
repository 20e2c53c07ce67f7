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


def test_problem_form_has_the_workflow_button_beside_its_state(qtbot, window, monkeypatch):
    """The read-only 整改状态 comes with the button that changes it; it opens the workflow, not a free edit."""
    from sifasuo_desktop.ui import problem_panel

    store = window.store
    p = ops.create_problem(store, {"found_date": "2026-05-01", "source": "监督检查", "description": "未按期公示",
                                   "requirement": "立即公示", "deadline": "2026-05-30"}, person="张所长")
    opened = []
    monkeypatch.setattr(problem_panel, "open_problem_dialog", lambda win, pid: opened.append(pid))

    def click(dialog):
        btn = dialog.state_buttons["整改流程…"]
        assert btn.isVisible() and btn.isEnabled()
        # the button sits on the state field's row, beside the read-only widget
        assert btn.parentWidget() is dialog.widgets["status"].parentWidget()
        qtbot.mouseClick(btn, Qt.LeftButton)

    state = when_modal(qtbot, click)
    window.open_record("problems", p["id"])
    assert state["error"] is None, state["error"]
    assert opened == [p["id"]]
    assert store.get("problems", p["id"])["status"] == wf.TODO   # nothing changed by the form itself


def test_document_form_issues_through_the_workflow_and_only_a_draft(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from sifasuo_desktop.documents import model as M
    from sifasuo_desktop.documents import service as S

    store = window.store
    body_id = next(p["body_id"] for p in store.rows("problems") if p.get("body_id") and p["status"] != wf.CLOSED)
    doc = S.draft_for_problems(store, body_id, M.ZHENGGAI)   # the one type a township issues itself
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))

    def click(dialog):
        assert not dialog.widgets["status"].isEnabled()
        qtbot.mouseClick(dialog.state_buttons["签发…"], Qt.LeftButton)

    state = when_modal(qtbot, click)
    RecordForm(window, __import__("sifasuo_desktop.domain.ledgers", fromlist=["LEDGERS"]).LEDGERS["documents"],
               store.get("documents", doc["id"])).exec()
    assert warned == []
    assert state["error"] is None, state["error"]
    issued = store.get("documents", doc["id"])
    assert issued["status"] != S.DRAFT and issued["doc_no"]

    # an issued document's form offers no 签发 any more
    form = RecordForm(window, __import__("sifasuo_desktop.domain.ledgers", fromlist=["LEDGERS"]).LEDGERS["documents"],
                      issued)
    qtbot.addWidget(form)
    assert "签发…" not in form.state_buttons


def test_new_case_with_a_stored_case_no_spelled_another_way_is_refused(qtbot, window, monkeypatch):
    """Issue 12 through 新增 on the 执法案件 page: 【2026】第003号 is the stored 〔2026〕3号 of the same body, so the
    form says so in Chinese, stays open with everything typed, and no second case is added."""
    store = window.store
    body = store.insert("bodies", {"name": "测试执法中队"})
    store.insert("cases", {"case_no": "测综执罚〔2026〕3号", "body_id": body["id"], "case_type": "行政处罚(一般程序)"})
    before = store.count("cases", "deleted = 0")
    warned = []
    monkeypatch.setattr("sifasuo_desktop.ui.record_form.QMessageBox.warning",
                        lambda parent, title, text, *a, **k: warned.append(text))
    window.show_page("cases")
    view = window.ledger_view("cases")
    view.ensure_loaded()
    seen = {}

    def fill(dlg):
        dlg.widgets["case_no"].setText("测综执罚【2026】第003号")
        dlg.widgets["body_id"].set_value(body["id"])
        dlg.widgets["case_type"].setCurrentText("行政处罚(一般程序)")
        dlg.widgets["party"].setText("张三")
        dlg.save()
        seen["open"] = dlg.isVisible()
        seen["error"] = dlg.error_label.text()
        seen["typed"] = dlg.widgets["party"].text()
        dlg.reject()

    state = when_modal(qtbot, fill)
    view.add_record()
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None, state["error"]
    assert seen["open"] and seen["typed"] == "张三"
    assert "已存在" in seen["error"] and warned and "已存在" in warned[0], (seen, warned)
    assert store.count("cases", "deleted = 0") == before
