"""End to end through the fake Bot API: a declined question handed over to the staff chat, a staff
member's reply relayed to the candidate (after a restart of the bot), the report counting it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from fake_bot_api import FakeBotAPI
from telegram_harness import running_bot

from adapters.cli.main import main
from adapters.telegram.handlers import COMMANDS
from assistant.actions import Action
from assistant.kb.catalogue import t

STAFF_CHAT = -1005001
CANDIDATE = 201
STAFF_MEMBER = 301
DECLINED = "Can you do my maths homework?"


def button(call: Any, value: str) -> str:
    """The callback data of the handover button `value` (ask, yes, no) under a message."""
    for b in call.buttons():
        action = Action.decode(b["callback_data"])
        if action is not None and action.kind == "human" and action.value == value:
            return b["callback_data"]
    raise AssertionError(f"no handover button {value!r} under {call.plain[:80]!r}: {call.buttons()}")


def report(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["report", "--db", str(db), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["handovers"]


async def test_a_declined_question_reaches_the_staff_chat_and_the_staff_reply_the_candidate(
    fake: FakeBotAPI, assistant: Any, storage: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with running_bot(fake, assistant, storage, staff_chat=STAFF_CHAT):
        assert "human" in [c["command"] for c in fake.commands[""]] and "human" in COMMANDS
        human = next(c for c in fake.commands["fr"] if c["command"] == "human")
        assert human["description"] == t("command_human", "fr")

        fake.send_text(CANDIDATE, DECLINED, language_code="en")
        [declined] = await fake.wait_sent(1, chat_id=CANDIDATE)
        fake.press(CANDIDATE, declined, button(declined, "ask"))
        offer = (await fake.wait_sent(2, chat_id=CANDIDATE))[1]
        assert DECLINED in offer.plain
        fake.press(CANDIDATE, offer, button(offer, "yes"))

        [post] = await fake.wait_sent(1, chat_id=STAFF_CHAT)
        ack = (await fake.wait_sent(3, chat_id=CANDIDATE))[2]
        assert ack.plain.startswith(t("handover_sent", "en"))
        email = next(iter(assistant.kb.programmes.values())).programme.contacts[0].email
        assert email in ack.plain  # the official contacts, from the knowledge base
        [handover] = storage.handovers()
        assert post.plain.startswith(t("handover_staff_title", "fr", id=handover["id"]))
        assert DECLINED in post.plain and "English" in post.plain  # question, language, last exchange
        assert "Assistant : That's not something I can help with" in post.plain
        assert t("handover_no_programme", "fr") in post.plain

        # staff talking in the staff chat are not candidates: no answer
        fake.push(
            "message",
            fake.new_message(STAFF_MEMBER, "who takes this one?", chat_id=STAFF_CHAT, chat_type="supergroup"),
        )
        fake.send_text(STAFF_MEMBER, "/ask what is the deadline?", chat_id=STAFF_CHAT, chat_type="supergroup")
        fake.send_text(CANDIDATE, "thanks")  # answered after the staff chat's messages were read
        await fake.wait_sent(4, chat_id=CANDIDATE)
        await asyncio.sleep(0.3)
    assert len(fake.sent(chat_id=STAFF_CHAT)) == 1
    assert report(capsys, tmp_path / "bot.db") == {"open": 1, "answered": 0}

    # a new bot process (the mapping post -> handover is in the database): the staff member replies
    async with running_bot(fake, assistant, storage, staff_chat=STAFF_CHAT):
        reply = fake.new_message(
            STAFF_MEMBER,
            "Hello, <b>no</b>: we cannot.",
            chat_id=STAFF_CHAT,
            chat_type="supergroup",
            reply_to=post.result,
        )
        fake.push("message", reply)
        answer = (await fake.wait_sent(5, chat_id=CANDIDATE))[4]
        assert answer.plain == t("handover_answer_title", "en") + "\n\nHello, <b>no</b>: we cannot."
        assert "&lt;b&gt;" in answer.text  # escaped by the renderer
        confirmation = (await fake.wait_sent(2, chat_id=STAFF_CHAT))[1]
        assert confirmation.plain == t("handover_relayed", "fr", id=handover["id"])
        assert confirmation.params["reply_parameters"]["message_id"] == reply["message_id"]

        # a reply to a bot message that is not a question is refused, nothing relayed
        fake.push(
            "message",
            fake.new_message(
                STAFF_MEMBER,
                "and this?",
                chat_id=STAFF_CHAT,
                chat_type="supergroup",
                reply_to=confirmation.result,
            ),
        )
        refused = (await fake.wait_sent(3, chat_id=STAFF_CHAT))[2]
        assert refused.plain == t("handover_unknown", "fr")
    assert len(fake.sent(chat_id=CANDIDATE)) == 5
    assert storage.get_handover(handover["id"])["answer"] == "Hello, <b>no</b>: we cannot."
    assert report(capsys, tmp_path / "bot.db") == {"open": 0, "answered": 1}
    assert not fake.rejected()


async def test_human_command_then_the_question(fake: FakeBotAPI, assistant: Any, storage: Any) -> None:
    async with running_bot(fake, assistant, storage, staff_chat=STAFF_CHAT):
        fake.send_text(CANDIDATE, "/human")
        [prompt] = await fake.wait_sent(1, chat_id=CANDIDATE)
        assert prompt.plain == t("handover_type_question", "fr")
        fake.send_text(CANDIDATE, "Mon diplôme belge est-il reconnu ?")
        offer = (await fake.wait_sent(2, chat_id=CANDIDATE))[1]
        fake.press(CANDIDATE, offer, button(offer, "yes"))
        [post] = await fake.wait_sent(1, chat_id=STAFF_CHAT)
        assert "Mon diplôme belge est-il reconnu ?" in post.plain
    [handover] = storage.handovers()
    assert handover["staff_ref"] == f"telegram:staff:{STAFF_CHAT}:{post.result['message_id']}"


async def test_without_a_staff_chat_the_candidate_is_told_and_nothing_is_stored(
    fake: FakeBotAPI, assistant: Any, storage: Any
) -> None:
    async with running_bot(fake, assistant, storage):
        fake.send_text(CANDIDATE, "/human Can someone call me?", language_code="en")
        [message] = await fake.wait_sent(1, chat_id=CANDIDATE)
        assert message.plain.startswith(t("handover_unavailable", "en"))
        assert next(iter(assistant.kb.programmes.values())).programme.contacts[0].email in message.plain
        fake.send_text(CANDIDATE, DECLINED)
        [_, declined] = await fake.wait_sent(2, chat_id=CANDIDATE)
        assert not [b for b in declined.buttons() if Action.decode(b["callback_data"]).kind == "human"]
    assert storage.handovers() == []


async def test_a_staff_chat_that_cannot_be_reached_withdraws_the_handover(
    fake: FakeBotAPI, assistant: Any, storage: Any
) -> None:
    async with running_bot(fake, assistant, storage, staff_chat=STAFF_CHAT):
        fake.send_text(CANDIDATE, "/human Can someone call me?")
        [offer] = await fake.wait_sent(1, chat_id=CANDIDATE)
        fake.fail_next(1, status=403, methods={"sendMessage"})
        fake.press(CANDIDATE, offer, button(offer, "yes"))
        told = (await fake.wait_sent(2, chat_id=CANDIDATE))[1]
        assert told.plain.startswith(t("handover_unavailable", "fr"))
    assert storage.handovers() == []


async def test_in_a_group_the_relayed_answer_mentions_the_candidate_only(
    fake: FakeBotAPI, assistant: Any, storage: Any
) -> None:
    group = -2002
    async with running_bot(fake, assistant, storage, staff_chat=STAFF_CHAT):
        fake.send_text(
            CANDIDATE, "/human Mon diplôme belge est-il reconnu ?", chat_id=group, chat_type="group"
        )
        [offer] = await fake.wait_sent(1, chat_id=group)
        fake.press(CANDIDATE, offer, button(offer, "yes"))
        [post] = await fake.wait_sent(1, chat_id=STAFF_CHAT)
        reply = fake.new_message(
            STAFF_MEMBER,
            "Oui, avec l'attestation.",
            chat_id=STAFF_CHAT,
            chat_type="supergroup",
            reply_to=post.result,
        )
        fake.push("message", reply)
        answer = (await fake.wait_sent(3, chat_id=group))[2]
    assert f'<a href="tg://user?id={CANDIDATE}">' in answer.text
    assert answer.text.count("<a href=") == 1 and "Oui, avec l'attestation." in answer.plain
