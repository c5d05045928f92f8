"""Telegram updates in, core calls out: questions, commands and button presses.

This module only translates. Every answer comes from `Assistant` (`ask`, `press`, `deadlines`); which
programme or intent a question is about is decided by the core, never here.

Where the bot speaks:
* private chats: every text message is a question; media get a short "I only read text" note;
* groups: only messages that mention the bot, reply to it, or use /ask; everything else is ignored;
* edited messages, channel posts and other update types are ignored (no handler matches them).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import MessageEntity, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram.checklist_flow import ChecklistFlow
from adapters.telegram.render import KeyButton, keyboard, render_reply
from adapters.telegram.state import BotState
from adapters.telegram.texts import LANGUAGE_BUTTONS, t
from assistant.reply import Button, Reply

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

NEW_MESSAGES = filters.UpdateType.MESSAGE  # not edited messages, not channel posts
PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS


class Handlers:
    def __init__(self, state: BotState) -> None:
        self.state = state
        self.checklist = ChecklistFlow(state, self)
        state.reminders.deliver = self.checklist.deliver_reminder

    def install(self, app: Application) -> None:
        private_only = {"checklist": self.checklist.cmd_checklist, "remind": self.checklist.cmd_remind}
        commands = {
            "start": self.cmd_start,
            "help": self.cmd_help,
            "ask": self.cmd_ask,
            "deadlines": self.cmd_deadlines,
            "programme": self.cmd_programme,
            "language": self.cmd_language,
            "forget": self.cmd_forget,
            **private_only,
        }
        # group -1 runs before the others: any command but /checklist ends typed questionnaire answers
        app.add_handler(
            MessageHandler(NEW_MESSAGES & PRIVATE & filters.COMMAND, self.on_any_command), group=-1
        )
        for name, callback in commands.items():
            app.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGES))
        app.add_handler(MessageHandler(NEW_MESSAGES & PRIVATE & filters.COMMAND, self.cmd_help))
        app.add_handler(MessageHandler(NEW_MESSAGES & PRIVATE & filters.TEXT, self.on_private_text))
        app.add_handler(
            MessageHandler(NEW_MESSAGES & GROUPS & filters.TEXT & ~filters.COMMAND, self.on_group_text)
        )
        app.add_handler(MessageHandler(NEW_MESSAGES & PRIVATE & ~filters.TEXT, self.on_media))
        app.add_handler(CallbackQueryHandler(self.on_button))

    async def on_any_command(self, update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not message.text:
            return
        if message.text.split()[0].split("@")[0].lower() != "/checklist":
            self.checklist.leave_typing(user.id)

    # questions ----------------------------------------------------------------------------------------------
    async def on_private_text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        if self.checklist.waiting_for_text(update):
            if await self.state.admit(update, context.bot):
                await self.checklist.on_text(update, context, message.text)
            return
        await self.answer(update, context, message.text)

    async def on_group_text(self, update: Update, context: Context) -> None:
        question = addressed_text(update, context.bot.id, context.bot.username)
        if question is None:
            return
        if not question:  # "@bot" alone
            if await self.state.admit(update, context.bot):
                await self.say(update, context, t(self.state.language(update), "ask_usage"))
            return
        await self.answer(update, context, question)

    async def cmd_ask(self, update: Update, context: Context) -> None:
        question = " ".join(context.args or []).strip()
        if not question:
            if await self.state.admit(update, context.bot):
                await self.say(update, context, t(self.state.language(update), "ask_usage"))
            return
        await self.answer(update, context, question)

    async def answer(self, update: Update, context: Context, text: str) -> None:
        """Ask the core and send its reply (rate limit first: the core is the expensive part)."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        if not await self.state.admit(update, context.bot):
            return
        conv = self.state.conversation(chat, user)
        reply = self.state.assistant.ask(
            text, conv, language=self._forced_language(update), now=self.state.now()
        )
        # Statistics for staff: a commit per question, kept off the event loop so other chats don't wait.
        await asyncio.to_thread(
            self.state.storage.record, self.state.chat_scope(chat), reply.decision, reply.intent, text
        )
        await self.send_reply(update, context, reply)

    def _forced_language(self, update: Update) -> str | None:
        """The language the user chose with /language or /start (None: the core detects it)."""
        lang = self.state.prefs(update.effective_user).get("language")
        return lang if lang in ("fr", "en") else None

    async def send_reply(self, update: Update, context: Context, reply: Reply) -> None:
        chat = update.effective_chat
        assert chat is not None
        messages = render_reply(reply, self.state.codec)
        await self.state.send(context.bot, chat.id, messages, reply_to=self.state.reply_target(update))

    async def say(
        self, update: Update, context: Context, text: str, rows: list[list[KeyButton]] | None = None
    ) -> None:
        chat = update.effective_chat
        assert chat is not None
        await self.state.send_text(context.bot, chat.id, text, rows, reply_to=self.state.reply_target(update))

    async def on_media(self, update: Update, context: Context) -> None:
        if await self.state.admit(update, context.bot):
            await self.say(update, context, t(self.state.language(update), "only_text"))

    # commands ---------------------------------------------------------------------------------------------------
    async def cmd_start(self, update: Update, context: Context) -> None:
        if not await self.state.admit(update, context.bot):
            return
        lang = self.state.language(update)
        if update.effective_chat is not None and update.effective_chat.type != ChatType.PRIVATE:
            await self.say(update, context, t(lang, "help"))
            return
        await self.say(update, context, t(lang, "choose_language"), language_rows())

    async def cmd_help(self, update: Update, context: Context) -> None:
        if await self.state.admit(update, context.bot):
            await self.say(update, context, t(self.state.language(update), "help"))

    async def cmd_language(self, update: Update, context: Context) -> None:
        if await self.state.admit(update, context.bot):
            await self.say(
                update, context, t(self.state.language(update), "choose_language"), language_rows()
            )

    async def cmd_programme(self, update: Update, context: Context) -> None:
        if not await self.state.admit(update, context.bot):
            return
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            # in a group, /programme binds the whole chat (admins only, checked when they choose)
            lang = self.state.language(update)
            choices = [
                Button(label=b.label, action="bind:" + b.action.partition(":")[2])
                for b in self.state.assistant.programme_buttons(lang)
            ]
            choices.append(Button(label=t(lang, "bind_none"), action="bind:"))
            await self.say(
                update, context, t(lang, "choose_group_programme"), keyboard(choices, self.state.codec)
            )
            return
        await self.ask_programme(update, context, "choose_programme")

    async def bind_programme(self, update: Update, context: Context, action: str) -> None:
        """`bind:<id>` under /programme in a group: a chat administrator binds (or unbinds) the programme
        every member's questions are about; stored, so it survives a restart."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        lang = self.state.language(update)
        if user is None or chat.type == ChatType.PRIVATE:
            return
        member = await context.bot.get_chat_member(chat.id, user.id)
        if member.status not in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
            await self.say(update, context, t(lang, "admins_only"))
            return
        programme = action.partition(":")[2] or None
        if programme is not None and programme not in self.state.assistant.kb.programmes:
            await self.say(update, context, t(lang, "button_expired"))
            return
        self.state.storage.set_setting(self.state.chat_scope(chat), "programme", programme)
        self.state.conversation(chat, user).bound_programme = programme
        if programme is None:
            await self.say(update, context, t(lang, "group_unbound"))
        else:
            name = self.state.assistant.kb.programmes[programme].programme.short_name
            await self.say(update, context, t(lang, "group_bound", programme=name))

    async def ask_programme(self, update: Update, context: Context, key: str) -> None:
        lang = self.state.language(update)
        buttons = self.state.assistant.programme_buttons(lang)
        if not buttons:
            await self.say(update, context, t(lang, "no_programme"))
            return
        await self.say(update, context, t(lang, key), keyboard(buttons, self.state.codec))

    async def cmd_deadlines(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        assert chat is not None
        if not await self.state.admit(update, context.bot):
            return
        conv = self.state.conversation(chat, update.effective_user)
        reply = self.state.assistant.deadlines(
            conv, now=self.state.now(), language=self.state.language(update)
        )
        await self.send_reply(update, context, reply)

    async def cmd_forget(self, update: Update, context: Context) -> None:
        """Erase everything stored about the user: preferences, profile, reminders (and their timers)."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        lang = self.state.language(update)
        key = self.state.user_key(user)
        self.state.reminders.cancel_user(key)
        self.state.storage.forget(key)
        self.checklist.forget(user.id)
        self.state.conversations.drop(lambda chat_id: chat_id == user.id)  # the private chat's context
        self.state.limiter.forget(key)
        self.state.button_limiter.forget(key)
        await self.say(update, context, t(lang, "forget_done"))

    # buttons --------------------------------------------------------------------------------------------------------
    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        await self.state.quietly(query.answer())  # stops the button's spinner whatever happens next
        if not await self.state.admit(update, context.bot):
            return
        if update.effective_chat is None:  # a button under an inline-mode message: not ours to answer
            return
        action = self.state.codec.decode(query.data or "")
        if action is None:
            await self.say(update, context, t(self.state.language(update), "button_expired"))
            return
        if action.startswith("lang:"):
            await self.choose_language(update, context, action)
        elif action.startswith("bind:"):
            await self.bind_programme(update, context, action)
        elif self.checklist.handles(action):
            await self.checklist.on_button(update, context, action)
        else:
            await self.press(update, context, action)

    async def choose_language(self, update: Update, context: Context, action: str) -> None:
        """`lang:<fr|en>`: remember the choice, let the core greet in that language, then (first time in a
        private chat) offer the programmes."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        conv = self.state.conversation(chat, user)
        reply = self.state.assistant.press(action, conv, now=self.state.now())
        lang = conv.language
        if chat.type == ChatType.PRIVATE and user is not None and lang in ("fr", "en"):
            self.state.storage.set_prefs(self.state.user_key(user), language=lang)
        await self.send_reply(update, context, reply)
        if chat.type == ChatType.PRIVATE and not conv.active_programme():
            await self.ask_programme(update, context, "choose_programme")

    async def press(self, update: Update, context: Context, action: str) -> None:
        """A core button (clarification, suggestion, programme choice): the core answers."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        conv = self.state.conversation(chat, user)
        before = conv.programme
        reply = self.state.assistant.press(action, conv, now=self.state.now())
        if conv.programme and conv.programme != before and chat.type == ChatType.PRIVATE and user is not None:
            # Remember the choice for the next session (the core has set it on the conversation).
            self.state.storage.set_prefs(self.state.user_key(user), programme=conv.programme)
        await self.send_reply(update, context, reply)


def language_rows() -> list[list[KeyButton]]:
    return [[KeyButton(label, data) for label, data in LANGUAGE_BUTTONS]]


def addressed_text(update: Update, bot_id: int, bot_username: str | None) -> str | None:
    """The question in a group message addressed to the bot (mention or reply), else None.

    The mention itself is removed; an empty string means "addressed, but no question".
    """
    message = update.effective_message
    if message is None or message.text is None:
        return None
    text = message.text
    addressed = False
    handle = f"@{bot_username}".lower() if bot_username else None
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if entity.type == MessageEntity.MENTION and handle is not None and value.lower() == handle:
            addressed = True
            text = text.replace(value, " ", 1)  # the question is what remains
        elif (
            entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id
        ):
            addressed = True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        addressed = True
    if not addressed:
        return None
    return " ".join(text.split()).strip(" ,:;")
