"""Audit trail: verify the hash chain, and the change history of one record.

Every audit_log row carries prev_hash (the hash of the row before it) and hash = audit_hash(prev_hash, ts,
actor, action, table, record_id, before, after) — see store/repo.py. Editing any row breaks its own hash;
deleting a row breaks the link of the next one; deleting the newest rows is caught through sqlite_sequence
(AUTOINCREMENT remembers the highest seq ever handed out).

Anchors (issue 11): the chain's head (seq, hash) is kept in a second place — meta 'audit_head' (a trigger,
migration m0105), every backup (a copy of meta), every sync package (the county keeps each township's
history of heads). verify checks the last entry against meta, the heads of the plain backups it finds and
any head given with --anchor; and compares every record's current row with its last audited after-image
(drift: a direct SQL edit of a ledger row or of accounts.role that bypassed the audit).
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
    "import_history": "导入历史记录",
}
HIDDEN_FIELDS = {"version", "updated_at", "updated_by", "created_at", "owner_org", "id"}


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    broken_seq: int | None = None
    reason: str = ""
    entry: dict | None = field(default=None)
    head: dict | None = None                          # {seq, hash} of the last entry
    anchors: list = field(default_factory=list)       # [{source, seq, hash, status, note}]
    drift: list = field(default_factory=list)         # first DRIFT_SHOWN records whose row differs
    drift_count: int = 0

    def as_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "broken_seq": self.broken_seq, "reason": self.reason,
                "entry": self.entry, "head": self.head, "anchors": self.anchors, "drift": self.drift,
                "drift_count": self.drift_count}


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
    head = {"seq": prev_seq, "hash": prev_hash} if count else None
    why = _check_meta_head(conn, prev_seq, prev_hash)
    if why:
        return VerifyResult(False, count, prev_seq + 1 if why[0] == "deleted" else prev_seq, why[1], None, head)
    return VerifyResult(True, count, head=head)


def _check_meta_head(conn, last_seq: int, last_hash: str) -> tuple[str, str] | None:
    """The last entry must be the head kept in meta (written by the trigger with every append)."""
    has_trigger = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_head_to_meta'"
                               ).fetchone()
    if not has_trigger:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "sync_audit_heads" in tables:     # migrated, so the trigger was dropped by hand
            return "trigger", "审计链头触发器被删除，审计日志可能被绕过。"
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if row is None:
        return ("deleted", "审计链头记录（meta）缺失：审计日志或链头被删除。") if last_seq else None
    try:
        seq_s, h = str(row[0]).split(" ", 1)
        seq = int(seq_s)
    except ValueError:
        return "head", "审计链头记录（meta）格式不正确，可能被改动。"
    if seq > last_seq:
        return "deleted", f"最后的第{last_seq + 1}至{seq}条审计记录被删除（与链头记录不符）。"
    if seq < last_seq:
        return "head", f"审计链头记录停在第{seq}条，而日志有{last_seq}条：链头被改动。"
    if h != last_hash:
        return "head", f"第{seq}条审计记录与链头记录的哈希不符：最后的记录被改写。"
    return None


def chain_hash_at(conn, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    return row[0] if row else None


def _restored_before(conn, seq: int) -> bool:
    return conn.execute("SELECT 1 FROM audit_log WHERE action = 'restore' AND seq <= ? LIMIT 1",
                        (seq + 1,)).fetchone() is not None


def check_anchor(conn, seq: int, hash_: str, source: str) -> dict:
    """A head held elsewhere (a backup, the county, a printout) must be an entry of today's chain."""
    have = chain_hash_at(conn, seq)
    if have == hash_:
        return {"source": source, "seq": seq, "hash": hash_, "status": "ok", "note": ""}
    if have is None:
        status, note = "missing", f"第{seq}条审计记录已不存在（日志被截短）"
    else:
        status, note = "mismatch", f"第{seq}条审计记录与该处保存的链头不同（日志被改写）"
    if _restored_before(conn, seq):
        status, note = "restored", note + "；其后有从备份恢复的记录，可能是恢复造成的，请人工核对"
    return {"source": source, "seq": seq, "hash": hash_, "status": status, "note": note}


def backup_heads(data_dir, extra_dirs=()) -> tuple[list[tuple[str, int, str]], int]:
    """(source, seq, hash) of each readable plain backup's head; and how many were skipped (encrypted)."""
    from .backup import list_backups

    out, skipped = [], 0
    for info in list_backups(data_dir, extra_dirs):
        if info.encrypted:
            skipped += 1
            continue
        try:
            c = sqlite3.connect(f"file:{info.path}?mode=ro&immutable=1", uri=True)
            try:
                row = c.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            finally:
                c.close()
        except sqlite3.Error:
            skipped += 1
            continue
        if row:
            out.append((f"备份 {info.path.name}", int(row[0]), str(row[1])))
    return out, skipped


DRIFT_SHOWN = 50
_ACCOUNT_FIELDS = ("role", "active", "display_name")
_SKIP_DRIFT = {"updated_at", "created_at"}


def _same(a, b) -> bool:
    if a == b:
        return True
    if a is None or b is None:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return int(a) == int(b)
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def audit_drift(conn) -> tuple[list[dict], int]:
    """Records whose current row differs from what the audit log last recorded for them (or that are
    gone without an audited deletion). Returns (first DRIFT_SHOWN, total). Streams table by table in
    batches, so memory stays small on a big ledger."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    audited = [r[0] for r in conn.execute("SELECT DISTINCT table_name FROM audit_log") if r[0] in tables]
    out: list[dict] = []
    total = 0

    def report(table, rid, kind, fields):
        nonlocal total
        total += 1
        if len(out) < DRIFT_SHOWN:
            out.append({"table": table, "record_id": rid, "kind": kind, "fields": sorted(fields)})

    for table in sorted(audited):
        key_col = "username" if table == "accounts" else "id"
        cols = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if key_col not in cols:
            continue
        if table == "accounts":      # account events carry partial images: fold them in order
            folded: dict[str, dict] = {}
            for rid, after in conn.execute("SELECT record_id, after FROM audit_log WHERE table_name = 'accounts' "
                                           "AND after IS NOT NULL ORDER BY seq"):
                img = _image(after)
                if img is not None:
                    folded[rid] = {**folded.get(rid, {}), **{k: img[k] for k in _ACCOUNT_FIELDS if k in img}}
            images = iter(folded.items())
        else:                        # record writes carry the whole row: the last one is the audited state
            images = ((rid, _image(after)) for rid, after in conn.execute(
                "SELECT a.record_id, a.after FROM audit_log a JOIN (SELECT max(seq) AS m FROM audit_log "
                "WHERE table_name = ? AND after IS NOT NULL GROUP BY record_id) t ON a.seq = t.m", (table,)))
        batch: list[tuple[str, dict]] = []

        def flush():
            ids = [rid for rid, _ in batch]
            c = conn.cursor()
            c.row_factory = sqlite3.Row
            current = {r[key_col]: dict(r) for r in c.execute(
                f"SELECT * FROM {table} WHERE {key_col} IN ({','.join('?' * len(ids))})", ids)}
            for rid, img in batch:
                row = current.get(rid)
                if row is None:
                    if table == "accounts" or img.get("deleted") in (None, 0, False):
                        report(table, rid, "missing", [])
                    continue
                fields = [k for k, v in img.items() if k in row and k not in _SKIP_DRIFT and not _same(v, row[k])]
                if fields:
                    report(table, rid, "changed", fields)
            batch.clear()

        for rid, img in list(images) if table == "accounts" else images:
            if img is None:
                continue
            batch.append((rid, img))
            if len(batch) >= 500:
                flush()
        if batch:
            flush()
    return out, total


def _image(after):
    try:
        img = json.loads(after)
    except (TypeError, ValueError):
        return None
    return img if isinstance(img, dict) else None


def verify_all(conn, data_dir=None, anchors=(), extra_dirs=(), drift: bool = True) -> VerifyResult:
    """verify_chain + the anchors (meta is inside verify_chain; backups; --anchor heads) + drift."""
    result = verify_chain(conn)
    checks = [check_anchor(conn, seq, h, src) for src, seq, h in anchors]
    skipped = 0
    if data_dir is not None:
        heads, skipped = backup_heads(data_dir, extra_dirs)
        checks += [check_anchor(conn, seq, h, src) for src, seq, h in heads]
    result.anchors = checks
    if skipped:
        result.anchors.append({"source": f"{skipped} 个加密或无法读取的备份", "seq": None, "hash": None,
                               "status": "skipped", "note": "未核对"})
    bad = [a for a in checks if a["status"] in ("missing", "mismatch")]
    if result.ok and bad:
        result.ok = False
        result.broken_seq = bad[0]["seq"]
        result.reason = f"{bad[0]['source']}保存的链头与当前审计日志不符：{bad[0]['note']}。"
    if drift:
        result.drift, result.drift_count = audit_drift(conn)
        if result.drift_count and result.ok:
            result.ok = False
            first = result.drift[0]
            result.reason = (f"{result.drift_count} 条记录的当前内容与审计日志最后记录的不同（未经程序直接改动数据库），"
                             f"如 {first['table']}/{first['record_id']}"
                             f"{'（' + '、'.join(first['fields']) + '）' if first['fields'] else '（已不存在）'}。")
    return result


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
