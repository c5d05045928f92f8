"""The one date check: 1900-01-01 to 2100-12-31, ISO days only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assistant.dates import MAX_DATE, MIN_DATE, DateRangeError, check_date, parse_date


@pytest.mark.parametrize("text", ["1900-01-01", "2026-01-10", "2100-12-31"])
def test_days_in_range(text: str) -> None:
    assert parse_date(text) == date.fromisoformat(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1899-12-31", "outside the supported range"),
        ("2101-01-01", "outside the supported range"),
        ("0001-01-01", "outside the supported range"),
        ("9999-12-31", "outside the supported range"),
        ("2026-02-30", "YYYY-MM-DD"),
        ("20260110", "YYYY-MM-DD"),  # date.fromisoformat takes it: a person meant something else
        ("2026-W02-6", "YYYY-MM-DD"),
        ("22/11/2026", "YYYY-MM-DD"),
        ("x" * 10_000, "YYYY-MM-DD"),
    ],
)
def test_refused(text: str, words: str) -> None:
    with pytest.raises(DateRangeError) as exc:
        parse_date(text)
    assert words in str(exc.value) and len(str(exc.value)) < 200


def test_datetimes_are_checked_by_their_day() -> None:
    assert check_date(datetime(2100, 12, 31, 23, 59, tzinfo=UTC)).year == 2100
    with pytest.raises(DateRangeError):
        check_date(datetime(1, 1, 1, tzinfo=UTC))
    assert (date(1900, 1, 1), date(2100, 12, 31)) == (MIN_DATE, MAX_DATE)
