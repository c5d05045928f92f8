"""The live knowledge base on Discord: the folder watcher and SIGHUP for the bot's lifetime, reports of
refused edits posted to each server's staff channel, and what `/assistant reload` (Moderation) runs.

The policy (what a reload checks, when it swaps, what is reported once) is `assistant.live`'s; this
Cog only wires its triggers and posts its results.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from adapters.discord.i18n import lang_of
from adapters.discord.render import CONTENT_MAX, NO_MENTIONS, escape, truncate
from adapters.discord.settings import STAFF_CHANNEL_SETTING, guild_scope
from adapters.lifecycle import reload_on_signal
from assistant.live import LiveKnowledge, ReloadResult, WatchSettings

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot

log = logging.getLogger("candidate_assistant.discord")

REPORT_MAX = CONTENT_MAX - 200
"""Room for a report in one message (Markdown escaping lengthens it a little)."""


class Knowledge(commands.Cog):
    def __init__(self, bot: AssistantBot) -> None:
        self.bot = bot
        self.settings = bot.config.watch or WatchSettings.from_env()
        self.live = LiveKnowledge(bot.service, interval=self.settings.interval, on_result=self.post)
        self._watcher: asyncio.Task[None] | None = None
        self._remove_signal: Callable[[], None] = lambda: None

    async def cog_load(self) -> None:
        if self.settings.enabled:
            self._watcher = asyncio.get_running_loop().create_task(self.live.watch())
        self._remove_signal = reload_on_signal(self.live.request)

    async def cog_unload(self) -> None:
        self._remove_signal()
        if self._watcher is not None:
            self._watcher.cancel()

    async def reload(self, interaction: discord.Interaction) -> None:
        """`/assistant reload`: "checking…" at once (privately), then the result in its place."""
        lang = lang_of(interaction.locale)
        service = self.bot.service
        await interaction.response.send_message(
            escape(service.t("kb_reload_checking", lang)), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

        async def training() -> None:  # the long step: said in place of "checking…"
            await interaction.edit_original_response(content=escape(service.t("kb_reload_training", lang)))

        async with self.bot.busy():
            result = await self.live.reload("staff", training)
        await interaction.edit_original_response(
            content=truncate(escape(result.report(service.t, lang, REPORT_MAX)), CONTENT_MAX)
        )

    async def post(self, result: ReloadResult) -> None:
        """A reload nobody asked for (watcher, SIGHUP): a refused edit goes to the staff channel of each
        server that set one (the log has every result)."""
        if result.ok:
            return
        for guild in list(self.bot.guilds):
            channel_id = await self.bot.call(
                self.bot.storage.get_setting, guild_scope(guild.id), STAFF_CHANNEL_SETTING
            )
            if not str(channel_id or "").isdigit():
                continue
            channel = self.bot.get_channel(int(channel_id))
            if not isinstance(channel, discord.abc.Messageable):
                log.warning(
                    "server %s: staff channel %s not found for the knowledge report", guild.id, channel_id
                )
                continue
            text = result.report(self.bot.service.t, lang_of(guild.preferred_locale), REPORT_MAX)
            try:
                await channel.send(truncate(escape(text), CONTENT_MAX), allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as exc:
                log.warning("server %s: could not post the knowledge report (%s)", guild.id, exc)
