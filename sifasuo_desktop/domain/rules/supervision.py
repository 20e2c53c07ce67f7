"""The supervisor's year (issue 16): plan tasks (RW-01), delegated-power evaluation (FQ-03), the annual
supervision plan (JH-01), volunteer supervisors' terms (JD-01) and complaint time limits (TS-01).

Readings where rules.md leaves room (a county supervisor's):
- "within the next N (working) days" counts the deadline day itself: with N = 15 a deadline 15 days ahead is
  yellow, 16 days ahead is not; the deadline day is yellow (acting on it is on time), the day after is red.
- A record counts as done only by its own status/date (已完成, 已办结 or an 办结日期, 期满/解聘).
"""
from __future__ import annotations

from ..calendar import add_days, add_months
from .base import RED, YELLOW, Context, date_of

TASK_DONE, TASK_ONGOING = "已完成", "持续推进"
PLAN_DONE = "已完成"
COMPLAINT_DONE = "已办结"
IN_TERM = "在聘"


def _norm(text) -> str:
    return "".join(str(text or "").split())


def task_ref(t: dict) -> str:
    """任务编号 and 任务名称."""
    name = _norm(t.get("task"))[:30]
    return " ".join(x for x in (str(t.get("task_no") or "").strip(), name) if x)


def rw01(ctx: Context, data: dict, p: dict):
    """三年行动任务 not 已完成 (持续推进 never fires) with a 完成时限: red when today > 完成时限; yellow when the
    完成时限 is today or within the next `warn_days` calendar days."""
    warn = int(p["warn_days"])
    today = ctx.today
    for t in data.get("plan_tasks", ()):
        status = (t.get("status") or "").strip()
        if status in (TASK_DONE, TASK_ONGOING):
            continue
        deadline = date_of(t.get("deadline"))
        if deadline is None:
            continue
        ref = task_ref(t)
        shown = status or "未填状态"
        if today > deadline:
            yield ctx.finding("RW-01", RED, "plan_tasks", t, ref,
                              f"完成时限{deadline}已过{(today - deadline).days}日，任务尚未完成（{shown}）", deadline)
        elif today >= add_days(deadline, -warn):
            yield ctx.finding("RW-01", YELLOW, "plan_tasks", t, ref,
                              f"完成时限{deadline}，还剩{(deadline - today).days}日（{shown}）", deadline)


# ---------------------------------------------------------------------- FQ-03
def _evaluation_dates(data: dict):
    """Latest evaluation date by power id, by (owner, code/name) and by code/name from owners with no such power.

    An evaluation belongs to a power by its 赋权事项 link; else by 事项编码 (事项名称 when no code) within the
    same organisation; an evaluation recorded by an organisation that holds no power with that code or name
    (the county's evaluation of a township's power) counts for every power with that code or name.
    """
    by_id: dict[str, object] = {}
    by_owner: dict[tuple, object] = {}
    by_key: dict[str, list[tuple[str, object]]] = {}
    for e in data.get("power_evaluations", ()):
        d = date_of(e.get("eval_date"))
        if d is None:
            continue
        pid = e.get("power_id")
        if pid:
            if pid not in by_id or d > by_id[pid]:
                by_id[pid] = d
        for key in {_norm(e.get("power_code")), _norm(e.get("power_name"))} - {""}:
            k = (e.get("owner_org") or "", key)
            if k not in by_owner or d > by_owner[k]:
                by_owner[k] = d
            by_key.setdefault(key, []).append((e.get("owner_org") or "", d))
    return by_id, by_owner, by_key


def fq03(ctx: Context, data: dict, p: dict):
    """赋权事项 有效 (not revoked) whose 生效日期 is at least 12 months ago, with no 赋权事项评估 dated within the last
    `months` months (an evaluation on today − months counts as inside; a future-dated one does not count).
    Red. Due date: the last evaluation + `months`, or 生效日期 + 12 months when never evaluated."""
    months = int(p["months"])
    today = ctx.today
    start = add_months(today, -months)
    powers = data.get("powers", ())
    owners_of: dict[str, set[str]] = {}
    for w in powers:
        for key in {_norm(w.get("code")), _norm(w.get("name"))} - {""}:
            owners_of.setdefault(key, set()).add(w.get("owner_org") or "")
    by_id, by_owner, by_key = _evaluation_dates(data)
    for w in powers:
        if (w.get("status") or "有效") != "有效" or date_of(w.get("revoked_date")):
            continue
        eff = date_of(w.get("effective_date"))
        if eff is None or add_months(eff, 12) > today:
            continue
        owner = w.get("owner_org") or ""
        dates = [by_id.get(w["id"])]
        for key in {_norm(w.get("code")), _norm(w.get("name"))} - {""}:
            dates.append(by_owner.get((owner, key)))
            dates.extend(d for o, d in by_key.get(key, ()) if o not in owners_of.get(key, ()))
        dates = [d for d in dates if d is not None and d <= today]
        last = max(dates) if dates else None
        if last is not None and last >= start:
            continue
        ref = " ".join(x for x in (w.get("name") or "", w.get("code") or "") if x)
        if last is None:
            due = add_months(eff, 12)
            msg = f"{eff}生效已满12个月，从未开展赋权事项评估"
        else:
            due = add_months(last, months)
            msg = f"最近一次评估{last}，已超过{months}个月未再评估"
        yield ctx.finding("FQ-03", RED, "powers", w, ref, msg, due)


# ---------------------------------------------------------------------- JH-01
def plan_ref(item: dict) -> str:
    """计划年度 and 监督事项."""
    year = item.get("plan_year")
    return " ".join(x for x in (f"{year}年度" if year not in (None, "") else "", _norm(item.get("item"))[:30]) if x)


def jh01(ctx: Context, data: dict, p: dict):
    """年度监督计划 items not 已完成 and with no linked 监督检查 (visits.plan_item_id) or 案卷评查 batch
    (review_batches.plan_item_id): red when today > 计划完成时间; yellow when it is today or within the next
    `warn_days` days. A linked visit or batch means the item was carried out, whatever its status says."""
    warn = int(p["warn_days"])
    today = ctx.today
    linked = {v.get("plan_item_id") for v in data.get("visits", ()) if v.get("plan_item_id")}
    linked |= {b.get("plan_item_id") for b in data.get("review_batches", ()) if b.get("plan_item_id")}
    for it in data.get("supervision_plans", ()):
        if (it.get("status") or "").strip() == PLAN_DONE or it["id"] in linked:
            continue
        due = date_of(it.get("planned_date"))
        if due is None:
            continue
        ref = plan_ref(it)
        how = it.get("method") or "监督"
        if today > due:
            yield ctx.finding("JH-01", RED, "supervision_plans", it, ref,
                              f"计划{due}前完成的{how}已逾期{(today - due).days}日，未关联监督检查或案卷评查", due)
        elif today >= add_days(due, -warn):
            yield ctx.finding("JH-01", YELLOW, "supervision_plans", it, ref,
                              f"计划{due}前完成的{how}还剩{(due - today).days}日，尚未开展", due)


# ---------------------------------------------------------------------- JD-01
def jd01(ctx: Context, data: dict, p: dict):
    """行政执法监督员 whose status says 在聘 and whose 聘期至 is before today (the 聘期至 day is still in term): yellow."""
    today = ctx.today
    for s in data.get("supervisors", ()):
        if (s.get("status") or "").strip() != IN_TERM:
            continue
        end = date_of(s.get("term_end"))
        if end is None or today <= end:
            continue
        yield ctx.finding("JD-01", YELLOW, "supervisors", s, s.get("name") or "",
                          f"聘期至{end}，已届满{(today - end).days}日，状态仍为在聘（请续聘或改为期满）", end)


# ---------------------------------------------------------------------- TS-01
def complaint_ref(c: dict) -> str:
    """工单编号, or the summary."""
    return str(c.get("ticket_no") or "").strip() or _norm(c.get("summary"))[:30]


def complaint_deadline(c: dict, cal, default_workdays: int):
    """办理时限, or 受理日期 + `default_workdays` working days; None when neither is known."""
    limit = date_of(c.get("time_limit"))
    if limit is not None:
        return limit, False
    received = date_of(c.get("received_date"))
    if received is None:
        return None, False
    return cal.add_workdays(received, default_workdays), True


def ts01(ctx: Context, data: dict, p: dict):
    """投诉举报/线索 not 办结 (状态 已办结 or an 办结日期 means 办结): red when today > the deadline; yellow when the
    deadline is today or within the next `warn_workdays` working days (today ≥ deadline − warn_workdays
    working days). The deadline is 办理时限, or 受理日期 + `default_workdays` working days."""
    default, warn = int(p["default_workdays"]), int(p["warn_workdays"])
    today, cal = ctx.today, ctx.cal
    for c in data.get("complaints", ()):
        if (c.get("status") or "").strip() == COMPLAINT_DONE or date_of(c.get("closed_date")) is not None:
            continue
        deadline, derived = complaint_deadline(c, cal, default)
        if deadline is None:
            continue
        ref = complaint_ref(c)
        basis = f"（受理日期后{default}个工作日）" if derived else ""
        if today > deadline:
            yield ctx.finding("TS-01", RED, "complaints", c, ref,
                              f"办理时限{deadline}{basis}已过{(today - deadline).days}日，尚未办结", deadline)
        elif today >= cal.sub_workdays(deadline, warn):
            yield ctx.finding("TS-01", YELLOW, "complaints", c, ref,
                              f"办理时限{deadline}{basis}将到，尚未办结", deadline)
