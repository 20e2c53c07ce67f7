"""包容审慎 and discretion (issue 15): outcome/discretion/典型案例 columns on cases, the 包容审慎清单 and
行政裁量权基准 ledgers (county-owned catalogs that go down to every township; townships may add their own)."""
from sifasuo_desktop.store.schema import create_synced_table

T, R = "TEXT", "REAL"

CASE_COLUMNS = ("outcome", "list_item", "discretion_code", "discretion_level", "reconsideration_result",
                "litigation_result", "transfer", "exemplary_kind", "exemplary_summary")


def migrate(db):
    c = db.conn
    have = {r[1] for r in c.execute("PRAGMA table_info(cases)")}
    for col in CASE_COLUMNS:
        if col not in have:
            c.execute(f"ALTER TABLE cases ADD COLUMN {col} TEXT")
    c.execute("CREATE INDEX IF NOT EXISTS idx_cases_outcome ON cases(outcome)")
    c.execute("CREATE INDEX IF NOT EXISTS idx_cases_exemplary ON cases(exemplary_kind)")
    create_synced_table(db, "leniency_items", {
        "list_type": T, "code": T, "violation": T, "conditions": T, "legal_basis": T, "issuer": T,
        "issued_date": T, "status": T}, indexes=("list_type", "code", "issued_date"))
    create_synced_table(db, "discretion_standards", {
        "code": T, "violation": T, "legal_basis": T, "level": T, "circumstances": T, "fine_min": R,
        "fine_max": R, "other_penalty": T, "issuer": T, "issued_date": T},
        indexes=(("code", "level"), "issued_date"))
