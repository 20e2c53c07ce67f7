"""RY-01..04 and FZ-01..03."""
import json

import pytest

from .helpers import BODY, case, inspection, officer, run, sev

R, Y = ["red"], ["yellow"]


@pytest.mark.parametrize("rec, expected", [
    (case(officer_names="张三、李四"), []),
    (case(officer_names="张三"), R),
    (case(officer_names=None), R),
    (case(case_type="行政处罚(简易程序)", officer_names="张三"), R),  # 简易程序 is not exempt
    (case(officer_names="张三", officer_ids=json.dumps(["o-张三", "o-李四"])), []),  # ids list 2 people
    (case(officer_names="张三、张三"), R),  # the same name twice is one person
    (inspection(officer_names="王五"), R),
    (inspection(), []),
])
def test_ry01(rec, expected):
    key = "inspections" if rec["id"].startswith("i") else "cases"
    found = run("RY-01", "2025-12-01", **{key: [rec]})
    assert sev(found) == expected
    assert all(f.record_type == key for f in found)


OFFS = [officer("张三"), officer("李四"),
        officer("赵六", cert_status="吊销"), officer("钱七", cert_status="暂扣"), officer("孙八", cert_status="过期"),
        officer("周九", cert_no=None, cert_status=None), officer("吴十", cert_expiry="2025-08-01"),
        officer("郑一", cert_status="待审验"), officer("冯二", cert_status="收回"), officer("陈三", cert_status="注销")]


@pytest.mark.parametrize("names, filed, expected, needle", [
    ("张三、李四", "2025-08-01", [], None),
    ("张三、赵六", "2025-08-01", R, "赵六（执法证吊销）"),
    ("张三、钱七", "2025-08-01", R, "暂扣"),
    ("张三、孙八", "2025-08-01", R, "过期"),
    ("张三、周九", "2025-08-01", R, "无执法证件"),
    ("张三、冯二", "2025-08-01", R, "收回"),
    ("张三、陈三", "2025-08-01", R, "注销"),
    ("张三、吴十", "2025-08-01", [], None),      # expiry day itself: still valid
    ("张三、吴十", "2025-08-02", R, "到期"),     # the day after expiry
    ("张三、郑一", "2025-08-01", [], None),      # 待审验 still holds a certificate
    ("张三、无名氏", "2025-08-01", R, "未在执法人员台账中登记"),
])
def test_ry02_cases(names, filed, expected, needle):
    found = run("RY-02", "2025-12-01", officers=OFFS, cases=[case(officer_names=names, filed_date=filed)])
    assert sev(found) == expected
    if needle:
        assert needle in found[0].message


def test_ry02_inspection_uses_inspection_date_and_ids():
    insp = inspection(officer_names="张三、吴十", officer_ids=json.dumps(["o-张三", "o-吴十"]), inspect_date="2025-09-01")
    assert sev(run("RY-02", "2025-12-01", officers=OFFS, inspections=[insp])) == R
    insp["inspect_date"] = "2025-07-31"
    assert run("RY-02", "2025-12-01", officers=OFFS, inspections=[insp]) == []


@pytest.mark.parametrize("over, today, expected", [
    ({"cert_expiry": "2026-01-30"}, "2025-12-01", Y),     # 60 days ahead: inside
    ({"cert_expiry": "2026-01-31"}, "2025-12-01", []),    # 61 days ahead
    ({"cert_expiry": "2025-12-01"}, "2025-12-01", Y),     # expires today: still valid today
    ({"cert_expiry": "2025-11-30"}, "2025-12-01", R),     # passed, status still 有效
    ({"cert_expiry": "2025-11-30", "cert_status": "过期"}, "2025-12-01", []),
    ({"cert_expiry": "2025-11-30", "duty_status": "退休"}, "2025-12-01", []),
])
def test_ry03(over, today, expected):
    found = run("RY-03", today, officers=[officer("张三", **over)])
    assert sev(found) == expected
    assert all(f.record_type == "officers" and f.due_date == over["cert_expiry"] for f in found)


def training(name, day, hours):
    return {"officer_id": f"o-{name}", "officer_name": name, "training_date": day, "hours": hours}


@pytest.mark.parametrize("trainings, today, expected", [
    ([training("张三", "2025-03-01", 40)], "2025-09-30", []),            # before 10-01: nothing yet
    ([training("张三", "2025-03-01", 40)], "2025-10-01", Y),             # from 10-01
    ([training("张三", "2025-03-01", 60)], "2025-10-01", []),            # exactly 60 is enough
    ([training("张三", "2025-03-01", 40)], "2026-01-02", R),             # finished year
    ([training("张三", "2025-03-01", 40), training("张三", "2025-11-01", 20)], "2026-01-02", []),
    ([{"officer_name": "张三", "training_date": "2025-05-01", "hours": 60}], "2026-01-02", []),  # matched by name
])
def test_ry04(trainings, today, expected):
    found = run("RY-04", today, officers=[officer("张三", cert_issued="2025-01-01")], trainings=trainings)
    assert sev(found) == expected


def test_ry04_finished_and_current_year_both_reported_and_inactive_skipped():
    offs = [officer("张三"), officer("李四", duty_status="调离"), officer("王五", cert_status="吊销"),
            officer("赵六", cert_issued="2026-03-01")]
    found = run("RY-04", "2026-10-15", officers=offs, trainings=[])
    assert sorted((f.ref, f.severity) for f in found) == [("张三", "red"), ("张三", "yellow"), ("赵六", "yellow")]
    assert {f.due_date for f in found if f.severity == "red"} == {"2025-12-31"}


@pytest.mark.parametrize("over, expected", [
    ({"is_major": 1, "decision_date": "2025-09-01", "legal_review_date": None}, R),
    ({"is_major": 1, "decision_date": "2025-09-01", "legal_review_date": "2025-09-01"}, []),  # same day
    ({"is_major": 1, "decision_date": "2025-09-01", "legal_review_date": "2025-09-02"}, R),   # after
    ({"is_major": 1, "decision_date": None, "legal_review_date": None}, []),                  # not decided yet
    ({"is_major": 0, "decision_date": "2025-09-01", "legal_review_date": None}, []),
])
def test_fz01(over, expected):
    assert sev(run("FZ-01", "2025-12-01", cases=[case(**over)])) == expected


@pytest.mark.parametrize("reviewer, names, expected", [
    ("王五", "张三、李四", []), ("李四", "张三、李四", R), (None, "张三、李四", []),
])
def test_fz02(reviewer, names, expected):
    assert sev(run("FZ-02", "2025-12-01", cases=[case(legal_reviewer=reviewer, officer_names=names)])) == expected


@pytest.mark.parametrize("n_active, n_reviewers, expected", [
    (20, 1, []),     # ceil(5% x 20) = 1
    (21, 1, R),      # ceil(1.05) = 2
    (21, 2, []),
    (3, 0, R),       # minimum 1
    (0, 0, []),      # no active officers: nothing to review
])
def test_fz03(n_active, n_reviewers, expected):
    offs = [officer(f"人{i}", is_legal_reviewer=1 if i < n_reviewers else 0) for i in range(n_active)]
    offs += [officer("离职者", duty_status="调离", is_legal_reviewer=1)]  # off duty: not counted
    found = run("FZ-03", "2025-12-01", officers=offs)
    assert sev(found) == expected
    assert all(f.record_type == "bodies" and f.record_id == BODY["id"] for f in found)
