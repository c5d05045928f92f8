"""The one checklist view every channel renders: text, Markdown, Telegram and Discord.

Why a view: each channel used to word a checklist itself, and they drifted (Discord said "overdue" for a
past publication date the text called "past"). Here every phrase is decided once — the verdict header,
each item's date and status, its tags and whether it is flagged — and channels only lay the pieces out
within their own limits and escaping. Pure and platform-free: it reads a `Checklist` and the text
catalogue (the `checklist_<name>` phrases, and the answers' own words for "tomorrow", "in n days",
"ongoing"), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from assistant.checklist.fmt import format_date, format_due
from assistant.checklist.model import Checklist, ChecklistItem, ItemLink
from assistant.checklist.texts import msg
from assistant.kb import catalogue
from assistant.reply import colon


@dataclass(frozen=True)
class ItemView:
    """One to-do as every channel shows it."""

    number: int
    title: str
    tags: tuple[str, ...]
    """"facultatif", "si applicable", "à commencer maintenant"."""
    when_label: str
    """"échéance" for a deadline or a window, "date" for anything else (a release is not a deadline)."""
    when: str
    """The date (or span) and its status: "… — dans 10 jours", "… — passé (il y a 3 jour(s))", "à annoncer"."""
    alert: bool
    """Flagged (⚠) on every channel: overdue, too late to obtain in time, or an unmet condition."""
    detail: str
    why: str
    link: ItemLink | None


@dataclass(frozen=True)
class ChecklistView:
    language: str
    heading: str
    as_of: str
    status: str
    """The one verdict: eligible, not eligible (and why), to be confirmed, or information missing."""
    eligible: bool | None
    reason: str | None
    requires: str | None
    notices: tuple[str, ...]
    warnings: tuple[str, ...]
    items: tuple[ItemView, ...]
    empty: str | None
    """What to say when there is nothing to do (None when there are items)."""
    missing: tuple[tuple[str, str], ...]
    """(field label, what its answer would decide)."""
    source: ItemLink | None

    def label(self, key: str) -> str:
        """A section or field label in the view's language: todo, why, warnings, missing, requires."""
        return msg(key, self.language)

    @property
    def colon(self) -> str:
        return colon(self.language)


def status_line(c: Checklist) -> str:
    """The verdict header: never "eligible" while an admission condition is unmet or undecided."""
    lang = c.language
    path = f" — {msg('path', lang).lower()}{colon(lang)}{c.path}" if c.path else ""
    if c.eligible is False and any(i.kind == "unmet" for i in c.items):
        return msg("eligible_unmet", lang) + path  # whatever the path, a condition is not met
    if c.path is None:
        return msg("eligible_unknown", lang)
    word = {True: "eligible_yes", False: "eligible_no", None: "eligible_open"}[c.eligible]
    return msg(word, lang) + path


def when_text(item: ChecklistItem, today: date, lang: str) -> str:
    """An item's date (or whole span) and its status, the same on every channel."""
    if item.to_be_announced:
        return msg("tba", lang)
    if item.due is None:
        return msg("no_date", lang)
    if item.starts is None or item.ends is None:
        return f"{_moment(item, item.due, lang)} — {_countdown(item, item.days_left, lang)}"
    first, last = item.starts.date(), item.ends.date()
    if first <= today <= last:
        status = catalogue.t("ongoing", lang, end=_moment(item, item.ends, lang))  # as in answers
    else:
        status = _countdown(item, ((last if today > last else first) - today).days, lang)
    span = (
        f"du {_moment(item, item.starts, lang)} au {_moment(item, item.ends, lang)}"
        if lang == "fr"
        else f"from {_moment(item, item.starts, lang)} to {_moment(item, item.ends, lang)}"
    )
    return f"{span} — {status}"


def _moment(item: ChecklistItem, moment: datetime, lang: str) -> str:
    return format_due(moment, item.all_day, lang, item.offset_on_page)


def _countdown(item: ChecklistItem, days_left: int | None, lang: str) -> str:
    """Upcoming: a countdown; past: "overdue" only for a deadline or a window's end, else "past"."""
    if days_left is None:
        return msg("no_date", lang)
    if days_left < 0:
        return msg("overdue" if item.deadline else "past", lang, n=-days_left)
    if days_left == 0:
        return msg("today", lang)
    if days_left == 1:  # the same words as in answers
        return catalogue.t("tomorrow", lang)
    return catalogue.t("in_days", lang, n=days_left)


def item_view(number: int, item: ChecklistItem, c: Checklist) -> ItemView:
    lang = c.language
    tags = []
    if item.start_now:
        tags.append(msg("start_now", lang))
    if not item.required:
        tags.append(msg("optional", lang))
    if item.conditional:
        tags.append(msg("conditional", lang))
    return ItemView(
        number=number,
        title=item.title,
        tags=tuple(tags),
        when_label=msg("due" if item.deadline else "date", lang),
        when=when_text(item, c.today, lang),
        alert=(item.overdue and item.deadline) or item.late or item.kind == "unmet",
        detail=item.detail,
        why=item.why,
        link=item.link,
    )


def checklist_view(c: Checklist) -> ChecklistView:
    """Everything a channel shows of a checklist, worded once."""
    lang = c.language
    return ChecklistView(
        language=lang,
        heading=msg("heading", lang, programme=c.programme_name),
        as_of=msg("today_is", lang, today=format_date(c.today, lang)),
        status=status_line(c),
        eligible=c.eligible,
        reason=c.reason,
        requires=c.requires,
        notices=tuple(c.notices),
        warnings=tuple(c.warnings),
        items=tuple(item_view(n, item, c) for n, item in enumerate(c.items, 1)),
        empty=None if c.items else msg("empty", lang),
        missing=tuple((m.label, m.changes) for m in c.missing_profile_fields),
        source=c.source,
    )
