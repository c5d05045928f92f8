"""The tables as the code uses them (SQLAlchemy Core), at the newest migration (`HEAD`).

The migrations in `migrations/versions/` create and change the tables; this module only describes the
result for queries. Keep both in step: `tests/storage/test_migrations.py` compares a migrated database
with this description.

Times: `UTCDateTime` stores an aware datetime as UTC — `timestamp with time zone` on PostgreSQL,
`YYYY-MM-DD HH:MM:SS.ffffff` text on SQLite (so text order is time order) — and gives back aware
UTC datetimes. Older columns kept from revision 1 (`profiles.saved_at`) stay ISO text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

HEAD = "0002"
"""The newest migration revision; a database at another known revision is upgraded at open."""


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"time must be time-zone aware: {value!r}")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

prefs = Table(
    "prefs",
    metadata,
    Column("user", Text, primary_key=True),
    Column("data", Text, nullable=False),  # JSON object
)

profiles = Table(
    "profiles",
    metadata,
    Column("user", Text, primary_key=True),
    Column("data", Text, nullable=False),  # JSON object
    Column("saved_at", Text, nullable=False),  # ISO 8601
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", Text, nullable=False),
    Column("chat", Text, nullable=False),
    Column("programme", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("fire_at", UTCDateTime, nullable=False),
    Column("language", Text, nullable=False),
    Column("claimed_by", Text),
    Column("claimed_at", UTCDateTime),
    UniqueConstraint("user", "chat", "programme", "event_id", "fire_at"),
    Index("ix_reminders_fire_at", "fire_at"),
    Index("ix_reminders_user", "user"),
    sqlite_autoincrement=True,
)

settings = Table(
    "settings",
    metadata,
    Column("scope", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("value", Text, nullable=False),  # JSON
    PrimaryKeyConstraint("scope", "name"),
)

questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("platform", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("programme", Text),
    Column("language", Text),  # NULL for questions logged before revision 0002
    Column("decision", Text, nullable=False),
    Column("topic", Text),
    Column("confidence", Float),
    Column("text", Text, nullable=False),  # masked, at most MAX_QUESTION_TEXT characters
    Index("ix_questions_at", "at"),
    Index("ix_questions_scope_decision", "scope", "decision"),
    sqlite_autoincrement=True,
)

feedback = Table(
    "feedback",
    metadata,
    Column("scope", Text, nullable=False),
    Column("message_ref", Text, nullable=False),
    Column("intent", Text),
    Column("helpful", Integer, nullable=False),
    Column(
        "question_id",
        Integer,
        ForeignKey("questions.id", ondelete="SET NULL", name="fk_feedback_question_id"),
    ),
    Column("at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("scope", "message_ref"),
    Index("ix_feedback_at", "at"),
)

handovers = Table(
    "handovers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("user", Text, nullable=False),
    Column("chat", Text, nullable=False),
    Column("platform", Text, nullable=False),
    Column("programme", Text),
    Column("language", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("transcript", Text, nullable=False),  # JSON
    Column("status", Text, nullable=False),  # open | answered
    Column("staff_ref", Text),
    Column("answer", Text),
    Column("answered_at", UTCDateTime),
    UniqueConstraint("staff_ref", name="uq_handovers_staff_ref"),
    Index("ix_handovers_user", "user"),
    Index("ix_handovers_created_at", "created_at"),
    sqlite_autoincrement=True,
)
