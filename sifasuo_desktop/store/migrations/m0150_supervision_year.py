"""The supervisor's year (issue 16): 年度监督计划, checklist visits (versioned checklists, results per item),
赋权事项评估 columns of ledgers.md, the deadline columns of 三年行动任务/行政执法监督员/投诉举报, the 报送 calendar and
its submissions, and 执法满意度调查."""
from sifasuo_desktop.store.schema import create_synced_table

T, I, R = "TEXT", "INTEGER", "REAL"


def _add_columns(c, table: str, columns: dict[str, str]) -> None:
    have = {r[1] for r in c.execute(f"PRAGMA table_info({table})")}
    for col, typ in columns.items():
        if col not in have:
            c.execute(f"ALTER TABLE {table} ADD COLUMN {col} {typ}")


def migrate(db):
    c = db.conn
    create_synced_table(db, "supervision_plans", {
        "plan_year": I, "seq": T, "item": T, "method": T, "body_id": T, "township": T, "planned_date": T,
        "responsible": T, "status": T, "note": T},
        indexes=("plan_year", "planned_date", "status"))
    _add_columns(c, "visits", {"plan_item_id": T, "checklist_id": T, "checklist_results": T})
    _add_columns(c, "review_batches", {"plan_item_id": T})
    create_synced_table(db, "checklists", {
        "name": T, "version_label": T, "items": T, "active": I, "note": T})
    _add_columns(c, "power_evaluations", {
        "power_code": T, "power_name": T, "method": T, "opinion_township": T, "opinion_dept": T,
        "opinion_sfs": T})
    _add_columns(c, "plan_tasks", {"note": T})
    _add_columns(c, "supervisors", {"id_number": T})
    _add_columns(c, "complaints", {"ticket_no": T, "time_limit": T, "status": T, "satisfaction": T})
    c.execute("CREATE INDEX IF NOT EXISTS idx_complaints_ticket_no ON complaints(ticket_no)")
    create_synced_table(db, "report_calendar", {
        "name": T, "frequency": T, "month": I, "day": I, "active": I, "note": T},
        indexes=("name",))
    create_synced_table(db, "report_submissions", {
        "calendar_id": T, "period": T, "submitted_date": T, "note": T},
        indexes=(("calendar_id", "period"),))
    create_synced_table(db, "satisfaction_surveys", {
        "survey_date": T, "body_id": T, "method": T, "sample_count": I, "satisfied_count": I,
        "basic_count": I, "unsatisfied_count": I, "note": T},
        indexes=("survey_date", "body_id"))
