"""Handled findings (issue 12): a leader marks a warning 已知悉 / 已纠正 / 无法纠正 with a reason.

A handling is keyed by the finding's identity — rule code + record type + record uid — which is the same on
every device, so the row travels in sync packages and means the same finding at the county. Its row id is
derived from that identity and the owning organisation (uuid5), so handling the same finding twice updates
one row instead of adding a second one, and a package cannot smuggle a row whose id disagrees with what it
says it handles. Plain Python: the one place the dispositions, the reason's length cap and the check of an
incoming row live.
"""
from __future__ import annotations

import uuid

TABLE = "finding_handlings"
DISPOSITIONS = ("已知悉", "已纠正", "无法纠正")
MAX_REASON = 500          # characters
MAX_CODE = 16
HANDLED_LABEL = "已处置"   # how reports show a handled finding

# the record types a finding can be about (domain.rules Finding.record_type): the tables the rules load
RECORD_TYPES = frozenset({
    "cases", "inspections", "officers", "trainings", "cert_events", "bodies", "powers", "problems", "documents",
    "leniency_items", "discretion_standards", "plan_tasks", "power_evaluations", "supervision_plans", "visits",
    "review_batches", "supervisors", "inspection_items", "inspection_plans", "complaints",
})

_NS = uuid.UUID("6f1d4c1e-2b7a-4f0e-9c1d-1201d0c0ffee")


def handling_id(owner_org: str, code: str, record_type: str, record_id: str) -> str:
    return str(uuid.uuid5(_NS, f"{owner_org}\x1f{code}\x1f{record_type}\x1f{record_id}"))


def clean_reason(reason) -> str:
    return " ".join(str(reason or "").split())


def problem(code, record_type, record_id, disposition, reason, known_codes=None) -> str | None:
    """None when the handling may be stored, else the Chinese reason it is refused."""
    if not isinstance(code, str) or not code or len(code) > MAX_CODE or not code.isascii() or not code.isprintable():
        return f"预警规则代码“{str(code)[:20]}”不正确"
    if known_codes is not None and code not in known_codes:
        return f"未知的预警规则“{code[:20]}”"
    if record_type not in RECORD_TYPES:
        return f"未知的记录类型“{str(record_type)[:40]}”"
    if not isinstance(record_id, str) or not record_id or len(record_id) > 80 or not record_id.isprintable():
        return "记录编号不正确"
    if disposition not in DISPOSITIONS:
        return f"处置方式“{str(disposition)[:20]}”不正确，只能是{'、'.join(DISPOSITIONS)}"
    if not isinstance(reason, str) or not clean_reason(reason):
        return "必须填写处置理由"
    if len(reason) > MAX_REASON:
        return f"处置理由太长（{len(reason)}字），最多{MAX_REASON}字"
    if not reason.isprintable():   # stored reasons are cleaned: no line breaks, tabs, NUL or other controls
        return "处置理由含有控制字符"
    return None


def row_problem(row: dict, known_codes=None) -> str | None:
    """An incoming (synced) handling row: the fields above plus an id that matches the identity."""
    why = problem(row.get("rule_code"), row.get("record_type"), row.get("record_id"), row.get("disposition"),
                  row.get("reason"), known_codes)
    if why is None and not row.get("deleted") and row.get("id") != handling_id(
            str(row.get("owner_org")), row["rule_code"], row["record_type"], row["record_id"]):
        why = "记录编号与所处置的预警不一致"
    return why


def handling_text(row: dict | None) -> str:
    """'已知悉：理由…' (empty when not handled)."""
    if not row:
        return ""
    return f"{row.get('disposition') or ''}：{row.get('reason') or ''}"
