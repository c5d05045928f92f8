"""`ask --jsonl`: every bad line gives one error object and the batch goes on; output is UTF-8 JSON."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.batch import Batch, encode, read_lines, run
from assistant.engine import Assistant
from assistant.limits import MAX_BATCH_LINE
from tests.limited import run_cli

ASSISTANT = Assistant.load()
DEEP = b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

BAD_LINES: list[tuple[bytes, str]] = [
    (b'{"text": "date limite ?", "programme": 5}', "`programme` must be a programme id string, not a number"),
    (b'{"text": "date limite ?", "programme": "nosuch"}', "unknown programme `nosuch`"),
    (b'{"text": "date limite ?", "today": "0001-01-01"}', "outside the supported range"),
    (b'{"text": "date limite ?", "today": "9999-12-31"}', "outside the supported range"),
    (b'{"text": "date limite ?", "today": "10/01/2026"}', "YYYY-MM-DD"),
    (b'{"text": "date limite ?", "today": 20260110}', "`today` must be a date string"),
    (DEEP, "nested more than"),
    (b'{"text": null}', "`text` must be a string, not null"),
    (b'{"text": 5}', "`text` must be a string, not a number"),
    (b'{"text": "   "}', "`text` is empty"),
    (b'{"programme": "iim"}', "`text` is missing"),
    (b'{"txt": "date limite ?"}', "unknown key `txt`"),
    (b'{"text": "x", "session": [1]}', "`session` must be a string or an integer"),
    (b"{not json", "invalid JSON"),
    (b'{"text": "x"} trailing', "invalid JSON"),
]


@pytest.mark.parametrize(("line", "error"), BAD_LINES, ids=[e for _, e in BAD_LINES])
def test_bad_line_gives_one_error(line: bytes, error: str) -> None:
    batch = Batch(ASSISTANT)
    out = batch.answer(7, line)
    assert out is not None and set(out) == {"line", "error"} and out["line"] == 7
    assert error in out["error"] and len(out["error"]) < 300


def test_the_batch_goes_on_after_every_bad_line() -> None:
    """Before: `programme: 5` was a pydantic traceback, 0001-01-01 an OverflowError, the deep line a
    RecursionError: each ended the batch there."""
    good = b'{"text": "date limite ?", "programme": "enjmin", "today": "2026-01-10"}'
    lines = [line for bad, _ in BAD_LINES for line in (bad, good)]
    out = io.BytesIO()
    batch = Batch(ASSISTANT)
    run(batch, io.BytesIO(b"\n".join(lines) + b"\n"), out)
    rows = [json.loads(row) for row in out.getvalue().decode("utf-8").splitlines()]
    assert len(rows) == len(lines)
    assert [r["line"] for r in rows] == list(range(1, len(lines) + 1))
    assert all("error" in r for r in rows[0::2])
    assert all(r.get("intent") == "enjmin.deadline" for r in rows[1::2])
    assert (batch.errors, batch.answered) == (len(BAD_LINES), len(BAD_LINES))


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    batch = Batch(ASSISTANT)
    out = batch.answer(1, "date limite enjmin caf\xe9 ?\n".encode("latin-1"))
    assert out is not None and out["intent"] == "enjmin.deadline"
    assert out["text"] == "date limite enjmin caf\ufffd ?"


def test_lone_surrogate_escape_is_replaced() -> None:
    out = Batch(ASSISTANT).answer(1, b'{"text": "date limite enjmin \\ud800 ?"}')
    assert out is not None and "\ud800" not in out["text"] and "\ufffd" in out["text"]
    encode(out).decode("utf-8")  # valid UTF-8


def test_encode_is_always_valid_utf8() -> None:
    assert json.loads(encode({"text": "café \ud800"}).decode("utf-8")) == {"text": "café \ud800"}
    assert encode({"text": "café"}) == '{"text": "café"}\n'.encode()


def test_blank_lines_are_skipped_but_counted() -> None:
    out = io.BytesIO()
    run(Batch(ASSISTANT), io.BytesIO(b"\xef\xbb\xbf\n  \n\r\ndate limite enjmin ?\n"), out)
    rows = [json.loads(r) for r in out.getvalue().splitlines()]
    assert [r["line"] for r in rows] == [4]


def test_byte_order_mark_before_a_json_line() -> None:
    out = Batch(ASSISTANT).answer(1, b'\xef\xbb\xbf{"text": "date limite ?", "programme": "iim"}')
    assert out is not None and out["intent"] == "iim.deadline" and out["text"] == "date limite ?"


def test_too_long_line_is_an_error_and_not_kept() -> None:
    stream = io.BytesIO(b"a" * 5000 + b"\nsecond\n" + b"b" * 3000)
    assert list(read_lines(stream, max_bytes=1000)) == [(1, None), (2, b"second\n"), (3, None)]
    assert "line longer than" in Batch(ASSISTANT).too_long(1)["error"]
    assert MAX_BATCH_LINE >= 100_000  # a long pasted question still fits


def test_sessions_share_a_conversation() -> None:
    batch = Batch(ASSISTANT, today=None)
    first = batch.answer(1, b'{"text": "frais de dossier iim ?", "session": 1, "today": "2026-01-10"}')
    other = batch.answer(2, b'{"text": "et pour l\'autre \xc3\xa9cole ?", "session": "1"}')
    assert first is not None and other is not None
    assert first["intent"] == "iim.fees" and other["intent"] == "enjmin.fees"
    assert first["session"] == other["session"] == "1"


# --------------------------------------------------------------------------- the command line


def test_cli_under_a_non_utf8_locale() -> None:
    """Before: stdin decoded strictly (UnicodeDecodeError, no output), or invalid bytes echoed back."""
    stdin = b"\n".join(
        [
            "date limite enjmin caf\xe9 ?".encode("latin-1"),
            b'{"text": "date limite ?", "programme": 5}',
            DEEP,
            "Quels documents pour l'IIM ? \u00e9\u00e8".encode(),
        ]
    )
    strict = {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii:strict", "PYTHONUTF8": "0"}
    for env in (strict, {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": ""}):
        out = run_cli("ask", "--jsonl", stdin=stdin, env=env)
        assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr.decode(errors="replace")
        rows = [json.loads(row) for row in out.stdout.decode("utf-8").splitlines()]
        assert [("error" in r) for r in rows] == [False, True, True, False]
        assert rows[3]["intent"] == "iim.documents" and rows[3]["text"].endswith("éè")
        assert "2 line(s) with an error" in out.stderr.decode()


def test_cli_batch_goes_on_after_every_bad_line() -> None:
    """The same through the command line: one object per non-blank line, errors in place."""
    good = b'{"text": "date limite ?", "programme": "enjmin", "today": "2026-01-10"}'
    lines = [line for bad, _ in BAD_LINES for line in (bad, good)]
    out = run_cli("ask", "--jsonl", stdin=b"\n".join(lines) + b"\n")
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr.decode(errors="replace")[-2000:]
    rows = [json.loads(row) for row in out.stdout.decode("utf-8").splitlines()]
    assert [r["line"] for r in rows] == list(range(1, len(lines) + 1))
    for row, (_, error) in zip(rows[0::2], BAD_LINES, strict=True):
        assert error in row["error"]
    assert all(r["intent"] == "enjmin.deadline" for r in rows[1::2])


@pytest.mark.parametrize("args", [["ask", "x"], ["ask", "--jsonl"]])
def test_unknown_programme_option_is_an_error(args: list[str]) -> None:
    """Before: `--programme nosuch` was accepted and every question silently declined."""
    out = run_cli(*args, "--programme", "nosuch", stdin=b"date limite ?\n")
    err = out.stderr.decode()
    assert out.returncode == 2 and out.stdout == b"" and "Traceback" not in err
    assert "unknown programme `nosuch`" in err and "enjmin" in err


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_today_option_outside_the_range(day: str) -> None:
    out = run_cli("ask", "date limite enjmin", "--today", day)
    err = out.stderr.decode()
    assert out.returncode == 2 and "Traceback" not in err and "1900-01-01" in err


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: ('{"text": ' + json.dumps(t) + "}").encode()),
    )
)
def test_any_line_gives_one_object_in_utf8(line: bytes) -> None:
    out = Batch(ASSISTANT).answer(3, line)
    if out is None:
        assert not line.decode("utf-8", "replace").strip()
        return
    assert out["line"] == 3 and ("error" in out or "answer" in out)
    assert json.loads(encode(out).decode("utf-8"))["line"] == 3
