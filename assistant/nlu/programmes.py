"""Which programme a message is about, from the knowledge base's names and descriptions.

A programme is named (its id or an alias, typos forgiven on long names), described (a place, a kind
of school, a parent institution: "l'école de jeux d'Angoulême"), or referred to ("the other one",
"both"). Diploma words such as BTS, BUT or licence are facts about the candidate, never programmes:
they are simply not in any programme's names or descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from assistant.kb.loader import KnowledgeBase
from assistant.nlu.features import Phrases
from assistant.text.normalize import tokenize

FUZZY_MIN_LENGTH = 5
FUZZY_SCORE = 86


@dataclass
class Mention:
    named: list[str] = field(default_factory=list)
    """Programmes named in the message, in order of appearance."""
    described: list[str] = field(default_factory=list)
    """Programmes pointed to by a description, best match first."""
    other: bool = False
    """"the other school", "l'autre"."""
    every: bool = False
    """"both", "les deux"."""

    @property
    def explicit(self) -> list[str]:
        return self.named or self.described


class ProgrammeFinder:
    def __init__(self, kb: KnowledgeBase, shorthand: dict[str, str]) -> None:
        self.shorthand = shorthand
        names: dict[tuple[str, ...], str] = {}
        descriptions: dict[tuple[str, ...], str] = {}
        for pid, pdata in kb.programmes.items():
            for alias in [pid, *pdata.programme.aliases]:
                names.setdefault(tuple(tokenize(alias, {})), pid)
            for phrase in pdata.programme.descriptions:  # read as messages are: shorthand expanded
                descriptions.setdefault(tuple(tokenize(phrase, shorthand)), pid)
        self.names = Phrases(names)
        self.descriptions = Phrases(descriptions)
        self._long_names = [(k[0], pid) for k, pid in self.names.items() if len(k) == 1 and len(k[0]) >= 5]
        self._one_word = {k[0]: pid for k, pid in self.names.items() if len(k) == 1 and len(k[0]) >= 3}
        g = kb.glossary
        refs = {tuple(tokenize(p, {})): "other" for p in g.other_programme}
        refs.update({tuple(tokenize(p, {})): "every" for p in g.every_programme})
        self.references = Phrases(refs)
        """"the other school" (other) and "both schools" (every)."""

    def find(self, tokens: list[str]) -> Mention:
        mention = Mention()
        for _, _, pid in self.names.find(tokens):
            if pid not in mention.named:
                mention.named.append(pid)
        if not mention.named:  # an elision typed without its apostrophe: "liim", "lenjmin", "dIIM"
            for tok in tokens:
                pid = self._one_word.get(tok[1:]) if tok[:1] in ("l", "d") else None
                if pid is not None and pid not in mention.named:
                    mention.named.append(pid)
        if not mention.named:  # a name inside an address: "master.enjmin", "enjmin.cnam.fr"
            for tok in tokens:
                for part in tok.split(".") if "." in tok else ():
                    pid = self._one_word.get(part)
                    if pid is not None and pid not in mention.named:
                        mention.named.append(pid)
        if not mention.named and self._long_names:
            words = [w for w, _ in self._long_names]
            for tok in tokens:
                if len(tok) < FUZZY_MIN_LENGTH:
                    continue
                hit = process.extractOne(tok, words, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
                if hit is not None:
                    pid = self._long_names[hit[2]][1]
                    if pid not in mention.named:
                        mention.named.append(pid)
        if not mention.named:
            scores: dict[str, int] = {}
            for _, _, pid in self.descriptions.find(tokens):
                scores[pid] = scores.get(pid, 0) + 1
            mention.described = sorted(scores, key=lambda pid: -scores[pid])
            if len(mention.described) > 1 and scores[mention.described[0]] == scores[mention.described[1]]:
                mention.described = []  # two schools described equally: no guess
        kinds = {kind for _, _, kind in self.references.find(tokens)}
        mention.other = "other" in kinds
        mention.every = "every" in kinds
        return mention
