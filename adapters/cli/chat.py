"""Interactive terminal chat: the same core as the bots, with /help, /programme, /checklist, /quit."""

from __future__ import annotations

import sys
from datetime import date
from typing import TextIO

from adapters.cli.render import BOLD, RESET, render_reply
from assistant.context import Conversation
from assistant.engine import Assistant
from assistant.reply import Reply

HELP = {
    "fr": (
        "Commandes : /help, /programme [id|aucun], /langue fr|en, /dates, /checklist, /reset, /quit.\n"
        "Tapez le numéro d'une suggestion pour la choisir."
    ),
    "en": (
        "Commands: /help, /programme [id|none], /language fr|en, /deadlines, /checklist, /reset, /quit.\n"
        "Type a suggestion's number to pick it."
    ),
}


def run_chat(
    assistant: Assistant, today: date | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    inp, out = stdin or sys.stdin, stdout or sys.stdout
    colour = out.isatty()
    conv = Conversation(today=today)
    last: Reply | None = None

    def show(text: str) -> None:
        out.write(text + "\n\n")
        out.flush()

    names = ", ".join(f"{pid} ({p.programme.short_name})" for pid, p in assistant.kb.programmes.items())
    show(
        (f"{BOLD}candidate-assistant{RESET}" if colour else "candidate-assistant")
        + f" — {names}\n"
        + HELP["fr"]
        + "\n"
        + HELP["en"]
    )
    while True:
        out.write("> " if not colour else f"{BOLD}> {RESET}")
        out.flush()
        line = inp.readline()
        if not line:
            out.write("\n")
            return 0
        text = line.strip()
        if not text:
            continue
        lang = conv.language or "fr"
        if text.startswith("/"):
            cmd, _, arg = text[1:].partition(" ")
            cmd, arg = cmd.lower(), arg.strip()
            if cmd in ("quit", "exit", "q"):
                return 0
            if cmd in ("help", "aide"):
                show(HELP[lang])
            elif cmd == "programme":
                if arg.lower() in ("", "?"):
                    current = conv.active_programme() or ("aucun" if lang == "fr" else "none")
                    show(f"programme: {current} — {names}")
                elif arg.lower() in ("none", "aucun", "-"):
                    conv.bound_programme = conv.programme = None
                    show("ok")
                elif arg.lower() in assistant.kb.programmes:
                    conv.bound_programme = arg.lower()
                    show(f"programme: {arg.lower()}")
                else:
                    show(f"? {arg} — {names}")
            elif cmd in ("langue", "language", "lang"):
                if arg in ("fr", "en"):
                    conv.language = arg
                    show(f"language: {arg}")
                else:
                    show("fr | en")
            elif cmd in ("dates", "deadlines"):
                show(render_reply(assistant.deadlines(conv, today=today), colour))
            elif cmd == "reset":
                conv = Conversation(today=today, language=conv.language)
                show("ok")
            elif cmd == "checklist":
                run_checklist_dialogue(assistant, conv, inp, out, today)
            else:
                show(HELP[lang])
            continue
        if text.isdigit() and last is not None:
            choices = last.buttons + last.suggestions
            index = int(text) - 1
            if 0 <= index < len(choices):
                last = assistant.press(choices[index].action, conv, today=today)
                show(render_reply(last, colour))
                continue
        last = assistant.ask(text, conv, today=today)
        show(render_reply(last, colour))


def run_checklist_dialogue(
    assistant: Assistant, conv: Conversation, inp: TextIO, out: TextIO, today: date | None
) -> None:
    """Drive the core's guided questionnaire in the terminal, ending with the checklist."""
    from assistant.checklist import Questionnaire, render_text

    questionnaire = Questionnaire(assistant.kb)
    step = questionnaire.start(conv.language or "fr", programme=conv.active_programme(), today=today)
    while True:
        if step.error:
            out.write(step.error + "\n")
        if step.done and step.checklist is not None:
            out.write(render_text(step.checklist) + "\n\n")
            return
        out.write(step.prompt + "\n")
        for n, choice in enumerate(step.choices, 1):
            out.write(f"  [{n}] {choice.label}\n")
        out.write("? ")
        out.flush()
        line = inp.readline()
        if not line or line.strip() in ("/quit", "/cancel", "/annuler"):
            out.write("\n")
            return
        answer = line.strip()
        if answer.isdigit() and 0 < int(answer) <= len(step.choices):
            answer = step.choices[int(answer) - 1].action
        step = questionnaire.answer(step.state, answer, today=today)
