"""The assistant every adapter talks to: message in, structured reply out (answer, clarify or decline).

It ties the shared matcher (meaning) to the composer (sentences) and keeps the conversation's
programme and topic between turns. No platform I/O happens here.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

from assistant import timefmt
from assistant.composer import Composer
from assistant.context import Conversation
from assistant.kb.loader import KnowledgeBase, KnowledgeError, Problem, load
from assistant.matcher import Analysis, Candidate, Matcher
from assistant.reply import Button, Reply

DECLINE_BELOW = 0.32
"""Below this score nothing in the knowledge base is close enough: say so rather than guess."""
DECLINE_BELOW_UNSCOPED = 0.45
"""The same floor for a question that names no programme in a conversation about none."""
CLOSE_MARGIN = 0.03
CLOSE_CEILING = 0.35
"""Two intents within CLOSE_MARGIN of each other, both weak: ask which one was meant."""
SOCIAL = ("greeting", "thanks")
DECLINE_MARGIN = 0.1
"""A decline-intent must beat the best answerable intent by this much to win."""
TOPIC_RATIO = 0.45
"""Another programme's same-topic intent this close to the best one: ask which programme."""
SOCIAL_RATIO = 0.6
"""A question after a greeting wins over the greeting when it scores at least this share of it."""


def _prefer_answer(best: Candidate, rival: Candidate) -> bool:
    """Whether an answerable intent should win over a best decline or greeting: a question that also
    matches an answerable intent almost as well deserves the answer, and in "Bonjour, comment... ?"
    the greeting is politeness, the question is the message."""
    if rival.score < DECLINE_BELOW:
        return False
    if best.intent.kind == "decline":
        return rival.score >= best.score - DECLINE_MARGIN
    return best.intent.kind in SOCIAL and rival.score >= SOCIAL_RATIO * best.score


class Assistant:
    def __init__(self, kb: KnowledgeBase, kb_path: str | Path | None = None) -> None:
        self._lock = threading.Lock()
        self.kb_path = kb_path
        self._install(kb)

    @classmethod
    def load(cls, kb_path: str | Path | None = None) -> Assistant:
        return cls(load(kb_path), kb_path)

    def _install(self, kb: KnowledgeBase) -> None:
        matcher, composer = Matcher(kb), Composer(kb)
        with self._lock:
            self.kb, self.matcher, self.composer = kb, matcher, composer

    def reload(self) -> list[Problem]:
        """Reload the knowledge base; on any problem keep serving the last good one."""
        try:
            kb = load(self.kb_path)
        except KnowledgeError as exc:
            return exc.problems
        self._install(kb)
        return []

    # ------------------------------------------------------------------ public API
    def ask(
        self,
        text: str,
        conversation: Conversation | None = None,
        *,
        programme: str | None = None,
        language: str | None = None,
        today: date | None = None,
        now: datetime | None = None,
    ) -> Reply:
        conv = conversation if conversation is not None else Conversation()
        now = now or timefmt.now_for(today or conv.today)
        analysis = self.matcher.analyze(text or "")
        lang = language or analysis.language or conv.language or "fr"
        if lang not in ("fr", "en"):
            lang = "fr"
        if not analysis.tokens:
            return self.composer.empty(lang)
        if programme is not None and programme not in self.kb.programmes:
            programme = None
        mentioned = analysis.programmes
        if len(mentioned) == 1:
            prog = mentioned[0]
        elif mentioned:
            prog = None
        else:
            prog = programme or conv.active_programme()
        scopes = {"general", prog} if prog else ({"general", *mentioned} if mentioned else None)
        candidates = self.matcher.rank(analysis, scopes)
        candidates = self._with_context(analysis, candidates, conv, scopes)
        reply = self._decide(analysis, candidates, prog, lang, now)
        conv.language = lang
        conv.last_text = text
        if reply.decision == "answer":
            conv.last_intent = reply.intent
            if reply.programme:
                conv.programme = reply.programme
        return reply

    def press(
        self,
        action: str,
        conversation: Conversation,
        *,
        today: date | None = None,
        now: datetime | None = None,
        language: str | None = None,
    ) -> Reply:
        """A button came back: `intent:<id>`, `programme:<id>` or `lang:<fr|en>`."""
        conv = conversation
        lang = language or conv.language or "fr"
        now = now or timefmt.now_for(today or conv.today)
        kind, _, value = action.partition(":")
        if kind == "intent" and value in self.kb.intents:
            intent = self.kb.intents[value]
            reply = self.composer.answer(intent, lang, now, 1.0, conv.active_programme())
            if intent.scope in self.kb.programmes:
                conv.programme = intent.scope
            conv.last_intent = intent.id
            return reply
        if kind == "programme" and value in self.kb.programmes:
            conv.programme = value
            if conv.last_text:
                pending, conv.last_text = conv.last_text, None
                return self.ask(pending, conv, programme=value, language=lang, today=today, now=now)
            p = self.kb.programmes[value]
            return Reply(
                decision="answer",
                language=lang,
                programme=value,
                confidence=1.0,
                blocks=[p.programme.summary.get(lang)],
                source=self.composer.source_link(p, None, lang),
            )
        if kind == "lang" and value in ("fr", "en"):
            conv.language = value
            help_intent = self.composer.help_intent
            if help_intent is not None:
                return self.composer.answer(help_intent, value, now, 1.0, conv.active_programme())
        return self.composer.empty(lang)

    def deadlines(
        self,
        conversation: Conversation | None = None,
        *,
        today: date | None = None,
        now: datetime | None = None,
        language: str | None = None,
    ) -> Reply:
        conv = conversation or Conversation()
        lang = language or conv.language or "fr"
        now = now or timefmt.now_for(today or conv.today)
        active = conv.active_programme()
        programmes = (
            [self.kb.programmes[active]]
            if active in self.kb.programmes
            else list(self.kb.programmes.values())
        )
        return self.composer.deadlines(programmes, lang, now)

    def programme_buttons(self, language: str = "fr") -> list[Button]:
        return [
            Button(label=p.programme.short_name, action=f"programme:{pid}")
            for pid, p in self.kb.programmes.items()
        ]

    # ------------------------------------------------------------------ decisions
    def _with_context(
        self, analysis: Analysis, candidates: list[Candidate], conv: Conversation, scopes: set[str] | None
    ) -> list[Candidate]:
        """A follow-up ("et pour les étrangers ?") is read together with the previous question."""
        if not conv.last_text:
            return candidates
        best = candidates[0].score if candidates else 0.0
        if not analysis.follow_up and best >= DECLINE_BELOW + 0.1:
            return candidates
        combined = self.matcher.analyze(f"{conv.last_text} {analysis.text}")
        merged = self.matcher.rank(combined, scopes)
        improves = bool(merged) and merged[0].score > best * 1.1 and merged[0].intent.kind != "decline"
        keeps_decline = bool(candidates) and candidates[0].intent.kind == "decline" and not analysis.follow_up
        return merged if improves and not keeps_decline else candidates

    def _decide(
        self,
        analysis: Analysis,
        candidates: list[Candidate],
        prog: str | None,
        lang: str,
        now: datetime,
    ) -> Reply:
        pdata = self.kb.programmes.get(prog) if prog else None
        # a question that names no programme, in a conversation about none, must match more clearly:
        # it is more likely about something else (another school, a driving licence...)
        floor = DECLINE_BELOW if prog or analysis.programmes else DECLINE_BELOW_UNSCOPED
        if not candidates or candidates[0].score < floor:
            score = candidates[0].score if candidates else 0.0
            return self.composer.decline(lang, pdata, 1.0 - score)
        best = candidates[0]
        rival = next((c for c in candidates[1:] if c.intent.kind == "faq"), None)
        if rival is not None and _prefer_answer(best, rival):
            best = rival
        intent = best.intent
        if intent.kind == "decline":
            return self.composer.answer(intent, lang, now, best.score, prog)
        if prog is None and intent.scope != "general" and intent.topic:
            rivals = {intent.scope: intent}
            for other in self.kb.programmes:
                if other == intent.scope:
                    continue
                for cand in self.matcher.rank(analysis, {other}):
                    if cand.intent.topic == intent.topic and cand.score >= max(
                        DECLINE_BELOW, TOPIC_RATIO * best.score
                    ):
                        rivals[other] = cand.intent
                        break
            if len(rivals) > 1:
                return self.composer.clarify_programme(lang, best.score, rivals)
        second = next((c for c in candidates if c.intent.id != intent.id and c.intent.kind == "faq"), None)
        close = (
            second is not None
            and best.score - second.score < CLOSE_MARGIN
            and second.intent.scope == intent.scope
        )
        if close and best.score < CLOSE_CEILING:
            return self.composer.clarify_intent(lang, best.score, [intent, second.intent], prog)
        reply = self.composer.answer(intent, lang, now, best.score, prog)
        if close:  # a near tie: answer the best, offer the other first
            offer = Button(
                label=self.composer.intent_label(second.intent, lang), action=f"intent:{second.intent.id}"
            )
            reply.suggestions = [offer, *[b for b in reply.suggestions if b.action != offer.action]]
        return reply
