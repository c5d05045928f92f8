"""The checklist's data shape: what every renderer (text, markdown, JSON, ICS) and adapter reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

ItemKind = Literal["document", "step", "requirement", "unmet"]


class ItemLink(BaseModel):
    label: str
    url: str | None = None


class ChecklistItem(BaseModel):
    id: str
    """`<kind>:<knowledge id>`, unique within a checklist."""
    kind: ItemKind
    title: str
    detail: str
    due: datetime | None = None
    """When it is due (start of a publication/exam, end of a deadline/window), with its UTC offset."""
    starts: datetime | None = None
    ends: datetime | None = None
    """The span of an event that has an end (oral exams over four days, a registration window): shown
    whole everywhere, and the .ics event ends with it. None for a single moment."""
    all_day: bool = False
    """The knowledge base gives only a date (no time): `due` is that day's start or end."""
    offset_on_page: bool = False
    """The source page states the time's UTC offset (« 12h UTC+1 »); otherwise only "Paris time" is shown."""
    to_be_announced: bool = False
    """The session is over (or the current one has not published this date): the next date is not known
    yet. Such an item has no `due`, so it is never overdue."""
    start_now: bool = False
    """Something that takes long (ENIC-NARIC: about four months) in a checklist that prepares the next
    session: it comes first, to start now."""
    event: str | None = None
    """Id of the knowledge-base event that dates the item."""
    deadline: bool = False
    """Dated by a deadline or a window's end (missing it is overdue, not just past)."""
    required: bool = True
    why: str
    days_left: int | None = None
    overdue: bool = False
    conditional: bool = False
    """Applies only if a missing profile field turns out a certain way (see `depends_on`)."""
    depends_on: list[str] = Field(default_factory=list)
    lead_time_days: int | None = None
    late: bool = False
    """Takes longer than the time left before `due` (today + lead time is past it)."""
    link: ItemLink | None = None


class MissingField(BaseModel):
    field: str
    label: str
    changes: str
    """What the answer would decide, in the checklist's language."""
    affects: list[str] = Field(default_factory=list)
    """`path` and/or the ids of the items it decides."""


class Checklist(BaseModel):
    programme: str
    programme_name: str
    language: Literal["fr", "en"]
    today: date
    eligible: bool | None
    path: str | None
    reason: str | None = None
    """The text of the eligibility rule that decided the path (why, and what would change it)."""
    requires: str | None = None
    items: list[ChecklistItem] = Field(default_factory=list)
    missing_profile_fields: list[MissingField] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    """What the checklist says first: the session is over, the next calendar is not published, where
    to watch (the same words as the chat answers)."""
    session: str | None = None
    """The session whose steps and documents are listed (None for a programme without dates)."""
    session_over: bool = False
    """Every date of that session has passed: the list prepares the next session, undated."""
    source: ItemLink | None = None

    def dated(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.due is not None]
