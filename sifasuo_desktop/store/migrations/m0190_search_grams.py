"""Issue 19: the n-gram side index for 1–2 character searches (store/search_grams.py), kept by triggers.

The FTS5 table stores its token text (not contentless): every table of the database stays readable with
SELECT * (dumps, exact-copy checks), and a delete needs no recomputation."""


def migrate(db):
    c = db.conn
    c.execute("CREATE VIRTUAL TABLE search_gram USING fts5(grams, detail='none', columnsize=0, prefix='7')")
    c.execute("""CREATE TRIGGER search_gram_ai AFTER INSERT ON search_index BEGIN
        INSERT INTO search_gram(rowid, grams) VALUES (new.rowid, sfs_grams(new.table_name, new.body)); END""")
    c.execute("""CREATE TRIGGER search_gram_ad AFTER DELETE ON search_index BEGIN
        DELETE FROM search_gram WHERE rowid = old.rowid; END""")
    c.execute("""CREATE TRIGGER search_gram_au AFTER UPDATE ON search_index BEGIN
        DELETE FROM search_gram WHERE rowid = old.rowid;
        INSERT INTO search_gram(rowid, grams) VALUES (new.rowid, sfs_grams(new.table_name, new.body)); END""")
    c.execute("INSERT INTO search_gram(rowid, grams) SELECT rowid, sfs_grams(table_name, body) FROM search_index")
