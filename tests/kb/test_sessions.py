"""Sessions: events belong to a session; once the last one is past the knowledge base says so (and
`kb check` warns); staff roll to the next session by adding its events under the same ids."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from assistant import timefmt
from assistant.checklist import Profile, build_checklist
from assistant.composer import Composer
from assistant.kb.loader import KnowledgeBase, check, load, session_warnings

from .support import edit

AFTER = timefmt.now_for(date(2026, 11, 27))
DURING = timefmt.now_for(date(2026, 1, 10))


def _next_session(folder: Path, only: tuple[str, ...] | None = None) -> KnowledgeBase:
    """Add the 2027 session to a copy: the 2026 events again, one year later (or only `only` of them)."""
    path = folder / "enjmin.yaml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("events:\n") + len("events:\n") : text.index("\n# The competition's steps")]
    events = re.split(r"(?m)^(?=  - id: )", block)
    added = []
    for event in filter(str.strip, events):
        event_id = re.match(r"  - id: (\S+)", event).group(1)  # type: ignore[union-attr]
        if only is not None and event_id not in only:
            continue
        event = event.replace('session: "2026"', 'session: "2027"')
        event = re.sub(r"(start|end): 2026-", r"\1: 2027-", event)
        event = re.sub(r"(start|end): 2025-", r"\1: 2026-", event)
        added.append(event.rstrip("\n") + "\n")
    end = text.index("\n# The competition's steps")
    path.write_text(text[:end].rstrip("\n") + "\n" + "".join(added) + text[end:], encoding="utf-8")
    _, problems = check(folder)
    assert [p for p in problems if not p.warning] == []
    return load(folder, cache=False)


def test_every_event_belongs_to_a_session(bundled_kb: KnowledgeBase) -> None:
    enjmin = bundled_kb.programmes["enjmin"]
    assert {e.session for e in enjmin.file.events} == {"2026"}
    assert enjmin.current_session(DURING) == "2026" and not enjmin.session_over(DURING)
    assert enjmin.session_over(AFTER) and enjmin.current_session(AFTER) == "2026"
    assert bundled_kb.programmes["iim"].current_session(AFTER) is None  # no dates on the IIM page


def test_an_event_without_a_session_takes_the_files(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('    session: "2026"\n', ""), encoding="utf-8")
    kb = load(kb_copy, cache=False)
    assert {e.session for e in kb.programmes["enjmin"].file.events} == {"2026"}


def test_kb_check_warns_when_every_session_is_past(bundled_kb: KnowledgeBase) -> None:
    assert session_warnings(bundled_kb, DURING) == []
    (warning,) = session_warnings(bundled_kb, AFTER)
    assert warning.warning and warning.entry == "enjmin" and "every session is in the past" in str(warning)
    assert "session: " in warning.hint


def test_rolling_to_the_next_session(kb_copy: Path) -> None:
    kb = _next_session(kb_copy)
    p = kb.programmes["enjmin"]
    composer = Composer(kb)
    assert p.current_session(AFTER) == "2027" and not p.session_over(AFTER)
    assert session_warnings(kb, AFTER) == []
    deadline = composer.answer(p, "deadline", "fr", AFTER, 1.0).plain_text()
    assert "23 janvier 2027" in deadline and "dans 57 jours" in deadline and "terminée" not in deadline
    calendar = composer.answer(p, "calendar", "en", AFTER, 1.0).plain_text()
    assert "2027 calendar" in calendar and "2026, 12:00" not in calendar and "12 December 2026" in calendar
    checklist = build_checklist(kb, Profile(programme="enjmin", polytechnique_4a=False), date(2026, 11, 27))
    assert not checklist.session_over and checklist.session == "2027"
    application = next(i for i in checklist.items if i.id == "step:application")
    assert application.due is not None and application.due.year == 2027 and not application.overdue
    # during the 2026 session, the 2026 dates are still the ones given
    assert "23 janvier 2026" in composer.answer(p, "deadline", "fr", DURING, 1.0).plain_text()


def test_a_next_session_published_in_part(kb_copy: Path) -> None:
    kb = _next_session(kb_copy, only=("subject_release", "deadline"))
    p = kb.programmes["enjmin"]
    composer = Composer(kb)
    written = composer.answer(p, "written_exams", "fr", AFTER, 1.0).plain_text()
    assert "date pas encore publiée pour la session 2027" in written and "28 mars 2026" not in written
    calendar = composer.answer(p, "calendar", "fr", AFTER, 1.0).plain_text()
    assert calendar.count("\n- ") == 2
    checklist = build_checklist(kb, Profile(programme="enjmin", polytechnique_4a=False), date(2026, 11, 27))
    oral = next(i for i in checklist.items if i.id == "step:oral")
    assert oral.due is None and oral.to_be_announced and not oral.overdue


def test_the_same_id_twice_in_one_session_is_refused(kb_copy: Path) -> None:
    edit(
        kb_copy / "enjmin.yaml",
        '  - id: oral_exams\n    session: "2026"\n',
        '  - id: written_exams\n    session: "2026"\n',
    )
    _, problems = check(kb_copy)
    assert any("used twice in events of session 2026" in p.message for p in problems)


def test_the_preparation_may_not_cite_itself(kb_copy: Path) -> None:
    edit(
        kb_copy / "enjmin.yaml",
        '  fr: "diplôme étranger : attestation',
        '  fr: "{preparation} diplôme étranger : attestation',
    )
    _, problems = check(kb_copy)
    assert [p.message for p in problems] == ["the preparation cites itself with `{preparation}`"]
