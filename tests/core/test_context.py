"""The conversation cache both bots use: bounded, least recently used dropped first, erasable."""

from __future__ import annotations

from assistant.context import Conversation, ConversationCache


def test_cache_is_bounded_and_keeps_the_recently_used() -> None:
    cache = ConversationCache(2)
    first = cache.get("a")
    cache.get("b")
    assert cache.get("a") is first  # "a" used again: "b" is now the oldest
    cache.get("c")
    assert len(cache) == 2 and "b" not in cache and "a" in cache


def test_cache_creates_from_stored_state_and_drops_on_request() -> None:
    cache = ConversationCache(10)
    conv = cache.get(("chan", 7), lambda: Conversation(bound_programme="enjmin"))
    assert conv.bound_programme == "enjmin"
    assert cache.peek(("chan", 8)) is None and ("chan", 8) not in cache  # peek creates nothing
    cache.drop(lambda key: key[1] == 7)
    assert ("chan", 7) not in cache
