"""How long record forms are laid out on screen: titled sections in a working order, with a jump bar.

Layout only (which field shows under which heading); the fields, their rules and their order in imports and
exports stay in domain/ledgers.py. Fields a section list does not name keep their place after the sections.
"""
from __future__ import annotations

# 执法案件: one long column of 30+ fields, grouped as a clerk fills a case in (issue 18)
SECTIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "cases": (
        ("案件", ("case_no", "status", "body_id", "case_type", "power_id", "cause", "violation_date")),
        ("当事人", ("party", "party_type", "party_code", "party_id_number")),
        ("办理", ("filed_date", "extension_days", "officer_names", "av_record", "life_safety",
                "hearing_notified", "served_date")),
        ("审核与公示", ("is_major", "legal_review_date", "legal_reviewer", "published_date")),
        ("结果", ("decision_date", "penalty_kinds", "fine_amount", "confiscation_amount", "outcome", "list_item",
                "discretion_code", "discretion_level", "closed_date", "reconsideration_result",
                "litigation_result", "transfer", "exemplary_kind", "exemplary_summary", "note")),
    ),
}


def sectioned_fields(ledger) -> list[tuple[str, object]]:
    """[(section title, field)] in display order. A ledger without a section list: its own field groups."""
    spec = SECTIONS.get(ledger.key)
    if not spec:
        return [(f.group or "", f) for f in ledger.fields]
    by_name = {f.name: f for f in ledger.fields}
    out, placed = [], set()
    for title, names in spec:
        for name in names:
            if name in by_name and name not in placed:
                out.append((title, by_name[name]))
                placed.add(name)
    last = spec[-1][0]
    out.extend((last if not f.group else f.group, f) for f in ledger.fields if f.name not in placed)
    return out
