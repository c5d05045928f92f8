"""Where the Discord adapter's settings and statistics live in the shared storage.

Scopes follow docs/core-api.md: `discord:guild:<id>` (server-wide settings, statistics; `discord:dm` for
direct messages) and `discord:channel:<id>` (a thread reads its own, then its parent channel's).
"""

from __future__ import annotations


def guild_scope(guild_id: int | None) -> str:
    """Where statistics and server-wide settings live (`discord:dm` for direct messages)."""
    return f"discord:guild:{guild_id}" if guild_id else "discord:dm"


def channel_scope(channel_id: int) -> str:
    return f"discord:channel:{channel_id}"


def user_key(user_id: int) -> str:
    return f"discord:{user_id}"


STAFF_CHANNEL_SETTING = "staff_channel"
"""The server-wide setting (in `guild_scope`) holding the id of the channel where the admissions team
reads the bot: handed-over questions, refused knowledge-base edits. Set by `/assistant staff-channel`."""
