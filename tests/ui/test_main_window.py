"""Drive the real main window as a clerk would: open each ledger, add, search, edit, see validation."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from sifasuo_desktop.domain.ledgers import (BOOL, CHOICE, DATE, FLOAT, IDNO, INT, JSON, LONGTEXT, MONEY, NAMES,
                                            PHONE, REF, USCC, nav_ledgers)
from sifasuo_desktop.domain.permissions import SYSTEM, Actor
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm
from sifasuo_desktop.ui.widgets import ChoiceBox, DateEdit, LongText

from .helpers import type_text, when_modal


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    return w


def fill_required(qtbot, form: RecordForm, token: str):
    """Type a valid value into every required field (and the first text field) of a form."""
    first_text = None
    for f in form.ledger.fields:
        w = form.widgets.get(f.name)
        if w is None or not w.isEnabled():   # read-only state fields (issue 12: 文号 only by 签发)
            continue
        if f.kind in ("text", LONGTEXT) and first_text is None:
            first_text = f.name
        if not f.required and f.name != first_text:
            continue
        if isinstance(w, ChoiceBox):
            w.setCurrentIndex(1)
        elif isinstance(w, DateEdit):
            type_text(w.edit, "2026-11-20")
        elif isinstance(w, LongText):
            w.setPlainText(f"描述{token}")
        elif f.kind == NAMES:
            type_text(w, f"张{token}、李{token}")
        elif f.kind in (INT, FLOAT, MONEY):
            type_text(w, "3")
        elif f.kind == IDNO:
            type_text(w, "11010519491231002X")
        else:
            type_text(w, f"记录{token}")
    return first_text


def test_navigation_lists_every_ledger(window):
    titles = [window.nav.item(r).text() for r in range(window.nav.count())]
    for expected in ["首页", "执法人员与证件", "培训记录", "赋权事项", "执法案件", "行政检查", "监督检查", "案卷评查",
                     "问题整改", "监督文书", "投诉举报/线索", "三年行动任务", "行政执法监督员"]:
        assert expected in titles
    assert window.ledger_view("cases").model.rowCount() > 0  # the default ledger is loaded at start


@pytest.mark.parametrize("key", [l.key for l in nav_ledgers()])
def test_add_search_edit_each_ledger(qtbot, window, key):
    window.show_page(key)
    view = window.ledger_view(key)
    assert window.stack.currentWidget() is view
    token = "甲乙丙" + key[:3]
    created = {}

    def add(dialog):
        assert isinstance(dialog, RecordForm)
        created["field"] = fill_required(qtbot, dialog, token)
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.LeftButton)  # 保存

    state = when_modal(qtbot, add)
    qtbot.mouseClick(view.add_btn, Qt.LeftButton)
    assert state["error"] is None, state["error"]
    rows = window.store.rows(key, f"{created['field']} LIKE ?", (f"%{token}%",))
    assert len(rows) == 1, "the record was stored"

    # find it with the search box (3+ characters: trigram index)
    view.search.clear()
    type_text(view.search, token)
    qtbot.keyClick(view.search, Qt.Key_Return)
    assert view.model.rowCount() == 1
    assert view.count_label.text() == "共 1 条"

    # edit it through the form
    view.table.selectRow(0)

    def edit(dialog):
        w = dialog.widgets[created["field"]]
        if isinstance(w, LongText):
            w.setPlainText(f"修改后{token}")
        else:
            w.clear()
            type_text(w, f"修改后{token}")
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.LeftButton)  # 保存

    state = when_modal(qtbot, edit)
    qtbot.mouseClick(view.edit_btn, Qt.LeftButton)
    assert state["error"] is None, state["error"]
    rec = window.store.get(key, rows[0]["id"])
    assert rec[created["field"]] == f"修改后{token}" and rec["version"] == 2
    # the view refreshed itself from the change broadcast
    assert "修改后" in view.model.display(view.model.fields[0], view.model.record_at(0)[view.model.fields[0].name]) \
        or view.model.rowCount() in (0, 1)


def test_validation_refuses_bad_id_number(qtbot, window):
    window.show_page("officers")
    view = window.ledger_view("officers")
    before = window.store.count("officers")
    seen = {}

    def add(dialog):
        type_text(dialog.widgets["name"], "王校验")
        type_text(dialog.widgets["id_number"], "110105194912310021")  # wrong check digit
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.LeftButton)
        seen["error"] = dialog.error_label.text()
        seen["open"] = dialog.isVisible()
        seen["style"] = dialog.widgets["id_number"].styleSheet()
        dialog.reject()

    state = when_modal(qtbot, add)
    qtbot.mouseClick(view.add_btn, Qt.LeftButton)
    assert state["error"] is None, state["error"]
    assert "身份证号校验位不正确" in seen["error"]
    assert seen["open"] is True and "d32f2f" in seen["style"]
    assert window.store.count("officers") == before


def test_filters_status_and_date_range(qtbot, window):
    view = window.ledger_view("cases")
    window.show_page("cases")
    total = view.model.total()
    idx = view.status_box.findData("已结案")
    view.status_box.setCurrentIndex(idx)
    closed = window.store.count("cases", "status = '已结案'")
    assert view.model.total() == closed < total
    view.status_box.setCurrentIndex(0)
    type_text(view.date_from, "2026-01-01")
    type_text(view.date_to, "2026年3月31日")
    view.apply_filters()
    expected = window.store.count("cases", "filed_date BETWEEN '2026-01-01' AND '2026-03-31'")
    assert view.model.total() == expected
    dates = [view.model.record_at(r)["filed_date"] for r in range(view.model.rowCount())]
    assert all("2026-01-01" <= d <= "2026-03-31" for d in dates)


def test_sort_by_clicking_a_column(qtbot, window):
    view = window.ledger_view("cases")
    col = [f.name for f in view.model.fields].index("decision_date")
    view.table.horizontalHeader().sectionClicked.emit(col)
    first = [view.model.record_at(r)["decision_date"] for r in range(20)]
    assert first == sorted(first, key=lambda d: (d is not None, d))
    view.table.horizontalHeader().sectionClicked.emit(col)
    first = [view.model.record_at(r)["decision_date"] for r in range(20)]
    assert first == sorted(first, reverse=True, key=lambda d: (d is not None, d))


def test_id_numbers_masked_in_list(window):
    view = window.ledger_view("officers")
    view.ensure_loaded()
    col = [f.name for f in view.model.fields].index("id_number")
    text = view.model.data(view.model.index(0, col))
    assert "*" in text and len(text) == 18


def test_readonly_account_cannot_add(qtbot, demo_store):
    w = MainWindow(demo_store, Actor("reader", "readonly"))
    qtbot.addWidget(w)
    assert not w.ledger_view("cases").add_btn.isEnabled()


def test_delete_tombstones_and_refreshes(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    view = window.ledger_view("complaints")
    window.show_page("complaints")
    n = view.model.total()
    view.table.selectRow(0)
    rid = view.selected_record()["id"]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    qtbot.mouseClick(view.delete_btn, Qt.LeftButton)
    assert view.model.total() == n - 1
    assert window.store.get("complaints", rid)["deleted"] == 1


def test_reference_to_a_big_table_is_typed(qtbot, window, monkeypatch):
    """With many cases the review form asks for the 案号 instead of listing 100k cases in a combo."""
    from sifasuo_desktop.ui import record_form
    monkeypatch.setattr(record_form, "REF_COMBO_MAX", 5)
    case = window.store.rows("cases", limit=1)[0]
    view = window.ledger_view("reviews")
    window.show_page("reviews")
    seen = {}

    def add(dialog):
        w = dialog.widgets["case_id"]
        assert not isinstance(w, ChoiceBox)
        type_text(dialog.widgets["case_no"], "评查测试号")
        type_text(dialog.widgets["reviewers"], "张三、李四")
        type_text(w, "不存在的案号")
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.LeftButton)
        seen["error"] = dialog.error_label.text()
        w.clear()
        type_text(w, case["case_no"])
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.LeftButton)

    state = when_modal(qtbot, add)
    qtbot.mouseClick(view.add_btn, Qt.LeftButton)
    assert state["error"] is None, state["error"]
    assert "找不到“不存在的案号”" in seen["error"]
    rec = window.store.rows("reviews", "case_no = ?", ("评查测试号",))[0]
    assert rec["case_id"] == case["id"]


def test_typed_reference_shows_the_stored_number(qtbot, window, monkeypatch):
    from sifasuo_desktop.ui import record_form
    monkeypatch.setattr(record_form, "REF_COMBO_MAX", 5)
    review = window.store.rows("reviews", "case_id IS NOT NULL", limit=1)[0]
    case_no = window.store.get("cases", review["case_id"])["case_no"]
    form = record_form.RecordForm(window, window.ledger_view("reviews").ledger, review)
    qtbot.addWidget(form)
    assert form.widgets["case_id"].text() == case_no
