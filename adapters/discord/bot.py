"""The Discord bot: connects discord.py to the core `Assistant` and the shared storage.

Entry points: `build_bot(assistant, storage, config)` returns a ready-to-start `AssistantBot` (tests
use it against a fake Discord); `run()` is what `candidate-assistant discord` calls. The bot holds no
admissions logic: it routes messages and interactions to the core and renders the `Reply`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, TypeVar

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from adapters.discord.checklist_flow import CHECKLIST_ITEMS, ChecklistFlow
from adapters.discord.commands import build_commands
from adapters.discord.cooldowns import Cooldowns
from adapters.discord.i18n import FrenchTranslator, lang_of, t
from adapters.discord.moderation import GuildOnly, NotModerator, interaction_is_moderator
from adapters.discord.reminders import ReminderScheduler
from adapters.discord.render import NO_MENTIONS, quote_question, reply_embed
from adapters.discord.settings import ChatSettings, Defaults, guild_scope, user_key
from adapters.discord.views import DYNAMIC_ITEMS, reply_view
from assistant.context import Conversation, ConversationCache
from assistant.reply import Reply
from assistant.storage import Storage

log = logging.getLogger("candidate_assistant.discord")

MAX_CONVERSATIONS = 5000
MAX_QUESTION = 1500
T = TypeVar("T")


@dataclass
class DiscordConfig:
    """Deployment settings of the bot (moderators change per-server values with `/assistant`)."""

    auto_answer_threshold: float = 0.75
    """Auto-answer only when the core is this sure (mentions, DMs and /ask have no threshold)."""
    user_cooldown: float = 10.0
    channel_cooldown: float = 3.0
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
    today: Callable[[], date] | None = None
    """The core's date (tests pin one); None means the real date."""
    clock: Callable[[], datetime] | None = None
    """The reminders' clock (aware datetimes); None means the real time."""
    extra_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> DiscordConfig:
        env = dict(os.environ if env is None else env)
        roles = tuple(r.strip() for r in env.get("DISCORD_MODERATOR_ROLES", "").split(",") if r.strip())
        guilds = tuple(int(g) for g in re.findall(r"\d+", env.get("DISCORD_SYNC_GUILDS", "")))
        return cls(
            auto_answer_threshold=float(env.get("DISCORD_AUTO_ANSWER_THRESHOLD", 0.75)),
            user_cooldown=float(env.get("DISCORD_USER_COOLDOWN", 10.0)),
            channel_cooldown=float(env.get("DISCORD_CHANNEL_COOLDOWN", 3.0)),
            moderator_roles=roles,
            message_content=env.get("DISCORD_MESSAGE_CONTENT", "1") not in ("0", "false", "no"),
            reply_in_thread=env.get("DISCORD_REPLY_IN_THREAD", "0") in ("1", "true", "yes"),
            sync_guild_ids=guilds,
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
    """Turns check failures into polite ephemeral refusals instead of tracebacks."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        lang = lang_of(interaction.locale)
        if isinstance(error, NotModerator):
            text = t("not_moderator", lang)
        elif isinstance(error, GuildOnly):
            text = t("guild_only", lang)
        else:
            log.error(
                "command %s failed", getattr(interaction.command, "qualified_name", "?"), exc_info=error
            )
            text = t("error", lang)
        await send_ephemeral(interaction, text)


async def send_ephemeral(interaction: discord.Interaction, text: str, **kwargs: Any) -> None:
    """Answer the interaction privately, whether or not it was already acknowledged."""
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(text, ephemeral=True, **kwargs)


class AssistantBot(commands.Bot):
    """A `commands.Bot` that answers admissions questions with the core `Assistant`."""

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
        self.assistant = assistant
        self.storage = storage
        self.settings = ChatSettings(
            storage,
            Defaults(
                self.config.user_cooldown, self.config.channel_cooldown, self.config.auto_answer_threshold
            ),
        )
        self.cooldowns = Cooldowns()
        self.conversations = ConversationCache(MAX_CONVERSATIONS)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="assistant-core")
        self.reminders = ReminderScheduler(self)
        self.checklists = ChecklistFlow(self)

    # lifecycle ------------------------------------------------------------------------------------
    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS, *CHECKLIST_ITEMS)
        await self.tree.set_translator(FrenchTranslator())
        for command in build_commands():
            self.tree.add_command(command)
        if self.config.sync_commands:
            await self.tree.sync()
            for guild_id in self.config.sync_guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
        self.reminders.start()
        if not self.config.message_content:
            log.warning(
                "message content intent disabled: auto-answer in channels is off; slash commands, "
                "the context menu, mentions and DMs still work"
            )

    async def close(self) -> None:
        self.reminders.stop()
        await super().close()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # core access -----------------------------------------------------------------------------------
    async def core(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a core call off the event loop (one at a time), so heartbeats never stall."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))

    def today(self) -> date | None:
        return self.config.today() if self.config.today else None

    def now(self) -> datetime:
        """The reminders' "now" (time-zone aware)."""
        return self.config.clock() if self.config.clock else datetime.now(UTC)

    def moderator_roles(self, guild_id: int | None) -> tuple[str, ...]:
        configured = self.settings.moderator_role(guild_id)
        return self.config.moderator_roles + ((configured,) if configured else ())

    def conversation(self, channel: Any, user_id: int, guild_id: int | None) -> Conversation:
        """The per-(channel, user) conversation, with the programme staff bound to the channel."""
        key = (getattr(channel, "id", 0) or 0, user_id)
        conv = self.conversations.get(key)
        parent_id = getattr(channel, "parent_id", None)
        conv.bound_programme = self.settings.programme(guild_id, key[0], parent_id)
        return conv

    def drop_conversations(self, user_id: int) -> None:
        self.conversations.drop(lambda key: key[1] == user_id)

    async def ask(
        self,
        text: str,
        *,
        channel: Any,
        user_id: int,
        guild_id: int | None,
        language: str | None = None,
        record: bool = True,
    ) -> Reply:
        conv = self.conversation(channel, user_id, guild_id)
        reply = await self.core(
            self.assistant.ask, text[:MAX_QUESTION], conv, language=language, today=self.today()
        )
        if record:
            self.storage.record(guild_scope(guild_id), reply.decision, reply.intent, text)
        return reply

    async def press(self, action: str, *, channel: Any, user_id: int, guild_id: int | None) -> Reply:
        conv = self.conversation(channel, user_id, guild_id)
        reply = await self.core(self.assistant.press, action, conv, today=self.today())
        self.storage.record(guild_scope(guild_id), reply.decision, reply.intent, f"[{action}]")
        return reply

    def render(
        self, reply: Reply, asker_id: int, lang: str | None = None, *, removable: bool = True
    ) -> dict[str, Any]:
        """Keyword arguments for any send/reply call: embed, buttons, and no pings."""
        kwargs: dict[str, Any] = {"embed": reply_embed(reply), "allowed_mentions": NO_MENTIONS}
        view = reply_view(reply, asker_id, lang or reply.language, removable=removable)
        if view is not None:
            kwargs["view"] = view
        return kwargs

    # messages ---------------------------------------------------------------------------------------
    def _strip_self_mention(self, content: str) -> str:
        assert self.user is not None
        return re.sub(rf"<@!?{self.user.id}>", " ", content).strip()

    async def on_message(self, message: discord.Message) -> None:
        """Answer DMs and mentions always; other messages only in enabled channels, and only when sure."""
        if self.user is None or message.author.bot or message.webhook_id is not None:
            return
        if message.author.id == self.user.id or message.type not in (
            discord.MessageType.default,
            discord.MessageType.reply,
        ):
            return
        direct = message.guild is None or self.user in message.mentions
        guild_id = message.guild.id if message.guild else None
        if not direct:
            parent_id = getattr(message.channel, "parent_id", None)
            if not message.content or not self.settings.auto_answer(message.channel.id, parent_id):
                return
        text = self._strip_self_mention(message.content)
        if not text:
            return
        limits = [(f"user:{message.author.id}", self.settings.user_cooldown(guild_id))]
        if guild_id is not None:
            limits.append((f"channel:{message.channel.id}", self.settings.channel_cooldown(guild_id)))
        if self.cooldowns.wait(*limits) > 0:
            log.debug("cooldown: ignoring a message in channel %s", message.channel.id)
            return
        try:
            reply = await self.ask(
                text, channel=message.channel, user_id=message.author.id, guild_id=guild_id, record=direct
            )
        except Exception:
            log.exception("the core failed on a message")
            return
        if not direct:
            sure = reply.decision == "answer" and reply.confidence >= self.settings.threshold(guild_id)
            if not sure:
                return
            self.storage.record(guild_scope(guild_id), reply.decision, reply.intent, text)
        # only a message the bot answers starts the cooldowns: ignored chatter must not silence it
        self.cooldowns.charge(*limits)
        await self.send_answer(message, reply)

    async def send_answer(self, message: discord.Message, reply: Reply) -> None:
        kwargs = self.render(reply, message.author.id)
        try:
            if self.config.reply_in_thread and isinstance(message.channel, discord.TextChannel):
                thread = await message.create_thread(name=quote_question(message.content, 90) or "question")
                await thread.send(**kwargs)
            else:
                await message.reply(mention_author=False, **kwargs)
        except discord.HTTPException:
            log.exception("could not send an answer in channel %s", message.channel.id)

    # buttons -----------------------------------------------------------------------------------------
    async def handle_press(self, interaction: discord.Interaction, asker_id: int, action: str) -> None:
        """A clarification or follow-up button: the asker gets a visible answer, others a private one."""
        user = interaction.user
        reply = await self.press(
            action, channel=interaction.channel, user_id=user.id, guild_id=interaction.guild_id
        )
        was_private = bool(interaction.message and interaction.message.flags.ephemeral)
        private = was_private or user.id != asker_id
        await interaction.response.send_message(
            ephemeral=private, **self.render(reply, user.id, lang_of(interaction.locale))
        )

    async def handle_remove(self, interaction: discord.Interaction, asker_id: int) -> None:
        if interaction.user.id != asker_id and not interaction_is_moderator(interaction):
            await send_ephemeral(interaction, t("only_asker", lang_of(interaction.locale)))
            return
        await interaction.response.defer()
        await interaction.delete_original_response()

    async def handle_feedback(
        self, interaction: discord.Interaction, asker_id: int, helpful: bool, intent: str | None
    ) -> None:
        lang = lang_of(interaction.locale)
        if interaction.user.id != asker_id:
            await send_ephemeral(interaction, t("only_asker_feedback", lang))
            return
        ref = str(interaction.message.id if interaction.message else interaction.id)
        self.storage.record_feedback(guild_scope(interaction.guild_id), ref, intent, helpful)
        await send_ephemeral(interaction, t("thanks_feedback", lang))

    # helpers for commands ---------------------------------------------------------------------------
    def forget_user(self, user_id: int) -> int:
        """Erase everything kept about a user (storage, reminders, conversations); returns reminders removed."""
        key = user_key(user_id)
        count = len(self.storage.reminders(key))
        self.reminders.cancel_user(key)
        self.storage.forget(key)
        self.drop_conversations(user_id)
        self.checklists.forget(user_id)
        return count


def build_bot(assistant: Any, storage: Storage, config: DiscordConfig | None = None) -> AssistantBot:
    """A configured bot, not yet connected: `await bot.start(token)` (or `run()`) connects it."""
    return AssistantBot(assistant, storage, config)


async def serve(
    assistant: Any,
    storage: Storage,
    token: str,
    config: DiscordConfig,
    on_start: Callable[[AssistantBot], None] | None = None,
) -> None:
    """Run a bot until it closes. If the application lacks the privileged message-content intent,
    start again without it (slash commands, mentions and DMs keep working; auto-answer is lost)."""
    while True:
        bot = build_bot(assistant, storage, config)
        if on_start is not None:
            on_start(bot)
        try:
            async with bot:
                await bot.start(token)
            return
        except discord.PrivilegedIntentsRequired:
            if not config.message_content:
                raise
            log.warning(
                "the message content intent is not enabled for this application (Developer Portal > "
                "Bot > Privileged Gateway Intents): continuing without it, so no auto-answer in channels"
            )
            config = replace(config, message_content=False)


def run(
    token: str | None = None,
    *,
    kb_path: str | None = None,
    db_path: str | None = None,
    config: DiscordConfig | None = None,
) -> int:
    """Run the bot until interrupted (`candidate-assistant discord`). Returns a process exit code.

    The token comes from `DISCORD_BOT_TOKEN` unless given; it is never logged. Endpoints and options
    come from the environment (`DiscordConfig.from_env`, see docs/discord.md) unless `config` is given.
    """
    from assistant.engine import Assistant
    from assistant.kb.loader import KnowledgeError
    from assistant.storage import SQLiteStorage

    token = (token or os.environ.get("DISCORD_BOT_TOKEN", "")).strip()
    if not token:
        print(
            "DISCORD_BOT_TOKEN is not set: create a bot in the Discord developer portal (see docs/discord.md).",
            file=sys.stderr,
        )
        return 2
    config = config or DiscordConfig.from_env()
    discord.utils.setup_logging(level=logging.INFO)
    try:
        assistant = Assistant.load(kb_path)
    except KnowledgeError as exc:
        print("the knowledge base has errors (run `candidate-assistant kb check`):", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    storage = SQLiteStorage(db_path)
    try:
        asyncio.run(serve(assistant, storage, token, config))
    except discord.LoginFailure:
        log.error("Discord refused the token (DISCORD_BOT_TOKEN): check it in the developer portal")
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        storage.close()
    return 0
