"""/remind, reminders firing (time moved, not slept), surviving a restart, and /forget."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conftest import JANUARY, Clock, running_bot
from fake_bot_api import FakeBotAPI

from assistant.actions import Action
from assistant.checklist import reminder_times
from assistant.kb.catalogue import t


def data_for(call: Any, action: str) -> str:
    return next(
        b["callback_data"] for b in call.buttons() if Action.decode(b["callback_data"]).core() == action
    )


async def choose_programme(fake: FakeBotAPI, user: int, programme: str) -> None:
    fake.send_text(user, "/programme")
    picker = (await fake.wait_sent(1, chat_id=user))[-1]
    fake.press(user, picker, data_for(picker, f"programme:{programme}"))
    await fake.wait_sent(2, chat_id=user)


async def test_remind_schedules_and_a_reminder_fires(
    fake: FakeBotAPI, bot: Any, storage: Any, clock: Clock, assistant: Any
) -> None:
    user = 701
    first = reminder_times(assistant.kb, "enjmin", None, JANUARY)[0]
    clock.value = first.fire_at - timedelta(seconds=0.4)  # "now" is just before the first reminder time
    await choose_programme(fake, user, "enjmin")

    fake.send_text(user, "/remind")
    sent = await fake.wait_sent(3, chat_id=user)
    stored = storage.reminders("telegram:701")
    assert stored and stored[0].fire_at == first.fire_at
    assert str(len(stored)) in sent[2].plain
    assert sorted(bot.bot_data["scheduler"].pending()) == sorted(r.id for r in stored)

    clock.value = first.fire_at  # the job fires ~0.4 s later on the real clock; the text reads this clock
    reminder = (await fake.wait_sent(4, chat_id=user, timeout=5))[3]
    assert reminder.plain.startswith("⏰ Rappel")
    assert "vendredi 23 janvier 2026" in reminder.plain and "(dans 7 jours)" in reminder.plain
    assert first.event_id == "deadline"
    # sent once, then removed from storage; the other reminders are still there
    await fake.wait_for(
        lambda: [r.id for r in storage.reminders("telegram:701")] == [r.id for r in stored[1:]]
    )


async def test_reminders_survive_a_restart(fake: FakeBotAPI, assistant: Any, storage: Any) -> None:
    clock = Clock(JANUARY)
    first = reminder_times(assistant.kb, "enjmin", None, JANUARY)[0]
    user, chat = "telegram:702", "702"
    storage.add_reminder(user, chat, "enjmin", first.event_id, first.fire_at, "en")
    stale = first.fire_at - timedelta(days=30)  # its time passed long ago while the bot was down
    storage.add_reminder(user, chat, "enjmin", "subject_release", stale, "en")

    clock.value = first.fire_at - timedelta(seconds=0.3)
    fake.chat(702)
    async with running_bot(fake, assistant, storage, clock=clock) as app:
        assert len(app.bot_data["scheduler"].pending()) == 1  # rescheduled from storage at start-up
        [reminder] = await fake.wait_sent(1, chat_id=702, timeout=5)
    assert reminder.plain.startswith("⏰ Reminder")
    assert "Friday 23 January 2026" in reminder.plain
    assert storage.reminders(user) == []


async def test_remind_off_and_forget_erase_everything(
    fake: FakeBotAPI, bot: Any, storage: Any, clock: Clock
) -> None:
    clock.value = JANUARY
    user = 703
    fake.send_text(user, "/start")
    [welcome] = await fake.wait_sent(1, chat_id=user)
    fake.press(user, welcome, data_for(welcome, "lang:en"))
    picker = (await fake.wait_sent(3, chat_id=user))[2]
    fake.press(user, picker, data_for(picker, "programme:enjmin"))
    await fake.wait_sent(4, chat_id=user)
    storage.save_profile("telegram:703", {"programme": "enjmin", "language": "en"})
    fake.send_text(user, "/remind")
    await fake.wait_sent(5, chat_id=user)
    scheduler, service = bot.bot_data["scheduler"], bot.bot_data["service"]
    count = len(storage.reminders("telegram:703"))
    assert count and len(scheduler.pending()) == count

    fake.send_text(user, "/remind off")
    sent = await fake.wait_sent(6, chat_id=user)
    assert f"({count} removed)" in sent[5].plain
    assert storage.reminders("telegram:703") == [] and scheduler.pending() == []

    fake.send_text(user, "/remind")
    await fake.wait_sent(7, chat_id=user)
    assert storage.reminders("telegram:703")
    assert storage.get_prefs("telegram:703") == {"language": "en", "programme": "enjmin"}

    fake.send_text(user, "/forget")
    sent = await fake.wait_sent(8, chat_id=user)
    assert sent[7].plain == t("forget_done", "en", count=len(storage.reminders("telegram:703")) or count)
    assert storage.get_prefs("telegram:703") == {}
    assert storage.get_profile("telegram:703") is None
    assert storage.reminders("telegram:703") == []
    assert scheduler.pending() == []
    assert not [k for k in service.conversations if k[1] == str(user)]


async def test_remind_asks_for_a_programme_first(fake: FakeBotAPI, bot: Any, assistant: Any) -> None:
    fake.send_text(704, "/remind")
    [reply] = await fake.wait_sent(1, chat_id=704)
    assert reply.plain == t("need_programme", "fr")
    assert {Action.decode(b["callback_data"]).core() for b in reply.buttons()} == {
        b.action for b in assistant.programme_buttons("fr")
    }
