"""`kb suggest`: candidates' real questions proposed as examples, in the knowledge base's own format.

Two sources: the unanswered questions (grouped as in the report, under their closest topic) and the
questions whose answer got 👎 (under the topic the model reads next after the one answered: the
answer was probably about the wrong topic). A question declined on purpose — read as an out-of-scope
topic (scholarships, housing...) and declined as such — is not proposed: as an example it would teach
the model nothing it does not do already; the report still counts it. The result is a YAML file shaped like `topics.yaml`
(`topics: - id: ... examples: {fr: [...], en: [...]}`) with a comment on every example saying where it
comes from, for staff to review: nothing here changes the knowledge base. Wordings that already are
an example (of any topic) are left out, so the kept ones pass `kb check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.kb.loader import KnowledgeBase
from assistant.nlu.understand import Reader
from assistant.staff.grouping import Wording
from assistant.staff.period import describe, describe_end
from assistant.staff.report import DECISION_NAMES, Report, topics_of
from assistant.text.normalize import normalize

PER_GROUP = 5
"""Wordings proposed from one group of unanswered questions (the most asked): more would repeat it."""
DEFAULT_LANGUAGE = "fr"
"""Where an example goes when neither the log nor its text tells its language."""


@dataclass
class Proposal:
    text: str
    language: str
    topic: str
    count: int
    note: str
    """Where it comes from, for the reviewer (a YAML comment)."""


@dataclass
class Proposals:
    examples: list[Proposal]
    declined_on_purpose: int
    """Unanswered wordings left out: declined as the out-of-scope topic the model reads them as."""


def propose(report: Report, reader: Reader, kb: KnowledgeBase) -> Proposals:
    """Proposed examples from the report's unanswered groups and 👎 answers, most asked first; none that
    is already an example, none twice, none declined on purpose."""
    known = {normalize(text) for text, _ in kb.examples()}
    out: list[Proposal] = []
    declined_on_purpose = 0

    def add(text: str, language: str, topic: str, count: int, note: str) -> None:
        key = normalize(text)
        if not key or key in known or topic not in kb.topics:
            return
        known.add(key)
        language = language if language in ("fr", "en") else reader.read(text).language or DEFAULT_LANGUAGE
        out.append(Proposal(text, language, topic, count, note))

    for group in report.unanswered:
        for wording in group.wordings[:PER_GROUP]:
            if _declined_on_purpose(wording, group.closest_topic, reader, kb):
                declined_on_purpose += 1
                continue
            how = ", ".join(
                f"{DECISION_NAMES.get(d, d)} {n}" for d, n in wording.decisions.most_common() if d
            )
            add(
                wording.text,
                wording.language,
                group.closest_topic,
                wording.count,
                f"unanswered, asked {wording.count}× ({how}); group of {group.count} closest to "
                f"{group.closest_topic} ({group.closest_p:.2f})",
            )
    for item in report.unhelpful:
        answered = topics_of(item.answer)
        for wording in item.questions:
            ranked = reader.read(wording.text).whole.ranked
            topic, p = next(((t, p) for t, p in ranked if t not in answered), ranked[0])
            read_as = ", ".join(f"{t} ({dict(ranked).get(t, 0.0):.2f})" for t in answered)
            add(
                wording.text,
                wording.language,
                topic,
                wording.count,
                f"👎 on the answer {item.answer}, asked {wording.count}×; read as {read_as}, "
                f"next {topic} ({p:.2f})",
            )
    return Proposals(out, declined_on_purpose)


def _declined_on_purpose(wording: Wording, topic: str, reader: Reader, kb: KnowledgeBase) -> bool:
    """Always declined, and read as the out-of-scope topic closest to its group: the assistant did what
    the knowledge base says."""
    known = kb.topics.get(topic)
    if set(wording.decisions) != {"decline"} or known is None or known.kind != "decline":
        return False
    return reader.read(wording.text).whole.topic == topic


def to_yaml(proposals: Proposals, report: Report, kb: KnowledgeBase) -> str:
    """The proposals as a `topics.yaml`-shaped document, topics most asked first, with comments."""
    since = describe(report.period.since) if report.period.since else "the oldest kept question"
    until = describe_end(report.period.until) if report.period.until else "now"
    scope = f", programme {report.programme}" if report.programme else ""
    lines = [
        "# Proposed examples for knowledge/topics.yaml, from candidates' questions",
        f"# from {since} to {until} (Paris time){scope}. Nothing here is in the knowledge base yet.",
        "#",
        "# Review every example: keep it under its topic if the topic is right, move it under the right",
        "# topic if not (the topic ids are those of topics.yaml), delete it if it is not worth teaching.",
        "# Then copy the kept ones under that topic's `examples:` in knowledge/topics.yaml (same language)",
        "# and run `candidate-assistant kb check`: it validates them and retrains the topic model.",
        "# A question no topic covers needs an answer first (a new topic or a programme answer), not an example.",
    ]
    if proposals.declined_on_purpose:
        lines += [
            "#",
            f"# Left out: {proposals.declined_on_purpose} wording(s) declined on purpose (read as an out-of-scope topic",
            "# such as scholarships, and declined as such): an example would change nothing. They are in",
            "# `candidate-assistant report`; answer them in the knowledge base if candidates need the answer.",
        ]
    if not proposals.examples:
        lines += ["#", "# No unanswered question or 👎 answer to propose in this period.", "topics: []"]
        return "\n".join(lines) + "\n"
    by_topic: dict[str, list[Proposal]] = {}
    for proposal in proposals.examples:
        by_topic.setdefault(proposal.topic, []).append(proposal)
    order = sorted(by_topic, key=lambda t: (-sum(p.count for p in by_topic[t]), t))
    lines.append("topics:")
    for topic_id in order:
        topic = kb.topics[topic_id]
        lines.append(f"  - id: {topic_id}  # {_comment(topic.label.en)} ({topic.kind})")
        lines.append("    examples:")
        for language in ("fr", "en"):
            mine = [p for p in by_topic[topic_id] if p.language == language]
            if mine:
                lines.append(f"      {language}:")
                lines += [f"        - {yaml_quoted(p.text)}  # {_comment(p.note)}" for p in mine]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return " ".join(text.split())


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": "\\0"}
_PRINTABLE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
"""Characters written as they are: YAML's printable ones, but for the invisible line and paragraph
separators and the byte-order mark."""


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, readable: printable characters (accents, emoji) as they are,
    quotes, backslashes and control characters escaped. (PyYAML's emitter escapes every emoji.)"""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _PRINTABLE.match(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02X}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(f"\\U{ord(ch):08X}")
    return '"' + "".join(out) + '"'
