"""统计年报 tables against a hand-computed example; 月汇总/季通报 indicators; heaviest-penalty rule."""
import datetime as dt

import pytest

from sifasuo_desktop.domain import stats as st
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.store import stats_queries as sq


@pytest.mark.parametrize("kinds,expected", [
    (["警告"], "警告"),
    (["警告", "罚款"], "罚款"),
    (["罚款", "没收违法所得"], "没收违法所得"),
    (["罚款", "其他"], "罚款"),                 # "罚款并处其他" counts as 罚款
    (["其他"], "其他"),
    (["吊销许可证件", "责令停产停业", "罚款"], "吊销许可证件"),
    (["限制从业", "责令停产停业"], "限制从业"),
    (["行政拘留", "吊销许可证件"], "行政拘留"),
    (["新种类"], "其他"),
    ([], None),
])
def test_heaviest_penalty(kinds, expected):
    assert st.heaviest_penalty(kinds) == expected


def test_periods():
    p = st.make_period("quarterly", 2024, 1)
    assert (p.start, p.end, p.label) == ("2024-01-01", "2024-03-31", "2024年第一季度")
    assert st.make_period("monthly", 2024, 2).end == "2024-02-29"
    for bad in (("monthly", 2025, 13), ("quarterly", 2025, None), ("weekly", 2025, 1)):
        with pytest.raises(UserError):
            st.make_period(*bad)


def _case(store, body, no, ctype, filed=None, decided=None, kinds=None, fine=None, conf=None, status=None, **kw):
    vals = {"case_no": no, "case_type": ctype, "body_id": body["id"], "filed_date": filed, "decision_date": decided,
            "penalty_kinds": kinds, "fine_amount": fine, "confiscation_amount": conf, "status": status}
    vals.update(kw)
    return store.insert("cases", {k: v for k, v in vals.items() if v is not None})


GEN, SIM = "行政处罚(一般程序)", "行政处罚(简易程序)"


@pytest.fixture
def annual_store(store, body):
    c = lambda *a, **k: _case(store, body, *a, **k)  # noqa: E731
    c("1", SIM, "2025-01-05", "2025-01-05", "警告")
    c("2", SIM, "2025-02-01", "2025-02-01", "罚款", 200)
    c("3", GEN, "2025-02-10", "2025-03-01", "罚款、没收违法所得", 3000, 1500)
    c("4", GEN, "2025-02-10", "2025-03-02", "罚款、吊销许可证件", 10000)
    c("5", GEN, "2025-02-10", "2025-03-03", "责令停产停业")
    c("6", GEN, "2025-02-10", "2025-03-04", "罚款、其他", 5000)
    c("7", GEN, "2025-02-10", "2025-03-05", "其他")
    c("8", GEN, "2025-02-10", "2025-03-06", "警告、暂扣许可证件")
    c("9", GEN, "2025-02-10", "2025-03-07", "罚款", 20000, status="已撤销")
    c("10", GEN, "2024-11-10", "2024-12-31", "罚款", 50000)
    c("11", GEN, "2025-11-10", "2026-01-01", "罚款", 50000)
    c("12", GEN, "2025-05-10", "2025-06-01")
    c("13", GEN, "2025-05-10", "2025-06-02", "罚款、没收非法财物", 1000)
    c("14", GEN, "2025-05-10", "2025-06-03", "限制从业、罚款", 8000)
    c("15", GEN, "2025-05-10", "2025-06-04", "限制开展生产经营活动、罚款", 2000)
    c("L1", "行政许可", "2025-02-20", "2025-03-01")
    c("L2", "行政许可", "2024-12-25", "2025-01-05")
    c("L3", "行政许可", "2025-12-30")
    c("Q1", "行政强制", "2025-03-20", "2025-04-01")
    c("Q2", "行政强制", "2025-05-01")
    c("Q3", "行政强制", "2024-11-01", "2025-01-10")
    c("Q4", "行政强制", "2025-12-01", "2026-01-03")
    c("J1", "行政检查", "2025-07-01")
    c("R1", "行政确认", "2025-07-01", "2025-07-02")
    c("G1", "行政给付", "2025-07-01", "2025-07-02")
    c("G2", "行政给付", "2025-08-01", "2025-08-02")
    for d, res in (("2025-03-01", "未发现问题"), ("2025-04-01", "发现隐患"), ("2025-12-31", "已整改"),
                   ("2025-06-01", None), ("2024-12-31", "未发现问题")):
        store.insert("inspections", {"inspect_date": d, "body_id": body["id"], "target_name": "甲公司",
                                     "result": res})
    for name, duty, status, expiry in (("a", "在岗", "有效", "2026-06-30"), ("b", "在岗", "有效", "2025-12-31"),
                                       ("c", "在岗", "有效", "2025-12-30"), ("d", "在岗", "暂扣", "2027-01-01"),
                                       ("e", "退休", "有效", "2027-01-01"), ("f", None, "有效", None)):
        store.insert("officers", {"name": name, "body_id": body["id"], "duty_status": duty, "cert_status": status,
                                  "cert_expiry": expiry})
    return store


def test_annual_report_matches_hand_computed_example(annual_store):
    period, tables = sq.period_report(annual_store, "annual", 2025, as_of=dt.date(2026, 1, 20))
    t = {x.key: x for x in tables}
    t1 = t["t1_penalty"]
    assert t1.columns == ["警告、通报批评", "罚款", "没收违法所得、没收非法财物", "暂扣许可证件、降低资质等级",
                          "吊销许可证件", "限制开展生产经营活动", "责令停产停业、责令关闭、限制从业", "行政拘留", "其他",
                          "合计(宗)", "罚没金额(元)", "罚没金额(万元)"]
    assert t1.rows == [[1, 3, 2, 1, 1, 1, 2, 0, 1, 12, 50700.0, 5.07]]
    assert any("1件处罚案件" in n for n in t1.notes)           # case 12: decided without a penalty kind
    assert t["t2_license"].rows == [[2, 2]]
    assert t["t3_force"].rows == [[3]]
    assert t["t4_other"].rows == [[4, 0, 1, 2]]               # 3 written inspections + 1 检查 case
    assert any("1条检查记录" in n for n in t["t4_other"].notes)
    assert t["t5_cert"].rows == [[5, 3, "60.0%"]]


def test_quarterly_summary_indicators(store, body):
    other = store.insert("bodies", {"name": "示范镇综合行政执法队"})
    # 2025-04-24 + 7 working days = 2025-05-07 (劳动节 5/1–5/5 off, Sunday 4/27 a make-up working day)
    _case(store, body, "A", GEN, "2025-04-01", "2025-04-24", "罚款", 1000, published_date="2025-05-07",
          is_major=1, legal_review_date="2025-04-23")
    _case(store, body, "B", GEN, "2025-04-01", "2025-04-24", "罚款", 2000, published_date="2025-05-08",
          is_major=1, legal_review_date="2025-04-25")          # published late; reviewed after the decision
    _case(store, body, "C", GEN, "2025-06-01", "2025-06-27", "警告")   # deadline 7/8 not passed, unpublished
    _case(store, body, "D", SIM, "2025-05-01", "2025-05-01", "罚款", 100)  # 简易: not published case by case
    _case(store, other, "E", "行政许可", "2025-04-02", "2025-04-03")       # unpublished, deadline passed
    _case(store, other, "F", "行政强制", "2025-05-02")                     # undecided, counted by 立案日期
    _case(store, other, "G", GEN, "2025-03-02", "2025-03-03", "罚款", 9999)  # previous quarter
    store.insert("inspections", {"inspect_date": "2025-05-01", "body_id": body["id"], "target_name": "x",
                                 "result": "ok"})
    offs = [store.insert("officers", {"name": n, "body_id": body["id"], "duty_status": "在岗", "cert_status": s,
                                      "cert_expiry": "2026-01-01"}) for n, s in (("a", "有效"), ("b", "过期"))]
    store.insert("trainings", {"officer_name": "a", "officer_id": offs[0]["id"], "training_date": "2025-03-01",
                               "title": "t", "hours": 60})
    store.insert("trainings", {"officer_name": "b", "officer_id": offs[1]["id"], "training_date": "2025-07-01",
                               "title": "t", "hours": 60})   # after the quarter: not counted
    for dl, status, closed in (("2025-05-01", "已销号", "2025-04-30"), ("2025-06-01", "整改中", None),
                               ("2025-06-30", "已销号", "2025-07-02"), ("2025-07-15", "待整改", None)):
        with store.workflow():   # history as the workflow would have left it
            store.insert("problems", {"found_date": "2025-04-01", "source": "监督检查", "description": "d",
                                      "body_id": body["id"], "deadline": dl, "status": status,
                                      "closed_date": closed})
    with store.workflow():
        store.insert("reviews", {"case_no": "A", "body_id": body["id"], "reviewers": "甲、乙",
                                 "review_date": "2025-06-01", "score": 91, "grade": "优秀"})
    _, (t, *_discretion) = sq.period_report(store, "quarterly", 2025, 2, as_of=dt.date(2025, 7, 5))
    row = dict(zip(t.columns, t.row("示范镇人民政府")))
    assert (row["处罚(简易)"], row["处罚(一般)"], row["罚没金额(元)"], row["行政检查(次)"]) == (1, 3, 3100.0, 1)
    assert row["公示及时率"] == "50.0%"     # A on time, B late; C not yet due; D exempt
    assert row["法制审核率"] == "50.0%"
    assert row["持证率"] == "50.0%" and row["培训达标率"] == "50.0%"
    # 3 due by 6/30, only the first closed by then; overdue at 6/30: only the 6/01 one (6/30 is its own deadline)
    assert row["整改率"] == "33.3%" and row["逾期未销号"] == 1
    assert row["评查优秀"] == 1
    o = dict(zip(t.columns, t.row("示范镇综合行政执法队")))
    assert (o["许可"], o["强制"], o["公示及时率"], o["罚没金额(元)"]) == (1, 1, "0.0%", 0)
    total = dict(zip(t.columns, t.row("合计")))
    assert (total["处罚(一般)"], total["公示及时率"], total["罚没金额(元)"]) == (3, "33.3%", 3100.0)


def test_week_items_and_monthly_series(store, body):
    from sifasuo_desktop.store import workflow_ops as ops

    ops.create_problem(store, {"found_date": "2026-05-01", "source": "监督检查", "description": "逾期的问题",
                               "body_id": body["id"], "deadline": "2026-05-10"})
    ops.create_problem(store, {"found_date": "2026-05-02", "source": "12345", "description": "快到期的问题",
                               "body_id": body["id"], "deadline": "2026-05-22"})
    _case(store, body, "X1", GEN, "2026-02-03")
    _case(store, body, "X2", SIM, "2026-02-04", "2026-02-04", "警告")
    _case(store, body, "X3", GEN, "2026-05-01")
    w = sq.week_items(store, dt.date(2026, 5, 20))
    zg = [i for i in w["items"] if i["code"] == "ZG-01"]
    assert [(i["severity"], i["ref"]) for i in zg] == [("red", "示范问〔2026〕1号"), ("yellow", "示范问〔2026〕2号")]
    assert w["by_type"]["problems"] == {"red": 1, "yellow": 1}
    assert w["by_rule"]["ZG-01"] == 2
    s = sq.monthly_series(store, 2026)
    assert s["cases_by_type"]["处罚(一般)"][1] == 1 and s["cases_by_type"]["处罚(一般)"][4] == 1
    assert s["cases_filed"][1] == 2 and s["decisions"][1] == 1
    assert s["problems_found"][4] == 2
    assert s["rectification_rate"][4] == 0.0 and s["rectification_rate"][0] is None
