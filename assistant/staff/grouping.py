"""Unanswered questions grouped by similarity, as the knowledge base's topic model sees them.

Two questions are alike when they share what the model reads in text — the same words, stems,
glossary synonyms and letter sequences (`assistant.nlu.features`), weighted by the model's own tf-idf
(a feature no example uses weighs most: it is what the knowledge base is missing; one most examples
use, like "is" or "the", is left out) — and when the model
reads them as the same topics. The first catches rewordings in one language ("parking on campus?",
"is there a campus parking"); the second joins a French and an English question the model reads alike
("bourse pour étudiant étranger", "scholarships for foreign students"). Groups are formed by
average-linkage clustering (scikit-learn) and each gets its closest topic: the one to extend with
examples, or to answer.

`bench/report_bench.py` prints how well the groups match a labelled set of rewordings and how long
grouping takes; the weights below were chosen there.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.nlu.understand import Reader
from assistant.text.normalize import normalize

TEXT_WEIGHT = 0.8
"""Share of the text similarity in the similarity of two questions; the rest is topic similarity."""
SIMILARITY = 0.25
"""Groups join while their questions are on average more similar than this (0..1). Above the topic
part's weight (0.2): reading alike never joins two questions alone, it tips rewordings that share some
text ("bourse étudiant étranger" / "scholarships for foreign students")."""
COMMON_SHARE = 0.02
"""Features found in more than this share of the examples ("is", "there", " th") are left out of the
text similarity, as scikit-learn's `max_df` does: questions alike only by them are not alike."""
MAX_GROUPED = 3000
"""Distinct wordings clustered together (the most asked): similarities take n² memory. Rarer ones
each stay a group of their own, so every question is still counted."""

BLOCK = 500
"""Rows of the similarity matrix computed at once."""

Progress = Callable[[str], None]


@dataclass
class Wording:
    """One way a question was written (texts equal once normalised are one wording)."""

    text: str
    """The spelling asked most often."""
    count: int
    language: str = ""
    """"fr", "en", or "" when neither the log nor the text says."""
    decisions: Counter[str] = field(default_factory=Counter)


@dataclass
class Group:
    wordings: list[Wording]
    """Most asked first; the first is the group's representative."""
    closest_topic: str
    closest_p: float
    """The topic model's probability of the closest topic, averaged over the group's questions."""

    @property
    def text(self) -> str:
        return self.wordings[0].text

    @property
    def count(self) -> int:
        return sum(w.count for w in self.wordings)

    @property
    def samples(self) -> list[str]:
        """Up to two other wordings of the same question."""
        return [w.text for w in self.wordings[1:3]]


def wordings_of(rows: Iterable[Mapping[str, Any]]) -> list[Wording]:
    """Logged questions (dicts with `text`, `language`, `decision`) as distinct wordings, most asked
    first. The language is the one most often logged for the wording ("" when never logged)."""
    spellings: dict[str, Counter[str]] = {}
    languages: dict[str, Counter[str]] = {}
    decisions: dict[str, Counter[str]] = {}
    for row in rows:
        text = str(row["text"])
        key = normalize(text) or text.strip()
        spellings.setdefault(key, Counter())[text] += 1
        if row.get("language"):
            languages.setdefault(key, Counter())[str(row["language"])] += 1
        decisions.setdefault(key, Counter())[str(row.get("decision") or "")] += 1
    out = []
    for key, counts in spellings.items():
        spoken = languages.get(key)
        out.append(
            Wording(
                text=min(counts, key=lambda t: (-counts[t], t)),
                count=sum(counts.values()),
                language=spoken.most_common(1)[0][0] if spoken else "",
                decisions=decisions[key],
            )
        )
    out.sort(key=lambda w: (-w.count, w.text))
    return out


class QuestionSpace:
    """Questions as the knowledge base's topic model sees them: tf-idf vectors of the model's features
    and the topic probabilities it gives."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        model = reader.model
        self.vocabulary = model.vocabulary
        self.idf = model.idf
        self.unseen_idf = float(model.idf.max()) if len(model.idf) else 1.0
        """A feature no example has is as rare as the rarest one the model knows."""
        examples = model.cv.examples
        self.common_idf = math.log((1 + examples) / (1 + COMMON_SHARE * examples)) + 1
        """The idf of a feature in COMMON_SHARE of the examples (scikit-learn's smooth idf, the
        model's): features weighing less are left out."""
        self.topic_index = {topic: j for j, topic in enumerate(model.classes)}

    def read(self, texts: list[str]) -> tuple[Any, np.ndarray, list[str]]:
        """(tf-idf rows, L2-normalised, as a sparse matrix; topic probabilities; languages read)."""
        from scipy.sparse import csr_matrix  # scikit-learn's own dependency

        columns: dict[str, int] = {}
        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        probabilities = np.zeros((len(texts), len(self.topic_index)), dtype=np.float64)
        languages = []
        featurizer = self.reader.featurizer
        for i, text in enumerate(texts):
            weights: dict[int, float] = {}
            for feature, n in Counter(featurizer.features(text)).items():
                j = self.vocabulary.get(feature)
                idf = float(self.idf[j]) if j is not None else self.unseen_idf
                if idf < self.common_idf:
                    continue
                weights[columns.setdefault(feature, len(columns))] = (1.0 + math.log(n)) * idf
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            indices.extend(weights)
            data.extend(w / norm for w in weights.values())
            indptr.append(len(indices))
            understanding = self.reader.read(text)
            languages.append(understanding.language)
            for topic, p in understanding.whole.ranked:
                probabilities[i, self.topic_index[topic]] = p
        vectors = csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
            shape=(len(texts), max(len(columns), 1)),
        )
        return vectors, probabilities, languages

    def similarity(self, vectors: Any, probabilities: np.ndarray) -> np.ndarray:
        """Pairwise similarity in 0..1: TEXT_WEIGHT × cosine of the tf-idf vectors + the rest ×
        Bhattacharyya coefficient of the topic distributions (1 when the model reads both alike)."""
        n = vectors.shape[0]
        roots = np.sqrt(probabilities).astype(np.float32)
        similar = np.empty((n, n), dtype=np.float32)
        transposed = vectors.T.tocsc()
        for start in range(0, n, BLOCK):  # row blocks: the sparse product of all rows at once is bigger
            stop = min(start + BLOCK, n)
            similar[start:stop] = (vectors[start:stop] @ transposed).toarray()
            similar[start:stop] *= TEXT_WEIGHT
            similar[start:stop] += (1.0 - TEXT_WEIGHT) * (roots[start:stop] @ roots.T)
        np.clip(similar, 0.0, 1.0, out=similar)
        return similar


def group_questions(reader: Reader, wordings: list[Wording], progress: Progress | None = None) -> list[Group]:
    """The wordings grouped by similarity, most asked group first, each with its closest topic.

    Wordings whose language is unknown get the one the reader finds in their text."""
    if not wordings:
        return []
    space = QuestionSpace(reader)
    ordered = sorted(wordings, key=lambda w: (-w.count, w.text))
    clustered, alone = ordered[:MAX_GROUPED], ordered[MAX_GROUPED:]
    if progress and len(ordered) > 200:
        progress(f"grouping {len(ordered)} distinct unanswered wordings…")
    vectors, probabilities, languages = space.read([w.text for w in ordered])
    for wording, language in zip(ordered, languages, strict=True):
        wording.language = wording.language or language
    n = len(clustered)
    similar = space.similarity(vectors[:n], probabilities[:n])
    labels = _cluster(similar)
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(int(label), []).append(i)
    members.update({n + k: [n + k] for k in range(len(alone))})
    groups = []
    for rows in members.values():
        counts = np.array([ordered[i].count for i in rows], dtype=np.float64)
        mean = counts @ probabilities[rows] / counts.sum()
        best = int(np.argmax(mean))
        if len(rows) > 1:  # most asked first; among equals, the wording most like the others
            central = similar[np.ix_(rows, rows)].mean(axis=1)
            order = sorted(range(len(rows)), key=lambda k: (-ordered[rows[k]].count, -float(central[k])))
            rows = [rows[k] for k in order]
        groups.append(Group([ordered[i] for i in rows], reader.model.classes[best], float(mean[best])))
    groups.sort(key=lambda g: (-g.count, g.text))
    return groups


def _cluster(similar: np.ndarray) -> list[int]:
    """Average-linkage clusters of a similarity matrix: groups join while their mean similarity is
    above SIMILARITY."""
    n = len(similar)
    if n == 1:
        return [0]
    from sklearn.cluster import AgglomerativeClustering

    distance = 1.0 - similar
    np.fill_diagonal(distance, 0.0)
    clustering = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - SIMILARITY
    )
    return [int(label) for label in clustering.fit_predict(distance)]
