"""Storage benchmark: opening, single-process throughput, and several processes on one database.

Prints figures, asserts nothing about speed. SQLite in a temporary folder always; PostgreSQL too when a
URL is given (a database that may be written to: the tables are created in it), e.g.

    .venv/bin/python bench/storage_bench.py [--pg postgresql://user:pw@127.0.0.1:5432/bench] [--n 1000]

`CANDIDATE_ASSISTANT_TEST_PG` is used when --pg is not given; `--pg auto` starts a throwaway server
from the installed PostgreSQL binaries, as the storage tests do (tests/storage/conftest.py).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.storage import open_storage  # noqa: E402

NOW = datetime(2026, 1, 16, 12, tzinfo=UTC)


def timed(label: str, n: int, action: Callable[[], Any]) -> None:
    started = time.perf_counter()
    action()
    elapsed = time.perf_counter() - started
    rate = f"{n / elapsed:>9.0f}/s" if n > 1 else ""
    print(f"  {label:<44} {elapsed * 1000:>9.1f} ms {rate}")


def import_times() -> None:
    code = "import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)"
    for module in ("assistant.storage", "sqlalchemy", "assistant.storage.sql", "alembic.command"):
        out = subprocess.run(
            [sys.executable, "-c", code.format(m=module)], capture_output=True, text=True, cwd=ROOT
        )
        print(f"  import {module:<37} {float(out.stdout or 'nan') * 1000:>9.1f} ms")


def _set_prefs_worker(url: str, worker: int, count: int) -> None:
    store = open_storage(url)
    try:
        for i in range(count):
            store.set_prefs("bench:user", **{f"k{worker}_{i}": i})
    finally:
        store.close()


def _claim_worker(url: str, worker: int) -> None:
    store = open_storage(url)
    try:
        while batch := store.claim_due_reminders(NOW, f"w{worker}", limit=20):
            for reminder in batch:
                store.complete_reminder(reminder.id)
    finally:
        store.close()


def run_processes(target: Callable[..., None], args: list[tuple[Any, ...]]) -> None:
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    procs = [ctx.Process(target=target, args=a) for a in args]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
        assert proc.exitcode == 0


def bench(url: str, n: int, processes: int) -> None:
    timed("open (create + migrate when new)", 1, lambda: open_storage(url).close())
    timed("open it again (already at head)", 1, lambda: open_storage(url).close())
    store = open_storage(url)
    try:
        timed(
            f"set_prefs x{n} (one user, one thread)",
            n,
            lambda: [store.set_prefs(f"u:{i % 50}", k=i) for i in range(n)],
        )
        timed(f"get_prefs x{n}", n, lambda: [store.get_prefs(f"u:{i % 50}") for i in range(n)])
        timed(
            f"log_question x{n}",
            n,
            lambda: [
                store.log_question(
                    at=NOW,
                    platform="bench",
                    scope="bench",
                    programme="iim",
                    language="fr",
                    decision="answer",
                    topic="deadline",
                    confidence=0.8,
                    text=f"question {i} 06 12 34 56 78",
                )  # fmt: skip
                for i in range(n)
            ],
        )
        timed("stats (over the log above)", 1, lambda: store.stats("bench"))
        timed(
            f"add_reminder x{n}",
            n,
            lambda: [
                store.add_reminder(f"bench:{i}", str(i), "iim", "deadline", NOW - timedelta(seconds=i), "fr")
                for i in range(n)
            ],
        )
    finally:
        store.close()
    timed(
        f"claim+complete x{n} ({processes} processes)",
        n,
        lambda: run_processes(_claim_worker, [(url, w) for w in range(processes)]),
    )
    each = n // processes
    timed(
        f"set_prefs x{each * processes} ({processes} processes, one row)",
        each * processes,
        lambda: run_processes(_set_prefs_worker, [(url, w, each) for w in range(processes)]),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("CANDIDATE_ASSISTANT_TEST_PG"), help="PostgreSQL URL")
    parser.add_argument("--n", type=int, default=1000, help="operations per measure")
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("CANDIDATE_ASSISTANT_RETENTION_DAYS", "36500")  # keep the 2026 rows
    print("imports (fresh interpreter)")
    import_times()
    with tempfile.TemporaryDirectory() as folder:
        print(f"SQLite ({folder}/bench.db)")
        bench(str(Path(folder) / "bench.db"), args.n, args.processes)
    if args.pg == "auto":
        sys.path.insert(0, str(ROOT / "tests" / "storage"))
        from conftest import _start_server  # the storage tests' throwaway server

        server = _start_server()
        try:
            with next(server).fresh_database() as url:
                print("PostgreSQL (throwaway server)")
                bench(url, args.n, args.processes)
        finally:
            server.close()
    elif args.pg:
        from sqlalchemy.engine import make_url

        print(f"PostgreSQL ({make_url(args.pg).render_as_string(hide_password=True)})")
        bench(args.pg, args.n, args.processes)
    else:
        print("PostgreSQL: skipped (give --pg URL or CANDIDATE_ASSISTANT_TEST_PG)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
