"""People rules: officers on actions (RY-01/02), certificates (RY-03), training (RY-04), legal review (FZ)."""
from __future__ import annotations

import datetime as dt
import math

from ..calendar import add_days
from .base import RED, YELLOW, Context, date_of

INVALID_CERT = frozenset(("暂扣", "收回", "注销", "吊销", "过期"))
ACTIVE_CERT = frozenset(("有效", "待审验", "遗失补办"))
OFF_DUTY = frozenset(("离岗", "调离", "退休"))
VOID_CASE = frozenset(("已撤销",))


def _ref_inspection(r) -> str:
    return f"{r.get('target_name') or '检查'} {r.get('inspect_date') or ''}".strip()


def _actions(data):
    """(record_type, record, action date, ref) for every case and inspection."""
    for c in data.get("cases", ()):
        if c.get("status") in VOID_CASE:
            continue
        yield "cases", c, c.get("filed_date") or c.get("decision_date"), c.get("case_no")
    for r in data.get("inspections", ()):
        yield "inspections", r, r.get("inspect_date"), _ref_inspection(r)


NEVER = dt.date.max
MISSING = object()


def ry01(ctx: Context, data: dict, p: dict):
    """Every case (any type, 简易程序 included) and inspection with fewer than `min_officers` recorded
    officers (distinct ids or names, whichever list is longer). red."""
    need = int(p["min_officers"])
    for table, rec, _day, ref in _actions(data):
        n = ctx.officer_count(rec)
        if n < need:
            what = "未记录执法人员" if n == 0 else f"仅记录{n}名执法人员"
            yield ctx.finding("RY-01", RED, table, rec, ref, f"{what}，少于{need}人")


def cert_problem(o: dict | None, day: dt.date | None) -> str | None:
    """Why officer `o` held no valid certificate on `day` (None = valid).

    The ledger keeps only the current status: 暂扣/收回/注销/吊销/过期 count as not valid for any action
    (the supervisor checks the date of the change). 待审验 and 遗失补办 still count as holding a certificate.
    发证日期 after the action is not used: the ledger holds only the current certificate, and a renewal
    carries a new issue date although the officer held the previous one.
    """
    if o is None:
        return "未在执法人员台账中登记"
    status = (o.get("cert_status") or "").strip()
    if not o.get("cert_no") and not status:
        return "无执法证件"
    if status in INVALID_CERT:
        return f"执法证{status}"
    if day is not None:
        expiry = date_of(o.get("cert_expiry"))
        if expiry is not None and expiry < day:
            return f"执法证已于{expiry}到期"
    return None


def ry02(ctx: Context, data: dict, p: dict):
    """Any officer on a case/inspection without a valid certificate on the action date (立案日期 for cases,
    decision date if no 立案日期; 检查日期 for inspections). An officer matched by name counts as certified
    if any same-named officer (same body preferred) was. One red finding per record, naming everyone."""
    # per officer: (reason that does not depend on the day, expiry date)
    static: dict[int, tuple] = {}

    def facts(o):
        k = id(o)
        if k not in static:
            static[k] = (cert_problem(o, None), date_of(o.get("cert_expiry")))
        return static[k]

    # per officer list: the latest action day on which it still fires nobody (None: fires on any day, or with no
    # day; NEVER: never fires): most records are passed over with one look-up
    first_bad = ctx.memo.setdefault("RY-02", {})

    def threshold(people):
        low = NEVER
        for _name, cands in people:
            valid = [facts(o)[1] for o in cands if facts(o)[0] is None]
            if not valid:
                return None
            if None in valid:
                continue
            low = min(low, max(valid))
        return low

    for table, rec, day_text, ref in _actions(data):
        people = ctx.resolve_officers(rec)
        if not people:
            continue
        day = date_of(day_text)
        key = id(people)
        limit = first_bad.get(key, MISSING)
        if limit is MISSING:
            limit = first_bad[key] = threshold(people)
        if limit is not None and (day is None or day <= limit):
            continue
        bad = []
        for name, cands in people:
            reason = "未在执法人员台账中登记"
            for o in cands:
                why, expiry = facts(o)
                if why is None and expiry is not None and day is not None and expiry < day:
                    why = f"执法证已于{expiry}到期"
                if why is None:
                    reason = None
                    break
                reason = why
            if reason:
                bad.append(f"{name}（{reason}）")
        if bad:
            yield ctx.finding("RY-02", RED, table, rec, ref, f"{day_text or ''}执法时无有效执法证件：" + "、".join(bad))


def ry03(ctx: Context, data: dict, p: dict):
    """Officers whose status says 有效: 有效期至 before today → red (the certificate lapsed but the ledger
    still says 有效); 有效期至 within the next `warn_days` days (today included) → yellow. Officers who left
    (调离/退休) are skipped."""
    warn = int(p["warn_days"])
    today = ctx.today
    limit = add_days(today, warn)
    for o in data.get("officers", ()):
        if (o.get("cert_status") or "") != "有效" or o.get("duty_status") in ("调离", "退休"):
            continue
        expiry = date_of(o.get("cert_expiry"))
        if expiry is None:
            continue
        ref = o.get("name") or ""
        if expiry < today:
            yield ctx.finding("RY-03", RED, "officers", o, ref,
                              f"执法证（{o.get('cert_no') or '无证号'}）已于{expiry}到期，状态仍为有效", expiry)
        elif expiry <= limit:
            yield ctx.finding("RY-03", YELLOW, "officers", o, ref,
                              f"执法证（{o.get('cert_no') or '无证号'}）将于{expiry}到期，还剩{(expiry - today).days}日",
                              expiry)


def is_active_enforcer(o: dict) -> bool:
    """On duty (在岗 or not filled in) and holding a certificate that is not revoked/expired by status."""
    return o.get("duty_status") not in OFF_DUTY and (o.get("cert_status") or "") in ACTIVE_CERT


def ry04(ctx: Context, data: dict, p: dict):
    """Training hours per active enforcement officer per calendar year.

    Current year: from `from_month`-01 on, fewer than `required_hours` → yellow (due 12-31). The previous
    (finished) year: fewer → red. An officer whose certificate was issued after that year, or expired
    before it started, is not counted for it. Trainings match by officer id, then 身份证号, then name.
    """
    need = float(p["required_hours"])
    from_month = int(p["from_month"])
    today = ctx.today
    years = [(today.year - 1, RED)]
    if today >= dt.date(today.year, min(max(from_month, 1), 12), 1):
        years.append((today.year, YELLOW))
    hours: dict[tuple, float] = {}
    for t in data.get("trainings", ()):
        d = date_of(t.get("training_date"))
        if d is None:
            continue
        h = float(t.get("hours") or 0)
        for key in (("id", t.get("officer_id")), ("idno", t.get("id_number")), ("name", t.get("officer_name"))):
            if key[1]:
                hours[(key, d.year)] = hours.get((key, d.year), 0.0) + h
    for o in data.get("officers", ()):
        if not is_active_enforcer(o):
            continue
        issued, expiry = date_of(o.get("cert_issued")), date_of(o.get("cert_expiry"))
        for year, sev in years:
            if issued is not None and issued.year > year:
                continue
            if expiry is not None and expiry < dt.date(year, 1, 1):
                continue
            got = 0.0
            for key in (("id", o.get("id")), ("idno", o.get("id_number")), ("name", o.get("name"))):
                if key[1] and (key, year) in hours:
                    got = hours[(key, year)]
                    break
            if got < need:
                msg = (f"{year}年培训{got:g}学时，不足{need:g}学时" if sev == RED
                       else f"{year}年已培训{got:g}学时，年底前还需{need - got:g}学时")
                yield ctx.finding("RY-04", sev, "officers", o, o.get("name") or "", msg, dt.date(year, 12, 31))


def fz01(ctx: Context, data: dict, p: dict):
    """A case marked 重大 with a 决定日期: no 法制审核日期 → red; 法制审核日期 later than 决定日期 → red
    (审核 on the decision day itself is accepted)."""
    for c in data.get("cases", ()):
        if not c.get("is_major") or c.get("status") in VOID_CASE:
            continue
        decided = date_of(c.get("decision_date"))
        if decided is None:
            continue
        reviewed = date_of(c.get("legal_review_date"))
        if reviewed is None:
            yield ctx.finding("FZ-01", RED, "cases", c, c.get("case_no"),
                              f"重大执法决定（{decided}作出）未经法制审核")
        elif reviewed > decided:
            yield ctx.finding("FZ-01", RED, "cases", c, c.get("case_no"),
                              f"法制审核日期{reviewed}晚于决定日期{decided}")


def fz02(ctx: Context, data: dict, p: dict):
    """The 法制审核人 (by name) is one of the case officers. red."""
    for c in data.get("cases", ()):
        reviewer = (c.get("legal_reviewer") or "").strip()
        if not reviewer:
            continue
        names = set(ctx.officer_names(c))
        for oid in ctx.officer_ids(c):
            o = ctx.officers.get(oid)
            if o and o.get("name"):
                names.add(o["name"])
        if reviewer in names:
            yield ctx.finding("FZ-02", RED, "cases", c, c.get("case_no"),
                              f"法制审核人{reviewer}同时是本案承办人")


def fz03(ctx: Context, data: dict, p: dict):
    """Per enforcement body (not 撤销): legal reviewers (是否法制审核人员, on duty) fewer than
    max(minimum, ceil(ratio% × active enforcement officers)). Bodies without active officers are skipped. red."""
    ratio, minimum = float(p["ratio_percent"]), int(p["minimum"])
    active: dict[str, int] = {}
    reviewers: dict[str, int] = {}
    for o in data.get("officers", ()):
        b = o.get("body_id")
        if not b:
            continue
        if is_active_enforcer(o):
            active[b] = active.get(b, 0) + 1
        if o.get("is_legal_reviewer") and o.get("duty_status") not in OFF_DUTY:
            reviewers[b] = reviewers.get(b, 0) + 1
    for body_id, n in active.items():
        body = ctx.bodies.get(body_id)
        if body is None or body.get("status") == "撤销":
            continue
        need = max(minimum, math.ceil(round(n * ratio / 100, 9)))
        have = reviewers.get(body_id, 0)
        if have < need:
            yield ctx.finding("FZ-03", RED, "bodies", body, body.get("name") or "",
                              f"在岗持证执法人员{n}人，法制审核人员{have}人，应不少于{need}人", body_id=body_id)
