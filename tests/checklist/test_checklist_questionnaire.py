"""The guided questionnaire: FR and EN free-text conversations, buttons, back and restart."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assistant.checklist import Questionnaire
from assistant.checklist.questionnaire import Step


@pytest.fixture
def q(kb) -> Questionnaire:
    return Questionnaire(kb, today=date(2025, 12, 1))


def say(q: Questionnaire, step: Step, text: str) -> Step:
    """Send one message, with the state round-tripped through JSON as an adapter stores it."""
    stored = json.dumps(step.state)
    assert len(stored) < 1000
    nxt = q.answer(json.loads(stored), text)
    for b in nxt.choices:
        assert b.action.startswith("qa:") and len(b.action.encode()) <= 60 and b.label
    return nxt


def talk(q: Questionnaire, lang: str, messages: list[str], programme: str | None = None) -> tuple[Step, list]:
    step = q.start(lang, programme)
    asked = [step.field]
    for text in messages:
        step = say(q, step, text)
        asked.append(step.field)
    return step, asked


CONVERSATIONS = [
    # (language, messages, fields asked in order, path, profile facts)
    (
        "fr",
        # a French degree: the B2 condition of the note for international candidates is not asked
        ["le master de l'ENJMIN", "non", "L3", "non, en France", "en alternance"],
        [
            "programme",
            "polytechnique_4a",
            "diploma_level",
            "foreign_diploma",
            "training_mode",
            None,
        ],
        "direct",
        {
            "diploma_level": 3,
            "diploma_rncp": True,
            "foreign_diploma": False,
            "training_mode": "apprentissage",
        },
    ),
    (
        "fr",
        ["enjmin", "non", "licence pro", "oui", "natif", "formation initiale"],
        [
            "programme",
            "polytechnique_4a",
            "diploma_level",
            "foreign_diploma",
            "french_level",
            "training_mode",
            None,
        ],
        "direct",
        {"diploma_rncp": True, "french_level": "native"},
    ),
    (
        "fr",
        ["enjmin", "non", "BUT", "non", "formation continue"],
        [
            "programme",
            "polytechnique_4a",
            "diploma_level",
            "foreign_diploma",
            "training_mode",
            None,
        ],
        "direct",
        {"diploma_level": 3, "diploma_rncp": True, "training_mode": "continue"},
    ),
    (
        "fr",
        ["enjmin", "non", "bac+3", "non", "non", "initiale"],
        [
            "programme",
            "polytechnique_4a",
            "diploma_level",
            "diploma_rncp",
            "foreign_diploma",
            "training_mode",
            None,
        ],
        "ves",
        {"diploma_level": 3, "diploma_rncp": False},
    ),
    (
        "fr",
        [
            "enjmin",
            "non",
            "bac+2",
            "non",
            "5 ans d'expérience",
            "oui c'est en formation continue",
        ],
        [
            "programme",
            "polytechnique_4a",
            "diploma_level",
            "foreign_diploma",
            "professional_experience_years",
            "training_mode",
            None,
        ],
        "vapp",
        {"diploma_level": 2, "professional_experience_years": 5.0},
    ),
    (
        "fr",
        # the competition's steps are listed for École polytechnique students too (the page does not say
        # their file replaces it): a French degree, then the training mode for Mon Master
        ["enjmin", "oui", "non", "formation initiale"],
        ["programme", "polytechnique_4a", "foreign_diploma", "training_mode", None],
        "polytechnique_m2",
        {"polytechnique_4a": True},
    ),
    (
        "fr",
        ["enjmin", "non", "bac", "non", "aucune"],
        [
            "programme",
            "polytechnique_4a",
            "diploma_level",
            "foreign_diploma",
            "professional_experience_years",
            None,
        ],
        "not_eligible",
        {"diploma_level": 0, "professional_experience_years": 0.0},
    ),
    (
        "en",
        ["the games master at ENJMIN", "no", "I have a bachelor from Brazil", "B1", "initial education"],
        ["programme", "polytechnique_4a", "diploma_level", "french_level", "training_mode", None],
        "direct",
        {"diploma_level": 3, "foreign_diploma": True, "french_level": "B1"},
    ),
    (
        "en",
        ["enjmin", "no", "master", "yes", "yes", "native", "apprenticeship"],
        [
            "programme",
            "polytechnique_4a",
            "diploma_level",
            "diploma_rncp",
            "foreign_diploma",
            "french_level",
            "training_mode",
            None,
        ],
        "direct",
        {"diploma_level": 5, "diploma_rncp": True},
    ),
    (
        "en",
        ["enjmin", "No.", "high school", "no", "more than 3 years", "work-study"],
        [
            "programme",
            "polytechnique_4a",
            "diploma_level",
            "foreign_diploma",
            "professional_experience_years",
            "training_mode",
            None,
        ],
        "vapp",
        {"diploma_level": 0, "professional_experience_years": 3.5},
    ),
    ("en", ["iim", "yes"], ["programme", "repeated_year", None], "direct", {"repeated_year": True}),
    ("fr", ["IIM", "non"], ["programme", "repeated_year", None], "direct", {"repeated_year": False}),
]


@pytest.mark.parametrize(("lang", "messages", "asked", "path", "facts"), CONVERSATIONS)
def test_free_text_conversations(q, lang, messages, asked, path, facts) -> None:
    step, fields = talk(q, lang, messages)
    assert fields == asked
    assert step.done and step.checklist is not None and step.error is None
    assert step.checklist.path == path and step.checklist.language == lang
    assert step.checklist.missing_profile_fields == []
    profile = q.profile(step.state)
    for name, value in facts.items():
        assert getattr(profile, name) == value, name
    assert {b.action for b in step.choices} == {"qa:back", "qa:restart"}


def test_dont_know_is_listed_as_missing(q) -> None:
    step, fields = talk(q, "fr", ["enjmin", "non", "licence", "je sais pas", "B2", "initiale"])
    assert fields[3] == "foreign_diploma" and step.done
    c = step.checklist
    assert c.path == "direct"  # a licence is RNCP: the path does not depend on the answer
    assert [m.field for m in c.missing_profile_fields] == ["foreign_diploma"]
    assert any(i.conditional and i.id == "requirement:enic_naric" for i in c.items)


def test_dont_know_on_a_path_question_leaves_the_path_open(q) -> None:
    step, _ = talk(q, "en", ["enjmin", "I don't know"] + ["I don't know"] * 6)
    assert step.done
    assert step.checklist.path is None and step.checklist.eligible is None
    assert "polytechnique_4a" in [m.field for m in step.checklist.missing_profile_fields]


def test_buttons_only(q) -> None:
    step = q.start("fr")
    assert [b.action for b in step.choices][:2] == ["qa:enjmin", "qa:iim"]
    for action in ["qa:enjmin", "qa:no", "qa:3", "qa:yes", "qa:yes", "qa:native", "qa:initiale"]:
        assert action in [b.action for b in step.choices], (action, step.field)
        step = say(q, step, action)
    assert step.done and step.checklist.path == "direct"


def test_not_understood_reasks_the_same_question(q) -> None:
    step, _ = talk(q, "fr", ["enjmin", "non"])
    before = step.state
    again = say(q, step, "banane")
    assert again.field == "diploma_level" and again.error and not again.done
    assert again.state["answers"] == before["answers"]
    assert say(q, again, "qa:42").error  # out of range button value
    en = say(q, q.start("en", "enjmin"), "purple")
    assert en.error and "understand" in en.error and en.field == "polytechnique_4a"
    assert say(q, q.start("fr"), "Sorbonne").field == "programme"


def test_back_undoes_the_last_answer_and_what_it_implied(q) -> None:
    step, _ = talk(q, "fr", ["enjmin", "non", "I have a bachelor from Brazil"])
    assert step.state["answers"]["foreign_diploma"] is True
    back = say(q, step, "retour")
    assert back.field == "diploma_level"
    assert "foreign_diploma" not in back.state["answers"] and "diploma_level" not in back.state["answers"]
    step = say(q, back, "bac+2")
    assert step.field == "foreign_diploma"
    back = say(q, say(q, step, "qa:back"), "qa:back")
    assert back.field == "polytechnique_4a"
    back = say(q, back, "qa:back")
    assert back.field == "programme" and back.state["programme"] is None
    # back at the very start does nothing harmful
    assert say(q, back, "qa:back").field == "programme"


def test_back_from_the_checklist(q) -> None:
    step, _ = talk(q, "en", ["iim", "no"])
    assert step.done
    back = say(q, step, "qa:back")
    assert back.field == "repeated_year" and not back.done


@pytest.mark.parametrize("word", ["recommencer", "restart", "qa:restart"])
def test_restart(q, word: str) -> None:
    step, _ = talk(q, "fr", ["enjmin", "non", "L3"])
    again = say(q, step, word)
    assert again.field == "programme" and again.state["answers"] == {} and again.state["lang"] == "fr"


def test_fixed_programme_is_kept_on_restart_and_back(q) -> None:
    step = q.start("en", programme="enjmin")
    assert step.field == "polytechnique_4a" and "qa:back" not in [b.action for b in step.choices]
    step = say(q, say(q, step, "no"), "restart")
    assert step.field == "polytechnique_4a" and step.state["programme"] == "enjmin"
    with pytest.raises(ValueError):
        q.start("fr", programme="nope")


def test_done_state_shows_the_checklist_again_and_bad_state_restarts(q) -> None:
    step, _ = talk(q, "en", ["iim", "no"])
    again = say(q, step, "thanks")
    assert again.done and again.checklist == step.checklist
    fresh = q.answer({"garbage": True}, "hello")
    assert fresh.field == "programme"


def test_only_the_programmes_questions_are_asked(q, kb) -> None:
    for pid in kb.programmes:
        step = q.start("fr", pid)
        seen = set()
        while not step.done:
            seen.add(step.field)
            step = say(q, step, "qa:unknown")
        assert seen <= set(kb.programmes[pid].file.profile_questions)
