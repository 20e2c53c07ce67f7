"""Issue 12 through the real main window: the import dialog stores an old sheet's closed problem as 历史导入;
its form says so and keeps the state read-only; the case form's 办理状态 follows the dates."""
import openpyxl
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm
from sifasuo_desktop.ui.xlsx_import import XlsxImportDialog

from .helpers import when_modal


@pytest.fixture
def window(qtbot, demo_store, monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.Ok)
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
    for timer in w.findChildren(QTimer):
        timer.stop()


def test_import_dialog_stores_history_and_the_form_shows_it_read_only(window, qtbot, tmp_path):
    store = window.store
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题整改"
    ws.append(["问题编号", "发现日期", "来源", "问题描述", "整改状态", "销号日期"])
    ws.append(["旧问〔2023〕7", "2023-03-01", "监督检查", "二〇二三年的旧问题", "已销号", "2023-04-02"])
    path = tmp_path / "old.xlsx"
    wb.save(path)
    dlg = XlsxImportDialog(window, path)
    qtbot.addWidget(dlg)
    assert "历史导入" in dlg.summary.text()
    assert dlg.import_btn.isEnabled()
    dlg.import_btn.click()
    assert dlg.result_summary["created"] == 1 and dlg.result_summary["history"] == 1
    rec = store.rows("problems", "problem_no = ?", ("旧问〔2023〕7",))[0]
    assert rec["status"] == wf.CLOSED and rec["state_imported"] == 1
    seen = {}

    def edit(form):
        assert isinstance(form, RecordForm)
        seen["note"] = form.history_label.text() if form.history_label else ""
        seen["enabled"] = [form.widgets[n].isEnabled() for n in ("status", "closed_date", "state_imported")]
        form.widgets["status"].setCurrentText(wf.WORKING)     # forced: still not saved
        qtbot.mouseClick(form.buttons.buttons()[0], Qt.LeftButton)

    state = when_modal(qtbot, edit)
    window.open_record("problems", rec["id"])
    assert state["error"] is None, state["error"]
    assert "历史导入" in seen["note"] and seen["enabled"] == [False, False, False]
    after = store.get("problems", rec["id"])
    assert after["status"] == wf.CLOSED and after["state_imported"] == 1


def test_new_problem_form_cannot_mark_history(window, qtbot):
    form = RecordForm(window, LEDGERS["problems"], None)
    qtbot.addWidget(form)
    assert not form.widgets["state_imported"].isEnabled()
    assert "state_imported" not in form.values() and form.history_label is None


def test_case_form_status_follows_dates(window, qtbot):
    store = window.store
    form = RecordForm(window, LEDGERS["cases"], None)
    qtbot.addWidget(form)
    box = form.widgets["status"]
    assert box.itemText(0).startswith("办理中") and box.count() == 2     # only 已撤销 can be chosen
    form.widgets["decision_date"].setText("2026-03-02")
    assert box.itemText(0).startswith("已决定")
    form.widgets["closed_date"].setText("2026-03-20")
    assert box.itemText(0).startswith("已结案")
    form.widgets["closed_date"].setText("")
    form.widgets["case_no"].setText("示罚〔2026〕901号")
    form.widgets["case_type"].setCurrentIndex(1)
    form.save()
    assert form.saved_record is not None, form.error_label.text()
    assert form.saved_record["status"] == "已决定"
    case = store.get("cases", form.saved_record["id"])
    form2 = RecordForm(window, LEDGERS["cases"], case)
    qtbot.addWidget(form2)
    form2.widgets["status"].setCurrentIndex(1)          # 已撤销
    form2.save()
    assert store.get("cases", case["id"])["status"] == "已撤销"
