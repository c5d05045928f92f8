"""Flood control that never silences a conversation.

Two separate mechanisms, the same on every platform:

* a **token bucket per person** for what they address to the bot (private messages, mentions,
  commands, buttons): `messages` tokens refilled over `seconds`, so a burst of a few questions — or a
  follow-up right after an answer — always goes through. Past it, the person gets ONE short "slow
  down, N s" notice, then silence until the bucket has a token again;
* a **cooldown per channel** for unsolicited auto-answers only (a moderator-enabled channel where the
  bot answers questions nobody addressed to it), so a busy channel is not flooded with answers. A
  member's own commands never charge it, and it never delays them.

The numbers come from the environment (`CANDIDATE_ASSISTANT_FLOOD`, `CANDIDATE_ASSISTANT_CHANNEL_COOLDOWN`)
and moderators may change them per server; clocks are injectable so tests move time instead of waiting.
"""

from __future__ import annotations

import enum
import math
import os
import re
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from assistant.sessions import SessionStore

FLOOD_ENV = "CANDIDATE_ASSISTANT_FLOOD"
COOLDOWN_ENV = "CANDIDATE_ASSISTANT_CHANNEL_COOLDOWN"


@dataclass(frozen=True)
class Limits:
    messages: int = 6
    """Messages (questions, commands) a person may send in a burst..."""
    seconds: float = 30.0
    """...refilled evenly over this many seconds."""
    presses: int = 20
    """Button presses in a burst (refilled over the same period): a questionnaire is quick presses."""
    channel_cooldown: float = 3.0
    """Seconds between two unsolicited auto-answers in one channel."""

    def __post_init__(self) -> None:
        if self.messages < 1 or self.presses < 1 or self.seconds <= 0 or self.channel_cooldown < 0:
            raise ValueError("flood limits: messages and presses >= 1, seconds > 0, cooldown >= 0")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Limits:
        """`CANDIDATE_ASSISTANT_FLOOD=6/30` (messages per seconds) and
        `CANDIDATE_ASSISTANT_CHANNEL_COOLDOWN=3`; a bad value raises ValueError naming the variable."""
        env = dict(os.environ if env is None else env)
        values: dict[str, float] = {}
        raw = env.get(FLOOD_ENV, "").strip()
        if raw:
            m = re.fullmatch(r"(\d+)\s*/\s*(\d+(?:\.\d+)?)", raw)
            if not m or int(m.group(1)) < 1 or float(m.group(2)) <= 0:
                raise ValueError(f"{FLOOD_ENV}={raw!r}: write MESSAGES/SECONDS, e.g. 6/30")
            values.update(messages=int(m.group(1)), seconds=float(m.group(2)))
        raw = env.get(COOLDOWN_ENV, "").strip()
        if raw:
            try:
                values["channel_cooldown"] = float(raw)
            except ValueError:
                raise ValueError(f"{COOLDOWN_ENV}={raw!r}: write a number of seconds, e.g. 3") from None
            if values["channel_cooldown"] < 0:
                raise ValueError(f"{COOLDOWN_ENV}={raw!r}: the cooldown cannot be negative")
        return cls(**values)  # type: ignore[arg-type]


class Verdict(enum.Enum):
    ALLOW = "allow"
    NOTICE = "notice"
    """Over the limit for the first time since the bucket was last usable: tell the person once."""
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    at: float
    noticed: bool = False


class TokenBuckets:
    """One bucket per key; `take` spends a token if there is one."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, capacity: int = 100_000) -> None:
        self.clock = clock
        # a bucket left alone long enough is full again: forgetting it changes nothing
        self._buckets: SessionStore[_Bucket] = SessionStore(capacity, idle=24 * 3600, clock=clock)

    def take(self, key: Hashable, size: int, seconds: float) -> tuple[Verdict, float]:
        """(verdict, seconds until the next token): ALLOW spends one token."""
        now = self.clock()
        bucket = self._buckets.get(key) or self._buckets.put(key, _Bucket(float(size), now))
        rate = size / seconds
        bucket.tokens = min(float(size), bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.noticed = False
            return Verdict.ALLOW, 0.0
        wait = (1.0 - bucket.tokens) / rate
        if bucket.noticed:
            return Verdict.DROP, wait
        bucket.noticed = True
        return Verdict.NOTICE, wait

    def forget(self, where: Callable[[Hashable], bool]) -> None:
        self._buckets.drop(where)


class Cooldowns:
    """Per-key quiet periods: `ready` checks without charging, `charge` starts one (only when the bot
    actually sent something, so ignored chatter never silences a channel)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, capacity: int = 100_000) -> None:
        self.clock = clock
        self._until: SessionStore[float] = SessionStore(capacity, idle=24 * 3600, clock=clock)

    def wait(self, key: Hashable) -> float:
        until = self._until.peek(key)
        return max(0.0, until - self.clock()) if until is not None else 0.0

    def charge(self, key: Hashable, seconds: float) -> None:
        if seconds > 0:
            self._until.put(key, self.clock() + seconds)


def whole_seconds(wait: float) -> int:
    """A wait as the notice shows it: whole seconds, at least 1."""
    return max(1, math.ceil(wait))
