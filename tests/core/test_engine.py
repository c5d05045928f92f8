"""The shared core's decisions: answer, clarify, decline; language; programme resolution; follow-ups;
several questions in one message; personal eligibility verdicts; time."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant.context import Conversation
from assistant.engine import Assistant
from assistant.text.normalize import fold

TODAY = date(2026, 1, 10)


def ask(assistant: Assistant, text: str, **kw):  # type: ignore[no-untyped-def]
    conv = kw.pop("conv", None) or Conversation(bound_programme=kw.pop("programme", None))
    return assistant.ask(text, conv, today=kw.pop("today", TODAY), **kw)


@pytest.mark.parametrize(
    ("question", "intent", "lang"),
    [
        ("kan c la date limite pr l'enjmin stp", "enjmin.deadline", "fr"),
        ("ENJMIN: until when can I upload my file??", "enjmin.deadline", "en"),
        ("les oraux enjmin ils ont lieu qd", "enjmin.interview", "fr"),
        ("contact mail enjmin", "enjmin.contact", "fr"),
        ("iim: faut combien d'annees de bulletins si g redoublé", "iim.transcripts", "fr"),
        ("Is a portfolio compulsory for IIM?", "iim.portfolio", "en"),
        ("IIM refund if I drop out for personal reasons", "iim.withdrawal_refund", "en"),
        ("enjmin mon master obligatoire ?", "enjmin.mon_master", "fr"),
    ],
)
def test_answers_paraphrases_in_the_right_language(
    assistant: Assistant, question: str, intent: str, lang: str
) -> None:
    reply = ask(assistant, question)
    assert reply.decision == "answer"
    assert reply.intent == intent
    assert reply.language == lang
    assert reply.source is not None


def test_countdown_and_past_dates(assistant: Assistant) -> None:
    before = ask(assistant, "date limite enjmin", today=TODAY).plain_text()
    assert "dans 13 jours" in before and "23 janvier 2026" in before and "avant le vendredi" in before
    after = ask(assistant, "date limite enjmin", today=date(2026, 2, 20)).plain_text()
    assert "est passée" in after and "dans " not in after
    english = ask(assistant, "ENJMIN deadline?", today=TODAY).plain_text()
    assert "in 13 days" in english and "UTC+1" in english and "before Friday" in english


def test_deadline_day_says_today_with_the_hour(assistant: Assistant) -> None:
    text = ask(assistant, "date limite enjmin ?", today=date(2026, 1, 23)).plain_text()
    assert "aujourd'hui" in text and "12h" in text


def test_a_time_the_candidate_states_counts_on_a_date_only_clock(assistant: Assistant) -> None:
    text = ask(
        assistant, "il est 15h30, je peux encore déposer mon dossier enjmin ?", today=date(2026, 1, 23)
    )
    assert "l'heure est passée" in text.plain_text()


def test_session_over_is_said_with_contact(assistant: Assistant) -> None:
    reply = ask(assistant, "calendrier du concours enjmin", today=date(2026, 11, 22))
    text = reply.plain_text()
    assert "terminée" in text and "master.enjmin@lecnam.net" in text
    assert not re.search(r"dans \d+ jours", text)


# --------------------------------------------------------------------------- programmes


@pytest.mark.parametrize(
    ("question", "programme"),
    [
        ("c'est quand la date limite pour l'école de jeux d'Angoulême ?", "enjmin"),
        ("deadline for the games school?", "enjmin"),
        ("les pièces à fournir pour l'école multimédia de la Défense ?", "iim"),
        ("documents pour le pôle Léonard de Vinci ?", "iim"),
        ("le master jeux du Cnam c'est sur concours ?", "enjmin"),
    ],
)
def test_programme_named_by_description(assistant: Assistant, question: str, programme: str) -> None:
    reply = ask(assistant, question)
    assert reply.decision == "answer" and reply.programme == programme


def test_diploma_words_are_not_programmes(assistant: Assistant) -> None:
    u = assistant.reader.read("j'ai un BTS et un BUT MMI, et une licence")
    assert u.mention.named == [] and u.mention.described == []


def test_no_programme_and_a_shared_topic_answers_each_programme(assistant: Assistant) -> None:
    reply = ask(assistant, "c'est quand la date limite ?")
    text = fold(reply.plain_text())
    assert reply.decision == "answer" and reply.programme is None
    assert "iim" in text and "enjmin" in text and "23 janvier" in text
    assert len(reply.plain_text()) <= 1500
    assert {b.action for b in reply.suggestions} == {"topic:deadline@iim", "topic:deadline@enjmin"}


def test_a_topic_of_one_programme_only_goes_to_that_programme(assistant: Assistant) -> None:
    reply = ask(assistant, "mon master c obligatoire ?")
    assert reply.decision == "answer" and reply.programme == "enjmin"


def test_the_page_saying_nothing_is_said_with_whom_to_ask(assistant: Assistant) -> None:
    text = fold(ask(assistant, "is there a waiting list at ENJMIN?").plain_text())
    assert "says nothing" in text and "master.enjmin@lecnam.net" in text


def test_too_long_for_one_reply_asks_which_programme(assistant: Assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import assistant.composer as composer

    monkeypatch.setattr(composer, "MAX_COMPACT_CHARS", 50)
    conv = Conversation()
    reply = assistant.ask("quels documents faut-il envoyer ?", conv, today=TODAY)
    assert reply.decision == "clarify"
    assert {b.action for b in reply.buttons} == {"topic:documents@iim", "topic:documents@enjmin"}
    answer = assistant.ask("enjmin", conv, today=TODAY)  # answering "which programme?" with its name
    assert answer.decision == "answer" and answer.intent == "enjmin.documents"


def test_programme_button_answers_the_pending_question(assistant: Assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import assistant.composer as composer

    monkeypatch.setattr(composer, "MAX_COMPACT_CHARS", 50)
    conv = Conversation()
    first = assistant.ask("quels documents faut-il envoyer ?", conv, today=TODAY)
    assert first.decision == "clarify"
    second = assistant.press(first.buttons[0].action, conv, today=TODAY)
    assert (
        second.decision == "answer"
        and second.intent == first.buttons[0].action.split(":")[1].replace("documents@", "") + ".documents"
    )


# --------------------------------------------------------------------------- conversations


def test_follow_up_keeps_programme(assistant: Assistant) -> None:
    conv = Conversation()
    assistant.ask("date limite enjmin", conv, today=TODAY)
    reply = assistant.ask("et pour les étrangers ?", conv, today=TODAY)
    assert reply.programme == "enjmin"
    assert reply.decision == "answer"


@pytest.mark.parametrize(
    "follow_up", ["et pour l'autre école ?", "what about the other school?", "same question for IIM"]
)
def test_follow_up_about_the_other_programme_keeps_the_topic(assistant: Assistant, follow_up: str) -> None:
    conv = Conversation()
    assistant.ask("c'est quoi les frais de dossier à l'enjmin ?", conv, today=TODAY)
    reply = assistant.ask(follow_up, conv, today=TODAY)
    assert reply.decision == "answer" and reply.intent == "iim.fees"


@pytest.mark.parametrize("follow_up", ["and what's optional?", "et c'est quoi qui est facultatif ?"])
def test_a_follow_up_that_reads_like_help_asks_about_the_last_subject(
    assistant: Assistant, follow_up: str
) -> None:
    conv = Conversation()
    assistant.ask("what's mandatory in the IIM cycle sup application?", conv, today=TODAY)
    reply = assistant.ask(follow_up, conv, today=TODAY)
    assert reply.decision == "answer" and reply.intent in ("iim.documents", "iim.portfolio")


def test_a_follow_up_describing_the_same_school_is_read_with_the_last_question(assistant: Assistant) -> None:
    conv = Conversation()
    assistant.ask("les oraux du concours enjmin ça tombe quand", conv, today=TODAY)
    reply = assistant.ask("faut se déplacer à angoulême pour ça ?", conv, today=TODAY)
    assert reply.decision == "answer" and reply.intent == "enjmin.interview"


def test_a_programme_named_in_an_address_is_a_mention(assistant: Assistant) -> None:
    reply = ask(assistant, "whats the difference between master.enjmin and assistance.enjmin emails?")
    assert reply.programme == "enjmin" and "iim" not in fold(reply.plain_text())


def test_a_formal_letter_is_read_without_its_request_frame_and_signature(assistant: Assistant) -> None:
    letter = (
        "Madame, Monsieur,\nMon fils souhaite se présenter au concours de l'ENJMIN. Pourriez-vous me "
        "communiquer la date limite d'inscription ?\nRespectueusement,\nJ.-P. Garnier"
    )
    reply = ask(assistant, letter)
    assert reply.decision == "answer" and reply.intent == "enjmin.deadline"


@pytest.mark.parametrize("next_step", ["et après ?", "ok et ensuite ?", "what's next?"])
def test_what_comes_next_is_the_step_the_knowledge_base_names(assistant: Assistant, next_step: str) -> None:
    conv = Conversation()
    first = assistant.ask("qu'est-ce qui rend l'admission définitive à l'iim ?", conv, today=TODAY)
    assert first.intent == "iim.confirmation"
    reply = assistant.ask(next_step, conv, today=TODAY)
    assert reply.decision == "answer" and reply.intent == "iim.start_date"


def test_what_comes_next_without_a_next_step_offers_the_follow_ups(assistant: Assistant) -> None:
    conv = Conversation()
    assistant.ask("frais de dossier iim ?", conv, today=TODAY)
    reply = assistant.ask("et après ?", conv, today=TODAY)
    assert reply.decision == "clarify" and [b.action for b in reply.buttons] == [
        "topic:documents@iim",
        "topic:withdrawal_refund@iim",
    ]


def test_a_question_relayed_by_a_moderator_is_read_apart_from_the_relay(assistant: Assistant) -> None:
    reply = ask(assistant, "mod of the enjmin applicants discord here, ppl keep asking when the orals happen")
    assert reply.decision == "answer" and reply.intent == "enjmin.interview"


def test_gibberish_after_an_answer_is_not_answered_again(assistant: Assistant) -> None:
    conv = Conversation()
    first = assistant.ask("date limite enjmin", conv, today=TODAY)
    reply = assistant.ask("qsdkjh zzkq", conv, today=TODAY)
    assert reply.decision == "clarify" and reply.blocks != first.blocks
    assert reply.intent is None


def test_short_message_follows_the_conversation_language(assistant: Assistant) -> None:
    conv = Conversation()
    assistant.ask("bonjour, je voudrais des infos sur l'enjmin", conv, today=TODAY)
    reply = assistant.ask("deadline ??", conv, today=TODAY)
    assert reply.language == "fr"
    assert ask(assistant, "When is the ENJMIN deadline, please?", conv=conv).language == "en"


# --------------------------------------------------------------------------- messages of several sentences


def test_two_questions_get_two_answers(assistant: Assistant) -> None:
    reply = ask(assistant, "c'est quand la date limite pour l'enjmin ? et il faut quels documents ?")
    text = fold(reply.plain_text())
    assert reply.decision == "answer"
    assert "23 janvier" in text and "dossier creatif" in text


def test_situation_first_question_last_gets_a_personal_verdict(assistant: Assistant) -> None:
    reply = ask(
        assistant,
        "Bonjour, j'ai un BTS et 1 an d'expérience en studio. Je peux tenter le master de l'ENJMIN ?",
    )
    text = fold(reply.plain_text())
    assert reply.decision == "answer" and reply.programme == "enjmin"
    assert "pas encore eligible" in text and "bac + 2" in text
    assert reply.suggestions[0].action == "topic:checklist@enjmin"


def test_experience_stated_in_passing_leads_to_the_vapp(assistant: Assistant) -> None:
    reply = ask(
        assistant, "I've worked as a game developer for 6 years with no degree, can I apply to ENJMIN?"
    )
    text = fold(reply.plain_text())
    assert "you can apply" in text and "vapp" in text


def test_french_below_b2_is_one_verdict_not_eligible(assistant: Assistant) -> None:
    reply = ask(assistant, "I have a bachelor from Brazil and my French is B1, can I apply to ENJMIN?")
    text = fold(reply.plain_text())
    assert "condition is not met" in text and "b2" in text


# --------------------------------------------------------------------------- declines and doubts


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("quel temps fait-il à Lyon ?", "offtopic"),
        ("donne moi une recette de tarte", "offtopic"),
        ("combien coûte l'année à l'ENJMIN ?", "tuition"),
        ("logement étudiant près de l'école ?", "housing"),
    ],
)
def test_out_of_scope_is_declined_with_contacts(assistant: Assistant, question: str, topic: str) -> None:
    reply = ask(assistant, question)
    assert reply.decision == "decline"
    assert assistant.kb.topics[reply.intent].kind == "decline"
    assert topic in {reply.intent, "offtopic"}
    assert "@" in reply.plain_text() or "page" in reply.plain_text()


def test_unsure_admissions_question_gets_did_you_mean_not_a_decline(
    assistant: Assistant, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(assistant.reader.model.thresholds, "answer", 0.999)
    reply = ask(assistant, "il reste combien de temps pour envoyer ma candidature enjmin")
    assert reply.decision == "clarify"
    assert 2 <= len(reply.buttons) <= 3
    assert all(b.action.startswith("topic:") for b in reply.buttons)
    assert "deadline" in {b.action.split(":")[1].split("@")[0] for b in reply.buttons}


def test_never_invents_iim_fee_amount(assistant: Assistant) -> None:
    text = ask(assistant, "combien coûtent les frais de dossier à l'IIM ?").plain_text()
    assert "€" not in text and "euro" not in fold(text)
    assert "fiche tarif" in fold(text)
    assert not fold(text).startswith("oui")


def test_programme_answers_do_not_mix(assistant: Assistant) -> None:
    iim = fold(ask(assistant, "quelles pièces pour le dossier IIM ?").plain_text())
    assert "enjmin" not in iim and "mon master" not in iim
    enjmin = fold(ask(assistant, "quelles pièces pour le dossier ENJMIN ?").plain_text())
    assert "iim" not in enjmin and "fiche tarif" not in enjmin


def test_a_stated_situation_does_not_hide_a_question_about_something_else(assistant: Assistant) -> None:
    exams = ask(
        assistant, "I'm in L3 cinema with a licence. When are the written exams of the ENJMIN master?"
    )
    assert exams.intent == "enjmin.written_exams" and "bac + 5" not in exams.plain_text()
    # a generic "can I get in?" after the situation asks about the situation
    me = ask(
        assistant, "I'm 40, no diploma at all, 12 years as a 3D artist. Can I get into the ENJMIN master?"
    )
    assert me.intent == "enjmin.experience" and "VAPP" in me.plain_text()


def test_a_second_sentence_is_answered_beside_an_admissions_question_only_when_sure(
    assistant: Assistant,
) -> None:
    vague = ask(
        assistant, "what's the point of the interview at IIM? is it technical or more about me as a person"
    )
    assert vague.intent == "iim.interview"
    both = ask(assistant, "c'est quand la date limite enjmin ? et je peux parler à quelqu'un de l'équipe ?")
    assert both.intent == "enjmin.deadline+human"


def test_several_answers_after_the_session_stay_readable(assistant: Assistant) -> None:
    """Three dated answers at once after the session: the first in full, the others in short, and the
    session said to be over once."""
    from datetime import date

    reply = assistant.ask(
        "enjmin: c quand la date limite ? et les oraux ? et les écrits ?",
        Conversation(),
        today=date(2026, 11, 27),
    )
    text = reply.plain_text()
    assert reply.intent == "enjmin.deadline+enjmin.interview+enjmin.written_exams"
    assert text.count("La session 2026 est terminée") == 1
    assert len(text) < 2000  # three full answers made 2,800 characters
    assert "26 au" in text or "26 mai" in text  # the orals are still there, in short


def test_what_comes_next_with_nothing_before_is_not_declined(assistant: Assistant) -> None:
    reply = assistant.ask("et après ?", Conversation(), today=TODAY)
    assert reply.decision == "clarify" and reply.intent is None


def test_after_an_enjmin_list_the_next_step_is_given_and_confirmation_is_said_unknown(
    assistant: Assistant,
) -> None:
    reply = ask(assistant, "comment je confirme mon admission au master de l'enjmin ?")
    text = fold(reply.plain_text())
    assert reply.intent == "enjmin.confirmation"
    assert "mon master" in text and "master.enjmin@lecnam.net" in text
    assert "ne dit pas comment confirmer" in text


def test_did_you_mean_about_a_named_programme_answers_for_it(assistant: Assistant) -> None:
    reply = ask(assistant, "enjmin: the thing with the long name, what's it called exactly lol")
    assert reply.decision == "clarify" and reply.buttons
    assert reply.programme == "enjmin" and "ENJMIN" in (reply.title or "")
    assert all(b.action.endswith("@enjmin") for b in reply.buttons if b.action.startswith("topic:"))


def test_the_other_school_after_a_did_you_mean_asks_about_that_school(assistant: Assistant) -> None:
    conv = Conversation()
    first = assistant.ask(
        "enjmin: the thing with the long name, what's it called exactly lol", conv, today=TODAY
    )
    assert first.decision == "clarify" and first.programme == "enjmin"
    reply = assistant.ask("et pour l'autre école ?", conv, today=TODAY)
    assert reply.decision == "clarify" and reply.programme == "iim"  # not declined as "other schools"
