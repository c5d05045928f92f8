"""End to end: a real discord.py bot, the real core on the bundled knowledge, a fake Discord on localhost."""

# ruff: noqa: F811 - test arguments are named after the pytest fixtures imported from discord_harness

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

import discord
import pytest
from discord_harness import WAIT, World, bot, core, eventually, start_bot, stop_bot, world  # noqa: F401 - pytest fixtures
from fake_discord import Call, FakeDiscord, Interaction

from adapters.discord.bot import AssistantBot
from adapters.discord.settings import channel_scope, guild_scope
from assistant.actions import Action
from assistant.flood import Limits

QUESTION = "When is the application deadline for ENJMIN?"
CHATTER = "lol nice weather today"
AMBIGUOUS = "What documents do I need?"


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message.get("components") or [] for c in row["components"]]


def action_id(message: dict[str, Any], kind: str, value: str | None = None) -> str:
    """The custom id of the button doing the service action `kind` (with `value`) under a message."""
    for custom_id in custom_ids(message):
        action = Action.decode(custom_id.removeprefix("ca:a:"))
        if action is not None and action.kind == kind and (value is None or action.value == value):
            return custom_id
    raise AssertionError(f"no {kind}:{value} button in {custom_ids(message)}")


def opt(name: str, value: Any, type_: int = 3) -> dict[str, Any]:
    return {"name": name, "type": type_, "value": value}


def sub(name: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "type": 1, "options": list(options)}


async def callback(fake: FakeDiscord, interaction: Interaction) -> Call:
    """The bot's response to an interaction."""
    return await fake.wait_call("POST", rf"^/interactions/{interaction.id}/{interaction.token}/callback$")


def is_ephemeral(call: Call) -> bool:
    return bool((call.json.get("data") or {}).get("flags", 0) & 64)


async def replies_to(fake: FakeDiscord, message: dict[str, Any]) -> dict[str, Any]:
    """Wait for the bot's reply to a user's message."""

    def find() -> dict[str, Any] | None:
        for m in fake.bot_messages():
            if (m.get("message_reference") or {}).get("message_id") == message["id"]:
                return m
        return None

    return await fake.wait_for(find, WAIT)


def replied(fake: FakeDiscord, message: dict[str, Any]) -> bool:
    return any(
        (m.get("message_reference") or {}).get("message_id") == message["id"] for m in fake.bot_messages()
    )


async def mention(
    world: World, channel: dict[str, Any], text: str, author: dict | None = None
) -> dict[str, Any]:
    return await world.fake.user_message(channel, author or world.candidate, f"<@{world.fake.app_id}> {text}")


# ---------------------------------------------------------------------------------------------------
async def test_commands_are_synced_with_french_localisations(
    world: World, core: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await start_bot(world, core, tmp_path / "sync.db")
    call = await world.fake.wait_call("PUT", r"^/applications/\d+/commands$")
    commands = {c["name"]: c for c in call.json}
    assert set(commands) >= {
        "ask",
        "deadlines",
        "checklist",
        "remind",
        "forget",
        "faq",
        "assistant",
        "human",
        "Answer with the assistant",
    }
    assert commands["human"]["name_localizations"]["fr"] == "humain"
    assert commands["ask"]["name_localizations"]["fr"] == "demander"
    assert commands["ask"]["description_localizations"]["fr"].startswith("Poser une question")
    assert commands["Answer with the assistant"]["type"] == 3
    assert commands["Answer with the assistant"]["name_localizations"]["fr"] == "Répondre avec l'assistant"
    staff = commands["assistant"]
    assert int(staff["default_member_permissions"]) == discord.Permissions(manage_messages=True).value
    assert {o["name"] for o in staff["options"]} == {
        "enable",
        "disable",
        "programme",
        "cooldown",
        "role",
        "staff-channel",
        "stats",
        "reload",
    }
    assert world.fake.identify_payloads[0]["token"] == world.fake.token
    assert world.fake.gateway_queries[0]["compress"] == "zlib-stream"
    assert "READY" in caplog.text  # debug logging was on...
    assert world.fake.token not in caplog.text  # ...and the token never appeared


async def test_ask_answers_with_an_embed_and_buttons(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    interaction = await fake.slash("ask", world.candidate, world.help, [opt("question", QUESTION)])
    call = await callback(fake, interaction)
    assert call.json["type"] == 4 and not is_ephemeral(call)
    data = call.json["data"]
    assert data["allowed_mentions"] == {"parse": []}
    embed = data["embeds"][0]
    assert "23" in embed["description"]  # the deadline date comes from the knowledge base
    ids = custom_ids(data)
    assert f"ca:rm:{world.candidate['id']}" in ids
    assert f"ca:a:fb:y.1#{world.candidate['id']}" in ids  # 👍 for the logged question 1, by its asker
    assert bot.storage.stats("discord:guild:" + world.guild["id"])["answered"] == 1


async def test_private_ask_in_french_is_ephemeral(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    interaction = await fake.slash(
        "ask",
        world.candidate,
        world.help,
        [opt("question", "quelle est la date limite de candidature enjmin ?"), opt("private", True, 5)],
        locale="fr",
    )
    call = await callback(fake, interaction)
    assert is_ephemeral(call)
    assert "janvier" in call.json["data"]["embeds"][0]["description"]


async def test_auto_answer_only_in_an_enabled_channel(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    enable = await fake.slash("assistant", world.moderator, world.help, [sub("enable")])
    assert is_ephemeral(await callback(fake, enable))
    assert bot.storage.get_setting(channel_scope(int(world.help["id"])), "auto_answer")

    elsewhere = await fake.user_message(world.general, world.candidate, QUESTION)
    chatter = await fake.user_message(world.help, world.candidate, CHATTER)
    question = await fake.user_message(world.help, world.candidate, QUESTION)
    reply = await replies_to(fake, question)
    # A later mention in #general is answered, so the earlier message there was seen and skipped.
    marker = await mention(world, world.general, QUESTION)
    await replies_to(fake, marker)
    assert not replied(fake, elsewhere)
    assert not replied(fake, chatter)
    assert reply["channel_id"] == world.help["id"]
    assert reply["_allowed_mentions"] == {"parse": [], "replied_user": False}


async def test_mentions_and_direct_messages_are_always_answered(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    asked = await mention(world, world.general, QUESTION)
    reply = await replies_to(fake, asked)
    assert reply["embeds"] and "23" in reply["embeds"][0]["description"]

    dm = fake.dm_channel(world.candidate)
    direct = await fake.user_message(dm, world.candidate, CHATTER)
    answer = await replies_to(fake, direct)
    assert answer["channel_id"] == dm["id"]


async def test_other_bots_are_ignored(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    ignored = await mention(world, world.general, QUESTION, author=world.other_bot)
    marker = await mention(world, world.general, QUESTION)
    await replies_to(fake, marker)
    assert not replied(fake, ignored)


async def test_moderator_commands_are_refused_to_members(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    for options in ([sub("enable")], [sub("stats")], [sub("programme", opt("programme", "iim"))]):
        interaction = await fake.slash("assistant", world.candidate, world.help, options)
        call = await callback(fake, interaction)
        assert is_ephemeral(call)
        assert "only moderators" in call.json["data"]["content"]
    faq = await fake.slash(
        "faq",
        world.candidate,
        world.help,
        [opt("topic", "enjmin.deadline"), opt("member", world.other["id"], 6)],
        resolved=_resolved(fake, world, world.other),
    )
    call = await callback(fake, faq)
    assert is_ephemeral(call) and "only moderators" in call.json["data"]["content"]
    assert bot.storage.get_setting(channel_scope(int(world.help["id"])), "auto_answer") is None
    assert bot.storage.get_setting(channel_scope(int(world.help["id"])), "programme") is None


async def test_everyone_and_role_mentions_in_a_question_never_ping(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    text = f"@everyone <@&{world.staff_role['id']}> when is the ENJMIN application deadline?"
    asked = await mention(world, world.general, text)
    await replies_to(fake, asked)
    interaction = await fake.slash("ask", world.candidate, world.general, [opt("question", text)])
    await callback(fake, interaction)
    sent = [
        c
        for c in fake.calls
        if c.method in ("POST", "PATCH")
        and isinstance(c.json, dict)
        and ("/messages" in c.path or c.path.endswith("/callback"))
    ]
    assert sent
    for call in sent:
        payload = call.json.get("data", call.json)
        assert payload["allowed_mentions"]["parse"] == []
        assert "roles" not in payload["allowed_mentions"]
        assert "@everyone" not in (payload.get("content") or "")


async def test_remove_button_is_honoured_only_for_the_asker_or_a_moderator(
    world: World, bot: AssistantBot
) -> None:
    fake = world.fake
    remove = f"ca:rm:{world.candidate['id']}"
    asked = await fake.slash("ask", world.candidate, world.help, [opt("question", QUESTION)])
    await callback(fake, asked)
    answer = asked.original
    assert answer is not None

    stranger = await fake.click(answer, remove, world.other)
    refusal = await callback(fake, stranger)
    assert is_ephemeral(refusal) and "Only the person who asked" in refusal.json["data"]["content"]
    assert answer["id"] in fake.messages

    moderator = await fake.click(answer, remove, world.moderator)
    assert (await callback(fake, moderator)).json["type"] == 6
    await fake.wait_call("DELETE", rf"^/webhooks/\d+/{moderator.token}/messages/@original$")
    assert answer["id"] not in fake.messages

    again = await fake.slash("ask", world.candidate, world.help, [opt("question", QUESTION)])
    await callback(fake, again)
    mine = await fake.click(again.original, remove, world.candidate)
    await callback(fake, mine)
    await eventually(lambda: again.original["id"] not in fake.messages)


async def test_feedback_buttons_feed_the_stats(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    asked = await fake.slash("ask", world.candidate, world.help, [opt("question", QUESTION)])
    await callback(fake, asked)
    up = action_id(asked.original, "fb", "y.1")
    refused = await callback(fake, await fake.click(asked.original, up, world.other))
    assert is_ephemeral(refused) and "Only the person who asked" in refused.json["data"]["content"]
    thanks = await callback(fake, await fake.click(asked.original, up, world.candidate))
    assert is_ephemeral(thanks)
    stats = await fake.slash("assistant", world.moderator, world.help, [sub("stats")])
    embed = (await callback(fake, stats)).json["data"]["embeds"][0]
    assert embed["title"] == "Assistant statistics"
    assert "Answered: 1" in embed["description"] and "👍 1 · 👎 0" in embed["description"]
    assert "deadline (1)" in embed["description"]
    [row] = bot.storage.feedback_rows(None, None)
    assert row["question_id"] == 1 and row["helpful"] is True  # linked to the logged question


async def test_clarification_button_continues_the_conversation(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    asked = await fake.slash("ask", world.candidate, world.help, [opt("question", AMBIGUOUS)])
    data = (await callback(fake, asked)).json["data"]
    choice = next(b for b in custom_ids(data) if "@enjmin#" in b)
    pressed = await fake.click(asked.original, choice, world.candidate)
    call = await callback(fake, pressed)
    assert not is_ephemeral(call)
    assert call.json["data"]["embeds"][0]["description"]
    other = await fake.click(asked.original, choice, world.other)
    assert is_ephemeral(await callback(fake, other))


async def test_a_429_is_retried(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    fake.rate_limit("POST", r"^/channels/\d+/messages$", times=1, retry_after=0.2)
    started = time.monotonic()
    asked = await mention(world, world.general, QUESTION)
    await replies_to(fake, asked)
    posts = fake.find_calls("POST", rf"^/channels/{world.general['id']}/messages$")
    assert [c.status for c in posts] == [429, 200]
    assert time.monotonic() - started >= 0.2


async def test_settings_and_buttons_survive_a_restart(world: World, core: Any, tmp_path: Path) -> None:
    fake = world.fake
    db = tmp_path / "shared.db"
    first = await start_bot(world, core, db)
    staff_commands = (
        [sub("enable")],
        [sub("programme", opt("programme", "enjmin"), opt("scope", "server"))],
        [sub("cooldown", opt("channel_cooldown", 0, 4))],
    )
    for options in staff_commands:
        interaction = await fake.slash("assistant", world.moderator, world.help, options)
        assert is_ephemeral(await callback(fake, interaction))
    asked = await fake.slash("ask", world.candidate, world.help, [opt("question", QUESTION)])
    await callback(fake, asked)
    await stop_bot(*world.bots.pop())
    assert first.is_closed()

    second = await start_bot(world, core, db)
    assert second is not first
    guild_id = int(world.guild["id"])
    assert second.storage.get_setting(guild_scope(guild_id), "programme") == "enjmin"
    assert second.storage.get_setting(guild_scope(guild_id), "channel_cooldown") == 0
    # The bound programme makes an otherwise ambiguous question answerable.
    question = await fake.user_message(world.help, world.candidate, "When is the application deadline?")
    reply = await replies_to(fake, question)
    assert "23" in reply["embeds"][0]["description"]
    # A button sent by the first instance still works on the second one.
    up = action_id(asked.original, "fb", "y.1")
    assert is_ephemeral(await callback(fake, await fake.click(asked.original, up, world.candidate)))
    assert second.storage.stats(f"discord:guild:{guild_id}")["helpful"] == 1


async def test_programme_autocomplete_offers_the_knowledge_base_programmes(
    world: World, bot: AssistantBot
) -> None:
    fake = world.fake
    focused = {"name": "programme", "type": 3, "value": "", "focused": True}
    auto = await fake.autocomplete("assistant", world.moderator, world.help, [sub("programme", focused)])
    await callback(fake, auto)
    assert {c["value"] for c in auto.autocomplete or []} == {"none", *bot.assistant.kb.programmes}


async def test_auto_answer_in_a_thread(world: World, core: Any, tmp_path: Path) -> None:
    fake = world.fake
    bot = await start_bot(world, core, tmp_path / "threads.db", reply_in_thread=True)
    bot.storage.set_setting(channel_scope(int(world.help["id"])), "auto_answer", True)
    question = await fake.user_message(world.help, world.candidate, QUESTION)
    await fake.wait_call("POST", rf"^/channels/{world.help['id']}/messages/{question['id']}/threads$")
    answer = await fake.wait_for(lambda: fake.bot_messages(fake.channels.get(question["id"])), WAIT)
    assert "23" in answer[0]["embeds"][0]["description"]


async def test_faq_pings_only_the_candidate(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    auto = await fake.autocomplete(
        "faq",
        world.moderator,
        world.help,
        [{"name": "topic", "type": 3, "value": "enjmin.dead", "focused": True}],
    )
    await callback(fake, auto)
    assert [c["value"] for c in auto.autocomplete or []] == ["enjmin.deadline"]
    interaction = await fake.slash(
        "faq",
        world.moderator,
        world.help,
        [opt("topic", "enjmin.deadline"), opt("member", world.candidate["id"], 6)],
        resolved=_resolved(fake, world, world.candidate),
    )
    data = (await callback(fake, interaction)).json["data"]
    assert data["content"] == f"<@{world.candidate['id']}>"
    assert data["allowed_mentions"]["parse"] == []
    assert data["allowed_mentions"]["users"] == [int(world.candidate["id"])]
    assert not data["allowed_mentions"].get("roles")
    assert "23" in data["embeds"][0]["description"]


async def test_faq_replies_to_the_candidates_latest_message(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    question = await fake.user_message(world.help, world.candidate, "c'est quand la date limite ?")
    interaction = await fake.slash(
        "faq",
        world.moderator,
        world.help,
        [opt("topic", "enjmin.deadline"), opt("member", world.candidate["id"], 6)],
        resolved=_resolved(fake, world, world.candidate),
    )
    reply = await replies_to(fake, question)  # a reply to the candidate's own message
    assert "23" in reply["embeds"][0]["description"]
    mentions = reply["_allowed_mentions"]  # it notifies that candidate only
    assert mentions["parse"] == [] and mentions["users"] == [int(world.candidate["id"])]
    assert mentions["replied_user"] is True
    assert is_ephemeral(await callback(fake, interaction))  # the moderator gets a private confirmation


async def test_context_menu_answers_the_candidates_message(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    question = await fake.user_message(world.general, world.candidate, QUESTION)
    menu = await fake.message_command("Answer with the assistant", world.other, world.general, question)
    reply = await replies_to(fake, question)
    assert "23" in reply["embeds"][0]["description"]
    assert is_ephemeral(await callback(fake, menu))


async def test_flood_control_answers_privately_past_the_limit(
    world: World, core: Any, tmp_path: Path
) -> None:
    fake = world.fake
    await start_bot(world, core, tmp_path / "cool.db", limits=Limits(messages=1, seconds=60.0))
    first = await fake.slash("ask", world.candidate, world.help, [opt("question", QUESTION)])
    assert not is_ephemeral(await callback(fake, first))
    for _ in range(2):  # a Discord command must be answered: privately, saying how long to wait
        again = await fake.slash("ask", world.candidate, world.help, [opt("question", QUESTION)])
        call = await callback(fake, again)
        assert is_ephemeral(call) and "many messages at once" in call.json["data"]["content"]
        assert "60 s" in call.json["data"]["content"]


async def test_the_fake_enforces_discord_limits(world: World, bot: AssistantBot) -> None:
    channel = bot.get_channel(int(world.general["id"]))
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as error:
        await channel.send("x" * 2001)
    assert error.value.code == 50035 and error.value.status == 400
    with pytest.raises(discord.HTTPException):
        await channel.send(embed=discord.Embed(description="x" * 4097))


async def test_forget_erases_the_user(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    bot.storage.set_prefs(f"discord:{world.candidate['id']}", language="fr")
    call = await callback(fake, await fake.slash("forget", world.candidate, world.help))
    assert is_ephemeral(call)
    assert bot.storage.get_prefs(f"discord:{world.candidate['id']}") == {}


def _resolved(fake: FakeDiscord, world: World, user: dict[str, Any]) -> dict[str, Any]:
    member = {k: v for k, v in fake.member_of(world.guild, user).items() if k != "user"}
    return {"users": {user["id"]: user}, "members": {user["id"]: member}}


async def test_gateway_heartbeats_are_acknowledged(world: World, bot: AssistantBot) -> None:
    await eventually(lambda: world.fake.heartbeats >= 1)
    assert bot.latency >= 0
    await asyncio.sleep(0)


async def test_without_the_message_content_intent_the_bot_restarts_without_it(
    world: World, core: Any, tmp_path: Path
) -> None:
    from discord_harness import config_for

    from adapters.discord.bot import serve
    from assistant.storage import SQLiteStorage

    fake = world.fake
    fake.refused_intents = discord.Intents(message_content=True).value
    bots: list[AssistantBot] = []
    storage = SQLiteStorage(tmp_path / "intents.db")
    task = asyncio.create_task(serve(core, storage, fake.token, config_for(fake), on_start=bots.append))
    try:
        await eventually(lambda: len(bots) == 2 and bots[1].is_ready(), timeout=10)
        assert not bots[1].intents.message_content
        asked = await mention(world, world.general, QUESTION)  # mentions still work
        await replies_to(fake, asked)
    finally:
        await bots[-1].close()
        await asyncio.wait_for(task, WAIT)
        storage.close()
