"""profile.yaml: the candidate profile declared as data, read by the checker and the questionnaire."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from assistant.checklist import Questionnaire
from assistant.checklist.profile import Profile
from assistant.kb import catalogue
from assistant.kb.loader import KnowledgeBase, check, load

from .support import edit, where


def test_profile_yaml_declares_exactly_the_profile_the_code_reads(bundled_kb: KnowledgeBase) -> None:
    """The checklist's `Profile` model and profile.yaml must agree, field by field and type by type."""
    assert bundled_kb.profile is not None
    fields = bundled_kb.profile.fields
    assert set(fields) == set(Profile.model_fields)
    for name, declared in fields.items():
        annotation = Profile.model_fields[name].annotation
        args = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
        literals = [v for a in args if getattr(a, "__origin__", None) is Literal for v in get_args(a)]
        if declared.type == "bool":
            assert bool in args, name
        elif declared.type == "level":
            assert int in args, name
        elif declared.type == "number":
            assert float in args, name
        elif declared.type in ("choice", "language"):
            assert literals, name
            if declared.type == "choice":
                assert {c.value for c in declared.choices} == set(literals), name
        else:
            assert declared.type == "programme" and str in args, name


def test_a_condition_on_an_undeclared_field_is_reported(kb_copy: Path) -> None:
    """The checker's profile fields are profile.yaml's: remove one, and conditions testing it fail."""
    profile = kb_copy / "profile.yaml"
    text = profile.read_text(encoding="utf-8")
    start = text.index("  polytechnique_4a:\n")
    end = text.index("  diploma_level:\n")
    profile.write_text(text[:start] + text[end:], encoding="utf-8")
    _, problems = check(kb_copy)
    tested = [p for p in problems if "`polytechnique_4a`" in p.message]
    assert tested and all("profile.yaml" in p.hint for p in tested)
    assert {Path(p.file).name for p in tested} == {"enjmin.yaml"}


def test_profile_yaml_errors_point_at_the_line(kb_copy: Path) -> None:
    path = kb_copy / "profile.yaml"
    edit(path, "  repeated_year:\n    type: bool\n", "  repeated_year:\n    type: choice\n")
    _, problems = check(kb_copy)
    [problem] = [p for p in problems if Path(p.file).name == "profile.yaml"]
    assert "`choice` field lists its allowed values" in problem.message
    assert problem.line == where(path, "  repeated_year:\n")[0]  # the field's entry


def test_training_mode_words_for_an_unknown_mode_are_reported(kb_copy: Path) -> None:
    path = kb_copy / "profile.yaml"
    edit(path, "    apprentissage: [apprentissage,", "    alternance: [apprentissage,")
    _, problems = check(kb_copy)
    [problem] = [p for p in problems if Path(p.file).name == "profile.yaml"]
    assert problem.entry == "alternance" and "not a choice of the `training_mode` field" in problem.message
    assert problem.line == where(path, "    alternance: [")[0]


def test_a_folder_without_profile_yaml_is_incomplete(kb_copy: Path) -> None:
    (kb_copy / "profile.yaml").unlink()
    _, problems = check(kb_copy)
    assert any("profile.yaml is missing" in p.message for p in problems)


def test_the_questionnaire_asks_with_the_words_of_the_knowledge_base_in_use(kb_copy: Path) -> None:
    """Rewording a question in profile.yaml changes what the questionnaire asks, without code."""
    edit(
        kb_copy / "profile.yaml",
        'question: {fr: "Êtes-vous étudiante ou étudiant de l\'École polytechnique en 4e année (4A) ?"',
        'question: {fr: "Êtes-vous en 4A à Polytechnique ?"',
    )
    try:
        kb = load(kb_copy)
        step = Questionnaire(kb).start("fr", "enjmin")
        assert step.field == "polytechnique_4a" and step.prompt == "Êtes-vous en 4A à Polytechnique ?"
    finally:
        catalogue.use(load())  # the bundled knowledge base again, for the other tests


def test_facts_in_passing_use_the_words_of_the_knowledge_base_in_use(kb_copy: Path) -> None:
    """A diploma name added to profile.yaml is read in a question, even after the bundled knowledge
    base's words were used (the reader's word list is kept per knowledge base, not per process)."""
    from assistant.checklist.parse import facts

    catalogue.use(load())
    assert facts("j'ai un DNMADE graphisme, je peux candidater ?") == {}
    edit(kb_copy / "profile.yaml", "[l3, licence, ", "[l3, licence, dnmade, ")
    try:
        catalogue.use(load(kb_copy))
        assert facts("j'ai un DNMADE graphisme, je peux candidater ?")["diploma_level"] == 3
    finally:
        catalogue.use(load())  # the bundled knowledge base again, for the other tests
