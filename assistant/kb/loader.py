"""Loading a knowledge folder into a validated, indexed `KnowledgeBase`.

Every problem is reported as a `Problem` with file, line and column, never as a traceback, so staff
can fix the YAML themselves. `load()` raises `KnowledgeError` when anything is wrong.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from assistant.kb.models import (
    Answer,
    Event,
    Examples,
    Glossary,
    GlossaryFile,
    I18n,
    ProfileFile,
    Programme,
    ProgrammeFile,
    TextsFile,
    Topic,
    TopicsFile,
)
from assistant.kb.required import CHAT_TEXTS, CHECKLIST_TEXTS, COMMAND_TEXTS, HANDOVER_TEXTS
from assistant.kb.templates import (
    COUNTABLES,
    DOC_SETS,
    FACT_KINDS,
    GENERAL_KINDS,
    KINDS,
    malformed,
    placeholders,
)

if TYPE_CHECKING:
    from assistant.kb.yamlpos import Positions

MIN_EXAMPLES = 10
SINGULAR = {
    "events": "event",
    "contacts": "contact",
    "links": "link",
    "documents": "document",
    "policies": "policy",
    "eligibility": "rule",
    "requirements": "requirement",
    "messages": "message",
}
TOPICS_FILE, GLOSSARY_FILE, TEXTS_FILE = "topics.yaml", "glossary.yaml", "texts.yaml"
PROFILE_FILE = "profile.yaml"
SHARED_FILES = {
    TOPICS_FILE: TopicsFile,
    GLOSSARY_FILE: GlossaryFile,
    TEXTS_FILE: TextsFile,
    PROFILE_FILE: ProfileFile,
}
"""The shared files of a knowledge folder; every other `.yaml` file is one programme."""
REQUIRED_TEXTS = (
    "clarify_programme",
    "clarify_intent",
    "decline",
    "session_over",
    "unknown_link",
    "past",
    "past_publication",
    "today",
    "in_days",
    "tomorrow",
    "decline_contact",
    "past_range",
    "ongoing",
    "today_past",
    "no_dates",
    "no_contact",
    "deadlines_title",
    "no_upcoming",
    "empty",
    "reminder",
    "not_stated",
    "not_understood",
    "verdict_yes",
    "verdict_no",
    "verdict_open",
    "verdict_unmet",
    "due_by",
    "everyone",
    "and_more",
    "contacts_on_pages",
    "for_you",
    "session_watch",
    "prepare_now",
    "not_published",
    "url_incomplete",
    "verdict_pending",
    "verdict_depends",
) + (CHAT_TEXTS + CHECKLIST_TEXTS + COMMAND_TEXTS + HANDOVER_TEXTS)
"""Every fixed text the composer and the bots use: a knowledge base without one is incomplete."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    entry: str
    message: str
    hint: str
    warning: bool = False
    """A warning (the knowledge base still loads): e.g. every session of a programme is past."""

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}:{self.column}: {self.entry}: {kind}{self.message} — {self.hint}"


class KnowledgeError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ProgrammeData:
    """One programme's facts, with lookup tables by id."""

    file: ProgrammeFile
    path: str
    events_line: int = 1
    """Line of `events:` in the file (set by the checker), where session warnings point."""

    def __post_init__(self) -> None:
        f = self.file
        self.programme: Programme = f.programme
        for event in f.events:  # an event without a session belongs to the one the file describes
            event.session = event.session or f.programme.session
        ends: dict[str, datetime] = {}
        for event in f.events:
            session = event.session or ""
            ends[session] = max(ends.get(session, event_end(event)), event_end(event))
        self.session_ends = dict(sorted(ends.items(), key=lambda kv: kv[1]))
        """Each session's last moment, earliest session first."""
        self.events = {e.id: e for e in sorted(f.events, key=lambda e: self.session_ends[e.session or ""])}
        """Event id -> the event of the latest session that has it (lookups that do not depend on now)."""
        self.contacts = {c.id: c for c in f.programme.contacts}
        self.links = {lk.id: lk for lk in f.programme.links}
        self.documents = {d.id: d for d in f.documents}
        self.policies = {p.id: p for p in f.policies}
        self.rules = {r.id: r for r in f.eligibility}
        self.requirements = {r.id: r for r in f.requirements}
        self.answers: dict[str, Answer] = {a.topic: a for a in f.answers}

    @property
    def id(self) -> str:
        return self.programme.id

    def sorted_events(self) -> list[Event]:
        return sorted(self.file.events, key=lambda e: event_start(e))

    # Sessions: the events of one calendar ("2026"). The current session is the earliest one not over
    # yet; once every session is over it is the last one, and answers say it is over.
    def current_session(self, now: datetime) -> str | None:
        """The session answers speak of at `now`; None for a programme without dated events."""
        for session, end in self.session_ends.items():
            if end >= now:
                return session
        return next(reversed(self.session_ends), None)

    def session_over(self, now: datetime) -> bool:
        """Every session's last event has passed: the next calendar is not in the knowledge base."""
        return bool(self.session_ends) and max(self.session_ends.values()) < now

    def session_events(self, now: datetime) -> list[Event]:
        """The current session's events, in date order."""
        session = self.current_session(now)
        return [e for e in self.sorted_events() if e.session == session]

    def event_at(self, event_id: str, now: datetime) -> Event | None:
        """Event `event_id` of the current session; None when that session has not published it."""
        session = self.current_session(now)
        return next((e for e in self.file.events if e.id == event_id and e.session == session), None)

    def session_label(self, now: datetime) -> str:
        """The current session's name, or the file's `programme.session` for a programme without dates."""
        return self.current_session(now) or self.programme.session


@dataclass
class KnowledgeBase:
    root: str
    programmes: dict[str, ProgrammeData] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    glossary: Glossary = field(default_factory=Glossary)
    texts: dict[str, I18n] = field(default_factory=dict)
    profile: ProfileFile | None = None
    """The candidate profile's fields, value wordings and reading vocabulary (profile.yaml)."""

    def profile_fields(self) -> set[str]:
        """The facts about a candidate that conditions may test (the fields profile.yaml declares)."""
        return set(self.profile.fields) if self.profile is not None else set()

    def t(self, key: str, lang: str, **values: object) -> str:
        """The fixed text `key` in `lang`, with its `{name}` slots filled from `values`."""
        entry = self.texts.get(key)
        text = entry.get(lang) if entry else key
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def answer(self, programme: str, topic: str) -> Answer | None:
        pdata = self.programmes.get(programme)
        return pdata.answers.get(topic) if pdata else None

    def answer_ids(self) -> list[str]:
        """`<programme>.<topic>` for every programme answer, and the general topics' ids."""
        ids = [a.id for p in self.programmes.values() for a in p.file.answers]
        return ids + [t.id for t in self.topics.values() if t.kind != "faq" and t.answer is not None]

    def answer_action(self, answer_id: str) -> str | None:
        """The button action that shows the answer `answer_id` (see `answer_ids`), or None if unknown."""
        pid, _, topic = answer_id.rpartition(".")
        if pid and self.answer(pid, topic) is not None:
            return f"topic:{topic}@{pid}"
        if not pid and answer_id in self.topics:
            return f"topic:{answer_id}"
        return None

    def answering(self, topic: str) -> list[str]:
        """The programmes that answer `topic`, in file order."""
        return [pid for pid, p in self.programmes.items() if topic in p.answers]

    def examples(self) -> list[tuple[str, str]]:
        """(example, topic) pairs the topic model learns from: the topics' and the programmes' own."""
        pairs = [(text, t.id) for t in self.topics.values() for text in t.examples.all()]
        for p in self.programmes.values():
            pairs.extend((text, a.topic) for a in p.file.answers for text in a.examples.all())
        return pairs

    def summary(self) -> dict[str, int]:
        return {
            "programmes": len(self.programmes),
            "topics": len(self.topics),
            "answers": sum(len(p.answers) for p in self.programmes.values()),
            "examples": len(self.examples()),
            "events": sum(len(p.file.events) for p in self.programmes.values()),
        }


def event_start(event: Event) -> datetime:
    return _as_datetime(event.start, end_of_day=False)


def event_end(event: Event) -> datetime:
    return _as_datetime(event.end if event.end is not None else event.start, end_of_day=True)


def _local_zone() -> tzinfo:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:  # no time-zone database (install `tzdata`): winter time is the safe side
        return timezone(timedelta(hours=1))


PARIS = _local_zone()
"""The programmes are French: a bare date is a whole day in Paris (UTC+1 in winter, UTC+2 in summer)."""


def _as_datetime(value: date | datetime, end_of_day: bool) -> datetime:
    if isinstance(value, datetime):
        return value
    # A bare date is a whole day, read in Paris time.
    moment = datetime(value.year, value.month, value.day, tzinfo=PARIS)
    return moment + timedelta(days=1, microseconds=-1) if end_of_day else moment


def default_root() -> Path:
    env = os.environ.get("CANDIDATE_ASSISTANT_KB")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent
    bundled = here / "_knowledge"  # inside an installed wheel
    if bundled.is_dir():
        return bundled
    return here.parent / "knowledge"  # a source checkout


def load(root: str | Path | None = None, *, cache: bool = True) -> KnowledgeBase:
    """A valid knowledge base, or `KnowledgeError` with every problem. A folder already validated with
    the same files and the same code is read back from the cache (see `assistant.kb.cache`)."""
    folder = Path(root) if root is not None else default_root()
    if cache:
        from assistant.kb import cache as kb_cache

        key = kb_cache.key(folder)
        cached = kb_cache.read(key) if key else None
        if cached is not None:
            from assistant.kb import catalogue

            catalogue.use(cached)
            return cached
    kb, problems = check(folder)
    errors = [p for p in problems if not p.warning]
    if errors:
        raise KnowledgeError(errors)
    assert kb is not None
    if cache and key:
        kb_cache.write(key, kb)
    from assistant.kb import catalogue

    catalogue.use(kb)
    return kb


def check(root: str | Path | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validate a knowledge folder; returns what could be loaded (None without a folder) and all problems."""
    from assistant.files import FileReadError
    from assistant.kb.folder import yaml_entries
    from assistant.kb.yamlpos import YamlSyntaxError, load_with_positions  # PyYAML: only when validating

    folder = Path(root) if root is not None else default_root()
    problems: list[Problem] = []
    if not folder.is_dir():
        return None, [
            Problem(
                str(folder),
                1,
                1,
                "-",
                "knowledge folder not found",
                "pass --kb PATH or set CANDIDATE_ASSISTANT_KB to a folder of .yaml files",
            )
        ]
    try:
        files = yaml_entries(folder)
    except OSError as exc:
        return None, [
            Problem(
                str(folder),
                1,
                1,
                "-",
                f"cannot list the knowledge folder: {exc.strerror}",
                "check its permissions",
            )
        ]
    kb = KnowledgeBase(root=str(folder))
    positions: dict[str, Positions] = {}
    read_ok: dict[str, bool] = {}
    """File name -> whether it was read and validated (a broken shared file is not reported as missing,
    and the answers of a broken programme file are unknown, not missing)."""
    topic_rows: dict[str, int] = {}
    """Topic id -> its index under `topics:` in topics.yaml (a repeated id shifts the later ones)."""
    for path in files:
        display = _display(path)
        try:
            data, pos = load_with_positions(path, display)
        except YamlSyntaxError as exc:  # syntax, or over a budget (size, values, depth, aliases)
            problems.append(Problem(exc.file, exc.line, exc.column, "-", exc.message, exc.hint))
            read_ok.setdefault(path.name, False)
            continue
        except FileReadError as exc:  # not a file (link loop, dangling link, pipe, folder) or too large
            problems.append(Problem(display, 1, 1, "-", exc.message, exc.hint))
            read_ok.setdefault(path.name, False)
            continue
        positions[display] = pos
        shared_model = SHARED_FILES.get(path.name)
        if not isinstance(data, dict):
            start = f"`{next(iter(shared_model.model_fields))}:`" if shared_model else "`programme:`"
            problems.append(
                Problem(
                    display, 1, 1, "-", "file is empty or not a mapping", f"this file starts with {start}"
                )
            )
            read_ok.setdefault(path.name, False)
            continue
        if shared_model is not None:
            shared = _validate(shared_model, data, pos, problems)
            read_ok[path.name] = shared is not None
            if isinstance(shared, TopicsFile):
                topic_rows = _register_topics(kb, shared, display, pos, problems)
            elif isinstance(shared, GlossaryFile):
                kb.glossary = shared.glossary
            elif isinstance(shared, TextsFile):
                kb.texts = shared.texts
            elif isinstance(shared, ProfileFile):
                kb.profile = shared
            continue
        pf = _validate(ProgrammeFile, data, pos, problems)
        read_ok[path.name] = pf is not None
        if pf is None:
            continue
        pid = pf.programme.id
        if pid in kb.programmes:
            line, col = pos.at(("programme", "id"))
            problems.append(
                Problem(
                    display,
                    line,
                    col,
                    pid,
                    f"programme id `{pid}` is already used by {kb.programmes[pid].path}",
                    "give each programme file its own id",
                )
            )
            read_ok[path.name] = False
            continue
        for answer in pf.answers:
            answer.scope = pid
        kb.programmes[pid] = ProgrammeData(pf, display)
    for name in SHARED_FILES:
        if name not in read_ok:
            problems.append(
                Problem(
                    str(folder / name),
                    1,
                    1,
                    "-",
                    f"{name} is missing",
                    "a knowledge folder holds topics.yaml, glossary.yaml, texts.yaml, profile.yaml and one file per programme",
                )
            )
    if not kb.programmes and not problems:
        problems.append(
            Problem(
                str(folder),
                1,
                1,
                "-",
                "no programme file found",
                "add one <programme>.yaml file per programme",
            )
        )
    if not problems or kb.programmes:
        problems.extend(_cross_checks(kb, positions, read_ok, topic_rows))
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    return kb, problems


def _display(path: Path) -> str:
    try:  # the entry's own name, not its link target's: a link loop or a dangling link has none
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def _validate(model: Any, data: dict, pos: Positions, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            loc = tuple(
                k for k in loc if not (isinstance(k, str) and k.startswith(("function-", "[", "tagged")))
            )
            line, col = pos.at(loc)
            entry = _entry_id(data, loc)
            problems.append(Problem(pos.file, line, col, entry, _describe(err, loc), _hint(err, loc)))
        return None


def _entry_id(data: Any, loc: tuple) -> str:
    """The id of the innermost entry (event, topic...) that contains `loc`; an answer's is
    `<programme>.<topic>`, as the cross-checks name it."""
    found = "-"
    node = data
    for depth, key in enumerate(loc):
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("id"), str):
            found = node["id"]
        elif depth == 1 and loc[0] == "answers" and isinstance(node.get("topic"), str):
            programme = data.get("programme")
            pid = programme.get("id") if isinstance(programme, dict) else None
            found = f"{pid}.{node['topic']}" if isinstance(pid, str) else node["topic"]
    return found


def _describe(err: dict, loc: tuple) -> str:
    where = ".".join(str(k) for k in loc) or "file"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        return f"`{where}` is missing"
    if err["type"] == "extra_forbidden":
        return f"unknown field `{loc[-1]}` in `{'.'.join(str(k) for k in loc[:-1]) or 'file'}`"
    return f"`{where}`: {msg}"


def _hint(err: dict, loc: tuple) -> str:
    last = loc[-1] if loc else ""
    if err["type"] == "missing" and last in ("fr", "en"):
        return f"add the {'French' if last == 'fr' else 'English'} text (`{last}:`)"
    if err["type"] == "missing":
        return f"add `{last}:` to this entry (see knowledge/README.md for the fields)"
    if err["type"] == "extra_forbidden":
        return "check the spelling of the field name, or remove it (see knowledge/README.md)"
    if "time zone" in err["msg"]:
        return "add the UTC offset, e.g. 2026-01-23T12:00:00+01:00 for noon in Paris in winter"
    if err["type"].startswith(("datetime", "date")):
        return "write dates as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS+01:00 with the time zone"
    if err["type"] == "string_pattern_mismatch":
        return "use lower-case letters, digits, `_`, `.` or `-` (an e-mail must look like name@domain.tld)"
    if err["type"] == "too_short":
        return "this list or text must not be empty"
    return "correct the value (see knowledge/README.md for what each field holds)"


def _register_topics(
    kb: KnowledgeBase, shared: TopicsFile, file: str, pos: Positions, problems: list[Problem]
) -> dict[str, int]:
    """Adds the topics to `kb`; returns each registered topic's index in the file."""
    rows: dict[str, int] = {}
    for i, topic in enumerate(shared.topics):
        if topic.id in kb.topics:
            line, col = pos.at(("topics", i, "id"))
            problems.append(
                Problem(
                    file, line, col, topic.id, f"topic id `{topic.id}` is used twice", "rename one of the two"
                )
            )
            continue
        kb.topics[topic.id] = topic
        rows[topic.id] = i
    return rows


def _shared_positions(positions: dict[str, Positions], name: str) -> Positions | None:
    return next((pos for f, pos in positions.items() if Path(f).name == name), None)


def _cross_checks(
    kb: KnowledgeBase, positions: dict[str, Positions], read_ok: dict[str, bool], topic_rows: dict[str, int]
) -> list[Problem]:
    out: list[Problem] = []
    fields = kb.profile_fields() if read_ok.get(PROFILE_FILE, False) else None
    for pdata in kb.programmes.values():
        out.extend(_programme_checks(pdata, positions[pdata.path], fields))
    profile_pos = _shared_positions(positions, PROFILE_FILE)
    if kb.profile is not None and profile_pos is not None:
        out.extend(_profile_checks(kb.profile, profile_pos))
    texts_ok = read_ok.get(TEXTS_FILE, False)
    if texts_ok:
        out.extend(_text_checks(kb, _shared_positions(positions, TEXTS_FILE)))
    programmes_ok = all(ok for name, ok in read_ok.items() if name not in SHARED_FILES)
    seen: dict[str, str] = {}
    """Normalised example -> its topic, over topics.yaml and every programme's own examples."""
    topics_pos = _shared_positions(positions, TOPICS_FILE)
    if read_ok.get(TOPICS_FILE, False) and topics_pos is not None:
        out.extend(_topic_checks(kb, topics_pos, texts_ok, programmes_ok, topic_rows, seen))
    for pdata in kb.programmes.values():
        out.extend(
            _answer_checks(kb, pdata, positions[pdata.path], texts_ok, read_ok.get(TOPICS_FILE, False), seen)
        )
    return out


def _text_checks(kb: KnowledgeBase, pos: Positions | None) -> list[Problem]:
    out = []
    file = pos.file if pos else TEXTS_FILE
    for key in REQUIRED_TEXTS:
        if key not in kb.texts:
            line, col = pos.at(("texts",)) if pos else (1, 1)
            out.append(
                Problem(
                    file,
                    line,
                    col,
                    key,
                    f"text `{key}` is missing",
                    "add it under `texts:` with its fr and en texts",
                )
            )
    for key, text in kb.texts.items():
        slots = {lang: set(_SLOT.findall(text.get(lang))) for lang in ("fr", "en")}
        if slots["fr"] != slots["en"]:
            line, col = pos.at(("texts", key)) if pos else (1, 1)
            only = sorted(slots["fr"] ^ slots["en"])
            out.append(
                Problem(
                    file,
                    line,
                    col,
                    key,
                    f"the French and English texts do not use the same slots ({', '.join(only)})",
                    "use the same {name} slots in both languages: the code fills them in",
                )
            )
    return out


_SLOT = re.compile(r"\{[a-z_]+\}")


def _examples_checks(
    examples: Examples,
    owner: str,
    report: Callable[[tuple, str, str], None],
    seen: dict[str, str],
    minimum: int,
) -> None:
    from assistant.text.normalize import normalize  # local: keeps loading cheap for callers that only parse

    mine: set[str] = set()
    for lang in ("fr", "en"):
        for j, utt in enumerate(getattr(examples, lang)):
            norm = normalize(utt)
            other = seen.setdefault(norm, owner)
            if other != owner:
                report(
                    ("examples", lang, j),
                    f"example “{utt}” also belongs to topic `{other}`",
                    "an example must point to one topic only: reword or remove one of them",
                )
            elif norm in mine:
                report(
                    ("examples", lang, j),
                    f"example “{utt}” is written twice in this topic",
                    "remove the copy: repeated examples teach the model nothing",
                )
            mine.add(norm)
    fr, en = len(examples.fr), len(examples.en)
    if minimum and (fr + en < minimum or not fr or not en):
        report(
            ("examples",),
            f"only {fr} French and {en} English examples",
            f"give at least {minimum} varied examples, in both French and English",
        )


def _topic_checks(
    kb: KnowledgeBase,
    pos: Positions,
    texts_ok: bool,
    programmes_ok: bool,
    rows: dict[str, int],
    seen: dict[str, str],
) -> list[Problem]:
    out: list[Problem] = []
    for topic in kb.topics.values():
        i = rows[topic.id]

        def report(loc: tuple, message: str, hint: str) -> None:
            line, col = pos.at(("topics", i, *loc))  # noqa: B023 - used at once, in this iteration
            out.append(Problem(pos.file, line, col, topic.id, message, hint))  # noqa: B023

        _examples_checks(topic.examples, topic.id, report, seen, MIN_EXAMPLES)
        if topic.kind == "faq":
            if topic.answer is not None:
                report(
                    ("answer",),
                    "a `faq` topic is answered by the programme files, not here",
                    "move this answer into the programmes' `answers:` (or change the topic's kind)",
                )
            if programmes_ok and not kb.answering(topic.id):  # a broken file's answers are unknown
                report(
                    ("id",),
                    f"no programme answers topic `{topic.id}`",
                    "add `- topic: "
                    + topic.id
                    + "` under `answers:` in a programme file, or make it `kind: decline`",
                )
        elif topic.answer is None:
            report(
                ("kind",),
                f"a `{topic.kind}` topic needs its general `answer:`",
                "add `answer:` with fr and en",
            )
        else:
            _template_checks(kb, None, topic.answer, report, texts_ok)
        for follow in topic.follow_ups:
            if follow not in kb.topics:
                report(
                    ("follow_ups",),
                    f"follow-up `{follow}` is not a topic",
                    "use the id of a topic of topics.yaml",
                )
    return out


def _answer_checks(
    kb: KnowledgeBase,
    pdata: ProgrammeData,
    pos: Positions,
    texts_ok: bool,
    topics_ok: bool,
    seen: dict[str, str],
) -> list[Problem]:
    out: list[Problem] = []
    seen_topics: set[str] = set()
    for i, answer in enumerate(pdata.file.answers):

        def report(loc: tuple, message: str, hint: str) -> None:
            line, col = pos.at(("answers", i, *loc))  # noqa: B023 - used at once, in this iteration
            out.append(Problem(pdata.path, line, col, answer.id, message, hint))  # noqa: B023

        topic = kb.topics.get(answer.topic)
        if topics_ok and topic is None:
            report(
                ("topic",), f"topic `{answer.topic}` is not defined", "use the id of a topic of topics.yaml"
            )
        elif topic is not None and topic.kind != "faq":
            report(
                ("topic",),
                f"topic `{answer.topic}` is a `{topic.kind}` topic with one general answer",
                "programmes answer `faq` topics only: remove this answer or change the topic's kind",
            )
        if answer.topic in seen_topics:
            report(("topic",), f"topic `{answer.topic}` is answered twice", "keep one answer per topic")
        seen_topics.add(answer.topic)
        _examples_checks(answer.examples, answer.topic, report, seen, 0)
        _template_checks(kb, pdata, answer.answer, report, texts_ok)
        if not answer.quote and _states_own_facts(answer.answer.fr):
            report(
                ("answer",),
                "the answer states facts in its own words and cites none, without a `quote:`",
                "cite the facts with placeholders ({policy:ID}, {date:ID}...) or add `quote:` with the "
                "sentences of the page it says",
            )
        if answer.short is not None:
            _template_checks(kb, pdata, answer.short, report, texts_ok, field="short")
        for follow in answer.follow_ups:
            if topics_ok and follow not in kb.topics:
                report(
                    ("follow_ups",),
                    f"follow-up `{follow}` is not a topic",
                    "use the id of a topic of topics.yaml",
                )
        if answer.next is not None and topics_ok and answer.next not in pdata.answers:
            report(
                ("next",),
                f"next step `{answer.next}` has no answer in this programme",
                "use the topic id of one of this file's `answers:`",
            )
        for ref in ([answer.source] if answer.source else []) + answer.links:
            if ref not in pdata.links:
                report(
                    ("source" if ref == answer.source else "links",),
                    f"link `{ref}` is not defined",
                    "add it under programme.links or use an existing link id",
                )
    if pdata.file.preparation is not None:

        def report_preparation(loc: tuple, message: str, hint: str) -> None:
            line, col = pos.at(("preparation", *loc[1:]))
            out.append(Problem(pdata.path, line, col, f"{pdata.id}.preparation", message, hint))

        _template_checks(kb, pdata, pdata.file.preparation, report_preparation, texts_ok, field="preparation")
        if any(
            kind == "preparation"
            for lang in ("fr", "en")
            for kind, _, _ in placeholders(pdata.file.preparation.get(lang))
        ):
            report_preparation(
                ("preparation",),
                "the preparation cites itself with `{preparation}`",
                "write what to prepare in words, or cite other facts",
            )
    return out


def _states_own_facts(template: str) -> bool:
    """Whether a template says more than fixed texts without citing any fact of the page."""
    if any(kind in FACT_KINDS for kind, _, _ in placeholders(template)):
        return False
    rest = re.sub(r"\{[^{}]*\}", "", template)
    return bool(re.search(r"[^\W\d_]{3}", rest))


def _template_checks(
    kb: KnowledgeBase,
    pdata: ProgrammeData | None,
    text: I18n,
    report: Callable[[tuple, str, str], None],
    texts_ok: bool,
    field: str = "answer",
) -> None:
    for lang in ("fr", "en"):
        template = text.get(lang)
        for bad in malformed(template):
            report(
                (field, lang),
                f"`{bad}` in the {lang} {field} is not a valid placeholder",
                "write placeholders as {kind:id} in lower case without spaces, e.g. {date:deadline}",
            )
        for kind, arg, offset in placeholders(template):
            if kind == "message" and not texts_ok:
                continue  # texts.yaml could not be read: its texts are unknown, not missing
            problem = _check_placeholder(kb, pdata, kind, arg)
            if problem:
                written = template[offset:].split("}")[0] + "}"
                report(
                    (field, lang), f"placeholder `{written}` in the {lang} {field} {problem[0]}", problem[1]
                )


def _check_placeholder(
    kb: KnowledgeBase, pdata: ProgrammeData | None, kind: str, arg: str | None
) -> tuple[str, str] | None:
    if kind not in KINDS:
        return "is not a known placeholder", f"use one of: {', '.join(sorted(KINDS))}"
    collection = KINDS[kind]
    if collection is None:
        if arg is not None:
            return "takes no argument", f"write `{{{kind}}}`"
        if pdata is None and kind not in GENERAL_KINDS:
            return (
                "needs a programme",
                "general answers may only use {programmes}, {contacts} and {message:KEY}",
            )
        return None
    if arg is None:
        return "needs an id", f"write `{{{kind}:ID}}`"
    if collection == "messages":
        return (
            None
            if arg in kb.texts
            else (f"cites a missing text `{arg}`", "add it under `texts:` in texts.yaml")
        )
    if pdata is None:
        return "needs a programme", "general answers may only use {programmes}, {contacts} and {message:KEY}"
    if collection == "countables":
        return None if arg in COUNTABLES else ("counts nothing known", f"write one of {sorted(COUNTABLES)}")
    if collection == "doc_sets":
        return (
            None if arg in DOC_SETS else ("names no document set", "write {docs:required} or {docs:optional}")
        )
    table = {
        "events": pdata.events,
        "contacts": pdata.contacts,
        "links": pdata.links,
        "documents": pdata.documents,
        "policies": pdata.policies,
        "eligibility": pdata.rules,
        "requirements": pdata.requirements,
    }[collection]
    if arg not in table:
        return (
            f"cites a missing {SINGULAR[collection]} `{arg}`",
            f"define `{arg}` under {collection} in {pdata.path}, or fix the id",
        )
    return None


def _profile_checks(profile: ProfileFile, pos: Positions) -> list[Problem]:
    """What pydantic cannot see in profile.yaml: the programme field, the values every questionnaire
    offers, and training-mode words for modes that exist."""
    out: list[Problem] = []

    def add(loc: tuple, entry: str, message: str, hint: str) -> None:
        line, col = pos.at(loc)
        out.append(Problem(pos.file, line, col, entry, message, hint))

    programme = profile.fields.get("programme")
    if programme is None or programme.type != "programme":
        add(("fields",), "programme", "the `programme` field is missing", "declare it with `type: programme`")
    for value in ("yes", "no", "unknown"):
        if value not in profile.values:
            add(
                ("values",),
                value,
                f"value `{value}` has no wording",
                f'add `"{value}": {{fr: ..., en: ...}}`',
            )
    modes = profile.fields.get("training_mode")
    allowed = {c.value for c in modes.choices} if modes is not None else set()
    for mode in profile.vocabulary.training_mode:
        if mode not in allowed:
            add(
                ("vocabulary", "training_mode", mode),
                mode,
                f"`{mode}` is not a choice of the `training_mode` field",
                f"use one of: {', '.join(sorted(allowed)) or '(declare the field first)'}",
            )
    return out


MAX_PAGE_BYTES = 2_000_000
"""A page snapshot is a web page's text: anything bigger is not one."""
SOURCED_SECTIONS = ("events", "steps", "documents", "eligibility", "requirements", "policies", "tracks")


def page_text(text: str) -> str:
    """A page or a quote as compared: Markdown links and emphasis dropped, apostrophes and spaces plain."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\^\{([^}]*)\}|\^(\w+)", lambda m: m.group(1) or m.group(2), text)
    text = text.replace("**", "").replace("`", "").replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def quote_found(quote: str, page: str) -> bool:
    """Whether `quote` is in the (normalised) page: `…` joins fragments that must appear in this order."""
    at = 0
    for fragment in (page_text(part) for part in quote.split("…")):
        if not fragment:
            continue
        found = page.find(fragment, at)
        if found < 0:
            return False
        at = found + len(fragment)
    return True


def read_page(pdata: ProgrammeData) -> tuple[str | None, str | None]:
    """The programme's page snapshot as compared (None without one), or why it cannot be read."""
    name = pdata.programme.page
    if not name:
        return None, None
    folder = Path(pdata.path).parent.resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        return None, f"page snapshot `{name}` is outside the knowledge folder"
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_PAGE_BYTES + 1)
    except OSError as exc:
        return None, f"cannot read page snapshot `{name}`: {exc.strerror or exc}"
    if len(raw) > MAX_PAGE_BYTES:
        return None, f"page snapshot `{name}` is larger than {MAX_PAGE_BYTES:,} bytes"
    try:
        return page_text(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, f"page snapshot `{name}` is not UTF-8 text"


def _quote_checks(pdata: ProgrammeData, pos: Positions) -> list[Problem]:
    """Every fact carries the page's words (`quote`), and they are the page's: found in its snapshot."""
    out: list[Problem] = []
    f = pdata.file
    page, error = read_page(pdata)
    if error:
        line, col = pos.at(("programme", "page"))
        missing = error.startswith("cannot read")  # a copy without its snapshot: quotes go unchecked
        out.append(
            Problem(
                pdata.path,
                line,
                col,
                f.programme.id,
                error + (": quotes are not checked against the page" if missing else ""),
                "save the source page's text in the knowledge folder (e.g. pages/<programme>.md) and name it",
                warning=missing,
            )
        )
    entries: list[tuple[tuple, str, list[str]]] = [(("programme",), f.programme.id, f.programme.quote)]
    for key in ("links", "contacts"):
        for i, item in enumerate(getattr(f.programme, key)):
            entries.append((("programme", key, i), item.id, item.quote))
    for section in SOURCED_SECTIONS:
        for i, item in enumerate(getattr(f, section)):
            entries.append(((section, i), item.id, item.quote))
    if f.preparation is not None:
        entries.append((("preparation",), f"{f.programme.id}.preparation", f.preparation.quote))
    for i, answer in enumerate(f.answers):
        if answer.quote:
            entries.append((("answers", i), f"{f.programme.id}.{answer.topic}", answer.quote))
    for loc, entry, quotes in entries:
        if not quotes and loc[0] != "answers":
            line, col = pos.at(loc)
            out.append(
                Problem(
                    pdata.path,
                    line,
                    col,
                    entry,
                    "this fact has no `quote`",
                    "add `quote:` with the sentence of the source page it comes from, word for word",
                )
            )
        for j, quote in enumerate(quotes if page is not None else ()):
            if not quote_found(quote, page or ""):
                line, col = pos.at((*loc, "quote", j) if len(quotes) > 1 else (*loc, "quote"))
                out.append(
                    Problem(
                        pdata.path,
                        line,
                        col,
                        entry,
                        f"quote “{quote[:80]}” is not in the page snapshot {f.programme.page}",
                        "copy the page's words exactly (join cut fragments with …), or fix the snapshot",
                    )
                )
    return out


def session_warnings(kb: KnowledgeBase, now: datetime) -> list[Problem]:
    """A programme whose every session is past: answers say so until staff add the next session's events."""
    out = []
    for pdata in kb.programmes.values():
        if pdata.session_over(now):
            last = next(reversed(pdata.session_ends))
            out.append(
                Problem(
                    pdata.path,
                    pdata.events_line,
                    1,
                    pdata.id,
                    f"every session is in the past (the last, {last}, ended on "
                    f"{pdata.session_ends[last].date().isoformat()}): answers say the session is over",
                    "when the page publishes the next calendar, add its events (same ids) with "
                    '`session: "<next>"`',
                    warning=True,
                )
            )
    return out


def _programme_checks(pdata: ProgrammeData, pos: Positions, fields: set[str] | None) -> list[Problem]:
    """One programme file's own consistency; `fields` are the profile fields conditions may test (None
    when profile.yaml could not be read: they are unknown, not wrong)."""
    out: list[Problem] = []
    f = pdata.file
    file = pdata.path
    pdata.events_line = pos.at(("events",))[0]

    def add(loc: tuple, entry: str, message: str, hint: str) -> None:
        line, col = pos.at(loc)
        out.append(Problem(file, line, col, entry, message, hint))

    for section in ("events", "steps", "documents", "eligibility", "requirements", "policies", "tracks"):
        seen: set[tuple[str, str]] = set()
        for i, item in enumerate(getattr(f, section)):
            key = (getattr(item, "session", None) or "", item.id)  # an event id is unique per session
            if key in seen:
                where = f" of session {key[0]}" if section == "events" else ""
                add(
                    (section, i, "id"),
                    item.id,
                    f"id `{item.id}` is used twice in {section}{where}",
                    "rename one of them",
                )
            seen.add(key)
    out.extend(_quote_checks(pdata, pos))
    ids = [c.id for c in f.programme.contacts] + [lk.id for lk in f.programme.links]
    n_contacts = len(f.programme.contacts)
    for i, dup in enumerate(ids):
        if ids.count(dup) > 1 and ids.index(dup) != i:
            where = ("contacts", i) if i < n_contacts else ("links", i - n_contacts)
            add(
                ("programme", *where, "id"),
                dup,
                f"id `{dup}` is used twice among contacts and links",
                "rename one of them",
            )
    paths = {r.path for r in f.eligibility}
    for section in ("events", "steps", "documents", "eligibility", "requirements"):
        for i, item in enumerate(getattr(f, section)):
            when = getattr(item, "when", None)
            unknown = when.fields() - fields if when is not None and fields is not None else set()
            for name in sorted(unknown):
                add(
                    (section, i, "when"),
                    item.id,
                    f"condition tests `{name}`, which is not a profile field",
                    f"use one of: {', '.join(sorted(fields or ()))} (declared in profile.yaml)",
                )
            for name in getattr(item, "paths", None) or ():
                if paths and name not in paths:
                    add(
                        (section, i, "paths"),
                        item.id,
                        f"path `{name}` is not given by any eligibility rule",
                        f"use one of: {', '.join(sorted(paths))}",
                    )
    for i, name in enumerate(f.profile_questions):
        if fields is not None and name not in fields:
            add(
                ("profile_questions", i),
                name,
                f"`{name}` is not a profile field",
                f"use one of: {', '.join(sorted(fields))} (declared in profile.yaml)",
            )
    if f.programme.source not in pdata.links:
        add(
            ("programme", "source"),
            f.programme.id,
            f"source `{f.programme.source}` is not a link",
            "name the id of the official page under programme.links",
        )
    for i, ev in enumerate(f.events):
        if ev.end is not None and _as_datetime(ev.end, True) < _as_datetime(ev.start, False):
            add(("events", i, "end"), ev.id, "the event ends before it starts", "swap start and end")
        if ev.link and ev.link not in pdata.links:
            add(
                ("events", i, "link"),
                ev.id,
                f"link `{ev.link}` is not defined",
                "add it under programme.links",
            )
    for section in ("steps", "documents", "eligibility", "requirements"):
        for i, item in enumerate(getattr(f, section)):
            for ref in ("event", "lead_time_until"):
                ev = getattr(item, ref, None)
                if ev and ev not in pdata.events:
                    add(
                        (section, i, ref),
                        item.id,
                        f"event `{ev}` is not defined",
                        f"define it under events in {file}, or fix the id",
                    )
            link = getattr(item, "link", None)
            if link and link not in pdata.links:
                add(
                    (section, i, "link"),
                    item.id,
                    f"link `{link}` is not defined",
                    "add it under programme.links",
                )
    return out
