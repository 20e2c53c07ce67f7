"""Row-by-row decisions of sync.md §3.5 (insert, update, ignore or record a conflict), written in blocks
through store.sync_apply."""
from __future__ import annotations

import json

from ..store import sync_queries as sq
from ..store.schema import SYNC_COLUMN_NAMES
from ..store.sync_apply import apply_remote_rows
from . import errors as E
from . import policy
from .errors import SyncError
from .records_check import RecordChecker, state_refusals


class RowApplier:
    """Row-by-row decisions of sync.md §3.5, written in blocks through store.sync_apply."""

    def __init__(self, store, me, sender, sid, package_id, stamp, tables, locks, reconciling, force,
                 fail_after, summary):
        self.store, self.me, self.sender, self.sid = store, me, sender, sid
        self.package_id, self.stamp, self.tables, self.locks = package_id, stamp, tables, locks
        self.reconciling, self.force, self.fail_after, self.summary = reconciling, force, fail_after, summary
        self.done = 0
        self.regressions = 0
        self.digest_mismatch = None
        self.attachments: list[dict] = []
        self.actor = f"sync:{sender}"
        self.checker: RecordChecker | None = None

    def conflict(self, kind: str, reason: str, table: str, row: dict, stored: dict | None) -> None:
        fields = sorted(k for k in row if k not in SYNC_COLUMN_NAMES and stored is not None
                        and stored.get(k) != row.get(k)) if isinstance(row, dict) else []
        rec = {"type": kind, "reason": reason, "table_name": table, "record_id": str(row.get("id")),
               "owner_org": row.get("owner_org"), "sender_org": self.sender,
               "local_version": stored["version"] if stored else None, "incoming_version": row.get("version"),
               "local_hash": sq.row_hash(stored) if stored else None, "incoming_hash": sq.row_hash(row),
               "conflicting_fields": json.dumps(fields, ensure_ascii=False),
               "incoming_row": json.dumps(row, ensure_ascii=False), "package_id": self.package_id,
               "stream_id": self.sid, "created_at": self.stamp}
        sq.add_conflict(self.store.conn, rec)
        self.summary.conflicts.append({"type": kind, "reason": reason, "table": table, "id": rec["record_id"]})

    def run(self, block: list[dict]) -> None:
        if not block:
            return
        conn = self.store.conn
        by_table: dict[str, list[dict]] = {}
        for e in block:
            table, row = self.checker.entry(e)
            if table in self.tables:
                self.checker.row(table, row)     # type and range of every field, before anything is applied
            elif "id" not in row or not isinstance(row["id"], str):
                raise SyncError(E.CORRUPT, "同步包中的记录格式不正确。")
            by_table.setdefault(table, []).append(row)
        for table, rows in by_table.items():
            if table not in self.tables:
                for row in rows:
                    self.conflict("hard", "本机没有这个数据表", table, row, None)
                continue
            existing = sq.fetch_rows(conn, table, [r["id"] for r in rows])
            items = []
            for row in rows:
                stored = existing.get(row["id"])
                action = self.decide(table, row, stored)
                if action:
                    items.append((stored, row))
                    if table == "attachments":
                        self.attachments.append(row)
                    if action == "insert":
                        self.summary.imported += 1
                    else:
                        self.summary.updated += 1
                    if self.force:
                        self.conflict("soft", "跳过缺失的同步包强制应用", table, row, stored)
                self.done += 1
                if self.fail_after is not None and self.done >= self.fail_after:
                    apply_remote_rows(self.store, table, items, self.actor)
                    raise RuntimeError(f"injected failure after {self.done} rows")
            if self.me.role == "county":     # issue 12: no 销号/签发/送达 without its workflow records
                items = self._refuse_bare_states(conn, table, items, by_table)
            apply_remote_rows(self.store, table, items, self.actor)

    def _refuse_bare_states(self, conn, table: str, items: list, block: dict) -> list:
        """Rows whose 销号/签发/送达 came without the workflow's records (domain.record_state.sync_refusal)
        become hard conflicts with the Chinese reason in the report; the stored row stays as it is."""
        refused = state_refusals(conn, table, items, block)
        if not refused:
            return items
        for stored, row in items:
            if row["id"] in refused:
                self.conflict("hard", refused[row["id"]], table, row, stored)
                self.summary.warnings.append(refused[row["id"]])
                if stored is None:
                    self.summary.imported -= 1
                else:
                    self.summary.updated -= 1
        return [it for it in items if it[1]["id"] not in refused]

    def decide(self, table: str, row: dict, stored: dict | None) -> str | None:
        county = self.me.role == "county"
        if county:
            owner_ok = (row.get("owner_org") == self.sender and table not in policy.COUNTY_ONLY_TABLES
                        and table not in policy.LOCAL_UP_TABLES)
            why = "乡镇不能修改县局所有的数据（目录、标准、设置）或其他乡镇的数据"
        else:
            owner_ok = row.get("owner_org") == self.sender and policy.goes_down(table, row, self.sender,
                                                                                 self.me.code)
            why = "县局同步包中含有不应发给本所的数据"
        if not owner_ok:
            self.conflict("hard", why, table, row, stored)
            return None
        if county and self.locks:
            period = policy.period_of(table, row)
            if period in self.locks:
                self.conflict("locked", f"{period} 期间已被县局锁定（已验收），需先解锁", table, row, stored)
                return None
        if stored is None:
            return "insert"
        if stored["owner_org"] != row["owner_org"]:
            if table == "settings" and not county:
                return "update"  # a county-managed setting replaces the township's local value
            self.conflict("hard", "本机已有同编号但归属不同的记录", table, row, stored)
            return None
        if row["version"] > stored["version"]:
            return "update"
        if row["version"] == stored["version"]:
            if sq.row_hash(row) == sq.row_hash(stored):
                self.summary.ignored += 1
                return None
            self.conflict("hard", "版本号相同但内容不同（可能是恢复备份、程序错误或被篡改）", table, row, stored)
            return None
        if self.reconciling:
            self.regressions += 1
            self.conflict("soft", "版本回退：乡镇的记录比县局已有的旧（可能从备份恢复），未覆盖", table, row, stored)
        else:
            self.summary.ignored += 1
        return None

