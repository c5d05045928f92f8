"""`candidate-assistant report` and `candidate-assistant kb suggest`: options and runs.

Importing this module is cheap (the parser of every command imports it); the work imports the rest.

The command line only hooks these in (`add_*_arguments`, `run_*`). Problems people can fix — a
database that is missing or not ours, a knowledge base with errors, a bad period, an unwritable
output file, matplotlib not installed for HTML — are one line on stderr and an exit code (1: cannot
read or write, 2: bad options), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.kb.loader import KnowledgeBase
    from assistant.nlu.understand import Reader
    from assistant.staff.period import Bound
    from assistant.staff.report import Report

FORMATS = ("text", "json", "html")


class CommandError(Exception):
    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _bound(text: str) -> Bound:
    from assistant.staff.period import parse_bound  # the knowledge base's time zone: only when used

    try:
        return parse_bound(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since",
        type=_bound,
        metavar="7d|YYYY-MM-DD",
        help="from this many days ago, or from this day (Paris time); default: the oldest kept question",
    )
    parser.add_argument(
        "--until",
        type=_bound,
        metavar="7d|YYYY-MM-DD",
        help="up to this many days ago, or to this day included",
    )
    parser.add_argument("--programme", metavar="ID", help="only this programme's questions")
    parser.add_argument("--db", help="the bots' database: file or URL (default: $CANDIDATE_ASSISTANT_DB)")
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of the standard output")


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json, or html (one self-contained page)",
    )


def add_suggest_arguments(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)


def run_report(args: argparse.Namespace) -> int:
    from assistant.staff.report import format_text

    def render(report: Report, kb: Callable[[], KnowledgeBase], reader: Callable[[], Reader]) -> str:
        if args.format == "json":
            return json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"
        if args.format == "html":
            from assistant.staff.html import render_html

            return render_html(report)
        return format_text(report)

    if args.format == "html":
        import importlib.util

        if importlib.util.find_spec("matplotlib") is None:  # say so before reading anything
            return _fail(
                "report",
                CommandError(
                    "the HTML report draws its chart with matplotlib: pip install 'candidate-assistant[staff]' "
                    "(from a checkout: pip install -e '.[staff]')",
                    2,
                ),
            )
    return _run("report", args, render)


def run_suggest(args: argparse.Namespace) -> int:
    from assistant.staff.suggest import Proposals, propose, to_yaml

    def render(report: Report, kb: Callable[[], KnowledgeBase], reader: Callable[[], Reader]) -> str:
        nothing = Proposals([], 0)
        proposals = propose(report, reader(), kb()) if report.unanswered or report.unhelpful else nothing
        return to_yaml(proposals, report, kb())

    return _run("kb suggest", args, render)


def _run(
    name: str,
    args: argparse.Namespace,
    render: Callable[[Report, Callable[[], KnowledgeBase], Callable[[], Reader]], str],
) -> int:
    from assistant.staff.period import Period
    from assistant.staff.report import build_report
    from assistant.storage import StorageError, open_storage

    now = datetime.now(UTC)
    kb_path = getattr(args, "kb", None)
    knowledge = cache(lambda: _knowledge(kb_path))
    reader = cache(lambda: _reader(knowledge()))
    try:
        period = Period.between(args.since, args.until, now)
    except ValueError as exc:
        return _fail(name, CommandError(str(exc), 2))
    try:
        if args.programme is not None and args.programme not in knowledge().programmes:
            known = ", ".join(sorted(knowledge().programmes))
            raise CommandError(f"unknown programme {args.programme!r} (the knowledge base has: {known})", 2)
        try:
            store = open_storage(args.db, create=False)
        except StorageError as exc:
            raise CommandError(str(exc)) from None
        try:
            report = build_report(store, period, reader, now=now, programme=args.programme, progress=_say)
        except StorageError as exc:
            raise CommandError(str(exc)) from None
        finally:
            store.close()
        _write(render(report, knowledge, reader), args.out)
    except CommandError as exc:
        return _fail(name, exc)
    return 0


def _knowledge(kb_path: str | None) -> KnowledgeBase:
    from assistant.kb.loader import KnowledgeError, load

    try:
        return load(kb_path)
    except KnowledgeError as exc:
        lines = "\n".join(str(p) for p in exc.problems)
        raise CommandError(
            f"the knowledge base has errors (run `candidate-assistant kb check`):\n{lines}"
        ) from None


def _reader(kb: KnowledgeBase) -> Reader:
    from assistant.nlu.understand import Reader

    return Reader(kb, progress=_say)


def _write(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from assistant.cache import write_atomically

    path = Path(out)
    try:
        write_atomically(path, text.encode("utf-8"))
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    _say(f"wrote {path}")


def _say(message: str) -> None:
    print(f"candidate-assistant: {message}", file=sys.stderr, flush=True)


def _fail(name: str, exc: CommandError) -> int:
    print(f"candidate-assistant {name}: {exc}", file=sys.stderr)
    return exc.code
