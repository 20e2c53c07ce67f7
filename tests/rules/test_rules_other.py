"""JC-01/02, FQ-01/02, TZ-01, SX-01, run_all and parameters."""
import datetime as dt

import pytest

from sifasuo_desktop.domain.rules import CODES, effective_params, run_all, validate_settings

from .helpers import case, inspection, run, sev

R, Y = ["red"], ["yellow"]


def test_jc01_cap_per_body_per_year():
    recs = [inspection(inspect_date=d) for d in ("2025-01-10", "2025-03-10", "2025-06-10", "2025-09-10")]
    found = run("JC-01", "2025-12-01", inspections=recs)
    assert [f.record_id for f in found] == [recs[2]["id"], recs[3]["id"]]  # 3rd and 4th
    assert "第3次" in found[0].message


@pytest.mark.parametrize("extra, expected_count", [
    ({"inspect_type": "个案检查"}, 0),     # 个案检查 not counted
    ({"is_joint": 1}, 0),                  # joint inspection not counted
    ({"body_id": "b2"}, 0),                # another body has its own cap
    ({"inspect_date": "2026-01-05"}, 0),   # another calendar year
    ({}, 1),
])
def test_jc01_exemptions(extra, expected_count):
    recs = [inspection(inspect_date="2025-01-10"), inspection(inspect_date="2025-03-10"),
            inspection(**{"inspect_date": "2025-06-10", **extra})]
    assert len(run("JC-01", "2026-12-01", inspections=recs)) == expected_count


def test_jc01_without_uscc_uses_name():
    recs = [inspection(target_uscc=None, inspect_date=d) for d in ("2025-01-10", "2025-03-10", "2025-06-10")]
    assert len(run("JC-01", "2025-12-01", inspections=recs)) == 1


@pytest.mark.parametrize("second, extra, expected", [
    ("2025-05-16", {"body_id": "b2"}, R),       # 15 days later: inside
    ("2025-05-17", {"body_id": "b2"}, []),      # 16 days later
    ("2025-05-01", {"body_id": "b2"}, R),       # same day
    ("2025-05-10", {}, []),                     # same body: not JC-02
    ("2025-05-10", {"body_id": "b2", "is_joint": 1}, []),
    ("2025-05-10", {"body_id": "b2", "inspect_type": "个案检查"}, []),
    ("2025-05-10", {"body_id": "b2", "target_uscc": "91379901MA0000002X"}, []),  # another enterprise
])
def test_jc02(second, extra, expected):
    first = inspection(inspect_date="2025-05-01")
    later = inspection(**{"inspect_date": second, **extra})
    found = run("JC-02", "2025-12-01", inspections=[first, later])
    assert sev(found) == expected
    assert all(f.record_id == later["id"] for f in found)


def power(**kw):
    p = {"id": "w1", "code": "3799CF0001", "name": "对在城市道路两侧堆放物料的处罚", "effective_date": "2020-01-01",
         "status": "有效", "body_id": "b1"}
    p.update(kw)
    return p


@pytest.mark.parametrize("eff, last_case, status, today, expected", [
    ("2025-01-01", None, "有效", "2025-12-31", []),                     # in force < 12 months
    ("2025-01-01", None, "有效", "2026-01-01", [("FQ-01", "yellow")]),  # exactly 12 months
    ("2024-06-01", "2025-01-01", "有效", "2026-01-01", []),             # case exactly 12 months ago counts
    ("2024-06-01", "2024-12-31", "有效", "2026-01-01", [("FQ-01", "yellow")]),
    ("2020-01-01", "2020-12-31", "有效", "2025-12-31", [("FQ-01", "yellow")]),  # 5-year window still has a case
    ("2020-01-01", "2020-12-31", "有效", "2026-01-01", [("FQ-02", "red")]),     # 5 years without: FQ-02 only
    ("2020-01-01", None, "暂停", "2026-01-01", []),
    ("2020-01-01", None, "收回", "2026-01-01", []),
])
def test_fq(eff, last_case, status, today, expected):
    cases = [case(power_id="w1", filed_date=last_case)] if last_case else []
    cases.append(case(power_id="other", filed_date=today))
    data = {"powers": [power(effective_date=eff, status=status)], "cases": cases}
    found = run_all(data, None, dt.date.fromisoformat(today), codes=["FQ-01", "FQ-02"])
    assert [(f.code, f.severity) for f in found] == expected
    assert all(f.record_type == "powers" for f in found)


def test_fq01_alone_when_fq02_disabled():
    data = {"powers": [power(effective_date="2015-01-01")], "cases": []}
    p = effective_params({"FQ-02": {"enabled": False}})
    found = run_all(data, p, dt.date(2026, 1, 1))
    # FQ-03 (never evaluated) fires on the same power as well; FQ-01 stands alone among FQ-01/FQ-02
    assert [(f.code, f.severity) for f in found if f.code in ("FQ-01", "FQ-02")] == [("FQ-01", "yellow")]
    assert "FQ-03" in {f.code for f in found}


@pytest.mark.parametrize("over, expected", [
    ({"fine_amount": 9999, "party_type": "自然人"}, []),
    ({"fine_amount": 10000, "party_type": "自然人"}, R),       # at the threshold
    ({"fine_amount": 10000, "party_type": None}, R),           # unknown party: natural-person amount
    ({"fine_amount": 99999, "party_type": "法人"}, []),
    ({"fine_amount": 100000, "party_type": "法人"}, R),
    ({"fine_amount": 100000, "party_type": "其他组织", "hearing_notified": 1}, []),
    ({"penalty_kinds": "责令停产停业"}, R), ({"penalty_kinds": "吊销许可证件"}, R), ({"penalty_kinds": "责令关闭"}, R),
    ({"penalty_kinds": "限制从业"}, R), ({"penalty_kinds": "警告"}, []),
    ({"penalty_kinds": "责令停产停业", "decision_date": None}, []),   # not decided yet
    ({"fine_amount": 200000, "case_type": "行政许可"}, []),
])
def test_tz01(over, expected):
    c = case(**{"decision_date": "2025-09-01", "hearing_notified": 0, "party_type": "自然人", **over})
    assert sev(run("TZ-01", "2025-12-01", cases=[c])) == expected


def test_tz01_threshold_setting():
    c = case(decision_date="2025-09-01", fine_amount=5000, party_type="自然人")
    assert sev(run("TZ-01", "2025-12-01", params={"TZ-01": {"fine_person": 5000}}, cases=[c])) == R


@pytest.mark.parametrize("violation, filed, life, expected", [
    ("2023-08-01", "2025-08-01", 0, []),    # exactly 2 years: in time
    ("2023-08-01", "2025-08-02", 0, R),
    ("2020-08-01", "2025-08-01", 1, []),    # 5 years for 生命健康/金融安全
    ("2020-08-01", "2025-08-02", 1, R),
    ("2024-02-29", "2026-02-28", 0, []),    # leap day: anniversary is 02-28
    ("2024-02-29", "2026-03-01", 0, R),
])
def test_sx01(violation, filed, life, expected):
    c = case(violation_date=violation, filed_date=filed, life_safety=life)
    assert sev(run("SX-01", "2026-12-01", cases=[c])) == expected


def test_every_contract_code_has_a_rule_and_defaults():
    contract = ["GS-01", "GS-02", "BA-01", "RY-01", "RY-02", "RY-03", "RY-04", "FZ-01", "FZ-02", "FZ-03", "JC-01",
                "JC-02", "ZG-01", "DB-01", "DB-02", "FQ-01", "FQ-02", "TZ-01", "SX-01"]
    assert list(CODES)[:len(contract)] == contract  # the 2025–2026 rules follow (rule_defaults.json order)
    assert list(CODES)[len(contract):len(contract) + 6] == ["RY-05", "RY-06", "RY-07", "RY-08", "RY-09", "RY-10"]
    p = effective_params()
    assert p["GS-01"]["deadline_workdays"] == 7 and p["GS-02"]["deadline_workdays"] == 20
    assert p["BA-01"] == {"enabled": True, "case_days": 90, "warn_day": 75}
    assert p["JC-02"]["window_days"] == 15 and p["TZ-01"]["fine_org"] == 100000


def test_effective_params_ignores_bad_stored_values():
    p = effective_params({"GS-01": {"deadline_workdays": -3, "warn_workdays": "x"}, "XX-99": {}, "RY-03": 5})
    assert p["GS-01"]["deadline_workdays"] == 7 and p["GS-01"]["warn_workdays"] == 2


@pytest.mark.parametrize("values, needle", [
    ({"XX-01": {}}, "未知"), ({"GS-01": {"foo": 1}}, "没有参数"), ({"GS-01": {"deadline_workdays": -1}}, "不小于0"),
    ({"RY-04": {"from_month": 13}}, "1到12"),
])
def test_validate_settings_errors(values, needle):
    with pytest.raises(ValueError, match=needle):
        validate_settings(values)


def test_run_all_orders_red_first_and_findings_carry_contract_keys():
    data = {"cases": [case(decision_date="2025-09-26"), case(officer_names="张三")], "bodies": [], "officers": []}
    found = run_all(data, None, dt.date(2025, 10, 13))
    assert found[0].severity == "red" and found[-1].severity == "yellow"
    d = found[0].to_dict()
    assert {"code", "severity", "record_type", "record_id", "ref", "message", "due_date"} <= set(d)
