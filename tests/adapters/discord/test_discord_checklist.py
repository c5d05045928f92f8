"""End to end: /checklist (questionnaire, embed, .ics) and /remind (DM reminders that survive restarts)."""

# ruff: noqa: F811 - test arguments are named after the pytest fixtures imported from discord_harness

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from discord_harness import NOW, WAIT, World, bot, core, eventually, start_bot, world  # noqa: F401 - pytest fixtures
from fake_discord import Call, FakeDiscord, Interaction

from adapters.discord.bot import AssistantBot
from assistant.actions import Action
from assistant.storage import SQLiteStorage


async def callback(fake: FakeDiscord, interaction: Interaction) -> Call:
    return await fake.wait_call("POST", rf"^/interactions/{interaction.id}/{interaction.token}/callback$")


def is_ephemeral(call: Call) -> bool:
    return bool((call.json.get("data") or {}).get("flags", 0) & 64)


def components(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row["components"]]


def followups(fake: FakeDiscord, interaction: Interaction) -> list[dict[str, Any]]:
    """The follow-up messages of an interaction (after its first response), oldest first."""
    return [
        m
        for m in fake.messages.values()
        if m.get("interaction_token") == interaction.token and m is not interaction.original
    ]


def answers(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The questionnaire's answer buttons under a question (not back / restart)."""
    out = []
    for c in components(message):
        action = Action.decode(c.get("custom_id", "").removeprefix("ca:a:"))
        if action is not None and action.kind == "qa" and action.value not in ("back", "restart"):
            out.append(c)
    return out


async def complete_checklist(fake: FakeDiscord, world: World) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run /checklist and always pick the first answer until the checklist is shown; returns the
    question message and the messages that followed the last answer (checklist, consent)."""
    start = await fake.slash("checklist", world.candidate, world.help)
    assert is_ephemeral(await callback(fake, start))
    [question] = await fake.wait_for(lambda: followups(fake, start))  # after the introduction
    assert question["flags"] & 64
    for _ in range(20):
        choices = answers(question)
        if not choices:
            raise AssertionError(f"no answer to pick: {components(question)}")
        click = await fake.click(question, choices[0]["custom_id"], world.candidate)
        assert (await callback(fake, click)).json["type"] == 7  # the question is edited in place
        question = fake.messages[question["id"]]
        if "Thank you" in (question["embeds"][0].get("description") or ""):
            return question, await fake.wait_for(
                lambda last=click: len(followups(fake, last)) >= 2 and followups(fake, last)
            )
    raise AssertionError("questionnaire did not finish")


async def test_checklist_ends_with_an_embed_and_an_ics_file(world: World, bot: AssistantBot) -> None:
    fake = world.fake
    _, (listing, consent) = await complete_checklist(fake, world)
    checklist = listing["embeds"][0]
    assert checklist["title"].startswith("Your personalised checklist")
    files = {name: data for _, name, data in listing["_files"]}
    ics = next(data for name, data in files.items() if name.endswith(".ics"))
    assert ics.startswith(b"BEGIN:VCALENDAR")
    assert any(name.endswith(".txt") for name in files)
    # Nothing is saved before the candidate says yes.
    user = f"discord:{world.candidate['id']}"
    assert bot.storage.get_profile(user) is None
    assert consent["content"].startswith("Shall I save these answers")

    yes = next(c["custom_id"] for c in components(consent) if "consent:yes" in c["custom_id"])
    stranger = await fake.click(consent, yes, world.other)
    assert is_ephemeral(await callback(fake, stranger))
    assert bot.storage.get_profile(f"discord:{world.other['id']}") is None
    click = await fake.click(consent, yes, world.candidate)
    saved = await callback(fake, click)
    assert is_ephemeral(saved) and saved.json["data"]["content"].startswith("Profile saved.")
    assert bot.storage.get_profile(user) is not None

    remind = next(c["custom_id"] for row in saved.json["data"]["components"] for c in row["components"])
    click = await fake.click(click.original, remind, world.candidate)
    assert is_ephemeral(await callback(fake, click))
    reminders = bot.storage.reminders(user)
    assert reminders and all(r.fire_at > NOW for r in reminders)
    assert {r.id for r in reminders} <= set(bot.get_cog("Reminders").scheduler.tasks)


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
    assert not bot.storage.reminders(user) and not bot.get_cog("Reminders").scheduler.tasks


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
    assert later in bot.get_cog("Reminders").scheduler.tasks
    dm = fake.dm_channel(world.candidate)
    sent = await fake.wait_for(lambda: fake.bot_messages(dm), WAIT)
    assert sent[0]["content"].startswith("⏰ Reminder")
    assert "2026" in sent[0]["content"]  # the date, as the knowledge base gives it
    assert sent[0]["_allowed_mentions"] == {"parse": []}
    await eventually(
        lambda: soon not in {r.id for r in bot.storage.reminders(user)}
    )  # polled: no call follows
    assert [r.id for r in bot.storage.reminders(user)] == [later]
