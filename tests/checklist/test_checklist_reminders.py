"""Reminder moments for the bots: 7 and 1 day before each reminder event that concerns the profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.checklist import Profile, reminder_times
from assistant.kb.loader import PARIS

EARLY = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)


def events(times) -> set[str]:
    return {t.event_id for t in times}


def test_unknown_profile_gets_every_reminder_event(kb) -> None:
    times = reminder_times(kb, "enjmin", None, EARLY)
    expected = {e.id for e in kb.programmes["enjmin"].file.events if e.reminder}
    assert events(times) == expected
    assert all(len([t for t in times if t.event_id == e]) == 2 for e in expected)
    assert times == sorted(times, key=lambda t: t.fire_at)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"training_mode": "apprentissage", "polytechnique_4a": False}, {"deadline"}),
        ({"training_mode": "initiale", "polytechnique_4a": False}, {"deadline", "mon_master_window"}),
        (
            {"polytechnique_4a": True, "training_mode": "apprentissage"},
            {"deadline", "polytechnique_deadline"},
        ),
        ({}, {"deadline", "mon_master_window", "polytechnique_deadline"}),  # unknown fields never hide one
    ],
)
def test_reminders_follow_the_profile(kb, fields: dict, expected: set[str]) -> None:
    assert events(reminder_times(kb, "enjmin", Profile(programme="enjmin", **fields), EARLY)) == expected


def test_deadline_reminder_moments(kb) -> None:
    times = [t for t in reminder_times(kb, "enjmin", None, EARLY) if t.event_id == "deadline"]
    deadline = datetime(2026, 1, 23, 12, 0, tzinfo=PARIS)
    assert [t.fire_at for t in times] == [deadline - timedelta(days=7), deadline - timedelta(days=1)]
    assert [t.days_before for t in times] == [7, 1]
    assert all(t.event_at == deadline for t in times)
    assert times[0].title_in("fr") != times[0].title_in("en")


def test_all_day_deadline_is_reminded_in_the_morning(kb) -> None:
    times = [t for t in reminder_times(kb, "enjmin", None, EARLY) if t.event_id == "polytechnique_deadline"]
    assert [t.fire_at for t in times] == [
        datetime(2026, 2, 18, 9, 0, tzinfo=PARIS),
        datetime(2026, 2, 24, 9, 0, tzinfo=PARIS),
    ]


def test_only_future_reminders(kb) -> None:
    deadline = datetime(2026, 1, 23, 12, 0, tzinfo=PARIS)
    between = reminder_times(kb, "enjmin", None, deadline - timedelta(days=3))
    assert [t.days_before for t in between if t.event_id == "deadline"] == [1]
    assert reminder_times(kb, "enjmin", None, datetime(2026, 12, 1, tzinfo=UTC)) == []
    assert all(t.fire_at > EARLY for t in reminder_times(kb, "enjmin", None, EARLY))


def test_other_programmes_and_bad_now(kb) -> None:
    assert reminder_times(kb, "iim", None, EARLY) == []  # the IIM page gives no date
    assert reminder_times(kb, "unknown", None, EARLY) == []
    with pytest.raises(ValueError):
        reminder_times(kb, "enjmin", None, datetime(2025, 12, 1))
