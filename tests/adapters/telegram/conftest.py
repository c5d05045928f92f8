"""Shared fixtures for the Telegram adapter tests: the fake Bot API server and a running bot.

The bot is the real PTB `Application` from `build_application()`, polling the fake server over HTTP
through `base_url`, and answering with the real `Assistant` on a knowledge base (the bundled one unless
a test builds its own copy).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
for _path in (ROOT, HERE):  # the repo (assistant/, adapters/) and the fake server, whatever the cwd
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from fake_bot_api import FakeBotAPI  # noqa: E402

from assistant.storage import SQLiteStorage  # noqa: E402

KNOWLEDGE = ROOT / "knowledge"


class Clock:
    """A wall clock tests can set and move; the bot reads it for "today" and reminder times."""

    def __init__(self, now: datetime | None = None) -> None:
        self.value = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.value


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


@asynccontextmanager
async def running_bot(fake: FakeBotAPI, assistant: Any, storage: Any, **kwargs: Any) -> AsyncIterator[Any]:
    """Start the real Application against `fake` (long polling with 1 s polls), stop it afterwards."""
    from adapters.telegram import build_application
    from adapters.telegram.app import ALLOWED_UPDATES

    app = build_application(assistant, storage, fake.token, base_url=fake.base_url, **kwargs)
    await app.initialize()
    if app.post_init is not None:  # what run_polling() does between initialize() and start()
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
def clock() -> Clock:
    return Clock()


JANUARY = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
"""A day of the bundled knowledge base's session, before its deadlines (so they are upcoming)."""


@pytest.fixture
async def bot(fake: FakeBotAPI, assistant: Any, storage: Any, clock: Clock) -> AsyncIterator[Any]:
    """The bot on the bundled knowledge base; fails the test if Telegram would have rejected a call."""
    from adapters.telegram.state import Settings

    async with running_bot(fake, assistant, storage, settings=Settings(clock=clock)) as app:
        yield app
    assert not fake.rejected(), [(c.method, c.error, c.params.get("text", "")[:200]) for c in fake.rejected()]


def copy_knowledge(tmp_path: Path, edit: dict[str, tuple[str, str]]) -> Path:
    """A copy of the bundled knowledge base with text replaced: {file name: (old, new)}."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for source in KNOWLEDGE.iterdir():
        if source.suffix in (".yaml", ".yml"):
            text = source.read_text(encoding="utf-8")
            if source.name in edit:
                old, new = edit[source.name]
                assert old in text, f"{old!r} not in {source.name}"
                text = text.replace(old, new, 1)
            (folder / source.name).write_text(text, encoding="utf-8")
    return folder
