"""The `checklist` command: formats, and clear errors (exit 2, no traceback) for bad profiles."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from icalendar import Calendar

from adapters.cli.checklist import add_arguments, main, run
from assistant.checklist import ProfileError, load_profile

GOOD = "programme: enjmin\ndiploma_level: 3\ndiploma_rncp: true\npolytechnique_4a: false\nforeign_diploma: false\n"


def write(tmp_path: Path, text: str, name: str = "profile.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "ics"])
def test_formats(tmp_path, capsysbinary, fmt: str) -> None:
    assert main(["--profile", write(tmp_path, GOOD), "--today", "2026-01-13", "--format", fmt]) == 0
    out = capsysbinary.readouterr().out
    if fmt == "json":
        data = json.loads(out)
        assert data["programme"] == "enjmin" and data["path"] == "direct" and data["eligible"] is True
        assert next(i for i in data["items"] if i["id"] == "step:application")["days_left"] == 10
    elif fmt == "ics":
        assert Calendar.from_ical(out).walk("VEVENT")
    else:
        text = out.decode()
        assert "Cnam-ENJMIN" in text and "10" in text
        if fmt == "markdown":
            assert "- [ ] **" in text


def test_json_profile_and_english(tmp_path, capsys) -> None:
    path = write(
        tmp_path, json.dumps({"programme": "iim", "repeated_year": True, "language": "en"}), "p.json"
    )
    assert main(["--profile", path, "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "three years" in out and "Motivation letter" in out


def test_run_with_wired_namespace(tmp_path, capsys) -> None:
    """How the main CLI calls it: its own parser, plus the global `kb` option."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--profile", write(tmp_path, GOOD), "--format", "json"])
    args.kb = None
    assert run(args) == 0
    assert json.loads(capsys.readouterr().out)["path"] == "direct"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("programme: sorbonne\n", ["programme", "unknown programme", "enjmin"]),
        ("diploma_level: 3\n", ["programme", "required"]),
        ("programme: enjmin\ndiploma_level: 12\n", ["diploma_level", "8"]),
        ("programme: enjmin\ndiploma_level: beaucoup\n", ["diploma_level", "beaucoup"]),
        ("programme: enjmin\nfrench_level: Z9\n", ["french_level", "Z9"]),
        ("programme: enjmin\ntraining_mode: distance\n", ["training_mode", "distance"]),
        ("programme: enjmin\nforeign: true\n", ["foreign", "unknown field"]),
        ("programme: enjmin\nforeign_diploma: peut-être\n", ["foreign_diploma"]),
        ("- programme: enjmin\n", ["mapping"]),
        ("programme: [enjmin\n", ["invalid YAML", "line"]),
        ("", ["mapping"]),
    ],
)
def test_bad_profile_exit_2(tmp_path, capsys, text: str, expected: list[str]) -> None:
    path = write(tmp_path, text)
    assert main(["--profile", path]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert path in captured.err
    for word in expected:
        assert word in captured.err


def test_missing_file_and_bad_json(tmp_path, capsys) -> None:
    assert main(["--profile", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err
    assert main(["--profile", write(tmp_path, "{programme: ", "p.json")]) == 2
    assert "invalid JSON" in capsys.readouterr().err


def test_bad_today_is_an_argparse_error(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--profile", write(tmp_path, GOOD), "--today", "23/01/2026"])
    assert exc.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err


def test_bad_kb_folder_exit_2(tmp_path, capsys) -> None:
    assert main(["--kb", str(tmp_path / "nowhere"), "--profile", write(tmp_path, GOOD)]) == 2
    assert "knowledge" in capsys.readouterr().err


def test_load_profile_error_lists_every_problem(kb, tmp_path) -> None:
    path = write(tmp_path, "programme: enjmin\ndiploma_level: -1\nfrench_level: Z\n")
    with pytest.raises(ProfileError) as exc:
        load_profile(path, kb)
    fields = [where for where, _ in exc.value.problems]
    assert fields == ["field `diploma_level`", "field `french_level`"]


def test_french_level_case_is_forgiven(kb, tmp_path) -> None:
    assert load_profile(write(tmp_path, "programme: enjmin\nfrench_level: b2\n"), kb).french_level == "B2"
    assert (
        load_profile(write(tmp_path, "programme: enjmin\nfrench_level: Native\n"), kb).french_level
        == "native"
    )
