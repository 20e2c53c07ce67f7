"""The 报送 calendar (issue 16): the county's items (synced down) or the shipped defaults; submissions."""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.domain import report_calendar as rc
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import require


def calendar_items(store) -> list[dict]:
    """The calendar in force: the stored entries (the county's own, or the county's copy received by a township)
    once the county has edited it — even when every entry was removed — else the shipped defaults."""
    try:
        rows = store.rows("report_calendar", order_by="month, day, name")
        edited = bool(rows) or bool(store.rows("report_calendar", include_deleted=True, limit=1))
    except Exception:  # older schema
        rows, edited = [], False
    return rows if edited else rc.default_items()


def _require_county(store) -> None:
    require(store.actor, "settings")
    if store.meta("role") != "county":
        raise UserError("报送日历由县司法局统一制定和修改，乡镇只能查看。")


def _materialise_defaults(store) -> None:
    """The county's first edit stores the shipped defaults under their stable ids (default-1 …), so the
    submissions townships recorded against them stay linked."""
    if store.rows("report_calendar", include_deleted=True, limit=1):
        return
    for it in rc.default_items():
        store.insert("report_calendar", dict(rc.clean_item(it), id=it["id"]), action="settings")


def save_item(store, values: dict, item_id: str | None = None) -> dict:
    """County: add (item_id None) or change one 报送 entry; goes down to every township in the next package."""
    _require_county(store)
    clean = rc.clean_item(values)
    with store.transaction():
        _materialise_defaults(store)
        rows = store.rows("report_calendar")
        if item_id is None and len(rows) >= rc.MAX_ITEMS:
            raise UserError(f"报送日历最多{rc.MAX_ITEMS}项。")
        if any(r["name"] == clean["name"] and r["id"] != item_id for r in rows):
            raise UserError(f"报送事项“{clean['name']}”已存在。")
        if item_id is None:
            return store.insert("report_calendar", clean, action="settings")
        if store.get("report_calendar", item_id) is None or not any(r["id"] == item_id for r in rows):
            raise UserError("报送事项不存在或已删除。")
        return store.update("report_calendar", item_id, clean, action="settings")


def remove_item(store, item_id: str) -> None:
    """County: remove one entry (a tombstone, so the removal travels down)."""
    _require_county(store)
    with store.transaction():
        _materialise_defaults(store)
        if not any(r["id"] == item_id for r in store.rows("report_calendar")):
            raise UserError("报送事项不存在或已删除。")
        store.delete("report_calendar", item_id, action="settings")


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
