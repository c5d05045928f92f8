"""End to end through the fake Bot API: private chats, buttons, groups, non-text updates."""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import JANUARY, Clock
from fake_bot_api import FakeBotAPI

from adapters.telegram.handlers import COMMANDS
from assistant.actions import Action


def t(key: str, lang: str = "fr", **values: Any) -> str:
    from assistant.kb.catalogue import t as catalogue_t

    return catalogue_t(key, lang, **values)


def actions(call: Any) -> set[str]:
    """The core actions under a message (without the service's owner mark)."""
    return {Action.decode(b["callback_data"]).core() for b in call.buttons()}


def data_for(call: Any, action: str) -> str:
    """The callback data of the button doing `action` under a message."""
    return next(
        b["callback_data"] for b in call.buttons() if Action.decode(b["callback_data"]).core() == action
    )


async def test_commands_are_registered_in_french_and_english(fake: FakeBotAPI, bot: Any) -> None:
    assert [c["command"] for c in fake.commands[""]] == list(COMMANDS)
    assert [c["command"] for c in fake.commands["fr"]] == list(COMMANDS)
    assert fake.commands["fr"][0]["description"] == t("command_start", "fr")
    assert fake.commands[""][0]["description"] == t("command_start", "en")


async def test_start_question_clarification_answer(
    fake: FakeBotAPI, bot: Any, storage: Any, clock: Clock, assistant: Any
) -> None:
    from assistant.context import Conversation

    clock.value = JANUARY
    user = 101
    fake.send_text(user, "/start")
    [welcome] = await fake.wait_sent(1, chat_id=user)
    assert actions(welcome) == {"lang:fr", "lang:en"}

    fake.press(user, welcome, "lang:en")
    sent = await fake.wait_sent(3, chat_id=user)
    assert "I answer application questions" in sent[1].plain  # the core's help answer, in English
    programmes = {b.action for b in assistant.programme_buttons("en")}
    assert actions(sent[2]) == programmes
    assert storage.get_prefs("telegram:101") == {"language": "en"}

    fake.send_text(user, "when is the deadline?")
    sent = await fake.wait_sent(4, chat_id=user)
    both = sent[3]  # no programme named: one short answer per programme, and a button for each
    assert "Cnam-ENJMIN" in both.plain and "IIM" in both.plain
    assert {"topic:deadline@enjmin", "topic:deadline@iim"} <= actions(both)

    fake.press(user, both, data_for(both, "topic:deadline@enjmin"))
    sent = await fake.wait_sent(5, chat_id=user)
    answer = sent[4]
    # exactly what the core answers for the same exchange (as the CLI would show it)
    conv = Conversation()
    assistant.ask("when is the deadline?", conv, language="en", today=JANUARY.date())
    expected = assistant.press("topic:deadline@enjmin", conv, today=JANUARY.date())
    assert expected.decision == "answer" and expected.programme == "enjmin"
    assert answer.plain.startswith(expected.title or "")  # the core's title first, then its text
    assert expected.blocks[0][:100] in answer.plain
    assert expected.intent == "enjmin.deadline" and "Friday 23 January 2026 at 12:00" in answer.plain
    assert storage.get_prefs("telegram:101") == {"language": "en", "programme": "enjmin"}
    assert len(fake.sent("answerCallbackQuery")) == 2

    # the conversation now knows the programme: the same question is answered directly, with follow-ups
    fake.send_text(user, "when is the deadline?")
    sent = await fake.wait_sent(6, chat_id=user)
    answer = sent[5]
    assert "Friday 23 January 2026 at 12:00" in answer.plain
    assert "(in 22 days)" in answer.plain
    assert any(a.startswith("topic:") for a in actions(answer))

    # a suggestion button is answered by the core too
    suggestion = next(b["callback_data"] for b in answer.buttons())
    fake.press(user, answer, suggestion)
    await fake.wait_sent(7, chat_id=user)


async def test_private_text_gets_the_same_answer_as_the_core(
    fake: FakeBotAPI, bot: Any, assistant: Any, clock: Clock
) -> None:
    from assistant.context import Conversation

    clock.value = JANUARY
    expected = assistant.ask("documents à fournir enjmin", Conversation(), today=JANUARY.date())
    fake.send_text(102, "documents à fournir enjmin")
    [reply] = await fake.wait_sent(1, chat_id=102)
    assert reply.plain.startswith(expected.title or "")
    assert expected.blocks[0][:80] in reply.plain
    assert reply.params["parse_mode"] == "HTML"


async def test_group_answers_only_when_addressed(fake: FakeBotAPI, bot: Any) -> None:
    group = -1001
    fake.send_text(201, "quelle est la date limite enjmin ?", chat_id=group, chat_type="group")
    fake.send_text(201, "/help", chat_id=group, chat_type="group")  # processed after the first (same chat)
    [help_msg] = await fake.wait_sent(1, chat_id=group)
    assert "/deadlines" in help_msg.plain  # ...and the plain message before it got no answer

    question_id = fake.mention(202, group, "quelle est la date limite enjmin ?")
    sent = await fake.wait_sent(2, chat_id=group)
    assert "23 janvier 2026" in sent[1].plain
    assert sent[1].params["reply_parameters"]["message_id"] > 0  # answered as a reply to the question
    assert question_id

    # a reply to one of the bot's messages is addressed to it
    fake.send_text(203, "et les documents ?", chat_id=group, chat_type="group", reply_to=sent[1].result)
    sent = await fake.wait_sent(3, chat_id=group)

    fake.send_text(204, "/ask documents à fournir enjmin", chat_id=group, chat_type="group")
    sent = await fake.wait_sent(4, chat_id=group)
    fake.send_text(204, "/ask@candidate_test_bot date limite iim", chat_id=group, chat_type="group")
    fake.send_text(204, "un message sans mention", chat_id=group, chat_type="group")
    fake.send_text(204, "/ask", chat_id=group, chat_type="group")
    sent = await fake.wait_sent(6, chat_id=group)
    assert sent[5].plain == t("ask_usage")
    await asyncio.sleep(0.2)
    assert len(fake.sent(chat_id=group)) == 6


async def test_group_admin_binds_the_group_to_a_programme(
    fake: FakeBotAPI, bot: Any, storage: Any, clock: Clock
) -> None:
    clock.value = JANUARY
    group, admin, member = -2002, 501, 502
    fake.admins[(group, admin)] = "administrator"
    fake.send_text(member, "/programme", chat_id=group, chat_type="group")
    [menu] = await fake.wait_sent(1, chat_id=group)
    assert "bind:enjmin" in actions(menu)

    fake.press(member, menu, "bind:enjmin")  # a plain member may not bind the group
    await fake.wait_sent(1, "answerCallbackQuery")
    toasts = [c.params.get("text") for c in fake.sent("answerCallbackQuery")]
    assert toasts[-1] == t("moderators_only")  # a notification to that member, nothing in the group
    assert len(fake.sent(chat_id=group)) == 1
    assert storage.get_setting("telegram:chat:-2002", "programme") is None

    fake.press(admin, menu, "bind:enjmin")
    sent = await fake.wait_sent(2, chat_id=group)
    assert "Cnam-ENJMIN" in sent[1].plain
    assert storage.get_setting("telegram:chat:-2002", "programme") == "enjmin"  # stored: survives a restart

    fake.send_text(member, "/ask date limite ?", chat_id=group, chat_type="group")  # names no programme
    sent = await fake.wait_sent(3, chat_id=group)
    assert "23 janvier 2026" in sent[2].plain  # answered for the bound programme, no clarification


async def test_media_edits_and_channel_posts_are_handled_gracefully(fake: FakeBotAPI, bot: Any) -> None:
    user = 301
    fake.push(
        "message",
        fake.new_message(
            user,
            sticker={
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
        ),
    )
    fake.push(
        "message",
        fake.new_message(user, photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]),
    )
    edited = fake.new_message(user, "date limite enjmin", edit_date=1)
    fake.push("edited_message", edited)
    fake.push("channel_post", fake.new_message(user, "hello", chat_id=-1009, chat_type="channel"))
    fake.push(
        "message",
        fake.new_message(
            302,
            chat_id=-1002,
            chat_type="group",
            photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
        ),
    )
    fake.send_text(user, "date limite enjmin")
    sent = await fake.wait_sent(3, chat_id=user)
    assert sent[0].plain == sent[1].plain == t("only_text")
    assert "23 janvier 2026" in sent[2].plain
    await asyncio.sleep(0.2)
    assert len(fake.sent()) == 3


async def test_an_exception_in_one_update_does_not_stop_the_bot(
    fake: FakeBotAPI, bot: Any, caplog: Any
) -> None:
    service = bot.bot_data["service"]
    real = service.assistant

    class Exploding:
        """Fault injection around the real core: one question raises."""

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def ask(self, text: str, *args: Any, **kwargs: Any) -> Any:
            if text == "boom":
                raise RuntimeError(f"boom with {fake.token}")
            return real.ask(text, *args, **kwargs)

    from adapters.telegram import logsafe

    flt = logsafe.install(fake.token)
    service.assistant = Exploding()
    try:
        fake.send_text(401, "boom")
        fake.send_text(401, "date limite enjmin")
        sent = await fake.wait_sent(2, chat_id=401)
    finally:
        service.assistant = real
        for handler in __import__("logging").getLogger().handlers:
            handler.removeFilter(flt)
    assert sent[0].plain == t("error")
    assert "23 janvier 2026" in sent[1].plain
    assert "RuntimeError" in caplog.text
    assert fake.token not in caplog.text


async def test_deadlines_command_gives_countdowns(fake: FakeBotAPI, bot: Any, clock: Clock) -> None:
    clock.value = JANUARY
    fake.send_text(103, "/deadlines")
    [reply] = await fake.wait_sent(1, chat_id=103)
    assert "23 janv" in reply.plain and "dans 22 jours" in reply.plain
    assert reply.text.startswith("<b>")  # the core's title, in bold
