"""Pydantic models of the knowledge files: the contract between recruitment staff and the code.

Every text a candidate can read exists in French and English (`I18n`). Facts (dates, contacts,
documents) are written once and referenced from answer templates, so a date changed in its event
changes everywhere.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


def _quote_list(value: Any) -> Any:
    """`quote: "…"` is a one-sentence list: staff write one quote as a plain text."""
    return [value] if isinstance(value, str) else value


class Sourced(Strict):
    """An entry that states a fact of the source page, with the page's own words behind it."""

    quote: list[str] = Field(default_factory=list)
    """The sentence(s) of the source page this entry states, verbatim and short; `…` joins fragments of
    one sentence. `kb check` requires one on every fact, and finds it in the programme's page snapshot."""

    @field_validator("quote", mode="before")
    @classmethod
    def _one_quote(cls, value: Any) -> Any:
        return _quote_list(value)


class I18n(Strict):
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


class Link(Sourced):
    id: str = Field(pattern=ID_PATTERN)
    title: I18n
    url: str | None = None
    """None when the source page names the document but gives no address: answers then say so."""
    url_incomplete: bool = False
    """The address as recorded may be cut short (the page snapshot ends mid-word): answers show it
    marked as possibly incomplete, never as a clickable source."""


class Contact(Sourced):
    id: str = Field(pattern=ID_PATTERN)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
    purpose: Literal["recruitment", "technical", "other"]
    label: I18n


class Programme(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: I18n
    short_name: str
    aliases: list[str] = Field(min_length=1)
    """Words and phrases that name the programme in a message (matched accent- and case-insensitively)."""
    descriptions: list[str] = Field(default_factory=list)
    """Phrases that point to the programme without naming it: place, kind of school, parent institution
    ("angouleme", "ecole de jeux video"). One programme's description in a message resolves it."""
    institution: I18n
    session: str
    summary: I18n
    languages_of_instruction: I18n
    links: list[Link] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    source: str
    """Id of the link to the official page this file was written from."""
    page: str | None = None
    """A text snapshot of the source page, relative to the knowledge folder (`pages/enjmin.md`):
    `kb check` finds every quote of the file in it."""
    quote: list[str] = Field(default_factory=list)
    """The page's words behind `name`, `institution`, `summary` and `languages_of_instruction`."""

    @field_validator("quote", mode="before")
    @classmethod
    def _one_quote(cls, value: Any) -> Any:
        return _quote_list(value)


class Event(Sourced):
    """A dated fact. Date-times must carry their UTC offset; a bare date means "that whole day"."""

    id: str = Field(pattern=ID_PATTERN)
    title: I18n
    start: datetime | date
    end: datetime | date | None = None
    kind: Literal["deadline", "publication", "exam", "window", "launch", "other"] = "other"
    applies_to: I18n | None = None
    note: I18n | None = None
    link: str | None = None
    """Id of a programme link relevant to this event."""
    reminder: bool = False
    """Whether candidates may subscribe to a reminder for it (deadlines that concern them)."""
    when: Condition | None = None
    """Profile condition under which the event concerns a candidate (checklists, reminders)."""
    session: str | None = None
    """The session (calendar) the event belongs to, e.g. "2026"; defaults to `programme.session`. Staff
    roll to the next session by adding its events under the same ids with the next session's name."""
    offset_on_page: bool = False
    """The page itself gives the UTC offset (« 12h UTC+1 »): answers show it. Otherwise a time reads as
    Paris time without an offset, since the page gives none."""

    @field_validator("start", "end", mode="before")
    @classmethod
    def _require_offset(cls, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError(
                "date-time has no time zone: write it with its offset, e.g. 2026-01-23T12:00:00+01:00"
            )
        if isinstance(value, str):
            text = value.strip()
            if len(text) == 10:
                try:
                    return date.fromisoformat(text)  # a quoted bare date stays a whole day
                except ValueError:
                    return value
            if ("T" in text or " " in text) and not _has_offset(text):
                raise ValueError(
                    "date-time has no time zone: write it with its offset, e.g. 2026-01-23T12:00:00+01:00"
                )
        return value


def _has_offset(text: str) -> bool:
    tail = text.replace(" ", "T", 1).split("T", 1)[1]
    return tail.endswith("Z") or "+" in tail or "-" in tail


class Condition(Strict):
    """A test over a candidate profile: a leaf (`field` + operator) or a combination (all/any/not)."""

    field: str | None = None
    eq: Any = None
    ne: Any = None
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None
    in_: list[Any] | None = Field(default=None, alias="in")
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        combos = [x for x in (self.all, self.any, self.not_) if x is not None]
        if self.field is None and len(combos) != 1:
            raise ValueError(
                "a condition needs either `field` with an operator, or exactly one of all/any/not"
            )
        if self.field is not None:
            ops = [self.eq, self.ne, self.gte, self.gt, self.lte, self.lt, self.in_]
            if sum(op is not None for op in ops) != 1:
                raise ValueError(
                    f"condition on `{self.field}` needs exactly one operator (eq, ne, gte, gt, lte, lt, in)"
                )
        return self

    def fields(self) -> set[str]:
        out: set[str] = {self.field} if self.field else set()
        for sub in (self.all or []) + (self.any or []) + ([self.not_] if self.not_ else []):
            out |= sub.fields()
        return out


class Step(Sourced):
    id: str = Field(pattern=ID_PATTERN)
    order: int
    title: I18n
    detail: I18n
    outcomes: list[I18n] = Field(default_factory=list)
    event: str | None = None
    """Id of the event that dates this step."""
    when: Condition | None = None
    """Profile condition under which the step applies (None: every candidate)."""
    paths: list[str] | None = None
    """Eligibility paths the step applies to (None: all paths)."""


class Document(Sourced):
    id: str = Field(pattern=ID_PATTERN)
    title: I18n
    required: bool
    detail: I18n | None = None
    condition: I18n | None = None
    """The condition in words, as candidates read it."""
    when: Condition | None = None
    """The same condition over a profile (None: every candidate)."""
    event: str | None = None
    """Id of the event by which the document is due."""
    link: str | None = None
    paths: list[str] | None = None


class EligibilityRule(Sourced):
    """Rules are tried in order; the first whose condition holds gives the candidate's path."""

    id: str = Field(pattern=ID_PATTERN)
    path: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    eligible: bool | None
    """None: the profile cannot settle it (the jury judges it), the checklist says so."""
    when: Condition | None = None
    """None: the fallback rule, always true."""
    text: I18n
    requires: I18n | None = None
    """What the path asks of the candidate (VES/VAPP file...)."""
    event: str | None = None


class Requirement(Sourced):
    """An extra condition that adds a checklist item or a warning when it applies to a profile."""

    id: str = Field(pattern=ID_PATTERN)
    title: I18n
    detail: I18n
    when: Condition
    kind: Literal["item", "unmet", "warning"] = "item"
    required: bool = True
    lead_time_days: int | None = None
    """For an item that takes time (ENIC-NARIC: ~120 days): it comes first, "start now", in a checklist
    that prepares the next session, and a warning says when today + lead time passes an upcoming
    `event` (or `lead_time_until`)."""
    lead_time_until: str | None = None
    """An event the lead time is compared with although the page does not date the item by it (ENIC-NARIC
    and the application deadline): the warning says the page gives no date for the item."""
    event: str | None = None
    link: str | None = None
    paths: list[str] | None = None


class Policy(Sourced):
    id: str = Field(pattern=ID_PATTERN)
    title: I18n
    text: I18n


class Examples(Strict):
    fr: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.fr, *self.en]


TOPIC_ID = r"^[a-z][a-z0-9_]*$"
TopicKind = Literal["faq", "greeting", "help", "human", "thanks", "checklist", "decline"]


class Topic(Strict):
    """What a message asks about, whatever the programme: the unit the topic model learns.

    Examples of every programme are pooled here, so a new programme reuses them all. Programmes
    answer `faq` topics in their own files; the other kinds have one general answer here.
    """

    id: str = Field(pattern=TOPIC_ID)
    kind: TopicKind = "faq"
    """`decline`: a subject outside admissions (housing, scholarships...) the assistant says it does not
    cover; `checklist`: a request for a personalised checklist."""
    label: I18n
    """A short name for the topic, shown on "did you mean" buttons."""
    shared: bool = True
    """False for one programme's own procedure (Mon Master, ENIC-NARIC...): a question about it that names
    no programme is about the programmes that answer it, not a question to ask back."""
    personal: bool = False
    """The answer depends on the candidate's situation (eligibility): when a message states it (diploma,
    experience...), the answer opens with a personal verdict from the programme's eligibility rules."""
    examples: Examples
    answer: I18n | None = None
    """The general answer of a topic no programme answers (greetings, help, declines...)."""
    follow_ups: list[str] = Field(default_factory=list)
    """Topic ids offered after the general answer."""


class Answer(Strict):
    """A programme's answer to one topic (the pair is what older versions called an intent)."""

    topic: str = Field(pattern=TOPIC_ID)
    answer: I18n
    short: I18n | None = None
    """One or two sentences for replies that answer several programmes at once (defaults to `answer`)."""
    examples: Examples = Field(default_factory=Examples)
    """Extra examples phrased for this programme; they are pooled into the topic like the others."""
    follow_ups: list[str] = Field(default_factory=list)
    """Topic ids offered as follow-up questions."""
    next: str | None = None
    """The topic that comes after this one in the procedure: the answer to "et après ?" / "what's next?"
    right after this answer (none: such a message is read as any other)."""
    source: str | None = None
    """Id of the programme link the answer comes from (defaults to the programme's source)."""
    links: list[str] = Field(default_factory=list)
    quote: list[str] = Field(default_factory=list)
    """The page's words behind what the answer states in its own text (not through placeholders): an
    answer that cites no fact must carry them, so `kb doctor --answer` shows where every word comes from."""
    scope: str = Field(default="", exclude=True)
    """Set by the loader: the programme id of the file."""

    @field_validator("quote", mode="before")
    @classmethod
    def _one_quote(cls, value: Any) -> Any:
        return _quote_list(value)

    @property
    def id(self) -> str:
        return f"{self.scope}.{self.topic}"


class Glossary(Strict):
    """`knowledge/glossary.yaml`: shared language resources, editable without code."""

    shorthand: dict[str, str] = Field(default_factory=dict)
    """SMS and chat shorthand → full words (after accents and case are removed)."""
    phrases: dict[str, str] = Field(default_factory=dict)
    """Phrases read as one word, so their meaning survives ("date limite" → deadline)."""
    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    """Words with the same meaning across French and English, mapped onto the key."""
    language_markers: Examples = Field(default_factory=Examples)
    """Words that tell a French message from an English one."""
    other_programme: list[str] = Field(default_factory=list)
    """Phrases meaning "the other programme" in a follow-up ("et pour l'autre école ?")."""
    every_programme: list[str] = Field(default_factory=list)
    """Phrases meaning "all of them" ("les deux écoles", "both")."""
    follow_up_markers: list[str] = Field(default_factory=list)
    """Openings of a follow-up that reuses the previous topic ("et pour", "what about", "same for")."""
    next_step_markers: list[str] = Field(default_factory=list)
    """A whole message asking what comes after the last answer ("et après ?", "what's next?")."""
    next_step_fillers: list[str] = Field(default_factory=list)
    """Words that may surround a next-step marker without changing it ("ok et après ?")."""


class Preparation(Sourced):
    """A short text in both languages, with the quotes of the facts it restates."""

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


class ProgrammeFile(Strict):
    """One file per programme: `knowledge/<id>.yaml`."""

    programme: Programme
    events: list[Event] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    eligibility: list[EligibilityRule] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)
    tracks: list[Policy] = Field(default_factory=list)
    general_path: str | None = None
    """The eligibility path whose steps the general procedure answer lists (`{steps}`); None: only the
    steps that apply to every path."""
    profile_questions: list[str] = Field(default_factory=list)
    """Profile fields the guided checklist asks for this programme, in order."""
    preparation: Preparation | None = None
    """What a candidate can prepare while the next session's calendar is not published, in one or two
    sentences with the page's words behind them: said with every dated answer, /dates and the checklist
    once the session is over, and cited by `{preparation}`."""
    answers: list[Answer] = Field(default_factory=list)


class TopicsFile(Strict):
    """`knowledge/topics.yaml`: every topic with its examples (shared by all programmes)."""

    topics: list[Topic] = Field(default_factory=list)


class GlossaryFile(Strict):
    glossary: Glossary = Field(default_factory=Glossary)


class TextsFile(Strict):
    """`knowledge/texts.yaml`: the one catalogue of fixed texts, each in French and English."""

    texts: dict[str, I18n] = Field(default_factory=dict)


class ProfileChoice(Strict):
    """One answer offered as a button; for a `choice` field, one of its allowed values."""

    value: str = Field(min_length=1)
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


ProfileFieldType = Literal["programme", "bool", "level", "number", "choice", "language"]


class ProfileField(Strict):
    """A fact about the candidate: how it is asked, how a value reads, which answers it offers."""

    type: ProfileFieldType
    label: I18n
    question: I18n | None = None
    value: I18n | None = None
    """How a number reads in a sentence (`bac + {value}`)."""
    choices: list[ProfileChoice] = Field(default_factory=list)

    @model_validator(mode="after")
    def _choices_fit_the_type(self) -> ProfileField:
        if self.type == "choice" and not self.choices:
            raise ValueError("a `choice` field lists its allowed values under `choices`")
        if self.type in ("bool", "programme", "language") and self.choices:
            raise ValueError(f"a `{self.type}` field has no `choices` (its answers are fixed)")
        if self.type in ("level", "number"):
            for choice in self.choices:
                try:
                    float(choice.value)
                except ValueError:
                    raise ValueError(
                        f"choice `{choice.value}` of a `{self.type}` field is not a number"
                    ) from None
        return self


class DiplomaWords(Strict):
    words: list[str] = Field(min_length=1)
    exact: list[str] = Field(default_factory=list)
    """Matched with their case (BUT, not the English "but"), or when they are the whole answer."""
    level: int = Field(ge=0, le=8)
    rncp: bool | None = None


class Vocabulary(Strict):
    """Words read in free text: answers to the questionnaire and facts said in passing."""

    yes: list[str]
    no: list[str]
    unknown: list[str]
    back: list[str]
    restart: list[str]
    diplomas: list[DiplomaWords]
    level_patterns: list[str] = Field(default_factory=list)
    french_origin: list[str]
    foreign_origin: list[str]
    numbers: dict[str, int]
    more_than: list[str]
    less_than: list[str]
    months: list[str]
    no_experience: list[str]
    no_diploma: list[str]
    experience_cues: list[str]
    repeated_year: list[str]
    native: list[str]
    training_mode: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("level_patterns")
    @classmethod
    def _one_group(cls, patterns: list[str]) -> list[str]:
        import re

        for pattern in patterns:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"`{pattern}` is not a regular expression: {exc}") from None
            if compiled.groups != 1:
                raise ValueError(f"`{pattern}` must capture the level in exactly one group (…)")
        return patterns


class ProfileFile(Strict):
    """`knowledge/profile.yaml`: the candidate profile's fields, value wordings and reading vocabulary."""

    fields: dict[str, ProfileField] = Field(min_length=1)
    values: dict[str, I18n] = Field(default_factory=dict)
    vocabulary: Vocabulary


Event.model_rebuild()
Condition.model_rebuild()
