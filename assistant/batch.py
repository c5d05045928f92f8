"""`ask --jsonl`: a batch of questions, one per line, where no line can stop the others.

Staff replay chats and test wordings this way, and a batch is often thousands of lines pasted from
elsewhere. Each line is either a question as plain text or a JSON object `{"text", "programme",
"today", "session"}`; lines that share a `session` share one conversation, in order. Every non-blank
line gives exactly one output object: the structured reply, or `{"line": n, "error": "..."}` saying
what is wrong with that line, and the batch goes on.

Input is read as bytes, line by line with a length cap, and decoded as UTF-8 with replacement
characters; output is UTF-8 JSON whatever the locale. The command line only wires a stream in and out.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, BinaryIO

from assistant.boundedjson import JsonError, loads
from assistant.context import Conversation
from assistant.dates import DateRangeError, parse_date
from assistant.files import clip, size_text
from assistant.limits import MAX_BATCH_LINE
from assistant.sessions import SessionStore

if TYPE_CHECKING:
    from assistant.engine import Assistant
    from assistant.kb.loader import KnowledgeBase
    from assistant.reply import Reply

KEYS = ("text", "programme", "today", "session")
"""What a JSON line may hold."""
MAX_DEPTH = 4
"""A line is a flat object: deeper nesting is refused before anything reads it."""
MAX_SESSIONS = 50_000
"""Conversations kept for `session` keys: the least recently used beyond this is started afresh."""
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class LineError(ValueError):
    """What is wrong with one input line, in words for the `error` field."""


def unknown_programme(kb: KnowledgeBase, value: str) -> str | None:
    """The error for a programme id the knowledge base does not have, or None if it is known."""
    if value in kb.programmes:
        return None
    return f"unknown programme `{clip(value, 40)}` (expected one of: {', '.join(kb.programmes)})"


def reply_dict(text: str, reply: Reply) -> dict[str, Any]:
    """The JSON form of a reply, as `ask --json` and `ask --jsonl` print it."""
    data = reply.model_dump(mode="json")
    data.update(
        {
            "text": text,
            "answer": reply.plain_text(),
            "suggestions": [b.label for b in reply.suggestions + reply.buttons],
            "actions": [b.action for b in reply.suggestions + reply.buttons],
        }
    )
    return data


@dataclass
class Batch:
    """The state of one batch: its defaults (from the command line) and its sessions."""

    assistant: Assistant
    programme: str | None = None
    language: str | None = None
    today: date | None = None
    sessions: SessionStore[Conversation] = field(
        default_factory=lambda: SessionStore(MAX_SESSIONS, idle=math.inf)  # a batch's sessions never go idle
    )
    answered: int = 0
    errors: int = 0

    def answer(self, lineno: int, raw: bytes) -> dict[str, Any] | None:
        """The output object for input line `lineno` (1-based), given as bytes; None for a blank
        line. Never raises for anything the line holds."""
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if lineno == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            return None
        try:
            text, programme, today, session = self._read(line)
        except LineError as exc:
            return self._error(lineno, str(exc))
        if session is not None:
            conv = self.sessions.setdefault(session, lambda: Conversation(bound_programme=programme))
        else:
            conv = Conversation(bound_programme=programme)
        try:
            reply = self.assistant.ask(text, conv, language=self.language, today=today)
        except Exception as exc:  # noqa: BLE001 - one line's failure must not end the batch
            return self._error(lineno, f"internal error while answering ({type(exc).__name__})")
        data = {"line": lineno, **reply_dict(text, reply)}
        if session is not None:
            data["session"] = session
        self.answered += 1
        return data

    def too_long(self, lineno: int) -> dict[str, Any]:
        return self._error(lineno, f"line longer than {size_text(MAX_BATCH_LINE)}: skipped")

    def _error(self, lineno: int, message: str) -> dict[str, Any]:
        self.errors += 1
        return {"line": lineno, "error": message}

    def _read(self, line: str) -> tuple[str, str | None, date | None, str | None]:
        """(text, programme, today, session) of a line, or `LineError`."""
        if not line.lstrip().startswith("{"):
            return _clean(line), self.programme, self.today, None
        try:
            obj = loads(line, MAX_DEPTH)
        except JsonError as exc:
            raise LineError(f"{exc.message}; a line is a question, or a JSON object with {_keys()}") from None
        if not isinstance(obj, dict):  # pragma: no cover - a line starting with { is an object or invalid
            raise LineError(f"a JSON line must be an object with {_keys()}")
        unknown = [k for k in obj if k not in KEYS]
        if unknown:
            raise LineError(f"unknown key `{clip(_clean(unknown[0]), 40)}` (a line may hold {_keys()})")
        if "text" not in obj:
            raise LineError("`text` is missing: give the question as a string")
        text = obj["text"]
        if not isinstance(text, str):
            raise LineError(f"`text` must be a string, not {_json_type(text)}")
        if not text.strip():
            raise LineError("`text` is empty")
        return _clean(text), self._programme(obj), self._today(obj), self._session(obj)

    def _programme(self, obj: dict[str, Any]) -> str | None:
        value = obj.get("programme")
        if value is None:
            return self.programme
        if not isinstance(value, str):
            raise LineError(f"`programme` must be a programme id string, not {_json_type(value)}")
        problem = unknown_programme(self.assistant.kb, _clean(value))
        if problem:
            raise LineError(problem)
        return value

    def _today(self, obj: dict[str, Any]) -> date | None:
        value = obj.get("today")
        if value is None:
            return self.today
        if not isinstance(value, str):
            raise LineError(f"`today` must be a date string YYYY-MM-DD, not {_json_type(value)}")
        try:
            return parse_date(_clean(value))
        except DateRangeError as exc:
            raise LineError(f"`today`: {exc}") from None

    def _session(self, obj: dict[str, Any]) -> str | None:
        value = obj.get("session")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise LineError(f"`session` must be a string or an integer, not {_json_type(value)}")
        return _clean(str(value))


def read_lines(stream: BinaryIO, max_bytes: int = MAX_BATCH_LINE) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line of `stream`; None instead of the bytes for a line longer
    than `max_bytes`, whose rest is read and dropped without being kept in memory."""
    lineno = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while True:  # skip to the end of this line
                rest = stream.readline(1 << 16)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
        else:
            yield lineno, raw


def encode(data: dict[str, Any]) -> bytes:
    """One output line: JSON in UTF-8, readable (non-ASCII kept) when it can be, escaped otherwise."""
    try:
        return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate somewhere: \u escapes are valid JSON and ASCII
        return (json.dumps(data, ensure_ascii=True) + "\n").encode("ascii")


def run(batch: Batch, stream: BinaryIO, out: BinaryIO) -> None:
    """Answer every line of `stream` into `out`, one JSON object per non-blank line, flushed as it goes."""
    for lineno, raw in read_lines(stream):
        data = batch.too_long(lineno) if raw is None else batch.answer(lineno, raw)
        if data is not None:
            out.write(encode(data))
            out.flush()


def _clean(text: str) -> str:
    """`text` with lone UTF-16 surrogates (from `\\ud800` escapes in JSON) replaced: they are not text."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _keys() -> str:
    return ", ".join(f"`{k}`" for k in KEYS)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a string"
