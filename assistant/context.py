"""Conversation context: what a chat, channel or terminal session remembers between two messages."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


class Conversation(BaseModel):
    """Mutable per-conversation state. Adapters keep one per chat/channel/user and pass it to `ask`.

    `bound_programme` is set by staff (a channel or chat dedicated to one programme) and wins over
    what the previous turn set in `programme`.
    """

    bound_programme: str | None = None
    programme: str | None = None
    """The programme the conversation is about (the last one answered for)."""
    language: str | None = None
    topic: str | None = None
    """The last topic answered: a follow-up ("et pour l'autre école ?") keeps it."""
    last_text: str | None = None
    """The last question answered (cut short), to read a follow-up with it; in memory only."""
    pending_topic: str | None = None
    """A topic waiting for the candidate to say which programme ("which programme?" was asked)."""
    facts: dict[str, Any] = Field(default_factory=dict)
    """What the candidate said about themself in this conversation (diploma, experience...): kept in
    memory only, for personal answers; never stored without consent."""
    today: date | None = None

    def active_programme(self) -> str | None:
        return self.bound_programme or self.programme

    def reset(self) -> None:
        self.programme = None
        self.topic = None
        self.last_text = None
        self.pending_topic = None
        self.facts = {}
