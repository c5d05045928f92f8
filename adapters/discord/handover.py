"""Handovers on Discord: where staff read the bot, the staff post with its Reply button, the answer form
and the relay of the answer to the candidate.

The policy (what to hand over, when, to whom an answer goes) is the conversation service's
(`assistant.handover`); this module only translates. The staff destination is the server setting
`STAFF_CHANNEL_SETTING` (`/assistant staff-channel`); a direct message goes to the staff channel of the
server the bot shares with the person (or of the only server that has one). The Reply button is a
persistent `DynamicItem` carrying the handover's id, so it works after a restart; the service checks
that the answer comes from the channel the question was posted in.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord.i18n import lang_of
from adapters.discord.render import NO_MENTIONS, escape, truncate
from adapters.discord.settings import STAFF_CHANNEL_SETTING, guild_scope
from assistant.handover import MAX_STAFF_ANSWER, Relay
from assistant.kb.catalogue import t

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot
    from assistant.service import Response, Who

log = logging.getLogger("candidate_assistant.discord")

MODAL_TITLE_MAX = 45
LABEL_TEXT_MAX = 45
REPLY_PREFIX = "ca:ho:"
FORM_TIMEOUT = 3600.0
"""Seconds an answer form stays open (forms live in memory: one left open is forgotten after this)."""


def staff_channel_for(bot: AssistantBot, who: Who) -> str | None:
    """Where `who`'s handovers go: their server's staff channel; for a direct message, the staff channel
    of a server the bot shares with them, else of the only server that has one (None: nobody)."""
    if who.scope and who.scope != guild_scope(None):
        value = bot.storage.get_setting(who.scope, STAFF_CHANNEL_SETTING)
        return str(value) if value else None
    configured = []
    for guild in list(bot.guilds):
        value = bot.storage.get_setting(guild_scope(guild.id), STAFF_CHANNEL_SETTING)
        if value:
            configured.append((guild, str(value)))
    shared = [value for guild, value in configured if guild.get_member(int(who.user)) is not None]
    if shared:
        return shared[0]
    return configured[0][1] if len(configured) == 1 else None


def is_staff_channel(bot: AssistantBot, channel: Any, guild_id: int | None) -> bool:
    """Whether `channel` (or the channel a thread is in) is its server's staff channel."""
    if not guild_id:
        return False
    value = bot.storage.get_setting(guild_scope(guild_id), STAFF_CHANNEL_SETTING)
    ids = {str(getattr(channel, "id", "")), str(getattr(channel, "parent_id", "") or "")}
    return bool(value) and str(value) in ids


async def post_to_staff(bot: AssistantBot, who: Who, response: Response) -> Response:
    """Post the response's handed-over question to the staff channel, with a Reply button, and tell the
    service which message it is; if the channel cannot be reached, the service's answer for that case."""
    post = response.staff
    assert post is not None
    try:
        channel_id = int(post.destination)
        channel: Any = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
        kwargs = bot.render(post.message)
        view = discord.ui.View(timeout=None)
        view.add_item(StaffReplyButton(post.handover_id, t("handover_reply_button", post.message.language)))
        sent = await channel.send(**{**kwargs, "view": view})
    except (discord.HTTPException, ValueError, AttributeError) as exc:
        log.warning("could not post a handover to the staff channel %s: %s", post.destination, exc)
        return await bot.call(bot.service.staff_unreachable, who, post)
    await bot.call(bot.service.staff_posted, post.handover_id, post.destination, str(sent.id))
    return replace(response, staff=None)


async def send_relay(bot: AssistantBot, relay: Relay) -> bool:
    """The staff's answer to the candidate: by direct message if they asked there, else in the channel
    (or thread) where they asked, mentioning them and nobody else. False if they cannot be reached."""
    kwargs = bot.render(relay.message)
    try:
        user_id = int(relay.user)
        if relay.private:
            user = bot.get_user(user_id) or await bot.fetch_user(user_id)
            await user.send(**kwargs)
        else:
            channel: Any = bot.get_channel(int(relay.chat)) or await bot.fetch_channel(int(relay.chat))
            only_them = discord.AllowedMentions(
                everyone=False, roles=False, users=[discord.Object(user_id)], replied_user=False
            )
            await channel.send(**{**kwargs, "content": f"<@{user_id}>", "allowed_mentions": only_them})
    except (discord.HTTPException, ValueError) as exc:
        log.info("could not relay a staff answer to %s: %s", relay.chat, exc)
        return False
    return True


async def answer_handover(
    bot: AssistantBot, interaction: discord.Interaction, handover_id: int, text: str
) -> None:
    """A staff member submitted the answer form: relay it, then confirm in the staff channel."""
    async with bot.busy():
        answer = await bot.call(
            bot.service.staff_answer, str(interaction.channel_id or 0), text, handover_id=handover_id
        )
        if answer.relay is None:
            notice = answer.notice.text if answer.notice is not None else ""
            await interaction.response.send_message(
                escape(notice), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer()
        reached = await send_relay(bot, answer.relay)
        confirmation = await bot.call(
            bot.service.relayed if reached else bot.service.relay_failed, answer.relay
        )
        await interaction.followup.send(escape(confirmation.text), allowed_mentions=NO_MENTIONS)


class StaffReplyForm(discord.ui.Modal):
    """The form a staff member writes the answer in (it lives in memory until submitted)."""

    def __init__(self, handover_id: int, lang: str) -> None:
        super().__init__(
            title=truncate(t("handover_reply_title", lang, id=handover_id), MODAL_TITLE_MAX),
            custom_id=f"ca:hoform:{handover_id}:{os.urandom(4).hex()}",
            timeout=FORM_TIMEOUT,
        )
        self.handover_id = handover_id
        self.answer: discord.ui.TextInput[StaffReplyForm] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph, custom_id="answer", max_length=MAX_STAFF_ANSWER
        )
        self.add_item(
            discord.ui.Label(
                text=truncate(t("handover_reply_label", lang), LABEL_TEXT_MAX), component=self.answer
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await answer_handover(interaction.client, interaction, self.handover_id, self.answer.value)  # type: ignore[arg-type]


class StaffReplyButton(discord.ui.DynamicItem[discord.ui.Button], template=r"ca:ho:(?P<id>\d+)"):
    """ "Reply" under a staff post: opens the answer form."""

    def __init__(self, handover_id: int, label: str = "Reply") -> None:
        super().__init__(
            discord.ui.Button(
                label=truncate(label, 80) or "Reply",
                style=discord.ButtonStyle.primary,
                custom_id=f"{REPLY_PREFIX}{handover_id}",
            )
        )
        self.handover_id = handover_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StaffReplyButton:
        return cls(int(match["id"]), getattr(item, "label", None) or "Reply")

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(StaffReplyForm(self.handover_id, lang_of(interaction.locale)))
