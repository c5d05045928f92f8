"""The assistant every adapter talks to: message in, structured reply out (answer, clarify or decline).

Three steps, one way: `Reader` understands the message (language, programmes, topics per sentence,
facts), the policy below decides (which topic, for which programmes, answer / ask / decline), and
the `Composer` writes the reply from the knowledge base. The policy never calls the reader back and
holds no admissions fact: programmes, topics, thresholds and texts all come from the knowledge base
and the model fitted on it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from assistant import timefmt
from assistant.composer import MAX_COMPACT_CHARS, Composer
from assistant.context import Conversation
from assistant.kb.loader import KnowledgeBase, ProgrammeData, load
from assistant.kb.models import Answer
from assistant.nlu.classifier import Progress
from assistant.nlu.understand import Reader, Reading, Understanding
from assistant.reply import Button, Reply

SOCIAL = ("greeting", "thanks")
META_KINDS = ("greeting", "thanks", "help")
FOLLOW_UP_WORDS = 4
"""A follow-up that names a programme with at most this many other words keeps the previous topic."""
SHORT_WORDS = 3
"""A message naming a programme with at most this many other words ("l'iim", "the cnam one")."""
FOLLOW_UP_CONFIDENCE = 0.6
"""Such a short message asks a new question only if the model reads one this surely."""
DECIDING_FACTS = {"diploma_level", "professional_experience_years", "diploma_rncp", "french_level"}
"""Facts a candidate states about their studies or work: with them, a personal reading of the whole
message (eligibility, experience...) wins over a generic question sentence ("can I get in?")."""
SURE_BESIDE = 0.5
"""How surely a sentence must ask for a person (or help) to be answered beside an admissions question."""
MAX_QUESTIONS = 3
"""Questions answered in one message; more would make a reply nobody reads."""
CHOICES = 3
MAX_REMEMBERED = 300
"""Characters of the last question kept (in memory only) to read a follow-up with it."""


def _blend(whole: Reading, question: Reading) -> Reading:
    """Half the whole message's probabilities, half the question sentence's."""
    probs: dict[str, float] = {}
    for reading in (whole, question):
        for topic, p in reading.ranked:
            probs[topic] = probs.get(topic, 0.0) + p / 2
    ranked = sorted(probs.items(), key=lambda kv: -kv[1])
    return Reading(question.text, ranked, whole.known, whole.words, whole.known_words, question=True)


@dataclass
class Choice:
    """What the policy settled on for one question of the message."""

    topic: str
    p: float


class Assistant:
    def __init__(
        self, kb: KnowledgeBase, kb_path: str | Path | None = None, progress: Progress | None = None
    ) -> None:
        self._lock = threading.Lock()
        self.kb_path = kb_path
        self._progress = progress
        self._install(kb)

    @classmethod
    def load(cls, kb_path: str | Path | None = None, progress: Progress | None = None) -> Assistant:
        return cls(load(kb_path), kb_path, progress)

    def _install(self, kb: KnowledgeBase) -> None:
        reader, composer = Reader(kb, self._progress), Composer(kb)
        declines = frozenset(t.id for t in kb.topics.values() if t.kind == "decline")
        with self._lock:
            self.kb, self.reader, self.composer, self._declines = kb, reader, composer, declines

    @property
    def thresholds(self):  # type: ignore[no-untyped-def]
        return self.reader.model.thresholds

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
        conv = self._current(conversation if conversation is not None else Conversation())
        now = now or timefmt.now_for(today or conv.today)
        u = self.reader.read(text or "", previous=conv.last_text if conv.topic else None)
        if u.stated_time and now == now.replace(hour=0, minute=0, second=0, microsecond=0):
            now = now.replace(hour=u.stated_time[0], minute=u.stated_time[1])  # a date-only clock: trust them
        lang = language or self._language(u, conv)
        if programme is not None and programme in self.kb.programmes and conv.bound_programme is None:
            conv.bound_programme = programme
        if not u.tokens:
            return self.composer.empty(lang)
        conv.facts.update(u.facts)
        reply = self._decide(u, conv, lang, now)
        conv.language = lang
        if reply.decision == "answer":
            conv.last_text = (text or "")[:MAX_REMEMBERED]
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
        """A button came back: `topic:<id>[@<programme>]`, `programme:<id>` or `lang:<fr|en>`."""
        conv = self._current(conversation)
        lang = language or conv.language or "fr"
        now = now or timefmt.now_for(today or conv.today)
        kind, _, value = action.partition(":")
        if kind == "topic":
            topic, _, pid = value.partition("@")
            if topic in self.kb.topics:
                programmes = [pid] if pid in self.kb.programmes else self._context_programmes(conv, topic)
                return self._answer_topics(conv, [Choice(topic, 1.0)], programmes, lang, now, explicit=True)
        if kind == "programme" and value in self.kb.programmes:
            conv.programme = value
            if conv.pending_topic:
                pending, conv.pending_topic = conv.pending_topic, None
                return self._answer_topics(conv, [Choice(pending, 1.0)], [value], lang, now, explicit=True)
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
            help_topic = next((t for t in self.kb.topics.values() if t.kind == "help"), None)
            if help_topic is not None:
                return self.composer.general(help_topic, value, now, 1.0)
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

    def _current(self, conv: Conversation) -> Conversation:
        """A conversation begun on an earlier version of the knowledge base (reloaded since, see
        `assistant.live`) may name a topic or a programme this one no longer has: forgotten, as if the
        candidate had not said it."""
        if conv.topic is not None and conv.topic not in self.kb.topics:
            conv.topic = conv.last_text = None
        if conv.pending_topic is not None and conv.pending_topic not in self.kb.topics:
            conv.pending_topic = None
        if conv.programme is not None and conv.programme not in self.kb.programmes:
            conv.programme = None
        return conv

    # ------------------------------------------------------------------ understanding → decision
    def _language(self, u: Understanding, conv: Conversation) -> str:
        """The message's own language when it is clear; otherwise the conversation's; French by default."""
        if u.language and (u.language_clear or not conv.language):
            return u.language
        return conv.language or u.language or "fr"

    def _programmes(self, u: Understanding, conv: Conversation) -> tuple[list[str], bool]:
        """The programmes the message is about, and whether the message itself said so."""
        mention = u.mention
        if mention.every:
            return list(self.kb.programmes), True
        if mention.explicit:
            return list(mention.explicit), True
        if mention.other:
            current = conv.programme or conv.bound_programme
            others = [pid for pid in self.kb.programmes if pid != current]
            return others, True
        active = conv.active_programme()
        return ([active] if active in self.kb.programmes else []), False

    def _context_programmes(self, conv: Conversation, topic: str) -> list[str]:
        active = conv.active_programme()
        return [active] if active in self.kb.programmes else self._unscoped(topic)

    def _unscoped(self, topic: str) -> list[str]:
        """Programmes to answer for when nothing says which: the ones a programme-specific topic belongs
        to, or every programme for a topic any of them may be asked about."""
        t = self.kb.topics.get(topic)
        answering = self.kb.answering(topic)
        if t is not None and not t.shared and answering:
            return answering
        return list(self.kb.programmes)

    def _decide(self, u: Understanding, conv: Conversation, lang: str, now: datetime) -> Reply:
        th = self.thresholds
        programmes, named = self._programmes(u, conv)
        best = self._best_reading(u)
        if u.next_step and not named:
            # "et après ?" after the confirmation: the step the knowledge base says comes next; after an
            # answer with no next step, its follow-ups to choose from (never the same answer again);
            # with no answer before it, a request to say what about (it is no question on careers)
            following = self._next_step(conv)
            if following:
                conv.pending_topic = None
                return self._answer_topics(
                    conv, [Choice(following, 1.0)], programmes, lang, now, explicit=False
                )
            choices = self._follow_ups(conv)[:CHOICES]
            if choices:
                return self.composer.did_you_mean(lang, 0.0, choices, conv.active_programme())
            return self.composer.not_understood(lang, [], conv.active_programme())
        if u.in_context is not None and (not named or programmes == [conv.active_programme()]):
            # (naming another programme starts a new question; naming the same one, "à Angoulême", does not)
            # "et c payant ?" after a question on ENIC-NARIC: the two read together say what "it" is
            together = _blend(best, u.in_context)
            # kept when this message alone is unsure, or when read together it stays on the same subject
            same = together.topic in (best.topic, conv.topic)
            context = u.in_context
            if self._meta(best.topic) and (u.follow_up or u.content_words <= SHORT_WORDS):
                # "and what's optional?" reads alone like "what can you do?": it asks about the last subject
                admissions = not self._meta(context.topic) and not self._is_decline(context.topic)
                if admissions and context.p >= th.answer:
                    best = context
            elif together.p >= th.answer and (best.p < FOLLOW_UP_CONFIDENCE or same):
                best = together
        # a follow-up that only changes the programme keeps the topic: "et pour l'autre école ?",
        # "same question for IIM", or "enjmin" answering "which programme?"
        previous = conv.pending_topic or conv.topic
        if named and previous and self._only_a_programme(u, best):
            conv.pending_topic = None
            return self._answer_topics(conv, [Choice(previous, best.p)], programmes, lang, now, explicit=True)
        if named and not previous and len(programmes) == 1 and u.content_words == 0:
            # "et pour l'autre école ?" with no subject before it: what about that school?
            choices = [t for t, _ in best.ranked if not self._is_decline(t) and not self._meta(t)]
            sure = best.prob(choices[0]) if choices else 0.0
            return self.composer.did_you_mean(lang, sure, choices[:CHOICES], programmes[0])
        if u.whole.known_words == 0:
            follow = self._follow_ups(conv)
            return self.composer.not_understood(lang, follow, conv.active_programme())
        declines = self._declines
        decline_mass = 0.0
        top_decline: str | None = None
        top_in: list[tuple[str, float]] = []
        for t, p in best.ranked:  # best first
            if t in declines:
                decline_mass += p
                top_decline = top_decline or t
            elif len(top_in) < CHOICES:
                top_in.append((t, p))
        # out of scope when its topics together reach the fitted threshold, or when the best topic is out of
        # scope and out-of-scope topics outweigh all the admissions ones together; never when the best
        # topic of all is an admissions topic read surely enough to answer
        outweighs = best.topic in declines and decline_mass > 1.0 - decline_mass
        answerable = best.topic not in declines and best.p >= th.answer
        if top_decline and not answerable and (decline_mass >= th.decline or outweighs):
            topic = top_decline
            scope = [self.kb.programmes[pid] for pid in programmes if named]
            return self.composer.decline(lang, scope, decline_mass, self.kb.topics[topic])
        questions = self._questions(u, best)
        if questions:
            conv.pending_topic = None
            return self._answer_topics(conv, questions, programmes, lang, now, explicit=named)
        topics = [t for t, _ in top_in[:CHOICES]]
        about = programmes[0] if named and len(programmes) == 1 else conv.active_programme()
        if about and named:
            conv.programme = about  # the conversation is about the school named, answered or not yet
        return self.composer.did_you_mean(lang, top_in[0][1] if top_in else 0.0, topics, about)

    def _is_decline(self, topic: str) -> bool:
        return topic in self._declines

    def _meta(self, topic: str) -> bool:
        """A topic about the conversation itself (hello, thanks, what can you do), not about admissions."""
        return self.kb.topics[topic].kind in META_KINDS

    def _best_reading(self, u: Understanding) -> Reading:
        """The whole message read together with its question: a question sentence says what is asked,
        the rest of the message (a life story, "Bonjour") says about what. When the two disagree so much
        that their blend is unsure, the more confident of the two alone."""
        questions = [r for r in u.sentences if r.question and r.known > 0]
        if not questions:
            return u.whole
        blends = [_blend(u.whole, q) for q in questions]
        best = max(blends, key=lambda r: r.p)
        situation = u.facts.keys() & DECIDING_FACTS and self.kb.topics[u.whole.topic].personal
        if situation and u.whole.p >= self.thresholds.answer:
            # "no degree but 10 years as a designer. Can I get in?": the situation is what is asked
            # about — unless a question is surely about something else ("I'm in L3. When are the
            # written exams?")
            elsewhere = any(
                q.p >= FOLLOW_UP_CONFIDENCE and not self.kb.topics[q.topic].personal and q.topic not in SOCIAL
                for q in questions
            )
            if not elsewhere:
                return u.whole
        if best.p < self.thresholds.answer or best.topic in SOCIAL:
            alone = max([u.whole, *questions], key=lambda r: (r.topic not in SOCIAL, r.p))
            if alone.p >= self.thresholds.answer:
                return alone
        return best

    def _only_a_programme(self, u: Understanding, best: Reading) -> bool:
        """The message names or points to a programme and says little else the model is sure about."""
        if u.content_words == 0:
            return True
        # "what about the other school?" reads like a question about other schools: it is not one
        unsure = best.p < FOLLOW_UP_CONFIDENCE or best.topic in SOCIAL or self._is_decline(best.topic)
        if u.content_words <= SHORT_WORDS:
            return unsure
        return u.follow_up and u.content_words <= FOLLOW_UP_WORDS and unsure

    def _questions(self, u: Understanding, best: Reading) -> list[Choice]:
        """The admissions topics to answer: one per confident question (each read with the whole
        message), or the best reading's."""
        th = self.thresholds.answer
        picked: list[Choice] = []
        for q in u.sentences:
            if not q.question or q.known == 0:
                continue
            reading = _blend(u.whole, q)
            confident = reading.p >= th and q.p >= th and not self._is_decline(reading.topic)
            if confident and reading.topic not in SOCIAL and reading.topic not in [c.topic for c in picked]:
                picked.append(Choice(reading.topic, reading.p))
        if len(picked) >= 2:
            # beside an admissions question, "… or more about me as a person?" is not a request for a
            # person: another kind of topic is answered with it only when read surely
            kept = [c for c in picked if self.kb.topics[c.topic].kind == "faq" or c.p >= SURE_BESIDE]
            return (kept or picked)[:MAX_QUESTIONS]
        if best.p >= th and not self._is_decline(best.topic):
            return [Choice(best.topic, best.p)]
        return []

    def _last_answer(self, conv: Conversation) -> Answer | None:
        """The programme's answer the conversation got last (None: none, or several programmes')."""
        active = conv.active_programme()
        return self.kb.answer(active, conv.topic) if active and conv.topic else None

    def _next_step(self, conv: Conversation) -> str | None:
        answer = self._last_answer(conv)
        return answer.next if answer else None

    def _follow_ups(self, conv: Conversation) -> list[str]:
        answer = self._last_answer(conv)
        return answer.follow_ups if answer else []

    # ------------------------------------------------------------------ decision → reply
    def _answer_topics(
        self,
        conv: Conversation,
        choices: list[Choice],
        programmes: list[str],
        lang: str,
        now: datetime,
        explicit: bool,
    ) -> Reply:
        replies = [self._answer_topic(conv, c, programmes, lang, now, explicit) for c in choices]
        if len(replies) == 1:
            return replies[0]
        merged = self._merge(replies)
        if len(merged.plain_text()) > MAX_COMPACT_CHARS:  # too long to read: the other answers in short
            said = replies[0].plain_text()
            rest = zip(replies[1:], choices[1:], strict=True)
            merged = self._merge(
                [replies[0], *(self._shortened(r, c.topic, lang, now, said) for r, c in rest)]
            )
        return merged

    def _shortened(self, reply: Reply, topic: str, lang: str, now: datetime, said: str) -> Reply:
        """A one-programme answer to `topic` with its `short:` text (as in a reply for several
        programmes), without what the answer before it (`said`) says already."""
        if reply.programme is None:  # several programmes' answers: short already
            return reply
        p = self.kb.programmes[reply.programme]
        text = self.composer.answer_text(p, topic, lang, now, short=True)
        head = self.composer.session_over_head(p, lang, now) if p.session_over(now) else ""
        if head and head in said and text.startswith(head):  # "the session is over" is said already
            text = text[len(head) :].strip()
        return reply.model_copy(update={"blocks": [text[:1].upper() + text[1:]]})

    def _merge(self, replies: list[Reply]) -> Reply:
        merged = replies[0].model_copy(deep=True)
        for extra in replies[1:]:
            title = [extra.title] if extra.title and extra.title != merged.title else []
            merged.blocks.extend(title + extra.blocks)
            merged.links.extend(link for link in extra.links if link not in merged.links)
            merged.suggestions.extend(b for b in extra.suggestions if b not in merged.suggestions)
        merged.intent = "+".join(r.intent or "-" for r in replies)
        merged.confidence = min(r.confidence for r in replies)
        return merged

    def _answer_topic(
        self,
        conv: Conversation,
        choice: Choice,
        programmes: list[str],
        lang: str,
        now: datetime,
        explicit: bool,
    ) -> Reply:
        topic = self.kb.topics[choice.topic]
        if topic.kind != "faq":
            return self.composer.general(topic, lang, now, choice.p)
        context_lacks_it = (
            not explicit
            and len(programmes) == 1
            and not topic.shared
            and topic.id not in self.kb.programmes[programmes[0]].answers
        )
        if (
            not programmes or context_lacks_it
        ):  # e.g. "Mon Master ?" in a conversation about another programme
            programmes = self._unscoped(choice.topic)
        datas = [self.kb.programmes[pid] for pid in programmes]
        if len(datas) == 1:
            p = datas[0]
            conv.programme = p.id if conv.bound_programme != p.id else conv.programme
            conv.topic = choice.topic
            lead = self._personal(p, choice.topic, conv, lang) or self._personal_dates(
                p, choice.topic, conv, lang, now
            )
            reply = self.composer.answer(p, choice.topic, lang, now, choice.p, lead)
            checklist = [t.id for t in self.kb.topics.values() if t.kind == "checklist"]
            if lead and checklist:  # a personal verdict: offer the personal checklist first
                reply.suggestions = self.composer.topic_buttons(checklist[:1], lang, p.id) + reply.suggestions
            return reply
        compact = self.composer.compact(datas, choice.topic, lang, now, choice.p)
        conv.topic = choice.topic
        if compact is not None:
            return compact
        conv.pending_topic = choice.topic
        return self.composer.clarify_programme(lang, choice.p, [p.id for p in datas], choice.topic)

    def _personal_dates(
        self, p: ProgrammeData, topic: str, conv: Conversation, lang: str, now: datetime
    ) -> str | None:
        """For a dated answer to someone whose situation makes a conditional event theirs (an École
        polytechnique student asking for "the deadline"): that event first, from the event's own `when`."""
        answer = p.answers.get(topic)
        if not conv.facts or answer is None or not self.composer.cites_dates(answer.answer.fr):
            return None
        from assistant.checklist.conditions import evaluate

        cited = answer.answer.fr + answer.answer.en
        mine = [
            ev
            for ev in p.sorted_events()
            if ev.when is not None
            and evaluate(ev.when, conv.facts).value
            and f":{ev.id}}}" not in cited  # the answer already gives it
        ]
        if not mine:
            return None
        return "\n".join(self.composer.for_you(p, ev, lang, now) for ev in mine)

    def _personal(self, p: ProgrammeData, topic: str, conv: Conversation, lang: str) -> str | None:
        """For an eligibility question from someone who said their situation: the verdict of the same
        eligibility rules as the checklist, as the answer's first sentence."""
        if not conv.facts or not p.file.eligibility or not self.kb.topics[topic].personal:
            return None
        from assistant.checklist.verdict import personal_verdict

        return personal_verdict(self.kb, p, conv.facts, lang)
