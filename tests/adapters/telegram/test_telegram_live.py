"""The live knowledge base on a running Telegram bot (fake Bot API): edits picked up within seconds, a
broken edit refused and reported to the staff chat once, `/reload` in the staff chat only, SIGHUP."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import JANUARY, KNOWLEDGE, Clock, copy_knowledge, running_bot
from fake_bot_api import FakeBotAPI

from assistant.flood import Limits
from assistant.live import Status

STAFF = -100777
"""The staff chat (a group) of these tests."""
STAFF_MEMBER = 501
CANDIDATE = 601
QUESTION = "date limite enjmin ?"
OLD = "doit impérativement être finalisée (dossier complet)"
NEW = "doit absolument être finalisée (dossier complet)"
ANSWER = "doit impérativement être finalisée (dossier complet) avant le {date:deadline}"
"""Where the deadline answer says OLD (the quotes of the same sentence are left alone)."""
EDITED = ANSWER.replace("impérativement", "absolument")
UNLIMITED = Limits(messages=1000, seconds=1)
"""The candidate of these tests asks again and again: no flood control."""


def t(key: str, lang: str = "fr", **values: Any) -> str:
    from assistant.kb.catalogue import t as catalogue_t

    return catalogue_t(key, lang, **values)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_knowledge(tmp_path, {})


@pytest.fixture
def live_assistant(folder: Path) -> Any:
    from assistant.engine import Assistant

    return Assistant.load(folder)


@pytest.fixture(autouse=True)
def staff_chat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_STAFF_CHAT_ID", str(STAFF))
    monkeypatch.delenv("CANDIDATE_ASSISTANT_WATCH", raising=False)
    monkeypatch.delenv("CANDIDATE_ASSISTANT_WATCH_INTERVAL", raising=False)


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def ask(fake: FakeBotAPI, text: str, user: int = CANDIDATE) -> str:
    before = len(fake.sent(chat_id=user))
    fake.send_text(user, text)
    sent = await fake.wait_sent(before + 1, chat_id=user)
    return sent[before].plain


async def test_an_edit_changes_the_next_answer_within_ten_seconds(
    fake: FakeBotAPI, live_assistant: Any, storage: Any, clock: Clock, folder: Path
) -> None:
    clock.value = JANUARY
    async with running_bot(fake, live_assistant, storage, clock=clock, limits=UNLIMITED) as app:
        first = await ask(fake, QUESTION)
        assert OLD in first
        edit(folder, "enjmin.yaml", ANSWER, EDITED)
        edited = time.monotonic()
        while True:  # the candidate asks again until the new answer comes (the watcher looks every 2 s)
            answer = await ask(fake, QUESTION)
            if NEW in answer:
                break
            assert OLD in answer
            assert time.monotonic() - edited < 10, "the edit was not picked up within 10 s"
            await asyncio.sleep(0.3)
        assert time.monotonic() - edited < 10
        live = app.bot_data["live"].live
        assert live.last.status is Status.RELOADED and live.last.changed == ("enjmin.yaml",)
        assert not live.last.model_changed  # an answer's text is not what the model learns from
        # the conversation begun before the swap goes on: a follow-up keeps its topic
        follow_up = await ask(fake, "et pour l'iim ?")
        assert "IIM" in follow_up and NEW not in follow_up
        assert not fake.sent(chat_id=STAFF)  # a good edit is only logged


async def test_a_broken_edit_keeps_the_answers_and_is_reported_once(
    fake: FakeBotAPI,
    live_assistant: Any,
    storage: Any,
    clock: Clock,
    folder: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CANDIDATE_ASSISTANT_WATCH_INTERVAL", "0.5")  # more looks at the folder per second
    clock.value = JANUARY
    caplog.set_level(logging.INFO, logger="assistant.live")
    async with running_bot(fake, live_assistant, storage, clock=clock, limits=UNLIMITED) as app:
        live = app.bot_data["live"].live
        # invalid YAML: an unclosed list
        edit(
            folder,
            "enjmin.yaml",
            "follow_ups: [submission, calendar, incomplete]",
            "follow_ups: [submission,",
        )
        [report] = await fake.wait_sent(1, chat_id=STAFF)
        assert report.plain.startswith(t("kb_reload_refused", count=1, version=live.last.checked)[:40])
        assert "enjmin.yaml:" in report.plain  # file:line:column, as `kb check` says it
        assert OLD in await ask(fake, QUESTION)  # the last good version still answers
        assert "knowledge base edit refused (watch)" in caplog.text
        # an unknown fact reference, with the YAML repaired
        edit(
            folder,
            "enjmin.yaml",
            "follow_ups: [submission,",
            "follow_ups: [submission, calendar, incomplete]",
        )
        edit(folder, "enjmin.yaml", ANSWER, EDITED)
        edit(
            folder,
            "enjmin.yaml",
            "{date:deadline}, sur {link:platform}",
            "{date:deadlin}, sur {link:platform}",
        )
        reports = await fake.wait_sent(2, chat_id=STAFF)
        line = next(
            n
            for n, text in enumerate((folder / "enjmin.yaml").read_text().splitlines(), 1)
            if "{date:deadlin}" in text
        )
        assert "deadlin" in reports[1].plain and f"enjmin.yaml:{line}:" in reports[1].plain
        answer = await ask(fake, QUESTION)
        assert OLD in answer and NEW not in answer
        os.utime(folder / "enjmin.yaml")  # saved again, unchanged: checked again...
        await asyncio.sleep(3)  # ...and the same broken version is not reported again
        assert len(fake.sent(chat_id=STAFF)) == 2
        # the fix is taken
        edit(folder, "enjmin.yaml", "{date:deadlin}", "{date:deadline}")
        await fake.wait_for(lambda: live.last.status is Status.RELOADED, timeout=10)
        assert NEW in await ask(fake, QUESTION)


async def test_reload_in_the_staff_chat_only(
    fake: FakeBotAPI, live_assistant: Any, storage: Any, clock: Clock, folder: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("CANDIDATE_ASSISTANT_WATCH", "0")  # only the command reloads here
    clock.value = JANUARY
    async with running_bot(fake, live_assistant, storage, clock=clock, limits=UNLIMITED) as app:
        live = app.bot_data["live"].live
        # the staff chat's menu shows /reload; the candidates' menu does not
        await fake.wait_for(lambda: (STAFF, "fr") in fake.chat_commands, timeout=20)
        assert [c["command"] for c in fake.chat_commands[(STAFF, "fr")]] == ["reload"]
        assert "reload" not in [c["command"] for c in fake.commands["fr"]]
        fake.send_text(STAFF_MEMBER, "/reload", chat_id=STAFF, chat_type="supergroup")
        checking, result = await fake.wait_sent(2, chat_id=STAFF)
        assert checking.plain == t("kb_reload_checking")
        assert result.plain == t("kb_reload_unchanged", version=live.version)

        edit(folder, "enjmin.yaml", ANSWER, EDITED)
        await asyncio.sleep(3)
        assert OLD in await ask(fake, QUESTION)  # no watcher: nothing happens by itself
        fake.send_text(STAFF_MEMBER, "/reload", chat_id=STAFF, chat_type="supergroup")
        sent = await fake.wait_sent(4, chat_id=STAFF)
        assert sent[2].plain == t("kb_reload_checking")
        assert sent[3].plain.startswith("Base de connaissances rechargée") and "enjmin.yaml" in sent[3].plain
        assert NEW in await ask(fake, QUESTION)

        # elsewhere /reload is no command: a candidate gets what any unknown command gets
        edit(folder, "enjmin.yaml", EDITED, ANSWER)
        before = len(fake.sent(chat_id=CANDIDATE))
        fake.send_text(CANDIDATE, "/reload")
        fake.send_text(CANDIDATE + 1, "/nosuchcommand")
        [unknown] = await fake.wait_sent(1, chat_id=CANDIDATE + 1)
        reload = (await fake.wait_sent(before + 1, chat_id=CANDIDATE))[before]
        assert reload.plain == unknown.plain and "/deadlines" in reload.plain  # the help
        fake.send_text(CANDIDATE, "/reload", chat_id=-100888, chat_type="group")  # another group: silence
        await asyncio.sleep(1)
        assert not fake.sent(chat_id=-100888)
        assert NEW in await ask(fake, QUESTION)  # nobody but staff reloaded


async def test_sighup_reloads(
    fake: FakeBotAPI, live_assistant: Any, storage: Any, clock: Clock, folder: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("CANDIDATE_ASSISTANT_WATCH", "0")
    clock.value = JANUARY
    async with running_bot(fake, live_assistant, storage, clock=clock, limits=UNLIMITED) as app:
        live = app.bot_data["live"].live
        edit(folder, "enjmin.yaml", ANSWER, EDITED)
        os.kill(os.getpid(), signal.SIGHUP)
        await fake.wait_for(lambda: live.last is not None and live.last.trigger == "signal", timeout=10)
        assert live.last.status is Status.RELOADED
        assert NEW in await ask(fake, QUESTION)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("TELEGRAM_STAFF_CHAT_ID", "the staff group"), ("CANDIDATE_ASSISTANT_WATCH_INTERVAL", "soon")],
)
def test_a_bad_setting_stops_the_start_with_its_name(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from adapters.telegram import run

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-fake-token-abcdef")
    monkeypatch.setenv(variable, value)
    assert run({"kb": str(KNOWLEDGE)}) == 2
    assert variable in capsys.readouterr().err
