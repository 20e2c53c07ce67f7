"""RY-05 … RY-10 (certificate lifecycle), table-driven with the boundary days."""
import pytest

from .helpers import case, inspection, officer, run, sev

R, Y = ["red"], ["yellow"]


def training(name, date, hours, category, **kw):
    rec = {"officer_id": f"o-{name}", "officer_name": name, "training_date": date, "hours": hours,
           "category": category}
    rec.update(kw)
    return rec


def event(name, kind, date, **kw):
    rec = {"id": f"e-{name}-{kind}-{date}", "officer_id": f"o-{name}", "event_type": kind, "event_date": date}
    rec.update(kw)
    return rec


# ---------------------------------------------------------------------- RY-05
@pytest.mark.parametrize("issued, trained, hours, today, expected", [
    ("2025-06-10", "2025-01-10", 30, "2025-12-01", []),     # enough, inside the window
    ("2025-06-10", "2025-01-10", 29.5, "2025-12-01", R),    # half an hour short, window closed
    ("2025-06-10", "2024-06-10", 30, "2025-12-01", []),     # exactly 12 months before D: counts
    ("2025-06-10", "2024-06-09", 30, "2025-12-01", R),      # one day earlier: does not
    ("2025-06-10", "2025-09-10", 30, "2025-12-01", []),     # exactly 3 months after D: counts
    ("2025-06-10", "2025-09-11", 30, "2025-12-01", R),      # one day later: does not
    ("2025-06-10", None, 0, "2025-09-10", Y),               # window still open (last day): yellow
    ("2025-06-10", None, 0, "2025-09-11", R),               # first day after the window: red
    ("2023-06-10", None, 0, "2025-06-10", R),               # 2-year anniversary: still within
    ("2023-06-10", None, 0, "2025-06-11", []),              # issued more than 2 years ago
    ("2026-01-10", None, 0, "2025-12-01", []),              # issued in the future (bad data): not new yet
])
def test_ry05(issued, trained, hours, today, expected):
    o = officer("张三", cert_issued=issued)
    trainings = [training("张三", trained, hours, "公共法律知识")] if trained else []
    assert sev(run("RY-05", today, officers=[o], trainings=trainings)) == expected


def test_ry05_other_categories_do_not_count_and_param_applies():
    o = officer("张三", cert_issued="2025-06-10")
    t = [training("张三", "2025-05-01", 40, "业务知识"), training("张三", "2025-05-02", 20, "公共法律知识")]
    found = run("RY-05", "2025-12-01", officers=[o], trainings=t)
    assert sev(found) == R and "20学时，不足30学时" in found[0].message and found[0].due_date == "2025-09-10"
    assert run("RY-05", "2025-12-01", params={"RY-05": {"required_hours": 20}}, officers=[o], trainings=t) == []
    # matched by 身份证号 when the training names no officer id
    o2 = officer("李四", cert_issued="2025-06-10", id_number="110101199003074514")
    t2 = [training("李四", "2025-05-01", 30, "公共法律知识", officer_id=None, officer_name="李 四",
                   id_number="110101199003074514")]
    assert run("RY-05", "2025-12-01", officers=[o2], trainings=t2) == []


# ---------------------------------------------------------------------- RY-06
@pytest.mark.parametrize("duty, left, acted, expected", [
    ("离岗", "2025-05-01", "2025-05-01", R),    # on the 离岗 day itself: fires (≥ L)
    ("离岗", "2025-05-01", "2025-04-30", []),   # the day before
    ("调离", "2025-05-01", "2025-06-01", R),
    ("退休", "2025-05-01", "2025-06-01", R),
    ("在岗", "2025-05-01", "2025-06-01", []),   # back on duty
    ("离岗", None, "2025-06-01", []),           # no 离岗日期 recorded
])
def test_ry06_cases_and_inspections(duty, left, acted, expected):
    gone = officer("张三", duty_status=duty, left_date=left)
    officers = [gone, officer("李四")]
    c = case(filed_date=acted)
    assert sev(run("RY-06", "2025-12-01", officers=officers, cases=[c])) == expected
    i = inspection(inspect_date=acted)
    found = run("RY-06", "2025-12-01", officers=officers, inspections=[i])
    assert sev(found) == expected
    if expected:
        assert found[0].record_type == "inspections" and "张三" in found[0].message


def test_ry06_same_name_fires_only_when_every_candidate_left():
    a = officer("张三", id="o-a", duty_status="离岗", left_date="2025-01-01")
    b = officer("张三", id="o-b")  # same name, same body, still 在岗
    c = case(filed_date="2025-06-01", officer_names="张三、李四")
    assert run("RY-06", "2025-12-01", officers=[a, b, officer("李四")], cases=[c]) == []
    c2 = case(filed_date="2025-06-01", officer_ids='["o-a", "o-李四"]', officer_names="张三、李四")
    assert sev(run("RY-06", "2025-12-01", officers=[a, b, officer("李四")], cases=[c2])) == R


# ---------------------------------------------------------------------- RY-07
@pytest.mark.parametrize("hours, train_date, result, expected", [
    (40, "2025-06-01", "合格", []),
    (39, "2025-06-01", "合格", R),             # one hour short
    (40, "2025-03-01", "合格", []),            # on the 离岗 day L: counts
    (40, "2025-02-28", "合格", R),             # the day before L: does not
    (40, "2025-09-01", "合格", []),            # on the 返岗 day R: counts
    (40, "2025-09-02", "合格", R),             # after R: does not
    (40, "2025-06-01", "不合格", R),
    (40, "2025-06-01", None, R),              # no 返岗考核 result
])
def test_ry07(hours, train_date, result, expected):
    o = officer("张三", duty_status="在岗", left_date="2025-03-01")
    evs = [event("张三", "离岗", "2025-03-01"), event("张三", "返岗", "2025-09-01", result=result)]
    t = [training("张三", train_date, hours, "离岗培训")]
    found = run("RY-07", "2025-12-01", officers=[o], trainings=t, cert_events=evs)
    assert sev(found) == expected
    if expected:
        assert found[0].due_date == "2025-09-01"


def test_ry07_only_for_officers_back_on_duty_and_other_categories_ignored():
    evs = [event("张三", "离岗", "2025-03-01"), event("张三", "返岗", "2025-09-01", result="合格")]
    t = [training("张三", "2025-06-01", 40, "公共法律知识")]
    still_away = officer("张三", duty_status="离岗", left_date="2025-03-01")
    assert run("RY-07", "2025-12-01", officers=[still_away], trainings=t, cert_events=evs) == []
    back = officer("张三", duty_status="在岗")
    found = run("RY-07", "2025-12-01", officers=[back], trainings=t, cert_events=evs)
    assert sev(found) == R and "离岗培训0学时" in found[0].message
    # never left: nothing to check
    assert run("RY-07", "2025-12-01", officers=[officer("李四")], cert_events=[]) == []
    # a 返岗 without a 离岗 event uses the officer's 离岗日期
    evs2 = [event("王五", "返岗", "2025-09-01", result="合格")]
    t2 = [training("王五", "2025-04-01", 40, "离岗培训")]
    assert run("RY-07", "2025-12-01", officers=[officer("王五", left_date="2025-04-01")], trainings=t2,
               cert_events=evs2) == []
    assert sev(run("RY-07", "2025-12-01", officers=[officer("王五", left_date="2025-04-02")], trainings=t2,
                   cert_events=evs2)) == R


# ---------------------------------------------------------------------- RY-08
@pytest.mark.parametrize("staffing, status, expected", [
    ("行政", "有效", []), ("参公", "有效", []), ("事业", "有效", []),
    ("合同工", "有效", R), ("临时工", "有效", R), ("劳务派遣", "有效", R), ("辅助人员", "有效", R), ("其他", "有效", R),
    ("合同工", "注销", []), ("合同工", "暂扣", []),
    (None, "有效", []),   # not recorded
])
def test_ry08(staffing, status, expected):
    o = officer("张三", staffing=staffing, cert_status=status)
    assert sev(run("RY-08", "2025-12-01", officers=[o])) == expected


# ---------------------------------------------------------------------- RY-09
@pytest.mark.parametrize("today, reviews, issued, expected", [
    ("2026-02-28", [], "2024-05-01", []),           # 31 days before 03-31: no warning yet
    ("2026-03-01", [], "2024-05-01", Y),            # 30 days before (warn_days 30): first yellow day
    ("2026-03-31", [], "2024-05-01", Y),            # deadline day: still yellow
    ("2026-04-01", [], "2024-05-01", R),            # day after the deadline
    ("2026-04-01", [(2025, "合格")], "2024-05-01", []),
    ("2026-04-01", [(2024, "合格")], "2024-05-01", R),     # only the year before last
    ("2026-04-01", [(2025, "暂缓")], "2024-05-01", R),
    ("2026-04-01", [], "2025-12-31", R),            # issued on 12-31 of last year: reviewed too
    ("2026-04-01", [], "2026-01-01", []),           # issued this year
    ("2026-04-01", [], None, R),                    # issue date not recorded: an older certificate
    ("2026-01-15", [(2025, "不合格")], "2024-05-01", R),   # 不合格 while 有效: red at any time
])
def test_ry09(today, reviews, issued, expected):
    o = officer("张三", cert_issued=issued)
    evs = [event("张三", "审验", f"{y + 1}-02-01", review_year=y, result=r) for y, r in reviews]
    assert sev(run("RY-09", today, officers=[o], cert_events=evs)) == expected


def test_ry09_warning_window_boundary_and_officer_columns():
    o = officer("张三", cert_issued="2024-05-01")
    # warn_days 30: 03-31 − 30 days = 03-01 is the first yellow day, 02-28 is not
    assert sev(run("RY-09", "2026-03-01", officers=[o])) == Y
    assert sev(run("RY-09", "2026-02-28", officers=[o])) == []
    # the officer row's 年审年度/年审结果 count when no event is recorded
    ok = officer("李四", cert_issued="2024-05-01", review_year=2025, review_result="合格")
    assert run("RY-09", "2026-04-01", officers=[ok]) == []
    bad = officer("李四", cert_issued="2024-05-01", review_year=2025, review_result="不合格")
    found = run("RY-09", "2026-04-01", officers=[bad])
    assert sev(found) == R and "不合格" in found[0].message
    # deadline settings: 06-30 with 10 warning days
    p = {"RY-09": {"month": 6, "day": 30, "warn_days": 10}}
    assert sev(run("RY-09", "2026-06-19", params=p, officers=[o])) == []
    assert sev(run("RY-09", "2026-06-20", params=p, officers=[o])) == Y
    assert sev(run("RY-09", "2026-07-01", params=p, officers=[o])) == R
    # day 31 in a 30-day month means its last day; non-有效 certificates are not checked
    p = {"RY-09": {"month": 4, "day": 31}}
    found = run("RY-09", "2026-05-01", params=p, officers=[o])
    assert sev(found) == R and found[0].due_date == "2026-04-30"
    assert run("RY-09", "2026-05-01", officers=[officer("王五", cert_status="注销")]) == []


# ---------------------------------------------------------------------- RY-10
FUNING = {"RY-10": {"public_law_hours": 20, "business_hours": 40}}


@pytest.mark.parametrize("today, pub, bus, skill, params, expected", [
    ("2026-09-30", 0, 0, 0, FUNING, []),            # before 10-01 the current year is not checked…
    ("2026-10-01", 0, 0, 0, FUNING, Y),             # …from 10-01 it is (yellow)
    ("2026-10-01", 20, 20, 20, FUNING, []),         # 业务知识 + 执法技能 together
    ("2026-10-01", 20, 20, 19.5, FUNING, Y),
    ("2026-10-01", 19, 40, 0, FUNING, Y),
    ("2026-10-01", 0, 0, 0, {}, []),                # defaults 0/0: switched off
    ("2026-10-01", 0, 0, 0, {"RY-10": {"public_law_hours": 30}}, Y),   # 古县: 公共法律知识 only
    ("2026-10-01", 30, 0, 0, {"RY-10": {"public_law_hours": 30}}, []),
])
def test_ry10_current_year(today, pub, bus, skill, params, expected):
    o = officer("张三")
    t = [training("张三", "2026-03-01", pub, "公共法律知识"), training("张三", "2026-03-02", bus, "业务知识"),
         training("张三", "2026-03-03", skill, "执法技能"),
         # last year complete, so only this year can fire
         training("张三", "2025-03-01", 30, "公共法律知识"), training("张三", "2025-03-02", 40, "业务知识")]
    assert sev(run("RY-10", today, params=params, officers=[o], trainings=t)) == expected


def test_ry10_finished_year_red_and_skips():
    o = officer("张三")
    t = [training("张三", "2025-12-31", 20, "公共法律知识"), training("张三", "2025-01-01", 30, "执法技能"),
         training("张三", "2026-01-01", 10, "业务知识")]  # next year's hours do not count for 2025
    found = run("RY-10", "2026-02-01", params=FUNING, officers=[o], trainings=t)
    assert sev(found) == R and found[0].due_date == "2025-12-31"
    assert "业务知识和执法技能30学时（应40）" in found[0].message and "公共法律知识" not in found[0].message
    p = {"RY-10": {"public_law_hours": 30, "business_hours": 30}}  # 邢台
    found = run("RY-10", "2026-02-01", params=p, officers=[o], trainings=t)
    assert sev(found) == R and "公共法律知识20学时（应30）" in found[0].message
    assert run("RY-10", "2026-02-01", params=FUNING, officers=[officer("李四", cert_issued="2026-01-05")]) == []
    assert run("RY-10", "2026-02-01", params=FUNING, officers=[officer("李四", duty_status="离岗")]) == []
    assert run("RY-10", "2026-02-01", params={"RY-10": {"enabled": False, "public_law_hours": 20}},
               officers=[o], trainings=t) == []


def test_bad_values_never_stop_the_lifecycle_rules():
    from sifasuo_desktop.domain import personnel_stats as P

    odd = [officer("张三", cert_issued="9999-12-31", review_year="abc", review_result="合格", staffing="合同工",
                   left_date="9999-12-31", duty_status="离岗"),
           officer("李四", cert_issued="0001-01-01", review_year=99999, cert_expiry="9999-12-31")]
    evs = [event("张三", "审验", "9999-12-31", review_year="x"), event("李四", "返岗", "garbage", result="合格"),
           event("李四", "离岗", None)]
    t = [training("张三", "9999-12-31", float("inf"), "公共法律知识"), training("李四", "2025-01-01", "x", "离岗培训"),
         training("李四", "abcd-01-01", 5, "业务知识")]
    params = {"RY-09": {"warn_days": 10 ** 9}, "RY-10": {"public_law_hours": 20, "business_hours": 40}}
    for code in ("RY-05", "RY-06", "RY-07", "RY-08", "RY-09", "RY-10"):
        run(code, "2026-04-01", params=params, officers=odd, trainings=t, cert_events=evs,
            cases=[case(filed_date="2026-01-01", officer_names="张三")])
    assert sev(run("RY-09", "2026-01-02", params=params, officers=[officer("王五", cert_issued="2024-01-01")])) == Y
    P.personnel_table(2025, [], odd, t, evs, params)
    P.review_summary(2025, [], odd, t, evs)
    P.exam_sampling(odd, [{"id": "b", "year": "二〇二五"}], [{"batch_id": "b", "officer_name": "张三", "score": "x"}],
                    {"abc": 1})
