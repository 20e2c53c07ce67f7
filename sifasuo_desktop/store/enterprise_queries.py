"""Read queries for 涉企行政检查 (issue 13): the inspection form's catalog, the statistics tables, the dashboard card
and the enterprise view (one enterprise by 统一社会信用代码 → every inspection by every body in a year, with the
frequency cap and the JC rules that hit it). The counting and the rules live in the domain layer."""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.domain import stats_enterprise as se
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.validators import to_halfwidth

INSP_COLS = ("id", "body_id", "inspect_date", "target_name", "target_uscc", "inspect_type", "is_joint", "method",
             "task_source", "report_time", "rating")
ITEM_COLS = ("id", "owner_org", "code", "name", "body_id", "published_date", "status")
# the tables the JC rules (and their shared context: bodies, officers and their certificates) read
VIEW_TABLES = ("inspections", "inspection_items", "inspection_plans", "bodies", "officers", "trainings",
               "cert_events")
JC_CODES = ("JC-01", "JC-02", "JC-03", "JC-04", "JC-05", "JC-06")


def _select(store, table, cols, where="", params=(), org=None):
    from sifasuo_desktop.store.stats_queries import _select as sel

    return sel(store, table, cols, where, params, org)


def catalog_rows(store) -> list[dict]:
    """Every stored 行政检查事项目录 row (the inspection form offers the body's own)."""
    try:
        return _select(store, "inspection_items", ITEM_COLS)
    except Exception:  # an older database without the table
        return []


def period_tables(store, period, bodies: list[dict], org: str | None = None, townships: dict | None = None):
    insp = _select(store, "inspections", INSP_COLS, "inspect_date BETWEEN ? AND ?", (period.start, period.end), org)
    return se.enterprise_tables(period, bodies, insp, townships)


def card(store, today: _dt.date) -> dict:
    insp = _select(store, "inspections", INSP_COLS, "inspect_date BETWEEN ? AND ?",
                   (f"{today.year}-01-01", f"{today.year}-12-31"))
    return se.card_numbers(insp, today.year)


def _norm_code(text: str) -> str:
    return to_halfwidth(text or "").strip().upper()


def enterprise_view(store, code: str, year: int | None = None, today: _dt.date | None = None) -> dict:
    """One enterprise in one year: its inspections by every body (date order), the on-site count per body against
    JC-01's cap, and the JC findings on those inspections and on their bodies (JC-06 for that year).

    `code` is a 统一社会信用代码 (or, when no inspection records one, the exact enterprise name)."""
    from sifasuo_desktop.domain.rules import run_all
    from sifasuo_desktop.store.rules_queries import load_calendar, load_table, load_params

    today = today or _dt.date.today()
    year = int(year or today.year)
    key = _norm_code(code)
    if not key:
        raise UserError("请输入企业的统一社会信用代码（或企业名称）。")
    # only what the JC rules read: no cases, problems or documents (the view answers in about a second at
    # 100,000 cases instead of loading the whole ledger)
    data = {t: load_table(store, t) for t in VIEW_TABLES}
    mine = [r for r in data["inspections"] if _norm_code(r.get("target_uscc")) == key]
    if not mine:
        mine = [r for r in data["inspections"] if (r.get("target_name") or "").strip() == code.strip()
                and not (r.get("target_uscc") or "").strip()]
    if not mine:
        raise UserError(f"没有找到统一社会信用代码（或名称）为“{code.strip()}”的企业的检查记录。")
    params = load_params(store)
    cal = load_calendar(store)
    # JC-01/02/03/04/05 look only at this enterprise's inspections; JC-06 at its bodies' whole year
    sub = dict(data, inspections=mine)
    findings = [f for f in run_all(sub, params, today, cal, codes=JC_CODES[:5])]
    body_ids = {r.get("body_id") for r in mine if str(r.get("inspect_date") or "")[:4] == str(year)}
    # JC-06 looks at a body's whole year: its own inspections and plans, not the county's
    body_data = dict(data, inspections=[r for r in data["inspections"] if r.get("body_id") in body_ids],
                     inspection_plans=[p for p in data["inspection_plans"] if p.get("body_id") in body_ids])
    findings += [f for f in run_all(body_data, params, today, cal, codes=("JC-06",))
                 if f.record_id in body_ids and f.ref.endswith(f"{year}年度")]
    by_record: dict[str, list] = {}
    for f in findings:
        by_record.setdefault(f.record_id, []).append(f)
    bodies = {b["id"]: b for b in data["bodies"]}
    full = {r["id"]: r for r in store.rows("inspections", "id IN (%s)" % ",".join("?" * len(mine)),
                                          tuple(r["id"] for r in mine))}
    rows = []
    for r in sorted(mine, key=lambda x: (str(x.get("inspect_date") or ""), x["id"])):
        if str(r.get("inspect_date") or "")[:4] != str(year):
            continue
        f = full.get(r["id"], r)
        b = bodies.get(r.get("body_id")) or {}
        rows.append({"id": r["id"], "inspect_date": r.get("inspect_date"), "body": b.get("name") or "",
                     "township": b.get("township") or "", "inspect_type": r.get("inspect_type") or "",
                     "method": r.get("method") or "", "is_joint": bool(r.get("is_joint")),
                     "item_name": r.get("item_name") or "", "task_source": r.get("task_source") or "",
                     "approval_date": r.get("approval_date") or "", "report_time": r.get("report_time") or "",
                     "report_no": f.get("report_no") or "", "rating": f.get("rating") or "",
                     "officers": f.get("officer_names") or "",
                     "findings": [{"code": x.code, "severity": x.severity, "message": x.message}
                                  for x in by_record.get(r["id"], [])]})
    cap = int(params["JC-01"]["cap_per_year"])
    counted: dict[str, int] = {}
    for r in mine:
        if (str(r.get("inspect_date") or "")[:4] == str(year) and se.on_site(r) and not r.get("is_joint")
                and r.get("inspect_type") != "个案检查"):
            # JC-01's cap is per body: at the county two townships' copies of one department name are two bodies
            b = bodies.get(r.get("body_id")) or {}
            name = b.get("name") or "（未填执法主体）"
            dup = sum(1 for x in bodies.values() if x.get("name") == name) > 1
            if dup and b.get("township"):
                name = f"{name}（{b['township']}）"
            counted[name] = counted.get(name, 0) + 1
    body_findings = [{"code": f.code, "severity": f.severity, "body": f.body, "message": f.message} for f in findings
                     if f.record_type == "bodies"]
    names = sorted({r.get("target_name") or "" for r in mine} - {""})
    return {"code": key, "name": names[0] if names else "", "other_names": names[1:], "year": year, "cap": cap,
            "rows": rows, "per_body": [{"body": k, "counted": v, "over": v > cap} for k, v in sorted(counted.items())],
            "body_findings": body_findings,
            "codes_hit": sorted({f.code for f in findings})}
