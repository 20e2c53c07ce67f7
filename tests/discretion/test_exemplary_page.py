"""典型案例 page (issue 15) through the real main window: a case is marked from the 执法案件 ledger's record button,
listed on the page with the kind filter, unmarked again, and the list exports as .xlsx (a managed path refused)."""
import openpyxl
import pytest
from PySide6.QtWidgets import QPushButton

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.exemplary_ui import MarkDialog
from sifasuo_desktop.ui.main_window import MainWindow
from tests.ui.helpers import when_modal


@pytest.fixture
def window(qtbot, store):
    body = store.insert("bodies", {"name": "示范镇人民政府", "status": "有效"})
    for n in (1, 2, 3):
        store.insert("cases", {"case_no": f"示镇罚〔2026〕{n}号", "body_id": body["id"], "case_type": "简易程序",
                               "cause": "占道经营", "party": f"商户{n}", "decision_date": f"2026-0{n}-10"})
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    yield w


def _mark(qtbot, kind, summary, then=None):
    holder = []

    def fill(d):
        assert isinstance(d, MarkDialog)
        d.kind.setCurrentText(kind)
        d.summary.setPlainText(summary)
        if then is not None:
            holder[0]["then"] = when_modal(qtbot, then)
        d.accept()
    holder.append(when_modal(qtbot, fill))
    return holder[0]


def _done(qtbot, st):
    qtbot.waitUntil(lambda: st["done"], timeout=5000)
    if st["error"]:
        raise st["error"]


def test_mark_list_unmark_and_export(qtbot, window, store, tmp_path):
    view = window.ledger_view("cases")
    view.ensure_loaded()
    case = store.rows("cases", "case_no = ?", ("示镇罚〔2026〕2号",))[0]
    assert view.select_record(case["id"])
    button = [b for b in view.findChildren(QPushButton) if b.text() == "标记为典型案例…"][0]
    st = _mark(qtbot, "典型案例", "依照裁量基准从轻处罚，说理充分")
    qtbot.mouseClick(button, qtbot_button())
    _done(qtbot, st)
    assert store.get("cases", case["id"])["exemplary_kind"] == "典型案例"
    page = window.page("exemplary")
    window.show_page("exemplary")
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "示镇罚〔2026〕2号"
    page.kind.setCurrentText("指导案例")
    assert page.table.rowCount() == 0 and "共0件" in page.summary.text()
    page.kind.setCurrentText("全部")
    # a summary is required (the domain's check): the message is shown, nothing changes
    page.table.selectRow(0)
    warn = {}

    def refused(m):
        warn["text"] = m.text()
        m.accept()
    st = _mark(qtbot, "指导案例", "", then=refused)
    page.mark_button.click()
    _done(qtbot, st)
    _done(qtbot, st["then"])
    assert "摘要" in warn["text"] and store.get("cases", case["id"])["exemplary_kind"] == "典型案例"
    # export: a good path, then the ledger itself (refused, the database untouched)
    out = tmp_path / "汇编.xlsx"
    ok = when_modal(qtbot, lambda m: m.accept())
    assert page.export_to(str(out))
    _done(qtbot, ok)
    ws = openpyxl.load_workbook(out).active
    assert any("示镇罚〔2026〕2号" in str(c.value) for row in ws.iter_rows() for c in row)
    keys = store.data_dir / "keys"
    keys.mkdir(exist_ok=True)
    before = sorted(p.name for p in keys.iterdir())
    bad = when_modal(qtbot, lambda m: (warn.update(bad=m.text()), m.accept()))
    assert not page.export_to(str(keys / "案例.xlsx"))
    _done(qtbot, bad)
    assert "数据文件夹" in warn["bad"] and sorted(p.name for p in keys.iterdir()) == before
    # unmark
    page.table.selectRow(0)
    st = _mark(qtbot, "取消标记", "")
    page.mark_button.click()
    _done(qtbot, st)
    assert store.get("cases", case["id"])["exemplary_kind"] is None and page.table.rowCount() == 0


def qtbot_button():
    from PySide6.QtCore import Qt
    return Qt.LeftButton
