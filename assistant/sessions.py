"""Bounded, idle-expiring memory for what a conversation needs between two messages.

A bot talks to thousands of people: what it keeps in memory per person (the conversation's context, a
questionnaire under way, a finished profile waiting for consent, a flood bucket) must neither grow
without bound nor outlive its use. Each `SessionStore` keeps at most `capacity` entries, drops the least
recently used first, and forgets an entry left alone for `idle` seconds.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

V = TypeVar("V")


class SessionStore(Generic[V]):
    def __init__(self, capacity: int, idle: float, clock: Callable[[], float] = time.monotonic) -> None:
        if capacity < 1 or idle <= 0:
            raise ValueError("capacity must be >= 1 and idle > 0")
        self.capacity = capacity
        self.idle = idle
        self.clock = clock
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The live entry (refreshed: it counts as used now), or None if absent or expired."""
        now = self.clock()
        with self._lock:
            item = self._items.pop(key, None)
            if item is None or now - item[0] > self.idle:
                return None
            self._items[key] = (now, item[1])
            return item[1]

    def peek(self, key: Hashable) -> V | None:
        """The live entry without refreshing it."""
        with self._lock:
            item = self._items.get(key)
        return item[1] if item is not None and self.clock() - item[0] <= self.idle else None

    def put(self, key: Hashable, value: V) -> V:
        now = self.clock()
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = (now, value)
            self._prune(now)
        return value

    def setdefault(self, key: Hashable, create: Callable[[], V]) -> V:
        value = self.get(key)
        return value if value is not None else self.put(key, create())

    def pop(self, key: Hashable) -> V | None:
        with self._lock:
            item = self._items.pop(key, None)
        return item[1] if item is not None else None

    def drop(self, where: Callable[[Hashable], bool]) -> int:
        """Forget every entry whose key matches (everything of a user who asked to be forgotten)."""
        with self._lock:
            keys = [k for k in self._items if where(k)]
            for key in keys:
                del self._items[key]
        return len(keys)

    def _prune(self, now: float) -> None:
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        while self._items:  # the oldest first: stop at the first one still alive
            key, (touched, _) = next(iter(self._items.items()))
            if now - touched <= self.idle:
                break
            del self._items[key]

    def __iter__(self) -> Iterator[Hashable]:
        """The live keys (a snapshot)."""
        now = self.clock()
        with self._lock:
            return iter([k for k, (touched, _) in self._items.items() if now - touched <= self.idle])

    def __contains__(self, key: object) -> bool:
        return self.peek(key) is not None  # type: ignore[arg-type]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
