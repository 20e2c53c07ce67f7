"""Loading plain records for the warning rules (lean SELECTs, needed columns only), running them, and
the holiday-schedule table.

    check_store(store, today=None) -> CheckResult(findings, notices)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sifasuo_desktop.domain.calendar import WorkCalendar, fallback_notice, overrides_from_rows
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import require
from sifasuo_desktop.domain.rules import STREAMED_TABLES, Finding, effective_params, run_streamed

from . import findings_cache

SETTINGS_KEY = "rules"

COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": ("id", "owner_org", "case_no", "body_id", "case_type", "power_id", "party_type", "violation_date",
              "filed_date", "extension_days", "decision_date", "penalty_kinds", "fine_amount",
              "confiscation_amount", "officer_names", "officer_ids", "is_major", "legal_review_date",
              "legal_reviewer", "hearing_notified", "published_date", "closed_date", "life_safety", "status",
              # CF-01..CF-03 (issue 15)
              "cause", "party", "party_code", "party_id_number", "outcome", "list_item", "discretion_code", "discretion_level"),
    "inspections": ("id", "owner_org", "inspect_date", "body_id", "target_name", "target_uscc", "inspect_type",
                    "is_joint", "officer_names", "officer_ids",
                    # JC-03..JC-06 (issue 13)
                    "item_name", "item_code", "task_source", "method", "approval_date", "report_time"),
    "officers": ("id", "owner_org", "name", "id_number", "body_id", "cert_no", "cert_issued", "cert_expiry",
                 "cert_status", "is_legal_reviewer", "duty_status", "staffing", "left_date", "review_year",
                 "review_result"),
    "trainings": ("id", "officer_id", "id_number", "officer_name", "training_date", "hours", "category"),
    "cert_events": ("id", "officer_id", "event_type", "event_date", "review_year", "result", "created_at"),
    "bodies": ("id", "owner_org", "name", "township", "status"),
    "powers": ("id", "owner_org", "code", "name", "body_id", "effective_date", "status", "revoked_date"),
    "problems": ("id", "owner_org", "problem_no", "description", "body_id", "deadline", "status", "closed_date"),
    "documents": ("id", "owner_org", "doc_type", "doc_no", "title", "recipient", "body_id", "doc_date",
                  "reply_deadline", "reply_date", "status", "served_date"),
    "service_receipts": ("doc_id",),
    "leniency_items": ("id", "owner_org", "list_type", "code", "violation", "status"),
    "discretion_standards": ("id", "owner_org", "code", "level", "fine_min", "fine_max"),
    # the supervisor's year (issue 16): RW-01, FQ-03, JH-01, JD-01, TS-01
    "plan_tasks": ("id", "owner_org", "task_no", "task", "deadline", "status"),
    "power_evaluations": ("id", "owner_org", "power_id", "power_code", "power_name", "eval_date"),
    "supervision_plans": ("id", "owner_org", "plan_year", "item", "method", "body_id", "planned_date", "status"),
    "visits": ("id", "plan_item_id"),
    "review_batches": ("id", "plan_item_id"),
    "supervisors": ("id", "owner_org", "name", "term_end", "status"),
    "inspection_items": ("id", "owner_org", "code", "name", "body_id", "published_date", "status"),
    "inspection_plans": ("id", "owner_org", "plan_year", "body_id", "published_date"),
    "complaints": ("id", "owner_org", "ticket_no", "summary", "body_id", "received_date", "time_limit",
                   "closed_date", "status"),
}


@dataclass
class CheckResult:
    findings: list[Finding]
    notices: list[str] = field(default_factory=list)
    today: dt.date | None = None

    def counts(self) -> dict[str, int]:
        out = {"red": 0, "yellow": 0}
        for f in self.findings:
            out[f.severity] = out.get(f.severity, 0) + 1
        return out


def _existing(store, table: str) -> list[str]:
    try:
        have = set(store.columns(table))
    except Exception:  # table missing (older schema): no records
        return []
    return [c for c in COLUMNS[table] if c in have]


CHUNK = 5000          # rows fetched at a time (no list of every row's tuple beside the dicts)
UNIQUE_SHARE = 0.5    # a column with more distinct values than this share of a chunk's rows is not shared


def load_table(store, table: str, share_values: bool = False) -> list[dict]:
    """Every live record of `table` as a dict of the columns the rules read.

    `share_values`: equal values of a column are one object (a county's 787,400 cases hold ~1,000 distinct
    dates, 20 township codes, a few statuses: SQLite returns a new string for every cell), which halves the
    memory of a full check; columns whose values are mostly distinct (id, 当事人) are left alone."""
    out: list[dict] = []
    for chunk in iter_table(store, table, share_values):
        out.extend(chunk)
    return out


def iter_table(store, table: str, share_values: bool = False, chunk_rows: int | None = None,
               where: str = "", args=()):
    """The live records of `table` (as load_table gives them), `chunk_rows` at a time, in rowid order."""
    size = chunk_rows or CHUNK
    cols = _existing(store, table)
    if not cols:
        return
    cur = store.conn.cursor()
    cur.row_factory = None  # plain tuples: much faster than sqlite3.Row → dict
    cur.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE deleted = 0{where}", args)
    cut = cols.index("description") if "description" in cols else None
    pools: list[dict | None] = [({} if c != "id" else None) for c in cols]
    seen = 0
    while True:
        chunk = cur.fetchmany(size)
        if not chunk:
            break
        if cut is not None:
            chunk = [r[:cut] + ((r[cut] or "")[:30],) + r[cut + 1:] for r in chunk]
        seen += len(chunk)
        if share_values:
            columns = list(zip(*chunk))
            for i, pool in enumerate(pools):
                if pool is None:
                    continue
                columns[i] = list(map(pool.setdefault, columns[i], columns[i]))
                if len(pool) > UNIQUE_SHARE * seen and seen >= CHUNK:
                    pools[i] = None   # mostly distinct: sharing costs more than it saves
            chunk = zip(*columns)
        yield [dict(zip(cols, r)) for r in chunk]


def streamed_records(store, chunk_rows: int | None = None):
    """The cases and inspections of a streamed check (domain.rules.StreamedRecords): chunks of each, and the
    candidates of CF-01 and DQ-02."""
    from sifasuo_desktop.domain.rules import StreamedRecords
    from sifasuo_desktop.domain.rules.dataquality import DQ02_FIELDS

    have = set(_existing(store, "cases"))
    inspections = iter_table(store, "inspections", chunk_rows=chunk_rows)   # a chunk lives briefly: no sharing
    if not have:
        return StreamedRecords(inspection_chunks=inspections)
    cf01 = []
    if {"outcome", "party"} <= have:
        cf01 = [c for chunk in iter_table(store, "cases", where=" AND outcome LIKE '%首违不罚%'") for c in chunk]
    dups: list = []
    numbered = lambda numbers: []   # noqa: E731
    if set(DQ02_FIELDS) <= have:
        cols = ", ".join(DQ02_FIELDS)
        conn = store.conn

        def rows(sql, args=()):
            cur = conn.cursor()
            cur.row_factory = None
            return [dict(zip(DQ02_FIELDS, r)) for r in cur.execute(sql, args)]

        # every case whose number as stored is shared within its organisation and body (DQ-02 may group more:
        # the numbers not in normal form, found while the chunks go by, and the cases numbered as their normal forms)
        dups = rows(f"""SELECT {cols} FROM cases c JOIN (
                            SELECT coalesce(owner_org, '') AS o, coalesce(body_id, '') AS b, case_no AS n
                            FROM cases WHERE deleted = 0 AND case_no IS NOT NULL AND case_no != ''
                            GROUP BY 1, 2, 3 HAVING count(*) > 1) d
                        ON coalesce(c.owner_org, '') = d.o AND coalesce(c.body_id, '') = d.b AND c.case_no = d.n
                        WHERE c.deleted = 0 ORDER BY c.rowid""")

        def numbered(numbers):
            out = []
            for i in range(0, len(numbers), 500):
                part = numbers[i:i + 500]
                out += rows(f"SELECT {cols} FROM cases WHERE deleted = 0 AND case_no IN ({', '.join('?' * len(part))})"
                            " ORDER BY rowid", part)
            return out

    return StreamedRecords(case_chunks=iter_table(store, "cases", chunk_rows=chunk_rows),
                           inspection_chunks=inspections, cf01_candidates=cf01, dq02_duplicates=dups,
                           dq02_numbered=numbered)


def load_data(store, tables=None) -> dict[str, list[dict]]:
    return {table: load_table(store, table, share_values=True) for table in (tables or COLUMNS)}


def load_params(store) -> dict:
    try:
        stored = store.get_setting(SETTINGS_KEY, {})
    except Exception:  # a broken value must not stop the checks
        stored = {}
    return effective_params(stored)


def holiday_rows(store) -> list[dict]:
    if "holidays" not in _table_names(store):
        return []
    return [dict(r) for r in store.conn.execute(
        "SELECT date, kind, owner_org, updated_at FROM holidays WHERE deleted = 0")]


def _table_names(store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def load_calendar(store) -> WorkCalendar:
    local = store.meta("org_code")
    county = local if store.meta("role") == "county" else (store.meta("parent_code") or None)
    return WorkCalendar(overrides_from_rows(holiday_rows(store), local, county))


def _day(today) -> dt.date:
    if today is None:
        return dt.date.today()
    if isinstance(today, str):
        return dt.date.fromisoformat(today)
    return today


CASE_CHUNK = 5000    # cases/inspections checked at a time by the streamed check (tests pass a tiny one)


def _run(store, today: dt.date, params: dict, codes, chunk_rows: int | None = None) -> tuple[list[Finding], list[str]]:
    import gc

    cal = load_calendar(store)
    # a million new dicts would start the cyclic collector over and over (none of them is garbage yet)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        # the cases and inspections (nearly all records) go by chunk by chunk: no list of all of them is held
        data = load_data(store, [t for t in COLUMNS if t not in STREAMED_TABLES])
        findings = run_streamed(data, streamed_records(store, chunk_rows or CASE_CHUNK), params, today, cal,
                                codes=codes)
        del data
        findings = apply_handlings(store, findings)   # issue 12: 已处置 (the cache key covers the handlings)
    finally:
        if was_enabled:
            gc.enable()
    # the years the checks look at (last year, this year, next year) are announced too, if missing
    for y in (today.year,):
        if not cal.known_year(y):
            cal.fallback_years.add(y)
    return findings, cal.notices()


def check_lines(store, today=None, codes=None, use_cache: bool = True) -> tuple[list[str], list[str], dt.date]:
    """(findings as `check --json` lines, notices, day) — from the findings cache while it is valid."""
    today = _day(today)
    params = load_params(store)
    key = findings_cache.state_key(store, today, params, COLUMNS) if use_cache and not codes else None
    if key:
        hit = findings_cache.read(store.data_dir, today, key)
        if hit is not None:
            return hit[0], hit[1], today
    lines, notices = _run(store, today, params, codes)
    for i, f in enumerate(lines):      # in place: each finding goes as its line comes (never both lists)
        lines[i] = findings_cache.finding_line(f)
    if key:
        findings_cache.write(store.data_dir, today, key, lines, notices)
    return lines, notices, today


def cached_check(store, today=None) -> CheckResult | None:
    """The full run's result from the findings cache when it is valid, else None (nothing is computed)."""
    today = _day(today)
    key = findings_cache.state_key(store, today, load_params(store), COLUMNS)
    hit = findings_cache.read(store.data_dir, today, key) if key else None
    if hit is None:
        return None
    try:
        return CheckResult([findings_cache.finding_from_line(line) for line in hit[0]], hit[1], today)
    except (TypeError, ValueError):
        return None


def cacheable(store) -> bool:
    """Whether a full run's result here is kept in the findings cache (migration m0200 applied, all counted)."""
    return findings_cache.state_key(store, dt.date.today(), {}, COLUMNS) is not None


def record_volume(store) -> int:
    """About how many cases and inspections the checks read (the largest row id of each: no scan)."""
    n = 0
    for table in ("cases", "inspections"):
        try:
            n += store.conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        except Exception:
            pass
    return n


def check_store(store, today=None, codes=None, use_cache: bool = True) -> CheckResult:
    """Run every enabled rule over the store's records as of `today` (default: the local date); a full run
    reuses the findings cache (store/findings_cache.py) while no record, setting or holiday has changed."""
    today = _day(today)
    params = load_params(store)
    key = findings_cache.state_key(store, today, params, COLUMNS) if use_cache and not codes else None
    if key:
        hit = cached_check(store, today)
        if hit is not None:
            return hit
    findings, notices = _run(store, today, params, codes)
    if key:
        findings_cache.write(store.data_dir, today, key, (findings_cache.finding_line(f) for f in findings),
                             notices)
    return CheckResult(findings, notices, today)


def apply_handlings(store, findings: list[Finding]) -> list[Finding]:
    """Findings a leader handled (issue 12) carry handled=True and the handling text; they stay in the list
    (statistics count them) and leave only the to-do lists."""
    from dataclasses import replace

    from sifasuo_desktop.domain.handling import handling_text
    from sifasuo_desktop.store.handling_ops import handlings

    try:
        done = handlings(store)
    except Exception:  # a broken table must not stop the checks
        return findings
    if not done:
        return findings
    out = []
    for f in findings:
        h = done.get((f.code, f.record_type, f.record_id))
        out.append(f if h is None else replace(f, handled=True, handling=handling_text(h)))
    return out


def stored_rule_settings(store) -> dict:
    """The stored "rules" setting as a dict ({} when missing or broken)."""
    try:
        stored = store.get_setting(SETTINGS_KEY, {})
    except Exception:
        stored = {}
    return stored if isinstance(stored, dict) else {}


def set_rule_params(store, code: str, changes: dict) -> dict:
    """Apply validated `changes` ({key: value}) to rule `code` in the stored settings (admin only; the
    store checks the role). Returns the rule's effective parameters afterwards."""
    from sifasuo_desktop.domain.rules import merge_settings, validate_settings

    merged = merge_settings(stored_rule_settings(store), code, changes)
    # keep only what validates (an old stored value that no longer does is dropped, not re-saved)
    clean = {}
    for c, over in merged.items():
        try:
            clean.update(validate_settings({c: over}))
        except ValueError:
            if c == code:
                raise
    store.set_setting(SETTINGS_KEY, clean)
    return effective_params(clean)[code]


# ---------------------------------------------------------------------- holidays table
def import_holidays(store, entries: list[tuple[str, str]], source: str = "") -> dict:
    """Store [(iso_date, kind)] in the holidays table (admin only): new dates inserted, changed kinds
    updated, unchanged rows left alone; all in one transaction. Returns counts."""
    require(store.actor, "settings")
    if not entries:
        raise UserError("没有要导入的日期。")
    existing = {r["date"]: r for r in store.rows("holidays")}
    added = changed = same = 0
    with store.transaction():
        for iso, kind in entries:
            row = existing.get(iso)
            if row is None:
                store.insert("holidays", {"date": iso, "kind": kind, "source": source}, action="settings")
                added += 1
            elif row["kind"] != kind:
                store.update("holidays", row["id"], {"kind": kind, "source": source}, action="settings")
                changed += 1
            else:
                same += 1
    years = sorted({iso[:4] for iso, _ in entries})
    return {"added": added, "changed": changed, "unchanged": same, "years": years}


def holiday_summary(store) -> dict[int, dict[str, int]]:
    """{year: {"holiday": n, "workday": n}} of the schedules stored in the database."""
    out: dict[int, dict[str, int]] = {}
    for r in holiday_rows(store):
        y = int(r["date"][:4])
        out.setdefault(y, {"holiday": 0, "workday": 0})
        out[y][r["kind"]] = out[y].get(r["kind"], 0) + 1
    return out


__all__ = ["CheckResult", "check_store", "check_lines", "cached_check", "cacheable", "record_volume", "load_data", "load_params", "load_calendar", "import_holidays",
           "holiday_summary", "fallback_notice", "SETTINGS_KEY"]
