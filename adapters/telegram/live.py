"""The live knowledge base on Telegram: `/reload` in the staff chat, the folder watcher, SIGHUP, and
reports of refused edits posted to the staff chat.

The policy (what a reload checks, when it swaps, what is reported once) is `assistant.live`'s; this
module only wires its triggers and posts its results. `/reload` anywhere but the staff chat is no
command: it gets what any unknown command gets (the help in a private chat, nothing in a group).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Bot, Update
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, filters

from adapters.lifecycle import reload_on_signal
from adapters.telegram.handlers import NEW_MESSAGES, Context, Handlers, who_of
from adapters.telegram.render import MAX_MESSAGE
from assistant.live import LiveKnowledge, ReloadResult, WatchSettings
from assistant.service import Message

log = logging.getLogger(__name__)

REPORT_LANGUAGE = "fr"
"""The language of reports nobody asked for (a refused edit seen by the watcher)."""


class LiveReload:
    """`/reload` and the reports, around the service's `LiveKnowledge`."""

    def __init__(self, handlers: Handlers, settings: WatchSettings, bot: Bot) -> None:
        self.handlers = handlers
        self.staff_chat = handlers.staff_chat
        self.settings = settings
        self.bot = bot
        self.live = LiveKnowledge(handlers.service, interval=settings.interval, on_result=self.post)

    def install(self, app: Application) -> None:
        """`/reload` in the staff chat only, before the other handlers (so a private staff chat does
        not get the unknown-command help as well)."""
        if self.staff_chat is not None:
            staff = NEW_MESSAGES & filters.Chat(chat_id=self.staff_chat)
            app.add_handler(CommandHandler("reload", self.on_reload, filters=staff), group=-1)

    async def on_reload(self, update: Update, context: Context) -> None:
        who, message = who_of(update), update.effective_message
        if who is not None and message is not None:
            service = self.handlers.service
            lang = await self.handlers.call(service.language, who)
            checking = Message(language=lang, text=service.t("kb_reload_checking", lang))
            await self.handlers.send(context.bot, int(who.chat), checking, reply_to=message.message_id)

            async def training() -> None:
                text = service.t("kb_reload_training", lang)
                await self.handlers.send(context.bot, int(who.chat), Message(language=lang, text=text))

            result = await self.live.reload("staff", training)
            text = result.report(service.t, lang, MAX_MESSAGE)
            await self.handlers.send(context.bot, int(who.chat), Message(language=lang, text=text))
        raise ApplicationHandlerStop

    async def post(self, result: ReloadResult) -> None:
        """A reload nobody asked for (watcher, SIGHUP): a refused edit goes to the staff chat (the log
        has every result)."""
        if result.ok or self.staff_chat is None:
            return
        service = self.handlers.service
        text = result.report(service.t, REPORT_LANGUAGE, MAX_MESSAGE)
        await self.handlers.send(self.bot, self.staff_chat, Message(language=REPORT_LANGUAGE, text=text))

    def start(self) -> Callable[[], None]:
        """The watcher (unless `CANDIDATE_ASSISTANT_WATCH=0`) and SIGHUP, until the returned call."""
        watcher = asyncio.get_running_loop().create_task(self.live.watch()) if self.settings.enabled else None
        remove_signal = reload_on_signal(self.live.request)

        def stop() -> None:
            remove_signal()
            if watcher is not None:
                watcher.cancel()

        return stop


def install(app: Application, handlers: Handlers, env: dict[str, str] | None = None) -> LiveReload:
    """Wire the live knowledge base into a built application (`bot_data["live"]`), reporting to the
    handlers' staff chat. A bad watch interval raises ValueError naming the variable."""
    live = LiveReload(handlers, WatchSettings.from_env(env), app.bot)
    live.install(app)
    app.bot_data["live"] = live
    return live


def check_env(env: dict[str, str] | None = None) -> None:
    """At start-up: a bad watch setting raises ValueError naming it."""
    WatchSettings.from_env(env)
