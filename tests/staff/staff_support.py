"""Filling a bots' database as the bots do (through the storage API), for the staff tools' tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2026 in Paris (UTC+1)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


def ask(
    store: Any,
    text: str,
    at: datetime,
    *,
    decision: str = "answer",
    topic: str | None = "deadline",
    platform: str = "telegram",
    programme: str | None = "enjmin",
    language: str | None = "fr",
    times: int = 1,
) -> list[int]:
    """Log `text` `times` times as a bot does after replying; returns the question ids."""
    return [
        store.log_question(
            at=at,
            platform=platform,
            scope=f"{platform}:chat:1",
            programme=programme,
            language=language,
            decision=decision,
            topic=topic,
            confidence=0.9 if decision == "answer" else 0.3,
            text=text,
        )
        for _ in range(times)
    ]


def hand_over(store: Any, at: datetime, *, programme: str | None = "iim", answered: bool = False) -> int:
    handover = store.add_handover(
        user="telegram:7",
        chat="7",
        platform="telegram",
        programme=programme,
        language="fr",
        question="Puis-je venir avec mon chien ?",
        transcript=[{"from": "user", "text": "Puis-je venir avec mon chien ?"}],
        at=at,
    )
    if answered:
        store.answer_handover(handover, "Non, désolé.", at)
    return handover
