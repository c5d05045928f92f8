"""Understanding a message: language, programmes, topics (per sentence) and the facts it states.

This is the NLU step of the pipeline (understand → decide → compose). It reads; it never decides
what to answer. Everything it knows about words comes from the knowledge base's glossary, its names
and descriptions, and the topic model fitted on its examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.kb.loader import KnowledgeBase
from assistant.nlu.classifier import Progress, featurizer_for, load_model
from assistant.nlu.features import PROGRAMME_MARK, TOKEN_CACHE, Phrases
from assistant.nlu.programmes import Mention, ProgrammeFinder
from assistant.nlu.sentences import MIN_WORDS, is_question, split
from assistant.text.normalize import clean, tokenize

_FR_HINT = re.compile(r"\b(j|l|d|qu|c|n)['’]", re.IGNORECASE)
FR_ACCENTS = "éèêàùçôîâœÉÈÀÇ"
MAX_SENTENCES = 6
COURTESY = 0.5
"""A sentence read this surely as a greeting or thanks is left out of the whole message's reading."""
SIGN_OFF_WORDS = 3
"""A sentence this short after the last question is a sign-off or a signature, not part of what is asked."""
CONTEXT_WORDS = 8
"""A message with at most this many words besides programme names is also read with the previous question."""
CLEAR_MARGIN = 2
"""Marker words a message needs beyond the other language's to override the conversation's language."""


@dataclass
class Reading:
    """The topic model's view of one piece of text."""

    text: str
    ranked: list[tuple[str, float]]
    """Every topic with its probability, best first."""
    known: int
    """How many of its features the model knows (0: nothing it has ever seen)."""
    words: int
    known_words: int = 0
    """How many of its words (not mere letter sequences) the model has seen: 0 reads as gibberish."""
    question: bool = True

    @property
    def topic(self) -> str:
        return self.ranked[0][0]

    @property
    def p(self) -> float:
        return self.ranked[0][1]

    def prob(self, topic: str) -> float:
        return next((p for t, p in self.ranked if t == topic), 0.0)


@dataclass
class Understanding:
    text: str
    tokens: list[str]
    language: str
    """"fr", "en", or "" when the message does not say (too short, names only)."""
    language_clear: bool
    """Whether the message says its language clearly enough to win over the conversation's."""
    mention: Mention
    whole: Reading
    sentences: list[Reading] = field(default_factory=list)
    """One reading per sentence when the message has several; empty otherwise."""
    follow_up: bool = False
    """It opens like a follow-up ("et pour…", "what about…") that keeps the previous topic."""
    next_step: bool = False
    """The whole message asks what comes after the last answer ("et après ?", "ok and then?")."""
    content_words: int = 0
    """Words left once programme names and references are set aside."""
    in_context: Reading | None = None
    """For a short or follow-up message ("et c payant ?", "and the second year?"), the reading of the
    previous question and this message together: what "it" refers to."""
    facts: dict[str, Any] = field(default_factory=dict)
    """Profile facts stated in passing (diploma, experience, origin, French level...), read by the
    checklist's own free-text reader."""
    stated_time: tuple[int, int] | None = None
    """The time of day the candidate says it is ("il est 15h30", "it's 3pm"), as (hour, minute)."""


def _facts(text: str) -> dict[str, Any]:
    from assistant.checklist.parse import facts  # the checklist's reader: loaded on the first message

    return facts(text)


_TIME_24 = re.compile(r"\b(?:il est|it s|it is|its)\s+(\d{1,2})\s*(?:h|:)\s*(\d{2})?")
_TIME_12 = re.compile(r"\b(?:il est|it s|it is|its)\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b")


def stated_time(text: str) -> tuple[int, int] | None:
    if not any(ch.isdigit() for ch in text):
        return None
    folded = clean(text).replace("'", " ").replace("’", " ")
    m = _TIME_12.search(folded)
    if m:
        hour = int(m.group(1)) % 12 + (12 if m.group(3) == "pm" else 0)
        return (hour, int(m.group(2) or 0)) if hour < 24 else None
    m = _TIME_24.search(folded)
    if m and int(m.group(1)) < 24 and int(m.group(2) or 0) < 60:
        return int(m.group(1)), int(m.group(2) or 0)
    return None


class Reader:
    def __init__(self, kb: KnowledgeBase, progress: Progress | None = None) -> None:
        self.kb = kb
        self.featurizer = featurizer_for(kb)
        self.model = load_model(kb, self.featurizer, progress)
        self.finder = ProgrammeFinder(kb, self.featurizer.shorthand)
        g = kb.glossary
        self.markers = {"fr": set(g.language_markers.fr), "en": set(g.language_markers.en)}
        self.follow_ups = Phrases({tuple(tokenize(p, {})): "f" for p in g.follow_up_markers})
        self.next_steps = Phrases({tuple(tokenize(p, {})): "n" for p in g.next_step_markers})
        self.next_fillers = Phrases({tuple(tokenize(p, {})): "f" for p in g.next_step_fillers})
        self.courtesy = {t.id for t in kb.topics.values() if t.kind in ("greeting", "thanks")}
        self._indices: dict[str, tuple[str, tuple[int, ...]]] = {}
        """word -> (its stem, the model's indices of its features): a word is featurized once."""

    def read(self, text: str, previous: str | None = None) -> Understanding:
        """`previous`: the conversation's previous question, read with this one when this one is short or
        opens like a follow-up."""
        shorthand = self.featurizer.shorthand
        pieces = split(text)[:MAX_SENTENCES] if text.strip() else []
        if len(pieces) > 1:
            piece_tokens = [tokenize(piece, shorthand) for piece in pieces]
            tokens = [tok for toks in piece_tokens for tok in toks]
        else:
            tokens = tokenize(text, shorthand)
            piece_tokens = [tokens]
        mention = self.finder.find(tokens)
        parts = [
            (p, toks, self.featurizer.prepare(toks))
            for p, toks in zip(pieces or [text], piece_tokens, strict=True)
        ]
        part_counts = [self._counts(prepared) for _, _, prepared in parts]
        part_words = [sum(1 for t in prepared if t != PROGRAMME_MARK) for _, _, prepared in parts]
        sentences: list[Reading] = []
        if len(parts) > 1:
            for (piece, toks, _), counts, n_words, ranked in zip(
                parts, part_counts, part_words, self.model.ranked_many(part_counts), strict=True
            ):
                reading = self._reading(piece, counts, n_words, ranked)
                reading.question = is_question(piece, " ".join(toks))
                sentences.append(reading)
        total: dict[int, int] = {}
        words = 0
        asked = [k for k, r in enumerate(sentences) if r.question]
        for k, counts in enumerate(part_counts):
            if sentences and sentences[k].topic in self.courtesy and sentences[k].p >= COURTESY:
                continue  # "Bonjour,", "Merci d'avance.", "Cordialement,": not what is asked
            if asked and k > asked[-1] and part_words[k] <= SIGN_OFF_WORDS and not sentences[k].question:
                continue  # "Respectueusement, J.-P. Garnier" after the question: a signature
            words += part_words[k]
            for j, n in counts.items():
                total[j] = total.get(j, 0) + n
        whole = (
            self._reading(text, total, words) if total or not sentences else max(sentences, key=lambda r: r.p)
        )
        follow_up = self.follow_ups.starts(tokens) > 0
        language, margin = self.language(text, tokens)
        content = self._content_words(tokens)
        in_context = None
        if previous and (follow_up or content <= CONTEXT_WORDS):
            both = self.featurizer.features(f"{previous} {text}")
            counts = self.model.counts(both)
            in_context = self._reading(f"{previous} {text}", counts, len(both))
        return Understanding(
            text=text,
            tokens=tokens,
            language=language,
            language_clear=margin >= CLEAR_MARGIN,
            mention=mention,
            whole=whole,
            sentences=sentences,
            follow_up=follow_up,
            next_step=self._next_step(tokens),
            content_words=content,
            in_context=in_context,
            facts=_facts(text),
            stated_time=stated_time(text),
        )

    def _counts(self, prepared: list[str]) -> dict[int, int]:
        """The model's feature counts of prepared tokens: what `model.counts(featurizer.features_of(…))`
        gives, with each word's features looked up once and kept (bounded)."""
        vocabulary = self.model.vocabulary
        cache = self._indices
        counts: dict[int, int] = {}
        stems: list[str] = []
        for tok in prepared:
            if tok == PROGRAMME_MARK:
                stems.append("")
                continue
            entry = cache.get(tok)
            if entry is None:
                stem, feats = self.featurizer.token_features(tok)
                entry = (stem, tuple(vocabulary[f] for f in feats if f in vocabulary))
                if len(cache) >= TOKEN_CACHE:
                    cache.clear()
                cache[tok] = entry
            stems.append(entry[0])
            for j in entry[1]:
                counts[j] = counts.get(j, 0) + 1
        for a, b in zip(stems, stems[1:], strict=False):
            if a and b:
                j = vocabulary.get(f"b:{a}_{b}")
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
        return counts

    def _reading(
        self, text: str, counts: dict[int, int], words: int, ranked: list[tuple[str, float]] | None = None
    ) -> Reading:
        word_rows = self.model.word_rows()
        return Reading(
            text,
            ranked if ranked is not None else self.model.ranked(counts),
            sum(counts.values()),
            words,
            sum(n for j, n in counts.items() if j in word_rows),
        )

    def _next_step(self, tokens: list[str]) -> bool:
        """Only a next-step marker, with at most acknowledgements around it."""
        if not tokens or len(tokens) > 10 or not self.next_steps.find(tokens):
            return False
        rest = self.next_steps.replace(tokens, lambda _: "\x00")
        rest = self.next_fillers.replace(rest, lambda _: "\x00")
        return all(t == "\x00" for t in rest)

    def _content_words(self, tokens: list[str]) -> int:
        """Words that are neither programme names or descriptions, references ("the other one"), follow-up
        openings, nor single letters (elisions: "l'iim")."""
        rest = self.finder.names.replace(tokens, lambda _: "\x00")
        rest = self.finder.descriptions.replace(rest, lambda _: "\x00")
        rest = self.finder.references.replace(rest, lambda _: "\x00")
        head = self.follow_ups.starts(rest)
        return sum(1 for t in rest[head:] if t != "\x00" and len(t) > 1)

    def language(self, text: str, tokens: list[str]) -> tuple[str, float]:
        """The message's language and by how much its evidence wins (marker words, accents, elisions)."""
        fr = float(sum(1 for t in tokens if t in self.markers["fr"]))
        en = float(sum(1 for t in tokens if t in self.markers["en"]))
        words = self.model.languages
        for t in tokens:  # words the examples use in one language only, half a marker each
            lang = words.get(t)
            if lang == "fr":
                fr += 0.5
            elif lang == "en":
                en += 0.5
        if any(ch in text for ch in FR_ACCENTS):
            fr += 1.5
        if _FR_HINT.search(text):
            fr += 1
        if en > fr:
            return "en", en - fr
        if fr > en:
            return "fr", fr - en
        return "", 0.0


__all__ = ["MIN_WORDS", "Reader", "Reading", "Understanding"]
