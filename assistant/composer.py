"""Rendering answers from templates and facts: the only place that turns knowledge into sentences.

Templates cite facts by id (see `assistant.kb.templates`); dates are rendered relative to "now" so a
past deadline is never presented as upcoming.
"""

from __future__ import annotations

from datetime import datetime

from assistant import timefmt
from assistant.kb.loader import KnowledgeBase, ProgrammeData, event_end
from assistant.kb.models import Intent
from assistant.kb.templates import PLACEHOLDER
from assistant.reply import Button, Link, Reply, colon

MAX_BUTTON_LABEL = 60


class Composer:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def msg(self, key: str, lang: str) -> str:
        return self.kb.message(key, lang)

    # ------------------------------------------------------------------ facts → text
    def render(
        self,
        template: str,
        pdata: ProgrammeData | None,
        lang: str,
        now: datetime,
        programme_filter: str | None = None,
    ) -> str:
        def repl(match) -> str:  # type: ignore[no-untyped-def]
            kind, arg = match.group(1), match.group(2)
            return self._fact(kind, arg, pdata, lang, now, programme_filter)

        return PLACEHOLDER.sub(repl, template)

    def _fact(
        self,
        kind: str,
        arg: str | None,
        p: ProgrammeData | None,
        lang: str,
        now: datetime,
        programme_filter: str | None,
    ) -> str:
        if kind == "programmes":
            return ", ".join(f"{d.programme.name.get(lang)}" for d in self._programmes(programme_filter))
        if kind == "contacts":
            return self.contacts_text(self._programmes(programme_filter), lang)
        if kind == "message":
            text = self.msg(arg or "", lang)
            return text.replace("{programme}", p.programme.short_name if p else "")
        assert p is not None, "checked by kb check"
        if kind in ("event", "date"):
            ev = p.events[arg or ""]
            text = timefmt.describe(ev, lang, now, self.msg)
            return f"{ev.title.get(lang)}{colon(lang)}{text}" if kind == "event" else text
        if kind == "contact":
            return p.contacts[arg or ""].email
        if kind == "link":
            return self.link_text(p, arg or "", lang)
        if kind == "doc":
            return self._doc_line(p.documents[arg or ""], lang)
        if kind == "req":
            requirement = p.requirements[arg or ""]
            return f"{requirement.title.get(lang)} — {requirement.detail.get(lang)}"
        if kind == "docs":
            docs = [d for d in p.file.documents if d.required == (arg == "required")]
            return "; ".join(self._doc_line(d, lang) for d in docs)
        if kind == "policy":
            return p.policies[arg or ""].text.get(lang)
        if kind == "rule":
            return p.rules[arg or ""].text.get(lang)
        if kind == "calendar":
            return self.calendar(p, lang, now)
        if kind == "steps":
            return self.steps(p, lang)
        if kind == "tracks":
            return "; ".join(t.title.get(lang) for t in p.file.tracks)
        if kind == "programme":
            return p.programme.name.get(lang)
        if kind == "session":
            return p.programme.session
        raise ValueError(f"unknown placeholder kind {kind!r} (the checker should have caught it)")

    def _programmes(self, only: str | None) -> list[ProgrammeData]:
        if only and only in self.kb.programmes:
            return [self.kb.programmes[only]]
        return list(self.kb.programmes.values())

    def _doc_line(self, doc, lang: str) -> str:  # type: ignore[no-untyped-def]
        text = doc.title.get(lang)
        if doc.condition is not None:
            text += f" ({doc.condition.get(lang).rstrip('.')})"
        return text

    def link_text(self, p: ProgrammeData, link_id: str, lang: str) -> str:
        link = p.links[link_id]
        if link.url:
            return f"{link.title.get(lang)} ({link.url})"
        return f"{link.title.get(lang)} ({self.msg('unknown_link', lang)})"

    def contacts_text(self, programmes: list[ProgrammeData], lang: str) -> str:
        lines = []
        for d in programmes:
            contacts = ", ".join(f"{c.email} ({c.label.get(lang)})" for c in d.programme.contacts)
            lines.append(f"- {d.programme.short_name}{colon(lang)}{contacts or self.msg('no_contact', lang)}")
        return "\n" + "\n".join(lines)

    def calendar(self, p: ProgrammeData, lang: str, now: datetime) -> str:
        events = p.sorted_events()
        if not events:
            return self.msg("no_dates", lang).replace("{programme}", p.programme.short_name)
        return "\n" + "\n".join(self._event_line(ev, lang, now) for ev in events)

    def _event_line(self, ev, lang: str, now: datetime) -> str:  # type: ignore[no-untyped-def]
        """`- 23 janvier 2026, 12h — Limite de dépôt… (dans 13 jours)`: calendars and /deadlines."""
        return (
            f"- {timefmt.short(ev, lang)} — {ev.title.get(lang)} ({timefmt.status(ev, lang, now, self.msg)})"
        )

    def steps(self, p: ProgrammeData, lang: str) -> str:
        """The general procedure: unconditional steps of every path, or of the file's `general_path`."""
        lines = []
        for step in sorted(p.file.steps, key=lambda s: s.order):
            if step.when is not None:
                continue  # conditional steps belong to personalised checklists
            if step.paths is not None and p.file.general_path not in step.paths:
                continue  # a special path's step (e.g. a dedicated file): its own answer covers it
            line = f"{len(lines) + 1}. {step.title.get(lang)}"
            if step.event:
                ev = p.events[step.event]
                line += f" — {timefmt.short(ev, lang)}"
            lines.append(line)
        return "\n" + "\n".join(lines)

    # ------------------------------------------------------------------ replies
    def source_link(self, p: ProgrammeData | None, intent: Intent | None, lang: str) -> Link | None:
        if p is None:
            return None
        link_id = (intent.source if intent and intent.source else None) or p.programme.source
        link = p.links.get(link_id) or p.links.get(p.programme.source)
        if link is None:
            return None
        return Link(label=link.title.get(lang), url=link.url or "")

    def suggestion_buttons(self, intent: Intent, lang: str) -> list[Button]:
        out = []
        for fid in intent.follow_ups:
            target = self.kb.intents.get(fid)
            if target is None:
                continue
            out.append(Button(label=self.intent_label(target, lang), action=f"intent:{fid}"))
        return out

    def intent_label(self, intent: Intent, lang: str) -> str:
        examples = intent.examples.en if lang == "en" else intent.examples.fr
        label = examples[0] if examples else intent.id
        label = label[0].upper() + label[1:] if label else label
        return label if len(label) <= MAX_BUTTON_LABEL else label[: MAX_BUTTON_LABEL - 1] + "…"

    def answer(
        self, intent: Intent, lang: str, now: datetime, confidence: float, programme_filter: str | None = None
    ) -> Reply:
        p = self.kb.programmes.get(intent.scope)
        text = self.render(intent.answer.get(lang), p, lang, now, programme_filter)
        blocks = [text]
        if p is not None and self._uses_dates(intent) and p.session_over(now):
            notice = self.msg("session_over", lang)
            contact = next((c.email for c in p.programme.contacts if c.purpose == "recruitment"), None)
            notice = notice.replace("{session}", p.programme.session).replace(
                "{contact}", contact or self.link_text(p, p.programme.source, lang)
            )
            blocks.insert(0, notice)
        links = []
        if p is not None:
            for lid in intent.links:
                lk = p.links[lid]
                if lk.url:
                    links.append(Link(label=lk.title.get(lang), url=lk.url))
        elif intent.kind in ("help", "human"):
            # a general answer about the programmes points to each programme's official page
            for d in self._programmes(programme_filter):
                source = self.source_link(d, None, lang)
                if source is not None and source.url:
                    links.append(source)
        decision = "decline" if intent.kind == "decline" else "answer"
        if decision == "decline":
            return self.decline(lang, p, confidence, lead=text)
        return Reply(
            decision=decision,
            language=lang,
            title=p.programme.name.get(lang) if p is not None else None,
            intent=intent.id,
            programme=p.id if p else None,
            confidence=round(confidence, 3),
            blocks=blocks,
            links=links,
            suggestions=self.suggestion_buttons(intent, lang),
            source=self.source_link(p, intent, lang),
        )

    def _uses_dates(self, intent: Intent) -> bool:
        return any(
            k in ("event", "date", "calendar")
            for k in (m.group(1) for m in PLACEHOLDER.finditer(intent.answer.fr + intent.answer.en))
        )

    def decline(
        self,
        lang: str,
        p: ProgrammeData | None,
        confidence: float,
        lead: str | None = None,
    ) -> Reply:
        scope = [p] if p is not None else list(self.kb.programmes.values())
        programmes = ", ".join(d.programme.name.get(lang) for d in scope)
        blocks = [lead] if lead else []
        blocks.append(self.msg("decline", lang).replace("{programmes}", programmes))
        blocks.append(self.msg("decline_contact", lang) + self.contacts_text(scope, lang))
        return Reply(
            decision="decline",
            language=lang,
            intent=None,
            programme=p.id if p else None,
            confidence=round(confidence, 3),
            blocks=blocks,
            source=self.source_link(p, None, lang),
            suggestions=self._help_buttons(lang),
        )

    def empty(self, lang: str) -> Reply:
        """Nothing to read in the message (blank, emoji only, an unknown button): invite a question."""
        return Reply(
            decision="clarify",
            language=lang,
            blocks=[self.msg("empty", lang)],
            suggestions=self._help_buttons(lang),
        )

    @property
    def help_intent(self) -> Intent | None:
        """The knowledge base's "what can you do" intent, offered when a message cannot be answered."""
        return next((i for i in self.kb.intents.values() if i.kind == "help"), None)

    def _help_buttons(self, lang: str) -> list[Button]:
        intent = self.help_intent
        return [Button(label=self.intent_label(intent, lang), action=f"intent:{intent.id}")] if intent else []

    def clarify_programme(self, lang: str, confidence: float, topic_intents: dict[str, Intent]) -> Reply:
        names = [self.kb.programmes[pid].programme.name.get(lang) for pid in topic_intents]
        joiner = " ou " if lang == "fr" else " or "
        text = self.msg("clarify_programme", lang).replace("{choices}", joiner.join(names))
        buttons = [
            Button(label=self.kb.programmes[pid].programme.short_name, action=f"programme:{pid}")
            for pid in topic_intents
        ]
        return Reply(
            decision="clarify", language=lang, confidence=round(confidence, 3), blocks=[text], buttons=buttons
        )

    def clarify_intent(
        self, lang: str, confidence: float, intents: list[Intent], programme: str | None
    ) -> Reply:
        buttons = [Button(label=self.intent_label(i, lang), action=f"intent:{i.id}") for i in intents]
        return Reply(
            decision="clarify",
            language=lang,
            confidence=round(confidence, 3),
            programme=programme,
            blocks=[self.msg("clarify_intent", lang)],
            buttons=buttons,
        )

    def deadlines(self, programmes: list[ProgrammeData], lang: str, now: datetime) -> Reply:
        blocks = []
        for p in programmes:
            upcoming = [ev for ev in p.sorted_events() if event_end(ev) >= now]
            if not upcoming:
                blocks.append(self.msg("no_upcoming", lang).replace("{programme}", p.programme.short_name))
                continue
            lines = [self._event_line(ev, lang, now) for ev in upcoming]
            blocks.append(f"{p.programme.short_name}\n" + "\n".join(lines))
        single = programmes[0] if len(programmes) == 1 else None
        return Reply(
            decision="answer",
            language=lang,
            intent=None,
            programme=single.id if single else None,
            confidence=1.0,
            title=self.msg("deadlines_title", lang),
            blocks=blocks,
            source=self.source_link(single, None, lang),
        )
