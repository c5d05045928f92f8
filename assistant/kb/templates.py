"""The placeholder language of answer templates, shared by the checker and the composer.

A template writes facts by reference: `{date:deadline}` renders the event `deadline` of the
answer's programme, so a date lives in exactly one place. Placeholders:

- `{event:ID}`     title, date and status (countdown / past) of an event
- `{date:ID}`      the date (and time with its zone) of an event, with its status
- `{applies:ID}`   who an event concerns (its `applies_to`)
- `{contact:ID}`   a contact's e-mail address
- `{link:ID}`      a link's title and address
- `{doc:ID}`       a document's title (and its condition, if any)
- `{docs:required}` / `{docs:optional}`   the list of documents
- `{policy:ID}`    a policy's text;  `{rule:ID}`  an eligibility rule's text
- `{req:ID}`       a requirement: its title, then its detail
- `{calendar}`     every event of the programme with its status
- `{steps}`        the procedure, in order;  `{tracks}`  the programme's tracks
- `{programme}`    the programme's name;  `{session}`  the current session (its calendar's name)
- `{preparation}`  what can be prepared while the next calendar is not published (programme.preparation)
- `{message:KEY}`  a fixed text from texts.yaml (may itself use {programme})
- `{programmes}`   every programme (general intents);  `{contacts}`  every recruitment contact
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([A-Za-z0-9_.-]+))?\}")

# kind -> (collection it refers to, or None for no argument)
KINDS: dict[str, str | None] = {
    "event": "events",
    "date": "events",
    "applies": "events",
    "contact": "contacts",
    "link": "links",
    "doc": "documents",
    "docs": "doc_sets",
    "policy": "policies",
    "rule": "eligibility",
    "req": "requirements",
    "message": "messages",
    "count": "countables",
    "calendar": None,
    "steps": None,
    "tracks": None,
    "programme": None,
    "session": None,
    "preparation": None,
    "programmes": None,
    "contacts": None,
}

GENERAL_KINDS = {"programmes", "contacts"}
DOC_SETS = {"required", "optional"}
COUNTABLES = {"tracks", "documents", "steps", "events"}
FACT_KINDS = {
    "event",
    "date",
    "applies",
    "contact",
    "link",
    "doc",
    "docs",
    "policy",
    "rule",
    "req",
    "calendar",
}
FACT_KINDS |= {"steps", "tracks", "count"}
"""Placeholders that cite facts of the page (each fact carries its quote); an answer citing none of them
states its facts in its own words and carries their quotes itself."""
DATED_KINDS = {"event", "date", "calendar", "steps", "docs"}
"""Placeholders whose rendering carries a date of the session: such an answer says when the session is over."""


def placeholders(template: str) -> list[tuple[str, str | None, int]]:
    """(kind, argument, offset) of every placeholder in `template`."""
    return [(m.group(1), m.group(2), m.start()) for m in PLACEHOLDER.finditer(template)]


_BRACES = re.compile(r"\{[^{}]*\}?|\}")


def malformed(template: str) -> list[str]:
    """Brace groups that look like placeholders but are not valid ones (`{Date:x}`, `{date: x}`, `{x`)."""
    out = []
    for m in _BRACES.finditer(template):
        text = m.group(0)
        if not PLACEHOLDER.fullmatch(text):
            out.append(text)
    return out
