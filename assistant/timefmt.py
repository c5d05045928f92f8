"""Dates as candidates read them, in French and English, with their status relative to "now".

A past date is always said to be past; an upcoming one gets a countdown. The status wording comes
from the knowledge base's messages so staff can change it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from assistant.kb.loader import PARIS, event_end, event_start
from assistant.kb.models import Event

DAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
MONTHS = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}

Messages = Callable[[str, str], str]


def now_for(today: date | None) -> datetime:
    """The moment the assistant takes as "now": the start of `today` in Paris, or the real clock."""
    if today is None:
        return datetime.now(UTC)
    return datetime.combine(today, time(0, 0), tzinfo=PARIS)


def _offset_label(moment: datetime, lang: str, offset_stated: bool = True) -> str:
    """`UTC+1, heure de Paris` when the source states the offset; `heure de Paris` alone when it gives
    a bare hour (the offset would be ours, not the page's)."""
    offset = moment.utcoffset() or timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    minutes = int(offset.total_seconds() % 3600 // 60)
    utc = f"UTC{'+' if hours >= 0 else '-'}{abs(hours)}" + (f":{minutes:02d}" if minutes else "")
    if hours in (1, 2):
        paris = "heure de Paris" if lang == "fr" else "Paris time"
        return f"{utc}, {paris}" if offset_stated else paris
    return utc


def format_time(moment: datetime, lang: str) -> str:
    if lang == "fr":
        return f"{moment.hour}h" + (f"{moment.minute:02d}" if moment.minute else "")
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_day(value: date, lang: str, weekday: bool = True, year: bool = True) -> str:
    day = DAYS[lang][value.weekday()] + " " if weekday else ""
    text = f"{day}{value.day} {MONTHS[lang][value.month - 1]}"
    return f"{text} {value.year}" if year else text


def format_point(value: date | datetime, lang: str, offset_stated: bool = True) -> str:
    """`vendredi 23 janvier 2026 à 12h (UTC+1, heure de Paris)` / `Friday 23 January 2026 at 12:00 (...)`;
    `offset_stated=False` leaves the UTC offset out (`… à 16h (heure de Paris)`)."""
    if isinstance(value, datetime):
        joiner = " à " if lang == "fr" else " at "
        zone = _offset_label(value, lang, offset_stated)
        return f"{format_day(value.date(), lang)}{joiner}{format_time(value, lang)} ({zone})"
    return format_day(value, lang)


def format_span(event: Event, lang: str) -> str:
    """A single date, or `du mardi 26 au vendredi 29 mai 2026` for an event with an end."""
    stated = event.offset_on_page
    if event.end is None:
        return format_point(event.start, lang, stated)
    start, end = event.start, event.end
    same_year = _day(start).year == _day(end).year
    first = format_day(_day(start), lang, year=not same_year)
    if isinstance(start, datetime):
        first = format_point(start, lang, stated)
    if lang == "fr":
        return f"du {first} au {format_point(end, lang, stated)}"
    return f"from {first} to {format_point(end, lang, stated)}"


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def status(event: Event, lang: str, now: datetime, msg: Messages) -> str:
    """Countdown, "today", "ongoing" or "past" — never an upcoming wording for a past date."""
    start, end = event_start(event), event_end(event)
    local_now = now.astimezone(start.tzinfo)
    if end < now:
        if event.end is None and isinstance(event.start, datetime) and _day(event.start) == local_now.date():
            return msg("today_past", lang).replace("{time}", format_time(start, lang))
        if event.end is not None:
            return msg("past_range", lang)
        return msg("past_publication" if event.kind == "publication" else "past", lang)
    if start <= now and event.end is None:  # a single day (a bare date) that has begun: today
        return msg("today", lang)
    if start <= now:
        end = event.end
        return msg("ongoing", lang).replace("{end}", format_point(end, lang, event.offset_on_page))
    days = (_day(event.start) - local_now.date()).days
    if days <= 0:
        return msg("today", lang)
    if days == 1:
        return msg("tomorrow", lang)
    return msg("in_days", lang).replace("{n}", str(days))


def describe(event: Event, lang: str, now: datetime, msg: Messages) -> str:
    """A date for an answer sentence: `vendredi 23 janvier 2026 à 12h (...) (dans 13 jours)`; a span reads
    `du … au …`. Templates write the preposition a single date needs ("avant le {date:deadline}")."""
    return f"{format_span(event, lang)} ({status(event, lang, now, msg)})"


def short(event: Event, lang: str) -> str:
    """Compact date for lists: `ven. 23 janv. 2026, 12h` style kept readable but short."""

    def one(value: date | datetime, with_year: bool) -> str:
        d = _day(value)
        text = format_day(d, lang, weekday=False, year=with_year)
        if isinstance(value, datetime):
            text += (", " if lang == "fr" else ", ") + format_time(value, lang)
        return text

    if event.end is None:
        return one(event.start, True)
    first, last = _day(event.start), _day(event.end)
    same_year = first.year == last.year
    if same_year and first.month == last.month and not isinstance(event.start, datetime):
        start = str(first.day)  # `du 26 au 29 mai 2026`, as the page writes it
    else:
        start = one(event.start, not same_year)
    if lang == "fr":
        return f"du {start} au {one(event.end, True)}"
    return f"{start} – {one(event.end, True)}"
