"""The per-officer page (certificate timeline, hours, cases, warnings) and the 执法人员统计 page, driven through the
main window as a user would."""
import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import Store
from sifasuo_desktop.store.cert_events import record_event
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.personnel_ui import OfficerDialog

from .helpers import when_modal


@pytest.fixture
def setup(tmp_path):
    s = Store.open(tmp_path / "d")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    body = s.insert("bodies", {"name": "示范镇人民政府", "township": "示范镇", "status": "有效"})
    zhang = s.insert("officers", {"name": "张三", "body_id": body["id"], "staffing": "行政", "cert_no": "37990001",
                                  "cert_expiry": "2030-01-01", "duty_status": "在岗"})
    s.insert("officers", {"name": "李四", "body_id": body["id"], "cert_no": "37990002", "cert_status": "有效",
                          "cert_expiry": "2030-01-01", "duty_status": "在岗"})
    record_event(s, {"officer_id": zhang["id"], "event_type": "申领", "event_date": "2023-02-01",
                     "prelim_date": "2023-02-05", "prelim_opinion": "同意上报"})
    record_event(s, {"officer_id": zhang["id"], "event_type": "发证", "event_date": "2023-03-01", "doc_no": "示司证〔2023〕1号"})
    record_event(s, {"officer_id": zhang["id"], "event_type": "审验", "event_date": "2025-03-01", "review_year": 2024,
                     "result": "合格"})
    s.insert("trainings", {"officer_name": "张三", "officer_id": zhang["id"], "training_date": "2025-04-01",
                           "title": "行政处罚法", "category": "公共法律知识", "hours": 12})
    s.insert("trainings", {"officer_name": "张三", "officer_id": zhang["id"], "training_date": "2025-05-01",
                           "title": "执法文书", "category": "执法技能", "hours": 8})
    case = s.insert("cases", {"case_no": "示综罚〔2025〕3号", "body_id": body["id"], "case_type": "行政处罚(一般程序)",
                              "filed_date": "2025-06-01", "officer_names": "张三、李四",
                              "officer_ids": f'["{zhang["id"]}"]', "status": "办理中"})
    yield s, zhang, case
    s.close()


@pytest.fixture
def window(qtbot, setup):
    s = setup[0]
    w = MainWindow(s, SYSTEM)
    w.show()
    engine = w.rules_engine
    qtbot.waitUntil(lambda: engine.result is not None and not engine.busy, timeout=20000)
    yield w
    qtbot.waitUntil(lambda: not engine.busy, timeout=20000)
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def _open_profile(qtbot, window, officer_id) -> OfficerDialog:
    window.show_page("officers")
    view = window.ledger_view("officers")
    qtbot.waitUntil(lambda: view.model.row_of_id(officer_id) >= 0, timeout=10000)
    assert view.select_record(officer_id)
    button = next(b for b in view.record_buttons if b.text() == "人员档案…")
    assert button.isEnabled()
    button.click()
    dlg = window._officer_dialog
    assert isinstance(dlg, OfficerDialog) and dlg.isVisible()
    return dlg


def _rows(table):
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_certificate_timeline_and_recording_an_event(qtbot, window, setup):
    s, zhang, case = setup
    dlg = _open_profile(qtbot, window, zhang["id"])
    timeline = _rows(dlg.timeline)
    assert [(r[0], r[1]) for r in timeline] == [("2023-02-01", "申领"), ("2023-03-01", "发证"), ("2025-03-01", "审验")]
    assert "司法所初审2023-02-05" in timeline[0][2] and "2024年度 合格" in timeline[2][2]
    assert "证件状态：有效" in dlg.header.text()  # followed the 发证 event
    hours = _rows(dlg.hours)
    assert hours[0][0] == "2025" and hours[0][-1] == "20"
    assert _rows(dlg.actions_table)[0][:3] == ["案件", "2025-06-01", "示综罚〔2025〕3号"]

    # 暂扣 through the event form: the officer's status follows, the timeline grows, RY-02 names him on the case
    engine = window.rules_engine
    runs = engine.runs

    def fill(form):
        assert form.ledger.key == "cert_events"
        assert form.widgets["officer_name"].text() == "张三"
        form.set_field("event_type", "暂扣")
        form.set_field("event_date", "2025-05-20")
        form.set_field("reason", "年审发现违规执法")
        form.buttons.button(form.buttons.StandardButton.Save).click()

    state = when_modal(qtbot, fill)
    saved = dlg.add_event()
    assert state["done"] and state["error"] is None and saved["officer_id"] == zhang["id"]
    assert s.get("officers", zhang["id"])["cert_status"] == "暂扣"
    qtbot.waitUntil(lambda: dlg.timeline.rowCount() == 4, timeout=5000)
    assert _rows(dlg.timeline)[3][:2] == ["2025-05-20", "暂扣"]
    assert "证件状态：暂扣" in dlg.header.text()
    qtbot.waitUntil(lambda: engine.runs > runs and not engine.busy, timeout=20000)
    qtbot.waitUntil(lambda: any(r[0].startswith("RY-02") for r in _rows(dlg.warnings)), timeout=5000)
    dlg.accept()


def test_personnel_page_stats_xlsx_and_print(qtbot, window, setup, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    s, zhang, _ = setup
    page = window.personnel_page
    page.today = dt.date(2026, 4, 1)
    page.year.setValue(2025)
    page.run()
    table = page.tables[0]
    total = table.row("合计")
    assert total[table.columns.index("执法岗位人数")] == 2 and total[table.columns.index("持有效证人数")] == 2
    summary = page.summary
    assert summary.title == "2025年度执法证件年审汇总表" and len(summary.rows) == 2
    assert page.tabs.count() == 3
    out = tmp_path / "年审.xlsx"
    assert page.export_to(str(out))
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert any("年审汇总表" in str(c.value) for row in ws.iter_rows(max_row=3) for c in row)
    assert "张三" in [c.value for c in ws["C"]] + [c.value for row in ws.iter_rows() for c in row]
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    pdf = tmp_path / "年审.pdf"
    printer.setOutputFileName(str(pdf))
    page.render(printer)
    assert pdf.stat().st_size > 1000
    assert "审核人" in page.html() and "张三" in page.html()


def test_exam_target_from_the_page(qtbot, window, setup):
    from PySide6.QtWidgets import QInputDialog

    s = setup[0]
    batch = s.insert("exam_batches", {"name": "2025年闭卷考试", "exam_date": "2025-11-01", "year": 2025, "pass_mark": 60})
    s.insert("exam_scores", {"batch_id": batch["id"], "officer_name": "张三", "officer_id": setup[1]["id"], "score": 75})
    page = window.personnel_page
    page.today = dt.date(2026, 4, 1)
    page.year.setValue(2025)

    def answer(dlg):
        assert isinstance(dlg, QInputDialog)
        dlg.setDoubleValue(60)
        dlg.accept()

    state = when_modal(qtbot, answer)
    assert page.target_button.isEnabled() and page.edit_target()
    assert state["error"] is None
    row = page.tables[1].row(2025)
    assert row[3:7] == [1, "50.0%", "60%", "未达标"]
