"""What the handlers share: the core, storage, per-chat conversations, and the send helpers.

One `BotState` per Application. Conversations (the core's short-term context) live in memory, one per
chat; preferences, consented profiles and reminders live in `Storage` under `telegram:<user id>`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import (
    Bot,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError

from adapters.telegram.ratelimit import UserRateLimiter, Verdict
from adapters.telegram.reminders import Clock, ReminderScheduler, utc_now
from adapters.telegram.render import CallbackCodec, KeyButton, Outgoing, render_text
from adapters.telegram.texts import t
from assistant.context import Conversation, ConversationCache
from assistant.storage import Storage

if TYPE_CHECKING:
    from assistant.engine import Assistant

log = logging.getLogger(__name__)
PLATFORM = "telegram"
LOCAL_TZ = ZoneInfo("Europe/Paris")  # the programmes' dates are French; "today" is a day in Paris


@dataclass
class Settings:
    """Tunables; tests shrink the windows and inject clocks."""

    rate_limit: int = 8
    """Messages (text, commands, media) a user may send per `rate_window` seconds."""
    button_rate_limit: int = 20
    """Button presses per window: a questionnaire is answered by quick successive presses."""
    rate_window: float = 10.0
    clock: Clock = utc_now
    """Wall clock for "today", deadlines and reminders."""
    monotonic: Callable[[], float] = time.monotonic
    """Clock for the per-user rate limit."""
    max_conversations: int = 20_000


@dataclass
class BotState:
    assistant: Assistant
    storage: Storage
    settings: Settings = field(default_factory=Settings)
    codec: CallbackCodec = field(default_factory=CallbackCodec)
    conversations: ConversationCache = field(init=False)
    limiter: UserRateLimiter = field(init=False)
    button_limiter: UserRateLimiter = field(init=False)
    reminders: ReminderScheduler = field(init=False)

    def __post_init__(self) -> None:
        self.conversations = ConversationCache(self.settings.max_conversations)
        self.limiter = UserRateLimiter(
            self.settings.rate_limit, self.settings.rate_window, clock=self.settings.monotonic
        )
        self.button_limiter = UserRateLimiter(
            self.settings.button_rate_limit, self.settings.rate_window, clock=self.settings.monotonic
        )
        self.reminders = ReminderScheduler(self.storage, clock=self.settings.clock)

    # identities ---------------------------------------------------------------------------------------
    @staticmethod
    def user_key(user: User | int) -> str:
        return f"{PLATFORM}:{user if isinstance(user, int) else user.id}"

    @staticmethod
    def chat_scope(chat: Chat) -> str:
        """Statistics scope: per group, but never per private chat (that would say who asked)."""
        return PLATFORM if chat.type == ChatType.PRIVATE else f"{PLATFORM}:chat:{chat.id}"

    def now(self) -> datetime:
        return self.settings.clock()

    def today(self) -> date:
        return self.now().astimezone(LOCAL_TZ).date()

    # preferences and conversations --------------------------------------------------------------------
    def prefs(self, user: User | None) -> dict[str, Any]:
        return self.storage.get_prefs(self.user_key(user)) if user is not None else {}

    def language(self, update: Update) -> str:
        """Interface language: the user's choice, else the chat's, else Telegram's language_code."""
        user = update.effective_user
        chosen = self.prefs(user).get("language")
        if chosen in ("fr", "en"):
            return chosen
        chat = update.effective_chat
        conv = self.conversations.peek(chat.id) if chat is not None else None
        if conv is not None and conv.language in ("fr", "en"):
            return conv.language
        code = (user.language_code or "") if user is not None else ""
        return "en" if code and not code.lower().startswith("fr") else "fr"

    def conversation(self, chat: Chat, user: User | None) -> Conversation:
        def create() -> Conversation:  # a new chat starts from what was stored
            if chat.type == ChatType.PRIVATE:
                prefs = self.prefs(user)
                return Conversation(programme=prefs.get("programme"), language=prefs.get("language"))
            return Conversation(bound_programme=self.storage.get_setting(self.chat_scope(chat), "programme"))

        return self.conversations.get(chat.id, create)

    # rate limit -----------------------------------------------------------------------------------------
    async def admit(self, update: Update, bot: Bot) -> bool:
        """Whether to process this update for its user; sends the rate-limit notice once per window."""
        user = update.effective_user
        if user is None:
            return False
        limiter = self.button_limiter if update.callback_query is not None else self.limiter
        verdict = limiter.check(self.user_key(user))
        if verdict is Verdict.NOTICE and update.effective_chat is not None:
            await self.send_text(
                bot,
                update.effective_chat.id,
                t(self.language(update), "rate_limited"),
                reply_to=self.reply_target(update),
            )
        return verdict is Verdict.ALLOW

    # sending -----------------------------------------------------------------------------------------------
    @staticmethod
    def markup(rows: Sequence[Sequence[KeyButton]]) -> InlineKeyboardMarkup | None:
        if not rows:
            return None
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
        )

    @staticmethod
    def reply_target(update: Update) -> int | None:
        """In groups we answer as a reply to the question, so the thread stays readable."""
        chat, message = update.effective_chat, update.effective_message
        if chat is None or message is None or chat.type == ChatType.PRIVATE or update.callback_query:
            return None
        return message.message_id

    async def send(
        self, bot: Bot, chat_id: int, messages: Sequence[Outgoing], reply_to: int | None = None
    ) -> list[Message]:
        """Send rendered messages in order (HTML parse mode is the application default).

        Flood control and network retries happen below, in `FloodControl`; a user who blocked the bot is
        logged and skipped.
        """
        sent: list[Message] = []
        for i, out in enumerate(messages):
            params = (
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and i == 0 else None
            )
            try:
                sent.append(
                    await bot.send_message(
                        chat_id, out.html, reply_markup=self.markup(out.keyboard), reply_parameters=params
                    )
                )
            except Forbidden:
                log.info("chat %s blocked the bot or is gone; message dropped", chat_id)
                break
        return sent

    async def send_text(
        self,
        bot: Bot,
        chat_id: int,
        text: str,
        rows: Sequence[Sequence[KeyButton]] | None = None,
        reply_to: int | None = None,
    ) -> list[Message]:
        return await self.send(bot, chat_id, render_text(text, list(rows or [])), reply_to=reply_to)

    @staticmethod
    async def quietly(coro: Any) -> Any:
        """Await a best-effort call (answering a callback, removing a keyboard) and ignore its failure."""
        try:
            return await coro
        except TelegramError as exc:
            log.debug("best-effort call failed: %s", exc)
            return None
