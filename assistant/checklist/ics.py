"""iCalendar export: one VEVENT per dated checklist item, each with a reminder alarm.

Timed events are written in UTC (unambiguous in every calendar app, no VTIMEZONE needed); events the
knowledge base gives as bare dates become all-day events, as calendar apps expect for such dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from assistant.checklist.model import Checklist, ChecklistItem
from assistant.checklist.texts import msg

PRODID = "-//candidate-assistant//checklist//FR"
UID_DOMAIN = "candidate-assistant"


def _span(item: ChecklistItem) -> tuple[date | datetime, date | datetime | None]:
    """All-day items span their days (DTEND is exclusive: the day after the last); timed ones are an
    instant in UTC, or their whole span when the event has an end (the orals' four days)."""
    assert item.due is not None
    first = item.starts or item.due
    last = item.ends or item.due
    if item.all_day:
        return first.date(), last.date() + timedelta(days=1)
    if item.starts is not None and item.ends is not None:
        return first.astimezone(UTC), last.astimezone(UTC)
    return item.due.astimezone(UTC), None


def to_ics(checklist: Checklist, stamp: datetime | None = None) -> bytes:
    """A VCALENDAR for every dated item; UIDs are stable so re-importing updates instead of duplicating."""
    from icalendar import Alarm, Calendar, Event  # only the callers that export calendars pay for it

    lang = checklist.language
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", msg("heading", lang, programme=checklist.programme_name))
    now = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for item in checklist.dated():
        ev = Event()
        ev.add("uid", f"{checklist.programme}.{item.id.replace(':', '.')}@{UID_DOMAIN}")
        ev.add("dtstamp", now)
        start, end = _span(item)
        ev.add("dtstart", start)
        if end is not None:
            ev.add("dtend", end)
        ev.add("summary", item.title)
        description = "\n\n".join(p for p in (item.detail, item.why) if p)
        ev.add("description", description)
        if item.link and item.link.url:
            ev.add("url", item.link.url)
        ev.add("categories", [checklist.programme.upper(), item.kind])
        ev.add("transp", "TRANSPARENT")
        for days in (7, 1):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", msg("ics_reminder", lang, title=item.title))
            alarm.add("trigger", timedelta(days=-days))
            ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()
