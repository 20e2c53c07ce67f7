"""Apply a spreadsheet ImportPlan (sifasuo_desktop/xlsx/planner.py) through the Store in ONE transaction.

Every record goes through store.bulk_insert / store.update, so permissions, versions, audit log and change
log are exactly as for records typed into the forms. Any failure rolls the whole file back.
Also keeps the hand-made column mappings per file layout (table xlsx_layouts, not synced).
"""
from __future__ import annotations

import json

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import require

from .repo import utc_now


def check_plan(store, plan) -> None:
    """Refuse (UserError) a plan apply_plan would refuse: callers check before they take the backup."""
    require(store.actor, "import")
    if plan.errors:
        raise UserError(f"文件未导入：发现{len(plan.errors)}处问题（{plan.errors[0]}…），未写入任何数据。")
    if not plan.sheets:
        raise UserError("文件中没有可导入的台账。")
    if plan.applied:
        raise UserError("该导入计划已执行过。")


def apply_plan(store, plan, progress=None) -> dict:
    """Write the plan. Refuses (UserError, nothing written) when the plan has errors. Returns plan.summary().
    The backup of the state before the import (issue 7) is the caller's: check_plan, backup_before, apply_plan."""
    check_plan(store, plan)
    total = sum(len(s.actions) for s in plan.sheets) or 1
    done = 0
    # history_import: rows the planner marked 历史导入 (record_state.as_history) may keep their old state;
    # every other row and every update is checked by the store as for any caller
    with store.transaction(), store.history_import():
        if plan.new_bodies:
            store.bulk_insert("bodies", [{k: v for k, v in b.items() if v is not None} for b in plan.new_bodies],
                              action="import")
        for sheet in plan.sheets:
            creates = [a.values for a in sheet.actions if a.op == "create"]
            table = sheet.detection.ledger
            for i in range(0, len(creates), 2000):
                store.bulk_insert(table, creates[i:i + 2000], action="import")
                done += len(creates[i:i + 2000])
                if progress:
                    progress(int(done * 100 / total), f"正在写入“{sheet.name}”…")
            for a in sheet.actions:
                if a.op == "update":
                    store.update(table, a.record_id, a.values, action="import")
                done += a.op != "create"
            if progress:
                progress(int(done * 100 / total), f"已写入“{sheet.name}”")
        for sheet in plan.sheets:
            manual = {c.header: c.field for c in sheet.detection.columns if c.how in ("manual", "skipped")}
            if manual:
                save_layout(store, sheet.detection.signature(), sheet.detection.ledger, manual)
    plan.applied = True
    return plan.summary()


def load_layouts(store) -> dict[str, dict]:
    """{layout signature: {header text: field name or None}}"""
    try:
        rows = store.conn.execute("SELECT signature, mapping FROM xlsx_layouts").fetchall()
    except Exception:  # table missing in a database opened by an older build
        return {}
    return {r[0]: json.loads(r[1]) for r in rows}


def save_layout(store, signature: str, ledger: str, mapping: dict) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT INTO xlsx_layouts(signature, ledger, mapping, updated_at) VALUES (?,?,?,?) "
            "ON CONFLICT(signature) DO UPDATE SET ledger=excluded.ledger, mapping=excluded.mapping, "
            "updated_at=excluded.updated_at",
            (signature, ledger, json.dumps(mapping, ensure_ascii=False), utc_now()))
