"""What a button does, as a small typed value the service encodes into a button's payload and decodes
when the button comes back.

Adapters carry the encoded text opaquely (Telegram callback data, Discord custom ids: at most
`MAX_ENCODED` bytes) and never parse it: the service is the only reader. The core's own actions
(`topic:<id>[@<programme>]`, `programme:<id>`, `lang:<fr|en>`) are the same encoding, so a button the
core put in a `Reply` and a button the service added travel and come back the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["topic", "programme", "lang", "qa", "consent", "remind", "fb", "bind", "human"]
KINDS: frozenset[str] = frozenset(
    ("topic", "programme", "lang", "qa", "consent", "remind", "fb", "bind", "human")
)
CORE_KINDS = frozenset(("topic", "programme", "lang"))
"""Actions the core answers (`Assistant.press`); the others are the service's own."""
MAX_ENCODED = 64
"""Telegram's callback data limit (bytes); Discord's custom ids allow 100 with the adapter's prefix."""

_TOKEN = r"[A-Za-z0-9_.\-]*"
_PATTERN = re.compile(rf"(?P<kind>[a-z]+):(?P<value>{_TOKEN})(?:@(?P<about>{_TOKEN}))?(?:#(?P<owner>\d+))?")


@dataclass(frozen=True)
class Action:
    """`kind` says what to do, `value` with what (a topic, a programme, an answer, yes/no, a question
    id); `about` narrows it (the programme a topic is asked for, the profile field a questionnaire
    answer is for); `owner` is the person the button belongs to (their questionnaire, their answer to
    rate), None when anyone may press it."""

    kind: Kind
    value: str = ""
    about: str | None = None
    owner: str | None = None

    def encode(self) -> str:
        text = f"{self.kind}:{self.value}"
        if self.about:
            text += f"@{self.about}"
        if self.owner:
            text += f"#{self.owner}"
        return text

    def core(self) -> str:
        """The action as the core reads it: `Assistant.press` (`topic:<id>@<programme>`) or the
        questionnaire (`qa:<answer>`), without the service's additions."""
        if self.kind == "qa":
            return f"qa:{self.value}"
        return replace(self, owner=None).encode()

    def owned_by(self, owner: str | None) -> Action:
        return replace(self, owner=owner)

    @classmethod
    def decode(cls, text: str | None) -> Action | None:
        """The action a button carried; None for anything else (a forged or outdated payload)."""
        if not text or len(text) > 200:
            return None
        m = _PATTERN.fullmatch(text)
        if m is None or m["kind"] not in KINDS:
            return None
        return cls(m["kind"], m["value"], m["about"] or None, m["owner"] or None)  # type: ignore[arg-type]
