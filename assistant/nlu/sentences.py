"""Cutting a message into sentences and telling questions from context.

Candidates write their situation first and their question last ("J'ai un BTS et 2 ans en studio.
Je peux tenter le master ?"), or two questions at once. Each sentence is read on its own as well as
the whole message, so a question is not drowned by the story around it.
"""

from __future__ import annotations

import re

_SPLIT = re.compile(
    r"(?<=[?!.;])\s+|\n+|(?<=\?)(?=\S)"
    # a moderator relaying a question: "mod of the discord here, ppl keep asking when…"
    r"|(?<=,)\s*(?=(?:ppl|people|qqn|quelqu.un|someone|on me|on nous)\s+(?:keep\s+|are\s+|is\s+|me\s+)?(?:ask|demand))",
    re.IGNORECASE,
)
_INTERROGATIVE = {
    "fr": (
        "comment",
        "quand",
        "combien",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "ou",
        "pourquoi",
        "qui",
        "est ce",
        "est-ce",
        "peut on",
        "faut il",
        "dois je",
        "puis je",
        "je peux",
        "on peut",
        "il faut",
        "c est quoi",
        "c quoi",
        "y a t il",
        "il y a",
        "ya",
        "jusqu",
        "a quelle",
        "est il",
    ),
    "en": (
        "how",
        "when",
        "what",
        "which",
        "where",
        "why",
        "who",
        "can i",
        "do i",
        "is there",
        "are there",
        "is it",
        "should i",
        "could you",
        "can you",
        "do you",
        "does",
        "will i",
        "am i",
        "until",
    ),
}
MIN_WORDS = 3


def split(text: str) -> list[str]:
    """Sentences of `text`, without empty pieces; a single sentence comes back alone."""
    parts = [p.strip() for p in _SPLIT.split(text.strip()) if p and p.strip()]
    return parts or [text.strip()]


def is_question(sentence: str, folded: str) -> bool:
    """Whether a sentence asks something: a question mark, or an interrogative opening."""
    if "?" in sentence:
        return True
    head = " " + " ".join(folded.split()[:4]) + " "
    return any(f" {w} " in head for words in _INTERROGATIVE.values() for w in words)
