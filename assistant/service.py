"""The conversation service every channel talks to: one behaviour for Telegram, Discord and the terminal.

An adapter receives a platform event, says who wrote and where (`Who`), calls one method here, and
renders the `Response`: a list of channel-neutral `Message`s (interface text, a core `Reply`, a
checklist, files, buttons). Everything a candidate relies on is decided here, once: flood control,
conversations and their context, the guided questionnaire's sessions, consent before a profile is
stored, reminders (stored, then scheduled through the adapter's `Scheduler`, sent once, dropped when
too late), forget-me, feedback linked to the logged question, statistics and moderator settings.
Buttons carry typed `Action`s the service encodes and decodes; adapters pass them back untouched.

The service is synchronous (the core is CPU-bound, the database blocking): adapters call it off their
event loop. It never imports a platform library.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from assistant.actions import CORE_KINDS, Action
from assistant.context import Conversation
from assistant.flood import Cooldowns, Limits, TokenBuckets, Verdict, whole_seconds
from assistant.handover import HandoverDesk, StaffPost
from assistant.kb.loader import PARIS
from assistant.reply import LANGUAGES, Button, Reply
from assistant.sessions import SessionStore

if TYPE_CHECKING:
    from assistant.checklist import Checklist, QuestionnaireStep
    from assistant.engine import Assistant
    from assistant.kb.loader import KnowledgeBase
    from assistant.storage import Reminder, Storage

log = logging.getLogger(__name__)

MAX_QUESTION = 1500
"""Characters of a message read as a question: longer ones are cut (nobody asks in 3,000 characters)."""
LATE_GRACE = timedelta(hours=12)
"""A reminder whose time passed while the bot was down is still sent within this delay, else dropped."""
TYPING_IDLE = 30 * 60
"""After this long without an answer, a typed message is a question again, not a questionnaire answer."""
CONVERSATION_IDLE = 6 * 3600
QUESTIONNAIRE_IDLE = 24 * 3600
MAX_CONVERSATIONS = 20_000
MAX_QUESTIONNAIRES = 5_000
AUTO_ANSWER_THRESHOLD = 0.75
"""Language choices, each named in its own language."""


# ---------------------------------------------------------------------------------------- who, what back
@dataclass(frozen=True)
class Who:
    """Who wrote, and where, as the adapter tells it.

    `user` and `chat` are the platform's ids (a private chat's id may equal the user's). `settings` are
    the scopes whose settings apply, most specific first (a Discord thread, its channel, its server; a
    Telegram group). `scope` is where statistics are counted (never one person: a private chat counts
    under the platform's name). `whisper` says the platform can show a message to this person only
    (Discord's ephemeral replies); `moderator` that they may change the chat's settings.
    """

    user: str
    chat: str
    private: bool = True
    scope: str | None = None
    settings: tuple[str, ...] = ()
    locale: str | None = None
    moderator: bool = False
    whisper: bool = False


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    caption: str = ""


@dataclass
class Message:
    """One message for the adapter to render. Texts are plain and unescaped: paragraphs separated by a
    blank line, a paragraph of "- " lines is a list."""

    language: str = "fr"
    text: str = ""
    title: str | None = None
    reply: Reply | None = None
    """A core reply (answer, clarification, decline): rendered with the platform's reply renderer,
    its own buttons and suggestions included."""
    buttons: list[Button] = field(default_factory=list)
    """Choices under the message (after the reply's own)."""
    feedback: list[Button] = field(default_factory=list)
    """👍 / 👎 under an answer."""
    checklist: Checklist | None = None
    files: list[Attachment] = field(default_factory=list)
    edit: bool = False
    """Replaces the message whose button was pressed (a questionnaire moving to its next question)."""
    private: bool = False
    """For this person only (an ephemeral reply where the platform has them)."""
    ack: bool = False
    """A short acknowledgement of a button press (a notification where the platform has them)."""


@dataclass
class Response:
    messages: list[Message] = field(default_factory=list)
    limited: bool = False
    """Flood control held this event back (the messages are then at most its one notice)."""
    notice: Message | None = None
    """When held back: what to show if the platform must answer anyway (a Discord interaction)."""
    staff: StaffPost | None = None
    """A handed-over question for the staff destination (`assistant.handover`): post it first."""


@dataclass(frozen=True)
class Delivery:
    """A claimed reminder and its text, to send now."""

    reminder: Reminder
    text: str


class Scheduler(Protocol):
    """Timers of an adapter's job queue: at `at`, the adapter calls `ConversationService.deliver_due`."""

    def schedule(self, reminder_id: int, at: datetime) -> None: ...
    def cancel(self, reminder_id: int) -> None: ...


@dataclass
class _Questionnaire:
    state: dict[str, Any]
    typing: bool
    """Whether typed messages answer the current question (a private chat, no other command since)."""
    touched: float
    field: str | None = None
    """The profile field asked: a button for another question is outdated."""
    profile: dict[str, Any] | None = None
    """The finished profile, waiting for the person's consent before it is stored."""


def utc_now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------- the service
class ConversationService(HandoverDesk):
    """One per bot process (and platform): `Assistant` for the answers, `Storage` for what must survive
    a restart (None: nothing is stored, as in the terminal), a `Scheduler` for reminders (None: no
    reminders on this channel)."""

    def __init__(
        self,
        assistant: Assistant,
        storage: Storage | None = None,
        *,
        platform: str,
        scheduler: Scheduler | None = None,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        limits: Limits | None = None,
        log_questions: bool = True,
        auto_answer_threshold: float = AUTO_ANSWER_THRESHOLD,
        late_grace: timedelta = LATE_GRACE,
    ) -> None:
        self.assistant = assistant
        self.storage = storage
        self.platform = platform
        self.scheduler = scheduler
        self.clock = clock
        self.monotonic = monotonic
        self.limits = limits or Limits()
        self.log_questions = log_questions and storage is not None
        self.auto_answer_threshold = auto_answer_threshold
        self.late_grace = late_grace
        self._lock = threading.RLock()
        self.conversations: SessionStore[Conversation] = SessionStore(
            MAX_CONVERSATIONS, CONVERSATION_IDLE, clock=monotonic
        )
        self.questionnaires: SessionStore[_Questionnaire] = SessionStore(
            MAX_QUESTIONNAIRES, QUESTIONNAIRE_IDLE, clock=monotonic
        )
        self.buckets = TokenBuckets(clock=monotonic)
        self.cooldowns = Cooldowns(clock=monotonic)
        from assistant.storage import worker_id

        self.worker = worker_id(platform)
        """Who claims reminders in the shared database (this process)."""

    # ------------------------------------------------------------------ basics
    @property
    def kb(self) -> KnowledgeBase:
        return self.assistant.kb

    def use(self, assistant: Assistant) -> None:
        """Swap in another version of the knowledge base (`assistant.live`): a call under way finishes
        on the one it started with; conversations keep their state, read against the new one."""
        with self._lock:
            self.assistant = assistant

    def now(self) -> datetime:
        """The one clock: an aware moment, passed to the core and to reminders."""
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the service's clock must give time-zone aware datetimes")
        return moment

    def today(self) -> date:
        return self.now().astimezone(PARIS).date()

    def t(self, key: str, lang: str, **values: object) -> str:
        """A text of the catalogue, with `{days}` (the reminder offsets) filled in where it shows them."""
        entry = self.kb.texts.get(key)
        if "days" not in values and entry is not None and "{days}" in entry.get(lang):
            from assistant.checklist.reminders import days_before_text

            values["days"] = days_before_text(lang, self.kb.t)
        return self.kb.t(key, lang, **values)

    def user_key(self, who: Who) -> str:
        return f"{self.platform}:{who.user}"

    def stats_scope(self, who: Who) -> str:
        return who.scope or (self.platform if who.private else f"{self.platform}:chat:{who.chat}")

    def _prefs(self, who: Who) -> dict[str, Any]:
        return self.storage.get_prefs(self.user_key(who)) if self.storage is not None else {}

    def _setting(self, who: Who, name: str) -> Any:
        if self.storage is None:
            return None
        for scope in who.settings:
            value = self.storage.get_setting(scope, name)
            if value is not None:
                return value
        return None

    def language(self, who: Who) -> str:
        """The person's chosen language, else their conversation's, else their platform's, else French."""
        chosen = self._prefs(who).get("language")
        if chosen in ("fr", "en"):
            return chosen
        conv = self.conversations.peek((who.chat, who.user))
        if conv is not None and conv.language in ("fr", "en"):
            return conv.language
        locale = (who.locale or "").lower()
        return "en" if locale and not locale.startswith("fr") else "fr"

    def conversation(self, who: Who) -> Conversation:
        """The person's conversation in this chat (created from their stored preferences in a private
        chat), with the programme moderators bound to the chat."""

        def create() -> Conversation:
            prefs = self._prefs(who) if who.private else {}
            return Conversation(programme=prefs.get("programme"), language=prefs.get("language"))

        conv = self.conversations.setdefault((who.chat, who.user), create)
        if who.settings:  # a chat with settings: what its moderators bound, now
            bound = self._setting(who, "programme")
            conv.bound_programme = bound if bound in self.kb.programmes else None
        return conv

    def _text(self, who: Who, key: str, **values: object) -> Message:
        lang = self.language(who)
        return Message(language=lang, text=self.t(key, lang, **values))

    # ------------------------------------------------------------------ flood control
    def effective_limits(self, who: Who) -> Limits:
        """The environment's numbers, as moderators changed them for this chat or server."""
        overrides = {
            name: value
            for name, value in (
                ("messages", self._setting(who, "flood_messages")),
                ("seconds", self._setting(who, "flood_seconds")),
                ("channel_cooldown", self._setting(who, "channel_cooldown")),
            )
            if value is not None
        }
        if not overrides:
            return self.limits
        try:
            return Limits(
                messages=int(overrides.get("messages", self.limits.messages)),
                seconds=float(overrides.get("seconds", self.limits.seconds)),
                presses=self.limits.presses,
                channel_cooldown=float(overrides.get("channel_cooldown", self.limits.channel_cooldown)),
            )
        except (TypeError, ValueError):
            return self.limits

    def _admit(self, who: Who, kind: str = "messages") -> Response | None:
        """None when the person may go on; else the response flood control gives (one notice, then
        nothing until their bucket has a token again)."""
        limits = self.effective_limits(who)
        size = limits.presses if kind == "presses" else limits.messages
        verdict, wait = self.buckets.take((self.user_key(who), kind), size, limits.seconds)
        if verdict is Verdict.ALLOW:
            return None
        notice = self._text(who, "slow_down", seconds=whole_seconds(wait))
        notice.private = notice.ack = True
        if verdict is Verdict.NOTICE:
            return Response([notice], limited=True, notice=notice)
        return Response([], limited=True, notice=notice)

    # ------------------------------------------------------------------ questions
    def ask(self, who: Who, text: str) -> Response:
        """A message addressed to the bot: a private message, a mention, a reply to the bot, /ask."""
        with self._lock:
            if (held := self._admit(who)) is not None:
                return held
            text = (text or "").strip()
            if not text:
                return Response([self._text(who, "ask_usage")])
            session = self._typing_session(who)
            if session is not None:
                return self._questionnaire_answer(who, session, text, edit=False)
            if (offer := self.handover_typed(who, text)) is not None:
                return offer
            conv = self.conversation(who)
            forced = self._prefs(who).get("language")
            reply = self.assistant.ask(
                text[:MAX_QUESTION],
                conv,
                language=forced if forced in ("fr", "en") else None,
                now=self.now(),
            )
            question_id = self._log(who, text, reply)
            return Response(
                self.handover_after_answer(who, text, reply, self._answer(who, reply, question_id))
            )

    def overheard(self, who: Who, text: str) -> Response:
        """A message in a channel where moderators enabled automatic answers, addressed to nobody:
        answered only when the core is sure, and at most once per channel cooldown. Never limited by,
        and never charging, the person's own flood bucket."""
        with self._lock:
            text = (text or "").strip()
            if text and self.handover_awaits(who):  # the question asked for after /human
                return self.ask(who, text)
            if not text or not self._setting(who, "auto_answer"):
                return Response()
            channel = ("channel", who.chat)
            if self.cooldowns.wait(channel) > 0:
                return Response()
            conv = self.conversation(who)
            trial = conv.model_copy(deep=True)  # chatter must not change the person's conversation
            reply = self.assistant.ask(text[:MAX_QUESTION], trial, now=self.now())
            threshold = self._setting(who, "auto_answer_threshold")
            try:
                threshold = float(threshold) if threshold is not None else self.auto_answer_threshold
            except (TypeError, ValueError):
                threshold = self.auto_answer_threshold
            if reply.decision != "answer" or reply.confidence < threshold:
                return Response()
            self.conversations.put((who.chat, who.user), trial)
            self.cooldowns.charge(channel, self.effective_limits(who).channel_cooldown)
            question_id = self._log(who, text, reply)
            return Response([self._answer(who, reply, question_id)])

    def deadlines(self, who: Who) -> Response:
        with self._lock:
            if (held := self._admit(who)) is not None:
                return held
            self._leave_typing(who)
            reply = self.assistant.deadlines(
                self.conversation(who), now=self.now(), language=self.language(who)
            )
            return Response([self._answer(who, reply, None)])

    def answer_topic(self, who: Who, answer_id: str) -> Response:
        """The official answer `answer_id` (`<programme>.<topic>` or a general topic), for `who` — staff
        posting it for a candidate (Discord's /faq)."""
        with self._lock:
            action = self.kb.answer_action(answer_id)
            if action is None:
                message = self._text(who, "unknown_topic", topic=answer_id[:100])
                message.private = True
                return Response([message])
            reply = self.assistant.press(action, self.conversation(who), now=self.now())
            return Response([self._answer(who, reply, None)])

    def _answer(self, who: Who, reply: Reply, question_id: int | None, *, private: bool = False) -> Message:
        """A core reply whose buttons belong to `who`, with 👍/👎 under an answer."""
        owned = reply.model_copy(
            update={
                "buttons": [self._owned(b, who) for b in reply.buttons],
                "suggestions": [self._owned(b, who) for b in reply.suggestions],
            }
        )
        feedback = []
        if self._rateable(reply):
            ref = f".{question_id}" if question_id is not None else ""
            feedback = [
                Button(label="👍", action=Action("fb", f"y{ref}", owner=who.user).encode()),
                Button(label="👎", action=Action("fb", f"n{ref}", owner=who.user).encode()),
            ]
        return Message(language=reply.language, reply=owned, feedback=feedback, private=private)

    def _rateable(self, reply: Reply) -> bool:
        """An answer to an admissions question (not a greeting, a thank-you, the help): 👍/👎 apply."""
        if reply.decision != "answer":
            return False
        topics = [part.rpartition(".")[2] for part in (reply.intent or "").split("+")]
        return any(t in self.kb.topics and self.kb.topics[t].kind == "faq" for t in topics)

    @staticmethod
    def _owned(button: Button, who: Who) -> Button:
        action = Action.decode(button.action)
        if action is None:
            return button
        return Button(label=button.label, action=action.owned_by(who.user).encode())

    def _log(self, who: Who, text: str, reply: Reply) -> int | None:
        """The question in the staff question log (no user id); its id links feedback to it."""
        if not self.log_questions or self.storage is None:
            return None
        topics = [part.rpartition(".")[2] for part in (reply.intent or "").split("+") if part and part != "-"]
        try:
            return self.storage.log_question(
                at=self.now(),
                platform=self.platform,
                scope=self.stats_scope(who),
                programme=reply.programme,
                language=reply.language,
                decision=reply.decision,
                topic="+".join(topics) or None,
                confidence=reply.confidence,
                text=text,
            )
        except Exception:  # the answer matters more than its statistics
            log.warning("could not log a question", exc_info=True)
            return None

    # ------------------------------------------------------------------ buttons
    def requires_moderator(self, payload: str) -> bool:
        """Whether pressing this button needs `Who.moderator` (the adapter then finds out)."""
        action = Action.decode(payload)
        return action is not None and action.kind == "bind"

    def press(self, who: Who, payload: str, message_ref: str | None = None) -> Response:
        """A button came back with its payload (`message_ref`: the platform's id of the message it was
        under, for feedback)."""
        with self._lock:
            if (held := self._admit(who, "presses")) is not None:
                return held
            action = Action.decode(payload)
            if action is None:
                return Response([self._ack(who, "button_expired")])
            if action.kind in CORE_KINDS:
                return self._core_press(who, action)
            if action.kind == "qa":
                return self._questionnaire_press(who, action)
            if action.owner is not None and action.owner != who.user:
                return Response(
                    [self._ack(who, "only_asker_feedback" if action.kind == "fb" else "not_yours")]
                )
            if action.kind == "fb":
                return self._feedback(who, action, message_ref or payload)
            if action.kind == "consent":
                return self._consent(who, action.value == "yes")
            if action.kind == "remind":
                return self._remind(who, on=True)
            if action.kind == "human":
                return self.handover_press(who, action)
            if action.kind == "bind":
                return self._bind(
                    who, who.settings[0] if who.settings else None, action.value or None, "group"
                )
            return Response([self._ack(who, "button_expired")])

    def _ack(self, who: Who, key: str, **values: object) -> Message:
        message = self._text(who, key, **values)
        message.private = message.ack = True
        return message

    def _core_press(self, who: Who, action: Action) -> Response:
        conv = self.conversation(who)
        before = conv.programme
        forced = self._prefs(who).get("language")
        reply = self.assistant.press(
            action.core(), conv, now=self.now(), language=forced if forced in ("fr", "en") else None
        )
        if who.private and self.storage is not None:
            if action.kind == "lang" and conv.language in ("fr", "en"):
                self.storage.set_prefs(self.user_key(who), language=conv.language)
            if conv.programme and conv.programme != before:
                self.storage.set_prefs(self.user_key(who), programme=conv.programme)
        # someone pressing a button under another person's answer gets their answer privately
        private = action.owner is not None and action.owner != who.user
        messages = [self._answer(who, reply, None, private=private)]
        if action.kind == "lang" and who.private and not conv.active_programme():
            messages.extend(self._programme_menu(who).messages)
        return Response(messages)

    def _feedback(self, who: Who, action: Action, message_ref: str) -> Response:
        helpful, _, ref = action.value.partition(".")
        if self.storage is not None:
            self.storage.record_feedback(
                self.stats_scope(who),
                message_ref,
                None,
                helpful == "y",
                question_id=int(ref) if ref.isdigit() else None,
                at=self.now(),
            )
        return Response([self._ack(who, "thanks_feedback")])

    # ------------------------------------------------------------------ commands
    def start(self, who: Who) -> Response:
        """/start: the language choice in a private chat, the help in a group."""
        with self._lock:
            if (held := self._admit(who)) is not None:
                return held
            self._leave_typing(who)
            if not who.private:
                return Response([self._text(who, "help")])
            return self._language_menu(who)

    def help(self, who: Who) -> Response:
        with self._lock:
            if (held := self._admit(who)) is not None:
                return held
            self._leave_typing(who)
            return Response([self._text(who, "help")])

    def languages(self, who: Who) -> Response:
        with self._lock:
            if (held := self._admit(who)) is not None:
                return held
            self._leave_typing(who)
            return self._language_menu(who)

    def _language_menu(self, who: Who) -> Response:
        message = self._text(who, "welcome")
        message.buttons = [
            Button(label=name, action=Action("lang", code).encode()) for code, name in LANGUAGES
        ]
        return Response([message])

    def programmes(self, who: Who) -> Response:
        """/programme: in a private chat, the programme the conversation is about; in a group, the
        programme the whole group is about (bound by a moderator when they press)."""
        with self._lock:
            if (held := self._admit(who)) is not None:
                return held
            self._leave_typing(who)
            if who.private:
                return self._programme_menu(who)
            lang = self.language(who)
            message = self._text(who, "choose_group_programme")
            message.buttons = [
                Button(label=p.programme.short_name, action=Action("bind", pid).encode())
                for pid, p in self.kb.programmes.items()
            ] + [Button(label=self.t("bind_none", lang), action=Action("bind", "").encode())]
            return Response([message])

    def _programme_menu(self, who: Who, key: str = "choose_programme") -> Response:
        buttons = self.assistant.programme_buttons(self.language(who))
        if not buttons:
            return Response([self._text(who, "no_programme")])
        message = self._text(who, key)
        message.buttons = [self._owned(b, who) for b in buttons]
        return Response([message])

    def only_text(self, who: Who) -> Response:
        """Something that is not text (a photo, a sticker) in a private chat."""
        with self._lock:
            return self._admit(who) or Response([self._text(who, "only_text")])

    def error(self, who: Who) -> Message:
        """What to say when something failed on our side."""
        return self._text(who, "error")

    # ------------------------------------------------------------------ the guided checklist
    def _questionnaire(self):  # type: ignore[no-untyped-def]
        from assistant.checklist import Questionnaire

        return Questionnaire(self.kb, today=self.today())

    def checklist(self, who: Who) -> Response:
        """/checklist: the questionnaire, one question at a time, ending with the personal checklist,
        its calendar file and (where reminders exist) the question whether to keep the profile."""
        with self._lock:
            if (held := self._admit(who)) is not None:
                return held
            if not (who.private or who.whisper):
                return Response([self._text(who, "private_only")])
            programme = self.conversation(who).active_programme()
            step = self._questionnaire().start(
                self.language(who), programme if programme in self.kb.programmes else None, today=self.today()
            )
            intro = self._text(who, "checklist_start")
            intro.private = True
            return Response([intro, *self._step(who, step, edit=False)])

    def _typing_session(self, who: Who) -> _Questionnaire | None:
        if not who.private:
            return None
        session = self.questionnaires.peek(self.user_key(who))
        if session is None or not session.typing or session.field is None:
            return None
        if self.monotonic() - session.touched > TYPING_IDLE:
            return None
        return session

    def _leave_typing(self, who: Who) -> None:
        """Another command: typed messages are questions again (the questionnaire's buttons still work)."""
        session = self.questionnaires.peek(self.user_key(who))
        if session is not None:
            session.typing = False
        self.handover_leave(who)

    def _questionnaire_answer(self, who: Who, session: _Questionnaire, text: str, edit: bool) -> Response:
        step = self._questionnaire().answer(session.state, text, today=self.today())
        return Response(self._step(who, step, edit=edit, previous=session))

    def _questionnaire_press(self, who: Who, action: Action) -> Response:
        if action.owner is not None and action.owner != who.user:
            return Response([self._ack(who, "checklist_not_yours")])
        session = self.questionnaires.get(self.user_key(who))
        if session is None:  # expired or lost in a restart: start again, saying so
            step = self._questionnaire().start(self.language(who), None, today=self.today())
            step = step.model_copy(update={"error": self.t("checklist_expired", self.language(who))})
            return Response(self._step(who, step, edit=True))
        control = action.value in ("back", "restart")
        if not control and action.about and action.about != session.field:
            return Response([self._ack(who, "button_expired")])  # a button of an earlier question
        step = self._questionnaire().answer(session.state, action.core(), today=self.today())
        return Response(self._step(who, step, edit=True, previous=session))

    def _step(
        self, who: Who, step: QuestionnaireStep, *, edit: bool, previous: _Questionnaire | None = None
    ) -> list[Message]:
        """The messages of a questionnaire step, remembering where the person is."""
        lang = step.state.get("lang", self.language(who))
        session = _Questionnaire(step.state, typing=who.private, touched=self.monotonic(), field=step.field)
        self.questionnaires.put(self.user_key(who), session)
        buttons = []
        for choice in step.choices:
            action = Action.decode(choice.action)
            if action is None:
                continue
            about = step.field if action.value not in ("back", "restart") else None
            buttons.append(
                Button(label=choice.label, action=Action("qa", action.value, about, who.user).encode())
            )
        text = f"{step.error}\n\n{step.prompt}" if step.error else step.prompt
        question = Message(
            language=lang,
            title=self.t("checklist_title", lang),
            text=text,
            buttons=buttons,
            edit=edit,
            private=True,
        )
        if not step.done or step.checklist is None:
            return [question]
        return [question, *self._finished(who, step, session)]

    def _finished(self, who: Who, step: QuestionnaireStep, session: _Questionnaire) -> list[Message]:
        from assistant.checklist import to_ics

        checklist = step.checklist
        assert checklist is not None
        lang = checklist.language
        calendar = Attachment(
            f"checklist-{checklist.programme}.ics",
            to_ics(checklist, stamp=self.now()),
            self.t("checklist_caption", lang),
        )
        messages = [Message(language=lang, checklist=checklist, files=[calendar], private=True)]
        profile = self._questionnaire().profile(step.state)
        if profile is not None and self.storage is not None and self.scheduler is not None:
            session.profile = profile.model_dump(mode="json", exclude_none=True)
            consent = Message(language=lang, text=self.t("consent_question", lang), private=True)
            consent.buttons = [
                Button(
                    label=self.t("consent_yes", lang),
                    action=Action("consent", "yes", owner=who.user).encode(),
                ),
                Button(
                    label=self.t("consent_no", lang), action=Action("consent", "no", owner=who.user).encode()
                ),
            ]
            messages.append(consent)
        return messages

    def _consent(self, who: Who, yes: bool) -> Response:
        """The answer to "shall I save these answers?": only a yes stores the profile."""
        session = self.questionnaires.peek(self.user_key(who))
        profile = session.profile if session is not None else None
        if profile is None or self.storage is None:
            return Response([self._ack(who, "button_expired")])
        session.profile = None  # type: ignore[union-attr]
        lang = self.language(who)
        if not yes:
            message = self._text(who, "consent_declined")
            message.private = True
            return Response([message])
        self.storage.save_profile(self.user_key(who), profile)
        message = Message(language=lang, text=self.t("consent_saved", lang), private=True)
        message.buttons = [
            Button(
                label=self.t("remind_button", lang), action=Action("remind", "on", owner=who.user).encode()
            )
        ]
        return Response([message])

    # ------------------------------------------------------------------ reminders
    def remind(self, who: Who, on: bool = True) -> Response:
        """/remind: reminders before each upcoming deadline that concerns the person (their saved
        profile if they consented, else every reminder event of their programme); /remind off."""
        with self._lock:
            if (held := self._admit(who)) is not None:
                return held
            self._leave_typing(who)
            return self._remind(who, on)

    def _remind(self, who: Who, on: bool) -> Response:
        from assistant.checklist import saved_profile, subscribe

        def private(message: Message) -> Response:
            message.private = True
            return Response([message])

        if not (who.private or who.whisper):
            return Response([self._text(who, "private_only")])
        if self.storage is None or self.scheduler is None:
            return private(self._text(who, "remind_unavailable"))
        key = self.user_key(who)
        lang = self.language(who)
        if not on:
            mine = self.storage.reminders(key)
            for reminder in mine:
                self.scheduler.cancel(reminder.id)
            count = self.storage.remove_reminders(key)
            return private(self._text(who, "remind_off", count=count))
        saved = self.storage.get_profile(key)
        programme = self.conversation(who).active_programme() or (saved or {}).get("programme")
        if programme not in self.kb.programmes:
            response = self._programme_menu(who, "need_programme")
            for message in response.messages:
                message.private = True
            return response
        profile = saved_profile(self.kb, saved, programme)
        stored = subscribe(self.storage, self.kb, key, who.user, programme, profile, lang, self.now())
        for reminder in stored:
            self.scheduler.schedule(reminder.id, reminder.fire_at)
        if stored:
            first = stored[0]
            event = self.kb.programmes[programme].events[first.event_id]
            from assistant import timefmt

            upcoming = (
                f"{event.title.get(lang)} ({timefmt.format_point(first.fire_at.astimezone(PARIS), lang)})"
            )
            text = self.t("remind_on", lang, count=len(stored), next=upcoming)
        else:
            text = self.t("remind_none", lang)
        if profile is None:
            text += "\n\n" + self.t("remind_profile_hint", lang)
        return private(Message(language=lang, text=text))

    def restore(self) -> int:
        """At start-up: start a timer for every stored reminder of this platform; drop those whose time
        passed more than `late_grace` ago. Returns how many timers were started."""
        if self.storage is None or self.scheduler is None:
            return 0
        with self._lock:
            now = self.now()
            started = 0
            for reminder in self.storage.reminders():
                if not reminder.user.startswith(f"{self.platform}:"):
                    continue  # the database may be shared with another platform's bot
                if now - reminder.fire_at > self.late_grace:
                    log.info(
                        "dropping reminder %d: its time passed %s ago", reminder.id, now - reminder.fire_at
                    )
                    self.storage.remove_reminder(reminder.id)
                    continue
                self.scheduler.schedule(reminder.id, reminder.fire_at)
                started += 1
            return started

    def claim_due(self, at: datetime | None = None) -> list[Delivery]:
        """Claim this platform's due reminders (another process on the same database will not send
        them) and word them. `at` is when the timer was set to fire: due then even if the clock lags."""
        from assistant.checklist import reminder_text

        if self.storage is None:
            return []
        with self._lock:
            now = max(self.now(), at) if at is not None else self.now()
            out = []
            for reminder in self.storage.claim_due_reminders(now, self.worker, platform=self.platform):
                text = reminder_text(self.kb, reminder.programme, reminder.event_id, reminder.language, now)
                if now - reminder.fire_at > self.late_grace:
                    log.info("reminder %d dropped: its time passed long ago", reminder.id)
                elif text is None:  # the knowledge base changed since: nothing reliable to say
                    log.info(
                        "reminder %d dropped: event %s/%s is gone",
                        reminder.id,
                        reminder.programme,
                        reminder.event_id,
                    )
                else:
                    out.append(Delivery(reminder, text))
                    continue
                self.storage.complete_reminder(reminder.id)
            return out

    def delivered(self, delivery: Delivery) -> None:
        """Sent — or failed for good (the person blocked the bot): never sent twice."""
        if self.storage is not None:
            self.storage.complete_reminder(delivery.reminder.id)

    def release(self, delivery: Delivery) -> None:
        """Not sent (the bot is stopping): the next start sends it."""
        if self.storage is not None:
            self.storage.release_reminder(delivery.reminder.id)

    async def deliver_due(
        self, send: Callable[[Delivery], Awaitable[None]], at: datetime | None = None
    ) -> int:
        """Claim the due reminders and send each with the adapter's `send`; returns how many were sent.
        A failure is logged and the reminder completed; a cancellation gives the unsent ones back."""
        deliveries = await asyncio.to_thread(self.claim_due, at)
        sent = 0
        for index, delivery in enumerate(deliveries):
            try:
                await send(delivery)
                sent += 1
            except asyncio.CancelledError:
                for unsent in deliveries[index:]:
                    await asyncio.to_thread(self.release, unsent)
                raise
            except Exception as exc:  # noqa: BLE001 - one person's failure must not stop the others
                log.warning("reminder %d could not be sent: %s", delivery.reminder.id, exc)
            await asyncio.to_thread(self.delivered, delivery)
        return sent

    # ------------------------------------------------------------------ privacy
    def forget(self, who: Who) -> Response:
        """/forget: erase everything kept about the person — preferences, profile, reminders (and their
        timers), conversations, a questionnaire under way, flood counters."""
        with self._lock:
            key = self.user_key(who)
            lang = self.language(who)  # said in their language, before it is forgotten
            count = 0
            if self.storage is not None:
                reminders = self.storage.reminders(key)
                count = len(reminders)
                if self.scheduler is not None:
                    for reminder in reminders:
                        self.scheduler.cancel(reminder.id)
                self.storage.forget(key)
            self.conversations.drop(lambda k: isinstance(k, tuple) and k[1] == who.user)
            self.questionnaires.pop(key)
            self.handover_forget(who)
            self.buckets.forget(lambda k: isinstance(k, tuple) and k[0] == key)
            return Response(
                [Message(language=lang, text=self.t("forget_done", lang, count=count), private=True)]
            )

    # ------------------------------------------------------------------ moderators
    def _moderators_only(self, who: Who) -> Response | None:
        if not who.moderator:
            return Response([self._ack(who, "moderators_only")])
        return None

    def _bind(self, who: Who, scope: str | None, programme: str | None, scope_word: str) -> Response:
        if (refused := self._moderators_only(who)) is not None:
            return refused
        lang = self.language(who)
        if scope is None or self.storage is None:
            return Response([self._text(who, "guild_only")])
        if programme is not None and programme not in self.kb.programmes:
            message = self._text(who, "unknown_programme", programme=programme[:100])
            message.private = True
            return Response([message])
        self.storage.set_setting(scope, "programme", programme)
        word = self.t(f"scope_{scope_word}", lang)
        if programme is None:
            return Response([self._text(who, "programme_cleared", scope=word)])
        name = self.kb.programmes[programme].programme.short_name
        return Response([self._text(who, "programme_set", scope=word, programme=name)])

    def bind(self, who: Who, scope: str, programme: str | None, scope_word: str = "channel") -> Response:
        """Bind `scope` (a channel, a server, a group) to a programme; None unbinds. Moderators only."""
        with self._lock:
            response = self._bind(who, scope, programme, scope_word)
            for message in response.messages:
                message.private = True
            return response

    def set_auto_answer(self, who: Who, scope: str, enabled: bool, where: str) -> Response:
        """Answer questions nobody addressed to the bot in the channel `scope` (`where` names it)."""
        with self._lock:
            if (refused := self._moderators_only(who)) is not None:
                return refused
            if self.storage is not None:
                self.storage.set_setting(scope, "auto_answer", True if enabled else None)
            message = self._text(who, "auto_enabled" if enabled else "auto_disabled", channel=where)
            message.private = True
            return Response([message])

    def set_limits(
        self,
        who: Who,
        scope: str,
        *,
        messages: int | None = None,
        seconds: float | None = None,
        channel_cooldown: float | None = None,
    ) -> Response:
        """Change this server's flood limits (None: unchanged); answers with the limits in force."""
        with self._lock:
            if (refused := self._moderators_only(who)) is not None:
                return refused
            if self.storage is not None:
                for name, value in (
                    ("flood_messages", messages),
                    ("flood_seconds", seconds),
                    ("channel_cooldown", channel_cooldown),
                ):
                    if value is not None:
                        self.storage.set_setting(scope, name, value)
            limits = self.effective_limits(who)
            message = self._text(
                who,
                "flood_settings",
                messages=limits.messages,
                seconds=f"{limits.seconds:g}",
                cooldown=f"{limits.channel_cooldown:g}",
            )
            message.private = True
            return Response([message])

    def stats(self, who: Who, scope: str | None = None) -> Response:
        """Answered / clarified / declined, 👍 / 👎, the most asked topics and unanswered questions."""
        with self._lock:
            if (refused := self._moderators_only(who)) is not None:
                return refused
            lang = self.language(who)
            data = self.storage.stats(scope or self.stats_scope(who)) if self.storage is not None else {}
            colon = " : " if lang == "fr" else ": "
            lines = [
                f"{self.t('stats_answered', lang)}{colon}{data.get('answered', 0)}",
                f"{self.t('stats_clarified', lang)}{colon}{data.get('clarified', 0)}",
                f"{self.t('stats_declined', lang)}{colon}{data.get('declined', 0)}",
                f"{self.t('stats_feedback', lang)}{colon}👍 {data.get('helpful', 0)} · 👎 {data.get('not_helpful', 0)}",
            ]
            blocks = ["\n".join(lines)]
            for key in ("top_questions", "top_unanswered"):
                rows = [f"- {label or '?'} ({count})" for label, count in data.get(key) or []]
                body = "\n".join(rows) if rows else self.t("stats_none", lang)
                blocks.append(f"{self.t('stats_' + key, lang)}{colon.rstrip()}\n{body}")
            message = Message(
                language=lang, title=self.t("stats_title", lang), text="\n\n".join(blocks), private=True
            )
            return Response([message])


def texts_of(response: Response | Iterable[Message]) -> list[str]:
    """The plain texts of a response (titles, interface texts, reply paragraphs), for logs and tests."""
    messages = response.messages if isinstance(response, Response) else list(response)
    out: list[str] = []
    for message in messages:
        if message.title:
            out.append(message.title)
        if message.text:
            out.append(message.text)
        if message.reply is not None:
            out.append(message.reply.plain_text())
    return out
