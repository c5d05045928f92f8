"""Reading free-text answers as candidates write them ("L3", "bac+2", "5 ans d'expérience",
"I have a bachelor from Brazil", "je sais pas") into profile values.

All words come from the knowledge folder's `profile.yaml` (its `vocabulary`); this module only knows how
to look for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, get_args

from assistant.checklist.profile import Profile
from assistant.checklist.texts import contains, data, normalize, per_profile, words


@dataclass
class Parsed:
    """`value` None means the candidate said they do not know (an understood answer)."""

    value: Any
    extra: dict[str, Any] = field(default_factory=dict)


def _first(text: str, phrases: tuple[str, ...] | list[str]) -> int | None:
    """Position of the earliest whole-word occurrence of any phrase."""
    pattern = _phrases_pattern(phrases if isinstance(phrases, tuple) else tuple(phrases))
    m = pattern.search(text) if pattern is not None else None
    return m.start() if m else None


@lru_cache(maxsize=256)
def _phrases_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regular expression for a list of phrases (longest first), compiled once per list."""
    normalized = sorted({n for n in (normalize(p) for p in phrases) if n}, key=len, reverse=True)
    if not normalized:
        return None
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(n) for n in normalized) + r")(?![a-z0-9])")


def is_unknown(text: str) -> bool:
    return text.strip() in {"?", "??", "???"} or _first(normalize(text), words("unknown")) is not None


def yes_no(text: str) -> bool | None:
    """True/False from yes/no words; the earliest word wins ("non, jamais" -> False)."""
    yes, no = _first(text, words("yes")), _first(text, words("no"))
    if yes is None and no is None:
        return None
    return bool(no is None or yes is not None and yes < no)


def diploma(text: str, raw: str = "") -> tuple[int, bool | None] | None:
    """(years after the bac, RNCP-listed or unknown) from a diploma name or a "bac+N" pattern."""
    vocab = data()["vocabulary"]
    for pattern in vocab.get("level_patterns", []):
        m = re.search(pattern, text)
        if m:
            return int(m.group(1)), _rncp_words(text)
    best: tuple[int, int, bool | None] | None = None
    for entry in vocab.get("diplomas", []):
        exact = [w for w in entry.get("exact", []) if _exact_word(w, text, raw)]
        if _first(text, entry["words"]) is None and not exact:
            continue  # one search per entry; the phrase-by-phrase loop below only runs on a hit
        for phrase in entry["words"] + exact:
            if contains(text, phrase):
                key = (len(normalize(phrase)), entry["level"], entry.get("rncp"))
                if best is None or key[:2] > best[:2]:
                    best = key
    if best is None:
        return None
    rncp = _rncp_words(text)
    return best[1], rncp if rncp is not None else best[2]


def _exact_word(word: str, text: str, raw: str) -> bool:
    """A case-sensitive diploma word ("BUT", not the English "but"), or the whole answer."""
    normalized, pattern = _exact_pattern(word)
    return text == normalized or pattern.search(raw) is not None


@lru_cache(maxsize=64)
def _exact_pattern(word: str) -> tuple[str, re.Pattern[str]]:
    return normalize(word), re.compile(rf"\b{re.escape(word)}\b")


def _rncp_words(text: str) -> bool | None:
    if not contains(text, "rncp"):
        return None
    return not any(contains(text, f"{neg} rncp") for neg in ("non", "pas", "sans", "not", "no", "without"))


def origin(text: str) -> bool | None:
    """True when the text names a foreign country or says "abroad", False for France."""
    foreign = _first(text, words("foreign_origin"))
    french = _first(text, words("french_origin"))
    if foreign is None and french is None:
        return None
    return french is None or (foreign is not None and foreign < french)


def number(text: str) -> float | None:
    m = re.search(r"(?<![a-z0-9])(\d+(?:[.,]\d+)?)(?![0-9])", text)
    if m:
        return float(m.group(1).replace(",", "."))
    numbers = data()["vocabulary"].get("numbers", {})
    for word in text.split():
        if word in numbers and word != "a":
            return float(numbers[word])
    return None


def years(text: str) -> float | None:
    """Years of experience: "5 ans", "five years", "18 mois", "plus de 3 ans" (just above 3), "aucune"."""
    vocab = data()["vocabulary"]
    nums = "|".join(re.escape(k) for k in vocab.get("numbers", {}))
    unit = r"(ans?|annees?|years?|yrs?|mois|months?)"
    m = re.search(rf"(?<![a-z0-9])(\d+(?:[.,]\d+)?|{nums}) ?(?:\+ )?{unit}(?![a-z])", text)
    if m:
        raw = m.group(1)
        value = float(raw.replace(",", ".")) if raw[0].isdigit() else float(vocab["numbers"][raw])
        if m.group(2) in ("mois", "month", "months"):
            value = round(value / 12, 2)
    else:
        value = number(text)
        if value is None:
            return 0.0 if _first(text, words("no_experience")) is not None else None
    before = text[: m.start()] if m else text
    if _first(before, words("more_than")) is not None or (m and "+" in m.group(0)):
        value += 0.5
    elif _first(before, words("less_than")) is not None:
        value = max(0.0, value - 0.5)
    return value


def french_level(text: str) -> str | None:
    m = re.search(r"(?<![a-z0-9])([abc])\s?([12])(?![0-9])", text)
    if m:
        return f"{m.group(1).upper()}{m.group(2)}"
    return "native" if _first(text, words("native")) is not None else None


def training_mode(text: str) -> str | None:
    found = [
        (pos, mode)
        for mode, phrases in data()["vocabulary"]["training_mode"].items()
        if (pos := _first(text, phrases)) is not None
    ]
    return min(found)[1] if found else None


def _typed(name: str, text: str) -> Any:
    """Fallback for a field without a dedicated reader: by its type in the Profile model."""
    annotation = Profile.model_fields[name].annotation
    args = [a for a in get_args(annotation) if a is not type(None)]
    if bool in args:
        return yes_no(text)
    literals = [v for a in args for v in get_args(a)]
    if literals:
        return next((v for v in literals if contains(text, str(v))), None)
    return number(text)


def read(name: str, raw: str) -> Parsed | None:
    """The value of field `name` in a free-text answer, plus other fields the text states; None if
    the answer was not understood."""
    text = normalize(raw)
    if is_unknown(raw):
        return Parsed(None)
    extra: dict[str, Any] = {}
    value: Any = None
    found = diploma(text, raw)
    if found is not None:
        extra["diploma_level"] = found[0]
        if found[1] is not None:
            extra["diploma_rncp"] = found[1]
    where = origin(text)
    if where is not None:
        extra["foreign_diploma"] = where
    level = french_level(text) if name != "diploma_level" else None
    if level and name != "french_level" and ("niveau" in text or "level" in text or "francais" in text):
        extra["french_level"] = level
    if name == "diploma_level":
        value = found[0] if found else None
        if value is None:
            n = number(text)
            value = int(n) if n is not None and n == int(n) else None
    elif name == "diploma_rncp":
        value = yes_no(text)
        if value is None and found is not None:
            value = found[1]
    elif name == "foreign_diploma":
        value = where if where is not None else yes_no(text)
    elif name == "professional_experience_years":
        value = years(text)
    elif name == "french_level":
        value = french_level(text)
    elif name == "training_mode":
        value = training_mode(text)
    elif name in Profile.model_fields:
        value = _typed(name, text)
    if value is None:
        return None
    extra.pop(name, None)
    return Parsed(value, extra)


def read_button(name: str, value: str) -> Parsed | None:
    """A button's canonical value (`yes`, `no`, `unknown`, `3`, `B2`, `initiale`)."""
    if value == "unknown":
        return Parsed(None)
    if value in ("yes", "no"):
        return Parsed(value == "yes")
    annotation = Profile.model_fields[name].annotation if name in Profile.model_fields else str
    args = get_args(annotation)
    try:
        if int in args:
            return Parsed(int(value))
        if float in args:
            return Parsed(float(value))
    except ValueError:
        return None
    return Parsed(value)


_YEARS = re.compile(
    r"(?<![a-z0-9])(\d+(?:[.,]\d+)?|[a-z]+) ?(?:\+ )?(ans?|annees?|years?|yrs?|mois|months?)(?![a-z])"
)


def experience_years(text: str) -> float | None:
    """Years of experience stated in a sentence ("8 ans de graphisme en agence", "5 years as a dev"),
    only when experience words stand next to the number: "j'ai 34 ans" is an age, not experience."""
    numbers = data()["vocabulary"].get("numbers", {})
    cues = words("experience_cues")
    for m in _YEARS.finditer(text):
        raw = m.group(1)
        if not raw[0].isdigit() and raw not in numbers:
            continue
        after = text[m.end() : m.end() + 40]
        before = text[max(0, m.start() - 50) : m.start()]
        if _AGE_BEFORE.search(before) and not _EXPERIENCE_AFTER.match(after):
            continue  # "j'ai 34 ans", "I am 27 years old": an age
        role = _ROLE_AFTER.match(after) and not _AGE_BEFORE.search(before)
        if _first(after, cues) is None and _first(before, cues) is None and not role:
            continue  # "12 years as a 3D artist", "5 ans comme monteur": a role is experience too
        value = float(raw.replace(",", ".")) if raw[0].isdigit() else float(numbers[raw])
        if m.group(2) in ("mois", "month", "months"):
            value = round(value / 12, 2)
        before = text[max(0, m.start() - 15) : m.start()]
        if _first(before, words("more_than")) is not None or "+" in m.group(0):
            value += 0.5
        elif _first(before, words("less_than")) is not None:
            value = max(0.0, value - 0.5)
        return value
    return None


_AGE_BEFORE = re.compile(r"(?:\bj ai|\bi am|\bi m|\bage de|\bagee de|\baged)\s*$")
_ROLE_AFTER = re.compile(r"\s*(?:as an? |comme |en tant qu)")
_EXPERIENCE_AFTER = re.compile(r"\s*(?:d |de |of |en |dans |as |in |chez |at |comme )")
_TARGET = re.compile(
    r"\b(?:le|au|du|ce|votre|your|the|this|ton|vos|pour le|at) (?:\w+ ){0,2}?(?:master|masters)\b"
)
"""The programme a candidate applies to ("tenter le master", "the ENJMIN master", "le master jeux"), not
a diploma they hold ("j'ai un master", "I have a master's")."""


def _signal_words() -> tuple[str, ...]:
    """Every word that can start a fact: diploma names, origins, experience and French-level words
    (of the profile.yaml in use)."""
    return per_profile("signal_words", lambda _: _gather_signal_words())


def _gather_signal_words() -> tuple[str, ...]:
    vocab = data()["vocabulary"]
    out: list[str] = []
    for entry in vocab.get("diplomas", []):
        out += entry["words"] + list(entry.get("exact", []))
    for key in (
        "no_diploma",
        "foreign_origin",
        "french_origin",
        "repeated_year",
        "native",
        "experience_cues",
    ):
        out += words(key)
    out += ["francais", "french", "delf", "dalf", "tcf", "tef", "polytechnique", "bac", "rncp"]
    return tuple(out)


def facts(raw: str) -> dict[str, Any]:
    """Profile facts a candidate states in passing ("j'ai un BTS + 2 ans en studio", "I'm Brazilian,
    French B1"): only what the text says clearly; nothing is guessed."""
    text = _TARGET.sub(" ", normalize(raw))
    out: dict[str, Any] = {}
    if not any(ch.isdigit() for ch in text) and _first(text, _signal_words()) is None:
        return out  # most questions state nothing about the candidate: one search says so
    found = diploma(text, raw)
    if found is not None:
        out["diploma_level"] = found[0]
        if found[1] is not None:
            out["diploma_rncp"] = found[1]
    elif _first(text, words("no_diploma")) is not None:
        out["diploma_level"] = 0
    years_found = experience_years(text)
    if years_found is not None:
        out["professional_experience_years"] = years_found
    where = origin(text)
    if where:
        out["foreign_diploma"] = True
    if any(contains(text, w) for w in ("francais", "french", "delf", "dalf", "tcf", "tef")):
        level = french_level(text)
        if level is not None:
            out["french_level"] = level
    if contains(text, "polytechnique"):
        out["polytechnique_4a"] = True
    if _first(text, words("repeated_year")) is not None:
        out["repeated_year"] = True
    return out
