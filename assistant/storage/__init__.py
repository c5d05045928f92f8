"""What must survive a restart: user preferences, consented profiles, reminders, chat settings, the
question log for staff, feedback and handovers to staff.

`Storage` is the interface adapters use; `open_storage()` is the one way to open it. The database is
named by `CANDIDATE_ASSISTANT_DB` (or the argument): a file path for SQLite, the embedded default
(`candidate-assistant.db` in the working directory), or a `postgresql://user:password@host/db` URL for
PostgreSQL when several bot processes share one state. Tables are created and migrated at open
(Alembic revisions shipped in `assistant/storage/migrations/`). `SQLiteStorage(path)` is kept as the
historical name of the same thing.

Users are keyed by `"<platform>:<id>"` strings and we keep only what a feature needs: `forget()` erases
a user's preferences, profile, reminders and handovers. The question log holds no user id, and its
texts are masked (e-mail addresses, phone numbers) and shortened. Question texts, feedback and
handovers older than `CANDIDATE_ASSISTANT_RETENTION_DAYS` (default 90) are deleted by `purge()`, which
runs at open and then once a day while questions are logged. Profiles stay until `forget()`.

This module stays light (no SQLAlchemy import) so that importing the core does not pay for the
database: SQLAlchemy is imported by `open_storage()`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.storage.masking import mask_personal_data

if TYPE_CHECKING:
    from assistant.storage.sql import SQLStorage

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "DEFAULT_RETENTION_DAYS",
    "RETENTION_ENV",
    "Reminder",
    "SQLiteStorage",
    "Storage",
    "StorageError",
    "mask_personal_data",
    "open_storage",
    "retention_days",
    "worker_id",
]

DEFAULT_DB = "candidate-assistant.db"
DB_ENV = "CANDIDATE_ASSISTANT_DB"
RETENTION_ENV = "CANDIDATE_ASSISTANT_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90


class StorageError(Exception):
    """The database cannot be used as it is (foreign, damaged, too new, unreachable); the message
    names it (never a password) and says what to do."""


@dataclass(frozen=True)
class Reminder:
    id: int
    user: str
    chat: str
    programme: str
    event_id: str
    fire_at: datetime
    language: str


class Storage(Protocol):
    # preferences, consented profiles -------------------------------------------------------------
    def get_prefs(self, user: str) -> dict[str, Any]: ...
    def set_prefs(self, user: str, **values: Any) -> None: ...
    def save_profile(self, user: str, profile: dict[str, Any]) -> None: ...
    def get_profile(self, user: str) -> dict[str, Any] | None: ...

    # reminders -------------------------------------------------------------------------------------
    def add_reminder(
        self, user: str, chat: str, programme: str, event_id: str, fire_at: datetime, language: str
    ) -> int: ...
    def reminders(self, user: str | None = None) -> list[Reminder]: ...
    def claim_due_reminders(
        self, now: datetime, worker: str, limit: int = 100, *, platform: str | None = None
    ) -> list[Reminder]: ...
    def complete_reminder(self, reminder_id: int) -> None: ...
    def release_reminder(self, reminder_id: int) -> None: ...
    def remove_reminder(self, reminder_id: int) -> None: ...
    def remove_reminders(self, user: str) -> int: ...

    # chat / server / channel settings ------------------------------------------------------------
    def get_setting(self, scope: str, name: str, default: Any = None) -> Any: ...
    def set_setting(self, scope: str, name: str, value: Any) -> None: ...

    # question log, feedback and statistics for staff ----------------------------------------------
    def log_question(
        self,
        *,
        at: datetime,
        platform: str,
        scope: str,
        programme: str | None,
        language: str,
        decision: str,
        topic: str | None,
        confidence: float,
        text: str,
    ) -> int: ...
    def record(self, scope: str, decision: str, intent: str | None, text: str) -> None: ...
    def record_feedback(
        self,
        scope: str,
        message_ref: str,
        intent: str | None,
        helpful: bool,
        question_id: int | None = None,
        *,
        at: datetime | None = None,
    ) -> None: ...
    def questions(
        self, since: datetime | None, until: datetime | None, programme: str | None = None
    ) -> list[dict[str, Any]]: ...
    def questions_by_id(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]: ...
    def feedback_rows(self, since: datetime | None, until: datetime | None) -> list[dict[str, Any]]: ...
    def stats(self, scope: str, top: int = 5) -> dict[str, Any]: ...

    # handovers to staff ----------------------------------------------------------------------------
    def add_handover(
        self,
        *,
        user: str,
        chat: str,
        platform: str,
        programme: str | None,
        language: str,
        question: str,
        transcript: str | Sequence[Any],
    ) -> int: ...
    def get_handover(self, handover_id: int) -> dict[str, Any] | None: ...
    def set_handover_staff_ref(self, handover_id: int, ref: str) -> None: ...
    def find_handover_by_staff_ref(self, ref: str) -> dict[str, Any] | None: ...
    def remove_handover(self, handover_id: int) -> None: ...
    def answer_handover(self, handover_id: int, answer_text: str, at: datetime) -> bool: ...
    def handovers(
        self,
        status: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        user: str | None = None,
    ) -> list[dict[str, Any]]: ...

    # privacy -----------------------------------------------------------------------------------------
    def purge(self, now: datetime | None = None) -> dict[str, int]: ...
    def forget(self, user: str) -> None: ...
    def close(self) -> None: ...


def retention_days(value: str | None = None) -> int:
    """Days the question log, feedback and handovers are kept: `value`, else $CANDIDATE_ASSISTANT_RETENTION_DAYS,
    else 90. A value that is not a whole number of days >= 1 raises `StorageError`."""
    raw = os.environ.get(RETENTION_ENV) if value is None else value
    if raw is None or not raw.strip():
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(raw.strip())
    except ValueError:
        days = 0
    if days < 1:
        raise StorageError(
            f"{RETENTION_ENV}={raw!r} is not a number of days: set a whole number >= 1 "
            f"(default {DEFAULT_RETENTION_DAYS}), or unset it"
        )
    return days


def worker_id(name: str = "") -> str:
    """A name for this process's reminder claims (`claim_due_reminders(worker=...)`): host, process id
    and a random part, so two schedulers never share one."""
    import socket
    import uuid

    return f"{name + '@' if name else ''}{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def open_storage(url_or_path: str | os.PathLike[str] | None = None, *, create: bool = True) -> SQLStorage:
    """Open (creating and migrating as needed) the database `url_or_path`, else $CANDIDATE_ASSISTANT_DB,
    else `candidate-assistant.db`: a file path (SQLite) or a `postgresql://` / `postgresql+psycopg://` URL.

    `create=False` is for tools that read what the bots stored (staff reports): an SQLite file that does
    not exist is then an error rather than a new, empty database. Raises `StorageError` for a database
    that is missing (with `create=False`), not ours, damaged, newer than this code, or unreachable.
    """
    from assistant.storage.opening import open_database

    return open_database(url_or_path, retention_days(), create=create)


def SQLiteStorage(path: str | Path | None = None) -> SQLStorage:  # noqa: N802 - the historical class name
    """The historical name of `open_storage()`, kept for existing callers (`SQLiteStorage(path)`)."""
    return open_storage(path)
