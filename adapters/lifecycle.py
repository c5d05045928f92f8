"""What every bot needs to outlive its platform: retries with capped exponential backoff and jitter, one
log line per failed attempt (never a traceback for a network outage), a stop on SIGTERM/SIGINT, a
knowledge-base reload on SIGHUP, and start-up failures that say what to do with the right exit status.

Exit statuses: 0 stopped on request; 1 the knowledge base has errors; 2 the configuration is wrong (no
token, a token the platform refuses, a database that cannot be used) — a supervisor should not restart
the bot in a loop for those; it retries network outages by itself, forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
from collections.abc import Callable

EXIT_OK, EXIT_KNOWLEDGE, EXIT_CONFIG = 0, 1, 2
RETRY_ENV = "CANDIDATE_ASSISTANT_RETRY_MAX"
"""Longest wait between two connection attempts, in seconds (default 60)."""
SHUTDOWN_SECONDS = 4.0
"""Time given to replies under way when the bot is asked to stop (the whole stop stays under 5 s)."""


class Backoff:
    """Waits of 1, 2, 4 … seconds up to `cap`, each drawn between half and all of it (jitter, so
    many bots cut off at once do not all come back in the same second)."""

    def __init__(
        self, base: float = 1.0, cap: float | None = None, rng: Callable[[], float] = random.random
    ) -> None:
        self.base = base
        self.cap = cap if cap is not None else retry_cap()
        self.rng = rng
        self.attempt = 0

    def next(self) -> float:
        self.attempt += 1
        ceiling = min(self.cap, self.base * 2 ** (self.attempt - 1))
        return ceiling / 2 + self.rng() * ceiling / 2

    def reset(self) -> None:
        self.attempt = 0


def retry_cap(env: dict[str, str] | None = None) -> float:
    raw = (os.environ if env is None else env).get(RETRY_ENV, "").strip()
    try:
        value = float(raw) if raw else 60.0
    except ValueError:
        value = 60.0
    return max(0.05, value)


def one_line(exc: BaseException) -> str:
    """An exception as one short line: its type and first line, no traceback."""
    text = " ".join(str(exc).split()) or repr(exc)
    return f"{type(exc).__name__}: {text[:300]}"


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep `seconds` unless asked to stop first; True when stopping."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGTERM (a supervisor's stop) and SIGINT (Ctrl-C) set `stop` instead of killing the process."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread, or no signals
            loop.add_signal_handler(sig, stop.set)


def reload_on_signal(reload: Callable[[], None]) -> Callable[[], None]:
    """SIGHUP (`kill -HUP <pid>`, `systemctl reload`) calls `reload` on the running loop instead of
    ending the process; returns what removes the handler again (a no-op where there is no SIGHUP)."""
    loop = asyncio.get_running_loop()
    hangup = getattr(signal, "SIGHUP", None)
    if hangup is None:
        return lambda: None
    try:
        loop.add_signal_handler(hangup, reload)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals
        return lambda: None

    def remove() -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(hangup)

    return remove


class OneLineErrors(logging.Filter):
    """Turns a library's log record of a network failure (with its traceback) into one line."""

    def __init__(self, network: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.network = network

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and isinstance(exc, self.network):
            record.msg = f"{record.getMessage()} ({one_line(exc)})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # each migration step is not news


def open_core(kb_path: str | None, db: str | None, program: str):  # type: ignore[no-untyped-def]
    """The core and the database a bot needs, or the exit status after one clear line on stderr (a
    knowledge base with errors, a database that is damaged, too new, not ours or unreachable)."""
    import sys

    from assistant.engine import Assistant
    from assistant.kb.loader import KnowledgeError
    from assistant.storage import StorageError, open_storage

    try:
        assistant = Assistant.load(kb_path)
    except KnowledgeError as exc:
        print(
            f"{program}: the knowledge base has errors (run `candidate-assistant kb check`):", file=sys.stderr
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_KNOWLEDGE
    try:
        storage = open_storage(db)
    except StorageError as exc:
        print(f"{program}: cannot use the database: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return assistant, storage
