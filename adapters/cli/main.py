"""`candidate-assistant` command line: ask, chat, eval, kb check/doctor/suggest, checklist, report, telegram,
discord.

The command line is an adapter like the bots: it parses arguments and calls the core (`assistant`).
Heavy platform libraries are imported only by the subcommand that needs them, so `ask` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date


def _date(value: str) -> date:
    from assistant.dates import DateRangeError, parse_date

    try:
        return parse_date(value)
    except DateRangeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser(checklist_options: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="candidate-assistant", description="Admissions assistant for candidates (FR/EN)."
    )
    parser.add_argument(
        "--kb", metavar="PATH", help="knowledge folder (default: bundled, or $CANDIDATE_ASSISTANT_KB)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = sub.add_parser("ask", help="answer one question, or a batch with --jsonl")
    ask.add_argument("question", nargs="?", help="the question (omit with --jsonl)")
    ask.add_argument("--programme", help="programme id the conversation is about")
    ask.add_argument("--lang", choices=["fr", "en"], help="force the answer language")
    ask.add_argument("--today", type=_date, help="take this date as today (YYYY-MM-DD)")
    ask.add_argument("--json", action="store_true", help="print the structured reply as JSON")
    ask.add_argument(
        "--jsonl", action="store_true", help="read questions from stdin, one per line; JSON lines out"
    )
    ask.add_argument("--explain", action="store_true", help="also show how the matcher read the question")

    chat = sub.add_parser("chat", help="interactive terminal chat")
    chat.add_argument("--today", type=_date, help="take this date as today (YYYY-MM-DD)")
    chat.add_argument(
        "--log",
        action="store_true",
        help="record the questions in the staff question log (the bots' database)",
    )
    chat.add_argument("--db", help="database for --log (default: $CANDIDATE_ASSISTANT_DB)")

    ev = sub.add_parser("eval", help="score a question set (format of shared/eval/dev.yaml)")
    ev.add_argument("file")
    ev.add_argument("--min", type=float, default=None, help="exit 1 if the pass rate is below this (0..1)")
    ev.add_argument("--quiet", action="store_true", help="do not list failures")

    kb = sub.add_parser("kb", help="knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="TOOL")
    check = kb_sub.add_parser("check", help="validate a knowledge folder")
    check.add_argument("path", nargs="?")
    doctor = kb_sub.add_parser(
        "doctor", help="which topics the model confuses; the page's words behind an answer"
    )
    doctor.add_argument("--answer", metavar="ID", help="print the quotes behind an answer (enjmin.deadline)")
    doctor.add_argument("--ask", metavar="QUESTION", help="answer QUESTION, then print the quotes behind it")
    doctor.add_argument("--lang", choices=["fr", "en"], default="fr", help="language of the templates shown")
    from assistant.staff.commands import add_report_arguments, add_suggest_arguments

    add_suggest_arguments(
        kb_sub.add_parser(
            "suggest", help="propose examples from candidates' questions (a YAML file to review)"
        )
    )
    add_report_arguments(
        sub.add_parser(
            "report", help="staff report: questions, unanswered ones grouped, 👎 answers, handovers"
        )
    )

    cl = sub.add_parser("checklist", help="personalised checklist from a profile file")
    if checklist_options:  # its options pull in the checklist package: only when it is the command
        from adapters.cli.checklist import add_arguments

        add_arguments(cl)

    tg = sub.add_parser("telegram", help="run the Telegram bot (token in TELEGRAM_BOT_TOKEN)")
    tg.add_argument("--webhook-url", help="public HTTPS URL for webhook mode (default: long polling)")
    tg.add_argument("--listen", default="127.0.0.1", help="address the webhook server listens on")
    tg.add_argument("--port", type=int, default=8443, help="port the webhook server listens on")
    tg.add_argument("--webhook-secret", help="webhook secret (default: $TELEGRAM_WEBHOOK_SECRET or random)")
    tg.add_argument("--db", help="database file or URL (default: $CANDIDATE_ASSISTANT_DB)")

    dc = sub.add_parser("discord", help="run the Discord bot (token in DISCORD_BOT_TOKEN)")
    dc.add_argument("--db", help="database file or URL (default: $CANDIDATE_ASSISTANT_DB)")
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(checklist_options="checklist" in words)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command == "kb":
            return _kb(args, parser)
        if args.command == "ask":
            return _ask(args)
        if args.command == "chat":
            return _chat(args)
        if args.command == "eval":
            return _eval(args)
        if args.command == "checklist":
            from adapters.cli.checklist import run

            return run(args)
        if args.command == "report":
            from assistant.staff.commands import run_report

            return run_report(args)
        if args.command == "telegram":
            if not _has_extra("telegram"):
                return 2
            from adapters.telegram import run as run_telegram

            return run_telegram(args)
        if args.command == "discord":
            if not _has_extra("discord"):
                return 2
            from adapters.discord import run as run_discord

            return run_discord(kb_path=args.kb, db_path=args.db)
    except KnowledgeLoadFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        return 0
    parser.print_help()
    return 2


def _has_extra(extra: str) -> bool:
    """The bots' libraries are extras (`telegram`, `discord`, named like the module they install): say
    how to install them rather than fail with a traceback."""
    import importlib.util

    if importlib.util.find_spec(extra) is not None:
        return True
    print(
        f"candidate-assistant: the {extra} bot needs its extra: pip install 'candidate-assistant[{extra}]' "
        f"(from a checkout: pip install -e '.[{extra}]')",
        file=sys.stderr,
    )
    return False


class KnowledgeLoadFailed(Exception):
    pass


def _assistant(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant
    from assistant.kb.loader import KnowledgeError
    from assistant.kb.report import problem_lines

    try:
        return Assistant.load(args.kb)
    except KnowledgeError as exc:
        lines = list(problem_lines(exc.problems))
        raise KnowledgeLoadFailed(
            "the knowledge base has errors (run `candidate-assistant kb check`):\n" + "\n".join(lines)
        ) from None


def _ask(args: argparse.Namespace) -> int:
    from assistant.batch import unknown_programme
    from assistant.context import Conversation

    assistant = _assistant(args)
    if args.programme is not None and (problem := unknown_programme(assistant.kb, args.programme)):
        print(f"candidate-assistant ask: --programme: {problem}", file=sys.stderr)
        return 2
    if args.jsonl:
        return _ask_jsonl(assistant, args)
    if not args.question:
        print(
            "candidate-assistant ask: give a QUESTION, or use --jsonl to read questions from stdin",
            file=sys.stderr,
        )
        return 2
    if args.explain:
        print(_explain(assistant, args.question), file=sys.stderr)
    reply = assistant.ask(
        args.question, Conversation(bound_programme=args.programme), language=args.lang, today=args.today
    )
    if args.json:
        from assistant.batch import reply_dict

        print(json.dumps(reply_dict(args.question, reply), ensure_ascii=False, indent=2))
    else:
        from adapters.cli.render import render_reply

        print(render_reply(reply, colour=sys.stdout.isatty()))
    return 0


def _explain(assistant, question: str) -> str:  # type: ignore[no-untyped-def]
    """Staff view of the understanding step: language, programmes, and the topics each sentence reads as."""
    u = assistant.reader.read(question)
    m = u.mention
    th = assistant.thresholds
    lines = [
        f"language: {u.language or '?'} (clear: {u.language_clear})  programmes named: {m.named}  "
        f"described: {m.described}  other: {m.other}  every: {m.every}  follow-up: {u.follow_up}",
        f"thresholds: answer >= {th.answer:.2f}, decline when out-of-scope topics sum >= {th.decline:.2f}",
    ]
    for label, reading in [
        ("message", u.whole),
        *((f"sentence{'?' if r.question else ''}", r) for r in u.sentences),
    ]:
        top = "  ".join(f"{t} {p:.2f}" for t, p in reading.ranked[:4])
        lines.append(f"  {label:10} {reading.text[:60]!r}: {top}  (known features: {reading.known})")
    return "\n".join(lines)


def _ask_jsonl(assistant, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    """One question per line (text, or a JSON object with `text`, `programme`, `today`, `session`):
    see `assistant.batch`. A bad line is an `{"line": n, "error": ...}` object; the batch goes on."""
    from assistant.batch import Batch, run

    batch = Batch(assistant, programme=args.programme, language=args.lang, today=args.today)
    run(batch, sys.stdin.buffer, sys.stdout.buffer)
    if batch.errors:
        print(
            f"ask --jsonl: {batch.errors} line(s) with an error, {batch.answered} answered", file=sys.stderr
        )
    return 0


def _chat(args: argparse.Namespace) -> int:
    """The terminal chat: the bots' conversation service, nothing stored unless `--log`."""
    from adapters.cli.chat import run_chat

    if args.log and args.today is not None:
        print(
            "candidate-assistant chat: --log records questions for staff reports at the real time; "
            "it cannot be combined with --today",
            file=sys.stderr,
        )
        return 2
    assistant = _assistant(args)
    if not args.log:
        return run_chat(assistant, today=args.today)
    from assistant.storage import StorageError, open_storage

    try:
        storage = open_storage(args.db)
    except StorageError as exc:
        print(f"candidate-assistant chat: {exc}", file=sys.stderr)
        return 2
    with storage:
        return run_chat(assistant, today=args.today, storage=storage)


def _eval(args: argparse.Namespace) -> int:
    from assistant.evaluation import evaluate, format_report, load_cases

    try:
        cases = load_cases(args.file)
    except (OSError, ValueError) as exc:
        print(f"candidate-assistant eval: {exc}", file=sys.stderr)
        return 2
    report = evaluate(_assistant(args), cases)
    print(format_report(report, show_failures=not args.quiet))
    if args.min is not None and report.pass_rate < args.min:
        return 1
    return 0


def _kb(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.kb_command == "check":
        import time

        from assistant.kb.loader import check
        from assistant.kb.report import problem_lines

        start = time.perf_counter()
        kb, problems = check(args.path or args.kb)
        elapsed = (time.perf_counter() - start) * 1000
        for line in problem_lines(problems):
            print(line)
        errors = [p for p in problems if not p.warning]
        if errors:
            print(f"{len(errors)} problem(s) found.", file=sys.stderr)
            return 1
        s = kb.summary()  # type: ignore[union-attr]
        print(
            f"OK: {s['programmes']} programmes, {s['topics']} topics, {s['answers']} answers, "
            f"{s['examples']} examples, {s['events']} events ({elapsed:.0f} ms)"
        )
        from datetime import UTC, datetime

        from assistant.kb.loader import session_warnings

        for warning in session_warnings(kb, datetime.now(UTC)):  # type: ignore[arg-type]
            print(warning)
        from assistant.nlu.classifier import featurizer_for, load_model

        model = load_model(kb, featurizer_for(kb))  # refreshes the cached model after an edit
        print(
            f"topic model: {model.cv.accuracy:.1%} of examples right in cross-validation (`kb doctor` for details)"
        )
        return 0
    if args.kb_command == "suggest":
        from assistant.staff.commands import run_suggest

        return run_suggest(args)
    if args.kb_command == "doctor":
        from assistant.doctor import format_diagnosis, format_quotes, reply_answer_ids

        assistant = _assistant(args)
        if args.answer or args.ask:
            ids = [args.answer] if args.answer else []
            if args.ask:
                reply = assistant.ask(args.ask, language=args.lang)
                print(reply.plain_text() + "\n")
                ids = reply_answer_ids(assistant.kb, reply)
            print(format_quotes(assistant.kb, ids, args.lang) or "(no answer: nothing to trace)")
            return 0
        print(format_diagnosis(assistant.reader.model))
        return 0
    parser.parse_args(["kb", "--help"])
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
