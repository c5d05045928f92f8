"""Eligibility as one verdict, for the checklist and the chat alike.

The programme's ordered eligibility rules give a path; its `unmet` requirements are admission
conditions a profile can fail. `assess` combines both, so "eligible" is never said while a condition is
unmet: `eligible` is False when one is unmet, None while a field that decides one is unknown (or the
rule itself leaves it open), and the reason names the condition and what would change it.
`personal_verdict` words the same assessment for a candidate who told their situation in a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from assistant.checklist.conditions import evaluate
from assistant.checklist.eligibility import PathDecision, decide_path
from assistant.checklist.profile import PROFILE_FIELDS, Profile
from assistant.checklist.texts import field_label, value_text
from assistant.kb.loader import KnowledgeBase, ProgrammeData
from assistant.kb.models import Requirement


@dataclass
class Assessment:
    """A profile's path and the one answer to "can I apply?"."""

    decision: PathDecision
    eligible: bool | None
    unmet: list[Requirement] = field(default_factory=list)
    """Admission conditions the profile does not meet."""
    undecided: list[Requirement] = field(default_factory=list)
    """Admission conditions a missing field still decides."""
    missing: frozenset[str] = frozenset()
    """Fields that decide the path or an admission condition."""

    def reason(self, lang: str) -> str | None:
        """Why: every unmet condition with what would change it, else the path's rule."""
        if self.unmet:
            sep = " : " if lang == "fr" else ": "
            return " ".join(f"{r.title.get(lang)}{sep}{r.detail.get(lang)}" for r in self.unmet)
        rule = self.decision.rule
        return rule.text.get(lang) if rule else None


def assess(pdata: ProgrammeData, profile: Any) -> Assessment:
    """The path of `profile` (a Profile or a dict of known fields) and whether it may apply."""
    decision = decide_path(pdata, profile)
    unmet, undecided, missing = [], [], set(decision.missing)
    for req in pdata.file.requirements:
        if req.kind != "unmet":
            continue
        outcome = evaluate(req.when, profile)
        if outcome.value is True:
            unmet.append(req)
        elif outcome.value is None:
            undecided.append(req)
            missing |= outcome.missing
    rule = decision.rule
    if unmet or (rule is not None and rule.eligible is False):
        eligible: bool | None = False
    elif rule is None or rule.eligible is None or undecided:
        eligible = None
    else:
        eligible = True
    return Assessment(decision, eligible, unmet, undecided, frozenset(missing))


def personal_verdict(kb: KnowledgeBase, pdata: ProgrammeData, facts: dict[str, Any], lang: str) -> str | None:
    """ "From what you say (…), you can apply / cannot yet / it depends": the checklist's assessment."""
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
    result = assess(pdata, profile)
    if result.unmet:
        reasons = "; ".join(f"{r.title.get(lang)} — {r.detail.get(lang)}" for r in result.unmet)
        return kb.t("verdict_unmet", lang, situation=situation, reasons=reasons)
    decision = result.decision
    if decision.rule is None:
        rules = [r for r in pdata.file.eligibility if r.path in decision.possible]
        if rules and all(r.eligible for r in rules) and not result.undecided:
            return kb.t(
                "verdict_yes", lang, situation=situation, rule=" ".join(r.text.get(lang) for r in rules)
            )
        missing = ", ".join(field_label(name, lang) for name in sorted(result.missing)) or "-"
        return kb.t("verdict_open", lang, situation=situation, missing=missing)
    rule = decision.rule
    if rule.eligible is None:
        return kb.t("verdict_pending", lang, situation=situation, rule=rule.text.get(lang))
    if rule.eligible is False:
        return kb.t("verdict_no", lang, situation=situation, rule=rule.text.get(lang))
    if result.undecided:  # eligible by path, but an admission condition depends on something unsaid
        missing = ", ".join(field_label(name, lang) for name in sorted(result.missing)) or "-"
        return kb.t("verdict_depends", lang, situation=situation, rule=rule.text.get(lang), missing=missing)
    return kb.t("verdict_yes", lang, situation=situation, rule=rule.text.get(lang))


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
