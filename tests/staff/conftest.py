"""Staff tools are tested on databases filled through the storage API, as the bots fill them, and on
the bundled knowledge base's reader (its fitted topic model is cached)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from staff_support import ask, hand_over, paris

from assistant.kb.loader import KnowledgeBase, load
from assistant.nlu.understand import Reader
from assistant.storage import open_storage


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load()


@pytest.fixture(scope="session")
def reader(kb: KnowledgeBase) -> Reader:
    return Reader(kb)


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "bots.db")


@pytest.fixture
def store(db_path: str) -> Iterator[Any]:
    storage = open_storage(db_path)
    try:
        yield storage
    finally:
        storage.close()


@pytest.fixture
def filled(store: Any) -> Any:
    """Three days of questions (9 to 11 March 2026, Paris time), with some just outside them."""
    deadline = ask(store, "quelle est la date limite ?", paris(9, 9), topic="enjmin.deadline", times=3)
    [documents] = ask(
        store, "which papers should I send with my file?", paris(9, 10), topic="documents", platform="discord",
        programme="iim", language="en",
    )  # fmt: skip
    ask(store, "quand sont les résultats ?", paris(9, 0, 30), topic="enjmin.results")  # 8 March 23:30 UTC
    ask(store, "trop tôt", paris(8, 23, 30))  # the day before: out
    ask(store, "frais de dossier ?", paris(10, 11), topic="iim.fees", programme="iim", times=2)
    ask(store, "euh et après", paris(10, 12), decision="clarify", topic=None, programme=None, language=None)
    ask(
        store, "Is there parking on campus?", paris(10, 13), decision="decline", topic="campus_life",
        platform="discord", programme=None, language="en", times=3,
    )  # fmt: skip
    ask(
        store, "is there a parking on the campus ?", paris(11, 9), decision="clarify", topic="campus_life",
        language="en", times=2,
    )  # fmt: skip
    for text, minute in (
        ("parking on campus??", 30),
        ("IS THERE PARKING ON CAMPUS", 45),
        ("parking for students?", 50),  # the same question, fewer words in common
        ("do you have a gym?", 55),  # another question of the same topic: its own group
    ):
        ask(
            store, text, paris(11, 9, minute), decision="decline", topic="campus_life", platform="discord",
            programme=None, language="en",
        )  # fmt: skip
    ask(
        store, "y a-t-il des bourses pour les étudiants étrangers ?", paris(11, 11), decision="decline",
        topic="scholarships", programme="iim", times=2,
    )  # fmt: skip
    ask(
        store, "what's the weather in Angoulême", paris(11, 23, 59), decision="decline", topic="offtopic",
        programme=None, language="en",
    )  # fmt: skip
    ask(store, "hors période", paris(12, 0))  # the end is excluded
    [old] = ask(store, "vieille question", paris(1, 12))

    store.record_feedback("telegram:chat:1", "m1", "enjmin.deadline", False, deadline[0], at=paris(9, 9, 5))
    store.record_feedback("telegram:chat:1", "m2", "enjmin.deadline", False, deadline[1], at=paris(9, 9, 6))
    store.record_feedback("telegram:chat:1", "m3", "enjmin.deadline", True, deadline[2], at=paris(9, 9, 7))
    store.record_feedback("discord:chat:1", "m4", "documents", False, documents, at=paris(9, 10, 5))
    store.record_feedback("telegram:chat:1", "m5", "iim.fees", False, None, at=paris(11, 8))  # no link
    store.record_feedback("telegram:chat:1", "m6", "enjmin.deadline", False, old, at=paris(1, 12, 1))  # out

    hand_over(store, paris(10, 15))
    hand_over(store, paris(11, 16), answered=True)
    hand_over(store, paris(1, 15))  # out
    return store
