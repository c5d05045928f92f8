"""`kb doctor`: where the topic model hesitates, and where an answer's facts come from.

Every example is predicted by a model fitted without it (k-fold); staff read which topics' examples
are taken for which others, and add or reword examples where the confusions are. `--answer ID` (or
`--ask QUESTION`) prints, for an answer, every fact it states with the sentence of the page behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.kb.templates import placeholders

if TYPE_CHECKING:
    from assistant.kb.loader import KnowledgeBase, ProgrammeData
    from assistant.nlu.model import TopicModel
    from assistant.reply import Reply


def format_diagnosis(model: TopicModel, top: int = 25) -> str:
    cv = model.cv
    th = model.thresholds
    lines = [
        f"examples: {cv.examples}, predicted right in cross-validation: {cv.accuracy:.1%}",
        f"fitted thresholds: answer when the best topic reaches {th.answer:.2f}, "
        f"decline when out-of-scope topics sum to {th.decline:.2f}",
    ]
    weak = sorted((ok / n, topic, ok, n) for topic, (ok, n) in cv.per_topic.items() if ok < n)
    if weak:
        lines.append("topics whose examples stray (right / total):")
        lines.extend(f"  {topic}: {ok}/{n} ({share:.0%})" for share, topic, ok, n in weak)
    if cv.confusions:
        lines.append("most frequent confusions (topic -> taken for):")
        for src, dst, n, sample in cv.confusions[:top]:
            lines.append(f"  {src} -> {dst}: {n}  e.g. “{sample}”")
    return "\n".join(lines)


# --------------------------------------------------------------------------- provenance of an answer
@dataclass(frozen=True)
class Provenance:
    """One fact an answer states, and the page's words behind it."""

    cited: str
    """How the answer cites it (`{date:deadline}`, or "the answer's own words")."""
    fact: str
    """What it is: `event deadline (session 2026)`, `policy incomplete`..."""
    quotes: tuple[str, ...]


def answer_provenance(kb: KnowledgeBase, answer_id: str) -> list[Provenance]:
    """Every fact behind the answer `<programme>.<topic>` (its template, its `short`, the programme's
    preparation when cited), each with its quotes; facts cited twice are listed once."""
    pid, _, topic = answer_id.rpartition(".")
    pdata = kb.programmes.get(pid)
    answer = pdata.answers.get(topic) if pdata else None
    if pdata is None or answer is None:
        raise KeyError(answer_id)
    templates = [answer.answer.fr, answer.short.fr if answer.short else ""]
    out: list[Provenance] = []
    seen: set[tuple[str, str]] = set()

    def add(cited: str, fact: str, quotes: list[str]) -> None:
        if (cited, fact) not in seen:
            seen.add((cited, fact))
            out.append(Provenance(cited, fact, tuple(quotes)))

    for kind, arg, _ in (p for t in templates for p in placeholders(t)):
        written = f"{{{kind}:{arg}}}" if arg else f"{{{kind}}}"
        for fact, quotes in _facts(pdata, kind, arg):
            add(written, fact, quotes)
        if kind == "preparation" and pdata.file.preparation is not None:
            add(written, f"preparation of {pdata.id}", pdata.file.preparation.quote)
    if answer.quote:
        add("(its own words)", f"answer {answer_id}", answer.quote)
    return out


def _facts(p: ProgrammeData, kind: str, arg: str | None) -> list[tuple[str, list[str]]]:
    """(fact label, quotes) for one placeholder; fixed texts and names cite no fact of the page."""
    f = p.file
    if kind in ("event", "date", "applies"):
        return [(f"event {e.id} (session {e.session})", e.quote) for e in f.events if e.id == arg]
    if kind == "calendar":
        return [(f"event {e.id} (session {e.session})", e.quote) for e in p.sorted_events()]
    single = {
        "contact": p.contacts,
        "link": p.links,
        "doc": p.documents,
        "policy": p.policies,
        "rule": p.rules,
        "req": p.requirements,
    }
    if kind in single and arg in single[kind]:
        entry = single[kind][arg]
        return [(f"{kind} {arg}", entry.quote)]
    if kind == "docs":
        from assistant.composer import Composer  # the documents `{docs:…}` lists, chosen in one place

        docs = [d for d in Composer.general_documents(p) if d.required == (arg == "required")]
        out = [(f"doc {d.id}", d.quote) for d in docs]
        for event_id in dict.fromkeys(d.event for d in docs if d.event):  # the dates they are due by
            out += _facts(p, "date", event_id)
        return out
    if kind == "steps":
        return [(f"step {s.id}", s.quote) for s in sorted(f.steps, key=lambda s: s.order)]
    if kind in ("tracks", "count") and (kind == "tracks" or arg == "tracks"):
        return [(f"track {t.id}", t.quote) for t in f.tracks]
    if kind == "programme":
        return [(f"programme {p.id}", p.programme.quote)]
    return []


def format_quotes(kb: KnowledgeBase, answer_ids: list[str], lang: str = "fr") -> str:
    """`kb doctor --answer`: each answer's template, then every fact it states with the page's words."""
    lines: list[str] = []
    for answer_id in answer_ids:
        pid, _, topic = answer_id.rpartition(".")
        if not pid:
            lines.append(f"{answer_id}: a general answer (topics.yaml): it states no fact of the pages")
            continue
        answer = kb.answer(pid, topic)
        if answer is None:
            lines.append(f"{answer_id}: no such answer")
            continue
        lines.append(f"{answer_id} — {answer.answer.get(lang)}")
        facts = answer_provenance(kb, answer_id)
        if not facts:
            lines.append("  (cites no fact of the page: only fixed texts)")
        for fact in facts:
            lines.append(f"  {fact.cited} → {fact.fact}")
            lines.extend(f"    « {quote} »" for quote in fact.quotes)
            if not fact.quotes:
                lines.append("    (no quote: `kb check` reports it)")
        source = kb.programmes[pid].programme.page
        if source:
            lines.append(f"  (quotes checked against {source})")
    return "\n".join(lines)


def reply_answer_ids(kb: KnowledgeBase, reply: Reply) -> list[str]:
    """The programme answers a reply was written from: `enjmin.deadline`, several joined by `+`, or a
    topic answered for several programmes at once."""
    ids: list[str] = []
    for intent in (reply.intent or "").split("+"):
        if "." in intent or intent in kb.topics and kb.topics[intent].kind != "faq":
            ids.append(intent)
        elif intent in kb.topics:
            ids.extend(f"{pid}.{intent}" for pid in kb.answering(intent))
    return [i for i in ids if i and i != "-"]
