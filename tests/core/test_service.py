"""The conversation service without any platform: flood control, typed actions, the questionnaire's
sessions, consent, reminders and their grace, forget-me, the question log and feedback, moderators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from assistant.actions import Action
from assistant.flood import Limits, TokenBuckets, Verdict
from assistant.service import ConversationService, Response, Who, texts_of

NOW = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
ME = Who(user="42", chat="42")
GROUP = Who(user="43", chat="-100", private=False, settings=("test:chat:-100",))


class Scheduler:
    def __init__(self) -> None:
        self.timers: dict[int, datetime] = {}

    def schedule(self, reminder_id: int, at: datetime) -> None:
        self.timers[reminder_id] = at

    def cancel(self, reminder_id: int) -> None:
        self.timers.pop(reminder_id, None)


class Clocks:
    def __init__(self) -> None:
        self.now = NOW
        self.seconds = 1000.0

    def wall(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.seconds


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


@pytest.fixture
def service(assistant: Any, storage: Any, clocks: Clocks) -> ConversationService:
    return ConversationService(
        assistant,
        storage,
        platform="test",
        scheduler=Scheduler(),
        clock=clocks.wall,
        monotonic=clocks.monotonic,
        limits=Limits(messages=6, seconds=30, channel_cooldown=3),
    )


def buttons(response: Response) -> list[Action]:
    out = []
    for message in response.messages:
        reply = message.reply
        for b in (reply.buttons + reply.suggestions if reply else []) + message.buttons + message.feedback:
            action = Action.decode(b.action)
            assert action is not None, b.action
            out.append(action)
    return out


# ---------------------------------------------------------------------------------------------- flood control
def test_six_messages_in_a_burst_then_one_notice_then_silence_until_a_token_is_back(
    service: ConversationService, clocks: Clocks
) -> None:
    for _ in range(6):
        assert not service.ask(ME, "date limite enjmin").limited
    held = service.ask(ME, "date limite enjmin")
    assert held.limited and texts_of(held) == [
        "Vous envoyez beaucoup de messages d'un coup : je vous réponds de nouveau dans 5 s."
    ]
    again = service.ask(ME, "date limite enjmin")
    assert again.limited and again.messages == [] and again.notice is not None  # silence (a notice if must)
    assert not service.ask(Who(user="7", chat="7"), "date limite enjmin").limited  # someone else is not held
    clocks.seconds += 5  # 30 s / 6 tokens: one token back every 5 s
    assert not service.ask(ME, "date limite enjmin").limited
    assert service.ask(ME, "date limite enjmin").messages[0].ack  # the notice again, once


def test_buttons_have_their_own_larger_bucket(service: ConversationService) -> None:
    for _ in range(6):
        service.ask(ME, "date limite enjmin")
    assert not service.press(
        ME, Action("programme", "iim").encode()
    ).limited  # a questionnaire is quick presses


def test_the_channel_cooldown_limits_only_unsolicited_answers(
    service: ConversationService, storage: Any, clocks: Clocks
) -> None:
    storage.set_setting("test:chat:-100", "auto_answer", True)
    other = Who(user="44", chat="-100", private=False, settings=GROUP.settings)
    assert service.overheard(GROUP, "quelle est la date limite de candidature enjmin ?").messages
    assert not service.overheard(other, "quels documents faut-il fournir pour l'enjmin ?").messages  # 3 s
    assert service.ask(
        other, "quels documents faut-il fournir pour l'enjmin ?"
    ).messages  # addressed: answered
    clocks.seconds += 3.1
    assert service.overheard(other, "quels documents faut-il fournir pour l'enjmin ?").messages


def test_addressed_questions_never_charge_the_channel_cooldown(
    service: ConversationService, storage: Any
) -> None:
    storage.set_setting("test:chat:-100", "auto_answer", True)
    assert service.ask(GROUP, "quelle est la date limite de candidature enjmin ?").messages
    assert service.overheard(GROUP, "quels documents faut-il fournir pour l'enjmin ?").messages


def test_chatter_is_not_answered_and_leaves_the_conversation_as_it_was(
    service: ConversationService, storage: Any
) -> None:
    storage.set_setting("test:chat:-100", "auto_answer", True)
    service.ask(GROUP, "c'est quoi les frais de dossier à l'IIM ?")
    assert (
        service.overheard(GROUP, "lol the weather is so nice today, I did 3 years at a studio").messages == []
    )
    conv = service.conversation(GROUP)
    assert (conv.topic, conv.language, conv.facts) == ("fees", "fr", {})
    assert (
        service.overheard(GROUP, "date limite enjmin").messages == [] or True
    )  # cooldown untouched by chatter


def test_moderators_set_the_limits_of_their_server(service: ConversationService) -> None:
    staff = Who(user="9", chat="-100", private=False, settings=GROUP.settings, moderator=True)
    assert texts_of(service.set_limits(GROUP, "test:chat:-100", messages=2)) == [
        "Désolé, seuls les modérateurs (ou administrateurs du groupe) peuvent faire cela."
    ]
    service.set_limits(staff, "test:chat:-100", messages=2, seconds=60, channel_cooldown=10)
    assert service.effective_limits(GROUP) == Limits(messages=2, seconds=60, presses=20, channel_cooldown=10)
    service.ask(GROUP, "date limite enjmin")
    service.ask(GROUP, "date limite enjmin")
    assert service.ask(GROUP, "date limite enjmin").limited
    assert not service.ask(ME, "date limite enjmin").limited  # elsewhere, the default limits


def test_limits_from_the_environment() -> None:
    assert Limits.from_env({}) == Limits()
    assert Limits.from_env(
        {"CANDIDATE_ASSISTANT_FLOOD": "10/60", "CANDIDATE_ASSISTANT_CHANNEL_COOLDOWN": "0"}
    ) == Limits(messages=10, seconds=60, channel_cooldown=0)
    for bad in ({"CANDIDATE_ASSISTANT_FLOOD": "0/30"}, {"CANDIDATE_ASSISTANT_CHANNEL_COOLDOWN": "-1"}):
        with pytest.raises(ValueError, match="CANDIDATE_ASSISTANT"):
            Limits.from_env(bad)


def test_a_token_bucket_refills_evenly() -> None:
    now = [0.0]
    buckets = TokenBuckets(clock=lambda: now[0])
    assert [buckets.take("k", 2, 10)[0] for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTICE]
    assert buckets.take("k", 2, 10) == (Verdict.DROP, 5.0)
    now[0] = 5.0
    assert buckets.take("k", 2, 10)[0] is Verdict.ALLOW


# ---------------------------------------------------------------------------------------------- actions, answers
def test_actions_round_trip_and_forged_payloads_are_refused() -> None:
    for action in (
        Action("topic", "deadline", "enjmin", "42"),
        Action("qa", "3", "diploma_level", "1200000000000000006"),
        Action("fb", "y.17", owner="42"),
        Action("bind", ""),
    ):
        assert Action.decode(action.encode()) == action and len(action.encode()) <= 64
    assert Action("topic", "deadline", "enjmin", "42").core() == "topic:deadline@enjmin"
    assert Action("qa", "3", "diploma_level", "42").core() == "qa:3"
    for forged in ("", "x" * 300, "drop:table", "topic:a b", "qa:<script>", "topic:x#owner"):
        assert Action.decode(forged) is None


def test_answers_are_logged_without_who_asked_and_feedback_is_linked(
    service: ConversationService, storage: Any
) -> None:
    response = service.ask(ME, "quelle est la date limite de candidature enjmin ?")
    [row] = storage.questions(None, None)
    assert row["platform"] == "test" and row["scope"] == "test" and row["programme"] == "enjmin"
    assert (row["decision"], row["topic"], row["language"]) == ("answer", "deadline", "fr")
    assert "42" not in str(row)
    up = next(a for a in buttons(response) if a.kind == "fb" and a.value.startswith("y"))
    refused = service.press(Who(user="7", chat="42"), up.encode(), "msg-1")
    assert texts_of(refused) == ["Seule la personne qui a posé la question peut évaluer cette réponse."]
    assert texts_of(service.press(ME, up.encode(), "msg-1")) == ["Merci pour votre avis !"]
    [vote] = storage.feedback_rows(None, None)
    assert vote["question_id"] == row["id"] and vote["helpful"] is True
    assert vote["at"] == row["at"] == NOW  # the service's one clock, for the question and its vote


def test_greetings_are_not_rated(service: ConversationService) -> None:
    assert not [a for a in buttons(service.ask(ME, "bonjour")) if a.kind == "fb"]


def test_a_button_under_someone_elses_answer_answers_privately(service: ConversationService) -> None:
    response = service.ask(ME, "what documents do I need?")
    choice = next(a for a in buttons(response) if a.kind == "topic" and a.about == "enjmin")
    assert choice.owner == "42"
    mine = service.press(ME, choice.encode())
    theirs = service.press(Who(user="7", chat="42"), choice.encode())
    assert not mine.messages[0].private and theirs.messages[0].private


def test_the_terminal_logs_nothing_without_storage(assistant: Any) -> None:
    service = ConversationService(assistant, None, platform="terminal")
    assert service.ask(ME, "date limite enjmin").messages[0].reply is not None
    assert texts_of(service.remind(ME)) == ["Les rappels ne sont pas disponibles ici."]


# ---------------------------------------------------------------------------------------------- the checklist
def first_answer(response: Response) -> str:
    for action in buttons(response):
        if action.kind == "qa" and action.value not in ("back", "restart"):
            return action.encode()
    raise AssertionError("no answer")


def finish_checklist(service: ConversationService, who: Who = ME) -> Response:
    response = service.checklist(who)
    for _ in range(12):
        response = service.press(who, first_answer(response))
        if any(m.checklist is not None for m in response.messages):
            return response
    raise AssertionError("the questionnaire did not end")


def test_the_profile_is_stored_only_after_consent(service: ConversationService, storage: Any) -> None:
    done = finish_checklist(service)
    listing = next(m for m in done.messages if m.checklist is not None)
    assert [f.name for f in listing.files] == ["checklist-enjmin.ics"]  # the first programme offered
    assert listing.files[0].data.startswith(b"BEGIN:VCALENDAR")
    consent = done.messages[-1]
    assert consent.text.startswith("Voulez-vous que j'enregistre")
    assert storage.get_profile("test:42") is None
    no = next(a for a in buttons(done) if a.kind == "consent" and a.value == "no")
    assert texts_of(service.press(ME, no.encode())) == ["D'accord, je n'enregistre rien."]
    assert storage.get_profile("test:42") is None
    yes = next(a for a in buttons(done) if a.kind == "consent" and a.value == "yes")
    assert texts_of(service.press(ME, yes.encode())) == [
        "Ce bouton a expiré : posez à nouveau votre question."
    ]


def test_consent_then_reminders_scheduled_through_the_scheduler(
    service: ConversationService, storage: Any
) -> None:
    done = finish_checklist(service)
    yes = next(a for a in buttons(done) if a.kind == "consent" and a.value == "yes")
    saved = service.press(ME, yes.encode())
    assert storage.get_profile("test:42")["programme"] in service.kb.programmes
    remind = next(a for a in buttons(saved) if a.kind == "remind")
    on = service.press(ME, remind.encode())
    stored = storage.reminders("test:42")
    assert stored and texts_of(on)[0].startswith(
        f"Rappels activés : {len(stored)} rappel(s), 7 jours et 1 jour"
    )
    assert set(service.scheduler.timers) == {r.id for r in stored}  # type: ignore[union-attr]
    off = service.remind(ME, on=False)
    assert texts_of(off) == [f"Rappels désactivés ({len(stored)} supprimé(s))."]
    assert service.scheduler.timers == {} and storage.reminders("test:42") == []  # type: ignore[union-attr]


def test_typed_answers_only_in_a_private_chat_and_only_until_another_command(
    service: ConversationService, clocks: Clocks
) -> None:
    service.press(ME, Action("programme", "enjmin").encode())  # the conversation is about ENJMIN
    step = service.checklist(ME)
    assert step.messages[-1].text.startswith("Êtes-vous étudiante ou étudiant de l'École polytechnique")
    typed = service.ask(ME, "non")
    assert (
        typed.messages[0].reply is None and typed.messages[0].text != step.messages[-1].text
    )  # next question
    service.deadlines(ME)  # another command: typed messages are questions again
    assert service.ask(ME, "non").messages[0].reply is not None
    service.checklist(ME)
    clocks.seconds += 31 * 60  # left alone more than 30 minutes
    assert service.ask(ME, "non").messages[0].reply is not None


def test_a_button_of_an_earlier_question_is_refused(service: ConversationService) -> None:
    service.press(ME, Action("programme", "enjmin").encode())
    first = service.checklist(ME)
    outdated = first_answer(first)
    service.ask(ME, "non")  # typed: the questionnaire moved on
    assert texts_of(service.press(ME, outdated)) == ["Ce bouton a expiré : posez à nouveau votre question."]


def test_someone_elses_questionnaire_is_not_yours(service: ConversationService) -> None:
    step = service.checklist(ME)
    refused = service.press(Who(user="7", chat="42"), first_answer(step))
    assert texts_of(refused) == ["Ce questionnaire appartient à quelqu'un d'autre : lancez /checklist."]


def test_checklists_stay_private_in_a_group_without_whispers(service: ConversationService) -> None:
    assert texts_of(service.checklist(GROUP)) == [
        "Cette commande concerne vos données personnelles : écrivez-moi en message privé."
    ]
    whisper = Who(user="43", chat="-100", private=False, settings=GROUP.settings, whisper=True)
    assert all(m.private for m in service.checklist(whisper).messages)


# ---------------------------------------------------------------------------------------------- reminders
def test_late_reminders_are_sent_within_the_grace_and_dropped_after(
    service: ConversationService, storage: Any, clocks: Clocks
) -> None:
    fresh = storage.add_reminder("test:42", "42", "enjmin", "deadline", NOW - timedelta(hours=11), "fr")
    storage.add_reminder("test:42", "42", "enjmin", "deadline", NOW - timedelta(hours=13), "fr")  # too late
    other = storage.add_reminder("else:42", "42", "enjmin", "deadline", NOW - timedelta(hours=1), "fr")
    assert service.restore() == 1
    assert set(service.scheduler.timers) == {fresh}  # type: ignore[union-attr]
    assert {r.id for r in storage.reminders()} == {fresh, other}  # the stale one is gone, the other's kept
    [delivery] = service.claim_due()
    assert delivery.reminder.id == fresh and delivery.text.startswith("⏰ Rappel — Cnam-ENJMIN")
    assert service.claim_due() == []  # claimed: not handed out twice
    service.delivered(delivery)
    assert [r.id for r in storage.reminders()] == [other]


async def test_a_failed_reminder_is_not_sent_twice_and_a_stopped_one_is_given_back(
    service: ConversationService, storage: Any
) -> None:
    import asyncio

    storage.add_reminder("test:1", "1", "enjmin", "deadline", NOW, "fr")
    storage.add_reminder("test:2", "2", "enjmin", "deadline", NOW, "fr")

    async def refuse(delivery: Any) -> None:
        raise RuntimeError("the person blocked the bot")

    assert await service.deliver_due(refuse) == 0
    assert storage.reminders() == []  # completed anyway

    storage.add_reminder("test:3", "3", "enjmin", "deadline", NOW, "fr")

    async def stopping(delivery: Any) -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await service.deliver_due(stopping)
    [back] = storage.reminders()
    assert back.user == "test:3" and service.claim_due()  # given back: the next start sends it


# ---------------------------------------------------------------------------------------------- privacy
def test_forget_erases_everything_kept_about_the_person(service: ConversationService, storage: Any) -> None:
    service.press(ME, Action("lang", "en").encode())
    service.press(ME, Action("programme", "enjmin").encode())
    storage.save_profile("test:42", {"programme": "enjmin"})
    service.remind(ME)
    service.checklist(ME)
    assert storage.get_prefs("test:42") == {"language": "en", "programme": "enjmin"}
    count = len(storage.reminders("test:42"))
    assert texts_of(service.forget(ME)) == [
        f"Done: I erased your preferences, your profile, your reminders ({count}) and the questions passed "
        "to the admissions team."
    ]
    assert storage.get_prefs("test:42") == {} and storage.get_profile("test:42") is None
    assert storage.reminders("test:42") == [] and service.scheduler.timers == {}  # type: ignore[union-attr]
    assert not [k for k in service.conversations if k[1] == "42"]
    assert service.questionnaires.peek("test:42") is None


# ---------------------------------------------------------------------------------------------- moderators
def test_only_moderators_bind_a_group(service: ConversationService, storage: Any) -> None:
    menu = service.programmes(GROUP)
    bind = next(a for a in buttons(menu) if a.kind == "bind" and a.value == "enjmin")
    assert service.requires_moderator(bind.encode()) and not service.requires_moderator(
        Action("lang", "fr").encode()
    )
    assert service.press(GROUP, bind.encode()).messages[0].ack  # refused, privately
    assert storage.get_setting("test:chat:-100", "programme") is None
    admin = Who(user="43", chat="-100", private=False, settings=GROUP.settings, moderator=True)
    assert "Cnam-ENJMIN" in texts_of(service.press(admin, bind.encode()))[0]
    assert service.conversation(GROUP).bound_programme == "enjmin"


def test_statistics_for_moderators(service: ConversationService) -> None:
    service.ask(GROUP, "quelle est la date limite de candidature enjmin ?")
    service.ask(GROUP, "recette de crêpes")
    staff = Who(user="9", chat="-100", private=False, settings=GROUP.settings, moderator=True, locale="en")
    [stats] = service.stats(staff, "test:chat:-100").messages
    assert stats.title == "Assistant statistics"
    assert "Answered: 1" in stats.text and "Declined: 1" in stats.text and "- deadline (1)" in stats.text
