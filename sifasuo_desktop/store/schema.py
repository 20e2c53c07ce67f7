"""Schema helpers shared by migrations."""
from __future__ import annotations

SYNC_COLUMNS = (
    ("id", "TEXT PRIMARY KEY NOT NULL"),
    ("owner_org", "TEXT NOT NULL"),
    ("version", "INTEGER NOT NULL DEFAULT 1"),
    ("deleted", "INTEGER NOT NULL DEFAULT 0"),
    ("created_at", "TEXT NOT NULL"),
    ("updated_at", "TEXT NOT NULL"),
    ("updated_by", "TEXT NOT NULL"),
)
SYNC_COLUMN_NAMES = tuple(c for c, _ in SYNC_COLUMNS)


def create_synced_table(db, name: str, columns: dict[str, str], indexes: tuple = ()) -> None:
    """Create a synced table: the sync columns plus `columns` (name -> SQL type/constraints).

    `db` is a sqlite_utils.Database or a sqlite3.Connection. `indexes` is a tuple of column names or
    tuples of column names.
    """
    conn = getattr(db, "conn", db)
    cols = [f"{c} {t}" for c, t in SYNC_COLUMNS] + [f"{c} {t}" for c, t in columns.items()]
    conn.execute(f"CREATE TABLE {name} (\n  " + ",\n  ".join(cols) + "\n)")
    conn.execute(f"CREATE INDEX idx_{name}_owner ON {name}(owner_org, deleted)")
    for ix in indexes:
        ix_cols = (ix,) if isinstance(ix, str) else tuple(ix)
        conn.execute(f"CREATE INDEX idx_{name}_{'_'.join(ix_cols)} ON {name}({', '.join(ix_cols)})")


def table_columns(conn, name: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]
