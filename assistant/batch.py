"""Questions in batch: one per line in, one JSON reply per line out (`candidate-assistant ask --jsonl`).

Staff replay chats and score question sets this way. A line is a question, or a JSON object with
`text`, `programme`, `today` and `session` (lines that share a `session` share one conversation, in
order). A line that cannot be read yields `{"line": n, "error": "..."}` and the batch goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from assistant.context import Conversation

if TYPE_CHECKING:
    from assistant.engine import Assistant
    from assistant.reply import Reply


def reply_json(text: str, reply: Reply) -> dict[str, Any]:
    """The structured reply as JSON data, with the question, the plain answer and the buttons."""
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


def run_jsonl(
    assistant: Assistant,
    lines: Iterable[str],
    out: TextIO,
    *,
    programme: str | None = None,
    language: str | None = None,
    today: date | None = None,
) -> int:
    """Answer every line of `lines` into `out`; returns the exit status (0)."""
    sessions: dict[str, Conversation] = {}
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        line_programme, line_today, text, session = programme, today, line, None
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
                text = str(obj.get("text", ""))
                line_programme = obj.get("programme") or line_programme
                line_today = date.fromisoformat(obj["today"]) if obj.get("today") else line_today
                session = obj.get("session")
            except (ValueError, TypeError, AttributeError) as exc:
                out.write(json.dumps({"line": lineno, "error": f"invalid JSON object: {exc}"}) + "\n")
                continue
        if session is not None:
            conv = sessions.setdefault(str(session), Conversation(bound_programme=line_programme))
        else:
            conv = Conversation(bound_programme=line_programme)
        reply = assistant.ask(text, conv, language=language, today=line_today)
        data = reply_json(text, reply)
        if session is not None:
            data["session"] = str(session)
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
    out.flush()
    return 0
