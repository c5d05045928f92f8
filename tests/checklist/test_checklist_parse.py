"""Free-text answers as candidates write them, read from the vocabulary in knowledge/profile.yaml."""

from __future__ import annotations

import pytest

from assistant.checklist.parse import read, read_button


@pytest.mark.parametrize(
    ("field", "text", "value", "extra"),
    [
        ("diploma_level", "L3", 3, {"diploma_rncp": True}),
        ("diploma_level", "j'ai une licence", 3, {"diploma_rncp": True}),
        ("diploma_level", "licence pro", 3, {"diploma_rncp": True}),
        ("diploma_level", "Licence professionnelle MMI", 3, {"diploma_rncp": True}),
        ("diploma_level", "BUT", 3, {"diploma_rncp": True}),
        ("diploma_level", "un BUT MMI", 3, {"diploma_rncp": True}),
        ("diploma_level", "bac+2", 2, {}),
        ("diploma_level", "Bac + 5", 5, {}),
        ("diploma_level", "BTS", 2, {}),
        ("diploma_level", "master", 5, {}),
        ("diploma_level", "M1", 4, {}),
        ("diploma_level", "3", 3, {}),
        ("diploma_level", "I have a bachelor from Brazil", 3, {"foreign_diploma": True}),
        ("diploma_level", "licence au Maroc", 3, {"diploma_rncp": True, "foreign_diploma": True}),
        ("diploma_level", "un bachelor non RNCP", 3, {"diploma_rncp": False}),
        ("diploma_level", "3 ans d'études après le bac", 3, {}),
        ("professional_experience_years", "5 ans d'expérience", 5.0, {}),
        ("professional_experience_years", "five years", 5.0, {}),
        ("professional_experience_years", "plus de 3 ans", 3.5, {}),
        ("professional_experience_years", "more than 3 years", 3.5, {}),
        ("professional_experience_years", "18 mois", 1.5, {}),
        ("professional_experience_years", "aucune", 0.0, {}),
        ("professional_experience_years", "non", 0.0, {}),
        ("professional_experience_years", "4", 4.0, {}),
        ("french_level", "niveau B2", "B2", {}),
        ("french_level", "b1", "B1", {}),
        ("french_level", "C 1", "C1", {}),
        ("french_level", "langue maternelle", "native", {}),
        ("french_level", "I'm a native speaker", "native", {}),
        ("polytechnique_4a", "oui", True, {}),
        ("polytechnique_4a", "non", False, {}),
        ("polytechnique_4a", "yes", True, {}),
        ("polytechnique_4a", "No.", False, {}),
        ("polytechnique_4a", "non, jamais", False, {}),
        ("repeated_year", "nope", False, {}),
        ("repeated_year", "ouais", True, {}),
        ("diploma_rncp", "oui", True, {}),
        ("diploma_rncp", "c'est une licence", True, {"diploma_level": 3}),
        ("foreign_diploma", "Brésil", True, {}),
        ("foreign_diploma", "au Sénégal", True, {}),
        ("foreign_diploma", "non, en France", False, {}),
        ("foreign_diploma", "yes", True, {}),
        ("foreign_diploma", "a bachelor from Brazil", True, {"diploma_level": 3}),
        ("training_mode", "en alternance", "apprentissage", {}),
        ("training_mode", "formation initiale", "initiale", {}),
        ("training_mode", "continuing education", "continue", {}),
    ],
)
def test_read(field: str, text: str, value, extra: dict) -> None:
    parsed = read(field, text)
    assert parsed is not None
    assert parsed.value == value
    assert parsed.extra == extra


@pytest.mark.parametrize(
    "text", ["je sais pas", "je ne sais pas", "Je sais pas trop", "I don't know", "no idea", "not sure", "?"]
)
@pytest.mark.parametrize(
    "field", ["diploma_level", "polytechnique_4a", "french_level", "professional_experience_years"]
)
def test_dont_know(field: str, text: str) -> None:
    parsed = read(field, text)
    assert parsed is not None and parsed.value is None


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("diploma_level", "banane"),
        ("polytechnique_4a", "peut-être bien"),
        ("french_level", "courant"),
        ("training_mode", "je ne vois pas"),
        ("professional_experience_years", "beaucoup"),
    ],
)
def test_not_understood(field: str, text: str) -> None:
    assert read(field, text) is None


def test_english_but_is_not_a_diploma() -> None:
    parsed = read("professional_experience_years", "no but I have two years")
    assert parsed is not None and parsed.value == 2.0 and "diploma_level" not in parsed.extra


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("polytechnique_4a", "yes", True),
        ("repeated_year", "no", False),
        ("diploma_level", "3", 3),
        ("professional_experience_years", "5", 5.0),
        ("french_level", "B2", "B2"),
        ("training_mode", "continue", "continue"),
        ("diploma_level", "unknown", None),
    ],
)
def test_buttons(field: str, value: str, expected) -> None:
    parsed = read_button(field, value)
    assert parsed is not None and parsed.value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the master applied to is not a diploma held
        ("I'm a French student in L3 cinema. Do I take the exams for the ENJMIN master?", 3),
        ("je veux tenter le master jeux du cnam avec mon BTS", 2),
        # a master held still is
        ("j'ai un master en design et je veux candidater au master enjmin", 5),
        ("I have a master in CS, can I apply to the games master?", 5),
    ],
)
def test_the_master_applied_to_is_not_the_diploma_held(text: str, expected: int) -> None:
    from assistant.checklist.parse import facts

    assert facts(text)["diploma_level"] == expected


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("I'm 40, no diploma at all, 12 years as a 3D artist.", 12.0),
        ("5 ans en tant que monteur", 5.0),
        ("j'ai 34 ans comme tout le monde", None),  # an age
        ("I am 27 years old", None),
    ],
)
def test_years_in_a_role_are_experience(text: str, years: float | None) -> None:
    from assistant.checklist.parse import facts

    assert facts(text).get("professional_experience_years") == years
