"""Documents: 文号 sequences, the structured (editable/frozen) document content, and a guard that keeps
issued documents frozen."""

FROZEN_STATES = "('已签发', '已送达', '已反馈', '被替代', '已作废')"
FROZEN_COLUMNS = ("doc_type", "doc_no", "title", "recipient", "content", "cc", "signer", "doc_date",
                  "layout_json", "body_id")


def migrate(db):
    c = db.conn
    # Gap-free 文号 per (机关代字, document type, year). Local to this installation (not synced): numbers are
    # assigned where the document is issued. A number is taken inside the issuing transaction and never
    # handed out again (a voided document keeps its number).
    c.execute("""CREATE TABLE doc_number_seq (
        code TEXT NOT NULL, doc_type TEXT NOT NULL, year INTEGER NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0, updated_at TEXT,
        PRIMARY KEY (code, doc_type, year))""")
    # The structured document (documents.model.Document as JSON): header, paragraphs, tables, 版记.
    c.execute("ALTER TABLE documents ADD COLUMN layout_json TEXT")
    cond = " OR ".join(f"NEW.{col} IS NOT OLD.{col}" for col in FROZEN_COLUMNS)
    c.execute(f"""CREATE TRIGGER documents_frozen BEFORE UPDATE ON documents
        WHEN OLD.status IN {FROZEN_STATES} AND ({cond})
        BEGIN SELECT RAISE(ABORT, '文书已签发，内容不能再修改；如需更正，请制发新文书替代原文书。'); END""")
