"""Question log, feedback linked to questions, handovers, reminder claims; times as UTC timestamps.

- reminders: `fire_at` becomes a UTC timestamp (timestamptz on PostgreSQL; on SQLite the column keeps
  its TEXT type and its values are rewritten as `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, so that text
  order is time order); `claimed_by` / `claimed_at` record which bot process is sending a reminder.
- answers -> questions: the statistics rows become the question log (platform, programme, language,
  topic, confidence); existing texts are masked (e-mail addresses, phone numbers) on the way.
- feedback: `question_id` (the logged question, when known) and `at` (for retention).
- handovers: questions passed to staff, with the staff-side message reference and the answer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-02
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from assistant.storage.masking import shorten

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MAX_QUESTION_TEXT = 300


def _utc(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    now = datetime.now(UTC)

    # reminders: one UTC instant per reminder (two spellings of one instant become one reminder) -------
    old = sa.table(
        "reminders",
        sa.column("id", sa.Integer),
        sa.column("user", sa.Text),
        sa.column("chat", sa.Text),
        sa.column("programme", sa.Text),
        sa.column("event_id", sa.Text),
        sa.column("fire_at", sa.Text),
    )
    seen: set[tuple] = set()
    converted: dict[int, datetime] = {}
    dropped: list[int] = []
    for row in bind.execute(sa.select(old).order_by(old.c.id)):
        moment = _utc(row.fire_at)
        key = (row.user, row.chat, row.programme, row.event_id, moment)
        if moment is None or key in seen:  # unreadable time (could never fire) or a duplicate
            dropped.append(row.id)
            continue
        seen.add(key)
        converted[row.id] = moment
    if dropped:
        bind.execute(sa.delete(old).where(old.c.id.in_(dropped)))
    if postgresql:
        op.alter_column(
            "reminders",
            "fire_at",
            type_=sa.DateTime(timezone=True),
            existing_nullable=False,
            postgresql_using="fire_at::timestamptz",
        )
    else:
        as_time = sa.table("reminders", sa.column("id", sa.Integer), sa.column("fire_at", sa.DateTime()))
        for rid, moment in converted.items():
            bind.execute(sa.update(as_time).where(as_time.c.id == rid).values(fire_at=moment))
    op.add_column("reminders", sa.Column("claimed_by", sa.Text))
    op.add_column("reminders", sa.Column("claimed_at", sa.DateTime(timezone=True)))
    op.create_index("ix_reminders_fire_at", "reminders", ["fire_at"])
    op.create_index("ix_reminders_user", "reminders", ["user"])

    # answers -> questions ----------------------------------------------------------------------------
    questions = op.create_table(
        "questions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("programme", sa.Text),
        sa.Column("language", sa.Text),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("topic", sa.Text),
        sa.Column("confidence", sa.Float),
        sa.Column("text", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_questions_at", "questions", ["at"])
    op.create_index("ix_questions_scope_decision", "questions", ["scope", "decision"])
    answers = sa.table(
        "answers",
        sa.column("scope", sa.Text),
        sa.column("decision", sa.Text),
        sa.column("intent", sa.Text),
        sa.column("text", sa.Text),
        sa.column("at", sa.Text),
    )
    rows = [
        {
            "at": _utc(row.at) or now,
            "platform": row.scope.split(":", 1)[0],
            "scope": row.scope,
            "decision": row.decision,
            "topic": row.intent,
            "text": shorten(row.text, MAX_QUESTION_TEXT),
        }
        for row in bind.execute(sa.select(answers))
    ]
    rows.sort(key=lambda r: r["at"])
    if rows:
        op.bulk_insert(questions, rows)
    op.drop_table("answers")

    # feedback: linked to its question, dated -------------------------------------------------------
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("question_id", sa.Integer))
        batch.add_column(sa.Column("at", sa.DateTime(timezone=True)))
        batch.create_foreign_key(
            "fk_feedback_question_id", "questions", ["question_id"], ["id"], ondelete="SET NULL"
        )
    dated = sa.table("feedback", sa.column("at", sa.DateTime(timezone=True)))
    bind.execute(sa.update(dated).values(at=now))
    with op.batch_alter_table("feedback") as batch:
        batch.alter_column("at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_index("ix_feedback_at", "feedback", ["at"])

    # handovers ---------------------------------------------------------------------------------------
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("chat", sa.Text, nullable=False),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("programme", sa.Text),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("transcript", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("staff_ref", sa.Text),
        sa.Column("answer", sa.Text),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("staff_ref", name="uq_handovers_staff_ref"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_handovers_user", "handovers", ["user"])
    op.create_index("ix_handovers_created_at", "handovers", ["created_at"])


def downgrade() -> None:
    raise NotImplementedError("revision 0002 has no downgrade: restore the backup taken before upgrading")
