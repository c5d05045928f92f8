"""Three-valued evaluation of knowledge-base conditions over a possibly incomplete profile.

A field the profile lacks is never guessed: a test on it is *unknown* (None), and the caller lists
the field as missing instead of deciding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.kb.models import Condition

Truth = bool | None


@dataclass(frozen=True)
class Outcome:
    """The truth of a condition and, when unknown, the missing fields that keep it open."""

    value: Truth
    missing: frozenset[str] = field(default_factory=frozenset)


TRUE = Outcome(True)
FALSE = Outcome(False)


def value_of(profile: Any, name: str) -> Any:
    """A profile field's value; None when absent (dicts and models both accepted)."""
    if isinstance(profile, dict):
        return profile.get(name)
    return getattr(profile, name, None)


def evaluate(cond: Condition | None, profile: Any) -> Outcome:
    """Kleene logic: `all` is false if any part is false, unknown if any part is unknown."""
    if cond is None:
        return TRUE
    if cond.field is not None:
        return _leaf(cond, value_of(profile, cond.field))
    if cond.not_ is not None:
        inner = evaluate(cond.not_, profile)
        return inner if inner.value is None else Outcome(not inner.value)
    parts = [evaluate(c, profile) for c in (cond.all if cond.all is not None else cond.any or [])]
    decisive = cond.all is None  # `any` is settled by a true part, `all` by a false one
    if any(p.value is decisive for p in parts):
        return Outcome(decisive)
    unknown = [p for p in parts if p.value is None]
    if unknown:
        return Outcome(None, frozenset().union(*(p.missing for p in unknown)))
    return Outcome(not decisive)


def _leaf(cond: Condition, value: Any) -> Outcome:
    assert cond.field is not None
    if value is None:
        return Outcome(None, frozenset({cond.field}))
    if cond.in_ is not None:
        return Outcome(value in cond.in_)
    if cond.eq is not None:
        return Outcome(value == cond.eq)
    if cond.ne is not None:
        return Outcome(value != cond.ne)
    bound, test = next(
        (b, t)
        for b, t in (
            (cond.gte, lambda v, b: v >= b),
            (cond.gt, lambda v, b: v > b),
            (cond.lte, lambda v, b: v <= b),
            (cond.lt, lambda v, b: v < b),
        )
        if b is not None
    )
    if isinstance(value, bool) or not isinstance(value, int | float):
        return FALSE
    return Outcome(bool(test(value, bound)))


def both(a: Outcome, b: Outcome) -> Outcome:
    """Kleene AND of two outcomes (an item's own condition and its event's)."""
    if a.value is False or b.value is False:
        return FALSE
    if a.value is None or b.value is None:
        return Outcome(None, a.missing | b.missing)
    return TRUE


def true_leaves(cond: Condition | None, profile: Any) -> list[str]:
    """Fields of the leaves that hold for the profile: the facts that made a condition true."""
    if cond is None:
        return []
    if cond.field is not None:
        return [cond.field] if evaluate(cond, profile).value else []
    out: list[str] = []
    for sub in (cond.all or []) + (cond.any or []):
        for name in true_leaves(sub, profile):
            if name not in out:
                out.append(name)
    if cond.not_ is not None:
        out.extend(f for f in sorted(cond.not_.fields()) if f not in out)
    return out
