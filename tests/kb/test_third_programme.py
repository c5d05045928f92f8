"""Adding a programme needs no code change: one more YAML file in the knowledge folder is enough.

The folder is built at test time (fixture `kb_three`): the live knowledge/*.yaml plus the fictional
programme tests/fixtures/thirdprog.yaml (id `ecole_demo`), so the fixture never goes stale. The new
programme answers topics that already exist (topics.yaml is not touched): it is understood through the
examples every programme shares, and recognised by its own names and descriptions.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from adapters.cli.main import main as cli_main
from assistant.checklist import Profile, build_checklist
from assistant.context import Conversation
from assistant.engine import Assistant
from assistant.kb.loader import MIN_EXAMPLES, check, load
from assistant.text.normalize import normalize

from .support import FIXTURES, KNOWLEDGE, copy_knowledge, read_yaml

TODAY = date(2026, 1, 10)
"""Before every date of the fixture and of ENJMIN: answers carry a countdown, never "past"."""

FIXTURE = FIXTURES / "thirdprog.yaml"


def fixture_data() -> dict:
    return read_yaml(FIXTURE)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """One assistant for the module; conversations are per test. Its topic model is trained once for
    these files, then read from the cache (keyed by the examples and names, not by the folder)."""
    folder = copy_knowledge(tmp_path_factory.mktemp("kb_three") / "knowledge")
    shutil.copy(FIXTURE, folder / "ecole_demo.yaml")
    return Assistant(load(folder, cache=False), folder)  # no validated-KB cache entry per temporary folder


def ask(assistant: Assistant, question: str, conv: Conversation | None = None):  # type: ignore[no-untyped-def]
    return assistant.ask(question, conv if conv is not None else Conversation(), today=TODAY)


# --------------------------------------------------------------------------- the file alone


def test_fixture_is_a_complete_programme_in_the_new_format() -> None:
    data = fixture_data()
    assert "intents" not in data and data["programme"]["id"] == "ecole_demo"
    assert data["programme"]["contacts"] and data["events"] and data["documents"] and data["eligibility"]
    assert data["programme"]["aliases"] and data["programme"]["descriptions"]
    assert all("+" in str(e["start"]) or "T" not in str(e["start"]) for e in data["events"])
    answers = data["answers"]
    assert len(answers) >= 5
    for a in answers:
        assert set(a) >= {"topic", "answer"} and "id" not in a, a
        assert "{" in a["answer"]["fr"] and "{" in a["answer"]["en"], a["topic"]  # facts cited, not copied


def test_fixture_reuses_the_existing_topics_and_their_examples() -> None:
    """Every answer is to a faq topic that already has its examples: the new file brings at most a
    few of its own, not the ten per topic a new topic would need."""
    topics = {t["id"]: t for t in read_yaml(KNOWLEDGE / "topics.yaml")["topics"]}
    own = 0
    for a in fixture_data()["answers"]:
        topic = topics[a["topic"]]
        assert topic.get("kind", "faq") == "faq", a["topic"]
        assert len(topic["examples"]["fr"]) + len(topic["examples"]["en"]) >= MIN_EXAMPLES
        own += sum(len(v) for v in a.get("examples", {}).values())
    assert 0 < own < MIN_EXAMPLES


def test_fixture_names_and_descriptions_belong_to_no_other_programme() -> None:
    mine = {normalize(x) for p in [fixture_data()["programme"]] for x in p["aliases"] + p["descriptions"]}
    for name in ("enjmin.yaml", "iim.yaml"):
        other = read_yaml(KNOWLEDGE / name)["programme"]
        theirs = {normalize(x) for x in [other["id"], *other["aliases"], *other.get("descriptions", [])]}
        assert not mine & theirs, (name, mine & theirs)


# --------------------------------------------------------------------------- the checker


def test_check_passes_with_three_programmes(kb_three: Path) -> None:
    bundled, _ = check(KNOWLEDGE)
    kb, problems = check(kb_three)
    assert problems == [], "\n".join(str(p) for p in problems)
    assert bundled is not None and kb is not None
    assert set(kb.programmes) == {"enjmin", "iim", "ecole_demo"}
    assert list(kb.topics) == list(bundled.topics)  # no topic added for the new programme
    answers = fixture_data()["answers"]
    assert kb.summary()["answers"] == bundled.summary()["answers"] + len(answers)
    assert {f"ecole_demo.{a['topic']}" for a in answers} <= set(kb.answer_ids())
    assert "ecole_demo" in kb.answering("deadline") and "ecole_demo" not in kb.answering("mon_master")
    # its own examples are pooled into the topics, like every other example
    assert ("how many projects go in the École Démo portfolio?", "documents") in kb.examples()
    assert kb.summary()["examples"] > bundled.summary()["examples"]


def test_kb_check_command_counts_three_programmes(kb_three: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb, _ = check(kb_three)
    assert kb is not None
    s = kb.summary()
    assert cli_main(["kb", "check", str(kb_three)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"OK: 3 programmes, {s['topics']} topics, {s['answers']} answers, ")


def test_checker_reports_a_mistake_in_the_new_file(kb_three: Path) -> None:
    path = kb_three / "ecole_demo.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{date:portfolio_deadline}. {policy", "{date:deadline}. {policy"), "utf-8")
    _, problems = check(kb_three)
    assert problems and all(Path(p.file).name == "ecole_demo.yaml" for p in problems)
    assert {p.entry for p in problems} == {"ecole_demo.deadline"}
    assert all("missing event `deadline`" in p.message for p in problems)


# --------------------------------------------------------------------------- the assistant


@pytest.mark.parametrize(
    ("question", "intent", "expected"),
    [
        ("Quelle est la date limite de l'École Démo ?", "ecole_demo.deadline", "vendredi 6 mars 2026 à 17h"),
        ("What is the deadline for Ecole Demo?", "ecole_demo.deadline", "Friday 6 March 2026 at 17:00"),
        ("comment contacter l'école démo ?", "ecole_demo.contact", "admissions@ecole-demo.example"),
        ("How do I contact the demo school?", "ecole_demo.contact", "admissions@ecole-demo.example"),
        ("quels documents pour l'école démo ?", "ecole_demo.documents", "Portfolio (15 projets maximum)"),
        ("When are the École Démo interviews?", "ecole_demo.interview", "14 April"),
    ],
)
def test_new_programme_named_is_answered_with_its_own_facts(
    assistant: Assistant, question: str, intent: str, expected: str
) -> None:
    assert assistant.reader.read(question).mention.named == ["ecole_demo"]
    reply = ask(assistant, question)
    assert reply.decision == "answer", reply.plain_text()
    assert (reply.intent, reply.programme) == (intent, "ecole_demo")
    assert expected in reply.plain_text()


@pytest.mark.parametrize(
    ("question", "intent", "expected"),
    [
        (
            "c'est quand la date limite de l'école de design de Roubaix ?",
            "ecole_demo.deadline",
            "6 mars 2026",
        ),
        ("what documents does the design school need?", "ecole_demo.documents", "Curriculum vitae"),
    ],
)
def test_new_programme_described_is_answered(
    assistant: Assistant, question: str, intent: str, expected: str
) -> None:
    """Recognised by a description of its own (a place, a kind of school), without its name."""
    mention = assistant.reader.read(question).mention
    assert mention.named == [] and mention.described == ["ecole_demo"]
    reply = ask(assistant, question)
    assert reply.decision == "answer", reply.plain_text()
    assert (reply.intent, reply.programme) == (intent, "ecole_demo")
    assert expected in reply.plain_text()


def test_new_programme_answer_uses_no_other_programme_fact(assistant: Assistant) -> None:
    text = ask(assistant, "Quelle est la date limite de l'École Démo ?").plain_text()
    assert "23 janvier" not in text and "lecnam" not in text
    assert "https://ecole-demo.example/admissions" in text  # its own source page


def test_topic_the_new_programme_does_not_answer_names_its_own_contact(assistant: Assistant) -> None:
    reply = ask(assistant, "is there a waiting list at École Démo?")
    assert (reply.decision, reply.intent, reply.programme) == (
        "answer",
        "ecole_demo.waiting_list",
        "ecole_demo",
    )
    text = reply.plain_text()
    assert "says nothing" in text and "admissions@ecole-demo.example" in text and "iim" not in text.lower()


@pytest.mark.parametrize(
    ("question", "intent", "expected"),
    [
        ("date limite enjmin", "enjmin.deadline", "vendredi 23 janvier 2026 à 12h"),
        ("ENJMIN deadline?", "enjmin.deadline", "Friday 23 January 2026 at 12:00"),
        ("quel est le mail de l'enjmin ?", "enjmin.contact", "master.enjmin@lecnam.net"),
        ("quelles pièces fournir pour l'iim ?", "iim.documents", "Lettre de motivation"),
        ("If I withdraw from IIM, do I get a refund?", "iim.withdrawal_refund", "not refunded"),
    ],
)
def test_existing_programmes_are_still_answered(
    assistant: Assistant, question: str, intent: str, expected: str
) -> None:
    reply = ask(assistant, question)
    assert reply.decision == "answer", reply.plain_text()
    assert reply.intent == intent
    assert expected in reply.plain_text()


def test_question_naming_no_programme_answers_the_new_programme_too(assistant: Assistant) -> None:
    reply = ask(assistant, "c'est quand la date limite ?")
    assert (reply.decision, reply.intent, reply.programme) == ("answer", "deadline", None)
    assert {b.action for b in reply.suggestions} == {
        "topic:deadline@ecole_demo",
        "topic:deadline@enjmin",
        "topic:deadline@iim",
    }
    text = reply.plain_text()
    assert "École Démo" in text and "6 mars 2026" in text  # its short answer, with its own date
    assert "23 janvier 2026" in text


def test_clarification_offers_the_new_programme(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.composer as composer

    monkeypatch.setattr(composer, "MAX_COMPACT_CHARS", 50)  # too long for one reply: ask which programme
    conv = Conversation()
    reply = ask(assistant, "quels documents faut-il envoyer ?", conv)
    assert reply.decision == "clarify"
    assert {b.action for b in reply.buttons} == {
        "topic:documents@ecole_demo",
        "topic:documents@enjmin",
        "topic:documents@iim",
    }
    assert "École Démo" in reply.plain_text()
    pressed = assistant.press("topic:documents@ecole_demo", conv, today=TODAY)
    assert (pressed.decision, pressed.intent) == ("answer", "ecole_demo.documents")
    answered = ask(assistant, "école démo", conv)  # or answering "which programme?" with its name
    assert (answered.decision, answered.intent) == ("answer", "ecole_demo.documents"), answered.plain_text()


def test_topic_of_another_programme_only_leaves_the_new_one_out(assistant: Assistant) -> None:
    reply = ask(assistant, "mon master c obligatoire ?")
    assert (reply.decision, reply.programme) == ("answer", "enjmin")


def test_general_answers_list_the_new_programme(assistant: Assistant) -> None:
    hello = ask(assistant, "bonjour").plain_text()
    assert "École Démo" in hello and "Cnam-ENJMIN" in hello
    human = ask(assistant, "je veux parler à quelqu'un").plain_text()
    assert "admissions@ecole-demo.example" in human and "master.enjmin@lecnam.net" in human


def test_conversation_stays_on_the_new_programme(assistant: Assistant) -> None:
    conv = Conversation()
    first = ask(assistant, "Quelle est la date limite de l'École Démo ?", conv)
    assert first.programme == "ecole_demo"
    follow = ask(assistant, "et comment les contacter ?", conv)
    assert follow.decision == "answer" and follow.programme == "ecole_demo", follow.plain_text()
    assert "admissions@ecole-demo.example" in follow.plain_text()
    other = ask(assistant, "et pour l'enjmin ?", conv)
    assert (other.decision, other.intent) == ("answer", "enjmin.contact"), other.plain_text()


def test_checklist_for_the_new_programme(kb_three: Path) -> None:
    kb, problems = check(kb_three)
    assert kb is not None and not problems
    checklist = build_checklist(kb, Profile(programme="ecole_demo", diploma_level=0), TODAY)
    assert checklist.eligible is True and checklist.path == "direct"
    ids = {item.id for item in checklist.items}
    assert any("portfolio" in i for i in ids), ids
