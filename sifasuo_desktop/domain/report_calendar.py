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

from .errors import UserError

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources" / "report_calendar_default.json"
WARN_DAYS = 7
DONE, LATE, SOON, LATER = "已报送", "逾期", "即将到期", "未到期"
MONTHLY, YEARLY = "每月", "每年"
FREQUENCIES = (MONTHLY, YEARLY)
FIELDS = ("name", "frequency", "month", "day", "active", "note")
MAX_ITEMS = 100          # entries of one calendar (the county's, or one package's)
MAX_NAME, MAX_NOTE = 100, 500


def _int(value, what: str, strict: bool = False) -> int | None:
    if strict and value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise UserError(f"{what}应为整数。")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise UserError(f"{what}应为整数。")
    try:
        return int(str(value).strip()) if not isinstance(value, (int, float)) else int(value)
    except ValueError:
        raise UserError(f"{what}应为整数。") from None


def clean_item(values: dict, strict: bool = False) -> dict:
    """One 报送 entry (name, frequency 每月/每年, due month and day, active, note) checked: a date that does not
    exist (13月, 2月30日, 0日) or an unknown frequency is refused with a Chinese message. strict (a synced
    package): unknown fields and over-long texts are refused too, never shortened."""
    if not isinstance(values, dict):
        raise UserError("报送事项格式不正确。")
    if strict:
        extra = [str(k)[:20] for k in values if k not in FIELDS]
        if extra:
            raise UserError(f"报送事项含有未知字段“{'、'.join(extra)}”。")
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        raise UserError("请填写报送事项名称。")
    name = name.strip()
    if len(name) > MAX_NAME:
        raise UserError(f"报送事项名称最多{MAX_NAME}个字。")
    freq = values.get("frequency")
    if freq not in FREQUENCIES:
        raise UserError(f"周期应为{'或'.join(FREQUENCIES)}。")
    month = _int(values.get("month"), "截止月", strict)
    day = _int(values.get("day"), "截止日", strict)
    if day is None:
        raise UserError("请填写截止日。")
    if freq == MONTHLY:
        if month is not None:
            raise UserError("每月报送的事项不填截止月。")
        if not 1 <= day <= 31:
            raise UserError("截止日应为1–31（大于当月天数时按月末计）。")
    else:
        if month is None or not 1 <= month <= 12:
            raise UserError("每年报送的事项应填写截止月（1–12）。")
        last = _cal.monthrange(2024, month)[1]     # a leap year: 2月29日 is allowed (平年按2月28日计)
        if not 1 <= day <= last:
            raise UserError(f"{month}月没有{day}日。")
    active = values.get("active", 1)
    if active in (None, ""):
        active = 1
    if active not in (0, 1, True, False):
        raise UserError("“启用”应为是或否。")
    note = values.get("note")
    if note is not None and not isinstance(note, str):
        raise UserError("说明应为文本。")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        if strict:
            raise UserError(f"说明最多{MAX_NOTE}个字。")
        note = note[:MAX_NOTE]
    return {"name": name, "frequency": freq, "month": month, "day": day, "active": int(bool(active)),
            "note": note or None}


def check_row(row: dict) -> None:
    """A 报送 entry as it arrives in a sync package (hostile input): UserError unless clean_item accepts it."""
    if row.get("deleted"):
        return
    clean_item({k: row.get(k) for k in FIELDS}, strict=True)


def due_rule(item: dict) -> str:
    """The due rule in words: 每月25日前, 每年3月31日前 (月末 for a monthly day past the month's end)."""
    day = item.get("day")
    if item.get("frequency") == MONTHLY:
        return "每月月末前" if day == 31 else f"每月{day}日前"
    return f"每年{item.get('month')}月{day}日前"


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
