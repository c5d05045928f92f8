"""/checklist (the guided questionnaire), profile consent, and /remind, on top of `assistant.checklist`.

The questionnaire is the core's state machine; this module keeps one state per private chat, shows
each question with its choices as inline buttons (or reads a typed answer), and at the end sends the
checklist as a message and as an `.ics` document. A profile is stored only after the user says yes.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from adapters.telegram.render import KeyButton, keyboard, render_text
from adapters.telegram.state import BotState
from adapters.telegram.texts import t
from assistant.checklist import (
    Questionnaire,
    QuestionnaireStep,
    reminder_text,
    saved_profile,
    subscribe,
    to_ics,
)
from assistant.checklist import render_text as render_checklist_text
from assistant.checklist.questionnaire import PREFIX
from assistant.storage import Reminder

if TYPE_CHECKING:
    from adapters.telegram.handlers import Handlers

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

CONSENT_YES = "tg:consent:yes"
CONSENT_NO = "tg:consent:no"


CONTROLS = {f"{PREFIX}back", f"{PREFIX}restart"}


@dataclass
class Session:
    state: dict[str, Any]
    """The core questionnaire's JSON-serialisable state."""
    message_id: int | None
    """The message showing the current question (its keyboard is removed once answered by text)."""
    done: bool = False
    typing: bool = True
    """Whether the next typed message answers the question (False once the user ran another command)."""
    touched: float = 0.0
    """When the user last moved the questionnaire on (monotonic clock)."""


IDLE_SECONDS = 30 * 60
"""After this long without an answer, a typed message is a question again, not an answer."""


class ChecklistFlow:
    def __init__(self, state: BotState, handlers: Handlers) -> None:
        self.state = state
        self.handlers = handlers
        self.sessions: dict[int, Session] = {}
        """Questionnaire state per private chat (keyed by user id, which is the private chat's id)."""
        self.pending_profiles: dict[int, dict[str, Any]] = {}
        """Finished profiles waiting for the user's consent before being stored."""

    # routing -------------------------------------------------------------------------------------------
    def handles(self, action: str) -> bool:
        return action.startswith(("qa:", "tg:consent:"))

    def waiting_for_text(self, update: Update) -> bool:
        """Whether a typed message answers the questionnaire rather than asks the assistant."""
        user = update.effective_user
        session = self.sessions.get(user.id) if user is not None else None
        if session is None or session.done or not session.typing:
            return False
        return self.state.settings.monotonic() - session.touched < IDLE_SECONDS

    def leave_typing(self, user_id: int) -> None:
        """The user ran another command: their next messages are questions again (the question's
        buttons keep working)."""
        session = self.sessions.get(user_id)
        if session is not None:
            session.typing = False

    def forget(self, user_id: int) -> None:
        self.sessions.pop(user_id, None)
        self.pending_profiles.pop(user_id, None)

    async def _private(self, update: Update, context: Context) -> bool:
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE:
            return True
        await self.handlers.say(update, context, t(self.state.language(update), "private_only"))
        return False

    # /checklist ------------------------------------------------------------------------------------------
    def _questionnaire(self) -> Questionnaire:
        return Questionnaire(self.state.assistant.kb, today=self.state.today())

    async def cmd_checklist(self, update: Update, context: Context) -> None:
        if not await self.state.admit(update, context.bot) or not await self._private(update, context):
            return
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        lang = self.state.language(update)
        programme = self.state.conversation(chat, user).active_programme()
        step = self._questionnaire().start(
            lang,
            programme if programme in self.state.assistant.kb.programmes else None,
            today=self.state.today(),
        )
        await self.handlers.say(update, context, t(lang, "checklist_start"))
        await self._show(update, context, step, edit=False)

    async def on_text(self, update: Update, context: Context, text: str) -> None:
        """A typed answer to the current question (the core reads "bac+3", "je ne sais pas"...)."""
        user = update.effective_user
        assert user is not None
        session = self.sessions[user.id]
        step = self._questionnaire().answer(session.state, text, today=self.state.today())
        await self._strip_keyboard(context, user.id, session)
        await self._show(update, context, step, edit=False)

    async def _show(self, update: Update, context: Context, step: QuestionnaireStep, edit: bool) -> None:
        """Show a questionnaire step: the question with its choices (edited in place after a button press,
        sent anew after a typed answer), or the finished checklist, its .ics file and the consent question."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        text = f"{step.error}\n\n{step.prompt}" if step.error else step.prompt
        rows = keyboard([c for c in step.choices if c.action not in CONTROLS], self.state.codec, per_row=2)
        rows += keyboard([c for c in step.choices if c.action in CONTROLS], self.state.codec, per_row=2)
        rows = [] if step.done else rows
        message_id = await self._put(update, context, text, rows, edit)
        self.sessions[user.id] = Session(
            step.state, message_id, step.done, touched=self.state.settings.monotonic()
        )
        if step.done and step.checklist is not None:
            await self._deliver_checklist(update, context, step)

    async def _put(
        self, update: Update, context: Context, text: str, rows: list[list[KeyButton]], edit: bool
    ) -> int | None:
        query = update.callback_query
        if edit and query is not None and query.message is not None:
            html_text = render_text(text)[0].html  # a question is far below Telegram's size limit
            try:
                await query.edit_message_text(html_text, reply_markup=self.state.markup(rows))
                return query.message.message_id
            except BadRequest as exc:
                if "not modified" in str(exc):  # the same question again: already on screen
                    return query.message.message_id
                log.info("could not edit the question in place (%s); sending it anew", exc)
        chat = update.effective_chat
        assert chat is not None
        sent = await self.state.send_text(context.bot, chat.id, text, rows)
        return sent[-1].message_id if sent else None

    async def _strip_keyboard(self, context: Context, chat_id: int, session: Session) -> None:
        """After a typed answer, the previous question's buttons would answer the wrong question."""
        if session.message_id is not None:
            await self.state.quietly(
                context.bot.edit_message_reply_markup(chat_id, session.message_id, reply_markup=None)
            )

    async def _deliver_checklist(self, update: Update, context: Context, step: QuestionnaireStep) -> None:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None and step.checklist is not None
        checklist = step.checklist
        lang = checklist.language
        await self.state.send_text(context.bot, chat.id, render_checklist_text(checklist))
        calendar = to_ics(checklist, stamp=self.state.now())
        await context.bot.send_document(
            chat.id,
            document=calendar,
            filename=f"checklist-{checklist.programme}.ics",
            caption=html.escape(t(lang, "checklist_caption"), quote=False),
        )
        profile = self._questionnaire().profile(step.state)
        if profile is not None:
            self.pending_profiles[user.id] = profile.model_dump(mode="json", exclude_none=True)
            await self.state.send_text(
                context.bot, chat.id, t(lang, "consent_question"), self.consent_rows(lang)
            )

    async def on_button(self, update: Update, context: Context, action: str) -> None:
        user = update.effective_user
        if user is None:
            return
        lang = self.state.language(update)
        if action in (CONSENT_YES, CONSENT_NO):
            profile = self.pending_profiles.pop(user.id, None)
            if profile is None:
                await self.handlers.say(update, context, t(lang, "button_expired"))
            elif action == CONSENT_YES:
                self.state.storage.save_profile(self.state.user_key(user), profile)
                await self.handlers.say(update, context, t(lang, "consent_saved"))
            else:
                await self.handlers.say(update, context, t(lang, "consent_declined"))
            await self._drop_keyboard(update)
            return
        if action.startswith(PREFIX):
            session = self.sessions.get(user.id)
            if session is None:
                await self.handlers.say(update, context, t(lang, "button_expired"))
                await self._drop_keyboard(update)
                return
            step = self._questionnaire().answer(session.state, action, today=self.state.today())
            await self._show(update, context, step, edit=True)

    async def _drop_keyboard(self, update: Update) -> None:
        query = update.callback_query
        if query is not None and query.message is not None:
            await self.state.quietly(query.edit_message_reply_markup(reply_markup=None))

    def consent_rows(self, lang: str) -> list[list[KeyButton]]:
        return [
            [KeyButton(t(lang, "consent_yes"), CONSENT_YES), KeyButton(t(lang, "consent_no"), CONSENT_NO)]
        ]

    # /remind ----------------------------------------------------------------------------------------------
    async def cmd_remind(self, update: Update, context: Context) -> None:
        """`/remind`: schedule reminders 7 days and 1 day before each upcoming deadline that concerns the
        user (their saved profile if they consented, else every reminder event); `/remind off` stops them."""
        if not await self.state.admit(update, context.bot) or not await self._private(update, context):
            return
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        lang = self.state.language(update)
        key = self.state.user_key(user)
        if context.args and context.args[0].lower() in ("off", "stop", "non", "no"):
            self.state.reminders.cancel_user(key)
            count = self.state.storage.remove_reminders(key)
            await self.handlers.say(update, context, t(lang, "remind_off", count=count))
            return
        saved = self.state.storage.get_profile(key)
        programme = self.state.conversation(chat, user).active_programme() or (saved or {}).get("programme")
        kb = self.state.assistant.kb
        if programme not in kb.programmes:
            await self.handlers.ask_programme(update, context, "need_programme")
            return
        profile = saved_profile(kb, saved, programme)
        stored = subscribe(
            self.state.storage, kb, key, str(chat.id), programme, profile, lang, self.state.now()
        )
        for reminder in stored:
            self.state.reminders.schedule(reminder)
        text = t(lang, "remind_on", count=len(stored)) if stored else t(lang, "remind_none")
        if profile is None:
            text += "\n\n" + t(lang, "remind_profile_hint")
        await self.handlers.say(update, context, text)

    async def deliver_reminder(self, bot: Bot, reminder: Reminder) -> None:
        """Send one reminder, worded by the core (the same text Discord sends)."""
        kb = self.state.assistant.kb
        wording = reminder_text(
            kb, reminder.programme, reminder.event_id, reminder.language, self.state.now()
        )
        if wording is None:  # the knowledge base changed since: nothing reliable to say
            log.info(
                "reminder %d dropped: event %s/%s is gone", reminder.id, reminder.programme, reminder.event_id
            )
            return
        await self.state.send_text(bot, int(reminder.chat), wording)  # send_text escapes for HTML
