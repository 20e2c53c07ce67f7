"""CF-01 首违不罚适用不当, CF-02 清单内轻微违法仍予处罚, CF-03 罚款超出裁量基准 (rules.md): table-driven, boundaries."""
import pytest

from .helpers import case, run, sev

USCC_A = "91379901MA0000001X"


def prior(**kw):
    base = dict(case_no="示罚〔2023〕9号", party="示范县鑫盛商贸有限公司", party_code=USCC_A, cause="占道经营",
                decision_date="2023-09-01", status="已决定", outcome="给予处罚", penalty_kinds="罚款", fine_amount=500.0)
    base.update(kw)
    return case(**base)


def first_time(**kw):
    base = dict(case_no="示罚〔2025〕1号", party="示范县鑫盛商贸有限公司", party_code=USCC_A, cause="占道经营",
                decision_date="2025-09-01", status="已决定", outcome="首违不罚")
    base.update(kw)
    return case(**base)


@pytest.mark.parametrize("earlier_decision, expected", [
    ("2023-09-01", ["red"]),      # exactly 24 months before: inside the window
    ("2023-08-31", []),           # one day more: outside
    ("2025-08-31", ["red"]),      # the day before
    ("2025-09-01", []),           # the same day is not an earlier decision
    ("2025-09-02", []),           # a later case does not make this one a repeat
])
def test_cf01_window_boundaries(earlier_decision, expected):
    found = run("CF-01", "2025-12-01", cases=[prior(decision_date=earlier_decision), first_time()])
    assert sev(found) == expected
    if expected:
        assert found[0].ref == "示罚〔2025〕1号" and "示罚〔2023〕9号" in found[0].message


def test_cf01_months_param_and_undecided_or_void_cases():
    cases = [prior(decision_date="2024-03-01"), first_time()]
    assert sev(run("CF-01", "2025-12-01", cases=cases)) == ["red"]
    assert sev(run("CF-01", "2025-12-01", params={"CF-01": {"months": 12}}, cases=cases)) == []
    assert sev(run("CF-01", "2025-12-01", cases=[prior(decision_date=None), first_time()])) == []
    assert sev(run("CF-01", "2025-12-01", cases=[prior(status="已撤销"), first_time()])) == []
    assert sev(run("CF-01", "2025-12-01", cases=[prior(), first_time(outcome="不予处罚")])) == []


def test_cf01_same_party_and_same_violation():
    # another party (other code, same name) does not count; the code decides when both have one
    assert sev(run("CF-01", "2025-12-01", cases=[prior(party_code="91379901MA0000002Y"), first_time()])) == []
    # no code on one side: the names decide
    assert sev(run("CF-01", "2025-12-01", cases=[prior(party_code=None), first_time()])) == ["red"]
    # names compared after trimming (a two-character name padded to align: 王 五)
    assert sev(run("CF-01", "2025-12-01", cases=[prior(party_code=None, party="王五"),
                                               first_time(party_code=None, party="王 五 ")])) == ["red"]
    assert sev(run("CF-01", "2025-12-01", cases=[prior(party_code=None, party="王五"),
                                               first_time(party_code=None, party="王六")])) == []
    # same 案由 after trimming counts; another 案由 does not, unless the same 赋权事项 is linked
    assert sev(run("CF-01", "2025-12-01", cases=[prior(cause=" 占道经营 "), first_time()])) == ["red"]
    assert sev(run("CF-01", "2025-12-01", cases=[prior(cause="乱贴小广告"), first_time()])) == []
    assert sev(run("CF-01", "2025-12-01", cases=[prior(cause="乱贴小广告", power_id="p1"),
                                               first_time(power_id="p1")])) == ["red"]


def item(list_type, code="BZ-01", violation="占道经营", **kw):
    return {"id": f"li-{code}-{list_type}", "list_type": list_type, "code": code, "violation": violation,
            "status": kw.pop("status", "有效"), "owner_org": "C1", **kw}


@pytest.mark.parametrize("list_type, outcome, kinds, fine, expected", [
    ("首违不罚", "给予处罚", "罚款", 500.0, ["yellow"]),
    ("不予处罚", "给予处罚", "警告", None, ["yellow"]),   # another penalty, no fine
    ("不予处罚", "给予处罚", None, None, []),            # nothing imposed
    ("首违不罚", "首违不罚", None, None, []),
    ("首违不罚", "从轻处罚", "罚款", 200.0, []),          # only 给予处罚 fires
    ("从轻处罚", "给予处罚", "罚款", 500.0, []),          # a 从轻 list item allows a penalty
    ("首违不罚", None, "罚款", 500.0, []),               # 处理结果 not recorded
])
def test_cf02(list_type, outcome, kinds, fine, expected):
    c = case(case_no="示罚〔2025〕5号", decision_date="2025-06-01", outcome=outcome, penalty_kinds=kinds,
             fine_amount=fine, list_item="BZ-01")
    assert sev(run("CF-02", "2025-12-01", cases=[c], leniency_items=[item(list_type)])) == expected


def test_cf02_names_item_by_violation_and_ignores_repealed_items():
    c = case(outcome="给予处罚", penalty_kinds="罚款", fine_amount=300.0, list_item="占道经营")
    assert sev(run("CF-02", "2025-12-01", cases=[c], leniency_items=[item("首违不罚")])) == ["yellow"]
    assert sev(run("CF-02", "2025-12-01", cases=[c], leniency_items=[item("首违不罚", status="废止")])) == []


def std(level, lo, hi, code="JZ-001", owner="C1"):
    return {"id": f"s-{code}-{level}-{owner}", "code": code, "level": level, "fine_min": lo, "fine_max": hi,
            "owner_org": owner}


STANDARDS = [std("一般", 500.0, 1000.0), std("较重", 1000.0, 3000.0)]


@pytest.mark.parametrize("fine, level, code, expected", [
    (500.0, "一般", "JZ-001", []),         # the bounds are inside
    (1000.0, "一般", "JZ-001", []),
    (499.99, "一般", "JZ-001", ["red"]),
    (1000.01, "一般", "JZ-001", ["red"]),
    (5000.0, "一般", "JZ-001", ["red"]),
    (2000.0, "较重", "jz-001", []),        # codes compared case-insensitively after trimming
    (2000.0, "严重", "JZ-001", ["yellow"]),  # no such 阶次 under the code
    (2000.0, "一般", "JZ-404", ["yellow"]),  # no such code
    (None, "一般", "JZ-001", []),          # no fine recorded: nothing to compare
])
def test_cf03(fine, level, code, expected):
    c = case(case_no="示罚〔2025〕7号", discretion_code=code, discretion_level=level, fine_amount=fine,
             decision_date="2025-06-01")
    found = run("CF-03", "2025-12-01", cases=[c], discretion_standards=STANDARDS)
    assert sev(found) == expected
    if expected == ["red"]:
        assert "500–1000元" in found[0].message


def test_cf03_open_bounds_and_local_rows_win():
    c = case(discretion_code="JZ-001", discretion_level="一般", fine_amount=1500.0, owner_org="T1")
    assert sev(run("CF-03", "2025-12-01", cases=[c], discretion_standards=[std("一般", 500.0, None)])) == []
    # the township's own row for the code/阶次 is the one that applies
    rows = [std("一般", 500.0, 1000.0, owner="C1"), std("一般", 1000.0, 2000.0, owner="T1")]
    assert sev(run("CF-03", "2025-12-01", cases=[c], discretion_standards=rows)) == []
    c2 = case(discretion_code="JZ-001", discretion_level="一般", fine_amount=800.0, owner_org="T1")
    assert sev(run("CF-03", "2025-12-01", cases=[c2], discretion_standards=rows)) == ["red"]
    # no 阶次 recorded: not checked
    c3 = case(discretion_code="JZ-001", fine_amount=99999.0)
    assert sev(run("CF-03", "2025-12-01", cases=[c3], discretion_standards=rows)) == []
