"""Audit trail: verify the hash chain, and the change history of one record.

Every audit_log row carries prev_hash (the hash of the row before it) and hash = audit_hash(prev_hash, ts,
actor, action, table, record_id, before, after) — see store/repo.py. Editing any row breaks its own hash;
deleting a row breaks the link of the next one; deleting the newest rows is caught through sqlite_sequence
(AUTOINCREMENT remembers the highest seq ever handed out).
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field

from sifasuo_desktop.domain.ledgers import BOOL, LEDGERS, REF
from sifasuo_desktop.domain.permissions import ROLE_LABELS, Actor, allowed
from sifasuo_desktop.domain.validators import mask_id_number, mask_phone
from sifasuo_desktop.store.repo import GENESIS_HASH, audit_hash, canonical_json, utc_now

ACTION_LABELS = {
    "insert": "新建", "update": "修改", "delete": "删除", "settings": "修改设置",
    "account_create": "创建账号", "account_role": "修改角色", "account_active": "启用/停用账号",
    "account_update": "修改账号", "account_unlock": "解锁账号", "password_reset": "重置密码",
    "password_change": "修改密码", "recovery_code_new": "更换恢复码", "recovery_used": "用恢复码重设密码",
    "login": "登录", "login_failed": "密码错误", "account_locked": "账号锁定", "restore": "从备份恢复",
}
HIDDEN_FIELDS = {"version", "updated_at", "updated_by", "created_at", "owner_org", "id"}


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    broken_seq: int | None = None
    reason: str = ""
    entry: dict | None = field(default=None)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "broken_seq": self.broken_seq, "reason": self.reason,
                "entry": self.entry}


def _entry_summary(row) -> dict:
    return {"seq": row["seq"], "ts": row["ts"], "actor": row["actor"], "action": row["action"],
            "table": row["table_name"], "record_id": row["record_id"]}


def verify_chain(conn) -> VerifyResult:
    """Walk the audit log in order; stop at the first entry that does not fit the chain."""
    prev_hash = GENESIS_HASH
    prev_seq = 0
    count = 0
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    cur.execute("SELECT seq, ts, actor, action, table_name, record_id, before, after, prev_hash, hash "
                       "FROM audit_log ORDER BY seq")
    for row in cur:
        seq = row["seq"]
        if seq != prev_seq + 1:
            return VerifyResult(False, count, seq, f"第{prev_seq + 1}至{seq - 1}条审计记录被删除，链条在第{seq}条处断开。",
                                _entry_summary(row))
        if row["prev_hash"] != prev_hash:
            return VerifyResult(False, count, seq, f"第{seq}条审计记录的前一条哈希不符：前面的记录被修改或删除过。",
                                _entry_summary(row))
        expect = audit_hash(row["prev_hash"], row["ts"], row["actor"], row["action"], row["table_name"],
                            row["record_id"], row["before"], row["after"])
        if expect != row["hash"]:
            return VerifyResult(False, count, seq, f"第{seq}条审计记录的内容与其哈希不符：该条记录被修改过。",
                                _entry_summary(row))
        prev_hash = row["hash"]
        prev_seq = seq
        count += 1
    top = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if top is not None and top[0] > prev_seq:
        return VerifyResult(False, count, prev_seq + 1,
                            f"最后的第{prev_seq + 1}至{top[0]}条审计记录被删除。", None)
    return VerifyResult(True, count)


def append_audit(store, action: str, table: str, record_id: str, before: dict | None, after: dict | None,
                 actor: str | None = None) -> None:
    """Append a non-record event (account change, login, restore) to the chain, in one transaction."""
    with store.transaction():
        row = store.conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        prev = row[0] if row else GENESIS_HASH
        now = utc_now()
        who = actor or store.actor.username
        b = canonical_json(before) if before is not None else None
        a = canonical_json(after) if after is not None else None
        h = audit_hash(prev, now, who, action, table, record_id, b, a)
        store.conn.execute(
            "INSERT INTO audit_log(ts, actor, action, table_name, record_id, before, after, prev_hash, hash) "
            "VALUES (?,?,?,?,?,?,?,?,?)", (now, who, action, table, record_id, b, a, prev, h))


# ---------------------------------------------------------------------------- history of one record
def _label(table: str, name: str) -> str:
    ledger = LEDGERS.get(table)
    if ledger is not None:
        try:
            return ledger.field(name).label
        except KeyError:
            pass
    return {"deleted": "已删除", "value": "值", "key": "键", "role": "角色", "active": "启用",
            "display_name": "姓名", "username": "用户名", "must_change": "须改密码", "locked_until": "锁定至"}.get(name, name)


def _sensitive(table: str, name: str) -> str | None:
    ledger = LEDGERS.get(table)
    if ledger is None:
        return None
    try:
        f = ledger.field(name)
    except KeyError:
        return None
    return f.kind if f.sensitive else None


def _field(table: str, name: str):
    ledger = LEDGERS.get(table)
    if ledger is None:
        return None
    try:
        return ledger.field(name)
    except KeyError:
        return None


def _shown(table: str, name: str, value, full: bool, store=None):
    if value is None or value == "":
        return ""
    f = _field(table, name)
    if isinstance(value, bool) or name == "deleted" or (f is not None and f.kind == BOOL):
        return "是" if value else "否"
    if f is not None and f.kind == REF and f.ref and store is not None:
        try:
            return store.ref_names(f.ref).get(value, value)
        except Exception:  # an unknown table in an old entry: show the id
            return value
    kind = _sensitive(table, name)
    if kind and not full:
        return mask_id_number(value) if kind == "id_number" else mask_phone(value)
    if table == "accounts" and name == "role":
        return ROLE_LABELS.get(value, value)
    return value


def local_time(ts: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(ts)
    except (TypeError, ValueError):
        return ts or ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def record_history(store, table: str, record_id: str, actor: Actor | None = None) -> list[dict]:
    """Who changed what and when, oldest first. Personal data masked unless the actor may see it in full."""
    actor = actor or store.actor
    full = allowed(actor, "view_personal_full")
    rows = store.conn.execute(
        "SELECT seq, ts, actor, action, before, after FROM audit_log WHERE table_name = ? AND record_id = ? "
        "ORDER BY seq", (table, record_id)).fetchall()
    out = []
    for r in rows:
        before = json.loads(r["before"]) if r["before"] else {}
        after = json.loads(r["after"]) if r["after"] else {}
        changes = []
        names = list(dict.fromkeys([*before, *after]))
        ledger = LEDGERS.get(table)
        if ledger is not None:  # the order of the form, not of the stored JSON
            order = {f.name: i for i, f in enumerate(ledger.fields)}
            names.sort(key=lambda n: order.get(n, len(order)))
        for name in names:
            if name in HIDDEN_FIELDS:
                continue
            old, new = before.get(name), after.get(name)
            if old == new or (not before and (new in (None, "") or name == "deleted")):
                continue
            changes.append({"field": name, "label": _label(table, name), "old": _shown(table, name, old, full, store),
                            "new": _shown(table, name, new, full, store)})
        out.append({"seq": r["seq"], "ts": r["ts"], "time": local_time(r["ts"]), "actor": r["actor"],
                    "action": r["action"], "action_label": ACTION_LABELS.get(r["action"], r["action"]),
                    "changes": changes})
    return out
