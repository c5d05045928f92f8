"""The knowledge base whose texts and profile vocabulary are in use, for code that has none in hand.

Most code reads texts through a `KnowledgeBase` it was given (`kb.t(key, lang, **values)`, the one
way to read the catalogue). A few pure functions render or read without one: the checklist renderers
take a `Checklist`, the questionnaire's free-text reader takes a string. They read the knowledge base
loaded last (`assistant.kb.loader.load()` installs it), so `--kb` and `CANDIDATE_ASSISTANT_KB` apply to
them too; before any load, the default knowledge folder is loaded.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.kb.loader import KnowledgeBase

_lock = threading.Lock()
_active: KnowledgeBase | None = None


def use(kb: KnowledgeBase) -> None:
    """Make `kb` the knowledge base of the kb-less readers (done by every `load()`)."""
    global _active
    with _lock:
        _active = kb


def active() -> KnowledgeBase:
    """The knowledge base in use: the last one loaded, else the default folder's."""
    kb = _active
    if kb is None:
        from assistant.kb.loader import load

        kb = load()  # installs itself
    return kb


def t(key: str, lang: str, **values: object) -> str:
    """`active().t(...)`: a text of the catalogue in use."""
    return active().t(key, lang, **values)
