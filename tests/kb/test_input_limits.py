"""Knowledge folders that are hostile or broken: alias bombs, deep nesting, huge files, entries that
are not files. `kb check` reports each at its file (and line), fast and in little memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.kb import cache as kb_cache
from assistant.kb.loader import Problem, check
from assistant.kb.report import MAX_PRINTED, problem_lines
from assistant.limits import KNOWLEDGE, Limits
from tests.limited import run_cli

from .support import problem_at


def bomb(levels: int = 9) -> str:
    """A YAML "billion laughs": `levels` anchors of nine aliases each (9**levels values once expanded)."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_its_line(kb_copy: Path) -> None:
    """Before: the loader expanded every alias (9**9 values): gigabytes, then MemoryError."""
    path = kb_copy / "bomb.yaml"
    path.write_text(bomb(), encoding="utf-8")
    out = run_cli("kb", "check", str(kb_copy))
    err = out.stdout.decode() + out.stderr.decode()
    assert out.returncode == 1 and "Traceback" not in err, err[-2000:]
    assert "bomb.yaml:" in err and "aliases expand to more than" in err


def test_alias_bomb_in_a_shared_file_stops_every_command(kb_copy: Path) -> None:
    """Every command with `--kb` reads the folder: a bomb must be a clear error there too, not a hang."""
    (kb_copy / "glossary.yaml").write_text(bomb(), encoding="utf-8")
    out = run_cli("--kb", str(kb_copy), "ask", "date limite ?")
    err = out.stderr.decode()
    assert out.returncode == 1 and "Traceback" not in err, err[-2000:]
    assert "glossary.yaml" in err and "aliases" in err


def test_few_aliases_are_still_fine(kb_copy: Path) -> None:
    path = kb_copy / "enjmin.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  short_name: Cnam-ENJMIN\n"
    assert text.count(old) == 1
    path.write_text(
        text.replace(old, "  short_name: &short Cnam-ENJMIN\n  short_copy: *short\n"), encoding="utf-8"
    )
    _, problems = check(kb_copy)
    assert [p.message for p in problems] == ["unknown field `short_copy` in `programme`"]  # read, not refused


def test_deep_nesting_is_a_problem_not_a_recursion_error(kb_copy: Path) -> None:
    """Before: 990 nested lists went through libyaml, then a recursive builder: RecursionError."""
    path = kb_copy / "deep.yaml"
    path.write_text("programme: " + "[" * 990 + "]" * 990 + "\n", encoding="utf-8")
    _, problems = check(kb_copy)
    problem = problem_at(problems, path, 1, "-", "nested more than")
    # the file's mapping is level 1: the bracket that opens level max_depth + 1 is the one refused
    assert problem.column == len("programme: ") + KNOWLEDGE.max_depth


def test_file_over_the_size_cap_is_refused_before_it_is_read(kb_copy: Path, monkeypatch) -> None:
    """The 50 MB / 2.4 M keys file of the issue, scaled down with a small cap: one problem, not one per key."""
    small = Limits(max_bytes=64 << 10, max_nodes=10_000, max_depth=16, max_alias_nodes=100)
    monkeypatch.setattr("assistant.kb.yamlpos.KNOWLEDGE", small)
    path = kb_copy / "huge.yaml"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("programme:\n  id: huge\n")
        fh.writelines(f"key{i:07d}: value {i}\n" for i in range(5_000))  # ~100 KB
    _, problems = check(kb_copy)
    mine = [p for p in problems if p.file.endswith("huge.yaml")]
    assert len(mine) == 1 and "over the 64 KB limit" in mine[0].message


def test_real_cap_refuses_a_5_mb_file_fast(kb_copy: Path) -> None:
    """At the real cap, in a child process with a memory and time budget (before: 240,000 problems)."""
    with (kb_copy / "huge.yaml").open("w", encoding="utf-8") as fh:
        fh.write("programme:\n  id: huge\n")
        fh.writelines(f"key{i:07d}: value {i}\n" for i in range(240_000))  # ~5 MB
    out = run_cli("kb", "check", str(kb_copy), timeout=30)
    printed = out.stdout.decode().splitlines()
    assert out.returncode == 1
    assert len(printed) == 1 and "huge.yaml:1:1" in printed[0] and "over the 4.0 MB limit" in printed[0]


def test_too_many_values_are_refused_at_the_line_that_passes_the_cap(kb_copy: Path, monkeypatch) -> None:
    small = Limits(max_bytes=1 << 20, max_nodes=1_000, max_depth=16, max_alias_nodes=100)
    monkeypatch.setattr("assistant.kb.yamlpos.KNOWLEDGE", small)
    path = kb_copy / "many.yaml"
    path.write_text("".join(f"k{i}: v\n" for i in range(600)), encoding="utf-8")
    _, problems = check(kb_copy)
    problem_at(problems, path, 500, "-", "more than 1,000 values")  # key and value: two values a line


# --------------------------------------------------------------------------- entries that are not files


def _entry_problem(problems: list[Problem], name: str) -> Problem:
    found = [p for p in problems if Path(p.file).name == name]
    assert len(found) == 1, "\n".join(map(str, problems))
    return found[0]


def test_symlink_loop_is_reported(kb_copy: Path) -> None:
    """Before: `kb check` skipped it in silence and said OK."""
    os.symlink(kb_copy / "loop_b.yaml", kb_copy / "loop_a.yaml")
    os.symlink(kb_copy / "loop_a.yaml", kb_copy / "loop_b.yaml")
    _, problems = check(kb_copy)
    for name in ("loop_a.yaml", "loop_b.yaml"):
        problem = _entry_problem(problems, name)
        assert "symbolic link loop" in problem.message and "link" in problem.hint


def test_dangling_link_is_reported(kb_copy: Path) -> None:
    os.symlink(kb_copy / "gone.yaml", kb_copy / "dangling.yaml")
    _, problems = check(kb_copy)
    problem = _entry_problem(problems, "dangling.yaml")
    assert "broken symbolic link" in problem.message and "gone.yaml" in problem.message
    assert "remove the link" in problem.hint


def test_folder_named_yaml_is_reported(kb_copy: Path) -> None:
    (kb_copy / "drafts.yaml").mkdir()
    _, problems = check(kb_copy)
    problem = _entry_problem(problems, "drafts.yaml")
    assert "is a folder" in problem.message and "rename the folder" in problem.hint


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_fifo_is_reported_without_blocking(kb_copy: Path) -> None:
    """A named pipe opened for reading waits for a writer: the checker must not open it at all."""
    os.mkfifo(kb_copy / "pipe.yaml")
    out = run_cli("kb", "check", str(kb_copy), timeout=30)
    printed = out.stdout.decode()
    assert out.returncode == 1
    assert "pipe.yaml:1:1: -: is a named pipe (FIFO), not a file" in printed
    assert "regular files" in printed
    _, problems = check(kb_copy)
    assert "named pipe" in _entry_problem(problems, "pipe.yaml").message


def test_link_to_a_good_file_is_read(kb_copy: Path) -> None:
    (kb_copy / "iim.yaml").rename(kb_copy.parent / "iim-elsewhere.yaml")
    os.symlink(kb_copy.parent / "iim-elsewhere.yaml", kb_copy / "iim.yaml")
    kb, problems = check(kb_copy)
    assert problems == [] and kb is not None and "iim" in kb.programmes


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_cache_key_never_opens_what_is_not_a_file(kb_copy: Path) -> None:
    os.mkfifo(kb_copy / "pipe.yaml")
    assert kb_cache.key(kb_copy) is None  # would block for ever if it opened the pipe


def test_cache_key_reads_no_more_than_the_cap(kb_copy: Path, monkeypatch) -> None:
    assert kb_cache.key(kb_copy) is not None
    monkeypatch.setattr(
        "assistant.kb.cache.KNOWLEDGE", Limits(max_bytes=1024, max_nodes=10, max_depth=4, max_alias_nodes=1)
    )
    assert kb_cache.key(kb_copy) is None  # topics.yaml is over 1 KB: not read, not hashed


# --------------------------------------------------------------------------- printing


def test_printed_problems_are_capped() -> None:
    problems = [Problem("f.yaml", i, 1, "-", f"problem {i}", "fix it") for i in range(1, 251)]
    lines = list(problem_lines(problems))
    assert len(lines) == MAX_PRINTED + 1
    assert lines[0] == "f.yaml:1:1: -: problem 1 — fix it"
    assert lines[-1].startswith("… and 150 more problems")


def test_a_problem_never_prints_an_unbounded_key(kb_copy: Path) -> None:
    (kb_copy / "long.yaml").write_text("programme:\n  id: x\n" + "k" * 200_000 + ": 1\n", encoding="utf-8")
    _, problems = check(kb_copy)
    assert max(len(line) for line in problem_lines(problems)) < 1500


def test_kb_check_prints_at_most_the_cap(kb_copy: Path) -> None:
    """Before: one line per problem, here 3,000 of them."""
    with (kb_copy / "keys.yaml").open("w", encoding="utf-8") as fh:
        fh.write("programme:\n  id: keys\n")
        fh.writelines(f"key{i}: {i}\n" for i in range(3_000))
    out = run_cli("kb", "check", str(kb_copy))
    printed = out.stdout.decode().splitlines()
    assert out.returncode == 1
    assert len(printed) == MAX_PRINTED + 1
    total = int(out.stderr.decode().split(" problem(s) found")[0].rsplit(None, 1)[-1])
    assert total > 3_000  # the total is still said
    assert printed[-1].startswith(f"… and {total - MAX_PRINTED:,} more problems")
