"""Every storage test runs on both back-ends: SQLite in tmp_path, and a real PostgreSQL server.

PostgreSQL: `CANDIDATE_ASSISTANT_TEST_PG` (a URL of a server where we may CREATE DATABASE) if set;
otherwise a throwaway server is started for the session from the installed binaries (`initdb`,
`pg_ctl` on PATH or in /usr/lib/postgresql/*/bin), in a temporary folder on a free port, with fsync
off. PostgreSQL refuses to run as root: as root the folder is given to the `postgres` user and the
binaries run through `runuser -u postgres --`. The PostgreSQL tests are skipped only when PostgreSQL is
not installed. Each test gets a fresh database (CREATE DATABASE ... / DROP DATABASE ... WITH (FORCE)).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.storage import open_storage

PG_ENV = "CANDIDATE_ASSISTANT_TEST_PG"
BACKENDS = ["sqlite", "postgresql"]


def _pg_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl", path=str(Path(found).resolve().parent)):
        return Path(found).resolve().parent
    candidates = glob.glob("/usr/lib/postgresql/*/bin/initdb") + glob.glob("/usr/pgsql-*/bin/initdb")
    candidates.sort(key=lambda p: [int(n) for n in re.findall(r"\d+", Path(p).parts[-3])])
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    admin_url: str
    """A URL to the server's maintenance database, for CREATE/DROP DATABASE."""

    def database_url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    @contextlib.contextmanager
    def fresh_database(self) -> Iterator[str]:
        from sqlalchemy import create_engine

        name = f"ca_test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
            yield self.database_url(name)
        finally:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            engine.dispose()


def _null_pool() -> type:
    from sqlalchemy.pool import NullPool

    return NullPool


def _start_server() -> Iterator[PgServer]:
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no initdb): apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="ca-pg-"))
    data, log = root / "data", root / "server.log"
    as_root = os.geteuid() == 0

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        cmd = [str(a) for a in args]
        if as_root and shutil.which("runuser"):
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        elif as_root:
            cmd = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(cmd)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=root)

    if as_root:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    started = False
    try:
        done = run(bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        assert done.returncode == 0, f"initdb failed:\n{done.stdout}\n{done.stderr}"
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -F -c full_page_writes=off "
            "-c synchronous_commit=off -c max_connections=300"
        )
        done = run(bindir / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start")
        started = done.returncode == 0
        assert started, f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{_tail(log)}"
        yield PgServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")
    finally:
        if started:
            run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def _tail(log: Path) -> str:
    with contextlib.suppress(OSError):
        return log.read_text()[-2000:]
    return ""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = os.environ.get(PG_ENV, "").strip()
    if url:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        yield PgServer(parsed.render_as_string(hide_password=False))
        return
    yield from _start_server()


@pytest.fixture
def new_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes URLs of new, empty databases of the test's back-end."""
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            counter = iter(range(1_000_000))

            def sqlite_path() -> str:
                folder = tmp_path / f"db{next(counter)}"
                folder.mkdir()
                return str(folder / "candidate-assistant.db")

            yield sqlite_path
        else:
            server: PgServer = request.getfixturevalue("pg_server")
            yield lambda: stack.enter_context(server.fresh_database())


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(new_url: Callable[[], str]) -> str:
    """A new, empty database of the test's back-end: a file path or a postgresql URL."""
    return new_url()


@pytest.fixture
def store(db_url: str) -> Iterator[object]:
    storage = open_storage(db_url)
    try:
        yield storage
    finally:
        storage.close()
