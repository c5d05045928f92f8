"""A live knowledge base: a running bot picks up edits of its knowledge folder without a restart.

The policy lives here, once, for every bot: when to reload (the folder changed, SIGHUP, a staff
command), how (validated fully, as `kb check` does — every file loaded and checked, the topic model
loaded from its cache or trained — in a worker thread, so the event loop never waits for a training;
one reload at a time), and what happens then: a valid version is swapped into the conversation service
under its lock (questions being answered finish on the old one; conversations keep their state, which
refers to topic and programme ids); a broken one is refused, the last good version stays in service,
and the result says why with `kb check`'s problems, reported once per broken version.

Adapters only wire the triggers and post the reports (`ReloadResult.report`) where staff read them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.files import FileReadError, read_bounded
from assistant.kb.folder import yaml_entries
from assistant.kb.loader import KnowledgeError, Problem
from assistant.limits import KNOWLEDGE
from assistant.nlu.classifier import TRAINING

if TYPE_CHECKING:
    from assistant.engine import Assistant
    from assistant.service import ConversationService

log = logging.getLogger(__name__)

WATCH_ENV = "CANDIDATE_ASSISTANT_WATCH"
"""`0` (or `false`, `no`, `off`) turns the folder watcher off; SIGHUP and staff commands still reload."""
INTERVAL_ENV = "CANDIDATE_ASSISTANT_WATCH_INTERVAL"
"""Seconds between two looks at the knowledge folder (default 2)."""
INTERVAL = 2.0
QUIET = 1.0
"""A change is reloaded once the folder stayed the same this long (an editor saving several files, or
one file in several writes, makes one reload)."""
MAX_QUIET_ROUNDS = 10
"""A folder still changing after this many quiet periods is reloaded anyway (the next look catches up)."""
MAX_FILES = 500
"""Entries looked at in the folder and its `pages/`: a knowledge folder holds about ten."""
PAGES = "pages"
"""The source pages' snapshots (`*.md`), which `kb check` compares the quotes with."""
REPORTED_PROBLEMS = 20
"""Problems written in a report posted to staff; the log gets up to `kb check`'s own limit."""

Snapshot = tuple[tuple[str, int, int], ...]
"""(name, modification time in ns, size) of each knowledge file: a cheap look, no file opened."""


class Status(StrEnum):
    RELOADED = "reloaded"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass(frozen=True)
class ReloadResult:
    """What one reload did. `version` is the version in service afterwards, `checked` the one read
    from the folder (they differ when it was refused); `changed` lists the files added, removed or
    edited since the version in service; `model_changed` whether the topic model is another one
    (loaded from the cache or trained, see `seconds`); `repeated` that this broken version was already
    reported (automatic triggers stay quiet about it)."""

    status: Status
    trigger: str
    seconds: float
    version: str
    checked: str
    problems: tuple[Problem, ...] = ()
    changed: tuple[str, ...] = ()
    model_changed: bool = False
    repeated: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not Status.REFUSED

    def report(self, t: Callable[..., str], lang: str, max_chars: int | None = None) -> str:
        """The result for staff, in `lang` (`t` is the catalogue of the version in service): the
        problems as `kb check` prints them, cut to `max_chars` (a platform's message limit)."""
        from assistant.kb.report import problem_lines

        seconds = f"{self.seconds:.1f}"
        if self.status is Status.UNCHANGED:
            return t("kb_reload_unchanged", lang, version=self.version)
        if self.status is Status.RELOADED:
            files = ", ".join(self.changed) or "-"
            key = "kb_reload_done_model" if self.model_changed else "kb_reload_done"
            return t(key, lang, files=files, seconds=seconds, version=self.version)
        head = t("kb_reload_refused", lang, count=len(self.problems), version=self.checked)
        lines = list(problem_lines(list(self.problems), REPORTED_PROBLEMS))
        text = "\n".join([head, "", *lines])
        if max_chars is not None and len(text) > max_chars:
            more = "\n…"
            text = text[: max_chars - len(more)].rstrip() + more
        return text


@dataclass(frozen=True)
class WatchSettings:
    enabled: bool = True
    interval: float = INTERVAL

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> WatchSettings:
        """From `CANDIDATE_ASSISTANT_WATCH` and `..._WATCH_INTERVAL`; a bad interval raises ValueError
        naming the variable."""
        env = os.environ if env is None else env
        enabled = env.get(WATCH_ENV, "1").strip().lower() not in ("0", "false", "no", "off")
        raw = env.get(INTERVAL_ENV, "").strip()
        try:
            interval = float(raw) if raw else INTERVAL
        except ValueError:
            interval = -1.0
        if not 0.1 <= interval <= 3600:
            raise ValueError(f"{INTERVAL_ENV}={raw!r}: write a number of seconds between 0.1 and 3600")
        return cls(enabled, interval)


# ------------------------------------------------------------------------------------ the folder
def knowledge_files(folder: Path) -> list[Path]:
    """The files a knowledge version is made of: the `*.yaml` entries and the pages' `*.md`, at most
    `MAX_FILES` (an unlistable folder gives none: the check then says why)."""
    try:
        files = yaml_entries(folder)
    except OSError:
        return []
    pages = folder / PAGES
    if pages.is_dir():
        with contextlib.suppress(OSError):
            files += sorted(p for p in pages.iterdir() if p.suffix == ".md")
    return files[:MAX_FILES]


def _name(folder: Path, path: Path) -> str:
    return path.name if path.parent == folder else f"{path.parent.name}/{path.name}"


def snapshot(folder: Path) -> Snapshot:
    """Names, modification times and sizes: what the watcher compares every `interval`."""
    out = []
    for path in knowledge_files(folder):
        try:
            st = path.stat()
        except OSError:
            out.append((_name(folder, path), -1, -1))
            continue
        out.append((_name(folder, path), st.st_mtime_ns, st.st_size))
    return tuple(out)


def file_hashes(folder: Path) -> dict[str, str]:
    """Each knowledge file's name and a hash of its bytes (read within the knowledge files' size
    limit; a file that cannot be read hashes as its error, which the check reports)."""
    out = {}
    for path in knowledge_files(folder):
        try:
            data = read_bounded(path, KNOWLEDGE.max_bytes)
        except (OSError, FileReadError) as exc:
            data = f"unreadable: {exc}".encode()
        out[_name(folder, path)] = hashlib.sha256(data).hexdigest()
    return out


def version_of(files: dict[str, str]) -> str:
    """A short name of a knowledge version: a hash of its files' names and hashes."""
    digest = hashlib.sha256()
    for name, value in sorted(files.items()):
        digest.update(f"{name}\0{value}\0".encode())
    return digest.hexdigest()[:12]


def changed_files(before: dict[str, str], after: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n)))


def build(folder: Path, progress: Callable[[str], None] | None = None) -> Assistant:
    """The assistant of `folder`, validated as `kb check` does (every file read and checked, then the
    topic model loaded from its cache or trained); `KnowledgeError` with the problems otherwise."""
    from assistant.engine import Assistant
    from assistant.kb import cache as kb_cache
    from assistant.kb.loader import check

    key = kb_cache.key(folder)
    kb, problems = check(folder)
    errors = [p for p in problems if not p.warning]
    if errors or kb is None:
        raise KnowledgeError(errors)
    assistant = Assistant(kb, folder, progress)
    if key and kb_cache.key(folder) == key:  # the next start reads it back instead of validating again
        kb_cache.write(key, kb)  # (not when the files changed during the check: it may be either version)
    return assistant


# ------------------------------------------------------------------------------------ reloading
Report = Callable[[ReloadResult], Awaitable[None]]


class LiveKnowledge:
    """Keeps a `ConversationService` on the newest valid version of its knowledge folder.

    `reload(trigger)` (a staff command) checks and swaps now; `watch()` (a task for the bot's
    lifetime) polls the folder; `request(trigger)` (SIGHUP) starts a reload from a signal handler.
    Results of `watch` and `request` go to `on_result` (the adapter posts them to staff), except an
    unchanged folder and a broken version already reported.
    """

    def __init__(
        self,
        service: ConversationService,
        folder: str | Path | None = None,
        *,
        interval: float = INTERVAL,
        quiet: float = QUIET,
        on_result: Report | None = None,
    ) -> None:
        self.service = service
        self.folder = Path(folder) if folder is not None else Path(service.kb.root)
        self.interval = interval
        self.quiet = quiet
        self.on_result = on_result
        self._files = file_hashes(self.folder)
        """The files of the version in service (read when the service's version was loaded)."""
        self.version = version_of(self._files)
        self._refused: ReloadResult | None = None
        self._lock: asyncio.Lock | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.last: ReloadResult | None = None

    async def reload(
        self, trigger: str = "staff", training: Callable[[], Awaitable[None]] | None = None
    ) -> ReloadResult:
        """Check the folder and swap its version in if it is valid and new. One at a time: a call during
        a reload waits for it, then checks again (so it sees every change made before it was called).
        `training` is awaited (on the loop) when the examples changed and the topic model must be
        trained: the long step, so the person who asked can be told."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        loop = asyncio.get_running_loop()
        told: list[bool] = []

        def progress(message: str) -> None:  # in the reload's thread
            log.info("knowledge base: %s", message)
            if training is not None and not told and message.startswith(TRAINING):
                told.append(True)
                asyncio.run_coroutine_threadsafe(_quietly(training), loop)

        async with self._lock:
            result = await in_thread(self._reload, trigger, progress)
        self.last = result
        _log(result)
        return result

    def _reload(self, trigger: str, progress: Callable[[str], None]) -> ReloadResult:
        started = time.perf_counter()

        def result(status: Status, checked: str, **more: Any) -> ReloadResult:
            seconds = time.perf_counter() - started
            return ReloadResult(status, trigger, seconds, self.version, checked, **more)

        files = file_hashes(self.folder)
        checked = version_of(files)
        if checked == self.version:
            self._refused = None  # an edit undone: a new breakage is news again
            return result(Status.UNCHANGED, checked)
        if self._refused is not None and self._refused.checked == checked:
            return result(Status.REFUSED, checked, problems=self._refused.problems, repeated=True)
        changed = changed_files(self._files, files)
        try:
            assistant = build(self.folder, progress=progress)
        except KnowledgeError as exc:
            refused = result(Status.REFUSED, checked, problems=tuple(exc.problems), changed=changed)
            self._refused = refused
            return refused
        except Exception as exc:  # noqa: BLE001 - whatever breaks, the last good version stays
            log.exception("knowledge base: reloading %s failed", self.folder)
            problem = Problem(
                str(self.folder),
                1,
                1,
                "-",
                f"could not load: {type(exc).__name__}: {exc}"[:300],
                "see the bot's log",
            )
            # not remembered as refused: the next trigger tries the same files again
            return result(Status.REFUSED, checked, problems=(problem,), changed=changed)
        before = self.service.assistant.reader.model.key
        self.service.use(assistant)
        from assistant.kb import catalogue

        catalogue.use(assistant.kb)
        self._files, self.version, self._refused = files, checked, None
        return result(
            Status.RELOADED, checked, changed=changed, model_changed=assistant.reader.model.key != before
        )

    async def watch(self) -> None:
        """Look at the folder every `interval` seconds until cancelled; a change is reloaded once the
        folder has stayed the same for `quiet` seconds. Changes made during a reload make one more."""
        seen = snapshot(self.folder)
        while True:
            await asyncio.sleep(self.interval)
            current = snapshot(self.folder)
            if current == seen:
                continue
            for _ in range(MAX_QUIET_ROUNDS):
                await asyncio.sleep(self.quiet)
                later = snapshot(self.folder)
                if later == current:
                    break
                current = later
            seen = current
            await self._announce(await self.reload("watch"))

    def request(self, trigger: str = "signal") -> None:
        """Start a reload from the event loop's thread (a signal handler); its result is announced."""

        async def run() -> None:
            await self._announce(await self.reload(trigger))

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _announce(self, result: ReloadResult) -> None:
        if self.on_result is None or result.status is Status.UNCHANGED or result.repeated:
            return
        try:
            await self.on_result(result)
        except Exception:  # noqa: BLE001 - a report that cannot be posted is in the log already
            log.warning("knowledge base: could not post the reload report", exc_info=True)


def _log(result: ReloadResult) -> None:
    if result.status is Status.RELOADED:
        log.info(
            "knowledge base %s (%s): version %s in service, changed: %s%s (%.1f s)",
            result.status,
            result.trigger,
            result.version,
            ", ".join(result.changed) or "-",
            ", new topic model" if result.model_changed else "",
            result.seconds,
        )
    elif result.status is Status.UNCHANGED:
        log.info("knowledge base unchanged (%s): version %s", result.trigger, result.version)
    elif result.repeated:
        log.info(
            "knowledge base still refused (%s): version %s has the problems reported before; %s stays",
            result.trigger,
            result.checked,
            result.version,
        )
    else:
        from assistant.kb.report import problem_lines

        log.warning(
            "knowledge base edit refused (%s): version %s has %d problem(s); version %s stays in service "
            "(run `candidate-assistant kb check`):\n%s",
            result.trigger,
            result.checked,
            len(result.problems),
            result.version,
            "\n".join(problem_lines(list(result.problems))),
        )


async def _quietly(step: Callable[[], Awaitable[None]]) -> None:
    """A progress message that cannot be sent is not a reason to stop the reload."""
    try:
        await step()
    except Exception:  # noqa: BLE001 - logged; the result follows anyway
        log.warning("knowledge base: could not tell the progress of the reload", exc_info=True)


async def in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` in a daemon thread of its own: the loop goes on meanwhile, and stopping the bot never
    waits for a training under way (`asyncio.to_thread`'s pool would be joined at exit)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(value: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    def work() -> None:
        try:
            value, error = fn(*args), None
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            value, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: the bot stopped meanwhile
            loop.call_soon_threadsafe(settle, value, error)

    threading.Thread(target=work, name="knowledge-reload", daemon=True).start()
    return await future
