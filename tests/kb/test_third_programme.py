"""Adding a programme needs no code change: one more YAML file in the knowledge folder is enough.

The folder is built at test time (fixture `kb_three`): the live knowledge/*.yaml plus the fictional
programme tests/fixtures/thirdprog.yaml (id `ecole_demo`), so the fixture never goes stale.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.checklist import Profile, build_checklist
from assistant.cli import main as cli_main
from assistant.context import Conversation
from assistant.engine import Assistant
from assistant.kb.loader import check

from .support import FIXTURES, copy_knowledge

TODAY = date(2026, 1, 10)
"""Before every date of the fixture and of ENJMIN: answers carry a countdown, never "past"."""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """One assistant for the module (building the matcher is the slow part); conversations are per test."""
    folder = copy_knowledge(tmp_path_factory.mktemp("kb_three") / "knowledge")
    shutil.copy(FIXTURES / "thirdprog.yaml", folder / "ecole_demo.yaml")
    return Assistant.load(folder)


def test_fixture_is_a_complete_programme() -> None:
    data = yaml.safe_load((FIXTURES / "thirdprog.yaml").read_text(encoding="utf-8"))
    assert data["programme"]["id"] == "ecole_demo"
    assert data["programme"]["contacts"] and data["events"] and data["documents"] and data["eligibility"]
    assert all("+" in str(e["start"]) or "T" not in str(e["start"]) for e in data["events"])
    faq = [i for i in data["intents"] if i.get("kind", "faq") == "faq"]
    assert len(faq) >= 3
    for intent in faq:
        assert len(intent["examples"]["fr"]) >= 10 and len(intent["examples"]["en"]) >= 10, intent["id"]
        assert "{" in intent["answer"]["fr"] and "{" in intent["answer"]["en"], intent["id"]


def test_check_passes_with_three_programmes(kb_three: Path) -> None:
    kb, problems = check(kb_three)
    assert problems == [], "\n".join(str(p) for p in problems)
    assert kb is not None and set(kb.programmes) == {"enjmin", "iim", "ecole_demo"}
    assert {i.scope for i in kb.intents.values()} >= {"general", "enjmin", "iim", "ecole_demo"}


def test_kb_check_command_counts_three_programmes(kb_three: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["kb", "check", str(kb_three)]) == 0
    assert capsys.readouterr().out.startswith("OK: 3 programmes")


@pytest.mark.parametrize(
    ("question", "intent", "expected"),
    [
        ("Quelle est la date limite de l'École Démo ?", "ecole_demo.deadline", "vendredi 6 mars 2026 à 17h"),
        ("What is the deadline for Ecole Demo?", "ecole_demo.deadline", "Friday 6 March 2026 at 17:00"),
        ("comment contacter l'école démo ?", "ecole_demo.contact", "admissions@ecole-demo.example"),
        ("How do I contact the demo school?", "ecole_demo.contact", "admissions@ecole-demo.example"),
        ("quels documents pour l'école démo ?", "ecole_demo.documents", "Portfolio (15 projets maximum)"),
        ("When are the École Démo interviews?", "ecole_demo.calendar", "14 April"),
    ],
)
def test_new_programme_is_answered_with_its_own_facts(
    assistant: Assistant, question: str, intent: str, expected: str
) -> None:
    reply = assistant.ask(question, Conversation(), today=TODAY)
    assert reply.decision == "answer", reply.plain_text()
    assert (reply.intent, reply.programme) == (intent, "ecole_demo")
    assert expected in reply.plain_text()


def test_new_programme_answer_uses_no_other_programme_fact(assistant: Assistant) -> None:
    text = assistant.ask(
        "Quelle est la date limite de l'École Démo ?", Conversation(), today=TODAY
    ).plain_text()
    assert "23 janvier" not in text and "lecnam" not in text
    assert "https://ecole-demo.example/admissions" in text  # its own source page


@pytest.mark.parametrize(
    ("question", "intent", "expected"),
    [
        ("date limite enjmin", "enjmin.deadline", "vendredi 23 janvier 2026 à 12h"),
        ("ENJMIN deadline?", "enjmin.deadline", "Friday 23 January 2026 at 12:00"),
        ("quel est le mail de l'enjmin ?", "enjmin.contact", "master.enjmin@lecnam.net"),
        ("quelles pièces fournir pour l'iim ?", "iim.mandatory_documents", "Lettre de motivation"),
        ("If I withdraw from IIM, do I get a refund?", "iim.withdrawal_refund", "not refunded"),
    ],
)
def test_existing_programmes_are_still_answered(
    assistant: Assistant, question: str, intent: str, expected: str
) -> None:
    reply = assistant.ask(question, Conversation(), today=TODAY)
    assert reply.decision == "answer", reply.plain_text()
    assert reply.intent == intent
    assert expected in reply.plain_text()


def test_unscoped_question_offers_the_new_programme(assistant: Assistant) -> None:
    reply = assistant.ask("date limite ?", Conversation(), today=TODAY)
    assert reply.decision == "clarify"
    assert "programme:ecole_demo" in {b.action for b in reply.buttons}


def test_conversation_stays_on_the_new_programme(assistant: Assistant) -> None:
    conv = Conversation()
    first = assistant.ask("Quelle est la date limite de l'École Démo ?", conv, today=TODAY)
    assert first.programme == "ecole_demo"
    follow = assistant.ask("et comment les contacter ?", conv, today=TODAY)
    assert follow.decision == "answer" and follow.programme == "ecole_demo", follow.plain_text()
    assert "admissions@ecole-demo.example" in follow.plain_text()


def test_checklist_for_the_new_programme(kb_three: Path) -> None:
    kb, problems = check(kb_three)
    assert kb is not None and not problems
    checklist = build_checklist(kb, Profile(programme="ecole_demo", diploma_level=0), TODAY)
    assert checklist.eligible is True and checklist.path == "direct"
    ids = {item.id for item in checklist.items}
    assert any("portfolio" in i for i in ids), ids
