"""Read side of the personnel pages and reports (issue 14): statistics, the 年审汇总表, exam sampling, one
officer's profile. Writes only the exam-target setting (admin)."""
from __future__ import annotations

import datetime as _dt
import json

from sifasuo_desktop.domain import personnel_stats as P
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.validators import split_names


EXAM_TARGETS_KEY = "county.exam_sampling_targets"  # {year: percent}; "county." settings travel down to townships


def _rows(store, table: str) -> list[dict]:
    try:
        return store.rows(table)
    except Exception:  # table missing in an older schema
        return []


def load(store) -> dict[str, list[dict]]:
    return {t: _rows(store, t) for t in ("bodies", "officers", "trainings", "cert_events", "exam_batches",
                                         "exam_scores")}


def exam_targets(store) -> dict[int, float]:
    raw = store.get_setting(EXAM_TARGETS_KEY, {}) or {}
    out = {}
    for k, v in (raw.items() if isinstance(raw, dict) else ()):
        try:
            out[int(k)] = float(v)
        except (TypeError, ValueError):
            continue
    return out


def set_exam_target(store, year: int, percent: float | None) -> dict[int, float]:
    """Admin: the county's sampling target for `year` (percent 0–100; None removes it)."""
    if not 2000 <= int(year) <= 2100:
        raise UserError(f"年度“{year}”不正确。")
    targets = {str(k): v for k, v in exam_targets(store).items()}
    if percent is None:
        targets.pop(str(year), None)
    else:
        if not 0 <= float(percent) <= 100:
            raise UserError("抽考目标比例应在0到100之间。")
        targets[str(year)] = float(percent)
    store.set_setting(EXAM_TARGETS_KEY, targets)
    return exam_targets(store)


def _county_townships(store, bodies: list[dict]) -> dict[str, str] | None:
    """A county: body id → 乡镇 (its 所属乡镇, else the township whose records it is in); None in a township."""
    if store.meta("role") != "county":
        return None
    from .stats_queries import body_townships

    return body_townships(store, bodies)


def personnel_report(store, year: int, today: _dt.date | None = None) -> list:
    from .rules_queries import load_params   # the rules' package: not needed to open the window

    d = load(store)
    towns = _county_townships(store, d["bodies"])
    if towns is not None:   # 示范县城市管理局 in three townships: three rows, each with its 乡镇
        d["bodies"] = [dict(b, township=towns.get(b["id"]) or "") for b in d["bodies"]]
    return [P.personnel_table(year, d["bodies"], d["officers"], d["trainings"], d["cert_events"], load_params(store),
                              today=today),
            P.exam_sampling(d["officers"], d["exam_batches"], d["exam_scores"], exam_targets(store), today=today)]


def review_summary(store, year: int):
    d = load(store)
    return P.review_summary(year, d["bodies"], d["officers"], d["trainings"], d["cert_events"],
                            townships=_county_townships(store, d["bodies"]))


def find_officer(store, text: str) -> dict:
    """An officer by id, 身份证号, 执法证号 or name (exactly one), else a UserError."""
    text = (text or "").strip()
    rec = store.get("officers", text)
    if rec and not rec.get("deleted"):
        return rec
    for where in ("upper(id_number) = ?", "cert_no = ?", "name = ?"):
        found = store.rows("officers", where, (text.upper() if "id_number" in where else text,))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UserError(f"“{text}”对应{len(found)}名执法人员，请改用身份证号或执法证号。")
    raise UserError(f"执法人员台账中没有“{text}”。")


def _acted_on(store, table: str, officer: dict, date_col: str, ref_cols: tuple) -> list[dict]:
    oid, name = officer["id"], (officer.get("name") or "").strip()
    rows = store.rows(table, "officer_ids LIKE ? OR officer_names LIKE ?", (f'%"{oid}"%', f"%{name}%" if name else "-"),
                      order_by=f"{date_col} DESC")
    out = []
    for r in rows:
        try:
            ids = json.loads(r.get("officer_ids") or "[]")
        except ValueError:
            ids = []
        if oid in ids or (not ids and name in split_names(r.get("officer_names") or "")):
            out.append({"id": r["id"], "date": r.get(date_col) or "", **{c: r.get(c) for c in ref_cols}})
    return out


def officer_profile(store, officer_id: str) -> dict:
    """{officer, body, timeline, hours {year: {category: hours}}, cases, inspections}."""
    officer = store.get("officers", officer_id)
    if officer is None:
        raise UserError("该执法人员不存在。")
    events = store.rows("cert_events", "officer_id = ?", (officer_id,))
    trainings = _rows(store, "trainings")
    body = store.get("bodies", officer.get("body_id") or "") or {}
    return {"officer": officer, "body": body.get("name") or "",
            "timeline": P.timeline(officer, events),
            "hours": P.officer_hours(officer, trainings),
            "cases": _acted_on(store, "cases", officer, "filed_date", ("case_no", "case_type", "cause", "status")),
            "inspections": _acted_on(store, "inspections", officer, "inspect_date", ("target_name", "inspect_type"))}
