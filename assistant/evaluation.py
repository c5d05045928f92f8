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

import yaml

from assistant.context import Conversation
from assistant.engine import Assistant
from assistant.reply import Reply
from assistant.text.normalize import fold

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


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of cases")
    return data


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
    conv = Conversation(bound_programme=case.get("programme"))
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
