"""Flood control, network errors, the per-user rate limit, token hygiene in logs, webhook mode."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Any

import pytest
from conftest import running_bot
from fake_bot_api import FakeBotAPI

from adapters.telegram import logsafe
from assistant.flood import Limits

# PTB's own RetryAfter constructor reads its deprecated int `retry_after` when our fake answers 429.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


async def test_flood_control_429_is_waited_out_and_retried(fake: FakeBotAPI, bot: Any) -> None:
    fake.fail_next(1, status=429, retry_after=1, methods={"sendMessage"})
    started = time.monotonic()
    fake.send_text(601, "date limite enjmin")
    [answer] = await fake.wait_sent(1, chat_id=601)
    elapsed = time.monotonic() - started
    attempts = [c for c in fake.calls if c.method == "sendMessage"]
    assert [c.ok for c in attempts] == [False, True]
    assert attempts[0].error == "flood"
    assert elapsed >= 1.0  # retry_after honoured
    assert "23 janvier 2026" in answer.plain


async def test_flood_control_pauses_every_send(fake: FakeBotAPI, bot: Any) -> None:
    """While Telegram says "retry after", other chats wait too instead of hammering the API."""
    fake.fail_next(1, status=429, retry_after=1, methods={"sendMessage"})
    fake.send_text(602, "date limite enjmin")
    await fake.wait_for(lambda: fake.sent("sendMessage", ok=False))
    flooded_at = fake.sent("sendMessage", ok=False)[0].at
    fake.send_text(603, "date limite enjmin")
    both = await fake.wait_for(lambda: len(fake.sent()) >= 2 and fake.sent())
    assert all(c.at - flooded_at >= 0.95 for c in both)


async def test_network_errors_are_retried_with_backoff(fake: FakeBotAPI, bot: Any) -> None:
    fake.fail_next(2, status=0, methods={"sendMessage"})  # the connection drops twice
    fake.send_text(604, "date limite enjmin")
    [answer] = await fake.wait_sent(1, chat_id=604)
    assert [c.ok for c in fake.calls if c.method == "sendMessage"] == [False, False, True]
    assert "23 janvier 2026" in answer.plain


async def test_per_user_rate_limit_notice_once_then_silence(
    fake: FakeBotAPI, assistant: Any, storage: Any
) -> None:
    now = [1000.0]
    limits = Limits(messages=3, seconds=10.0)
    async with running_bot(fake, assistant, storage, limits=limits, monotonic=lambda: now[0]):
        for i in range(6):
            fake.send_text(605, f"date limite enjmin {i}")
        fake.send_text(606, "date limite enjmin")  # another user is not affected
        await fake.wait_sent(1, chat_id=606)
        sent = await fake.wait_sent(4, chat_id=605)
        await asyncio.sleep(0.2)
        sent = fake.sent(chat_id=605)
        assert len(sent) == 4
        assert sent[3].plain.startswith("Vous envoyez beaucoup de messages")
        assert "dans 4 s" in sent[3].plain  # a token every 10/3 s: the next in 4 s, rounded up
        now[0] += 3.4  # one token back
        fake.send_text(605, "date limite enjmin")
        sent = await fake.wait_sent(5, chat_id=605)
        assert "23 janvier 2026" in sent[4].plain
    assert not fake.rejected()


async def test_token_never_reaches_the_logs(
    fake: FakeBotAPI, assistant: Any, storage: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    flt = logsafe.install(fake.token)
    logging.getLogger("httpx").setLevel(logging.INFO)  # even if someone turns httpx back on
    try:
        async with running_bot(fake, assistant, storage):
            fake.send_text(607, "date limite enjmin")
            await fake.wait_sent(1, chat_id=607)
            logging.getLogger("test").info("explicit %s", f"{fake.base_url}{fake.token}/getMe")
            try:
                raise ValueError(f"url {fake.base_url}{fake.token}/sendMessage")
            except ValueError:
                logging.getLogger("test").exception("traceback with the token")
    finally:
        for handler in logging.getLogger().handlers:
            handler.removeFilter(flt)
        logging.getLogger("httpx").setLevel(logging.WARNING)
    assert "HTTP Request" in caplog.text  # httpx did log URLs...
    assert fake.token not in caplog.text  # ...but never the token
    assert logsafe.REDACTED in caplog.text


async def listening(port: int) -> None:
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_verifies_the_secret_token(fake: FakeBotAPI, assistant: Any, storage: Any) -> None:
    from adapters.telegram import build_application
    from adapters.telegram.app import serve

    port = free_port()
    app = build_application(assistant, storage, fake.token, base_url=fake.base_url)
    stop = asyncio.Event()
    webhook = {
        "listen": "127.0.0.1",
        "port": port,
        "url_path": "telegram",
        "webhook_url": f"http://127.0.0.1:{port}/telegram",
        "secret_token": "s3cret-Token_1",
    }
    running = asyncio.create_task(serve(app, stop, webhook=webhook))
    try:
        await fake.wait_for(lambda: fake.webhook, timeout=10)
        await asyncio.wait_for(listening(port), 10)
        assert fake.webhook == {"url": f"http://127.0.0.1:{port}/telegram", "secret_token": "s3cret-Token_1"}
        update = fake.next_update("message", fake.new_message(608, "date limite enjmin"))
        assert await fake.deliver_webhook(update, secret="wrong") == 403
        assert await fake.deliver_webhook(update, secret=None) == 403
        await asyncio.sleep(0.2)
        assert not fake.sent(chat_id=608)
        assert await fake.deliver_webhook(update, secret="s3cret-Token_1") == 200
        [answer] = await fake.wait_sent(1, chat_id=608)
        assert "23 janvier 2026" in answer.plain
        assert not [c for c in fake.calls if c.method == "getUpdates"]  # no polling in webhook mode
    finally:
        stop.set()
        assert await asyncio.wait_for(running, 10) == 0
