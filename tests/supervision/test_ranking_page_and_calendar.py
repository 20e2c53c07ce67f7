"""The 质效排名 page and the dashboard's 报送 calendar in the real main window (county demo)."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from sifasuo_desktop.domain import report_calendar as rc
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import Store
from sifasuo_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def county(qtbot, tmp_path):
    from sifasuo_desktop.demo import generate

    s = Store.open(tmp_path / "c")
    generate(s, cases=120, role="county")
    s.actor = SYSTEM
    w = MainWindow(s, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    yield s, w
    w.close()
    s.close()


def test_ranking_page_shows_ranks_scores_and_a_chart(qtbot, county):
    s, w = county
    assert "ranking" in w.page_keys()
    w.show_page("ranking")
    page = w.ranking_page
    page.today = TODAY
    page.year.setValue(2026)
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    n = page.table.rowCount()
    assert n == 4
    assert [page.table.item(r, 0).text() for r in range(n)] == [str(r["rank"]) for r in page.rows]
    assert page.table.item(0, 0).text() == "1"
    assert page.chart.spec.categories == [r["township"] for r in page.rows]
    assert page.chart.spec.series[0][1][0] == page.rows[0]["score"] > 0


def test_report_calendar_status():
    items = rc.default_items()
    by = {r["name"]: r for r in rc.statuses(items, [], dt.date(2026, 4, 1))}
    assert by["年度培训计划"]["status"] == rc.LATE and by["年度培训计划"]["due_date"] == "2026-03-31"
    assert by["月度执法情况报表"]["status"] == rc.LATER and by["月度执法情况报表"]["period"] == "2026-04"
    monthly = next(i for i in items if i["frequency"] == "每月")
    by = {r["name"]: r for r in rc.statuses(items, [{"calendar_id": monthly["id"], "period": "2026-04",
                                                      "submitted_date": "2026-04-20"}], dt.date(2026, 4, 26))}
    assert by["月度执法情况报表"]["status"] == rc.DONE
    assert rc.statuses(items, [], dt.date(2026, 4, 18))[0]["status"] == rc.LATE   # late ones first
    assert {r["status"] for r in rc.statuses(items, [], dt.date(2026, 4, 18)) if r["name"] == "月度执法情况报表"} == {rc.SOON}


def test_dashboard_lists_the_report_calendar(qtbot, county):
    s, w = county
    from sifasuo_desktop.ui.dashboard import compute

    data = compute(s, TODAY)
    from sifasuo_desktop.ui.dashboard import DashboardPage
    page = w.findChild(DashboardPage)
    page._show(data)
    names = [page.reports.item(r, 0).text() for r in range(page.reports.rowCount())]
    assert "月度执法情况报表" in names
    statuses = {page.reports.item(r, 0).text(): page.reports.item(r, 3).text() for r in range(page.reports.rowCount())}
    assert statuses["年度培训计划"] == "逾期" and statuses["月度执法情况报表"] == "即将到期"


def test_county_ledgers_filter_by_township(qtbot, county):
    s, w = county
    view = w.ledger_view("cases")
    w.show_page("cases")
    view.ensure_loaded()
    box = view.township_box
    assert box.isVisibleTo(view) and box.itemText(0) == "全部乡镇"
    names = [box.itemText(i) for i in range(1, box.count())]
    assert {"青石镇", "柳河乡", "东湖镇"} <= set(names)
    total = view.model.rowCount()
    i = names.index("青石镇") + 1
    box.setCurrentIndex(i)
    code = box.itemData(i)
    qtbot.waitUntil(lambda: view.model.rowCount() != total, timeout=3000)
    expected = s.count("cases", "owner_org = ?", (code,))
    assert 0 < expected < total
    qtbot.waitUntil(lambda: view.model.rowCount() == expected, timeout=3000)
    box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: view.model.rowCount() == total, timeout=3000)


def test_county_ledger_lists_lead_with_the_township(qtbot, county):
    s, w = county
    from PySide6.QtWidgets import QComboBox

    view = w.ledger_view("bodies")
    w.show_page("bodies")
    view.ensure_loaded()
    model = view.model
    assert model.headerData(0, Qt.Horizontal) == "乡镇"
    assert len(view.findChildren(QComboBox, "township_filter")) == 1
    col = [f.name for f in model.fields].index("name")
    rows = [(model.data(model.index(r, 0)).replace("● ", ""), model.data(model.index(r, col)))
            for r in range(model.rowCount())]
    city = sorted(t for t, name in rows if name == "示范县城市管理局")
    assert city == sorted(["青石镇", "柳河乡", "东湖镇"])       # one body per township, each saying which
    assert len(set(rows)) == len(rows)
    # sorting by the 乡镇 column groups the rows by township
    view._header_clicked(0)
    towns = [model.data(model.index(r, 0)).replace("● ", "") for r in range(model.rowCount())]
    assert len([i for i in range(1, len(towns)) if towns[i] != towns[i - 1]]) == 2
