"""FR/EN dates and countdowns for checklists, worded like the rest of the assistant.

Uses the core's `assistant.timefmt` so a date reads the same in an answer and in a checklist.
"""

from __future__ import annotations

from datetime import date, datetime

from assistant.timefmt import format_day, format_point


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "fr"


def format_date(day: date, lang: str) -> str:
    return format_day(day, _lang(lang))


def format_due(moment: datetime, all_day: bool, lang: str, offset_stated: bool = True) -> str:
    """The date, plus the time and its zone unless the knowledge base gave a bare date (the UTC offset
    only when the source states it)."""
    if all_day:
        return format_day(moment.date(), _lang(lang))
    return format_point(moment, _lang(lang), offset_stated)
