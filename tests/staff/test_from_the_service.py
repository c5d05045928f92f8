"""End to end: what a candidate asks through the conversation service (as on Telegram) is what staff read
in `candidate-assistant report` — its topic, decision, platform, programme and language, and a 👎 on an
answer together with the question that got it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.cli.main import main
from assistant.actions import Action
from assistant.engine import Assistant
from assistant.service import ConversationService, Response, Who
from assistant.staff.report import answer_label, topics_of
from assistant.storage import open_storage

ME = Who(user="42", chat="42")
ANSWERED = "quelle est la date limite de candidature enjmin ?"
DECLINED = "Is there a parking on the campus?"


def _feedback(response: Response, helpful: bool) -> str:
    buttons = [b for m in response.messages for b in m.feedback]
    actions = [a for b in buttons if (a := Action.decode(b.action)) is not None]
    return next(a.encode() for a in actions if a.kind == "fb" and a.value.startswith("y" if helpful else "n"))


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.load()


def test_a_question_asked_through_the_service_is_in_the_staff_report(
    assistant: Assistant, db_path: str, capsys: Any
) -> None:
    storage = open_storage(db_path)
    try:
        service = ConversationService(assistant, storage, platform="telegram")
        answered = service.ask(ME, ANSWERED)
        [reply] = [m.reply for m in answered.messages if m.reply is not None]
        assert reply.decision == "answer" and reply.programme == "enjmin"
        declined = service.ask(ME, DECLINED)
        assert [m.reply.decision for m in declined.messages if m.reply is not None] == ["decline"]
        service.press(ME, _feedback(answered, helpful=False), "message-1")
    finally:
        storage.close()

    assert main(["report", "--db", db_path, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == 2
    assert report["by_decision"] == {"answer": 1, "clarify": 0, "decline": 1}
    assert report["by_platform"] == {"telegram": 2}
    assert report["by_programme"]["enjmin"] == 1
    assert report["by_language"] == {"en": 1, "fr": 1}
    assert report["top_topics"] == [{"topic": "deadline", "count": 1}]
    assert [g["text"] for g in report["unanswered"]] == [DECLINED]
    [unhelpful] = report["unhelpful"]
    assert unhelpful["answer"] == "enjmin.deadline" and unhelpful["samples"] == [ANSWERED]


def test_the_topics_of_a_logged_question() -> None:
    """The service logs topic ids (the programme has its own column); older bots logged the intent."""
    assert topics_of("deadline") == topics_of("enjmin.deadline") == ["deadline"]
    assert topics_of("deadline+documents") == ["deadline", "documents"]
    assert topics_of("enjmin.deadline+enjmin.documents") == ["deadline", "documents"]
    assert topics_of("deadline+-") == ["deadline"]
    assert answer_label("deadline+documents", "iim") == "iim.deadline+iim.documents"
    assert answer_label("enjmin.deadline", "enjmin") == "enjmin.deadline"
    assert answer_label("greeting", None) == "greeting"


def test_a_reply_to_two_questions_counts_for_both_topics(store: Any) -> None:
    from staff_support import ask, paris

    from assistant.staff.period import Period
    from assistant.staff.report import build_report

    ask(store, "date limite et pièces à fournir ?", paris(9, 9), topic="deadline+documents")
    ask(store, "date limite ?", paris(9, 10), topic="enjmin.deadline")

    def no_reader() -> Any:
        raise AssertionError("nothing unanswered: the reader is not needed")

    report = build_report(store, Period(None, None), no_reader, now=paris(10, 9))
    assert report.top_topics == [("deadline", 2), ("documents", 1)]
