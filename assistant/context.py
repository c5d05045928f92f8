"""Conversation context: what a chat, channel or terminal session remembers between two messages."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
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


class ConversationCache:
    """The conversations of the most recently active chats: bounded, the least recently used dropped
    first, so a bot's memory stays flat however many people write to it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Conversation] = OrderedDict()

    def get(self, key: Hashable, create: Callable[[], Conversation] = Conversation) -> Conversation:
        conv = self._items.pop(key, None)
        if conv is None:
            conv = create()
        self._items[key] = conv
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return conv

    def peek(self, key: Hashable) -> Conversation | None:
        """The conversation if there is one, without creating it or refreshing it."""
        return self._items.get(key)

    def drop(self, where: Callable[[Hashable], bool]) -> None:
        """Forget the conversations whose key matches (e.g. everything of a user who asked to be forgotten)."""
        for key in [k for k in self._items if where(k)]:
            del self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
