"""Handing a question over to the admissions team: `/human [question]`, and the Reply button under the
posts in the staff channel (`adapters.discord.handover`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.handover import StaffReplyButton
from adapters.discord.i18n import described

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot


class Handover(commands.Cog):
    def __init__(self, bot: AssistantBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(StaffReplyButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(StaffReplyButton)

    @app_commands.command(name="human", description=described("command_human"))
    @app_commands.describe(question=described("option_question"))
    async def human(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 1500] | None = None
    ) -> None:
        bot = self.bot
        async with bot.busy():
            response = await bot.call(bot.service.human, bot.who_of(interaction), question or "")
            await bot.respond(interaction, response)
