"""Handing a question over to the admissions team, in the conversation service (no platform): the offer,
the confirmation, the staff post, the relay of the staff's answer, flood rules, no staff destination."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from assistant.actions import Action
from assistant.handover import MAX_OPEN_PER_PERSON
from assistant.kb.catalogue import t
from assistant.service import ConversationService, Response, Who, texts_of

NOW = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
ME = Who(user="42", chat="42", locale="en")
STAFF = "-500"
DECLINED = "Can you do my maths homework?"


@pytest.fixture
def service(assistant: Any, storage: Any) -> ConversationService:
    service = ConversationService(assistant, storage, platform="test", clock=lambda: NOW)
    service.staff_destination = lambda who: STAFF
    return service


def handover_buttons(response: Response) -> dict[str, str]:
    """{value: payload} of the handover buttons under the response's messages."""
    out = {}
    for message in response.messages:
        for button in message.buttons:
            action = Action.decode(button.action)
            if action is not None and action.kind == "human":
                out[action.value] = button.action
    return out


def confirm(service: ConversationService, who: Who = ME) -> Response:
    offer = service.press(who, handover_buttons(service.ask(who, DECLINED))["ask"])
    assert DECLINED in texts_of(offer)[0]
    return service.press(who, handover_buttons(offer)["yes"])


def test_a_decline_offers_the_handover_and_a_confirmed_one_is_stored_and_posted(
    service: ConversationService, storage: Any, assistant: Any
) -> None:
    answer = service.ask(ME, DECLINED)
    assert answer.messages[0].reply.decision == "decline"
    assert set(handover_buttons(answer)) == {"ask"}
    offer = service.press(ME, handover_buttons(answer)["ask"])
    assert set(handover_buttons(offer)) == {"yes", "no"} and storage.handovers() == []

    done = service.press(ME, handover_buttons(offer)["yes"])
    [stored] = storage.handovers()
    assert stored["status"] == "open" and stored["question"] == DECLINED and stored["language"] == "en"
    assert stored["user"] == "test:42" and stored["chat"] == "dm:42"
    assert [line["from"] for line in stored["transcript"]] == ["candidate", "assistant"]
    assert "That's not something I can help with" in stored["transcript"][1]["text"]
    # the acknowledgement ends with the official contacts, from the knowledge base
    [ack] = done.messages
    assert ack.text.startswith(t("handover_sent", "en"))
    for data in assistant.kb.programmes.values():
        for contact in data.programme.contacts:
            assert contact.email in ack.text
    post = done.staff
    assert post is not None and post.handover_id == stored["id"] and post.destination == STAFF
    assert post.message.title == t("handover_staff_title", "fr", id=stored["id"])
    assert DECLINED in post.message.text and "English" in post.message.text
    assert "Assistant : That's not something" in post.message.text


def test_the_staff_answer_is_relayed_once_posted_and_the_handover_answered(
    service: ConversationService, storage: Any
) -> None:
    post = confirm(service).staff
    assert post is not None
    service.staff_posted(post.handover_id, STAFF, "77")
    assert storage.get_handover(post.handover_id)["staff_ref"] == "test:staff:-500:77"

    assert service.staff_answer(STAFF, "Hello", message_id="78").relay is None  # another message
    assert service.staff_answer("-1", "Hello", message_id="77").relay is None  # another chat
    assert service.staff_answer(STAFF, "Hello", handover_id=post.handover_id + 1).relay is None
    empty = service.staff_answer(STAFF, "  ", message_id="77")
    assert empty.relay is None and empty.notice.text == t("handover_empty_answer", "fr")

    relay = service.staff_answer(STAFF, "Yes, you may apply.", message_id="77").relay
    assert relay is not None and (relay.chat, relay.user, relay.private) == ("42", "42", True)
    assert relay.message.title == t("handover_answer_title", "en")
    assert relay.message.text == "Yes, you may apply." and not relay.again
    assert storage.get_handover(post.handover_id)["status"] == "open"  # not yet: the adapter sends first
    confirmation = service.relayed(relay)
    assert confirmation.text == t("handover_relayed", "fr", id=post.handover_id)
    got = storage.get_handover(post.handover_id)
    assert got["status"] == "answered" and got["answer"] == "Yes, you may apply."

    # a second answer (by the Discord button path: the handover id, at the same destination) follows it
    again = service.staff_answer(STAFF, "Also: the deadline is Friday.", handover_id=post.handover_id).relay
    assert again is not None and again.again
    assert service.relayed(again).text == t("handover_relayed_again", "fr", id=post.handover_id)
    assert storage.get_handover(post.handover_id)["answer"] == "Also: the deadline is Friday."


def test_human_alone_asks_for_the_question_and_the_next_message_is_it(
    service: ConversationService, storage: Any
) -> None:
    prompt = service.human(ME)
    assert texts_of(prompt) == [t("handover_type_question", "en")]
    offer = service.ask(ME, "Is my Belgian diploma accepted?")
    assert "Is my Belgian diploma accepted?" in texts_of(offer)[0]
    assert service.press(ME, handover_buttons(offer)["no"]).messages[0].text == t("handover_cancelled", "en")
    assert storage.handovers() == []
    # /human with the question: the last exchange comes with it
    service.ask(ME, DECLINED)
    offer = service.human(ME, "Can someone call me?")
    done = service.press(ME, handover_buttons(offer)["yes"])
    [stored] = storage.handovers()
    assert stored["question"] == "Can someone call me?"
    assert [line["text"] for line in stored["transcript"]][::2] == [DECLINED, "Can someone call me?"]
    assert done.staff is not None


def test_another_command_after_human_alone_makes_the_next_message_a_question_again(
    service: ConversationService,
) -> None:
    service.human(ME)
    service.deadlines(ME)
    answer = service.ask(ME, DECLINED)
    assert answer.messages[0].reply is not None and answer.messages[0].reply.decision == "decline"


def test_asking_for_a_person_offers_the_handover_of_the_last_question(service: ConversationService) -> None:
    service.ask(ME, DECLINED)
    response = service.ask(ME, "can I talk to a real person")
    assert response.messages[0].reply.intent == "human"  # the core's answer (contacts) first
    assert set(handover_buttons(response)) == {"yes", "no"}
    assert DECLINED in response.messages[1].text


def test_without_a_staff_destination_the_candidate_is_told_and_nothing_is_stored(
    service: ConversationService, storage: Any, assistant: Any
) -> None:
    service.staff_destination = lambda who: None
    answer = service.ask(ME, DECLINED)
    assert handover_buttons(answer) == {}  # nothing offered that cannot be given
    [message] = service.human(ME, "Can someone call me?").messages
    assert message.text.startswith(t("handover_unavailable", "en"))
    email = next(iter(assistant.kb.programmes.values())).programme.contacts[0].email
    assert email in message.text
    response = service.ask(ME, "je veux parler à quelqu'un")
    assert [m.reply.intent for m in response.messages if m.reply] == ["human"]  # the contacts, as before
    assert handover_buttons(response) == {}
    assert storage.handovers() == []


def test_a_person_cannot_flood_the_staff_with_handovers(service: ConversationService, storage: Any) -> None:
    for _ in range(MAX_OPEN_PER_PERSON):
        assert confirm(service).staff is not None
    refused = service.human(ME, "one more")
    assert refused.messages[0].text.startswith(t("handover_wait", "en", count=MAX_OPEN_PER_PERSON))
    assert len(storage.handovers()) == MAX_OPEN_PER_PERSON
    other = Who(user="43", chat="43", locale="en")
    assert confirm(service, other).staff is not None  # someone else is not held back


def test_only_the_asker_confirms_and_a_confirmation_is_used_once(
    service: ConversationService, storage: Any
) -> None:
    offer = service.press(ME, handover_buttons(service.ask(ME, DECLINED))["ask"])
    yes = handover_buttons(offer)["yes"]
    assert service.press(Who(user="43", chat="42"), yes).messages[0].text == t("not_yours", "fr")
    assert service.press(ME, yes).staff is not None
    assert service.press(ME, yes).messages[0].text == t("button_expired", "en")
    assert len(storage.handovers()) == 1


def test_a_post_that_failed_withdraws_the_handover(service: ConversationService, storage: Any) -> None:
    post = confirm(service).staff
    assert post is not None
    [message] = service.staff_unreachable(ME, post).messages
    assert message.text.startswith(t("handover_unavailable", "en"))
    assert storage.handovers() == []


def test_forget_erases_the_handovers(service: ConversationService, storage: Any) -> None:
    confirm(service)
    service.human(ME)  # waiting for a question
    service.forget(ME)
    assert storage.handovers() == []
    answer = service.ask(ME, "Is my Belgian diploma accepted?")  # a question again, not a handover
    assert handover_buttons(answer).keys() <= {"ask"}


def test_in_a_server_channel_the_question_after_human_needs_no_mention(service: ConversationService) -> None:
    member = Who(user="77", chat="900", locale="en", settings=("discord:channel:900",))
    service.human(member)
    assert service.overheard(member, "lol same").messages  # the awaited question, not chatter
    assert service.overheard(member, "and now just chatting").messages == []  # only the one after /human
