"""`kb suggest`: proposed examples in topics.yaml's shape, that pass `kb check` once staff move them."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st
from staff_support import ask, paris

from assistant.kb.loader import KnowledgeBase, check, default_root
from assistant.kb.models import Examples
from assistant.nlu.understand import Reader
from assistant.staff.period import Period, parse_bound
from assistant.staff.report import build_report
from assistant.staff.suggest import propose, to_yaml, yaml_quoted
from assistant.text.normalize import normalize

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


def suggestions(store: Any, reader: Reader, kb: KnowledgeBase) -> str:
    period = Period.between(parse_bound("2026-03-09"), parse_bound("2026-03-11"), NOW)
    report = build_report(store, period, lambda: reader, now=NOW)
    return to_yaml(propose(report, reader, kb), report, kb)


def test_proposals_have_the_shape_of_topics_yaml(filled: Any, reader: Reader, kb: KnowledgeBase) -> None:
    text = suggestions(filled, reader, kb)
    assert text.startswith("# Proposed examples for knowledge/topics.yaml")
    data = yaml.safe_load(text)
    assert set(data) == {"topics"}
    by_topic = {}
    for entry in data["topics"]:
        assert set(entry) == {"id", "examples"} and entry["id"] in kb.topics
        by_topic[entry["id"]] = Examples.model_validate(entry["examples"])  # the knowledge base's own model
    # the unanswered groups: the wordings the assistant hesitated on, under the group's closest topic
    assert by_topic["campus_life"].en == ["is there a parking on the campus ?", "parking for students?"]
    assert "# unanswered, asked 2× (clarified 2); group of 8 closest to campus_life" in text
    assert any("euh et après" in e.fr for e in by_topic.values())
    # those declined as the out-of-scope topic they read as are left out, and counted
    assert "scholarships" not in by_topic and "offtopic" not in by_topic
    assert "# Left out: 5 wording(s) declined on purpose" in text
    # a 👎 answer goes under the topic the model reads next, not the one answered
    [(topic, _)] = [(t, e) for t, e in by_topic.items() if "which papers should I send with my file?" in e.en]
    assert topic != "documents"
    assert "👎 on the answer documents, asked 1×; read as documents" in text


def test_proposals_pass_kb_check_once_moved_into_topics_yaml(
    filled: Any, reader: Reader, kb: KnowledgeBase, tmp_path: Path
) -> None:
    proposed = yaml.safe_load(suggestions(filled, reader, kb))["topics"]
    folder = tmp_path / "knowledge"
    shutil.copytree(default_root(), folder)
    topics_file = folder / "topics.yaml"
    topics = yaml.safe_load(topics_file.read_text(encoding="utf-8"))
    ours = {t["id"]: t for t in topics["topics"]}
    moved = 0
    for entry in proposed:
        for language, texts in entry["examples"].items():
            ours[entry["id"]]["examples"][language].extend(texts)
            moved += len(texts)
    assert moved >= 3
    topics_file.write_text(yaml.safe_dump(topics, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, problems = check(folder)
    assert problems == []


def test_what_already_is_an_example_is_not_proposed(store: Any, reader: Reader, kb: KnowledgeBase) -> None:
    known = kb.topics["deadline"].examples.fr[0]
    ask(store, known, paris(10, 9), decision="clarify")
    ask(store, known.upper(), paris(10, 10), decision="clarify")  # the same once normalised
    ask(store, "y a-t-il un parking pour les vélos ?", paris(10, 11), decision="clarify")
    text = suggestions(store, reader, kb)
    examples = [
        e
        for t in yaml.safe_load(text)["topics"]
        for lang in ("fr", "en")
        for e in t["examples"].get(lang, [])
    ]
    assert examples == ["y a-t-il un parking pour les vélos ?"]
    assert normalize(known) not in {normalize(e) for e in examples}


def test_a_wording_declined_only_sometimes_is_proposed(store: Any, reader: Reader, kb: KnowledgeBase) -> None:
    ask(
        store,
        "Is there parking on campus?",
        paris(10, 9),
        decision="decline",
        topic="campus_life",
        language="en",
    )
    text = suggestions(store, reader, kb)
    assert yaml.safe_load(text) == {"topics": []} and "Left out: 1 wording(s)" in text
    ask(
        store,
        "is there parking on campus",
        paris(10, 10),
        decision="clarify",
        topic="campus_life",
        language="en",
    )
    [entry] = yaml.safe_load(suggestions(store, reader, kb))["topics"]
    assert entry == {"id": "campus_life", "examples": {"en": ["Is there parking on campus?"]}}


def test_nothing_to_propose(store: Any, reader: Reader, kb: KnowledgeBase) -> None:
    ask(store, "quelle est la date limite ?", paris(10, 9))  # answered, no 👎
    text = suggestions(store, reader, kb)
    assert yaml.safe_load(text) == {"topics": []}
    assert "No unanswered question or 👎 answer to propose" in text


@given(st.text(max_size=60))
def test_quoted_texts_read_back_as_they_were(text: str) -> None:
    assert yaml.safe_load(f"- {yaml_quoted(text)}  # a comment") == [text]


def test_quoted_texts_stay_readable() -> None:
    assert yaml_quoted('c\'est "où" ? 🙏') == '"c\'est \\"où\\" ? 🙏"'
    assert yaml_quoted("a\tb\nc\u2028") == '"a\\tb\\nc\\u2028"'
