"""Sync actions a person decides (sync.md §3.5-3.7): force a held package after its waiting period, resolve a
conflict, lock/unlock a township's month, close a reconciliation, and the county's per-township status."""
from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path

from ..domain.errors import UserError
from ..domain.permissions import require
from ..store import sync_queries as sq
from ..store.sync_apply import apply_remote_rows
from . import policy
from .errors import SyncError
from .importer import DEFAULT_HOLD_DAYS, apply_package
from .local import local_keys, schema_version
from .package import open_package
from .summary import ImportSummary, log_attempt
from .trust import trust_lookup


now_utc = sq.now_utc


def force_held(store, package_id: str, now: _dt.datetime | None = None) -> ImportSummary:
    """Apply a held package over its gap, after the waiting period (setting sync.hold_days, default 5)."""
    require(store.actor, "sync")
    rec = next((h for h in sq.held(store.conn) if h["package_id"] == package_id), None)
    if rec is None:
        raise UserError(f"没有找到暂存的同步包“{package_id}”。")
    days = int(store.get_setting("sync.hold_days", DEFAULT_HOLD_DAYS))
    now_dt = now or _dt.datetime.now(_dt.timezone.utc)
    held_at = _dt.datetime.fromisoformat(rec["held_at"])
    if (now_dt - held_at).total_seconds() < days * 86400:
        raise UserError(f"该包暂存未满 {days} 天，缺失的包可能还会到达；到期后才能强制应用。")
    summary = ImportSummary(rec["file"])
    try:
        pkg = open_package(Path(rec["file"]), local_keys(store), trust_lookup(store), schema_version())
        apply_package(store, pkg, summary, now=now, force=True)
    except SyncError as exc:
        summary.status, summary.code, summary.rejected_reason = "rejected", exc.code, exc.message
    if summary.status != "rejected":
        Path(rec["file"]).unlink(missing_ok=True)
    log_attempt(store, summary)
    return summary


def resolve_conflict(store, conflict_id: int, action: str) -> None:
    """action 'keep': keep this installation's row; 'accept': store the incoming row as it came."""
    require(store.actor, "sync")
    c = sq.conflict(store.conn, conflict_id)
    if c is None or c["resolved_at"]:
        raise UserError(f"没有找到未处理的冲突 #{conflict_id}。")
    if action not in ("keep", "accept"):
        raise UserError("处理方式只能是 keep（保留本机数据）或 accept（采用对方数据）。")
    with store.transaction():
        if action == "accept":
            if c["type"] == "hard" and any(w in c["reason"] for w in ("归属", "不能修改", "不应发给")):
                raise UserError("归属不符的数据不能直接采用，请通知对方按规定流程处理。")
            row = _checked_row(store, c)
            stored = store.get(c["table_name"], c["record_id"])
            why = _state_refusal(store, c["table_name"], stored, row)
            if why:
                raise UserError(f"不能采用对方数据：{why}。")
            apply_remote_rows(store, c["table_name"], [(stored, row)], f"sync:{c['sender_org']}")
        sq.resolve_conflict(store.conn, conflict_id, "采用对方数据" if action == "accept" else "保留本机数据",
                            store.actor.username, now_utc())


def lock_period(store, org_code: str, period: str) -> None:
    require(store.actor, "sync")
    if store.org.role != "county":
        raise UserError("只有县司法局可以锁定（验收）期间。")
    _check_period(period)
    with store.transaction():
        sq.lock_period(store.conn, org_code, period, store.actor.username, now_utc())


def unlock_period(store, org_code: str, period: str) -> int:
    """Unlock and apply the changes that were refused while locked (if still newer). Returns how many."""
    require(store.actor, "sync")
    _check_period(period)
    applied = 0
    with store.transaction():
        if not sq.unlock_period(store.conn, org_code, period):
            raise UserError(f"{org_code} 的 {period} 期间没有被锁定。")
        for c in sq.conflicts(store.conn, True, org_code):
            if c["type"] != "locked":
                continue
            try:
                row = _checked_row(store, c)
            except UserError:       # recorded before the checks of issue 11: never applied
                sq.resolve_conflict(store.conn, c["id"], "格式不正确，未应用", store.actor.username, now_utc())
                continue
            if policy.period_of(c["table_name"], row) != period:
                continue
            stored = store.get(c["table_name"], c["record_id"])
            if _state_refusal(store, c["table_name"], stored, row):
                continue        # stays an open conflict: the state came without its workflow records
            if stored is None or row["version"] > stored["version"]:
                apply_remote_rows(store, c["table_name"], [(stored, row)], f"sync:{org_code}")
                applied += 1
            sq.resolve_conflict(store.conn, c["id"], "解锁后已应用", store.actor.username, now_utc())
    return applied


def _checked_row(store, c: dict) -> dict:
    """The conflict's incoming row, checked like a row in a package (a conflict recorded by an older version
    may hold a row the import would refuse today)."""
    from .records_check import RecordChecker

    try:
        row = json.loads(c["incoming_row"])
    except (TypeError, ValueError):
        row = None
    if not isinstance(row, dict):
        raise UserError(f"冲突 #{c['id']} 中保存的对方数据已损坏，不能采用。")
    sender_role = "county" if store.org.role == "township" else "township"
    tables = set(sq.synced_tables(store.conn))
    RecordChecker(c["sender_org"] or "", sender_role,
                  lambda t: store.columns(t) if t in tables else None).row(c["table_name"], row)
    return row


def _state_refusal(store, table: str, stored: dict | None, row: dict) -> str | None:
    """Issue 12: the county does not take a 销号/签发/送达 that came without its workflow records."""
    if store.org.role != "county":
        return None
    from .records_check import state_refusals

    return state_refusals(store.conn, table, [(stored, row)], {}).get(row.get("id"))


def _check_period(period: str) -> None:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period or ""):
        raise UserError("期间格式应为 YYYY-MM，例如 2026-10。")


def close_reconciliation(store, rec_id: int) -> None:
    require(store.actor, "sync")
    with store.transaction():
        sq.close_reconciliation(store.conn, rec_id, store.actor.username, now_utc())


def township_status(store, today: _dt.date | None = None) -> list[dict]:
    """County sync page: one row per registered township."""
    conn = store.conn
    today = today or _dt.date.today()
    names = sq.township_names(conn)
    held = sq.held(conn)
    confl = sq.conflicts(conn, True)
    recs = sq.reconciliations(conn)
    out = []
    for code in sorted(names):
        streams = sq.streams_of(conn, code)
        active = [s for s in streams if s["status"] == "active"]
        last = max((s["last_package_at"] or "" for s in streams), default="")
        days = None
        if last:
            days = (today - _dt.datetime.fromisoformat(last).date()).days
        out.append({"org_code": code, "org_name": names[code], "last_package_at": last or None,
                    "applied_to": active[-1]["applied_to"] if active else 0,
                    "held": sum(1 for h in held if h["sender_org"] == code),
                    "open_conflicts": sum(1 for c in confl if c["sender_org"] == code),
                    "reconciliations": sum(1 for r in recs if r["org_code"] == code),
                    "days_since_contact": days})
    return out
