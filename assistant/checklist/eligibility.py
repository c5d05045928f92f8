"""Which admission path a profile leads to, from the programme's ordered eligibility rules.

The first rule that holds gives the path. A rule that cannot be decided (a field is missing) keeps the
path open, and only the fields whose answer can really change the outcome are reported as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import get_args

from assistant.checklist.conditions import Outcome, evaluate, value_of
from assistant.checklist.profile import PROFILE_FIELDS, Profile
from assistant.kb.loader import ProgrammeData
from assistant.kb.models import Condition, EligibilityRule


@dataclass
class PathDecision:
    """The first matching eligibility rule, or the paths still open and the fields that would settle it."""

    rule: EligibilityRule | None
    possible: list[str]
    missing: frozenset[str] = frozenset()

    @property
    def path(self) -> str | None:
        return self.rule.path if self.rule else None


def decide_path(pdata: ProgrammeData, profile: Profile) -> PathDecision:
    """Rules in order, first true one wins. An unknown rule before it leaves the path open; the
    missing fields reported are those whose answer can actually change the path."""
    open_rules: list[tuple[EligibilityRule, Outcome]] = []
    for rule in pdata.file.eligibility:
        outcome = evaluate(rule.when, profile)
        if outcome.value is False:
            continue
        open_rules.append((rule, outcome))
        if outcome.value:
            break
    if not open_rules:
        return PathDecision(None, [])
    unknown = sorted(frozenset().union(*(o.missing for _, o in open_rules if o.value is None)))
    if not unknown:
        return PathDecision(open_rules[-1][0], [open_rules[-1][0].path])
    known = {name: value_of(profile, name) for name in PROFILE_FIELDS}
    rules = [r for r, _ in open_rules]
    domains = [_domain(pdata, name) for name in unknown]
    results: dict[tuple, EligibilityRule | None] = {}
    for combo in product(*domains):
        values = {**known, **dict(zip(unknown, combo, strict=True))}
        results[combo] = next((r for r in rules if evaluate(r.when, values).value), None)
    outcomes = {(r.path, r.eligible) if r else None for r in results.values()}
    possible = list(dict.fromkeys(r.path for r in rules if any(x is r for x in results.values())))
    if len(outcomes) == 1 and None not in outcomes:  # every answer leads to the same path
        last, last_outcome = open_rules[-1]
        return PathDecision(last if last_outcome.value else next(r for r in results.values() if r), possible)
    relevant = set()
    for i, name in enumerate(unknown):
        for combo, rule in results.items():
            here = (rule.path, rule.eligible) if rule else None
            if any(
                ((r.path, r.eligible) if r else None) != here
                for c, r in results.items()
                if c[:i] + c[i + 1 :] == combo[:i] + combo[i + 1 :]
            ):
                relevant.add(name)
                break
    return PathDecision(None, possible, frozenset(relevant))


def _domain(pdata: ProgrammeData, name: str) -> list:
    """Values of a field worth trying: both booleans, the listed choices, or each side of every bound."""
    annotation = Profile.model_fields[name].annotation if name in Profile.model_fields else None
    args = [a for a in get_args(annotation) if a is not type(None)]
    if bool in args:
        return [True, False]
    literals = [v for a in args for v in get_args(a)]
    if literals:
        return literals
    points: set[float] = set()
    for cond in _leaves(pdata):
        if cond.field == name:
            for bound in (cond.gte, cond.gt, cond.lte, cond.lt, cond.eq, cond.ne, *(cond.in_ or [])):
                if isinstance(bound, int | float) and not isinstance(bound, bool):
                    points |= {bound - 0.5, float(bound), bound + 0.5}
    return sorted(points) or [0]


def _leaves(pdata: ProgrammeData) -> list[Condition]:
    out: list[Condition] = []

    def walk(cond: Condition | None) -> None:
        if cond is None:
            return
        if cond.field is not None:
            out.append(cond)
        for sub in (cond.all or []) + (cond.any or []) + ([cond.not_] if cond.not_ else []):
            walk(sub)

    for rule in pdata.file.eligibility:
        walk(rule.when)
    return out
