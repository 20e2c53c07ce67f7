"""Penalty cases: hearing notice (TZ-01) and the limitation period (SX-01)."""
from __future__ import annotations

from ..calendar import add_years
from .base import RED, Context, date_of

HEAVY_KINDS = ("吊销许可证件", "降低资质等级", "责令停产停业", "责令关闭", "限制从业")
VOID_CASE = frozenset(("已撤销",))


def tz01(ctx: Context, data: dict, p: dict):
    """A decided penalty case (决定日期 set) with 吊销许可证件, 降低资质等级, 责令停产停业/关闭 or 限制从业, or a
    fine — or confiscation (行政处罚法 §63(二)) — of at least the 较大数额 threshold (自然人 `fine_person`,
    法人/其他组织 `fine_org`; unknown party type uses the natural-person amount), and 听证告知 not recorded. red."""
    person, org = float(p["fine_person"]), float(p["fine_org"])
    for c in data.get("cases", ()):
        if not (c.get("case_type") or "").startswith("行政处罚") or c.get("status") in VOID_CASE:
            continue
        if c.get("hearing_notified") or date_of(c.get("decision_date")) is None:
            continue
        kinds = c.get("penalty_kinds") or ""
        reasons = [k for k in HEAVY_KINDS if k in kinds]
        limit = org if c.get("party_type") in ("法人", "其他组织") else person
        fine = float(c.get("fine_amount") or 0)
        conf = float(c.get("confiscation_amount") or 0)
        if fine >= limit:
            reasons.append(f"罚款{fine:g}元")
        if conf >= limit:
            reasons.append(f"没收{conf:g}元")
        if reasons:
            yield ctx.finding("TZ-01", RED, "cases", c, c.get("case_no"),
                              f"{'、'.join(reasons)}（较大数额{limit:g}元），未记录听证告知")


def sx01(ctx: Context, data: dict, p: dict):
    """Penalty cases whose 立案日期 is after 违法行为发生日期 + `years` (`years_life_safety` when marked
    涉及生命健康/金融安全). Filing exactly on the anniversary is still in time. red."""
    normal, longer = int(p["years"]), int(p["years_life_safety"])
    for c in data.get("cases", ()):
        if not (c.get("case_type") or "").startswith("行政处罚") or c.get("status") in VOID_CASE:
            continue
        violated, filed = date_of(c.get("violation_date")), date_of(c.get("filed_date"))
        if violated is None or filed is None:
            continue
        years = longer if c.get("life_safety") else normal
        limit = add_years(violated, years)
        if filed > limit:
            yield ctx.finding("SX-01", RED, "cases", c, c.get("case_no"),
                              f"违法行为{violated}发生，{filed}才立案，已超过{years}年追责时效（{limit}）", limit)
