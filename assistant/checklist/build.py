"""Building a candidate's checklist from the knowledge base: rules, documents, requirements, steps.

No admissions logic lives here: what applies, to whom and by when all comes from the programme file.
The code only walks it with three-valued conditions, so a missing profile field is reported, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from assistant.checklist.conditions import Outcome, both, evaluate, true_leaves, value_of
from assistant.checklist.eligibility import PathDecision
from assistant.checklist.fmt import format_date, format_due
from assistant.checklist.model import Checklist, ChecklistItem, ItemKind, ItemLink, MissingField
from assistant.checklist.profile import PROFILE_FIELDS, Profile
from assistant.checklist.texts import field_label, msg, value_text
from assistant.checklist.verdict import assess
from assistant.kb.loader import PARIS, KnowledgeBase, ProgrammeData, event_end, event_start
from assistant.kb.models import Condition, Event, I18n

DUE_AT_END = ("deadline", "window")
"""Event kinds whose moment that matters is the end (last day to act); others matter when they start."""


def due_of(event: Event) -> datetime:
    return event_end(event) if event.kind in DUE_AT_END else event_start(event)


def is_all_day(event: Event) -> bool:
    """Whether the moment `due_of` reads was written as a bare date."""
    moment = event.end if event.kind in DUE_AT_END and event.end is not None else event.start
    return not isinstance(moment, datetime)


@dataclass
class _Builder:
    kb: KnowledgeBase
    pdata: ProgrammeData
    profile: Profile
    today: date
    lang: str
    decision: PathDecision
    now: datetime
    """The start of `today` in Paris: an event later today is still ahead."""
    items: list[tuple[int, ChecklistItem]] = field(default_factory=list)
    missing: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def text(self, i18n: I18n) -> str:
        return i18n.get(self.lang)

    def path_state(self, paths: list[str] | None) -> Outcome:
        if paths is None:
            return Outcome(True)
        if self.decision.rule is not None:
            return Outcome(self.decision.path in paths)
        if any(p in paths for p in self.decision.possible):
            return Outcome(None, self.decision.missing)
        return Outcome(False)

    def applies(
        self, when: Condition | None, event_id: str | None, paths: list[str] | None
    ) -> tuple[Outcome, frozenset[str]]:
        """Whether an entry applies, and the missing fields of its own condition (not via the path)."""
        event = (
            self.pdata.events.get(event_id) if event_id else None
        )  # its condition is the same in every session
        own = both(evaluate(when, self.profile), evaluate(event.when if event else None, self.profile))
        combined = both(self.path_state(paths), own)
        return combined, own.missing if combined.value is None else frozenset()

    def note_missing(self, fields: frozenset[str], affect: str, label: str | None) -> None:
        """Record what a field decides; `label` None when it only decides through the path."""
        for name in fields:
            entries = self.missing.setdefault(name, [])
            if (affect, label) not in entries:
                entries.append((affect, label))

    def why(
        self,
        base: str,
        extra: str | None,
        when: Condition | None,
        event_id: str | None,
        paths: list[str] | None,
        outcome: Outcome,
    ) -> str:
        parts = [base]
        if extra:
            parts.append(extra)
        if paths is not None and self.decision.rule is not None:
            parts.append(msg("why_path", self.lang, path=self.decision.path))
        event = self.pdata.events.get(event_id) if event_id else None
        conds = [c for c in (when, event.when if event else None) if c is not None]
        facts = [name for c in conds for name in true_leaves(c, self.profile)]
        if facts:
            said = ", ".join(
                f"{field_label(n, self.lang)} : {value_text(n, value_of(self.profile, n), self.lang)}"
                if self.lang == "fr"
                else f"{field_label(n, self.lang)}: {value_text(n, value_of(self.profile, n), self.lang)}"
                for n in dict.fromkeys(facts)
            )
            parts.append(msg("why_profile", self.lang, facts=said))
        if outcome.value is None:
            parts.append(msg("why_if", self.lang, fields=", ".join(self.labels(outcome.missing))))
        if event is not None:
            parts.append(msg("why_date", self.lang, event=self.text(event.title)))
        parts = [p.strip().rstrip(".") for p in parts if p and p.strip()]
        return ". ".join(p[:1].upper() + p[1:] for p in parts) + "."

    def labels(self, fields: frozenset[str]) -> list[str]:
        return [field_label(n, self.lang) for n in self.ordered(fields)]

    def ordered(self, fields: frozenset[str] | set[str]) -> list[str]:
        order = list(self.pdata.file.profile_questions) + [f for f in PROFILE_FIELDS]
        return sorted(fields, key=lambda n: (order.index(n) if n in order else len(order), n))

    def add(
        self,
        rank: int,
        kind: ItemKind,
        entry_id: str,
        title: str,
        detail: str,
        required: bool,
        event_id: str | None,
        link_id: str | None,
        outcome: Outcome,
        own: frozenset[str],
        why: str,
        lead_time: int | None = None,
        lead_until: str | None = None,
    ) -> None:
        item_id = f"{kind}:{entry_id}"
        over = self.pdata.session_over(self.now)
        known = self.pdata.events.get(event_id) if event_id else None
        # the current session's event; none once the session is over (the next one is not published)
        event = None if over or not event_id else self.pdata.event_at(event_id, self.now)
        due = due_of(event) if event else None
        link_id = link_id or (known.link if known else None)
        link = self.pdata.links.get(link_id) if link_id else None
        span = event is not None and event.end is not None
        item = ChecklistItem(
            id=item_id,
            kind=kind,
            title=title,
            detail=detail,
            required=required,
            why=why,
            due=due,
            starts=event_start(event) if span and event else None,
            ends=event_end(event) if span and event else None,
            event=known.id if known else None,
            all_day=event is not None and is_all_day(event),
            offset_on_page=event is not None and event.offset_on_page,
            deadline=known is not None and known.kind in DUE_AT_END,
            to_be_announced=known is not None and event is None,
            start_now=over and lead_time is not None,
            conditional=outcome.value is None,
            depends_on=self.ordered(outcome.missing),
            lead_time_days=lead_time,
            link=ItemLink(label=self.text(link.title), url=link.url) if link else None,
        )
        if due is not None:
            item.days_left = (due.date() - self.today).days
            item.overdue = item.deadline and item.days_left < 0
        self.lead_time(item, lead_time, due, lead_until)
        self.note_missing(own, item_id, title)
        self.note_missing(outcome.missing - own, item_id, None)
        self.items.append((rank, item))

    def lead_time(
        self, item: ChecklistItem, days: int | None, due: datetime | None, until: str | None
    ) -> None:
        """Warn when something that takes `days` would come after an upcoming date: the item's own due
        date, or an event the page does not tie it to (then the warning says so). Past dates: no warning."""
        if days is None:
            return
        event = self.pdata.event_at(until, self.now) if until and due is None else None
        target = due or (due_of(event) if event else None)
        if target is None or target < self.now:
            return
        ready = self.today + timedelta(days=days)
        if ready <= target.date():
            return
        item.late = True
        values: dict[str, object] = {
            "title": item.title,
            "days": days,
            "ready": format_date(ready, self.lang),
        }
        if due is None and event is not None:  # the page does not date the item by that event
            values["due"] = format_due(target, is_all_day(event), self.lang, event.offset_on_page)
            values["event"] = self.text(event.title)
            self.warnings.append(msg("lead_time_undated", self.lang, **values))
        else:
            values["due"] = format_due(target, item.all_day, self.lang, item.offset_on_page)
            self.warnings.append(msg("lead_time_upcoming", self.lang, **values))

    def documents(self) -> None:
        for doc in self.pdata.file.documents:
            outcome, own = self.applies(doc.when, doc.event, doc.paths)
            if outcome.value is False:
                continue
            base = msg("why_document_required" if doc.required else "why_document_optional", self.lang)
            extra = self.text(doc.condition) if doc.condition else None
            why = self.why(base, extra, doc.when, doc.event, doc.paths, outcome)
            self.add(
                len(self.items),
                "document",
                doc.id,
                self.text(doc.title),
                self.text(doc.detail) if doc.detail else "",
                doc.required,
                doc.event,
                doc.link,
                outcome,
                own,
                why,
            )

    def requirements(self) -> None:
        for req in self.pdata.file.requirements:
            outcome, own = self.applies(req.when, req.event, req.paths)
            if outcome.value is False:
                continue
            if req.kind != "item" and outcome.value is None:
                self.note_missing(own, f"{req.kind}:{req.id}", self.text(req.title))
                self.note_missing(outcome.missing - own, f"{req.kind}:{req.id}", None)
                continue
            if req.kind == "warning":
                self.warnings.append(
                    f"{self.text(req.title)} : {self.text(req.detail)}"
                    if self.lang == "fr"
                    else f"{self.text(req.title)}: {self.text(req.detail)}"
                )
                continue
            kind: ItemKind = "unmet" if req.kind == "unmet" else "requirement"
            base = msg("why_unmet" if kind == "unmet" else "why_requirement", self.lang)
            why = self.why(base, None, req.when, req.event, req.paths, outcome)
            rank = -1 if kind == "unmet" else len(self.items)
            self.add(
                rank,
                kind,
                req.id,
                self.text(req.title),
                self.text(req.detail),
                req.required,
                req.event,
                req.link,
                outcome,
                own,
                why,
                req.lead_time_days,
                req.lead_time_until,
            )

    def steps(self) -> None:
        for step in sorted(self.pdata.file.steps, key=lambda s: s.order):
            outcome, own = self.applies(step.when, step.event, step.paths)
            if outcome.value is False:
                continue
            why = self.why(
                msg("why_step", self.lang, order=step.order), None, step.when, step.event, step.paths, outcome
            )
            self.add(
                len(self.items),
                "step",
                step.id,
                self.text(step.title),
                self.text(step.detail),
                True,
                step.event,
                None,
                outcome,
                own,
                why,
            )

    def missing_fields(self) -> list[MissingField]:
        fields = set(self.missing) | set(self.decision.missing)
        out = []
        for name in self.ordered(fields):
            changes, affects = [], []
            if name in self.decision.missing:
                changes.append(msg("missing_path", self.lang, paths=", ".join(self.decision.possible)))
                affects.append("path")
            entries = self.missing.get(name, [])
            titles = [t for _, t in entries if t]
            if titles:
                changes.append(msg("missing_items", self.lang, items=" ; ".join(titles)))
            affects.extend(a for a, _ in entries if a not in affects)
            out.append(
                MissingField(
                    field=name,
                    label=field_label(name, self.lang),
                    changes=" ; ".join(changes),
                    affects=affects,
                )
            )
        return out


def build_checklist(
    kb: KnowledgeBase, profile: Profile, today: date, language: str | None = None
) -> Checklist:
    """What this candidate must do, by when and why, for the profile's programme only.

    Once the programme's session is over, the list prepares the next one: the same documents and steps,
    dated "to be announced" (never overdue), what takes long first ("start now")."""
    from assistant.composer import Composer  # the session notice is worded once, for answers and lists

    if profile.programme not in kb.programmes:
        raise ValueError(
            f"unknown programme `{profile.programme}` (known: {', '.join(sorted(kb.programmes))})"
        )
    pdata = kb.programmes[profile.programme]
    lang = "en" if (language or profile.lang) == "en" else "fr"
    result = assess(pdata, profile)
    now = datetime(today.year, today.month, today.day, tzinfo=PARIS)  # an event later today is ahead
    b = _Builder(kb, pdata, profile, today, lang, result.decision, now)
    b.documents()
    b.requirements()
    b.steps()
    far = datetime.max.replace(tzinfo=PARIS)
    ordered = sorted(
        b.items,
        key=lambda ri: (ri[0] >= 0, not ri[1].start_now, ri[1].due is None, ri[1].due or far, ri[0]),
    )
    over = pdata.session_over(now)
    composer = Composer(kb)
    notices = []
    if over:
        notices = [
            composer.session_over_head(pdata, lang, now),
            msg("next_session", lang, session=pdata.session_label(now)),
            composer.session_over_next(pdata, lang, now, preparation=False),
        ]
    rule = result.decision.rule
    source = composer.source_link(pdata, None, lang)  # a possibly cut address is not a clickable source
    return Checklist(
        programme=pdata.id,
        programme_name=pdata.programme.name.get(lang),
        language=lang,
        today=today,
        eligible=result.eligible,
        path=rule.path if rule else None,
        reason=result.reason(lang),
        requires=rule.requires.get(lang) if rule and rule.requires else None,
        items=[item for _, item in ordered],
        missing_profile_fields=b.missing_fields(),
        warnings=list(dict.fromkeys(b.warnings)),
        notices=notices,
        session=pdata.current_session(now),
        session_over=over,
        source=ItemLink(label=source.label, url=source.url or None) if source else None,
    )
