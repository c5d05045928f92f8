"""The shared core's decisions: answer, clarify, decline; language; programme context; time."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.context import Conversation
from assistant.engine import Assistant
from assistant.text.normalize import fold


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.load()


def ask(assistant: Assistant, text: str, **kw):  # type: ignore[no-untyped-def]
    conv = kw.pop("conv", None) or Conversation(bound_programme=kw.pop("programme", None))
    return assistant.ask(text, conv, today=kw.pop("today", date(2026, 1, 10)), **kw)


@pytest.mark.parametrize(
    ("question", "intent", "lang"),
    [
        ("kan c la date limite pr l'enjmin stp", "enjmin.deadline", "fr"),
        ("ENJMIN: until when can I upload my file??", "enjmin.deadline", "en"),
        ("les oraux enjmin ils ont lieu qd", "enjmin.oral_exams", "fr"),
        ("contact mail enjmin", "enjmin.contact", "fr"),
        ("iim: faut combien d'annees de bulletins si g redoublé", "iim.transcripts", "fr"),
        ("Is a portfolio compulsory for IIM?", "iim.optional_documents", "en"),
        ("IIM refund if I drop out for personal reasons", "iim.withdrawal_refund", "en"),
        ("enjmin mon master obligatoire ?", "enjmin.mon_master", "fr"),
    ],
)
def test_answers_paraphrases_in_the_right_language(
    assistant: Assistant, question: str, intent: str, lang: str
) -> None:
    reply = ask(assistant, question)
    assert reply.decision == "answer"
    assert reply.intent == intent
    assert reply.language == lang
    assert reply.source is not None


def test_countdown_and_past_dates(assistant: Assistant) -> None:
    before = ask(assistant, "date limite enjmin", today=date(2026, 1, 10)).plain_text()
    assert "dans 13 jours" in before and "23 janvier 2026" in before
    after = ask(assistant, "date limite enjmin", today=date(2026, 2, 20)).plain_text()
    assert "est passée" in after and "dans " not in after
    english = ask(assistant, "ENJMIN deadline?", today=date(2026, 1, 10)).plain_text()
    assert "in 13 days" in english and "UTC+1" in english


def test_deadline_day_says_today_with_the_hour(assistant: Assistant) -> None:
    text = ask(assistant, "date limite enjmin ?", today=date(2026, 1, 23)).plain_text()
    assert "aujourd'hui" in text and "12h" in text


def test_session_over_is_said_with_contact(assistant: Assistant) -> None:
    reply = ask(assistant, "calendrier du concours enjmin", today=date(2026, 11, 22))
    text = reply.plain_text()
    assert "terminée" in text and "master.enjmin@lecnam.net" in text
    import re

    assert not re.search(r"dans \d+ jours", text)


def test_ambiguous_question_asks_which_programme(assistant: Assistant) -> None:
    reply = ask(assistant, "c'est quand la date limite ?")
    assert reply.decision == "clarify"
    assert {b.action for b in reply.buttons} == {"programme:iim", "programme:enjmin"}


def test_programme_button_answers_the_pending_question(assistant: Assistant) -> None:
    conv = Conversation()
    first = assistant.ask("quels documents faut-il envoyer ?", conv, today=date(2026, 1, 10))
    assert first.decision == "clarify"
    second = assistant.press("programme:iim", conv, today=date(2026, 1, 10))
    assert second.decision == "answer" and second.intent == "iim.mandatory_documents"


def test_follow_up_keeps_programme(assistant: Assistant) -> None:
    conv = Conversation()
    assistant.ask("date limite enjmin", conv, today=date(2026, 1, 10))
    reply = assistant.ask("et pour les étrangers ?", conv, today=date(2026, 1, 10))
    assert reply.programme == "enjmin"
    assert reply.decision == "answer"


@pytest.mark.parametrize(
    "question",
    [
        "quel temps fait-il à Lyon ?",
        "donne moi une recette de tarte",
        "combien coûte l'année à l'ENJMIN ?",
        "Who won the football match?",
        "logement étudiant près de l'école ?",
    ],
)
def test_out_of_scope_is_declined_with_contacts(assistant: Assistant, question: str) -> None:
    reply = ask(assistant, question)
    assert reply.decision == "decline"
    assert reply.intent is None
    assert "@" in reply.plain_text() or "page" in reply.plain_text()


def test_never_invents_iim_fee_amount(assistant: Assistant) -> None:
    text = ask(assistant, "combien coûtent les frais de dossier à l'IIM ?").plain_text()
    assert "€" not in text and "euro" not in fold(text)
    assert "fiche tarif" in fold(text)


def test_programme_answers_do_not_mix(assistant: Assistant) -> None:
    iim = fold(ask(assistant, "quelles pièces pour le dossier IIM ?").plain_text())
    assert "enjmin" not in iim and "mon master" not in iim
    enjmin = fold(ask(assistant, "quelles pièces pour le dossier ENJMIN ?").plain_text())
    assert "iim" not in enjmin and "fiche tarif" not in enjmin


def test_reload_keeps_last_good_knowledge(assistant: Assistant, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from assistant.kb.loader import default_root

    for f in default_root().glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    local = Assistant.load(tmp_path)
    (tmp_path / "enjmin.yaml").write_text("programme: [broken", encoding="utf-8")
    problems = local.reload()
    assert problems and problems[0].file.endswith("enjmin.yaml")
    assert local.ask("date limite enjmin", today=date(2026, 1, 10)).intent == "enjmin.deadline"
