"""`check()` and `candidate-assistant kb check`: every kind of mistake staff can make in a knowledge file is
reported at the right file, line and entry, and never as a traceback.

Each test copies knowledge/ into a temporary folder, breaks one thing with a precise text edit, and
computes the position it expects from the edited text (`where`), not from hard-coded line numbers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main as cli_main
from assistant.kb.loader import MIN_EXAMPLES, REQUIRED_MESSAGES, check
from assistant.kb.templates import KINDS

from .support import KNOWLEDGE, REPO, edit, problem_at, same_file, where

DEADLINE_FR = "L'inscription au concours doit être finalisée (dossier complet) {date:deadline}, sur"
"""Start of the French answer of intent `enjmin.deadline`: the place where placeholder tests edit."""

SUBJECT_START = "    start: 2025-12-12T15:00:00+01:00\n"
"""The start of event `subject_release` (enjmin.yaml), the first event of the file."""

PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<entry>\S+): .+ — .+$")


# --------------------------------------------------------------------------- the bundled knowledge


def test_bundled_knowledge_has_no_problem() -> None:
    kb, problems = check(KNOWLEDGE)
    assert problems == [], "\n".join(str(p) for p in problems)
    assert kb is not None
    assert set(kb.programmes) == {"enjmin", "iim"}
    assert kb.summary()["intents"] == len(kb.intents) > 0


def test_every_bundled_intent_has_enough_examples_in_both_languages() -> None:
    kb, _ = check(KNOWLEDGE)
    assert kb is not None
    for intent in kb.intents.values():
        assert intent.examples.fr and intent.examples.en, intent.id
        assert len(intent.examples.fr) + len(intent.examples.en) >= MIN_EXAMPLES, intent.id


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
    # the broken file is skipped as a whole: no cascade of follow-on problems in the other files
    assert all(same_file(p, path) for p in problems)


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
    problem_at(problems, kb_copy / "empty.yaml", 1, "-", "empty")
    problem_at(problems, kb_copy / "list.yaml", 1, "-", "not a mapping")


def test_file_that_is_not_utf8(kb_copy: Path) -> None:
    (kb_copy / "latin1.yaml").write_bytes("programme:\n  id: caf\xe9\n".encode("latin-1"))
    _, problems = check(kb_copy)
    problem_at(problems, kb_copy / "latin1.yaml", 1, "-", "cannot read")


def test_impossible_calendar_date_is_a_problem(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "    start: 2026-02-17\n", "    start: 2026-02-30\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "2026-02-30")
    problem_at(problems, path, line, "-")


def test_syntax_error_in_general_yaml_does_not_claim_the_file_is_missing(kb_copy: Path) -> None:
    path = kb_copy / "general.yaml"
    edit(path, "  - id: general.greeting\n", "  - id general.greeting\n    x: : y\n")
    _, problems = check(kb_copy)
    assert any("YAML syntax" in p.message and same_file(p, path) for p in problems)
    assert not any("is missing" in p.message and "general.yaml" in p.message for p in problems)


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


def test_unknown_field_in_an_event(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "    kind: launch\n", "    kind: launch\n    colour: red\n")
    _, problems = check(kb_copy)
    line, column = where(path, "colour: red")
    problem = problem_at(problems, path, line, "subject_release", "unknown field `colour`")
    assert problem.column == column
    assert "spelling" in problem.hint


def test_misspelt_field_in_an_intent(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "  - id: iim.contact\n    examples:\n", "  - id: iim.contact\n    exemples:\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "exemples:")
    problem_at(problems, path, line, "iim.contact", "unknown field `exemples`")
    # and the real field is reported missing, on the intent itself
    intent_line, _ = where(path, "  - id: iim.contact\n", start=len("  - "))
    problem_at(problems, path, intent_line, "iim.contact", "`intents.", "examples` is missing")


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


def test_value_outside_the_allowed_list(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "    kind: launch\n", "    kind: Launch\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "kind: Launch")
    problem_at(problems, path, line, "subject_release", "kind", "'deadline'")


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


def test_missing_english_answer_of_an_intent(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, '      en: "{policy:waiting_list}"\n', "")
    _, problems = check(kb_copy)
    line, _ = where(path, '      fr: "{policy:waiting_list}"\n')
    problem_at(problems, path, line - 1, "iim.waiting_list", "answer.en` is missing")


def test_empty_english_text(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, 'en: "Admission subject released"', 'en: ""')
    _, problems = check(kb_copy)
    line, column = where(path, 'en: ""')
    problem = problem_at(problems, path, line, "subject_release", "title.en", "at least 1 character")
    assert problem.column == column


def test_missing_english_text_of_a_message(kb_copy: Path) -> None:
    path = kb_copy / "general.yaml"
    edit(
        path,
        '  past:\n    fr: "cette date est passée"\n    en: "this date has passed"\n',
        '  past:\n    fr: "cette date est passée"\n',
    )
    _, problems = check(kb_copy)
    line, _ = where(path, "  past:\n")
    problem = problem_at(problems, path, line, "-", "messages.past.en` is missing")
    assert "English" in problem.hint


def test_required_message_removed(kb_copy: Path) -> None:
    assert "past" in REQUIRED_MESSAGES
    path = kb_copy / "general.yaml"
    edit(path, '  past:\n    fr: "cette date est passée"\n    en: "this date has passed"\n', "")
    _, problems = check(kb_copy)
    line, _ = where(path, "messages:\n")
    problem_at(problems, path, line, "past", "message `past` is missing")


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


# --------------------------------------------------------------------------- unknown references


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
        ("{policy:nope}", ["cites a missing", "`nope`"]),  # worded "missing policie": see report
        ("{rule:nope}", ["missing rule `nope`"]),
        ("{event:nope}", ["missing event `nope`"]),
        ("{message:nope}", ["missing message `nope`"]),
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
    problem_at(problems, path, line, "enjmin.deadline")


def test_general_intent_cannot_use_programme_placeholders(kb_copy: Path) -> None:
    path = kb_copy / "general.yaml"
    old = "Pour parler à une personne, voici les contacts : {contacts}"
    edit(path, old, "La date limite est {date:deadline}.")
    _, problems = check(kb_copy)
    line, _ = where(path, "La date limite est {date:deadline}.")
    problem_at(problems, path, line, "general.human", "{date:deadline}", "needs a programme")


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
            "    event: polytechnique_deadline\n  - id: direct_foreign",
            "    event: nope\n  - id: direct_foreign",
            "polytechnique_m2",
        ),  # an eligibility rule
        (
            "enjmin.yaml",
            "    lead_time_days: 120\n    event: deadline\n",
            "    lead_time_days: 120\n    event: nope\n",
            "enic_naric",
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
            "    link: subject\n  - id: deadline",
            "    link: nope\n  - id: deadline",
            "subject_release",
        ),  # an event
        ("iim.yaml", "    link: fee_sheet\n", "    link: nope\n", "processing_fees"),  # a document
        ("enjmin.yaml", "    links: [discord]\n", "    links: [nope]\n", "enjmin.discord"),  # an intent
        ("iim.yaml", "  source: official_page\n", "  source: nope\n", "iim"),  # the programme's source
    ],
)
def test_entry_citing_a_missing_link(kb_copy: Path, file: str, old: str, new: str, entry: str) -> None:
    path = kb_copy / file
    edit(path, old, new)
    _, problems = check(kb_copy)
    line, _ = where(path, new, start=new.index("nope") - 1)
    problem_at(problems, path, line, entry, "nope")


def test_follow_up_that_is_not_an_intent(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    edit(path, "    follow_ups: [iim.application_form]\n", "    follow_ups: [iim.aplication_form]\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "follow_ups: [iim.aplication_form]")
    problem_at(problems, path, line, "iim.contact", "follow-up `iim.aplication_form` is not an intent")


# --------------------------------------------------------------------------- duplicate ids


def test_intent_id_twice_in_one_file(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(path, "  - id: enjmin.incomplete\n", "  - id: enjmin.deadline\n")
    text = path.read_text(encoding="utf-8")
    second = text.index("  - id: enjmin.deadline\n", text.index("  - id: enjmin.deadline\n") + 1)
    line = text.count("\n", 0, second) + 1
    _, problems = check(kb_copy)
    problem = problem_at(problems, path, line, "enjmin.deadline", "intent id `enjmin.deadline` is used twice")
    assert problem.column == len("  - ") + 1


def test_intent_id_twice_across_files(kb_copy: Path) -> None:
    """Files are read in alphabetical order: the later file (general.yaml after enjmin.yaml) is reported."""
    path = kb_copy / "general.yaml"
    edit(path, "  - id: general.thanks\n", "  - id: enjmin.deadline\n")
    _, problems = check(kb_copy)
    line, _ = where(path, "  - id: enjmin.deadline\n")
    problem_at(problems, path, line, "enjmin.deadline", "used twice")


@pytest.mark.parametrize(
    ("file", "section", "old", "new", "dup"),
    [
        (
            "enjmin.yaml",
            "events",
            "  - id: written_exams\n    kind: exam\n",
            "  - id: deadline\n    kind: exam\n",
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
    section_start = path.read_text(encoding="utf-8").index(f"\n{section}:\n")
    text = path.read_text(encoding="utf-8")
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


# --------------------------------------------------------------------------- examples (utterances)


def test_utterance_in_two_intents_across_files(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    old = '      fr: ["c\'est quand la rentrée en cycle supérieur ?",'
    edit(path, old, '      fr: ["deadline concours enjmin", "c\'est quand la rentrée en cycle supérieur ?",')
    _, problems = check(kb_copy)
    line, column = where(path, '"deadline concours enjmin"')
    problem = problem_at(
        problems, path, line, "iim.start_date", "deadline concours enjmin", "`enjmin.deadline`"
    )
    assert problem.column == column


def test_utterance_in_two_intents_ignores_case_accents_and_punctuation(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    old = '      fr: ["c\'est quand la rentrée en cycle supérieur ?",'
    edit(
        path, old, '      fr: ["DEADLINE concours ENJMIN !", "c\'est quand la rentrée en cycle supérieur ?",'
    )
    _, problems = check(kb_copy)
    line, column = where(path, '"DEADLINE concours ENJMIN !"')
    problem = problem_at(problems, path, line, "iim.start_date", "`enjmin.deadline`")
    assert problem.column == column


def test_utterance_in_two_intents_of_the_same_file(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    old = '      en: ["the platform is not working",'
    edit(path, old, '      en: ["how do I contact the recruitment office?", "the platform is not working",')
    _, problems = check(kb_copy)
    line, column = where(path, '["how do I contact the recruitment office?", "the platform', start=1)
    problem = problem_at(problems, path, line, "enjmin.tech_support", "`enjmin.contact`")
    assert problem.column == column


def _replace_example_list(path: Path, intent_id: str, lang: str, new: str) -> None:
    """Replace one intent's `fr:`/`en:` example list (a flow list that may span lines) with `new`."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {intent_id}\n")
    at = text.index(f"      {lang}: [", start)
    end = text.index("]\n", at) + 2
    path.write_text(text[:at] + new + text[end:], encoding="utf-8")


def _example_counts(intent_id: str) -> tuple[int, int]:
    kb, _ = check(KNOWLEDGE)
    assert kb is not None
    examples = kb.intents[intent_id].examples
    return len(examples.fr), len(examples.en)


def test_intent_with_too_few_examples_in_total(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    _replace_example_list(
        path, "iim.contact", "fr", '      fr: ["comment contacter l\'iim ?", "quel est le mail de l\'iim"]\n'
    )
    _replace_example_list(
        path, "iim.contact", "en", '      en: ["how do I contact IIM?", "IIM phone number"]\n'
    )
    _, problems = check(kb_copy)
    line, column = where(path, "  - id: iim.contact\n    examples:", start=len("  - id: iim.contact\n    "))
    problem = problem_at(problems, path, line, "iim.contact", "only 2 French and 2 English examples")
    assert problem.column == column
    assert str(MIN_EXAMPLES) in problem.hint


def test_intent_without_english_examples(kb_copy: Path) -> None:
    path = kb_copy / "general.yaml"
    french, _ = _example_counts("general.thanks")
    _replace_example_list(path, "general.thanks", "en", "")
    _, problems = check(kb_copy)
    line, _ = where(
        path,
        "  - id: general.thanks\n    kind: thanks\n    examples:",
        start=len("  - id: general.thanks\n    kind: thanks\n    "),
    )
    problem_at(problems, path, line, "general.thanks", f"{french} French and 0 English examples")


# --------------------------------------------------------------------------- the command line


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CANDIDATE_ASSISTANT_KB"}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )


def test_cli_kb_check_on_the_bundled_knowledge() -> None:
    run = _cli("kb", "check", str(KNOWLEDGE))
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.match(r"OK: 2 programmes, \d+ intents, \d+ utterances, \d+ events", run.stdout)
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


def _top_level_list(folder: Path) -> None:
    (folder / "iim.yaml").write_text("- programme\n", encoding="utf-8")


def _no_general(folder: Path) -> None:
    (folder / "general.yaml").unlink()


def _no_programme(folder: Path) -> None:
    (folder / "iim.yaml").unlink()
    (folder / "enjmin.yaml").unlink()


def _nulls(folder: Path) -> None:
    edit(
        folder / "iim.yaml",
        "  - id: iim.contact\n    examples:\n",
        "  - id: iim.contact\n    examples: null\n    x:\n",
    )


def _programme_is_a_list(folder: Path) -> None:
    edit(folder / "enjmin.yaml", "programme:\n  id: enjmin\n", "programme:\n  - id: enjmin\n")


BREAKAGES = [
    _syntax,
    _schema,
    _empty,
    _binary,
    _top_level_list,
    _no_general,
    _no_programme,
    _nulls,
    _programme_is_a_list,
]


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_kb_check_command_never_raises(kb_copy: Path, breakage, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """The command's own code, in process (a traceback is an exception escaping `main`): exit 1, clean lines."""
    breakage(kb_copy)
    assert cli_main(["kb", "check", str(kb_copy)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), out
    assert "problem(s) found" in err


def test_kb_check_command_on_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["kb", "check", str(tmp_path / "nowhere")]) == 1
    out, _ = capsys.readouterr()
    assert PROBLEM_LINE.match(out.splitlines()[0]) and "not found" in out


def test_kb_check_command_on_the_bundled_knowledge(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["kb", "check", str(KNOWLEDGE)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("OK: 2 programmes") and not err


def test_kb_check_command_impossible_date_has_no_traceback(kb_copy: Path) -> None:
    edit(kb_copy / "enjmin.yaml", "    start: 2026-02-17\n", "    start: 2026-02-30\n")
    assert cli_main(["kb", "check", str(kb_copy)]) == 1
