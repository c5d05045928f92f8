"""The terminal chat: the bots' conversation service with a keyboard and a screen.

Questions, follow-ups, suggestions (type their number), /dates and the guided /checklist behave as on
Telegram and Discord, because they are the same service. Nothing is stored unless `chat --log` gave a
database (then questions go to the staff question log); there are no reminders in a terminal.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, TextIO

from adapters.cli.render import BOLD, RESET, choices, render_message
from assistant.flood import Limits
from assistant.kb.loader import PARIS
from assistant.reply import Button
from assistant.service import ConversationService, Response, Who

if TYPE_CHECKING:
    from assistant.engine import Assistant
    from assistant.storage import Storage

WHO = Who(user="0", chat="terminal", private=True)
UNLIMITED = Limits(messages=1_000_000, seconds=1.0, presses=1_000_000, channel_cooldown=0.0)
"""One person at their own keyboard: no flood control."""


def clock_for(today: date | None):  # type: ignore[no-untyped-def]
    """The chat's clock: the real time, or the start of `today` in Paris (`--today`)."""
    if today is None:
        return lambda: datetime.now(UTC)
    fixed = datetime.combine(today, time(0, 0), tzinfo=PARIS)
    return lambda: fixed


def run_chat(
    assistant: Assistant,
    today: date | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    storage: Storage | None = None,
) -> int:
    inp, out = stdin or sys.stdin, stdout or sys.stdout
    colour = out.isatty()
    service = ConversationService(
        assistant,
        storage,
        platform="terminal",
        clock=clock_for(today),
        limits=UNLIMITED,
        log_questions=storage is not None,
    )
    offered: list[Button] = []

    def show(text: str) -> None:
        out.write(text + "\n\n")
        out.flush()

    def show_response(response: Response) -> None:
        nonlocal offered
        numbered: list[Button] = []
        for message in response.messages:
            show(render_message(message, colour, start=len(numbered) + 1))
            numbered += choices(message)
        if numbered:
            offered = numbered

    def say_text(key: str, **values: object) -> None:
        show(service.t(key, service.language(WHO), **values))

    kb = assistant.kb
    names = ", ".join(f"{pid} ({p.programme.short_name})" for pid, p in kb.programmes.items())
    title = f"{BOLD}candidate-assistant{RESET}" if colour else "candidate-assistant"
    show(f"{title} — {names}\n{service.t('terminal_help', 'fr')}\n{service.t('terminal_help', 'en')}")
    while True:
        out.write(f"{BOLD}> {RESET}" if colour else "> ")
        out.flush()
        line = inp.readline()
        if not line:
            out.write("\n")
            return 0
        text = line.strip()
        if not text:
            continue
        if text.lower() in ("quit", "exit"):  # as in any terminal program
            return 0
        if text.startswith("/"):
            command, _, arg = text[1:].partition(" ")
            command, arg = command.lower(), arg.strip().lower()
            if command in ("quit", "exit", "q"):
                return 0
            conv = service.conversation(WHO)
            if command == "programme":
                if arg in ("", "?"):
                    current = conv.active_programme() or service.t(
                        "no_programme_bound", service.language(WHO)
                    )
                    say_text("terminal_programme", programme=current, choices=names)
                elif arg in ("none", "aucun", "aucune", "-"):
                    conv.bound_programme = conv.programme = None
                    say_text("terminal_programme", programme="-", choices=names)
                elif arg in kb.programmes:
                    conv.bound_programme = arg
                    say_text("terminal_programme", programme=arg, choices=names)
                else:
                    say_text("terminal_unknown_programme", programme=arg, choices=names)
            elif command in ("langue", "language", "lang"):
                if arg in ("fr", "en"):
                    conv.language = arg
                    say_text("terminal_language", language=arg)
                else:
                    say_text("terminal_languages")
            elif command in ("dates", "deadlines"):
                show_response(service.deadlines(WHO))
            elif command == "reset":
                language = conv.language
                service.forget(WHO)
                service.conversation(WHO).language = language
                say_text("terminal_reset")
            elif command == "checklist":
                show_response(service.checklist(WHO))
            else:
                say_text("terminal_help")
            continue
        if text.isdigit() and 0 < int(text) <= len(offered):
            show_response(service.press(WHO, offered[int(text) - 1].action))
            continue
        show_response(service.ask(WHO, text))
