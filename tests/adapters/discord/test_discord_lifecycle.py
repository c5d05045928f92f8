"""`candidate-assistant discord` as a supervisor runs it, in a subprocess against the fake Discord:
Discord down at start-up then up, a refused token, SIGTERM while a reply is under way, a damaged
database; and a gateway lost while running, in process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import discord_harness  # noqa: F401 - puts the repository on sys.path
import pytest
from discord_harness import eventually
from fake_discord import API_PREFIX, FakeDiscord

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def world() -> tuple[FakeDiscord, dict, dict]:
    fake = FakeDiscord()
    guild = fake.add_guild("Admissions")
    candidate = fake.add_user("candidate")
    fake.add_member(guild, candidate)
    return fake, guild, candidate


async def start(tmp_path: Path, port: int, token: str, db: Path | None = None) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DISCORD_BOT_TOKEN": token,
        "DISCORD_API_BASE": f"http://127.0.0.1:{port}{API_PREFIX}",
        "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{port}/gateway",
        "CANDIDATE_ASSISTANT_DB": str(db or tmp_path / "bot.db"),
        "CANDIDATE_ASSISTANT_RETRY_MAX": "0.4",
        "PYTHONPATH": str(ROOT),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "discord",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def collect(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode(errors="replace").rstrip("\n"))


async def running(proc: asyncio.subprocess.Process) -> tuple[list[str], asyncio.Task[None]]:
    assert proc.stderr is not None and proc.stdout is not None
    lines: list[str] = []
    task = asyncio.gather(collect(proc.stderr, lines), collect(proc.stdout, lines))
    return lines, task  # type: ignore[return-value]


async def ended(proc: asyncio.subprocess.Process, reader: asyncio.Task[None], timeout: float = 20) -> int:
    try:
        await asyncio.wait_for(proc.wait(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
    await reader
    return proc.returncode if proc.returncode is not None else -1


async def answered_dm(fake: FakeDiscord, candidate: dict, text: str) -> dict:
    dm = fake.dm_channel(candidate)
    asked = await fake.user_message(dm, candidate, text)
    return await fake.wait_for(
        lambda: next(
            (
                m
                for m in fake.bot_messages(dm)
                if (m.get("message_reference") or {}).get("message_id") == asked["id"]
            ),
            None,
        ),
        15,
    )


async def test_start_with_discord_down_then_up(tmp_path: Path) -> None:
    fake, _, candidate = world()
    port = free_port()
    proc = await start(tmp_path, port, fake.token)
    lines, reader = await running(proc)
    failed = "Discord unreachable"
    try:
        deadline = time.monotonic() + 30
        while sum(failed in line for line in lines) < 2 and time.monotonic() < deadline:
            assert proc.returncode is None, lines  # no crash, no exit while Discord is down
            await asyncio.sleep(0.1)
        await fake.start(port)
        await fake.wait_for(lambda: fake.commands.get(None), 20)  # logged in, commands synced
        await fake.identified.wait()
        reply = await answered_dm(fake, candidate, "When is the application deadline for ENJMIN?")
        assert "23" in reply["embeds"][0]["description"]
        proc.send_signal(signal.SIGTERM)
        code = await ended(proc, reader)
    finally:
        if proc.returncode is None:
            proc.kill()
        await fake.stop()
    logs = "\n".join(lines)
    assert code == 0, logs
    attempts = [line for line in lines if failed in line]
    assert len(attempts) >= 2 and all("attempt" in line and "next in" in line for line in attempts), logs
    assert "Traceback" not in logs and fake.token not in logs


async def test_a_refused_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    fake, _, _ = world()
    await fake.start()
    try:
        proc = await start(tmp_path, fake.port, "not.the-token-of-this-bot")
        lines, reader = await running(proc)
        code = await ended(proc, reader)
    finally:
        await fake.stop()
    logs = "\n".join(lines)
    assert code == 2, logs
    assert "Discord refused the token (DISCORD_BOT_TOKEN)" in logs
    assert "Traceback" not in logs and "not.the-token" not in logs


async def test_sigterm_finishes_the_reply_under_way_and_exits_0_within_5_s(tmp_path: Path) -> None:
    fake, _, candidate = world()
    await fake.start()
    proc = await start(tmp_path, fake.port, fake.token)
    lines, reader = await running(proc)
    try:
        await fake.wait_for(lambda: fake.commands.get(None), 20)
        await fake.identified.wait()
        dm = fake.dm_channel(candidate)
        fake.rate_limit(
            "POST", rf"^/channels/{dm['id']}/messages$", times=1, retry_after=2.0
        )  # the reply waits
        await fake.user_message(dm, candidate, "When is the application deadline for ENJMIN?")
        await fake.wait_for(
            lambda: fake.find_calls("POST", rf"^/channels/{dm['id']}/messages$"), 15
        )  # under way
        asked_to_stop = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = await ended(proc, reader)
        took = time.monotonic() - asked_to_stop
    finally:
        if proc.returncode is None:
            proc.kill()
        await fake.stop()
    logs = "\n".join(lines)
    assert code == 0, logs
    assert took < 5, f"stopped in {took:.1f} s"
    [reply] = fake.bot_messages(dm)  # the reply under way was sent before the process ended
    assert "23" in reply["embeds"][0]["description"]
    assert [s for s in fake.calls if s.path.endswith("/messages") and s.status == 200]
    assert "Traceback" not in logs


@pytest.mark.parametrize(
    "content", [b"this is not a database\n" * 50, b"SQLite format 3\x00" + b"\x07" * 300]
)
async def test_a_damaged_database_is_one_clear_line_and_exit_2(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "damaged.db"
    db.write_bytes(content)
    fake, _, _ = world()
    await fake.start()
    try:
        proc = await start(tmp_path, fake.port, fake.token, db=db)
        lines, reader = await running(proc)
        code = await ended(proc, reader)
    finally:
        await fake.stop()
    logs = "\n".join(lines)
    assert code == 2, logs
    assert "cannot use the database" in logs and str(db) in logs and "back it up and remove it" in logs
    assert "Traceback" not in logs
    assert not fake.calls  # it never went online


async def test_a_lost_gateway_is_one_log_line_and_the_bot_comes_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """discord.py reconnects by itself (with backoff and jitter); its log of each attempt is one line."""
    from discord_harness import config_for

    from adapters.discord.bot import serve
    from assistant.engine import Assistant
    from assistant.storage import SQLiteStorage

    caplog.set_level("INFO")
    fake, _, candidate = world()
    await fake.start()
    storage = SQLiteStorage(tmp_path / "bot.db")
    stop = asyncio.Event()
    task = asyncio.create_task(serve(Assistant.load(), storage, fake.token, config_for(fake), stop))
    try:
        await asyncio.wait_for(fake.identified.wait(), 10)
        port = fake.port
        await fake.stop()  # Discord goes away: the gateway is closed and nothing answers
        await asyncio.sleep(2)
        await fake.start(port)  # ...and comes back
        await eventually(lambda: fake.sockets, timeout=30)  # the bot is connected again
        reply = await answered_dm(fake, candidate, "When is the application deadline for ENJMIN?")
        assert "23" in reply["embeds"][0]["description"]
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0
        storage.close()
        await fake.stop()
    reconnects = [r for r in caplog.records if "reconnect" in r.getMessage().lower()]
    assert reconnects and all(r.exc_info is None for r in reconnects)
