"""Apply a bulk edit (domain/bulk_edit.BulkPlan): every record's change in ONE transaction through Store.update
(so the state check, the permissions, the audit chain and the change log see each record as a form save would);
a record changed meanwhile by someone else (version moved) or any refusal rolls the whole edit back."""
from __future__ import annotations

import json

from sifasuo_desktop.domain.bulk_edit import BulkPlan
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import Ledger

from .lookups import link_officers


def apply_bulk_edit(store, ledger: Ledger, plan: BulkPlan) -> int:
    if plan.errors:
        raise UserError("有记录不能修改：" + "；".join(f"{r}：{m}" for r, m in plan.errors[:5]) + "；本次没有保存任何内容。")
    table = ledger.table
    link = plan.field.name == "officer_names" and "officer_ids" in store.columns(table)
    with store.transaction():
        for rec, values in plan.changes:
            values = dict(values)
            if link:
                values["officer_ids"] = json.dumps(link_officers(store, values.get("officer_names") or "")[0])
            try:
                store.update(table, rec["id"], values, expected_version=rec.get("version"))
            except UserError as exc:
                name = rec.get(ledger.number_field or "") or rec.get(ledger.display_field or "") or ""
                raise UserError(f"{name}：{exc.message}；本次没有保存任何内容。") from exc
    return len(plan.changes)
