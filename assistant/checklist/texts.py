"""Access to `answers.yaml`: field labels, question texts, vocabulary and the fixed checklist phrases.

Kept as data so recruitment staff can reword questions or add a diploma name without touching code.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from assistant.limits import SETTINGS
from assistant.text.normalize import strip_accents
from assistant.yamlfile import load

DATA_FILE = Path(__file__).with_name("answers.yaml")


@cache
def data() -> dict[str, Any]:
    return load(DATA_FILE, SETTINGS)


def _pick(entry: dict[str, str] | None, lang: str, default: str) -> str:
    if not entry:
        return default
    return entry.get("en" if lang == "en" else "fr") or default


def msg(key: str, lang: str, **values: Any) -> str:
    """A fixed phrase in `lang`, with `{name}` slots filled."""
    text = _pick(data()["messages"].get(key), lang, key)
    return text.format(**values) if values else text


def field_label(name: str, lang: str) -> str:
    return _pick(data()["fields"].get(name, {}).get("label"), lang, name)


def question(name: str, lang: str) -> str:
    return _pick(data()["fields"].get(name, {}).get("question"), lang, field_label(name, lang) + " ?")


def choices(name: str) -> list[dict[str, str]]:
    return list(data()["fields"].get(name, {}).get("choices") or [])


def value_text(name: str, value: Any, lang: str) -> str:
    """How a profile value reads in a sentence ("oui", "bac + 3", "formation initiale")."""
    values = data()["values"]
    if isinstance(value, bool):
        return _pick(values["yes" if value else "no"], lang, str(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value in values:
        return _pick(values[value], lang, value)
    template = data()["fields"].get(name, {}).get("value")
    return _pick(template, lang, "{value}").format(value=value)


def normalize(text: str) -> str:
    """Lower-case, accents and punctuation removed (apostrophes become spaces), `+` kept."""
    text = _APOSTROPHES.sub(" ", strip_accents(text.lower()))
    text = _OTHER.sub(" ", text)
    text = _LONE_POINT.sub(" ", text)
    return " ".join(text.split())


_APOSTROPHES = re.compile(r"[’'`´]")
_OTHER = re.compile(r"[^a-z0-9+.,\s-]")
_LONE_POINT = re.compile(r"(?<![0-9])[.,]|[.,](?![0-9])")


def contains(text: str, phrase: str) -> bool:
    """Whole-word phrase match on normalised text."""
    pattern = _phrase_pattern(phrase)
    return pattern is not None and pattern.search(text) is not None


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    p = normalize(phrase)
    return re.compile(rf"(?<![a-z0-9]){re.escape(p)}(?![a-z0-9])") if p else None


@cache
def words(key: str) -> tuple[str, ...]:
    return tuple(data()["vocabulary"].get(key) or ())


def value_label(value: str, lang: str) -> str:
    """A button label for a canonical value ("yes" -> "Oui")."""
    text = _pick(data()["values"].get(value), lang, value)
    return text[:1].upper() + text[1:]
