"""The command line as staff use it: ask, --json, --jsonl batch, eval."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_ask_json() -> None:
    out = cli("ask", "date limite enjmin", "--today", "2026-01-10", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["decision"] == "answer" and data["intent"] == "enjmin.deadline"
    assert "23 janvier 2026" in data["answer"]


def test_ask_jsonl_batch() -> None:
    lines = "\n".join(
        [
            "What documents does IIM require?",
            json.dumps({"text": "date limite ?", "programme": "enjmin", "today": "2026-02-20"}),
            "{not json",
            "recette de crêpes",
        ]
    )
    out = cli("ask", "--jsonl", stdin=lines)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows[0]["language"] == "en" and rows[0]["programme"] == "iim"
    assert rows[1]["intent"] == "enjmin.deadline" and "passée" in rows[1]["answer"]
    assert "error" in rows[2]
    assert rows[3]["decision"] == "decline" and rows[3]["intent"] == "offtopic"
    for row in (rows[0], rows[1], rows[3]):
        assert set(row) >= {
            "text",
            "answer",
            "decision",
            "intent",
            "programme",
            "language",
            "confidence",
            "suggestions",
        }


def test_bad_date_is_a_clear_error() -> None:
    out = cli("ask", "x", "--today", "22/11/2026")
    assert out.returncode == 2 and "YYYY-MM-DD" in out.stderr and "Traceback" not in out.stderr


def test_eval_reports_rates(tmp_path: Path) -> None:
    cases = tmp_path / "set.yaml"
    cases.write_text(
        "- id: a\n  q: date limite enjmin ?\n  lang: fr\n  topic: enjmin.deadline\n  expect:\n  - ['23 janvier']\n"
        "- id: b\n  q: recette de crêpes\n  lang: fr\n  topic: oos\n  oos: true\n",
        encoding="utf-8",
    )
    out = cli("eval", str(cases), "--min", "1.0")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "pass: 100.0%" in out.stdout


def test_chat_session() -> None:
    out = cli("chat", "--today", "2026-01-10", stdin="/programme enjmin\ndate limite ?\n1\n/quit\n")
    assert out.returncode == 0, out.stderr
    assert "23 janvier 2026" in out.stdout


def test_chat_ends_on_quit_typed_as_in_any_terminal_program() -> None:
    out = cli("chat", "--today", "2026-01-10", stdin="quit\ndate limite enjmin ?\n")
    assert out.returncode == 0, out.stderr
    assert "23 janvier" not in out.stdout  # nothing read after it


def test_ask_jsonl_sessions_replay_a_conversation() -> None:
    """Lines with the same `session` share one conversation, in order; others stay independent."""
    lines = "\n".join(
        json.dumps(obj)
        for obj in [
            {"text": "c'est quoi les frais de dossier à l'IIM ?", "session": "a", "today": "2026-01-10"},
            {"text": "c'est quoi les frais de dossier à l'IIM ?", "session": "b", "today": "2026-01-10"},
            {"text": "et pour l'autre école ?", "session": "a", "today": "2026-01-10"},
            {"text": "et pour l'autre école ?", "today": "2026-01-10"},
            {"text": "deadline ??", "session": "b", "today": "2026-01-10"},
        ]
    )
    out = cli("ask", "--jsonl", stdin=lines)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r.get("session") for r in rows] == ["a", "b", "a", None, "b"]
    assert rows[2]["intent"] == "enjmin.fees"  # the other school of session a, same topic
    assert rows[3]["intent"] != "enjmin.fees"  # no session: nothing to follow up on
    assert rows[4]["language"] == "fr"  # a two-word message follows the conversation's language


def test_chat_stores_nothing_without_log(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    out = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "chat", "--today", "2026-01-10"],
        input="date limite enjmin ?\n/quit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CANDIDATE_ASSISTANT_DB": str(db)},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "23 janvier 2026" in out.stdout and not db.exists()


def test_chat_log_writes_the_staff_question_log(tmp_path: Path) -> None:
    from assistant.storage import open_storage

    db = tmp_path / "log.db"
    out = cli(
        "chat",
        "--log",
        "--db",
        str(db),
        stdin="date limite enjmin ?\nrecette de crêpes\n",
    )
    assert out.returncode == 0, out.stderr
    with open_storage(db) as storage:
        rows = storage.questions(None, None)
    assert [(r["platform"], r["scope"], r["decision"], r["topic"]) for r in rows] == [
        ("terminal", "terminal", "answer", "deadline"),
        ("terminal", "terminal", "decline", "offtopic"),
    ]
    simulated = cli("chat", "--log", "--today", "2026-01-10", "--db", str(db), stdin="")
    assert simulated.returncode == 2 and "--today" in simulated.stderr  # reports count real dates


def test_chat_runs_the_checklist_like_the_bots() -> None:
    out = cli(
        "chat", "--today", "2026-01-10", stdin="/programme enjmin\n/checklist\n1\n1\n1\n1\n1\n1\n/quit\n"
    )
    assert out.returncode == 0, out.stderr
    assert "Je vous pose quelques questions" in out.stdout
    assert "Votre liste personnalisée — " in out.stdout and "checklist-enjmin.ics" in out.stdout


def test_the_core_never_imports_an_adapter() -> None:
    import ast

    for path in (ROOT / "assistant").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n.split(".")[0] in ("adapters", "telegram", "discord")], path
