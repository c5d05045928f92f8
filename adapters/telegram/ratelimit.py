"""Per-user rate limiting of incoming messages, so one user cannot monopolise the bot.

A sliding window per user: up to `max_events` accepted updates in `window` seconds. The first update over
the limit gets a polite notice, later ones are dropped silently until the window has room again (and the
notice is re-armed). The clock is injectable so tests move time instead of sleeping.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable


class Verdict(enum.Enum):
    ALLOW = "allow"
    NOTICE = "notice"
    """Over the limit for the first time in this window: tell the user once."""
    DROP = "drop"


class UserRateLimiter:
    def __init__(
        self,
        max_events: int = 8,
        window: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 50_000,
    ) -> None:
        if max_events < 1 or window <= 0:
            raise ValueError("max_events must be >= 1 and window > 0")
        self.max_events = max_events
        self.window = window
        self.clock = clock
        self.max_users = max_users
        self._events: dict[str, deque[float]] = {}
        self._noticed: set[str] = set()

    def check(self, user: str) -> Verdict:
        now = self.clock()
        events = self._events.get(user)
        if events is None:
            if len(self._events) >= self.max_users:
                self._prune(now)
            events = self._events[user] = deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) < self.max_events:
            events.append(now)
            self._noticed.discard(user)
            return Verdict.ALLOW
        if user in self._noticed:
            return Verdict.DROP
        self._noticed.add(user)
        return Verdict.NOTICE

    def forget(self, user: str) -> None:
        self._events.pop(user, None)
        self._noticed.discard(user)

    def _prune(self, now: float) -> None:
        """Drop users whose window is empty, so memory stays bounded by the number of active users."""
        for user in [u for u, ev in self._events.items() if not ev or ev[-1] <= now - self.window]:
            self.forget(user)
