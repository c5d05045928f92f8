"""FR/EN dates and countdowns for checklists, worded like the rest of the assistant.

Uses the core's `assistant.timefmt` so a date reads the same in an answer and in a checklist.
"""

from __future__ import annotations

from datetime import date, datetime

from assistant.checklist.texts import msg
from assistant.kb import catalogue
from assistant.timefmt import format_day, format_point


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "fr"


def format_date(day: date, lang: str) -> str:
    return format_day(day, _lang(lang))


def format_due(moment: datetime, all_day: bool, lang: str) -> str:
    """The date, plus the time and its zone unless the knowledge base gave a bare date."""
    return format_day(moment.date(), _lang(lang)) if all_day else format_point(moment, _lang(lang))


def countdown(days_left: int | None, lang: str, deadline: bool = True) -> str:
    if days_left is None:
        return msg("no_date", lang)
    if days_left < 0:
        return msg("overdue" if deadline else "past", lang, n=-days_left)
    if days_left == 0:
        return msg("today", lang)
    if days_left == 1:  # the same words as in answers
        return catalogue.t("tomorrow", _lang(lang))
    return catalogue.t("in_days", _lang(lang), n=days_left)
