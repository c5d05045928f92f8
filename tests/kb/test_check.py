"""`check()` and `candidate-assistant kb check`: every kind of mistake staff can make in a knowledge file is
reported at the right file, line and entry, and never as a traceback.

Each test copies knowledge/ into a temporary folder, breaks one thing with a precise text edit, and
computes the position it expects from the edited text (`where`), not from hard-coded line numbers.
`check()` only validates: no test here trains the topic model, except the two that run the whole
command on the bundled knowledge (its model is cached after the first run).
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli.main import main as cli_main
from assistant.kb.loader import MIN_EXAMPLES, REQUIRED_TEXTS, SHARED_FILES, KnowledgeBase, Problem, check
from assistant.kb.templates import KINDS

from .support import KNOWLEDGE, REPO, edit, problem_at, same_file, where

DEADLINE_FR = "L'inscription au concours doit impérativement être finalisée (dossier complet) avant le {date:deadline}, sur"
"""Start of the French answer of `enjmin.deadline`: the place where placeholder tests edit."""

DEADLINE_SHORT_FR = '      fr: "dossier complet avant le {date:deadline}."\n'
"""The French `short` of `enjmin.deadline`."""

SUBJECT_START = "    start: 2025-12-12T15:00:00+01:00\n"
"""The start of event `subject_release` (enjmin.yaml), the first event of the file."""

PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<entry>\S+): .+ — .+$")


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    """The bundled knowledge as `check()` reads it (validated, never trained)."""
    kb, problems = check(KNOWLEDGE)
    assert kb is not None and not problems
    return kb


def only_in(problems: list[Problem], path: Path) -> None:
    """Every problem is in `path`: a broken file does not cascade into problems elsewhere."""
    elsewhere = [str(p) for p in problems if not same_file(p, path)]
    assert not elsewhere, "\n".join(elsewhere)


def topic_row(path: Path, topic_id: str) -> tuple[int, int]:
    """(line, column) of the `id` key of topic `topic_id` in topics.yaml."""
    return where(path, f"  - id: {topic_id}\n", start=len("  - "))


# --------------------------------------------------------------------------- the bundled knowledge


def test_bundled_knowledge_has_no_problem() -> None:
    kb, problems = check(KNOWLEDGE)
    assert problems == [], "\n".join(str(p) for p in problems)
    assert kb is not None
    assert set(kb.programmes) == {"enjmin", "iim"}
    summary = kb.summary()
    assert set(summary) == {"programmes", "topics", "answers", "examples", "events"}
    assert summary["topics"] == len(kb.topics) > 0
    assert summary["answers"] == sum(len(p.answers) for p in kb.programmes.values()) > 0
    assert summary["examples"] == len(kb.examples()) >= MIN_EXAMPLES * len(kb.topics)
    assert set(kb.texts) >= set(REQUIRED_TEXTS)


def test_every_bundled_topic_has_enough_examples_in_both_languages(bundled: KnowledgeBase) -> None:
    for topic in bundled.topics.values():
        assert topic.examples.fr and topic.examples.en, topic.id
        assert len(topic.examples.fr) + len(topic.examples.en) >= MIN_EXAMPLES, topic.id


def test_every_bundled_topic_is_answered(bundled: KnowledgeBase) -> None:
    """A faq topic by at least one programme (and by none in topics.yaml); any other kind here."""
    for topic in bundled.topics.values():
        if topic.kind == "faq":
            assert bundled.answering(topic.id) and topic.answer is None, topic.id
        else:
            assert topic.answer is not None and not bundled.answering(topic.id), topic.id
    for pid, p in bundled.programmes.items():
        for answer in p.file.answers:
            assert answer.id == f"{pid}.{answer.topic}"
            assert bundled.answer(pid, answer.topic) is answer


def test_problem_prints_as_file_line_column_entry_message_hint(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, SUBJECT_START, "    start: 2025-12-12T15:00:00\n")
    _, problems = check(kb_copy)
    line, column = where(path, "start: 2025-12-12T15:00:00\n")
    problem = problem_at(problems, path, line, "subject_release", "time zone")
    assert (
        str(problem) == f"{problem.file}:{line}:{column}: subject_release: {problem.message} — {problem.hint}"
    )


def test_missing_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    kb, problems = check(tmp_path / "nowhere")
    assert kb is None
    assert len(problems) == 1 and "not found" in problems[0].message


# --------------------------------------------------------------------------- YAML syntax


def test_yaml_syntax_error_is_reported_where_the_parser_stops(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "    kind: launch\n", "    kind: launch: now\n")
    _, problems = check(kb_copy)
    line, column = where(path, ": now")  # the second colon on the line is the mistake
    problem = problem_at(problems, path, line, "-", "YAML syntax")
    assert problem.column == column
    assert "YAML" in problem.hint
    # the broken file is skipped as a whole: no cascade of follow-on problems in the other files (its
    # answers are unknown, so the topics only it answers are not "unanswered")
    only_in(problems, path)


def test_yaml_duplicate_key_is_reported_at_the_second_key(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(
        path,
        '    title: {fr: "Désistement", en: "Withdrawal"}\n',
        '    title: {fr: "Désistement", en: "Withdrawal", fr: "Désistement bis"}\n',
    )
    _, problems = check(kb_copy)
    line, column = where(path, 'fr: "Désistement bis"')
    problem = problem_at(problems, path, line, "-", "appears twice")
    assert problem.column == column


def test_yaml_merge_key_is_refused(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "  short_name: Cnam-ENJMIN\n", "  short_name: Cnam-ENJMIN\n  <<: {session: '2027'}\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "<<:")
    problem_at(problems, path, line, "-", "merge")


@pytest.mark.parametrize("value", ["!!python/object/apply:os.getcwd []", "!!python/name:os.getcwd ''"])
def test_yaml_python_tag_is_never_executed(kb_copy: Path, value: str) -> None:
    """Safe loading: a python tag is refused or read as plain data, and the file is then reported."""
    path = kb_copy / "enjmin.yaml"
    edit(path, "  short_name: Cnam-ENJMIN\n", f"  short_name: {value}\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "!!python")
    problem_at(problems, path, line, None)


def test_empty_and_non_mapping_files(kb_copy: Path) -> None:
    (kb_copy / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (kb_copy / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    _, problems = check(kb_copy)
    empty = problem_at(problems, kb_copy / "empty.yaml", 1, "-", "empty")
    assert "`programme:`" in empty.hint  # any other file is a programme file
    problem_at(problems, kb_copy / "list.yaml", 1, "-", "not a mapping")


@pytest.mark.parametrize(
    ("name", "start"), [("topics.yaml", "topics"), ("glossary.yaml", "glossary"), ("texts.yaml", "texts")]
)
def test_empty_shared_file_says_how_it_starts(kb_copy: Path, name: str, start: str) -> None:
    assert name in SHARED_FILES
    path = kb_copy / name
    path.write_text("", encoding="utf-8")
    _, problems = check(kb_copy)
    problem = problem_at(problems, path, 1, "-", "empty")
    assert f"`{start}:`" in problem.hint
    assert not any("is missing" in p.message and name in p.message for p in problems)


def test_file_that_is_not_utf8(kb_copy: Path) -> None:
    (kb_copy / "latin1.yaml").write_bytes("programme:\n  id: caf\xe9\n".encode("latin-1"))
    _, problems = check(kb_copy)
    problem = problem_at(problems, kb_copy / "latin1.yaml", 2, "-", "cannot read", "not UTF-8")
    assert problem.column == len("  id: caf") + 1  # at the byte that is not UTF-8
    assert "UTF-8" in problem.hint


def test_impossible_calendar_date_is_a_problem(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "    start: 2026-02-17\n", "    start: 2026-02-30\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "2026-02-30")
    problem_at(problems, path, line, "-")


SHARED_SYNTAX_ERRORS = {
    "topics.yaml": ("    kind: greeting\n", "    kind: greeting: hello\n", ": hello"),
    "glossary.yaml": ('    "kan": "quand"\n', '    "kan": quand: when\n', ": when"),
    "texts.yaml": ('    fr: "cette date est passée"\n', "    fr: cette date: est passée\n", ": est passée"),
}


@pytest.mark.parametrize("name", list(SHARED_SYNTAX_ERRORS))
def test_syntax_error_in_a_shared_file_does_not_claim_the_file_is_missing(kb_copy: Path, name: str) -> None:
    old, new, mistake = SHARED_SYNTAX_ERRORS[name]
    path = kb_copy / name
    edit(path, old, new)
    _, problems = check(kb_copy)
    line, column = where(path, mistake)
    problem = problem_at(problems, path, line, "-", "YAML syntax")
    assert problem.column == column
    assert not any("is missing" in p.message for p in problems)
    # what the file defines is unknown, not missing: no unknown topic, text or placeholder elsewhere
    only_in(problems, path)


SHARED_SCHEMA_ERRORS = {
    "topics.yaml": ("    kind: thanks\n", "    kind: merci\n", "kind: merci", "thanks", "kind"),
    "glossary.yaml": ('    "kan": "quand"\n', '    "kan": [quand]\n', '"kan": [quand]', "-", "shorthand.kan"),
    "texts.yaml": ('    en: "in {n} days"\n', "    en: 3\n", "en: 3\n", "-", "texts.in_days.en"),
}


@pytest.mark.parametrize("name", list(SHARED_SCHEMA_ERRORS))
def test_invalid_shared_file_is_reported_alone(kb_copy: Path, name: str) -> None:
    old, new, needle, entry, words = SHARED_SCHEMA_ERRORS[name]
    path = kb_copy / name
    edit(path, old, new)
    _, problems = check(kb_copy)
    line, column = where(path, needle)
    problem = problem_at(problems, path, line, entry, words)
    assert problem.column == column
    only_in(problems, path)


@pytest.mark.parametrize("name", list(SHARED_FILES))
def test_missing_shared_file(kb_copy: Path, name: str) -> None:
    (kb_copy / name).unlink()
    _, problems = check(kb_copy)
    assert [(Path(p.file).name, p.line, p.column, p.entry) for p in problems] == [(name, 1, 1, "-")]
    assert f"{name} is missing" in problems[0].message
    assert all(n in problems[0].hint for n in SHARED_FILES)


def test_no_programme_file(kb_copy: Path) -> None:
    (kb_copy / "iim.yaml").unlink()
    (kb_copy / "enjmin.yaml").unlink()
    _, problems = check(kb_copy)
    assert len(problems) == 1 and "no programme file" in problems[0].message  # not one per topic


# --------------------------------------------------------------------------- schema violations


def test_wrong_type_boolean(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(
        path,
        '    reminder: true\n    title: {fr: "Limite',
        '    reminder: sometimes\n    title: {fr: "Limite',
    )
    _, problems = check(kb_copy)
    line, column = where(path, "reminder: sometimes")
    problem = problem_at(problems, path, line, "deadline", "reminder", "boolean")
    assert problem.column == column


def test_wrong_type_integer_in_a_step(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "  - id: interview\n    order: 2\n", "  - id: interview\n    order: second\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "order: second")
    problem_at(problems, path, line, "interview", "order", "integer")


def test_wrong_type_list_instead_of_text(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "  short_name: Cnam-ENJMIN\n", "  short_name: [Cnam, ENJMIN]\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "short_name:")
    problem_at(problems, path, line, "enjmin", "short_name", "string")


def test_wrong_type_of_descriptions(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "  descriptions: [angouleme,", "  descriptions: [[angouleme],")
    _, problems = check(kb_copy)
    line, column = where(path, "[angouleme]")
    problem = problem_at(problems, path, line, "enjmin", "descriptions.0", "string")
    assert problem.column == column


def test_unknown_field_in_an_event(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "    kind: launch\n", "    kind: launch\n    colour: red\n")
    _, problems = check(kb_copy)
    line, column = where(path, "colour: red")
    problem = problem_at(problems, path, line, "subject_release", "unknown field `colour`")
    assert problem.column == column
    assert "spelling" in problem.hint


def test_misspelt_field_in_an_answer(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "  - topic: contact\n    answer:\n", "  - topic: contact\n    answr:\n")
    _, problems = check(kb_copy)
    line, column = where(path, "answr:")
    problem = problem_at(problems, path, line, "iim.contact", "unknown field `answr`")
    assert problem.column == column
    # and the real field is reported missing, on the answer itself, named `<programme>.<topic>`
    answer_line, _ = where(path, "  - topic: contact\n", start=len("  - "))
    problem_at(problems, path, answer_line, "iim.contact", "`answers.", "answer` is missing")
    # the file is not loaded, but the topics only it answers are not reported unanswered
    only_in(problems, path)


def test_misspelt_field_in_a_topic(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    edit(
        path,
        '  - id: places\n    label: {fr: "Nombre de places"',
        '  - id: places\n    lable: {fr: "Nombre de places"',
    )
    _, problems = check(kb_copy)
    line, _ = where(path, "lable:")
    problem_at(problems, path, line, "places", "unknown field `lable`")
    topic_line, _ = topic_row(path, "places")
    problem_at(problems, path, topic_line, "places", "label` is missing")
    only_in(problems, path)  # the programmes' answers to topics are not checked against a broken file


def test_missing_required_field(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(
        path,
        '    title: {fr: "Lettre de motivation", en: "Motivation letter"}\n    required: true\n',
        '    title: {fr: "Lettre de motivation", en: "Motivation letter"}\n',
    )
    _, problems = check(kb_copy)
    line, _ = where(path, "  - id: motivation_letter\n", start=len("  - "))
    problem = problem_at(problems, path, line, "motivation_letter", "required` is missing")
    assert "required:" in problem.hint


def test_missing_aliases(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  aliases: [iim,")
    path.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")
    _, problems = check(kb_copy)
    line, _ = where(path, "programme:\n")
    problem_at(problems, path, line, "iim", "aliases` is missing")


def test_value_outside_the_allowed_list(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "    kind: launch\n", "    kind: Launch\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "kind: Launch")
    problem_at(problems, path, line, "subject_release", "kind", "'deadline'")


def test_topic_kind_outside_the_allowed_list(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    edit(path, "    kind: greeting\n", "    kind: hello\n")
    _, problems = check(kb_copy)
    line, column = where(path, "kind: hello\n")  # a value is reported at its key
    problem = problem_at(problems, path, line, "greeting", "kind", "'faq'", "'decline'")
    assert problem.column == column


def test_malformed_email(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "      email: master.enjmin@lecnam.net\n", "      email: master.enjmin.lecnam.net\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "email: master.enjmin.lecnam.net")
    problem = problem_at(problems, path, line, "recruitment", "email")
    assert "e-mail" in problem.hint


def test_malformed_id(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "  - id: waiting_list\n", "  - id: Waiting List\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "id: Waiting List")
    problem_at(problems, path, line, "Waiting List", "pattern")


def test_malformed_topic_id(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    edit(path, "  - id: places\n", "  - id: nb-places\n")
    _, problems = check(kb_copy)
    line, column = where(path, "id: nb-places")
    problem = problem_at(problems, path, line, "nb-places", "pattern")
    assert problem.column == column


def test_malformed_answer_topic(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "  - topic: places\n", "  - topic: Places\n")
    _, problems = check(kb_copy)
    line, column = where(path, "topic: Places\n")
    problem = problem_at(problems, path, line, "iim.Places", "topic", "pattern")
    assert problem.column == column


@pytest.mark.parametrize(
    "condition",
    [
        "{field: polytechnique_4a, eq: true, ne: false}",
        "{field: polytechnique_4a}",
        "{all: [{field: polytechnique_4a, eq: true}], any: []}",
    ],
)
def test_condition_needs_exactly_one_operator(kb_copy: Path, condition: str) -> None:
    path = kb_copy / "enjmin.yaml"
    old = "    when: {field: polytechnique_4a, eq: true}\n    link: polytechnique_form\n"
    edit(path, old, f"    when: {condition}\n    link: polytechnique_form\n")
    _, problems = check(kb_copy)
    line, _ = where(path, f"when: {condition}")
    problem_at(problems, path, line, "polytechnique_deadline", "when")


def test_condition_with_unknown_operator(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    old = "    when: {field: polytechnique_4a, eq: true}\n    link: polytechnique_form\n"
    edit(path, old, "    when: {field: polytechnique_4a, equals: true}\n    link: polytechnique_form\n")
    _, problems = check(kb_copy)
    line, column = where(path, "equals: true")
    problem = problem_at(problems, path, line, "polytechnique_deadline", "unknown field `equals`")
    assert problem.column == column


def test_condition_on_a_field_that_is_not_in_the_profile(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    old = "    when: {field: polytechnique_4a, eq: true}\n    link: polytechnique_form\n"
    edit(path, old, "    when: {field: shoe_size, eq: 42}\n    link: polytechnique_form\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "when: {field: shoe_size")
    problem = problem_at(problems, path, line, "polytechnique_deadline", "`shoe_size`", "not a profile field")
    assert "diploma_level" in problem.hint


# --------------------------------------------------------------------------- missing French / English text


@pytest.mark.parametrize(("lang", "word"), [("fr", "French"), ("en", "English")])
def test_missing_translation_of_an_event_title(kb_copy: Path, lang: str, word: str) -> None:
    path = kb_copy / "enjmin.yaml"
    texts = {"fr": '"Lancement du sujet d\'admission"', "en": '"Admission subject released"'}
    kept = "fr" if lang == "en" else "en"
    edit(path, f"title: {{fr: {texts['fr']}, en: {texts['en']}}}", f"title: {{{kept}: {texts[kept]}}}")
    _, problems = check(kb_copy)
    line, _ = where(path, f"title: {{{kept}: {texts[kept]}}}")
    problem = problem_at(problems, path, line, "subject_release", f"title.{lang}` is missing")
    assert word in problem.hint


def test_missing_french_text_of_a_policy(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    old = "    text: {fr: \"Un désistement pour convenance personnelle entraîne l'abandon de toute prérogative relative au remboursement des droits d'inscription : ils ne sont pas remboursés.\", en:"
    edit(path, old, "    text: {en:")
    _, problems = check(kb_copy)
    line, _ = where(path, "    text: {en:", start=4)
    problem = problem_at(problems, path, line, "withdrawal", "text.fr` is missing")
    assert "French" in problem.hint


def test_missing_english_answer_of_an_answer(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, '      en: "{policy:waiting_list}"\n', "")
    _, problems = check(kb_copy)
    line, _ = where(path, '      fr: "{policy:waiting_list}"\n')
    problem = problem_at(problems, path, line - 1, "iim.waiting_list", "answer.en` is missing")
    assert "English" in problem.hint


def test_missing_french_short_of_an_answer(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, DEADLINE_SHORT_FR, "")
    _, problems = check(kb_copy)
    line, _ = where(path, '      en: "complete file before {date:deadline}."\n')
    problem = problem_at(problems, path, line - 1, "enjmin.deadline", "short.fr` is missing")
    assert "French" in problem.hint


def test_missing_english_label_of_a_topic(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    edit(
        path,
        'label: {fr: "Nombre de places", en: "Number of places"}',
        'label: {fr: "Nombre de places"}',
    )
    _, problems = check(kb_copy)
    line, _ = where(path, 'label: {fr: "Nombre de places"}')
    problem = problem_at(problems, path, line, "places", "label.en` is missing")
    assert "English" in problem.hint


def test_missing_english_general_answer_of_a_topic(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    edit(path, '      en: "You\'re welcome! Good luck with your application."\n', "")
    _, problems = check(kb_copy)
    line, _ = where(path, '      fr: "Avec plaisir ! Bonne chance pour votre candidature."\n')
    problem_at(problems, path, line - 1, "thanks", "answer.en` is missing")


def test_empty_english_text(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, 'en: "Admission subject released"', 'en: ""')
    _, problems = check(kb_copy)
    line, column = where(path, 'en: ""')
    problem = problem_at(problems, path, line, "subject_release", "title.en", "at least 1 character")
    assert problem.column == column


# --------------------------------------------------------------------------- texts.yaml


PAST_TEXT = '  past:\n    fr: "cette date est passée"\n    en: "this date has passed"\n'


def test_missing_english_text_of_a_text(kb_copy: Path) -> None:
    path = kb_copy / "texts.yaml"
    edit(path, PAST_TEXT, '  past:\n    fr: "cette date est passée"\n')
    _, problems = check(kb_copy)
    line, _ = where(path, "  past:\n", start=2)
    problem = problem_at(problems, path, line, "-", "texts.past.en` is missing")
    assert "English" in problem.hint
    only_in(problems, path)  # the texts are unknown: `{message:…}` placeholders are not reported


def test_required_text_removed(kb_copy: Path) -> None:
    assert "past" in REQUIRED_TEXTS
    path = kb_copy / "texts.yaml"
    edit(path, PAST_TEXT, "")
    _, problems = check(kb_copy)
    line, _ = where(path, "texts:\n")
    problem = problem_at(problems, path, line, "past", "text `past` is missing")
    assert "texts:" in problem.hint
    assert len(problems) == 1


def test_every_required_text_is_reported_missing(kb_copy: Path) -> None:
    path = kb_copy / "texts.yaml"
    path.write_text('texts:\n  extra: {fr: "en plus", en: "extra"}\n', encoding="utf-8")
    _, problems = check(kb_copy)
    missing = {p.entry for p in problems if same_file(p, path) and p.line == 1 and "is missing" in p.message}
    assert missing == set(REQUIRED_TEXTS)
    # answers that cite a text now missing say so, where they cite it
    iim = kb_copy / "iim.yaml"
    line, _ = where(iim, '      fr: "{message:no_contact}"\n')
    problem_at(problems, iim, line, "iim.contact", "{message:no_contact}", "missing text `no_contact`")


TEXT_READERS = {"t": 0, "msg": 0, "_text": 1, "_ack": 1, "described": 0, "say_text": 0}
"""Functions that read the catalogue, and the position of their key argument: `kb.t`, the service's
`t`, `_text` and `_ack`, the checklist's `msg` (key `checklist_<name>`), Discord's `described`, the
terminal's `say_text`."""


def _keys(node: ast.AST) -> list[str]:
    """The constant keys an argument may be: a string, either branch of `a if c else b`, a dict's values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _keys(node.body) + _keys(node.orelse)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
        return [k for v in node.value.values for k in _keys(v)]
    return []


def code_text_uses(*roots: Path) -> tuple[set[str], set[str]]:
    """(keys, key prefixes) the code passes to the catalogue's readers (default: assistant/, adapters/)."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in [p for root in roots or (REPO / "assistant", REPO / "adapters") for p in root.rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            position = TEXT_READERS.get(name)
            if position is None or len(node.args) <= position:
                continue
            # the checklist's `msg` adds its prefix; timefmt's `msg` parameter is `kb.t` itself
            prefix = "checklist_" if name == "msg" and path.name != "timefmt.py" else ""
            arg = node.args[position]
            keys.update(prefix + key for key in _keys(arg))
            head = (
                arg.values[0] if isinstance(arg, ast.JoinedStr) and arg.values else getattr(arg, "left", None)
            )
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                prefixes.add(prefix + head.value)
    return keys, prefixes


def test_every_text_the_code_reads_is_required(bundled: KnowledgeBase) -> None:
    """A text the code reads must be required: without it, `kb check` would pass and candidates would
    read the bare key (`verdict_yes`). A key the code asks for that is not in the catalogue fails here."""
    keys, prefixes = code_text_uses()
    assert {"past", "in_days", "clarify_programme", "checklist_heading", "forget_done", "command_ask"} <= keys
    assert sorted(keys - set(REQUIRED_TEXTS)) == []
    assert set(REQUIRED_TEXTS) <= set(bundled.texts)
    dynamic = {key for key in bundled.texts for prefix in prefixes if key.startswith(prefix)}
    assert {"scope_channel", "stats_answered", "command_start"} <= dynamic
    assert sorted(dynamic - set(REQUIRED_TEXTS)) == []


def test_a_key_the_code_reads_but_the_catalogue_lacks_is_caught(tmp_path: Path) -> None:
    """The scan sees a mistyped key in code (the test above would then fail), even in a conditional."""
    (tmp_path / "example.py").write_text(
        'text = service._text(who, "forgett_done")\nlabel = msg("headng" if x else "heading", "fr")\n',
        encoding="utf-8",
    )
    keys, _ = code_text_uses(tmp_path)
    assert keys == {"forgett_done", "checklist_headng", "checklist_heading"}
    assert keys - set(REQUIRED_TEXTS) == {"forgett_done", "checklist_headng"}


@pytest.mark.parametrize(
    ("old", "new", "key", "slots"),
    [
        ('    en: "in {n} days"\n', '    en: "in {count} days"\n', "in_days", "{count}, {n}"),
        (
            '    fr: "La page officielle ({programme}) ne donne aucune date pour cette procédure."\n',
            '    fr: "La page officielle ne donne aucune date pour cette procédure."\n',
            "no_dates",
            "{programme}",
        ),
    ],
)
def test_text_with_different_slots_in_french_and_english(
    kb_copy: Path, old: str, new: str, key: str, slots: str
) -> None:
    path = kb_copy / "texts.yaml"
    edit(path, old, new)
    _, problems = check(kb_copy)
    line, column = where(path, f"  {key}:\n", start=2)
    problem = problem_at(problems, path, line, key, "same slots", f"({slots})")
    assert problem.column == column
    assert "{name}" in problem.hint


# --------------------------------------------------------------------------- date-times and time zones


@pytest.mark.parametrize(
    "value",
    [
        "2025-12-12T15:00:00",
        '"2025-12-12T15:00:00"',
        "2025-12-12 15:00:00",
        '"2025-12-12 15:00:00"',
        '"2025-12-12T15:00"',
        "2025-12-12t15:00:00",
    ],
)
def test_date_time_without_time_zone(kb_copy: Path, value: str) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, SUBJECT_START, f"    start: {value}\n")
    _, problems = check(kb_copy)
    line, column = where(path, f"start: {value}\n")
    problem = problem_at(problems, path, line, "subject_release", "time zone")
    assert problem.column == column
    assert "+01:00" in problem.hint


def test_end_date_time_without_time_zone(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(
        path,
        "    start: 2026-05-26\n    end: 2026-05-29\n",
        "    start: 2026-05-26\n    end: 2026-05-29T18:00:00\n",
    )
    _, problems = check(kb_copy)
    line, _ = where(path, "end: 2026-05-29T18:00:00")
    problem_at(problems, path, line, "oral_exams", "time zone")


def test_not_a_date(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, SUBJECT_START, "    start: mid-December\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "start: mid-December")
    problem = problem_at(problems, path, line, "subject_release", "start")
    assert "YYYY-MM-DD" in problem.hint


def test_event_that_ends_before_it_starts(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "    start: 2026-05-26\n    end: 2026-05-29\n", "    start: 2026-05-29\n    end: 2026-05-26\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "end: 2026-05-26")
    problem_at(problems, path, line, "oral_exams", "ends before it starts")


# --------------------------------------------------------------------------- placeholders


def test_answer_citing_a_missing_event(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, DEADLINE_FR, DEADLINE_FR.replace("{date:deadline}", "{date:nope}"))
    _, problems = check(kb_copy)
    # reported at the `fr:` key of the answer that holds the placeholder
    line, column = where(path, '      fr: "' + DEADLINE_FR.replace("{date:deadline}", "{date:nope}"), start=6)
    problem = problem_at(problems, path, line, "enjmin.deadline", "{date:nope}", "missing event `nope`")
    assert problem.column == column
    assert "enjmin.yaml" in problem.hint


@pytest.mark.parametrize(
    ("placeholder", "words"),
    [
        ("{contact:nope}", ["missing contact `nope`"]),
        ("{link:nope}", ["missing link `nope`"]),
        ("{doc:nope}", ["missing document `nope`"]),
        ("{policy:nope}", ["missing policy `nope`"]),
        ("{rule:nope}", ["missing rule `nope`"]),
        ("{req:nope}", ["missing requirement `nope`"]),
        ("{event:nope}", ["missing event `nope`"]),
        ("{applies:nope}", ["missing event `nope`"]),
        ("{message:nope}", ["missing text `nope`"]),
        ("{docs:all}", ["no document set"]),
        ("{date}", ["needs an id"]),
        ("{calendar:deadline}", ["takes no argument"]),
    ],
)
def test_answer_placeholder_that_does_not_resolve(kb_copy: Path, placeholder: str, words: list[str]) -> None:
    path = kb_copy / "enjmin.yaml"
    broken = DEADLINE_FR.replace("{date:deadline}", placeholder)
    edit(path, DEADLINE_FR, broken)
    _, problems = check(kb_copy)
    line, column = where(path, '      fr: "' + broken, start=6)
    problem = problem_at(problems, path, line, "enjmin.deadline", placeholder, "in the fr answer", *words)
    assert problem.column == column


def test_short_answer_placeholder_that_does_not_resolve(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    broken = DEADLINE_SHORT_FR.replace("{date:deadline}", "{date:deadlin}")
    edit(path, DEADLINE_SHORT_FR, broken)
    _, problems = check(kb_copy)
    line, column = where(path, broken, start=6)
    problem = problem_at(
        problems, path, line, "enjmin.deadline", "{date:deadlin}", "in the fr short", "missing event"
    )
    assert problem.column == column


@pytest.mark.parametrize("kind", ["datum", "deadline", "contact_email"])
def test_answer_placeholder_of_unknown_kind(kb_copy: Path, kind: str) -> None:
    assert kind not in KINDS
    path = kb_copy / "enjmin.yaml"
    broken = DEADLINE_FR.replace("{date:deadline}", f"{{{kind}:deadline}}")
    edit(path, DEADLINE_FR, broken)
    _, problems = check(kb_copy)
    line, _ = where(path, '      fr: "' + broken)
    problem = problem_at(
        problems, path, line, "enjmin.deadline", f"{{{kind}:deadline}}", "not a known placeholder"
    )
    assert "date" in problem.hint  # the hint lists the known kinds


@pytest.mark.parametrize("placeholder", ["{Date:deadline}", "{date: deadline}", "{date:deadline"])
def test_malformed_placeholder_is_reported(kb_copy: Path, placeholder: str) -> None:
    path = kb_copy / "enjmin.yaml"
    broken = DEADLINE_FR.replace("{date:deadline}", placeholder)
    edit(path, DEADLINE_FR, broken)
    _, problems = check(kb_copy)
    line, _ = where(path, '      fr: "' + broken)
    problem = problem_at(problems, path, line, "enjmin.deadline")
    assert "{kind:id}" in problem.hint


HUMAN_FR = "Pour parler à une personne, voici les contacts : {contacts}"
"""Part of the French general answer of topic `human` (topics.yaml), after `HUMAN_FR_START`."""

HUMAN_FR_START = '      fr: "Je suis un assistant automatique. '


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("La date limite est {date:deadline}.", ["{date:deadline}", "needs a programme"]),
        ("Voir {programme}.", ["{programme}", "needs a programme"]),
        ("{message:nope}", ["{message:nope}", "missing text `nope`"]),
        ("{Contacts}", ["{Contacts}", "not a valid placeholder"]),
    ],
)
def test_general_answer_placeholders(kb_copy: Path, text: str, words: list[str]) -> None:
    path = kb_copy / "topics.yaml"
    edit(path, HUMAN_FR_START + HUMAN_FR, HUMAN_FR_START + text)
    _, problems = check(kb_copy)
    line, column = where(path, HUMAN_FR_START + text, start=6)  # at the `fr:` key of the answer
    problem = problem_at(problems, path, line, "human", *words)
    assert problem.column == column


def test_general_answer_may_cite_programmes_contacts_and_texts(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    edit(path, HUMAN_FR, "{programmes} {contacts} {message:no_contact}")
    _, problems = check(kb_copy)
    assert problems == [], "\n".join(str(p) for p in problems)


# --------------------------------------------------------------------------- unknown references


@pytest.mark.parametrize(
    ("file", "old", "new", "entry"),
    [
        ("enjmin.yaml", "    event: subject_release\n", "    event: nope\n", "subject"),  # a step
        (
            "enjmin.yaml",
            "    event: polytechnique_deadline\n    link: polytechnique_form\n    paths:",
            "    event: nope\n    link: polytechnique_form\n    paths:",
            "polytechnique_form",
        ),  # a document
        (
            "enjmin.yaml",
            '    event: polytechnique_deadline\n    quote:\n      - "Dossier',
            '    event: nope\n    quote:\n      - "Dossier',
            "polytechnique_m2",
        ),  # an eligibility rule
        (
            "enjmin.yaml",
            '    event: deadline\n    paths: [direct, ves, vapp, polytechnique_m2]\n    quote: ["Note aux',
            '    event: nope\n    paths: [direct, ves, vapp, polytechnique_m2]\n    quote: ["Note aux',
            "french_b2",
        ),  # a requirement
    ],
)
def test_entry_citing_a_missing_event(kb_copy: Path, file: str, old: str, new: str, entry: str) -> None:
    path = kb_copy / file
    edit(path, old, new)
    _, problems = check(kb_copy)
    line, column = where(path, new, start=new.index("event: nope"))
    problem = problem_at(problems, path, line, entry, "event `nope` is not defined")
    assert problem.column == column


@pytest.mark.parametrize(
    ("file", "old", "new", "entry"),
    [
        (
            "enjmin.yaml",
            '    link: subject\n    quote: "Lancement',
            '    link: nope\n    quote: "Lancement',
            "subject_release",
        ),  # an event
        ("iim.yaml", "    link: fee_sheet\n", "    link: nope\n", "processing_fees"),  # a document
        (
            "enjmin.yaml",
            "    links: [discord]\n",
            "    links: [nope]\n",
            "enjmin.discord",
        ),  # an answer's links
        (
            "enjmin.yaml",
            "  - topic: subject\n",
            "  - topic: subject\n    source: nope\n",
            "enjmin.subject",
        ),  # an answer's source
        ("iim.yaml", "  source: official_page\n", "  source: nope\n", "iim"),  # the programme's source
    ],
)
def test_entry_citing_a_missing_link(kb_copy: Path, file: str, old: str, new: str, entry: str) -> None:
    path = kb_copy / file
    edit(path, old, new)
    _, problems = check(kb_copy)
    line, _ = where(path, new, start=new.index("nope") - 1)
    problem_at(problems, path, line, entry, "nope")


def test_answer_follow_up_that_is_not_a_topic(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "    follow_ups: [application_form]\n", "    follow_ups: [aplication_form]\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "follow_ups: [aplication_form]")
    problem = problem_at(problems, path, line, "iim.contact", "follow-up `aplication_form` is not a topic")
    assert "topics.yaml" in problem.hint


def test_answer_next_step_without_an_answer_in_the_programme(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "    next: start_date\n", "    next: mon_master\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "next: mon_master")
    problem = problem_at(problems, path, line, "iim.confirmation", "next step `mon_master` has no answer")
    assert "answers:" in problem.hint


def test_answer_follow_up_may_be_a_general_topic(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "    follow_ups: [application_form]\n", "    follow_ups: [application_form, human]\n")
    _, problems = check(kb_copy)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_topic_follow_up_that_is_not_a_topic(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    edit(path, "    follow_ups: [help]\n", "    follow_ups: [hepl]\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "follow_ups: [hepl]")
    problem_at(problems, path, line, "greeting", "follow-up `hepl` is not a topic")


# --------------------------------------------------------------------------- topics and answers


def test_answer_to_an_unknown_topic(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "  - topic: fees\n", "  - topic: feez\n")
    _, problems = check(kb_copy)
    line, column = where(path, "  - topic: feez\n", start=len("  - "))
    problem = problem_at(problems, path, line, "iim.feez", "topic `feez` is not defined")
    assert problem.column == column
    # and `fees`, which only IIM answered, is now answered by no programme
    topics = kb_copy / "topics.yaml"
    problem_at(problems, topics, topic_row(topics, "fees")[0], "fees", "no programme answers topic `fees`")


def test_faq_topic_no_programme_answers(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - topic: tracks\n")
    path.write_text(text[:start] + text[text.index("  - topic: results\n") :], encoding="utf-8")
    _, problems = check(kb_copy)
    topics = kb_copy / "topics.yaml"
    line, column = topic_row(topics, "tracks")
    problem = problem_at(problems, topics, line, "tracks", "no programme answers topic `tracks`")
    assert problem.column == column
    assert "- topic: tracks" in problem.hint and "decline" in problem.hint
    assert len(problems) == 1


def test_faq_topic_with_a_general_answer(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    edit(
        path,
        '  - id: places\n    label: {fr: "Nombre de places", en: "Number of places"}\n',
        '  - id: places\n    label: {fr: "Nombre de places", en: "Number of places"}\n'
        '    answer: {fr: "Peu.", en: "Few."}\n',
    )
    _, problems = check(kb_copy)
    line, column = where(path, '    answer: {fr: "Peu."', start=4)
    problem = problem_at(problems, path, line, "places", "`faq` topic is answered by the programme files")
    assert problem.column == column


def test_general_topic_without_an_answer(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    edit(
        path,
        '    answer:\n      fr: "Avec plaisir ! Bonne chance pour votre candidature."\n'
        '      en: "You\'re welcome! Good luck with your application."\n',
        "",
    )
    _, problems = check(kb_copy)
    line, column = where(path, "    kind: thanks\n", start=4)
    problem = problem_at(problems, path, line, "thanks", "`thanks` topic needs its general `answer:`")
    assert problem.column == column


def test_programme_answer_to_a_general_topic(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(
        path,
        "  - topic: places\n",
        '  - topic: greeting\n    answer: {fr: "Bonjour IIM", en: "Hello IIM"}\n\n  - topic: places\n',
    )
    _, problems = check(kb_copy)
    line, _ = where(path, "  - topic: greeting\n", start=len("  - "))
    problem = problem_at(problems, path, line, "iim.greeting", "`greeting` topic with one general answer")
    assert "`faq`" in problem.hint


def test_topic_answered_twice_by_one_programme(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "  - topic: places\n", "  - topic: eligibility\n")
    _, problems = check(kb_copy)
    text = path.read_text(encoding="utf-8")
    first = text.index("  - topic: eligibility\n")
    second = text.index("  - topic: eligibility\n", first + 1)
    line = text.count("\n", 0, second) + 1
    problem = problem_at(problems, path, line, "iim.eligibility", "topic `eligibility` is answered twice")
    assert problem.column == len("  - ") + 1
    assert not any(p.line == text.count("\n", 0, first) + 1 and same_file(p, path) for p in problems)


def test_topic_id_twice(kb_copy: Path) -> None:
    """The second occurrence, in file order, is the one reported."""
    path = kb_copy / "topics.yaml"
    edit(path, "  - id: status\n", "  - id: places\n")
    _, problems = check(kb_copy)
    line, column = where(path, "  - id: places\n", start=len("  - "), occurrence=1)
    problem = problem_at(problems, path, line, "places", "topic id `places` is used twice")
    assert problem.column == column


def test_topic_id_twice_does_not_shift_the_next_topics(kb_copy: Path) -> None:
    """Problems of the topics after a repeated id are still reported at their own lines."""
    path = kb_copy / "topics.yaml"
    edit(path, "  - id: status\n", "  - id: places\n")
    edit(path, "    follow_ups: [help]\n", "    follow_ups: [hepl]\n")
    _, problems = check(kb_copy)
    line, column = where(path, "    follow_ups: [hepl]\n", start=4)
    problem = problem_at(problems, path, line, "greeting", "follow-up `hepl` is not a topic")
    assert problem.column == column


@pytest.mark.parametrize(
    ("file", "section", "old", "new", "dup"),
    [
        (
            "enjmin.yaml",
            "events",
            '  - id: written_exams\n    session: "2026"\n    kind: exam\n',
            '  - id: deadline\n    session: "2026"\n    kind: exam\n',
            "deadline",
        ),
        ("iim.yaml", "documents", "  - id: diplomas\n", "  - id: identity\n", "identity"),
        ("iim.yaml", "policies", "  - id: start_of_year\n", "  - id: confirmation\n", "confirmation"),
        ("iim.yaml", "tracks", "  - id: web\n", "  - id: 3d\n", "3d"),
        (
            "enjmin.yaml",
            "steps",
            "  - id: oral\n    order: 7\n",
            "  - id: written\n    order: 7\n",
            "written",
        ),
    ],
)
def test_id_twice_in_a_section(kb_copy: Path, file: str, section: str, old: str, new: str, dup: str) -> None:
    """The second occurrence, in file order, is the one reported."""
    path = kb_copy / file
    edit(path, old, new)
    _, problems = check(kb_copy)
    text = path.read_text(encoding="utf-8")
    section_start = text.index(f"\n{section}:\n")
    first = text.index(f"  - id: {dup}\n", section_start)
    second = text.index(f"  - id: {dup}\n", first + 1)
    line, column = text.count("\n", 0, second) + 1, len("  - ") + 1
    problem = problem_at(problems, path, line, dup, f"id `{dup}` is used twice in {section}")
    assert problem.column == column


def test_contact_id_twice_is_reported_at_the_second_contact(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "    - id: technical\n", "    - id: recruitment\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "    - id: recruitment\n      email: assistance")
    problem_at(problems, path, line, "recruitment", "used twice")


def test_programme_id_twice(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "programme:\n  id: iim\n", "programme:\n  id: enjmin\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "  id: enjmin\n")
    problem_at(problems, path, line, "enjmin", "already used by")


# --------------------------------------------------------------------------- examples


def _add_topic_example(path: Path, topic_id: str, lang: str, example: str) -> None:
    """Insert `example` first in the `lang` examples of topic `topic_id` (topics.yaml block lists)."""
    text = path.read_text(encoding="utf-8")
    at = text.index(f"      {lang}:\n", text.index(f"  - id: {topic_id}\n")) + len(f"      {lang}:\n")
    path.write_text(text[:at] + f"        - {json.dumps(example, ensure_ascii=False)}\n" + text[at:], "utf-8")


def _set_topic_examples(path: Path, topic_id: str, fr: list[str], en: list[str] | None) -> None:
    """Replace the whole `examples:` block of topic `topic_id` (no `en:` key when `en` is None)."""
    text = path.read_text(encoding="utf-8")
    start = text.index("    examples:\n", text.index(f"  - id: {topic_id}\n"))
    end = start + len("    examples:\n")
    while text.startswith("      ", end):  # the block: every line indented deeper than `examples:`
        end = text.index("\n", end) + 1
    block = f"    examples:\n      fr: {json.dumps(fr, ensure_ascii=False)}\n"
    if en is not None:
        block += f"      en: {json.dumps(en, ensure_ascii=False)}\n"
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


def _add_answer_examples(path: Path, topic: str, fr: list[str]) -> None:
    edit(
        path,
        f"  - topic: {topic}\n",
        f"  - topic: {topic}\n    examples:\n      fr: {json.dumps(fr, ensure_ascii=False)}\n",
    )


def test_example_in_two_topics(kb_copy: Path, bundled: KnowledgeBase) -> None:
    """Reported in the later topic; case, accents and punctuation do not make two examples differ."""
    assert "procédure d'admission iim" in bundled.topics["overview"].examples.fr
    path = kb_copy / "topics.yaml"
    _add_topic_example(path, "deadline", "fr", "PROCEDURE d'admission IIM !")
    _, problems = check(kb_copy)
    line, column = where(path, '"PROCEDURE d\'admission IIM !"')
    problem = problem_at(problems, path, line, "deadline", "PROCEDURE d'admission IIM !", "topic `overview`")
    assert problem.column == column
    assert "one topic only" in problem.hint


def test_example_written_twice_in_one_topic(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    _add_topic_example(path, "overview", "en", "IIM admission procedure")
    _, problems = check(kb_copy)
    line, _ = where(path, '"IIM admission procedure"', occurrence=1)  # the original, now second
    problem_at(problems, path, line, "overview", "written twice in this topic")


def test_programme_example_of_another_topic(kb_copy: Path) -> None:
    """A programme's own examples are pooled with the topics': one that belongs to another topic is
    reported in the programme file."""
    path = kb_copy / "iim.yaml"
    _add_answer_examples(path, "fees", ["frais iim", "Procédure d'admission IIM ?"])
    _, problems = check(kb_copy)
    line, column = where(path, '"Procédure d\'admission IIM ?"')
    problem = problem_at(problems, path, line, "iim.fees", "topic `overview`")
    assert problem.column == column
    assert len(problems) == 1  # "frais iim" is a fees example already: pooled, not a conflict


def test_same_example_for_two_topics_in_two_programmes(kb_copy: Path) -> None:
    _add_answer_examples(kb_copy / "enjmin.yaml", "contact", ["un mail pour les écoles de démo"])
    path = kb_copy / "iim.yaml"
    _add_answer_examples(path, "fees", ["Un mail pour les écoles de démo"])
    _, problems = check(kb_copy)
    line, _ = where(path, '"Un mail pour les écoles de démo"')
    problem_at(problems, path, line, "iim.fees", "topic `contact`")
    assert len(problems) == 1


def test_programme_examples_need_no_minimum(kb_copy: Path) -> None:
    _add_answer_examples(kb_copy / "iim.yaml", "fees", ["combien coûte le dossier à l'iim, en vrai ?"])
    kb, problems = check(kb_copy)
    assert problems == [], "\n".join(str(p) for p in problems)
    assert kb is not None and ("combien coûte le dossier à l'iim, en vrai ?", "fees") in kb.examples()


def test_topic_with_too_few_examples_in_total(kb_copy: Path) -> None:
    path = kb_copy / "topics.yaml"
    _set_topic_examples(
        path, "places", ["combien de places ?", "nb de places iim"], ["how many seats?", "places?"]
    )
    _, problems = check(kb_copy)
    line, column = where(path, "    examples:\n", start=4, occurrence=_topic_index(path, "places"))
    problem = problem_at(problems, path, line, "places", "only 2 French and 2 English examples")
    assert problem.column == column
    assert str(MIN_EXAMPLES) in problem.hint


def test_topic_without_english_examples(kb_copy: Path, bundled: KnowledgeBase) -> None:
    path = kb_copy / "topics.yaml"
    french = bundled.topics["help"].examples.fr
    _set_topic_examples(path, "help", french, None)
    _, problems = check(kb_copy)
    line, _ = where(path, "    examples:\n", occurrence=_topic_index(path, "help"))
    problem_at(problems, path, line, "help", f"{len(french)} French and 0 English examples")


def _topic_index(path: Path, topic_id: str) -> int:
    """The 0-based rank of topic `topic_id` in topics.yaml (every topic has one `examples:` line)."""
    text = path.read_text(encoding="utf-8")
    return text.count("    examples:\n", 0, text.index(f"  - id: {topic_id}\n"))


# --------------------------------------------------------------------------- the command line


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CANDIDATE_ASSISTANT_KB"}
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


def test_cli_kb_check_on_the_bundled_knowledge(bundled: KnowledgeBase) -> None:
    run = _cli("kb", "check", str(KNOWLEDGE))
    assert run.returncode == 0, run.stdout + run.stderr
    s = bundled.summary()
    ok, *warnings, model = run.stdout.splitlines()
    assert all(": warning: " in w for w in warnings), warnings  # e.g. every ENJMIN session is past
    assert re.fullmatch(
        rf"OK: 2 programmes, {s['topics']} topics, {s['answers']} answers, {s['examples']} examples, "
        rf"{s['events']} events \(\d+ ms\)",
        ok,
    ), ok
    assert re.match(r"topic model: \d+\.\d% of examples right in cross-validation", model), model
    assert "Traceback" not in run.stdout + run.stderr


def test_cli_kb_check_on_a_broken_copy(kb_copy: Path) -> None:
    """The real command, in a subprocess: exit 1, one `file:line:col: entry: message — hint` line per problem."""
    path = kb_copy / "enjmin.yaml"
    edit(path, SUBJECT_START, "    start: 2025-12-12T15:00:00\n")
    iim = kb_copy / "iim.yaml"
    edit(iim, '      fr: "{policy:waiting_list}"\n', '      fr: "{policy:waitinglist}"\n')
    run = _cli("kb", "check", str(kb_copy))
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 2
    parsed = [PROBLEM_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(Path(m["file"]).name, int(m["line"]), int(m["col"]), m["entry"]) for m in parsed if m] == [
        ("enjmin.yaml", *where(path, "start: 2025-12-12T15:00:00\n"), "subject_release"),
        ("iim.yaml", *where(iim, 'fr: "{policy:waitinglist}"'), "iim.waiting_list"),
    ]
    assert "2 problem(s)" in run.stderr


def _syntax(folder: Path) -> None:
    edit(folder / "iim.yaml", "  - id: interview\n", "  - id: interview\n  oops: [\n")


def _schema(folder: Path) -> None:
    edit(folder / "iim.yaml", "  - id: interview\n    order: 2\n", "  - id: interview\n    order: [2]\n")


def _empty(folder: Path) -> None:
    (folder / "iim.yaml").write_text("", encoding="utf-8")


def _binary(folder: Path) -> None:
    (folder / "iim.yaml").write_bytes(b"\xff\xfe\x00programme\x00")


def _binary_topics(folder: Path) -> None:
    (folder / "topics.yaml").write_bytes(b"\xff\xfe\x00topics\x00")


def _top_level_list(folder: Path) -> None:
    (folder / "iim.yaml").write_text("- programme\n", encoding="utf-8")


def _no_topics(folder: Path) -> None:
    (folder / "topics.yaml").unlink()


def _no_texts(folder: Path) -> None:
    (folder / "texts.yaml").unlink()


def _no_programme(folder: Path) -> None:
    (folder / "iim.yaml").unlink()
    (folder / "enjmin.yaml").unlink()


def _nulls(folder: Path) -> None:
    edit(
        folder / "iim.yaml",
        "  - topic: contact\n    answer:\n",
        "  - topic: contact\n    answer: null\n    x:\n",
    )


def _programme_is_a_list(folder: Path) -> None:
    edit(folder / "enjmin.yaml", "programme:\n  id: enjmin\n", "programme:\n  - id: enjmin\n")


def _topics_null(folder: Path) -> None:
    (folder / "topics.yaml").write_text("topics: null\n", encoding="utf-8")


def _topic_is_a_string(folder: Path) -> None:
    edit(folder / "topics.yaml", "topics:\n", "topics:\n  - overview\n")


def _texts_list(folder: Path) -> None:
    (folder / "texts.yaml").write_text("texts: [past, today]\n", encoding="utf-8")


def _glossary_wrong_shape(folder: Path) -> None:
    (folder / "glossary.yaml").write_text(
        "glossary: {shorthand: [kan, quand], synonyms: 3}\n", encoding="utf-8"
    )


def _answers_to_nothing(folder: Path) -> None:
    edit(folder / "iim.yaml", "  - topic: fees\n", "  - topic: feez\n")


BREAKAGES = [
    _syntax,
    _schema,
    _empty,
    _binary,
    _binary_topics,
    _top_level_list,
    _no_topics,
    _no_texts,
    _no_programme,
    _nulls,
    _programme_is_a_list,
    _topics_null,
    _topic_is_a_string,
    _texts_list,
    _glossary_wrong_shape,
    _answers_to_nothing,
]


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_kb_check_command_never_raises(kb_copy: Path, breakage, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """The command's own code, in process (a traceback is an exception escaping `main`): exit 1, clean lines."""
    breakage(kb_copy)
    assert cli_main(["kb", "check", str(kb_copy)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), out
    assert f"{len(lines)} problem(s) found" in err


def test_kb_check_command_on_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["kb", "check", str(tmp_path / "nowhere")]) == 1
    out, _ = capsys.readouterr()
    assert PROBLEM_LINE.match(out.splitlines()[0]) and "not found" in out


def test_kb_check_command_on_the_bundled_knowledge(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["kb", "check", str(KNOWLEDGE)]) == 0
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if ": warning: " not in line]  # a past session warns
    assert (
        len(lines) == 2 and lines[0].startswith("OK: 2 programmes, ") and lines[1].startswith("topic model:")
    )
    assert "problem" not in err and "Traceback" not in err  # at most the model's training progress


def test_kb_check_command_impossible_date_has_no_traceback(kb_copy: Path) -> None:
    edit(kb_copy / "enjmin.yaml", "    start: 2026-02-17\n", "    start: 2026-02-30\n")
    assert cli_main(["kb", "check", str(kb_copy)]) == 1
