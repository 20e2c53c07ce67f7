"""Sync bookkeeping (issue 6). Installation-local tables: never synced, never in packages."""


def migrate(db):
    c = db.conn
    # public keys of the other side(s), pinned after the fingerprint was confirmed
    c.execute("""CREATE TABLE sync_trusted_keys (
        key_id TEXT PRIMARY KEY, org_code TEXT NOT NULL, org_name TEXT, role TEXT NOT NULL,
        sign_pub TEXT NOT NULL, box_pub TEXT NOT NULL, fingerprint TEXT NOT NULL,
        trusted_at TEXT NOT NULL, trusted_by TEXT, revoked_at TEXT)""")
    c.execute("CREATE INDEX idx_sync_trusted_org ON sync_trusted_keys(org_code)")
    # every package applied (or dry-run never recorded); duplicates are recognised by package_id
    c.execute("""CREATE TABLE sync_imported_packages (
        package_id TEXT PRIMARY KEY, sha256 TEXT, sender_org TEXT NOT NULL, kind TEXT NOT NULL,
        stream_id TEXT, seq_from INTEGER, seq_to INTEGER, created_at_local TEXT, received_at TEXT NOT NULL,
        result TEXT NOT NULL, summary TEXT)""")
    # how far each incoming stream has been applied here
    c.execute("""CREATE TABLE sync_streams (
        stream_id TEXT PRIMARY KEY, org_code TEXT NOT NULL, applied_to INTEGER NOT NULL DEFAULT 0,
        prev_stream_id TEXT, first_seen_at TEXT NOT NULL, last_package_at TEXT, last_created_at_local TEXT,
        status TEXT NOT NULL DEFAULT 'active')""")
    c.execute("CREATE INDEX idx_sync_streams_org ON sync_streams(org_code)")
    # acknowledgements received from the other side about OUR streams
    c.execute("""CREATE TABLE sync_acks (
        peer_org TEXT NOT NULL, stream_id TEXT NOT NULL, acked_to INTEGER NOT NULL, received_at TEXT NOT NULL,
        PRIMARY KEY (peer_org, stream_id))""")
    # packages waiting for a gap to fill (the ciphertext is kept under <data>/sync/held/)
    c.execute("""CREATE TABLE sync_held (
        package_id TEXT PRIMARY KEY, sender_org TEXT NOT NULL, stream_id TEXT NOT NULL,
        seq_from INTEGER NOT NULL, seq_to INTEGER NOT NULL, file TEXT NOT NULL, held_at TEXT NOT NULL,
        reason TEXT)""")
    c.execute("""CREATE TABLE sync_conflicts (
        id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, reason TEXT NOT NULL,
        table_name TEXT NOT NULL, record_id TEXT NOT NULL, owner_org TEXT, sender_org TEXT,
        local_version INTEGER, incoming_version INTEGER, local_hash TEXT, incoming_hash TEXT,
        conflicting_fields TEXT, incoming_row TEXT, package_id TEXT, stream_id TEXT,
        created_at TEXT NOT NULL, resolved_at TEXT, resolved_by TEXT, resolution TEXT)""")
    c.execute("CREATE INDEX idx_sync_conflicts_open ON sync_conflicts(resolved_at, sender_org)")
    # county: periods accepted/locked per township (DHIS2-style approval lock)
    c.execute("""CREATE TABLE sync_period_locks (
        org_code TEXT NOT NULL, period TEXT NOT NULL, locked_at TEXT NOT NULL, locked_by TEXT,
        PRIMARY KEY (org_code, period))""")
    # county: reconciliations opened when a township starts a new stream (restore / reinstall)
    c.execute("""CREATE TABLE sync_reconciliations (
        id INTEGER PRIMARY KEY AUTOINCREMENT, org_code TEXT NOT NULL, old_stream_id TEXT, new_stream_id TEXT,
        opened_at TEXT NOT NULL, details TEXT, closed_at TEXT, closed_by TEXT)""")
