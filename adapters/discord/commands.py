"""Slash commands and the message context menu, built fresh for each bot instance.

Names and descriptions are English; `FrenchTranslator` gives Discord their French versions. Staff
commands carry `default_permissions` (hidden from candidates by default) and a runtime moderator check
(the real guard, since server admins can change who sees a command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord.checklist_flow import checklist_command, remind_command
from adapters.discord.i18n import lang_of, t
from adapters.discord.moderation import moderator_only
from adapters.discord.render import NO_MENTIONS, reply_embed, stats_embed, truncate
from adapters.discord.settings import channel_scope, guild_scope
from adapters.discord.views import reply_view

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot

CHOICES_MAX = 25
STAFF_PERMISSIONS = discord.Permissions(manage_messages=True)


def _bot(interaction: discord.Interaction) -> AssistantBot:
    return interaction.client  # type: ignore[return-value]


async def _cooldown_refusal(interaction: discord.Interaction) -> bool:
    """True (and a private "please wait") when this user is on cooldown."""
    bot = _bot(interaction)
    wait = bot.cooldowns.retry_after(
        (f"user:{interaction.user.id}", bot.settings.user_cooldown(interaction.guild_id))
    )
    if wait > 0:
        text = t("cooldown", lang_of(interaction.locale), seconds=max(1, round(wait)))
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return True
    return False


# candidates -----------------------------------------------------------------------------------------
@app_commands.command(name="ask", description="Ask the admissions assistant a question")
@app_commands.describe(question="Your question, in French or English", private="Only you will see the answer")
async def ask(
    interaction: discord.Interaction, question: app_commands.Range[str, 1, 1500], private: bool = False
) -> None:
    if await _cooldown_refusal(interaction):
        return
    bot = _bot(interaction)
    reply = await bot.ask(
        question, channel=interaction.channel, user_id=interaction.user.id, guild_id=interaction.guild_id
    )
    await interaction.response.send_message(
        ephemeral=private, **bot.render(reply, interaction.user.id, lang_of(interaction.locale))
    )


@app_commands.command(name="deadlines", description="Upcoming admissions dates and deadlines")
@app_commands.describe(private="Only you will see the answer")
async def deadlines(interaction: discord.Interaction, private: bool = False) -> None:
    if await _cooldown_refusal(interaction):
        return
    bot = _bot(interaction)
    conv = bot.conversation(interaction.channel, interaction.user.id, interaction.guild_id)
    reply = await bot.core(
        bot.assistant.deadlines, conv, today=bot.today(), language=lang_of(interaction.locale)
    )
    await interaction.response.send_message(
        ephemeral=private, **bot.render(reply, interaction.user.id, lang_of(interaction.locale))
    )


@app_commands.command(name="forget", description="Erase what the assistant keeps about you")
async def forget(interaction: discord.Interaction) -> None:
    count = _bot(interaction).forget_user(interaction.user.id)
    await interaction.response.send_message(
        t("forgotten", lang_of(interaction.locale), count=count), ephemeral=True
    )


async def answer_with_assistant(interaction: discord.Interaction, message: discord.Message) -> None:
    """Context menu: anyone points the bot at a candidate's message; the answer replies to it."""
    bot = _bot(interaction)
    lang = lang_of(interaction.locale)
    if not message.content.strip():
        await interaction.response.send_message(t("no_text", lang), ephemeral=True)
        return
    if await _cooldown_refusal(interaction):
        return
    reply = await bot.ask(
        message.content, channel=interaction.channel, user_id=message.author.id, guild_id=interaction.guild_id
    )
    kwargs = bot.render(reply, message.author.id)
    try:
        await message.reply(mention_author=False, **kwargs)
    except discord.HTTPException:
        # No access to the channel (e.g. the bot is not in it): answer as the interaction itself.
        await interaction.response.send_message(**kwargs)
        return
    await interaction.response.send_message(t("posted_answer", lang), ephemeral=True)


# moderators ------------------------------------------------------------------------------------------
def _programme_choices(bot: AssistantBot, current: str, lang: str) -> list[app_commands.Choice[str]]:
    current = current.lower()
    choices = [app_commands.Choice(name="none", value="none")]
    for pid, data in sorted(bot.assistant.kb.programmes.items()):
        name = truncate(f"{data.programme.short_name} — {data.programme.name.get(lang)}", 100)
        if current in pid.lower() or current in name.lower():
            choices.append(app_commands.Choice(name=name, value=pid))
    return choices[:CHOICES_MAX]


def _assistant_group() -> app_commands.Group:
    group = app_commands.Group(
        name="assistant",
        description="Moderator settings of the admissions assistant",
        guild_only=True,
        default_permissions=STAFF_PERMISSIONS,
    )

    @group.command(name="enable", description="Answer admissions questions automatically in this channel")
    @moderator_only()
    async def enable(interaction: discord.Interaction) -> None:
        _bot(interaction).settings.set_auto_answer(interaction.channel_id or 0, True)
        channel = f"<#{interaction.channel_id}>"
        await interaction.response.send_message(
            t("enabled", lang_of(interaction.locale), channel=channel), ephemeral=True
        )

    @group.command(name="disable", description="Stop answering automatically in this channel")
    @moderator_only()
    async def disable(interaction: discord.Interaction) -> None:
        _bot(interaction).settings.set_auto_answer(interaction.channel_id or 0, False)
        channel = f"<#{interaction.channel_id}>"
        await interaction.response.send_message(
            t("disabled", lang_of(interaction.locale), channel=channel), ephemeral=True
        )

    @group.command(name="programme", description="Bind a programme to this channel or server")
    @app_commands.describe(programme="The programme (or 'none' to unbind)", scope="Channel or whole server")
    @app_commands.choices(
        scope=[
            app_commands.Choice(name="channel", value="channel"),
            app_commands.Choice(name="server", value="server"),
        ]
    )
    @moderator_only()
    async def programme(interaction: discord.Interaction, programme: str, scope: str = "channel") -> None:
        bot = _bot(interaction)
        lang = lang_of(interaction.locale)
        value = None if programme.lower() in ("none", "") else programme
        if value is not None and value not in bot.assistant.kb.programmes:
            await interaction.response.send_message(
                t("unknown_programme", lang, programme=truncate(programme, 100)), ephemeral=True
            )
            return
        target = (
            guild_scope(interaction.guild_id)
            if scope == "server"
            else channel_scope(interaction.channel_id or 0)
        )
        bot.settings.set_programme(target, value)
        scope_word = t(f"scope_{scope}", lang)
        text = (
            t("programme_set", lang, scope=scope_word, programme=value)
            if value
            else t("programme_cleared", lang, scope=scope_word)
        )
        await interaction.response.send_message(text, ephemeral=True)

    @programme.autocomplete("programme")
    async def programme_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _programme_choices(_bot(interaction), current, lang_of(interaction.locale))

    @group.command(name="cooldown", description="Minimum seconds between two answers")
    @app_commands.describe(seconds="Seconds (0 to disable)", scope="Per user or per channel")
    @app_commands.choices(
        scope=[
            app_commands.Choice(name="user", value="user"),
            app_commands.Choice(name="channel", value="channel"),
        ]
    )
    @moderator_only()
    async def cooldown(
        interaction: discord.Interaction, seconds: app_commands.Range[int, 0, 3600], scope: str = "user"
    ) -> None:
        bot = _bot(interaction)
        bot.settings.set_cooldown(interaction.guild_id or 0, scope, seconds)
        lang = lang_of(interaction.locale)
        await interaction.response.send_message(
            t("cooldown_set", lang, scope=t(f"scope_{scope}", lang), seconds=seconds), ephemeral=True
        )

    @group.command(name="role", description="Also let members of a role configure the assistant")
    @app_commands.describe(role="The role (leave empty to clear)")
    @moderator_only()
    async def role(interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        bot = _bot(interaction)
        bot.settings.set_moderator_role(interaction.guild_id or 0, role.id if role else None)
        lang = lang_of(interaction.locale)
        text = t("role_set", lang, role=f"<@&{role.id}>") if role else t("role_cleared", lang)
        await interaction.response.send_message(text, ephemeral=True)  # allowed_mentions none: no ping

    @group.command(name="stats", description="Answers, clarifications, declines, top questions")
    @moderator_only()
    async def stats(interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        data = bot.storage.stats(guild_scope(interaction.guild_id))
        await interaction.response.send_message(
            embed=stats_embed(data, lang_of(interaction.locale)), ephemeral=True
        )

    return group


@app_commands.command(name="faq", description="Post the official answer to a topic, for a candidate")
@app_commands.describe(topic="The topic (intent) to answer", member="The candidate to answer")
@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
@moderator_only()
async def faq(interaction: discord.Interaction, topic: str, member: discord.Member) -> None:
    """Post an intent's canonical answer as a reply that pings that one candidate, nobody else."""
    bot = _bot(interaction)
    lang = lang_of(interaction.locale)
    action = bot.assistant.kb.answer_action(topic)
    if action is None:
        await interaction.response.send_message(
            t("unknown_topic", lang, topic=truncate(topic, 100)), ephemeral=True
        )
        return
    reply = await bot.press(
        action, channel=interaction.channel, user_id=member.id, guild_id=interaction.guild_id
    )
    kwargs: dict[str, Any] = {
        "content": member.mention,
        "embed": reply_embed(reply),
        "allowed_mentions": discord.AllowedMentions(
            everyone=False, roles=False, users=[member], replied_user=False
        ),
    }
    view = reply_view(reply, member.id, reply.language)
    if view is not None:
        kwargs["view"] = view
    question = await _latest_message_of(interaction.channel, member.id)
    if question is not None:  # a reply to the candidate's own question, as a moderator would do it
        kwargs.pop("content")
        kwargs["allowed_mentions"] = discord.AllowedMentions(
            everyone=False, roles=False, users=[member], replied_user=True
        )
        try:
            await question.reply(**kwargs)
        except discord.HTTPException:
            kwargs["content"] = member.mention
        else:
            await interaction.response.send_message(t("faq_posted", lang), ephemeral=True)
            return
    await interaction.response.send_message(**kwargs)


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


@faq.autocomplete("topic")
async def faq_topic_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    bot = _bot(interaction)
    current = current.lower()
    ids = sorted(i for i in bot.assistant.kb.answer_ids() if current in i.lower())
    return [app_commands.Choice(name=truncate(i, 100), value=i) for i in ids[:CHOICES_MAX]]


def build_commands() -> list[
    app_commands.Command[Any, ..., Any] | app_commands.Group | app_commands.ContextMenu
]:
    """Every application command of the bot (groups and menus are fresh objects for each bot)."""
    menu = app_commands.ContextMenu(name="Answer with the assistant", callback=answer_with_assistant)
    return [ask, deadlines, checklist_command(), remind_command(), forget, faq, _assistant_group(), menu]
