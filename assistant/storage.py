"""What must survive a restart: user preferences, consented profiles, reminders, chat settings, stats.

`Storage` is the interface adapters use; `SQLiteStorage` implements it on one file
(`CANDIDATE_ASSISTANT_DB`, default `candidate-assistant.db` in the working directory). A server
database can implement the same methods later. Users are keyed by `"<platform>:<id>"` strings and we
keep only what a feature needs; `forget()` erases all of it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

DEFAULT_DB = "candidate-assistant.db"


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
    def get_prefs(self, user: str) -> dict[str, Any]: ...
    def set_prefs(self, user: str, **values: Any) -> None: ...
    def save_profile(self, user: str, profile: dict[str, Any]) -> None: ...
    def get_profile(self, user: str) -> dict[str, Any] | None: ...
    def add_reminder(
        self, user: str, chat: str, programme: str, event_id: str, fire_at: datetime, language: str
    ) -> int: ...
    def reminders(self, user: str | None = None) -> list[Reminder]: ...
    def remove_reminder(self, reminder_id: int) -> None: ...
    def remove_reminders(self, user: str) -> int: ...
    def get_setting(self, scope: str, name: str, default: Any = None) -> Any: ...
    def set_setting(self, scope: str, name: str, value: Any) -> None: ...
    def record(self, scope: str, decision: str, intent: str | None, text: str) -> None: ...
    def record_feedback(self, scope: str, message_ref: str, intent: str | None, helpful: bool) -> None: ...
    def stats(self, scope: str, top: int = 5) -> dict[str, Any]: ...
    def forget(self, user: str) -> None: ...
    def close(self) -> None: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS prefs (user TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS profiles (user TEXT PRIMARY KEY, data TEXT NOT NULL, saved_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, chat TEXT NOT NULL, programme TEXT NOT NULL,
    event_id TEXT NOT NULL, fire_at TEXT NOT NULL, language TEXT NOT NULL,
    UNIQUE (user, chat, programme, event_id, fire_at));
CREATE TABLE IF NOT EXISTS settings (scope TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (scope, name));
CREATE TABLE IF NOT EXISTS answers (scope TEXT NOT NULL, decision TEXT NOT NULL, intent TEXT, text TEXT NOT NULL,
    at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (scope TEXT NOT NULL, message_ref TEXT NOT NULL, intent TEXT,
    helpful INTEGER NOT NULL, PRIMARY KEY (scope, message_ref));
"""

# Questions are kept for staff statistics only in this shortened form, never with who asked.
MAX_RECORDED_TEXT = 200


class SQLiteStorage:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = str(path or os.environ.get("CANDIDATE_ASSISTANT_DB") or DEFAULT_DB)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute(
            "PRAGMA journal_mode=WAL" if self.path != ":memory:" else "PRAGMA journal_mode=MEMORY"
        )
        self._db.executescript(SCHEMA)
        self._db.commit()

    def _exec(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
            self._db.commit()
            return rows

    # preferences -------------------------------------------------------------------------------
    def get_prefs(self, user: str) -> dict[str, Any]:
        rows = self._exec("SELECT data FROM prefs WHERE user = ?", (user,))
        return json.loads(rows[0][0]) if rows else {}

    def set_prefs(self, user: str, **values: Any) -> None:
        data = self.get_prefs(user)
        data.update({k: v for k, v in values.items()})
        data = {k: v for k, v in data.items() if v is not None}
        self._exec(
            "INSERT INTO prefs (user, data) VALUES (?, ?) ON CONFLICT(user) DO UPDATE SET data = excluded.data",
            (user, json.dumps(data)),
        )

    # profiles (only saved once the user accepted) ----------------------------------------------------
    def save_profile(self, user: str, profile: dict[str, Any]) -> None:
        self._exec(
            "INSERT INTO profiles (user, data, saved_at) VALUES (?, ?, ?) ON CONFLICT(user) DO UPDATE "
            "SET data = excluded.data, saved_at = excluded.saved_at",
            (user, json.dumps(profile, default=str), datetime.now().astimezone().isoformat()),
        )

    def get_profile(self, user: str) -> dict[str, Any] | None:
        rows = self._exec("SELECT data FROM profiles WHERE user = ?", (user,))
        return json.loads(rows[0][0]) if rows else None

    # reminders ---------------------------------------------------------------------------------
    def add_reminder(
        self, user: str, chat: str, programme: str, event_id: str, fire_at: datetime, language: str
    ) -> int:
        if fire_at.tzinfo is None:
            raise ValueError("fire_at must be time-zone aware")
        self._exec(
            "INSERT OR IGNORE INTO reminders (user, chat, programme, event_id, fire_at, language) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (user, chat, programme, event_id, fire_at.isoformat(), language),
        )
        rows = self._exec(
            "SELECT id FROM reminders WHERE user = ? AND chat = ? AND programme = ? AND event_id = ? "
            "AND fire_at = ?",
            (user, chat, programme, event_id, fire_at.isoformat()),
        )
        return int(rows[0][0])

    def reminders(self, user: str | None = None) -> list[Reminder]:
        sql = "SELECT id, user, chat, programme, event_id, fire_at, language FROM reminders"
        rows = self._exec(
            sql + (" WHERE user = ?" if user else "") + " ORDER BY fire_at", (user,) if user else ()
        )
        return [Reminder(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5]), r[6]) for r in rows]

    def remove_reminder(self, reminder_id: int) -> None:
        self._exec("DELETE FROM reminders WHERE id = ?", (reminder_id,))

    def remove_reminders(self, user: str) -> int:
        count = len(self._exec("SELECT id FROM reminders WHERE user = ?", (user,)))
        self._exec("DELETE FROM reminders WHERE user = ?", (user,))
        return count

    # chat / server / channel settings ------------------------------------------------------------
    def get_setting(self, scope: str, name: str, default: Any = None) -> Any:
        rows = self._exec("SELECT value FROM settings WHERE scope = ? AND name = ?", (scope, name))
        return json.loads(rows[0][0]) if rows else default

    def set_setting(self, scope: str, name: str, value: Any) -> None:
        if value is None:
            self._exec("DELETE FROM settings WHERE scope = ? AND name = ?", (scope, name))
            return
        self._exec(
            "INSERT INTO settings (scope, name, value) VALUES (?, ?, ?) ON CONFLICT(scope, name) "
            "DO UPDATE SET value = excluded.value",
            (scope, name, json.dumps(value)),
        )

    # statistics for staff --------------------------------------------------------------------------
    def record(self, scope: str, decision: str, intent: str | None, text: str) -> None:
        self._exec(
            "INSERT INTO answers (scope, decision, intent, text, at) VALUES (?, ?, ?, ?, ?)",
            (
                scope,
                decision,
                intent,
                " ".join(text.split())[:MAX_RECORDED_TEXT],
                datetime.now().astimezone().isoformat(),
            ),
        )

    def record_feedback(self, scope: str, message_ref: str, intent: str | None, helpful: bool) -> None:
        self._exec(
            "INSERT INTO feedback (scope, message_ref, intent, helpful) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(scope, message_ref) DO UPDATE SET helpful = excluded.helpful",
            (scope, message_ref, intent, int(helpful)),
        )

    def stats(self, scope: str, top: int = 5) -> dict[str, Any]:
        counts = dict(
            self._exec("SELECT decision, COUNT(*) FROM answers WHERE scope = ? GROUP BY decision", (scope,))
        )
        top_intents = self._exec(
            "SELECT intent, COUNT(*) AS n FROM answers WHERE scope = ? AND decision = 'answer' "
            "GROUP BY intent ORDER BY n DESC, intent LIMIT ?",
            (scope, top),
        )
        unanswered = self._exec(
            "SELECT text, COUNT(*) AS n FROM answers WHERE scope = ? AND decision != 'answer' "
            "GROUP BY text ORDER BY n DESC, text LIMIT ?",
            (scope, top),
        )
        fb = dict(
            self._exec("SELECT helpful, COUNT(*) FROM feedback WHERE scope = ? GROUP BY helpful", (scope,))
        )
        return {
            "answered": counts.get("answer", 0),
            "clarified": counts.get("clarify", 0),
            "declined": counts.get("decline", 0),
            "top_questions": [(i, n) for i, n in top_intents],
            "top_unanswered": [(t, n) for t, n in unanswered],
            "helpful": fb.get(1, 0),
            "not_helpful": fb.get(0, 0),
        }

    def forget(self, user: str) -> None:
        with self._lock:
            for table in ("prefs", "profiles", "reminders"):
                self._db.execute(f"DELETE FROM {table} WHERE user = ?", (user,))  # noqa: S608 - fixed names
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()
