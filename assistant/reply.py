"""Structured replies: what the core hands to every adapter, which renders it for its platform."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Decision = Literal["answer", "clarify", "decline"]
Language = Literal["fr", "en"]
LANGUAGES = (("fr", "Français"), ("en", "English"))
"""The languages the assistant speaks, each with its own name (menus, staff posts)."""


def colon(lang: str) -> str:
    """French typography puts a space before the colon."""
    return " : " if lang == "fr" else ": "


class Link(BaseModel):
    label: str
    url: str = ""
    """Empty when the source names a document without giving its address."""


class Button(BaseModel):
    """A suggested follow-up or a clarification choice.

    `action` is an opaque, short payload (<= 60 bytes) that the adapter sends back to
    `Assistant.press()` when the button is used: `topic:<id>[@<programme>]`, `programme:<id>`, `lang:<fr|en>`.
    """

    label: str
    action: str


class Reply(BaseModel):
    decision: Decision
    language: Language
    intent: str | None = None
    programme: str | None = None
    confidence: float = 0.0
    title: str | None = None
    blocks: list[str] = Field(default_factory=list)
    """Paragraphs of plain (unescaped) text; a block whose lines start with "- " is a list."""
    links: list[Link] = Field(default_factory=list)
    buttons: list[Button] = Field(default_factory=list)
    """Clarification choices: the reply is incomplete without one of them."""
    suggestions: list[Button] = Field(default_factory=list)
    """Optional follow-up questions."""
    source: Link | None = None

    def plain_text(self) -> str:
        """The whole reply as plain text, as the terminal and batch mode show it."""
        parts = ([self.title] if self.title else []) + list(self.blocks)
        extra = [link for link in self.links if self.source is None or link.url != self.source.url]
        if extra:
            parts.append("\n".join(f"- {link.label}: {link.url}" for link in extra))
        if self.source is not None:
            url = f" — {self.source.url}" if self.source.url else ""
            parts.append(f"Source{colon(self.language)}{self.source.label}{url}")
        return "\n\n".join(p for p in parts if p)
