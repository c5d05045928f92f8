"""Fixtures for the truth tests: the bundled knowledge base, its composer, and the whole assistant."""

from __future__ import annotations

import pytest

from assistant.composer import Composer
from assistant.engine import Assistant
from assistant.kb.loader import KnowledgeBase, load


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load()


@pytest.fixture(scope="session")
def composer(kb: KnowledgeBase) -> Composer:
    return Composer(kb)


@pytest.fixture(scope="session")
def assistant() -> Assistant:
    return Assistant.load()
