"""YAML loading that remembers where every value was written, so errors point at file:line:column."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is ~10x faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Loc = tuple[int | str, ...]


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


class YamlSyntaxError(Exception):
    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{file}:{line}:{column}: {message}")
        self.file, self.line, self.column, self.message = file, line, column, message


_constructor = yaml.constructor.SafeConstructor()


def load_with_positions(path: Path, display: str | None = None) -> tuple[Any, Positions]:
    name = display or str(path)
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
        raise YamlSyntaxError(name, line, col, f"YAML syntax: {problem}") from None
    positions = Positions(name)
    if node is None:
        return None, positions
    return _build(node, (), positions, name), positions


def _build(node: yaml.Node, loc: Loc, positions: Positions, name: str) -> Any:
    positions.marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlSyntaxError(
                    name,
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                    "YAML merge keys (<<) are not supported: write the fields out",
                )
            key = _constructor.construct_object(key_node)
            if not isinstance(key, str | int):
                key = str(key)
            if key in out:
                raise YamlSyntaxError(
                    name,
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                    f"key `{key}` appears twice in the same mapping",
                )
            child = (*loc, key)
            positions.marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _build(value_node, child, positions, name)
            positions.marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), positions, name) for i, item in enumerate(node.value)]
    try:
        return _constructor.construct_object(node)
    except yaml.constructor.ConstructorError as exc:
        raise YamlSyntaxError(
            name, node.start_mark.line + 1, node.start_mark.column + 1, str(exc.problem)
        ) from None
    except (ValueError, OverflowError) as exc:  # e.g. an impossible date such as 2026-02-30
        raise YamlSyntaxError(
            name, node.start_mark.line + 1, node.start_mark.column + 1, f"invalid value `{node.value}`: {exc}"
        ) from None
