"""The 报送 calendar (issue 16): the dates a township owes the county, as data the county edits and pushes down
(report_calendar rows; the shipped defaults below when it has none), and each one's status for a day.

status: 已报送 (a submission for the period exists), 逾期 (late: a warning), 即将到期 (due within WARN_DAYS days),
未到期. The period is the month (每月: due on `day` of that month) or the year (每年: due on `month`-`day`).
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
import json
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources" / "report_calendar_default.json"
WARN_DAYS = 7
DONE, LATE, SOON, LATER = "已报送", "逾期", "即将到期", "未到期"


def default_items() -> list[dict]:
    with open(DEFAULT_PATH, encoding="utf-8") as fh:
        return [dict(it, id=f"default-{n}", active=1) for n, it in enumerate(json.load(fh)["items"], 1)]


def _due(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(max(int(day), 1), _cal.monthrange(year, month)[1]))


def current_period(item: dict, today: dt.date) -> tuple[str, dt.date]:
    """(period label, due date) for `today`: 每月 → the current month; 每年 → the current calendar year (a late
    yearly item stays late until the year ends)."""
    if item.get("frequency") == "每月":
        return f"{today.year}-{today.month:02d}", _due(today.year, today.month, item.get("day") or 25)
    return str(today.year), _due(today.year, int(item.get("month") or 12), item.get("day") or 31)


def statuses(items: list[dict], submissions: list[dict], today: dt.date) -> list[dict]:
    """[{id, name, period, due_date, status, submitted_date}] for the active items, late ones first."""
    sent = {(s.get("calendar_id"), s.get("period")): s.get("submitted_date") for s in submissions}
    out = []
    for it in items:
        if it.get("active") in (0, False):
            continue
        try:
            period, due = current_period(it, today)
        except (TypeError, ValueError):
            continue   # a broken row never stops the dashboard
        when = sent.get((it.get("id"), period))
        if when:
            status = DONE
        elif today > due:
            status = LATE
        elif (due - today).days <= WARN_DAYS:
            status = SOON
        else:
            status = LATER
        out.append({"id": it.get("id"), "name": it.get("name") or "", "period": period, "due_date": due.isoformat(),
                    "status": status, "submitted_date": when})
    order = {LATE: 0, SOON: 1, LATER: 2, DONE: 3}
    out.sort(key=lambda r: (order[r["status"]], r["due_date"]))
    return out
