"""Fixtures for the knowledge-base tests: fresh copies of knowledge/ to break, and the bundled KB."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.kb.loader import KnowledgeBase, load

from .support import FIXTURES, KNOWLEDGE, copy_knowledge


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled knowledge folder that a test may edit."""
    return copy_knowledge(tmp_path / "knowledge")


@pytest.fixture
def kb_three(tmp_path: Path) -> Path:
    """The bundled knowledge plus the fictional programme tests/fixtures/thirdprog.yaml.

    Built at test time from the live knowledge/ files, so the fixture never goes stale.
    """
    folder = copy_knowledge(tmp_path / "knowledge")
    shutil.copy(FIXTURES / "thirdprog.yaml", folder / "ecole_demo.yaml")
    return folder


@pytest.fixture(scope="session")
def bundled_kb() -> KnowledgeBase:
    return load(KNOWLEDGE)
