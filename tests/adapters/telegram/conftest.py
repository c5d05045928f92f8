"""Shared fixtures for the Telegram adapter tests: the fake Bot API server and a running bot.

The bot is the real PTB `Application` from `build_application()`, polling the fake server over HTTP
through `base_url`, and answering with the real `Assistant` on a knowledge base (the bundled one unless
a test builds its own copy). The helpers live in `telegram_harness`.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from fake_bot_api import FakeBotAPI  # noqa: E402
from telegram_harness import JANUARY, KNOWLEDGE, ROOT, Clock, copy_knowledge, running_bot  # noqa: E402

from assistant.storage import SQLiteStorage  # noqa: E402

__all__ = ["JANUARY", "KNOWLEDGE", "ROOT", "Clock", "copy_knowledge", "running_bot"]


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    server = await FakeBotAPI().start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[SQLiteStorage]:
    db = SQLiteStorage(tmp_path / "bot.db")
    try:
        yield db
    finally:
        db.close()


@pytest.fixture(scope="session")
def assistant() -> Any:
    from assistant.engine import Assistant

    return Assistant.load(KNOWLEDGE)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bot(fake: FakeBotAPI, assistant: Any, storage: Any, clock: Clock) -> AsyncIterator[Any]:
    """The bot on the bundled knowledge base; fails the test if Telegram would have rejected a call."""
    async with running_bot(fake, assistant, storage, clock=clock) as app:
        yield app
    assert not fake.rejected(), [(c.method, c.error, c.params.get("text", "")[:200]) for c in fake.rejected()]
