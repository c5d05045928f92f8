"""Guild and channel settings of the Discord adapter, kept in the shared storage so they survive restarts.

Scopes follow docs/core-api.md: `discord:guild:<id>` and `discord:channel:<id>`. A thread inherits
the settings of its parent channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.storage import Storage


def guild_scope(guild_id: int | None) -> str:
    """Where statistics and server-wide settings live (`discord:dm` for direct messages)."""
    return f"discord:guild:{guild_id}" if guild_id else "discord:dm"


def channel_scope(channel_id: int) -> str:
    return f"discord:channel:{channel_id}"


def user_key(user_id: int) -> str:
    return f"discord:{user_id}"


@dataclass(frozen=True)
class Defaults:
    """Values used until a moderator changes them."""

    user_cooldown: float = 10.0
    channel_cooldown: float = 3.0
    auto_answer_threshold: float = 0.75


class ChatSettings:
    """Typed accessors over `Storage.get_setting` / `set_setting` for guilds and channels."""

    def __init__(self, storage: Storage, defaults: Defaults | None = None) -> None:
        self.storage = storage
        self.defaults = defaults or Defaults()

    # auto-answer -------------------------------------------------------------------------------
    def auto_answer(self, channel_id: int, parent_id: int | None = None) -> bool:
        if self.storage.get_setting(channel_scope(channel_id), "auto_answer", False):
            return True
        return bool(parent_id and self.storage.get_setting(channel_scope(parent_id), "auto_answer", False))

    def set_auto_answer(self, channel_id: int, enabled: bool) -> None:
        self.storage.set_setting(channel_scope(channel_id), "auto_answer", True if enabled else None)

    def threshold(self, guild_id: int | None) -> float:
        value = self.storage.get_setting(guild_scope(guild_id), "auto_answer_threshold", None)
        return float(value) if value is not None else self.defaults.auto_answer_threshold

    # programme binding ---------------------------------------------------------------------------
    def programme(
        self, guild_id: int | None, channel_id: int | None, parent_id: int | None = None
    ) -> str | None:
        """The programme staff bound to this channel (or its parent), else to the server."""
        for cid in (channel_id, parent_id):
            if cid:
                value = self.storage.get_setting(channel_scope(cid), "programme")
                if value:
                    return str(value)
        value = self.storage.get_setting(guild_scope(guild_id), "programme") if guild_id else None
        return str(value) if value else None

    def set_programme(self, scope: str, programme: str | None) -> None:
        self.storage.set_setting(scope, "programme", programme)

    # cooldowns ------------------------------------------------------------------------------------
    def user_cooldown(self, guild_id: int | None) -> float:
        value = self.storage.get_setting(guild_scope(guild_id), "cooldown_user")
        return float(value) if value is not None else self.defaults.user_cooldown

    def channel_cooldown(self, guild_id: int | None) -> float:
        value = self.storage.get_setting(guild_scope(guild_id), "cooldown_channel")
        return float(value) if value is not None else self.defaults.channel_cooldown

    def set_cooldown(self, guild_id: int, kind: str, seconds: float) -> None:
        self.storage.set_setting(guild_scope(guild_id), f"cooldown_{kind}", seconds)

    # moderators -------------------------------------------------------------------------------------
    def moderator_role(self, guild_id: int | None) -> str | None:
        value = self.storage.get_setting(guild_scope(guild_id), "moderator_role") if guild_id else None
        return str(value) if value else None

    def set_moderator_role(self, guild_id: int, role_id: int | None) -> None:
        """The server role (besides Manage Messages) whose members may configure the bot; None clears it."""
        self.storage.set_setting(guild_scope(guild_id), "moderator_role", str(role_id) if role_id else None)
