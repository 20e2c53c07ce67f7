"""Issue 18: the 监督文书 page shows only the actions the selected document's state allows (toolbar and the
row's right-click menu), one 编辑, and no "已已送达" in messages."""
import pytest

from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow

ALWAYS = {"编辑文书", "预览/打印", "导出PDF", "导出DOCX"}
AFTER_ISSUE = {"登记送达", "登记反馈", "送达回证", "制发更正文书"}


@pytest.fixture
def page(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 700)
    w.show()
    w.show_page("documents")
    view = w.ledger_view("documents")
    view.ensure_loaded()
    return w, view


def shown(view):
    """The actions offered for the selected record: visible buttons and the entries of the menu buttons
    (导出/打印 ▾, 更正/作废 ▾: i18c, so the row fits 1366 pixels)."""
    out = {b.text() for b in view.record_buttons if not b.isHidden() and b.isEnabled()}
    for g in getattr(view, "group_buttons", []):
        if g.isHidden() or not g.isEnabled():
            continue
        g.menu().aboutToShow.emit()
        out |= {a.text() for a in g.menu().actions()}
    return out


def test_actions_follow_the_document_state(qtbot, page):
    w, view = page
    store = w.store
    body = store.rows("bodies", limit=1)[0]
    draft = store.insert("documents", {"doc_type": "监督意见书", "title": "关于督促整改的监督意见书", "status": S.DRAFT,
                                       "body_id": body["id"]})
    view.refresh()
    # nothing selected: no state-bound action on the toolbar
    view.table.clearSelection()
    assert not (shown(view) & (AFTER_ISSUE | {"签发"}))
    assert view.select_record(draft["id"])
    acts = shown(view)
    assert ALWAYS <= acts and "签发" in acts and not (acts & AFTER_ISSUE)
    assert view.edit_btn.isVisible() and view.edit_btn.text() == "登记信息"     # one 编辑, named for what it edits
    served = next(r for r in store.rows("documents") if r["status"] == S.SERVED)
    assert view.select_record(served["id"])
    acts = shown(view)
    assert ALWAYS <= acts and AFTER_ISSUE <= acts and "签发" not in acts
    assert not view.edit_btn.isVisible()
    # the row menu offers the same actions
    assert {b.text() for b in view.row_actions()} >= ALWAYS | AFTER_ISSUE
    assert "签发" not in {b.text() for b in view.row_actions()}


def test_double_click_opens_the_document_editor(qtbot, page, monkeypatch):
    w, view = page
    opened = []
    monkeypatch.setattr(w.documents_controller, "edit", lambda rec: opened.append(rec["id"]))
    view.open_action = w.documents_controller.edit
    doc = w.store.rows("documents", limit=1)[0]
    assert view.select_record(doc["id"])
    view.activate_selected()
    assert opened == [doc["id"]]


@pytest.mark.parametrize("status,phrase", [(S.SERVED, "文书已送达"), (S.ISSUED, "文书已签发"),
                                           (S.SUPERSEDED, "文书已被替代"), (S.VOID, "文书已作废")])
def test_state_phrase_never_doubles_yi(status, phrase):
    assert S.state_phrase(status) == phrase


def test_issuing_a_served_document_says_it_once(qtbot, page):
    from sifasuo_desktop.domain.errors import UserError

    w, _view = page
    served = next(r for r in w.store.rows("documents") if r["status"] == S.SERVED)
    with pytest.raises(UserError) as exc:
        w.documents_controller.issue(served)
    assert "文书已送达" in exc.value.message and "已已" not in exc.value.message
