"""Certificate lifecycle rules added for the 2025–2026 priorities (rules.md): RY-05 … RY-10.

Trainings match an officer by officer id, then 身份证号, then name (as RY-04). Certificate events are
`data["cert_events"]`; an officer's 年审年度/年审结果/离岗日期 columns count where the history lacks them.
"""
from __future__ import annotations

import datetime as dt
from calendar import monthrange

from .. import certificates as C
from ..calendar import add_days, add_months, add_years
from .base import RED, YELLOW, Context, date_of
from .personnel import INVALID_CERT, NEVER, OFF_DUTY, _actions, is_active_enforcer

PUBLIC_LAW = "公共法律知识"
BUSINESS = ("业务知识", "执法技能")
LEAVE_TRAINING = "离岗培训"
ON_STAFF = frozenset(("行政", "参公", "事业"))


class _Trainings:
    """Training rows indexed once per run: key -> [(date, category, hours)]."""

    def __init__(self, data):
        self.by_key: dict[tuple, list] = {}
        for t in data.get("trainings", ()):
            d = date_of(t.get("training_date"))
            if d is None:
                continue
            try:
                h = float(t.get("hours") or 0)
            except (TypeError, ValueError):
                continue
            item = (d, (t.get("category") or "").strip(), h)
            for key in (("id", t.get("officer_id")), ("idno", t.get("id_number")), ("name", t.get("officer_name"))):
                if key[1]:
                    self.by_key.setdefault(key, []).append(item)

    def of(self, o: dict) -> list:
        for key in (("id", o.get("id")), ("idno", o.get("id_number")), ("name", o.get("name"))):
            if key[1] and key in self.by_key:
                return self.by_key[key]
        return []

    def hours(self, o: dict, categories, start: dt.date, end: dt.date) -> float:
        cats = (categories,) if isinstance(categories, str) else tuple(categories)
        return sum(h for d, c, h in self.of(o) if c in cats and start <= d <= end)


def _trainings(ctx: Context, data) -> _Trainings:
    t = getattr(ctx, "_lifecycle_trainings", None)
    if t is None:
        t = ctx._lifecycle_trainings = _Trainings(data)
    return t


def _events(ctx: Context, data) -> dict[str, list[dict]]:
    ev = getattr(ctx, "_lifecycle_events", None)
    if ev is None:
        ev = {}
        for e in data.get("cert_events", ()):
            if e.get("officer_id") and not e.get("deleted"):
                ev.setdefault(e["officer_id"], []).append(e)
        ctx._lifecycle_events = ev
    return ev


def ry05(ctx: Context, data: dict, p: dict):
    """New certificate holders' 公共法律知识 hours.

    An officer whose 发证日期 D lies within the last 2 years (D ≤ today ≤ D + 2 years, the anniversary
    included) needs `required_hours` of 培训类别 公共法律知识 dated from D − 12 months to D + 3 months
    (both ends included). Reading: the shortfall is red once that window has closed (today > D + 3 months);
    while it is still open the officer can still catch up, so it is yellow with the window's end as due
    date. Officers whose certificate is no longer held (暂扣/收回/注销/吊销) or who left are skipped.
    """
    need = float(p["required_hours"])
    if need <= 0:
        return
    today = ctx.today
    tr = _trainings(ctx, data)
    for o in data.get("officers", ()):
        issued = date_of(o.get("cert_issued"))
        if issued is None or issued > today or today > add_years(issued, 2):
            continue
        if (o.get("cert_status") or "") in INVALID_CERT:
            continue
        if o.get("duty_status") in ("调离", "退休"):
            continue
        start, end = add_months(issued, -12), add_months(issued, 3)
        got = tr.hours(o, PUBLIC_LAW, start, end)
        if got >= need:
            continue
        sev = RED if today > end else YELLOW
        msg = (f"{issued}领证，{start}至{end}公共法律知识培训{got:g}学时，不足{need:g}学时" if sev == RED else
               f"{issued}领证，公共法律知识培训已{got:g}学时，{end}前还需{need - got:g}学时")
        yield ctx.finding("RY-05", sev, "officers", o, o.get("name") or "", msg, end)


def ry06(ctx: Context, data: dict, p: dict):
    """Officers who left (在岗状态 离岗/调离/退休 with a 离岗日期 L) named on a case whose 立案日期 (the
    决定日期 when no 立案日期 is recorded, as RY-02) is on or after L, or an inspection whose 检查日期 is on
    or after L. One red finding per case/inspection naming the officers. A name matching several officers
    fires only when every candidate has left by that day."""
    # per officer list: the first day on which someone on it had left (NEVER: nobody on it has left)
    first_day = ctx.memo.setdefault("RY-06", {})

    def threshold(people):
        low = NEVER
        for _name, cands in people:
            lefts = [date_of(o.get("left_date")) if o.get("duty_status") in OFF_DUTY else None for o in cands]
            if cands and None not in lefts:
                low = min(low, max(lefts))
        return low

    for table, rec, day_text, ref in _actions(data):
        day = date_of(day_text)
        if day is None:
            continue
        people = ctx.resolve_officers(rec)
        key = id(people)
        since = first_day.get(key)
        if since is None:
            since = first_day[key] = threshold(people)
        if day < since:
            continue
        bad = []
        for name, cands in people:
            if not cands:
                continue
            lefts = []
            for o in cands:
                left = date_of(o.get("left_date"))
                if o.get("duty_status") in OFF_DUTY and left is not None and day >= left:
                    lefts.append((o, left))
                else:
                    lefts = []
                    break
            if lefts:
                o, left = lefts[0]
                bad.append(f"{name}（{o.get('duty_status')}，离岗日期{left}）")
        if bad:
            yield ctx.finding("RY-06", RED, table, rec, ref, f"{day}执法人员已离岗：" + "、".join(bad))


def ry07(ctx: Context, data: dict, p: dict):
    """Officers back 在岗 (在岗状态 在岗 or empty) after a 离岗 period: for the latest 返岗 event (date R)
    and the 离岗 L it ends (the 离岗 event, else the officer's 离岗日期 when on or before R), red when the
    培训类别 离岗培训 hours dated from L to R (both included) are fewer than `required_hours`, or when the
    返岗 event records no 返岗考核 result 合格. Without any L the hours count from 12 months before R."""
    need = float(p["required_hours"])
    tr = _trainings(ctx, data)
    events = _events(ctx, data)
    for o in data.get("officers", ()):
        if o.get("duty_status") in OFF_DUTY:
            continue
        evs = events.get(o["id"])
        if not evs:
            continue
        periods = [x for x in C.leave_periods(o, evs) if x[1] is not None]
        if not periods:
            continue
        left, back, ev = periods[-1]
        start = left or add_months(back, -12)
        got = tr.hours(o, LEAVE_TRAINING, start, back)
        problems = []
        if got < need:
            problems.append(f"离岗培训{got:g}学时，不足{need:g}学时")
        if (ev or {}).get("result") != "合格":
            res = (ev or {}).get("result")
            problems.append(f"返岗考核结果为{res}" if res else "未记录返岗考核合格")
        if problems:
            span = f"{left}离岗，{back}返岗" if left else f"{back}返岗（未记录离岗日期）"
            yield ctx.finding("RY-07", RED, "officers", o, o.get("name") or "", f"{span}：" + "；".join(problems), back)


def ry08(ctx: Context, data: dict, p: dict):
    """Officers whose 编制类型 is filled in and is not 行政/参公/事业 (其他, 合同工, 临时工, 劳务派遣, 辅助人员…)
    while the certificate status is 有效. red. An empty 编制类型 is "not recorded" and not reported."""
    for o in data.get("officers", ()):
        staffing = (o.get("staffing") or "").strip()
        if not staffing or staffing in ON_STAFF or (o.get("cert_status") or "") != "有效":
            continue
        yield ctx.finding("RY-08", RED, "officers", o, o.get("name") or "",
                          f"编制类型为{staffing}，不得持有执法证（{o.get('cert_no') or '无证号'}，状态有效）")


def _deadline(year: int, month: int, day: int) -> dt.date:
    month = min(max(month, 1), 12)
    return dt.date(year, month, min(max(day, 1), monthrange(year, month)[1]))


def ry09(ctx: Context, data: dict, p: dict):
    """Annual review (年度审验) of 有效 certificates issued on or before 12-31 of last year (an empty
    发证日期 counts as issued earlier). Deadline D = `month`-`day` of this year (a day past the month's end
    means its last day). No 年审 for last year with result 合格 recorded: red when today > D; yellow from
    D − `warn_days` to D (both included). Independently, red when the latest 年审 result is 不合格 while
    the status still says 有效 (one finding per officer, the 不合格 reason first)."""
    today = ctx.today
    last = today.year - 1
    deadline = _deadline(today.year, int(p["month"]), int(p["day"]))
    try:
        warn_from = add_days(deadline, -int(p["warn_days"]))
    except (OverflowError, ValueError):  # an absurd setting: warn all year
        warn_from = dt.date.min
    events = _events(ctx, data)
    for o in data.get("officers", ()):
        if (o.get("cert_status") or "") != "有效":
            continue
        evs = events.get(o.get("id"), ())
        ref = o.get("name") or ""
        latest = C.latest_review(o, evs)
        if latest is not None and latest[1] == "不合格":
            yield ctx.finding("RY-09", RED, "officers", o, ref,
                              f"{latest[0]}年度审验不合格，证件状态仍为有效")
            continue
        issued = date_of(o.get("cert_issued"))
        if issued is not None and issued > dt.date(last, 12, 31):
            continue
        if C.passed_review(o, evs, last):
            continue
        if today > deadline:
            yield ctx.finding("RY-09", RED, "officers", o, ref,
                              f"未记录{last}年度审验合格，年审截止日{deadline}已过", deadline)
        elif today >= warn_from:
            yield ctx.finding("RY-09", YELLOW, "officers", o, ref,
                              f"未记录{last}年度审验合格，{deadline}截止，还剩{(deadline - today).days}日", deadline)


def ry10(ctx: Context, data: dict, p: dict):
    """Training hours per category and calendar year, like RY-04: active enforcement officers; the finished
    previous year red, the current year yellow from 10-01 (due 12-31); an officer whose certificate was
    issued after that year or expired before it began is not counted for it. 公共法律知识 below
    `public_law_hours`, or 业务知识 + 执法技能 together below `business_hours`; a 0 switches that part off.
    One finding per officer and year naming each shortfall."""
    need_pub, need_bus = float(p["public_law_hours"]), float(p["business_hours"])
    if need_pub <= 0 and need_bus <= 0:
        return
    today = ctx.today
    years = [(today.year - 1, RED)]
    if today >= dt.date(today.year, 10, 1):
        years.append((today.year, YELLOW))
    tr = _trainings(ctx, data)
    for o in data.get("officers", ()):
        if not is_active_enforcer(o):
            continue
        issued, expiry = date_of(o.get("cert_issued")), date_of(o.get("cert_expiry"))
        for year, sev in years:
            if issued is not None and issued.year > year:
                continue
            if expiry is not None and expiry < dt.date(year, 1, 1):
                continue
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            short = []
            if need_pub > 0:
                got = tr.hours(o, PUBLIC_LAW, start, end)
                if got < need_pub:
                    short.append(f"公共法律知识{got:g}学时（应{need_pub:g}）")
            if need_bus > 0:
                got = tr.hours(o, BUSINESS, start, end)
                if got < need_bus:
                    short.append(f"业务知识和执法技能{got:g}学时（应{need_bus:g}）")
            if short:
                lead = f"{year}年" if sev == RED else f"{year}年截至目前"
                yield ctx.finding("RY-10", sev, "officers", o, o.get("name") or "",
                                  lead + "培训不足：" + "；".join(short), end)
