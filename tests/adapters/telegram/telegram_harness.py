"""The Telegram test harness: a running bot on the fake Bot API, a settable clock, knowledge copies.

A uniquely named module (the fixtures live in this folder's conftest.py) so tests elsewhere — the
tests that run the same conversation on both platforms — can import it.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
for _path in (ROOT, HERE):  # the repo (assistant/, adapters/) and the fake server, whatever the cwd
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from fake_bot_api import FakeBotAPI  # noqa: E402

KNOWLEDGE = ROOT / "knowledge"
JANUARY = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
"""A day of the bundled knowledge base's session, before its deadlines (so they are upcoming)."""


class Clock:
    """A wall clock tests can set and move; the bot reads it for "today" and reminder times."""

    def __init__(self, now: datetime | None = None) -> None:
        self.value = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.value


@asynccontextmanager
async def running_bot(fake: FakeBotAPI, assistant: Any, storage: Any, **kwargs: Any) -> AsyncIterator[Any]:
    """Run the real Application against `fake` as `candidate-assistant telegram` runs it (`serve`: long
    polling with 1 s polls), and stop it as SIGTERM does afterwards."""
    from adapters.telegram import build_application
    from adapters.telegram.app import serve

    app = build_application(assistant, storage, fake.token, base_url=fake.base_url, **kwargs)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop, poll_timeout=1))

    async def started() -> None:
        while not (task.done() or app.running):
            await asyncio.sleep(0.01)

    await asyncio.wait_for(started(), 10)
    if task.done():
        task.result()  # start-up failed: raise here
    try:
        yield app
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0


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
