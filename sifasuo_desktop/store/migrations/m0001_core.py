"""Schema version 1: infrastructure tables and every ledger table."""
from sifasuo_desktop.store.schema import create_synced_table

T, I, R = "TEXT", "INTEGER", "REAL"


def migrate(db):
    c = db.conn
    c.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    c.execute("""CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        table_name TEXT NOT NULL, record_id TEXT NOT NULL, before TEXT, after TEXT,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""")
    c.execute("CREATE INDEX idx_audit_record ON audit_log(table_name, record_id)")
    c.execute("""CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, table_name TEXT NOT NULL,
        record_id TEXT NOT NULL, version INTEGER NOT NULL, op TEXT NOT NULL, ts TEXT NOT NULL)""")
    c.execute("CREATE INDEX idx_change_record ON change_log(table_name, record_id)")
    c.execute("""CREATE TABLE search_index (
        rowid INTEGER PRIMARY KEY, table_name TEXT NOT NULL, record_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)""")
    c.execute("CREATE INDEX idx_search_table ON search_index(table_name)")
    c.execute("""CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_index', content_rowid='rowid',
                 tokenize='trigram')""")
    c.execute("""CREATE TRIGGER search_ai AFTER INSERT ON search_index BEGIN
        INSERT INTO search_fts(rowid, body) VALUES (new.rowid, new.body); END""")
    c.execute("""CREATE TRIGGER search_ad AFTER DELETE ON search_index BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END""")
    c.execute("""CREATE TRIGGER search_au AFTER UPDATE ON search_index BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
        INSERT INTO search_fts(rowid, body) VALUES (new.rowid, new.body); END""")

    create_synced_table(db, "orgs", {"code": T + " NOT NULL", "name": T, "role": T, "parent_code": T},
                        indexes=("code",))
    create_synced_table(db, "settings", {"key": T + " NOT NULL UNIQUE", "value": T})
    create_synced_table(db, "bodies", {"name": T, "body_type": T, "township": T, "uscc": T, "contact": T,
                                       "phone": T, "status": T}, indexes=("name",))
    create_synced_table(db, "officers", {
        "name": T, "id_number": T, "body_id": T, "post": T, "staffing": T, "cert_no": T, "cert_type": T,
        "cert_area": T, "cert_scope": T, "cert_issued": T, "cert_expiry": T, "cert_status": T,
        "is_legal_reviewer": I, "duty_status": T, "phone": T, "note": T},
        indexes=("name", "id_number", "body_id", "cert_expiry", "cert_status"))
    create_synced_table(db, "trainings", {
        "officer_name": T, "officer_id": T, "id_number": T, "training_date": T, "title": T, "category": T,
        "hours": R, "score": R, "passed": I}, indexes=("officer_id", "training_date", "category"))
    create_synced_table(db, "powers", {
        "code": T, "name": T, "power_type": T, "legal_basis": T, "origin_dept": T, "body_id": T, "mode": T,
        "delegation_doc": T, "effective_date": T, "status": T, "revoked_date": T, "revoke_reason": T},
        indexes=("code", "name", "effective_date", "status"))
    create_synced_table(db, "power_evaluations", {
        "power_id": T, "year": I, "case_count": I, "corrected_count": I, "review_failed_count": I,
        "staff_count": I, "certified_count": I, "conclusion": T, "problems": T, "opinions": T, "eval_date": T},
        indexes=("power_id", "eval_date", "conclusion"))
    create_synced_table(db, "cases", {
        "case_no": T, "body_id": T, "case_type": T, "power_id": T, "cause": T, "party": T, "party_type": T,
        "party_code": T, "violation_date": T, "filed_date": T, "extension_days": I, "decision_date": T,
        "penalty_kinds": T, "fine_amount": R, "confiscation_amount": R, "officer_names": T, "officer_ids": T,
        "is_major": I, "legal_review_date": T, "legal_reviewer": T, "hearing_notified": I, "served_date": T,
        "published_date": T, "closed_date": T, "av_record": I, "life_safety": I, "status": T, "note": T},
        indexes=("case_no", "body_id", "case_type", "power_id", "filed_date", "decision_date", "status",
                 "published_date", "fine_amount"))
    create_synced_table(db, "inspections", {
        "inspect_date": T, "body_id": T, "target_name": T, "target_uscc": T, "inspect_type": T, "is_joint": I,
        "officer_names": T, "officer_ids": T, "result": T, "found_problem": I},
        indexes=("inspect_date", "body_id", "target_uscc", "inspect_type"))
    create_synced_table(db, "visits", {
        "visit_date": T, "method": T, "body_id": T, "people": T, "findings": T, "problem_count": I, "note": T},
        indexes=("visit_date", "method", "body_id"))
    create_synced_table(db, "review_standards", {
        "name": T, "version_label": T, "case_kind": T, "items": T, "active": I})
    create_synced_table(db, "review_batches", {
        "name": T, "year": I, "mode": T, "scope": T, "standard_id": T, "notice_doc_id": T})
    create_synced_table(db, "reviews", {
        "batch_id": T, "case_id": T, "case_no": T, "body_id": T, "reviewers": T, "review_date": T,
        "veto_hits": T, "deductions": T, "score": R, "grade": T, "comment": T},
        indexes=("batch_id", "case_no", "review_date", "grade"))
    create_synced_table(db, "problems", {
        "problem_no": T, "found_date": T, "source": T, "source_ref": T, "body_id": T, "category": T,
        "description": T, "basis": T, "requirement": T, "deadline": T, "responsible": T, "status": T,
        "closed_date": T}, indexes=("problem_no", "found_date", "deadline", "status", "body_id"))
    create_synced_table(db, "problem_steps", {
        "problem_id": T + " NOT NULL", "step_date": T, "action": T, "from_status": T, "to_status": T,
        "person": T, "note": T, "evidence": T, "verify_method": T, "verifier": T},
        indexes=("problem_id",))
    create_synced_table(db, "documents", {
        "doc_type": T, "doc_no": T, "title": T, "recipient": T, "body_id": T, "target_org": T, "subject": T,
        "content": T, "cc": T, "signer": T, "doc_date": T, "reply_deadline": T, "status": T,
        "served_date": T, "served_method": T, "served_receiver": T, "reply_date": T, "reply_content": T,
        "supersedes_id": T}, indexes=("doc_type", "doc_no", "doc_date", "status", "reply_deadline"))
    create_synced_table(db, "service_receipts", {
        "doc_id": T + " NOT NULL", "receiver": T, "address": T, "method": T, "servers": T, "signer": T,
        "sign_date": T, "proxy_reason": T, "refusal_reason": T, "witness": T, "note": T},
        indexes=("doc_id",))
    create_synced_table(db, "complaints", {
        "channel": T, "received_date": T, "complainant": T, "phone": T, "body_id": T, "summary": T,
        "verifier": T, "conclusion": T, "result": T, "problem_id": T, "closed_date": T},
        indexes=("received_date", "conclusion"))
    create_synced_table(db, "plan_tasks", {
        "task_no": T, "task": T, "measure": T, "responsible_unit": T, "deadline": T, "progress": T,
        "evidence": T, "status": T}, indexes=("deadline", "status"))
    create_synced_table(db, "supervisors", {
        "name": T, "identity": T, "employer": T, "phone": T, "term_start": T, "term_end": T, "activities": T,
        "status": T}, indexes=("term_start", "status"))
    create_synced_table(db, "attachments", {
        "table_name": T, "record_id": T, "file_name": T, "stored_path": T, "sha256": T, "size": I, "note": T},
        indexes=(("table_name", "record_id"),))
