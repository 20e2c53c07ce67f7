"""State fields that change only through their workflow (issue 12). ONE place: the list and the check.

The storage layer (Store.insert/update) calls `refused_fields` for every write that is not made inside a
workflow operation (`problem step`, document issue/service/reply, the review scoring path), whichever caller
makes it (generic form, CLI, import, scripts), and refuses the write with a Chinese message.
"""
from __future__ import annotations

from .errors import UserError

# Issue 12 "import as history": a sheet row that brings a closed problem or an issued/served document is stored
# as HISTORY (this column = 1, audit action "import_history"), shown read-only as 历史导入; only the Excel
# import (Store.history_import()) may set it, never a normal insert/update.
HISTORY_FIELD = "state_imported"
HISTORY_LABEL = "历史导入"
HISTORY_TABLES = ("problems", "documents")
HISTORY_AUDIT_ACTION = "import_history"

# table -> {field: Chinese label}
PROTECTED: dict[str, dict[str, str]] = {
    "problems": {"status": "整改状态", "closed_date": "销号日期", HISTORY_FIELD: HISTORY_LABEL},
    "problem_steps": {"to_status": "整改步骤", "verify_method": "核查方式", "verifier": "核查人",
                      "verify_date": "核查日期", "verify_result": "核查结果"},
    "documents": {"doc_no": "文号", "status": "状态", "signer": "签发人", "served_date": "送达日期",
                  "served_method": "送达方式", "served_receiver": "签收人", "reply_date": "反馈日期",
                  "reply_content": "反馈内容", HISTORY_FIELD: HISTORY_LABEL},
    "reviews": {"score": "得分", "grade": "等次", "veto_hits": "否决项", "deductions": "扣分明细"},
}
# the field a form shows its workflow button beside (the others of the table are read-only with a tooltip)
ANCHOR: dict[str, str] = {"problems": "status", "documents": "status", "reviews": "score"}
# the value a new record may start with (anything else needs the workflow)
INITIAL: dict[str, dict[str, object]] = {
    "problems": {"status": "待整改", HISTORY_FIELD: 0},
    "documents": {"status": "草稿", HISTORY_FIELD: 0},
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
        if name == HISTORY_FIELD:   # 0 / NULL / 否 all mean "not history"
            if bool(new in (1, True, "1")) != is_history(before):
                out.append(label)
            continue
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


def is_history(rec: dict | None) -> bool:
    """A record imported as history (its state came from an old sheet, not from the workflow)."""
    return bool(rec) and rec.get(HISTORY_FIELD) in (1, True, "1")


def as_history(table: str, values: dict) -> dict:
    """A NEW imported row: when it brings state only the workflow may set (已销号/销号日期, 文号/已签发/送达/反馈),
    it becomes a history record (HISTORY_FIELD = 1) and its implied status is filled in (a 销号日期 means
    已销号; a 文号 means at least 已签发, a 送达日期 at least 已送达, a 反馈日期 已反馈). Other rows are unchanged."""
    if table not in HISTORY_TABLES:
        return values
    bare = {k: v for k, v in values.items() if k != HISTORY_FIELD}   # a sheet's own 历史导入 column decides nothing
    if not refused_fields(table, None, bare):
        return bare
    out = dict(bare)
    out[HISTORY_FIELD] = 1
    status = out.get("status")
    if table == "problems":
        if out.get("closed_date") and status in (None, "", "待整改"):
            out["status"] = "已销号"
    else:
        order = ("草稿", "已签发", "已送达", "已反馈")
        implied = ("已反馈" if out.get("reply_date") or out.get("reply_content") else
                   "已送达" if out.get("served_date") else "已签发" if out.get("doc_no") else None)
        if implied and (status in (None, "") or (status in order and order.index(status) < order.index(implied))):
            out["status"] = implied
    return out


def check_history_insert(table: str, values: dict) -> None:
    """The history path (Store.history_import) stores the marked rows of HISTORY_TABLES only."""
    if table not in HISTORY_TABLES:
        check_write(table, None, values)


def history_note(table: str, rec: dict) -> str:
    """The read-only line a form shows above a history record."""
    what = "整改状态、销号日期" if table == "problems" else "文号、签发、送达、反馈"
    return (f"{HISTORY_LABEL}：本记录由历史台账导入，{what}按原台账保存，只读（不是在本系统中办理的流程）。"
            f"{'其他内容可以修改。' if table in HISTORY_TABLES else ''}")


# ---- deletion (issue 18): an issued document is a fact of the office's work. It can only be 作废 (its 文号 stays
# taken), never deleted, whichever caller asks (form, CLI, import, sync). A history row (HISTORY_FIELD) is a copy
# of an old sheet, not issued here: a wrong import may be deleted.
UNDELETABLE: dict[str, tuple[str, ...]] = {"documents": ("已签发", "已送达", "已反馈", "已作废", "被替代")}
DELETE_HOW: dict[str, str] = {"documents": "已签发的文书只能作废，不能删除（选中文书后使用“作废”）"}


def delete_refusal(table: str, before: dict | None) -> str | None:
    """Why the stored record `before` may not be deleted (None when it may)."""
    states = UNDELETABLE.get(table)
    if not states or not before or before.get("deleted") or is_history(before):
        return None
    if before.get("status") not in states:
        return None
    name = before.get("doc_no") or before.get("title") or str(before.get("id"))[:12]
    return f"文书“{name}”{before['status']}：{DELETE_HOW[table]}；本次没有删除任何内容。"


# ---- sync (issue 12): a township package may not bring a state the workflow did not produce -------------------
def sync_refusal(table: str, row: dict, stored: dict | None, related: list[dict]) -> str | None:
    """Why a received row's state is refused (None when it is fine). `related`: the rows that the workflow
    writes with that state - a problem's problem_steps, a document's service_receipts - as stored here or
    carried in the same package. History records (HISTORY_FIELD = 1) travel as they are; a row whose state
    equals what is stored here already is not re-checked."""
    if row.get("deleted") in (1, True, "1") and stored is not None:
        why = delete_refusal(table, stored)
        if why:
            return why.replace("本次没有删除任何内容", "同步包中的删除未执行，本机保存的内容不变")
    if table not in ("problems", "documents") or row.get("deleted") or is_history(row):
        return None
    fields = [n for n in PROTECTED[table] if n != HISTORY_FIELD]
    if stored is not None and all((None if _empty(row.get(n)) else row.get(n)) ==
                                  (None if _empty(stored.get(n)) else stored.get(n)) for n in fields):
        return None
    status = row.get("status")
    if table == "problems":
        no = row.get("problem_no") or str(row.get("id"))[:12]
        if status in (None, "", "待整改") and not row.get("closed_date"):
            return None
        steps = [s for s in related if not s.get("deleted") and s.get("problem_id") == row.get("id")]
        if status == "已销号" or row.get("closed_date"):
            closing = [s for s in steps if s.get("to_status") == "已销号"]
            if not closing or not any(s.get("verify_method") and s.get("verifier") for s in closing):
                return (f"问题“{no}”为已销号，但同步包和本机都没有它的核查、销号记录（整改流程），"
                        "该条未导入，本机保存的内容不变；请乡镇通过“整改流程”办理销号后重新同步，"
                        "或作为历史记录导入")
        return None   # 整改中/已报告 without their steps: old data of earlier builds, not a 销号
    no = row.get("doc_no") or row.get("title") or str(row.get("id"))[:12]
    if status in (None, "", "草稿") and not (row.get("doc_no") or row.get("served_date") or row.get("reply_date")):
        return None
    if status in ("已作废", "被替代") and not row.get("served_date"):
        return None
    if not (row.get("doc_no") and row.get("signer") and row.get("doc_date")):
        return (f"文书“{no}”为“{status or '草稿'}”，但没有签发记录（文号、签发人、成文日期），该条未导入，"
                "本机保存的内容不变；请通过“签发”办理后重新同步")
    served = status in ("已送达", "已反馈") or row.get("served_date")
    if served and not any(not r.get("deleted") and r.get("doc_id") == row.get("id") for r in related):
        return (f"文书“{no}”为“{status}”，但同步包和本机都没有它的送达回证（登记送达），该条未导入，"
                "本机保存的内容不变；请通过“登记送达”办理后重新同步")
    return None


# fields whose value follows other fields on every write (the form shows them read-only)
DERIVED: dict[str, dict[str, str]] = {"cases": {"status": "办理状态"}}
CASE_VOID = "已撤销"
CASE_STATUS_HOW = "办理状态按日期自动确定：填写决定日期为“已决定”，填写结案日期为“已结案”，否则“办理中”；只有“已撤销”可以选择"


def case_status(rec: dict) -> str | None:
    """办理状态 of a case follows its dates: 结案日期 → 已结案, 决定日期 → 已决定, else 办理中; 已撤销 stays."""
    if rec.get("status") == "已撤销":
        return "已撤销"
    if rec.get("closed_date"):
        return "已结案"
    if rec.get("decision_date"):
        return "已决定"
    return "办理中"
