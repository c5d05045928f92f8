"""The one intent matcher every adapter shares.

Generic by design: it knows nothing about admissions. It indexes the knowledge base's example
utterances and keywords, then scores a message with idf-weighted cosine similarity over stemmed,
synonym-folded terms (the part that generalises to unseen phrasings), the share of the message's
meaningful words that the intent knows (coverage), the staff-chosen keywords it hits, and rapidfuzz
similarity to the closest examples (typos and near-duplicates). Unknown words are corrected to the
closest known word with rapidfuzz; words still unknown lower the score.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

import snowballstemmer
from rapidfuzz import fuzz, process

from assistant.kb.loader import KnowledgeBase
from assistant.kb.models import Intent
from assistant.text.normalize import tokenize

_STEM_FR = snowballstemmer.stemmer("french")
_STEM_EN = snowballstemmer.stemmer("english")
_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)(?<=[\s'’])([A-Z][\w-]{2,})")
_FOLLOW_UP = re.compile(r"^(et|and|what about|how about|sinon|pareil|meme chose|same)\b")

W_COSINE, W_COVERAGE, W_FUZZY, W_KEYWORD = 0.65, 0.2, 0.15, 0.1
UNKNOWN_PENALTY = 0.8
"""How much words the knowledge base has never seen lower the score (out-of-scope questions)."""
NAME_PENALTY = 2.0
"""The same for an unknown capitalised name (another school, a town) in a message naming none of our
programmes."""
TOP_K = 6
SHORTLIST = 40
"""Intents compared example by example, after a cheap shortlist on shared words."""


@dataclass
class Analysis:
    text: str
    tokens: list[str]
    terms: list[str]
    language: str
    programmes: list[str]
    follow_up: bool
    unknown: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    """Unknown capitalised words inside the sentence: likely names of schools or places we don't cover."""


@dataclass
class Candidate:
    intent: Intent
    score: float
    cosine: float
    coverage: float
    fuzzy: float


class Matcher:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        g = kb.shared.glossary
        self.shorthand = dict(g.shorthand)
        self.synonyms: dict[str, str] = {}
        for canonical, variants in g.synonyms.items():
            for variant in variants:
                for word in tokenize(str(variant), {}):
                    self.synonyms.setdefault(word, canonical)
        phrases = ((tuple(tokenize(k, {})), v) for k, v in g.phrases.items())
        self.phrases = {key: v for key, v in phrases if key}
        self._phrase_len = max((len(k) for k in self.phrases), default=1)
        self.stopwords = {w for w in g.stopwords.fr + g.stopwords.en}
        self.markers = {"fr": set(g.language_markers.fr), "en": set(g.language_markers.en)}
        self._stem_cache: dict[str, str] = {}
        self._aliases = self._build_aliases()
        self.intents: list[Intent] = list(kb.intents.values())
        self._build_index()

    # ---------------------------------------------------------------- text → terms
    def _stem(self, word: str) -> str:
        cached = self._stem_cache.get(word)
        if cached is None:
            if len(word) <= 3 or any(ch.isdigit() for ch in word) or "@" in word:
                cached = word
            else:
                cached = _STEM_FR.stemWord(_STEM_EN.stemWord(word))
            self._stem_cache[word] = cached
        return cached

    def terms_of(self, tokens: list[str]) -> list[str]:
        out = []
        for tok in tokens:
            if tok in self.stopwords:
                continue
            out.append(self._stem(self.synonyms.get(tok, tok)))
        return out

    def _build_aliases(self) -> dict[tuple[str, ...], str]:
        aliases: dict[tuple[str, ...], str] = {}
        for pid, pdata in self.kb.programmes.items():
            for alias in [pid, *pdata.programme.aliases]:
                key = tuple(tokenize(alias, {}))
                if key:
                    aliases.setdefault(key, pid)
        self._alias_len = max((len(k) for k in aliases), default=1)
        self._single_aliases = [(k[0], pid) for k, pid in aliases.items() if len(k) == 1 and len(k[0]) >= 5]
        return aliases

    @staticmethod
    def _scan(
        tokens: list[str], table: dict[tuple[str, ...], str], longest: int
    ) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, value) of the longest table n-grams found in `tokens`."""
        found = []
        i = 0
        while i < len(tokens):
            for size in range(min(longest, len(tokens) - i), 0, -1):
                value = table.get(tuple(tokens[i : i + size]))
                if value is not None:
                    found.append((i, i + size, value))
                    i += size
                    break
            else:
                i += 1
        return found

    # ---------------------------------------------------------------- index
    def _build_index(self) -> None:
        self.utt_terms: list[frozenset[str]] = []
        self.utt_text: list[str] = []
        self.utt_intent: list[int] = []
        self.utt_index: dict[tuple[int, str], int] = {}
        """(intent position, example as written) -> its position in the index (for `kb doctor`)."""
        intent_terms: list[set[str]] = []
        self.keyword_terms: list[frozenset[str]] = []
        for idx, intent in enumerate(self.intents):
            bag: set[str] = set()
            utterances = list(intent.examples.fr) + list(intent.examples.en)
            for utt in utterances:
                toks = tokenize(utt, self.shorthand)
                terms = frozenset(self.content_terms(toks))
                if not terms:
                    continue
                self.utt_index[(idx, utt)] = len(self.utt_terms)
                self.utt_terms.append(terms)
                self.utt_text.append(" ".join(sorted(terms)))
                self.utt_intent.append(idx)
                bag |= terms
            kw_terms: set[str] = set()
            for kw in intent.keywords:
                kw_terms |= set(self.content_terms(tokenize(kw, self.shorthand)))
            bag |= kw_terms
            intent_terms.append(bag)
            self.keyword_terms.append(frozenset(kw_terms))
        self.intent_terms = intent_terms
        n = max(len(self.intents), 1)
        df: dict[str, int] = defaultdict(int)
        for bag in intent_terms:
            for t in bag:
                df[t] += 1
        self.idf = {t: math.log(1 + n / d) for t, d in df.items()}
        self.default_idf = math.log(1 + n)
        self.utt_norm = [math.sqrt(sum(self.idf[t] ** 2 for t in terms)) or 1.0 for terms in self.utt_terms]
        # intent-level postings per scope: a question first shortlists intents sharing its words, within
        # the programmes in play, then compares itself with those intents' examples only
        self.postings: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, bag in enumerate(intent_terms):
            table = self.postings[self.intents[i].scope]
            for t in bag:
                table[t].append(i)
        self.vocab = sorted(self.idf)
        self.intent_utts: dict[int, list[int]] = defaultdict(list)
        for u, i in enumerate(self.utt_intent):
            self.intent_utts[i].append(u)

    def _apply_phrases(self, tokens: list[str]) -> list[str]:
        return self._replace(tokens, self.phrases, self._phrase_len, keep=True)

    def content_terms(self, tokens: list[str]) -> list[str]:
        """Meaningful terms of a tokenised message: programme names out, phrases joined, stems."""
        return self.terms_of(self._apply_phrases(self._strip_aliases(tokens)))

    def _strip_aliases(self, tokens: list[str]) -> list[str]:
        """Programme names are context, not meaning: they must not pull towards one intent."""
        return self._replace(tokens, self._aliases, self._alias_len, keep=False)

    def _replace(
        self, tokens: list[str], table: dict[tuple[str, ...], str], longest: int, keep: bool
    ) -> list[str]:
        hits = self._scan(tokens, table, longest)
        if not hits:
            return tokens
        out: list[str] = []
        pos = 0
        for start, end, value in hits:
            out.extend(tokens[pos:start])
            if keep:
                out.append(value)
            pos = end
        out.extend(tokens[pos:])
        return out

    # ---------------------------------------------------------------- analysis
    def analyze(self, text: str) -> Analysis:
        tokens = tokenize(text, self.shorthand)
        programmes = self.detect_programmes(tokens)
        language = self.detect_language(text, tokens)
        terms = self.content_terms(tokens)
        unknown = []
        fixed = []
        for t in terms:
            if t in self.idf:
                fixed.append(t)
                continue
            best = (
                process.extractOne(t, self.vocab, scorer=fuzz.ratio, score_cutoff=88) if len(t) >= 5 else None
            )
            if best is not None:
                fixed.append(best[0])
            else:
                if not any(ch.isdigit() for ch in t):
                    unknown.append(t)
                fixed.append(t)
        joined = " ".join(tokens)
        names = set()
        for word in _NAME.findall(text[:2000]):
            for term in self.terms_of(tokenize(word, {})):
                if term in unknown:
                    names.add(term)
        return Analysis(
            text, tokens, fixed, language, programmes, bool(_FOLLOW_UP.match(joined)), unknown, names
        )

    def detect_programmes(self, tokens: list[str]) -> list[str]:
        found: list[str] = []
        for _, _, pid in self._scan(tokens, self._aliases, self._alias_len):
            if pid not in found:
                found.append(pid)
        if not found and self._single_aliases:
            names = [a for a, _ in self._single_aliases]
            for tok in tokens:
                if len(tok) < 5:
                    continue
                hit = process.extractOne(tok, names, scorer=fuzz.ratio, score_cutoff=86)
                if hit is not None and self._single_aliases[hit[2]][1] not in found:
                    found.append(self._single_aliases[hit[2]][1])
        return found

    def detect_language(self, text: str, tokens: list[str]) -> str:
        fr = sum(1 for t in tokens if t in self.markers["fr"])
        en = sum(1 for t in tokens if t in self.markers["en"])
        if any(ch in text for ch in "éèêàùçôîâœÉÈÀÇ"):
            fr += 1.5
        if re.search(r"\b(j|l|d|qu|c|n)['’]", text.lower()):
            fr += 1
        if en > fr:
            return "en"
        if fr > en:
            return "fr"
        return ""

    # ---------------------------------------------------------------- scoring
    def rank(
        self, analysis: Analysis, scopes: set[str] | None = None, exclude: int | None = None
    ) -> list[Candidate]:
        """Best intents for `analysis`; `exclude` holds one indexed utterance out (kb doctor)."""
        q = list(dict.fromkeys(analysis.terms))
        if not q:
            return []
        q_idf = {t: self.idf.get(t, self.default_idf) for t in q}
        unknown = set(analysis.unknown)
        # similarity is measured on the words the knowledge base knows; unknown words count once, below
        known = {t: w for t, w in q_idf.items() if t not in unknown}
        q_norm = math.sqrt(sum(w * w for w in known.values())) or 1.0
        q_total = sum(known.values()) or 1.0
        all_total = sum(q_idf.values()) or 1.0
        covered: dict[int, float] = defaultdict(float)
        tables = (
            [self.postings[s] for s in scopes if s in self.postings]
            if scopes is not None
            else self.postings.values()
        )
        for table in tables:
            for t in q:
                w = q_idf[t]
                for i in table.get(t, ()):
                    covered[i] += w
        prelim = []
        for i, weight in heapq.nlargest(SHORTLIST, covered.items(), key=itemgetter(1)):
            best = 0.0
            for u in self.intent_utts[i]:
                if u == exclude:
                    continue
                terms = self.utt_terms[u]
                dot = sum(q_idf[t] * self.idf[t] for t in q if t in terms)
                if dot:
                    best = max(best, dot / (q_norm * self.utt_norm[u]))
            if best > 0:
                cov = weight / q_total
                # keywords are the words staff chose as the intent's own: hitting them is strong evidence
                kw = sum(q_idf[t] for t in known if t in self.keyword_terms[i]) / q_total
                prelim.append((W_COSINE * best + W_COVERAGE * cov + W_KEYWORD * kw, i, best, cov))
        prelim.sort(reverse=True)
        query_text = " ".join(sorted(set(q)))
        # a message that names one of our programmes is anchored in scope: an unknown name in it is a
        # detail (a diploma, a town), not another school
        name_weight = NAME_PENALTY if not analysis.programmes else UNKNOWN_PENALTY
        unknown_weight = sum(
            q_idf[t] * (name_weight if t in analysis.names else UNKNOWN_PENALTY) for t in q if t in unknown
        )
        damp = max(0.0, 1.0 - unknown_weight / all_total)
        out = []
        for base, i, cos, cov in prelim[:TOP_K]:
            utts = [u for u in self.intent_utts[i] if u != exclude]
            fz = max((fuzz.ratio(query_text, self.utt_text[u]) for u in utts), default=0) / 100
            out.append(Candidate(self.intents[i], min(1.0, (base + W_FUZZY * fz) * damp), cos, cov, fz))
        out.sort(key=lambda c: -c.score)
        return out
