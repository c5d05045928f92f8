"""Text and Markdown renderings, in French and English."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.checklist import render_markdown, render_text

FOREIGN = {
    "programme": "enjmin",
    "polytechnique_4a": False,
    "diploma_level": 3,
    "foreign_diploma": True,
    "french_level": "A2",
    "training_mode": "initiale",
}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "fr",
            [
                "Votre liste personnalisée",
                "Non éligible en l'état",
                "vendredi 23 janvier 2026",
                "dans 10 jours",
                "Pourquoi",
                "ATTENTION",
                "Niveau B2 en français non atteint",
            ],
        ),
        (
            "en",
            [
                "Your personalised checklist",
                "Not eligible as things stand",
                "Friday 23 January 2026",
                "in 10 days",
                "Why",
                "WARNINGS",
                "B2 level in French not reached",
            ],
        ),
    ],
)
def test_text(make, lang: str, words: list[str]) -> None:
    text = render_text(make(date(2026, 1, 13), **FOREIGN, language=lang))
    for word in words:
        assert word in text, word
    # French below B2 is an unmet condition: never under an "eligible" header (issue 10, item 4)
    assert not any(line.startswith(("Éligible", "Eligible")) for line in text.splitlines())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_markdown_missing_fields_and_optional(make, lang: str) -> None:
    md = render_markdown(make(programme="iim", language=lang))
    assert md.startswith("## ") and "- [ ] **" in md
    assert ("Informations manquantes" if lang == "fr" else "Missing information") in md
    assert ("facultatif" if lang == "fr" else "optional") in md
    assert ("À confirmer" if lang == "fr" else "To be confirmed") in md  # the panel decides
    assert ("entretien de motivation" if lang == "fr" else "motivation interview") in md


def test_past_and_overdue_wording(make) -> None:
    text = render_text(make(date(2026, 1, 24), **FOREIGN, language="en"))
    assert "overdue by 1 day(s)" in text  # the application deadline
    assert "past (43 day(s) ago)" in text  # the subject's release is past, not overdue


def test_undecided_path(make) -> None:
    text = render_text(make(programme="enjmin", language="fr"))
    assert "il manque des informations" in text and "si applicable" in text


def test_markdown_escapes_knowledge_text(make) -> None:
    """A `*`, `_` or `[` written by staff in the knowledge base stays a character in the Markdown file."""
    checklist = make(programme="iim", language="fr")
    first = checklist.items[0]
    checklist.items[0] = first.model_copy(
        update={"title": "Lettre *importante* [voir](x) _bis_", "link": None}
    )
    md = render_markdown(checklist)
    assert r"Lettre \*importante\* \[voir\]\(x\) \_bis\_" in md
    assert "*importante*" not in md.replace(r"\*", "")
