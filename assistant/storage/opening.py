"""Opening the database: which back-end, engine settings, integrity checks, then migration.

SQLite: one file; WAL (readers never wait for the writer), `busy_timeout` 10 s, foreign keys on, and
writes start with `BEGIN IMMEDIATE` so a read-then-write transaction never fails half-way on a lock.
Creating or migrating the file is serialised between processes by an exclusive lock on
`<file>.lock` (beside the database, kept), so two bots started at once cannot both switch the journal
to WAL or both create the tables.

PostgreSQL: `postgresql://` and `postgres://` URLs are served by psycopg 3 (the `postgres` extra);
migrations hold a transaction-scoped advisory lock so concurrent starts migrate once.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from assistant.storage import DB_ENV, DEFAULT_DB, StorageError
from assistant.storage.sql import SQLStorage

BUSY_TIMEOUT_S = 10.0
"""How long an SQLite statement waits for another process's write lock before failing."""
OPEN_LOCK_TIMEOUT_S = 120.0
"""How long opening waits for another process that is creating or migrating the same file."""
SQLITE_MAGIC = b"SQLite format 3\x00"
WHAT_TO_DO = f"back it up and remove it, or point {DB_ENV} elsewhere"


def open_database(
    url_or_path: str | os.PathLike[str] | None, retention_days: int, *, create: bool = True
) -> SQLStorage:
    target = os.fspath(url_or_path) if url_or_path is not None else None
    target = (target or os.environ.get(DB_ENV) or DEFAULT_DB).strip()
    retention = timedelta(days=retention_days)
    if "://" in target:
        url = _parse_url(target)
        if url.get_backend_name() == "postgresql":
            storage = _open_postgresql(url, retention)
        elif url.get_backend_name() == "sqlite":
            storage = _open_sqlite(url.database or ":memory:", retention, create)
        else:
            raise StorageError(
                f"{_safe(url)}: unsupported database (use a file path for SQLite or a postgresql:// URL)"
            )
    else:
        storage = _open_sqlite(target, retention, create)
    try:
        storage.purge()
    except BaseException:
        storage.close()
        raise
    return storage


def _parse_url(text: str) -> URL:
    try:
        url = make_url(text)
    except ArgumentError:
        raise StorageError(f"{DB_ENV}: not a database URL or file path: {_strip_password(text)}") from None
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _strip_password(text: str) -> str:
    """`scheme://user:***@host/...` for a text that did not even parse as a URL."""
    scheme, sep, rest = text.partition("://")
    creds, at, host = rest.rpartition("@")
    if sep and at and ":" in creds:
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return text


# SQLite -----------------------------------------------------------------------------------------------


def _open_sqlite(path_text: str, retention: timedelta, create: bool = True) -> SQLStorage:
    if path_text == ":memory:":  # one shared connection: tests and experiments only
        engine = create_engine(
            "sqlite+pysqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
        _configure_sqlite(engine)
        storage = SQLStorage(engine, ":memory:", retention, serial=threading.RLock())
        _migrate(storage, ":memory:")
        return storage

    path = Path(path_text).expanduser().resolve()
    where = str(path)
    if not create and not path.exists():
        raise StorageError(
            f"no database at {where}: point {DB_ENV} (or --db) at the bots' database file or URL"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the folder of the database {where}: {exc.strerror}") from None
    if path.exists() and not path.is_file():
        raise StorageError(f"{where} is not a file: point {DB_ENV} at a database file")
    engine = create_engine(
        URL.create("sqlite+pysqlite", database=where),
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        pool_size=5,
        max_overflow=20,
    )
    _configure_sqlite(engine)
    storage = SQLStorage(engine, where, retention)
    try:
        with _file_lock(path.with_name(path.name + ".lock"), where):
            _check_sqlite_header(path)
            with _sqlite_errors(where):
                _switch_to_wal(engine, where)
                _quick_check(engine, where)
                _migrate(storage, where)
    except BaseException:
        engine.dispose()
        raise
    return storage


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We say BEGIN ourselves (below): pysqlite's implicit transactions start too late for locks.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a power cut may lose the last commit
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write transaction takes the write lock at once (waiting up to busy_timeout): reading first
        # and then asking for the lock could fail at once with "database is locked" under contention.
        write = connection.get_execution_options().get("storage_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _check_sqlite_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(f"cannot read the database {path}: {exc.strerror}") from None
    if head and head != SQLITE_MAGIC:
        raise StorageError(f"{path} is not an SQLite database (garbage or another format): {WHAT_TO_DO}")


@contextlib.contextmanager
def _sqlite_errors(where: str) -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        reason = " ".join(str(exc.orig).split())
        raise StorageError(f"{where} is damaged or not a database ({reason}): {WHAT_TO_DO}") from exc


def _switch_to_wal(engine: Engine, where: str) -> None:
    """WAL is a property of the file, set once; the switch needs the file to itself, so retry while
    another connection (a process that does not take our lock, a backup tool) holds it."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        while True:
            try:
                mode = raw.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except Exception as exc:  # sqlite3.OperationalError: database is locked
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    if str(mode).lower() != "wal":
        raise StorageError(f"{where}: SQLite refused WAL mode (journal_mode is {mode}): use a local disk")


def _quick_check(engine: Engine, where: str) -> None:
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        rows = [r[0] for r in raw.execute("PRAGMA quick_check(5)").fetchall()]
    if rows != ["ok"]:
        found = "; ".join(
            " ".join(str(row).replace("*** in database main ***", "").split()) for row in rows[:3]
        )
        raise StorageError(f"{where} is damaged (SQLite integrity check: {found.strip('; ')}): {WHAT_TO_DO}")


@contextlib.contextmanager
def _file_lock(lock_path: Path, where: str) -> Iterator[None]:
    """An exclusive lock between processes (flock on POSIX, msvcrt.locking on Windows)."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StorageError(f"cannot create {lock_path} (needed to open {where}): {exc.strerror}") from None
    deadline = time.monotonic() + OPEN_LOCK_TIMEOUT_S
    try:
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise StorageError(
                    f"{where} has been locked by another process for {OPEN_LOCK_TIMEOUT_S:.0f} s "
                    f"(creating or migrating it?): try again, or remove {lock_path} if no bot is running"
                )
            time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


# PostgreSQL -------------------------------------------------------------------------------------------


def _open_postgresql(url: URL, retention: timedelta) -> SQLStorage:
    where = _safe(url)
    try:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=20)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise StorageError(
            f"{where}: PostgreSQL needs psycopg 3: pip install 'candidate-assistant[postgres]'"
        ) from None
    storage = SQLStorage(engine, where, retention)
    try:
        _migrate(storage, where)
    except DBAPIError as exc:
        engine.dispose()
        raise StorageError(f"cannot use the database {where}: {str(exc.orig).strip()}") from exc
    except BaseException:
        engine.dispose()
        raise
    return storage


def _migrate(storage: SQLStorage, where: str) -> None:
    from assistant.storage.migrate import bring_to_head

    bring_to_head(storage.engine, where)
