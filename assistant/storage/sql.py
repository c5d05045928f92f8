"""`SQLStorage`: the `Storage` interface on one SQLAlchemy engine (SQLite file or PostgreSQL).

Every method is one transaction. Writes that read first (`set_prefs`, `claim_due_reminders`) lock what
they change before reading it — `BEGIN IMMEDIATE` on SQLite, `SELECT ... FOR UPDATE` (SKIP LOCKED for
claims) on PostgreSQL — so concurrent processes and threads never lose an update or send a reminder twice.
Open it with `assistant.storage.open_storage()`, which creates and migrates the tables first.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError

from assistant.storage import Reminder, StorageError
from assistant.storage.masking import shorten
from assistant.storage.schema import feedback, handovers, prefs, profiles, questions, reminders, settings

MAX_QUESTION_TEXT = 300
"""Characters of a question kept in the log (after masking e-mail addresses and phone numbers)."""
CLAIM_TIMEOUT = timedelta(minutes=10)
"""A reminder claimed longer ago than this and not completed is taken to be lost (the process that
claimed it died) and may be claimed again."""
PURGE_EVERY_S = 24 * 3600.0
HANDOVER_STATUSES = ("open", "answered")
ID_BATCH = 500
"""Ids per `IN (...)` list: far below SQLite's and PostgreSQL's bound-parameter limits."""


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be time-zone aware")
    return moment


class SQLStorage:
    """The shared storage of the bots. Thread-safe; several processes may share one database."""

    def __init__(
        self,
        engine: Engine,
        location: str,
        retention: timedelta,
        serial: contextlib.AbstractContextManager[Any] | None = None,
    ) -> None:
        self.engine = engine
        self.location = location
        """The database as messages name it: a file path, or a URL without its password."""
        self.retention = retention
        self._serial = serial or contextlib.nullcontext()
        self._postgresql = engine.dialect.name == "postgresql"
        self._insert = pg.insert if self._postgresql else sqlite.insert
        self._purge_lock = threading.Lock()
        self._next_purge = time.monotonic() + PURGE_EVERY_S

    def __repr__(self) -> str:
        return f"<SQLStorage {self.location}>"

    def __enter__(self) -> SQLStorage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        """One transaction; `write` takes SQLite's write lock at BEGIN (see opening._configure_sqlite)."""
        try:
            with self._serial, self.engine.connect() as conn:
                if write:
                    conn.execution_options(storage_write=True)
                with conn.begin():
                    yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise StorageError(f"database error on {self.location}: {str(exc.orig).strip()}") from exc

    def _upsert(self, table: Table, values: dict[str, Any], keys: Sequence[str]) -> Any:
        stmt = self._insert(table).values(**values)
        changed = {name: stmt.excluded[name] for name in values if name not in keys}
        return stmt.on_conflict_do_update(index_elements=list(keys), set_=changed)

    # preferences -------------------------------------------------------------------------------------
    def get_prefs(self, user: str) -> dict[str, Any]:
        with self._tx() as conn:
            data = conn.execute(select(prefs.c.data).where(prefs.c.user == user)).scalar()
        return json.loads(data) if data else {}

    def set_prefs(self, user: str, **values: Any) -> None:
        """Merge `values` into the user's preferences (None removes a key), atomically."""
        with self._tx(write=True) as conn:
            query = select(prefs.c.data).where(prefs.c.user == user)
            if self._postgresql:  # make the row exist, then lock it: concurrent merges queue up
                conn.execute(pg.insert(prefs).values(user=user, data="{}").on_conflict_do_nothing())
                query = query.with_for_update()
            current = conn.execute(query).scalar()
            data = json.loads(current) if current else {}
            data.update(values)
            data = {k: v for k, v in data.items() if v is not None}
            if data:
                conn.execute(self._upsert(prefs, {"user": user, "data": json.dumps(data)}, ["user"]))
            else:
                conn.execute(delete(prefs).where(prefs.c.user == user))

    # profiles (only saved once the user accepted) -----------------------------------------------------
    def save_profile(self, user: str, profile: dict[str, Any]) -> None:
        values = {
            "user": user,
            "data": json.dumps(profile, default=str),
            "saved_at": datetime.now().astimezone().isoformat(),
        }
        with self._tx(write=True) as conn:
            conn.execute(self._upsert(profiles, values, ["user"]))

    def get_profile(self, user: str) -> dict[str, Any] | None:
        with self._tx() as conn:
            data = conn.execute(select(profiles.c.data).where(profiles.c.user == user)).scalar()
        return json.loads(data) if data else None

    # reminders ---------------------------------------------------------------------------------------
    @staticmethod
    def _reminder(row: Any) -> Reminder:
        return Reminder(row.id, row.user, row.chat, row.programme, row.event_id, row.fire_at, row.language)

    def add_reminder(
        self, user: str, chat: str, programme: str, event_id: str, fire_at: datetime, language: str
    ) -> int:
        """Store a reminder (once: the same one again returns the existing id)."""
        _aware(fire_at, "fire_at")
        key = {"user": user, "chat": chat, "programme": programme, "event_id": event_id, "fire_at": fire_at}
        with self._tx(write=True) as conn:
            conn.execute(self._insert(reminders).values(**key, language=language).on_conflict_do_nothing())
            where = and_(*(reminders.c[name] == value for name, value in key.items()))
            return int(conn.execute(select(reminders.c.id).where(where)).scalar_one())

    def reminders(self, user: str | None = None) -> list[Reminder]:
        """Pending reminders (claimed ones included until completed), earliest first."""
        query = select(reminders).order_by(reminders.c.fire_at, reminders.c.id)
        if user:
            query = query.where(reminders.c.user == user)
        with self._tx() as conn:
            return [self._reminder(row) for row in conn.execute(query)]

    def claim_due_reminders(
        self,
        now: datetime,
        worker: str,
        limit: int = 100,
        *,
        platform: str | None = None,
        stale_after: timedelta = CLAIM_TIMEOUT,
    ) -> list[Reminder]:
        """Mark up to `limit` reminders due at `now` as being sent by `worker` and return them.

        A reminder is handed to one caller only, whatever the number of processes; the caller sends it
        then calls `complete_reminder()`. A claim older than `stale_after` (a worker that died) may be
        taken again. `platform` (e.g. "telegram") limits the claim to users of that platform.
        """
        _aware(now, "now")
        due = and_(
            reminders.c.fire_at <= now,
            or_(reminders.c.claimed_by.is_(None), reminders.c.claimed_at < now - stale_after),
        )
        if platform:
            due = and_(due, reminders.c.user.startswith(f"{platform}:", autoescape=True))
        pick = select(reminders.c.id).where(due).order_by(reminders.c.fire_at, reminders.c.id).limit(limit)
        claim = {"claimed_by": worker, "claimed_at": now}
        with self._tx(write=True) as conn:
            if self._postgresql:
                # One statement. The pick is a CTE, evaluated once: as an IN (subquery) PostgreSQL may
                # re-run it per row and, skipping the rows this very statement just locked, exceed the
                # limit. Rows another worker is claiming are skipped, not waited for.
                picked = pick.with_for_update(skip_locked=True).cte("picked")
                stmt = (
                    update(reminders)
                    .where(reminders.c.id == picked.c.id)
                    .values(**claim)
                    .returning(*reminders.c)
                )
                rows = list(conn.execute(stmt))
            else:  # BEGIN IMMEDIATE: this transaction is the only writer until it commits
                ids = list(conn.execute(pick).scalars())
                if not ids:
                    return []
                conn.execute(update(reminders).where(reminders.c.id.in_(ids)).values(**claim))
                rows = list(conn.execute(select(reminders).where(reminders.c.id.in_(ids))))
        return sorted((self._reminder(row) for row in rows), key=lambda r: (r.fire_at, r.id))

    def complete_reminder(self, reminder_id: int) -> None:
        """The reminder was sent (or will never be): remove it."""
        self.remove_reminder(reminder_id)

    def release_reminder(self, reminder_id: int) -> None:
        """Give a claimed reminder back unsent (the worker is stopping): the next claim may take it."""
        with self._tx(write=True) as conn:
            conn.execute(
                update(reminders)
                .where(reminders.c.id == reminder_id)
                .values(claimed_by=None, claimed_at=None)
            )

    def remove_reminder(self, reminder_id: int) -> None:
        with self._tx(write=True) as conn:
            conn.execute(delete(reminders).where(reminders.c.id == reminder_id))

    def remove_reminders(self, user: str) -> int:
        with self._tx(write=True) as conn:
            return conn.execute(delete(reminders).where(reminders.c.user == user)).rowcount

    # chat / server / channel settings -----------------------------------------------------------------
    def get_setting(self, scope: str, name: str, default: Any = None) -> Any:
        query = select(settings.c.value).where(settings.c.scope == scope, settings.c.name == name)
        with self._tx() as conn:
            value = conn.execute(query).scalar()
        return json.loads(value) if value is not None else default

    def set_setting(self, scope: str, name: str, value: Any) -> None:
        """Store a setting (JSON); None removes it."""
        with self._tx(write=True) as conn:
            if value is None:
                conn.execute(delete(settings).where(settings.c.scope == scope, settings.c.name == name))
            else:
                values = {"scope": scope, "name": name, "value": json.dumps(value)}
                conn.execute(self._upsert(settings, values, ["scope", "name"]))

    # question log, feedback, statistics for staff ------------------------------------------------------
    def log_question(
        self,
        *,
        at: datetime,
        platform: str,
        scope: str,
        programme: str | None,
        language: str | None,
        decision: str,
        topic: str | None,
        confidence: float | None,
        text: str,
    ) -> int:
        """Log a question for staff reports, without who asked: the text is masked (e-mail addresses,
        phone numbers) and cut to MAX_QUESTION_TEXT characters. Returns its id (for feedback, handovers)."""
        values = {
            "at": _aware(at, "at"),
            "platform": platform,
            "scope": scope,
            "programme": programme,
            "language": language,
            "decision": decision,
            "topic": topic,
            "confidence": confidence,
            "text": shorten(text, MAX_QUESTION_TEXT),
        }
        with self._tx(write=True) as conn:
            question_id = int(conn.execute(insert(questions).values(**values)).inserted_primary_key[0])
        self._purge_when_due()
        return question_id

    def record(self, scope: str, decision: str, intent: str | None, text: str) -> None:
        """The former statistics call: logs the question with what the adapter knows (platform from the
        scope prefix, no programme, language or confidence)."""
        self.log_question(
            at=datetime.now(UTC),
            platform=scope.split(":", 1)[0],
            scope=scope,
            programme=None,
            language=None,
            decision=decision,
            topic=intent,
            confidence=None,
            text=text,
        )

    def record_feedback(
        self,
        scope: str,
        message_ref: str,
        intent: str | None,
        helpful: bool,
        question_id: int | None = None,
        *,
        at: datetime | None = None,
    ) -> None:
        """A thumbs up/down on an answer; given again for the same message, the last one counts. Linked to
        its logged question when `question_id` is given and the question is still kept. `at`: when it was
        given (default: now)."""
        linked = select(questions.c.id).where(questions.c.id == question_id).scalar_subquery()
        stmt = self._insert(feedback).values(
            scope=scope,
            message_ref=message_ref,
            intent=intent,
            helpful=int(helpful),
            question_id=linked if question_id is not None else None,
            at=_aware(at, "at") if at is not None else datetime.now(UTC),
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["scope", "message_ref"],
            set_={
                "helpful": stmt.excluded.helpful,
                "at": stmt.excluded.at,
                "question_id": func.coalesce(stmt.excluded.question_id, feedback.c.question_id),
            },
        )
        with self._tx(write=True) as conn:
            conn.execute(stmt)

    @staticmethod
    def _between(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
        where = []
        if since is not None:
            where.append(column >= _aware(since, "since"))
        if until is not None:
            where.append(column < _aware(until, "until"))
        return where

    def questions(
        self, since: datetime | None, until: datetime | None, programme: str | None = None
    ) -> list[dict[str, Any]]:
        """Logged questions with since <= at < until (either may be None), oldest first, as dicts: id,
        at, platform, scope, programme, language, decision, topic, confidence, text."""
        where = self._between(questions.c.at, since, until)
        if programme is not None:
            where.append(questions.c.programme == programme)
        query = select(questions).where(*where).order_by(questions.c.at, questions.c.id)
        with self._tx() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def questions_by_id(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The logged questions among `ids` that are still kept, by id (as `questions()` gives them): the
        questions that feedback rows point to, which may be older than the feedback."""
        wanted = sorted(set(ids))
        found: dict[int, dict[str, Any]] = {}
        with self._tx() as conn:
            for start in range(0, len(wanted), ID_BATCH):
                query = select(questions).where(questions.c.id.in_(wanted[start : start + ID_BATCH]))
                found.update((row.id, dict(row._mapping)) for row in conn.execute(query))
        return found

    def feedback_rows(self, since: datetime | None, until: datetime | None) -> list[dict[str, Any]]:
        """Feedback given with since <= at < until, oldest first, as dicts: scope, message_ref, intent,
        helpful (bool), question_id, at."""
        query = (
            select(feedback)
            .where(*self._between(feedback.c.at, since, until))
            .order_by(feedback.c.at, feedback.c.scope, feedback.c.message_ref)
        )
        with self._tx() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        for row in rows:
            row["helpful"] = bool(row["helpful"])
        return rows

    def stats(self, scope: str, top: int = 5) -> dict[str, Any]:
        """Counts for one scope (a Discord server, a Telegram group): answered / clarified / declined,
        the most asked topics, the most frequent unanswered texts, helpful / not helpful."""
        q = questions.c
        n = func.count().label("n")
        with self._tx() as conn:
            decided = select(q.decision, func.count()).where(q.scope == scope).group_by(q.decision)
            counts = {decision: count for decision, count in conn.execute(decided)}
            top_topics = conn.execute(
                select(q.topic, n)
                .where(q.scope == scope, q.decision == "answer")
                .group_by(q.topic)
                .order_by(n.desc(), q.topic)
                .limit(top)
            ).all()
            unanswered = conn.execute(
                select(q.text, n)
                .where(q.scope == scope, q.decision != "answer")
                .group_by(q.text)
                .order_by(n.desc(), q.text)
                .limit(top)
            ).all()
            voted = (
                select(feedback.c.helpful, func.count())
                .where(feedback.c.scope == scope)
                .group_by(feedback.c.helpful)
            )
            votes = {helpful: count for helpful, count in conn.execute(voted)}
        return {
            "answered": counts.get("answer", 0),
            "clarified": counts.get("clarify", 0),
            "declined": counts.get("decline", 0),
            "top_questions": [(topic, count) for topic, count in top_topics],
            "top_unanswered": [(text, count) for text, count in unanswered],
            "helpful": votes.get(1, 0),
            "not_helpful": votes.get(0, 0),
        }

    # handovers to staff -----------------------------------------------------------------------------
    @staticmethod
    def _handover(row: Any) -> dict[str, Any]:
        data = dict(row._mapping)
        data["transcript"] = json.loads(data["transcript"])
        return data

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
        at: datetime | None = None,
    ) -> int:
        """Record a question passed to staff (status "open"); returns its id. `transcript` (text or a
        list of messages) is stored as JSON and given back as stored."""
        values = {
            "created_at": _aware(at, "at") if at is not None else datetime.now(UTC),
            "user": user,
            "chat": chat,
            "platform": platform,
            "programme": programme,
            "language": language,
            "question": question,
            "transcript": json.dumps(transcript, ensure_ascii=False, default=str),
            "status": "open",
        }
        with self._tx(write=True) as conn:
            return int(conn.execute(insert(handovers).values(**values)).inserted_primary_key[0])

    def get_handover(self, handover_id: int) -> dict[str, Any] | None:
        with self._tx() as conn:
            row = conn.execute(select(handovers).where(handovers.c.id == handover_id)).first()
        return self._handover(row) if row is not None else None

    def set_handover_staff_ref(self, handover_id: int, ref: str) -> None:
        """Remember the staff-side message of a handover (to find it when staff reply to that message)."""
        try:
            with self._tx(write=True) as conn:
                conn.execute(update(handovers).where(handovers.c.id == handover_id).values(staff_ref=ref))
        except IntegrityError:
            raise ValueError(f"staff reference {ref!r} is already used by another handover") from None

    def remove_handover(self, handover_id: int) -> None:
        """Withdraw a handover nobody will read (its post to staff failed)."""
        with self._tx(write=True) as conn:
            conn.execute(delete(handovers).where(handovers.c.id == handover_id))

    def find_handover_by_staff_ref(self, ref: str) -> dict[str, Any] | None:
        with self._tx() as conn:
            row = conn.execute(select(handovers).where(handovers.c.staff_ref == ref)).first()
        return self._handover(row) if row is not None else None

    def answer_handover(self, handover_id: int, answer_text: str, at: datetime) -> bool:
        """Record staff's answer (the last one given counts); False if there is no such handover."""
        values = {"status": "answered", "answer": answer_text, "answered_at": _aware(at, "at")}
        with self._tx(write=True) as conn:
            result = conn.execute(update(handovers).where(handovers.c.id == handover_id).values(**values))
        return result.rowcount > 0

    def handovers(
        self,
        status: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        user: str | None = None,
    ) -> list[dict[str, Any]]:
        """Handovers created with since <= created_at < until, oldest first, optionally of one status
        and one person (`user`, as stored: `<platform>:<id>`)."""
        if status is not None and status not in HANDOVER_STATUSES:
            raise ValueError(f"status must be one of {HANDOVER_STATUSES}, not {status!r}")
        where = self._between(handovers.c.created_at, since, until)
        if status is not None:
            where.append(handovers.c.status == status)
        if user is not None:
            where.append(handovers.c.user == user)
        query = select(handovers).where(*where).order_by(handovers.c.created_at, handovers.c.id)
        with self._tx() as conn:
            return [self._handover(row) for row in conn.execute(query)]

    # privacy -------------------------------------------------------------------------------------------
    def purge(self, now: datetime | None = None) -> dict[str, int]:
        """Delete the logged questions, feedback and handovers older than the retention period (counted
        back from `now`); returns how many rows of each went. Preferences, profiles, reminders and
        settings are not aged out: they go with `forget()` (or, for reminders, once sent)."""
        cutoff = _aware(now, "now") if now is not None else datetime.now(UTC)
        cutoff -= self.retention
        with self._tx(write=True) as conn:
            counts = {
                "feedback": conn.execute(delete(feedback).where(feedback.c.at < cutoff)).rowcount,
                "questions": conn.execute(delete(questions).where(questions.c.at < cutoff)).rowcount,
                "handovers": conn.execute(delete(handovers).where(handovers.c.created_at < cutoff)).rowcount,
            }
        with self._purge_lock:
            self._next_purge = time.monotonic() + PURGE_EVERY_S
        return counts

    def _purge_when_due(self) -> None:
        with self._purge_lock:
            if time.monotonic() < self._next_purge:
                return
            self._next_purge = time.monotonic() + PURGE_EVERY_S
        self.purge()

    def forget(self, user: str) -> None:
        """Erase everything kept about `user`: preferences, profile, reminders, handovers. (The question
        log and feedback never held who asked.)"""
        with self._tx(write=True) as conn:
            for table in (prefs, profiles, reminders, handovers):
                conn.execute(delete(table).where(table.c.user == user))

    def close(self) -> None:
        self.engine.dispose()
