"""Buttons under the bot's answers, built as persistent `DynamicItem`s.

Why dynamic items: the custom_id carries everything needed (who asked, which action), so a button
pressed days later, after a restart, still works without any stored view state. The callbacks only
parse and delegate to the bot (`interaction.client`), which owns the logic.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from adapters.discord.i18n import t
from adapters.discord.render import truncate
from assistant.reply import Reply

if TYPE_CHECKING:
    from collections.abc import Sequence

CUSTOM_ID_MAX = 100
LABEL_MAX = 80
CLARIFY_BUTTONS_MAX = 10  # two rows
SUGGESTIONS_MAX = 5  # one row

PRESS_TEMPLATE = r"ca:p:(?P<asker>\d+):(?P<action>[^\s]{1,60})"
REMOVE_TEMPLATE = r"ca:rm:(?P<asker>\d+)"
FEEDBACK_TEMPLATE = r"ca:fb:(?P<asker>\d+):(?P<helpful>[yn]):(?P<intent>[^\s]*)"


class ButtonHandler(Protocol):
    """What the bot offers the buttons (implemented by `AssistantBot`)."""

    async def handle_press(self, interaction: discord.Interaction, asker_id: int, action: str) -> None: ...
    async def handle_remove(self, interaction: discord.Interaction, asker_id: int) -> None: ...
    async def handle_feedback(
        self, interaction: discord.Interaction, asker_id: int, helpful: bool, intent: str | None
    ) -> None: ...


def _handler(interaction: discord.Interaction) -> ButtonHandler:
    return interaction.client  # type: ignore[return-value]


class PressButton(discord.ui.DynamicItem[discord.ui.Button], template=PRESS_TEMPLATE):
    """A clarification choice or follow-up: sends `Button.action` back to `Assistant.press()`."""

    def __init__(
        self, asker_id: int, action: str, label: str = "…", *, primary: bool = True, row: int | None = None
    ) -> None:
        style = discord.ButtonStyle.primary if primary else discord.ButtonStyle.secondary
        button: discord.ui.Button = discord.ui.Button(
            label=truncate(label, LABEL_MAX) or "…",
            style=style,
            custom_id=f"ca:p:{asker_id}:{action}",
            row=row,
        )
        super().__init__(button)
        self.asker_id = asker_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PressButton:
        return cls(int(match["asker"]), match["action"], getattr(item, "label", None) or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).handle_press(interaction, self.asker_id, self.action)


class RemoveButton(discord.ui.DynamicItem[discord.ui.Button], template=REMOVE_TEMPLATE):
    """Deletes the answer; honoured only for the person who asked or a moderator."""

    def __init__(self, asker_id: int, label: str = "🗑", row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=None,
                style=discord.ButtonStyle.secondary,
                custom_id=f"ca:rm:{asker_id}",
                row=row,
            )
        )
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RemoveButton:
        return cls(int(match["asker"]), getattr(item, "label", None) or "🗑")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).handle_remove(interaction, self.asker_id)


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button], template=FEEDBACK_TEMPLATE):
    """👍 / 👎: records whether the answer helped (shown in `/assistant stats`)."""

    def __init__(self, asker_id: int, helpful: bool, intent: str | None, row: int | None = None) -> None:
        custom_id = f"ca:fb:{asker_id}:{'y' if helpful else 'n'}:"
        if intent and len(custom_id) + len(intent) <= CUSTOM_ID_MAX and not re.search(r"\s", intent):
            custom_id += intent
        super().__init__(
            discord.ui.Button(
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
                row=row,
            )
        )
        self.asker_id = asker_id
        self.helpful = helpful
        self.intent = intent or None

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FeedbackButton:
        return cls(int(match["asker"]), match["helpful"] == "y", match["intent"] or None)

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).handle_feedback(interaction, self.asker_id, self.helpful, self.intent)


DYNAMIC_ITEMS: Sequence[type[discord.ui.DynamicItem[Any]]] = (PressButton, RemoveButton, FeedbackButton)


def _fits(asker_id: int, action: str) -> bool:
    return (
        len(f"ca:p:{asker_id}:{action}") <= CUSTOM_ID_MAX and re.fullmatch(r"[^\s]{1,60}", action) is not None
    )


def reply_view(reply: Reply, asker_id: int, lang: str, *, removable: bool = True) -> discord.ui.View | None:
    """Clarification choices, follow-ups, then 👍 👎 🗑 on the last row; None when there is nothing."""
    view = discord.ui.View(timeout=None)
    clarify = [b for b in reply.buttons if _fits(asker_id, b.action)][:CLARIFY_BUTTONS_MAX]
    for i, button in enumerate(clarify):
        view.add_item(PressButton(asker_id, button.action, button.label, primary=True, row=i // 5))
    follow = [b for b in reply.suggestions if _fits(asker_id, b.action)][:SUGGESTIONS_MAX]
    for button in follow:
        view.add_item(PressButton(asker_id, button.action, button.label, primary=False, row=2))
    if reply.decision == "answer":
        view.add_item(FeedbackButton(asker_id, True, reply.intent, row=4))
        view.add_item(FeedbackButton(asker_id, False, reply.intent, row=4))
    if removable:
        view.add_item(RemoveButton(asker_id, label=t("remove", lang), row=4))
    return view if view.children else None
