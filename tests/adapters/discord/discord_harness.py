"""Test harness and fixtures (`core`, `world`, `bot`): a fake Discord world, the real core, bots with timeouts.

A uniquely named module instead of a `conftest.py`: test files import it explicitly, so it never clashes
with the `conftest` modules of other test folders.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # the repository may not be installed in the virtualenv
    sys.path.insert(0, str(ROOT))
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import discord  # noqa: E402
from fake_discord import MANAGE_MESSAGES, FakeDiscord  # noqa: E402

from adapters.discord.bot import AssistantBot, DiscordConfig, build_bot  # noqa: E402
from assistant.flood import Limits  # noqa: E402
from assistant.storage import SQLiteStorage  # noqa: E402

TODAY = date(2026, 1, 10)
"""A date inside the bundled admissions session, so deadlines are upcoming."""
NOW = datetime(2026, 1, 10, 9, 0, tzinfo=timezone(timedelta(hours=1)))
"""The bot's clock, frozen on TODAY."""
WAIT = 5.0


async def eventually(predicate: Callable[[], Any], timeout: float = WAIT, interval: float = 0.01) -> Any:
    """Poll `predicate` until truthy (or fail after `timeout` seconds); return its value."""

    async def _poll() -> Any:
        while True:
            value = predicate()
            if value:
                return value
            await asyncio.sleep(interval)

    return await asyncio.wait_for(_poll(), timeout)


@pytest.fixture(scope="session")
def core() -> Any:
    """The real Assistant on the bundled knowledge base (loaded once: it is read-only)."""
    from assistant.engine import Assistant

    return Assistant.load()


@dataclass
class World:
    """One server with a moderator, a candidate, a help channel and a general channel."""

    fake: FakeDiscord
    guild: dict[str, Any]
    help: dict[str, Any]
    general: dict[str, Any]
    candidate: dict[str, Any]
    other: dict[str, Any]
    moderator: dict[str, Any]
    staff_role: dict[str, Any]
    other_bot: dict[str, Any]
    bots: list[tuple[AssistantBot, asyncio.Task[None]]] = field(default_factory=list)


@pytest.fixture
async def world() -> AsyncIterator[World]:
    original_base = discord.http.Route.BASE
    original_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = FakeDiscord()
    guild = fake.add_guild("Admissions")
    staff = fake.add_role(guild, "Staff", MANAGE_MESSAGES)
    world = World(
        fake=fake,
        guild=guild,
        help=fake.add_channel(guild, "help"),
        general=fake.add_channel(guild, "general"),
        candidate=fake.add_user("candidate"),
        other=fake.add_user("someone"),
        moderator=fake.add_user("moderator"),
        staff_role=staff,
        other_bot=fake.add_user("otherbot", bot=True),
    )
    fake.add_member(guild, world.candidate)
    fake.add_member(guild, world.other)
    fake.add_member(guild, world.moderator, [staff])
    fake.add_member(guild, world.other_bot)
    await fake.start()
    try:
        yield world
    finally:
        for bot, task in world.bots:
            await stop_bot(bot, task)
        await fake.stop()
        discord.http.Route.BASE = original_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = original_gateway


def config_for(fake: FakeDiscord, **overrides: Any) -> DiscordConfig:
    values: dict[str, Any] = dict(
        api_base=fake.api_base,
        gateway_url=fake.gateway_url,
        limits=Limits(channel_cooldown=0.0),
        guild_ready_timeout=0.05,
        clock=lambda: NOW,
    )
    values.update(overrides)
    return DiscordConfig(**values)


async def start_bot(world: World, core: Any, db: Path, **overrides: Any) -> AssistantBot:
    """Build a bot on `db`, connect it to the fake, and wait until READY and the guild are processed."""
    bot = build_bot(core, SQLiteStorage(db), config_for(world.fake, **overrides))
    task = asyncio.create_task(bot.start(world.fake.token))
    world.bots.append((bot, task))

    def ready() -> bool:
        if task.done() and task.exception():
            raise task.exception()  # type: ignore[misc]
        return bot.is_ready()

    await eventually(ready, timeout=10)
    return bot


async def stop_bot(bot: AssistantBot, task: asyncio.Task[None]) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(bot.close(), WAIT)
    with contextlib.suppress(BaseException):
        await asyncio.wait_for(task, WAIT)
    bot.storage.close()


@pytest.fixture
async def bot(world: World, core: Any, tmp_path: Path) -> AssistantBot:
    return await start_bot(world, core, tmp_path / "assistant.db")
