"""Deadline reminders by direct message, scheduled from the shared storage.

Why storage first: reminders are written to `Storage` when a candidate subscribes, and every start
re-schedules them from there, so a restart (or a crash) loses none. A reminder is removed once sent,
or dropped if the bot was down for more than `LATE_GRACE` after it was due. When a task wakes up, the
due reminders are claimed in storage before being sent, so two bot processes on one database send each
reminder once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from adapters.discord.render import escape, truncate
from assistant.checklist import reminder_text
from assistant.storage import worker_id

if TYPE_CHECKING:
    from adapters.discord.bot import AssistantBot
    from assistant.storage import Reminder

log = logging.getLogger("candidate_assistant.discord")

LATE_GRACE = timedelta(hours=12)
PLATFORM = "discord"
PLATFORM_PREFIX = f"{PLATFORM}:"


class ReminderScheduler:
    """One asyncio task per pending reminder of a Discord user."""

    def __init__(self, bot: AssistantBot) -> None:
        self.bot = bot
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.worker = worker_id(PLATFORM)
        """Who claims reminders in the shared storage (this process)."""

    def start(self) -> None:
        for reminder in self.bot.storage.reminders():
            if reminder.user.startswith(PLATFORM_PREFIX):
                self.schedule(reminder)

    def stop(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        self.tasks.clear()

    def schedule(self, reminder: Reminder) -> None:
        if reminder.id in self.tasks:
            return
        delay = (reminder.fire_at - self.bot.now()).total_seconds()
        if delay < -LATE_GRACE.total_seconds():
            self.bot.storage.remove_reminder(reminder.id)
            return
        self.tasks[reminder.id] = asyncio.create_task(self._fire(reminder, max(0.0, delay)))

    def cancel_user(self, user: str) -> None:
        for reminder in self.bot.storage.reminders(user):
            task = self.tasks.pop(reminder.id, None)
            if task is not None:
                task.cancel()

    async def _fire(self, reminder: Reminder, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            await self.bot.wait_until_ready()
            # This task woke up, so its reminder is due even if the (injectable) clock lags behind.
            now = max(self.bot.now(), reminder.fire_at)
            # Claimed, not just read: another bot process on the same database will not send these.
            claimed = self.bot.storage.claim_due_reminders(now, self.worker, platform=PLATFORM)
            for index, due in enumerate(claimed):
                try:
                    if now - due.fire_at > LATE_GRACE:  # claimed again long after a worker died
                        log.info("reminder %s dropped: its time passed long ago", due.id)
                    else:
                        await self._send(due)
                except (
                    asyncio.CancelledError
                ):  # stopping: give back what was not sent, the next start sends it
                    for unsent in claimed[index:]:
                        self.bot.storage.release_reminder(unsent.id)
                    raise
                self.bot.storage.complete_reminder(due.id)
        finally:
            self.tasks.pop(reminder.id, None)

    async def _send(self, reminder: Reminder) -> None:
        try:
            user_id = int(reminder.user.removeprefix(PLATFORM_PREFIX))
            content = self.text(reminder)
            if content is None:  # the knowledge base changed since: nothing reliable to say
                log.info("reminder %s dropped: event %s is gone", reminder.id, reminder.event_id)
            else:
                user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
                await user.send(content, allowed_mentions=discord.AllowedMentions.none())
        except (discord.HTTPException, ValueError):
            log.warning("could not deliver reminder %s", reminder.id)

    def text(self, reminder: Reminder) -> str | None:
        """The DM, worded by the core (the same text Telegram sends), escaped for Discord markdown."""
        wording = reminder_text(
            self.bot.assistant.kb, reminder.programme, reminder.event_id, reminder.language, self.bot.now()
        )
        return truncate(escape(wording), 2000) if wording is not None else None
