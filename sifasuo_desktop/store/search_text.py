"""The text the ledger search box matches for one record (search_index.body): every searchable field, refs resolved
to their display names. The searchable fields of a ledger are listed once (a sync import builds this text for
every received row: 120,000 rows × 40 field properties were 4 s of the 100,000-case import, issue 19)."""
from __future__ import annotations

from sifasuo_desktop.domain.ledgers import LEDGERS, REF

_fields: dict[str, tuple] = {}   # table -> (ledger, ((field name, referenced table or None), ...))


def searchable_fields(table: str) -> tuple[tuple[str, str | None], ...]:
    ledger = LEDGERS[table]
    hit = _fields.get(table)
    if hit is None or hit[0] is not ledger:
        hit = _fields[table] = (ledger, tuple((f.name, f.ref if f.kind == REF else None)
                                              for f in ledger.fields if f.searchable))
    return hit[1]


def search_text(ref_names, table: str, rec: dict) -> str:
    """`ref_names(table)` -> {id: display text} (Store.ref_names)."""
    parts = []
    for name, ref in searchable_fields(table):
        val = rec.get(name)
        if not val:
            continue
        if ref is not None:
            val = ref_names(ref).get(val, "")
        parts.append(str(val))
    return " ".join(parts)
