"""Deadline rules: publication (GS), case period (BA), rectification (ZG), supervision documents (DB)."""
from __future__ import annotations

from ..calendar import add_days
from .base import RED, YELLOW, Context, date_of

GENERAL_PENALTY = "行政处罚(一般程序)"
SIMPLE_PENALTY = "行政处罚(简易程序)"
GS01_TYPES = frozenset((GENERAL_PENALTY, "行政许可"))
GS_SKIP_TYPES = frozenset((SIMPLE_PENALTY,))  # on-the-spot decisions are not published case by case
VOID_CASE = frozenset(("已撤销",))


def _publication(ctx: Context, code: str, cases, p, types_in: frozenset | None, types_out: frozenset):
    """GS-01 / GS-02. deadline = the N-th working day after 决定日期.

    red: 公示日期 later than the deadline, or empty and today is past the deadline.
    yellow: empty and today falls within the last `warn_workdays` working days up to the deadline (the
    deadline day and the working day(s) before it; a weekend between them is inside the window).
    Cases marked 已撤销 are skipped.
    """
    n, warn = int(p["deadline_workdays"]), int(p["warn_workdays"])
    today, cal = ctx.today, ctx.cal
    for c in cases:
        ctype = c.get("case_type")
        if types_in is not None and ctype not in types_in:
            continue
        if types_in is None and (ctype in types_out or not ctype):
            continue
        decided = date_of(c.get("decision_date"))
        if decided is None or c.get("status") in VOID_CASE:
            continue
        deadline = cal.add_workdays(decided, n)
        published = date_of(c.get("published_date"))
        if published is not None:
            if published > deadline:
                yield ctx.finding(code, RED, "cases", c, c.get("case_no"),
                                  f"决定日期{decided}，应于{deadline}前公示，实际{published}公示（逾期）", deadline)
            continue
        if today > deadline:
            yield ctx.finding(code, RED, "cases", c, c.get("case_no"),
                              f"决定日期{decided}，公示期限{deadline}已过，尚未公示", deadline)
        elif warn > 0 and today >= cal.sub_workdays(deadline, warn - 1):
            yield ctx.finding(code, YELLOW, "cases", c, c.get("case_no"),
                              f"决定日期{decided}，须于{deadline}前公示，尚未公示", deadline)


def gs01(ctx: Context, data: dict, p: dict):
    return _publication(ctx, "GS-01", data.get("cases", ()), p, GS01_TYPES, frozenset())


def gs02(ctx: Context, data: dict, p: dict):
    """Every decision type other than 一般程序处罚, 许可 and 简易程序 (强制, 确认, 给付, 征收, 检查, 其他)."""
    return _publication(ctx, "GS-02", data.get("cases", ()), p, None, GS01_TYPES | GS_SKIP_TYPES)


def ba01(ctx: Context, data: dict, p: dict):
    """一般程序 penalty cases. deadline = 立案日期 + case_days (+ approved 延期天数), calendar days.

    Open case (no 决定日期, no 结案日期, not 已撤销): red when today > deadline; yellow from day `warn_day`
    (立案日期 + warn_day; with an extension the yellow window moves with the deadline). A case closed
    without a decision (不予处罚/销案) is not open. Decided case: red when 决定日期 > deadline.
    """
    days, warn_day = int(p["case_days"]), int(p["warn_day"])
    today = ctx.today
    for c in data.get("cases", ()):
        if c.get("case_type") != GENERAL_PENALTY or c.get("status") in VOID_CASE:
            continue
        filed = date_of(c.get("filed_date"))
        if filed is None:
            continue
        ext = int(c.get("extension_days") or 0)
        deadline = add_days(filed, days + max(ext, 0))
        decided = date_of(c.get("decision_date"))
        ref = c.get("case_no")
        if decided is not None:
            if decided > deadline:
                yield ctx.finding("BA-01", RED, "cases", c, ref,
                                  f"立案{filed}，办案期限{deadline}，{decided}才作出决定（超期{(decided - deadline).days}日）",
                                  deadline)
            continue
        if date_of(c.get("closed_date")) is not None:
            continue
        if today > deadline:
            yield ctx.finding("BA-01", RED, "cases", c, ref,
                              f"立案{filed}，办案期限{deadline}已过{(today - deadline).days}日，尚未作出决定", deadline)
        elif today >= add_days(deadline, -(days - warn_day)):
            yield ctx.finding("BA-01", YELLOW, "cases", c, ref,
                              f"立案{filed}已{(today - filed).days}日，须于{deadline}前作出决定", deadline)


def zg01(ctx: Context, data: dict, p: dict):
    """Problems not 已销号 (and not deleted): red when today > 整改期限; yellow from 整改期限 − warn_days."""
    warn = int(p["warn_days"])
    today = ctx.today
    for r in data.get("problems", ()):
        if r.get("status") == "已销号" or date_of(r.get("closed_date")) is not None:
            continue
        deadline = date_of(r.get("deadline"))
        if deadline is None:
            continue
        ref = r.get("problem_no") or (r.get("description") or "")[:20]
        if today > deadline:
            yield ctx.finding("ZG-01", RED, "problems", r, ref,
                              f"整改期限{deadline}已过{(today - deadline).days}日，尚未销号（{r.get('status') or '未填状态'}）",
                              deadline)
        elif today >= add_days(deadline, -warn):
            yield ctx.finding("ZG-01", YELLOW, "problems", r, ref,
                              f"整改期限{deadline}，还剩{(deadline - today).days}日", deadline)


DB01_TYPES = frozenset(("督办函", "监督意见书", "监督建议书"))
NOT_ISSUED = frozenset(("草稿", "已作废", "被替代"))
SERVED = frozenset(("已送达", "已反馈"))


def db01(ctx: Context, data: dict, p: dict):
    """督办函/监督意见书/监督建议书 with a 反馈期限 (not 草稿/已作废/被替代).

    red: no 反馈日期 and today > 反馈期限, or 反馈日期 later than 反馈期限 (a late reply).
    yellow: no reply and today within `warn_days` before the deadline (deadline day included).
    A document with status 已反馈 but no date counts as replied.
    """
    warn = int(p["warn_days"])
    today = ctx.today
    for d in data.get("documents", ()):
        if d.get("doc_type") not in DB01_TYPES or d.get("status") in NOT_ISSUED:
            continue
        deadline = date_of(d.get("reply_deadline"))
        if deadline is None:
            continue
        ref = d.get("doc_no") or d.get("title") or ""
        replied = date_of(d.get("reply_date"))
        if replied is not None:
            if replied > deadline:
                yield ctx.finding("DB-01", RED, "documents", d, ref,
                                  f"{d.get('doc_type')}反馈期限{deadline}，{replied}才反馈（逾期）", deadline)
            continue
        if d.get("status") == "已反馈":
            continue
        if today > deadline:
            yield ctx.finding("DB-01", RED, "documents", d, ref,
                              f"{d.get('doc_type')}反馈期限{deadline}已过，{d.get('recipient') or '对方'}尚未反馈",
                              deadline)
        elif today >= add_days(deadline, -warn):
            yield ctx.finding("DB-01", YELLOW, "documents", d, ref,
                              f"{d.get('doc_type')}反馈期限{deadline}，尚未反馈", deadline)


def db02(ctx: Context, data: dict, p: dict):
    """A document issued (成文日期 set, not 草稿/已作废/被替代) more than `serve_days` days ago with no
    送达 record — no 送达日期, no 送达回证 (service_receipts row) and a status that does not say 已送达/已反馈:
    red from 成文日期 + serve_days + 1."""
    n = int(p["serve_days"])
    today = ctx.today
    served_ids = {r.get("doc_id") for r in data.get("service_receipts", ())}
    for d in data.get("documents", ()):
        if d.get("status") in NOT_ISSUED:
            continue
        issued = date_of(d.get("doc_date"))
        if issued is None or d.get("served_date") or d["id"] in served_ids or d.get("status") in SERVED:
            continue
        due = add_days(issued, n)
        if today > due:
            yield ctx.finding("DB-02", RED, "documents", d, d.get("doc_no") or d.get("title") or "",
                              f"{d.get('doc_type') or '文书'}成文于{issued}，已{(today - issued).days}日仍无送达记录", due)
