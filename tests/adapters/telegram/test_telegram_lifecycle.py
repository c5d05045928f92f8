"""`candidate-assistant telegram` as a supervisor runs it, in a subprocess against the fake Bot API: the
API down at start-up then up, a refused token, SIGTERM while a reply is under way, a damaged database."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from fake_bot_api import FakeBotAPI
from telegram_harness import KNOWLEDGE, ROOT, running_bot

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start(
    tmp_path: Path, api_url: str, token: str, db: Path | None = None
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": api_url,
        "CANDIDATE_ASSISTANT_DB": str(db or tmp_path / "bot.db"),
        "CANDIDATE_ASSISTANT_RETRY_MAX": "0.4",
        "PYTHONPATH": str(ROOT),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "--kb",
        str(KNOWLEDGE),
        "telegram",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(proc: asyncio.subprocess.Process, timeout: float = 20) -> tuple[int, str]:
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        out, err = await proc.communicate()
    return proc.returncode if proc.returncode is not None else -1, (out + err).decode()


async def collect(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode(errors="replace").rstrip("\n"))


async def test_start_with_the_api_down_then_up(tmp_path: Path) -> None:
    port = free_port()
    fake = FakeBotAPI()
    proc = await start(tmp_path, fake.base_url_at(port), fake.token)
    assert proc.stderr is not None
    lines: list[str] = []
    reader = asyncio.create_task(collect(proc.stderr, lines))
    failed = "Telegram Bot API unreachable"
    try:
        deadline = time.monotonic() + 30
        while sum(failed in line for line in lines) < 2 and time.monotonic() < deadline:
            assert proc.returncode is None, lines  # no crash, no exit while the API is down
            await asyncio.sleep(0.1)
        await fake.start(port)
        await fake.wait_for(lambda: "fr" in fake.commands, timeout=20)
        fake.send_text(901, "date limite enjmin")
        [answer] = await fake.wait_sent(1, chat_id=901, timeout=15)
        assert "23 janvier 2026" in answer.plain
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 20)
        await reader
    finally:
        if proc.returncode is None:
            proc.kill()
        await fake.close()
    logs = "\n".join(lines)
    assert code == 0, logs
    attempts = [line for line in lines if failed in line]
    assert len(attempts) >= 2, logs
    assert all("attempt" in line and "next in" in line for line in attempts)  # one line per attempt
    assert "Traceback" not in logs and fake.token not in logs


async def test_a_refused_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    fake = await FakeBotAPI().start()
    try:
        proc = await start(tmp_path, fake.base_url, "654321:not-the-token-of-this-bot-at-all")
        code, logs = await finish(proc)
    finally:
        await fake.close()
    assert code == 2, logs
    assert "Telegram refused the token (TELEGRAM_BOT_TOKEN)" in logs
    assert "Traceback" not in logs and "not-the-token" not in logs


async def test_sigterm_finishes_the_reply_under_way_and_exits_0_within_5_s(tmp_path: Path) -> None:
    fake = await FakeBotAPI().start()
    proc = await start(tmp_path, fake.base_url, fake.token)
    try:
        await fake.wait_for(lambda: "fr" in fake.commands, timeout=20)
        fake.fail_next(1, status=429, retry_after=2, methods={"sendMessage"})  # the reply waits 2 s
        fake.send_text(902, "date limite enjmin")
        await fake.wait_for(lambda: fake.sent("sendMessage", ok=False), timeout=15)  # under way
        asked_to_stop = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code, logs = await finish(proc)
        took = time.monotonic() - asked_to_stop
    finally:
        if proc.returncode is None:
            proc.kill()
        await fake.close()
    assert code == 0, logs
    assert took < 5, f"stopped in {took:.1f} s"
    [answer] = fake.sent(chat_id=902)  # the reply under way was sent before the process ended
    assert "23 janvier 2026" in answer.plain
    assert "Traceback" not in logs


@pytest.mark.parametrize(
    "content", [b"this is not a database\n" * 50, b"SQLite format 3\x00" + b"\x07" * 300]
)
async def test_a_damaged_database_is_one_clear_line_and_exit_2(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "damaged.db"
    db.write_bytes(content)
    fake = await FakeBotAPI().start()
    try:
        code, logs = await finish(await start(tmp_path, fake.base_url, fake.token, db=db))
    finally:
        await fake.close()
    assert code == 2, logs
    assert "cannot use the database" in logs and str(db) in logs
    assert "back it up and remove it" in logs  # what to do
    assert "Traceback" not in logs
    assert not fake.calls  # it never went online


async def test_an_outage_while_running_is_retried_one_line_per_attempt(
    fake: FakeBotAPI,
    assistant: object,
    storage: object,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    monkeypatch.setenv("CANDIDATE_ASSISTANT_RETRY_MAX", "0.2")
    caplog.set_level("INFO")
    async with running_bot(fake, assistant, storage):
        fake.fail_next(3, status=0, methods={"getUpdates"})  # the connection drops on the next polls
        fake.send_text(900, "bonjour")  # ends the poll under way
        await fake.wait_for(
            lambda: len([c for c in fake.calls if c.method == "getUpdates" and not c.ok]) == 3
        )
        fake.send_text(903, "date limite enjmin")
        [answer] = await fake.wait_sent(1, chat_id=903, timeout=15)
    assert "23 janvier 2026" in answer.plain
    failed = [r for r in caplog.records if "Telegram Bot API unreachable" in r.getMessage()]
    assert len(failed) == 3 and all(r.exc_info is None for r in failed)
    assert any("reachable again" in r.getMessage() for r in caplog.records)
