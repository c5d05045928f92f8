"""Question sets for `eval` go through the bounded loader and are checked before scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.limited import run_cli


def evaluate(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "set.yaml"
    path.write_text(text, encoding="utf-8")
    out = run_cli("eval", str(path))
    return out.returncode, out.stdout.decode() + out.stderr.decode()


def test_alias_bomb(tmp_path: Path) -> None:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    code, out = evaluate(tmp_path, "- id: a\n  q: bonjour\n  " + "\n  ".join(lines) + "\n")
    assert code == 2 and "Traceback" not in out and "aliases expand" in out, out[-2000:]


@pytest.mark.parametrize(
    ("case", "line", "words"),
    [
        ("- id: a\n  q: date limite enjmin ?\n  today: 9999-12-31\n", 3, "outside the supported range"),
        ("- id: a\n  q: date limite enjmin ?\n  today: '0001-01-01'\n", 3, "outside the supported range"),
        ("- id: a\n  lang: fr\n", 1, "`q:`"),
        ("- id: a\n  turns:\n  - lang: fr\n", 3, "`q:`"),
        ("- id: a\n  q: x\n  expect: [a, b]\n", 3, "list of groups"),
        ("id: a\n", 1, "a list of cases"),
    ],
)
def test_bad_case_is_reported_at_its_line(tmp_path: Path, case: str, line: int, words: str) -> None:
    code, out = evaluate(tmp_path, case)
    assert code == 2 and "Traceback" not in out and words in out, out[-2000:]
    if line > 1:
        assert f"set.yaml:{line}:" in out


def test_unknown_programme_fails_the_case(tmp_path: Path) -> None:
    """Before: the case ran with a programme that does not exist and passed."""
    code, out = evaluate(tmp_path, "- id: a\n  q: date limite ?\n  lang: fr\n  programme: nosuch\n")
    assert code == 0 and "pass: 0.0%" in out and "unknown programme `nosuch`" in out, out
