"""Apply records received in a sync package, keeping their id/owner_org/version/updated_by/updated_at.

The public Store API always bumps `version` and stamps the local account; a replica must store the
owner's row exactly. This module writes such rows and still appends audit_log (hash chain) and
change_log entries, and updates the search index, in the caller's transaction - the same bookkeeping
Store.insert/update do. Call it inside `with store.transaction():`.
"""
from __future__ import annotations

from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import require

from . import search_grams
from .repo import StoreError, audit_hash, canonical_json, utc_now


def apply_remote_rows(store, table: str, items: list[tuple[dict | None, dict]], actor_name: str) -> int:
    """items: (row as stored before or None, incoming full row). Returns the number written."""
    if not items:
        return 0
    require(store.actor, "sync")
    if not store.conn.in_transaction:
        raise RuntimeError("apply_remote_rows must run inside store.transaction()")
    cols = store.columns(table)
    colset = set(cols)
    for _, row in items:
        if set(row) != colset:
            raise StoreError(f"同步数据与本机数据表“{table}”的字段不一致，无法导入。")
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    store.conn.executemany(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
        f"ON CONFLICT(id) DO UPDATE SET {sets}", [[row[c] for c in cols] for _, row in items])
    now = utc_now()
    prev = store._last_hash()
    audit_rows, change_rows = [], []
    sid = store.stream_id
    for before, row in items:
        op = "delete" if row["deleted"] else ("insert" if before is None else "update")
        b = canonical_json(before) if before is not None else None
        a = canonical_json(row)
        h = audit_hash(prev, now, actor_name, op, table, row["id"], b, a)
        audit_rows.append((now, actor_name, op, table, row["id"], b, a, prev, h))
        prev = h
        change_rows.append((sid, table, row["id"], row["version"], op, now))
    store.conn.executemany(
        "INSERT INTO audit_log(ts, actor, action, table_name, record_id, before, after, prev_hash, hash) "
        "VALUES (?,?,?,?,?,?,?,?,?)", audit_rows)
    store.conn.executemany(
        "INSERT INTO change_log(stream_id, table_name, record_id, version, op, ts) VALUES (?,?,?,?,?,?)",
        change_rows)
    store._ref_cache.pop(table, None)
    if table in LEDGERS:  # same search index rows as Store._index_record, written in bulk
        store.defer_search_index()   # full-text indexes filled once before the commit
        store.conn.executemany("DELETE FROM search_index WHERE record_id = ?",
                               [(row["id"],) for _, row in items if row["deleted"]])
        store.conn.executemany(
            search_grams.index_sql(LEDGERS[table]),   # filter tokens from the rows just written
            [(table, row["id"], store.search_text(table, row)) for _, row in items if not row["deleted"]])
    for _, row in items:
        store._pending.add(table, row["id"])
    store.note_bulk_write(len(items))
    return len(items)
