"""Truth test for dates: every dated event, asked about before, on and after its day and after its
session, in French and English, gives its own date with the right tense.

The dates are read from the knowledge base, whose dates tests/kb/test_facts.py checks against the page:
here the question is whether every answer that states a date says it right at every moment — never
"in 3 days" for a past date, never "past" for an upcoming one, and once the session is over, says so
first with what to prepare and whom to ask. Cases are generated from the knowledge base, so a date a
member of staff adds is tested the same way.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from assistant import timefmt
from assistant.composer import Composer
from assistant.kb.loader import KnowledgeBase, ProgrammeData, event_end, event_start, load
from assistant.kb.models import Event
from assistant.kb.templates import placeholders

KB = load()
MONTHS = timefmt.MONTHS
STATUS = {
    "fr": {
        "upcoming": r"dans \d+ jours|demain",
        "today": r"c'est aujourd'hui",
        "ongoing": r"en cours, jusqu'au [^)]*",
        "past": r"cette date est passée(?: : c'est déjà en ligne)?|cette période est passée",
    },
    "en": {
        "upcoming": r"in \d+ days|tomorrow",
        "today": r"that's today",
        "ongoing": r"ongoing, until [^)]*",
        "past": r"this date has passed(?:: already published)?|this period is over",
    },
}
OVER = {"fr": "session {session} est terminée", "en": "{session} session is over"}
NOT_PUBLISHED = {"fr": "n'est pas encore publié", "en": "not published yet"}
PREPARE = {"fr": "préparer dès maintenant", "en": "prepare now"}
TENSED = ("ont été", "a été mis", "était", "were released", "was released", "took place", "ont eu lieu")
"""Tense written into a template would be wrong at some date: the date's status carries the tense."""


def _cites(template: str, event_id: str) -> bool:
    return any(kind in ("date", "event") and arg == event_id for kind, arg, _ in placeholders(template))


def _answers_citing(p: ProgrammeData, event: Event) -> list[str]:
    topics = [a.topic for a in p.file.answers if _cites(a.answer.fr, event.id)]
    return topics + [a.topic for a in p.file.answers if "{calendar}" in a.answer.fr]


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _moments(p: ProgrammeData, event: Event) -> dict[str, date]:
    """Days to ask on: before, on and after the event, and a month after its session's last date."""
    first, last = _day(event.start), _day(event.end or event.start)
    session = getattr(event, "session", None)
    session_end = max(_day(e.end or e.start) for e in p.file.events if getattr(e, "session", None) == session)
    moments = {"before": first - timedelta(days=3), "on": first, "after_session": session_end + timedelta(30)}
    if event.end is not None:
        moments["during"] = first + timedelta(days=1)
    if last + timedelta(days=1) <= session_end:
        moments["after"] = last + timedelta(days=1)
    return moments


CASES = [
    (pid, event.id, topic, moment)
    for pid, p in KB.programmes.items()
    for event in p.file.events
    for topic in _answers_citing(p, event)
    for moment in _moments(p, event)
]


def _expected(moment: str, event: Event) -> set[str]:
    if moment == "before":
        return {"upcoming"}
    if moment == "on":
        # a timed event later that day is "today"; a day or a span that has begun is under way
        return {"today"} if event.end is None else {"ongoing"}
    if moment == "during":
        return {"ongoing"}
    return {"past"}


def _date_words(event: Event, lang: str) -> str:
    """The event's (last) day as the answer must write it: `23 janvier 2026` / `29 May 2026`."""
    last = _day(event.end or event.start)
    return f"{last.day} {MONTHS[lang][last.month - 1]} {last.year}"


def _status_after(text: str, words: str, lang: str) -> str | None:
    """The status in parentheses that follows the date on the same line."""
    kinds = "|".join(f"(?P<{k}>{v})" for k, v in STATUS[lang].items())
    match = re.search(rf"(?<!\d){re.escape(words)}[^\n]*?\((?:{kinds})\)", text)
    if match is None:
        return None
    return next(k for k, v in match.groupdict().items() if v)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("pid", "event_id", "topic", "moment"), CASES, ids=["-".join(c) for c in CASES])
def test_every_date_in_every_answer_at_every_moment(
    composer: Composer, kb: KnowledgeBase, pid: str, event_id: str, topic: str, moment: str, lang: str
) -> None:
    p = kb.programmes[pid]
    event = p.events[event_id]
    day = _moments(p, event)[moment]
    now = timefmt.now_for(day)
    reply = composer.answer(p, topic, lang, now, 1.0)
    text = reply.plain_text()
    words = _date_words(event, lang)
    status = _status_after(text, words, lang)
    assert words in text, f"{day}: {words} missing from:\n{text}"
    expected = _expected(moment, event) | ({None} if moment == "after_session" else set())
    # (a calendar of a finished session lists its dates under "the session is over" without a status each)
    assert status in expected, f"{day}: {words} reads {status!r} in:\n{text}"
    over = p.session_over(now)
    first_block = reply.blocks[0]
    if moment == "after_session":
        assert over
        # the session is over: said first, with the next calendar not published, what to prepare and
        # where to ask — and no countdown anywhere
        said_over = OVER[lang].format(session=getattr(event, "session", None) or p.programme.session)
        assert said_over in first_block and NOT_PUBLISHED[lang] in first_block, first_block
        assert PREPARE[lang] in text and "master.enjmin@lecnam.net" in text
        assert not re.search(STATUS[lang]["upcoming"], text)
    else:
        assert not over and OVER[lang].format(session=p.programme.session) not in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_template_writes_a_tense_the_date_does_not_give(kb: KnowledgeBase, lang: str) -> None:
    """A template that says "were released on {date:…}" is wrong before the release: the date's status
    ("in 3 days", "has passed") is the only tense (issue 10: the subject answer)."""
    for p in kb.programmes.values():
        for answer in p.file.answers:
            for template in filter(None, (answer.answer, answer.short)):
                text = template.get(lang)
                if any(kind in ("date", "event", "calendar") for kind, _, _ in placeholders(text)):
                    literal = re.sub(r"\{[^{}]*\}", "", text)
                    assert not any(t in literal for t in TENSED), (answer.id, lang, text)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_spans_keep_both_ends_in_answers(composer: Composer, kb: KnowledgeBase, lang: str) -> None:
    """Issue 10, item 6 (chat side): the orals are "26 to 29 May", never one day."""
    p = kb.programmes["enjmin"]
    oral = p.events["oral_exams"]
    now = timefmt.now_for(date(2026, 1, 10))
    text = composer.answer(p, "interview", lang, now, 1.0).plain_text()
    assert event_start(oral).day == 26 and event_end(oral).day == 29
    span = {
        "fr": "du mardi 26 mai au vendredi 29 mai 2026",
        "en": "from Tuesday 26 May to Friday 29 May 2026",
    }
    assert span[lang] in text, text
