"""Per-user and per-channel cooldowns, so a busy channel or one insistent user cannot flood the bot.

In memory on purpose: a cooldown lasts seconds, so losing it on restart costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_KEYS = 10_000


class Cooldowns:
    """Tracks until when each key (e.g. `"user:<id>"`, `"channel:<id>"`) must stay quiet."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}

    def wait(self, *limits: tuple[str, float]) -> float:
        """Seconds before every one of `limits` (key, seconds) allows another use; 0 means go. Charges nothing."""
        now = self._clock()
        return max(0.0, max((self._until.get(key, 0.0) - now for key, _ in limits), default=0.0))

    def retry_after(self, *limits: tuple[str, float]) -> float:
        """Like `wait`, but when the answer is 0 every key is charged at once (check and record)."""
        wait = self.wait(*limits)
        if wait > 0:
            return wait
        self.charge(*limits)
        return 0.0

    def charge(self, *limits: tuple[str, float]) -> None:
        """Start the cooldown of each key: call it when the bot actually answers."""
        now = self._clock()
        for key, seconds in limits:
            if seconds > 0:
                self._until[key] = now + seconds
        if len(self._until) > MAX_KEYS:
            self._until = {k: v for k, v in self._until.items() if v > now}

    def reset(self, key: str) -> None:
        self._until.pop(key, None)
