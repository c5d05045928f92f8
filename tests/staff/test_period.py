"""`--since 7d|YYYY-MM-DD` and `--until`: Paris days, the end day included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assistant.staff.period import Bound, Period, describe, describe_end, parse_bound

NOW = datetime(2026, 7, 10, 21, 30, tzinfo=UTC)  # 23:30 in Paris (summer time)


def test_bounds_as_written() -> None:
    assert parse_bound("7d") == Bound(days_back=7)
    assert parse_bound(" 30D ") == Bound(days_back=30)
    assert parse_bound("2026-01-05") == Bound(day=date(2026, 1, 5))
    for bad in ("7", "d", "-3d", "2026-13-01", "last week", "2026/01/05", ""):
        with pytest.raises(ValueError, match="7d.*YYYY-MM-DD"):
            parse_bound(bad)


def test_days_back_count_from_now_and_dates_are_paris_days() -> None:
    period = Period.between(parse_bound("7d"), None, NOW)
    assert period.since == datetime(2026, 7, 3, 21, 30, tzinfo=UTC) and period.until is None
    period = Period.between(parse_bound("2026-07-01"), parse_bound("2026-07-03"), NOW)
    assert period.since == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)  # midnight in Paris, UTC+2
    assert period.until == datetime(2026, 7, 3, 22, 0, tzinfo=UTC)  # the end of 3 July: included
    winter = Period.between(parse_bound("2026-01-05"), None, NOW)
    assert winter.since == datetime(2026, 1, 4, 23, 0, tzinfo=UTC)


def test_an_empty_period_is_refused_with_both_ends() -> None:
    with pytest.raises(ValueError, match="starts 2026-07-04 and ends 2026-07-03 included"):
        Period.between(parse_bound("2026-07-04"), parse_bound("2026-07-03"), NOW)
    with pytest.raises(ValueError, match="empty"):
        Period.between(parse_bound("2d"), parse_bound("3d"), NOW)
    Period.between(parse_bound("2026-07-03"), parse_bound("2026-07-03"), NOW)  # one whole day is fine


def test_days_shown() -> None:
    period = Period.between(parse_bound("2d"), None, NOW)
    assert period.days(None, NOW) == [date(2026, 7, 8), date(2026, 7, 9), date(2026, 7, 10)]
    assert Period(None, None).days(None, NOW) == []  # no bound and no question: nothing to show
    oldest = datetime(2026, 7, 9, 23, 30, tzinfo=UTC)  # 10 July in Paris
    assert Period(None, None).days(oldest, NOW) == [date(2026, 7, 10)]
    ahead = Period.between(parse_bound("2026-07-09"), parse_bound("2026-12-31"), NOW)
    assert ahead.days(None, NOW) == [date(2026, 7, 9), date(2026, 7, 10)]  # not the days to come
    assert Period.between(parse_bound("2026-08-01"), None, NOW).days(None, NOW) == []
    long = Period.between(parse_bound("2020-01-01"), None, NOW)
    assert long.days(oldest, NOW) == [date(2026, 7, 10)]  # years of zeros before the first question: no


def test_descriptions() -> None:
    assert describe(datetime(2026, 6, 30, 22, 0, tzinfo=UTC)) == "2026-07-01"
    assert describe(datetime(2026, 7, 3, 21, 30, tzinfo=UTC)) == "2026-07-03 23:30"
    assert describe_end(datetime(2026, 7, 3, 22, 0, tzinfo=UTC)) == "2026-07-03 included"
    assert describe_end(NOW) == "2026-07-10 23:30"
