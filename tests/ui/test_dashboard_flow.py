"""The dashboard (首页): this week's items by type, counts by month, charts, live refresh, printing."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import workflow_ops as ops

TODAY = dt.date(2026, 5, 20)
LEADER = Actor("zhang", "leader", "张所长")


@pytest.fixture
def win(qtbot, tmp_path):
    from sifasuo_desktop.ui.main_window import MainWindow

    s = Store.open(tmp_path / "d")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    s.actor = LEADER
    body = s.insert("bodies", {"name": "示范镇人民政府"})
    ops.create_problem(s, {"found_date": "2026-05-01", "source": "监督检查", "description": "未按期公示",
                           "body_id": body["id"], "deadline": "2026-05-10"})
    ops.create_problem(s, {"found_date": "2026-05-02", "source": "12345", "description": "执法态度问题",
                           "body_id": body["id"], "deadline": "2026-05-22"})
    for n, (filed, ctype) in enumerate((("2026-02-03", "行政处罚(一般程序)"), ("2026-02-10", "行政许可"),
                                        ("2026-04-01", "行政处罚(一般程序)"))):
        s.insert("cases", {"case_no": f"C{n}", "case_type": ctype, "filed_date": filed, "body_id": body["id"]})
    w = MainWindow(s, LEADER)
    qtbot.addWidget(w)
    dash = w.page("dashboard")
    dash.fixed_today = TODAY
    dash.refresh()
    yield w, dash, s, body
    w.close()
    s.close()


def _rows(table):
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_week_first_then_months_and_charts(win, qtbot):
    w, dash, s, body = win
    assert "逾期或已违反" in dash.summary_label.text()
    zg = [r for r in _rows(dash.todo) if r[3].startswith("ZG-01")]
    assert [(r[0], r[2]) for r in zg] == [("逾期/已违反", "示范问〔2026〕1号"), ("即将到期", "示范问〔2026〕2号")]
    assert "problems" in dash.card_buttons and "红 1 · 黄 1" in dash.card_buttons["problems"].text()
    # counts by month: 立案 row, February = 2
    months = _rows(dash.months)
    assert months[0][0].startswith("立案") and months[0][2] == "2" and months[0][4] == "1"
    cases, rules, rect = dash.chart_specs()
    assert dict(cases.series)["处罚(一般)"][1] == 1 and dict(cases.series)["许可"][1] == 1
    assert rules.series[0][1][rules.categories.index("ZG-01")] == 2
    assert rect.percent and rect.series[0][1][4] == 0.0
    img = dash.chart_cases.grab()
    assert not img.isNull() and img.width() > 100


def test_card_filters_and_double_click_opens_problem(win, qtbot, monkeypatch):
    w, dash, s, body = win
    opened = []
    import sifasuo_desktop.ui.problem_panel as pp

    monkeypatch.setattr(pp, "open_problem_dialog", lambda window, pid, today=None: opened.append(pid))
    qtbot.mouseClick(dash.card_buttons["problems"], Qt.LeftButton)
    assert {r[1] for r in _rows(dash.todo)} == {"问题整改"}
    dash.todo.cellDoubleClicked.emit(0, 2)
    first = s.rows("problems", "problem_no = ?", ("示范问〔2026〕1号",))[0]
    assert opened == [first["id"]]


def test_refreshes_after_a_change(win, qtbot):
    w, dash, s, body = win
    w.show()
    w.show_page("dashboard")
    before = sum(1 for r in _rows(dash.todo) if r[3].startswith("ZG-01"))
    ops.create_problem(s, {"found_date": "2026-05-03", "source": "监督检查", "description": "新问题",
                           "body_id": body["id"], "deadline": "2026-05-15"})
    qtbot.waitUntil(lambda: sum(1 for r in _rows(dash.todo) if r[3].startswith("ZG-01")) == before + 1,
                    timeout=5000)


def test_prints_two_pages(win, tmp_path):
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    w, dash, s, body = win
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    out = tmp_path / "dash.pdf"
    printer.setOutputFileName(str(out))
    assert dash.render_pages(printer) == 2
    assert len(PdfReader(str(out)).pages) == 2


def test_async_refresh_uses_its_own_connection(win, qtbot):
    w, dash, s, body = win
    dash.data = None
    dash.refresh_async()
    qtbot.waitUntil(lambda: not dash.busy and dash.data is not None, timeout=10000)
    assert [r[2] for r in _rows(dash.todo) if r[3].startswith("ZG-01")] == ["示范问〔2026〕1号", "示范问〔2026〕2号"]


def test_exports_week_and_months_to_xlsx(win, tmp_path):
    import openpyxl

    w, dash, s, body = win
    out = tmp_path / "首页.xlsx"
    assert dash.export_to(str(out))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["本周要办", "按月统计"]
    refs = [r[2] for r in wb["本周要办"].iter_rows(min_row=4, values_only=True)]
    assert "示范问〔2026〕1号" in refs
    month = list(wb["按月统计"].iter_rows(min_row=4, max_row=4, values_only=True))[0]
    assert month[0].startswith("立案") and month[2] == "2"
