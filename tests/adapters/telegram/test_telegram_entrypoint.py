"""`adapters.telegram.run()` as the CLI calls it: environment, self-hosted Bot API URL, logs without token."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from conftest import KNOWLEDGE, ROOT
from fake_bot_api import FakeBotAPI

from adapters.telegram import run


def test_run_without_token_explains_and_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert run({"kb": str(KNOWLEDGE)}) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


async def test_run_polls_the_bot_api_server_from_the_environment(fake: FakeBotAPI, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.base_url,
        "CANDIDATE_ASSISTANT_DB": str(tmp_path / "bot.db"),
        "PYTHONPATH": str(ROOT),
    }
    code = f"from adapters.telegram import run; raise SystemExit(run({{'kb': {str(KNOWLEDGE)!r}}}))"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_for(lambda: "fr" in fake.commands, timeout=30)  # started, menu registered
        fake.send_text(901, "date limite enjmin")
        [answer] = await fake.wait_sent(1, chat_id=901, timeout=15)
        assert "enjmin" in answer.plain.lower()
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)  # what Ctrl-C or `systemctl stop` does
        try:
            stdout, stderr = await asyncio.wait_for(proc.communicate(), 20)
        except TimeoutError:
            proc.kill()
            stdout, stderr = await proc.communicate()
    logs = (stdout + stderr).decode()
    assert proc.returncode == 0, logs
    assert "long polling mode" in logs
    assert fake.token not in logs
    assert (tmp_path / "bot.db").exists()
