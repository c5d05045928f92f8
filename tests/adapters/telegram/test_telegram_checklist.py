"""The guided /checklist through the fake Bot API: buttons, a typed answer, the .ics document, consent."""

from __future__ import annotations

from typing import Any

from conftest import JANUARY, Clock
from fake_bot_api import FakeBotAPI

from assistant.actions import Action
from assistant.kb.catalogue import t

CONTROLS = {"back", "restart"}


def choices(message: dict[str, Any]) -> list[str]:
    """The answers offered under a question (callback data), without back/restart."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    out = []
    for row in rows:
        for b in row:
            action = Action.decode(b["callback_data"])
            if action is not None and action.kind == "qa" and action.value not in CONTROLS:
                out.append(b["callback_data"])
    return out


def answer(message: dict[str, Any], value: str) -> str:
    """The callback data of the answer `value` under a question."""
    return next(d for d in choices(message) if Action.decode(d).value == value)


def button(call: Any, kind: str, value: str) -> str:
    return next(
        b["callback_data"]
        for b in call.buttons()
        if (a := Action.decode(b["callback_data"])) is not None and (a.kind, a.value) == (kind, value)
    )


def live_question(fake: FakeBotAPI, chat_id: int) -> dict[str, Any] | None:
    """The bot's newest message in the chat that currently shows questionnaire choices."""
    shown = [m for (cid, _), m in fake.messages.items() if cid == chat_id and choices(m)]
    return max(shown, key=lambda m: m["message_id"]) if shown else None


async def next_question(
    fake: FakeBotAPI, chat_id: int, seen: tuple[int, str] | None
) -> dict[str, Any] | None:
    """Wait for a question other than `seen` (None once the checklist document was sent)."""

    def ready() -> Any:
        if fake.sent("sendDocument", chat_id):
            return "done"
        q = live_question(fake, chat_id)
        return q if q is not None and (q["message_id"], q["text"]) != seen else None

    found = await fake.wait_for(ready)
    return None if found == "done" else found


async def answer_all(fake: FakeBotAPI, user: int, programme: str, type_one: bool) -> bool:
    """Go through the questionnaire: the programme, then the first choice of each question (one typed
    answer if `type_one`); returns whether an answer was typed."""
    q = await next_question(fake, user, None)
    assert q is not None and programme in {Action.decode(d).value for d in choices(q)}  # asked first
    fake.press(user, q, answer(q, programme))
    seen, typed = (q["message_id"], q["text"]), False
    for _ in range(12):  # the core skips questions that cannot change the checklist
        q = await next_question(fake, user, seen)
        if q is None:
            return typed
        seen = (q["message_id"], q["text"])
        if type_one and not typed and "unknown" in {Action.decode(d).value for d in choices(q)}:
            typed = True
            fake.send_text(user, "je ne sais pas")
        else:
            fake.press(user, q, choices(q)[0])
    raise AssertionError("the questionnaire did not end")


async def test_checklist_flow_ends_with_ics_and_consent(
    fake: FakeBotAPI, bot: Any, storage: Any, clock: Clock
) -> None:
    clock.value = JANUARY
    user = 501
    fake.send_text(user, "/checklist")
    assert await answer_all(fake, user, "enjmin", type_one=True)  # buttons and one typed answer

    [document] = await fake.wait_sent(1, "sendDocument", chat_id=user)
    name, data = document.files["document"]
    assert name == "checklist-enjmin.ics"
    assert data.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in data
    texts = [c.plain for c in fake.sent(chat_id=user)]
    assert any(t.startswith("Votre liste personnalisée") and "ENJMIN" in t for t in texts)  # as a message

    consent = await fake.wait_for(
        lambda: [c for c in fake.sent(chat_id=user) if c.plain == t("consent_question", "fr")]
    )
    assert storage.get_profile("telegram:501") is None  # nothing stored before consent
    fake.press(user, consent[-1], button(consent[-1], "consent", "yes"))
    await fake.wait_for(lambda: storage.get_profile("telegram:501") is not None)
    assert storage.get_profile("telegram:501")["programme"] == "enjmin"
    saved = await fake.wait_for(
        lambda: [c for c in fake.sent(chat_id=user) if c.plain.startswith("Profil enregistré.")]
    )

    # the saved profile drives the reminders (offered right away, or /remind later)
    fake.press(user, saved[-1], button(saved[-1], "remind", "on"))
    await fake.wait_for(lambda: storage.reminders("telegram:501"))
    assert "deadline" in {r.event_id for r in storage.reminders("telegram:501")}


async def test_checklist_consent_declined_stores_nothing(
    fake: FakeBotAPI, bot: Any, storage: Any, clock: Clock
) -> None:
    clock.value = JANUARY
    user = 502
    fake.send_text(user, "/checklist")
    await answer_all(fake, user, "iim", type_one=False)
    await fake.wait_sent(1, "sendDocument", chat_id=user)
    consent = await fake.wait_for(
        lambda: [c for c in fake.sent(chat_id=user) if c.plain == t("consent_question", "fr")]
    )
    fake.press(user, consent[-1], button(consent[-1], "consent", "no"))
    await fake.wait_for(
        lambda: [c for c in fake.sent(chat_id=user) if c.plain == t("consent_declined", "fr")]
    )
    assert storage.get_profile("telegram:502") is None


async def test_checklist_is_private_only(fake: FakeBotAPI, bot: Any) -> None:
    fake.send_text(503, "/checklist", chat_id=-1005, chat_type="group")
    [reply] = await fake.wait_sent(1, chat_id=-1005)
    assert reply.plain == t("private_only", "fr")


async def test_another_command_turns_typed_messages_back_into_questions(
    fake: FakeBotAPI, bot: Any, clock: Clock
) -> None:
    clock.value = JANUARY
    user = 504
    fake.send_text(user, "/checklist")
    q = await next_question(fake, user, None)
    assert q is not None
    fake.send_text(user, "/deadlines")  # the user leaves the questionnaire for something else...
    fake.send_text(user, "date limite enjmin")  # ...so this is a question, not an answer
    sent = await fake.wait_sent(4, chat_id=user)
    assert "23 janvier 2026" in sent[3].plain
    fake.press(user, q, answer(q, "iim"))  # the questionnaire's buttons still work
    assert await next_question(fake, user, (q["message_id"], q["text"])) is not None
