"""`candidate-assistant checklist --profile FILE`: the checklist from a profile file, in four formats.

A bad profile or knowledge folder is reported as `file: field: problem` with exit code 2, never a
traceback, since the people running it are candidates and staff, not developers.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from assistant.checklist.build import build_checklist
from assistant.checklist.ics import to_ics
from assistant.checklist.profile import ProfileError, load_profile
from assistant.checklist.render import render_markdown, render_text
from assistant.dates import DateRangeError, parse_date
from assistant.kb.loader import KnowledgeError, load
from assistant.kb.report import problem_lines

FORMATS = ("text", "markdown", "json", "ics")


def _day(text: str) -> date:
    try:
        return parse_date(text)
    except DateRangeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        required=True,
        metavar="FILE",
        help="candidate profile (YAML or JSON): programme, diploma_level, foreign_diploma...",
    )
    parser.add_argument(
        "--today",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="compute countdowns from this day (default: today)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--output", "-o", default=None, metavar="FILE", help="write to FILE instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    try:
        kb = load(getattr(args, "kb", None))
    except KnowledgeError as exc:
        print("error: the knowledge base has problems:", file=sys.stderr)
        for line in problem_lines(exc.problems):
            print(f"  {line}", file=sys.stderr)
        return 2
    try:
        profile = load_profile(args.profile, kb)
    except ProfileError as exc:
        print(f"error: invalid profile\n{exc}", file=sys.stderr)
        return 2
    today = args.today or date.today()
    checklist = build_checklist(kb, profile, today)
    fmt = args.format or "text"
    if fmt == "ics":
        payload = to_ics(checklist)
    elif fmt == "json":
        payload = (
            json.dumps(checklist.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        ).encode()
    elif fmt == "markdown":
        payload = render_markdown(checklist).encode()
    else:
        payload = render_text(checklist).encode()
    output = getattr(args, "output", None)
    if output:
        try:
            with open(output, "wb") as fh:
                fh.write(payload)
        except OSError as exc:
            print(f"error: cannot write {output}: {exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point (the main CLI wires `add_arguments`/`run` as its `checklist` command)."""
    parser = argparse.ArgumentParser(prog="candidate-assistant checklist")
    parser.add_argument("--kb", default=None, metavar="PATH", help="knowledge folder")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
