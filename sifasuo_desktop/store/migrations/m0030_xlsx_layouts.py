"""Spreadsheet import: column mappings made by hand, remembered per file layout (installation-local)."""


def migrate(db):
    db.conn.execute("""CREATE TABLE IF NOT EXISTS xlsx_layouts (
        signature TEXT PRIMARY KEY NOT NULL,
        ledger TEXT NOT NULL,
        mapping TEXT NOT NULL,
        updated_at TEXT NOT NULL)""")
