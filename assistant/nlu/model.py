"""The fitted topic model at answer time: a linear classifier over tf-idf weighted features.

Fitting needs scikit-learn (`assistant.nlu.train`); answering only needs these arrays, so a running
bot or a one-shot `ask` never imports scikit-learn. The arithmetic is exactly scikit-learn's
`TfidfVectorizer(sublinear_tf=True)` followed by a linear decision function, then a softmax whose
temperature was fitted by cross-validation, so scores read as probabilities.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.cache import write_atomically

FORMAT = 5
"""Bumped whenever features or the file layout change: older cached models are then retrained."""


@dataclass
class Thresholds:
    """Decision thresholds fitted by cross-validation on the knowledge base's own examples."""

    answer: float
    """The best topic is answered when its probability reaches this; below, "did you mean"."""
    decline: float
    """Out-of-scope topics together must reach this probability for a decline."""


@dataclass
class CrossValidation:
    """What `kb doctor` reports: out-of-fold predictions of every example."""

    accuracy: float
    examples: int
    confusions: list[tuple[str, str, int, str]] = field(default_factory=list)
    """(true topic, predicted topic, count, one example), most frequent first."""
    per_topic: dict[str, tuple[int, int]] = field(default_factory=dict)
    """topic -> (examples predicted right, examples)."""


@dataclass
class TopicModel:
    classes: list[str]
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    """(features, classes): one row per feature, so a message only touches its own rows."""
    intercept: np.ndarray
    temperature: float
    thresholds: Thresholds
    cv: CrossValidation
    key: str = ""
    languages: dict[str, str] = field(default_factory=dict)
    """Words that, in the examples, belong to one language only ("quand" fr, "when" en)."""
    _word_rows: frozenset[int] | None = field(default=None, repr=False)

    def counts(self, features: list[str]) -> dict[int, int]:
        """How often each known feature occurs (features the model never saw are left out)."""
        vocabulary = self.vocabulary
        out: dict[int, int] = {}
        for feat in features:
            j = vocabulary.get(feat)
            if j is not None:
                out[j] = out.get(j, 0) + 1
        return out

    def probabilities(self, counts: dict[int, int]) -> np.ndarray:
        scores = self.intercept.astype(np.float64)
        if counts:
            rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            w = np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            w += 1.0
            w *= self.idf[rows]
            w /= np.sqrt(w @ w)
            scores = scores + w @ self.coef[rows]
        z = scores * self.temperature
        z -= z.max()
        e = np.exp(z)
        return e / e.sum()

    def ranked(self, counts: dict[int, int]) -> list[tuple[str, float]]:
        return self.ranked_many([counts])[0]

    def ranked_many(self, many: list[dict[int, int]]) -> list[list[tuple[str, float]]]:
        """Every topic with its probability, best first, for several pieces of text in one product
        (a message and its sentences): the same figures as `probabilities`, one numpy pass."""
        scores = np.tile(self.intercept, (len(many), 1))
        keys = [np.fromiter(c.keys(), dtype=np.intp, count=len(c)) for c in many]
        if len(many) == 1:  # the usual case: one piece of text, its keys are already distinct
            rows = keys[0]
            weights = np.log(np.fromiter(many[0].values(), dtype=np.float32, count=rows.size))[None, :] + 1.0
        else:
            rows = np.unique(np.concatenate(keys)) if keys else np.empty(0, dtype=np.intp)
            weights = np.zeros((len(many), rows.size), dtype=np.float32)
            for a, (counts, index) in enumerate(zip(many, keys, strict=True)):
                if index.size:
                    n = np.fromiter(counts.values(), dtype=np.float32, count=index.size)
                    weights[a, np.searchsorted(rows, index)] = np.log(n) + 1.0
        if rows.size:
            weights *= self.idf[rows]
            norms = np.sqrt(np.einsum("ij,ij->i", weights, weights))
            norms[norms == 0] = 1.0
            weights /= norms[:, None]
            scores += weights @ self.coef[rows]
        z = scores * self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(axis=1, keepdims=True)
        classes = self.classes
        out = []
        for probs, order in zip(p.tolist(), np.argsort(-p, axis=1).tolist(), strict=True):
            out.append([(classes[i], probs[i]) for i in order])
        return out

    def word_rows(self) -> frozenset[int]:
        """Indices of the features that are whole words (not letter sequences)."""
        if self._word_rows is None:
            self._word_rows = frozenset(i for f, i in self.vocabulary.items() if f[:2] in ("w:", "s:"))
        return self._word_rows

    # -------------------------------------------------------------------- persistence
    def save(self, path: Path) -> None:
        vocab = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        meta = {
            "format": FORMAT,
            "key": self.key,
            "classes": self.classes,
            "temperature": self.temperature,
            "thresholds": self.thresholds.__dict__,
            "languages": self.languages,
            "cv": {
                "accuracy": self.cv.accuracy,
                "examples": self.cv.examples,
                "confusions": self.cv.confusions,
                "per_topic": self.cv.per_topic,
            },
        }
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            vocab=np.frombuffer("\n".join(vocab).encode(), dtype=np.uint8),
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
        )
        write_atomically(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> TopicModel | None:
        """The model stored at `path`, or None when it is missing, unreadable or of another format."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(data["meta"].tobytes().decode())
                if meta.get("format") != FORMAT:
                    return None
                vocab = data["vocab"].tobytes().decode().split("\n")
                cv = meta["cv"]
                return cls(
                    classes=meta["classes"],
                    vocabulary={f: i for i, f in enumerate(vocab)},
                    idf=data["idf"],
                    coef=data["coef"],
                    intercept=data["intercept"],
                    temperature=float(meta["temperature"]),
                    thresholds=Thresholds(**meta["thresholds"]),
                    cv=CrossValidation(
                        cv["accuracy"],
                        cv["examples"],
                        [tuple(c) for c in cv["confusions"]],
                        {k: tuple(v) for k, v in cv["per_topic"].items()},
                    ),
                    key=meta.get("key", ""),
                    languages=meta.get("languages", {}),
                )
        except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
            return None
