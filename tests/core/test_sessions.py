"""What the service keeps in memory per person: bounded, least recently used dropped first, expired
when left alone, erasable."""

from __future__ import annotations

import pytest

from assistant.context import Conversation
from assistant.sessions import SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bounded_and_keeps_the_recently_used() -> None:
    store: SessionStore[str] = SessionStore(2, idle=60)
    store.put("a", "A")
    store.put("b", "B")
    assert store.get("a") == "A"  # "a" used again: "b" is now the oldest
    store.put("c", "C")
    assert len(store) == 2 and "b" not in store and "a" in store


def test_expires_when_left_alone() -> None:
    clock = Clock()
    store: SessionStore[str] = SessionStore(10, idle=60, clock=clock)
    store.put("a", "A")
    clock.now += 59
    assert store.get("a") == "A"  # used: its idle time starts again
    clock.now += 59
    assert store.peek("a") == "A"
    clock.now += 2
    assert store.get("a") is None and "a" not in store
    store.put("b", "B")  # putting prunes what expired
    assert len(store) == 1


def test_creates_on_demand_and_drops_on_request() -> None:
    store: SessionStore[Conversation] = SessionStore(10, idle=60)
    conv = store.setdefault(("chan", "7"), lambda: Conversation(bound_programme="enjmin"))
    assert conv.bound_programme == "enjmin" and store.setdefault(("chan", "7"), Conversation) is conv
    assert store.peek(("chan", "8")) is None and ("chan", "8") not in store  # peek creates nothing
    assert store.drop(lambda key: key[1] == "7") == 1
    assert ("chan", "7") not in store


def test_refuses_a_store_that_could_not_hold_anything() -> None:
    with pytest.raises(ValueError):
        SessionStore(0, idle=60)
