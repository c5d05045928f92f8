"""The checklist's words, read from the knowledge folder: its fixed phrases from the text catalogue
(`texts.yaml`, keys `checklist_<name>`), field labels, questions, choices and the reading vocabulary
from `profile.yaml`.

Kept as data so recruitment staff can reword a question or add a diploma name without touching code;
the functions below only look things up in the knowledge base in use (`assistant.kb.catalogue`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from assistant.kb import catalogue
from assistant.kb.models import ProfileFile
from assistant.text.normalize import strip_accents

T = TypeVar("T")

PREFIX = "checklist_"
"""Catalogue keys of the checklist's phrases: `msg("heading", …)` reads `checklist_heading`."""


def profile() -> ProfileFile:
    kb = catalogue.active()
    if kb.profile is None:  # a loaded knowledge base always has one (kb check requires profile.yaml)
        raise RuntimeError(f"{kb.root}: profile.yaml is missing")
    return kb.profile


def data() -> dict[str, Any]:
    """profile.yaml as plain data (`fields`, `values`, `vocabulary`), for the free-text reader."""
    return per_profile("data", lambda model: model.model_dump())


_cache: dict[int, tuple[ProfileFile, dict[str, Any]]] = {}


def per_profile(name: str, build: Callable[[ProfileFile], T]) -> T:
    """`build(profile)` for the profile.yaml in use, computed once per knowledge base (the reader's
    derived word lists and patterns), so a reload or another `--kb` is never read from a stale copy."""
    model = profile()
    hit = _cache.get(id(model))
    if hit is None or hit[0] is not model:
        if len(_cache) > 8:  # a few knowledge bases per process at most (tests load copies)
            _cache.clear()
        hit = (model, {})
        _cache[id(model)] = hit
    values = hit[1]
    if name not in values:
        values[name] = build(model)
    return values[name]


def msg(key: str, lang: str, **values: Any) -> str:
    """A checklist phrase in `lang`, with its `{name}` slots filled (`checklist_<key>` in texts.yaml)."""
    return catalogue.t(PREFIX + key, "en" if lang == "en" else "fr", **values)


def field_label(name: str, lang: str) -> str:
    declared = profile().fields.get(name)
    return declared.label.get(lang) if declared is not None else name


def question(name: str, lang: str) -> str:
    declared = profile().fields.get(name)
    if declared is not None and declared.question is not None:
        return declared.question.get(lang)
    return field_label(name, lang) + " ?"


def field_type(name: str) -> str | None:
    """The declared type of a profile field (`bool`, `level`, `number`, `choice`...), None if unknown."""
    declared = profile().fields.get(name)
    return declared.type if declared is not None else None


def choices(name: str) -> list[dict[str, str]]:
    declared = profile().fields.get(name)
    return [c.model_dump() for c in declared.choices] if declared is not None else []


def value_text(name: str, value: Any, lang: str) -> str:
    """How a profile value reads in a sentence ("oui", "bac + 3", "formation initiale")."""
    data_ = profile()
    if isinstance(value, bool):
        return data_.values["yes" if value else "no"].get(lang)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value in data_.values:
        return data_.values[value].get(lang)
    declared = data_.fields.get(name)
    template = declared.value.get(lang) if declared is not None and declared.value is not None else "{value}"
    return template.replace("{value}", str(value))


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


def words(key: str) -> tuple[str, ...]:
    """A vocabulary list of profile.yaml, as a tuple: the parser caches its compiled pattern by it."""
    return tuple(data()["vocabulary"].get(key) or ())


def value_label(value: str, lang: str) -> str:
    """A button label for a canonical value ("yes" -> "Oui")."""
    wording = profile().values.get(value)
    text = wording.get(lang) if wording is not None else value
    return text[:1].upper() + text[1:]
