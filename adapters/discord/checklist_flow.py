"""`/checklist` (the guided questionnaire) and `/remind` (deadline reminders by direct message).

The questionnaire itself is the core's `assistant.checklist.Questionnaire`: this module only shows its
steps as an ephemeral message with buttons (or a select menu when a question has many answers), edits
that message as the candidate answers, and hands over the result as an embed plus `.ics` and `.txt`
attachments. The profile is saved only when the candidate asks for reminders (their consent).
"""

from __future__ import annotations

import io
import logging
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord.i18n import lang_of, t
from adapters.discord.render import (
    EMBED_TOTAL_MAX,
    NO_MENTIONS,
    checklist_embed,
    embed_size,
    escape,
    truncate,
)
from adapters.discord.settings import user_key
from assistant.checklist import (
    Checklist,
    Profile,
    Questionnaire,
    QuestionnaireStep,
    render_text,
    saved_profile,
    subscribe,
    to_ics,
)

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot

log = logging.getLogger("candidate_assistant.discord")

QA_PREFIX = "qa:"
CONTROLS = ("qa:back", "qa:restart")
BUTTONS_MAX = 5
SELECT_OPTIONS_MAX = 25
MAX_STATES = 2000


# persistent components ----------------------------------------------------------------------------------
class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"ca:qa:(?P<owner>\d+):(?P<action>[^\s]{1,60})"
):
    """One answer (or back/restart) of the questionnaire; `action` is the core's `qa:` action without its prefix."""

    def __init__(
        self, owner: int, action: str, label: str, *, control: bool = False, row: int | None = None
    ) -> None:
        style = discord.ButtonStyle.secondary if control else discord.ButtonStyle.primary
        super().__init__(
            discord.ui.Button(
                label=truncate(label, 80) or "…",
                style=style,
                row=row,
                custom_id=f"ca:qa:{owner}:{action.removeprefix(QA_PREFIX)}",
            )
        )
        self.owner = owner
        self.action = QA_PREFIX + action.removeprefix(QA_PREFIX)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(int(match["owner"]), match["action"], getattr(item, "label", None) or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _bot(interaction).checklists.answer(interaction, self.owner, self.action)


class AnswerSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"ca:qs:(?P<owner>\d+)"):
    """The answers as a select menu, for questions with more choices than a row of buttons holds."""

    def __init__(
        self, owner: int, options: list[discord.SelectOption], placeholder: str | None = None
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"ca:qs:{owner}",
                options=options,
                placeholder=placeholder,
                min_values=1,
                max_values=1,
                row=0,
            )
        )
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerSelect:
        options = list(getattr(item, "options", []) or []) or [
            discord.SelectOption(label="…", value="unknown")
        ]
        return cls(int(match["owner"]), options)

    async def callback(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        if values:
            await _bot(interaction).checklists.answer(interaction, self.owner, QA_PREFIX + str(values[0]))


class RemindButton(discord.ui.DynamicItem[discord.ui.Button], template=r"ca:qr:(?P<owner>\d+)"):
    """After the checklist: save the profile (consent) and subscribe to DM reminders."""

    def __init__(self, owner: int, label: str = "🔔") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.success, custom_id=f"ca:qr:{owner}", row=4
            )
        )
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RemindButton:
        return cls(int(match["owner"]), getattr(item, "label", None) or "🔔")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _bot(interaction).checklists.remind_from_checklist(interaction, self.owner)


CHECKLIST_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (AnswerButton, AnswerSelect, RemindButton)


def _bot(interaction: discord.Interaction) -> AssistantBot:
    return interaction.client  # type: ignore[return-value]


# rendering ----------------------------------------------------------------------------------------------
def step_view(step: QuestionnaireStep, owner: int, lang: str) -> discord.ui.View:
    """Answers as buttons (or one select menu when there are more than five), then back/restart."""
    view = discord.ui.View(timeout=None)
    answers = [b for b in step.choices if b.action not in CONTROLS]
    controls = [b for b in step.choices if b.action in CONTROLS]
    if len(answers) > BUTTONS_MAX:
        options = [
            discord.SelectOption(label=truncate(b.label, 100) or "…", value=b.action.removeprefix(QA_PREFIX))
            for b in answers[:SELECT_OPTIONS_MAX]
        ]
        view.add_item(AnswerSelect(owner, options, placeholder=t("pick", lang)))
    else:
        for button in answers:
            view.add_item(AnswerButton(owner, button.action, button.label, row=0))
    for button in controls:
        view.add_item(AnswerButton(owner, button.action, button.label, control=True, row=3))
    if step.done and step.checklist is not None:
        view.add_item(RemindButton(owner, t("remind_button", lang)))
    return view


def step_embed(step: QuestionnaireStep, lang: str) -> discord.Embed:
    body = escape(step.prompt)
    if step.error:
        body = f"⚠ {escape(step.error)}\n\n{body}"
    return discord.Embed(title=t("title", lang), description=truncate(body, 4000), colour=0x1565C0)


def checklist_files(checklist: Checklist) -> list[discord.File]:
    """The complete checklist: an iCalendar file for the dates and the full text."""
    name = re.sub(r"[^a-z0-9_-]+", "-", checklist.programme.lower()) or "checklist"
    return [
        discord.File(io.BytesIO(to_ics(checklist)), filename=f"{name}-checklist.ics"),
        discord.File(io.BytesIO(render_text(checklist).encode()), filename=f"{name}-checklist.txt"),
    ]


# the flow -----------------------------------------------------------------------------------------------
class ChecklistFlow:
    """Questionnaire states per user, in memory: a lost state (restart) simply restarts the dialogue."""

    def __init__(self, bot: AssistantBot) -> None:
        self.bot = bot
        self.states: OrderedDict[int, dict[str, Any]] = OrderedDict()

    def questionnaire(self) -> Questionnaire:
        return Questionnaire(self.bot.assistant.kb, today=self.bot.today())

    def _remember(self, owner: int, state: dict[str, Any]) -> None:
        self.states.pop(owner, None)
        self.states[owner] = state
        while len(self.states) > MAX_STATES:
            self.states.popitem(last=False)

    def forget(self, owner: int) -> None:
        self.states.pop(owner, None)

    def _bound_programme(self, interaction: discord.Interaction) -> str | None:
        channel = interaction.channel
        return self.bot.settings.programme(
            interaction.guild_id, interaction.channel_id, getattr(channel, "parent_id", None)
        )

    async def start(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction.locale)
        owner = interaction.user.id
        step = await self.bot.core(
            self.questionnaire().start, lang, self._bound_programme(interaction), self.bot.today()
        )
        self._remember(owner, step.state)
        await interaction.response.send_message(ephemeral=True, **self._message(step, owner, lang, new=True))

    async def answer(self, interaction: discord.Interaction, owner: int, action: str) -> None:
        lang = lang_of(interaction.locale)
        if interaction.user.id != owner:
            await interaction.response.send_message(t("not_yours", lang), ephemeral=True)
            return
        state = self.states.get(owner)
        questionnaire = self.questionnaire()
        if state is None:
            step = await self.bot.core(
                questionnaire.start, lang, self._bound_programme(interaction), self.bot.today()
            )
            step = step.model_copy(update={"error": t("expired", lang)})
        else:
            step = await self.bot.core(questionnaire.answer, state, action, self.bot.today())
        self._remember(owner, step.state)
        step_lang = step.state.get("lang", lang)
        await interaction.response.edit_message(**self._message(step, owner, step_lang, new=False))

    def _message(self, step: QuestionnaireStep, owner: int, lang: str, *, new: bool) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"view": step_view(step, owner, lang)}
        if new:
            kwargs["allowed_mentions"] = NO_MENTIONS
        if step.done and step.checklist is not None:
            head = step_embed(step, lang)  # the message's embeds share one 6,000-character budget
            kwargs["embeds"] = [
                head,
                checklist_embed(step.checklist, budget=EMBED_TOTAL_MAX - embed_size(head)),
            ]
            files = checklist_files(step.checklist)
            kwargs["files" if new else "attachments"] = files
        else:
            kwargs["embed"] = step_embed(step, lang)
            if not new:
                kwargs["attachments"] = []
        return kwargs

    # reminders ------------------------------------------------------------------------------------------
    async def remind_from_checklist(self, interaction: discord.Interaction, owner: int) -> None:
        lang = lang_of(interaction.locale)
        if interaction.user.id != owner:
            await interaction.response.send_message(t("not_yours", lang), ephemeral=True)
            return
        state = self.states.get(owner)
        profile = self.questionnaire().profile(state) if state else None
        if profile is None:
            await interaction.response.send_message(t("need_checklist", lang), ephemeral=True)
            return
        self.bot.storage.save_profile(user_key(owner), profile.model_dump(mode="json"))
        await interaction.response.send_message(
            self.subscribe(owner, profile, profile.programme, lang), ephemeral=True
        )

    def subscribe(self, owner: int, profile: Profile | None, programme: str, lang: str) -> str:
        """Store and schedule the reminders of `programme` that concern `profile`; a short confirmation."""
        kb = self.bot.assistant.kb
        stored = subscribe(
            self.bot.storage,
            kb,
            user_key(owner),
            f"discord:dm:{owner}",
            programme,
            profile,
            lang,
            self.bot.now(),
        )
        if not stored:
            return t("nothing", lang)
        for reminder in stored:
            self.bot.reminders.schedule(reminder)
        first = stored[0]
        event = kb.programmes[programme].events[first.event_id]
        when = first.fire_at.strftime("%Y-%m-%d %H:%M %Z").strip()
        return t("subscribed", lang, count=len(stored), next=f"{escape(event.title.get(lang))} ({when})")


# commands -----------------------------------------------------------------------------------------------
def checklist_command() -> app_commands.Command[Any, ..., Any]:
    @app_commands.command(
        name="checklist", description="Build your personal checklist of steps and documents"
    )
    async def checklist(interaction: discord.Interaction) -> None:
        await _bot(interaction).checklists.start(interaction)

    return checklist


def remind_command() -> app_commands.Command[Any, ..., Any]:
    @app_commands.command(
        name="remind", description="Direct-message reminders before the deadlines that concern you"
    )
    @app_commands.describe(action="Turn reminders on or off")
    @app_commands.choices(
        action=[app_commands.Choice(name="on", value="on"), app_commands.Choice(name="off", value="off")]
    )
    async def remind(interaction: discord.Interaction, action: str = "on") -> None:
        bot = _bot(interaction)
        lang = lang_of(interaction.locale)
        owner = interaction.user.id
        if action == "off":
            bot.reminders.cancel_user(user_key(owner))
            count = bot.storage.remove_reminders(user_key(owner))
            await interaction.response.send_message(t("stopped", lang, count=count), ephemeral=True)
            return
        profile = saved_profile(bot.assistant.kb, bot.storage.get_profile(user_key(owner)))
        flow = bot.checklists
        programme = profile.programme if profile else flow._bound_programme(interaction)
        if programme is None or programme not in bot.assistant.kb.programmes:
            await interaction.response.send_message(t("need_checklist", lang), ephemeral=True)
            return
        await interaction.response.send_message(
            flow.subscribe(owner, profile, programme, lang), ephemeral=True
        )

    return remind
