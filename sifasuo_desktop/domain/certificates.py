"""An officer's certificate and duty history (证件履历): events in order, the status they lead to, and the
events an officer sheet's 离岗日期/年审年度/年审结果 columns stand for. Plain Python (no SQL, no Qt).

Event types (ledgers.md): 申领 (with the 司法所 初审 date and opinion), 发证, 审验 (year, result), 暂扣, 收回,
注销, 吊销, 补发, 离岗 (with reason), 返岗 (with the 返岗考核 result).
"""
from __future__ import annotations

from .calendar import to_date

# the certificate status each event leaves behind (None: the event does not change it)
CERT_STATUS_AFTER = {"发证": "有效", "补发": "有效", "暂扣": "暂扣", "收回": "收回", "注销": "注销", "吊销": "吊销"}
# same-day events apply in the order of the lifecycle
_ORDER = {t: i for i, t in enumerate(("申领", "发证", "补发", "审验", "暂扣", "收回", "注销", "吊销", "离岗", "返岗"))}
OFF_DUTY = ("离岗", "调离", "退休")


def year_of(value) -> int | None:
    """A 年度 value as int (None when empty or not a plausible year: bad data never stops a check)."""
    try:
        y = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return y if 1900 <= y <= 2999 else None


def event_key(e: dict):
    return (e.get("event_date") or "", _ORDER.get(e.get("event_type"), 99), e.get("created_at") or "", e.get("id") or "")


def ordered(events) -> list[dict]:
    """Live events (not deleted) oldest first."""
    return sorted((e for e in events if not e.get("deleted")), key=event_key)


def derive(officer: dict, events) -> dict:
    """The officer fields the events determine, as {field: value}, only those that differ from `officer`.

    - 发证/补发 → 证件状态 有效 (发证 also sets 发证日期; both take 执法证号/有效期至 when the event names them);
      暂扣/收回/注销/吊销 → that status. The latest such event wins.
    - 审验 → 年审年度/年审结果 of the latest year reviewed (a 审验 does not change the status: a 不合格
      result with the status still 有效 is what RY-09 reports).
    - 离岗 → 在岗状态 离岗 (or the event's 离岗类型 调离/退休) and 离岗日期; 返岗 → 在岗状态 在岗 (离岗日期
      stays: it dates the last period away, which RY-07 reads).
    Without events nothing changes (hand-entered values stay).
    """
    want: dict = {}
    review = None
    for e in ordered(events):
        kind = e.get("event_type")
        day = e.get("event_date")
        status = CERT_STATUS_AFTER.get(kind)
        if status:
            want["cert_status"] = status
            if kind == "发证" and day:
                want["cert_issued"] = day
            if kind in ("发证", "补发"):
                if e.get("cert_no"):
                    want["cert_no"] = e["cert_no"]
                if e.get("cert_expiry"):
                    want["cert_expiry"] = e["cert_expiry"]
        elif kind == "审验" and year_of(e.get("review_year")) is not None:
            year = year_of(e["review_year"])
            if review is None or year >= review[0]:
                review = (year, e.get("result"))
        elif kind == "离岗":
            want["duty_status"] = e.get("leave_kind") if e.get("leave_kind") in OFF_DUTY else "离岗"
            if day:
                want["left_date"] = day
        elif kind == "返岗":
            want["duty_status"] = "在岗"
    if review is not None:
        cur = year_of(officer.get("review_year"))
        if cur is None or cur <= review[0]:
            want["review_year"], want["review_result"] = review
    return {k: v for k, v in want.items() if (officer.get(k) or None) != (v or None)}


def implied_events(officer: dict, events) -> list[dict]:
    """Events an officer row's 离岗日期 / 年审年度+年审结果 stand for and the history lacks (the import path).

    - 年审年度 Y with 年审结果 R and no 审验 for Y with that result → a 审验 event (year Y, result R) dated
      the 12-31 of Y when the sheet gives no date (the review covered that year).
    - 离岗日期 L with 在岗状态 离岗/调离/退休 and no 离岗 event on L → a 离岗 event on L (离岗类型 from the status).
    """
    out: list[dict] = []
    live = ordered(events)
    year, result = year_of(officer.get("review_year")), officer.get("review_result")
    if year is not None and result:
        if not any(e.get("event_type") == "审验" and year_of(e.get("review_year")) == year
                   and e.get("result") == result for e in live):
            out.append({"event_type": "审验", "event_date": f"{year}-12-31", "review_year": year,
                        "result": result, "reason": "由执法人员台账“年审年度/年审结果”导入"})
    left, duty = officer.get("left_date"), officer.get("duty_status")
    if left and duty in OFF_DUTY:
        if not any(e.get("event_type") == "离岗" and e.get("event_date") == left for e in live):
            out.append({"event_type": "离岗", "event_date": left, "leave_kind": duty,
                        "reason": "由执法人员台账“离岗日期”导入"})
    for e in out:
        e.update(officer_id=officer.get("id"), officer_name=officer.get("name"), id_number=officer.get("id_number"))
    return out


def describe(e: dict) -> str:
    """One line for the timeline: what happened, with the details the event carries."""
    kind = e.get("event_type") or ""
    parts = [kind]
    if kind == "审验":
        if e.get("review_year") is not None:
            parts.append(f"{e['review_year']}年度")
        if e.get("result"):
            parts.append(e["result"])
    elif kind == "申领":
        if e.get("prelim_date"):
            parts.append(f"司法所初审{e['prelim_date']}")
        if e.get("prelim_opinion"):
            parts.append(f"意见：{e['prelim_opinion']}")
    elif kind == "离岗":
        if e.get("leave_kind") and e["leave_kind"] != "离岗":
            parts.append(f"（{e['leave_kind']}）")
    elif kind == "返岗":
        parts.append(f"返岗考核{e['result']}" if e.get("result") else "未记录返岗考核结果")
    elif kind in ("发证", "补发") and e.get("cert_no"):
        parts.append(f"证号{e['cert_no']}")
    if e.get("doc_no"):
        parts.append(f"文号{e['doc_no']}")
    if e.get("reason"):
        parts.append(f"原因：{e['reason']}" if kind in ("离岗", "暂扣", "收回", "注销", "吊销") else e["reason"])
    return " ".join(parts)


def latest_review(officer: dict, events) -> tuple[int, str | None] | None:
    """(year, result) of the latest 年度审验: from 审验 events, else the officer's 年审年度/年审结果 columns."""
    best = None
    for e in ordered(events):
        y = year_of(e.get("review_year")) if e.get("event_type") == "审验" else None
        if y is not None and (best is None or y >= best[0]):
            best = (y, e.get("result"))
    y = year_of(officer.get("review_year"))
    if y is not None and (best is None or y > best[0]):
        best = (y, officer.get("review_result"))
    return best


def passed_review(officer: dict, events, year: int) -> bool:
    """Whether a 年审 for `year` with result 合格 is recorded (event or the officer's columns)."""
    for e in events:
        if (not e.get("deleted") and e.get("event_type") == "审验" and year_of(e.get("review_year")) == year
                and e.get("result") == "合格"):
            return True
    return year_of(officer.get("review_year")) == year and officer.get("review_result") == "合格"


def leave_periods(officer: dict, events) -> list[tuple]:
    """[(离岗 date or None, 返岗 date or None, 返岗 event or None)] oldest first."""
    out: list[list] = []
    for e in ordered(events):
        kind, day = e.get("event_type"), to_date(e.get("event_date"))
        if kind == "离岗":
            if out and out[-1][1] is None and out[-1][0] is not None:
                continue  # still away: a second 离岗 record does not start a new period
            out.append([day, None, None])
        elif kind == "返岗":
            if out and out[-1][1] is None:
                out[-1][1], out[-1][2] = day, e
            else:
                left = to_date(officer.get("left_date"))
                out.append([left if left and day and left <= day else None, day, e])
    return [tuple(p) for p in out]
