"""Issue 19: the full-text triggers on search_index skip rows above the connection's deferral floor.

`sfs_index_floor()` (store/search_grams.register) is the largest integer unless a bulk write deferred the
indexing of its new rows to one pass before its commit (search_grams.defer/flush). Same statements as m0001
(trigram search_fts) and m0190 (n-gram search_gram), each with a WHEN on the row's rowid."""

_TRIGGERS = {
    "search_ai": """AFTER INSERT ON search_index WHEN new.rowid <= sfs_index_floor() BEGIN
        INSERT INTO search_fts(rowid, body) VALUES (new.rowid, new.body); END""",
    "search_ad": """AFTER DELETE ON search_index WHEN old.rowid <= sfs_index_floor() BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END""",
    "search_au": """AFTER UPDATE ON search_index WHEN old.rowid <= sfs_index_floor() BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
        INSERT INTO search_fts(rowid, body) VALUES (new.rowid, new.body); END""",
    "search_gram_ai": """AFTER INSERT ON search_index WHEN new.rowid <= sfs_index_floor() BEGIN
        INSERT INTO search_gram(rowid, grams) VALUES (new.rowid, sfs_grams(new.table_name, new.body)); END""",
    "search_gram_ad": """AFTER DELETE ON search_index WHEN old.rowid <= sfs_index_floor() BEGIN
        DELETE FROM search_gram WHERE rowid = old.rowid; END""",
    "search_gram_au": """AFTER UPDATE ON search_index WHEN old.rowid <= sfs_index_floor() BEGIN
        DELETE FROM search_gram WHERE rowid = old.rowid;
        INSERT INTO search_gram(rowid, grams) VALUES (new.rowid, sfs_grams(new.table_name, new.body)); END""",
}


def migrate(db):
    c = db.conn
    for name, body in _TRIGGERS.items():
        c.execute(f"DROP TRIGGER IF EXISTS {name}")
        c.execute(f"CREATE TRIGGER {name} {body}")
