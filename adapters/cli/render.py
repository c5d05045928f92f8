"""Terminal rendering of a structured reply: plain text, with ANSI colours on a terminal."""

from __future__ import annotations

from assistant.reply import Reply, colon

BOLD, DIM, CYAN, YELLOW, RESET = "\033[1m", "\033[2m", "\033[36m", "\033[33m", "\033[0m"


def render_reply(reply: Reply, colour: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if colour else text

    parts: list[str] = []
    if reply.title:
        parts.append(paint(BOLD, reply.title))
    parts.extend(reply.blocks)
    for link in reply.links:
        parts.append(f"- {link.label}: {paint(CYAN, link.url)}")
    if reply.buttons:
        parts.append("\n".join(f"  [{n}] {b.label}" for n, b in enumerate(reply.buttons, 1)))
    if reply.suggestions:
        head = "Suggestions :" if reply.language == "fr" else "Suggestions:"
        offset = len(reply.buttons)
        parts.append(
            paint(
                DIM,
                head
                + "\n"
                + "\n".join(f"  [{n}] {b.label}" for n, b in enumerate(reply.suggestions, offset + 1)),
            )
        )
    if reply.source is not None:
        url = f" — {paint(CYAN, reply.source.url)}" if reply.source.url else ""
        parts.append(paint(DIM, f"Source{colon(reply.language)}{reply.source.label}") + url)
    return "\n\n".join(p for p in parts if p)
