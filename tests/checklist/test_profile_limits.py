"""Hostile profiles and dates for `checklist`: each is a clear error (exit 2), fast, in little memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.checklist import ProfileError, load_profile
from tests.limited import run_cli


def bomb(levels: int = 9) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def checklist(*args: str) -> tuple[int, str, str]:
    out = run_cli("checklist", *args)
    return out.returncode, out.stdout.decode(), out.stderr.decode()


def assert_clear_error(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2 and out == "", err[-2000:]
    assert "Traceback" not in err and "Error:" not in err, err[-2000:]
    for word in words:
        assert word in err, err[-2000:]


def test_alias_bomb_on_a_known_field(tmp_path: Path) -> None:
    """Before: 50 s, then MemoryError (the error message printed the 9**9 values with repr)."""
    path = tmp_path / "bomb.yaml"
    path.write_text("programme: enjmin\n" + bomb().replace("l8:", "french_level:"), encoding="utf-8")
    assert_clear_error(*checklist("--profile", str(path)), str(path), "aliases expand to more than")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("depth", [50_000, 20_000])
def test_deeply_nested_profile(tmp_path: Path, suffix: str, depth: int) -> None:
    """Before: RecursionError traceback. 50,000 levels are over the size cap; 20,000 are not."""
    nested = "[" * depth + "]" * depth
    text = (
        f'{{"programme": "enjmin", "french_level": {nested}}}'
        if suffix == ".json"
        else f"programme: enjmin\nfrench_level: {nested}\n"
    )
    path = tmp_path / f"deep{suffix}"
    path.write_text(text, encoding="utf-8")
    code, out, err = checklist("--profile", str(path))
    assert_clear_error(code, out, err, str(path))
    assert ("over the 64 KB limit" if depth == 50_000 else "nested more than") in err


@pytest.mark.parametrize(
    "value",
    [
        "[" + ", ".join(["B2"] * 1_500) + "]",
        "x" * 50_000,
        "{" + ", ".join(f"k{i}: 1" for i in range(900)) + "}",
    ],
)
def test_wrong_value_is_shown_short(tmp_path: Path, value: str) -> None:
    """Before: the wrong value was printed back whole (`repr`), as long as the file."""
    path = tmp_path / "long.yaml"
    path.write_text(f"programme: enjmin\nfrench_level: {value}\n", encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert "french_level" in str(exc.value) and len(str(exc.value)) < 500


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_fifo_as_profile_does_not_block(tmp_path: Path) -> None:
    """Before: reading a named pipe waited for a writer, for ever."""
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    assert_clear_error(*checklist("--profile", str(path)), "named pipe")


def test_folder_as_profile(tmp_path: Path) -> None:
    assert_clear_error(*checklist("--profile", str(tmp_path)), "is a folder")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_today_outside_1900_2100(tmp_path: Path, day: str) -> None:
    """Before: `--today 9999-12-31` was an OverflowError traceback."""
    path = tmp_path / "p.yaml"
    path.write_text("programme: enjmin\n", encoding="utf-8")
    assert_clear_error(*checklist("--profile", str(path), "--today", day), day, "1900-01-01", "2100-12-31")


def test_today_at_the_bounds_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("programme: enjmin\n", encoding="utf-8")
    for day in ("1900-01-01", "2100-12-31"):
        code, out, err = checklist("--profile", str(path), "--today", day, "--format", "json")
        assert code == 0 and "Traceback" not in err, err[-2000:]


def test_date_outside_the_range_in_a_profile_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("programme: enjmin\ndiploma_level: 9999-12-31\n", encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert "line 2" in str(exc.value) and "outside the supported range" in str(exc.value)
