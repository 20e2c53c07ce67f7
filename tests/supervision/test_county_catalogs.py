"""The county's 监督检查清单 and 报送日历 editors (issue 16): edited in the county's window (a new checklist version
each time, visits keep theirs), carried down in the county's sync package, shown read-only at the township; a
hostile package with a bad calendar or checklist is refused whole, the township's data untouched."""
import json
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem

from sifasuo_desktop.domain import checklist as cl
from sifasuo_desktop.domain import report_calendar as rc
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import ADMIN, STAFF, SYSTEM, Actor, PermissionDenied
from sifasuo_desktop.store import checklist_ops as cops
from sifasuo_desktop.store import report_calendar_ops as rops
from sifasuo_desktop.sync import engine
from sifasuo_desktop.sync.package import build_manifest, ndjson_gz, seal_package
from sifasuo_desktop.ui.main_window import MainWindow
from tests.sync.world import World, dump
from tests.ui.helpers import when_modal

ADMIN_ACTOR = Actor("admin", ADMIN, "管理员")


@pytest.fixture()
def world(tmp_path):
    w = World(tmp_path, n_townships=1)
    yield w
    w.close()


def _window(qtbot, store, actor):
    store.actor = actor
    w = MainWindow(store, actor)
    qtbot.addWidget(w)
    w.show()
    return w


# ---------------------------------------------------------------- the rules of the data
@pytest.mark.parametrize("values, words", [
    ({"name": "年报", "frequency": "每年", "month": 13, "day": 1}, "截止月"),
    ({"name": "年报", "frequency": "每年", "month": 2, "day": 30}, "2月没有30日"),
    ({"name": "年报", "frequency": "每年", "month": 4, "day": 31}, "4月没有31日"),
    ({"name": "年报", "frequency": "每年", "month": None, "day": 1}, "截止月"),
    ({"name": "月报", "frequency": "每月", "month": None, "day": 0}, "截止日"),
    ({"name": "月报", "frequency": "每月", "month": None, "day": 32}, "截止日"),
    ({"name": "月报", "frequency": "每月", "month": 3, "day": 5}, "不填截止月"),
    ({"name": "月报", "frequency": "每周", "month": None, "day": 5}, "周期"),
    ({"name": "  ", "frequency": "每月", "month": None, "day": 5}, "名称"),
    ({"name": "月报", "frequency": "每月", "month": None, "day": "二十五"}, "整数"),
    ({"name": "月报", "frequency": "每月", "month": None, "day": 2.5}, "整数"),
])
def test_a_calendar_entry_with_a_date_that_does_not_exist_is_refused(values, words):
    with pytest.raises(UserError) as exc:
        rc.clean_item(values)
    assert words in exc.value.message


def test_due_rules():
    assert rc.clean_item({"name": "年报", "frequency": "每年", "month": 2, "day": 29})["day"] == 29
    assert [rc.due_rule(i) for i in rc.default_items()][:2] == ["每月25日前", "每年3月31日前"]
    assert rc.due_rule({"frequency": "每月", "day": 31}) == "每月月末前"


def test_only_a_county_admin_edits_the_calendar_and_defaults_keep_their_ids(world):
    c, t = world.county, world.town
    t.actor = ADMIN_ACTOR
    with pytest.raises(UserError, match="县司法局"):
        rops.save_item(t, {"name": "x", "frequency": "每月", "day": 5})
    with pytest.raises(UserError, match="县司法局"):
        cops.save_version(t, "清单", "v2", [{"code": "A", "item": "b"}])
    c.actor = Actor("clerk", STAFF)
    with pytest.raises(PermissionDenied):
        rops.save_item(c, {"name": "x", "frequency": "每月", "day": 5})
    c.actor = ADMIN_ACTOR
    before = [i["id"] for i in rops.calendar_items(c)]
    row = rops.save_item(c, {"name": "半年工作总结", "frequency": "每年", "month": 7, "day": 10})
    items = {i["id"]: i for i in rops.calendar_items(c)}
    assert set(before) <= set(items) and row["id"] in items      # the shipped entries kept their ids
    with pytest.raises(UserError, match="已存在"):
        rops.save_item(c, {"name": "半年工作总结", "frequency": "每月", "day": 5})
    with pytest.raises(UserError, match="2月没有30日"):
        rops.save_item(c, {"name": "坏日期", "frequency": "每年", "month": 2, "day": 30}, row["id"])
    assert c.get("report_calendar", row["id"])["month"] == 7
    for i in list(items):
        rops.remove_item(c, i)
    assert rops.calendar_items(c) == []            # every entry removed: the county owes nothing, no defaults
    with pytest.raises(UserError):
        rops.remove_item(c, row["id"])


# ---------------------------------------------------------------- the GUI, county → package → township
def test_county_edits_both_sync_carries_them_township_sees_them_read_only(qtbot, world):
    c, t = world.county, world.town
    # the township records a visit against the shipped default before the county changes anything
    t.actor = SYSTEM
    body = t.insert("bodies", {"name": "第1镇人民政府", "body_type": "乡镇政府"})
    old_visit = t.insert("visits", {"visit_date": "2026-10-10", "method": "日常监督", "body_id": body["id"]})
    cops.save_results(t, old_visit["id"], {"ZT-01": {"result": "符合", "note": ""}})

    w = _window(qtbot, c, ADMIN_ACTOR)
    w.show_page("catalogs")
    page = w.catalogs_page
    ed = page.checklist
    assert ed.editable and ed.save_button.isVisible()
    n = ed.table.rowCount()
    assert n == len(cl.default_checklist()["items"])
    qtbot.mouseClick(ed.add_button, Qt.LeftButton)
    assert ed.table.rowCount() == n + 1
    for col, text in enumerate(("QT-01", "乡镇综合执法队执法记录仪配备", "设备台账")):
        ed.table.setItem(n, col, QTableWidgetItem(text))
    ed.table.setCurrentCell(0, 0)
    qtbot.mouseClick(ed.remove_button, Qt.LeftButton)          # drop ZT-01
    ed.label_edit.setText("")
    qtbot.mouseClick(ed.save_button, Qt.LeftButton)
    assert "版本" in ed.error.text() and c.count("checklists") == 0     # a version label is required
    ed.label_edit.setText("2027年版")
    qtbot.mouseClick(ed.save_button, Qt.LeftButton)
    active = cops.active_checklist(c)
    codes = [i["code"] for i in cops.items_of(active)]
    assert active["version_label"] == "2027年版" and codes[-1] == "QT-01" and "ZT-01" not in codes
    assert "（在用）" in ed.version_box.currentText()
    # a second edit is a third version; the second stays, inactive
    ed.label_edit.setText("2027年版")
    qtbot.mouseClick(ed.save_button, Qt.LeftButton)
    assert "已存在" in ed.error.text()

    cal = page.calendar
    page.tabs.setCurrentWidget(cal)
    assert cal.add_button.isVisible()
    rows0 = cal.table.rowCount()

    def fill(dlg):
        dlg.name_edit.setText("上半年执法工作总结")
        dlg.freq_box.setCurrentText("每年")
        dlg.month_box.setValue(7)
        dlg.day_box.setValue(15)
        assert dlg.rule.text() == "截止规则：每年7月15日前"
        dlg.try_accept()

    state = when_modal(qtbot, fill)
    qtbot.mouseClick(cal.add_button, Qt.LeftButton)
    assert state["error"] is None, state["error"]
    assert cal.table.rowCount() == rows0 + 1
    names = [cal.table.item(r, 0).text() for r in range(cal.table.rowCount())]
    assert "上半年执法工作总结" in names
    # change the monthly report to the 20th, remove the 事项目录 entry
    cal.table.setCurrentCell(names.index("月度执法情况报表"), 0)

    def to_20(dlg):
        dlg.day_box.setValue(20)
        dlg.try_accept()

    state = when_modal(qtbot, to_20)
    qtbot.mouseClick(cal.edit_button, Qt.LeftButton)
    assert state["error"] is None, state["error"]
    names = [cal.table.item(r, 0).text() for r in range(cal.table.rowCount())]
    cal.table.setCurrentCell(names.index("行政执法事项目录"), 0)
    assert cal.remove_item(confirm=False)
    w.close()

    # the county's package carries both down; the township's copy is replaced
    res = world.down()
    assert res.status == "applied", res.text()
    t.actor = Actor("admin", ADMIN)
    tw = _window(qtbot, t, t.actor)
    tw.show_page("catalogs")
    tp = tw.catalogs_page
    ted = tp.checklist
    assert not ted.editable and not ted.save_button.isVisible() and not ted.add_button.isVisible()
    assert "本所只读" in ted.info.text() and "2027年版" in ted.info.text()
    tcodes = [ted.table.item(r, 0).text() for r in range(ted.table.rowCount())]
    assert tcodes[-1] == "QT-01" and "ZT-01" not in tcodes
    assert ted.table.editTriggers() == ted.table.EditTrigger.NoEditTriggers
    tcal = tp.calendar
    assert not tcal.add_button.isVisible() and not tcal.edit_button.isVisible()
    tnames = {tcal.table.item(r, 0).text(): tcal.table.item(r, 2).text() for r in range(tcal.table.rowCount())}
    assert tnames["上半年执法工作总结"] == "每年7月15日前"
    assert tnames["月度执法情况报表"] == "每月20日前"
    assert "行政执法事项目录" not in tnames
    # a new visit at the township uses the county's version, the earlier one keeps the default it used
    new_visit = t.insert("visits", {"visit_date": "2026-11-10", "method": "日常监督", "body_id": body["id"]})
    row, items, _ = cops.visit_checklist(t, new_visit)
    assert row["version_label"] == "2027年版" and items[-1]["code"] == "QT-01"
    row, items, results = cops.visit_checklist(t, t.get("visits", old_visit["id"]))
    assert row["id"] == cops.DEFAULT_ID and items[0]["code"] == "ZT-01" and results["ZT-01"]["result"] == "符合"
    # the township's dashboard calendar follows the county's
    import datetime as dt
    status = {s["name"]: s for s in rops.report_status(t, dt.date(2026, 7, 16))}
    assert status["上半年执法工作总结"]["status"] == rc.LATE and "行政执法事项目录" not in status
    # and the township still cannot change them
    with pytest.raises(UserError):
        rops.save_item(t, {"name": "x", "frequency": "每月", "day": 5})
    tw.close()


def test_county_staff_sees_the_editors_read_only(qtbot, world):
    w = _window(qtbot, world.county, Actor("clerk", STAFF))
    w.show_page("catalogs")
    assert not w.catalogs_page.checklist.save_button.isVisible()
    assert not w.catalogs_page.calendar.add_button.isVisible()
    assert "只读" in w.catalogs_page.calendar.info.text()
    w.close()


# ---------------------------------------------------------------- hostile packages
def forge_down(world, entries):
    """A package signed with the county's real key, carrying any rows we like, for the township."""
    c, t = world.county, world.town
    keys, peer = engine.local_keys(c), engine.peer_identity(c, t.org.code)
    gzd, n = ndjson_gz(entries)
    fs = {engine.DATA_FILE: gzd}
    sid = c.stream_id
    extra = {"sender": {"stream_id": sid, "node_id": c.installation_id, "name": c.org.name},
             "seq": {"stream_id": sid, "from": 1, "to": max(n, 1), "prev_stream_id": None},
             "full": True, "counts": {}, "acks": {}, "open_conflicts": 0,
             "schema_digest": engine.schema_digest(), "contains_personal_data": False}
    m = build_manifest(sender=keys, recipient=peer, kind="changes", schema_version=engine.schema_version(),
                       files=fs, records={engine.DATA_FILE: n}, extra=extra)
    path = world.out / f"forged-{uuid.uuid4().hex[:8]}.tspkg"
    seal_package(path, m, fs, keys, peer)
    return path


def _row(world, table, **values):
    base = {"id": str(uuid.uuid4()), "owner_org": world.county.org.code, "version": 1, "deleted": 0,
            "created_at": "2026-11-01T00:00:00+00:00", "updated_at": "2026-11-01T00:00:00+00:00",
            "updated_by": "admin"}
    cols = world.town.columns(table)
    row = {k: None for k in cols}
    row.update(base)
    row.update(values)
    return row


def _cal(world, **kw):
    return _row(world, "report_calendar", **dict({"name": "月报", "frequency": "每月", "month": None, "day": 25,
                                                  "active": 1, "note": None}, **kw))


def _list(world, items, **kw):
    return _row(world, "checklists", **dict({"name": "清单", "version_label": "v9", "active": 1, "note": None,
                                             "items": json.dumps(items, ensure_ascii=False)}, **kw))


GOOD_ITEM = {"code": "A-01", "item": "检查内容", "evidence": "材料"}
HOSTILE = {
    "calendar month 13": lambda w: [_cal(w, frequency="每年", month=13, day=1)],
    "calendar 2月30日": lambda w: [_cal(w, frequency="每年", month=2, day=30)],
    "calendar day 0": lambda w: [_cal(w, day=0)],
    "calendar day as text": lambda w: [_cal(w, day="25")],
    "calendar unknown frequency": lambda w: [_cal(w, frequency="每周")],
    "calendar empty name": lambda w: [_cal(w, name="")],
    "calendar huge name": lambda w: [_cal(w, name="报" * 5000)],
    "calendar too many entries": lambda w: [_cal(w, name=f"事项{i}") for i in range(rc.MAX_ITEMS + 1)],
    "checklist huge item list": lambda w: [_list(w, [dict(GOOD_ITEM, code=f"A-{i}") for i in range(cl.MAX_ITEMS + 1)])],
    "checklist unknown item field": lambda w: [_list(w, [dict(GOOD_ITEM, run="rm -rf /")])],
    "checklist item not text": lambda w: [_list(w, [dict(GOOD_ITEM, item=["列表"])])],
    "checklist over-long item": lambda w: [_list(w, [dict(GOOD_ITEM, item="长" * 5000)])],
    "checklist duplicate codes": lambda w: [_list(w, [GOOD_ITEM, GOOD_ITEM])],
    "checklist items not a list": lambda w: [_list(w, {"code": "A"})],
    "checklist items broken json": lambda w: [_row(w, "checklists", name="清单", version_label="v9", active=1,
                                                   items="[{")],
    "checklist empty": lambda w: [_list(w, [])],
    "checklist active 7": lambda w: [_list(w, [GOOD_ITEM], active=7)],
    "checklist no version": lambda w: [_list(w, [GOOD_ITEM], version_label="")],
    "checklist too many versions": lambda w: [_list(w, [GOOD_ITEM], version_label=f"v{i}")
                                               for i in range(cl.MAX_VERSIONS + 1)],
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_county_catalog_is_refused_whole(world, case):
    t = world.town
    before = dump(t)
    good = _cal(world, name="正常事项")
    rows = [good] + HOSTILE[case](world)
    table = lambda r: "checklists" if "items" in r else "report_calendar"  # noqa: E731
    path = forge_down(world, [{"seq": i + 1, "table": table(r), "row": r} for i, r in enumerate(rows)])
    res = engine.import_file(t, path)
    assert res.status == "rejected", (case, res.text())
    assert res.code == "bad_record", (case, res.code, res.rejected_reason)
    assert "本机数据没有改变" in res.rejected_reason
    assert dump(t) == before
    assert rops.calendar_items(t) == rc.default_items()


def test_a_well_formed_forged_catalog_is_applied(world):
    """The control: the same forge with good rows goes through (so the refusals above are the checks')."""
    t = world.town
    rows = [_cal(world, name="正常事项"), _list(world, [GOOD_ITEM])]
    path = forge_down(world, [{"seq": 1, "table": "report_calendar", "row": rows[0]},
                              {"seq": 2, "table": "checklists", "row": rows[1]}])
    res = engine.import_file(t, path)
    assert res.status == "applied", res.text()
    assert [i["name"] for i in rops.calendar_items(t)] == ["正常事项"]
    assert cops.items_of(cops.active_checklist(t))[0]["code"] == "A-01"


def test_a_township_calendar_row_is_not_sent_up_nor_accepted(world):
    from sifasuo_desktop.sync import policy

    t = world.town
    assert "report_calendar" in policy.COUNTY_ONLY_TABLES and "checklists" in policy.COUNTY_ONLY_TABLES
    row = {"owner_org": t.org.code, "id": "x", "deleted": 0}
    assert not policy.goes_up("report_calendar", row, t.org.code)
    assert not policy.goes_up("checklists", row, t.org.code)
    assert policy.goes_up("report_submissions", row, t.org.code)
