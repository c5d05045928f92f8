"""Telegram updates in, conversation-service calls out, its messages rendered back.

This module only translates: who wrote and where (`Who`), which service call an update is, and how a
`Message` looks on Telegram (HTML text, inline keyboards, documents, a notification for a button's
acknowledgement). What to answer, to whom, and when to stay quiet is the service's decision.

Where the bot speaks:
* private chats: every text message is a question (or a questionnaire answer); media get a short note;
* groups: only messages that mention the bot, reply to it, or use /ask; everything else is ignored;
* the staff chat (`TELEGRAM_STAFF_CHAT_ID`): a staff member's reply to a handed-over question is relayed
  to the candidate; nothing said there is ever answered as a candidate's question;
* edited messages, channel posts and other update types are ignored (no handler matches them).
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram.render import (
    MAX_MESSAGE,
    CallbackCodec,
    KeyButton,
    Outgoing,
    Span,
    render_message,
    render_text,
)
from assistant.service import ConversationService, Delivery, Response, Who
from assistant.service import Message as ServiceMessage

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
T = TypeVar("T")

PLATFORM = "telegram"
NEW_MESSAGES = filters.UpdateType.MESSAGE  # not edited messages, not channel posts
PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
MAX_TOAST = 200
"""Telegram's limit for the notification answering a button press."""
COMMANDS = (
    "start",
    "help",
    "ask",
    "human",
    "deadlines",
    "checklist",
    "remind",
    "programme",
    "language",
    "forget",
)
"""The command menu, in this order; descriptions are `command_<name>` in the text catalogue."""
MENTION_ROOM = 200
"""Characters kept free in a relayed answer for the mention of the candidate (in a group)."""
STAFF_COMMANDS = ("reload",)
"""The staff chat's own menu (staff answer handovers by replying, not by command)."""


def who_of(update: Update, moderator: bool = False) -> Who | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    private = chat.type == ChatType.PRIVATE
    return Who(
        user=str(user.id),
        chat=str(chat.id),
        private=private,
        settings=() if private else (f"{PLATFORM}:chat:{chat.id}",),
        locale=user.language_code,
        moderator=moderator,
    )


class Handlers:
    """The bot's handlers around one `ConversationService`."""

    def __init__(
        self, service: ConversationService, codec: CallbackCodec | None = None, staff_chat: int | None = None
    ) -> None:
        self.service = service
        self.codec = codec or CallbackCodec()
        self.staff_chat = staff_chat
        """Where handed-over questions go and staff answer them (None: no handovers on this bot)."""
        service.staff_destination = lambda who: str(staff_chat) if staff_chat is not None else None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="assistant-core")

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a service call off the event loop (one at a time, in arrival order)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def install(self, app: Application) -> None:
        if self.staff_chat is not None:  # first: the staff chat's messages are never candidates' questions
            staff = NEW_MESSAGES & filters.Chat(self.staff_chat) & ~filters.COMMAND
            app.add_handler(MessageHandler(staff & filters.REPLY & filters.TEXT, self.on_staff_reply))
            app.add_handler(MessageHandler(staff, self.on_staff_chatter))
        commands: dict[str, Callable[..., Any]] = {
            "start": self.service.start,
            "help": self.service.help,
            "deadlines": self.service.deadlines,
            "programme": self.service.programmes,
            "language": self.service.languages,
            "forget": self.service.forget,
            "checklist": self.service.checklist,
        }
        for name, call in commands.items():
            app.add_handler(CommandHandler(name, partial(self.on_command, call), filters=NEW_MESSAGES))
        app.add_handler(CommandHandler("ask", self.on_ask, filters=NEW_MESSAGES))
        app.add_handler(CommandHandler("human", self.on_human, filters=NEW_MESSAGES))
        app.add_handler(CommandHandler("remind", self.on_remind, filters=NEW_MESSAGES))
        app.add_handler(
            MessageHandler(
                NEW_MESSAGES & PRIVATE & filters.COMMAND, partial(self.on_command, self.service.help)
            )
        )
        app.add_handler(MessageHandler(NEW_MESSAGES & PRIVATE & filters.TEXT, self.on_private_text))
        app.add_handler(
            MessageHandler(NEW_MESSAGES & GROUPS & filters.TEXT & ~filters.COMMAND, self.on_group_text)
        )
        app.add_handler(MessageHandler(NEW_MESSAGES & PRIVATE & ~filters.TEXT, self.on_media))
        app.add_handler(CallbackQueryHandler(self.on_button))

    # events -> service ------------------------------------------------------------------------------
    async def on_command(self, call: Callable[[Who], Response], update: Update, context: Context) -> None:
        who = who_of(update)
        if who is not None:
            await self.deliver(update, context.bot, await self.call(call, who))

    def in_staff_chat(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and self.staff_chat is not None and chat.id == self.staff_chat

    async def on_ask(self, update: Update, context: Context) -> None:
        who = who_of(update)
        if who is not None and not self.in_staff_chat(update):
            question = " ".join(context.args or [])
            await self.deliver(update, context.bot, await self.call(self.service.ask, who, question))

    async def on_human(self, update: Update, context: Context) -> None:
        """/human [question]: hand the question over to the admissions team (not from the staff chat)."""
        who = who_of(update)
        if who is not None and not self.in_staff_chat(update):
            question = " ".join(context.args or [])
            await self.deliver(update, context.bot, await self.call(self.service.human, who, question))

    async def on_staff_reply(self, update: Update, context: Context) -> None:
        """A reply in the staff chat: to a handed-over question's post, relayed to the candidate."""
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return  # staff talking among themselves
        answer = await self.call(
            self.service.staff_answer, str(chat.id), message.text or "", message_id=str(replied.message_id)
        )
        relay = answer.relay
        if relay is None:
            if answer.notice is not None:
                await self.send(context.bot, chat.id, answer.notice, reply_to=message.message_id)
            return
        mentioned = not relay.private and relay.user.isdigit()
        outgoing = render_message(
            relay.message, self.codec, MAX_MESSAGE - MENTION_ROOM if mentioned else MAX_MESSAGE
        )
        if mentioned and outgoing:
            # in a group, the answer mentions the candidate (only them), so they see it among the chatter
            label = self.service.t("handover_mention", relay.message.language)
            mention = Span(label, href=f"tg://user?id={relay.user}").html()
            outgoing[0].html = f"{mention}\n{outgoing[0].html}"
        try:
            sent = await self.send_outgoing(context.bot, int(relay.chat), outgoing)
        except TelegramError as exc:
            log.info("could not relay a staff answer to chat %s: %s", relay.chat, exc)
            sent = []
        confirmation = await self.call(self.service.relayed if sent else self.service.relay_failed, relay)
        await self.send(context.bot, chat.id, confirmation, reply_to=message.message_id)

    async def on_staff_chatter(self, update: Update, context: Context) -> None:
        """Anything else said in the staff chat: not a question for the bot."""

    async def on_remind(self, update: Update, context: Context) -> None:
        who = who_of(update)
        if who is not None:
            off = bool(context.args) and context.args[0].lower() in ("off", "stop", "non", "no")
            await self.deliver(update, context.bot, await self.call(self.service.remind, who, not off))

    async def on_private_text(self, update: Update, context: Context) -> None:
        who, message = who_of(update), update.effective_message
        if who is not None and message is not None and message.text is not None:
            await self.deliver(update, context.bot, await self.call(self.service.ask, who, message.text))

    async def on_group_text(self, update: Update, context: Context) -> None:
        question = addressed_text(update, context.bot.id, context.bot.username)
        who = who_of(update)
        if question is not None and who is not None:  # "" (the bot alone) gets the usage
            await self.deliver(update, context.bot, await self.call(self.service.ask, who, question))

    async def on_media(self, update: Update, context: Context) -> None:
        who = who_of(update)
        if who is not None:
            await self.deliver(update, context.bot, await self.call(self.service.only_text, who))

    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        who = who_of(update)
        if who is None or update.effective_chat is None:  # a button under an inline-mode message
            await quietly(query.answer())
            return
        payload = self.codec.decode(query.data or "") or ""
        if self.service.requires_moderator(payload):
            who = replace(who, moderator=await self._is_admin(context.bot, update))
        ref = f"{update.effective_chat.id}:{query.message.message_id if query.message else query.id}"
        try:
            response = await self.call(self.service.press, who, payload, ref)
        except BaseException:
            await quietly(query.answer())  # stop the button's spinner whatever happened
            raise
        await self.deliver(update, context.bot, response)

    async def _is_admin(self, bot: Bot, update: Update) -> bool:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type == ChatType.PRIVATE:
            return False
        try:
            member = await bot.get_chat_member(chat.id, user.id)
        except TelegramError as exc:
            log.info("could not read a member's status: %s", exc)
            return False
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

    # service -> Telegram ----------------------------------------------------------------------------------
    async def deliver(self, update: Update, bot: Bot, response: Response) -> None:
        """Send a response: a button's acknowledgement as its notification, a questionnaire step in place
        of the question it answers, everything else as new messages (as replies in groups)."""
        query = update.callback_query
        chat = update.effective_chat
        assert chat is not None
        if response.staff is not None:
            response = await self.post_to_staff(bot, update, response)
        toast = None
        messages = list(response.messages)
        if query is not None:
            acks = [m for m in messages if m.ack]
            if acks and len(acks[0].text) <= MAX_TOAST:
                toast = acks[0].text
                messages = [m for m in messages if m is not acks[0]]
            await quietly(query.answer(toast))
        reply_to = reply_target(update)
        for message in messages:
            if (
                message.edit
                and query is not None
                and query.message is not None
                and await self._edit(query.message, message)
            ):
                continue
            await self.send(bot, chat.id, message, reply_to=reply_to)
            reply_to = None

    async def post_to_staff(self, bot: Bot, update: Update, response: Response) -> Response:
        """Post a handed-over question to the staff chat and tell the service which message it is (a
        staff reply to it is then found after a restart); if the staff chat cannot be reached, the
        service's answer for that case instead."""
        post = response.staff
        assert post is not None
        try:
            sent = await self.send_outgoing(
                bot, int(post.destination), render_message(post.message, self.codec)
            )
        except TelegramError as exc:
            log.warning("could not post a handover to the staff chat: %s", exc)
            sent = []
        who = who_of(update)
        if not sent or who is None:
            return await self.call(self.service.staff_unreachable, who, post)
        await self.call(
            self.service.staff_posted, post.handover_id, post.destination, str(sent[0].message_id)
        )
        return replace(response, staff=None)

    async def _edit(self, target: Any, message: ServiceMessage) -> bool:
        """Show `message` in place of the message a button was under (False: send it anew instead)."""
        rendered = render_message(message, self.codec)
        if len(rendered) != 1 or message.files:
            return False
        try:
            await target.edit_text(rendered[0].html, reply_markup=markup(rendered[0].keyboard))
        except BadRequest as exc:
            if "not modified" in str(exc):  # the same question again: already on screen
                return True
            log.info("could not edit a message in place (%s); sending it anew", exc)
            return False
        return True

    async def send(
        self, bot: Bot, chat_id: int, message: ServiceMessage, reply_to: int | None = None
    ) -> None:
        await self.send_outgoing(bot, chat_id, render_message(message, self.codec), reply_to)
        for attachment in message.files:
            await bot.send_document(
                chat_id,
                document=attachment.data,
                filename=attachment.name,
                caption=html.escape(attachment.caption, quote=False) or None,
            )

    async def send_outgoing(
        self, bot: Bot, chat_id: int, messages: Sequence[Outgoing], reply_to: int | None = None
    ) -> list[Message]:
        """Send rendered messages in order (HTML is the application's default parse mode). Flood waits
        and network retries happen below, in `FloodControl`; a chat that blocked the bot is skipped."""
        sent: list[Message] = []
        for i, out in enumerate(messages):
            params = (
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and i == 0 else None
            )
            try:
                sent.append(
                    await bot.send_message(
                        chat_id, out.html, reply_markup=markup(out.keyboard), reply_parameters=params
                    )
                )
            except Forbidden:
                log.info("chat %s blocked the bot or is gone; message dropped", chat_id)
                break
        return sent

    async def send_reminder(self, bot: Bot, delivery: Delivery) -> None:
        """A reminder, worded by the service, to the person's private chat (errors are the service's to log)."""
        sent = await self.send_outgoing(bot, int(delivery.reminder.chat), render_text(delivery.text))
        if not sent:
            raise Forbidden(f"chat {delivery.reminder.chat} blocked the bot")


def markup(rows: Sequence[Sequence[KeyButton]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


def reply_target(update: Update) -> int | None:
    """In groups we answer as a reply to the question, so the thread stays readable."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or chat.type == ChatType.PRIVATE or update.callback_query:
        return None
    return message.message_id


async def quietly(coro: Any) -> Any:
    """Await a best-effort call (answering a button press) and ignore its failure."""
    try:
        return await coro
    except TelegramError as exc:
        log.debug("best-effort call failed: %s", exc)
        return None


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
