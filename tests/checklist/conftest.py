"""Fixtures for the checklist tests: the real bundled knowledge base, loaded once."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.checklist import Profile, build_checklist
from assistant.kb.loader import KnowledgeBase, load

BEFORE = date(2025, 12, 1)
"""A day early in the 2026 session: every ENJMIN date is still ahead."""


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load()


@pytest.fixture
def make(kb: KnowledgeBase):
    """Build a checklist from profile keywords (`today` defaults to BEFORE)."""

    def _make(today: date = BEFORE, **fields):
        return build_checklist(kb, Profile(**fields), today)

    return _make
