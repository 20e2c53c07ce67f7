"""Issue 19: filter tokens in the n-gram index, so a search with a status / date / 乡镇 filter is one FTS5 query.

`search_index.facets` holds a record's filter tokens (store/search_grams.facets: status, owner org, date),
computed by SQL from the record as stored; `search_gram` indexes them after the row's n-grams. The columns
are frozen here as the ledgers define them today (tests/store/test_search_facets.py fails when a ledger's
status or date column changes: that needs a migration rebuilding the tokens)."""

FACET_COLUMNS = {
    "bodies": ("status", None), "officers": ("cert_status", "cert_expiry"),
    "trainings": ("category", "training_date"), "powers": ("status", "effective_date"),
    "cases": ("status", "filed_date"), "inspections": ("inspect_type", "inspect_date"),
    "visits": ("method", "visit_date"), "reviews": ("grade", "review_date"), "problems": ("status", "found_date"),
    "documents": ("status", "doc_date"), "complaints": ("conclusion", "received_date"),
    "plan_tasks": ("status", "deadline"), "supervisors": ("status", "term_start"),
    "cert_events": ("event_type", "event_date"), "exam_batches": (None, "exam_date"),
    "exam_scores": ("passed", None), "leniency_items": ("list_type", "issued_date"),
    "discretion_standards": ("level", "issued_date"), "inspection_items": ("status", "published_date"),
    "inspection_plans": (None, "published_date"), "review_batches": (None, None),
    "power_evaluations": ("conclusion", "eval_date"), "supervision_plans": ("status", "planned_date"),
    "satisfaction_surveys": ("method", "survey_date"), "checklists": (None, None),
    "report_calendar": (None, None), "report_submissions": (None, "submitted_date"),
}

# the trigram index follows the text only: writing a row's tokens must not re-index its body
_SEARCH_AU = """AFTER UPDATE OF body ON search_index WHEN old.rowid <= sfs_index_floor() BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
        INSERT INTO search_fts(rowid, body) VALUES (new.rowid, new.body); END"""

_TRIGGERS = {
    "search_gram_ai": """AFTER INSERT ON search_index WHEN new.rowid <= sfs_index_floor() BEGIN
        INSERT INTO search_gram(rowid, grams) VALUES (new.rowid, sfs_grams(new.table_name, new.body, new.facets));
        END""",
    "search_gram_ad": """AFTER DELETE ON search_index WHEN old.rowid <= sfs_index_floor() BEGIN
        DELETE FROM search_gram WHERE rowid = old.rowid; END""",
    "search_gram_au": """AFTER UPDATE ON search_index WHEN old.rowid <= sfs_index_floor() BEGIN
        DELETE FROM search_gram WHERE rowid = old.rowid;
        INSERT INTO search_gram(rowid, grams) VALUES (new.rowid, sfs_grams(new.table_name, new.body, new.facets));
        END""",
}


def migrate(db):
    c = db.conn
    c.execute("ALTER TABLE search_index ADD COLUMN facets TEXT NOT NULL DEFAULT ''")
    for name in _TRIGGERS:   # search_gram is rebuilt below: no per-row upkeep while the tokens are written
        c.execute(f"DROP TRIGGER IF EXISTS {name}")
    c.execute("DROP TRIGGER IF EXISTS search_au")
    c.execute(f"CREATE TRIGGER search_au {_SEARCH_AU}")
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, (status, date) in FACET_COLUMNS.items():
        if table not in tables:
            continue
        cols = ", ".join(f"x.{col}" if col else "NULL" for col in (status, date))
        c.execute(f"UPDATE search_index SET facets = coalesce((SELECT sfs_facets('{table}', {cols}, x.owner_org) "
                  f"FROM {table} x WHERE x.id = search_index.record_id), '') WHERE table_name = ?", (table,))
    # rebuilt from scratch: one pass, no per-row delete of the old token lists
    c.execute("DROP TABLE search_gram")
    c.execute("CREATE VIRTUAL TABLE search_gram USING fts5(grams, detail='none', columnsize=0, prefix='7')")
    c.execute("INSERT INTO search_gram(rowid, grams) SELECT rowid, sfs_grams(table_name, body, facets) "
              "FROM search_index")
    # one b-tree per token instead of the dozens of segments a bulk build leaves: a query of a common word
    # and a month token reads 3× less (county: 25 → 8 ms)
    c.execute("INSERT INTO search_gram(search_gram) VALUES ('optimize')")
    for name, body in _TRIGGERS.items():
        c.execute(f"CREATE TRIGGER {name} {body}")
