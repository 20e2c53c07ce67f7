"""文件 → 导入Excel台账 / 导出Excel in the real main window."""
import openpyxl
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.xlsx_import import XlsxImportDialog


@pytest.fixture
def window(qtbot, demo_store, monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.Ok)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.Ok)
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    yield w
    # an import schedules refreshes (dashboard timers); none may fire once the store is closed
    w.close()
    for timer in w.findChildren(QTimer):
        timer.stop()


def _sheet(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "检查台账"
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_menu_entries(window):
    texts = [a.text() for a in window.menus["文件"].actions()]
    assert "导入Excel台账…" in texts and any(t.startswith("导出Excel") for t in texts)


def test_import_preview_manual_mapping_and_bodies(window, qtbot, tmp_path):
    store = window.store
    officer = store.rows("officers")[0]["name"]
    f = _sheet(tmp_path / "insp.xlsx", [
        ["2025年行政检查台账"],
        ["检查日期", "执法主体", "企业名称", "检查类型", "陪同人", "检查结果"],
        ["2025年5月6日", "新设的执法中队", "某某超市", "日常检查", officer, "未发现问题"],
        ["2025-05-07", "新设的执法中队", "某某饭店", "专项检查", officer, "责令整改"],
    ])
    before = store.count("inspections")
    dlg = XlsxImportDialog(window, f)
    qtbot.addWidget(dlg)
    sp = dlg.current_sheet()
    assert sp.detection.ledger == "inspections" and sp.header_row == 2
    # unknown column shown, preview shows rows as stored
    headers = [dlg.mapping.item(r, 1).text() for r in range(dlg.mapping.rowCount())]
    assert "陪同人" in headers
    assert dlg.preview.rowCount() == 2
    cols = [dlg.preview.horizontalHeaderItem(c).text() for c in range(dlg.preview.columnCount())]
    row0 = {cols[c]: dlg.preview.item(0, c).text() for c in range(dlg.preview.columnCount())}
    assert row0["检查日期"] == "2025-05-06" and row0["执法主体"] == "新设的执法中队" and row0["操作"] == "新增"
    # the new body must be confirmed before importing
    assert dlg.bodies_label.text() == "新设的执法中队"
    assert not dlg.import_btn.isEnabled()
    # map 陪同人 → 检查人员 by hand
    r = headers.index("陪同人")
    box = dlg.mapping.cellWidget(r, 2)
    box.setCurrentIndex(box.findText("检查人员"))
    qtbot.waitUntil(lambda: dlg.current_sheet() is not sp)
    sp = dlg.current_sheet()
    assert {c.header: c.field for c in sp.detection.columns}["陪同人"] == "officer_names"
    dlg.bodies_ok.setChecked(True)
    assert dlg.import_btn.isEnabled()
    dlg.import_btn.click()
    assert dlg.result_summary["created"] == 2
    assert store.count("inspections") == before + 2
    rec = store.rows("inspections", "target_name = '某某超市'")[0]
    assert rec["officer_names"] == officer
    # the same layout is recognised next time without asking
    dlg2 = XlsxImportDialog(window, f)
    qtbot.addWidget(dlg2)
    cols = {c.header: (c.field, c.how) for c in dlg2.current_sheet().detection.columns}
    assert cols["陪同人"] == ("officer_names", "manual")
    assert dlg2.plan.summary()["unchanged"] == 2


def test_import_with_errors_cannot_be_applied(window, qtbot, tmp_path):
    f = _sheet(tmp_path / "bad.xlsx", [["检查日期", "检查对象", "统一社会信用代码"],
                                        ["2025-13-01", "甲", None]])
    dlg = XlsxImportDialog(window, f)
    qtbot.addWidget(dlg)
    assert not dlg.import_btn.isEnabled()
    assert dlg.problems.rowCount() == 1
    assert dlg.problems.item(0, 0).text() == "错误" and dlg.problems.item(0, 3).text() == "A 检查日期"
    assert dlg.tabs.currentIndex() == 1


def test_export_current_view_as_filtered(window, tmp_path):
    from sifasuo_desktop.ui import extensions_xlsx

    window.show_page("cases")
    view = window.ledger_view("cases")
    view.ensure_loaded()
    view.status_box.setCurrentIndex(view.status_box.findData("已结案"))
    out = extensions_xlsx.export_current(window, out=str(tmp_path / "c.xlsx"), full_personal=False)
    ws = openpyxl.load_workbook(out).active
    n = window.store.count("cases", "status = '已结案'")
    header = [c.value for c in ws[3]]
    status_col = header.index("办理状态")
    values = [r[status_col] for r in ws.iter_rows(min_row=4, max_row=3 + n, values_only=True)]
    assert len(values) == n and set(values) == {"已结案"}
    t = extensions_xlsx.save_template(window, "officers", str(tmp_path / "t.xlsx"))
    assert openpyxl.load_workbook(t).sheetnames[-1] == "填写说明"


def test_import_dialog_reads_a_gbk_csv_and_says_so(window, qtbot, tmp_path):
    store = window.store
    officer = store.rows("officers")[0]
    padded = officer["name"][0] + "  " + officer["name"][1:]
    f = tmp_path / "12345导出.csv"
    f.write_bytes(("检查日期,执法主体,检查对象,检查类型,检查人员\r\n"
                   f"2025-06-03,新设的执法中队,某某商店,日常检查,{padded}\r\n").encode("gbk"))
    dlg = XlsxImportDialog(window, f)
    qtbot.addWidget(dlg)
    assert dlg.current_sheet().detection.ledger == "inspections"
    assert "GB18030/GBK，逗号分隔" in dlg.summary.text()
    assert "按姓名 1 人次" in dlg.summary.text()
    dlg.bodies_ok.setChecked(True)
    dlg.import_btn.click()
    assert dlg.result_summary["created"] == 1
    rec = store.rows("inspections", "target_name = '某某商店'")[0]
    assert rec["officer_names"] == officer["name"].replace(" ", "")
