"""Burst benchmark of the Telegram adapter: 500 questions from 100 users at once, through a fake Bot API.

The real PTB application polls the fake server (tests/adapters/telegram/fake_bot_api.py) over HTTP and
answers with the real core on the bundled knowledge base. The script checks that every update got
exactly one answer, in order per chat, identical to what the core answers, and prints how long it took.

    /work/venv/bin/python bench/telegram_burst.py [--users 100] [--per-user 5] [--flood 0]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests" / "adapters" / "telegram"):
    sys.path.insert(0, str(path))

from fake_bot_api import FakeBotAPI  # noqa: E402

from adapters.telegram import build_application  # noqa: E402
from adapters.telegram.app import serve  # noqa: E402
from assistant.context import Conversation  # noqa: E402
from assistant.engine import Assistant  # noqa: E402
from assistant.flood import Limits  # noqa: E402
from assistant.storage import SQLiteStorage  # noqa: E402

QUESTIONS = [
    "quelle est la date limite enjmin ?",
    "documents à fournir pour l'IIM",
    "when is the ENJMIN deadline?",
    "comment se passe l'entretien IIM ?",
    "what documents do I need for enjmin?",
    "bonjour",
    "quand sont les résultats du concours enjmin ?",
    "frais de scolarité",
    "which programmes do you cover?",
    "est-ce que je peux candidater avec un diplôme étranger à l'IIM ?",
    "merci !",
    "épreuves écrites enjmin",
]
TODAY = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def question(user: int, i: int) -> str:
    return QUESTIONS[(user * 7 + i) % len(QUESTIONS)]


async def burst(users: int, per_user: int, flood: int) -> int:
    assistant = Assistant.load(ROOT / "knowledge")
    fake = await FakeBotAPI().start()
    with tempfile.TemporaryDirectory() as tmp:
        storage = SQLiteStorage(Path(tmp) / "bench.db")
        app = build_application(
            assistant,
            storage,
            fake.token,
            base_url=fake.base_url,
            clock=lambda: TODAY,
            limits=Limits(messages=max(6, per_user)),
        )
        stop = asyncio.Event()
        running = asyncio.create_task(serve(app, stop, poll_timeout=1))
        try:
            if flood:
                fake.fail_next(flood, status=429, retry_after=1, methods={"sendMessage"})
            total = users * per_user
            injected: dict[tuple[int, int], float] = {}
            started = time.perf_counter()
            for i in range(per_user):  # interleaved, as a real burst would arrive
                for u in range(users):
                    user = 10_000 + u
                    fake.send_text(user, question(user, i))
                    injected[(user, i)] = time.monotonic()
            await fake.wait_for(lambda: len(fake.sent()) >= total, timeout=120)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(0.5)  # anything extra (a duplicate) would show up now
        finally:
            stop.set()
            await running
            storage.close()
            await fake.close()

    # exactly once, in order, and the same text the core gives for the same conversation
    problems = 0
    latencies = []
    for u in range(users):
        user = 10_000 + u
        answers = fake.sent(chat_id=user)
        conv = Conversation()
        expected = [assistant.ask(question(user, i), conv, now=TODAY) for i in range(per_user)]
        if len(answers) != per_user:
            problems += 1
            print(f"user {user}: {len(answers)} answers for {per_user} questions")
            continue
        for i, (got, want) in enumerate(zip(answers, expected, strict=True)):
            if not got.plain.startswith((want.title or want.blocks[0])[:60]):
                problems += 1
                print(f"user {user} question {i}: unexpected answer {got.plain[:60]!r}")
            latencies.append(got.at - injected[(user, i)])
    answered = len(fake.sent())
    rejected = len(fake.rejected())
    flood_hits = len([c for c in fake.calls if c.error == "flood"])
    latencies.sort()
    print(f"updates sent:            {total} ({users} users x {per_user})")
    print(f"answers received:        {answered} (expected {total}; {problems} problem(s))")
    print(f"answered exactly once:   {'yes' if answered == total and problems == 0 else 'NO'}")
    print(f"rejected by the API:     {rejected}")
    print(f"429 answered (retried):  {flood_hits}")
    print(f"wall time:               {elapsed:.2f} s ({total / elapsed:.0f} updates/s)")
    if latencies:
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(
            f"latency per update:      median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
        )
    return 0 if answered == total and problems == 0 and rejected == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--per-user", type=int, default=5)
    parser.add_argument("--flood", type=int, default=0, help="answer the first N sendMessage calls with 429")
    args = parser.parse_args()
    return asyncio.run(burst(args.users, args.per_user, args.flood))


if __name__ == "__main__":
    raise SystemExit(main())
