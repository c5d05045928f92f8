"""Rendering answers from templates and facts: the only place that turns knowledge into sentences.

Templates cite facts by id (see `assistant.kb.templates`); dates are rendered relative to "now" so a
past deadline is never presented as upcoming. Every fixed wording comes from the knowledge base's
text catalogue (`texts.yaml`).
"""

from __future__ import annotations

import re
from datetime import datetime

from assistant import timefmt
from assistant.kb.loader import KnowledgeBase, ProgrammeData, event_end
from assistant.kb.models import Answer, Document, Topic
from assistant.kb.templates import DATED_KINDS, PLACEHOLDER
from assistant.reply import Button, Link, Reply, colon

MAX_BUTTON_LABEL = 60
MAX_COMPACT_CHARS = 1500
"""An answer for several programmes at once stays within this; longer, the assistant asks which one."""
MAX_COMPACT_PROGRAMMES = 3
MAX_CHOICE_BUTTONS = 8
MAX_LISTED = 5
"""Programmes named, or contacts listed, in one reply; beyond, the reply says how many and where to look."""
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
"""A list placeholder after "… :" leaves "… : \n- item": the space before the line break goes."""


class Composer:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def t(self, key: str, lang: str, **values: object) -> str:
        return self.kb.t(key, lang, **values)

    # ------------------------------------------------------------------ facts → text
    def render(self, template: str, pdata: ProgrammeData | None, lang: str, now: datetime) -> str:
        def repl(match) -> str:  # type: ignore[no-untyped-def]
            return self._fact(match.group(1), match.group(2), pdata, lang, now)

        return _TRAILING_SPACE.sub("\n", PLACEHOLDER.sub(repl, template))

    def when(self, p: ProgrammeData, event_id: str, lang: str, now: datetime) -> str:
        """An event's date with its status, or that the current session has not published it."""
        event = p.event_at(event_id, now)  # the current session's: None when it has not published it
        if event is None:
            return self.t("not_published", lang, session=p.session_label(now))
        if p.session_over(now):  # a date of a finished session: the day, and that it is past
            return f"{timefmt.short(event, lang)} ({timefmt.status(event, lang, now, self.kb.t)})"
        return timefmt.describe(event, lang, now, self.kb.t)

    def _fact(self, kind: str, arg: str | None, p: ProgrammeData | None, lang: str, now: datetime) -> str:
        if kind == "programmes":
            return self.programme_names(list(self.kb.programmes.values()), lang)
        if kind == "contacts":
            return self.contacts_text(list(self.kb.programmes.values()), lang)
        if kind == "message":
            return self.t(arg or "", lang, programme=p.programme.short_name if p else "")
        assert p is not None, "checked by kb check"
        if kind in ("event", "date"):
            text = self.when(p, arg or "", lang, now)
            title = p.events[arg or ""].title.get(lang)  # the title of the latest session that has it
            return f"{title}{colon(lang)}{text}" if kind == "event" else text
        if kind == "applies":
            applies = p.events[arg or ""].applies_to
            return applies.get(lang) if applies else self.t("everyone", lang)
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
            docs = [d for d in self.general_documents(p) if d.required == (arg == "required")]
            return "\n".join(f"- {self._doc_line(d, lang)}{self._due(p, d.event, lang, now)}" for d in docs)
        if kind == "policy":
            return p.policies[arg or ""].text.get(lang)
        if kind == "rule":
            return p.rules[arg or ""].text.get(lang)
        if kind == "calendar":
            return self.calendar(p, lang, now)
        if kind == "steps":
            return self.steps(p, lang, now)
        if kind == "count":
            return str(len(getattr(p.file, arg or "")))
        if kind == "tracks":
            return "\n" + "\n".join(f"- {t.title.get(lang)}" for t in p.file.tracks)
        if kind == "programme":
            return p.programme.name.get(lang)
        if kind == "session":
            return p.session_label(now)
        if kind == "preparation":
            preparation = p.file.preparation
            return self.render(preparation.get(lang), p, lang, now) if preparation else ""
        raise ValueError(f"unknown placeholder kind {kind!r} (the checker should have caught it)")

    def _doc_line(self, doc, lang: str) -> str:  # type: ignore[no-untyped-def]
        text = doc.title.get(lang)
        if doc.condition is not None:
            text += f" ({doc.condition.get(lang).rstrip('.')})"
        return text

    def _due(self, p: ProgrammeData, event_id: str | None, lang: str, now: datetime) -> str:
        if not event_id:
            return ""
        return " — " + self.t("due_by", lang, date=self.when(p, event_id, lang, now))

    @staticmethod
    def general_documents(p: ProgrammeData) -> list[Document]:
        """The documents of the general procedure: every path's, or the file's `general_path`'s (a special
        path's own file, with its own date, is in that path's answer, never under the general deadline)."""
        return [d for d in p.file.documents if d.paths is None or p.file.general_path in d.paths]

    def link_text(self, p: ProgrammeData, link_id: str, lang: str) -> str:
        link = p.links[link_id]
        if link.url and link.url_incomplete:
            return f"{link.title.get(lang)} ({link.url} — {self.t('url_incomplete', lang)})"
        if link.url:
            return f"{link.title.get(lang)} ({link.url})"
        return f"{link.title.get(lang)} ({self.t('unknown_link', lang)})"

    def programme_names(self, programmes: list[ProgrammeData], lang: str) -> str:
        """The programmes' names; past MAX_LISTED of them, the first ones and how many in all."""
        names = ", ".join(d.programme.name.get(lang) for d in programmes[:MAX_LISTED])
        if len(programmes) > MAX_LISTED:
            names += " " + self.t("and_more", lang, n=len(programmes))
        return names

    def contacts_text(self, programmes: list[ProgrammeData], lang: str) -> str:
        if len(programmes) > MAX_LISTED:  # a reply stays readable (and within a message's size)
            return " " + self.t("contacts_on_pages", lang)
        lines = []
        for d in programmes:
            contacts = ", ".join(f"{c.email} ({c.label.get(lang)})" for c in d.programme.contacts)
            lines.append(f"- {d.programme.short_name}{colon(lang)}{contacts or self.t('no_contact', lang)}")
        return "\n" + "\n".join(lines)

    def contact_of(self, p: ProgrammeData, lang: str) -> str:
        """Where a candidate asks what the knowledge base does not say: the recruitment e-mail, or the page."""
        email = next((c.email for c in p.programme.contacts if c.purpose == "recruitment"), None)
        return email or self.link_text(p, p.programme.source, lang)

    def calendar(self, p: ProgrammeData, lang: str, now: datetime) -> str:
        events = p.session_events(now)
        if not events:
            return self.t("no_dates", lang, programme=p.programme.short_name)
        over = p.session_over(now)  # the answer opens by saying every date has passed: no status each
        return "\n" + "\n".join(self._event_line(ev, lang, now, status=not over) for ev in events)

    def _event_line(self, ev, lang: str, now: datetime, status: bool = True) -> str:  # type: ignore[no-untyped-def]
        """`- 23 janvier 2026, 12h — Limite de dépôt… (dans 13 jours)`: calendars and /deadlines."""
        line = f"- {timefmt.short(ev, lang)} — {ev.title.get(lang)}"
        return f"{line} ({timefmt.status(ev, lang, now, self.kb.t)})" if status else line

    def steps(self, p: ProgrammeData, lang: str, now: datetime) -> str:
        """The general procedure: unconditional steps of every path, or of the file's `general_path`."""
        lines = []
        for step in sorted(p.file.steps, key=lambda s: s.order):
            if step.when is not None:
                continue  # conditional steps belong to personalised checklists
            if step.paths is not None and p.file.general_path not in step.paths:
                continue  # a special path's step (e.g. a dedicated file): its own answer covers it
            line = f"{len(lines) + 1}. {step.title.get(lang)}"
            over = p.session_over(now)  # the next session's dates are not known: the steps, undated
            event = p.event_at(step.event, now) if step.event and not over else None
            if event is not None:
                line += f" — {timefmt.short(event, lang)}"
            lines.append(line)
        return "\n" + "\n".join(lines)

    # ------------------------------------------------------------------ pieces of replies
    def source_link(self, p: ProgrammeData | None, answer: Answer | None, lang: str) -> Link | None:
        if p is None:
            return None
        link_id = (answer.source if answer and answer.source else None) or p.programme.source
        link = p.links.get(link_id) or p.links.get(p.programme.source)
        if link is None:
            return None
        if link.url and link.url_incomplete:  # never a clickable source that may lead nowhere
            return Link(label=self.link_text(p, link.id, lang), url="")
        return Link(label=link.title.get(lang), url=link.url or "")

    def topic_label(self, topic_id: str, lang: str) -> str:
        topic = self.kb.topics.get(topic_id)
        label = topic.label.get(lang) if topic else topic_id
        return label if len(label) <= MAX_BUTTON_LABEL else label[: MAX_BUTTON_LABEL - 1] + "…"

    def topic_buttons(self, topics: list[str], lang: str, programme: str | None = None) -> list[Button]:
        suffix = f"@{programme}" if programme else ""
        return [
            Button(label=self.topic_label(tid, lang), action=f"topic:{tid}{suffix}")
            for tid in dict.fromkeys(topics)
            if tid in self.kb.topics
        ]

    def _help_buttons(self, lang: str) -> list[Button]:
        helps = [t.id for t in self.kb.topics.values() if t.kind == "help"]
        return self.topic_buttons(helps[:1], lang)

    @staticmethod
    def cites_dates(template: str) -> bool:
        return any(m.group(1) in DATED_KINDS for m in PLACEHOLDER.finditer(template))

    def for_you(self, p: ProgrammeData, event, lang: str, now: datetime) -> str:  # type: ignore[no-untyped-def]
        """A dated event that concerns this candidate in particular, as the first line of an answer."""
        when = timefmt.describe(event, lang, now, self.kb.t)
        return self.t("for_you", lang, event=event.title.get(lang), date=when)

    # ------------------------------------------------------------------ the session is over
    def session_over_head(self, p: ProgrammeData, lang: str, now: datetime) -> str:
        """One sentence: the session is over and the next calendar is not published (what every dated
        answer, /dates and the checklist say first once a programme's last date has passed)."""
        return self.t("session_over", lang, session=p.session_label(now))

    def session_over_next(self, p: ProgrammeData, lang: str, now: datetime, preparation: bool = True) -> str:
        """What can be prepared now (the programme's `preparation`) and where to watch for the next calendar."""
        email = next((c.email for c in p.programme.contacts if c.purpose == "recruitment"), None)
        watch = self.t(
            "session_watch",
            lang,
            contact=email or self.t("no_contact", lang),
        )
        if preparation and p.file.preparation is not None:
            prepare = self.render(p.file.preparation.get(lang), p, lang, now)
            return f"{self.t('prepare_now', lang)} {prepare}\n{watch}"
        return watch

    def answer_text(self, p: ProgrammeData, topic: str, lang: str, now: datetime, short: bool = False) -> str:
        """The programme's answer to `topic`, or what the page does not say and whom to ask. Once the
        session is over, a dated answer says so first and ends with what to prepare and where to watch."""
        answer = p.answers.get(topic)
        if answer is None:
            return self.not_stated(p, topic, lang)
        template = (answer.short if short and answer.short else answer.answer).get(lang)
        text = self.render(template, p, lang, now)
        if not self.cites_dates(template) or not p.session_over(now):
            return text
        head = self.session_over_head(p, lang, now)
        if short:  # one reply for several programmes stays short: the head only
            return f"{head} {text[:1].upper()}{text[1:]}"
        tail = self.session_over_next(p, lang, now, preparation="{preparation}" not in template)
        return f"{head}\n\n{text}\n\n{tail}"

    def not_stated(self, p: ProgrammeData, topic: str, lang: str) -> str:
        label = self.topic_label(topic, lang)
        label = label[0].lower() + label[1:] if lang == "fr" and label[1:2].islower() else label
        return self.t(
            "not_stated",
            lang,
            programme=p.programme.short_name,
            topic=label,
            contact=self.contact_of(p, lang),
        )

    # ------------------------------------------------------------------ replies
    def answer(
        self,
        p: ProgrammeData,
        topic: str,
        lang: str,
        now: datetime,
        confidence: float,
        lead: str | None = None,
    ) -> Reply:
        answer = p.answers.get(topic)
        text = self.answer_text(p, topic, lang, now)
        blocks = [text[:1].upper() + text[1:]]
        if lead:
            blocks.insert(0, lead)
        links = []
        for lid in answer.links if answer else ():
            lk = p.links[lid]
            if lk.url:
                links.append(Link(label=lk.title.get(lang), url=lk.url))
        return Reply(
            decision="answer",
            language=lang,
            title=p.programme.name.get(lang),
            intent=f"{p.id}.{topic}",
            programme=p.id,
            confidence=round(confidence, 3),
            blocks=blocks,
            links=links,
            suggestions=self.topic_buttons(answer.follow_ups if answer else [], lang, p.id),
            source=self.source_link(p, answer, lang),
        )

    def compact(
        self, programmes: list[ProgrammeData], topic: str, lang: str, now: datetime, confidence: float
    ) -> Reply | None:
        """One short block per programme; None when that would be too long to read (then ask which)."""
        if len(programmes) > MAX_COMPACT_PROGRAMMES:
            return None
        blocks = [
            f"{p.programme.short_name}{colon(lang)}{self.answer_text(p, topic, lang, now, short=True)}"
            for p in programmes
        ]
        reply = Reply(
            decision="answer",
            language=lang,
            intent=topic,
            confidence=round(confidence, 3),
            blocks=blocks,
            suggestions=[
                Button(label=p.programme.short_name, action=f"topic:{topic}@{p.id}") for p in programmes
            ],
        )
        return reply if len(reply.plain_text()) <= MAX_COMPACT_CHARS else None

    def general(self, topic: Topic, lang: str, now: datetime, confidence: float) -> Reply:
        """The one answer of a topic that belongs to no programme (greeting, help, checklist...)."""
        assert topic.answer is not None, "checked by kb check"
        text = self.render(topic.answer.get(lang), None, lang, now)
        links = []
        if topic.kind in ("help", "human"):
            for d in self.kb.programmes.values():
                source = self.source_link(d, None, lang)
                if source is not None and source.url:
                    links.append(source)
        return Reply(
            decision="answer",
            language=lang,
            intent=topic.id,
            confidence=round(confidence, 3),
            blocks=[text],
            links=links,
            suggestions=self.topic_buttons(topic.follow_ups, lang),
        )

    def decline(
        self, lang: str, programmes: list[ProgrammeData], confidence: float, topic: Topic | None = None
    ) -> Reply:
        scope = programmes or list(self.kb.programmes.values())
        names = self.programme_names(scope, lang)
        blocks = (
            [self.render(topic.answer.get(lang), None, lang, datetime.now())]
            if topic and topic.answer
            else []
        )
        blocks.append(self.t("decline", lang, programmes=names))
        blocks.append(self.t("decline_contact", lang) + self.contacts_text(scope, lang))
        single = scope[0] if len(scope) == 1 else None
        return Reply(
            decision="decline",
            language=lang,
            intent=topic.id if topic else None,
            programme=single.id if single else None,
            confidence=round(confidence, 3),
            blocks=blocks,
            source=self.source_link(single, None, lang),
            suggestions=self._help_buttons(lang),
        )

    def empty(self, lang: str) -> Reply:
        """Nothing to read in the message (blank, emoji only, an unknown button): invite a question."""
        return Reply(
            decision="clarify",
            language=lang,
            blocks=[self.t("empty", lang)],
            suggestions=self._help_buttons(lang),
        )

    def not_understood(self, lang: str, topics: list[str], programme: str | None) -> Reply:
        """Words the assistant cannot read at all: say so, offer the conversation's next questions."""
        return Reply(
            decision="clarify",
            language=lang,
            blocks=[self.t("not_understood", lang)],
            suggestions=self.topic_buttons(topics, lang, programme) or self._help_buttons(lang),
        )

    def clarify_programme(
        self, lang: str, confidence: float, programmes: list[str], topic: str | None
    ) -> Reply:
        shown = programmes[:MAX_CHOICE_BUTTONS]
        names = [self.kb.programmes[pid].programme.name.get(lang) for pid in shown]
        joiner = " ou " if lang == "fr" else " or "
        choices = joiner.join(names) if len(programmes) <= MAX_CHOICE_BUTTONS else ", ".join(names) + "…"
        buttons = [
            Button(
                label=self.kb.programmes[pid].programme.short_name,
                action=f"topic:{topic}@{pid}" if topic else f"programme:{pid}",
            )
            for pid in shown
        ]
        return Reply(
            decision="clarify",
            language=lang,
            intent=topic,
            confidence=round(confidence, 3),
            blocks=[self.t("clarify_programme", lang, choices=choices)],
            buttons=buttons,
        )

    def did_you_mean(self, lang: str, confidence: float, topics: list[str], programme: str | None) -> Reply:
        """Choices of topics; about one programme, under its name (the choices answer for it)."""
        p = self.kb.programmes.get(programme) if programme else None
        return Reply(
            decision="clarify",
            language=lang,
            title=p.programme.name.get(lang) if p else None,
            confidence=round(confidence, 3),
            programme=programme,
            blocks=[self.t("clarify_intent", lang)],
            buttons=self.topic_buttons(topics, lang, programme),
        )

    def deadlines(self, programmes: list[ProgrammeData], lang: str, now: datetime) -> Reply:
        blocks = []
        for p in programmes:
            upcoming = [ev for ev in p.session_events(now) if event_end(ev) >= now]
            if not p.file.events:
                blocks.append(self.t("no_dates", lang, programme=p.programme.short_name))
                continue
            if p.session_over(now):
                head = f"{p.programme.short_name}\n{self.session_over_head(p, lang, now)}"
                blocks.append(f"{head}\n{self.session_over_next(p, lang, now)}")
                continue
            if not upcoming:
                blocks.append(self.t("no_upcoming", lang, programme=p.programme.short_name))
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
            title=self.t("deadlines_title", lang),
            blocks=blocks,
            source=self.source_link(single, None, lang),
        )
