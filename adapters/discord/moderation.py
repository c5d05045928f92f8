"""Who counts as a moderator, and the check that guards staff-only commands.

A moderator has Manage Messages in the channel (or Administrator), or holds the configured role
(by id or name, from the bot's configuration or the `moderator_role` server setting).
"""

from __future__ import annotations

from collections.abc import Iterable

import discord
from discord import app_commands


class NotModerator(app_commands.CheckFailure):
    """Raised by the moderator check; the command tree turns it into a polite ephemeral refusal."""


class GuildOnly(app_commands.CheckFailure):
    """A staff command used outside a server."""


def has_role(member: discord.abc.User, roles: Iterable[str | None]) -> bool:
    wanted = {r for r in roles if r}
    if not wanted or not isinstance(member, discord.Member):
        return False
    return any(str(role.id) in wanted or role.name in wanted for role in member.roles)


def is_moderator(
    member: discord.abc.User,
    permissions: discord.Permissions | None = None,
    roles: Iterable[str | None] = (),
) -> bool:
    """True for members allowed to configure the bot and remove anyone's answers.

    `permissions` are the member's resolved permissions in the channel (an interaction carries them);
    without them the server-wide permissions are used.
    """
    if not isinstance(member, discord.Member):
        return False
    perms = permissions if permissions is not None else member.guild_permissions
    if perms.administrator or perms.manage_messages:
        return True
    return has_role(member, roles)


def interaction_is_moderator(interaction: discord.Interaction) -> bool:
    """The moderator test for an interaction, using the bot's configured roles if it has any."""
    roles = getattr(interaction.client, "moderator_roles", lambda _gid: ())(interaction.guild_id)
    return is_moderator(interaction.user, interaction.permissions, roles)


def moderator_only() -> object:
    """`app_commands` check decorator: staff only, in a server."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise GuildOnly()
        if not interaction_is_moderator(interaction):
            raise NotModerator()
        return True

    return app_commands.check(predicate)
