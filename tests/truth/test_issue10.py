"""Issue 10, item by item: each fact a candidate was told wrongly, as a new user would ask on 2026-11-27
(after the 2026 ENJMIN session) or during the session, checked against the two source pages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant import timefmt
from assistant.checklist import Profile, build_checklist, render_text, to_ics
from assistant.composer import Composer
from assistant.context import Conversation
from assistant.engine import Assistant
from assistant.kb.loader import KnowledgeBase

AFTER = date(2026, 11, 27)  # the 2026 ENJMIN session is over
DURING = date(2026, 1, 10)
FOREIGN_B1 = {
    "programme": "enjmin",
    "polytechnique_4a": False,
    "diploma_level": 3,
    "foreign_diploma": True,
    "french_level": "B1",
    "training_mode": "initiale",
}


def ask(assistant: Assistant, text: str, today: date, programme: str | None = None) -> str:
    return assistant.ask(text, Conversation(bound_programme=programme), today=today).plain_text()


def answer(composer: Composer, kb: KnowledgeBase, pid: str, topic: str, lang: str, today: date) -> str:
    return composer.answer(kb.programmes[pid], topic, lang, timefmt.now_for(today), 1.0).plain_text()


# 1 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_1_polytechnique_file_is_not_listed_under_the_application_deadline(
    composer: Composer, kb: KnowledgeBase, lang: str
) -> None:
    text = answer(composer, kb, "enjmin", "documents", lang, DURING)
    listed = [line for line in text.splitlines() if line.startswith("- ")]
    assert listed and not any("polytechnique" in line for line in listed), text
    poly = next(line for line in text.splitlines() if "polytechnique" in line)
    assert ("25 février 2026" if lang == "fr" else "25 February 2026") in poly
    assert "23" not in poly


# 2 ------------------------------------------------------------------------------------------------
def test_2_the_procedure_after_the_session_says_it_is_over_and_what_to_prepare(
    assistant: Assistant,
) -> None:
    text = ask(assistant, "how does the ENJMIN competition work?", AFTER)
    assert "2026 session is over" in text and "not published yet" in text
    assert "What you can prepare now" in text and "ENIC-NARIC" in text and "master.enjmin@lecnam.net" in text
    assert "2026, 12:00" not in text and not re.search(r"in \d+ days", text)  # no 2026 step dates


def test_2_applying_for_next_year_without_a_programme(assistant: Assistant) -> None:
    reply = assistant.ask("I want to apply for 2027, what do I do now?", Conversation(), today=AFTER)
    assert "confirmation" not in (reply.intent or "")
    assert "not published yet" in reply.plain_text()


# 3 ------------------------------------------------------------------------------------------------
def test_3_the_deadline_is_before_not_on(composer: Composer, kb: KnowledgeBase) -> None:
    fr = answer(composer, kb, "enjmin", "deadline", "fr", DURING)
    assert "avant le vendredi 23 janvier 2026 à 12h (UTC+1" in fr and "finalisée le" not in fr
    assert "before Friday 23 January 2026 at 12:00 (UTC+1" in answer(
        composer, kb, "enjmin", "deadline", "en", DURING
    )


# 4 ------------------------------------------------------------------------------------------------
def test_4_french_b1_is_not_eligible_as_things_stand(kb: KnowledgeBase) -> None:
    c = build_checklist(kb, Profile(**FOREIGN_B1, language="en"), date(2026, 1, 13))
    text = render_text(c)
    assert c.eligible is False
    assert "Eligible —" not in text and "Not eligible as things stand" in text
    assert "B2" in (c.reason or "") and "would change" in (c.reason or "")


# 5 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_5_after_the_session_nothing_is_overdue_and_no_lead_time_is_compared_with_the_past(
    kb: KnowledgeBase, lang: str
) -> None:
    profile = Profile(**{**FOREIGN_B1, "french_level": "C1"}, language=lang)
    text = render_text(build_checklist(kb, profile, AFTER))
    for stale in ("overdue", "dépassé", "would arrive", "arriverait", "23 janvier", "23 January"):
        assert stale not in text, stale
    assert ("à annoncer" if lang == "fr" else "to be announced") in text
    assert ("à commencer maintenant" if lang == "fr" else "start now") in text


# 6 ------------------------------------------------------------------------------------------------
def test_6_the_orals_span_four_days_in_the_calendar_file(kb: KnowledgeBase) -> None:
    profile = Profile(**{**FOREIGN_B1, "french_level": "C1"})
    ics = to_ics(build_checklist(kb, profile, DURING)).decode()
    event = ics.split("SUMMARY:Passer les épreuves orales")[1].split("END:VEVENT")[0]
    assert "DTSTART;VALUE=DATE:20260526" in event and "DTEND;VALUE=DATE:20260530" in event


# 7 ------------------------------------------------------------------------------------------------
def test_7_answers_lead_with_the_answer(composer: Composer, kb: KnowledgeBase) -> None:
    fees = answer(composer, kb, "iim", "fees", "fr", DURING).split("\n\n")[1]
    assert not fees.startswith("Oui") and fees.startswith("Le montant n'est pas indiqué sur la page")
    ves = answer(composer, kb, "enjmin", "non_rncp", "fr", DURING).split("\n\n")[1]
    first_sentence = ves.split(". ")[0]  # what a VES is, before whom it is not for
    assert first_sentence.startswith("La VES (Validation des études supérieures)")
    assert "pas de VES" not in first_sentence and "RNCP niveau 6" not in first_sentence
    for p in kb.programmes.values():  # no description or marketing sentence opens an answer
        for topic in p.answers:
            for lang in ("fr", "en"):
                first = answer(composer, kb, p.id, topic, lang, DURING).split("\n\n")[1]
                assert not first.startswith(p.programme.summary.get(lang)[:40]), (p.id, topic)
                assert "passionné" not in first and "Passionate" not in first, (p.id, topic)


# 8 ------------------------------------------------------------------------------------------------
def test_8_discord_and_text_say_the_same_past_and_overdue(kb: KnowledgeBase) -> None:
    discord_render = pytest.importorskip("adapters.discord.render")
    c = build_checklist(kb, Profile(**FOREIGN_B1, language="en"), date(2026, 1, 24))
    text = render_text(c)
    embed = discord_render.checklist_embed(c)
    fields = {f.name: f.value for f in embed.fields}
    subject = next(v for k, v in fields.items() if "Read the specifications" in k)
    deadline = next(v for k, v in fields.items() if "Upload the complete file" in k)
    assert "past (43 day(s) ago)" in subject and "overdue" not in subject
    assert "overdue by 1 day(s)" in deadline
    assert "past (43 day(s) ago)" in text and "overdue by 1 day(s)" in text


# 9 ------------------------------------------------------------------------------------------------
def test_9_dates_after_the_session_say_what_next(assistant: Assistant) -> None:
    conv = Conversation(bound_programme="enjmin")
    text = assistant.deadlines(conv, today=AFTER, language="en").plain_text()
    assert "session is over" in text and "not published yet" in text
    assert "master.enjmin@lecnam.net" in text and "official page" in text


# 10 -----------------------------------------------------------------------------------------------
def test_10_no_invented_deadline_or_outcome(kb: KnowledgeBase) -> None:
    profiles = {
        "foreign": {**FOREIGN_B1, "french_level": "C1"},
        "ves": {**FOREIGN_B1, "foreign_diploma": False, "diploma_rncp": False},
        "vapp": {
            **FOREIGN_B1,
            "foreign_diploma": False,
            "diploma_level": 2,
            "professional_experience_years": 5,
        },
    }
    for name, fields in profiles.items():
        c = build_checklist(kb, Profile(**fields, language="en"), DURING)
        items = {i.id: i for i in c.items}
        for undated in ("requirement:enic_naric", "requirement:ves_file", "requirement:vapp_file"):
            if undated in items:
                assert items[undated].due is None, (name, undated)
        if "step:etudes_en_france" in items:
            assert items["step:etudes_en_france"].due is None
        if name in ("ves", "vapp"):
            assert c.eligible is None  # the page gives no outcome for a VES or a VAPP
            assert "part of your application" not in render_text(c)
    text = render_text(build_checklist(kb, Profile(**profiles["foreign"], language="en"), DURING))
    subject = text.split("Read the specifications")[1].split("\n")[1]
    assert subject.strip().startswith("date:")  # a release date, not "due"


# 11 -----------------------------------------------------------------------------------------------
def test_11_interpretations_are_not_stated_as_facts(
    composer: Composer, kb: KnowledgeBase, assistant: Assistant
) -> None:
    poly = build_checklist(kb, Profile(programme="enjmin", polytechnique_4a=True), DURING)
    assert poly.eligible is None and "step:application" in {i.id for i in poly.items}
    second_year = answer(composer, kb, "enjmin", "second_year", "en", DURING)
    assert "not possible" in second_year and "polytechnique" in second_year
    calendar = answer(composer, kb, "enjmin", "calendar", "fr", DURING)
    mon_master = next(line for line in calendar.splitlines() if "Mon Master" in line)
    assert "formation initiale et continue" in mon_master and "admis aux écrits" in mon_master
    vae = answer(composer, kb, "enjmin", "experience", "en", DURING)
    assert "VAPP is not the VAE" in vae


# 12 -----------------------------------------------------------------------------------------------
def test_12_conditions_are_kept_and_advice_is_not_the_schools(composer: Composer, kb: KnowledgeBase) -> None:
    selection = answer(composer, kb, "iim", "selection", "fr", DURING)
    assert "soit le rejet de la candidature, soit une convocation" in selection
    overview = answer(composer, kb, "iim", "overview", "fr", DURING)
    assert "Entretien de motivation, si le courrier vous y convoque" in overview
    c = build_checklist(kb, Profile(**{**FOREIGN_B1, "french_level": "C1"}), date(2025, 12, 1))
    warnings = " ".join(c.warnings)
    assert "ENIC-NARIC" in warnings and "sans attendre" not in warnings
    assert "La page ne dit pas" in warnings and "service recrutement" in warnings
    advice = {
        "fr": ("sans attendre", "sans tarder", "mieux vaut", "appuyer votre dossier", "nous recommandons"),
        "en": ("without delay", "at once", "better to", "support your file", "we recommend"),
    }
    for p in kb.programmes.values():
        for topic in p.answers:
            for lang, words in advice.items():
                for day in (DURING, AFTER):
                    text = answer(composer, kb, p.id, topic, lang, day)
                    assert not any(w in text for w in words), (p.id, topic, lang)


# 13 -----------------------------------------------------------------------------------------------
def test_13_update_date_consulter_link_and_a_cut_address(
    composer: Composer, kb: KnowledgeBase, assistant: Assistant
) -> None:
    for topic in ("deadline", "calendar"):
        assert "16/01/2026" in answer(composer, kb, "enjmin", topic, "fr", DURING)
    results = answer(composer, kb, "enjmin", "results", "fr", DURING)
    assert "« Consulter »" in results
    reply = composer.answer(kb.programmes["enjmin"], "deadline", "en", timefmt.now_for(DURING), 1.0)
    assert reply.source is not None and reply.source.url == ""  # not a clickable link that may be dead
    assert "may be cut short" in reply.source.label and "candidater-au-master-audiovi" in reply.source.label


# 14 -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_14_a_zone_only_where_the_page_gives_one(composer: Composer, kb: KnowledgeBase, lang: str) -> None:
    results = answer(composer, kb, "enjmin", "results", lang, DURING)
    assert "UTC" not in results  # « 5 mars 2026 (16h) »: no offset on the page
    assert ("heure de Paris" if lang == "fr" else "Paris time") in results
    assert "UTC+1" in answer(composer, kb, "enjmin", "deadline", lang, DURING)  # « 12h UTC+1 »


# 15 -----------------------------------------------------------------------------------------------
def test_15_lists_are_one_item_per_line(composer: Composer, kb: KnowledgeBase) -> None:
    tracks = answer(composer, kb, "iim", "tracks", "fr", DURING)
    assert len([line for line in tracks.splitlines() if line.startswith("- Axe")]) == 5
    documents = answer(composer, kb, "iim", "documents", "fr", DURING)
    assert len([line for line in documents.splitlines() if line.startswith("- ")]) >= 8
    assert "; Photocopie" not in documents
    international = answer(composer, kb, "enjmin", "international", "fr", DURING)
    assert len([line for line in international.splitlines() if line.startswith("- ")]) == 3


def test_15_lists_stay_lists_on_the_chat_channels(composer: Composer, kb: KnowledgeBase) -> None:
    """The core's "- " lines are what Telegram and Discord turn into bullets, one per line."""
    telegram = pytest.importorskip("adapters.telegram.render")
    discord_render = pytest.importorskip("adapters.discord.render")
    reply = composer.answer(kb.programmes["iim"], "documents", "fr", timefmt.now_for(DURING), 1.0)
    html = "".join(out.html for out in telegram.render_reply(reply, telegram.CallbackCodec()))
    items = [line for line in html.split("\n") if line.startswith(("• ", "- "))]
    assert len(items) >= 8 and any(line.endswith("Lettre de motivation") for line in items)
    embed = discord_render.reply_embed(reply)
    assert (embed.description or "").count("\n• ") >= 8
