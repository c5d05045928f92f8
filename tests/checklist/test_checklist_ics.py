"""The .ics export parses back with one event per dated item, the same dates, and reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from assistant.checklist import to_ics

PROFILES = [
    {
        "programme": "enjmin",
        "polytechnique_4a": False,
        "diploma_level": 3,
        "foreign_diploma": True,
        "french_level": "B1",
        "training_mode": "continue",
        "language": "en",
    },
    {"programme": "enjmin", "polytechnique_4a": True, "language": "fr"},
    {"programme": "enjmin"},
]


@pytest.mark.parametrize("profile", PROFILES)
def test_ics_round_trip(make, profile: dict) -> None:
    checklist = make(**profile)
    cal = Calendar.from_ical(to_ics(checklist))
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    events = cal.walk("VEVENT")
    dated = checklist.dated()
    assert dated and len(events) == len(dated)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    by_summary = {}
    for ev in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert prop in ev, prop
        assert ev.decoded("DTSTAMP").tzinfo is not None
        alarms = ev.walk("VALARM")
        assert alarms and all(str(a["ACTION"]) == "DISPLAY" and "TRIGGER" in a for a in alarms)
        by_summary.setdefault(str(ev["SUMMARY"]), []).append(ev.decoded("DTSTART"))
    for item in dated:
        start = by_summary[item.title].pop(0)
        first = item.starts or item.due  # a span (a registration window) starts on its first day
        if item.all_day:
            assert not isinstance(start, datetime) and start == first.date()
        else:
            assert start.tzinfo is not None and start == first  # same instant, written in UTC
            assert start.utcoffset() == UTC.utcoffset(None)


def test_iim_has_no_dated_item_so_an_empty_calendar(make) -> None:
    cal = Calendar.from_ical(to_ics(make(programme="iim")))
    assert cal.walk("VEVENT") == []
    assert str(cal["VERSION"]) == "2.0"


def test_uids_are_stable(make) -> None:
    a = Calendar.from_ical(to_ics(make(**PROFILES[0]), stamp=datetime(2025, 1, 1, tzinfo=UTC)))
    b = Calendar.from_ical(to_ics(make(date(2026, 1, 2), **PROFILES[0])))
    assert [str(e["UID"]) for e in a.walk("VEVENT")] == [str(e["UID"]) for e in b.walk("VEVENT")]


def test_ics_is_crlf_folded_text(make) -> None:
    raw = to_ics(make(**PROFILES[0]))
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.rstrip().endswith(b"END:VCALENDAR")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
