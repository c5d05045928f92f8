"""The candidate profile: what a candidate says about themself, read from YAML/JSON or a dialogue.

Every field but `programme` is optional: an absent field is unknown, never guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from assistant.boundedjson import JsonError, loads
from assistant.files import FileReadError, clip, read_bounded
from assistant.kb.loader import KnowledgeBase
from assistant.limits import PROFILE

FrenchLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"]
TrainingMode = Literal["initiale", "continue", "apprentissage"]


class Profile(BaseModel):
    """Pass `context={"programmes": [...]}` to `model_validate` to check `programme` against a KB."""

    model_config = ConfigDict(extra="forbid")

    programme: str
    diploma_level: int | None = Field(default=None, ge=0, le=8)
    """Years of higher education after the bac."""
    diploma_rncp: bool | None = None
    foreign_diploma: bool | None = None
    french_level: FrenchLevel | None = None
    professional_experience_years: float | None = Field(default=None, ge=0, le=80)
    repeated_year: bool | None = None
    polytechnique_4a: bool | None = None
    training_mode: TrainingMode | None = None
    language: Literal["fr", "en"] | None = None

    @field_validator("programme")
    @classmethod
    def _known_programme(cls, value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("programmes")
        if known is not None and value not in known:
            raise ValueError(f"unknown programme `{value}` (expected one of: {', '.join(sorted(known))})")
        return value

    @field_validator("french_level", mode="before")
    @classmethod
    def _level_case(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return "native" if value.lower() == "native" else value.upper()
        return value

    @property
    def lang(self) -> str:
        return self.language or "fr"


PROFILE_FIELDS: tuple[str, ...] = tuple(n for n in Profile.model_fields if n != "programme")


class ProfileError(Exception):
    """A profile file that cannot be used: says which file, which field and what is wrong."""

    def __init__(self, file: str, problems: list[tuple[str, str]]) -> None:
        self.file = file
        self.problems = problems
        lines = [f"{file}: {where}: {what}" if where else f"{file}: {what}" for where, what in problems]
        super().__init__("\n".join(lines))


def parse_profile(data: Any, kb: KnowledgeBase | None = None, source: str = "profile") -> Profile:
    """Validate a mapping into a Profile, turning pydantic errors into a readable ProfileError."""
    if not isinstance(data, dict):
        raise ProfileError(
            source, [("", "the profile must be a mapping of fields (e.g. `programme: enjmin`)")]
        )
    context = {"programmes": list(kb.programmes)} if kb is not None else None
    try:
        return Profile.model_validate(data, context=context)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(k) for k in err["loc"]) or "profile"
            if err["type"] == "extra_forbidden":
                what = f"unknown field (expected: programme, {', '.join(PROFILE_FIELDS)})"
            elif err["type"] == "missing":
                what = "is required"
            else:
                what = err["msg"].removeprefix("Value error, ")
                if "input" in err and err["type"] != "value_error":
                    what += f" (got {_shown(err['input'])})"
            problems.append((f"field `{where}`", what))
        raise ProfileError(source, problems) from None


def _shown(value: Any) -> str:
    """A wrong value as an error message shows it: short, and never the whole of a list or mapping
    (whose text could be as large as the file, or nested too deep to print)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return clip(repr(value), 60)


def load_profile(path: str | Path, kb: KnowledgeBase | None = None) -> Profile:
    """Read a YAML or JSON profile file (JSON is read as JSON when the suffix says so), within the
    budgets of `assistant.limits.PROFILE`: size, values, nesting depth, aliases."""
    from assistant.yamlfile import YamlError, parse  # PyYAML: only when a profile file is read

    file = Path(path)
    try:
        raw = read_bounded(file, PROFILE.max_bytes, str(path))
    except FileReadError as exc:
        raise ProfileError(str(path), [("", f"{exc.message} ({exc.hint})")]) from None
    try:
        data = _json(raw) if file.suffix.lower() == ".json" else parse(raw, str(path), PROFILE)
    except YamlError as exc:
        raise ProfileError(str(path), [(f"line {exc.line}", f"{exc.message} ({exc.hint})")]) from None
    except JsonError as exc:
        raise ProfileError(str(path), [(f"line {exc.line}", exc.message)]) from None
    return parse_profile(data, kb, str(path))


def _json(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise JsonError("the file is not UTF-8 text: save it as UTF-8", line) from None
    return loads(text, PROFILE.max_depth)
