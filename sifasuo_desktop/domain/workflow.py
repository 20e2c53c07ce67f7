"""Problem → rectification → 销号: the state machine (reference.md §4.4), no SQL, no Qt.

States (stored in problems.status): 待整改 → 整改中 → 已报告 → 已销号, or 已报告 → 退回重改 → 整改中/已报告.
逾期 is not a stored state: it is computed from the 整改期限 (deadline) and today for every problem that is
not yet 已销号 (the ZG-01 reading: overdue when today > deadline; due soon within 3 days before).

History is append-only: every transition is a new step (problem_steps row). A step is undone only by a new
step ("撤销上一步") that returns the problem to the state before the undone step; nothing is deleted.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .errors import UserError, ValidationError
from .validators import parse_date

TODO, WORKING, REPORTED, CLOSED, RETURNED = "待整改", "整改中", "已报告", "已销号", "退回重改"
STATES = (TODO, WORKING, REPORTED, CLOSED, RETURNED)
OVERDUE = "逾期"
DUE_SOON_DAYS = 3

# action codes (stored in problem_steps.action as the Chinese label)
ASSIGN, START, REPORT, RETURN, CLOSE, UNDO = "交办", "开始整改", "报告整改", "退回重改", "销号", "撤销上一步"

VERIFY_METHODS = ("书面核查", "实地核查", "回访核实", "资料核查", "电话回访")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None          # None: decided by the history (撤销上一步)
    permission: str = "edit"    # domain.permissions action the actor needs
    needs_note: bool = False
    needs_verification: bool = False
    help: str = ""


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition(START, (TODO, RETURNED), WORKING, help="被监督单位开始整改"),
    Transition(REPORT, (TODO, WORKING, RETURNED), REPORTED, needs_note=True,
               help="报送整改报告（填写整改情况，附佐证材料）"),
    Transition(RETURN, (REPORTED,), RETURNED, needs_note=True, help="核查后认为整改不到位，退回重改（说明理由）"),
    Transition(CLOSE, (REPORTED,), CLOSED, permission="close_problem", needs_verification=True,
               help="核查属实后销号（需核查方式、核查人、核查日期）"),
    Transition(UNDO, (TODO, WORKING, REPORTED, CLOSED, RETURNED), None, needs_note=True,
               help="撤销最近一步（记为新的一步，历史保留；说明原因）"),
)}


def available_actions(status: str | None, history: list[dict] | None = None) -> list[str]:
    """Actions that make sense from `status` (UNDO only when there is a step to undo)."""
    status = status or TODO
    out = [a for a, t in TRANSITIONS.items() if status in t.sources and a != UNDO]
    if history is not None and undo_target(history) is not None:
        out.append(UNDO)
    return out


def _effective_steps(history: list[dict]) -> list[dict]:
    """The steps still in force: each 撤销上一步 cancels the latest step in force before it."""
    stack: list[dict] = []
    for s in sorted(history, key=_step_key):
        if s.get("action") == UNDO:
            if len(stack) > 1:  # the opening 交办 step cannot be undone
                stack.pop()
        else:
            stack.append(s)
    return stack


def _step_key(s: dict):
    return (s.get("step_date") or "", s.get("created_at") or "", s.get("seq") or 0)


def undo_target(history: list[dict]) -> str | None:
    """The state a 撤销上一步 returns to, or None when nothing can be undone."""
    stack = _effective_steps(history)
    if len(stack) < 2:
        return None
    return stack[-2].get("to_status") or TODO


def required_permission(action: str, status: str | None, history: list[dict] | None = None) -> str:
    """Undoing a 销号 needs the same right as 销号 itself."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise UserError(f"未知的整改操作“{action}”。")
    if action == UNDO and status == CLOSED:
        return "close_problem"
    return t.permission


@dataclass
class StepPlan:
    """A validated step, ready for the store to write."""

    action: str
    from_status: str
    to_status: str
    step_date: str
    person: str
    note: str
    permission: str
    verify_method: str | None = None
    verifier: str | None = None
    verify_date: str | None = None
    verify_result: str | None = None
    closed_date: str | None = None


def plan_step(problem: dict, history: list[dict], action: str, *, step_date, person: str, note: str = "",
              verify_method: str | None = None, verifier: str | None = None, verify_date=None,
              verify_result: str | None = None, today: _dt.date | None = None) -> StepPlan:
    """Check a requested transition against the state machine and the record; raise UserError in Chinese.

    Rules: the action must be allowed from the current status; the step date is a valid date, not before
    the problem's 发现日期 nor before the last step, not after today; a person is named; 报告/退回/撤销
    need a note; 销号 needs a verification record (method from VERIFY_METHODS, verifier, verify date not
    after the step date and not before the report).
    """
    status = problem.get("status") or TODO
    t = TRANSITIONS.get(action)
    if t is None:
        raise UserError(f"未知的整改操作“{action}”。")
    if status not in t.sources:
        raise UserError(f"问题当前状态为“{status}”，不能执行“{action}”。")
    errors: dict[str, str] = {}
    try:
        day = parse_date(step_date) if step_date else None
    except ValueError as exc:
        day = None
        errors["日期"] = str(exc)
    else:
        if not day:
            errors["日期"] = "必填"
    today = today or _dt.date.today()
    if day:
        if day > today.isoformat():
            errors["日期"] = f"不能晚于今天（{today.isoformat()}）"
        elif problem.get("found_date") and day < problem["found_date"]:
            errors["日期"] = f"不能早于问题发现日期（{problem['found_date']}）"
        else:
            last = max((s.get("step_date") or "" for s in history), default="")
            if last and day < last:
                errors["日期"] = f"不能早于上一步的日期（{last}）"
    person = (person or "").strip()
    if not person:
        errors["经办人"] = "必填"
    note = (note or "").strip()
    if t.needs_note and not note:
        errors["说明"] = "必填" if action != REPORT else "请填写整改情况"
    vdate = None
    if t.needs_verification:
        if verify_method not in VERIFY_METHODS:
            errors["核查方式"] = f"请选择（{'、'.join(VERIFY_METHODS)}）"
        if not (verifier or "").strip():
            errors["核查人"] = "必填"
        try:
            vdate = parse_date(verify_date) if verify_date else None
        except ValueError as exc:
            errors["核查日期"] = str(exc)
        else:
            if not vdate:
                errors["核查日期"] = "必填"
            elif day and vdate > day:
                errors["核查日期"] = "不能晚于销号日期"
            else:
                reported = [s.get("step_date") or "" for s in _effective_steps(history)
                            if s.get("to_status") == REPORTED]
                if reported and vdate < max(reported):
                    errors["核查日期"] = f"不能早于整改报告日期（{max(reported)}）"
        if not (verify_result or "").strip():
            errors["核查结论"] = "必填"
    if errors:
        raise ValidationError(errors)
    if action == UNDO:
        target = undo_target(history)
        if target is None:
            raise UserError("没有可撤销的步骤（交办步骤不能撤销）。")
    else:
        target = t.target
    return StepPlan(action=action, from_status=status, to_status=target, step_date=day, person=person, note=note,
                    permission=required_permission(action, status, history),
                    verify_method=verify_method if t.needs_verification else None,
                    verifier=(verifier or "").strip() or None if t.needs_verification else None,
                    verify_date=vdate, verify_result=(verify_result or "").strip() or None,
                    closed_date=day if target == CLOSED else None)


# ---------------------------------------------------------------------------- overdue
def deadline_state(problem: dict, today: _dt.date, soon_days: int = DUE_SOON_DAYS) -> str | None:
    """'overdue' | 'due_soon' | None for a problem (ZG-01 reading).

    Overdue: not 已销号, has a 整改期限, and today is after it (acting on the deadline day is on time).
    Due soon: not 已销号 and the deadline is today or within the next `soon_days` days.
    """
    if (problem.get("status") or TODO) == CLOSED:
        return None
    dl = problem.get("deadline")
    if not dl:
        return None
    try:
        d = _dt.date.fromisoformat(dl[:10])
    except ValueError:
        return None
    if today > d:
        return "overdue"
    if (d - today).days <= soon_days:
        return "due_soon"
    return None


def display_status(problem: dict, today: _dt.date) -> str:
    """The status shown to users: the stored state, with “（逾期）” appended when overdue."""
    st = problem.get("status") or TODO
    return f"{st}（{OVERDUE}）" if deadline_state(problem, today) == "overdue" else st


def next_problem_no(prefix: str, year: int, existing: list[str]) -> str:
    """`{prefix}问〔{year}〕{n}号` with n one above the highest used for that prefix and year (no zero padding)."""
    head = f"{prefix}问〔{year}〕"
    highest = 0
    for no in existing:
        if no and no.startswith(head) and no.endswith("号"):
            mid = no[len(head):-1]
            if mid.isdigit():
                highest = max(highest, int(mid))
    return f"{head}{highest + 1}号"
