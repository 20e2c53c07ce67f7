"""Inspections of enterprises (涉企检查): frequency cap (JC-01) and repeated inspections (JC-02)."""
from __future__ import annotations

from .base import RED, Context, date_of

EXEMPT_TYPE = "个案检查"


def _counted(data):
    """Inspections that count: on-site, not 个案检查, not 联合检查, with a date and an enterprise key
    (统一社会信用代码, or the name when the code is missing)."""
    for r in data.get("inspections", ()):
        if r.get("inspect_type") == EXEMPT_TYPE or r.get("is_joint"):
            continue
        day = date_of(r.get("inspect_date"))
        key = (r.get("target_uscc") or "").strip().upper() or (r.get("target_name") or "").strip()
        if day is None or not key:
            continue
        yield key, day, r


def _ref(r) -> str:
    return f"{r.get('target_name') or r.get('target_uscc') or ''} {r.get('inspect_date') or ''}".strip()


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
