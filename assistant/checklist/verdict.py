"""A personal eligibility verdict for a candidate who told their situation in a message.

Same rules as the checklist (the programme's ordered eligibility rules and its `unmet` requirements),
so the chat and the checklist can never disagree: "with a bac + 2 and 1 year of experience you are not
eligible yet: …". Only the facts the rules test are repeated back to the candidate.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from assistant.checklist.conditions import evaluate
from assistant.checklist.eligibility import decide_path
from assistant.checklist.profile import PROFILE_FIELDS, Profile
from assistant.checklist.texts import field_label, value_text
from assistant.kb.loader import KnowledgeBase, ProgrammeData


def personal_verdict(kb: KnowledgeBase, pdata: ProgrammeData, facts: dict[str, Any], lang: str) -> str | None:
    tested = _tested_fields(pdata)
    known = {k: v for k, v in facts.items() if k in PROFILE_FIELDS and k in tested and v is not None}
    if not known:
        return None
    # a special status the candidate does not mention (École polytechnique student...) is read as not
    # theirs: the verdict is "from what you say", and says what it was based on
    unsaid = {name: False for name in tested if name not in known and _is_flag(name)}
    try:
        profile = Profile(programme=pdata.id, **unsaid, **known)
    except ValidationError:
        return None
    situation = ", ".join(_describe(name, value, lang) for name, value in known.items())
    unmet = [
        r for r in pdata.file.requirements if r.kind == "unmet" and evaluate(r.when, profile).value is True
    ]
    decision = decide_path(pdata, profile)
    if unmet:
        reasons = "; ".join(f"{r.title.get(lang)} — {r.detail.get(lang)}" for r in unmet)
        return kb.t("verdict_unmet", lang, situation=situation, reasons=reasons)
    if decision.rule is None:
        rules = [r for r in pdata.file.eligibility if r.path in decision.possible]
        if rules and all(r.eligible for r in rules):  # every path still open admits the candidate
            return kb.t(
                "verdict_yes", lang, situation=situation, rule=" ".join(r.text.get(lang) for r in rules)
            )
        missing = ", ".join(field_label(name, lang) for name in sorted(decision.missing)) or "-"
        return kb.t("verdict_open", lang, situation=situation, missing=missing)
    rule = decision.rule
    key = {True: "verdict_yes", False: "verdict_no", None: "verdict_jury"}[rule.eligible]
    return kb.t(key, lang, situation=situation, rule=rule.text.get(lang))


def _describe(name: str, value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return (
            field_label(name, lang)
            if value
            else f"{field_label(name, lang)} : {value_text(name, value, lang)}"
        )
    return (
        value_text(name, value, lang)
        if name in ("diploma_level", "professional_experience_years")
        else (f"{field_label(name, lang)} {value_text(name, value, lang)}")
    )


def _is_flag(name: str) -> bool:
    annotation = Profile.model_fields[name].annotation if name in Profile.model_fields else None
    return annotation == (bool | None)


def _tested_fields(pdata: ProgrammeData) -> set[str]:
    out: set[str] = set()
    for rule in pdata.file.eligibility:
        if rule.when is not None:
            out |= rule.when.fields()
    for req in pdata.file.requirements:
        if req.kind == "unmet":
            out |= req.when.fields()
    return out
