"""Reminder jobs: stored in `Storage` (so a restart loses none), scheduled on PTB's JobQueue.

Storage is the source of truth; the JobQueue only holds timers. At start-up `restore()` schedules every
stored reminder again. A reminder whose time passed while the bot was down is still sent if it is less
than `late_grace` old (a 7-day reminder a few hours late is still useful), otherwise it is dropped. The
clock is injectable: tests put "now" just before a reminder's time instead of waiting for days.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.ext import ContextTypes, Job, JobQueue

from assistant.storage import Reminder, Storage

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Deliver = Callable[[Bot, Reminder], Awaitable[None]]
JOB_PREFIX = "reminder:"


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReminderScheduler:
    def __init__(
        self,
        storage: Storage,
        deliver: Deliver | None = None,
        clock: Clock = utc_now,
        late_grace: timedelta = timedelta(hours=12),
    ) -> None:
        self.storage = storage
        self.deliver: Deliver | None = deliver
        """Sends one reminder; set by the handlers, which know how to word it."""
        self.clock = clock
        self.late_grace = late_grace
        self.job_queue: JobQueue | None = None

    def attach(self, job_queue: JobQueue | None) -> None:
        if job_queue is None:
            raise RuntimeError("reminders need PTB's JobQueue: install python-telegram-bot[job-queue]")
        self.job_queue = job_queue

    def schedule(self, reminder: Reminder) -> Job | None:
        """Start the timer for a stored reminder (None if it is too late to send it)."""
        assert self.job_queue is not None, "attach() first"
        delay = (reminder.fire_at - self.clock()).total_seconds()
        if delay < -self.late_grace.total_seconds():
            log.info("dropping reminder %d: its time passed %.0f s ago", reminder.id, -delay)
            self.storage.remove_reminder(reminder.id)
            return None
        name = f"{JOB_PREFIX}{reminder.id}"
        for old in self.job_queue.get_jobs_by_name(name):
            old.schedule_removal()
        return self.job_queue.run_once(
            self._fire, when=max(delay, 0.0), name=name, data={"id": reminder.id, "user": reminder.user}
        )

    def restore(self) -> int:
        """Schedule every stored reminder; returns how many timers were started."""
        # the storage may be shared with the Discord bot: only this platform's reminders are ours
        mine = (r for r in self.storage.reminders() if r.user.startswith("telegram:"))
        return sum(self.schedule(r) is not None for r in mine)

    def pending(self, user: str | None = None) -> list[Job]:
        if self.job_queue is None:
            return []
        return [
            j
            for j in self.job_queue.jobs(f"^{JOB_PREFIX}")
            if user is None or (isinstance(j.data, dict) and j.data.get("user") == user)
        ]

    def cancel_user(self, user: str) -> int:
        """Stop the timers of `user` (the caller removes the stored reminders)."""
        jobs = self.pending(user)
        for job in jobs:
            job.schedule_removal()
        return len(jobs)

    async def _fire(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.job is not None
        data = context.job.data
        reminder_id = data["id"] if isinstance(data, dict) else None
        reminder = next((r for r in self.storage.reminders(data.get("user")) if r.id == reminder_id), None)
        if reminder is None:  # forgotten or switched off meanwhile
            return
        try:
            assert self.deliver is not None, "no deliver callback"
            await self.deliver(context.bot, reminder)
        finally:
            # Sent, or failed for good (user blocked the bot, chat gone): never send it twice.
            self.storage.remove_reminder(reminder.id)
