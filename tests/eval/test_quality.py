"""Answer quality on question sets: the public dev sets (when shared/ is beside the repo) and our own
held-out sets written from the source pages only. Regression guards, not targets to tune against:
the floors sit below the measured figures, so a change that loses answers fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engine import Assistant
from assistant.evaluation import evaluate, load_cases

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "eval" / "dev.yaml"
DEV2 = ROOT.parent / "shared" / "eval" / "dev2.yaml"
HELDOUT = Path(__file__).with_name("heldout.yaml")
HELDOUT2 = Path(__file__).with_name("heldout2.yaml")
HELDOUT3 = Path(__file__).with_name("heldout3.yaml")
HELDOUT4 = Path(__file__).with_name("heldout4.yaml")
HELDOUT5 = Path(__file__).with_name("heldout5.yaml")
HELDOUT6 = Path(__file__).with_name("heldout6.yaml")
HELDOUT7 = Path(__file__).with_name("heldout7.yaml")


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.load()


def test_heldout_set(assistant: Assistant) -> None:
    figures = evaluate(assistant, load_cases(HELDOUT)).figures()
    assert figures["pass"] >= 0.90
    assert figures["oos_declined"] >= 0.80
    assert figures["in_scope_wrongly_declined"] <= 0.05
    assert figures["language_right"] >= 0.98


def test_second_heldout_set(assistant: Assistant) -> None:
    """Chattier, deliberately adversarial questions: a floor, to see regressions, not a target."""
    figures = evaluate(assistant, load_cases(HELDOUT2)).figures()
    assert figures["pass"] >= 0.78
    assert figures["oos_declined"] >= 0.80
    assert figures["language_right"] >= 0.95


def test_third_heldout_set(assistant: Assistant) -> None:
    """Written last and never used for tuning: the closest estimate of questions nobody here has seen."""
    figures = evaluate(assistant, load_cases(HELDOUT3)).figures()
    assert figures["pass"] >= 0.90
    assert figures["oos_declined"] >= 0.75
    assert figures["in_scope_wrongly_declined"] <= 0.05
    assert figures["language_right"] >= 0.98


@pytest.mark.skipif(not DEV.exists(), reason="shared/eval/dev.yaml is not beside the repository")
def test_public_dev_set(assistant: Assistant) -> None:
    figures = evaluate(assistant, load_cases(DEV)).figures()
    assert figures["pass"] >= 0.95
    assert figures["oos_declined"] >= 0.90
    assert figures["in_scope_wrongly_declined"] <= 0.03
    assert figures["language_right"] >= 0.98


@pytest.mark.parametrize(
    "path", [HELDOUT4, HELDOUT5, HELDOUT6, HELDOUT7], ids=["heldout4", "heldout5", "heldout6", "heldout7"]
)
def test_never_tuned_sets_in_candidate_voice(assistant: Assistant, path: Path) -> None:
    """Written by independent writers from the pages and personas only, with conversations and dates
    after the session: never tuned on (their failures are not read while improving the assistant)."""
    figures = evaluate(assistant, load_cases(path)).figures()
    assert figures["pass"] >= 0.80
    assert figures["oos_declined"] >= 0.85
    assert figures["in_scope_wrongly_declined"] <= 0.06
    assert figures["language_right"] >= 0.95


@pytest.mark.skipif(not DEV2.exists(), reason="shared/eval/dev2.yaml is not beside the repository")
def test_public_dev2_set_in_candidate_voice(assistant: Assistant) -> None:
    figures = evaluate(assistant, load_cases(DEV2)).figures()
    assert figures["pass"] >= 0.93
    assert figures["oos_declined"] >= 0.90
    assert figures["in_scope_wrongly_declined"] <= 0.03
    assert figures["language_right"] >= 0.98
