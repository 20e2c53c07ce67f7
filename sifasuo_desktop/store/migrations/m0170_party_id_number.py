"""A 自然人's 身份证号 in its own column (issue 12): cases.party_id_number (an IDNO field: validated, masked in
lists, exports and sync packages). Rows stored before keep what they hold; new writes split it (store._clean)."""


def migrate(db):
    c = db.conn
    have = {r[1] for r in c.execute("PRAGMA table_info(cases)")}
    if "party_id_number" not in have:
        c.execute("ALTER TABLE cases ADD COLUMN party_id_number TEXT")
