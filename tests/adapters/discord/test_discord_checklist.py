"""End to end: /checklist (questionnaire, embed, .ics) and /remind (DM reminders that survive restarts)."""

# ruff: noqa: F811 - test arguments are named after the pytest fixtures imported from discord_harness

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from discord_harness import NOW, WAIT, World, bot, core, start_bot, world  # noqa: F401 - pytest fixtures
from fake_discord import Call, FakeDiscord, Interaction

from adapters.discord.bot import AssistantBot
from assistant.storage import SQLiteStorage


async def callback(fake: FakeDiscord, interaction: Interaction) -> Call:
    return await fake.wait_call("POST", rf"^/interactions/{interaction.id}/{interaction.token}/callback$")


def is_ephemeral(call: Call) -> bool:
    return bool((call.json.get("data") or {}).get("flags", 0) & 64)


def components(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row["components"]]


async def complete_checklist(fake: FakeDiscord, world: World) -> dict[str, Any]:
    """Run /checklist and always pick the first answer until the checklist is shown."""
    start = await fake.slash("checklist", world.candidate, world.help)
    assert is_ephemeral(await callback(fake, start))
    message = start.original
    assert message is not None
    used_select = False
    for _ in range(20):
        if len(message["embeds"]) > 1:
            return message
        items = components(message)
        select = next((c for c in items if c["type"] == 3), None)
        if select is not None:
            used_select = True
            click = await fake.click(
                message, select["custom_id"], world.candidate, values=[select["options"][0]["value"]]
            )
        else:
            answer = next(c for c in items if c["type"] == 2 and c["style"] == 1)
            click = await fake.click(message, answer["custom_id"], world.candidate)
        assert (await callback(fake, click)).json["type"] == 7
        message = fake.messages[message["id"]]
    raise AssertionError(f"questionnaire did not finish (select menu used: {used_select})")


async def test_checklist_ends_with_an_embed_and_an_ics_file(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    message = await complete_checklist(fake, world)
    checklist = message["embeds"][1]
    assert checklist["title"] and len(checklist["fields"]) <= 25
    files = {name: data for _, name, data in message["_files"]}
    ics = next(data for name, data in files.items() if name.endswith(".ics"))
    assert ics.startswith(b"BEGIN:VCALENDAR")
    assert any(name.endswith(".txt") for name in files)
    # Nothing is saved before the candidate asks for reminders.
    assert bot.storage.get_profile(f"discord:{world.candidate['id']}") is None

    remind = next(c for c in components(message) if c["custom_id"].startswith("ca:qr:"))
    stranger = await fake.click(message, remind["custom_id"], world.other)
    assert is_ephemeral(await callback(fake, stranger))
    assert not bot.storage.reminders(f"discord:{world.other['id']}")
    click = await fake.click(message, remind["custom_id"], world.candidate)
    assert is_ephemeral(await callback(fake, click))
    user = f"discord:{world.candidate['id']}"
    assert bot.storage.get_profile(user) is not None
    reminders = bot.storage.reminders(user)
    assert reminders and all(r.fire_at > NOW for r in reminders)
    assert {r.id for r in reminders} <= set(bot.reminders.tasks)


async def test_remind_on_and_off(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    user = f"discord:{world.candidate['id']}"
    bot.storage.save_profile(user, {"programme": "enjmin", "language": "en"})
    on = await callback(fake, await fake.slash("remind", world.candidate, world.help))
    assert is_ephemeral(on) and "reminder" in on.json["data"]["content"]
    assert bot.storage.reminders(user)
    off = await fake.slash(
        "remind", world.candidate, world.help, [{"name": "action", "type": 3, "value": "off"}]
    )
    assert is_ephemeral(await callback(fake, off))
    assert not bot.storage.reminders(user) and not bot.reminders.tasks


async def test_reminders_are_rescheduled_at_start_and_sent_by_dm(
    world: World, core: Any, tmp_path: Path
) -> None:
    fake = world.fake
    db = tmp_path / "reminders.db"
    user = f"discord:{world.candidate['id']}"
    storage = SQLiteStorage(db)
    soon = storage.add_reminder(
        user, f"discord:dm:{world.candidate['id']}", "enjmin", "deadline", NOW + timedelta(seconds=0.2), "en"
    )
    later = storage.add_reminder(
        user, f"discord:dm:{world.candidate['id']}", "enjmin", "deadline", NOW + timedelta(days=6), "en"
    )
    storage.add_reminder(user, "x", "enjmin", "deadline", NOW - timedelta(days=3), "en")  # missed long ago
    storage.close()

    bot = await start_bot(world, core, db)
    assert later in bot.reminders.tasks
    dm = fake.dm_channel(world.candidate)
    sent = await fake.wait_for(lambda: fake.bot_messages(dm), WAIT)
    assert sent[0]["content"].startswith("⏰ Reminder")
    assert "2026" in sent[0]["content"]  # the date, as the knowledge base gives it
    assert sent[0]["_allowed_mentions"] == {"parse": []}
    await fake.wait_for(lambda: soon not in {r.id for r in bot.storage.reminders(user)}, WAIT)
    assert [r.id for r in bot.storage.reminders(user)] == [later]
