"""典型案例 / 指导案例 (issue 15): mark a case with a short summary, list the marked cases, export them for the
county's 案例指导. The mark is two case columns (exemplary_kind, exemplary_summary), written through Store.update
so the role check, audit log and change log apply (and the mark travels up with the case)."""
from __future__ import annotations


from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import EXEMPLARY_KINDS, exemplary_problem

LIST_COLUMNS = ("id", "case_no", "body_id", "case_type", "cause", "party", "decision_date", "outcome", "penalty_kinds",
                "fine_amount", "discretion_code", "discretion_level", "exemplary_kind", "exemplary_summary", "owner_org")
EXPORT_HEADERS = (("案例类型", "exemplary_kind", "text"), ("案号", "case_no", "text"), ("执法主体", "body", "text"),
                  ("案件类型", "case_type", "text"), ("案由", "cause", "text"), ("当事人", "party", "text"),
                  ("决定日期", "decision_date", "date"), ("处理结果", "outcome", "text"),
                  ("处罚种类", "penalty_kinds", "text"), ("罚款金额", "fine_amount", "money"),
                  ("裁量基准编码", "discretion_code", "text"), ("裁量阶次", "discretion_level", "text"),
                  ("案例摘要", "exemplary_summary", "longtext"))


def find_case(store, case_no: str) -> dict:
    rows = store.rows("cases", "case_no = ?", ((case_no or "").strip(),))
    if not rows:
        raise UserError(f"找不到案号“{case_no}”。")
    if len(rows) > 1:
        raise UserError(f"案号“{case_no}”对应{len(rows)}条案件，请在程序界面中标记。")
    return rows[0]


def mark_case(store, case_no: str, kind: str | None, summary: str | None) -> dict:
    """Mark (kind 典型案例/指导案例 with a summary) or unmark (kind None/"") one case; returns the stored row."""
    case = find_case(store, case_no)
    kind = (kind or "").strip() or None
    summary = (summary or "").strip() or None
    msg = exemplary_problem(kind, summary)
    if msg:
        raise UserError(msg + "。")
    values = {"exemplary_kind": kind, "exemplary_summary": summary if kind else None}
    return store.update("cases", case["id"], values, expected_version=case["version"])


def list_exemplary(store, kind: str | None = None, year: int | None = None) -> list[dict]:
    """Marked cases (newest decision first), each with its body's name as `body`."""
    if kind and kind not in EXEMPLARY_KINDS:
        raise UserError(f"案例类型应为：{'、'.join(EXEMPLARY_KINDS)}。")
    where, params = "exemplary_kind IS NOT NULL AND exemplary_kind != ''", []
    if kind:
        where += " AND exemplary_kind = ?"
        params.append(kind)
    if year:
        where += " AND substr(decision_date, 1, 4) = ?"
        params.append(f"{int(year):04d}")
    names = store.ref_names("bodies")
    cur = store.conn.cursor()
    cur.row_factory = None
    sql = (f"SELECT {', '.join(LIST_COLUMNS)} FROM cases WHERE deleted = 0 AND {where} "
           "ORDER BY decision_date DESC, case_no")
    out = []
    for r in cur.execute(sql, params).fetchall():
        rec = dict(zip(LIST_COLUMNS, r))
        rec["body"] = names.get(rec.get("body_id") or "", "")
        out.append(rec)
    return out


# ---------------------------------------------------------------------------- case form: catalogs (issue 15)
def discretion_catalogs(store) -> tuple[list[dict], list[dict]]:
    """(包容审慎清单 items in force, 行政裁量权基准 rows) for the case form's pickers; the organisation's own rows
    first, then the county's."""
    own = store.org.code if store.initialized else ""
    cur = store.conn.cursor()
    cur.row_factory = None
    icols = ("id", "owner_org", "list_type", "code", "violation", "conditions", "status")
    items = [dict(zip(icols, r)) for r in cur.execute(
        f"SELECT {', '.join(icols)} FROM leniency_items WHERE deleted = 0 AND coalesce(status, '有效') NOT IN "
        "('停用', '废止') ORDER BY owner_org != ?, list_type, code", (own,))]
    scols = ("id", "owner_org", "code", "violation", "level", "fine_min", "fine_max", "circumstances")
    order = {"轻微": 0, "一般": 1, "较重": 2, "严重": 3}
    stds = [dict(zip(scols, r)) for r in cur.execute(
        f"SELECT {', '.join(scols)} FROM discretion_standards WHERE deleted = 0 ORDER BY owner_org != ?, code",
        (own,))]
    stds.sort(key=lambda s: (s["owner_org"] != own, s["code"] or "", order.get(s["level"], 9)))
    return items, stds
