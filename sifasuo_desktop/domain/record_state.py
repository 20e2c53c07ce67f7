"""State fields that change only through their workflow (issue 12). ONE place: the list and the check.

The storage layer (Store.insert/update) calls `refused_fields` for every write that is not made inside a
workflow operation (`problem step`, document issue/service/reply, the review scoring path), whichever caller
makes it (generic form, CLI, import, scripts), and refuses the write with a Chinese message.
"""
from __future__ import annotations

from .errors import UserError

# table -> {field: Chinese label}
PROTECTED: dict[str, dict[str, str]] = {
    "problems": {"status": "整改状态", "closed_date": "销号日期"},
    "problem_steps": {"to_status": "整改步骤", "verify_method": "核查方式", "verifier": "核查人",
                      "verify_date": "核查日期", "verify_result": "核查结果"},
    "documents": {"doc_no": "文号", "status": "状态", "signer": "签发人", "served_date": "送达日期",
                  "served_method": "送达方式", "served_receiver": "签收人", "reply_date": "反馈日期",
                  "reply_content": "反馈内容"},
    "reviews": {"score": "得分", "grade": "等次", "veto_hits": "否决项", "deductions": "扣分明细"},
}
# the field a form shows its workflow button beside (the others of the table are read-only with a tooltip)
ANCHOR: dict[str, str] = {"problems": "status", "documents": "status", "reviews": "score"}
# the value a new record may start with (anything else needs the workflow)
INITIAL: dict[str, dict[str, object]] = {
    "problems": {"status": "待整改"},
    "documents": {"status": "草稿"},
}
HOW: dict[str, str] = {
    "problems": "请在问题整改台账中使用“整改流程”（整改报告、核查、销号）办理",
    "problem_steps": "请在问题整改台账中使用“整改流程”办理",
    "documents": "请使用文书的“签发”“登记送达”“登记反馈”按钮办理",
    "reviews": "请使用“评分”（评查表）录入评查结果",
}


class RecordStateError(UserError):
    """A state field written outside its workflow."""


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or v in ("[]", "{}")


def refused_fields(table: str, before: dict | None, values: dict) -> list[str]:
    """Labels of the protected fields that `values` would set/change outside the workflow."""
    fields = PROTECTED.get(table)
    if not fields:
        return []
    out = []
    for name, label in fields.items():
        if name not in values:
            continue
        new = values[name]
        if before is None:
            if _empty(new) or new == INITIAL.get(table, {}).get(name):
                continue
        else:
            old = before.get(name)
            if (None if _empty(new) else new) == (None if _empty(old) else old):
                continue
        out.append(label)
    return out


def check_write(table: str, before: dict | None, values: dict) -> None:
    bad = refused_fields(table, before, values)
    if bad:
        raise RecordStateError(f"“{'、'.join(bad)}”不能直接填写或修改，{HOW[table]}；本次没有保存任何内容。")


def case_status(rec: dict) -> str | None:
    """办理状态 of a case follows its dates: 结案日期 → 已结案, 决定日期 → 已决定, else 办理中; 已撤销 stays."""
    if rec.get("status") == "已撤销":
        return "已撤销"
    if rec.get("closed_date"):
        return "已结案"
    if rec.get("decision_date"):
        return "已决定"
    return "办理中"
