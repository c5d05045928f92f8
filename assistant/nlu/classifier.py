"""The topic classifier of a knowledge base: its featurizer and its fitted model, cached by content.

The model is fitted when the knowledge base's examples change and stored under the user's cache
folder (or `$CANDIDATE_ASSISTANT_CACHE`), keyed by a hash of everything the fit depends on; a
warm start only loads arrays. Fitting imports scikit-learn; answering never does.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable

from assistant.cache import cache_dir
from assistant.kb.loader import KnowledgeBase
from assistant.nlu import model as model_format
from assistant.nlu.features import CHAR_SIZES, Featurizer
from assistant.nlu.model import TopicModel
from assistant.text.normalize import tokenize

Progress = Callable[[str], None]


def featurizer_for(kb: KnowledgeBase) -> Featurizer:
    g = kb.glossary
    synonyms: dict[str, str] = {}
    for canonical, variants in g.synonyms.items():
        for variant in variants:
            for word in tokenize(str(variant), {}):
                synonyms.setdefault(word, canonical)
    phrases = {" ".join(tokenize(k, {})): v for k, v in g.phrases.items()}
    return Featurizer(g.shorthand, phrases, synonyms, programme_aliases(kb))


def programme_aliases(kb: KnowledgeBase) -> dict[tuple[str, ...], str]:
    aliases: dict[tuple[str, ...], str] = {}
    for pid, pdata in kb.programmes.items():
        for alias in [pid, *pdata.programme.aliases]:
            key = tuple(tokenize(alias, {}))
            if key:
                aliases.setdefault(key, pid)
    return aliases


def training_key(kb: KnowledgeBase, featurizer: Featurizer) -> str:
    """A hash of everything the fitted model depends on: examples, topics, glossary, names, settings."""
    from assistant.nlu import train  # light: scikit-learn is imported inside train.fit only

    payload = {
        "format": model_format.FORMAT,
        "chars": CHAR_SIZES,
        "languages": 2,
        "train": [
            train.FOLDS,
            train.C,
            train.COST_WRONG,
            train.COST_ASK,
            train.COST_ASK_MISS,
            train.CHOICES,
            train.NEAR_OPTIMAL,
            train.MAX_ASK_SHARE,
        ],
        "examples": kb.examples(),
        "declines": sorted(t.id for t in kb.topics.values() if t.kind == "decline"),
        "shorthand": sorted(featurizer.shorthand.items()),
        "phrases": sorted((" ".join(k), v) for k, v in featurizer.phrases.items()),
        "synonyms": sorted(featurizer.synonyms.items()),
        "aliases": sorted(" ".join(k) for k in featurizer.aliases),
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:24]


def train_model(
    kb: KnowledgeBase, featurizer: Featurizer, key: str, progress: Progress | None = None
) -> TopicModel:
    from assistant.nlu.train import fit

    pairs = kb.examples()
    texts = [text for text, _ in pairs]
    features = [featurizer.features(text) for text in texts]
    declines = {t.id for t in kb.topics.values() if t.kind == "decline"}
    model = fit(texts, features, [topic for _, topic in pairs], declines, key=key, progress=progress)
    model.languages = language_words(kb, featurizer.shorthand)
    return model


def language_words(
    kb: KnowledgeBase, shorthand: dict[str, str], share: float = 0.9, least: int = 3
) -> dict[str, str]:
    """Words found in at least `least` examples, `share` of them in one language: that language's words.
    "deadline" or "portfolio", written in both, tell nothing; "quand" and "when" do."""
    seen: dict[str, list[int]] = {}
    for t in kb.topics.values():
        for k, lang in enumerate(("fr", "en")):
            for text in getattr(t.examples, lang):
                for word in set(tokenize(text, shorthand)):
                    seen.setdefault(word, [0, 0])[k] += 1
    out = {}
    for word, (fr, en) in seen.items():
        if word.isalpha() and fr + en >= least and max(fr, en) >= share * (fr + en):
            out[word] = "fr" if fr > en else "en"
    return out


TRAINING = "training the topic model"
"""How the progress of `load_model` starts when it must train (callers may tell their users)."""


def load_model(kb: KnowledgeBase, featurizer: Featurizer, progress: Progress | None = None) -> TopicModel:
    """The cached model for this knowledge base, fitting (and caching) it first when needed."""
    key = training_key(kb, featurizer)
    path = cache_dir() / f"topics-{key}.npz"
    cached = TopicModel.load(path)
    if cached is not None and cached.key == key:
        return cached
    say = progress or _stderr_progress
    say(f"{TRAINING} on {len(kb.examples())} examples (the knowledge base changed)…")
    fitted = train_model(kb, featurizer, key, progress=say)
    try:
        fitted.save(path)
    except OSError as exc:  # a read-only home: keep the model in memory, say why the next start is slow
        say(f"cannot cache the topic model in {path.parent} ({exc.strerror}); set CANDIDATE_ASSISTANT_CACHE")
    say(f"topic model ready: {fitted.cv.accuracy:.1%} of examples right in cross-validation")
    return fitted


def _stderr_progress(message: str) -> None:
    print(f"candidate-assistant: {message}", file=sys.stderr, flush=True)
