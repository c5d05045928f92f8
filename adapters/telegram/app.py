"""Building and running the Telegram bot: PTB `Application` wiring, its lifecycle, polling or webhook.

`build_application()` is what tests and the benchmark use (any Bot API server via `base_url`);
`serve()` runs a built application until asked to stop, surviving an unreachable Bot API (retries with
backoff, one log line per attempt); `run()` is the `candidate-assistant telegram` entry point: the
environment, the core, the database, signals and exit statuses.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import secrets
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from adapters.lifecycle import (
    EXIT_CONFIG,
    EXIT_OK,
    SHUTDOWN_SECONDS,
    Backoff,
    one_line,
    setup_logging,
    stop_on_signals,
    wait_or_stop,
)
from adapters.telegram import live, logsafe
from adapters.telegram.concurrency import PerChatUpdateProcessor
from adapters.telegram.flood import FloodControl, retry_after_seconds
from adapters.telegram.handlers import COMMANDS, PLATFORM, STAFF_COMMANDS, Handlers, who_of
from adapters.telegram.reminders import JobQueueScheduler
from adapters.telegram.staff import staff_chat_id
from assistant.flood import Limits
from assistant.service import ConversationService, utc_now

if TYPE_CHECKING:
    from assistant.engine import Assistant
    from assistant.storage import Storage

log = logging.getLogger(__name__)
T = TypeVar("T")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
"""What we ask Telegram for; anything else that still arrives is ignored by the handlers."""
DEFAULT_API_URL = "https://api.telegram.org/bot"
POLL_TIMEOUT = 30
"""Seconds a long poll waits for updates."""


def build_application(
    assistant: Assistant,
    storage: Storage,
    token: str,
    base_url: str | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    monotonic: Callable[[], float] = time.monotonic,
    limits: Limits | None = None,
    flood: FloodControl | None = None,
    max_concurrent_updates: int = 64,
    staff_chat: int | None = None,
) -> Application:
    """A ready-to-start PTB Application answering through a `ConversationService`.

    `base_url` is PTB's (e.g. `http://127.0.0.1:8081/bot` for a self-hosted Bot API server); None means
    Telegram's own. `clock` (aware datetimes) and `monotonic` are the service's clocks (tests move them). The application's `bot_data` holds the `service`, the `handlers` and the reminders'
    `scheduler`. `staff_chat` is the staff chat's id (`TELEGRAM_STAFF_CHAT_ID`): handed-over questions go
    there and staff answer them there, `/reload` is accepted there and refused edits are posted there;
    None: `TELEGRAM_STAFF_CHAT_ID`, and without it no staff chat (candidates are told nobody reads the bot).
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(flood or FloodControl())
        .concurrent_updates(PerChatUpdateProcessor(max_concurrent_updates))
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
    )
    if base_url:
        builder = builder.base_url(base_url).base_file_url(_file_url(base_url))
    app = builder.build()
    service = ConversationService(
        assistant,
        storage,
        platform=PLATFORM,
        clock=clock,
        monotonic=monotonic,
        limits=limits or Limits.from_env(),
    )
    handlers = Handlers(service, staff_chat=staff_chat if staff_chat is not None else staff_chat_id())

    async def fire(at: datetime) -> None:
        await service.deliver_due(lambda delivery: handlers.send_reminder(app.bot, delivery), at)

    scheduler = JobQueueScheduler(app.job_queue, service.now, fire)
    service.scheduler = scheduler
    app.bot_data.update(service=service, handlers=handlers, scheduler=scheduler)
    handlers.install(app)
    live.install(app, handlers)
    app.add_error_handler(_on_error)
    return app


def _file_url(base_url: str) -> str:
    """`http://host:8081/bot` -> `http://host:8081/file/bot`, as the Bot API lays files out."""
    head, sep, tail = base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if sep else base_url


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An exception in one update is logged (the log filter redacts the token) and the bot goes on; a
    private chat is told something went wrong."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, NetworkError):
        log.warning("update %s: Telegram unreachable while answering (%s)", update_id, one_line(error))
    else:
        log.error("error while handling update %s: %s", update_id, error, exc_info=error)
    who = who_of(update) if isinstance(update, Update) else None
    if who is not None and who.private and not isinstance(error, NetworkError):
        handlers: Handlers = context.application.bot_data["handlers"]
        try:
            await handlers.send(context.bot, int(who.chat), handlers.service.error(who))
        except Exception:  # noqa: BLE001 - the error message itself is best effort
            log.warning("could not tell chat about the error")


# lifecycle ---------------------------------------------------------------------------------------------------
async def _start_up(app: Application, stop: asyncio.Event, backoff: Backoff) -> bool:
    """Reach the Bot API (retrying forever while it is unreachable); False when asked to stop first.
    An invalid token raises `InvalidToken`."""
    while True:
        try:
            await app.initialize()
            return True
        except InvalidToken:
            raise
        except RetryAfter as exc:
            delay = retry_after_seconds(exc)
        except TelegramError as exc:  # network errors, time-outs, a Bot API server failing
            delay = _unreachable(exc, backoff)
        if await wait_or_stop(stop, delay):
            return False


def _unreachable(exc: TelegramError, backoff: Backoff) -> float:
    """One log line per failed attempt to reach the Bot API; the wait before the next one."""
    delay = backoff.next()
    log.warning(
        "Telegram Bot API unreachable (%s): attempt %d failed, next in %.1f s",
        one_line(exc),
        backoff.attempt,
        delay,
    )
    return delay


async def _on_started(app: Application) -> None:
    """Register the command menu (French, and English as the default) and restart reminder timers."""
    handlers: Handlers = app.bot_data["handlers"]
    service = handlers.service
    for lang, language_code in (("en", None), ("fr", "fr")):
        commands = [BotCommand(name, service.t(f"command_{name}", lang)) for name in COMMANDS]
        try:
            await app.bot.set_my_commands(commands, language_code=language_code)
            if handlers.staff_chat is not None:  # the staff chat's own menu: its one command
                staff = [BotCommand(name, service.t(f"command_{name}", lang)) for name in STAFF_COMMANDS]
                scope = BotCommandScopeChat(handlers.staff_chat)
                await app.bot.set_my_commands(staff, scope=scope, language_code=language_code)
        except TelegramError as exc:  # the bot works without its menu: don't refuse to start
            log.warning("could not register the %s command menu: %s", lang, one_line(exc))
    scheduler: JobQueueScheduler = app.bot_data["scheduler"]
    scheduler.loop = asyncio.get_running_loop()
    restored = await handlers.call(service.restore)
    log.info("bot @%s ready; %d reminder(s) rescheduled", app.bot.username, restored)


async def poll(
    app: Application, stop: asyncio.Event, backoff: Backoff, timeout: float = POLL_TIMEOUT
) -> None:
    """Long polling: fetch updates into the application's queue until `stop`, retrying forever (with
    backoff, one log line per attempt) while the Bot API is unreachable."""
    bot = app.bot
    offset: int | None = None
    webhook_removed = False
    while not stop.is_set():
        try:
            if not webhook_removed:  # polling and a webhook exclude each other
                await bot.delete_webhook()
                webhook_removed = True
            updates = await _unless_stopped(
                stop, bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
            )
            if updates is None:
                break
        except InvalidToken:
            raise
        except RetryAfter as exc:
            await wait_or_stop(stop, retry_after_seconds(exc))
            continue
        except TelegramError as exc:
            await wait_or_stop(stop, _unreachable(exc, backoff))
            continue
        if backoff.attempt:
            log.info("Telegram Bot API reachable again")
            backoff.reset()
        for update in updates:
            offset = update.update_id + 1
            await app.update_queue.put(update)
    if offset is not None:  # tell Telegram what we processed, so a restart does not get it again
        with contextlib.suppress(TelegramError, TimeoutError):
            await asyncio.wait_for(bot.get_updates(offset=offset, timeout=0, limit=1), 1)


async def _unless_stopped(stop: asyncio.Event, call: Awaitable[T]) -> T | None:
    """The result of `call`, or None if `stop` is set first (the call is then cancelled)."""
    task = asyncio.ensure_future(call)
    waiter = asyncio.ensure_future(stop.wait())
    done, pending = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    for other in pending:
        other.cancel()
    if task in done:
        return task.result()
    with contextlib.suppress(asyncio.CancelledError, TelegramError):
        await task
    return None


async def serve(
    app: Application,
    stop: asyncio.Event,
    *,
    webhook: Mapping[str, Any] | None = None,
    poll_timeout: float = POLL_TIMEOUT,
    backoff: Backoff | None = None,
) -> int:
    """Run `app` until `stop` is set; returns the exit status. Replies under way when asked to stop are
    finished (for up to `SHUTDOWN_SECONDS`), then the connection is closed."""
    backoff = backoff or Backoff()
    try:
        if not await _start_up(app, stop, backoff):
            return EXIT_OK
    except InvalidToken:
        log.error("Telegram refused the token (TELEGRAM_BOT_TOKEN): check it with @BotFather")
        return EXIT_CONFIG
    backoff.reset()
    stop_live = None
    try:
        await _on_started(app)
        if "live" in app.bot_data:  # the knowledge folder's watcher and SIGHUP
            stop_live = app.bot_data["live"].start()
        await app.start()
        fetcher: asyncio.Task[None] | None = None
        if webhook is not None:
            assert app.updater is not None
            await app.updater.start_webhook(allowed_updates=ALLOWED_UPDATES, **webhook)
        else:
            fetcher = asyncio.create_task(poll(app, stop, backoff, poll_timeout))
        waiting = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait(
            {waiting, *([fetcher] if fetcher else [])}, return_when=asyncio.FIRST_COMPLETED
        )
        status = EXIT_OK
        if fetcher is not None and fetcher in done and fetcher.exception() is not None:
            if isinstance(fetcher.exception(), InvalidToken):
                log.error(
                    "Telegram refused the token (TELEGRAM_BOT_TOKEN) while running: check it with @BotFather"
                )
                status = EXIT_CONFIG
            else:
                raise fetcher.exception()  # type: ignore[misc]
        stop.set()
        waiting.cancel()
        log.info("stopping: finishing the replies under way")
        try:
            await asyncio.wait_for(_stop(app, fetcher), SHUTDOWN_SECONDS)
        except TimeoutError:
            log.warning("stopped before every reply was sent (they took more than %.0f s)", SHUTDOWN_SECONDS)
        return status
    finally:
        if stop_live is not None:
            stop_live()
        if not app.running:
            await app.shutdown()
        app.bot_data["handlers"].close()


async def _stop(app: Application, fetcher: asyncio.Task[None] | None) -> None:
    if fetcher is not None:
        await fetcher  # it cancels its long poll at `stop`
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()  # processes the queued updates and waits for the handlers under way


# running ---------------------------------------------------------------------------------------------------
def run(args: argparse.Namespace | Mapping[str, Any] | None = None, **kwargs: Any) -> int:
    """Run the bot until SIGTERM or Ctrl-C. Options come from an argparse namespace and/or keyword
    arguments (webhook_url, listen, port, webhook_secret, kb, db); the token from `TELEGRAM_BOT_TOKEN`."""
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
        return EXIT_CONFIG
    setup_logging()
    logsafe.install(token)
    try:
        limits = Limits.from_env()
        staff_chat = staff_chat_id()
        live.check_env()
    except ValueError as exc:
        print(f"candidate-assistant telegram: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    from adapters.lifecycle import open_core

    opened = open_core(opts["kb"], opts["db"], "candidate-assistant telegram")
    if isinstance(opened, int):
        return opened
    assistant, storage = opened
    base_url = os.environ.get("TELEGRAM_API_URL") or None
    webhook = None
    if opts["webhook_url"]:
        secret = (
            opts["webhook_secret"] or os.environ.get("TELEGRAM_WEBHOOK_SECRET") or secrets.token_urlsafe(32)
        )
        logsafe.install(secret)
        url_path = urlsplit(opts["webhook_url"]).path.lstrip("/")
        webhook = {
            "listen": opts["listen"],
            "port": int(opts["port"]),
            "url_path": url_path,
            "webhook_url": opts["webhook_url"],
            "secret_token": secret,
        }
        log.info("webhook mode: listening on %s:%s/%s", opts["listen"], opts["port"], url_path)
    else:
        log.info("long polling mode (Bot API at %s)", base_url or DEFAULT_API_URL)

    async def main() -> int:
        stop = asyncio.Event()
        stop_on_signals(stop)
        app = build_application(
            assistant, storage, token, base_url=base_url, limits=limits, staff_chat=staff_chat
        )
        return await serve(app, stop, webhook=webhook)

    try:
        status = asyncio.run(main())
    finally:
        storage.close()
    log.info("stopped (exit status %d)", status)
    return status
