"""The Discord bot: discord.py events in, conversation-service calls out, its messages rendered back.

`build_bot(assistant, storage, config)` returns a ready-to-start `AssistantBot` (tests use it against a
fake Discord); `serve()` runs one until asked to stop, surviving an unreachable Discord; `run()` is what
`candidate-assistant discord` calls. Features are Cogs (`adapters.discord.cogs`): questions,
checklist, reminders, moderation. The bot holds no admissions logic and no policy: it says who wrote
and where (`Who`), calls the service, and renders its `Message`s as embeds, buttons and files.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from adapters.discord.handover import post_to_staff, staff_channel_for
from adapters.discord.i18n import FrenchTranslator, lang_of
from adapters.discord.moderation import GuildOnly, NotModerator, interaction_is_moderator
from adapters.discord.render import (
    EMBED_TOTAL_MAX,
    NO_MENTIONS,
    checklist_embed,
    embed_size,
    escape,
    quote_question,
    reply_embed,
    text_content,
    text_embed,
    truncate,
)
from adapters.discord.settings import channel_scope, guild_scope
from adapters.discord.views import DYNAMIC_ITEMS, build_view
from adapters.lifecycle import (
    EXIT_CONFIG,
    EXIT_OK,
    SHUTDOWN_SECONDS,
    Backoff,
    OneLineErrors,
    one_line,
    setup_logging,
    stop_on_signals,
    wait_or_stop,
)
from assistant.flood import Limits
from assistant.kb.catalogue import t
from assistant.live import WatchSettings
from assistant.service import ConversationService, Delivery, Message, Response, Who, utc_now
from assistant.storage import Storage

log = logging.getLogger("candidate_assistant.discord")

PLATFORM = "discord"
T = TypeVar("T")
NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    aiohttp.ClientError,
    asyncio.TimeoutError,
    discord.GatewayNotFound,
    discord.ConnectionClosed,
)


@dataclass
class DiscordConfig:
    """Deployment settings of the bot (moderators change per-server values with `/assistant`)."""

    auto_answer_threshold: float = 0.75
    """Auto-answer only when the core is this sure (mentions, DMs and /ask have no threshold)."""
    limits: Limits | None = None
    """Flood limits (default: from the environment, as on Telegram)."""
    moderator_roles: tuple[str, ...] = ()
    """Role ids or names that count as moderators, on top of the Manage Messages permission."""
    message_content: bool = True
    """Request the privileged message-content intent (needed for auto-answer in channels)."""
    reply_in_thread: bool = False
    sync_commands: bool = True
    sync_guild_ids: tuple[int, ...] = ()
    """Also sync commands to these servers (instant, for testing) on top of the global sync."""
    api_base: str | None = None
    gateway_url: str | None = None
    guild_ready_timeout: float = 2.0
    clock: Callable[[], datetime] = utc_now
    """The one clock (aware datetimes): answers' "now", reminders; tests pin it."""
    monotonic: Callable[[], float] = time.monotonic
    watch: WatchSettings | None = None
    """The knowledge folder's watcher (default: from the environment, `assistant.live`)."""
    extra_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> DiscordConfig:
        """The configuration from the environment; a bad value raises ValueError naming the variable."""
        env = dict(os.environ if env is None else env)
        roles = tuple(r.strip() for r in env.get("DISCORD_MODERATOR_ROLES", "").split(",") if r.strip())
        guilds = tuple(int(g) for g in re.findall(r"\d+", env.get("DISCORD_SYNC_GUILDS", "")))
        raw = env.get("DISCORD_AUTO_ANSWER_THRESHOLD", "0.75")
        try:
            threshold = float(raw)
        except ValueError:
            raise ValueError(
                f"DISCORD_AUTO_ANSWER_THRESHOLD={raw!r}: write a number between 0 and 1"
            ) from None
        if "DISCORD_CHANNEL_COOLDOWN" in env and "CANDIDATE_ASSISTANT_CHANNEL_COOLDOWN" not in env:
            env["CANDIDATE_ASSISTANT_CHANNEL_COOLDOWN"] = env["DISCORD_CHANNEL_COOLDOWN"]  # its former name
        if "DISCORD_USER_COOLDOWN" in env:
            log.warning(
                "DISCORD_USER_COOLDOWN is no longer read: a person may send CANDIDATE_ASSISTANT_FLOOD "
                "messages (default 6/30: 6 in a burst, refilled over 30 s), on Discord as on Telegram"
            )
        return cls(
            auto_answer_threshold=threshold,
            limits=Limits.from_env(env),
            moderator_roles=roles,
            message_content=env.get("DISCORD_MESSAGE_CONTENT", "1") not in ("0", "false", "no"),
            reply_in_thread=env.get("DISCORD_REPLY_IN_THREAD", "0") in ("1", "true", "yes"),
            sync_guild_ids=guilds,
            watch=WatchSettings.from_env(env),
            api_base=env.get("DISCORD_API_BASE") or None,
            gateway_url=env.get("DISCORD_GATEWAY_URL") or None,
        )


def configure_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py at another REST base / gateway (a fake Discord in tests, a proxy in production).

    Both are class attributes in discord.py, so this is process-wide.
    """
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class AssistantTree(app_commands.CommandTree):
    """Turns check failures into polite private refusals instead of tracebacks."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        lang = lang_of(interaction.locale)
        if isinstance(error, NotModerator):
            text = t("moderators_only", lang)
        elif isinstance(error, GuildOnly):
            text = t("guild_only", lang)
        else:
            log.error(
                "command %s failed", getattr(interaction.command, "qualified_name", "?"), exc_info=error
            )
            text = t("error", lang)
        await send_private(interaction, text)


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """Answer the interaction privately, whether or not it was already acknowledged."""
    if interaction.response.is_done():
        await interaction.followup.send(escape(text), ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(escape(text), ephemeral=True, allowed_mentions=NO_MENTIONS)


class AssistantBot(commands.Bot):
    """A `commands.Bot` answering admissions questions through a `ConversationService`."""

    def __init__(self, assistant: Any, storage: Storage, config: DiscordConfig | None = None) -> None:
        self.config = config or DiscordConfig()
        configure_endpoints(self.config.api_base, self.config.gateway_url)
        intents = discord.Intents.default()
        intents.message_content = self.config.message_content
        intents.members = False
        intents.presences = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            tree_cls=AssistantTree,
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            guild_ready_timeout=self.config.guild_ready_timeout,
            **self.config.extra_options,
        )
        self.storage = storage
        self.service = ConversationService(
            assistant,
            storage,
            platform=PLATFORM,
            clock=self.config.clock,
            monotonic=self.config.monotonic,
            limits=self.config.limits or Limits.from_env(),
            auto_answer_threshold=self.config.auto_answer_threshold,
        )
        self.service.staff_destination = partial(staff_channel_for, self)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="assistant-core")
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def assistant(self) -> Any:
        return self.service.assistant

    # lifecycle ------------------------------------------------------------------------------------
    async def setup_hook(self) -> None:
        from adapters.discord.cogs import COGS

        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.tree.set_translator(FrenchTranslator())
        for cog in COGS:
            await self.add_cog(cog(self))
        if self.config.sync_commands:
            await self.tree.sync()
            for guild_id in self.config.sync_guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
        if not self.config.message_content:
            log.warning(
                "message content intent disabled: auto-answer in channels is off; slash commands, "
                "the context menu, mentions and DMs still work"
            )

    async def close(self) -> None:
        await super().close()
        self._executor.shutdown(wait=False, cancel_futures=True)

    @contextlib.asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Count a reply under way, so a stop lets it finish."""
        self._busy += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._busy -= 1
            if not self._busy:
                self._idle.set()

    async def drain(self, timeout: float) -> bool:
        """Wait for the replies under way (at most `timeout` seconds); False if some were cut."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a service call off the event loop (one at a time, in arrival order), so heartbeats never stall."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))

    # who ------------------------------------------------------------------------------------------
    def moderator_roles(self, guild_id: int | None) -> tuple[str, ...]:
        configured = self.storage.get_setting(guild_scope(guild_id), "moderator_role") if guild_id else None
        return self.config.moderator_roles + ((str(configured),) if configured else ())

    @staticmethod
    def _scopes(channel: Any, guild_id: int | None) -> tuple[str, ...]:
        """Settings that apply, most specific first: the channel (a thread's, then its parent's), the server."""
        ids = [getattr(channel, "id", None), getattr(channel, "parent_id", None)]
        scopes = [channel_scope(i) for i in ids if i]
        if guild_id:
            scopes.append(guild_scope(guild_id))
        return tuple(scopes)

    def who_of_message(self, message: discord.Message) -> Who:
        guild_id = message.guild.id if message.guild else None
        return Who(
            user=str(message.author.id),
            chat=str(message.channel.id),
            private=guild_id is None,
            scope=guild_scope(guild_id),
            settings=self._scopes(message.channel, guild_id),
        )

    def who_of(self, interaction: discord.Interaction, user: Any = None) -> Who:
        """The person of an interaction (or `user`, for whom a moderator acts)."""
        person = user or interaction.user
        guild_id = interaction.guild_id
        return Who(
            user=str(person.id),
            chat=str(interaction.channel_id or 0),
            private=guild_id is None,
            scope=guild_scope(guild_id),
            settings=self._scopes(interaction.channel, guild_id),
            locale=interaction.locale.value if interaction.locale else None,
            moderator=user is None and interaction_is_moderator(interaction),
            whisper=True,
        )

    # service -> Discord -------------------------------------------------------------------------------
    def render(self, message: Message, *, owner: int | None = None, edit: bool = False) -> dict[str, Any]:
        """Keyword arguments for a send / reply / edit call: embeds, buttons, files, and no pings."""
        from assistant.checklist import render_text

        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS} if not edit else {}
        lang = message.language
        embeds: list[discord.Embed] = []
        reply = message.reply
        files: list[discord.File] = [discord.File(io.BytesIO(a.data), filename=a.name) for a in message.files]
        if reply is not None:
            embeds.append(reply_embed(reply))
        elif message.title:
            embeds.append(text_embed(message.title, message.text))
        elif message.text:
            kwargs["content"] = text_content(message.text)
        if message.checklist is not None:  # the shared checklist view, laid out within what is left
            budget = EMBED_TOTAL_MAX - sum(embed_size(e) for e in embeds)
            embeds.append(checklist_embed(message.checklist, budget=budget))
            name = f"checklist-{message.checklist.programme}.txt"  # the full list, whatever the embed holds
            files.append(discord.File(io.BytesIO(render_text(message.checklist).encode()), filename=name))
        if embeds:
            kwargs["embeds"] = embeds
        elif edit:
            kwargs["embeds"] = []
        if edit:
            kwargs["attachments"] = files
            kwargs.setdefault("content", None)
        elif files:
            kwargs["files"] = files
        removable = reply is not None and owner is not None
        view = build_view(
            (reply.buttons if reply else []) + message.buttons,
            reply.suggestions if reply else [],
            message.feedback,
            lang=lang,
            remove_for=owner if removable else None,
        )
        if view is not None:
            kwargs["view"] = view
        elif edit:
            kwargs["view"] = None
        return kwargs

    async def respond(
        self, interaction: discord.Interaction, response: Response, *, private: bool = False
    ) -> None:
        """Answer an interaction with a service response: the first message as the response (an edit of
        the message a component was under when the service says so), the others as follow-ups."""
        if response.staff is not None:  # a handed-over question: to the staff channel first
            response = await post_to_staff(self, self.who_of(interaction), response)
        messages = response.messages or ([response.notice] if response.limited and response.notice else [])
        owner = interaction.user.id
        for message in messages:
            ephemeral = private or message.private
            if not interaction.response.is_done():
                if message.edit and interaction.type is discord.InteractionType.component:
                    await interaction.response.edit_message(**self.render(message, edit=True))
                else:
                    await interaction.response.send_message(
                        ephemeral=ephemeral, **self.render(message, owner=owner)
                    )
            else:
                await interaction.followup.send(ephemeral=ephemeral, **self.render(message, owner=owner))
        if not interaction.response.is_done():
            await interaction.response.defer()  # acknowledged, nothing to say

    async def reply_to(self, message: discord.Message, response: Response, *, thread: bool = False) -> None:
        """Answer a message: a reply to it (or in a thread of its own), then any further messages."""
        if response.staff is not None:
            response = await post_to_staff(self, self.who_of_message(message), response)
        target: Any = message
        if thread and isinstance(message.channel, discord.TextChannel):
            target = await message.create_thread(name=quote_question(message.content, 90) or "question")
        for i, out in enumerate(response.messages):
            kwargs = self.render(out, owner=message.author.id)
            if i == 0 and target is message:
                await message.reply(mention_author=False, **kwargs)
            else:
                await (target if target is not message else message.channel).send(**kwargs)

    async def send_reminder(self, delivery: Delivery) -> None:
        """A reminder, worded by the service, by direct message."""
        user_id = int(delivery.reminder.user.removeprefix(f"{PLATFORM}:"))
        user = self.get_user(user_id) or await self.fetch_user(user_id)
        await user.send(truncate(escape(delivery.text), 2000), allowed_mentions=NO_MENTIONS)

    # components -----------------------------------------------------------------------------------------
    async def on_press(self, interaction: discord.Interaction, payload: str) -> None:
        """A button or menu choice: the service decides; a button pressed under someone else's answer
        gets a private answer."""
        async with self.busy():
            ref = str(interaction.message.id if interaction.message else interaction.id)
            response = await self.call(self.service.press, self.who_of(interaction), payload, ref)
            await self.respond(interaction, response)

    async def on_remove(self, interaction: discord.Interaction, asker_id: int) -> None:
        if interaction.user.id != asker_id and not interaction_is_moderator(interaction):
            await send_private(interaction, t("only_asker", lang_of(interaction.locale)))
            return
        await interaction.response.defer()
        await interaction.delete_original_response()


def build_bot(assistant: Any, storage: Storage, config: DiscordConfig | None = None) -> AssistantBot:
    """A configured bot, not yet connected: `await bot.start(token)` (or `serve()`) connects it."""
    return AssistantBot(assistant, storage, config)


# lifecycle ----------------------------------------------------------------------------------------------
async def _log_in(bot: AssistantBot, token: str, stop: asyncio.Event, backoff: Backoff) -> bool:
    """Log in, retrying forever while Discord is unreachable; False when asked to stop first. A token
    Discord refuses raises `discord.LoginFailure`."""
    while True:
        try:
            await bot.login(token)
            return True
        except discord.LoginFailure:
            raise
        except (*NETWORK_ERRORS, discord.HTTPException) as exc:
            if isinstance(exc, discord.HTTPException) and exc.status < 500:
                raise
            delay = backoff.next()
            log.warning(
                "Discord unreachable (%s): attempt %d failed, next in %.1f s",
                one_line(exc),
                backoff.attempt,
                delay,
            )
            await bot.http.close()  # the next attempt opens a new session, on a new connector
            bot.http.connector = discord.utils.MISSING
        if await wait_or_stop(stop, delay):
            return False


class _FirstLogin(logging.Filter):
    """discord.py says "logging in" at every attempt: once is news, the attempts have their own line."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != "logging in using static token":
            return True
        first, self.seen = not self.seen, True
        return first


def quiet_reconnects() -> None:
    """discord.py logs each gateway reconnection with a traceback: make it one line."""
    flt = OneLineErrors(NETWORK_ERRORS)
    for name in ("discord.client", "discord.gateway", "discord.http", "discord.shard"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLineErrors) for f in logger.filters):
            logger.addFilter(flt)
    client = logging.getLogger("discord.client")
    if not any(isinstance(f, _FirstLogin) for f in client.filters):
        client.addFilter(_FirstLogin())


async def serve(
    assistant: Any,
    storage: Storage,
    token: str,
    config: DiscordConfig,
    stop: asyncio.Event | None = None,
    on_start: Callable[[AssistantBot], None] | None = None,
) -> int:
    """Run a bot until `stop` is set (or it closes); returns the exit status. Discord unreachable at
    start-up or later: retried forever with backoff. Asked to stop: replies under way are finished,
    then the gateway is closed. If the application lacks the privileged message-content intent, start
    again without it (slash commands, mentions and DMs keep working; auto-answer is lost)."""
    stop = stop or asyncio.Event()
    quiet_reconnects()
    while True:
        bot = build_bot(assistant, storage, config)
        if on_start is not None:
            on_start(bot)
        async with bot:
            try:
                if not await _log_in(bot, token, stop, Backoff()):
                    return EXIT_OK
            except discord.LoginFailure:
                log.error("Discord refused the token (DISCORD_BOT_TOKEN): check it in the developer portal")
                return EXIT_CONFIG
            connection = asyncio.create_task(bot.connect(reconnect=True))
            stopping = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if connection in done:
                error = connection.exception()
                if isinstance(error, discord.PrivilegedIntentsRequired) and config.message_content:
                    log.warning(
                        "the message content intent is not enabled for this application (Developer Portal > "
                        "Bot > Privileged Gateway Intents): continuing without it, so no auto-answer in channels"
                    )
                    config = replace(config, message_content=False)
                    continue
                if error is not None:
                    raise error
                return EXIT_OK
            log.info("stopping: finishing the replies under way")
            if not await bot.drain(SHUTDOWN_SECONDS - 1):
                log.warning("stopped before every reply was sent")
            await bot.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection, 1)
            return EXIT_OK


def run(
    token: str | None = None,
    *,
    kb_path: str | None = None,
    db_path: str | None = None,
    config: DiscordConfig | None = None,
) -> int:
    """Run the bot until SIGTERM or Ctrl-C (`candidate-assistant discord`). Returns a process exit code.

    The token comes from `DISCORD_BOT_TOKEN` unless given; it is never logged. Endpoints and options
    come from the environment (`DiscordConfig.from_env`, see docs/discord.md) unless `config` is given.
    """
    from adapters.lifecycle import open_core

    token = (token or os.environ.get("DISCORD_BOT_TOKEN", "")).strip()
    if not token:
        print(
            "DISCORD_BOT_TOKEN is not set: create a bot in the Discord developer portal (see docs/discord.md).",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    try:
        config = config or DiscordConfig.from_env()
    except ValueError as exc:
        print(f"candidate-assistant discord: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    discord.utils.setup_logging(level=logging.INFO)
    setup_logging()
    opened = open_core(kb_path, db_path, "candidate-assistant discord")
    if isinstance(opened, int):
        return opened
    assistant, storage = opened

    async def main() -> int:
        stop = asyncio.Event()
        stop_on_signals(stop)
        return await serve(assistant, storage, token, config, stop)

    try:
        status = asyncio.run(main())
    finally:
        storage.close()
    log.info("stopped (exit status %d)", status)
    return status
