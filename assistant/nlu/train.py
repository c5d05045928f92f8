"""Fitting the topic model on the knowledge base's examples (needs scikit-learn, imported here only).

A linear support-vector classifier over word, word-pair, synonym and character n-gram features (the
reference point for short-text intent classification: fast, robust to typos). Everything that turns
its scores into decisions is fitted by cross-validation on the same examples, never on evaluation
sets: the softmax temperature (so scores read as probabilities), the probability under which the
assistant asks "did you mean" instead of answering, and the out-of-scope probability at which it
declines. Adding examples therefore improves answers with no code change.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

import numpy as np

from assistant.nlu.model import CrossValidation, Thresholds, TopicModel

FOLDS = 4
C = 1.0
SEED = 0
COST_WRONG = 1.0
"""Cost of answering the wrong topic (a wrong answer, or a decline of an admissions question)."""
COST_ASK = 0.35
"""Cost of asking "did you mean" with the right topic among the choices (one more click)."""
COST_ASK_MISS = 0.8
"""Cost of asking "did you mean" without the right topic among the choices."""
CHOICES = 3
NEAR_OPTIMAL = 0.02
MAX_ASK_SHARE = 0.02
"""At most this share of the (tidy) examples would get "did you mean" instead of an answer."""
"""Thresholds whose cost is within this share of the best one count as equally good (see _thresholds)."""


def fit(
    texts: list[str],
    texts_features: list[list[str]],
    labels: list[str],
    declines: set[str],
    *,
    key: str = "",
    progress: Callable[[str], None] | None = None,
) -> TopicModel:
    """Fit on (features, topic) pairs; `declines` are the out-of-scope topics."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    say = progress or (lambda _msg: None)
    y = np.asarray(labels)
    classes = sorted(set(labels))
    vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, lowercase=False)
    matrix = vec.fit_transform(texts_features)

    def model() -> LinearSVC:
        return LinearSVC(C=C, class_weight="balanced", random_state=SEED)

    counts = Counter(labels)
    folds = min(FOLDS, min(counts.values())) if counts else 0
    oof = np.zeros((len(labels), len(classes)))
    if folds >= 2:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
        for k, (train, test) in enumerate(splitter.split(matrix, y), 1):
            say(f"cross-validation {k}/{folds}")
            clf = model().fit(matrix[train], y[train])
            oof[test] = _aligned(clf.decision_function(matrix[test]), list(clf.classes_), classes)
    say("final fit")
    clf = model().fit(matrix, y)
    truth = np.asarray([classes.index(label) for label in labels])
    temperature = _temperature(oof, truth) if folds >= 2 else 5.0
    probs = _softmax(oof * temperature)
    thresholds = _thresholds(probs, truth, classes, declines) if folds >= 2 else Thresholds(0.3, 0.5)
    cv = _cross_validation(probs, truth, classes, texts)
    idf = vec.idf_.astype(np.float32)
    coef = _aligned(clf.coef_, list(clf.classes_), classes, axis=0)
    intercept = _aligned(clf.intercept_[None, :], list(clf.classes_), classes)[0]
    vocabulary = {feat: int(i) for feat, i in vec.vocabulary_.items()}
    return TopicModel(
        classes=classes,
        vocabulary=vocabulary,
        idf=idf,
        coef=np.ascontiguousarray(coef.T, dtype=np.float32),
        intercept=intercept.astype(np.float32),
        temperature=temperature,
        thresholds=thresholds,
        cv=cv,
        key=key,
    )


def _identity(features: list[str]) -> list[str]:
    return features


def _aligned(matrix: np.ndarray, have: list[str], want: list[str], axis: int = 1) -> np.ndarray:
    """Columns (or rows) of `matrix`, labelled `have`, in the order of `want` (a fold may lack a class)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if len(have) == 2 and matrix.ndim == 2 and matrix.shape[1 if axis == 1 else 0] == 1:
        matrix = np.concatenate([-matrix, matrix], axis=1 if axis == 1 else 0)
    elif matrix.ndim == 1:
        matrix = np.stack([-matrix, matrix], axis=1)
    shape = list(matrix.shape)
    shape[axis] = len(want)
    out = np.full(shape, -10.0)
    for j, label in enumerate(have):
        if axis == 1:
            out[:, want.index(label)] = matrix[:, j]
        else:
            out[want.index(label)] = matrix[j]
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature that makes out-of-fold scores the best probabilities (log-loss)."""
    best, best_t = float("inf"), 1.0
    for t in np.geomspace(0.5, 50, 60):
        p = _softmax(scores * t)
        loss = -np.mean(np.log(p[np.arange(len(truth)), truth] + 1e-12))
        if loss < best:
            best, best_t = loss, float(t)
    return best_t


def _thresholds(probs: np.ndarray, truth: np.ndarray, classes: list[str], declines: set[str]) -> Thresholds:
    """Decision thresholds from out-of-fold predictions of the knowledge base's own examples.

    The expected cost of the assistant's choices is flat over a wide range of thresholds (examples are
    tidier than real questions), so the choice within that range is made explicit instead of left to
    noise: the *lowest* answer threshold whose cost is within NEAR_OPTIMAL of the best (real questions
    read less surely than examples, so a higher one would ask "did you mean" far more often than it does
    here), capped so that no more than MAX_ASK_SHARE of the examples would be asked back; and the middle of
    the near-optimal range for declining.
    """
    decline_cols = [i for i, c in enumerate(classes) if c in declines]
    in_cols = [i for i, c in enumerate(classes) if c not in declines]
    in_rows = np.isin(truth, in_cols)
    p_in = probs[in_rows][:, in_cols]
    t_in = np.asarray([in_cols.index(t) for t in truth[in_rows]])
    top = p_in.argmax(axis=1)
    top_p = p_in.max(axis=1)
    right = top == t_in
    choices = np.argsort(-p_in, axis=1)[:, :CHOICES]
    listed = (choices == t_in[:, None]).any(axis=1)
    ask_cost = np.where(listed, COST_ASK, COST_ASK_MISS)
    grid = np.round(np.arange(0.05, 0.90, 0.01), 2)
    costs = np.array([np.sum(np.where(top_p >= t, np.where(right, 0.0, COST_WRONG), ask_cost)) for t in grid])
    answer = float(grid[np.flatnonzero(costs <= costs.min() * (1 + NEAR_OPTIMAL))[0]])
    # and never above the threshold that would ask back more than MAX_ASK_SHARE of the examples: the
    # cost curve is flat, its minimum can jump with one example, this quantile moves smoothly
    answer = min(answer, float(np.quantile(top_p, MAX_ASK_SHARE)))
    decline = 0.5
    if decline_cols:
        mass = probs[:, decline_cols].sum(axis=1)
        is_out = np.isin(truth, decline_cols)
        grid = np.round(np.arange(0.20, 0.90, 0.01), 2)
        # a wrongly declined admissions question costs twice a missed out-of-scope one
        errors = np.array([2 * np.sum((mass >= t) & ~is_out) + np.sum((mass < t) & is_out) for t in grid])
        near = grid[errors <= errors.min() * (1 + NEAR_OPTIMAL)]
        decline = float(np.median(near))
    return Thresholds(answer=round(answer, 3), decline=round(decline, 3))


def _cross_validation(
    probs: np.ndarray, truth: np.ndarray, classes: list[str], texts: list[str]
) -> CrossValidation:
    pred = probs.argmax(axis=1)
    confusions: Counter[tuple[str, str]] = Counter()
    sample: dict[tuple[str, str], str] = {}
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, (t, p) in enumerate(zip(truth, pred, strict=True)):
        per[classes[t]][1] += 1
        if t == p:
            per[classes[t]][0] += 1
            continue
        pair = (classes[t], classes[p])
        confusions[pair] += 1
        sample.setdefault(pair, texts[i])
    return CrossValidation(
        accuracy=float(np.mean(pred == truth)) if len(truth) else 0.0,
        examples=len(truth),
        confusions=[(a, b, n, sample[(a, b)]) for (a, b), n in confusions.most_common(40)],
        per_topic={k: (v[0], v[1]) for k, v in sorted(per.items())},
    )
