"""Handled findings (issue 12): a leader's 已知悉/已纠正/无法纠正 with a reason, keyed by rule code + record
type + record uid (domain/handling.py). A synced table: the township's handlings travel to the county."""
from sifasuo_desktop.store.schema import create_synced_table

T = "TEXT"


def migrate(db):
    create_synced_table(db, "finding_handlings", {
        "rule_code": T, "record_type": T, "record_id": T, "disposition": T, "reason": T,
        "handled_by": T, "handled_at": T},
        indexes=(("record_type", "record_id"),))
