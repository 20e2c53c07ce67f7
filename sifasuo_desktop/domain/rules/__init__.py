"""Warning rules (预警): the contract is shared/domain/rules.md.

Every rule is a pure function over plain records (dicts as stored) with its parameters passed in.

    run_all(data, params, today, calendar=None) -> list[Finding]

`data` keys (each a list of dicts; missing keys mean "no records"): cases, inspections, officers,
trainings, cert_events, bodies, powers, problems, documents, service_receipts, leniency_items,
discretion_standards, plan_tasks, power_evaluations, supervision_plans, visits, review_batches, supervisors,
complaints, inspection_items, inspection_plans. `params` is `effective_params(...)`
(defaults merged with the stored "rules" setting) or None for the defaults. `calendar` is a
WorkCalendar (holiday overrides from the database); after the run, `calendar.notices()` lists the
years that fell back to Monday–Friday.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..calendar import WorkCalendar, to_date
from . import dataquality, deadlines, discretion, inspections, lifecycle, penalties, personnel, powers
from . import supervision
from .base import (RED, SEVERITY_LABELS, YELLOW, Context, Finding, effective_params, load_defaults,
                   merge_settings, parse_assignments, rule_listing, rule_titles, validate_settings)

__all__ = ["Finding", "RED", "YELLOW", "SEVERITY_LABELS", "RULES", "run_all", "run_streamed", "StreamedRecords", "effective_params",
           "load_defaults", "rule_titles", "validate_settings", "sort_key", "rule_listing", "parse_assignments",
           "merge_settings"]

RULES = {
    "GS-01": deadlines.gs01,
    "GS-02": deadlines.gs02,
    "BA-01": deadlines.ba01,
    "RY-01": personnel.ry01,
    "RY-02": personnel.ry02,
    "RY-03": personnel.ry03,
    "RY-04": personnel.ry04,
    "FZ-01": personnel.fz01,
    "FZ-02": personnel.fz02,
    "FZ-03": personnel.fz03,
    "JC-01": inspections.jc01,
    "JC-02": inspections.jc02,
    # 涉企检查 governance (issue 13)
    "JC-03": inspections.jc03,
    "JC-04": inspections.jc04,
    "JC-05": inspections.jc05,
    "JC-06": inspections.jc06,
    "ZG-01": deadlines.zg01,
    "DB-01": deadlines.db01,
    "DB-02": deadlines.db02,
    # FQ-01 and FQ-02 run together (one finding per power)
    "TZ-01": penalties.tz01,
    "SX-01": penalties.sx01,
    # certificate lifecycle (2025–2026 priorities)
    "RY-05": lifecycle.ry05,
    "RY-06": lifecycle.ry06,
    "RY-07": lifecycle.ry07,
    "RY-08": lifecycle.ry08,
    "RY-09": lifecycle.ry09,
    "RY-10": lifecycle.ry10,
    # 包容审慎 and discretion (issue 15)
    "CF-01": discretion.cf01,
    "CF-02": discretion.cf02,
    "CF-03": discretion.cf03,
    # the supervisor's year (issue 16)
    "RW-01": supervision.rw01,
    "FQ-03": supervision.fq03,
    "JH-01": supervision.jh01,
    "JD-01": supervision.jd01,
    "TS-01": supervision.ts01,
    # 重复编号 (issue 12)
    "DQ-02": dataquality.dq02,
}
CODES = tuple(load_defaults())  # contract order
_ORDER = {c: i for i, c in enumerate(CODES)}


def sort_key(f: Finding):
    return (0 if f.severity == RED else 1, _ORDER.get(f.code, 99), f.due_date or "9999", f.ref, f.record_id)


def run_all(data: dict, params: dict | None, today, calendar: WorkCalendar | None = None,
            codes=None) -> list[Finding]:
    """Run every enabled rule (or only `codes`); findings sorted red first, then by rule and due date."""
    today = to_date(today) if not isinstance(today, dt.date) else today
    if today is None:
        raise ValueError("today must be a date")
    params = params or effective_params()
    cal = calendar or WorkCalendar()
    data, bad = dataquality.scan(data)     # DQ-01: out-of-range dates/amounts are blanked for the rules
    ctx = Context(data, today, cal)
    wanted = set(codes) if codes else set(CODES)

    def on(code):
        return code in wanted and params.get(code, {}).get("enabled", True)

    out: list[Finding] = []

    def guarded(code, run):
        try:
            out.extend(run())
        except (ValueError, TypeError, OverflowError, KeyError, AttributeError, ArithmeticError) as exc:
            if on(dataquality.CODE):
                out.append(dataquality.rule_failed(ctx, code, exc))

    if on(dataquality.CODE):
        out.extend(dataquality.findings(ctx, bad))
    for code, fn in RULES.items():
        if on(code):
            guarded(code, lambda fn=fn, code=code: list(fn(ctx, data, params[code])))
    p01 = params["FQ-01"] if on("FQ-01") else None
    p02 = params["FQ-02"] if on("FQ-02") else None
    if p01 or p02:
        guarded("FQ-01", lambda: list(powers.fq(ctx, data, p01, p02)))
    out.sort(key=sort_key)
    return out


# rules that look at one case or inspection at a time (and at lookups, officers): run chunk by chunk
CASE_RECORD_RULES = ("GS-01", "GS-02", "BA-01", "RY-01", "RY-02", "FZ-01", "FZ-02", "TZ-01", "SX-01", "RY-06",
                     "CF-02", "CF-03")
INSPECTION_RECORD_RULES = ("RY-01", "RY-02", "RY-06", "JC-03", "JC-04", "JC-05")
# rules over all of them at once: fed what they need while the chunks go by
GROUP_RULES = ("CF-01", "DQ-02", "FQ-01", "FQ-02", "JC-01", "JC-02", "JC-06")
STREAMED_TABLES = ("cases", "inspections")
_FAILURES = (ValueError, TypeError, OverflowError, KeyError, AttributeError, ArithmeticError)


@dataclass
class StreamedRecords:
    """The cases and inspections of a streamed check, as the store hands them over.

    case_chunks / inspection_chunks: lists of records (every live record once, in any order); cf01_candidates:
    every case whose 处理结果 may be 首违不罚 (a superset); dq02_duplicates: every case whose (owner_org, body_id, 案号)
    as stored is shared with another case (their DQ-02 fields: id, owner_org, body_id, case_no); dq02_numbered: a
    function giving the cases stored with any of a list of 案号 (the same fields)."""
    case_chunks: Iterable[list] = ()
    inspection_chunks: Iterable[list] = ()
    cf01_candidates: list = field(default_factory=list)
    dq02_duplicates: list = field(default_factory=list)
    dq02_numbered: Callable[[list], list] = lambda numbers: []


def run_streamed(data: dict, records: StreamedRecords, params: dict | None, today,
                 calendar: WorkCalendar | None = None, codes=None) -> list[Finding]:
    """run_all(dict(data, cases=all cases, inspections=all inspections), ...) without holding either: `data` has
    neither; the rules that read one record at a time run on each chunk, the others on what they need of all
    records (CF-01: the cases of the parties with a 首违不罚 case; DQ-02: cases whose 案号 may be shared; FQ: the
    latest case date per power; JC-01/02: the counted inspections' fields; JC-06: the years per body)."""
    today = to_date(today) if not isinstance(today, dt.date) else today
    if today is None:
        raise ValueError("today must be a date")
    params = params or effective_params()
    cal = calendar or WorkCalendar()
    rest = {k: v for k, v in data.items() if k not in STREAMED_TABLES}
    rest, bad = dataquality.scan(rest)
    ctx = Context(rest, today, cal)
    wanted = set(codes) if codes else set(CODES)

    def on(code):
        return code in wanted and params.get(code, {}).get("enabled", True)

    per_rule: dict[str, list | None] = {}    # None: the rule failed (its findings dropped, as in run_all)
    failed: list[tuple[str, BaseException]] = []

    def guarded(code, run):
        if code in per_rule and per_rule[code] is None:
            return
        try:
            per_rule.setdefault(code, []).extend(run())
        except _FAILURES as exc:
            per_rule[code] = None
            failed.append((code, exc))

    dq01 = list(dataquality.findings(ctx, bad)) if on(dataquality.CODE) else []
    for code, fn in RULES.items():       # the other tables
        if on(code) and code not in GROUP_RULES:
            guarded(code, lambda fn=fn, code=code: list(fn(ctx, rest, params[code])))

    def chunks(table, source):
        for chunk in source:
            clean, cbad = dataquality.scan({table: chunk})
            if on(dataquality.CODE):
                dq01.extend(dataquality.findings(ctx, cbad))
            view = dict(rest, cases=(), inspections=())
            view[table] = clean[table]
            yield view

    fq_on = on("FQ-01") or on("FQ-02")
    targets = discretion.cf01_targets(records.cf01_candidates) if on("CF-01") else ({}, {})
    cf01_pool: list = []
    unnormal: list = []
    last: dict = {}
    for view in chunks("cases", records.case_chunks):
        for code in CASE_RECORD_RULES:
            if on(code):
                guarded(code, lambda code=code: list(RULES[code](ctx, view, params[code])))
        if fq_on:
            guarded("FQ-01", lambda: powers.last_case_dates(ctx, view, last) and ())
        if targets[0] or targets[1]:
            guarded("CF-01", lambda: cf01_pool.extend(
                discretion.cf01_pool(view["cases"], targets, int(params["CF-01"]["months"]))) or ())
        if on(dataquality.DQ02):
            guarded("DQ-02", lambda: unnormal.extend(dataquality.dq02_unnormal_cases(view["cases"])) or ())
    counted: list = []
    years: dict = {}
    for view in chunks("inspections", records.inspection_chunks):
        for code in INSPECTION_RECORD_RULES:
            if on(code):
                guarded(code, lambda code=code: list(RULES[code](ctx, view, params[code])))
        if on("JC-01") or on("JC-02"):
            try:
                counted.extend(inspections.counted_pool(view["inspections"]))
            except _FAILURES as exc:   # both rules count these: both fail, as each would alone
                for code in ("JC-01", "JC-02"):
                    if on(code) and per_rule.get(code, ()) is not None:
                        per_rule[code] = None
                        failed.append((code, exc))
        if on("JC-06"):
            guarded("JC-06", lambda: inspections.jc06_years(ctx, view, years) and ())
    if on("CF-01"):
        guarded("CF-01", lambda: list(discretion.cf01(ctx, {"cases": cf01_pool}, params["CF-01"])))
    if on(dataquality.DQ02):
        def dq02():
            seen: set = set()
            pool = []
            for rec in [*records.dq02_duplicates, *unnormal,
                        *records.dq02_numbered(dataquality.dq02_numbers(unnormal))]:
                if rec["id"] not in seen:
                    seen.add(rec["id"])
                    pool.append(rec)
            return list(dataquality.dq02(ctx, dict(rest, cases=pool), params[dataquality.DQ02]))
        guarded("DQ-02", dq02)
    for code in ("JC-01", "JC-02"):
        if on(code):
            guarded(code, lambda code=code: list(RULES[code](ctx, {"inspections": counted}, params[code])))
    if on("JC-06"):
        guarded("JC-06", lambda: list(inspections.jc06(ctx, rest, params["JC-06"], years=years)))
    if fq_on:
        p01 = params["FQ-01"] if on("FQ-01") else None
        p02 = params["FQ-02"] if on("FQ-02") else None
        guarded("FQ-01", lambda: list(powers.fq(ctx, rest, p01, p02, last=last)))
    out = dq01
    if on(dataquality.CODE):
        out.extend(dataquality.rule_failed(ctx, code, exc) for code, exc in failed)
    for found in per_rule.values():
        out.extend(found or ())
    out.sort(key=sort_key)
    return out
