"""Enforcement personnel lifecycle (issue 14): 离岗日期/年审 columns on officers, the certificate events
history, closed-book exam batches and their scores."""
from sifasuo_desktop.store.schema import create_synced_table

T, I, R = "TEXT", "INTEGER", "REAL"


def migrate(db):
    c = db.conn
    for col, typ in (("left_date", T), ("review_year", I), ("review_result", T)):
        c.execute(f"ALTER TABLE officers ADD COLUMN {col} {typ}")
    create_synced_table(db, "cert_events", {
        "officer_id": T, "officer_name": T, "id_number": T, "event_type": T, "event_date": T, "doc_no": T,
        "reason": T, "cert_no": T, "cert_expiry": T, "review_year": I, "result": T, "prelim_date": T,
        "prelim_opinion": T, "leave_kind": T, "recorded_by": T, "note": T},
        indexes=("officer_id", "event_date", "event_type"))
    create_synced_table(db, "exam_batches", {
        "name": T, "exam_date": T, "year": I, "scope": T, "body_id": T, "pass_mark": R, "note": T},
        indexes=("exam_date", "year"))
    create_synced_table(db, "exam_scores", {
        "batch_id": T, "officer_id": T, "officer_name": T, "score": R, "passed": I, "note": T},
        indexes=("batch_id", "officer_id"))
