"""Issue 18: reports open on the last full period, not on a month that has just begun (all zeros)."""
import datetime as dt

import pytest

from sifasuo_desktop.domain.stats import last_full_period


@pytest.mark.parametrize("kind,today,expected", [
    ("monthly", dt.date(2026, 12, 2), (2026, 11)),
    ("monthly", dt.date(2026, 11, 30), (2026, 10)),
    ("monthly", dt.date(2027, 1, 1), (2026, 12)),
    ("quarterly", dt.date(2026, 12, 2), (2026, 3)),
    ("quarterly", dt.date(2026, 4, 1), (2026, 1)),
    ("quarterly", dt.date(2026, 3, 31), (2025, 4)),
    ("annual", dt.date(2026, 12, 2), (2026, None)),
    ("annual", dt.date(2027, 1, 15), (2026, None)),
])
def test_last_full_period(kind, today, expected):
    assert last_full_period(kind, today) == expected
