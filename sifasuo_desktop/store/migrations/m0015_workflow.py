"""Problem workflow and review details: verification fields on steps, the source link of a problem."""


def migrate(db):
    c = db.conn
    c.execute("ALTER TABLE problem_steps ADD COLUMN verify_date TEXT")
    c.execute("ALTER TABLE problem_steps ADD COLUMN verify_result TEXT")
    c.execute("ALTER TABLE problems ADD COLUMN source_table TEXT")
    c.execute("CREATE INDEX IF NOT EXISTS idx_problems_source ON problems(source_table, source_ref)")
    c.execute("CREATE INDEX IF NOT EXISTS idx_reviews_body ON reviews(body_id)")
