"""Working days (工作日) and period arithmetic for the warning rules.

- The State Council holiday schedule, including make-up working weekends (调休), comes from the
  `chinesecalendar` package for the years it knows.
- Schedules for later years (or corrections) come from the database (`holidays` table, rows of
  date + kind, imported by an admin or sent down by the county); they override the package.
- A year known to neither falls back to Monday–Friday; every such year is recorded in
  `WorkCalendar.fallback_years` so the caller can say so once per year.

Periods: the start day does not count (期间开始之日不计算在期间内); the deadline of "N (working) days
after D" is the N-th (working) day after D, and acting on the deadline day is on time.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from calendar import monthrange as _monthrange
from functools import lru_cache

from .errors import UserError

HOLIDAY, WORKDAY = "holiday", "workday"

# accepted spellings of a day's kind in an import file
KIND_ALIASES = {
    "holiday": HOLIDAY, "休": HOLIDAY, "休息": HOLIDAY, "假": HOLIDAY, "放假": HOLIDAY, "节假日": HOLIDAY,
    "休息日": HOLIDAY, "off": HOLIDAY, "0": HOLIDAY,
    "workday": WORKDAY, "班": WORKDAY, "上班": WORKDAY, "工作日": WORKDAY, "调休上班": WORKDAY, "补班": WORKDAY,
    "work": WORKDAY, "1": WORKDAY,
}


def _package_data():
    import chinese_calendar as cc   # a dependency (chinesecalendar); imported when a calendar is first built

    years = {d.year for d in cc.holidays} | {d.year for d in cc.workdays}
    return cc.holidays, cc.workdays, years


class WorkCalendar:
    """Answers is_workday / add_workdays. `overrides` maps a date to True (working) or False (day off)."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None, use_package: bool = True):
        self.overrides: dict[dt.date, bool] = dict(overrides or {})
        if use_package:
            self._holidays, self._workdays, self._package_years = _package_data()
        else:
            self._holidays, self._workdays, self._package_years = None, None, set()
        self._db_years = {d.year for d in self.overrides}
        self.fallback_years: set[int] = set()
        self._is_workday = lru_cache(maxsize=None)(self._compute_is_workday)
        self.add_workdays = lru_cache(maxsize=None)(self._add_workdays)

    # ------------------------------------------------------------------ day kind
    def known_year(self, year: int) -> bool:
        return year in self._package_years or year in self._db_years

    def _compute_is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        y = day.year
        if y in self._package_years:
            if day in self._workdays:
                return True
            if day in self._holidays:
                return False
            return day.weekday() < 5
        if y not in self._db_years:
            self.fallback_years.add(y)
        return day.weekday() < 5

    def is_workday(self, day: dt.date) -> bool:
        return self._is_workday(day)

    # ------------------------------------------------------------------ periods
    def _add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted); n <= 0 returns start."""
        day = start
        step = dt.timedelta(days=1)
        count = 0
        while count < n:
            day += step
            if self._is_workday(day):
                count += 1
        return day

    def sub_workdays(self, end: dt.date, n: int) -> dt.date:
        """The n-th working day before `end` (end itself not counted); n <= 0 returns end."""
        day = end
        step = dt.timedelta(days=1)
        count = 0
        while count < n:
            day -= step
            if self._is_workday(day):
                count += 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end] (start not counted); negative if end < start."""
        if end < start:
            return -self.workdays_between(end, start)
        n = 0
        day = start
        step = dt.timedelta(days=1)
        while day < end:
            day += step
            if self._is_workday(day):
                n += 1
        return n

    def notices(self) -> list[str]:
        return [fallback_notice(y) for y in sorted(self.fallback_years)]


def fallback_notice(year: int) -> str:
    return (f"{year}年的国务院节假日安排尚未收录（程序和数据库中均无），该年按周一至周五计算工作日；"
            f"收到正式安排后请由管理员导入（sifasuo holidays import）。")


# ---------------------------------------------------------------------- calendar-day helpers
def add_days(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)


@lru_cache(maxsize=1 << 15)
def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later (earlier if negative); clamped to the month's last day (1-31 + 1 month = 2-28/29)."""
    m = day.month - 1 + months
    y, m = day.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(day.day, _monthrange(y, m)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def to_date(value) -> dt.date | None:
    """ISO text (or a date) -> date; None/empty/garbage -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------------- import files
def parse_holiday_file(text: str, filename: str = "") -> list[tuple[str, str]]:
    """Parse a holiday schedule: CSV lines `date,kind` (header optional) or JSON
    (`[{"date": ..., "kind": ...}]`, `[["2027-01-01", "holiday"], ...]` or `{"2027-01-01": "holiday"}`).

    kind: holiday/休/放假/节假日 (a day off) or workday/班/上班/调休上班 (a working day). Returns sorted
    [(iso_date, kind)]. Raises UserError with the line/entry that is wrong; nothing is returned on error.
    """
    from .validators import parse_date

    text = text.lstrip("\ufeff")
    stripped = text.strip()
    if not stripped:
        raise UserError("节假日文件为空。")
    entries: list[tuple[str, object, object]] = []  # (where, date, kind)
    if stripped[0] in "[{" or filename.lower().endswith(".json"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise UserError(f"节假日文件不是有效的JSON（第{exc.lineno}行：{exc.msg}）。") from None
        if isinstance(data, dict):
            data = data.get("days", data) if isinstance(data.get("days"), list) else data
        if isinstance(data, dict):
            entries = [(f"“{k}”", k, v) for k, v in data.items()]
        elif isinstance(data, list):
            for i, item in enumerate(data, 1):
                if isinstance(item, dict):
                    entries.append((f"第{i}项", item.get("date"), item.get("kind", item.get("type"))))
                elif isinstance(item, (list, tuple)) and len(item) == 2:
                    entries.append((f"第{i}项", item[0], item[1]))
                else:
                    raise UserError(f"节假日文件第{i}项格式不正确，应为 {{\"date\": 日期, \"kind\": 类型}}。")
        else:
            raise UserError("节假日文件格式不正确：应为列表或 日期→类型 的对象。")
    else:
        reader = csv.reader(io.StringIO(text))
        for lineno, row in enumerate(reader, 1):
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if lineno == 1 and cells[0].lower() in ("date", "日期"):
                continue
            if len(cells) < 2:
                raise UserError(f"节假日文件第{lineno}行应有两列：日期,类型。")
            entries.append((f"第{lineno}行", cells[0], cells[1]))
    out: dict[str, str] = {}
    for where, raw_date, raw_kind in entries:
        try:
            iso = parse_date(raw_date) if raw_date not in (None, "") else None
        except ValueError as exc:
            raise UserError(f"节假日文件{where}日期不正确：{exc}") from None
        if not iso:
            raise UserError(f"节假日文件{where}缺少日期。")
        kind = KIND_ALIASES.get(str(raw_kind).strip().lower() if raw_kind is not None else "")
        if kind is None:
            raise UserError(f"节假日文件{where}类型“{raw_kind}”不正确，应为 holiday（放假）或 workday（上班）。")
        if iso in out and out[iso] != kind:
            raise UserError(f"节假日文件中 {iso} 出现两次且类型矛盾。")
        out[iso] = kind
    if not out:
        raise UserError("节假日文件中没有日期。")
    return sorted(out.items())


def overrides_from_rows(rows, local_org: str | None = None, county_org: str | None = None) -> dict[dt.date, bool]:
    """Holiday table rows (date, kind, owner_org, updated_at) -> overrides.

    With org codes given, only the county's rows (sent down, or the county's own on a county PC) and this
    installation's own rows count; another township's local corrections (synced up to the county) do not.
    When a date appears twice the county's row wins, then the newer row.
    """
    best: dict[dt.date, tuple] = {}
    for r in rows:
        d = to_date(r.get("date"))
        kind = r.get("kind")
        if d is None or kind not in (HOLIDAY, WORKDAY):
            continue
        owner = r.get("owner_org")
        if local_org or county_org:
            if owner == county_org:
                level = 2
            elif owner == local_org:
                level = 1
            else:
                continue
        else:
            level = 0
        rank = (level, r.get("updated_at") or "")
        if d not in best or rank > best[d][0]:
            best[d] = (rank, kind == WORKDAY)
    return {d: v for d, (_, v) in best.items()}
