"""The one YAML loader of the project: knowledge files, checklist profiles, evaluation sets, settings.

Plain `yaml.safe_load` trusts its input: a few lines of aliases ("billion laughs") expand to billions
of values, a document nested thousands deep overflows the stack, a 50 MB file is read whole. This
loader builds values straight from the parser's events, in one pass without recursion, and stops at
the first value over a budget (`Limits`): file size, number of values (an alias counts as every value
it stands for), nesting depth, and values brought in by aliases. Every refusal is a `YamlError` with
the file, line and column and a hint; error messages quote the input only cut short (`clip`).

Only plain YAML is read: text, numbers, yes/no, null, dates, lists and mappings. Tags (`!!python/...`,
`!!binary`, `!!set`), merge keys (`<<`), keys that are lists or mappings, a key written twice and
several documents in one file are refused. Dates must lie in 1900-2100 (`assistant.dates`).

`parse(..., positions={})` also records where each value was written, by its path of keys and
indices, so the knowledge checker can point at file:line:column (`assistant.kb.yamlpos`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.dates import DateRangeError, check_date
from assistant.files import FileReadError, clip, read_bounded, size_text
from assistant.limits import EVAL_SET, KNOWLEDGE, MAX_NUMBER_CHARS, PROFILE, SETTINGS, Limits

try:  # libyaml's parser is ~10x faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Loc = tuple[int | str, ...]
Marks = dict[Loc, tuple[int, int]]


SYNTAX_HINT = "fix the YAML syntax (indentation, quotes, colons) at that place"

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_SCALARS = {
    _STR,
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:timestamp",
} | _NUMBERS
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()


class YamlError(Exception):
    """A YAML file that cannot be used, at 1-based `line`:`column`, with a `hint` for staff."""

    def __init__(self, file: str, line: int, column: int, message: str, hint: str = SYNTAX_HINT) -> None:
        super().__init__(f"{file}:{line}:{column}: {message}")
        self.file, self.line, self.column, self.message, self.hint = file, line, column, message, hint


def load(path: str | Path, limits: Limits, display: str | None = None, positions: Marks | None = None) -> Any:
    """The values of the YAML file `path` (None for an empty file), within `limits`.

    Raises `FileReadError` for what cannot be read as a file (missing, too large, a folder, a pipe, a
    link loop) and `YamlError` for a file that is not UTF-8, not valid YAML or over a budget."""
    name = display or str(path)
    raw = read_bounded(path, limits.max_bytes, name)
    return parse(raw, name, limits, positions)


def parse(raw: bytes | str, name: str, limits: Limits, positions: Marks | None = None) -> Any:
    """The values of one YAML document given as bytes (UTF-8) or text; see `load`."""
    if isinstance(raw, bytes):
        if len(raw) > limits.max_bytes:
            raise YamlError(
                name,
                1,
                1,
                f"is {size_text(len(raw))}, over the {size_text(limits.max_bytes)} limit",
                "check that this is the right file; a file this large is refused before it is read",
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, column = _byte_position(raw, exc.start)
            raise YamlError(
                name,
                line,
                column,
                f"cannot read the file: it is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                "save it as UTF-8 text",
            ) from None
    else:
        text = raw
        if len(text) > limits.max_bytes:
            raise YamlError(name, 1, 1, f"is over the {size_text(limits.max_bytes)} limit", "shorten it")
    try:
        return _Builder(name, limits, positions).run(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = clip(exc.problem or "invalid YAML", 200)
        if "nesting depth" in problem:  # libyaml's own limit (1,000 levels), beyond any of ours
            raise YamlError(name, line, column, *_depth_message(limits)) from None
        if exc.context:
            problem = f"{clip(exc.context, 100)}, {problem}"
        raise YamlError(name, line, column, f"invalid YAML syntax: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a control character: position is a byte offset in UTF-8
        encoded = text.encode("utf-8", "surrogatepass")
        line, column = _byte_position(encoded, min(exc.position, len(encoded)))
        raise YamlError(
            name,
            line,
            column,
            f"character U+{exc.character:04X} is not allowed in YAML ({exc.reason})"
            if isinstance(exc.character, int)
            else f"invalid character ({exc.reason})",
            "remove the control character (often pasted from another program)",
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error is one of the above
        raise YamlError(name, 1, 1, f"YAML: {clip(str(exc), 200)}") from None


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", "replace")) + 1


@dataclass
class _Anchored:
    value: Any
    size: int
    height: int


class _Frame:
    """A list or mapping being built: its path, its values so far and what they weigh."""

    __slots__ = ("container", "loc", "size", "height", "anchor", "key", "key_mark", "mark")

    def __init__(self, container: list | dict, loc: Loc, anchor: str | None, mark: Any) -> None:
        self.container = container
        self.loc = loc
        self.size = 1
        self.height = 1
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_mark: Any = None
        self.mark = mark


_NO_KEY = object()


class _Builder:
    """Values from parser events, with the budgets checked at every event (no recursion)."""

    def __init__(self, name: str, limits: Limits, positions: Marks | None) -> None:
        self.name, self.limits, self.positions = name, limits, positions
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchored] = {}
        self.nodes = 0
        self.alias_nodes = 0
        self.documents = 0
        self.result: Any = None

    def fail(self, mark: Any, message: str, hint: str) -> YamlError:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return YamlError(self.name, line, column, message, hint)

    def run(self, events: Any) -> Any:
        for event in events:
            if isinstance(event, yaml.ScalarEvent):
                self.scalar(event)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                self.start(event)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                frame = self.stack.pop()
                self.finish(frame.container, frame.size, frame.height, frame.anchor, frame.mark)
            elif isinstance(event, yaml.AliasEvent):
                self.alias(event)
            elif isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    raise self.fail(
                        event.start_mark,
                        "a second YAML document (`---`) in the same file",
                        "keep one document per file: remove the `---` line or split the file",
                    )
        return self.result

    # -- values

    def start(self, event: Any) -> None:
        is_map = isinstance(event, yaml.MappingStartEvent)
        if event.tag not in (None, "!", _MAP if is_map else _SEQ):
            raise self._tag_error(event)
        if self.stack and self._expecting_key():
            raise self.fail(
                event.start_mark,
                "a key is a list or a mapping",
                "keys are plain words or numbers: write `key: value`",
            )
        depth = len(self.stack) + 1
        if depth > self.limits.max_depth:
            raise self._depth_error(event.start_mark)
        self.count(1, event.start_mark)
        loc = self._child_loc(event.start_mark)
        container: list | dict = {} if is_map else []
        self.stack.append(_Frame(container, loc, event.anchor, event.start_mark))

    def scalar(self, event: Any) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit) if tag is None else _STR
        if tag == _MERGE:
            raise self.fail(
                event.start_mark,
                "YAML merge keys (<<) are not supported",
                'write the fields out (quote `"<<"` if it is a text)',
            )
        if tag not in _SCALARS:
            raise self._tag_error(event)
        self.count(1, event.start_mark)
        value = event.value if tag == _STR else self._construct(tag, event)
        if self.stack and self._expecting_key():
            self._key(value, event.start_mark)
            if event.anchor is not None:
                self.anchors[event.anchor] = _Anchored(value, 1, 0)
            return
        self._child_loc(event.start_mark)
        self.finish(value, 1, 0, event.anchor, event.start_mark)

    def alias(self, event: Any) -> None:
        target = self.anchors.get(event.anchor)
        if target is None:
            inside = any(frame.anchor == event.anchor for frame in self.stack)
            raise self.fail(
                event.start_mark,
                f"alias *{clip(event.anchor, 40)} refers to "
                + ("the value that contains it" if inside else "no anchor defined above it"),
                "define the anchor (&name) before its aliases (*name), outside the value that uses it",
            )
        self.alias_nodes += target.size
        if self.alias_nodes > self.limits.max_alias_nodes:
            raise self.fail(
                event.start_mark,
                f"aliases expand to more than {self.limits.max_alias_nodes:,} values (at *{clip(event.anchor, 40)})",
                "write the values out instead of repeating them through aliases (*name); "
                "nested aliases multiply (a YAML “billion laughs”)",
            )
        self.count(target.size, event.start_mark)
        if len(self.stack) + target.height > self.limits.max_depth:
            raise self._depth_error(event.start_mark)
        if self.stack and self._expecting_key():
            if target.height:
                raise self.fail(
                    event.start_mark,
                    "a key is a list or a mapping",
                    "keys are plain words or numbers: write `key: value`",
                )
            self._key(target.value, event.start_mark)
            return
        self._child_loc(event.start_mark)
        self.finish(target.value, target.size, target.height, None, event.start_mark)

    def finish(self, value: Any, size: int, height: int, anchor: str | None, mark: Any) -> None:
        """`value` is complete: remember its anchor and put it into its parent (or make it the result)."""
        if anchor is not None:
            self.anchors[anchor] = _Anchored(value, size, height)
        if not self.stack:
            self.result = value
            return
        parent = self.stack[-1]
        parent.size += size
        parent.height = max(parent.height, height + 1)
        if isinstance(parent.container, dict):
            parent.container[parent.key] = value
            parent.key = _NO_KEY
        else:
            parent.container.append(value)

    # -- helpers

    def count(self, n: int, mark: Any) -> None:
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            raise self.fail(
                mark,
                f"holds more than {self.limits.max_nodes:,} values",
                "split the file, or check that it is the right file",
            )

    def _expecting_key(self) -> bool:
        top = self.stack[-1]
        return isinstance(top.container, dict) and top.key is _NO_KEY

    def _key(self, key: Any, mark: Any) -> None:
        if not isinstance(key, str | int):
            key = str(key)
        top = self.stack[-1]
        if key in top.container:
            raise self.fail(
                mark,
                f"key `{clip(str(key))}` appears twice in the same mapping",
                "remove or rename one of the two",
            )
        top.key, top.key_mark = key, mark
        if self.positions is not None:
            self.positions[(*top.loc, key)] = (mark.line + 1, mark.column + 1)

    def _child_loc(self, mark: Any) -> Loc:
        """The path of the value starting now; records its position (a mapping value is where its key is)."""
        if not self.stack:
            loc: Loc = ()
        else:
            top = self.stack[-1]
            if isinstance(top.container, dict):
                return (*top.loc, top.key)  # its position is its key's, recorded by `_key`
            loc = (*top.loc, len(top.container))
        if self.positions is not None:
            self.positions[loc] = (mark.line + 1, mark.column + 1)
        return loc

    def _construct(self, tag: str, event: Any) -> Any:
        if tag in _NUMBERS and len(event.value) > MAX_NUMBER_CHARS:
            raise self.fail(
                event.start_mark,
                f"number written with more than {MAX_NUMBER_CHARS} characters",
                "quote it if it is a text",
            )
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            value = _constructor.yaml_constructors[tag](_constructor, node)
        except Exception as exc:  # noqa: BLE001 - PyYAML's constructors on any text: 2026-02-30, `!!int ""`
            reason = getattr(exc, "problem", None) or str(exc) or type(exc).__name__
            raise self.fail(
                event.start_mark,
                f"invalid value `{clip(event.value)}`: {clip(reason, 120)}",
                "correct the value, or quote it if it is a text",
            ) from None
        if isinstance(value, date):
            try:
                check_date(value)
            except DateRangeError as exc:
                raise self.fail(event.start_mark, str(exc), "check the year") from None
        return value

    def _tag_error(self, event: Any) -> YamlError:
        return self.fail(
            event.start_mark,
            f"tag `{clip(str(event.tag).replace('tag:yaml.org,2002:', '!!'), 60)}` is not supported",
            "remove the tag: only plain values are read (text, numbers, yes/no, dates, lists, mappings)",
        )

    def _depth_error(self, mark: Any) -> YamlError:
        return self.fail(mark, *_depth_message(self.limits))


def _depth_message(limits: Limits) -> tuple[str, str]:
    return (
        f"values nested more than {limits.max_depth} levels deep",
        "flatten the structure: nothing this file holds needs that many levels",
    )


__all__ = [
    "EVAL_SET",
    "KNOWLEDGE",
    "PROFILE",
    "SETTINGS",
    "FileReadError",
    "Limits",
    "YamlError",
    "load",
    "parse",
]
