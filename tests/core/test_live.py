"""The live knowledge base's policy (`assistant.live`), on a copy of the bundled knowledge folder: what a
reload checks and swaps, what is refused and reported once, the watcher's debounce, conversations that
outlive a swap, the event loop kept free, SIGHUP wiring."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.lifecycle import reload_on_signal
from assistant.context import Conversation
from assistant.engine import Assistant
from assistant.kb.loader import default_root
from assistant.live import LiveKnowledge, ReloadResult, Status, WatchSettings, snapshot
from assistant.service import ConversationService, Who, texts_of

JANUARY = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
ANSWER = "doit impérativement être finalisée (dossier complet) avant le {date:deadline}"
EDITED = "doit absolument être finalisée (dossier complet) avant le {date:deadline}"
NEW = "doit absolument être finalisée (dossier complet)"
WHO = Who(user="1", chat="1")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    copy.mkdir()
    for source in default_root().glob("*.yaml"):
        shutil.copy(source, copy / source.name)
    return copy


@pytest.fixture
def service(folder: Path) -> ConversationService:
    return ConversationService(Assistant.load(folder), platform="test", clock=lambda: JANUARY)


def edit(folder: Path, old: str, new: str, name: str = "enjmin.yaml") -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def answer(service: ConversationService, text: str = "date limite enjmin ?") -> str:
    return "\n".join(texts_of(service.ask(WHO, text)))


async def test_a_valid_edit_is_swapped_in_and_the_old_assistant_is_left_alone(
    service: ConversationService, folder: Path
) -> None:
    live = LiveKnowledge(service)
    old = service.assistant
    assert (await live.reload()).status is Status.UNCHANGED
    edit(folder, ANSWER, EDITED)
    result = await live.reload("staff")
    assert result.status is Status.RELOADED and result.ok
    assert result.changed == ("enjmin.yaml",) and result.version == result.checked != ""
    assert not result.model_changed  # an answer's text is not something the model learns from
    assert service.assistant is not old and NEW in answer(service)
    assert NEW not in old.ask("date limite enjmin ?").plain_text()  # a question under way finishes on it
    assert (await live.reload()).status is Status.UNCHANGED


async def test_a_broken_edit_is_refused_and_reported_once(service: ConversationService, folder: Path) -> None:
    reports: list[ReloadResult] = []

    async def report(result: ReloadResult) -> None:
        reports.append(result)

    live = LiveKnowledge(service, on_result=report)
    before = answer(service)
    version = live.version
    edit(folder, ANSWER, EDITED.replace("{date:deadline}", "{date:no_such_event}"))
    live.request("watch")
    await asyncio.sleep(0)
    while live.last is None:
        await asyncio.sleep(0.05)
    [refused] = reports
    assert refused.status is Status.REFUSED and not refused.ok and not refused.repeated
    assert refused.version == version != refused.checked  # the last good version stays
    assert any("no_such_event" in p.message or "no_such_event" in p.entry for p in refused.problems)
    line = next(
        n
        for n, text in enumerate((folder / "enjmin.yaml").read_text().splitlines(), 1)
        if "no_such_event" in text
    )
    assert refused.problems[0].file.endswith("enjmin.yaml") and refused.problems[0].line == line
    assert answer(service) == before
    text = refused.report(service.t, "en")
    assert text.startswith("Knowledge base edit refused: 1 problem(s)") and f"enjmin.yaml:{line}:" in text
    assert len(refused.report(service.t, "en", max_chars=120)) <= 120

    again = await live.reload("signal")  # the same broken version: said again to whoever asks...
    assert again.status is Status.REFUSED and again.repeated and again.problems == refused.problems
    live.request("signal")
    await asyncio.sleep(0.5)
    assert len(reports) == 1  # ...but not posted again

    edit(folder, "{date:no_such_event}", "{date:deadline}")
    assert (await live.reload()).status is Status.RELOADED
    assert NEW in answer(service)


async def test_invalid_yaml_and_a_missing_file_are_refused(
    service: ConversationService, folder: Path
) -> None:
    live = LiveKnowledge(service)
    (folder / "glossary.yaml").unlink()
    result = await live.reload()
    assert result.status is Status.REFUSED and "glossary.yaml is missing" in str(result.problems[0])
    shutil.copy(default_root() / "glossary.yaml", folder / "glossary.yaml")
    (folder / "iim.yaml").write_text("programme: [broken", encoding="utf-8")
    result = await live.reload()
    assert result.status is Status.REFUSED
    assert result.problems[0].file.endswith("iim.yaml") and "invalid YAML" in result.problems[0].message
    assert "iim" in service.kb.programmes


async def test_the_watcher_reloads_a_burst_of_saves_once(service: ConversationService, folder: Path) -> None:
    reports: list[ReloadResult] = []

    async def report(result: ReloadResult) -> None:
        reports.append(result)

    live = LiveKnowledge(service, interval=0.1, quiet=0.4, on_result=report)
    watcher = asyncio.create_task(live.watch())
    try:
        await asyncio.sleep(0.2)
        path = folder / "enjmin.yaml"
        text = path.read_text(encoding="utf-8")
        for i in range(4):  # an editor saving in several writes
            path.write_text(text.replace(ANSWER, EDITED) + f"\n# save {i}\n", encoding="utf-8")
            await asyncio.sleep(0.1)
        deadline = time.monotonic() + 10
        while not reports and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        assert [r.status for r in reports] == [Status.RELOADED]
        assert NEW in answer(service)
        os.utime(path)  # touched, not changed: looked at, nothing announced
        await asyncio.sleep(1)
        assert len(reports) == 1 and live.last is not None and live.last.status is Status.UNCHANGED
    finally:
        watcher.cancel()


async def test_the_event_loop_stays_free_during_a_reload(service: ConversationService, folder: Path) -> None:
    live = LiveKnowledge(service)
    edit(folder, ANSWER, EDITED)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    started = time.perf_counter()
    first, second = await asyncio.gather(live.reload(), live.reload())  # one at a time
    elapsed = time.perf_counter() - started
    ticker.cancel()
    assert (first.status, second.status) == (Status.RELOADED, Status.UNCHANGED)
    assert ticks >= elapsed / 0.01 / 3  # the loop kept running while the folder was checked


def test_conversations_from_an_earlier_version_degrade_gracefully(service: ConversationService) -> None:
    """A topic or programme that disappeared with a reload is forgotten, not a crash."""
    gone = Conversation(programme="gone_programme", topic="gone_topic", pending_topic="gone_too")
    service.conversations.put((WHO.chat, WHO.user), gone)
    reply = texts_of(service.ask(WHO, "et pour l'iim ?"))
    assert reply and "Traceback" not in reply[0]
    conv = service.conversation(WHO)
    assert conv.pending_topic != "gone_too" and conv.programme != "gone_programme"
    service.conversations.put((WHO.chat, WHO.user), Conversation(pending_topic="gone_topic"))
    assert texts_of(service.press(WHO, "programme:enjmin"))  # "which programme?" answered after a swap


def test_watch_settings_from_the_environment() -> None:
    assert WatchSettings.from_env({}) == WatchSettings(True, 2.0)
    assert WatchSettings.from_env({"CANDIDATE_ASSISTANT_WATCH": "0"}).enabled is False
    assert WatchSettings.from_env({"CANDIDATE_ASSISTANT_WATCH_INTERVAL": "0.5"}).interval == 0.5
    for bad in ("soon", "0", "-1"):
        with pytest.raises(ValueError, match="CANDIDATE_ASSISTANT_WATCH_INTERVAL"):
            WatchSettings.from_env({"CANDIDATE_ASSISTANT_WATCH_INTERVAL": bad})


def test_snapshot_sees_pages_and_yaml_only(folder: Path) -> None:
    (folder / "pages").mkdir()
    (folder / "pages" / "enjmin.md").write_text("page", encoding="utf-8")
    (folder / "notes.txt").write_text("not knowledge", encoding="utf-8")
    names = [name for name, _, _ in snapshot(folder)]
    assert "pages/enjmin.md" in names and "enjmin.yaml" in names and "notes.txt" not in names


async def test_sighup_calls_the_reload_and_is_given_back() -> None:
    called = asyncio.Event()
    remove = reload_on_signal(called.set)
    try:
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.wait_for(called.wait(), 5)
    finally:
        remove()
    loop = asyncio.get_running_loop()
    assert not loop.remove_signal_handler(signal.SIGHUP)  # no handler left behind


async def test_an_unexpected_failure_keeps_the_version_and_is_tried_again(
    service: ConversationService, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.live as live_module

    live = LiveKnowledge(service)
    edit(folder, ANSWER, EDITED)
    real_build = live_module.build

    def failing(*args: object, **kwargs: object) -> Assistant:
        raise MemoryError("no room to train")

    monkeypatch.setattr(live_module, "build", failing)
    failed = await live.reload()
    assert failed.status is Status.REFUSED and "could not load: MemoryError" in failed.problems[0].message
    assert NEW not in answer(service)
    monkeypatch.setattr(live_module, "build", real_build)
    retried = await live.reload()
    assert retried.status is Status.RELOADED and NEW in answer(service)


@pytest.mark.parametrize("trains", [True, False])
async def test_the_person_who_asked_is_told_when_the_model_must_train(
    service: ConversationService, folder: Path, monkeypatch: pytest.MonkeyPatch, trains: bool
) -> None:
    import assistant.live as live_module
    from assistant.nlu.classifier import TRAINING

    real = live_module.build

    def build(path: Path, progress=None):  # type: ignore[no-untyped-def]
        if trains:  # what load_model says before a training (a real one takes up to a minute)
            progress(f"{TRAINING} on 6000 examples (the knowledge base changed)…")
        return real(path, progress)

    monkeypatch.setattr(live_module, "build", build)
    told: list[str] = []

    async def training() -> None:
        told.append("training")

    live = LiveKnowledge(service)
    edit(folder, ANSWER, EDITED)
    result = await live.reload("staff", training)
    await asyncio.sleep(0.05)  # the message is sent on the loop
    assert result.status is Status.RELOADED
    assert told == (["training"] if trains else [])
