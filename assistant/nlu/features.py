"""What the topic model sees of a message: word, word-pair, synonym and character features.

The same function feeds training and answering, so a fitted model and the running assistant can
never disagree about what a message contains. Programme names are left out: they say which programme
a question is about (the resolver's job), not what it asks. Character n-grams keep
typos and SMS spellings close to the words they stand for; synonyms (from the glossary) let a French
example teach its English twin.
"""

from __future__ import annotations

from collections.abc import Mapping

import snowballstemmer

from assistant.text.normalize import tokenize

PROGRAMME_MARK = "<prog>"
CHAR_SIZES = (3, 4, 5)
TOKEN_CACHE = 50_000

_STEM_FR = snowballstemmer.stemmer("french")
_STEM_EN = snowballstemmer.stemmer("english")


class Featurizer:
    """Turns text into a bag of feature strings, from the glossary's language resources.

    `aliases` maps token tuples naming a programme to its id; they are masked as one marker.
    """

    def __init__(
        self,
        shorthand: Mapping[str, str],
        phrases: Mapping[str, str],
        synonyms: Mapping[str, str],
        aliases: Mapping[tuple[str, ...], str],
    ) -> None:
        self.shorthand = dict(shorthand)
        self.phrases = Phrases({tuple(k.split()): v for k, v in phrases.items()})
        self.synonyms = dict(synonyms)
        self.aliases = Phrases(aliases)
        self._stems: dict[str, str] = {}
        self._tokens: dict[str, tuple[str, list[str]]] = {}

    def tokens(self, text: str) -> list[str]:
        """Normalised tokens with programme names masked and glossary phrases joined."""
        return self.prepare(tokenize(text, self.shorthand))

    def prepare(self, toks: list[str]) -> list[str]:
        """Already normalised tokens with programme names masked and glossary phrases joined."""
        toks = self.aliases.replace(toks, lambda _: PROGRAMME_MARK)
        return self.phrases.replace(toks, lambda v: v)

    def stem(self, word: str) -> str:
        cached = self._stems.get(word)
        if cached is None:
            if len(word) <= 3 or any(ch.isdigit() for ch in word):
                cached = word
            else:
                cached = _STEM_FR.stemWord(_STEM_EN.stemWord(word))
            self._stems[word] = cached
        return cached

    def features(self, text: str) -> list[str]:
        return self.features_of(self.tokens(text))

    def features_of(self, toks: list[str]) -> list[str]:
        out: list[str] = []
        stems = []
        for tok in toks:
            if tok == PROGRAMME_MARK:
                stems.append("")  # a programme's name says which programme, not what is asked
                continue
            stem, feats = self.token_features(tok)
            stems.append(stem)
            out.extend(feats)
        out.extend(f"b:{a}_{b}" for a, b in zip(stems, stems[1:], strict=False) if a and b)
        return out

    def token_features(self, tok: str) -> tuple[str, list[str]]:
        """A word's stem and features (stem, synonym, letter n-grams), computed once per word."""
        cached = self._tokens.get(tok)
        if cached is not None:
            return cached
        canon = self.synonyms.get(tok)
        stem = self.stem(canon or tok)
        feats = ["w:" + stem]
        if canon:
            feats.append("s:" + canon)
        padded = f" {tok} "
        for n in CHAR_SIZES:
            if len(padded) < n:
                break
            feats.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
        if len(self._tokens) >= TOKEN_CACHE:
            self._tokens.clear()  # bounded: a flood of new words cannot grow memory
        self._tokens[tok] = (stem, feats)
        return stem, feats


class Phrases:
    """A table of token n-grams (programme names, glossary phrases...) to find in token lists.

    Keeps the longest n-gram size and the set of first words, so the (frequent) messages that contain
    none of the table's first words are skipped in one set operation.
    """

    def __init__(self, table: Mapping[tuple[str, ...], str]) -> None:
        self.table = {k: v for k, v in table.items() if k}
        self.longest = max((len(k) for k in self.table), default=1)
        self.firsts = frozenset(k[0] for k in self.table)

    def __contains__(self, key: object) -> bool:
        return key in self.table

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.table)

    def items(self):  # type: ignore[no-untyped-def]
        return self.table.items()

    def find(self, tokens: list[str]) -> list[tuple[int, int, str]]:
        """(start, end, value) of the longest non-overlapping n-grams of the table in `tokens`."""
        if self.firsts.isdisjoint(tokens):
            return []
        found = []
        i = 0
        while i < len(tokens):
            if tokens[i] in self.firsts:
                for size in range(min(self.longest, len(tokens) - i), 0, -1):
                    hit = self.table.get(tuple(tokens[i : i + size]))
                    if hit is not None:
                        found.append((i, i + size, hit))
                        i += size
                        break
                else:
                    i += 1
            else:
                i += 1
        return found

    def replace(self, tokens: list[str], value) -> list[str]:  # type: ignore[no-untyped-def]
        """`tokens` with each n-gram found replaced by `value(table[ngram])`."""
        hits = self.find(tokens)
        if not hits:
            return tokens
        out: list[str] = []
        pos = 0
        for start, end, hit in hits:
            out.extend(tokens[pos:start])
            out.append(value(hit))
            pos = end
        out.extend(tokens[pos:])
        return out

    def starts(self, tokens: list[str]) -> int:
        """Length of the table's n-gram that `tokens` starts with (0: none)."""
        for size in range(min(self.longest, len(tokens)), 0, -1):
            if tuple(tokens[:size]) in self.table:
                return size
        return 0
