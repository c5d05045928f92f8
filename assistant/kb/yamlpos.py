"""YAML loading that remembers where every value was written, so errors point at file:line:column.

The reading itself is `assistant.yamlfile` (bounded: size, values, depth, aliases), with the
knowledge files' budgets; this module keeps the positions it records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.yamlfile import KNOWLEDGE, Limits, Loc, YamlError, load

YamlSyntaxError = YamlError
"""The name the knowledge checker catches: any refusal of the YAML loader, with file:line:column."""


@dataclass
class Positions:
    """Maps a path inside the document (keys and indices) to its 1-based (line, column)."""

    file: str
    marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def at(self, loc: Loc) -> tuple[int, int]:
        """Position of `loc`, or of its closest ancestor that has one."""
        path = tuple(loc)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))


def load_with_positions(
    path: Path, display: str | None = None, limits: Limits | None = None
) -> tuple[Any, Positions]:
    """The values of a YAML file (by default with a knowledge file's budgets) and where each was
    written. Raises `YamlError` (syntax or a budget) and `assistant.files.FileReadError` (not a
    readable file, or too large)."""
    positions = Positions(display or str(path))
    data = load(path, limits or KNOWLEDGE, positions.file, positions.marks)
    return data, positions
