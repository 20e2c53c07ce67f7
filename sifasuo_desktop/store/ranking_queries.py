"""The county's ranking of townships (issue 16): the per-township numbers behind domain/ranking.py.

    township_ranking(store, year, quarter=None, month=None, as_of=None) -> (period, rows, weights)
"""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.domain import ranking as rk
from sifasuo_desktop.domain import stats as st
from sifasuo_desktop.domain.errors import UserError

FINDING_PREFIXES = ("JC-", "RY-")


def ranking_weights(store) -> dict[str, float]:
    try:
        stored = store.get_setting(rk.RANKING_SETTING, {})
    except Exception:  # a broken value must not stop the ranking
        stored = {}
    return rk.effective_weights(stored)


def set_ranking_weights(store, changes: dict[str, float]) -> dict[str, float]:
    """Store the county's weights (admin; the settings store checks the role). Returns the effective weights."""
    if store.meta("role") != "county":
        raise UserError("质效排名的权重由县司法局设置。")
    merged = {**ranking_weights(store), **changes}
    if not any(merged.values()):
        raise UserError("权重不能全部为0。")
    store.set_setting(rk.RANKING_SETTING, merged)
    return ranking_weights(store)


def townships(store) -> list[tuple[str, str]]:
    """(org code, 乡镇 name) of the townships whose records the folder holds (a township: itself)."""
    from sifasuo_desktop.store.stats_queries import township_names

    names = township_names(store)
    if store.meta("role") != "county":
        code = store.meta("org_code")
        return [(code, names.get(code, code))]
    codes = {r["code"] for r in store.rows("orgs") if r.get("role") == "township"}
    for (code,) in store.conn.execute("SELECT DISTINCT owner_org FROM bodies WHERE deleted = 0"):
        if code and code != store.meta("org_code"):
            codes.add(code)
    return sorted((c, names.get(c, c)) for c in codes)


def _ids(store, sql: str, params) -> set[str]:
    return {r[0] for r in store.conn.execute(sql, params)}


def township_ranking(store, year: int, quarter: int | None = None, month: int | None = None,
                     as_of: _dt.date | None = None):
    """Indicators, 质效 score and rank of every township for the year (or one quarter/month of it).

    The rates are those of the 月汇总/季通报 (stats_queries.period_report, the township's 合计 row); 评查优良率 =
    (优秀 + 良好) / reviews with a grade; JC/RY预警每百件 = JC-/RY- findings (check as of the period end or
    `as_of`, whichever is earlier) on the township's cases and inspections of the period, per 100 of them;
    满意率 from 执法满意度调查 dated in the period."""
    from sifasuo_desktop.store.rules_queries import check_store
    from sifasuo_desktop.store.stats_queries import period_report, summary_table

    if quarter is not None and month is not None:
        raise UserError("请只指定 --quarter 或 --month 之一。")
    kind, number = ("quarterly", quarter) if quarter else ("monthly", month) if month else ("annual", None)
    period = st.make_period(kind, year, number)
    today = as_of or _dt.date.today()
    check_day = min(today, _dt.date.fromisoformat(period.end))
    findings = check_store(store, today=check_day).findings
    weights = ranking_weights(store)
    rows = []
    for code, name in townships(store):
        _p, tables = period_report(store, kind, year, number, org=code, as_of=today)
        summary = summary_table(tables)   # not the last table: 包容审慎 and 涉企检查 tables follow it
        s = summary.raw.get("total") or {}
        grades = s.get("grades") or {}
        graded = sum(grades.values())
        span = (period.start, period.end)
        actions = _ids(store, "SELECT id FROM cases WHERE deleted = 0 AND owner_org = ? AND "
                              "coalesce(decision_date, filed_date) BETWEEN ? AND ?", (code, *span))
        actions |= _ids(store, "SELECT id FROM inspections WHERE deleted = 0 AND owner_org = ? AND "
                                "inspect_date BETWEEN ? AND ?", (code, *span))
        hits = sum(1 for f in findings if f.code.startswith(FINDING_PREFIXES) and f.record_id in actions)
        surveys = [dict(r) for r in store.conn.execute(
            "SELECT sample_count, satisfied_count, basic_count FROM satisfaction_surveys WHERE deleted = 0 AND "
            "owner_org = ? AND survey_date BETWEEN ? AND ?", (code, *span))]
        row = {"township": name, "org_code": code,
               "publication_rate": rk.rate(s.get("pub_ok", 0), s.get("pub_due", 0)),
               "legal_review_rate": rk.rate(s.get("major_ok", 0), s.get("major", 0)),
               "certified_rate": rk.rate(s.get("cert", 0), s.get("duty", 0)),
               "training_rate": rk.rate(s.get("trained", 0), s.get("duty", 0)),
               "rectification_rate": rk.rate(s.get("closed", 0), s.get("due", 0)),
               "overdue_problems": s.get("late", 0) if s else None,
               "review_good_rate": rk.rate(grades.get("优秀", 0) + grades.get("良好", 0), graded),
               "findings_per_100": round(100.0 * hits / len(actions), 2) if actions else None,
               "satisfaction_rate": rk.satisfaction_rate(surveys),
               "actions": len(actions), "findings": hits, "reviews": graded,
               "survey_samples": sum(int(x.get("sample_count") or 0) for x in surveys)}
        rows.append(row)
    return period, rk.rank(rows, weights), weights
