"""Questions: direct messages, mentions, automatic answers in enabled channels, /ask, /deadlines and the
message menu "Answer with the assistant"."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.handover import is_staff_channel
from adapters.discord.i18n import described, lang_of
from adapters.discord.render import escape
from assistant.kb.catalogue import t

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot

log = logging.getLogger("candidate_assistant.discord")


class Questions(commands.Cog):
    def __init__(self, bot: AssistantBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(
            name=described("command_answer_menu"), callback=self.answer_message
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    def _strip_self_mention(self, content: str) -> str:
        assert self.bot.user is not None
        return re.sub(rf"<@!?{self.bot.user.id}>", " ", content).strip()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """DMs and mentions are questions (flood control per person); other messages are answered only
        in channels where moderators enabled it, when the core is sure (cooldown per channel)."""
        bot = self.bot
        if bot.user is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        if is_staff_channel(bot, message.channel, message.guild.id if message.guild else None):
            return  # the admissions team's channel: nothing there is a candidate's question
        direct = message.guild is None or bot.user in message.mentions
        if not direct and not message.content:
            return
        who = bot.who_of_message(message)
        text = self._strip_self_mention(message.content)
        async with bot.busy():
            call = bot.service.ask if direct else bot.service.overheard
            try:
                response = await bot.call(call, who, text)
                if response.messages:
                    await bot.reply_to(message, response, thread=bot.config.reply_in_thread)
            except discord.HTTPException:
                log.exception("could not answer in channel %s", message.channel.id)
            except Exception:
                log.exception("the core failed on a message")
                if direct:
                    await message.channel.send(
                        escape(bot.service.error(who).text), allowed_mentions=discord.AllowedMentions.none()
                    )

    @app_commands.command(name="ask", description=described("command_ask"))
    @app_commands.describe(question=described("option_question"), private=described("option_private"))
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 1500],
        private: bool = False,
    ) -> None:
        bot = self.bot
        async with bot.busy():
            response = await bot.call(bot.service.ask, bot.who_of(interaction), question)
            await bot.respond(interaction, response, private=private)

    @app_commands.command(name="deadlines", description=described("command_deadlines"))
    @app_commands.describe(private=described("option_private"))
    async def deadlines(self, interaction: discord.Interaction, private: bool = False) -> None:
        bot = self.bot
        async with bot.busy():
            response = await bot.call(bot.service.deadlines, bot.who_of(interaction))
            await bot.respond(interaction, response, private=private)

    async def answer_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Message menu: anyone points the bot at a candidate's message; the answer replies to it."""
        bot = self.bot
        lang = lang_of(interaction.locale)
        if not message.content.strip():
            await interaction.response.send_message(t("no_text", lang), ephemeral=True)
            return
        async with bot.busy():
            response = await bot.call(
                bot.service.ask, bot.who_of(interaction, user=message.author), message.content
            )
            if response.limited:
                await bot.respond(interaction, response)
                return
            try:
                await bot.reply_to(message, response)
            except discord.HTTPException:  # no access to the channel: answer as the interaction itself
                await bot.respond(interaction, response)
                return
            await interaction.response.send_message(t("posted_answer", lang), ephemeral=True)
