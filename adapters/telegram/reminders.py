"""Reminder jobs: stored in `Storage` (so a restart loses none), scheduled on PTB's JobQueue.

Storage is the source of truth; the JobQueue only holds timers. At start-up `restore()` schedules every
stored reminder again. A reminder whose time passed while the bot was down is still sent if it is less
than `late_grace` old (a 7-day reminder a few hours late is still useful), otherwise it is dropped. The
clock is injectable: tests put "now" just before a reminder's time instead of waiting for days.

When a timer goes off, the due reminders are claimed in storage (`claim_due_reminders`) before being
sent and completed after, so with two bot processes on one database each reminder is sent once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.ext import ContextTypes, Job, JobQueue

from assistant.storage import Reminder, Storage, worker_id

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Deliver = Callable[[Bot, Reminder], Awaitable[None]]
JOB_PREFIX = "reminder:"
PLATFORM = "telegram"


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
        self.worker = worker_id(PLATFORM)
        """Who claims reminders in the shared storage (this process)."""

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
            self._fire,
            when=max(delay, 0.0),
            name=name,
            data={"id": reminder.id, "user": reminder.user, "fire_at": reminder.fire_at},
        )

    def restore(self) -> int:
        """Schedule every stored reminder; returns how many timers were started."""
        # the storage may be shared with the Discord bot: only this platform's reminders are ours
        mine = (r for r in self.storage.reminders() if r.user.startswith(f"{PLATFORM}:"))
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
        data = context.job.data if isinstance(context.job.data, dict) else {}
        # This timer went off, so its reminder is due even if the (injectable) clock lags behind.
        now = max(self.clock(), data.get("fire_at") or self.clock())
        # Claimed, not just read: another bot process on the same database will not send these again.
        # A reminder gone meanwhile (forgotten, switched off, sent by the other process) is not claimed.
        claimed = self.storage.claim_due_reminders(now, self.worker, platform=PLATFORM)
        for index, reminder in enumerate(claimed):
            try:
                if now - reminder.fire_at > self.late_grace:
                    log.info("dropping reminder %d: its time passed long ago", reminder.id)
                else:
                    assert self.deliver is not None, "no deliver callback"
                    await self.deliver(context.bot, reminder)
            except asyncio.CancelledError:  # stopping: give back what was not sent, the next start sends it
                for unsent in claimed[index:]:
                    self.storage.release_reminder(unsent.id)
                raise
            except Exception:
                log.exception("reminder %d could not be sent", reminder.id)
            # Sent, or failed for good (user blocked the bot, chat gone): never send it twice.
            self.storage.complete_reminder(reminder.id)
