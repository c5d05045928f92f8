"""Provenance: every fact carries the page's words, `kb check` finds them on the page, and `kb doctor`
prints the words behind any answer (issue 10, "Provenance for every fact")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adapters.cli.main import main as cli_main
from assistant.doctor import answer_provenance, format_quotes
from assistant.kb.loader import (
    SOURCED_SECTIONS,
    KnowledgeBase,
    check,
    load,
    page_text,
    quote_found,
    read_page,
)

from .support import KNOWLEDGE, edit


def test_every_fact_of_the_bundled_pages_is_quoted_from_its_page(bundled_kb: KnowledgeBase) -> None:
    _, problems = check(KNOWLEDGE)
    assert problems == []
    for p in bundled_kb.programmes.values():
        page, error = read_page(p)
        assert page is not None and error is None, p.id
        entries = [p.programme, *p.programme.links, *p.programme.contacts]
        entries += [item for section in SOURCED_SECTIONS for item in getattr(p.file, section)]
        for entry in entries:
            assert entry.quote, (p.id, getattr(entry, "id", "programme"))
            for quote in entry.quote:
                assert quote_found(quote, page), (p.id, quote)


def test_quotes_are_compared_as_the_page_reads() -> None:
    page = page_text(
        "Vous êtes titulaire d'un **diplôme RNCP niveau 6**\n / bac + 3 [Consulter](#) la 2^e année"
    )
    assert quote_found("titulaire d'un diplôme RNCP niveau 6 / bac + 3", page)
    assert quote_found("Consulter la 2e année", page)
    assert quote_found("Vous êtes … bac + 3", page)  # fragments, in order
    assert not quote_found("bac + 3 … Vous êtes", page)
    assert not quote_found("diplôme RNCP niveau 7", page)


def test_a_fact_without_its_quote_fails_kb_check(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    edit(
        path,
        '    quote: "Épreuves écrites (à distance) : samedi 28 mars 2026"\n  - id: oral_admissible',
        "  - id: oral_admissible",
    )
    _, problems = check(kb_copy)
    assert [(p.entry, p.message) for p in problems] == [("written_exams", "this fact has no `quote`")]
    assert not problems[0].warning and problems[0].file.endswith("enjmin.yaml")


def test_a_quote_that_is_not_on_the_page_fails_kb_check(kb_copy: Path) -> None:
    edit(
        kb_copy / "enjmin.yaml",
        'samedi 28 mars 2026"\n  - id: oral_admissible',
        'samedi 29 mars 2026"\n  - id: oral_admissible',
    )
    _, problems = check(kb_copy)
    assert len(problems) == 1 and problems[0].entry == "written_exams"
    assert "is not in the page snapshot pages/enjmin.md" in problems[0].message


def test_an_answer_in_its_own_words_needs_the_page_words(kb_copy: Path) -> None:
    path = kb_copy / "iim.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index('The page does not say whether the interview is remote or on site."\n    quote:')
    end = text.index("    short:", start)
    path.write_text(text[: text.index("\n", start) + 1] + text[end:], encoding="utf-8")
    _, problems = check(kb_copy)
    assert [p.entry for p in problems] == ["iim.interview"]
    assert "states facts in its own words" in problems[0].message


def test_a_copy_without_its_page_snapshot_loads_with_a_warning(kb_copy: Path) -> None:
    shutil.rmtree(kb_copy / "pages")
    _, problems = check(kb_copy)
    assert problems and all(p.warning for p in problems)
    assert "quotes are not checked" in problems[0].message
    assert load(kb_copy, cache=False).programmes["enjmin"]


def test_a_page_snapshot_outside_the_folder_is_refused(kb_copy: Path) -> None:
    edit(kb_copy / "enjmin.yaml", "  page: pages/enjmin.md\n", "  page: ../../etc/passwd\n")
    _, problems = check(kb_copy)
    assert any(not p.warning and "outside the knowledge folder" in p.message for p in problems)


def test_every_answer_can_be_traced_to_the_page(bundled_kb: KnowledgeBase) -> None:
    for p in bundled_kb.programmes.values():
        for answer in p.file.answers:
            facts = answer_provenance(bundled_kb, answer.id)
            for fact in facts:
                assert fact.quotes, (answer.id, fact.cited)


def test_doctor_prints_the_quotes_behind_an_answer(bundled_kb: KnowledgeBase, capsys) -> None:  # type: ignore[no-untyped-def]
    text = format_quotes(bundled_kb, ["enjmin.deadline"])
    assert "{date:deadline} → event deadline (session 2026)" in text
    assert "« L'inscription au concours doit impérativement être finalisée (dossier complet) avant le" in text
    assert "{policy:page_update}" in text and "« Mise à jour du 16/01/2026 »" in text
    assert "checked against pages/enjmin.md" in text
    assert cli_main(["kb", "doctor", "--answer", "iim.interview"]) == 0
    out = capsys.readouterr().out
    assert "(its own words)" in out and "« L'entretien est la phase essentielle" in out


@pytest.mark.parametrize("question", ["date limite enjmin ?"])
def test_doctor_traces_the_answer_to_a_question(question: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli_main(["kb", "doctor", "--ask", question]) == 0
    out = capsys.readouterr().out
    assert (
        "enjmin.deadline — " in out and "« Limite dépôt de dossier : vendredi 23 janvier 2026 (12h) »" in out
    )
