"""Working days: chinesecalendar incl. 调休, fallback years, database overrides, import files."""
import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from sifasuo_desktop.domain.calendar import (WorkCalendar, add_months, add_years, overrides_from_rows,
                                             parse_holiday_file)
from sifasuo_desktop.domain.errors import UserError

D = dt.date.fromisoformat


@pytest.mark.parametrize("day, workday", [
    ("2025-09-27", False),  # Saturday
    ("2025-09-28", True),   # Sunday, make-up working day for 国庆/中秋
    ("2025-10-01", False), ("2025-10-08", False),
    ("2025-10-09", True),
    ("2025-10-11", True),   # Saturday, make-up working day
    ("2026-02-14", True),   # Saturday before 春节, make-up working day
    ("2026-02-15", False), ("2026-02-23", False),
    ("2026-02-24", True),
    ("2026-02-28", True),   # Saturday after 春节, make-up working day
    ("2026-03-01", False),  # ordinary Sunday
])
def test_official_schedule(day, workday):
    assert WorkCalendar().is_workday(D(day)) is workday


@pytest.mark.parametrize("start, n, expected", [
    ("2025-09-26", 1, "2025-09-28"),   # Friday + 1: the make-up Sunday
    ("2025-09-30", 1, "2025-10-09"),   # across the whole 国庆/中秋 break
    ("2025-09-26", 7, "2025-10-13"),   # 9/28, 9/29, 9/30, 10/9, 10/10, 10/11(Sat), 10/13
    ("2026-02-12", 7, "2026-02-28"),   # 2/13, 2/14(Sat), 2/24..2/27, 2/28(Sat)
    ("2026-02-13", 1, "2026-02-14"),
    ("2026-02-14", 1, "2026-02-24"),
    ("2026-02-14", 0, "2026-02-14"),   # zero days: the start day itself
    ("2026-03-06", 1, "2026-03-09"),   # plain weekend
])
def test_add_workdays_start_day_not_counted(start, n, expected):
    assert WorkCalendar().add_workdays(D(start), n) == D(expected)


def test_year_without_data_falls_back_to_monday_friday_with_one_notice():
    cal = WorkCalendar()
    # 2026-12-24 (Thu) + 7: 12/25, 12/28, 12/29, 12/30, 12/31, 2027-01-01 (Fri, no data: a working day), 01-04
    assert cal.add_workdays(D("2026-12-24"), 7) == D("2027-01-04")
    assert cal.add_workdays(D("2027-03-01"), 5) == D("2027-03-08")
    assert cal.fallback_years == {2027}
    notes = cal.notices()
    assert len(notes) == 1 and "2027" in notes[0] and "周一至周五" in notes[0]


def test_database_schedule_overrides_fallback_year():
    over = {D("2027-01-01"): False, D("2027-01-02"): False, D("2027-01-03"): False}
    cal = WorkCalendar(over)
    assert cal.add_workdays(D("2026-12-24"), 7) == D("2027-01-05")
    assert cal.known_year(2027)
    assert cal.fallback_years == set()  # a year with stored data is not a fallback year
    # a make-up Saturday from the database
    cal2 = WorkCalendar({D("2027-02-06"): True})
    assert cal2.is_workday(D("2027-02-06"))


def test_database_overrides_package_for_known_year():
    cal = WorkCalendar({D("2026-03-02"): False})  # a (hypothetical) correction
    assert cal.add_workdays(D("2026-02-27"), 1) == D("2026-02-28")
    assert cal.add_workdays(D("2026-02-28"), 1) == D("2026-03-03")


def test_sub_and_between():
    cal = WorkCalendar()
    assert cal.sub_workdays(D("2025-10-13"), 1) == D("2025-10-11")
    assert cal.sub_workdays(D("2025-10-09"), 1) == D("2025-09-30")
    assert cal.workdays_between(D("2025-09-26"), D("2025-10-13")) == 7
    assert cal.workdays_between(D("2025-10-13"), D("2025-09-26")) == -7


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2028, 12, 31)), st.integers(0, 40))
def test_add_workdays_properties(start, n):
    cal = WorkCalendar()
    end = cal.add_workdays(start, n)
    assert cal.workdays_between(start, end) == n
    if n:
        assert cal.is_workday(end)
        assert cal.sub_workdays(end, n) <= start


@pytest.mark.parametrize("day, months, expected", [
    ("2026-01-31", 1, "2026-02-28"), ("2024-02-29", 12, "2025-02-28"), ("2026-11-20", -12, "2025-11-20"),
    ("2026-03-31", -1, "2026-02-28"), ("2026-12-15", 1, "2027-01-15"),
])
def test_add_months(day, months, expected):
    assert add_months(D(day), months) == D(expected)
    assert add_years(D("2024-02-29"), 2) == D("2026-02-28")


def test_parse_csv_and_json():
    csv_text = "date,kind\n2027-01-01,holiday\n2027/2/6,班\n2027年2月11日,放假\n# comment\n\n"
    assert parse_holiday_file(csv_text) == [("2027-01-01", "holiday"), ("2027-02-06", "workday"),
                                            ("2027-02-11", "holiday")]
    assert parse_holiday_file('[{"date": "2027-01-01", "kind": "holiday"}, ["2027-02-06", "workday"]]') == \
        [("2027-01-01", "holiday"), ("2027-02-06", "workday")]
    assert parse_holiday_file('{"2027-10-09": "上班"}') == [("2027-10-09", "workday")]


@pytest.mark.parametrize("text, needle", [
    ("", "为空"),
    ("2027-01-01\n", "两列"),
    ("2027-13-01,holiday\n", "第1行日期不正确"),
    ("date,kind\n2027-01-01,maybe\n", "第2行类型"),
    ("2027-01-01,holiday\n2027-01-01,workday\n", "矛盾"),
    ("[1, 2]", "第1项"),
    ("{not json", "JSON"),
])
def test_parse_errors_are_chinese(text, needle):
    with pytest.raises(UserError) as exc:
        parse_holiday_file(text)
    assert needle in exc.value.message


def test_overrides_prefer_county_rows():
    rows = [{"date": "2027-01-01", "kind": "workday", "owner_org": "T1", "updated_at": "2027"},
            {"date": "2027-01-01", "kind": "holiday", "owner_org": "C1", "updated_at": "2026"},
            {"date": "2027-01-02", "kind": "workday", "owner_org": "T1", "updated_at": "2027"},
            {"date": "2027-01-03", "kind": "workday", "owner_org": "T2", "updated_at": "2027"},  # another township
            {"date": "bad", "kind": "holiday"}]
    assert overrides_from_rows(rows, local_org="T1", county_org="C1") == {D("2027-01-01"): False,
                                                                          D("2027-01-02"): True}
    # on the county PC a township's local correction does not count
    assert overrides_from_rows(rows, local_org="C1", county_org="C1") == {D("2027-01-01"): False}
