"""Handing a candidate's question over to a person of the admissions team: the policy, in the core.

A candidate asks for a person (`/human`, the "ask the admissions team" button under a decline or a
"did you mean…?", or a message read as the `human` topic). The service offers to pass their last
question on (or the one they type next) and asks them to confirm. On "yes" it stores a handover
(programme, language, question, the last exchange) and returns a `StaffPost` in the `Response`: the
adapter posts it to its staff destination (Telegram's staff chat, a Discord server's staff channel) and
tells the service the posted message's id (`staff_posted`), so a staff member's answer to that message
is found in the database after a restart. The candidate gets an acknowledgement with the programme's
official contacts. The staff's answer (`staff_answer`) comes back as a `Relay` for the adapter to send
to the candidate, then `relayed` marks the handover answered and words the staff's confirmation.

Where staff read the bot is the adapter's configuration: it sets `staff_destination`, a function giving
the destination for a person (None: nobody reads the bot there, and the candidate is told so). A later
answer to an already answered handover is relayed too (a correction, a follow-up) and recorded as the
last answer.

`HandoverDesk` is a part of `ConversationService` (a mixin): it uses the service's storage, lock,
texts, clock and flood control.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.actions import Action
from assistant.reply import LANGUAGES, Button, Reply, colon
from assistant.sessions import SessionStore

if TYPE_CHECKING:
    from assistant.service import Message, Response, Who

MAX_OPEN_PER_PERSON = 3
"""Open handovers a person may have: the next ones are told to wait for an answer (no staff flooding)."""
MAX_EXCHANGE_TEXT = 1000
"""Characters of the candidate's question and of the bot's reply kept in a handover's transcript."""
MAX_STAFF_ANSWER = 4000
"""Characters of a staff answer relayed to a candidate (a Discord form's limit)."""
HANDOVER_IDLE = 30 * 60
"""Seconds a "type your question" or a confirmation waits; then the person starts again."""
MAX_DESKS = 5_000
LANGUAGE_NAMES = dict(LANGUAGES)


@dataclass(frozen=True)
class StaffPost:
    """A handed-over question, for the adapter to post at `destination` (its staff chat or channel) and
    then report the posted message with `ConversationService.staff_posted(handover_id, destination, id)`."""

    handover_id: int
    destination: str
    message: Message


@dataclass(frozen=True)
class Relay:
    """A staff answer to send to the candidate: in `chat` (a private chat when `private`), to `user`."""

    handover_id: int
    chat: str
    user: str
    private: bool
    message: Message
    again: bool = False
    """The handover was answered before: this answer follows the first one."""


@dataclass
class StaffAnswer:
    """What a staff answer gives: the relay to send (None when there is nothing to relay), or a notice
    for the staff member (an unknown message, an empty answer)."""

    relay: Relay | None = None
    notice: Message | None = None


@dataclass
class _Desk:
    """One person's handover under way in one chat (memory only: a confirmation is short-lived)."""

    question: str | None = None
    """The question waiting for the person's "yes"."""
    transcript: list[dict[str, str]] = field(default_factory=list)
    programme: str | None = None
    awaiting: bool = False
    """After `/human` alone: the person's next message is the question."""
    last_question: str | None = None
    last_reply: str | None = None
    last_programme: str | None = None


class HandoverDesk:
    """The handover part of `ConversationService` (see the module's docstring)."""

    staff_destination: Callable[[Who], str | None] | None = None
    """Set by the adapter: where this person's handovers are posted (None: nobody reads the bot)."""
    staff_language: str = "fr"
    """The language of the posts staff read."""

    # provided by ConversationService
    storage: Any
    platform: str
    _lock: Any
    monotonic: Callable[[], float]

    if TYPE_CHECKING:

        def t(self, key: str, lang: str, **values: object) -> str: ...
        def language(self, who: Who) -> str: ...
        def user_key(self, who: Who) -> str: ...
        def now(self) -> Any: ...
        def conversation(self, who: Who) -> Any: ...
        def _admit(self, who: Who, kind: str = "messages") -> Response | None: ...
        def _leave_typing(self, who: Who) -> None: ...
        @property
        def kb(self) -> Any: ...
        @property
        def assistant(self) -> Any: ...

    @property
    def _desks(self) -> SessionStore[_Desk]:
        desks = self.__dict__.get("_handover_desks")
        if desks is None:
            desks = self.__dict__["_handover_desks"] = SessionStore(
                MAX_DESKS, HANDOVER_IDLE, clock=self.monotonic
            )
        return desks

    def _desk(self, who: Who) -> _Desk:
        return self._desks.setdefault((who.chat, who.user), _Desk)

    def _destination(self, who: Who) -> str | None:
        if self.storage is None or self.staff_destination is None:
            return None
        return self.staff_destination(who)

    # ------------------------------------------------------------------ around the answers
    def handover_after_answer(self, who: Who, text: str, reply: Reply, answer: Message) -> list[Message]:
        """After `ask` answered: remember the exchange (the question a handover passes on), put the
        "ask the admissions team" button under a decline or a "did you mean…?", and answer a message
        asking for a person with the offer to hand the question over."""
        desk = self._desk(who)
        if self._is_human_topic(reply):
            if self._destination(who) is None:
                return [answer]  # the core's answer: the contacts, said as they are
            desk.awaiting = False
            return [answer, *self._offer(who, desk, None)]
        desk.last_question = text[:MAX_EXCHANGE_TEXT]
        desk.last_reply = reply.plain_text()[:MAX_EXCHANGE_TEXT]
        desk.last_programme = reply.programme or self.conversation(who).active_programme()
        if self._offers_handover(reply) and self._destination(who) is not None:
            lang = self.language(who)
            answer.buttons.append(
                Button(
                    label=self.t("handover_button", lang),
                    action=Action("human", "ask", owner=who.user).encode(),
                )
            )
        return [answer]

    def handover_typed(self, who: Who, text: str) -> Response | None:
        """The message after `/human` alone is the question to hand over: the confirmation, else None."""
        desk = self._desks.peek((who.chat, who.user))
        if desk is None or not desk.awaiting:
            return None
        desk.awaiting = False
        desk.last_question = text[:MAX_EXCHANGE_TEXT]
        desk.last_reply = None
        desk.last_programme = self.conversation(who).active_programme()
        return self._response(self._offer(who, desk, text))

    def handover_awaits(self, who: Who) -> bool:
        """Whether the person's next message is the question they asked to hand over (after `/human`
        alone): in a server channel it is theirs to the bot even without a mention."""
        desk = self._desks.peek((who.chat, who.user))
        return desk is not None and desk.awaiting

    def _is_human_topic(self, reply: Reply) -> bool:
        topic = self.kb.topics.get(reply.intent or "")
        return reply.decision == "answer" and topic is not None and topic.kind == "human"

    @staticmethod
    def _offers_handover(reply: Reply) -> bool:
        """A decline, or a "did you mean…?" (a clarification whose choices are topics)."""
        if reply.decision == "decline":
            return True
        kinds = {action.kind for b in reply.buttons if (action := Action.decode(b.action)) is not None}
        return reply.decision == "clarify" and kinds == {"topic"}

    # ------------------------------------------------------------------ the candidate's side
    def human(self, who: Who, text: str = "") -> Response:
        """/human [question]: offer to pass the question (given, else the last one asked, else the next
        one typed) to the admissions team."""
        with self._lock:
            if (held := self._admit(who)) is not None:
                return held
            self._leave_typing(who)
            return self._response(
                self._offer(who, self._desk(who), (text or "").strip()[:MAX_EXCHANGE_TEXT] or None)
            )

    def _offer(self, who: Who, desk: _Desk, question: str | None) -> list[Message]:
        lang = self.language(who)
        if self._destination(who) is None:
            return [self._contacts_message(who, "handover_unavailable", desk.last_programme)]
        if (refused := self._too_many(who, desk)) is not None:
            return [refused]
        if question is None and desk.last_question is None:
            desk.awaiting = True
            return [self._message(lang, self.t("handover_type_question", lang))]
        transcript = []  # the last exchange with the bot, then the question typed with /human if any
        if desk.last_question:
            transcript.append({"from": "candidate", "text": desk.last_question})
            if desk.last_reply:
                transcript.append({"from": "assistant", "text": desk.last_reply})
        if question is not None and question != desk.last_question:
            transcript.append({"from": "candidate", "text": question})
        programme = desk.last_programme or self.conversation(who).active_programme()
        desk.question = question or desk.last_question
        desk.transcript = transcript
        desk.programme = programme
        message = self._message(lang, self.t("handover_confirm", lang, question=desk.question))
        message.buttons = [
            Button(
                label=self.t("handover_yes", lang), action=Action("human", "yes", owner=who.user).encode()
            ),
            Button(label=self.t("handover_no", lang), action=Action("human", "no", owner=who.user).encode()),
        ]
        return [message]

    def _too_many(self, who: Who, desk: _Desk) -> Message | None:
        count = len(self.storage.handovers(status="open", user=self.user_key(who)))
        if count < MAX_OPEN_PER_PERSON:
            return None
        return self._contacts_message(who, "handover_wait", desk.last_programme, count=count)

    def handover_press(self, who: Who, action: Action) -> Response:
        """A handover button: "ask the admissions team", or the answer to the confirmation."""
        desk = self._desk(who)
        if action.value == "ask":
            desk.awaiting = False
            return self._response(self._offer(who, desk, None))
        question = desk.question
        desk.question = None
        lang = self.language(who)
        if question is None:
            return self._response([self._ack_message(lang, "button_expired")])
        if action.value != "yes":
            return self._response([self._message(lang, self.t("handover_cancelled", lang))])
        destination = self._destination(who)
        if destination is None:
            return self._response([self._contacts_message(who, "handover_unavailable", desk.programme)])
        if (refused := self._too_many(who, desk)) is not None:
            return self._response([refused])
        programme = desk.programme if desk.programme in self.kb.programmes else None
        handover_id = self.storage.add_handover(
            user=self.user_key(who),
            chat=who.chat if not who.private else f"dm:{who.chat}",
            platform=self.platform,
            programme=programme,
            language=lang,
            question=question,
            transcript=desk.transcript,
            at=self.now(),
        )
        desk.last_question = desk.last_reply = None  # handed over: /human again asks for a new one
        response = self._response([self._contacts_message(who, "handover_sent", programme)])
        response.staff = StaffPost(
            handover_id,
            destination,
            self._staff_post(handover_id, programme, lang, question, desk.transcript),
        )
        return response

    def _staff_post(
        self,
        handover_id: int,
        programme: str | None,
        lang: str,
        question: str,
        transcript: list[dict[str, str]],
    ) -> Message:
        staff = self.staff_language
        name = (
            self.kb.programmes[programme].programme.short_name
            if programme
            else self.t("handover_no_programme", staff)
        )
        fields = self.t(
            "handover_staff_fields",
            staff,
            programme=name,
            language=LANGUAGE_NAMES.get(lang, lang),
            platform=self.platform,
        )
        speakers = {
            "candidate": self.t("handover_staff_candidate", staff),
            "assistant": self.t("handover_staff_assistant", staff),
        }
        exchange = "\n".join(
            f"{speakers.get(line['from'], line['from'])}{colon(staff)}{line['text']}" for line in transcript
        )
        text = "\n\n".join(
            (
                fields,
                self.t("handover_staff_question", staff, question=question),
                self.t("handover_staff_exchange", staff) + "\n" + exchange,
                self.t("handover_staff_hint", staff),
            )
        )
        return self._message(
            staff, text, title=self.t("handover_staff_title", staff, id=handover_id), private=False
        )

    def _contacts_message(self, who: Who, key: str, programme: str | None, **values: object) -> Message:
        """A text followed by the official contacts of the programme (every programme's when unknown)."""
        lang = self.language(who)
        programmes = (
            [self.kb.programmes[programme]]
            if programme in self.kb.programmes
            else list(self.kb.programmes.values())
        )
        contacts = self.assistant.composer.contacts_text(programmes, lang).strip()
        return self._message(lang, self.t(key, lang, **values) + "\n\n" + contacts)

    def staff_unreachable(self, who: Who, post: StaffPost) -> Response:
        """The adapter could not post to the staff destination: the handover is withdrawn (nobody will
        read it) and the person is told so, with the contacts."""
        with self._lock:
            handover = self.storage.get_handover(post.handover_id)
            self.storage.remove_handover(post.handover_id)
            programme = handover["programme"] if handover else None
            return self._response([self._contacts_message(who, "handover_unavailable", programme)])

    # ------------------------------------------------------------------ the staff's side
    def staff_posted(self, handover_id: int, destination: str, message_id: str) -> None:
        """The adapter posted the handover as message `message_id` at `destination`: remember it in the
        database, so a staff answer to that message finds the handover after a restart."""
        with self._lock:
            self.storage.set_handover_staff_ref(handover_id, self._staff_ref(destination, message_id))

    def _staff_ref(self, destination: str, message_id: str) -> str:
        return f"{self.platform}:staff:{destination}:{message_id}"

    def staff_answer(
        self, destination: str, text: str, *, message_id: str | None = None, handover_id: int | None = None
    ) -> StaffAnswer:
        """A staff member answered at `destination`: to the posted message `message_id` (a Telegram
        reply) or for `handover_id` (Discord's Reply button, posted at that destination)."""
        with self._lock:
            staff = self.staff_language
            handover = None
            if message_id is not None:
                handover = self.storage.find_handover_by_staff_ref(self._staff_ref(destination, message_id))
            elif handover_id is not None:
                found = self.storage.get_handover(handover_id)
                prefix = self._staff_ref(destination, "")
                if found is not None and (found.get("staff_ref") or "").startswith(prefix):
                    handover = found
            if handover is None:
                return StaffAnswer(notice=self._message(staff, self.t("handover_unknown", staff)))
            text = (text or "").strip()
            if not text:
                return StaffAnswer(notice=self._message(staff, self.t("handover_empty_answer", staff)))
            lang = handover["language"] if handover["language"] in LANGUAGE_NAMES else "fr"
            chat = handover["chat"]
            private = chat.startswith("dm:")
            message = self._message(
                lang, text[:MAX_STAFF_ANSWER], title=self.t("handover_answer_title", lang), private=False
            )
            return StaffAnswer(
                relay=Relay(
                    handover_id=handover["id"],
                    chat=chat.removeprefix("dm:"),
                    user=handover["user"].removeprefix(f"{self.platform}:"),
                    private=private,
                    message=message,
                    again=handover["status"] == "answered",
                )
            )

    def relayed(self, relay: Relay) -> Message:
        """The answer reached the candidate: the handover is answered; the staff's confirmation."""
        with self._lock:
            assert relay.message.text is not None
            self.storage.answer_handover(relay.handover_id, relay.message.text, self.now())
            key = "handover_relayed_again" if relay.again else "handover_relayed"
            return self._message(self.staff_language, self.t(key, self.staff_language, id=relay.handover_id))

    def relay_failed(self, relay: Relay) -> Message:
        """The candidate could not be reached (they blocked the bot, left): the handover stays open."""
        return self._message(
            self.staff_language, self.t("handover_relay_failed", self.staff_language, id=relay.handover_id)
        )

    def handover_leave(self, who: Who) -> None:
        """Another command after `/human` alone: the next message is a question again."""
        desk = self._desks.peek((who.chat, who.user))
        if desk is not None:
            desk.awaiting = False

    def handover_forget(self, who: Who) -> None:
        """/forget: the handovers under way in memory go too (the stored ones go with the storage's)."""
        self._desks.drop(lambda k: isinstance(k, tuple) and k[1] == who.user)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _message(lang: str, text: str, *, title: str | None = None, private: bool = True) -> Message:
        """A text of the handover's (for the candidate: private where the platform whispers)."""
        from assistant.service import Message

        return Message(language=lang, text=text, title=title, private=private)

    def _ack_message(self, lang: str, key: str) -> Message:
        message = self._message(lang, self.t(key, lang))
        message.ack = True
        return message

    @staticmethod
    def _response(messages: list[Message]) -> Response:
        from assistant.service import Response

        return Response(messages)
