"""Three-valued condition logic: a missing field is unknown, never false."""

from __future__ import annotations

import pytest

from assistant.checklist.conditions import evaluate
from assistant.kb.models import Condition

LEVEL3 = {"field": "diploma_level", "gte": 3}
RNCP = {"field": "diploma_rncp", "eq": True}
FOREIGN = {"field": "foreign_diploma", "eq": True}


@pytest.mark.parametrize(
    ("cond", "profile", "value", "missing"),
    [
        (LEVEL3, {"diploma_level": 3}, True, set()),
        (LEVEL3, {"diploma_level": 2}, False, set()),
        (LEVEL3, {}, None, {"diploma_level"}),
        (
            {"field": "professional_experience_years", "gt": 3},
            {"professional_experience_years": 3},
            False,
            set(),
        ),
        (
            {"field": "professional_experience_years", "gt": 3},
            {"professional_experience_years": 3.5},
            True,
            set(),
        ),
        ({"field": "diploma_level", "lt": 3}, {"diploma_level": 2}, True, set()),
        ({"field": "diploma_level", "lte": 3}, {"diploma_level": 4}, False, set()),
        (
            {"field": "training_mode", "in": ["initiale", "continue"]},
            {"training_mode": "continue"},
            True,
            set(),
        ),
        (
            {"field": "training_mode", "in": ["initiale", "continue"]},
            {"training_mode": "apprentissage"},
            False,
            set(),
        ),
        ({"field": "training_mode", "ne": "apprentissage"}, {"training_mode": "initiale"}, True, set()),
        ({"all": [LEVEL3, RNCP]}, {"diploma_level": 3, "diploma_rncp": True}, True, set()),
        ({"all": [LEVEL3, RNCP]}, {"diploma_level": 2}, False, set()),  # false wins over unknown
        ({"all": [LEVEL3, RNCP]}, {"diploma_level": 3}, None, {"diploma_rncp"}),
        ({"all": [LEVEL3, RNCP]}, {}, None, {"diploma_level", "diploma_rncp"}),
        ({"any": [LEVEL3, FOREIGN]}, {"foreign_diploma": True}, True, set()),  # true wins over unknown
        ({"any": [LEVEL3, FOREIGN]}, {"foreign_diploma": False}, None, {"diploma_level"}),
        ({"any": [LEVEL3, FOREIGN]}, {"foreign_diploma": False, "diploma_level": 1}, False, set()),
        ({"not": FOREIGN}, {"foreign_diploma": False}, True, set()),
        ({"not": FOREIGN}, {}, None, {"foreign_diploma"}),
        ({"field": "diploma_level", "gte": 3}, {"diploma_level": "three"}, False, set()),
    ],
)
def test_three_valued(cond: dict, profile: dict, value: bool | None, missing: set[str]) -> None:
    outcome = evaluate(Condition.model_validate(cond), profile)
    assert outcome.value is value
    assert set(outcome.missing) == missing


def test_no_condition_is_true() -> None:
    assert evaluate(None, {}).value is True
