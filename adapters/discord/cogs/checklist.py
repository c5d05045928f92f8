"""/checklist: the guided questionnaire, privately, one question at a time (the message is edited as the
candidate answers), ending with the checklist, its calendar file and the consent question."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.i18n import described

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot


class Checklist(commands.Cog):
    def __init__(self, bot: AssistantBot) -> None:
        self.bot = bot

    @app_commands.command(name="checklist", description=described("command_checklist"))
    async def checklist(self, interaction: discord.Interaction) -> None:
        bot = self.bot
        async with bot.busy():
            response = await bot.call(bot.service.checklist, bot.who_of(interaction))
            await bot.respond(interaction, response, private=True)
