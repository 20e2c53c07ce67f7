"""Issue 12 "import as history": problems.state_imported / documents.state_imported (1 = the row came from an
old sheet with its state - 已销号, 文号/已签发/已送达 - and is shown read-only as 历史导入; see
domain/record_state.py). NULL/0 for everything else."""


def migrate(db):
    c = db.conn
    for table in ("problems", "documents"):
        have = {r[1] for r in c.execute(f"PRAGMA table_info({table})")}
        if "state_imported" not in have:
            c.execute(f"ALTER TABLE {table} ADD COLUMN state_imported INTEGER")
