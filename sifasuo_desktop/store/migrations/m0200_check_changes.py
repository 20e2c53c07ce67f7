"""Issue 19: a change counter for the warning checks' findings cache (store/findings_cache.py).

`check_changes.n` goes up with every insert, update or delete of a table the warning rules read (the tables of
rules_queries.COLUMNS as of this migration, plus holidays and settings), so a cached result of the checks is
known to be current without reading a million records. A table added to the rules later needs its own
triggers (a later migration calling `add_counter_triggers`); until it has them the cache is not used
(findings_cache.counted_tables checks it on every run)."""

TABLES = ("cases", "inspections", "officers", "trainings", "cert_events", "bodies", "powers", "problems", "documents",
          "service_receipts", "leniency_items", "discretion_standards", "plan_tasks", "power_evaluations",
          "supervision_plans", "visits", "review_batches", "supervisors", "inspection_items", "inspection_plans",
          "complaints", "holidays", "settings")


def add_counter_triggers(conn, table: str) -> None:
    for op, short in (("INSERT", "i"), ("UPDATE", "u"), ("DELETE", "d")):
        conn.execute(f"CREATE TRIGGER IF NOT EXISTS chk_{table}_{short} AFTER {op} ON {table} BEGIN "
                     "UPDATE check_changes SET n = n + 1 WHERE id = 1; END")


def migrate(db):
    c = db.conn
    c.execute("CREATE TABLE check_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)")
    c.execute("INSERT INTO check_changes(id, n) VALUES (1, 0)")
    have = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in TABLES:
        if table in have:
            add_counter_triggers(c, table)
