"""Terminal rendering of the core's replies and the service's messages: plain text, ANSI colours on a
terminal, choices numbered so the person types a number to pick one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.kb.catalogue import t
from assistant.reply import Button, Reply, colon

if TYPE_CHECKING:  # the service is not needed to print one answer (`ask`)
    from assistant.service import Message

BOLD, DIM, CYAN, YELLOW, RESET = "\033[1m", "\033[2m", "\033[36m", "\033[33m", "\033[0m"


def _paint(colour: bool, code: str, text: str) -> str:
    return f"{code}{text}{RESET}" if colour else text


def _numbered(buttons: list[Button], start: int) -> str:
    return "\n".join(f"  [{n}] {b.label}" for n, b in enumerate(buttons, start))


def render_reply(reply: Reply, colour: bool = False, start: int = 1) -> str:
    """A core reply; its clarification choices and suggestions are numbered from `start`."""
    parts: list[str] = []
    if reply.title:
        parts.append(_paint(colour, BOLD, reply.title))
    parts.extend(reply.blocks)
    for link in reply.links:
        parts.append(f"- {link.label}: {_paint(colour, CYAN, link.url)}")
    if reply.buttons:
        parts.append(_numbered(reply.buttons, start))
    if reply.suggestions:
        head = t("suggestions", reply.language) + colon(reply.language).rstrip()
        parts.append(
            _paint(colour, DIM, head + "\n" + _numbered(reply.suggestions, start + len(reply.buttons)))
        )
    if reply.source is not None:
        url = f" — {_paint(colour, CYAN, reply.source.url)}" if reply.source.url else ""
        parts.append(
            _paint(colour, DIM, f"{t('source', reply.language)}{colon(reply.language)}{reply.source.label}")
            + url
        )
    return "\n\n".join(p for p in parts if p)


def choices(message: Message) -> list[Button]:
    """What a number typed after `message` picks, in the order they are shown."""
    reply = message.reply
    own = (reply.buttons + reply.suggestions) if reply is not None else []
    return own + message.buttons


def render_message(message: Message, colour: bool = False, start: int = 1) -> str:
    """A service message: its title, text or reply, checklist, files, then its numbered choices."""
    from assistant.checklist import render_text

    parts: list[str] = []
    if message.title:
        parts.append(_paint(colour, BOLD, message.title))
    if message.text:
        parts.append(message.text)
    if message.reply is not None:
        parts.append(render_reply(message.reply, colour, start))
        start += len(message.reply.buttons) + len(message.reply.suggestions)
    if message.checklist is not None:
        parts.append(render_text(message.checklist).rstrip("\n"))
    for attachment in message.files:
        parts.append(_paint(colour, DIM, t("terminal_file", message.language, name=attachment.name)))
    if message.buttons:
        parts.append(_numbered(message.buttons, start))
    return "\n\n".join(p for p in parts if p)
