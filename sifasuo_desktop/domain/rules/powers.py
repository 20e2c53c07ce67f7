"""Delegated powers (赋权事项) that are not used: FQ-01 (12 months) and FQ-02 (5 years)."""
from __future__ import annotations

from ..calendar import add_months, add_years
from .base import RED, YELLOW, Context, date_of


def _last_case_dates(ctx: Context, data: dict, last: dict | None = None) -> dict[str, object]:
    """{power id: the latest 立案日期 (决定日期 when none) up to today}, merged into `last` when given (the
    streamed check feeds the cases chunk by chunk)."""
    last = {} if last is None else last
    for c in data.get("cases", ()):
        pid = c.get("power_id")
        if not pid:
            continue
        d = date_of(c.get("filed_date") or c.get("decision_date"))
        if d is None or d > ctx.today:
            continue
        if pid not in last or d > last[pid]:
            last[pid] = d
    return last


last_case_dates = _last_case_dates


def fq(ctx: Context, data: dict, p01: dict | None, p02: dict | None, last: dict | None = None):
    """Powers in force (status 有效, not revoked) since `effective_date`.

    FQ-02 (red): in force for at least `years` years (effective_date + years ≤ today) and no case filed in
    the last `years` years (a case on today − years counts as inside). FQ-01 (yellow): the same with
    `months` months. A power that fires FQ-02 does not also get FQ-01 (one finding per power).
    """
    last = _last_case_dates(ctx, data) if last is None else last
    today = ctx.today
    for w in data.get("powers", ()):
        if (w.get("status") or "有效") != "有效" or date_of(w.get("revoked_date")):
            continue
        eff = date_of(w.get("effective_date"))
        if eff is None:
            continue
        latest = last.get(w["id"])
        ref = w.get("name") or w.get("code") or ""
        since = f"最近一次办件{latest}" if latest else "生效以来从未办件"
        if p02 is not None:
            years = int(p02["years"])
            start = add_years(today, -years)
            if eff <= start and (latest is None or latest < start):
                yield ctx.finding("FQ-02", RED, "powers", w, ref,
                                  f"{eff}生效，近{years}年无办件（{since}），建议评估清理或收回")
                continue
        if p01 is not None:
            months = int(p01["months"])
            start = add_months(today, -months)
            if eff <= start and (latest is None or latest < start):
                yield ctx.finding("FQ-01", YELLOW, "powers", w, ref,
                                  f"{eff}生效，近{months}个月零办件（{since}），可能接不住")
