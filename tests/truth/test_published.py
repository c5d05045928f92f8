"""A past publication is said to be out already ("are the results out yet?"), other past dates only
to be past: the status carries the tense, never the template."""

from __future__ import annotations

from datetime import date

from assistant import timefmt
from assistant.composer import Composer
from assistant.kb.loader import KnowledgeBase


def _results(composer: Composer, kb: KnowledgeBase, lang: str, today: date) -> str:
    return composer.answer(kb.programmes["enjmin"], "results", lang, timefmt.now_for(today), 1.0).plain_text()


def test_published_lists_say_already_out(composer: Composer, kb: KnowledgeBase) -> None:
    fr = _results(composer, kb, "fr", date(2026, 5, 27))
    en = _results(composer, kb, "en", date(2026, 5, 27))
    # 5 March and 5 May are out, 3 June is not yet
    assert fr.count("c'est déjà en ligne") == 2 and "dans 7 jours" in fr
    assert en.count("already published") == 2 and "in 7 days" in en


def test_a_past_exam_is_past_not_published(composer: Composer, kb: KnowledgeBase) -> None:
    text = composer.answer(
        kb.programmes["enjmin"], "written_exams", "en", timefmt.now_for(date(2026, 4, 1)), 1.0
    ).plain_text()
    assert "this date has passed" in text
    assert "Saturday 28 March 2026 (this date has passed)" in text
