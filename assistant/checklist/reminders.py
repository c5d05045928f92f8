"""When the bots should remind a candidate of a deadline: 7 days and 1 day before each event that
has `reminder: true` and concerns the profile (its `when` holds, or cannot be decided yet)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from assistant.checklist.build import due_of, is_all_day
from assistant.checklist.conditions import evaluate
from assistant.checklist.profile import Profile
from assistant.kb.loader import PARIS, KnowledgeBase
from assistant.kb.models import I18n
from assistant.storage import Reminder, Storage

DAYS_BEFORE = (7, 1)
ALL_DAY_HOUR = time(9, 0, tzinfo=PARIS)
"""An event given as a bare date is reminded at 09:00 Paris winter time, not at midnight."""


@dataclass(frozen=True)
class ReminderTime:
    programme: str
    event_id: str
    title: I18n
    event_at: datetime
    """The moment that matters: the end of a deadline or window, the start of anything else."""
    fire_at: datetime
    days_before: int

    def title_in(self, lang: str) -> str:
        return self.title.get(lang)


def reminder_times(
    kb: KnowledgeBase, programme: str, profile: Profile | None, now: datetime
) -> list[ReminderTime]:
    """Future reminder moments, soonest first; an unknown profile (None) gets every reminder event.

    A profile field that is missing never hides a reminder: better one reminder too many than a
    missed deadline.
    """
    if now.tzinfo is None:
        raise ValueError("`now` must be timezone-aware")
    pdata = kb.programmes.get(programme)
    if pdata is None:
        return []
    out = []
    for event in pdata.file.events:
        if not event.reminder:
            continue
        if profile is not None and evaluate(event.when, profile).value is False:
            continue
        event_at = due_of(event)
        anchor = event_at
        if is_all_day(event):
            day = event_at.astimezone(PARIS).date()
            anchor = datetime.combine(day, ALL_DAY_HOUR)
        for days in DAYS_BEFORE:
            fire_at = anchor - timedelta(days=days)
            if fire_at > now:
                out.append(ReminderTime(pdata.id, event.id, event.title, event_at, fire_at, days))
    return sorted(out, key=lambda r: (r.fire_at, r.event_id))


def reminder_text(kb: KnowledgeBase, programme: str, event_id: str, lang: str, now: datetime) -> str | None:
    """The reminder every platform sends (plain, unescaped), worded from the knowledge base's messages;
    None when the event is no longer in the knowledge base (nothing reliable to say)."""
    from assistant import timefmt  # local: keeps reminder_times importable without the formatter

    pdata = kb.programmes.get(programme)
    event = pdata.events.get(event_id) if pdata is not None else None
    if pdata is None or event is None:
        return None
    when = timefmt.describe(event, lang, now, kb.t)
    return kb.t(
        "reminder", lang, programme=pdata.programme.short_name, event=event.title.get(lang), when=when
    )


def saved_profile(kb: KnowledgeBase, data: dict | None, programme: str | None = None) -> Profile | None:
    """The profile a user consented to save, if it is still valid (and about `programme` when given)."""
    from assistant.checklist.profile import ProfileError, parse_profile

    if not data or (programme is not None and data.get("programme") != programme):
        return None
    try:
        return parse_profile(data, kb)
    except ProfileError:
        return None


def subscribe(
    storage: Storage,
    kb: KnowledgeBase,
    user: str,
    chat: str,
    programme: str,
    profile: Profile | None,
    language: str,
    now: datetime,
) -> list[Reminder]:
    """Store the reminders of `programme` that concern `profile` (None: every reminder event) and return
    them for the bot to schedule: the one subscription rule every platform follows."""
    stored = []
    for moment in reminder_times(kb, programme, profile, now):
        rid = storage.add_reminder(user, chat, programme, moment.event_id, moment.fire_at, language)
        stored.append(Reminder(rid, user, chat, programme, moment.event_id, moment.fire_at, language))
    return stored


def days_before_text(lang: str, t: Callable[..., str] | None = None) -> str:
    """`7 jours et 1 jour` / `7 days and 1 day`: how the bots describe DAYS_BEFORE to candidates, in
    the words of the text catalogue (`t` is a `kb.t`; default: the knowledge base in use)."""
    if t is None:
        from assistant.kb.catalogue import t
    parts = [t("days_one" if n == 1 else "days_many", lang, n=n) for n in DAYS_BEFORE]
    if len(parts) == 1:
        return parts[0]
    return t("list_and", lang, first=", ".join(parts[:-1]), last=parts[-1])
