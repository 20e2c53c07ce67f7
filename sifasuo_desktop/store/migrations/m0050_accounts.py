"""Local accounts (issue 7). Installation-local: never synced, never in sync packages."""


def migrate(db):
    c = db.conn
    c.execute("""CREATE TABLE accounts (
        username TEXT PRIMARY KEY COLLATE NOCASE,
        display_name TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        recovery_hash TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        must_change INTEGER NOT NULL DEFAULT 0,
        failed_count INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_login_at TEXT)""")
