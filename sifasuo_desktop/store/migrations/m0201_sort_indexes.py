"""Issue 19: an index for every list column of the two big ledgers (cases, inspections) that had none, so a
click on any column header walks an index for the first page instead of sorting every row (当事人 at county
scale: 0.8 s → milliseconds). The long text 检查结果 gets none (sorting by it is rare and the index large)."""

COLUMNS = {"cases": ("cause", "party", "penalty_kinds", "officer_names"),
           "inspections": ("target_name", "is_joint", "officer_names", "found_problem", "item_name", "task_source",
                           "report_time", "rating")}


def migrate(db):
    c = db.conn
    for table, cols in COLUMNS.items():
        have = {r[1] for r in c.execute(f"PRAGMA table_info({table})")}
        for col in cols:
            if col in have:
                c.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_{col}_sort ON {table}({col})")
