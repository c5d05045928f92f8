"""Moderators: `/assistant enable|disable|programme|cooldown|role|staff-channel|stats|reload` and `/faq`.

Staff commands carry `default_permissions` (hidden from candidates by default) and a runtime moderator
check (the real guard, since server admins can change who sees a command); the service checks again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.i18n import described, lang_of
from adapters.discord.moderation import moderator_only
from adapters.discord.render import NO_MENTIONS, truncate
from adapters.discord.settings import STAFF_CHANNEL_SETTING, channel_scope, guild_scope
from assistant.kb.catalogue import t

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot

CHOICES_MAX = 25
STAFF = discord.Permissions(manage_messages=True)


class Moderation(commands.Cog):
    assistant = app_commands.Group(
        name="assistant",
        description=described("command_assistant"),
        guild_only=True,
        default_permissions=STAFF,
    )

    def __init__(self, bot: AssistantBot) -> None:
        self.bot = bot

    async def _run(self, interaction: discord.Interaction, call: Any, *args: Any, **kwargs: Any) -> None:
        bot = self.bot
        async with bot.busy():
            response = await bot.call(call, bot.who_of(interaction), *args, **kwargs)
            await bot.respond(interaction, response, private=True)

    @assistant.command(name="enable", description=described("command_enable"))
    @moderator_only()
    async def enable(self, interaction: discord.Interaction) -> None:
        channel = interaction.channel_id or 0
        await self._run(
            interaction, self.bot.service.set_auto_answer, channel_scope(channel), True, f"<#{channel}>"
        )

    @assistant.command(name="disable", description=described("command_disable"))
    @moderator_only()
    async def disable(self, interaction: discord.Interaction) -> None:
        channel = interaction.channel_id or 0
        await self._run(
            interaction, self.bot.service.set_auto_answer, channel_scope(channel), False, f"<#{channel}>"
        )

    @assistant.command(name="programme", description=described("command_bind"))
    @app_commands.describe(programme=described("option_programme"), scope=described("option_scope"))
    @app_commands.choices(
        scope=[
            app_commands.Choice(name="channel", value="channel"),
            app_commands.Choice(name="server", value="server"),
        ]
    )
    @moderator_only()
    async def programme(
        self, interaction: discord.Interaction, programme: str, scope: str = "channel"
    ) -> None:
        target = (
            guild_scope(interaction.guild_id)
            if scope == "server"
            else channel_scope(interaction.channel_id or 0)
        )
        value = None if programme.lower() in ("none", "") else programme
        await self._run(interaction, self.bot.service.bind, target, value, scope)

    @programme.autocomplete("programme")
    async def programme_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        lang = lang_of(interaction.locale)
        current = current.lower()
        choices = [app_commands.Choice(name="none", value="none")]
        for pid, data in sorted(self.bot.assistant.kb.programmes.items()):
            name = truncate(f"{data.programme.short_name} — {data.programme.name.get(lang)}", 100)
            if current in pid.lower() or current in name.lower():
                choices.append(app_commands.Choice(name=name, value=pid))
        return choices[:CHOICES_MAX]

    @assistant.command(name="cooldown", description=described("command_cooldown"))
    @app_commands.describe(
        messages=described("option_messages"),
        seconds=described("option_seconds"),
        channel_cooldown=described("option_channel_cooldown"),
    )
    @moderator_only()
    async def cooldown(
        self,
        interaction: discord.Interaction,
        messages: app_commands.Range[int, 1, 100] | None = None,
        seconds: app_commands.Range[int, 1, 3600] | None = None,
        channel_cooldown: app_commands.Range[int, 0, 3600] | None = None,
    ) -> None:
        await self._run(
            interaction,
            self.bot.service.set_limits,
            guild_scope(interaction.guild_id),
            messages=messages,
            seconds=seconds,
            channel_cooldown=channel_cooldown,
        )

    @assistant.command(name="role", description=described("command_role"))
    @app_commands.describe(role=described("option_role"))
    @moderator_only()
    async def role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        """A Discord permission setting: the server role (besides Manage Messages) of moderators."""
        scope = guild_scope(interaction.guild_id)
        self.bot.storage.set_setting(scope, "moderator_role", str(role.id) if role else None)
        lang = lang_of(interaction.locale)
        text = t("role_set", lang, role=f"<@&{role.id}>") if role else t("role_cleared", lang)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @assistant.command(name="staff-channel", description=described("command_staff_channel"))
    @app_commands.describe(channel=described("option_channel"))
    @moderator_only()
    async def staff_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Where this server's handed-over questions are posted (none: candidates cannot hand over)."""
        scope = guild_scope(interaction.guild_id)
        self.bot.storage.set_setting(scope, STAFF_CHANNEL_SETTING, str(channel.id) if channel else None)
        lang = lang_of(interaction.locale)
        text = (
            t("staff_channel_set", lang, channel=f"<#{channel.id}>")
            if channel
            else t("staff_channel_cleared", lang)
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @assistant.command(name="stats", description=described("command_stats"))
    @moderator_only()
    async def stats(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, self.bot.service.stats, guild_scope(interaction.guild_id))

    @assistant.command(name="reload", description=described("command_reload"))
    @moderator_only()
    async def reload(self, interaction: discord.Interaction) -> None:
        """Check the knowledge folder now and take its edits (the Knowledge Cog does the work)."""
        from adapters.discord.cogs.knowledge import Knowledge

        knowledge = self.bot.get_cog(Knowledge.__cog_name__)
        assert isinstance(knowledge, Knowledge)
        await knowledge.reload(interaction)

    @app_commands.command(name="faq", description=described("command_faq"))
    @app_commands.describe(topic=described("option_topic"), member=described("option_member"))
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    @moderator_only()
    async def faq(self, interaction: discord.Interaction, topic: str, member: discord.Member) -> None:
        """Post a topic's official answer for a candidate: a reply to their latest message in the channel
        (or a message mentioning them), pinging that one candidate, nobody else."""
        bot = self.bot
        async with bot.busy():
            response = await bot.call(bot.service.answer_topic, bot.who_of(interaction, user=member), topic)
            if not response.messages or response.messages[0].reply is None:
                await bot.respond(interaction, response, private=True)
                return
            kwargs = bot.render(response.messages[0], owner=member.id)
            ping = discord.AllowedMentions(everyone=False, roles=False, users=[member], replied_user=True)
            question = await _latest_message_of(interaction.channel, member.id)
            if question is not None:  # a reply to the candidate's own question, as a moderator would do it
                try:
                    await question.reply(**{**kwargs, "allowed_mentions": ping})
                except discord.HTTPException:
                    pass
                else:
                    await interaction.response.send_message(
                        t("faq_posted", lang_of(interaction.locale)), ephemeral=True
                    )
                    return
            ping = discord.AllowedMentions(everyone=False, roles=False, users=[member], replied_user=False)
            await interaction.response.send_message(
                content=member.mention, **{**kwargs, "allowed_mentions": ping}
            )

    @faq.autocomplete("topic")
    async def faq_topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        current = current.lower()
        ids = sorted(i for i in self.bot.assistant.kb.answer_ids() if current in i.lower())
        return [app_commands.Choice(name=truncate(i, 100), value=i) for i in ids[:CHOICES_MAX]]


async def _latest_message_of(channel: Any, member_id: int, scan: int = 50) -> discord.Message | None:
    """The member's most recent message among the channel's last `scan` ones (None if unreadable)."""
    history = getattr(channel, "history", None)
    if history is None:
        return None
    try:
        async for message in history(limit=scan):
            if message.author.id == member_id:
                return message
    except discord.HTTPException:  # no Read Message History permission: answer with a mention instead
        return None
    return None
