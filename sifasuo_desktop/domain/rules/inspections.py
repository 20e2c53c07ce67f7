"""Inspections of enterprises (涉企检查): frequency cap (JC-01), repeated inspections (JC-02), and the 2025–2026
governance rules: unpublished items (JC-03), no 扫码报备 (JC-04), no approval (JC-05), no annual plan (JC-06)."""
from __future__ import annotations

import datetime as _dt
from calendar import monthrange as _monthrange

from ..ledgers import EMERGENCY_SOURCE, ON_SITE
from .base import RED, YELLOW, Context, date_of

EXEMPT_TYPE = "个案检查"


def _counted(data):
    """Inspections that count: on-site (检查方式 现场检查 or empty), not 个案检查, not 联合检查, with a date and an enterprise key
    (统一社会信用代码, or the name when the code is missing)."""
    for r in data.get("inspections", ()):
        if r.get("inspect_type") == EXEMPT_TYPE or r.get("is_joint") or not on_site(r):
            continue
        day = date_of(r.get("inspect_date"))
        key = (r.get("target_uscc") or "").strip().upper() or (r.get("target_name") or "").strip()
        if day is None or not key:
            continue
        yield key, day, r


def _ref(r) -> str:
    return f"{r.get('target_name') or r.get('target_uscc') or ''} {r.get('inspect_date') or ''}".strip()


COUNTED_FIELDS = ("id", "owner_org", "body_id", "inspect_date", "inspect_type", "is_joint", "method", "target_uscc",
                  "target_name")


def counted_pool(inspections) -> list[dict]:
    """The inspections JC-01 and JC-02 count, with the fields they read: run them over the pools of all chunks of
    the inspections and they find what they find over all of them."""
    return [{k: r.get(k) for k in COUNTED_FIELDS} for _key, _day, r in _counted({"inspections": inspections})]


def jc01(ctx: Context, data: dict, p: dict):
    """More than `cap_per_year` counted inspections of one enterprise by one body in one calendar year:
    every inspection beyond the cap (in date order) is red."""
    cap = int(p["cap_per_year"])
    groups: dict[tuple, list] = {}
    for key, day, r in _counted(data):
        groups.setdefault((key, r.get("body_id"), day.year), []).append((day, r.get("id") or "", r))
    for (key, _body, year), items in groups.items():
        if len(items) <= cap:
            continue
        items.sort(key=lambda x: (x[0], x[1]))
        for n, (day, _id, r) in enumerate(items[cap:], cap + 1):
            yield ctx.finding("JC-01", RED, "inspections", r, _ref(r),
                              f"{year}年同一主体对该企业第{n}次现场检查（上限{cap}次）")


def jc02(ctx: Context, data: dict, p: dict):
    """One enterprise inspected by two different bodies within `window_days` days (later date − earlier
    date ≤ N; same day included), neither being 联合检查 or 个案检查: the later inspection is red."""
    window = int(p["window_days"])
    groups: dict[str, list] = {}
    for key, day, r in _counted(data):
        groups.setdefault(key, []).append((day, r.get("id") or "", r))
    for items in groups.values():
        if len(items) < 2:
            continue
        items.sort(key=lambda x: (x[0], x[1]))
        start = 0
        for i, (day, _id, r) in enumerate(items):
            while (day - items[start][0]).days > window:
                start += 1
            earlier = next((e for e in items[start:i] if e[2].get("body_id") != r.get("body_id")), None)
            if earlier is not None:
                other = ctx.body_fields(earlier[2].get("body_id"))[0] or "其他主体"
                yield ctx.finding("JC-02", RED, "inspections", r, _ref(r),
                                  f"{other}已于{earlier[0]}检查该企业，{(day - earlier[0]).days}日内再次检查")


# ---------------------------------------------------------------------- 涉企检查 governance (issue 13)
# JC-03 … JC-06: rules.md "Rules added for the 2025–2026 priorities"; 国办发〔2024〕54号, seed 002.
#
# Readings where rules.md leaves room (a county supervisor's):
# - "on-site" = 检查方式 现场检查 or empty (the default); 非现场检查/书面核查 never fire (nor count for JC-01/02).
# - "of an enterprise" = a 统一社会信用代码 is recorded (JC-04 says so; JC-03 and JC-06 read it the same way).
# - Dates compare by calendar day: a 报备时间 09:30 on the 检查日期 itself is on time.
# - 紧急情形: the 报备 (JC-04) / 审批 (JC-05) may follow within N working days after the 检查日期 (the 检查日期 not
#   counted, 调休 observed); while that grace is still running and nothing is recorded the finding is yellow, after
#   it red.
# - A catalog item counts when its 状态 is 有效 or blank (blank = not recorded) and its 公布日期 is recorded and on
#   or before the 检查日期. The 检查事项编码 is matched first, then the name (spaces ignored), within the
#   inspection's own body; an inspection without a body has no catalog.

PLANNED_TYPES = ("日常检查", "专项检查")
ITEM_IN_FORCE = ("有效", "")


def on_site(r) -> bool:
    return (r.get("method") or "").strip() in ("", ON_SITE)


def enterprise(r) -> bool:
    return bool((r.get("target_uscc") or "").strip())


def emergency(r) -> bool:
    return (r.get("task_source") or "").strip() == EMERGENCY_SOURCE


def start_date(value, default: str) -> _dt.date:
    """A `start_date` rule setting (YYYYMMDD as a number, e.g. 20250415) as a date; an invalid one → `default`."""
    for v in (value, default):
        try:
            n = int(float(v))
            return _dt.date(n // 10000, n // 100 % 100, n % 100)
        except (TypeError, ValueError, OverflowError):
            continue
    raise ValueError("start_date")


def _key(text) -> str:
    return "".join(str(text or "").split()).upper()


def catalog_index(items) -> dict[str, dict[str, list[dict]]]:
    """body id → {"code:XXX" / "name:YYY": [catalog rows]} (the rows of every status and date)."""
    out: dict[str, dict[str, list[dict]]] = {}
    for it in items or ():
        by = out.setdefault(it.get("body_id") or "", {})
        for k in (f"code:{_key(it.get('code'))}" if _key(it.get("code")) else "",
                  f"name:{_key(it.get('name'))}" if _key(it.get("name")) else ""):
            if k:
                by.setdefault(k, []).append(it)
    return out


def item_problem(r: dict, catalog: dict, day: _dt.date) -> str | None:
    """Why an inspection's 检查事项 is not a published, in-force item of its body's catalog (None when it is).
    Shared by JC-03 and the inspection form's instant warning."""
    name, code = (r.get("item_name") or "").strip(), (r.get("item_code") or "").strip()
    if not name and not code:
        return "未填写检查事项"
    by = catalog.get(r.get("body_id") or "", {})
    rows = (by.get(f"code:{_key(code)}") if code else None) or (by.get(f"name:{_key(name)}") if name else None) or []
    shown = name or code
    if not rows:
        return f"检查事项“{shown}”不在本主体的行政检查事项目录中"
    live = [it for it in rows if (it.get("status") or "").strip() in ITEM_IN_FORCE]
    if not live:
        return f"检查事项“{shown}”在目录中已{rows[0].get('status')}"
    published = [date_of(it.get("published_date")) for it in live]
    if any(p is not None and p <= day for p in published):
        return None
    later = sorted(p for p in published if p is not None)
    if later:
        return f"检查事项“{shown}”于{later[0]}才公布，检查日期在公布之前"
    return f"检查事项“{shown}”未登记公布日期（未公布的事项不得检查）"


def jc03(ctx: Context, data: dict, p: dict):
    """检查事项未公布. Red: an on-site inspection of an enterprise dated on or after `start_date` whose 检查事项 is
    empty or is no item of its body's 行政检查事项目录 that is published (公布日期 ≤ 检查日期) and 有效."""
    start = start_date(p.get("start_date"), 20250415)
    catalog = catalog_index(data.get("inspection_items"))
    for r in data.get("inspections", ()):
        day = date_of(r.get("inspect_date"))
        if day is None or day < start or not on_site(r) or not enterprise(r):
            continue
        why = item_problem(r, catalog, day)
        if why:
            yield ctx.finding("JC-03", RED, "inspections", r, _ref(r), why)


def _day_of(value) -> _dt.date | None:
    """The date part of a date or date-time text."""
    return date_of(str(value)[:10]) if value else None


def _late_step(ctx: Context, r: dict, day: _dt.date, done: _dt.date | None, grace: int, what: str, code: str):
    """(severity, message, due) for JC-04/JC-05, or None when the step was on time."""
    if done is not None and done <= day:
        return None
    if emergency(r):
        due = ctx.cal.add_workdays(day, grace)
        if done is not None:
            if done <= due:
                return None
            return RED, f"紧急情形检查，{what}于{done}补办，超过检查后{grace}个工作日（{due}）", due
        if ctx.today <= due:
            return YELLOW, f"紧急情形检查，尚未{what}，应于{due}前补办", due
        return RED, f"紧急情形检查，检查后{grace}个工作日内（{due}前）未补办{what}", due
    if done is None:
        return RED, f"未记录{what}", None
    return RED, f"{what}日期{done}晚于检查日期{day}", None


def jc04(ctx: Context, data: dict, p: dict):
    """未报备（扫码）入企检查. Red: an on-site inspection of an enterprise dated on or after `start_date` with no
    报备时间, or a 报备时间 (its date) later than the 检查日期. 任务来源 紧急情形: the 报备 may follow within
    `grace_workdays` working days (yellow while that grace runs with nothing recorded)."""
    start = start_date(p.get("start_date"), 20250701)
    grace = int(p["grace_workdays"])
    for r in data.get("inspections", ()):
        day = date_of(r.get("inspect_date"))
        if day is None or day < start or not on_site(r) or not enterprise(r):
            continue
        got = _late_step(ctx, r, day, _day_of(r.get("report_time")), grace, "报备（扫码入企）", "JC-04")
        if got:
            yield ctx.finding("JC-04", got[0], "inspections", r, _ref(r), got[1], got[2])


def jc05(ctx: Context, data: dict, p: dict):
    """检查未经负责人审批. Red: an on-site inspection with no 审批日期, or an 审批日期 after the 检查日期. 任务来源
    紧急情形: the approval may follow within `grace_workdays` working days (yellow while that grace runs)."""
    grace = int(p["grace_workdays"])
    for r in data.get("inspections", ()):
        day = date_of(r.get("inspect_date"))
        if day is None or not on_site(r):
            continue
        got = _late_step(ctx, r, day, date_of(r.get("approval_date")), grace, "负责人审批", "JC-05")
        if got:
            yield ctx.finding("JC-05", got[0], "inspections", r, _ref(r), got[1], got[2])


def plan_deadline(year: int, month: int, day: int) -> _dt.date:
    month = min(max(int(month), 1), 12)
    return _dt.date(year, month, min(max(int(day), 1), _monthrange(year, month)[1]))


def jc06_years(ctx: Context, data: dict, years: dict | None = None) -> dict[str, set[int]]:
    """{body id: the years up to this year with an on-site 日常/专项检查 of an enterprise}, merged into `years`."""
    today = ctx.today
    years = {} if years is None else years
    for r in data.get("inspections", ()):
        day = date_of(r.get("inspect_date"))
        if (day is None or day.year > today.year or not on_site(r) or not enterprise(r)
                or (r.get("inspect_type") or "").strip() not in PLANNED_TYPES):
            continue
        years.setdefault(r.get("body_id") or "", set()).add(day.year)
    return years


def jc06(ctx: Context, data: dict, p: dict, years: dict | None = None):
    """年度涉企检查计划未按期公布, on the body. For each year Y up to this year in which the body made at least one
    on-site 日常检查 or 专项检查 of an enterprise: no 涉企检查计划 row of the body for Y whose 公布日期 is on or before
    the deadline (`month`-`day` of Y) — red for a finished year and from the day after the deadline; yellow from
    the first day of the deadline month to the deadline while no plan row for Y is published (公布日期 ≤ today)."""
    today = ctx.today
    years = jc06_years(ctx, data) if years is None else years
    plans: dict[tuple, list] = {}
    for pl in data.get("inspection_plans", ()):
        try:
            y = int(pl.get("plan_year"))
        except (TypeError, ValueError):
            continue
        plans.setdefault((pl.get("body_id") or "", y), []).append(date_of(pl.get("published_date")))
    for body_id, ys in years.items():
        body = ctx.bodies.get(body_id) or {"id": body_id or "", "owner_org": ""}
        name = body.get("name") or "（未填执法主体）"
        for y in sorted(ys):
            deadline = plan_deadline(y, p["month"], p["day"])
            published = sorted(d for d in plans.get((body_id, y), ()) if d is not None)
            if published and published[0] <= min(deadline, today):
                continue
            ref = f"{name} {y}年度"
            rec = {"id": body_id or f"no-body-{y}", "owner_org": body.get("owner_org") or ""}
            if today > deadline:
                what = (f"{y}年度涉企检查计划于{published[0]}公布，晚于{deadline}" if published
                        else f"{y}年度有涉企现场检查，未在{deadline}前公布年度涉企检查计划")
                yield ctx.finding("JC-06", RED, "bodies", rec, ref, what, deadline, body_id=body_id)
            elif today >= deadline.replace(day=1) and not any(d <= today for d in published):
                yield ctx.finding("JC-06", YELLOW, "bodies", rec, ref,
                                  f"{y}年度涉企检查计划尚未公布，应于{deadline}前公布并报司法局备案", deadline,
                                  body_id=body_id)
