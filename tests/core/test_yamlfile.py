"""The bounded YAML loader: same values as PyYAML's safe loader on honest files, and a clear
`YamlError` at file:line:column for everything hostile, in bounded time and memory."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.files import FileReadError
from assistant.kb.yamlpos import load_with_positions
from assistant.limits import KNOWLEDGE, Limits
from assistant.yamlfile import YamlError, load, parse

ROOT = Path(__file__).resolve().parents[2]
SMALL = Limits(max_bytes=1 << 20, max_nodes=1_000, max_depth=8, max_alias_nodes=100)
HONEST = sorted((ROOT / "knowledge").glob("*.yaml")) + sorted((ROOT / "tests" / "eval").glob("*.yaml"))


@pytest.mark.parametrize("path", HONEST, ids=[p.name for p in HONEST])
def test_same_values_as_pyyaml(path: Path) -> None:
    expected = yaml.load(
        path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    assert load(path, KNOWLEDGE) == expected


def test_positions_point_at_keys_and_items(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a:\n  b: 1\n  c:\n    - x\n    - {d: 2}\n", encoding="utf-8")
    data, pos = load_with_positions(path)
    assert data == {"a": {"b": 1, "c": ["x", {"d": 2}]}}
    assert pos.at(("a",)) == (1, 1)
    assert pos.at(("a", "b")) == (2, 3)
    assert pos.at(("a", "c", 0)) == (4, 7)
    assert pos.at(("a", "c", 1, "d")) == (5, 8)
    assert pos.at(("a", "c", 1, "d", "nothing")) == (5, 8)


def refused(text: str, limits: Limits = SMALL) -> YamlError:
    start = time.perf_counter()
    with pytest.raises(YamlError) as exc:
        parse(text.encode("utf-8"), "f.yaml", limits)
    assert time.perf_counter() - start < 5
    assert len(str(exc.value)) < 400  # never the input itself
    return exc.value


def test_billion_laughs() -> None:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 30)]
    err = refused("\n".join(lines), KNOWLEDGE)
    assert "aliases expand to more than 10,000 values" in err.message and err.line == 5
    assert "billion laughs" in err.hint


def test_aliases_count_in_the_value_budget() -> None:
    err = refused(
        "a: &a [" + ", ".join(["x"] * 90) + "]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    )
    assert "more than" in err.message and err.line == 2


def test_alias_nesting_counts_in_the_depth_budget() -> None:
    text = "a: &a [[[[[x]]]]]\nb: [[[[*a]]]]\n"
    assert refused(text).message == "values nested more than 8 levels deep"


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("a: " + "[" * 500 + "]" * 500, 1, 11, "nested more than 8 levels"),
        # past 1,000 flow levels libyaml stops first, where it stops (it reads flow brackets ahead)
        ("a: " + "[" * 5000 + "]" * 5000, 1, 1003, "nested more than 8 levels"),
        ("a: 1\nb: 2\na: 3\n", 3, 1, "appears twice"),
        ("a: &x {b: 1}\nc:\n  <<: *x\n", 3, 3, "merge keys"),
        ("a: !!python/object/apply:os.system ['true']\n", 1, 4, "tag `!!python/object/apply:os.system`"),
        ("a: !!binary aGVsbG8=\n", 1, 4, "not supported"),
        ("a: !!set {x, y}\n", 1, 4, "not supported"),
        ("a: !custom x\n", 1, 4, "not supported"),
        ("a: 9999-12-31\n", 1, 4, "outside the supported range"),
        ("a: 1899-12-31T10:00:00+01:00\n", 1, 4, "outside the supported range"),
        ("a: 2026-02-30\n", 1, 4, "invalid value `2026-02-30`"),
        ("a: !!int ''\n", 1, 4, "invalid value ``"),
        ("<<\n", 1, 1, "merge keys"),
        ("a: 1" + ":0" * 5000 + "\n", 1, 4, "number written with more than"),
        ("a: &a [1, *a]\n", 1, 11, "the value that contains it"),
        ("a: *nope\n", 1, 4, "no anchor defined"),
        ("a: 1\n---\nb: 2\n", 2, 1, "second YAML document"),
        ("a: b\nc: d\x01\n", 2, 5, "U+0001"),
        ("? [a, b]\n: 1\n", 1, 3, "a key is a list or a mapping"),
        ("a: [1, 2\nb: 3\n", 2, 2, "invalid YAML syntax"),
    ],
)
def test_refusals_say_where(text: str, line: int, column: int, words: str) -> None:
    err = refused(text)
    assert (err.line, err.column) == (line, column) and words in err.message, str(err)


def test_not_utf8_says_where() -> None:
    with pytest.raises(YamlError) as exc:
        parse(b"a: b\nc: caf\xe9\n", "f.yaml", SMALL)
    assert (exc.value.line, exc.value.column) == (2, 7) and "not UTF-8" in exc.value.message


def test_value_from_a_long_input_is_cut_short() -> None:
    assert "…" in refused("a: !" + "x" * 50_000 + " v\n").message
    assert "…" in refused("a: &" + "x" * 50_000 + " 1\nb: *" + "y" * 50_000 + "\n").message


def test_file_over_the_cap_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: b\n" * 300_000)
    with pytest.raises(FileReadError) as exc:
        load(path, SMALL)
    assert "over the 1.0 MB limit" in exc.value.message


def test_plain_values() -> None:
    text = "a: [1, 2.5, yes, null, '007', x]\n"
    assert parse(text.encode(), "f.yaml", SMALL) == {"a": [1, 2.5, True, None, "007", "x"]}
    assert parse(b"", "f.yaml", SMALL) is None
    assert parse(b"# only a comment\n", "f.yaml", SMALL) is None
    assert parse(b"x: &k name\n*k : 2\n", "f.yaml", SMALL) == {"x": "name", "name": 2}


YAML_BITS = st.sampled_from(
    [
        "a",
        ":",
        " ",
        "\n",
        "-",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&x",
        "*x",
        "!",
        "'",
        '"',
        "#",
        "?",
        "|",
        ">",
        "2026-01-10",
        "1:0",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200), st.lists(YAML_BITS, max_size=60).map(lambda bits: "".join(bits).encode())
    )
)
def test_any_input_gives_values_or_a_yaml_error(raw: bytes) -> None:
    try:
        parse(raw, "f.yaml", SMALL)
    except YamlError as exc:
        assert exc.line >= 1 and exc.column >= 1 and len(str(exc)) < 600
