"""`candidate-assistant report` and `kb suggest` from the command line: options, output, errors."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from staff_support import ask, hand_over

from adapters.cli.main import main
from assistant.staff.period import local_day

NOW = datetime.now(UTC)


@pytest.fixture
def recent(store: Any) -> Any:
    ask(store, "quelle est la date limite ?", NOW - timedelta(days=1), topic="enjmin.deadline", times=2)
    ask(store, "Is there parking on campus?", NOW - timedelta(days=3), decision="clarify", language="en")
    ask(store, "vieille question", NOW - timedelta(days=10))
    hand_over(store, NOW - timedelta(days=2))
    return store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_since_days_back(recent: Any, db_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", "--db", db_path, "--since", "7d", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["questions"] == 3 and data["by_decision"] == {"answer": 2, "clarify": 1, "decline": 0}
    assert data["handovers"] == {"open": 1, "answered": 0}
    assert len(data["per_day"]) == 8  # 7 days back from now, then today
    assert data["unanswered"][0]["text"] == "Is there parking on campus?"
    code, out, _ = run(capsys, "report", "--db", db_path, "--format", "json")  # no bound: all kept
    assert json.loads(out)["questions"] == 4


def test_date_bounds(recent: Any, db_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    day = local_day(NOW - timedelta(days=1)).isoformat()
    code, out, err = run(
        capsys, "report", "--db", db_path, "--since", day, "--until", day, "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["questions"] == 2 and [d["date"] for d in data["per_day"]] == [day]
    code, out, _ = run(capsys, "report", "--db", db_path, "--until", "5d", "--format", "json")
    assert json.loads(out)["questions"] == 1  # only the 10-day-old one


def test_text_report_and_out_file(
    recent: Any, db_path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "--db", db_path)
    assert code == 0 and out.startswith("Candidates' questions from the oldest kept question to now")
    target = tmp_path / "out" / "report.json"
    code, out, err = run(capsys, "report", "--db", db_path, "--format", "json", "--out", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    assert json.loads(target.read_text())["questions"] == 4


def test_a_database_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "typo.db"
    code, out, err = run(capsys, "report", "--db", str(missing))
    assert code == 1 and out == ""
    assert err.startswith(f"candidate-assistant report: no database at {missing}")
    assert not missing.exists()  # not created on the way
    monkeypatch.setenv("CANDIDATE_ASSISTANT_DB", str(missing))
    code, _, err = run(capsys, "kb", "suggest")
    assert code == 1 and "no database at" in err and "CANDIDATE_ASSISTANT_DB" in err


def test_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "report", "--db", str(missing)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"no database at {missing}" in done.stderr
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "report", "--db", str(garbage)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr and "not an SQLite database" in done.stderr


def test_bad_options(store: Any, db_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", "--db", db_path, "--since", "last week"])
    assert exited.value.code == 2 and "write a number of days (7d) or a date" in capsys.readouterr().err
    code, _, err = run(capsys, "report", "--db", db_path, "--since", "2026-03-10", "--until", "2026-03-01")
    assert code == 2 and "the period is empty" in err
    code, _, err = run(capsys, "report", "--db", db_path, "--programme", "enjmn")
    assert code == 2 and "unknown programme 'enjmn'" in err and "enjmin" in err


def test_html_without_matplotlib_says_how_to_install_it(
    store: Any, db_path: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a)
    )
    code, out, err = run(capsys, "report", "--db", db_path, "--format", "html")
    assert code == 2 and out == "" and "pip install 'candidate-assistant[staff]'" in err


def test_kb_suggest_writes_a_yaml_file(
    recent: Any, db_path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "suggestions.yaml"
    code, _, err = run(capsys, "kb", "suggest", "--db", db_path, "--since", "7d", "--out", str(target))
    assert code == 0, err
    proposed = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert proposed["topics"][0]["examples"]["en"] == ["Is there parking on campus?"]


def test_the_command_line_parser_stays_light() -> None:
    """Every command builds the parser, `report` and `kb suggest` included: it must not pay for them."""
    code = (
        "import sys, adapters.cli.main as cli; cli.build_parser(False); "
        "print(sorted(m for m in ('assistant.kb.loader', 'assistant.staff.report', 'matplotlib', 'sklearn', "
        "'sqlalchemy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
