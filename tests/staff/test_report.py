"""The staff report's numbers, checked one by one on a database filled as the bots fill it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from staff_support import ask

from assistant.nlu.understand import Reader
from assistant.staff.period import Period, parse_bound
from assistant.staff.report import JSON_KEYS, build_report, format_text

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
"""The fixture `filled` holds questions of 9 to 11 March 2026 and some just outside (conftest.py)."""


def no_reader() -> Reader:
    raise AssertionError("the knowledge base's reader was loaded with nothing to read")


def report_of(store: Any, reader: Reader | None, programme: str | None = None) -> Any:
    period = Period.between(parse_bound("2026-03-09"), parse_bound("2026-03-11"), NOW)
    get = (lambda: reader) if reader is not None else no_reader
    return build_report(store, period, get, now=NOW, programme=programme)


def test_every_number_of_the_report(filled: Any, reader: Reader) -> None:
    data = report_of(filled, reader).as_json()
    assert tuple(data) == JSON_KEYS == (
        "since", "until", "questions", "by_decision", "by_platform", "by_programme", "by_language",
        "per_day", "top_topics", "unanswered", "unhelpful", "handovers",
    )  # fmt: skip
    assert data["since"] == "2026-03-09T00:00:00+01:00"
    assert data["until"] == "2026-03-12T00:00:00+01:00"  # 11 March included
    assert data["questions"] == 20
    assert data["by_decision"] == {"answer": 7, "clarify": 3, "decline": 10}
    assert data["by_platform"] == {"telegram": 12, "discord": 8}
    assert data["by_programme"] == {"(none)": 9, "enjmin": 6, "iim": 5}
    assert data["by_language"] == {"en": 11, "fr": 8, "(unknown)": 1}
    assert data["per_day"] == [
        {"date": "2026-03-09", "questions": 5, "by_decision": {"answer": 5, "clarify": 0, "decline": 0}, "handovers": 0},
        {"date": "2026-03-10", "questions": 6, "by_decision": {"answer": 2, "clarify": 1, "decline": 3}, "handovers": 1},
        {"date": "2026-03-11", "questions": 9, "by_decision": {"answer": 0, "clarify": 2, "decline": 7}, "handovers": 1},
    ]  # fmt: skip
    assert data["top_topics"] == [
        {"topic": "deadline", "count": 3},
        {"topic": "fees", "count": 2},
        {"topic": "documents", "count": 1},
        {"topic": "results", "count": 1},
    ]
    assert data["unhelpful"] == [
        {"answer": "enjmin.deadline", "count": 2, "helpful": 1, "samples": ["quelle est la date limite ?"]},
        {
            "answer": "documents",
            "count": 1,
            "helpful": 0,
            "samples": ["which papers should I send with my file?"],
        },
        {"answer": "iim.fees", "count": 1, "helpful": 0, "samples": []},
    ]
    assert data["handovers"] == {"open": 1, "answered": 1}


def test_paraphrases_of_one_unanswered_question_make_one_group(filled: Any, reader: Reader) -> None:
    report = report_of(filled, reader)
    unanswered = report.as_json()["unanswered"]
    assert all(set(item) == {"text", "count", "samples", "closest_topic"} for item in unanswered)
    assert sum(item["count"] for item in unanswered) == 13  # every unanswered question, once
    parking, grants = unanswered[:2]
    assert parking == {
        "text": "Is there parking on campus?",  # asked 4 times (once in capitals)
        "count": 8,
        "samples": ["is there a parking on the campus ?", "parking on campus??"],  # the most asked others
        "closest_topic": "campus_life",
    }
    assert grants == {
        "text": "y a-t-il des bourses pour les étudiants étrangers ?",
        "count": 2,
        "samples": [],
        "closest_topic": "scholarships",
    }
    spellings = [(w.text, w.count) for w in report.unanswered[0].wordings]
    assert spellings[:2] == [("Is there parking on campus?", 4), ("is there a parking on the campus ?", 2)]
    assert sorted(spellings[2:]) == [("parking for students?", 1), ("parking on campus??", 1)]
    rest = {item["text"]: item["count"] for item in unanswered[2:]}
    assert rest == {"do you have a gym?": 1, "euh et après": 1, "what's the weather in Angoulême": 1}
    assert next(i for i in unanswered if i["text"] == "do you have a gym?")["closest_topic"] == "campus_life"


def test_one_programme(filled: Any, reader: Reader) -> None:
    data = report_of(filled, reader, programme="iim").as_json()
    assert data["questions"] == 5
    assert data["by_decision"] == {"answer": 3, "clarify": 0, "decline": 2}
    assert data["by_programme"] == {"iim": 5}
    assert [u["answer"] for u in data["unhelpful"]] == ["documents", "iim.fees"]  # by question, by id
    assert data["handovers"] == {"open": 1, "answered": 1}


def test_an_empty_database_reports_zeros_without_loading_the_knowledge_base(store: Any) -> None:
    report = report_of(store, None)
    data = report.as_json()
    assert data["questions"] == 0 and data["by_decision"] == {"answer": 0, "clarify": 0, "decline": 0}
    assert data["by_platform"] == data["by_programme"] == data["by_language"] == {}
    assert [d["date"] for d in data["per_day"]] == ["2026-03-09", "2026-03-10", "2026-03-11"]
    assert all(d["questions"] == 0 for d in data["per_day"])
    assert data["top_topics"] == data["unanswered"] == data["unhelpful"] == []
    assert data["handovers"] == {"open": 0, "answered": 0}
    text = format_text(report)
    assert "Questions: 0" in text and "none" in text


def test_without_bounds_the_days_run_from_the_oldest_question_to_today(store: Any) -> None:
    ask(store, "date limite ?", NOW - timedelta(days=2))
    report = build_report(store, Period(None, None), no_reader, now=NOW)
    data = report.as_json()
    assert data["since"] is None and data["until"] is None
    assert [d["date"] for d in data["per_day"]] == ["2026-03-10", "2026-03-11", "2026-03-12"]
    assert build_report(store, Period(None, None), no_reader, now=NOW).questions == 1


def test_text_form(filled: Any, reader: Reader) -> None:
    text = format_text(report_of(filled, reader))
    assert text.startswith("Candidates' questions from 2026-03-09 to 2026-03-11 included (Paris time)")
    assert "answered 7 (35%), clarified 3 (15%), declined 10 (50%)" in text
    assert "Handed over to staff: 2 (open 1, answered 1)" in text
    assert "  2026-03-10     6  (answer 2, clarify 1, decline 3; handed over 1)" in text
    assert "     8× “Is there parking on campus?” → campus_life" in text
    assert "     2× enjmin.deadline (👍 1)" in text
