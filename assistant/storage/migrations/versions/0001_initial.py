"""The schema of candidate-assistant before migrations: prefs, profiles, reminders, settings, answers,
feedback (exactly what `SQLiteStorage` created with CREATE TABLE IF NOT EXISTS).

A database created by that code has these tables and no alembic_version: it is stamped at this revision
and upgraded from here.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prefs",
        sa.Column("user", sa.Text, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "profiles",
        sa.Column("user", sa.Text, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("saved_at", sa.Text, nullable=False),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("chat", sa.Text, nullable=False),
        sa.Column("programme", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("fire_at", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.UniqueConstraint("user", "chat", "programme", "event_id", "fire_at"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "settings",
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("scope", "name"),
    )
    op.create_table(
        "answers",
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("intent", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("message_ref", sa.Text, nullable=False),
        sa.Column("intent", sa.Text),
        sa.Column("helpful", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("scope", "message_ref"),
    )


def downgrade() -> None:
    for table in ("feedback", "answers", "settings", "reminders", "profiles", "prefs"):
        op.drop_table(table)
