"""赋权事项评估 pre-filled from the data (issue 16): cases per year, review results, 持证 officers of the
承接主体 and the zero-use flag, so the 司法所 only writes the opinions and the conclusion."""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.domain.errors import UserError


def prefill(store, power_id: str, year: int | None = None, today: _dt.date | None = None) -> dict:
    """Values of a new evaluation of the power for `year` (default: this year) — not stored."""
    w = store.get("powers", power_id)
    if w is None or w.get("deleted"):
        raise UserError("赋权事项不存在或已删除。")
    today = today or _dt.date.today()
    year = int(year or today.year)
    y0, y1 = f"{year}-01-01", f"{year}-12-31"
    q = store.conn.execute
    cases = q("SELECT count(*) FROM cases WHERE deleted = 0 AND power_id = ? AND "
              "coalesce(filed_date, decision_date) BETWEEN ? AND ?", (power_id, y0, y1)).fetchone()[0]
    last_year = q("SELECT count(*) FROM cases WHERE deleted = 0 AND power_id = ? AND "
                  "coalesce(filed_date, decision_date) BETWEEN ? AND ?", (power_id, f"{year - 1}-01-01",
                                                                           f"{year - 1}-12-31")).fetchone()[0]
    failed = q("SELECT count(*) FROM reviews r JOIN cases c ON c.id = r.case_id WHERE r.deleted = 0 AND "
               "c.power_id = ? AND r.grade = '不合格' AND r.review_date BETWEEN ? AND ?", (power_id, y0, y1)).fetchone()[0]
    staff = certified = 0
    if w.get("body_id"):
        staff, certified = q("SELECT count(*), sum(CASE WHEN cert_status = '有效' THEN 1 ELSE 0 END) FROM officers "
                             "WHERE deleted = 0 AND body_id = ? AND coalesce(duty_status, '在岗') = '在岗'",
                             (w["body_id"],)).fetchone()
    problems = []
    if cases == 0:
        problems.append(f"{year}年零办件" + ("（上年也无办件）" if last_year == 0 else f"（上年{last_year}件）"))
    if failed:
        problems.append(f"评查不合格{failed}件")
    if staff and not certified:
        problems.append("承接主体无持证执法人员")
    return {"power_id": power_id, "power_code": w.get("code"), "power_name": w.get("name"), "year": year,
            "eval_date": today.isoformat(), "case_count": cases, "review_failed_count": failed,
            "staff_count": staff or 0, "certified_count": certified or 0, "problems": "；".join(problems) or None}


def create_prefilled(store, power_id: str, year: int | None = None, today: _dt.date | None = None) -> dict:
    return store.insert("power_evaluations", prefill(store, power_id, year, today))
