"""涉企检查 through the real main window (issue 13): the inspection form offers the body's catalog items and flags an
unpublished one at once; the 企业检查查询 page shows one enterprise's inspections by every body this year with the
cap and the JC rules that hit; the 统计 page carries the 涉企检查 tables; the dashboard card counts this year."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.domain.validators import make_uscc
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm
from tests.ui.helpers import type_text, when_modal

USCC = make_uscc("91379901MA0000001")
TODAY = dt.date(2026, 12, 1)     # the pages are given this day (the dates below do not move with the clock)
Y = TODAY.year


@pytest.fixture
def window(qtbot, store):
    squad = store.insert("bodies", {"name": "示范镇综合行政执法队", "status": "有效", "township": "示范镇"})
    dept = store.insert("bodies", {"name": "示范县城市管理局", "status": "有效"})
    for code, name, pub, status in (("XJ-1", "食品经营监督检查", f"{Y}-01-05", "有效"),
                                    ("XJ-2", "燃气安全检查", f"{Y + 1}-01-01", "有效"),
                                    ("XJ-3", "旧事项", f"{Y - 2}-01-01", "停用")):
        store.insert("inspection_items", {"code": code, "name": name, "body_id": squad["id"], "published_date": pub,
                                          "status": status})
    store.insert("inspection_items", {"code": "CG-1", "name": "户外广告检查", "body_id": dept["id"],
                                      "published_date": f"{Y}-01-01", "status": "有效"})
    base = {"target_name": "示范县鑫盛商贸有限公司", "target_uscc": USCC, "inspect_type": "日常检查", "method": "现场检查",
            "task_source": "年度计划", "officer_names": "张三、李四", "result": "未发现问题"}
    days = [f"{Y}-01-10", f"{Y}-01-20", f"{Y}-01-25"]
    for d in days:   # three by the squad: the third is over the cap of 2 (JC-01)
        store.insert("inspections", dict(base, inspect_date=d, body_id=squad["id"], item_name="食品经营监督检查",
                                         approval_date=d, report_time=f"{d} 09:00", rating="满意"))
    # the county department: no approval (JC-05), no 报备 (JC-04 from 07-01 of 2025 on), rated 不满意
    store.insert("inspections", dict(base, inspect_date=f"{Y}-01-28", body_id=dept["id"], item_name="户外广告检查",
                                     rating="不满意"))
    store.insert("inspections", dict(base, inspect_date=f"{Y - 1}-06-01", body_id=dept["id"], item_name="户外广告检查"))
    store.insert("inspections", dict(base, target_name="另一家企业", target_uscc=make_uscc("91379901MA0000002"),
                                     inspect_date=f"{Y}-01-11", body_id=squad["id"]))
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    w.enterprise_page.today = TODAY
    dash = w.page("dashboard")
    dash.fixed_today = TODAY
    w.show()
    # the dashboard computes in a worker thread: let its first run finish before the test drives the window
    idle = lambda: dash._job is None or dash._job["done"]  # noqa: E731 - no worker thread running
    qtbot.waitUntil(idle, timeout=20000)
    yield w, squad, dept
    qtbot.waitUntil(idle, timeout=20000)


def test_inspection_form_offers_the_catalog_and_flags_unpublished_items(qtbot, window):
    win, squad, _dept = window
    win.show_page("inspections")
    view = win.ledger_view("inspections")
    seen = {}

    def fill(form):
        assert isinstance(form, RecordForm)
        c, w = form.catalog, form.widgets
        w["inspect_date"].setText(f"{Y}-06-01")
        w["body_id"].set_value(squad["id"])
        seen["offered"] = [c.picker.itemText(i) for i in range(1, c.picker.count())]
        type_text(w["target_name"], "示范县鑫盛商贸有限公司")
        w["target_uscc"].setText(USCC)
        idx = next(i for i in range(1, c.picker.count()) if "燃气安全检查" in c.picker.itemText(i))
        c.picker.setCurrentIndex(idx)
        c.picker.activated.emit(idx)                  # not yet published this year: flagged at once
        seen["unpublished"] = (c.warning, c.label.text(), w["item_code"].text())
        w["item_name"].clear()
        w["item_code"].clear()
        type_text(w["item_name"], "消防检查")           # not in the catalog
        seen["unknown"] = (c.warning, c.label.text())
        w["item_name"].clear()
        idx = next(i for i in range(1, c.picker.count()) if "食品经营监督检查" in c.picker.itemText(i))
        c.picker.setCurrentIndex(idx)
        c.picker.activated.emit(idx)
        seen["ok"] = (c.warning, c.label.text())
        w["task_source"].set_value("紧急情形")
        w["report_time"].setText(f"{Y}-06-02 上午")       # a careless clerk: refused on the form
        qtbot.mouseClick(form.buttons.buttons()[0], Qt.LeftButton)
        seen["refused"] = form.isVisible() and "报备时间" in form.error_label.text()
        w["report_time"].setText(f"{Y}-06-02 10:15")
        w["rating"].set_value("基本满意")
        qtbot.mouseClick(form.buttons.buttons()[0], Qt.LeftButton)

    state = when_modal(qtbot, fill)
    qtbot.mouseClick(view.add_btn, Qt.LeftButton)
    assert state["error"] is None, state["error"]
    assert [t.split("｜")[:2] for t in seen["offered"]] == [["XJ-1", "食品经营监督检查"], ["XJ-2", "燃气安全检查"],
                                                           ["XJ-3", "旧事项"]]
    assert "已停用" in seen["offered"][2] and "未公布" in seen["offered"][1]
    assert seen["unpublished"][0] and "才公布" in seen["unpublished"][1] and seen["unpublished"][2] == "XJ-2"
    assert seen["unknown"][0] and "不在本主体的行政检查事项目录中" in seen["unknown"][1]
    assert seen["ok"] == (False, "")
    assert seen["refused"]
    row = win.store.rows("inspections", "inspect_date = ?", (f"{Y}-06-01",))[0]
    assert (row["item_name"], row["item_code"], row["task_source"], row["report_time"], row["rating"]) == (
        "食品经营监督检查", "XJ-1", "紧急情形", f"{Y}-06-02 10:15", "基本满意")


def test_enterprise_page_shows_every_body_the_cap_and_the_rules(qtbot, window):
    win, _squad, _dept = window
    win.show_page("enterprise")
    page = win.enterprise_page
    type_text(page.code, USCC.lower())               # typed in lower case: still found
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    v = page.view
    assert v is not None and v["name"] == "示范县鑫盛商贸有限公司" and v["year"] == Y
    assert page.table.rowCount() == 4                # this year only, both bodies, not the other enterprise
    bodies = [page.table.item(r, 1).text() for r in range(4)]
    assert bodies == ["示范镇综合行政执法队"] * 3 + ["示范县城市管理局"]
    assert {p["body"]: (p["counted"], p["over"]) for p in v["per_body"]} == {
        "示范镇综合行政执法队": (3, True), "示范县城市管理局": (1, False)}
    warn = [page.table.item(r, page.table.columnCount() - 1).text() for r in range(4)]
    assert warn[0] == "" and warn[1] == ""
    assert warn[2].startswith("JC-01")
    assert "JC-05" in warn[3] and "JC-04" in warn[3] and "JC-02" in warn[3]
    assert {"JC-01", "JC-02", "JC-04", "JC-05", "JC-06"} <= set(v["codes_hit"])  # JC-06: no 涉企检查计划 at all
    assert "超过上限" in page.summary.text() and "JC-01" in page.summary.text()
    # a double-click opens the inspection's form
    seen = {}

    def look(form):
        seen["date"] = form.widgets["inspect_date"].text()
        form.reject()

    state = when_modal(qtbot, look)
    page.table.cellDoubleClicked.emit(2, 0)
    assert state["error"] is None and seen["date"] == f"{Y}-01-25"
    # an unknown code: a Chinese message, no table
    page.code.setText("91379901MA000000X9")
    page.run()
    assert page.view is None and page.table.rowCount() == 0 and "没有找到" in page.summary.text()


def test_record_action_stats_tables_and_dashboard_card(qtbot, window):
    win, _squad, _dept = window
    view = win.ledger_view("inspections")
    win.show_page("inspections")
    view.ensure_loaded()
    rec = win.store.rows("inspections", "inspect_date = ?", (f"{Y}-01-28",))[0]
    view.select_record(rec["id"])
    button = next(b for b in view.record_buttons if b.text() == "查看该企业全部检查")
    qtbot.mouseClick(button, Qt.LeftButton)
    assert win.stack.currentWidget() is win.enterprise_page and win.enterprise_page.table.rowCount() == 4
    # 统计: the annual report of this year carries the 涉企检查 tables
    from sifasuo_desktop.store import stats_queries as sq

    _p, tables = sq.period_report(win.store, "annual", Y, as_of=TODAY)
    t = {x.key: x for x in tables}
    body = t["jc_bodies"]
    row = body.row("示范镇综合行政执法队")
    col = body.columns.index
    assert row[col("现场检查(次)")] == 4 and row[col("报备率")] == "75.0%" and row[col("计划内占比")] == "100.0%"
    dept = body.row("示范县城市管理局")
    assert dept[col("报备率")] == "0.0%" and dept[col("不满意率")] == "100.0%"
    assert t["jc_top"].rows[0][1:4] == ["示范县鑫盛商贸有限公司", USCC, 4]
    # the dashboard card
    dash = win.page("dashboard")
    win.show_page("dashboard")
    qtbot.waitUntil(lambda: dash.data is not None and not dash.busy, timeout=5000)
    text = dash.enterprise_card.text()
    assert f"涉企检查（{Y}年）：现场检查 5 次" in text and "检查企业 2 家" in text and "不满意率 25.0%" in text
    qtbot.mouseClick(dash.enterprise_card, Qt.LeftButton)
    assert win.stack.currentWidget() is win.enterprise_page
