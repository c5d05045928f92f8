"""Bringing a database to `HEAD` with the Alembic revisions shipped in `migrations/`, at open.

What is found decides what happens, inside one transaction that holds the migration lock (the file
lock and `BEGIN IMMEDIATE` on SQLite, an advisory lock on PostgreSQL):

- no table at all: a new database, every revision is applied;
- `alembic_version` at `HEAD`: nothing to do (the common case, without importing Alembic);
- `alembic_version` at an older revision this code knows: upgraded;
- `alembic_version` at a revision this code does not know: written by a newer version -> StorageError;
- no `alembic_version` but exactly the tables of the code before migrations (`LEGACY_TABLES`): stamped
  at revision 0001 (which is that schema) and upgraded;
- anything else (another application's tables, an old `prefs` table of another shape): not ours ->
  StorageError, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text

from assistant.storage import DB_ENV, StorageError
from assistant.storage.schema import HEAD

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
FIRST = "0001"
PG_LOCK_KEY = 0x43414442  # any constant: the key of the advisory lock that serialises migrations
WHAT_TO_DO = f"back it up and remove it, or point {DB_ENV} elsewhere"

LEGACY_TABLES = {
    "prefs": {"user", "data"},
    "profiles": {"user", "data", "saved_at"},
    "reminders": {"id", "user", "chat", "programme", "event_id", "fire_at", "language"},
    "settings": {"scope", "name", "value"},
    "answers": {"scope", "decision", "intent", "text", "at"},
    "feedback": {"scope", "message_ref", "intent", "helpful"},
}
"""The schema written by candidate-assistant before migrations existed (revision 0001 creates it)."""


def bring_to_head(engine: Engine, where: str) -> None:
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.driver_connection if sqlite else None
        if raw is not None:
            # SQLite changes a table by copying it: foreign keys must not cascade meanwhile (checked below).
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.execution_options(storage_write=True)
            with conn.begin():
                if not sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
                _upgrade_if_needed(conn, where)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise StorageError(f"{where}: a migration broke a foreign key: {WHAT_TO_DO}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def _upgrade_if_needed(conn: Connection, where: str) -> None:
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" in tables:
        versions = [row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
        if versions == [HEAD]:
            return
        if len(versions) != 1 or not _known(versions[0]):
            found = ", ".join(versions) or "none"
            raise StorageError(
                f"{where} is at database revision {found}, which this version of candidate-assistant "
                f"does not know (it knows up to {HEAD}): it was written by a newer version. Upgrade "
                f"candidate-assistant, or {WHAT_TO_DO}"
            )
        _alembic(conn, "upgrade", "head")
    elif not tables:
        _alembic(conn, "upgrade", "head")
    elif _is_legacy(conn, tables):
        _alembic(conn, "stamp", FIRST)
        _alembic(conn, "upgrade", "head")
    else:
        listed = ", ".join(sorted(tables)[:6]) + (", ..." if len(tables) > 6 else "")
        raise StorageError(
            f"{where} is not a candidate-assistant database (tables {listed}, no alembic_version): "
            f"{WHAT_TO_DO}"
        )


def _is_legacy(conn: Connection, tables: set[str]) -> bool:
    if tables != set(LEGACY_TABLES):
        return False
    inspector = inspect(conn)
    return all(
        {column["name"] for column in inspector.get_columns(table)} == columns
        for table, columns in LEGACY_TABLES.items()
    )


def alembic_config(conn: Connection | None = None) -> Any:
    """Alembic's Config for the shipped migrations, on `conn` (for upgrades and for drafting revisions)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def compare_type(
    context: Any, inspected_column: Any, metadata_column: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    """Alembic's type comparison, except that on SQLite reminders.fire_at stays TEXT holding UTC
    timestamps (revision 0002): not a change to draft (a batch type change would CAST it to a number)."""
    from sqlalchemy import Text

    from assistant.storage.schema import UTCDateTime

    if context.dialect.name == "sqlite" and isinstance(metadata_type, UTCDateTime):
        return False if isinstance(inspected_type, Text) else None
    return None


def script_directory() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def _known(revision: str) -> bool:
    try:
        return script_directory().get_revision(revision) is not None
    except Exception:  # alembic's ResolutionError / CommandError: not one of ours
        return False


def _alembic(conn: Connection, command_name: str, revision: str) -> None:
    from alembic import command

    getattr(command, command_name)(alembic_config(conn), revision)
