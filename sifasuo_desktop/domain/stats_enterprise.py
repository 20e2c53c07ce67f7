"""Statistics for 涉企行政检查 (issue 13; reference.md §7): per body (and 乡镇 in the county's view) for a month,
quarter or year — on-site inspections, 报备率 (扫码率), 计划内占比, enterprises inspected, 企业评价 不满意率 — and the
10 most-inspected enterprises. Plain functions over inspection dicts, like domain/stats.py (whose StatTable,
Period and rate formatting they share).

Counting rules:
- an inspection belongs to the period by its 检查日期; "on-site" = 检查方式 现场检查 or empty (the rules' reading);
- 报备率 = on-site inspections of enterprises (a 统一社会信用代码 recorded, JC-04's scope) with a 报备时间 on or before
  the 检查日期 (for 紧急情形: any recorded 报备) / on-site inspections of enterprises;
- 计划内占比 = on-site inspections whose 任务来源 is 年度计划 / on-site inspections;
- 不满意率 = inspections rated 不满意 / inspections with a 企业评价 (every 检查方式: the enterprise rates them all);
- an enterprise is its 统一社会信用代码 (its name when no code is recorded); the top-10 list counts on-site inspections
  by every body, most first (ties: by code).
"""
from __future__ import annotations

from .ledgers import EMERGENCY_SOURCE, ON_SITE
from .stats import Period, StatTable, _rate, fmt_rate

TOP_N = 10
PLANNED_SOURCE = "年度计划"
BODY_COLUMNS = ["执法主体", "现场检查(次)", "涉企现场检查(次)", "已按时报备(次)", "报备率", "计划内(次)", "计划内占比",
                "检查企业(家)", "企业评价(次)", "不满意(次)", "不满意率"]
TOP_COLUMNS = ["排名", "企业名称", "统一社会信用代码", "现场检查(次)", "检查主体(个)", "检查主体", "不满意(次)"]


def on_site(r: dict) -> bool:
    return (r.get("method") or "").strip() in ("", ON_SITE)


def enterprise_key(r: dict) -> str:
    return (r.get("target_uscc") or "").strip().upper() or (r.get("target_name") or "").strip()


def reported_in_time(r: dict) -> bool:
    rt = str(r.get("report_time") or "")[:10]
    if not rt:
        return False
    return (r.get("task_source") or "").strip() == EMERGENCY_SOURCE or rt <= str(r.get("inspect_date") or "")[:10]


def _new() -> dict:
    return {"on_site": 0, "ent": 0, "reported": 0, "planned": 0, "rated": 0, "unsatisfied": 0, "targets": set()}


def _count(s: dict, r: dict) -> None:
    rating = (r.get("rating") or "").strip()
    if rating:
        s["rated"] += 1
        s["unsatisfied"] += rating == "不满意"
    if not on_site(r):
        return
    s["on_site"] += 1
    s["planned"] += (r.get("task_source") or "").strip() == PLANNED_SOURCE
    key = enterprise_key(r)
    if key:
        s["targets"].add(key)
    if (r.get("target_uscc") or "").strip():
        s["ent"] += 1
        s["reported"] += reported_in_time(r)


def _row(label: str, s: dict) -> list:
    return [label, s["on_site"], s["ent"], s["reported"], fmt_rate(_rate(s["reported"], s["ent"])), s["planned"],
            fmt_rate(_rate(s["planned"], s["on_site"])), len(s["targets"]), s["rated"], s["unsatisfied"],
            fmt_rate(_rate(s["unsatisfied"], s["rated"]))]


def enterprise_tables(period: Period, bodies: list[dict], inspections: list[dict],
                      townships: dict | None = None) -> list[StatTable]:
    """The 涉企检查 per-body table (with 乡镇 in the county's view, plus a per-乡镇 table) and the top-10 list."""
    names = {b["id"]: b.get("name") or "" for b in bodies}
    rows_in = [r for r in inspections if period.contains(r.get("inspect_date"))]
    per: dict[str, dict] = {}
    total = _new()
    by_town: dict[str, dict] = {}
    for r in rows_in:
        bid = r.get("body_id") or ""
        _count(per.setdefault(bid, _new()), r)
        _count(total, r)
        if townships is not None:
            _count(by_town.setdefault(townships.get(bid) or "（未填乡镇）", _new()), r)
    cols = list(BODY_COLUMNS)
    if townships is not None:
        cols.insert(1, "乡镇")
    out_rows = []
    for bid in sorted(per, key=lambda k: (-(per[k]["on_site"]), names.get(k) or "")):
        row = _row(names.get(bid) or "（未填执法主体）", per[bid])
        if townships is not None:
            row.insert(1, townships.get(bid) or "")
        out_rows.append(row)
    tot = _row("合计", total)
    if townships is not None:
        tot.insert(1, "")
    out_rows.append(tot)
    a = StatTable(f"{period.label}涉企行政检查情况", cols, out_rows, key="jc_bodies",
                  raw={"total": {k: (len(v) if isinstance(v, set) else v) for k, v in total.items()}})
    a.notes.append("按检查日期计入统计期间；现场检查含检查方式未填的记录。报备率=按时报备（扫码入企，报备时间不晚于检查日期；"
                   "紧急情形已补报备）的涉企现场检查/涉企现场检查（已登记统一社会信用代码）；计划内占比=任务来源为年度计划的现场检查"
                   "/现场检查；不满意率=企业评价为不满意的检查/有企业评价的检查。")
    tables = [a]
    if townships is not None:
        t_rows = [_row(t, s) for t, s in sorted(by_town.items())] + [_row("合计", total)]
        tables.append(StatTable(f"{period.label}涉企行政检查情况（按乡镇）", ["乡镇", *BODY_COLUMNS[1:]], t_rows,
                                key="jc_townships"))
    tables.append(top_enterprises(period, bodies, rows_in))
    return tables


def top_enterprises(period: Period, bodies: list[dict], inspections: list[dict], n: int = TOP_N) -> StatTable:
    names = {b["id"]: b.get("name") or "" for b in bodies}
    per: dict[str, dict] = {}
    for r in inspections:
        if not period.contains(r.get("inspect_date")) or not on_site(r):
            continue
        key = enterprise_key(r)
        if not key:
            continue
        e = per.setdefault(key, {"name": r.get("target_name") or "", "uscc": (r.get("target_uscc") or "").upper(),
                                 "n": 0, "bodies": set(), "unsatisfied": 0})
        e["n"] += 1
        e["bodies"].add(names.get(r.get("body_id")) or "（未填执法主体）")
        e["unsatisfied"] += (r.get("rating") or "").strip() == "不满意"
    ranked = sorted(per.items(), key=lambda kv: (-kv[1]["n"], kv[0]))[:n]
    rows = [[i, e["name"], e["uscc"], e["n"], len(e["bodies"]), "、".join(sorted(e["bodies"])), e["unsatisfied"]]
            for i, (_k, e) in enumerate(ranked, 1)]
    t = StatTable(f"{period.label}被检查次数最多的企业（前{n}名）", list(TOP_COLUMNS), rows, key="jc_top")
    t.notes.append("按现场检查次数排序（各执法主体合计，含个案检查和联合检查）；同一企业按统一社会信用代码归并，未登记代码的按名称。")
    return t


def card_numbers(inspections: list[dict], year: int) -> dict:
    """The dashboard card: this year's on-site inspections, 报备率, 计划内占比, 不满意率 (same rules as the tables)."""
    from .stats import make_period

    s = _new()
    p = make_period("annual", year)
    for r in inspections:
        if p.contains(r.get("inspect_date")):
            _count(s, r)
    return {"year": year, "on_site": s["on_site"], "report_rate": _rate(s["reported"], s["ent"]),
            "planned_rate": _rate(s["planned"], s["on_site"]), "unsatisfied_rate": _rate(s["unsatisfied"], s["rated"]),
            "enterprises": len(s["targets"])}
