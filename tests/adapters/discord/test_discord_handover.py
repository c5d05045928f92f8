"""End to end on the fake Discord: `/assistant staff-channel`, a declined question handed over, the staff
post's Reply button and its form, the answer relayed to the candidate (in the channel, or by direct
message), the report counting it."""

# ruff: noqa: F811 - test arguments are named after the pytest fixtures imported from discord_harness

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from discord_harness import World, core, eventually, start_bot, world  # noqa: F401 - pytest fixtures
from fake_discord import Call, FakeDiscord, Interaction

from adapters.cli.main import main
from adapters.discord.settings import STAFF_CHANNEL_SETTING, guild_scope
from assistant.actions import Action
from assistant.kb.catalogue import t
from assistant.service import utc_now

DECLINED = "Can you do my maths homework?"


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message.get("components") or [] for c in row["components"]]


def handover_id(message: dict[str, Any], value: str) -> str:
    """The custom id of the handover button `value` (ask, yes, no) under a message."""
    for custom_id in custom_ids(message):
        action = Action.decode(custom_id.removeprefix("ca:a:"))
        if action is not None and action.kind == "human" and action.value == value:
            return custom_id
    raise AssertionError(f"no human:{value} button in {custom_ids(message)}")


async def callback(fake: FakeDiscord, interaction: Interaction) -> Call:
    return await fake.wait_call("POST", rf"^/interactions/{interaction.id}/{interaction.token}/callback$")


def message_of(call: Call) -> dict[str, Any]:
    return call.response["resource"]["message"]


def text_of(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields") or []]
    return "\n".join(p for p in parts if p)


def report(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["report", "--db", str(db), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["handovers"]


async def set_staff_channel(world: World, channel: dict[str, Any], user: dict[str, Any]) -> Call:
    fake = world.fake
    options = [
        {
            "name": "staff-channel",
            "type": 1,
            "options": [{"name": "channel", "type": 7, "value": channel["id"]}],
        }
    ]
    resolved = {"channels": {channel["id"]: {**channel, "permissions": str((1 << 53) - 1)}}}
    interaction = await fake.slash("assistant", user, world.help, options, resolved=resolved)
    return await callback(fake, interaction)


async def staff_post(fake: FakeDiscord, channel: dict[str, Any], count: int = 1) -> dict[str, Any]:
    return (await eventually(lambda: (lambda m: m if len(m) >= count else None)(fake.bot_messages(channel))))[
        count - 1
    ]


async def test_a_handed_over_question_is_answered_with_the_reply_form(
    world: World, core: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = world.fake
    staff = fake.add_channel(world.guild, "admissions-staff")
    db = tmp_path / "assistant.db"
    bot = await start_bot(world, core, db, clock=utc_now)  # today: the report's database keeps 90 days

    # only moderators choose the staff channel
    refused = await set_staff_channel(world, staff, world.candidate)
    assert "only moderators" in refused.json["data"]["content"]
    assert bot.storage.get_setting(guild_scope(int(world.guild["id"])), STAFF_CHANNEL_SETTING) is None
    done = await set_staff_channel(world, staff, world.moderator)
    assert done.json["data"]["content"] == t("staff_channel_set", "en", channel=f"<#{staff['id']}>")
    assert bot.storage.get_setting(guild_scope(int(world.guild["id"])), STAFF_CHANNEL_SETTING) == staff["id"]

    # the candidate's question is declined, with the button; they press it, then confirm
    asked = await fake.user_message(world.help, world.candidate, f"<@{fake.app_id}> {DECLINED}")
    declined = await eventually(
        lambda: next(
            (
                m
                for m in fake.bot_messages(world.help)
                if (m.get("message_reference") or {}).get("message_id") == asked["id"]
            ),
            None,
        )
    )
    offer = message_of(
        await callback(fake, await fake.click(declined, handover_id(declined, "ask"), world.candidate))
    )
    assert DECLINED in text_of(offer)
    ack = message_of(
        await callback(fake, await fake.click(offer, handover_id(offer, "yes"), world.candidate))
    )
    assert text_of(ack).startswith(t("handover_sent", "en"))
    post = await staff_post(fake, staff)
    [handover] = bot.storage.handovers()
    assert t("handover_staff_title", "fr", id=handover["id"]) in text_of(post)
    assert DECLINED in text_of(post) and "English" in text_of(post)
    assert custom_ids(post) == [f"ca:ho:{handover['id']}"]
    assert report(capsys, db) == {"open": 1, "answered": 0}

    # the staff channel's messages are not questions, even addressed to the bot
    chatter = await fake.user_message(staff, world.moderator, f"<@{fake.app_id}> {DECLINED}")

    # a staff member presses Reply: a form opens; its answer reaches the candidate where they asked
    opened = await fake.click(post, f"ca:ho:{handover['id']}", world.moderator)
    await callback(fake, opened)
    assert opened.response_type == 9 and opened.modal["title"] == t(
        "handover_reply_title", "en", id=handover["id"]
    )
    before = len(fake.bot_messages(world.help))
    await fake.submit_modal(opened, {"answer": "No, sorry: @everyone we cannot."}, world.moderator)
    relayed = await eventually(lambda: fake.bot_messages(world.help)[before:] or None)
    [answer] = relayed
    assert answer["content"] == f"<@{world.candidate['id']}>"
    assert [str(u) for u in answer["_allowed_mentions"]["users"]] == [world.candidate["id"]]
    assert answer["_allowed_mentions"]["parse"] == [] and not answer["_allowed_mentions"].get("roles")
    assert t("handover_answer_title", "en") in text_of(answer) and "we cannot" in text_of(answer)
    confirmation = await staff_post(fake, staff, 2)
    assert confirmation["content"] == t("handover_relayed", "fr", id=handover["id"])
    assert bot.storage.get_handover(handover["id"])["status"] == "answered"
    assert report(capsys, db) == {"open": 0, "answered": 1}
    assert not any(
        (m.get("message_reference") or {}).get("message_id") == chatter["id"] for m in fake.bot_messages()
    )

    # a Reply button pressed outside the staff channel's post is refused (the form opens, the answer does not go)
    other = await fake.click(
        {**post, "channel_id": world.general["id"]}, f"ca:ho:{handover['id']}", world.other
    )
    await callback(fake, other)
    submitted = await fake.submit_modal(other, {"answer": "spoofed"}, world.other)
    call = await callback(fake, submitted)
    assert call.json["data"]["content"] == t("handover_unknown", "fr")
    assert bot.storage.get_handover(handover["id"])["answer"] == "No, sorry: @everyone we cannot."


async def test_a_direct_message_handover_is_answered_by_direct_message(
    world: World, core: Any, tmp_path: Path
) -> None:
    fake = world.fake
    staff = fake.add_channel(world.guild, "admissions-staff")
    bot = await start_bot(world, core, tmp_path / "assistant.db")
    await set_staff_channel(world, staff, world.moderator)
    dm = fake.dm_channel(world.candidate)
    interaction = await fake.slash(
        "human", world.candidate, dm, [{"name": "question", "type": 3, "value": "Can someone call me?"}]
    )
    offer = message_of(await callback(fake, interaction))
    await callback(fake, await fake.click(offer, handover_id(offer, "yes"), world.candidate))
    post = await staff_post(fake, staff)
    [handover] = bot.storage.handovers()
    assert handover["chat"] == f"dm:{dm['id']}"
    opened = await fake.click(post, f"ca:ho:{handover['id']}", world.moderator)
    await callback(fake, opened)
    await fake.submit_modal(opened, {"answer": "We will call you tomorrow."}, world.moderator)
    answer = await eventually(
        lambda: next((m for m in fake.bot_messages(dm) if "tomorrow" in text_of(m)), None)
    )
    assert not answer.get("content")  # a direct message mentions nobody
    await eventually(lambda: bot.storage.get_handover(handover["id"])["status"] == "answered")


async def test_without_a_staff_channel_human_says_so_and_stores_nothing(
    world: World, core: Any, tmp_path: Path
) -> None:
    fake = world.fake
    bot = await start_bot(world, core, tmp_path / "assistant.db")
    interaction = await fake.slash(
        "human",
        world.candidate,
        world.help,
        [{"name": "question", "type": 3, "value": "Can someone call me?"}],
    )
    call = await callback(fake, interaction)
    assert call.json["data"]["flags"] & 64  # private
    assert text_of(message_of(call)).startswith(t("handover_unavailable", "en"))
    assert bot.storage.handovers() == []
