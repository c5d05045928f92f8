"""JSON from people (batch lines, profiles) with a bound on nesting.

`json.loads` recurses once per level: 100,000 nested brackets raise `RecursionError`, and a document
just under the interpreter's limit still breaks whatever walks it next (validation, `repr`). Here a
document nested deeper than `max_depth` is a `JsonError`, like any other malformed input.
"""

from __future__ import annotations

import json
from typing import Any


class JsonError(ValueError):
    """Input that is not JSON within the bounds; `line` is 1-based (1 for a one-line input)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def loads(text: str, max_depth: int) -> Any:
    """The JSON value of `text`, nested at most `max_depth` levels deep, else `JsonError`."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonError(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:  # the C decoder stops at the interpreter's recursion limit
        raise JsonError(f"invalid JSON: nested more than {max_depth} levels deep") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise JsonError(f"invalid JSON: {str(exc)[:80]}") from None
    if depth(value, max_depth) > max_depth:
        raise JsonError(f"invalid JSON: nested more than {max_depth} levels deep")
    return value


def depth(value: Any, stop: int) -> int:
    """How deep lists and objects nest in `value` (0 for a plain value), walked without recursion;
    the walk stops as soon as it passes `stop`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        if level > deepest:
            deepest = level
            if deepest > stop:
                return deepest
        stack.extend((child, level) for child in children if isinstance(child, dict | list))
    return deepest
