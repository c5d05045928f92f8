"""Building and running the Telegram bot: PTB `Application` wiring, polling or webhook.

`build_application()` is what tests and the benchmark use (any Bot API server via `base_url`);
`run()` is the `candidate-assistant telegram` entry point: it reads the environment, loads the core,
installs the token-redacting log filter, and runs long polling (default) or a webhook.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from adapters.telegram import logsafe
from adapters.telegram.concurrency import PerChatUpdateProcessor
from adapters.telegram.flood import FloodControl
from adapters.telegram.handlers import Handlers
from adapters.telegram.state import BotState, Settings
from adapters.telegram.texts import COMMANDS, t
from assistant.storage import SQLiteStorage, Storage

if TYPE_CHECKING:
    from assistant.engine import Assistant

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
"""What we ask Telegram for; anything else that still arrives is ignored by the handlers."""
DEFAULT_API_URL = "https://api.telegram.org/bot"


def build_application(
    assistant: Assistant,
    storage: Storage,
    token: str,
    base_url: str | None = None,
    *,
    settings: Settings | None = None,
    flood: FloodControl | None = None,
    max_concurrent_updates: int = 64,
) -> Application:
    """A ready-to-start PTB Application answering with `assistant` and remembering in `storage`.

    `base_url` is PTB's (e.g. `http://127.0.0.1:8081/bot` for a self-hosted Bot API server); None means
    Telegram's own. The returned application has `bot_data["state"]` (the `BotState`) for inspection.
    """
    state = BotState(assistant, storage, settings or Settings())
    handlers = Handlers(state)
    builder = (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(flood or FloodControl())
        .concurrent_updates(PerChatUpdateProcessor(max_concurrent_updates))
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .post_init(_post_init)
    )
    if base_url:
        builder = builder.base_url(base_url).base_file_url(_file_url(base_url))
    app = builder.build()
    app.bot_data["state"] = state
    state.reminders.attach(app.job_queue)
    handlers.install(app)
    app.add_error_handler(_on_error)
    return app


def _file_url(base_url: str) -> str:
    """`http://host:8081/bot` -> `http://host:8081/file/bot`, as the Bot API lays files out."""
    head, sep, tail = base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if sep else base_url


async def _post_init(app: Application) -> None:
    """Register the command menu (French, and English as the default) and reschedule stored reminders."""
    for lang, language_code in (("en", None), ("fr", "fr")):
        commands = [BotCommand(name, description) for name, description in COMMANDS[lang].items()]
        try:
            await app.bot.set_my_commands(commands, language_code=language_code)
        except TelegramError as exc:  # the bot works without its menu: don't refuse to start
            log.warning("could not register the %s command menu: %s", lang, exc)
    state: BotState = app.bot_data["state"]
    restored = state.reminders.restore()
    log.info("bot @%s ready; %d reminder(s) rescheduled", app.bot.username, restored)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An exception in one update is logged (the log filter redacts the token) and the bot goes on."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s: %s", update_id, context.error, exc_info=context.error)
    if (
        isinstance(update, Update)
        and update.effective_chat is not None
        and update.effective_chat.type == "private"
    ):
        state: BotState = context.application.bot_data["state"]
        try:
            await state.send_text(context.bot, update.effective_chat.id, t(state.language(update), "error"))
        except Exception:  # noqa: BLE001 - the error message itself is best effort
            log.warning("could not tell chat about the error")


# running ---------------------------------------------------------------------------------------------------
def run(args: argparse.Namespace | Mapping[str, Any] | None = None, **kwargs: Any) -> int:
    """Run the bot until interrupted. Options come from an argparse namespace and/or keyword arguments
    (webhook_url, listen, port, webhook_secret, kb, db); the token from `TELEGRAM_BOT_TOKEN`."""
    opts: dict[str, Any] = {
        "webhook_url": None,
        "listen": "127.0.0.1",
        "port": 8443,
        "webhook_secret": None,
        "kb": None,
        "db": None,
    }
    if isinstance(args, argparse.Namespace):
        opts.update({k: v for k, v in vars(args).items() if k in opts and v is not None})
    elif args is not None:
        opts.update({k: v for k, v in args.items() if k in opts and v is not None})
    opts.update({k: v for k, v in kwargs.items() if v is not None})

    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        print(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token.",
            file=sys.stderr,
        )
        return 2
    logsafe.install(token)
    from assistant.engine import Assistant  # the core loads the knowledge base: after logging is set up
    from assistant.kb.loader import KnowledgeError

    try:
        assistant = Assistant.load(opts["kb"])
    except KnowledgeError as exc:
        print(f"the knowledge base has problems; fix them and start again:\n{exc}", file=sys.stderr)
        return 1
    storage = SQLiteStorage(opts["db"])
    base_url = os.environ.get("TELEGRAM_API_URL") or None
    app = build_application(assistant, storage, token, base_url=base_url)
    try:
        if opts["webhook_url"]:
            secret = (
                opts["webhook_secret"]
                or os.environ.get("TELEGRAM_WEBHOOK_SECRET")
                or secrets.token_urlsafe(32)
            )
            logsafe.install(secret)
            url_path = urlsplit(opts["webhook_url"]).path.lstrip("/")
            log.info("webhook mode: listening on %s:%s/%s", opts["listen"], opts["port"], url_path)
            app.run_webhook(
                listen=opts["listen"],
                port=int(opts["port"]),
                url_path=url_path,
                webhook_url=opts["webhook_url"],
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            log.info("long polling mode (Bot API at %s)", base_url or DEFAULT_API_URL)
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        storage.close()
    return 0
