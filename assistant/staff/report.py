"""The staff report: what candidates asked over a period, from the bots' question log, feedback and
handovers (`assistant.storage`).

`build_report()` counts; `Report.as_json()` is the JSON form (its keys are the report's contract:
scripts read them) and `format_text()` the terminal form; `assistant.staff.html` renders the page.
Unanswered questions (every decision but "answer") are grouped by similarity with the knowledge
base's topic model (`assistant.staff.grouping`), which is loaded only when there are some.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from assistant.nlu.understand import Reader
from assistant.staff.grouping import Group, Progress, Wording, group_questions, wordings_of
from assistant.staff.period import Period, describe, describe_end, local_day
from assistant.storage import Storage

DECISIONS = ("answer", "clarify", "decline")
"""The decisions of the assistant (`assistant.reply.Decision`), always reported, in this order; any other
value found in the log (a later version's) follows them."""
DECISION_NAMES = {"answer": "answered", "clarify": "clarified", "decline": "declined"}
NO_PROGRAMME = "(none)"
NO_LANGUAGE = "(unknown)"
TOP_TOPICS = 10
HANDOVER_STATUSES = ("open", "answered")
JSON_KEYS = (
    "since",
    "until",
    "questions",
    "by_decision",
    "by_platform",
    "by_programme",
    "by_language",
    "per_day",
    "top_topics",
    "unanswered",
    "unhelpful",
    "handovers",
)


@dataclass
class Day:
    day: date
    by_decision: dict[str, int]
    handovers: int = 0

    @property
    def questions(self) -> int:
        return sum(self.by_decision.values())


@dataclass
class Unhelpful:
    """An answer that got 👎 in the period."""

    answer: str
    """`<programme>.<topic>` or a general topic id, as the bot logged it."""
    count: int
    """👎 votes."""
    helpful: int
    """👍 votes on the same answer in the period, to weigh the 👎 against."""
    questions: list[Wording] = field(default_factory=list)
    """The questions that got 👎 (when the vote is linked to its question), most frequent first."""

    @property
    def samples(self) -> list[str]:
        return [w.text for w in self.questions[:2]]


@dataclass
class Report:
    period: Period
    programme: str | None
    questions: int
    by_decision: dict[str, int]
    by_platform: dict[str, int]
    by_programme: dict[str, int]
    by_language: dict[str, int]
    per_day: list[Day]
    top_topics: list[tuple[str, int]]
    unanswered: list[Group]
    unhelpful: list[Unhelpful]
    handovers: dict[str, int]

    @property
    def decisions(self) -> list[str]:
        """The decisions to show, in order (the known ones first)."""
        return list(self.by_decision)

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-able data, with exactly the keys of `JSON_KEYS`."""
        data = {
            "since": _iso(self.period.since),
            "until": _iso(self.period.until),
            "questions": self.questions,
            "by_decision": dict(self.by_decision),
            "by_platform": dict(self.by_platform),
            "by_programme": dict(self.by_programme),
            "by_language": dict(self.by_language),
            "per_day": [
                {
                    "date": d.day.isoformat(),
                    "questions": d.questions,
                    "by_decision": dict(d.by_decision),
                    "handovers": d.handovers,
                }
                for d in self.per_day
            ],
            "top_topics": [{"topic": topic, "count": n} for topic, n in self.top_topics],
            "unanswered": [
                {"text": g.text, "count": g.count, "samples": g.samples, "closest_topic": g.closest_topic}
                for g in self.unanswered
            ],
            "unhelpful": [
                {"answer": u.answer, "count": u.count, "helpful": u.helpful, "samples": u.samples}
                for u in self.unhelpful
            ],
            "handovers": dict(self.handovers),
        }
        assert tuple(data) == JSON_KEYS
        return data


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def build_report(
    store: Storage,
    period: Period,
    reader: Callable[[], Reader],
    *,
    now: datetime,
    programme: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Count the questions, feedback and handovers of `period` (one programme's, if given).

    `reader` gives the knowledge base's reader; it is called only when there are unanswered questions
    to group (loading it may fit the topic model)."""
    rows = store.questions(period.since, period.until, programme)
    by_decision = Counter({d: 0 for d in DECISIONS})
    by_decision.update(str(r["decision"]) for r in rows)
    days: dict[date, Counter[str]] = {}
    for row in rows:
        days.setdefault(local_day(row["at"]), Counter())[str(row["decision"])] += 1

    handovers = [h for h in store.handovers(since=period.since, until=period.until) if _about(h, programme)]
    handovers_per_day = Counter(local_day(h["created_at"]) for h in handovers)
    first_seen = min([r["at"] for r in rows[:1]] + [h["created_at"] for h in handovers[:1]], default=None)
    decisions = [d for d, _ in sorted(by_decision.items(), key=lambda kv: _decision_order(kv[0]))]
    per_day = [
        Day(day, {d: days.get(day, Counter())[d] for d in decisions}, handovers_per_day[day])
        for day in period.days(first_seen, now)
    ]

    unanswered_rows = [r for r in rows if r["decision"] != "answer"]
    unhelpful = _unhelpful(store, period, programme)
    groups = group_questions(reader(), wordings_of(unanswered_rows), progress) if unanswered_rows else []
    topics = Counter(
        t for r in rows if r["decision"] == "answer" and r["topic"] for t in topics_of(r["topic"])
    )
    return Report(
        period=period,
        programme=programme,
        questions=len(rows),
        by_decision={d: by_decision[d] for d in decisions},
        by_platform=_ranked(Counter(str(r["platform"]) for r in rows)),
        by_programme=_ranked(Counter(r["programme"] or NO_PROGRAMME for r in rows)),
        by_language=_ranked(Counter(r["language"] or NO_LANGUAGE for r in rows)),
        per_day=per_day,
        top_topics=sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TOPICS],
        unanswered=groups,
        unhelpful=unhelpful,
        handovers={s: sum(1 for h in handovers if h["status"] == s) for s in HANDOVER_STATUSES},
    )


def _decision_order(decision: str) -> tuple[int, str]:
    return (DECISIONS.index(decision) if decision in DECISIONS else len(DECISIONS), decision)


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def topics_of(logged: str) -> list[str]:
    """The topic ids of a logged topic or intent: `enjmin.deadline` and `deadline` are both `deadline`
    (topic ids have no dots), and a reply to two questions at once (`deadline+documents`, as the
    conversation service logs it, or `enjmin.deadline+enjmin.documents`) counts for each."""
    return [part.rpartition(".")[2] for part in logged.split("+") if part and part != "-"]


def answer_label(logged: str, programme: str | None) -> str:
    """The answer a logged question got, named as the knowledge base names it: `<programme>.<topic>`
    for a programme's answer (the log keeps the programme in its own column), the topic id otherwise."""
    if not programme:
        return logged
    return "+".join(part if "." in part else f"{programme}.{part}" for part in logged.split("+"))


def _about(handover: dict[str, Any], programme: str | None) -> bool:
    return programme is None or handover.get("programme") == programme


def _unhelpful(store: Storage, period: Period, programme: str | None) -> list[Unhelpful]:
    votes = store.feedback_rows(period.since, period.until)
    asked = store.questions_by_id(v["question_id"] for v in votes if v["question_id"] is not None)
    down: dict[str, list[dict[str, Any]]] = {}
    up: Counter[str] = Counter()
    for vote in votes:
        question = asked.get(vote["question_id"]) if vote["question_id"] is not None else None
        asked_about = (question or {}).get("topic")
        owner = (question or {}).get("programme")
        answer = vote["intent"] or (answer_label(asked_about, owner) if asked_about else "(unknown)")
        owner = owner or (answer.partition(".")[0] if "." in answer else None)
        if programme is not None and owner != programme:
            continue
        if vote["helpful"]:
            up[answer] += 1
        else:
            down.setdefault(answer, []).append(question or {})
    out = [
        Unhelpful(answer, len(qs), up[answer], wordings_of(q for q in qs if q.get("text")))
        for answer, qs in down.items()
    ]
    out.sort(key=lambda u: (-u.count, u.answer))
    return out


# text form -----------------------------------------------------------------------------------------------


SHOWN = 30
"""Rows of a long list shown in the text and HTML forms (the JSON form has them all)."""


def period_title(report: Report) -> str:
    since = describe(report.period.since) if report.period.since else "the oldest kept question"
    until = describe_end(report.period.until) if report.period.until else "now"
    scope = f", programme {report.programme}" if report.programme else ""
    return f"Candidates' questions from {since} to {until} (Paris time){scope}"


def decision_summary(report: Report) -> str:
    total = report.questions
    parts = []
    for decision, n in report.by_decision.items():
        share = f" ({n / total:.0%})" if total else ""
        parts.append(f"{DECISION_NAMES.get(decision, decision)} {n}{share}")
    return ", ".join(parts)


def format_text(report: Report) -> str:
    """The report for a terminal: totals, breakdowns, days, topics, unanswered groups, 👎, handovers."""
    lines = [period_title(report), ""]
    lines.append(f"Questions: {report.questions}")
    if report.questions:
        lines.append(f"  {decision_summary(report)}")
    h = report.handovers
    lines.append(
        f"Handed over to staff: {h['open'] + h['answered']} (open {h['open']}, answered {h['answered']})"
    )
    for title, counts in (
        ("By platform", report.by_platform),
        ("By programme", report.by_programme),
        ("By language", report.by_language),
    ):
        if counts:
            lines.append(f"{title}: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    if report.per_day:
        lines += ["", "Per day:"]
        for day in report.per_day:
            detail = ", ".join(f"{d} {n}" for d, n in day.by_decision.items() if n)
            extra = f"; handed over {day.handovers}" if day.handovers else ""
            lines.append(
                f"  {day.day.isoformat()}  {day.questions:4}"
                + (f"  ({detail}{extra})" if detail or extra else "")
            )
    if report.top_topics:
        lines += ["", "Top topics (answered questions):"]
        lines += [f"  {n:4}  {topic}" for topic, n in report.top_topics]
    lines += ["", "Unanswered questions, grouped by similarity (count, closest topic to extend):"]
    if not report.unanswered:
        lines.append("  none")
    for group in report.unanswered[:SHOWN]:
        lines.append(f"  {group.count:4}× “{group.text}” → {group.closest_topic}")
        if group.samples:
            lines.append("         also: " + " / ".join(f"“{s}”" for s in group.samples))
    lines += _more(len(report.unanswered))
    lines += ["", "Answers with 👎 (count of 👎, 👍 on the same answer):"]
    if not report.unhelpful:
        lines.append("  none")
    for item in report.unhelpful[:SHOWN]:
        lines.append(f"  {item.count:4}× {item.answer} (👍 {item.helpful})")
        if item.samples:
            lines.append("         asked as: " + " / ".join(f"“{s}”" for s in item.samples))
    lines += _more(len(report.unhelpful))
    return "\n".join(lines) + "\n"


def _more(n: int) -> list[str]:
    return [f"  … and {n - SHOWN} more (all of them with --format json)"] if n > SHOWN else []
