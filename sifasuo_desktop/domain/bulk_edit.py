"""Edit one field on many records at once (issue 18): which fields may be changed that way, and the plan of
what each record would become, validated exactly as the record form validates a save (the whole record through
`ledgers.normalize`, cross-field rules included). Importable without Qt; the store applies the plan.

Not offered: workflow state fields (record_state.PROTECTED change only through their workflow), the human
number (案号, 文号... identify one record), JSON columns and personal identity numbers (one 身份证号 for many
people is always wrong)."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

from .errors import ValidationError
from .ledgers import IDNO, JSON, USCC, Field, Ledger, normalize
from .record_state import PROTECTED

MAX_ROWS = 5000   # one bulk edit touches at most this many records (a selection of the whole 100k ledger is a slip)


# ledgers without bulk edit: documents are texts drafted from records and frozen once issued (one by one)
NOT_BULK = frozenset({"documents"})


def bulk_fields(ledger: Ledger) -> list[Field]:
    if ledger.key in NOT_BULK:
        return []
    protected = PROTECTED.get(ledger.table, {})
    return [f for f in ledger.fields
            if f.kind not in (JSON, IDNO, USCC) and f.name not in protected and f.name != ledger.number_field]


@dataclass
class BulkPlan:
    field: Field
    changes: list[tuple[dict, dict]] = dc_field(default_factory=list)   # (record, values to write)
    unchanged: int = 0
    errors: list[tuple[str, str]] = dc_field(default_factory=list)      # (record's number/name, message)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.changes)

    def summary(self) -> str:
        parts = [f"将修改 {len(self.changes)} 条"]
        if self.unchanged:
            parts.append(f"{self.unchanged} 条已是该值")
        if self.errors:
            parts.append(f"{len(self.errors)} 条不能修改（见下方），须先更正，本次不会写入任何记录")
        return "，".join(parts) + "。"


def _form_values(ledger: Ledger, record: dict) -> dict:
    return {f.name: record.get(f.name) for f in ledger.fields if f.kind != JSON}


def plan_bulk_edit(ledger: Ledger, records: list[dict], field_name: str, raw) -> BulkPlan:
    """What setting `field_name` to `raw` does to each record. A record whose whole set of values the form would
    refuse is reported with the form's message (and the edit is not applied to any record)."""
    allowed_fields = {f.name: f for f in bulk_fields(ledger)}
    if field_name not in allowed_fields:
        raise ValidationError({field_name: "该字段不能批量修改"})
    fld = allowed_fields[field_name]
    plan = BulkPlan(fld)
    if len(records) > MAX_ROWS:
        plan.errors.append(("", f"一次最多批量修改 {MAX_ROWS} 条记录（选中了 {len(records)} 条）"))
        return plan
    label_of = ledger.number_field or ledger.display_field
    for rec in records:
        ref = str(rec.get(label_of) or rec.get("id", "")[:8]) if label_of else str(rec.get("id", "")[:8])
        before = _form_values(ledger, rec)
        try:
            base = normalize(ledger, before, partial=False)
            after = normalize(ledger, dict(before, **{field_name: raw}), partial=False)
        except ValidationError as exc:
            plan.errors.append((ref, "；".join(f"{k}：{v}" for k, v in exc.errors.items())))
            continue
        values = {k: val for k, val in after.items() if ledger.has(k) and val != base.get(k)}
        if not values:
            plan.unchanged += 1
            continue
        plan.changes.append((rec, values))
    return plan
