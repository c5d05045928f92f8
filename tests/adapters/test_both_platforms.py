"""One behaviour on both platforms, proven on the fake Telegram and the fake Discord: nobody who writes to
the bot is silently ignored, and the same conversation reads the same on both.

Each scenario runs the real bots (PTB against the fake Bot API, discord.py against the fake Discord)
with the real core on the bundled knowledge base, the same clock and the default flood limits.
"""

from __future__ import annotations

import asyncio
import re
import sys
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
for folder in (HERE / "telegram", HERE / "discord"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import discord  # noqa: E402
from discord_harness import config_for, eventually  # noqa: E402
from fake_bot_api import Call, FakeBotAPI  # noqa: E402
from fake_discord import FakeDiscord  # noqa: E402
from telegram_harness import running_bot  # noqa: E402

from adapters.discord.bot import build_bot  # noqa: E402
from assistant.actions import Action  # noqa: E402
from assistant.flood import Limits  # noqa: E402
from assistant.storage import open_storage  # noqa: E402

NOW = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
QUESTIONS = [
    "quelle est la date limite de candidature enjmin ?",
    "quels documents faut-il fournir pour l'enjmin ?",
    "comment se passe l'entretien à l'IIM ?",
    "est-ce que les frais de dossier sont remboursés ?",
]


@pytest.fixture(scope="module")
def assistant() -> Any:
    from assistant.engine import Assistant

    return Assistant.load()


# ---------------------------------------------------------------------------------------------- Telegram
@asynccontextmanager
async def telegram(assistant: Any, tmp_path: Path) -> AsyncIterator[FakeBotAPI]:
    fake = await FakeBotAPI().start()
    storage = open_storage(tmp_path / "telegram.db")
    try:
        async with running_bot(fake, assistant, storage, clock=lambda: NOW, limits=Limits()):
            yield fake
        assert not fake.rejected()
    finally:
        storage.close()
        await fake.close()


def tg_texts(calls: list[Call]) -> list[str]:
    return [c.plain for c in calls]


# ---------------------------------------------------------------------------------------------- Discord
class DiscordWorld:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.guild = fake.add_guild("Admissions")
        self.help = fake.add_channel(self.guild, "help")
        self.candidate = fake.add_user("candidate")
        self.moderator = fake.add_user("moderator")
        staff = fake.add_role(self.guild, "Staff", 1 << 13)
        fake.add_member(self.guild, self.candidate)
        fake.add_member(self.guild, self.moderator, [staff])
        self.dm = fake.dm_channel(self.candidate)

    def replies(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            m
            for m in self.fake.bot_messages()
            if (m.get("message_reference") or {}).get("message_id") == message["id"]
        ]

    async def callback(self, interaction: Any) -> dict[str, Any]:
        call = await self.fake.wait_call(
            "POST", rf"^/interactions/{interaction.id}/{interaction.token}/callback$", timeout=10
        )
        return call.json

    def followups(self, interaction: Any) -> list[dict[str, Any]]:
        return [
            m
            for m in self.fake.messages.values()
            if m.get("interaction_token") == interaction.token and m is not interaction.original
        ]


@asynccontextmanager
async def discord_bot(assistant: Any, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    original = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    fake = FakeDiscord()
    world = DiscordWorld(fake)
    await fake.start()
    storage = open_storage(tmp_path / "discord.db")
    bot = build_bot(assistant, storage, config_for(fake, clock=lambda: NOW, limits=Limits()))
    task = asyncio.create_task(bot.start(fake.token))
    try:
        await eventually(lambda: bot.is_ready() or (task.done() and task.result()), timeout=10)
        yield world
    finally:
        await bot.close()
        await asyncio.wait_for(task, 5)
        storage.close()
        await fake.stop()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = original


def dc_text(message: dict[str, Any]) -> str:
    """What a person reads in a Discord message: its content, then each embed's title and description."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n\n".join(p for p in parts if p)


def dc_checklist(message: dict[str, Any]) -> str:
    """A checklist embed line by line, as a person reads it: title, description, each item (a field)
    and the footer; the "…" field that points to the attached files is Discord's own."""
    [embed] = [e for e in message.get("embeds") or [] if e.get("fields")]
    lines = [embed["title"], *embed.get("description", "").splitlines()]
    for item in embed["fields"]:
        if item["name"] != "…":
            lines += [item["name"], *item["value"].splitlines()]
    return "\n".join([*lines, embed["footer"]["text"]])


def words(text: str) -> str:
    """Text reduced to its words (markup, escapes, bullets and spacing differ between platforms)."""
    text = unicodedata.normalize("NFKC", text).replace("\\", "")
    return " ".join(re.findall(r"[\w']+", text.lower()))


# ---------------------------------------------------------------------------------------------- the tests
async def test_four_questions_sent_04_s_apart_in_a_dm_all_get_answers(assistant: Any, tmp_path: Path) -> None:
    async with telegram(assistant, tmp_path) as fake:
        for question in QUESTIONS:
            fake.send_text(101, question)
            await asyncio.sleep(0.4)
        answers = await fake.wait_sent(4, chat_id=101, timeout=20)
        await asyncio.sleep(0.3)
        assert len(fake.sent(chat_id=101)) == 4
        assert not any("beaucoup de messages" in t for t in tg_texts(answers))
    async with discord_bot(assistant, tmp_path) as world:
        asked = []
        for question in QUESTIONS:
            asked.append(await world.fake.user_message(world.dm, world.candidate, question))
            await asyncio.sleep(0.4)
        await eventually(lambda: all(world.replies(m) for m in asked), timeout=20)
        assert all(world.replies(m)[0]["embeds"] for m in asked)  # answers, not a "please wait"


async def test_a_follow_up_right_after_an_answer_is_answered(assistant: Any, tmp_path: Path) -> None:
    first, follow_up = "c'est quoi les frais de dossier à l'IIM ?", "et pour l'autre école ?"
    async with telegram(assistant, tmp_path) as fake:
        fake.send_text(102, first)
        await fake.wait_sent(1, chat_id=102)
        fake.send_text(102, follow_up)  # right away
        [_, answer] = await fake.wait_sent(2, chat_id=102)
        assert "ENJMIN" in answer.plain  # the same topic, for the other school
    async with discord_bot(assistant, tmp_path) as world:
        question = await world.fake.user_message(world.dm, world.candidate, first)
        await eventually(lambda: world.replies(question))
        again = await world.fake.user_message(world.dm, world.candidate, follow_up)
        [answer] = await eventually(lambda: world.replies(again))
        assert "ENJMIN" in dc_text(answer)


async def test_ask_right_after_a_mention_is_answered(assistant: Any, tmp_path: Path) -> None:
    async with telegram(assistant, tmp_path) as fake:
        fake.mention(103, -500, QUESTIONS[0])
        await fake.wait_sent(1, chat_id=-500)
        fake.send_text(103, f"/ask {QUESTIONS[1]}", chat_id=-500, chat_type="group")
        [_, answer] = await fake.wait_sent(2, chat_id=-500)
        assert "ENJMIN" in answer.plain and "beaucoup de messages" not in answer.plain
    async with discord_bot(assistant, tmp_path) as world:
        fake = world.fake
        mention = await fake.user_message(world.help, world.candidate, f"<@{fake.app_id}> {QUESTIONS[0]}")
        await eventually(lambda: world.replies(mention))
        ask = await fake.slash(
            "ask", world.candidate, world.help, [{"name": "question", "type": 3, "value": QUESTIONS[1]}]
        )
        data = (await world.callback(ask))["data"]
        assert data["embeds"] and not data.get("flags", 0) & 64  # a public answer, not a refusal


async def test_an_auto_answer_channel_answers_a_member_who_just_used_ask(
    assistant: Any, tmp_path: Path
) -> None:
    """Discord only: Telegram bots answer in groups only when addressed (no automatic answers)."""
    async with discord_bot(assistant, tmp_path) as world:
        fake = world.fake
        enable = await fake.slash(
            "assistant", world.moderator, world.help, [{"name": "enable", "type": 1, "options": []}]
        )
        await world.callback(enable)
        ask = await fake.slash(
            "ask", world.candidate, world.help, [{"name": "question", "type": 3, "value": QUESTIONS[0]}]
        )
        await world.callback(ask)
        question = await fake.user_message(
            world.help, world.candidate, "When is the application deadline for ENJMIN?"
        )
        [answer] = await eventually(lambda: world.replies(question), timeout=10)
        assert "23" in dc_text(answer)


async def test_the_same_conversation_gives_the_same_texts_on_telegram_and_discord(
    assistant: Any, tmp_path: Path
) -> None:
    """Questions, the checklist, consent, a reminder, forget: the same words on both platforms."""
    on_telegram = await telegram_conversation(assistant, tmp_path)
    on_discord = await discord_conversation(assistant, tmp_path)
    assert len(on_telegram) == len(on_discord) > 10
    for (step, tg), (_, dc) in zip(on_telegram, on_discord, strict=True):
        if step == "answer":  # Telegram puts the source in the text, Discord in an embed field
            assert words(dc) in words(tg), (step, tg, dc)
        elif step == "checklist":  # one view, two layouts: every line of the embed is in the text
            assert dc.count("\n") > 10, dc
            for line in dc.splitlines():
                assert words(line) in words(tg), (line, tg)
        else:
            assert words(dc) == words(tg), (step, tg, dc)


def _first_answer(buttons: list[tuple[str, str]]) -> str:
    """The payload of the first questionnaire answer among (label, payload) buttons."""
    for _, payload in buttons:
        action = Action.decode(payload)
        if action is not None and action.kind == "qa" and action.value not in ("back", "restart"):
            return payload
    raise AssertionError(f"no answer among {buttons}")


def _payload(buttons: list[tuple[str, str]], kind: str) -> str:
    return next(
        p for _, p in buttons if (a := Action.decode(p)) is not None and a.kind == kind and a.value != "no"
    )


async def telegram_conversation(assistant: Any, tmp_path: Path) -> list[tuple[str, str]]:
    user = 104
    seen: list[tuple[str, str]] = []
    async with telegram(assistant, tmp_path) as fake:

        async def new_messages(before: int, count: int) -> list[Call]:
            return (await fake.wait_sent(before + count, chat_id=user))[before:]

        def buttons(call_or_message: Any) -> list[tuple[str, str]]:
            markup = (call_or_message.result if isinstance(call_or_message, Call) else call_or_message).get(
                "reply_markup"
            ) or {}
            return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]

        for question in QUESTIONS[:2]:
            before = len(fake.sent(chat_id=user))
            fake.send_text(user, question)
            [answer] = await new_messages(before, 1)
            seen.append(("answer", answer.plain))
        before = len(fake.sent(chat_id=user))
        fake.send_text(user, "/checklist")
        intro, question = await new_messages(before, 2)
        seen += [("text", intro.plain), ("question", question.plain)]
        message = question.result
        while True:
            payload = _first_answer(buttons(message))
            edits = len(fake.sent("editMessageText"))
            fake.press(user, message, payload)
            [edit] = (await fake.wait_sent(edits + 1, "editMessageText"))[edits:]
            message = fake.messages[(user, message["message_id"])]
            seen.append(("question", edit.plain))
            if not [p for _, p in buttons(message) if Action.decode(p).value not in ("back", "restart")]:
                break  # the last step: the checklist follows

        def checklist_then_consent() -> list[Call] | None:
            """The checklist (as many messages as Telegram's size limit needs), then the consent question."""
            after = fake.sent(chat_id=user)[before + 2 :]
            asks = [
                i for i, c in enumerate(after) if any("consent" in b["callback_data"] for b in c.buttons())
            ]
            return after[: asks[0] + 1] if asks else None

        *listing, consent = await fake.wait_for(checklist_then_consent)
        assert listing
        seen += [("checklist", "\n".join(c.plain for c in listing)), ("text", consent.plain)]
        before = len(fake.sent(chat_id=user))
        fake.press(user, consent, _payload(buttons(consent), "consent"))
        [saved] = await new_messages(before, 1)
        seen.append(("text", saved.plain))
        fake.press(user, saved, _payload(buttons(saved), "remind"))
        [reminders] = await new_messages(before + 1, 1)
        seen.append(("text", reminders.plain))
        fake.send_text(user, "/forget")
        [forgotten] = await new_messages(before + 2, 1)
        seen.append(("text", forgotten.plain))
    return seen


async def discord_conversation(assistant: Any, tmp_path: Path) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    async with discord_bot(assistant, tmp_path) as world:
        fake = world.fake

        def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
            items = [c for row in message.get("components") or [] for c in row["components"]]
            out = []
            for c in items:
                if c["type"] == 3:  # a select menu: its options carry the payloads
                    out += [(o["label"], o["value"]) for o in c["options"]]
                elif c.get("custom_id", "").startswith("ca:a:"):
                    out.append((c.get("label") or "", c["custom_id"].removeprefix("ca:a:")))
            return out

        async def press(message: dict[str, Any], payload: str) -> Any:
            select = next(
                (c for row in message["components"] for c in row["components"] if c["type"] == 3), None
            )
            if select is not None and any(o["value"] == payload for o in select["options"]):
                return await fake.click(
                    message, select["custom_id"], world.candidate, values=[payload], locale="fr"
                )
            return await fake.click(message, "ca:a:" + payload, world.candidate, locale="fr")

        for question in QUESTIONS[:2]:
            asked = await fake.user_message(world.dm, world.candidate, question)
            [answer] = await eventually(lambda asked=asked: world.replies(asked))
            seen.append(("answer", dc_text(answer)))
        start = await fake.slash("checklist", world.candidate, world.dm, locale="fr")
        intro = (await world.callback(start))["data"]
        [question] = await eventually(lambda: world.followups(start))
        seen += [("text", dc_text(intro)), ("question", dc_text(question))]
        while True:
            click = await press(question, _first_answer(buttons(question)))
            assert (await world.callback(click))["type"] == 7  # edited in place
            question = fake.messages[question["id"]]
            seen.append(("question", dc_text(question)))
            if not [p for _, p in buttons(question) if Action.decode(p).value not in ("back", "restart")]:
                break
        listing, consent = await eventually(
            lambda last=click: (lambda f: f if len(f) >= 2 else None)(world.followups(last))
        )
        seen += [("checklist", dc_checklist(listing)), ("text", dc_text(consent))]
        click = await press(consent, _payload(buttons(consent), "consent"))
        saved = (await world.callback(click))["data"]
        seen.append(("text", dc_text(saved)))
        remind_payload = _payload(
            [
                (c.get("label", ""), c["custom_id"].removeprefix("ca:a:"))
                for row in saved["components"]
                for c in row["components"]
            ],
            "remind",
        )
        click = await fake.click(click.original, "ca:a:" + remind_payload, world.candidate, locale="fr")
        seen.append(("text", dc_text((await world.callback(click))["data"])))
        forget = await fake.slash("forget", world.candidate, world.dm, locale="fr")
        seen.append(("text", dc_text((await world.callback(forget))["data"])))
    return seen
