"""/remind and /forget, and the reminders' timers: the `Scheduler` the conversation service uses on
Discord, one asyncio task per pending reminder.

The database is the source of truth (the service stores reminders, restores them at start-up and
claims them when due, so two processes never send one twice); the tasks only hold timers. Reminders
go out by direct message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.i18n import described

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot

log = logging.getLogger("candidate_assistant.discord")


class TaskScheduler:
    """Timers as asyncio tasks on the bot's loop (the service may schedule from a worker thread)."""

    def __init__(self, bot: AssistantBot, loop: asyncio.AbstractEventLoop) -> None:
        self.bot = bot
        self.loop = loop
        self.tasks: dict[int, asyncio.Task[None]] = {}

    def schedule(self, reminder_id: int, at: datetime) -> None:
        self._on_loop(self._schedule, reminder_id, at)

    def cancel(self, reminder_id: int) -> None:
        self._on_loop(self._cancel, reminder_id)

    def _on_loop(self, fn: Callable[..., None], *args: object) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            fn(*args)
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn, *args)

    def _schedule(self, reminder_id: int, at: datetime) -> None:
        self._cancel(reminder_id)
        delay = max(0.0, (at - self.bot.service.now()).total_seconds())
        self.tasks[reminder_id] = self.loop.create_task(self._fire(reminder_id, at, delay))

    def _cancel(self, reminder_id: int) -> None:
        task = self.tasks.pop(reminder_id, None)
        if task is not None:
            task.cancel()

    def stop(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        self.tasks.clear()

    async def _fire(self, reminder_id: int, at: datetime, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            await self.bot.wait_until_ready()
            await self.bot.service.deliver_due(self.bot.send_reminder, at)
        finally:
            if self.tasks.get(reminder_id) is asyncio.current_task():
                del self.tasks[reminder_id]


class Reminders(commands.Cog):
    def __init__(self, bot: AssistantBot) -> None:
        self.bot = bot
        self.scheduler: TaskScheduler | None = None

    async def cog_load(self) -> None:
        self.scheduler = TaskScheduler(self.bot, asyncio.get_running_loop())
        self.bot.service.scheduler = self.scheduler
        restored = await self.bot.call(self.bot.service.restore)
        log.info("%d reminder(s) rescheduled", restored)

    async def cog_unload(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()

    @app_commands.command(name="remind", description=described("command_remind"))
    @app_commands.describe(action=described("option_remind_action"))
    @app_commands.choices(
        action=[app_commands.Choice(name="on", value="on"), app_commands.Choice(name="off", value="off")]
    )
    async def remind(self, interaction: discord.Interaction, action: str = "on") -> None:
        bot = self.bot
        async with bot.busy():
            response = await bot.call(bot.service.remind, bot.who_of(interaction), action != "off")
            await bot.respond(interaction, response, private=True)

    @app_commands.command(name="forget", description=described("command_forget"))
    async def forget(self, interaction: discord.Interaction) -> None:
        bot = self.bot
        async with bot.busy():
            response = await bot.call(bot.service.forget, bot.who_of(interaction))
            await bot.respond(interaction, response, private=True)
