"""Statistics for 包容审慎 and discretion (issue 15): 不予处罚/首违不罚/从轻/减轻 counts and shares per body,
行政复议纠错率 and 行政诉讼败诉率, 移送 counts, cases by 裁量阶次, and the 年报 supplement table (reference.md §9:
立案数量, 结案数量, 不予处罚/减轻处罚 案件数, 被行政复议数/复议纠错数, 被行政诉讼数/败诉数, 移送司法机关数).

Plain functions over case dicts, like domain/stats.py (whose StatTable, Period and rate formatting they share).

Counting rules:
- a case belongs to the period by its 决定日期 (a case without one: its 立案日期), as in the 月汇总;
- 处罚类案件 = cases of type 行政处罚 (简易/一般程序) plus any case whose 处理结果 is a penalty outcome
  (给予/不予/首违不罚/从轻/减轻); the shares are of that number;
- 首违不罚 is a kind of 不予处罚: the 年报 counts it under 不予处罚 and shows it again as 其中首违不罚; the per-body
  table shows the two apart;
- 复议纠错 = 复议结果 撤销/变更/确认违法/责令履行; 复议纠错率 = 纠错数 / 复议审结数 (cases with a 复议结果);
  诉讼败诉 = 诉讼结果 撤销/变更/确认违法/责令履行; 败诉率 = 败诉数 / 诉讼审结数 (cases with a 诉讼结果). The ledger
  keeps no date of the 复议/诉讼 decision, so these follow the period of the case's own decision;
- 移送: by 移送情况; a case whose 处理结果 is 移送 with no 移送情况 counts as 移送(未注明去向).
"""
from __future__ import annotations

from .ledgers import DISCRETION_LEVELS, TRANSFER_KINDS
from .stats import PENALTY_TYPES, Period, StatTable, _rate, fmt_rate

LENIENT = ("不予处罚", "首违不罚", "从轻处罚", "减轻处罚")
PENALTY_OUTCOMES = ("给予处罚",) + LENIENT
CORRECTED = ("撤销", "变更", "确认违法", "责令履行")
LOST = ("撤销", "变更", "确认违法", "责令履行")
UNSTATED_TRANSFER = "移送(未注明去向)"


def in_period(period: Period, c: dict) -> bool:
    return period.contains(c.get("decision_date") or c.get("filed_date"))


def penalty_class(c: dict) -> bool:
    return c.get("case_type") in PENALTY_TYPES or (c.get("outcome") or "") in PENALTY_OUTCOMES


def _new() -> dict:
    return {"pen": 0, **{k: 0 for k in LENIENT}, "recon": 0, "corrected": 0, "lit": 0, "lost": 0,
            **{k: 0 for k in TRANSFER_KINDS}, UNSTATED_TRANSFER: 0,
            **{f"lv:{k}": 0 for k in DISCRETION_LEVELS}, "lv:": 0}


def _count(s: dict, c: dict) -> None:
    outcome = (c.get("outcome") or "").strip()
    if penalty_class(c):
        s["pen"] += 1
        if outcome in LENIENT:
            s[outcome] += 1
        level = (c.get("discretion_level") or "").strip()
        s[f"lv:{level}" if level in DISCRETION_LEVELS else "lv:"] += 1
    rr = (c.get("reconsideration_result") or "").strip()
    if rr:
        s["recon"] += 1
        s["corrected"] += rr in CORRECTED
    lr = (c.get("litigation_result") or "").strip()
    if lr:
        s["lit"] += 1
        s["lost"] += lr in LOST
    tr = (c.get("transfer") or "").strip()
    if tr in TRANSFER_KINDS:
        s[tr] += 1
    elif outcome == "移送" or tr:
        s[UNSTATED_TRANSFER] += 1


def _per_body(period: Period, bodies: list[dict], cases: list[dict]):
    """[(body id or "合计", label, counts)]: one row per body, then 合计."""
    names = {b["id"]: b.get("name") or "" for b in bodies}
    stats: dict[str, dict] = {b["id"]: _new() for b in bodies}
    for c in cases:
        if in_period(period, c):
            _count(stats.setdefault(c.get("body_id") or "", _new()), c)
    total = _new()
    rows = []
    for k, s in stats.items():
        if k not in names and not any(s.values()):
            continue
        rows.append((k, names.get(k) or "（未填执法主体）", s))
        for key, val in s.items():
            total[key] += val
    rows.append((None, "合计", total))
    return rows


OUTCOME_COLUMNS = ["执法主体", "处罚类案件(件)", "不予处罚(件)", "不予处罚占比", "首违不罚(件)", "首违不罚占比",
                   "从轻处罚(件)", "从轻处罚占比", "减轻处罚(件)", "减轻处罚占比", "包容审慎合计(件)", "包容审慎占比"]
REVIEW_COLUMNS = ["执法主体", "被行政复议(件)", "复议纠错(件)", "复议纠错率", "被行政诉讼(件)", "诉讼败诉(件)", "败诉率",
                  *[f"{k}(件)" for k in TRANSFER_KINDS], f"{UNSTATED_TRANSFER}(件)", "移送合计(件)"]
LEVEL_COLUMNS = ["执法主体", "处罚类案件(件)", *[f"{k}(件)" for k in DISCRETION_LEVELS], "未记录阶次(件)"]


def discretion_tables(period: Period, bodies: list[dict], cases: list[dict],
                      townships: dict | None = None) -> list[StatTable]:
    """Three per-body tables (one row per body plus 合计) for the period. With `townships` ({body id: 乡镇}, the
    county's view) a 乡镇 column follows 执法主体, as in the 月汇总."""
    per = _per_body(period, bodies, cases)
    t_out, t_rev, t_lv = [], [], []
    for _bid, label, s in per:
        lenient = sum(s[k] for k in LENIENT)
        row = [label, s["pen"]]
        for k in LENIENT:
            row += [s[k], fmt_rate(_rate(s[k], s["pen"]))]
        t_out.append(row + [lenient, fmt_rate(_rate(lenient, s["pen"]))])
        moved = [s[k] for k in TRANSFER_KINDS] + [s[UNSTATED_TRANSFER]]
        t_rev.append([label, s["recon"], s["corrected"], fmt_rate(_rate(s["corrected"], s["recon"])), s["lit"],
                      s["lost"], fmt_rate(_rate(s["lost"], s["lit"])), *moved, sum(moved)])
        t_lv.append([label, s["pen"], *[s[f"lv:{k}"] for k in DISCRETION_LEVELS], s["lv:"]])
    when = "案件按决定日期（未决定的按立案日期）计入统计期间。"
    a = StatTable(f"{period.label}包容审慎适用情况（不予处罚、首违不罚、从轻、减轻处罚）", list(OUTCOME_COLUMNS), t_out,
                  key="cf_outcomes")
    a.notes.append(when + "处罚类案件为行政处罚（简易/一般程序）案件及处理结果为给予、不予、首违不罚、从轻、减轻处罚的案件；"
                   "占比为占处罚类案件的比例；首违不罚单列，不计入不予处罚。")
    b = StatTable(f"{period.label}行政复议、行政诉讼与移送情况", list(REVIEW_COLUMNS), t_rev, key="cf_review")
    b.notes.append(when + "复议纠错为复议结果撤销、变更、确认违法、责令履行，复议纠错率=纠错数/有复议结果的案件数；"
                   "诉讼败诉为诉讼结果撤销、变更、确认违法、责令履行，败诉率=败诉数/有诉讼结果的案件数。"
                   "台账未记录复议、诉讼的决定日期，按原案件的决定日期归入期间。")
    c = StatTable(f"{period.label}处罚类案件裁量阶次分布", list(LEVEL_COLUMNS), t_lv, key="cf_levels")
    c.notes.append(when + "按案件登记的裁量阶次统计；未登记裁量阶次的单列。")
    if townships is not None:
        for t in (a, b, c):
            t.columns.insert(1, "乡镇")
            for (bid, _label, _s), row in zip(per, t.rows):
                row.insert(1, "" if bid is None else townships.get(bid) or "")
    return [a, b, c]


ANNUAL_EXTRA_COLUMNS = ["立案数量(件)", "结案数量(件)", "不予处罚(件)", "其中首违不罚(件)", "减轻处罚(件)", "从轻处罚(件)",
                        "被行政复议数(件)", "复议纠错数(件)", "复议纠错率", "被行政诉讼数(件)", "败诉数(件)", "败诉率",
                        "移送司法机关数(件)"]


def annual_extra_table(year: int, cases: list[dict]) -> StatTable:
    """表1附 行政处罚其他情况 (reference.md §9 "extra fields seen in a county 处罚 table")."""
    from .stats import make_period

    p = make_period("annual", year)
    pen = [c for c in cases if penalty_class(c)]
    filed = sum(1 for c in pen if p.contains(c.get("filed_date")))
    closed = sum(1 for c in pen if p.contains(c.get("closed_date")))
    s = _new()
    for c in pen:
        if in_period(p, c):
            _count(s, c)
    t = StatTable("表1附 行政处罚其他情况",
                  list(ANNUAL_EXTRA_COLUMNS),
                  [[filed, closed, s["不予处罚"] + s["首违不罚"], s["首违不罚"], s["减轻处罚"], s["从轻处罚"], s["recon"],
                    s["corrected"], fmt_rate(_rate(s["corrected"], s["recon"])), s["lit"], s["lost"],
                    fmt_rate(_rate(s["lost"], s["lit"])), s["移送司法机关"]]], key="t1b_penalty_extra")
    t.notes.append("立案、结案数量按立案日期、结案日期统计；其余按决定日期（未决定的按立案日期）统计。不予处罚含首违不罚。"
                   "复议纠错为撤销、变更、确认违法、责令履行；诉讼败诉同。不予处罚不涉及罚没金额，未单列金额。")
    return t
