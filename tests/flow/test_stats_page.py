"""The statistics page: run a 季通报 and a 年报, export to .xlsx, print to PDF, county scope selector."""
import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from sifasuo_desktop.domain.permissions import SYSTEM

from .conftest import LEADER


class FakeWindow(QWidget):
    def __init__(self, store, actor):
        super().__init__()
        self.store, self.actor = store, actor


@pytest.fixture
def page(qtbot, store, body):
    from sifasuo_desktop.ui.stats_page import StatsPage

    store.insert("cases", {"case_no": "1", "case_type": "行政处罚(一般程序)", "body_id": body["id"],
                           "filed_date": "2025-04-01", "decision_date": "2025-05-06",
                           "penalty_kinds": "罚款、责令停产停业", "fine_amount": 3000})
    win = FakeWindow(store, LEADER)
    qtbot.addWidget(win)
    return StatsPage(win, today=dt.date(2025, 12, 31))


def test_quarterly_and_annual(page, qtbot, tmp_path):
    page.kind.setCurrentIndex(1)                  # 季通报
    page.number.setValue(2)
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    # 季通报 + 3 包容审慎/复议诉讼/裁量 tables + 2 涉企检查 tables (per body, top 10 enterprises)
    assert page.tabs.count() == 6 and page.period.label == "2025年第二季度"
    t = page.tables[0]
    assert t.cell("示范镇人民政府", "处罚(一般)") == 1 and t.cell("合计", "罚没金额(元)") == 3000
    page.kind.setCurrentIndex(2)                  # 统计年报
    assert not page.number.isVisibleTo(page)
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    assert page.tabs.count() == 12 and page.tabs.tabText(0) == "表1" and page.tabs.tabText(5) == "表1附"
    assert page.tables[0].rows[0][6] == 1
    out = tmp_path / "年报.xlsx"
    assert page.export_to(str(out))
    assert openpyxl.load_workbook(out).sheetnames[:5] == ["表1", "表2", "表3", "表4", "表5"]
    assert "表5 行政执法证持证情况" in page.html()

    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    pdf = tmp_path / "年报.pdf"
    printer.setOutputFileName(str(pdf))
    page.render(printer)
    assert len(PdfReader(str(pdf)).pages) >= 1


def test_scope_selector_for_several_orgs(qtbot, store, body):
    from sifasuo_desktop.ui.stats_page import StatsPage

    store.actor = SYSTEM
    store.insert("orgs", {"code": "T002", "name": "东镇司法所", "role": "township"}, owner_org="T002")
    store.insert("cases", {"case_no": "X", "case_type": "行政许可", "decision_date": "2025-05-02",
                           "filed_date": "2025-05-01"}, owner_org="T002")
    store.insert("cases", {"case_no": "Y", "case_type": "行政许可", "decision_date": "2025-05-02",
                           "filed_date": "2025-05-01"})
    win = FakeWindow(store, LEADER)
    qtbot.addWidget(win)
    page = StatsPage(win, today=dt.date(2025, 12, 31))
    assert page.org.isVisibleTo(page) and page.org.count() == 3
    page.kind.setCurrentIndex(2)
    page.run()
    assert page.tables[1].rows == [[2, 2]]
    page.org.setCurrentIndex(page.org.findData("T002"))
    page.run()
    assert page.tables[1].rows == [[1, 1]]
