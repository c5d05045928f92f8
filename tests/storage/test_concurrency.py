"""Several processes (and threads) on one database: creation, preference merges, reminder claims.

Each of these failed with the former sqlite3 storage: two processes creating a new database hit
"database is locked" on the WAL switch; read-modify-write preference updates were lost. Processes are
forked (fast, and they inherit the imported modules); each opens its own storage.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import traceback
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import alembic.command  # noqa: F401 - imported once here, so forked workers do not each import it
import pytest

from assistant.storage import open_storage

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses fork")

CTX = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
NOW = datetime(2026, 1, 16, 12, tzinfo=UTC)
JOIN_TIMEOUT = 60


def _run(target: Callable[..., None], args_list: list[tuple[Any, ...]]) -> list[Any]:
    """Start one process per args, wait, and return what each put in the queue (or fail with its error)."""
    queue = CTX.Queue()
    procs = [CTX.Process(target=_guarded, args=(target, queue, *args)) for args in args_list]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=JOIN_TIMEOUT) for _ in procs]
    for proc in procs:
        proc.join(JOIN_TIMEOUT)
        assert proc.exitcode == 0, f"worker exited with {proc.exitcode}"
    errors = [r[1] for r in results if r[0] == "error"]
    assert not errors, "\n".join(errors)
    return [r[1] for r in results]


def _guarded(target: Callable[..., Any], queue: Any, *args: Any) -> None:
    try:
        queue.put(("ok", target(*args)))
    except BaseException:
        queue.put(("error", traceback.format_exc()))
    finally:
        queue.close()
        queue.join_thread()


# creating a new database at once ----------------------------------------------------------------------


def _open_and_write(url: str, barrier: Any, worker: int) -> str:
    barrier.wait(10)
    store = open_storage(url)
    try:
        store.set_prefs("telegram:1", **{f"w{worker}": True})
        store.record("telegram", "answer", "deadline", "date limite ?")
        return "ok"
    finally:
        store.close()


def test_two_processes_creating_a_new_database_at_once(backend: str, new_url: Callable[[], str]) -> None:
    trials = 20 if backend == "sqlite" else 6
    for _ in range(trials):
        url = new_url()
        barrier = CTX.Barrier(2)
        assert _run(_open_and_write, [(url, barrier, 0), (url, barrier, 1)]) == ["ok", "ok"]
        with open_storage(url) as store:
            assert store.get_prefs("telegram:1") == {"w0": True, "w1": True}
            assert store.stats("telegram")["answered"] == 2


# no lost preference updates ------------------------------------------------------------------------------

PROCESSES, THREADS, KEYS_PER_THREAD = 4, 5, 50  # 1,000 updates of one user, each on its own key


def _set_many(url: str, barrier: Any, worker: int) -> int:
    store = open_storage(url)
    try:
        barrier.wait(10)

        def one_thread(thread: int) -> None:
            for i in range(KEYS_PER_THREAD):
                store.set_prefs("discord:1", **{f"k{worker}_{thread}_{i}": i})

        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(one_thread, range(THREADS)))
        return os.getpid()
    finally:
        store.close()


def test_concurrent_set_prefs_lose_nothing(db_url: str) -> None:
    with open_storage(db_url) as store:
        store.set_prefs("discord:1", language="fr")
    barrier = CTX.Barrier(PROCESSES)
    _run(_set_many, [(db_url, barrier, w) for w in range(PROCESSES)])
    with open_storage(db_url) as store:
        prefs = store.get_prefs("discord:1")
    assert len(prefs) == PROCESSES * THREADS * KEYS_PER_THREAD + 1
    assert prefs["language"] == "fr" and prefs["k3_4_49"] == 49


# reminders claimed exactly once ----------------------------------------------------------------------------


def _claim_all(url: str, barrier: Any, worker: int) -> list[int]:
    store = open_storage(url)
    try:
        barrier.wait(10)
        mine: list[int] = []
        while batch := store.claim_due_reminders(NOW, f"worker-{worker}", limit=7):
            for reminder in batch:
                mine.append(reminder.id)
                store.complete_reminder(reminder.id)
        return mine
    finally:
        store.close()


def test_processes_claiming_reminders_get_each_exactly_once(db_url: str) -> None:
    with open_storage(db_url) as store:
        due = [
            store.add_reminder(
                f"telegram:{i}", str(i), "enjmin", "deadline", NOW - timedelta(seconds=i), "fr"
            )
            for i in range(300)
        ]
        later = store.add_reminder("telegram:1", "1", "enjmin", "interview", NOW + timedelta(hours=1), "fr")
    barrier = CTX.Barrier(3)
    claimed = _run(_claim_all, [(db_url, barrier, w) for w in range(3)])
    counts = Counter(rid for ids in claimed for rid in ids)
    assert sorted(counts) == sorted(due)
    assert set(counts.values()) == {1}
    with open_storage(db_url) as store:
        assert [r.id for r in store.reminders()] == [later]


def test_threads_claiming_reminders_get_each_exactly_once(store: Any) -> None:
    due = [
        store.add_reminder(f"discord:{i}", f"dm:{i}", "iim", "deadline", NOW - timedelta(minutes=i), "en")
        for i in range(120)
    ]

    def claim(worker: int) -> list[int]:
        got: list[int] = []
        while batch := store.claim_due_reminders(NOW, f"t{worker}", limit=5):
            got.extend(r.id for r in batch)
        return got

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(claim, range(4)))
    counts = Counter(rid for ids in results for rid in ids)
    assert sorted(counts) == sorted(due) and set(counts.values()) == {1}
