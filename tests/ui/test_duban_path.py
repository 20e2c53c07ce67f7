"""Issue 18: the 督办函 path from the 问题整改 page (select overdue problems → 督办…) and from the 首页's to-do list;
one letter per body through the drafting API, only the selected problems, the draft opened in the editor, the
selection kept."""
import datetime as dt

import pytest

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import documents_queries as Q
from sifasuo_desktop.ui.documents_ui import DocumentEditor
from sifasuo_desktop.ui.main_window import MainWindow

from .helpers import when_modal

PAST = (dt.date.today() - dt.timedelta(days=40)).isoformat()
LATE = (dt.date.today() - dt.timedelta(days=10)).isoformat()
LATER = (dt.date.today() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 700)
    w.show()
    return w


def _problem(store, body, no, deadline):
    return store.insert("problems", {"problem_no": no, "found_date": PAST, "source": "监督检查", "body_id": body["id"],
                                     "description": f"问题{no}", "deadline": deadline, "status": "待整改"})["id"]


@pytest.fixture
def problems(window):
    store = window.store
    a = store.insert("bodies", {"name": "督办甲局"})
    b = store.insert("bodies", {"name": "督办乙局"})
    return {"a1": _problem(store, a, "DB-A1", LATE), "a2": _problem(store, a, "DB-A2", LATE),
            "a3": _problem(store, a, "DB-A3", LATE),          # overdue too, but not selected
            "a_ok": _problem(store, a, "DB-A4", LATER),       # not overdue
            "b1": _problem(store, b, "DB-B1", LATE)}


def _duban_docs(store, pid):
    return [d for d in Q.documents_referencing(store, "problems", pid) if d["doc_type"] == "督办函"]


def test_duban_from_the_problems_page(qtbot, window, problems):
    store = window.store
    window.show_page("problems")
    view = window.ledger_view("problems")
    view.ensure_loaded()
    view.search.setText("DB-")
    view.apply_filters()
    chosen = [problems[k] for k in ("a1", "a2", "a_ok", "b1")]
    assert view.select_records(chosen) == 4
    assert view.duban_btn.isEnabled()
    seen = []
    state = when_modal(qtbot, lambda dlg: (seen.append(type(dlg)), dlg.reject()))
    view.duban_btn.click()
    qtbot.waitUntil(lambda: state["done"], timeout=10000)
    assert state["error"] is None, state["error"]
    assert seen == [DocumentEditor]                       # the draft opened straight in the editor
    a_docs = _duban_docs(store, problems["a1"])
    assert len(a_docs) == 1 and a_docs == _duban_docs(store, problems["a2"])
    assert _duban_docs(store, problems["a3"]) == [] and _duban_docs(store, problems["a_ok"]) == []
    assert len(_duban_docs(store, problems["b1"])) == 1 and _duban_docs(store, problems["b1"]) != a_docs
    assert a_docs[0]["status"] == "草稿" and a_docs[0]["recipient"] == "督办甲局"
    # the clerk's selection is still there, and the confirmation is next to the table
    assert sorted(r["id"] for r in view.selected_records()) == sorted(chosen)
    assert "已起草督办函 2 份" in view.notice.text()
    # a second 督办 of the same problems drafts nothing new and says why (no traceback, no duplicate letter)
    state = when_modal(qtbot, lambda dlg: dlg.close())
    view.duban_btn.click()
    qtbot.waitUntil(lambda: state["done"], timeout=10000)
    assert len(_duban_docs(store, problems["a1"])) == 1


def test_button_needs_an_overdue_problem(qtbot, window, problems):
    window.show_page("problems")
    view = window.ledger_view("problems")
    view.ensure_loaded()
    view.search.setText("DB-A4")
    view.apply_filters()
    view.select_records([problems["a_ok"]])
    assert not view.duban_btn.isEnabled()


def test_duban_from_the_dashboard_overdue_list(qtbot, window, problems):
    store = window.store
    page = window.page("dashboard")
    page.refresh()
    rows = [r for r in range(page.todo.rowCount())
            if page.todo.item(r, 2).text() in ("DB-A1", "DB-B1")]
    assert len(rows) == 2
    from PySide6.QtCore import QItemSelectionModel

    for r in rows:
        page.todo.selectionModel().select(page.todo.model().index(r, 0),
                                          QItemSelectionModel.Select | QItemSelectionModel.Rows)
    assert page.duban_button.isEnabled()
    seen = []
    state = when_modal(qtbot, lambda dlg: (seen.append(type(dlg)), dlg.reject()))
    page.duban_button.click()
    qtbot.waitUntil(lambda: state["done"], timeout=10000)
    assert state["error"] is None, state["error"]
    assert seen == [DocumentEditor]
    assert len(_duban_docs(store, problems["a1"])) == 1 and _duban_docs(store, problems["a2"]) == []
    assert len(_duban_docs(store, problems["b1"])) == 1
    page.refresh()                                        # the list rebuilt: the selection stays
    picked = {page.todo.item(i.row(), 2).text() for i in page.todo.selectionModel().selectedRows()}
    assert picked == {"DB-A1", "DB-B1"}


def test_todo_list_names_every_record_type_in_chinese(qtbot, window):
    from sifasuo_desktop.ui.dashboard import type_label

    assert type_label("complaints") == "投诉举报/线索" and type_label("supervision_plans") == "年度监督计划"
    page = window.page("dashboard")
    page.refresh()
    kinds = {page.todo.item(r, 1).text() for r in range(page.todo.rowCount())}
    assert kinds and all(not k.isascii() for k in kinds), kinds


def test_the_duban_button_does_not_build_the_problems_page_at_start(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    assert "problems" in w._unbuilt                     # start-up stays lazy (issue 19)
    view = w.ledger_view("problems")
    assert view.duban_btn.text() == "督办…"
