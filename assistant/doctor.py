"""`kb doctor`: where the topic model hesitates, from its cross-validation on the knowledge base.

Every example is predicted by a model fitted without it (k-fold); staff read which topics' examples
are taken for which others, and add or reword examples where the confusions are.
"""

from __future__ import annotations

from assistant.nlu.model import TopicModel


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
