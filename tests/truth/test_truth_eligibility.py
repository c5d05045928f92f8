"""Truth test for eligibility: every path, over a grid of profiles, gets one verdict everywhere.

For every profile of the grid: the checklist's `eligible`, the header every channel shows and the chat
verdict agree; no unmet admission condition ever sits under an "eligible" header; an unmet condition
makes the verdict "not eligible as things stand" with the condition and what would change it; and every
eligibility rule of the knowledge base is reached by some profile, so a new rule is covered too.
"""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from assistant.checklist import Profile, build_checklist, render_markdown, render_text
from assistant.checklist.render import md_escape
from assistant.checklist.texts import msg
from assistant.checklist.verdict import personal_verdict
from assistant.checklist.view import checklist_view
from assistant.kb.loader import KnowledgeBase, load

KB = load()
TODAY = date(2026, 1, 10)
GRID = {
    "enjmin": {
        "polytechnique_4a": [False, True],
        "diploma_level": [None, 0, 2, 3, 5],
        "diploma_rncp": [None, True, False],
        "foreign_diploma": [None, True, False],
        "french_level": [None, "B1", "C1"],
        "professional_experience_years": [None, 0, 4],
    },
    "iim": {"repeated_year": [None, True, False]},
}


def profiles(pid: str) -> list[dict]:
    fields = GRID[pid]
    return [
        {k: v for k, v in zip(fields, values, strict=True) if v is not None}
        for values in product(*fields.values())
    ]


@pytest.mark.parametrize("pid", sorted(GRID))
def test_every_eligibility_rule_is_reached(kb: KnowledgeBase, pid: str) -> None:
    reached = {build_checklist(kb, Profile(programme=pid, **f), TODAY).path for f in profiles(pid)}
    assert {r.path for r in kb.programmes[pid].file.eligibility} <= reached


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("pid", sorted(GRID))
def test_one_verdict_for_every_profile(kb: KnowledgeBase, pid: str, lang: str) -> None:
    yes, unmet_word = msg("eligible_yes", lang), msg("eligible_unmet", lang)
    for fields in profiles(pid):
        c = build_checklist(kb, Profile(programme=pid, language=lang, **fields), TODAY)
        header = checklist_view(c).status
        text, markdown = render_text(c), render_markdown(c)
        assert header in text and md_escape(header) in markdown
        unmet = [i for i in c.items if i.kind == "unmet"]
        if unmet:
            # never "eligible" with an unmet condition: the verdict names it and what would change it
            assert c.eligible is False and header.startswith(unmet_word), (fields, header)
            assert c.reason and all(i.title in c.reason for i in unmet)
            assert ("changerait" if lang == "fr" else "would change") in c.reason
        if header.startswith(yes):
            assert c.eligible is True and not unmet, fields
            assert not c.missing_profile_fields or c.path is not None
        if c.eligible is True:
            assert header.startswith(yes) and not unmet
        if c.path is not None and c.eligible is None:
            assert header.startswith(msg("eligible_open", lang)), (fields, header)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_chat_verdict_is_the_checklist_verdict(kb: KnowledgeBase, lang: str) -> None:
    """ "From what you say…": the same assessment as the checklist, for every fully stated profile."""
    p = kb.programmes["enjmin"]
    can_apply = "vous pouvez candidater" if lang == "fr" else "you can apply"
    not_met = "pas remplie" if lang == "fr" else "not met"
    for fields in profiles("enjmin"):
        if None in fields.values() or len(fields) < len(GRID["enjmin"]):
            continue
        c = build_checklist(kb, Profile(programme="enjmin", **fields), TODAY, lang)
        said = personal_verdict(kb, p, fields, lang)
        assert said is not None
        if c.eligible is True:
            assert can_apply in said and not_met not in said, (fields, said)
        elif c.eligible is False and any(i.kind == "unmet" for i in c.items):
            assert not_met in said and "B2" in said, (fields, said)
        elif c.eligible is False:
            assert can_apply not in said, (fields, said)
        else:  # to be confirmed: never a plain "you can apply."
            assert not said.rstrip().endswith(can_apply + "."), (fields, said)


def test_b2_is_the_foreign_candidates_condition(kb: KnowledgeBase) -> None:
    """Issue 10, item 11: the page states B2 in its note for international candidates."""
    base = {"polytechnique_4a": False, "diploma_level": 3, "diploma_rncp": True, "french_level": "B1"}
    french = build_checklist(kb, Profile(programme="enjmin", foreign_diploma=False, **base), TODAY)
    foreign = build_checklist(kb, Profile(programme="enjmin", foreign_diploma=True, **base), TODAY)
    assert french.eligible is True and not any(i.kind == "unmet" for i in french.items)
    assert foreign.eligible is False and any(i.kind == "unmet" for i in foreign.items)
