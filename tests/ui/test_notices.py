"""Issue 18: confirmations and errors where the clerk looks — next to the ledger's table, or a non-blocking toast
on pages without one — not only in the status bar."""
import pytest

from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm
from sifasuo_desktop.ui.toast import notify

from .helpers import when_modal


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 700)
    w.show()
    return w


def test_toast_on_a_page_without_a_table(qtbot, window):
    window.show_page("dashboard")
    notify(window, "✔ 已导出 3 条记录")
    toast = window._toast
    assert toast.isVisible() and "已导出 3 条记录" in toast.text()
    assert window.rect().contains(toast.geometry())               # on screen, inside the window
    assert "已导出" in window.statusBar().currentMessage()
    notify(window, "导出失败：磁盘已满", error=True)
    assert "#c62828" in toast.styleSheet() and toast.text() == "导出失败：磁盘已满"


def test_on_a_ledger_page_the_notice_is_next_to_the_table(qtbot, window):
    window.show_page("bodies")
    view = window.ledger_view("bodies")
    view.ensure_loaded()
    notify(window, "✔ 模板已保存")
    assert view.notice.text() == "✔ 模板已保存" and getattr(window, "_toast", None) is None


def test_unlinked_officer_names_show_with_the_save_confirmation(qtbot, window):
    window.show_page("cases")
    view = window.ledger_view("cases")
    view.ensure_loaded()

    def fill(form):
        form.widgets["case_no"].setText("提示〔2026〕9号")
        form.widgets["case_type"].set_value("行政处罚(一般程序)")
        form.widgets["officer_names"].setText("查无此人")
        form.save()
    state = when_modal(qtbot, fill)
    view.add_record()
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None, state["error"]
    text = view.notice.text()
    assert text.startswith("✔ 已新增：提示〔2026〕9号") and "未在执法人员台账中找到：查无此人" in text
    assert "#a66b00" in view.notice.styleSheet()


def test_delete_confirms_next_to_the_table(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    store = window.store
    body = store.insert("bodies", {"name": "待删除单位"})
    window.show_page("bodies")
    view = window.ledger_view("bodies")
    view.ensure_loaded()
    view.refresh()
    assert view.select_record(body["id"])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    view.delete_selected()
    assert store.get("bodies", body["id"])["deleted"] == 1
    assert view.notice.text().startswith("✔ 已删除：待删除单位")
