"""Helpers shared by the knowledge-base tests: paths, folder copies and precise text edits."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from assistant.kb.loader import Problem

try:  # libyaml's loader is ~10x faster on topics.yaml
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = REPO / "knowledge"
FIXTURES = REPO / "tests" / "fixtures"


def copy_knowledge(dest: Path) -> Path:
    """Copy the bundled knowledge/*.yaml, and the page snapshots their quotes are checked against, into
    `dest` (created) and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    for source in sorted(KNOWLEDGE.glob("*.yaml")):
        shutil.copy(source, dest / source.name)
    shutil.copytree(KNOWLEDGE / "pages", dest / "pages")
    return dest


def read_yaml(path: Path) -> Any:
    """The plain data of a YAML file (safe loading), for tests that look at a file as staff wrote it."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in `path` by `new` (fails if `old` is absent or repeated)."""
    text = path.read_text(encoding="utf-8")
    count = text.count(old)
    assert count == 1, f"{old!r} occurs {count} times in {path.name}: the edit would be ambiguous"
    path.write_text(text.replace(old, new), encoding="utf-8")


def where(path: Path, needle: str, start: int = 0, occurrence: int | None = None) -> tuple[int, int]:
    """1-based (line, column) of `needle` in `path`, plus `start` characters.

    `needle` must occur once, unless `occurrence` (0-based) picks one of several. Tests compute the
    position they expect from the edited text itself, never from magic numbers.
    """
    text = path.read_text(encoding="utf-8")
    count = text.count(needle)
    if occurrence is None:
        assert count == 1, f"{needle!r} occurs {count} times in {path.name}"
        occurrence = 0
    assert count > occurrence, f"{needle!r} occurs only {count} times in {path.name}"
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    offset += start
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def same_file(problem: Problem, path: Path) -> bool:
    return Path(problem.file).resolve() == path.resolve()


def problem_at(problems: list[Problem], path: Path, line: int, entry: str | None, *words: str) -> Problem:
    """The problem reported at `path:line` for `entry` (None: any) whose message mentions all `words`."""
    for p in problems:
        if (
            same_file(p, path)
            and p.line == line
            and entry in (None, p.entry)
            and all(w in p.message for w in words)
        ):
            return p
    listing = "\n".join(str(p) for p in problems) or "(no problem reported)"
    raise AssertionError(
        f"no problem at {path.name}:{line} for `{entry}` mentioning {words}; got:\n{listing}"
    )
