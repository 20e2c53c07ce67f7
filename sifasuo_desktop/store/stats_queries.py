"""Read queries behind the statistics pages, the `sifasuo stats` command and the dashboard.

Lean SELECTs of the needed columns for the needed dates; the counting itself is in domain/stats.py.
"""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.domain import stats as st
from sifasuo_desktop.domain import stats_discretion as sd

CASE_COLS = ("id", "body_id", "case_type", "filed_date", "decision_date", "penalty_kinds", "fine_amount",
             "confiscation_amount", "is_major", "legal_review_date", "published_date", "status",
             # issue 15: outcome and discretion
             "closed_date", "outcome", "discretion_level", "reconsideration_result", "litigation_result", "transfer")
INSP_COLS = ("id", "body_id", "inspect_date", "result")
OFFICER_COLS = ("id", "body_id", "duty_status", "cert_status", "cert_expiry")
TRAINING_COLS = ("officer_id", "training_date", "hours")
PROBLEM_COLS = ("id", "body_id", "problem_no", "description", "deadline", "status", "closed_date", "found_date")
REVIEW_COLS = ("id", "body_id", "review_date", "grade", "score", "batch_id")


def _select(store, table: str, cols, where: str = "", params=(), org: str | None = None) -> list[dict]:
    sql = f"SELECT {', '.join(cols)} FROM {table} WHERE deleted = 0"
    params = list(params)
    if where:
        sql += f" AND ({where})"
    if org:
        sql += " AND owner_org = ?"
        params.append(org)
    cur = store.conn.cursor()
    cur.row_factory = None
    return [dict(zip(cols, r)) for r in cur.execute(sql, params).fetchall()]


def org_choices(store) -> list[tuple[str, str]]:
    """(code, name) of every organisation whose records the data folder holds (a county sees its townships)."""
    seen = {r["code"]: r["name"] or r["code"] for r in store.rows("orgs", order_by="code")}
    for (code,) in store.conn.execute("SELECT DISTINCT owner_org FROM cases WHERE deleted = 0"):
        seen.setdefault(code, code)
    return sorted(seen.items())


# ---------------------------------------------------------------------------- rules engine glue
def _calendar(store):
    from sifasuo_desktop.store.rules_queries import load_calendar

    return load_calendar(store)


def _publish_days(store):
    """case_type -> working days to publish (None: not published case by case), as GS-01/GS-02 read it."""
    from sifasuo_desktop.domain.rules.deadlines import GS01_TYPES, GS_SKIP_TYPES
    from sifasuo_desktop.store.rules_queries import load_params

    gs01_types, skip = set(GS01_TYPES), set(GS_SKIP_TYPES)
    first, other = 7, 20       # the shipped GS-01/GS-02 defaults, when a stored parameter is unusable
    params = load_params(store)
    try:
        first = int(params["GS-01"]["deadline_workdays"])
        other = int(params["GS-02"]["deadline_workdays"])
    except (KeyError, TypeError, ValueError):
        pass

    def days(case_type):
        if not case_type or case_type in skip:
            return None
        return first if case_type in gs01_types else other
    return days


# ---------------------------------------------------------------------------- reports
def summary_table(tables: list[st.StatTable]) -> st.StatTable:
    """The per-body 月汇总/季通报/年度汇总 among a report's tables (key summary_*)."""
    return next(t for t in tables if t.key.startswith("summary_"))


def period_report(store, kind: str, year: int, number: int | None = None, org: str | None = None,
                  as_of: _dt.date | None = None) -> tuple[st.Period, list[st.StatTable]]:
    """The tables of one report: monthly/quarterly → the per-body summary; annual → the 年报 tables 1–5 and the
    per-body summary of the year."""
    period = st.make_period(kind, year, number)
    as_of = as_of or _dt.date.today()
    y0, y1 = f"{period.year}-01-01", period.end
    cases = _select(store, "cases", CASE_COLS,
                    "(decision_date BETWEEN ? AND ?) OR (decision_date IS NULL AND filed_date BETWEEN ? AND ?)"
                    " OR (filed_date BETWEEN ? AND ?) OR (closed_date BETWEEN ? AND ?)",
                    (period.start, period.end, period.start, period.end, period.start, period.end, period.start,
                     period.end), org)
    insp = _select(store, "inspections", INSP_COLS, "inspect_date BETWEEN ? AND ?", (period.start, period.end), org)
    officers = _select(store, "officers", OFFICER_COLS, org=org)
    trainings = _select(store, "trainings", TRAINING_COLS, "training_date BETWEEN ? AND ?", (y0, y1), org)
    problems = _select(store, "problems", PROBLEM_COLS, "deadline <= ?", (period.end,), org)
    reviews = _select(store, "reviews", REVIEW_COLS, "review_date BETWEEN ? AND ?", (period.start, period.end), org)
    bodies = _select(store, "bodies", ("id", "name", "township", "owner_org"), org=org)
    townships = body_townships(store, bodies) if store.meta("role") == "county" else None
    summary = st.period_summary(period, bodies, cases, insp, officers, trainings, problems, reviews,
                                cal=_calendar(store), publish_days=_publish_days(store), as_of=as_of,
                                required_hours=_required_hours(store), townships=townships)
    discretion = sd.discretion_tables(period, bodies, cases, townships)   # 包容审慎, 复议/诉讼/移送, 裁量阶次 (issue 15)
    from sifasuo_desktop.store.enterprise_queries import period_tables

    enterprise = period_tables(store, period, bodies, org, townships)   # 涉企检查 (issue 13)
    if kind == "annual":
        return period, [*st.annual_tables(period.year, cases, insp, officers), sd.annual_extra_table(period.year, cases),
                        summary, *discretion, *enterprise]
    return period, [summary, *discretion, *enterprise]


def township_names(store) -> dict[str, str]:
    """org code → 乡镇 name (the org's name without 司法所) of every organisation the folder knows."""
    from sifasuo_desktop.domain.ledgers import township_label

    return {r["code"]: township_label(r.get("name"), r["code"]) for r in store.rows("orgs")}


def body_townships(store, bodies: list[dict]) -> dict[str, str]:
    """body id → 乡镇: the body's own 所属乡镇, else the township whose records it is in (the county's view:
    示范县城市管理局 working in three townships is three bodies, one per township)."""
    names = township_names(store)
    return {b["id"]: (b.get("township") or "").strip() or names.get(b.get("owner_org") or "", "") for b in bodies}


def _required_hours(store) -> float:
    from sifasuo_desktop.store.rules_queries import load_params

    try:
        return float(load_params(store)["RY-04"]["required_hours"])
    except (KeyError, TypeError, ValueError):
        return st.REQUIRED_HOURS


# ---------------------------------------------------------------------------- dashboard
RECORD_TYPE_LABELS = {"cases": "执法案件", "inspections": "行政检查", "officers": "执法人员", "bodies": "执法主体",
                      "powers": "赋权事项", "problems": "问题整改", "documents": "监督文书", "trainings": "培训"}


def week_items(store, today: _dt.date, check_result=None) -> dict:
    """"What must I do this week": overdue (red) and due-soon (yellow) items by record type.

    Uses the rules engine (check_store) — or `check_result`, a CheckResult already computed for `today` (the
    GUI's warnings engine), so the rules do not run twice.
    Returns {"items": [dict(severity, record_type, record_id, ref, message, due_date, code)], "by_type":
    {type: {"red": n, "yellow": n}}, "by_rule": {code: n}, "notices": [...]}.
    """
    from sifasuo_desktop.store.rules_queries import check_store

    res = check_result if check_result is not None else check_store(store, today=today)
    notices = list(res.notices)
    items = []
    handled = 0
    for f in res.findings:
        if getattr(f, "handled", False):   # issue 12: handled findings leave the to-do list (not the stats)
            handled += 1
            continue
        items.append({"severity": f.severity, "record_type": f.record_type, "record_id": f.record_id, "ref": f.ref,
                      "message": f.message, "due_date": f.due_date, "code": f.code, "title": getattr(f, "title", "")})
    # red first, the most recently broken on top (the oldest ones are usually long-standing); then yellow,
    # the nearest deadline on top
    reds = sorted((i for i in items if i["severity"] == "red"), key=lambda i: (i.get("due_date") or "", i.get("ref") or ""),
                  reverse=True)
    others = sorted((i for i in items if i["severity"] != "red"),
                    key=lambda i: (i.get("due_date") or "9999", i.get("ref") or ""))
    items = reds + others
    by_type: dict[str, dict[str, int]] = {}
    by_rule: dict[str, int] = {}
    for i in items:
        t = by_type.setdefault(i["record_type"], {"red": 0, "yellow": 0})
        t[i["severity"]] = t.get(i["severity"], 0) + 1
        by_rule[i["code"]] = by_rule.get(i["code"], 0) + 1
    return {"items": items, "by_type": by_type, "by_rule": dict(sorted(by_rule.items())), "notices": notices,
            "handled": handled}


def _month_group(store, table: str, date_col: str, year: int, extra: str = "", group_col: str | None = None):
    g = f", {group_col}" if group_col else ""
    sql = (f"SELECT substr({date_col}, 6, 2){g}, count(*) FROM {table} WHERE deleted = 0 AND {date_col} >= ? "
           f"AND {date_col} <= ? {extra} GROUP BY 1{', 2' if group_col else ''}")
    return store.conn.execute(sql, (f"{year}-01-01", f"{year}-12-31")).fetchall()


def monthly_series(store, year: int) -> dict:
    """Counts by month for the dashboard: cases by type (立案), decisions, inspections, problems found,
    and the rectification rate by month."""
    by_type: dict[str, list[int]] = {}
    for m, ctype, n in _month_group(store, "cases", "filed_date", year, group_col="case_type"):
        key = st.CASE_TYPES_SHORT.get(ctype or "其他", ctype or "其他")
        by_type.setdefault(key, [0] * 12)
        if m and m.isdigit() and 1 <= int(m) <= 12:
            by_type[key][int(m) - 1] += n

    def simple(table, col):
        out = [0] * 12
        for m, n in _month_group(store, table, col, year):
            if m and m.isdigit() and 1 <= int(m) <= 12:
                out[int(m) - 1] += n
        return out

    problems = _select(store, "problems", ("deadline", "status", "closed_date"), "deadline <= ?", (f"{year}-12-31",))
    order = [v for v in st.CASE_TYPES_SHORT.values() if v in by_type] + [k for k in by_type
                                                                         if k not in st.CASE_TYPES_SHORT.values()]
    return {"year": year, "cases_by_type": {k: by_type[k] for k in order},
            "cases_filed": [sum(v[i] for v in by_type.values()) for i in range(12)],
            "decisions": simple("cases", "decision_date"), "inspections": simple("inspections", "inspect_date"),
            "problems_found": simple("problems", "found_date"), "problems_closed": simple("problems", "closed_date"),
            "rectification_rate": st.rectification_rate_by_month(problems, year)}
