"""`kb doctor`: hold out each example utterance in turn and see which intent the matcher picks.

Staff read the confusions to know which intents need better, more distinct examples.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from assistant.kb.loader import KnowledgeBase
from assistant.matcher import Matcher


@dataclass
class Diagnosis:
    total: int = 0
    correct: int = 0
    per_intent: dict[str, tuple[int, int]] = field(default_factory=dict)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))


def diagnose(kb: KnowledgeBase) -> Diagnosis:
    matcher = Matcher(kb)
    result = Diagnosis()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, intent in enumerate(matcher.intents):
        for utt in list(intent.examples.fr) + list(intent.examples.en):
            analysis = matcher.analyze(utt)
            if not analysis.terms:
                continue
            own = matcher.utt_index.get((i, utt))  # held out while it is being tested
            scopes = {"general", intent.scope}
            ranked = matcher.rank(analysis, scopes, exclude=own)
            predicted = ranked[0].intent.id if ranked else "(none)"
            counts[intent.id][1] += 1
            result.total += 1
            if predicted == intent.id:
                counts[intent.id][0] += 1
                result.correct += 1
            else:
                result.confusions[(intent.id, predicted)] += 1
                result.examples[(intent.id, predicted)].append(utt)
    result.per_intent = {k: (v[0], v[1]) for k, v in counts.items()}
    return result


def format_diagnosis(d: Diagnosis, top: int = 25) -> str:
    lines = [
        f"held-out examples: {d.total}, matched to their own intent: {d.correct} ({d.correct / d.total:.1%})"
        if d.total
        else "no examples"
    ]
    weak = sorted(((ok / n, k, ok, n) for k, (ok, n) in d.per_intent.items() if ok < n))
    if weak:
        lines.append("intents whose examples stray (own / total):")
        lines.extend(f"  {k}: {ok}/{n}" for _, k, ok, n in weak)
    if d.confusions:
        lines.append("most frequent confusions (intent -> picked instead):")
        for (src, dst), n in d.confusions.most_common(top):
            sample = d.examples[(src, dst)][0]
            lines.append(f"  {src} -> {dst}: {n}  e.g. “{sample}”")
    return "\n".join(lines)
