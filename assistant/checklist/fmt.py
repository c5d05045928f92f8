"""Small FR/EN date formatting for checklists (used when `assistant.timefmt` is not available)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from assistant.checklist.texts import msg

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
DAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


def format_date(day: date, lang: str) -> str:
    lang = "en" if lang == "en" else "fr"
    name, month = DAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    if lang == "en":
        return f"{name} {day.day} {month} {day.year}"
    return f"{name} {'1er' if day.day == 1 else day.day} {month} {day.year}"


def format_due(moment: datetime, all_day: bool, lang: str) -> str:
    """The date, and the time with its UTC offset unless the knowledge base gave a bare date."""
    text = format_date(moment.date(), lang)
    if all_day:
        return text
    offset = moment.utcoffset() or timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    zone = f"UTC{hours:+d}" if hours else "UTC"
    if lang == "en":
        return f"{text}, {moment:%H:%M} ({zone})"
    return f"{text} à {moment:%H}h{moment:%M} ({zone})"


def countdown(days_left: int | None, lang: str) -> str:
    if days_left is None:
        return msg("no_date", lang)
    if days_left < 0:
        return msg("overdue", lang, n=-days_left)
    if days_left == 0:
        return msg("today", lang)
    if days_left == 1:
        return msg("tomorrow", lang)
    return msg("days_left", lang, n=days_left)
