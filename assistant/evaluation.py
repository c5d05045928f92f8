"""Scoring a question set (the format of shared/eval/dev.yaml) against the assistant.

A case passes when every `expect` group has one alternative in the answer, no `forbid` alternative
appears, the answer is in the expected language, is not declined (unless `oos`), and is at most
1,500 characters. Comparison is case-, accent-, apostrophe- and whitespace-insensitive. A case with
`turns` is a conversation: each turn is asked in the same chat and checked on its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assistant.context import Conversation
from assistant.dates import DateRangeError, check_date, parse_date
from assistant.engine import Assistant
from assistant.files import FileReadError
from assistant.kb.yamlpos import load_with_positions
from assistant.limits import EVAL_SET
from assistant.reply import Reply
from assistant.text.normalize import fold
from assistant.yamlfile import YamlError

MAX_ANSWER_CHARS = 1500


@dataclass
class CaseResult:
    id: str
    topic: str
    lang: str
    oos: bool
    passed: bool
    reasons: list[str]
    question: str
    answer: str
    decision: str
    intent: str | None


@dataclass
class Report:
    results: list[CaseResult] = field(default_factory=list)

    def rate(self, items: list[CaseResult]) -> float:
        return sum(r.passed for r in items) / len(items) if items else 1.0

    @property
    def pass_rate(self) -> float:
        return self.rate(self.results)

    def figures(self) -> dict[str, float]:
        oos = [r for r in self.results if r.oos]
        ins = [r for r in self.results if not r.oos]
        return {
            "pass": self.pass_rate,
            "oos_declined": sum(r.decision == "decline" for r in oos) / len(oos) if oos else 1.0,
            "in_scope_wrongly_declined": sum(r.decision == "decline" for r in ins) / len(ins) if ins else 0.0,
            "language_right": sum("wrong language" not in " ".join(r.reasons) for r in ins) / len(ins)
            if ins
            else 1.0,
        }


class EvalSetError(ValueError):
    """A question set that cannot be scored: says which file and line, and what is wrong."""


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    """The cases of a question set, read with the project's bounded YAML loader (`EVAL_SET` budgets)
    and checked for what scoring needs: `EvalSetError` at the first case that lacks it."""
    try:
        data, pos = load_with_positions(Path(path), str(path), EVAL_SET)
    except (YamlError, FileReadError) as exc:
        raise EvalSetError(f"{exc} ({exc.hint})") from None
    if not isinstance(data, list):
        raise EvalSetError(f"{path}: expected a list of cases (`- id: ...` entries)")

    def fail(loc: tuple, message: str) -> EvalSetError:
        line, column = pos.at(loc)
        return EvalSetError(f"{path}:{line}:{column}: {message}")

    for i, case in enumerate(data):
        if not isinstance(case, dict):
            raise fail((i,), "a case is a mapping (`id:`, `q:` or `turns:`, `lang:`, `expect:`...)")
        if "today" in case:
            _check_today(case["today"], lambda message, i=i: fail((i, "today"), message))
        turns = case.get("turns")
        if turns is not None and (not isinstance(turns, list) or not turns):
            raise fail((i, "turns"), "`turns` is a list of turns, each with its `q:`")
        for j, turn in enumerate(turns or [case]):
            loc = (i, "turns", j) if turns else (i,)
            if not isinstance(turn, dict) or not isinstance(turn.get("q"), str | int | float):
                raise fail(loc, "each question needs its text in `q:`")
            for key in ("expect", "forbid"):
                groups = turn.get(key) or []
                if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
                    raise fail((*loc, key), f"`{key}` is a list of groups, each a list of phrases")
    return data


def _check_today(value: Any, fail: Any) -> None:
    try:
        if isinstance(value, date):
            check_date(value)
        elif isinstance(value, str):
            parse_date(value)
        else:
            raise DateRangeError("`today` is a date written YYYY-MM-DD")
    except DateRangeError as exc:
        raise fail(str(exc)) from None


def _contains(answer: str, phrase: str) -> bool:
    return fold(str(phrase)) in answer


def _check(reply: Reply, turn: dict[str, Any], oos: bool) -> tuple[list[str], str]:
    text = reply.plain_text()
    folded = fold(text)
    reasons: list[str] = []
    if oos:
        if reply.decision != "decline":
            reasons.append(f"not declined ({reply.decision}: {reply.intent})")
        return reasons, text
    if reply.decision == "decline":
        reasons.append("wrongly declined")
    if reply.language != turn.get("lang", reply.language):
        reasons.append(f"wrong language ({reply.language})")
    if len(text) > MAX_ANSWER_CHARS:
        reasons.append(f"too long ({len(text)} chars)")
    for group in turn.get("expect") or []:
        if not any(_contains(folded, alt) for alt in group):
            reasons.append(f"missing one of {group[:4]}{'…' if len(group) > 4 else ''}")
    for group in turn.get("forbid") or []:
        hits = [alt for alt in group if _contains(folded, alt)]
        if hits:
            reasons.append(f"forbidden {hits}")
    return reasons, text


def run_case(assistant: Assistant, case: dict[str, Any], default_today: date) -> CaseResult:
    """One case: a single question (`q`), or a conversation (`turns`, asked in order in one chat, every
    turn checked against its own expectations)."""
    today = case.get("today")
    today = date.fromisoformat(str(today)) if today else default_today
    programme = case.get("programme")
    if programme is not None and programme not in assistant.kb.programmes:
        return CaseResult(
            str(case.get("id")),
            str(case.get("topic", "-")),
            str(case.get("lang", "-")),
            bool(case.get("oos")),
            False,
            [f"unknown programme `{str(programme)[:40]}` (known: {', '.join(assistant.kb.programmes)})"],
            str(case.get("q", "")),
            "",
            "-",
            None,
        )
    conv = Conversation(bound_programme=programme)
    turns = case.get("turns") or [case]
    oos_case = bool(case.get("oos"))
    reasons: list[str] = []
    questions, answers = [], []
    reply = None
    for n, turn in enumerate(turns, 1):
        reply = assistant.ask(str(turn["q"]), conv, today=today)
        turn_reasons, text = _check(reply, turn, bool(turn.get("oos", oos_case and len(turns) == 1)))
        prefix = f"turn {n}: " if len(turns) > 1 else ""
        reasons.extend(prefix + r for r in turn_reasons)
        questions.append(str(turn["q"]))
        answers.append(text)
    assert reply is not None
    oos = oos_case or any(t.get("oos") for t in turns)
    return CaseResult(
        str(case.get("id")),
        str(case.get("topic", "-")),
        str(case.get("lang", turns[-1].get("lang", "-"))),
        oos,
        not reasons,
        reasons,
        " ⏎ ".join(questions),
        "\n---\n".join(answers),
        reply.decision,
        reply.intent,
    )


def evaluate(
    assistant: Assistant, cases: list[dict[str, Any]], default_today: date = date(2026, 1, 10)
) -> Report:
    return Report([run_case(assistant, c, default_today) for c in cases])


def format_report(report: Report, show_failures: bool = True) -> str:
    lines = []
    by_topic: dict[str, list[CaseResult]] = defaultdict(list)
    by_lang: dict[str, list[CaseResult]] = defaultdict(list)
    for r in report.results:
        by_topic[r.topic.split(".")[0] if r.topic != "oos" else "oos"].append(r)
        by_lang[r.lang].append(r)
    f = report.figures()
    lines.append(
        f"cases: {len(report.results)}  pass: {f['pass']:.1%}  out-of-scope declined: {f['oos_declined']:.1%}  "
        f"in-scope wrongly declined: {f['in_scope_wrongly_declined']:.1%}  language right: {f['language_right']:.1%}"
    )
    lines.append(
        "by topic: " + "  ".join(f"{t} {report.rate(v):.0%} ({len(v)})" for t, v in sorted(by_topic.items()))
    )
    lines.append(
        "by language: "
        + "  ".join(f"{t} {report.rate(v):.0%} ({len(v)})" for t, v in sorted(by_lang.items()))
    )
    fine: dict[str, list[CaseResult]] = defaultdict(list)
    for r in report.results:
        fine[r.topic].append(r)
    weak = [f"{t} {report.rate(v):.0%}" for t, v in sorted(fine.items()) if report.rate(v) < 1]
    if weak:
        lines.append("topics below 100%: " + ", ".join(weak))
    if show_failures:
        for r in report.results:
            if not r.passed:
                lines.append(
                    f"FAIL {r.id} [{r.topic}/{r.lang}] {r.question!r} -> {r.decision} {r.intent}: {'; '.join(r.reasons)}"
                )
    return "\n".join(lines)
