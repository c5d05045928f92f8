"""Whatever arrives, the core answers, clarifies or declines — never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.engine import Assistant

ASSISTANT = Assistant.load()

NASTY = [
    "",
    "   ",
    "\n\t",
    "🙂🙂🙂",
    "\u200b\u200b",
    "\x00\x01\x02",
    "<b>date</b> limite &amp; <script>",
    "'; DROP TABLE users; --",
    "**gras** _it_ `code` @everyone",
    "日程はいつですか",
    "Когда дедлайн?",
    "مرحبا",
    "a" * 100_000,
    "date limite " * 5000,
]


def test_nasty_messages() -> None:
    for text in NASTY:
        reply = ASSISTANT.ask(text)
        assert reply.decision in ("answer", "clarify", "decline")
        assert reply.language in ("fr", "en")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    reply = ASSISTANT.ask(text)
    assert reply.decision in ("answer", "clarify", "decline")
    assert 0.0 <= reply.confidence <= 1.0
    assert isinstance(reply.plain_text(), str)
