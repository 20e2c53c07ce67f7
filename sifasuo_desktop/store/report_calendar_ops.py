"""The 报送 calendar (issue 16): the county's items (synced down) or the shipped defaults; submissions."""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.domain import report_calendar as rc
from sifasuo_desktop.domain.errors import UserError


def calendar_items(store) -> list[dict]:
    try:
        rows = store.rows("report_calendar", order_by="month, day, name")
    except Exception:  # older schema
        rows = []
    return rows or rc.default_items()


def submissions(store) -> list[dict]:
    try:
        return store.rows("report_submissions")
    except Exception:
        return []


def report_status(store, today: _dt.date) -> list[dict]:
    return rc.statuses(calendar_items(store), submissions(store), today)


def record_submission(store, calendar_id: str, period: str, submitted_date: str) -> dict:
    """A township records that it sent the item for the period (the shipped defaults have stable ids)."""
    if calendar_id not in {i["id"] for i in calendar_items(store)}:
        raise UserError("报送事项不存在。")
    from sifasuo_desktop.domain.validators import parse_date

    return store.insert("report_submissions", {"calendar_id": calendar_id, "period": str(period),
                                               "submitted_date": parse_date(submitted_date)})
