"""Turning what candidates type into comparable tokens: case, accents, elisions, SMS shorthand, dates.

Pure functions with no knowledge of admissions; the shorthand table comes from the glossary in the
knowledge base (`glossary.yaml`), with a small built-in default so `normalize()` works on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

MAX_CHARS = 2000
"""Longer messages are cut before matching: a question never needs more, and it bounds latency."""

_EN_CONTRACTIONS = [
    (re.compile(r"\b(ca|wo)n['’]t\b"), r"\1n not"),
    (re.compile(r"(?<=[a-z])n['’]t\b"), " not"),
    (re.compile(r"(?<=[a-z])['’]ve\b"), " have"),
    (re.compile(r"(?<=[a-z])['’]re\b"), " are"),
    (re.compile(r"(?<=[a-z])['’]ll\b"), " will"),
    (re.compile(r"(?<=\bi)['’]m\b"), " am"),
    (re.compile(r"(?<=[a-z])['’]d\b"), " would"),
    (re.compile(r"(?<=[a-z]{2})['’]s\b"), ""),
]
_ELISION = re.compile(r"\b(l|d|j|qu|n|s|c|m|t|jusqu|lorsqu|puisqu)['’`´]", re.IGNORECASE)
_APOSTROPHES = re.compile(r"['’`´]")
_INVISIBLE = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]")
_NON_WORD = re.compile(r"[^a-z0-9+@.]+")
_DOTS = re.compile(r"(?<![a-z0-9])\.|\.(?![a-z0-9])")
_BAC_PLUS = re.compile(r"\bbac\s*\+\s*(\d)")

MONTHS = {
    "janvier": 1,
    "janv": 1,
    "january": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "february": 2,
    "feb": 2,
    "mars": 3,
    "march": 3,
    "mar": 3,
    "avril": 4,
    "avr": 4,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "june": 6,
    "jun": 6,
    "juillet": 7,
    "juil": 7,
    "july": 7,
    "jul": 7,
    "aout": 8,
    "august": 8,
    "aug": 8,
    "septembre": 9,
    "sept": 9,
    "september": 9,
    "sep": 9,
    "octobre": 10,
    "october": 10,
    "oct": 10,
    "novembre": 11,
    "november": 11,
    "nov": 11,
    "decembre": 12,
    "december": 12,
    "dec": 12,
}
_NUM_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")

DEFAULT_SHORTHAND: dict[str, str] = {}


AMBIGUOUS_MONTHS = {"may", "sept", "mar"}
"""Month names that are also common words ("may I", "sept ans"): read as months only next to a number."""

# Fast path for the accented letters of French and English; anything else goes through NFKD.
_ACCENT_TABLE = str.maketrans(
    {
        **{
            ch: base
            for base, chars in {
                "a": "àáâãäåā",
                "c": "çćč",
                "e": "èéêëēėę",
                "i": "ìíîïī",
                "n": "ñń",
                "o": "òóôõöø",
                "u": "ùúûüū",
                "y": "ýÿ",
                "A": "ÀÁÂÃÄÅĀ",
                "C": "ÇĆČ",
                "E": "ÈÉÊËĒĖĘ",
                "I": "ÌÍÎÏĪ",
                "N": "ÑŃ",
                "O": "ÒÓÔÕÖØ",
                "U": "ÙÚÛÜŪ",
                "Y": "ÝŸ",
            }.items()
            for ch in chars
        },
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
    }
)


def strip_accents(text: str) -> str:
    text = text.translate(_ACCENT_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean(text: str) -> str:
    """Lower-case, accent-free, without control or zero-width characters, elisions split off."""
    text = text[:MAX_CHARS]
    if not text.isascii() or not text.isprintable():
        text = _INVISIBLE.sub(" ", text)
        text = strip_accents(text)
    text = text.lower()
    if "'" in text or "’" in text or "`" in text or "´" in text:
        for pattern, repl in _EN_CONTRACTIONS:
            text = pattern.sub(repl, text)
        text = _ELISION.sub(lambda m: m.group(1) + "' ", text)
    return text


def numeric_dates(text: str) -> str:
    """`23/01` → `23 janvier`-style tokens so numeric and spelled dates meet (month as `m01`)."""

    def repl(m: re.Match[str]) -> str:
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            return f" {day} m{month:02d} "
        return m.group(0)

    return _NUM_DATE.sub(repl, text)


def tokenize(text: str, shorthand: Mapping[str, str] | None = None) -> list[str]:
    """Normalised tokens of `text`; shorthand (SMS) words are expanded to their full form."""
    text = clean(text)
    has_digit = any(ch.isdigit() for ch in text)
    if has_digit:
        text = numeric_dates(text)
        if "bac" in text:
            text = _BAC_PLUS.sub(r"bac+\1", text)
    text = _APOSTROPHES.sub(" ", text)
    text = _DOTS.sub(" ", _NON_WORD.sub(" ", text))
    table = DEFAULT_SHORTHAND if shorthand is None else shorthand
    out: list[str] = []
    raw_tokens = text.split()
    for n, raw in enumerate(raw_tokens):
        tok = raw.strip(".")
        if not tok:
            continue
        if tok in MONTHS:
            near = raw_tokens[max(0, n - 1) : n + 2]
            if tok not in AMBIGUOUS_MONTHS or any(t[:1].isdigit() for t in near):
                out.append(f"m{MONTHS[tok]:02d}")
                continue
        expansion = table.get(tok)
        if expansion is not None:
            out.extend(expansion.split())
        else:
            out.append(tok)
    return out


def normalize(text: str, shorthand: Mapping[str, str] | None = None) -> str:
    return " ".join(tokenize(text, shorthand))


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Accent/case/apostrophe/space-insensitive form, used to compare answers with expected phrases."""
    text = strip_accents(text).lower()
    text = _APOSTROPHES.sub("'", text)
    return " ".join(text.split())
