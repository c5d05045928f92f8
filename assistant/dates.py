"""The one check on a calendar date given by a person: a `--today`, a batch line, a profile, a
knowledge or evaluation file. The assistant's calendar arithmetic (countdowns, ends of days, time
zones) is meant for admissions dates: year 1 or 9999 would overflow it, so any date outside
1900-2100 is refused up front with a clear message, never an `OverflowError` later on.
"""

from __future__ import annotations

import re
from datetime import date, datetime

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DateRangeError(ValueError):
    """A date that is not one, or lies outside MIN_DATE..MAX_DATE."""


def check_date(value: date) -> date:
    """`value` itself (a date or a datetime) if its day lies in 1900-2100, else `DateRangeError`."""
    day = value.date() if isinstance(value, datetime) else value
    if not MIN_DATE <= day <= MAX_DATE:
        raise DateRangeError(
            f"date {day.isoformat()} is outside the supported range {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"
        )
    return value


def parse_date(text: str) -> date:
    """A YYYY-MM-DD text as a date within 1900-2100, else `DateRangeError` saying what is expected."""
    shown = text if len(text) <= 40 else text[:39] + "…"
    if not _ISO_DAY.fullmatch(text):
        raise DateRangeError(f"not a date: `{shown}` (expected YYYY-MM-DD)")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DateRangeError(f"not a date: `{shown}` (expected YYYY-MM-DD)") from None
    return check_date(day)
