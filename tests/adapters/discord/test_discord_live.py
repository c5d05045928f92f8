"""The live knowledge base on a running Discord bot (fake Discord): edits picked up within seconds, a
broken edit refused and reported to the staff channel, `/assistant reload` for moderators only."""

# ruff: noqa: F811 - test arguments are named after the pytest fixtures imported from discord_harness

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from discord_harness import World, eventually, start_bot, world  # noqa: F401 - pytest fixtures
from fake_discord import FakeDiscord

from adapters.discord.bot import AssistantBot
from adapters.discord.cogs.knowledge import Knowledge
from adapters.discord.settings import STAFF_CHANNEL_SETTING, guild_scope
from assistant.flood import Limits
from assistant.live import Status, WatchSettings

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
QUESTION = "When is the application deadline for ENJMIN?"
ANSWER = "must be finalised (complete file) before {date:deadline}"
EDITED = "must absolutely be finalised (complete file) before {date:deadline}"
OLD = "must be finalised (complete file)"
NEW = "must absolutely be finalised (complete file)"
UNLIMITED = Limits(messages=1000, seconds=1, channel_cooldown=0.0)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the bundled knowledge folder (its YAML files) that the tests edit."""
    copy = tmp_path / "knowledge"
    copy.mkdir()
    for source in KNOWLEDGE.glob("*.yaml"):
        (copy / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


@pytest.fixture
def core(folder: Path) -> Any:
    from assistant.engine import Assistant

    return Assistant.load(folder)


@pytest.fixture(autouse=True)
def watch_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANDIDATE_ASSISTANT_WATCH", raising=False)
    monkeypatch.delenv("CANDIDATE_ASSISTANT_WATCH_INTERVAL", raising=False)


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "enjmin.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def opt(name: str, value: Any) -> dict[str, Any]:
    return {"name": name, "type": 3, "value": value}


def sub(name: str) -> dict[str, Any]:
    return {"name": name, "type": 1, "options": []}


async def ask(world: World) -> str:
    fake = world.fake
    interaction = await fake.slash("ask", world.candidate, world.help, [opt("question", QUESTION)])
    call = await fake.wait_call("POST", rf"^/interactions/{interaction.id}/{interaction.token}/callback$")
    return call.json["data"]["embeds"][0]["description"]


def staff_posts(fake: FakeDiscord, channel: dict[str, Any]) -> list[str]:
    return [m.get("content") or "" for m in fake.bot_messages(channel)]


async def test_an_edit_changes_the_next_answer_within_ten_seconds(
    world: World, core: Any, folder: Path, tmp_path: Path
) -> None:
    bot = await start_bot(world, core, tmp_path / "bot.db", limits=UNLIMITED)
    assert OLD in await ask(world)
    edit(folder, ANSWER, EDITED)
    edited = time.monotonic()
    while NEW not in (answer := await ask(world)):
        assert OLD in answer
        assert time.monotonic() - edited < 10, "the edit was not picked up within 10 s"
        await asyncio.sleep(0.3)
    live = bot.get_cog("Knowledge").live  # type: ignore[union-attr]
    assert live.last.status is Status.RELOADED and not live.last.model_changed


async def test_a_broken_edit_is_reported_to_the_staff_channel(
    world: World, core: Any, folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="assistant.live")
    staff = world.fake.add_channel(world.guild, "staff")
    bot = await start_bot(world, core, tmp_path / "bot.db", limits=UNLIMITED)
    bot.storage.set_setting(guild_scope(int(world.guild["id"])), STAFF_CHANNEL_SETTING, staff["id"])
    edit(folder, ANSWER, EDITED.replace("{date:deadline}", "{date:no_such_event}"))
    [report] = await eventually(lambda: staff_posts(world.fake, staff), timeout=10)
    assert "refusée" in report  # the server's language (French)
    line = next(
        n
        for n, text in enumerate((folder / "enjmin.yaml").read_text().splitlines(), 1)
        if "no_such_event" in text
    )
    assert f"enjmin.yaml:{line}:" in report and "no\\_such\\_event" in report  # file:line:column, escaped
    assert "knowledge base edit refused (watch)" in caplog.text
    answer = await ask(world)
    assert OLD in answer and NEW not in answer  # the last good version still answers
    elsewhere = staff_posts(world.fake, world.help) + staff_posts(world.fake, world.general)
    assert not [text for text in elsewhere if "refus" in text]  # staff only


async def test_reload_command_for_moderators_only(
    world: World, core: Any, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANDIDATE_ASSISTANT_WATCH", "0")
    bot: AssistantBot = await start_bot(world, core, tmp_path / "bot.db", limits=UNLIMITED)
    fake = world.fake
    edit(folder, ANSWER, EDITED)
    refused = await fake.slash("assistant", world.candidate, world.help, [sub("reload")])
    call = await fake.wait_call("POST", rf"^/interactions/{refused.id}/{refused.token}/callback$")
    assert "only moderators" in call.json["data"]["content"]
    await asyncio.sleep(0.5)
    assert OLD in await ask(world)

    reload = await fake.slash("assistant", world.moderator, world.help, [sub("reload")])
    ack = await fake.wait_call("POST", rf"^/interactions/{reload.id}/{reload.token}/callback$")
    assert ack.json["data"]["flags"] & 64  # ephemeral
    assert ack.json["data"]["content"] == "Checking the knowledge base…"
    result = await fake.wait_call("PATCH", rf"^/webhooks/\d+/{reload.token}/messages/@original$")
    assert result.json["content"].startswith("Knowledge base reloaded")
    assert "enjmin.yaml" in result.json["content"]
    assert NEW in await ask(world)
    knowledge = bot.get_cog("Knowledge")
    assert isinstance(knowledge, Knowledge) and knowledge._watcher is None  # watching was off

    again = await fake.slash("assistant", world.moderator, world.help, [sub("reload")])
    result = await fake.wait_call("PATCH", rf"^/webhooks/\d+/{again.token}/messages/@original$")
    assert result.json["content"].startswith("The knowledge base has not changed")


async def test_sighup_reloads(
    world: World, core: Any, folder: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("CANDIDATE_ASSISTANT_WATCH", "0")
    bot = await start_bot(world, core, tmp_path / "bot.db", limits=UNLIMITED)
    live = bot.get_cog("Knowledge").live  # type: ignore[union-attr]
    edit(folder, ANSWER, EDITED)
    os.kill(os.getpid(), signal.SIGHUP)
    await eventually(lambda: live.last is not None and live.last.trigger == "signal", timeout=10)
    assert live.last.status is Status.RELOADED
    assert NEW in await ask(world)


def test_watch_settings_come_from_the_environment() -> None:
    from adapters.discord.bot import DiscordConfig

    assert DiscordConfig.from_env({}).watch == WatchSettings(True, 2.0)
    assert DiscordConfig.from_env({"CANDIDATE_ASSISTANT_WATCH": "0"}).watch.enabled is False  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="CANDIDATE_ASSISTANT_WATCH_INTERVAL"):
        DiscordConfig.from_env({"CANDIDATE_ASSISTANT_WATCH_INTERVAL": "soon"})
