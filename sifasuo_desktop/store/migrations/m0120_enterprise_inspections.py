"""涉企行政检查 (issue 13; 国办发〔2024〕54号): the inspection's 检查事项/任务来源/检查方式/审批/报备/企业评价 columns,
the 行政检查事项目录 and 涉企检查计划 ledgers (each body's own rows: they travel up like the inspections)."""
from sifasuo_desktop.store.schema import create_synced_table

T, I = "TEXT", "INTEGER"

INSPECTION_COLUMNS = ("item_name", "item_code", "task_source", "method", "approval_date", "approver", "report_time",
                      "report_no", "rating", "officer_cert_nos")


def migrate(db):
    c = db.conn
    have = {r[1] for r in c.execute("PRAGMA table_info(inspections)")}
    for col in INSPECTION_COLUMNS:
        if col not in have:
            c.execute(f"ALTER TABLE inspections ADD COLUMN {col} TEXT")
    c.execute("CREATE INDEX IF NOT EXISTS idx_inspections_uscc ON inspections(target_uscc, inspect_date)")
    create_synced_table(db, "inspection_items", {
        "code": T, "name": T, "body_id": T, "basis": T, "target": T, "published_date": T, "status": T},
        indexes=("body_id", "code", "published_date"))
    create_synced_table(db, "inspection_plans", {
        "plan_year": I, "body_id": T, "item_name": T, "scope": T, "ratio": T, "frequency": T, "method": T,
        "published_date": T, "filed_date": T},
        indexes=(("plan_year", "body_id"), "published_date"))
