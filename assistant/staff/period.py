"""The period a report covers: `--since 7d|YYYY-MM-DD` and `--until ...`, read in Paris days.

The knowledge base reads a bare date as a whole day in Paris (`assistant.kb.loader.PARIS`); the report
does the same, so `--since 2026-01-05 --until 2026-01-11` is that whole week, both days included, and
the questions per day are Paris days. `7d` counts back from now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from assistant.kb.loader import PARIS

DAY_ZONE = PARIS
"""The time zone of the report's days."""
_DAYS = re.compile(r"^\s*(\d{1,5})\s*d\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Bound:
    """A bound as written: a number of days back from now, or a calendar day."""

    days_back: int | None = None
    day: date | None = None

    def at(self, now: datetime, *, end: bool) -> datetime:
        """The moment this bound stands for: `now` minus the days, or the day's start — the next day's
        start for an end bound (`--until 2026-01-11` includes that day)."""
        if self.days_back is not None:
            return (now - timedelta(days=self.days_back)).astimezone(DAY_ZONE).replace(microsecond=0)
        assert self.day is not None
        day = self.day + timedelta(days=1) if end else self.day
        return datetime.combine(day, time(0), tzinfo=DAY_ZONE)


def parse_bound(text: str) -> Bound:
    """`7d` (days back from now) or `YYYY-MM-DD`; anything else raises ValueError saying what to write."""
    found = _DAYS.match(text)
    if found:
        return Bound(days_back=int(found.group(1)))
    try:
        return Bound(day=date.fromisoformat(text.strip()))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a period bound: write a number of days (7d) or a date (YYYY-MM-DD)"
        ) from None


@dataclass(frozen=True)
class Period:
    since: datetime | None
    """Included; None: from the oldest question kept."""
    until: datetime | None
    """Excluded; None: up to now."""

    @classmethod
    def between(cls, since: Bound | None, until: Bound | None, now: datetime) -> Period:
        """The period of two bounds as written; ValueError when it is empty (since at or after until)."""
        if now.tzinfo is None:
            raise ValueError("now must be time-zone aware")
        start = since.at(now, end=False) if since is not None else None
        stop = until.at(now, end=True) if until is not None else None
        if start is not None and stop is not None and start >= stop:
            raise ValueError(
                f"the period is empty: it starts {describe(start)} and ends {describe_end(stop)}"
            )
        return cls(start, stop)

    def days(self, first_seen: datetime | None, now: datetime) -> list[date]:
        """The days to show one by one: from `since` (or the oldest question) to the last day before
        `until`, or today if that is sooner. Empty when there is no start (no bound and no question)."""
        start = self.since or first_seen
        if start is None:
            return []
        first = local_day(start)
        end = self.until - timedelta(microseconds=1) if self.until is not None else now
        last = local_day(min(end, now))  # no days to come: they have nothing yet
        if first_seen is not None and (last - first).days > MAX_EMPTY_LEAD:
            first = max(first, local_day(first_seen))  # `--since 2015-01-01` does not draw years of zeros
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


MAX_EMPTY_LEAD = 400
"""Days of a long period shown before the oldest question (the log keeps 90 days by default)."""


def local_day(moment: datetime) -> date:
    return moment.astimezone(DAY_ZONE).date()


def describe(moment: datetime) -> str:
    """A start as staff read it: `2026-01-05` at midnight, `2026-01-05 14:30` otherwise (Paris time)."""
    local = moment.astimezone(DAY_ZONE)
    if local.time() == time(0):
        return local.date().isoformat()
    return local.strftime("%Y-%m-%d %H:%M")


def describe_end(moment: datetime) -> str:
    """An (excluded) end as staff read it: midnight is the end of the day before, `2026-01-11 included`."""
    local = moment.astimezone(DAY_ZONE)
    if local.time() == time(0):
        return f"{(local.date() - timedelta(days=1)).isoformat()} included"
    return local.strftime("%Y-%m-%d %H:%M")
