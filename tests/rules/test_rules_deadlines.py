"""GS-01/02, BA-01, ZG-01, DB-01, DB-02: boundary days (deadline day, the day after, holidays, 2027)."""
import pytest

from sifasuo_desktop.domain.calendar import WorkCalendar

from .helpers import case, run, sev

R, Y = ["red"], ["yellow"]

# decision 2025-09-26 (Fri): 7 working days across 国庆/中秋 (9/28 Sun and 10/11 Sat are working days) -> 2025-10-13
# decision 2026-02-12 (Thu): across 春节 (2/14 Sat, 2/28 Sat working) -> 2026-02-28
# decision 2026-12-24 (Thu): into 2027 (no data: Mon-Fri, 2027-01-01 counts) -> 2027-01-04
GS01 = [
    # decision, published, today, expected, comment
    ("2025-09-26", None, "2025-10-10", [], "before the warning window"),
    ("2025-09-26", None, "2025-10-11", Y, "first of the last 2 working days (make-up Saturday)"),
    ("2025-09-26", None, "2025-10-12", Y, "Sunday inside the window"),
    ("2025-09-26", None, "2025-10-13", Y, "deadline day itself"),
    ("2025-09-26", None, "2025-10-14", R, "the day after"),
    ("2025-09-26", "2025-10-13", "2025-12-01", [], "published on the deadline day"),
    ("2025-09-26", "2025-10-14", "2025-12-01", R, "published the day after"),
    ("2026-02-12", None, "2026-02-27", Y, "春节: working day before the make-up Saturday"),
    ("2026-02-12", None, "2026-02-26", [], "春节: before the window"),
    ("2026-02-12", None, "2026-02-28", Y, "春节: deadline on the make-up Saturday"),
    ("2026-02-12", None, "2026-03-01", R, "春节: day after"),
    ("2026-02-12", "2026-02-28", "2026-03-10", [], "春节: published on the make-up Saturday"),
    ("2026-12-24", None, "2027-01-04", Y, "2027 fallback: deadline day"),
    ("2026-12-24", None, "2027-01-05", R, "2027 fallback: day after"),
    ("2026-12-24", None, "2026-12-31", [], "2027 fallback: window starts 2027-01-01"),
    ("2026-12-24", None, "2027-01-01", Y, "2027 fallback: 01-01 counts as a working day"),
]


@pytest.mark.parametrize("decision, published, today, expected, comment", GS01)
def test_gs01(decision, published, today, expected, comment):
    c = case(case_type="行政许可", decision_date=decision, published_date=published)
    assert sev(run("GS-01", today, cases=[c])) == expected, comment


def test_gs01_due_date_and_fallback_notice():
    cal = WorkCalendar()
    found = run("GS-01", "2027-01-05", calendar=cal, cases=[case(decision_date="2026-12-24")])
    assert [f.due_date for f in found] == ["2027-01-04"]
    assert cal.fallback_years == {2027}
    f = found[0]
    assert f.record_type == "cases" and f.ref == "示综执罚〔2025〕1号" and f.body == "示范镇人民政府"


@pytest.mark.parametrize("ctype, code", [
    ("行政处罚(一般程序)", "GS-01"), ("行政许可", "GS-01"), ("行政强制", "GS-02"), ("行政确认", "GS-02"),
    ("行政给付", "GS-02"), ("行政征收", "GS-02"), ("行政检查", "GS-02"), ("其他", "GS-02"),
])
def test_gs_type_split(ctype, code):
    c = case(case_type=ctype, decision_date="2025-01-06")
    other = "GS-02" if code == "GS-01" else "GS-01"
    assert sev(run(code, "2025-06-01", cases=[c])) == R
    assert run(other, "2025-06-01", cases=[c]) == []


def test_gs_skips_simple_procedure_and_revoked():
    cases = [case(case_type="行政处罚(简易程序)", decision_date="2025-01-06"),
             case(decision_date="2025-01-06", status="已撤销")]
    assert run("GS-01", "2025-06-01", cases=cases) == [] and run("GS-02", "2025-06-01", cases=cases) == []


# GS-02: 20 working days. decision 2025-09-19 (Fri): 9/22-9/26 (5), 9/28 Sun (6), 9/29, 9/30 (8), 10/9, 10/10 (10),
# 10/11 Sat (11), 10/13-17 (16), 10/20-23 (20) -> 2025-10-23
GS02 = [
    ("2025-09-19", None, "2025-10-21", []), ("2025-09-19", None, "2025-10-22", Y), ("2025-09-19", None, "2025-10-23", Y),
    ("2025-09-19", None, "2025-10-24", R), ("2025-09-19", "2025-10-23", "2025-11-30", []),
    ("2025-09-19", "2025-10-24", "2025-11-30", R),
]


@pytest.mark.parametrize("decision, published, today, expected", GS02)
def test_gs02(decision, published, today, expected):
    c = case(case_type="行政强制", decision_date=decision, published_date=published)
    assert sev(run("GS-02", today, cases=[c])) == expected


def test_gs_thresholds_are_settings():
    c = case(decision_date="2025-09-26")
    # 5 working days -> 2025-10-10
    assert sev(run("GS-01", "2025-10-11", params={"GS-01": {"deadline_workdays": 5}}, cases=[c])) == R
    assert run("GS-01", "2025-10-14", params={"GS-01": {"enabled": False}}, cases=[c]) == []


BA01 = [
    # filed, decision, closed, extension, today, expected
    ("2025-08-01", None, None, None, "2025-10-14", []),     # day 74
    ("2025-08-01", None, None, None, "2025-10-15", Y),      # day 75
    ("2025-08-01", None, None, None, "2025-10-30", Y),      # day 90 = deadline day
    ("2025-08-01", None, None, None, "2025-10-31", R),      # day 91
    ("2025-08-01", None, None, 30, "2025-10-31", []),       # extension moves the deadline (11-29)
    ("2025-08-01", None, None, 30, "2025-11-14", Y),        # 15 days before the extended deadline
    ("2025-08-01", None, None, 30, "2025-11-30", R),
    ("2025-08-01", "2025-10-30", None, None, "2026-01-01", []),  # decided on the deadline day
    ("2025-08-01", "2025-10-31", None, None, "2026-01-01", R),   # decided the day after
    ("2025-08-01", None, "2025-09-01", None, "2026-01-01", []),  # closed without a decision (销案)
]


@pytest.mark.parametrize("filed, decision, closed, ext, today, expected", BA01)
def test_ba01(filed, decision, closed, ext, today, expected):
    c = case(filed_date=filed, decision_date=decision, closed_date=closed, extension_days=ext)
    assert sev(run("BA-01", today, cases=[c])) == expected


def test_ba01_only_general_procedure():
    c = case(case_type="行政许可", filed_date="2025-01-01")
    assert run("BA-01", "2025-12-01", cases=[c]) == []


ZG01 = [
    ("2025-10-31", "整改中", None, "2025-10-27", []), ("2025-10-31", "整改中", None, "2025-10-28", Y),
    ("2025-10-31", "待整改", None, "2025-10-31", Y), ("2025-10-31", "已报告", None, "2025-11-01", R),
    ("2025-10-31", "已销号", "2025-11-05", "2025-11-10", []), ("2025-10-31", "退回重改", None, "2025-12-01", R),
]


@pytest.mark.parametrize("deadline, status, closed, today, expected", ZG01)
def test_zg01(deadline, status, closed, today, expected):
    p = {"id": "p1", "problem_no": "示范问〔2025〕1号", "deadline": deadline, "status": status,
         "closed_date": closed, "body_id": "b1"}
    found = run("ZG-01", today, problems=[p])
    assert sev(found) == expected
    assert all(f.record_type == "problems" and f.ref == "示范问〔2025〕1号" for f in found)


def doc(**kw):
    d = {"id": "d1", "doc_type": "督办函", "doc_no": "示司督函〔2025〕1号", "title": "关于督促整改的函",
         "recipient": "示范镇人民政府", "doc_date": "2025-10-10", "reply_deadline": "2025-10-31", "status": "已送达",
         "served_date": "2025-10-11"}
    d.update(kw)
    return d


DB01 = [
    ({}, "2025-10-27", []), ({}, "2025-10-28", Y), ({}, "2025-10-31", Y), ({}, "2025-11-01", R),
    ({"reply_date": "2025-10-31"}, "2025-11-20", []), ({"reply_date": "2025-11-01"}, "2025-11-20", R),
    ({"doc_type": "监督建议书"}, "2025-11-01", R), ({"doc_type": "监督意见书"}, "2025-11-01", R),
    ({"doc_type": "评查通报"}, "2025-11-01", []), ({"status": "已作废"}, "2025-11-01", []),
    ({"status": "已反馈"}, "2025-11-01", []), ({"reply_deadline": None}, "2025-11-01", []),
]


@pytest.mark.parametrize("over, today, expected", DB01)
def test_db01(over, today, expected):
    assert sev(run("DB-01", today, documents=[doc(**over)])) == expected


DB02 = [
    ({"served_date": None, "status": "已签发"}, "2025-10-15", [], []),   # day 5: not yet
    ({"served_date": None, "status": "已签发"}, "2025-10-16", R, []),    # day 6
    ({}, "2025-10-16", [], []),                                          # served
    ({"served_date": None, "status": "已签发"}, "2025-10-16", [], [{"doc_id": "d1"}]),  # 送达回证 recorded
    ({"served_date": None, "status": "草稿"}, "2025-10-16", [], []),
    ({"served_date": None, "status": "已送达"}, "2025-10-16", [], []),   # the status records the service
]


@pytest.mark.parametrize("over, today, expected, receipts", DB02)
def test_db02(over, today, expected, receipts):
    assert sev(run("DB-02", today, documents=[doc(**over)], service_receipts=receipts)) == expected
