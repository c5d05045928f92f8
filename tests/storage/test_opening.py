"""Opening: back-end choice, migrations, and refusing databases that are not ours, damaged or too new."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from assistant.storage import SQLiteStorage, StorageError, open_storage
from assistant.storage.migrate import compare_type, script_directory
from assistant.storage.schema import HEAD, metadata

ROOT = Path(__file__).resolve().parents[2]

# The schema the code wrote before migrations existed (assistant/storage.py, SCHEMA).
LEGACY_SCHEMA = """
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


def tables(url: str) -> set[str]:
    if "://" not in url:
        with sqlite3.connect(url) as conn:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(url if "://" in url else f"sqlite:///{url}", poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


# migrations ---------------------------------------------------------------------------------------------


def test_head_is_the_newest_shipped_revision() -> None:
    assert script_directory().get_current_head() == HEAD


def test_a_new_database_is_migrated_to_the_schema_the_code_uses(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    open_storage(db_url).close()
    engine = sa.create_engine(
        db_url if "://" in db_url else f"sqlite:///{db_url}", poolclass=sa.pool.NullPool
    )
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            context = MigrationContext.configure(conn, opts={"compare_type": compare_type})
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert version == HEAD
    assert diff == []


def test_opening_again_does_not_migrate_again(db_url: str) -> None:
    with open_storage(db_url) as store:
        store.set_setting("telegram:chat:-1", "programme", "iim")
    with open_storage(db_url) as store:
        assert store.get_setting("telegram:chat:-1", "programme") == "iim"


def test_a_database_of_the_code_before_migrations_is_stamped_and_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANDIDATE_ASSISTANT_RETENTION_DAYS", "36500")  # keep the January questions
    path = tmp_path / "old.db"
    paris = timezone(timedelta(hours=1))
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY_SCHEMA)
        conn.execute("INSERT INTO prefs VALUES ('telegram:1', '{\"language\": \"fr\"}')")
        conn.execute(
            "INSERT INTO profiles VALUES ('telegram:1', '{\"programme\": \"iim\"}', '2026-01-01T10:00:00+01:00')"
        )
        for user, when in (
            ("telegram:1", datetime(2026, 1, 16, 10, tzinfo=paris)),
            ("telegram:1", datetime(2026, 1, 16, 9, tzinfo=UTC)),  # the same instant, spelled differently
            ("discord:2", datetime(2026, 1, 15, 23, tzinfo=paris)),
        ):
            conn.execute(
                "INSERT INTO reminders (user, chat, programme, event_id, fire_at, language) VALUES (?, ?, ?, ?, ?, ?)",
                (user, "c", "iim", "deadline", when.isoformat(), "fr"),
            )
        conn.execute("INSERT INTO settings VALUES ('discord:guild:1', 'programme', '\"iim\"')")
        conn.execute(
            "INSERT INTO answers VALUES ('discord:guild:1', 'decline', NULL, 'mon num 06 12 34 56 78', ?)",
            ("2026-01-02T10:00:00+01:00",),
        )
        conn.execute(
            "INSERT INTO answers VALUES ('telegram', 'answer', 'deadline', 'date ?', '2026-01-03T10:00:00+00:00')"
        )
        conn.execute("INSERT INTO feedback VALUES ('discord:guild:1', 'm1', 'deadline', 1)")

    with open_storage(str(path)) as store:
        assert store.get_prefs("telegram:1") == {"language": "fr"}
        assert store.get_profile("telegram:1") == {"programme": "iim"}
        assert store.get_setting("discord:guild:1", "programme") == "iim"
        assert [(r.user, r.fire_at) for r in store.reminders()] == [
            ("discord:2", datetime(2026, 1, 15, 22, tzinfo=UTC)),
            ("telegram:1", datetime(2026, 1, 16, 9, tzinfo=UTC)),
        ]
        assert [(q["scope"], q["platform"], q["text"], q["at"]) for q in store.questions(None, None)] == [
            ("discord:guild:1", "discord", "mon num [phone]", datetime(2026, 1, 2, 9, tzinfo=UTC)),
            ("telegram", "telegram", "date ?", datetime(2026, 1, 3, 10, tzinfo=UTC)),
        ]
        assert (
            store.stats("discord:guild:1")["declined"] == 1 and store.stats("discord:guild:1")["helpful"] == 1
        )
        due = store.claim_due_reminders(datetime(2026, 1, 16, 9, tzinfo=UTC), "w")
        assert len(due) == 2
    assert "answers" not in tables(str(path)) and {"questions", "handovers", "alembic_version"} <= tables(
        str(path)
    )


# refusing what is not ours ----------------------------------------------------------------------------


def test_a_foreign_prefs_table_without_version_is_refused(db_url: str) -> None:
    execute(
        db_url,
        "CREATE TABLE prefs (user_id INTEGER PRIMARY KEY, lang TEXT)",
        "INSERT INTO prefs VALUES (1, 'fr')",
    )
    with pytest.raises(StorageError) as caught:
        open_storage(db_url)
    message = str(caught.value)
    assert "not a candidate-assistant database" in message and "prefs" in message
    assert _named(db_url, message)
    assert "CANDIDATE_ASSISTANT_DB" in message and "back it up" in message
    assert tables(db_url) == {"prefs"}  # nothing was written


def test_the_legacy_tables_plus_another_table_are_refused(tmp_path: Path) -> None:
    db_url = str(tmp_path / "mixed.db")  # the code before migrations only wrote SQLite
    execute(db_url, *[s for s in LEGACY_SCHEMA.split(";") if s.strip()], "CREATE TABLE users (id INTEGER)")
    with pytest.raises(StorageError, match="not a candidate-assistant database"):
        open_storage(db_url)


def test_a_revision_newer_than_the_code_is_refused(db_url: str) -> None:
    open_storage(db_url).close()
    execute(db_url, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StorageError) as caught:
        open_storage(db_url)
    message = str(caught.value)
    assert "9999" in message and "newer" in message and _named(db_url, message)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all, just some text\n" * 50, bytes(range(256)) * 8, b"SQLite format"],
    ids=["text", "binary", "short-header"],
)
def test_garbage_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(content)
    with pytest.raises(StorageError) as caught:
        SQLiteStorage(path)
    assert str(path) in str(caught.value) and "CANDIDATE_ASSISTANT_DB" in str(caught.value)
    assert path.read_bytes() == content  # left as it was


@pytest.mark.parametrize("keep", [0.5, 0.9, 120], ids=["half", "most", "header-only"])
def test_truncated_databases_are_refused(tmp_path: Path, keep: float) -> None:
    path = tmp_path / "truncated.db"
    with open_storage(str(path)) as store:
        for i in range(400):
            store.set_prefs(f"telegram:{i}", language="fr", programme="iim", note="x" * 200)
            store.log_question(
                at=datetime.now(UTC), platform="telegram", scope="telegram", programme="iim",
                language="fr", decision="answer", topic="deadline", confidence=0.5, text=f"question {i}" * 20,
            )  # fmt: skip
    data = path.read_bytes()
    size = int(len(data) * keep) if keep < 1 else int(keep)
    path.write_bytes(data[:size])
    with pytest.raises(StorageError) as caught:
        open_storage(str(path))
    assert str(path) in str(caught.value)


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="not a file"):
        open_storage(str(tmp_path))


def test_a_missing_file_is_an_error_when_not_creating(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "bots.db"
    with pytest.raises(StorageError, match="no database at") as caught:
        open_storage(str(missing), create=False)
    assert str(missing) in str(caught.value) and "CANDIDATE_ASSISTANT_DB" in str(caught.value)
    assert not missing.parent.exists()  # nothing was created on the way
    with pytest.raises(StorageError, match="no database at"):
        open_storage(f"sqlite:///{missing}", create=False)


def test_an_existing_database_opens_without_creating(db_url: str) -> None:
    with open_storage(db_url) as store:
        store.set_prefs("telegram:5", language="en")
    with open_storage(db_url, create=False) as store:
        assert store.get_prefs("telegram:5") == {"language": "en"}


def _named(url: str, message: str) -> bool:
    if "://" not in url:
        return str(Path(url).resolve()) in message
    return sa.engine.make_url(url).database in message


# choosing the database ----------------------------------------------------------------------------------


def test_the_environment_names_the_database(monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.setenv("CANDIDATE_ASSISTANT_DB", db_url)
    with SQLiteStorage() as store:  # the historical name opens whatever the environment says
        store.set_prefs("telegram:5", language="en")
    with open_storage(db_url) as store:
        assert store.get_prefs("telegram:5") == {"language": "en"}


def test_the_default_is_a_file_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CANDIDATE_ASSISTANT_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    open_storage().close()
    assert (tmp_path / "candidate-assistant.db").is_file()


def test_postgresql_urls_without_driver_and_errors_without_password(pg_server: Any) -> None:
    url = sa.engine.make_url(pg_server.admin_url)
    with pg_server.fresh_database() as fresh:
        plain = sa.engine.make_url(fresh).set(drivername="postgresql").render_as_string(hide_password=False)
        with open_storage(plain) as store:  # postgresql:// means psycopg 3
            assert store.engine.dialect.driver == "psycopg"
    missing = url.set(database="no_such_database", password="s3cret-pw")
    with pytest.raises(StorageError) as caught:
        open_storage(missing.render_as_string(hide_password=False))
    assert "no_such_database" in str(caught.value) and "s3cret-pw" not in str(caught.value)
    closed = url.set(port=_closed_port(), password="s3cret-pw")
    with pytest.raises(StorageError) as caught:
        open_storage(closed.render_as_string(hide_password=False))
    assert "s3cret-pw" not in str(caught.value) and "cannot use the database" in str(caught.value)


def test_an_unknown_scheme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="unsupported"):
        open_storage("mysql://user:pw@localhost/db")


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# import cost --------------------------------------------------------------------------------------------


def test_importing_the_core_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys, assistant.engine, assistant.storage, assistant.checklist\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'psycopg')]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


def test_an_in_memory_database_for_experiments() -> None:
    with open_storage(":memory:") as store:
        store.set_prefs("telegram:1", language="fr")
        store.record("telegram", "answer", "deadline", "date ?")
        assert store.get_prefs("telegram:1") == {"language": "fr"}
        assert store.stats("telegram")["answered"] == 1
