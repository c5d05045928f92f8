"""Conversation context: what a chat, channel or terminal session remembers between two messages."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class Conversation(BaseModel):
    """Mutable per-conversation state. Adapters keep one per chat/channel/user and pass it to `ask`.

    `bound_programme` is set by staff (a channel or chat dedicated to one programme) and wins over
    what the previous turn set in `programme`.
    """

    bound_programme: str | None = None
    programme: str | None = None
    language: str | None = None
    last_intent: str | None = None
    last_text: str | None = None
    today: date | None = None

    def active_programme(self) -> str | None:
        return self.bound_programme or self.programme

    def reset(self) -> None:
        self.programme = None
        self.last_intent = None
        self.last_text = None
