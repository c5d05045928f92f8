"""Fixtures for the knowledge-base tests: fresh copies of knowledge/ to break, and the bundled KB."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.kb.loader import KnowledgeBase, load
from assistant.text import normalize as normalize_module

from .support import FIXTURES, KNOWLEDGE, copy_knowledge


@pytest.fixture(autouse=True, scope="module")
def _memoised_normalize() -> Iterator[None]:
    """`check()` normalises every example of the knowledge base (thousands) to find repeated ones, and
    these tests run it a hundred times on almost the same examples. `normalize(text)` is a pure function
    of its text, so it is memoised for the module: the checks are the same, several times faster."""
    original = normalize_module.normalize
    cached = functools.lru_cache(maxsize=None)(original)

    def normalize(text: str, shorthand=None) -> str:  # type: ignore[no-untyped-def]
        return cached(text) if shorthand is None else original(text, shorthand)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize_module, "normalize", normalize)
        yield


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
