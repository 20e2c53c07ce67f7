"""Store-side SQL for the documents feature (文号 sequences, read-only lookups)."""
from __future__ import annotations

import datetime as _dt
import json
import sqlite3

from sifasuo_desktop.domain.errors import UserError


def take_doc_number(store, code: str, doc_type: str, year: int, exists=None) -> int:
    """Next serial for (code, doc_type, year). Must run inside `store.transaction()` so that a failed issue
    rolls the counter back (gap-free). `exists(seq) -> bool` lets the caller skip numbers already printed
    on another document (imported or synced), so a number is never used twice."""
    if not store.conn.in_transaction:
        raise RuntimeError("take_doc_number must run inside store.transaction()")
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    row = store.conn.execute("SELECT last_seq FROM doc_number_seq WHERE code=? AND doc_type=? AND year=?",
                             (code, doc_type, year)).fetchone()
    seq = (row[0] if row else 0) + 1
    while exists is not None and exists(seq):
        seq += 1
    try:
        if row:
            store.conn.execute("UPDATE doc_number_seq SET last_seq=?, updated_at=? WHERE code=? AND doc_type=? "
                               "AND year=?", (seq, now, code, doc_type, year))
        else:
            store.conn.execute("INSERT INTO doc_number_seq(code, doc_type, year, last_seq, updated_at) "
                               "VALUES (?,?,?,?,?)", (code, doc_type, year, seq, now))
    except sqlite3.Error as exc:
        raise UserError(f"分配文号失败：{exc}") from exc
    return seq


def last_doc_number(store, code: str, doc_type: str, year: int) -> int:
    row = store.conn.execute("SELECT last_seq FROM doc_number_seq WHERE code=? AND doc_type=? AND year=?",
                             (code, doc_type, year)).fetchone()
    return row[0] if row else 0


def doc_no_in_use(store, doc_no: str, exclude_id: str | None = None) -> bool:
    row = store.conn.execute("SELECT 1 FROM documents WHERE doc_no = ? AND deleted = 0 AND id IS NOT ? LIMIT 1",
                             (doc_no, exclude_id)).fetchone()
    return row is not None


def documents_referencing(store, table: str, record_id: str) -> list[dict]:
    """Documents whose structured content lists `record_id` among the records it concerns."""
    out = []
    like = f'%"{record_id}"%'
    for r in store.conn.execute("SELECT * FROM documents WHERE deleted = 0 AND layout_json LIKE ?", (like,)):
        d = dict(r)
        try:
            refs = (json.loads(d["layout_json"]) or {}).get("refs", {})
        except (TypeError, ValueError):
            continue
        if record_id in (refs.get(table) or []):
            out.append(d)
    return out


def open_problems(store, body_id: str) -> list[dict]:
    return store.rows("problems", "body_id = ? AND coalesce(status, '') != '已销号'", (body_id,),
                      order_by="found_date, problem_no")


def review_kind_counts(store, batch_id: str) -> dict:
    """{permit, penalty, other}: the batch's reviewed files by the 案件类型 of their case (linked by id, else by 案号);
    a file whose case is not in the ledger counts as 其他."""
    sql = ("SELECT coalesce(c.case_type, c2.case_type, '') AS kind FROM reviews r "
           "LEFT JOIN cases c ON c.id = r.case_id AND c.deleted = 0 "
           "LEFT JOIN cases c2 ON r.case_id IS NULL AND c2.case_no = r.case_no AND c2.deleted = 0 "
           "WHERE r.deleted = 0 AND r.batch_id = ? GROUP BY r.id")
    out = {"permit": 0, "penalty": 0, "other": 0}
    for (kind,) in store.conn.execute(sql, (batch_id,)):
        kind = kind or ""
        out["permit" if kind == "行政许可" else "penalty" if kind.startswith("行政处罚") else "other"] += 1
    return out


def review_grade_rows(store, batch_id: str) -> list[dict]:
    sql = ("SELECT body_id, count(*) AS cases, sum(grade='优秀') AS excellent, sum(grade='良好') AS good, "
           "sum(grade='合格') AS passed, sum(grade='不合格') AS failed, round(avg(score), 1) AS avg "
           "FROM reviews WHERE deleted = 0 AND batch_id = ? GROUP BY body_id ORDER BY body_id")
    return [dict(r) for r in store.conn.execute(sql, (batch_id,))]


def duplicate_doc_nos(conn, owner_org: str | None = None) -> list[str]:
    """文号 carried by more than one live document (county-wide); with `owner_org`, only those where one of
    the documents belongs to that organisation (what a township's package just brought)."""
    sql = ("SELECT doc_no FROM documents WHERE deleted = 0 AND coalesce(doc_no, '') != '' GROUP BY doc_no "
           "HAVING count(*) > 1")
    params: tuple = ()
    if owner_org is not None:
        sql += " AND sum(owner_org = ?) > 0"
        params = (owner_org,)
    return [r[0] for r in conn.execute(sql + " ORDER BY doc_no", params)]
