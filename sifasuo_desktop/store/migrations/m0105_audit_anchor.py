"""Audit chain anchor (issue 11, item 10).

* meta 'audit_head' = "<seq> <hash>" of the newest audit_log entry, kept by a trigger in the same
  transaction as every append (whoever appends: records, accounts, sync, restore). Every backup copies
  it; every sync package carries it in the signed manifest.
* sync_audit_heads: on the county, the history of each township's heads as received in its packages
  (installation-local, never synced).
"""


def migrate(db):
    c = db.conn
    c.execute("""CREATE TRIGGER IF NOT EXISTS audit_head_to_meta AFTER INSERT ON audit_log BEGIN
        INSERT OR REPLACE INTO meta(key, value) VALUES ('audit_head', NEW.seq || ' ' || NEW.hash);
    END""")
    row = c.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    if row is not None:
        c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('audit_head', ?)", (f"{row[0]} {row[1]}",))
    c.execute("""CREATE TABLE IF NOT EXISTS sync_audit_heads (
        id INTEGER PRIMARY KEY AUTOINCREMENT, org_code TEXT NOT NULL, stream_id TEXT, seq INTEGER NOT NULL,
        hash TEXT NOT NULL, package_id TEXT, received_at TEXT NOT NULL)""")
    c.execute("CREATE INDEX IF NOT EXISTS idx_sync_audit_heads_org ON sync_audit_heads(org_code, seq)")
