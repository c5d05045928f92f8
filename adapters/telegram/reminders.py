"""Reminder timers on PTB's JobQueue: the `Scheduler` the conversation service uses on Telegram.

The database is the source of truth (the service stores reminders, restores them at start-up, claims
them when due so two processes never send one twice); this only holds timers. When one goes off, the
service's due reminders are sent through `fire`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram.ext import ContextTypes, Job, JobQueue

JOB_PREFIX = "reminder:"


class JobQueueScheduler:
    def __init__(
        self,
        job_queue: JobQueue | None,
        now: Callable[[], datetime],
        fire: Callable[[datetime], Awaitable[object]],
    ) -> None:
        if job_queue is None:
            raise RuntimeError("reminders need PTB's JobQueue: install python-telegram-bot[job-queue]")
        self.job_queue = job_queue
        self.now = now
        self.fire = fire
        self.loop: asyncio.AbstractEventLoop | None = None
        """The bot's event loop: the service may schedule from a worker thread."""

    def schedule(self, reminder_id: int, at: datetime) -> None:
        self._on_loop(self._schedule, reminder_id, at)

    def cancel(self, reminder_id: int) -> None:
        self._on_loop(self._cancel, reminder_id)

    def _on_loop(self, fn: Callable[..., None], *args: object) -> None:
        loop = self.loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is None or running is loop or loop.is_closed():
            fn(*args)
        else:
            loop.call_soon_threadsafe(fn, *args)

    def _schedule(self, reminder_id: int, at: datetime) -> None:
        self._cancel(reminder_id)
        delay = max(0.0, (at - self.now()).total_seconds())
        self.job_queue.run_once(self._callback, when=delay, name=f"{JOB_PREFIX}{reminder_id}", data=at)

    def _cancel(self, reminder_id: int) -> None:
        for job in self.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{reminder_id}"):
            job.schedule_removal()

    def pending(self) -> list[int]:
        """The reminder ids with a timer."""
        return [int(job.name.removeprefix(JOB_PREFIX)) for job in self._jobs() if job.name]

    def _jobs(self) -> list[Job]:
        return [j for j in self.job_queue.jobs(f"^{JOB_PREFIX}") if not j.removed]

    async def _callback(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.job is not None
        await self.fire(context.job.data)
