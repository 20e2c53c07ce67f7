"""Handled findings (issue 12) and the 回收站 (deleted records a leader restores).

    handle_finding(store, code, record_type, record_id, disposition, reason) -> row
    unhandle_finding(store, code, record_type, record_id) -> bool
    handlings(store) -> {(code, record_type, record_id): row}
    deleted_records(store, table) / restore_record(store, table, record_id)

Every write goes through Store.insert/update, so it is audited (hash chain) and change-logged (sync) like
any other record.
"""
from __future__ import annotations

from sifasuo_desktop.domain import handling as H
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import require

from .repo import StoreError, utc_now


def _table_exists(store, table: str) -> bool:
    return store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (table,)).fetchone() is not None


def _identity_rows(store, code: str, record_type: str, record_id: str, live_only: bool = True) -> list[dict]:
    if not _table_exists(store, H.TABLE):
        return []
    return store.rows(H.TABLE, "rule_code = ? AND record_type = ? AND record_id = ?",
                      (code, record_type, record_id), include_deleted=not live_only)


def handle_finding(store, code: str, record_type: str, record_id: str, disposition: str, reason: str) -> dict:
    """Mark a finding handled (a leader or admin). Refuses unknown rules, record types, missing records,
    a disposition outside 已知悉/已纠正/无法纠正 and an empty or overlong reason (Chinese StoreError)."""
    from sifasuo_desktop.domain.rules import CODES

    require(store.actor, "handle_finding")
    code = (code or "").strip().upper()
    reason = H.clean_reason(reason)
    why = H.problem(code, record_type, record_id, disposition, reason, known_codes=set(CODES))
    if why:
        raise StoreError(why + "，没有保存。")
    rec = store.get(record_type, record_id) if _table_exists(store, record_type) else None
    if rec is None or rec.get("deleted"):
        label = LEDGERS[record_type].title if record_type in LEDGERS else record_type
        raise StoreError(f"找不到要处置的记录（{label}，{record_id[:40]}），没有保存。")
    owner = store.meta("org_code") or "local"
    hid = H.handling_id(owner, code, record_type, record_id)
    values = {"rule_code": code, "record_type": record_type, "record_id": record_id, "disposition": disposition,
              "reason": reason, "handled_by": store.actor.label, "handled_at": utc_now()}
    with store.transaction():
        existing = store.get(H.TABLE, hid)
        if existing is None:
            return store.insert(H.TABLE, dict(values, id=hid), action="handle_finding", owner_org=owner)
        if not existing["deleted"] and existing["disposition"] == disposition and existing["reason"] == reason:
            return existing
        return store.update(H.TABLE, hid, dict(values, deleted=0), action="handle_finding")


def unhandle_finding(store, code: str, record_type: str, record_id: str) -> bool:
    """Take a handling back (the finding counts again). False when it was not handled here."""
    require(store.actor, "handle_finding")
    code = (code or "").strip().upper()
    owner = store.meta("org_code") or "local"
    hid = H.handling_id(owner, code, record_type, record_id)
    if not _table_exists(store, H.TABLE):
        return False
    row = store.get(H.TABLE, hid)
    if row is None or row["deleted"]:
        if _identity_rows(store, code, record_type, record_id):
            raise StoreError("该预警是由其他机构（乡镇/县局）处置的，只能由处置它的机构取消。")
        return False
    store.delete(H.TABLE, hid, action="handle_finding")
    return True


def handlings(store) -> dict[tuple[str, str, str], dict]:
    """Every live handling by finding identity (this office's own wins over one received by sync)."""
    if not _table_exists(store, H.TABLE):
        return {}
    own = store.meta("org_code")
    out: dict[tuple[str, str, str], dict] = {}
    for r in store.conn.execute(
            f"SELECT id, owner_org, rule_code, record_type, record_id, disposition, reason, handled_by, handled_at "
            f"FROM {H.TABLE} WHERE deleted = 0"):
        r = dict(r)
        key = (r["rule_code"], r["record_type"], r["record_id"])
        if key not in out or r["owner_org"] == own:
            out[key] = r
    return out


def record_handlings(store, record_type: str, record_id: str) -> dict[str, dict]:
    """code -> handling for one record (the record form's warning list)."""
    if not _table_exists(store, H.TABLE):
        return {}
    own = store.meta("org_code")
    out: dict[str, dict] = {}
    for r in store.rows(H.TABLE, "record_type = ? AND record_id = ?", (record_type, record_id)):
        if r["rule_code"] not in out or r["owner_org"] == own:
            out[r["rule_code"]] = r
    return out


# ---------------------------------------------------------------------- 回收站
RECYCLE_LIMIT = 2000


def deleted_records(store, table: str, limit: int = RECYCLE_LIMIT) -> list[dict]:
    """The tombstones of one ledger this office owns, newest deletion first (who/when = updated_by/at)."""
    if table not in LEDGERS:
        raise StoreError(f"未知的台账“{table}”。")
    return store.rows(table, "deleted = 1 AND owner_org = ?", (store.meta("org_code") or "local",),
                      order_by="updated_at DESC", include_deleted=True, limit=limit)


def deleted_counts(store) -> dict[str, int]:
    own = store.meta("org_code") or "local"
    out = {}
    for key, ledger in LEDGERS.items():
        if key != ledger.table or not _table_exists(store, ledger.table):
            continue
        n = store.conn.execute(f"SELECT count(*) FROM {ledger.table} WHERE deleted = 1 AND owner_org = ?",
                               (own,)).fetchone()[0]
        if n:
            out[ledger.table] = n
    return out


def restore_record(store, table: str, record_id: str) -> dict:
    """Bring a deleted record back exactly as it was (same id and values; the version goes up so the
    restore travels in sync packages). A leader or admin; audited like every write."""
    require(store.actor, "restore_deleted")
    if table not in LEDGERS:
        raise StoreError(f"未知的台账“{table}”。")
    with store.transaction():
        rec = store.get(table, record_id)
        if rec is None:
            raise StoreError("回收站中没有这条记录。")
        if not rec["deleted"]:
            return rec
        if rec["owner_org"] != (store.meta("org_code") or "local"):
            raise StoreError("这条记录属于其他机构，只能由该机构恢复。")
        if table == "cases" and rec.get("case_no"):
            try:
                store._refuse_duplicate_case(rec)
            except StoreError:
                raise StoreError(f"案号“{rec['case_no']}”已有另一件在用的案件，不能恢复这件已删除的案件"
                                 "（请先处理重复的案号）。") from None
        return store.update(table, record_id, {"deleted": 0}, action="restore_deleted")
