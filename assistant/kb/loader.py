"""Loading a knowledge folder into a validated, indexed `KnowledgeBase`.

Every problem is reported as a `Problem` with file, line and column, never as a traceback, so staff
can fix the YAML themselves. `load()` raises `KnowledgeError` when anything is wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from assistant.kb.models import Event, Intent, Programme, ProgrammeFile, SharedFile
from assistant.kb.templates import DOC_SETS, GENERAL_KINDS, KINDS, malformed, placeholders
from assistant.kb.yamlpos import Positions, YamlSyntaxError, load_with_positions

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
PROFILE_FIELDS = {
    "programme",
    "diploma_level",
    "diploma_rncp",
    "foreign_diploma",
    "french_level",
    "professional_experience_years",
    "repeated_year",
    "polytechnique_4a",
    "training_mode",
    "language",
}
"""Fields a condition may test: the candidate profile of assistant.checklist (kept here so the checker
does not import the checklist package)."""
SHARED_FILE = "general.yaml"
REQUIRED_MESSAGES = (
    "clarify_programme",
    "clarify_intent",
    "decline",
    "session_over",
    "unknown_link",
    "past",
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
)
"""Every fixed text the composer and the bots use: a knowledge base without one is incomplete."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    entry: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.entry}: {self.message} — {self.hint}"


class KnowledgeError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ProgrammeData:
    """One programme's facts, with lookup tables by id."""

    file: ProgrammeFile
    path: str

    def __post_init__(self) -> None:
        f = self.file
        self.programme: Programme = f.programme
        self.events = {e.id: e for e in f.events}
        self.contacts = {c.id: c for c in f.programme.contacts}
        self.links = {lk.id: lk for lk in f.programme.links}
        self.documents = {d.id: d for d in f.documents}
        self.policies = {p.id: p for p in f.policies}
        self.rules = {r.id: r for r in f.eligibility}
        self.requirements = {r.id: r for r in f.requirements}

    @property
    def id(self) -> str:
        return self.programme.id

    def sorted_events(self) -> list[Event]:
        return sorted(self.file.events, key=lambda e: event_start(e))

    def session_over(self, now: datetime) -> bool:
        ends = [event_end(e) for e in self.file.events]
        return bool(ends) and max(ends) < now


@dataclass
class KnowledgeBase:
    root: str
    programmes: dict[str, ProgrammeData] = field(default_factory=dict)
    shared: SharedFile = field(default_factory=SharedFile)
    intents: dict[str, Intent] = field(default_factory=dict)

    def message(self, key: str, lang: str) -> str:
        text = self.shared.messages.get(key)
        return text.get(lang) if text else key

    def summary(self) -> dict[str, int]:
        return {
            "programmes": len(self.programmes),
            "intents": len(self.intents),
            "utterances": sum(len(i.examples.fr) + len(i.examples.en) for i in self.intents.values()),
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


def load(root: str | Path | None = None) -> KnowledgeBase:
    kb, problems = check(root)
    if problems:
        raise KnowledgeError(problems)
    assert kb is not None
    return kb


def check(root: str | Path | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validate a knowledge folder; returns what could be loaded (None without a folder) and all problems."""
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
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    kb = KnowledgeBase(root=str(folder))
    positions: dict[str, Positions] = {}
    locs: dict[str, tuple[str, Positions, int]] = {}
    shared_seen = False
    shared_ok = True
    for path in files:
        display = _display(path)
        if path.name == SHARED_FILE:
            shared_seen = True
        try:
            data, pos = load_with_positions(path, display)
        except YamlSyntaxError as exc:
            problems.append(
                Problem(
                    exc.file,
                    exc.line,
                    exc.column,
                    "-",
                    exc.message,
                    "fix the YAML syntax (indentation, quotes, colons) at that place",
                )
            )
            shared_ok = shared_ok and path.name != SHARED_FILE  # its messages are unknown, not missing
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(display, 1, 1, "-", f"cannot read file: {exc}", "save it as UTF-8 text"))
            continue
        positions[display] = pos
        if not isinstance(data, dict):
            problems.append(
                Problem(
                    display,
                    1,
                    1,
                    "-",
                    "file is empty or not a mapping",
                    "a knowledge file starts with `programme:` (or `intents:` for general.yaml)",
                )
            )
            shared_ok = shared_ok and path.name != SHARED_FILE
            continue
        if path.name == SHARED_FILE:
            shared = _validate(SharedFile, data, pos, problems)
            shared_ok = shared_ok and shared is not None
            if shared is not None:
                kb.shared = shared
                _register_intents(kb, shared.intents, "general", display, pos, problems, locs)
            continue
        pf = _validate(ProgrammeFile, data, pos, problems)
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
            continue
        kb.programmes[pid] = ProgrammeData(pf, display)
        _register_intents(kb, pf.intents, pid, display, pos, problems, locs)
    if not shared_seen:
        problems.append(
            Problem(
                str(folder / SHARED_FILE),
                1,
                1,
                "-",
                "general.yaml is missing",
                "add general.yaml with the shared intents, glossary and messages",
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
        problems.extend(_cross_checks(kb, positions, locs, check_messages=shared_ok))
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    return kb, problems


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
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
    """The id of the innermost entry (event, intent...) that contains `loc`."""
    found = "-"
    node = data
    for key in loc:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
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


def _register_intents(
    kb: KnowledgeBase,
    intents: list[Intent],
    scope: str,
    file: str,
    pos: Positions,
    problems: list[Problem],
    locs: dict[str, tuple[str, Positions, int]],
) -> None:
    key = "intents"
    for i, intent in enumerate(intents):
        intent.scope = scope
        if intent.id in kb.intents:
            line, col = pos.at((key, i, "id"))
            problems.append(
                Problem(
                    file,
                    line,
                    col,
                    intent.id,
                    f"intent id `{intent.id}` is used twice",
                    "rename one of the two intents",
                )
            )
            continue
        kb.intents[intent.id] = intent
        locs[intent.id] = (file, pos, i)


def _cross_checks(
    kb: KnowledgeBase,
    positions: dict[str, Positions],
    locs: dict[str, tuple[str, Positions, int]],
    check_messages: bool = True,
) -> list[Problem]:
    out: list[Problem] = []
    for pdata in kb.programmes.values():
        out.extend(_programme_checks(pdata, positions[pdata.path]))
    shared = positions.get(next((f for f in positions if f.endswith(SHARED_FILE)), ""))
    for key in REQUIRED_MESSAGES if check_messages else ():
        if key not in kb.shared.messages:
            line, col = shared.at(("messages",)) if shared else (1, 1)
            out.append(
                Problem(
                    shared.file if shared else SHARED_FILE,
                    line,
                    col,
                    key,
                    f"message `{key}` is missing",
                    "add it under `messages:` with its fr and en texts",
                )
            )
    seen_utterances: dict[str, str] = {}
    from assistant.text.normalize import normalize  # local: keeps loading cheap for callers that only parse

    for intent in kb.intents.values():
        file, pos, idx = locs[intent.id]
        pdata = kb.programmes.get(intent.scope)

        def report(loc: tuple, message: str, hint: str) -> None:
            line, col = pos.at(("intents", idx, *loc))  # noqa: B023 - used at once, in this iteration
            out.append(Problem(file, line, col, intent.id, message, hint))  # noqa: B023

        mine: set[str] = set()
        for lang in ("fr", "en"):
            for j, utt in enumerate(getattr(intent.examples, lang)):
                norm = normalize(utt)
                other = seen_utterances.setdefault(norm, intent.id)
                if other != intent.id:
                    report(
                        ("examples", lang, j),
                        f"example “{utt}” also belongs to intent `{other}`",
                        "an example must point to one intent only: reword or remove one of them",
                    )
                elif norm in mine:
                    report(
                        ("examples", lang, j),
                        f"example “{utt}” is written twice in this intent",
                        "remove the copy: repeated examples teach the matcher nothing",
                    )
                mine.add(norm)
        fr, en = len(intent.examples.fr), len(intent.examples.en)
        if fr + en < MIN_EXAMPLES or not fr or not en:
            report(
                ("examples",),
                f"only {fr} French and {en} English examples",
                f"give at least {MIN_EXAMPLES} varied examples, in both French and English",
            )
        for lang in ("fr", "en"):
            template = intent.answer.get(lang)
            for bad in malformed(template):
                report(
                    ("answer", lang),
                    f"`{bad}` in the {lang} answer is not a valid placeholder",
                    "write placeholders as {kind:id} in lower case without spaces, e.g. {date:deadline}",
                )
            for kind, arg, offset in placeholders(template):
                if kind == "message" and not check_messages:
                    continue  # general.yaml could not be read: its messages are unknown, not missing
                problem = _check_placeholder(kb, pdata, kind, arg)
                if problem:
                    written = template[offset:].split("}")[0] + "}"
                    report(
                        ("answer", lang),
                        f"placeholder `{written}` in the {lang} answer {problem[0]}",
                        problem[1],
                    )
        for follow in intent.follow_ups:
            if follow not in kb.intents:
                report(
                    ("follow_ups",),
                    f"follow-up `{follow}` is not an intent",
                    "use the id of an existing intent",
                )
        for ref in ([intent.source] if intent.source else []) + intent.links:
            if pdata is None or ref not in pdata.links:
                report(
                    ("source" if ref == intent.source else "links",),
                    f"link `{ref}` is not defined",
                    "add it under programme.links or use an existing link id",
                )
    return out


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
            return "needs a programme", "general intents may only use {programmes} and {contacts}"
        return None
    if arg is None:
        return "needs an id", f"write `{{{kind}:ID}}`"
    if collection == "messages":
        return (
            None
            if arg in kb.shared.messages
            else (f"cites a missing message `{arg}`", "add it under `messages:` in general.yaml")
        )
    if pdata is None:
        return "needs a programme", "general intents may only use {programmes} and {contacts}"
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


def _programme_checks(pdata: ProgrammeData, pos: Positions) -> list[Problem]:
    out: list[Problem] = []
    f = pdata.file
    file = pdata.path

    def add(loc: tuple, entry: str, message: str, hint: str) -> None:
        line, col = pos.at(loc)
        out.append(Problem(file, line, col, entry, message, hint))

    for section in ("events", "steps", "documents", "eligibility", "requirements", "policies", "tracks"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(f, section)):
            if item.id in seen:
                add(
                    (section, i, "id"),
                    item.id,
                    f"id `{item.id}` is used twice in {section}",
                    "rename one of them",
                )
            seen.add(item.id)
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
            for name in sorted(when.fields() - PROFILE_FIELDS) if when is not None else ():
                add(
                    (section, i, "when"),
                    item.id,
                    f"condition tests `{name}`, which is not a profile field",
                    f"use one of: {', '.join(sorted(PROFILE_FIELDS))}",
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
        if name not in PROFILE_FIELDS:
            add(
                ("profile_questions", i),
                name,
                f"`{name}` is not a profile field",
                f"use one of: {', '.join(sorted(PROFILE_FIELDS))}",
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
            ev = getattr(item, "event", None)
            if ev and ev not in pdata.events:
                add(
                    (section, i, "event"),
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
