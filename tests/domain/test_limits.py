"""Issue 11 item 4: poison values (9999-12-31, inf, 1e400, nan, negative fines) are refused on every entry
path with a Chinese reason, and stored ones never stop the warning rules (DQ-01 数据异常)."""
import datetime as dt

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.errors import ValidationError
from sifasuo_desktop.domain.ledgers import LEDGERS, normalize
from sifasuo_desktop.domain.rules import run_all
from sifasuo_desktop.domain.validators import parse_amount, parse_date
from sifasuo_desktop.store import Store

from ..rules.helpers import BODY, OFFICERS, case, inspection


@pytest.mark.parametrize("text", ["9999-12-31", "1949-09-30", "2101-01-01", "0001-01-01"])
def test_dates_out_of_range_refused(text):
    with pytest.raises(ValueError, match="超出允许范围"):
        parse_date(text)
    with pytest.raises(ValueError, match="超出允许范围"):
        parse_date(dt.date.fromisoformat(text))


def test_dates_at_the_limits_pass():
    assert parse_date("1949-10-01") == "1949-10-01" and parse_date("2100年12月31日") == "2100-12-31"


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e400", "-5", "-0.01", float("inf"), float("nan"), -3,
                                   "1e20"])
def test_amounts_must_be_finite_and_not_negative(value):
    with pytest.raises(ValueError) as e:
        parse_amount(value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(e.value))


def test_counts_and_hours_refuse_inf_without_overflow():
    with pytest.raises(ValidationError) as e:   # before: int(float("inf")) raised OverflowError (a traceback)
        normalize(LEDGERS["power_evaluations"], {"case_count": "inf"}, partial=True)
    assert "办件量" in str(e.value.errors)
    with pytest.raises(ValidationError):
        normalize(LEDGERS["trainings"], {"hours": "nan"}, partial=True)
    with pytest.raises(ValidationError) as e:
        normalize(LEDGERS["cases"], {"fine_amount": "-500"}, partial=True)
    assert "负数" in e.value.errors["罚款金额"]
    assert normalize(LEDGERS["cases"], {"fine_amount": "1.5万元"}, partial=True)["fine_amount"] == 15000.0


def test_one_bad_record_yields_dq01_and_other_rules_still_run():
    good = case(filed_date="2025-08-01")                      # BA-01: over 90 days, still open
    bad_date = case(filed_date="9999-12-31", decision_date="9999-12-31", case_type="行政许可",
                    published_date=None)
    bad_fine = case(decision_date="2025-09-01", fine_amount=float("inf"), penalty_kinds="罚款",
                    party_type="自然人", hearing_notified=0)
    neg = case(fine_amount=-5.0)
    bad_insp = inspection(inspect_date="9999-12-31")
    data = {"cases": [bad_date, good, bad_fine, neg], "inspections": [bad_insp], "bodies": [BODY],
            "officers": OFFICERS}
    found = run_all(data, None, dt.date(2026, 11, 1))
    dq = {f.record_id: f for f in found if f.code == "DQ-01"}
    assert set(dq) == {bad_date["id"], bad_fine["id"], neg["id"], bad_insp["id"]}
    assert all(f.severity == "yellow" for f in dq.values())
    assert "立案日期" in dq[bad_date["id"]].message and "决定日期" in dq[bad_date["id"]].message
    assert "罚款金额" in dq[bad_fine["id"]].message and "负数" in dq[neg["id"]].message
    assert any(f.code == "BA-01" and f.record_id == good["id"] for f in found)
    assert not any(f.code == "TZ-01" and f.record_id == bad_fine["id"] for f in found)   # inf blanked, not a fine
    with pytest.raises(ValueError):
        run_all(data, None, "not a date")


def test_rule_that_still_fails_does_not_stop_the_others(monkeypatch):
    from sifasuo_desktop.domain import rules
    good = case(filed_date="2025-08-01")

    def broken(ctx, data, p):
        raise TypeError("unforeseen value")
        yield
    monkeypatch.setitem(rules.RULES, "JC-01", broken)
    found = run_all({"cases": [good], "bodies": [BODY], "officers": OFFICERS}, None, dt.date(2026, 11, 1))
    assert any(f.code == "BA-01" for f in found)
    assert any(f.code == "DQ-01" and f.ref == "JC-01" and "未能完成检查" in f.message for f in found)


@pytest.fixture
def poisoned(tmp_path):
    s = Store.open(tmp_path / "d")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    body = s.insert("bodies", {"name": "示范镇人民政府", "body_type": "乡镇政府", "status": "有效"})
    for i, (filed, fine) in enumerate((("9999-12-31", None), ("2025-08-01", None), ("2026-01-05", float("inf")))):
        rec = s.insert("cases", {"case_no": f"案{i}", "case_type": "行政处罚(一般程序)", "body_id": body["id"],
                                 "filed_date": "2026-01-01", "status": "办理中"})
        with s.transaction():           # values stored before the limits existed (or by a direct edit)
            s.conn.execute("UPDATE cases SET filed_date = ?, fine_amount = ? WHERE id = ?", (filed, fine, rec["id"]))
    s.close()
    return tmp_path / "d"


def test_check_cli_with_poison_in_the_database(poisoned, capsys):
    import json
    assert main(["check", "--data-dir", str(poisoned), "--json", "--today", "2026-11-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    codes = [f["code"] for f in out]
    assert codes.count("DQ-01") == 2 and "BA-01" in codes
    with pytest.raises(SystemExit) as e:
        main(["check", "--data-dir", str(poisoned), "--today", "9999-12-31"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "超出允许范围" in err and "Traceback" not in err


def test_spreadsheet_import_refuses_poison(tmp_path):
    from sifasuo_desktop.xlsx.planner import plan_import

    from ..xlsx.conftest import make_book
    s = Store.open(tmp_path / "x")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    s.insert("bodies", {"name": "示范镇人民政府", "body_type": "乡镇政府", "status": "有效"})
    rows = [["执法案件台账"], ["案号", "案件类型", "立案日期", "罚款金额", "执法主体"],
            ["案1", "行政检查", "9999-12-31", "100", "示范镇人民政府"],
            ["案2", "行政检查", "2026-01-01", "-5", "示范镇人民政府"],
            ["案3", "行政检查", "2026-01-01", "1e400", "示范镇人民政府"],
            ["案4", "行政检查", "2026-01-01", "200", "示范镇人民政府"]]
    plan = plan_import(s, make_book(tmp_path / "c.xlsx", {"案件": (rows, [])}), ledger="执法案件")
    errs = plan.summary()["errors"]
    msgs = " ".join(e["message"] for e in errs)
    assert {e["row"] for e in errs} == {3, 4, 5} and "超出允许范围" in msgs and "负数" in msgs
    s.close()


def test_stored_rule_parameters_inf_or_huge_fall_back_to_defaults():
    """A pushed "rules" setting with Infinity (json.loads reads it) used to overflow date arithmetic."""
    from sifasuo_desktop.domain.rules import effective_params, load_defaults, validate_settings
    p = effective_params({"BA-01": {"case_days": float("inf"), "warn_day": 1e300}})
    assert p["BA-01"]["case_days"] == load_defaults()["BA-01"]["params"]["case_days"]
    assert p["BA-01"]["warn_day"] == load_defaults()["BA-01"]["params"]["warn_day"]
    with pytest.raises(ValueError):
        validate_settings({"BA-01": {"case_days": float("inf")}})
    raw = effective_params()
    raw["BA-01"] = {"enabled": True, "case_days": float("inf"), "warn_day": 75}
    found = run_all({"cases": [case(filed_date="2025-08-01")], "bodies": [BODY], "officers": OFFICERS},
                    raw, dt.date(2026, 11, 1))
    assert any(f.code == "DQ-01" and f.ref == "BA-01" for f in found)   # raw params bypassing effective_params
