"""A guided questionnaire that builds a profile turn by turn, for any adapter (CLI, Telegram, Discord).

The state is a small JSON-serialisable dict the adapter stores between messages. Only the questions
the programme lists (`profile_questions`) are asked, and only while their answer can still change the
checklist: the knowledge base's own rules decide what is relevant, not this module.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from assistant.checklist.build import build_checklist
from assistant.checklist.model import Checklist
from assistant.checklist.parse import Parsed, read, read_button
from assistant.checklist.profile import Profile
from assistant.checklist.texts import (
    choices,
    contains,
    field_type,
    msg,
    normalize,
    question,
    value_label,
    words,
)
from assistant.kb.loader import KnowledgeBase
from assistant.reply import Button

PREFIX = "qa:"
PROGRAMME = "programme"
VERSION = 1


class Step(BaseModel):
    """One turn: what to show, which buttons to offer, and the state to hand back with the answer."""

    state: dict[str, Any]
    prompt: str
    choices: list[Button] = Field(default_factory=list)
    done: bool = False
    checklist: Checklist | None = None
    error: str | None = None
    field: str | None = None
    """The profile field asked (`programme` for the programme choice), None when done."""


class Questionnaire:
    def __init__(self, kb: KnowledgeBase, today: date | None = None) -> None:
        self.kb = kb
        self.today = today

    # -- public API -------------------------------------------------------------------------------

    def start(self, language: str, programme: str | None = None, today: date | None = None) -> Step:
        """First question; `programme` fixed (a dedicated channel) or asked when None."""
        lang = "en" if language == "en" else "fr"
        if programme is not None and programme not in self.kb.programmes:
            raise ValueError(f"unknown programme `{programme}`")
        if programme is None and len(self.kb.programmes) == 1:
            programme = next(iter(self.kb.programmes))
        state = {
            "v": VERSION,
            "lang": lang,
            "programme": programme,
            "fixed": programme is not None,
            "answers": {},
            "history": [],
        }
        return self._next(state, today)

    def answer(self, state: dict[str, Any], text: str, today: date | None = None) -> Step:
        """Apply a free-text answer or a `qa:` button action and return the next step."""
        state = self._checked(state)
        if state is None:
            return self.start("fr", None, today)
        raw = (text or "").strip()
        action = raw[len(PREFIX) :] if raw.startswith(PREFIX) else None
        norm = normalize(raw)
        if action == "restart" or (action is None and any(norm == normalize(w) for w in words("restart"))):
            fixed = state["programme"] if state["fixed"] else None
            return self.start(state["lang"], fixed, today)
        if action == "back" or (action is None and any(norm == normalize(w) for w in words("back"))):
            return self._back(state, today)
        asking = self._asking(state)
        if asking is None:  # already done: show the checklist again
            return self._next(state, today)
        parsed = self._read(asking, action, raw)
        if parsed is None:
            return self._next(state, today, error=msg("not_understood", state["lang"]))
        if asking == PROGRAMME:
            state["programme"] = parsed.value
            state["history"].append([PROGRAMME, []])
            return self._next(state, today)
        return self._record(state, asking, parsed, today)

    def profile(self, state: dict[str, Any]) -> Profile | None:
        """The profile the answers so far describe (None before a programme is chosen)."""
        if not state.get("programme"):
            return None
        values = {k: v for k, v in state["answers"].items() if v is not None}
        return Profile(programme=state["programme"], language=state["lang"], **values)

    # -- internals --------------------------------------------------------------------------------

    def _checked(self, state: Any) -> dict[str, Any] | None:
        """A copy of a state this version understands, or None (then the dialogue restarts)."""
        if not isinstance(state, dict) or state.get("v") != VERSION:
            return None
        prog = state.get("programme")
        if prog is not None and prog not in self.kb.programmes:
            return None
        return {
            "v": VERSION,
            "lang": state.get("lang", "fr"),
            "programme": prog,
            "fixed": bool(state.get("fixed")),
            "answers": dict(state.get("answers") or {}),
            "history": [list(h) for h in state.get("history") or []],
        }

    def _asking(self, state: dict[str, Any]) -> str | None:
        if not state["programme"]:
            return PROGRAMME
        profile = self.profile(state)
        assert profile is not None
        checklist = build_checklist(self.kb, profile, self._today(None))
        missing = {m.field for m in checklist.missing_profile_fields}
        for name in self.kb.programmes[state["programme"]].file.profile_questions:
            if name in Profile.model_fields and name not in state["answers"] and name in missing:
                return name
        return None

    def _read(self, asking: str, action: str | None, raw: str) -> Parsed | None:
        if asking == PROGRAMME:
            return self._programme(action, raw)
        parsed = read_button(asking, action) if action is not None else read(asking, raw)
        if parsed is None:
            return None
        try:
            Profile.model_validate({"programme": "x", asking: parsed.value})
        except ValidationError:
            return None
        return parsed

    def _programme(self, action: str | None, raw: str) -> Parsed | None:
        if action is not None:
            return Parsed(action) if action in self.kb.programmes else None
        text = normalize(raw)
        hits = [
            pid
            for pid, p in self.kb.programmes.items()
            if any(contains(text, alias) for alias in [pid, p.programme.short_name, *p.programme.aliases])
        ]
        return Parsed(hits[0]) if len(hits) == 1 else None

    def _record(self, state: dict[str, Any], name: str, parsed: Parsed, today: date | None) -> Step:
        """Store the answer, plus other facts the same sentence gave for questions not yet answered."""
        answers = state["answers"]
        answers[name] = parsed.value
        changed = [name]
        asked = set(self.kb.programmes[state["programme"]].file.profile_questions)
        for other, value in parsed.extra.items():
            if other in asked and other not in answers:
                try:
                    Profile.model_validate({"programme": "x", other: value})
                except ValidationError:
                    continue
                answers[other] = value
                changed.append(other)
        state["history"].append([name, changed])
        return self._next(state, today)

    def _back(self, state: dict[str, Any], today: date | None) -> Step:
        if state["history"]:
            name, changed = state["history"].pop()
            if name == PROGRAMME:
                state["programme"] = None
                state["answers"] = {}
            for other in changed:
                state["answers"].pop(other, None)
        return self._next(state, today)

    def _today(self, today: date | None) -> date:
        return today or self.today or date.today()

    def _next(self, state: dict[str, Any], today: date | None, error: str | None = None) -> Step:
        lang = state["lang"]
        asking = self._asking(state)
        controls = self._controls(state)
        if asking is None:
            profile = self.profile(state)
            assert profile is not None
            checklist = build_checklist(self.kb, profile, self._today(today))
            return Step(
                state=state, prompt=msg("done", lang), choices=controls, done=True, checklist=checklist
            )
        if asking == PROGRAMME:
            buttons = [
                Button(label=p.programme.short_name, action=f"{PREFIX}{pid}")
                for pid, p in self.kb.programmes.items()
            ]
        else:
            buttons = self._choices(asking, lang)
        return Step(
            state=state, prompt=question(asking, lang), choices=buttons + controls, error=error, field=asking
        )

    def _choices(self, name: str, lang: str) -> list[Button]:
        listed = choices(name)
        if not listed and field_type(name) == "bool":
            listed = [{"value": v, lang: value_label(v, lang)} for v in ("yes", "no")]
        buttons = [Button(label=c.get(lang) or c["value"], action=f"{PREFIX}{c['value']}") for c in listed]
        buttons.append(Button(label=value_label("unknown", lang), action=f"{PREFIX}unknown"))
        return buttons

    def _controls(self, state: dict[str, Any]) -> list[Button]:
        lang = state["lang"]
        out = []
        if state["history"]:
            out.append(Button(label=msg("back", lang), action=f"{PREFIX}back"))
        out.append(Button(label=msg("restart", lang), action=f"{PREFIX}restart"))
        return out
