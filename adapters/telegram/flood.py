"""Outgoing-request resilience: honour Telegram's flood control and retry transient network errors.

PTB routes every Bot API call except getUpdates through the application's `BaseRateLimiter`, so this is
the one place where all sends (messages, edits, documents, callback answers) get the same treatment:

* a 429 (`RetryAfter`) pauses *all* outgoing requests for `retry_after` seconds (Telegram's limits are
  per bot as much as per chat), then the request is tried again, a bounded number of times;
* a connection failure is retried with exponential backoff. `BadRequest` (our bug, retrying would not
  help) and `TimedOut` (the message may have arrived; a retry could send it twice) are not retried,
  nor are the start-up calls, which the bot's own start-up loop retries forever (one log line each).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import random
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)


def retry_after_seconds(exc: RetryAfter) -> float:
    """`exc.retry_after` in seconds, without PTB's int-vs-timedelta deprecation warning."""
    value = getattr(exc, "_retry_after", None)
    if value is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


STARTUP_CALLS = frozenset({"getMe", "deleteWebhook"})
"""Retried by `adapters.telegram.app` itself, with backoff, for as long as the Bot API is unreachable."""


class FloodControl(BaseRateLimiter[None]):
    """A react-only `BaseRateLimiter`: no throttling up front, waits and retries when Telegram asks."""

    def __init__(
        self,
        max_flood_retries: int = 3,
        max_wait: float = 60.0,
        max_network_retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
    ) -> None:
        self.max_flood_retries = max_flood_retries
        self.max_wait = max_wait
        self.max_network_retries = max_network_retries
        self.backoff = backoff
        self._sleep = sleep
        self._resume_at = 0.0
        self.flood_waits = 0
        self.network_retries = 0

    async def initialize(self) -> None:
        self._resume_at = 0.0

    async def shutdown(self) -> None:
        pass

    async def _wait_if_paused(self) -> None:
        loop = asyncio.get_running_loop()
        while (delay := self._resume_at - loop.time()) > 0:
            await self._sleep(delay)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        floods = failures = 0
        while True:
            await self._wait_if_paused()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                floods += 1
                if floods > self.max_flood_retries or wait > self.max_wait:
                    log.warning(
                        "%s: flood control still active after %d retries (retry_after=%.0fs), giving up",
                        endpoint,
                        floods - 1,
                        wait,
                    )
                    raise
                self.flood_waits += 1
                log.info("%s: flood control, pausing requests for %.1fs", endpoint, wait)
                loop = asyncio.get_running_loop()
                self._resume_at = max(self._resume_at, loop.time() + wait + 0.05)
            except (BadRequest, TimedOut):
                raise
            except NetworkError as exc:
                failures += 1
                if failures > self.max_network_retries or endpoint in STARTUP_CALLS:
                    raise
                self.network_retries += 1
                delay = self.backoff * 2 ** (failures - 1) * (1 + random.random() / 4)  # noqa: S311
                log.info("%s: network error (%s), retry %d in %.2fs", endpoint, exc, failures, delay)
                await self._sleep(delay)
