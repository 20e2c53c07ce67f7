"""JC-03 … JC-06 (涉企检查 governance, issue 13): table-driven tests of the boundary days in rules.md.

Calendar facts used: 2025 National Day holiday 10-01..10-08, make-up working days Sun 09-28 and Sat 10-11
(the chinesecalendar package): so 1 working day after Tue 09-30 is Thu 10-09, 2 are Fri 10-10, and 1 working
day after Sat 09-27 is Sun 09-28.
"""
import pytest

from sifasuo_desktop.domain.rules import parse_assignments

from .helpers import inspection, run, sev

USCC = "91379901MA00000017"


def item(name="食品经营监督检查", code="XJ-001", published="2025-03-01", status="有效", body="b1", **kw):
    rec = {"id": f"it-{name}-{code}-{body}", "code": code, "name": name, "body_id": body, "published_date": published,
           "status": status, "owner_org": "T1"}
    rec.update(kw)
    return rec


def ins(**kw):
    base = {"target_uscc": USCC, "item_name": "食品经营监督检查", "task_source": "年度计划", "method": None,
            "approval_date": "2025-08-01", "report_time": "2025-08-05 09:30", "inspect_date": "2025-08-05"}
    base.update(kw)
    return inspection(**base)


# ---------------------------------------------------------------------- JC-03
JC03 = [
    # (what, inspection fields, catalog rows, expected)
    ("published before, in force", {}, [item()], []),
    ("published on the inspection day", {"inspect_date": "2025-03-01"}, [item()], []),
    ("published the day after", {"inspect_date": "2025-02-28"}, [item(published="2025-03-01")], []),  # before start
    ("after start, published the day after", {"inspect_date": "2025-05-01"}, [item(published="2025-05-02")], ["red"]),
    ("day before start date", {"inspect_date": "2025-04-14"}, [], []),
    ("start date itself", {"inspect_date": "2025-04-15"}, [], ["red"]),
    ("empty 检查事项", {"item_name": None}, [item()], ["red"]),
    ("unknown 检查事项", {"item_name": "消防检查"}, [item()], ["red"]),
    ("spaces ignored", {"item_name": " 食品经营 监督检查 "}, [item()], []),
    ("停用 item", {}, [item(status="停用")], ["red"]),
    ("blank status counts as in force", {}, [item(status=None)], []),
    ("no 公布日期 = not published", {}, [item(published=None)], ["red"]),
    ("another body's item", {}, [item(body="b2")], ["red"]),
    ("code matched before the name", {"item_name": "食品检查(简称)", "item_code": "xj-001"}, [item()], []),
    ("code unknown, name known", {"item_code": "ZZ-9"}, [item()], []),
    ("非现场检查 never fires", {"item_name": None, "method": "非现场检查"}, [], []),
    ("书面核查 never fires", {"item_name": None, "method": "书面核查"}, [], []),
    ("no 统一社会信用代码: not an enterprise", {"item_name": None, "target_uscc": None}, [], []),
    ("two rows, one published in time", {}, [item(published="2025-09-01"), item(code="XJ-001", published="2025-01-01",
                                                                                   id="x2")], []),
]


@pytest.mark.parametrize("what,fields,items,expected", JC03, ids=[c[0] for c in JC03])
def test_jc03(what, fields, items, expected):
    assert sev(run("JC-03", "2025-12-01", inspections=[ins(**fields)], inspection_items=items)) == expected


def test_jc03_messages_say_why():
    cat = [item(), item(name="燃气检查", code="XJ-2", published="2025-09-01"), item(name="旧事项", code="XJ-3", status="停用")]
    cases = {"未填写检查事项": {"item_name": None}, "不在本主体的行政检查事项目录中": {"item_name": "消防检查"},
             "才公布": {"item_name": "燃气检查", "inspect_date": "2025-08-31"}, "已停用": {"item_name": "旧事项"}}
    for needle, fields in cases.items():
        (f,) = run("JC-03", "2025-12-01", inspections=[ins(**fields)], inspection_items=cat)
        assert needle in f.message and f.record_type == "inspections" and f.body == "示范镇人民政府"


def test_jc03_start_date_is_a_setting():
    recs = [ins(inspect_date="2025-06-01", item_name=None)]
    assert sev(run("JC-03", "2025-12-01", inspections=recs)) == ["red"]
    assert sev(run("JC-03", "2025-12-01", params={"JC-03": {"start_date": 20250602}}, inspections=recs)) == []
    assert sev(run("JC-03", "2025-12-01", params={"JC-03": {"start_date": 20250601}}, inspections=recs)) == ["red"]


# ---------------------------------------------------------------------- JC-04
JC04 = [
    ("reported before entering", {"report_time": "2025-08-05 08:59"}, "2025-12-01", []),
    ("reported the day before", {"report_time": "2025-08-04"}, "2025-12-01", []),
    ("no 报备", {"report_time": None}, "2025-12-01", ["red"]),
    ("reported the day after", {"report_time": "2025-08-06 10:00"}, "2025-12-01", ["red"]),
    ("day before start date", {"report_time": None, "inspect_date": "2025-06-30"}, "2025-12-01", []),
    ("start date itself", {"report_time": None, "inspect_date": "2025-07-01"}, "2025-12-01", ["red"]),
    ("no 统一社会信用代码", {"report_time": None, "target_uscc": ""}, "2025-12-01", []),
    ("非现场检查", {"report_time": None, "method": "非现场检查"}, "2025-12-01", []),
    ("现场检查 written out", {"report_time": None, "method": "现场检查"}, "2025-12-01", ["red"]),
    # 紧急情形: 1 working day after Tue 09-30 is Thu 10-09 (National Day)
    ("emergency, reported on the grace deadline", {"task_source": "紧急情形", "inspect_date": "2025-09-30",
                                                   "report_time": "2025-10-09 17:00"}, "2025-12-01", []),
    ("emergency, reported a day late", {"task_source": "紧急情形", "inspect_date": "2025-09-30",
                                        "report_time": "2025-10-10"}, "2025-12-01", ["red"]),
    ("emergency, make-up Sunday counts", {"task_source": "紧急情形", "inspect_date": "2025-09-27",
                                          "report_time": "2025-09-28"}, "2025-12-01", []),
    ("emergency, Monday is late after a make-up Sunday", {"task_source": "紧急情形", "inspect_date": "2025-09-27",
                                                          "report_time": "2025-09-29"}, "2025-12-01", ["red"]),
    ("emergency, nothing yet, grace running", {"task_source": "紧急情形", "inspect_date": "2025-09-30",
                                               "report_time": None}, "2025-10-09", ["yellow"]),
    ("emergency, nothing, grace over", {"task_source": "紧急情形", "inspect_date": "2025-09-30",
                                        "report_time": None}, "2025-10-10", ["red"]),
    ("not an emergency: no grace", {"task_source": "投诉举报", "inspect_date": "2025-09-30",
                                    "report_time": "2025-10-09"}, "2025-12-01", ["red"]),
]


@pytest.mark.parametrize("what,fields,today,expected", JC04, ids=[c[0] for c in JC04])
def test_jc04(what, fields, today, expected):
    assert sev(run("JC-04", today, inspections=[ins(**fields)])) == expected


def test_jc04_grace_is_a_setting():
    rec = ins(task_source="紧急情形", inspect_date="2025-09-30", report_time="2025-10-10")
    assert sev(run("JC-04", "2025-12-01", inspections=[rec])) == ["red"]
    assert sev(run("JC-04", "2025-12-01", params={"JC-04": {"grace_workdays": 2}}, inspections=[rec])) == []
    (f,) = run("JC-04", "2025-12-01", inspections=[rec])
    assert f.due_date == "2025-10-09" and "1个工作日" in f.message


# ---------------------------------------------------------------------- JC-05
JC05 = [
    ("approved before", {"approval_date": "2025-08-04"}, "2025-12-01", []),
    ("approved the same day", {"approval_date": "2025-08-05"}, "2025-12-01", []),
    ("approved the day after", {"approval_date": "2025-08-06"}, "2025-12-01", ["red"]),
    ("no approval", {"approval_date": None}, "2025-12-01", ["red"]),
    ("no approval, old inspection too (no start date)", {"approval_date": None, "inspect_date": "2023-05-01"},
     "2025-12-01", ["red"]),
    ("no approval, not an enterprise either", {"approval_date": None, "target_uscc": None}, "2025-12-01", ["red"]),
    ("书面核查", {"approval_date": None, "method": "书面核查"}, "2025-12-01", []),
    # 2 working days after Tue 09-30 is Fri 10-10
    ("emergency, approved on the 2nd working day", {"task_source": "紧急情形", "inspect_date": "2025-09-30",
                                                    "approval_date": "2025-10-10"}, "2025-12-01", []),
    ("emergency, approved on the Sat make-up day after", {"task_source": "紧急情形", "inspect_date": "2025-09-30",
                                                          "approval_date": "2025-10-11"}, "2025-12-01", ["red"]),
    ("emergency, nothing yet on the deadline", {"task_source": "紧急情形", "inspect_date": "2025-09-30",
                                                "approval_date": None}, "2025-10-10", ["yellow"]),
    ("emergency, nothing the day after", {"task_source": "紧急情形", "inspect_date": "2025-09-30",
                                          "approval_date": None}, "2025-10-11", ["red"]),
]


@pytest.mark.parametrize("what,fields,today,expected", JC05, ids=[c[0] for c in JC05])
def test_jc05(what, fields, today, expected):
    assert sev(run("JC-05", today, inspections=[ins(**fields)])) == expected


# ---------------------------------------------------------------------- JC-06
def plan(year=2026, published="2026-03-31", body="b1"):
    return {"id": f"p-{year}-{published}-{body}", "plan_year": year, "body_id": body, "published_date": published,
            "owner_org": "T1"}


JC06 = [
    # (what, inspections, plans, today, expected)
    ("published on the deadline", [ins(inspect_date="2026-02-10")], [plan()], "2026-04-01", []),
    ("published a day late", [ins(inspect_date="2026-02-10")], [plan(published="2026-04-01")], "2026-04-01", ["red"]),
    ("none, 02-28: nothing yet", [ins(inspect_date="2026-02-10")], [], "2026-02-28", []),
    ("none, 03-01: yellow", [ins(inspect_date="2026-02-10")], [], "2026-03-01", ["yellow"]),
    ("none, 03-31: yellow", [ins(inspect_date="2026-02-10")], [], "2026-03-31", ["yellow"]),
    ("none, 04-01: red", [ins(inspect_date="2026-02-10")], [], "2026-04-01", ["red"]),
    ("published 03-10, seen on 03-15", [ins(inspect_date="2026-02-10")], [plan(published="2026-03-10")], "2026-03-15", []),
    ("plan row dated in the future is not published yet", [ins(inspect_date="2026-02-10")],
     [plan(published="2026-03-20")], "2026-03-15", ["yellow"]),
    ("finished year, no plan", [ins(inspect_date="2025-06-10")], [], "2026-01-05", ["red"]),
    ("finished year, late plan", [ins(inspect_date="2025-06-10")], [plan(2025, "2025-05-01")], "2026-01-05", ["red"]),
    ("plan of another year does not count", [ins(inspect_date="2025-06-10")], [plan(2026, "2025-03-01")], "2026-01-05",
     ["red"]),
    ("plan of another body does not count", [ins(inspect_date="2025-06-10")], [plan(2025, "2025-03-01", "b2")],
     "2026-01-05", ["red"]),
    ("个案检查 only", [ins(inspect_date="2025-06-10", inspect_type="个案检查")], [], "2026-01-05", []),
    ("非现场检查 only", [ins(inspect_date="2025-06-10", method="非现场检查")], [], "2026-01-05", []),
    ("not an enterprise", [ins(inspect_date="2025-06-10", target_uscc=None)], [], "2026-01-05", []),
    ("专项检查 counts", [ins(inspect_date="2025-06-10", inspect_type="专项检查")], [], "2026-01-05", ["red"]),
    ("inspections in the future are not looked at", [ins(inspect_date="2027-06-10")], [], "2026-05-01", []),
    ("one finding per body and year", [ins(inspect_date="2025-06-10"), ins(inspect_date="2025-07-10")], [],
     "2026-01-05", ["red"]),
]


@pytest.mark.parametrize("what,insps,plans,today,expected", JC06, ids=[c[0] for c in JC06])
def test_jc06(what, insps, plans, today, expected):
    assert sev(run("JC-06", today, inspections=insps, inspection_plans=plans)) == expected


def test_jc06_is_on_the_body_and_the_deadline_is_a_setting():
    insps = [ins(inspect_date="2026-02-10")]
    (f,) = run("JC-06", "2026-04-01", inspections=insps, inspection_plans=[plan(published="2026-04-01")])
    assert (f.record_type, f.record_id, f.ref, f.due_date) == ("bodies", "b1", "示范镇人民政府 2026年度", "2026-03-31")
    assert "晚于" in f.message
    p = {"JC-06": {"month": 4, "day": 30}}
    assert sev(run("JC-06", "2026-04-01", params=p, inspections=insps, inspection_plans=[plan(published="2026-04-01")])) == []
    assert sev(run("JC-06", "2026-04-15", params=p, inspections=insps)) == ["yellow"]
    assert sev(run("JC-06", "2026-03-31", params=p, inspections=insps)) == []


def test_jc01_jc02_count_only_on_site_inspections():
    three = [ins(inspect_date=d) for d in ("2025-03-01", "2025-06-01", "2025-09-01")]
    assert sev(run("JC-01", "2025-12-01", inspections=three)) == ["red"]
    three[2]["method"] = "书面核查"
    assert sev(run("JC-01", "2025-12-01", inspections=three)) == []


@pytest.mark.parametrize("pairs,ok", [
    (["start_date=20250501"], True), (["start_date=20251340"], False), (["start_date=2025"], False),
    (["start_date=20250230"], False), (["grace_workdays=3"], True), (["grace_workdays=-1"], False)])
def test_start_date_setting_is_validated(pairs, ok):
    if ok:
        assert parse_assignments("JC-04", pairs)
    else:
        with pytest.raises(ValueError) as e:
            parse_assignments("JC-04", pairs)
        assert "JC-04" in str(e.value)
