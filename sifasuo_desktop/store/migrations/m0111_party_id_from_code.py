"""Issue 12: cases stored before the 当事人身份证号 column (m0170) hold a 自然人's 身份证号 in party_code
(统一社会信用代码), where it is neither validated nor masked. Move a valid 18-digit 身份证号 of a 自然人 case
owned by this installation to party_id_number (the domain rule validators.split_party_id), as an audited
update (version + 1, audit_log and change_log entries) so the change travels and `audit verify` sees no drift.
Rows of other organisations (a county's copy of a township's rows) are fixed by their owner's next package.

The column is added here when missing: on a new database this migration runs before m0170."""
import datetime as _dt


def migrate(db):
    from sifasuo_desktop.domain.validators import split_party_id
    from sifasuo_desktop.store.repo import GENESIS_HASH, audit_hash, canonical_json

    c = db.conn
    have = {r[1] for r in c.execute("PRAGMA table_info(cases)")}
    if "party_id_number" not in have:
        c.execute("ALTER TABLE cases ADD COLUMN party_id_number TEXT")
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"meta", "audit_log", "change_log"} <= tables:
        return
    meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
    org = meta.get("org_code")
    if not org:
        return
    stream = meta.get("stream_id") or meta.get("installation_id") or ""
    cols = [r[1] for r in c.execute("PRAGMA table_info(cases)")]
    rows = c.execute("SELECT * FROM cases WHERE deleted = 0 AND owner_org = ? AND party_type = '自然人' "
                     "AND party_code IS NOT NULL AND party_code <> ''", (org,)).fetchall()
    if not rows:
        return
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    last = c.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS_HASH
    actor = "system:migration"
    for raw in rows:
        before = dict(zip(cols, raw))
        fixed = split_party_id(dict(before))
        if fixed.get("party_code") == before.get("party_code"):
            continue   # not a valid 身份证号 (or a valid 统一社会信用代码): left as it is
        after = dict(before, party_code=fixed.get("party_code"), party_id_number=fixed.get("party_id_number"),
                     version=(before.get("version") or 0) + 1, updated_at=now, updated_by=actor)
        c.execute("UPDATE cases SET party_code = ?, party_id_number = ?, version = ?, updated_at = ?, "
                  "updated_by = ? WHERE id = ?", (after["party_code"], after["party_id_number"], after["version"],
                                                  now, actor, before["id"]))
        b, a = canonical_json(before), canonical_json(after)
        h = audit_hash(prev, now, actor, "update", "cases", before["id"], b, a)
        c.execute("INSERT INTO audit_log(ts, actor, action, table_name, record_id, before, after, prev_hash, hash) "
                  "VALUES (?,?,?,?,?,?,?,?,?)", (now, actor, "update", "cases", before["id"], b, a, prev, h))
        prev = h
        c.execute("INSERT INTO change_log(stream_id, table_name, record_id, version, op, ts) VALUES (?,?,?,?,?,?)",
                  (stream, "cases", before["id"], after["version"], "update", now))
        code = before.get("party_code") or ""
        if "search_index" in tables and code:   # the search text must not keep the full number either
            c.execute("UPDATE search_index SET body = replace(body, ?, '') WHERE record_id = ?", (code, before["id"]))
