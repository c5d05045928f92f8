"""Buttons and select menus under the bot's messages, built as persistent `DynamicItem`s.

Why dynamic items: the custom id carries everything needed (the service's action payload, or who
asked for a removable answer), so a button pressed days later, after a restart, still works without
any stored view state. The callbacks hand the payload, untouched, to the bot (`interaction.client`),
which passes it to the conversation service: nothing here reads it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from adapters.discord.render import truncate
from assistant.kb.catalogue import t

if TYPE_CHECKING:
    from collections.abc import Sequence

    from assistant.reply import Button

CUSTOM_ID_MAX = 100
LABEL_MAX = 80
ROW_MAX = 5
ROWS_MAX = 5
SELECT_OPTIONS_MAX = 25
ACTION_PREFIX = "ca:a:"
SELECT_PREFIX = "ca:s:"


class Presses(Protocol):
    """What the bot offers its components (implemented by `AssistantBot`)."""

    async def on_press(self, interaction: discord.Interaction, payload: str) -> None: ...
    async def on_remove(self, interaction: discord.Interaction, asker_id: int) -> None: ...


def _bot(interaction: discord.Interaction) -> Presses:
    return interaction.client  # type: ignore[return-value]


def fits(payload: str) -> bool:
    return len(ACTION_PREFIX + payload) <= CUSTOM_ID_MAX and re.fullmatch(r"\S+", payload) is not None


class ActionButton(discord.ui.DynamicItem[discord.ui.Button], template=r"ca:a:(?P<payload>\S{1,95})"):
    """A button doing one of the service's actions (a choice, a follow-up, 👍/👎, consent...)."""

    def __init__(
        self, payload: str, label: str = "…", *, primary: bool = True, row: int | None = None
    ) -> None:
        emoji_only = label in ("👍", "👎")
        style = discord.ButtonStyle.primary if primary else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=None if emoji_only else truncate(label, LABEL_MAX) or "…",
                emoji=label if emoji_only else None,
                style=style,
                custom_id=ACTION_PREFIX + payload,
                row=row,
            )
        )
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ActionButton:
        return cls(match["payload"], getattr(item, "label", None) or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _bot(interaction).on_press(interaction, self.payload)


class ActionSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"ca:s:(?P<n>\d+)"):
    """Choices as a select menu, when there are more than buttons would hold; each option's value is
    an action payload."""

    def __init__(self, n: int, options: list[discord.SelectOption], placeholder: str | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"{SELECT_PREFIX}{n}",
                options=options,
                placeholder=placeholder,
                min_values=1,
                max_values=1,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ActionSelect:
        options = list(getattr(item, "options", []) or []) or [discord.SelectOption(label="…", value="-")]
        return cls(int(match["n"]), options)

    async def callback(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        if values:
            await _bot(interaction).on_press(interaction, str(values[0]))


class RemoveButton(discord.ui.DynamicItem[discord.ui.Button], template=r"ca:rm:(?P<asker>\d+)"):
    """Deletes the answer; honoured only for the person who asked or a moderator."""

    def __init__(self, asker_id: int, label: str = "🗑", row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=f"ca:rm:{asker_id}", row=row
            )
        )
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RemoveButton:
        return cls(int(match["asker"]), getattr(item, "label", None) or "🗑")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _bot(interaction).on_remove(interaction, self.asker_id)


DYNAMIC_ITEMS: Sequence[type[discord.ui.DynamicItem[Any]]] = (ActionButton, ActionSelect, RemoveButton)


def build_view(
    choices: list[Button],
    follow_ups: list[Button],
    feedback: list[Button],
    *,
    lang: str,
    remove_for: int | None = None,
) -> discord.ui.View | None:
    """Choices (primary), follow-ups (secondary), then 👍 👎 and 🗑 on the last row; a select menu when
    the choices would not fit in buttons. None when there is nothing to show."""
    view = discord.ui.View(timeout=None)
    choices = [b for b in choices if fits(b.action)]
    follow_ups = [b for b in follow_ups if fits(b.action)][:ROW_MAX]
    rows_free = ROWS_MAX - (1 if follow_ups else 0) - (1 if feedback or remove_for is not None else 0)
    if len(choices) > rows_free * ROW_MAX:
        options = [
            discord.SelectOption(label=truncate(b.label, 100) or "…", value=b.action)
            for b in choices[:SELECT_OPTIONS_MAX]
            if len(b.action) <= 100
        ]
        select = ActionSelect(0, options, placeholder=t("checklist_pick", lang))
        select.item.row = 0
        view.add_item(select)
        row = 1
    else:
        for i, button in enumerate(choices):
            view.add_item(ActionButton(button.action, button.label, primary=True, row=i // ROW_MAX))
        row = (len(choices) + ROW_MAX - 1) // ROW_MAX
    for button in follow_ups:
        view.add_item(ActionButton(button.action, button.label, primary=False, row=row))
    last = ROWS_MAX - 1
    for button in feedback:
        view.add_item(ActionButton(button.action, button.label, primary=False, row=last))
    if remove_for is not None:
        view.add_item(RemoveButton(remove_for, label=t("remove", lang), row=last))
    return view if view.children else None
