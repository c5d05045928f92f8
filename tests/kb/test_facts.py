"""The key facts of the two source pages are in the bundled knowledge base, exactly as the pages give them.

Sources: the Cnam-ENJMIN page « Candidater au master audiovisuel, médias interactifs numériques, jeux »
(2026 calendar) and the IIM page « Procédure d'admission en Cycle Supérieur ». A failure here means a
knowledge file no longer says what the page says (or says something the page does not).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from assistant.kb.loader import KnowledgeBase, ProgrammeData, event_start
from assistant.kb.models import Answer, I18n

from .support import KNOWLEDGE, read_yaml

PARIS = ZoneInfo("Europe/Paris")
WINTER, SUMMER = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))


def fold(text: str) -> str:
    """Lower-case, accents removed, typographic apostrophes and spaces made plain: for `in` tests."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.replace("’", "'")).lower()


def has(texts: I18n | str, *words: str, lang: str | None = None) -> bool:
    """Whether every word appears (accent/case-insensitively) in the text, in `lang` or in either language."""
    if isinstance(texts, str):
        haystack = fold(texts)
    elif lang is not None:
        haystack = fold(texts.get(lang))
    else:
        haystack = fold(texts.fr + " " + texts.en)
    return all(fold(w) in haystack for w in words)


def answer(kb: KnowledgeBase, programme: str, topic: str) -> Answer:
    """The programme's answer to `topic` (`<programme>.<topic>`), which must exist."""
    found = kb.answer(programme, topic)
    assert found is not None, f"{programme}.{topic} is not answered"
    return found


@pytest.fixture(scope="module")
def enjmin(bundled_kb: KnowledgeBase) -> ProgrammeData:
    return bundled_kb.programmes["enjmin"]


@pytest.fixture(scope="module")
def iim(bundled_kb: KnowledgeBase) -> ProgrammeData:
    return bundled_kb.programmes["iim"]


# =========================================================================== Cnam-ENJMIN

# event id -> (start, end) exactly as the page gives them; times are Paris local time.
ENJMIN_CALENDAR = {
    "subject_release": (
        datetime(2025, 12, 12, 15, 0, tzinfo=WINTER),
        None,
    ),  # vendredi 12 décembre 2025 (15h)
    "deadline": (datetime(2026, 1, 23, 12, 0, tzinfo=WINTER), None),  # vendredi 23 janvier 2026, 12h UTC+1
    "mon_master_window": (date(2026, 2, 17), date(2026, 3, 16)),  # du mardi 17 février au lundi 16 mars 2026
    "polytechnique_deadline": (date(2026, 2, 25), None),  # au plus tard le mercredi 25 février 2026
    "written_admissible": (datetime(2026, 3, 5, 16, 0, tzinfo=WINTER), None),  # jeudi 5 mars 2026 (16h)
    "written_exams": (date(2026, 3, 28), None),  # samedi 28 mars 2026
    "oral_admissible": (datetime(2026, 5, 5, 16, 0, tzinfo=SUMMER), None),  # mardi 5 mai 2026 (16h)
    "oral_exams": (date(2026, 5, 26), date(2026, 5, 29)),  # du mardi 26 au vendredi 29 mai 2026
    "final_results": (datetime(2026, 6, 3, 16, 0, tzinfo=SUMMER), None),  # mercredi 3 juin 2026 (16h)
}


@pytest.mark.parametrize(("event_id", "expected"), ENJMIN_CALENDAR.items(), ids=list(ENJMIN_CALENDAR))
def test_enjmin_calendar_dates(enjmin: ProgrammeData, event_id: str, expected: tuple) -> None:
    start, end = expected
    event = enjmin.events[event_id]
    assert type(event.start) is type(start), f"{event_id}: a {type(start).__name__} is expected"
    assert event.start == start
    assert event.end == end
    if isinstance(start, datetime):  # same instant AND same written offset
        assert event.start.utcoffset() == start.utcoffset()


def test_enjmin_calendar_has_no_other_event(enjmin: ProgrammeData) -> None:
    assert set(enjmin.events) == set(ENJMIN_CALENDAR)


def test_enjmin_deadline_is_11h_utc(enjmin: ProgrammeData) -> None:
    """« avant le vendredi 23 janvier 2026, 12h UTC+1 » is 11:00 UTC."""
    deadline = enjmin.events["deadline"]
    assert deadline.start.astimezone(UTC) == datetime(2026, 1, 23, 11, 0, tzinfo=UTC)
    assert deadline.kind == "deadline" and deadline.reminder
    assert event_start(deadline).isoformat().startswith("2026-01-23T12:00:00+01:00")


def test_enjmin_times_are_paris_local_time(enjmin: ProgrammeData) -> None:
    """The page gives bare hours (15h, 16h): read as Paris time, UTC+1 before 29 March 2026, UTC+2 after."""
    for event in enjmin.file.events:
        for value in (event.start, event.end):
            if isinstance(value, datetime):
                assert value.utcoffset() == value.astimezone(PARIS).utcoffset(), event.id


def test_enjmin_event_kinds(enjmin: ProgrammeData) -> None:
    kinds = {e.id: e.kind for e in enjmin.file.events}
    assert kinds["subject_release"] == "launch"
    assert kinds["deadline"] == kinds["polytechnique_deadline"] == "deadline"
    assert kinds["mon_master_window"] == "window"
    assert kinds["written_exams"] == kinds["oral_exams"] == "exam"
    assert {kinds[i] for i in ("written_admissible", "oral_admissible", "final_results")} == {"publication"}


def test_enjmin_exam_modalities(enjmin: ProgrammeData) -> None:
    assert has(enjmin.events["written_exams"].title, "distance", lang="fr")
    assert has(enjmin.events["oral_exams"].title, "distance", "presentiel", "parcours", lang="fr")


def test_enjmin_contacts_and_their_purpose(enjmin: ProgrammeData) -> None:
    by_email = {c.email: c.purpose for c in enjmin.programme.contacts}
    assert by_email == {
        "master.enjmin@lecnam.net": "recruitment",
        "assistance.enjmin@lecnam.net": "technical",
    }
    assert has(enjmin.contacts["technical"].label, "assistance technique", lang="fr")


def test_enjmin_contact_answers_cite_the_right_addresses(bundled_kb: KnowledgeBase) -> None:
    for lang in ("fr", "en"):
        assert "{contact:recruitment}" in answer(bundled_kb, "enjmin", "contact").answer.get(lang)
        assert "{contact:technical}" in answer(bundled_kb, "enjmin", "contact").answer.get(lang)
        assert "{contact:technical}" in answer(bundled_kb, "enjmin", "tech_support").answer.get(lang)
        assert "{contact:recruitment}" in answer(bundled_kb, "enjmin", "tech_support").answer.get(lang)


def test_enjmin_eligibility_paths(enjmin: ProgrammeData) -> None:
    rules = enjmin.rules
    # RNCP level 6 / bac + 3: direct application
    assert rules["direct"].path == "direct" and rules["direct"].eligible is True
    assert has(rules["direct"].text, "RNCP niveau 6", "bac + 3", "licence", "BUT", "Bachelor", lang="fr")
    assert rules["direct"].when is not None and rules["direct"].when.fields() == {
        "diploma_level",
        "diploma_rncp",
    }
    # 3 years equivalent to bac + 3 without RNCP recognition: VES
    assert rules["ves"].path == "ves"
    assert has(
        rules["ves"].text, "sans reconnaissance RNCP", "VES", "Validation des etudes superieures", lang="fr"
    )
    assert rules["ves"].requires is not None and has(rules["ves"].requires, "VES")
    # more than 3 years of professional and/or personal experience: VAPP
    vapp = rules["vapp"]
    assert vapp.path == "vapp" and vapp.when is not None
    assert vapp.when.field == "professional_experience_years" and vapp.when.gt == 3  # "plus de 3 années"
    assert has(vapp.text, "plus de 3", "professionnelle et/ou personnelle", "VAPP", lang="fr")


def test_enjmin_eligibility_rule_order(enjmin: ProgrammeData) -> None:
    """Rules are tried in order: the Polytechnique and foreign-degree cases come before the general ones."""
    order = [r.id for r in enjmin.file.eligibility]
    assert order.index("polytechnique_m2") < order.index("direct")
    assert order.index("direct_foreign") < order.index("direct") < order.index("ves")
    assert order[-1] == "not_eligible" and enjmin.rules["not_eligible"].eligible is False


def test_enjmin_enic_naric(enjmin: ProgrammeData) -> None:
    req = next(r for r in enjmin.file.requirements if r.id == "enic_naric")
    assert has(req.detail, "payant", "quatre mois", "niveau 6", "CEC", lang="fr")
    assert has(req.detail, "paid", "four months", "level 6", "EQF", lang="en")
    assert req.lead_time_days is not None and 110 <= req.lead_time_days <= 130  # about four months
    assert req.when is not None and req.when.field == "foreign_diploma"
    # the page dates the certificate by nothing (issue 10, item 10): no due date, only a comparison
    assert req.event is None and req.lead_time_until == "deadline"
    assert has(req.detail, "ne dit pas a quelle date", "service recrutement", lang="fr")
    assert has(
        enjmin.policies["international"].text, "ENIC-NARIC", "payant", "quatre mois", "niveau 6", lang="fr"
    )


def test_enjmin_french_b2_with_the_creative_file(enjmin: ProgrammeData) -> None:
    req = next(r for r in enjmin.file.requirements if r.id == "french_b2")
    assert has(req.title, "B2", "francais", lang="fr")
    assert has(req.detail, "dossier creatif", lang="fr")
    assert has(enjmin.policies["international"].text, "B2", "dossier creatif", lang="fr")


def test_enjmin_languages_m1_french_m2_english(enjmin: ProgrammeData) -> None:
    policy = enjmin.policies["languages"].text
    assert has(policy, "premiere annee", "en francais", "deuxieme annee", "en anglais", lang="fr")
    assert has(policy, "first year", "French", "second year", "English", lang="en")
    assert has(enjmin.programme.languages_of_instruction, "M1", "M2", lang="en")


def test_enjmin_no_direct_entry_to_m2(enjmin: ProgrammeData) -> None:
    assert has(
        enjmin.policies["no_direct_m2"].text,
        "obligatoirement",
        "1re annee",
        "pas possible",
        "directement en deuxieme annee",
        lang="fr",
    )
    assert has(enjmin.policies["no_direct_m2"].text, "not possible", "second year", lang="en")


def test_enjmin_etudes_en_france_no_longer_in_parallel(enjmin: ProgrammeData) -> None:
    policy = enjmin.policies["etudes_en_france"].text
    assert has(
        policy, "Depuis 2025", "ne doivent plus", "en parallele", "juin 2026", "pre-consulaire", lang="fr"
    )
    assert has(policy, "Since 2025", "no longer", "parallel", "June 2026", "pre-consular", lang="en")
    step = next(s for s in enjmin.file.steps if s.id == "etudes_en_france")
    # "if you are selected (June 2026)": no date to act by (issue 10, item 10), so no event
    assert step.event is None and has(step.detail, "juin 2026", "pas de date", lang="fr")
    assert step.when is not None and step.when.field == "foreign_diploma"


def test_enjmin_discord_is_run_by_students_who_do_not_answer_admin_questions(enjmin: ProgrammeData) -> None:
    policy = enjmin.policies["discord"].text
    assert has(
        policy,
        "ENJMIN - Recrutement",
        "etudiantes",
        "apprentis",
        "ne repondent pas",
        "administratives",
        lang="fr",
    )
    assert has(policy, "students", "do not answer administrative questions", lang="en")
    assert "discord" in enjmin.links


def test_enjmin_incomplete_file_is_not_studied(enjmin: ProgrammeData) -> None:
    assert has(enjmin.policies["incomplete"].text, "incomplet", "ne sera pas etudie", lang="fr")
    note = enjmin.events["deadline"].note
    assert note is not None and has(note, "incomplet", "ne sera pas etudie", lang="fr")


def test_enjmin_mon_master_requirement(enjmin: ProgrammeData) -> None:
    policy = enjmin.policies["mon_master_rule"].text
    assert has(policy, "formation initiale et continue", "epreuves ecrites", "Mon Master", lang="fr")
    assert has(
        policy,
        "n'aurait pas au prealable passe les epreuves du concours interne de cette annee",
        "ne sera pas etudiee",
        lang="fr",
    )
    window = enjmin.events["mon_master_window"]
    assert window.when is not None and window.when.field == "training_mode"
    assert set(window.when.in_ or []) == {"initiale", "continue"}


def test_enjmin_polytechnique_4a_m2_file(enjmin: ProgrammeData) -> None:
    doc = enjmin.documents["polytechnique_form"]
    assert doc.event == "polytechnique_deadline" and doc.required
    assert doc.paths == ["polytechnique_m2"]
    assert has(doc.title, "polytechnique", "4A", "M2", lang="fr")


def test_enjmin_competition_and_same_procedure_for_all(enjmin: ProgrammeData) -> None:
    assert has(
        enjmin.policies["competition"].text,
        "concours interne",
        "technique et artistique",
        "dossier administratif",
        "dossier creatif",
        "epreuves ecrites",
        "epreuves orales",
        lang="fr",
    )
    assert has(
        enjmin.policies["same_procedure"].text,
        "statut",
        "etablissement",
        "nationalite",
        "chaque etape",
        lang="fr",
    )
    assert {d.id for d in enjmin.file.documents if d.required} >= {"administrative_file", "creative_file"}


def test_enjmin_official_page_is_the_only_url(enjmin: ProgrammeData) -> None:
    """The page gives the address of the page itself and of no linked document."""
    urls = {link.id: link.url for link in enjmin.programme.links}
    assert urls.pop("official_page", "").startswith("https://enjmin.cnam.fr/candidater/")
    assert set(urls.values()) == {None}
    assert enjmin.programme.source == "official_page"


# =========================================================================== IIM Cycle Supérieur

IIM_REQUIRED = {
    "motivation_letter",
    "identity",
    "transcripts_two_years",
    "transcripts_three_years",
    "diplomas",
    "processing_fees",
}
IIM_OPTIONAL = {"reference_letters", "portfolio"}


def test_iim_documents_required_and_optional(iim: ProgrammeData) -> None:
    docs = iim.file.documents
    assert {d.id for d in docs if d.required} == IIM_REQUIRED
    assert {d.id for d in docs if not d.required} == IIM_OPTIONAL


def test_iim_document_contents(iim: ProgrammeData) -> None:
    d = iim.documents
    assert has(d["motivation_letter"].title, "lettre de motivation", lang="fr")
    identity = d["identity"]
    assert identity.condition is not None
    assert has(
        f"{identity.title.fr} ({identity.condition.fr})",
        "carte d'identite",
        "passeport",
        "etudiants etrangers",
    )
    assert has(d["diplomas"].title, "photocopie", "diplomes", lang="fr")
    assert has(
        d["reference_letters"].title,
        "lettres d'appreciation",
        "professeurs",
        "relations professionnelles",
        lang="fr",
    )
    assert has(
        d["portfolio"].title,
        "techniques",
        "sites",
        "animations",
        "graphiques",
        "dessins",
        "images",
        lang="fr",
    )


def test_iim_transcripts_two_years_or_three_if_repeated(iim: ProgrammeData) -> None:
    two, three = iim.documents["transcripts_two_years"], iim.documents["transcripts_three_years"]
    assert has(two.title, "deux dernieres annees", lang="fr")
    assert three.condition is not None
    assert has(f"{three.title.fr} ({three.condition.fr})", "trois dernieres annees", "redoublement")
    assert two.when is not None and (two.when.field, two.when.eq) == ("repeated_year", False)
    assert three.when is not None and (three.when.field, three.when.eq) == ("repeated_year", True)


def test_iim_processing_fees_with_the_fee_sheet(iim: ProgrammeData) -> None:
    fees = iim.documents["processing_fees"]
    assert fees.required and fees.link == "fee_sheet"
    assert has(fees.title, "frais de traitement", "fiche tarif", lang="fr")
    assert "fee_sheet" in iim.links and has(iim.links["fee_sheet"].title, "fiche tarif", lang="fr")


def test_iim_five_tracks(iim: ProgrammeData) -> None:
    names = [t.text.fr for t in iim.file.tracks]
    assert names == [
        "Manager de la Communication",
        "Réalisateur Numérique 3D",
        "Réalisateur Numérique Jeux Vidéo",
        "Manager de la création",
        "Expert Web",
    ]
    assert all(has(t.title, "Axe", lang="fr") for t in iim.file.tracks)


def test_iim_refund_rules(iim: ProgrammeData) -> None:
    withdrawal = iim.policies["withdrawal"].text
    assert has(withdrawal, "convenance personnelle", "remboursement", "ne sont pas rembourses", lang="fr")
    assert has(withdrawal, "personal reasons", "not refunded", lang="en")
    bac = iim.policies["bac_failure"].text
    assert has(
        bac,
        "echec au baccalaureat",
        "totalite du remboursement",
        "hors frais de dossier",
        "releve de notes",
        lang="fr",
    )
    assert has(bac, "full refund", "except the application processing fees", "transcript", lang="en")


def test_iim_confirmation_within_15_days(iim: ProgrammeData) -> None:
    policy = iim.policies["confirmation"].text
    assert has(
        policy,
        "15 jours maximum",
        "bulletin d'engagement d'inscription",
        "acompte",
        "securite sociale",
        "definitive",
        lang="fr",
    )
    assert has(policy, "15 days", lang="en")


def test_iim_start_end_september_early_october(iim: ProgrammeData) -> None:
    policy = iim.policies["start_of_year"].text
    assert has(
        policy, "fin du mois de septembre", "debut du mois d'octobre", "calendrier pedagogique", lang="fr"
    )
    assert has(policy, "end of September", "beginning of October", lang="en")


def test_iim_waiting_list_and_complementary_interview(iim: ProgrammeData) -> None:
    policy = iim.policies["waiting_list"].text
    assert has(policy, "liste d'attente", "entretien complementaire", "limite", lang="fr")
    assert has(policy, "waiting list", "complementary interview", lang="en")


def test_iim_selection_and_requirements(iim: ProgrammeData) -> None:
    assert has(iim.policies["direct_share"].text, "proportion variable", "recrutee directement", lang="fr")
    assert has(
        iim.policies["requirements"].text,
        "niveau multimedia satisfaisant",
        "et/ou",
        "experience professionnelle dans le secteur",
        lang="fr",
    )
    assert has(iim.policies["selection"].text, "sur dossier et entretien de motivation", lang="fr")
    assert has(iim.policies["processing_order"].text, "ordre de leur reception", lang="fr")
    rule = iim.rules["direct_admission"]
    assert rule.eligible is None and rule.when is None  # the jury decides: no profile settles it


def test_iim_procedure_steps_in_order(iim: ProgrammeData) -> None:
    steps = sorted(iim.file.steps, key=lambda s: s.order)
    assert [s.id for s in steps] == ["application", "interview", "confirmation", "start"]
    interview = next(s for s in steps if s.id == "interview")
    assert has(
        interview.detail,
        "seul",
        "jury d'admission",
        "motivation",
        "personnalite",
        "projet professionnel",
        lang="fr",
    )


def test_iim_page_gives_no_date_no_contact_no_address(iim: ProgrammeData) -> None:
    """Facts the IIM page does NOT give must not be invented: no dated event, no e-mail, no URL."""
    assert iim.file.events == []
    assert iim.programme.contacts == []
    assert all(link.url is None for link in iim.programme.links)


# (programme, topic) -> facts cited by id (in both languages, in the answer and its `short` when it has
# one) and facts written in words (French answer), as the pages give them.
ANSWER_FACTS = {
    ("enjmin", "deadline"): (["{date:deadline}"], ["imperativement", "finalisee", "dossier complet"]),
    ("enjmin", "results"): (
        ["{date:written_admissible}", "{date:oral_admissible}", "{date:final_results}"],
        ["mis en ligne", "admis aux ecrits", "admis aux oraux", "admis au master"],
    ),
    ("enjmin", "written_exams"): (["{date:written_exams}"], ["a distance"]),
    ("enjmin", "interview"): (["{date:oral_exams}"], ["a distance et/ou en presentiel selon les parcours"]),
    ("enjmin", "eligibility"): (
        [],
        ["RNCP niveau 6 / bac + 3", "sans reconnaissance RNCP", "VES", "plus de 3 annees", "VAPP"]
        + ["ENIC-NARIC", "niveau 6", "B2", "{contact:recruitment}"],
    ),
    ("enjmin", "mon_master"): ([], ["{policy:mon_master_rule}", "{date:mon_master_window}"]),
    ("enjmin", "polytechnique"): (
        [],
        ["{link:polytechnique_form}", "{date:polytechnique_deadline}", "4A", "M2"],
    ),
    ("iim", "interview"): (
        [],
        [
            "phase essentielle",
            "seul",
            "jury d'admission",
            "motivation",
            "personnalite",
            "projet professionnel",
        ],
    ),
    ("iim", "results"): (
        [],
        ["courrier", "rejet", "convocation", "entretien de motivation", "liste d'attente"],
    ),
    ("iim", "withdrawal_refund"): ([], ["{policy:withdrawal}", "{policy:bac_failure}"]),
    ("iim", "confirmation"): ([], ["{policy:confirmation}"]),
    ("iim", "start_date"): ([], ["{policy:start_of_year}"]),
    ("iim", "waiting_list"): ([], ["{policy:waiting_list}"]),
}


@pytest.mark.parametrize(("key", "facts"), ANSWER_FACTS.items(), ids=[".".join(k) for k in ANSWER_FACTS])
def test_answers_state_the_page_facts(
    bundled_kb: KnowledgeBase, key: tuple[str, str], facts: tuple[list[str], list[str]]
) -> None:
    cited, words = facts
    found = answer(bundled_kb, *key)
    for text in [found.answer] + ([found.short] if found.short else []):
        for lang in ("fr", "en"):
            assert all(ref in text.get(lang) for ref in cited), (key, lang, text.get(lang))
    assert has(found.answer, *words, lang="fr"), found.answer.fr


def test_short_answers_keep_the_key_facts(bundled_kb: KnowledgeBase) -> None:
    """The one-line versions shown when one reply answers several programmes say the same facts."""
    short = {
        key: a.short
        for key in [("enjmin", t) for t in ("documents", "experience", "interview")]
        + [("iim", t) for t in ("confirmation", "transcripts", "withdrawal_refund", "waiting_list")]
        if (a := answer(bundled_kb, *key)).short is not None
    }
    assert len(short) == 7
    assert has(short["enjmin", "documents"], "dossier administratif", "dossier creatif", "{date:deadline}")
    assert has(short["enjmin", "experience"], "plus de 3", "VAPP", lang="fr")
    assert has(short["enjmin", "interview"], "a distance et/ou en presentiel", "{date:oral_exams}", lang="fr")
    assert has(short["iim", "confirmation"], "15 jours", "bulletin d'engagement", "acompte", lang="fr")
    assert has(short["iim", "confirmation"], "15 days", lang="en")
    assert has(short["iim", "transcripts"], "deux dernieres annees", "trois", "redoublement", lang="fr")
    assert has(
        short["iim", "withdrawal_refund"], "convenance personnelle", "hors frais de dossier", lang="fr"
    )
    assert has(short["iim", "waiting_list"], "places", "limitees", "entretien complementaire", lang="fr")


def test_iim_answers_say_what_the_page_does_not_give(bundled_kb: KnowledgeBase) -> None:
    for lang in ("fr", "en"):
        assert "{message:no_dates}" in answer(bundled_kb, "iim", "deadline").answer.get(lang)
        assert "{policy:processing_order}" in answer(bundled_kb, "iim", "deadline").answer.get(lang)
        assert "{message:no_dates}" in answer(bundled_kb, "iim", "calendar").answer.get(lang)
        assert "{message:no_contact}" in answer(bundled_kb, "iim", "contact").answer.get(lang)
        assert "{link:fee_sheet}" in answer(bundled_kb, "iim", "fees").answer.get(lang)
    fees = answer(bundled_kb, "iim", "fees").answer
    assert has(fees, "montant n'est pas indique", lang="fr") and fees.fr.startswith("Le montant")
    assert has(fees, "amount is not given", lang="en")


AMOUNT = re.compile(r"\d[\d\s.,]*\s*(€|\beur\b|\beuros?\b)|(€|\beur\b|\beuros?\b)\s*\d", re.IGNORECASE)
"""A number of euros, before or after the number (`eur` only as a word: "animateur 2D" is no amount)."""


def stated_texts(node: object, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every text a knowledge file states (answers, texts, titles, policies...) with its place, except
    the example questions: they are what candidates write, never what the assistant says."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "examples":
                yield from stated_texts(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from stated_texts(value, (*path, i))
    elif isinstance(node, str):
        yield path, node


def test_no_fee_amount_anywhere_in_the_knowledge_files() -> None:
    """Neither page gives a fee amount: no number of euros may appear in anything a knowledge file
    states (a candidate's example question may name a price: "un PC à moins de 1000 € ?")."""
    files = sorted(KNOWLEDGE.glob("*.yaml"))
    assert {"topics.yaml", "texts.yaml", "enjmin.yaml", "iim.yaml"} <= {f.name for f in files}
    stated = {f.name: list(stated_texts(read_yaml(f))) for f in files}
    assert any(has(text, "fiche tarif") for _, text in stated["iim.yaml"])  # answers are read
    assert any(has(text, "frais de scolarite") for _, text in stated["topics.yaml"])  # general answers too
    for name, texts in stated.items():
        for where_, text in texts:
            assert not AMOUNT.search(text), (
                f"{name}: {'.'.join(map(str, where_))}: a fee amount the source does not give: {text}"
            )


def test_amount_pattern_catches_amounts() -> None:
    for text in ("150 €", "150€", "€150", "1 200 euros", "90 EUR", "50,00 €"):
        assert AMOUNT.search(text), text
    for text in (
        "Relevé de notes",
        "Europe",
        "européen",
        "niveau 6 du CEC",
        "15 jours",
        "animateur 2D depuis 7 ans",
    ):
        assert not AMOUNT.search(text), text
