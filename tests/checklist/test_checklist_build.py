"""The checklist for each ENJMIN path and condition, and for IIM, in French and English."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.checklist import Profile, build_checklist
from assistant.kb.loader import event_end, event_start

# Fully known ENJMIN profile of a French RNCP bac+3 in initial education.
BASE = {
    "programme": "enjmin",
    "polytechnique_4a": False,
    "diploma_level": 3,
    "diploma_rncp": True,
    "foreign_diploma": False,
    "french_level": "native",
    "training_mode": "initiale",
}


def ids(c) -> set[str]:
    return {i.id for i in c.items}


@pytest.mark.parametrize(
    ("changes", "path", "eligible"),
    [
        ({}, "direct", True),  # bac+3 RNCP
        ({"diploma_level": 5}, "direct", True),
        # the VES and the VAPP: "vous devrez faire une VES / une VAPP", with no outcome on the page
        ({"diploma_rncp": False}, "ves", None),  # three years of studies without RNCP
        ({"diploma_level": 2, "professional_experience_years": 4}, "vapp", None),
        ({"diploma_level": 0, "professional_experience_years": 3.5}, "vapp", None),
        (
            {"diploma_level": 2, "professional_experience_years": 3},
            "not_eligible",
            False,
        ),  # not *more* than 3
        ({"diploma_level": 1, "professional_experience_years": 0}, "not_eligible", False),
        # a dedicated M2 file, and "every step" for everyone: the page does not settle it
        ({"polytechnique_4a": True}, "polytechnique_m2", None),
        ({"polytechnique_4a": True, "diploma_level": None}, "polytechnique_m2", None),
        (
            {"foreign_diploma": True, "diploma_rncp": None},
            "direct",
            True,
        ),  # foreign bac+3: rule direct_foreign
        ({"foreign_diploma": True, "diploma_level": 2, "professional_experience_years": 5}, "vapp", None),
    ],
)
def test_enjmin_paths(make, changes: dict, path: str, eligible: bool | None) -> None:
    c = make(**{**BASE, **changes})
    assert (c.path, c.eligible) == (path, eligible)
    assert c.reason
    assert not any(m.field == "polytechnique_4a" for m in c.missing_profile_fields)


@pytest.mark.parametrize(
    ("profile", "missing"),
    [
        (
            {"programme": "enjmin"},
            {
                "polytechnique_4a",
                "diploma_level",
                "diploma_rncp",
                "foreign_diploma",
                "professional_experience_years",
            },
        ),
        ({**BASE, "polytechnique_4a": None}, {"polytechnique_4a"}),
        ({**BASE, "diploma_level": None}, {"diploma_level", "professional_experience_years"}),
        # with an RNCP diploma, a foreign one changes nothing (both lead to `direct`)
        (
            {**BASE, "diploma_level": None, "foreign_diploma": None},
            {"diploma_level", "professional_experience_years"},
        ),
        (
            {**BASE, "diploma_level": None, "foreign_diploma": None, "diploma_rncp": None},
            {"diploma_level", "diploma_rncp", "foreign_diploma", "professional_experience_years"},
        ),
        ({**BASE, "diploma_rncp": None}, {"diploma_rncp"}),
        (
            {**BASE, "diploma_level": 2, "professional_experience_years": None},
            {"professional_experience_years"},
        ),
    ],
)
def test_unknown_field_stops_the_path(make, profile: dict, missing: set[str]) -> None:
    c = make(**profile)
    assert c.path is None and c.eligible is None and c.reason is None
    path_fields = {m.field for m in c.missing_profile_fields if "path" in m.affects}
    assert path_fields == missing
    for m in c.missing_profile_fields:
        assert m.label and m.changes


def test_foreign_diploma_does_not_matter_when_every_open_rule_gives_the_same_path(make) -> None:
    c = make(**{**BASE, "foreign_diploma": None})
    assert (c.path, c.eligible) == ("direct", True)
    assert "requirement:enic_naric" in ids(c)
    enic = next(i for i in c.items if i.id == "requirement:enic_naric")
    assert enic.conditional and enic.depends_on == ["foreign_diploma"]


PATH_ITEMS = {
    "direct": {
        "document:administrative_file",
        "document:creative_file",
        "step:application",
        "step:written",
        "step:oral",
        "step:subject",
    },
    "ves": {"requirement:ves_file", "document:creative_file", "step:application"},
    "vapp": {"requirement:vapp_file", "document:administrative_file"},
    # the dedicated file, and the competition's steps: the page says every candidate follows every step
    # and does not say the file replaces them (issue 10, item 11)
    "polytechnique_m2": {
        "document:polytechnique_form",
        "step:polytechnique_file",
        "document:creative_file",
        "step:application",
        "step:written",
    },
}
NOT_FOR = {
    "direct": {
        "requirement:ves_file",
        "requirement:vapp_file",
        "document:polytechnique_form",
        "step:polytechnique_file",
    },
    "ves": {"requirement:vapp_file", "document:polytechnique_form"},
    "vapp": {"requirement:ves_file", "step:polytechnique_file"},
    "polytechnique_m2": {"requirement:ves_file", "requirement:vapp_file"},
}
PROFILES = {
    "direct": BASE,
    "ves": {**BASE, "diploma_rncp": False},
    "vapp": {**BASE, "diploma_level": 2, "professional_experience_years": 6},
    "polytechnique_m2": {**BASE, "polytechnique_4a": True},
}


@pytest.mark.parametrize("path", sorted(PROFILES))
def test_items_follow_the_path(make, path: str) -> None:
    c = make(**PROFILES[path])
    assert c.path == path
    assert PATH_ITEMS[path] <= ids(c)
    assert not (NOT_FOR[path] & ids(c))


def test_polytechnique_has_its_own_file_and_date(kb, make) -> None:
    c = make(**PROFILES["polytechnique_m2"])
    form = next(i for i in c.items if i.id == "document:polytechnique_form")
    event = kb.programmes["enjmin"].events["polytechnique_deadline"]
    assert form.event == "polytechnique_deadline" and form.due == event_end(event)
    assert form.due.date() == date(2026, 2, 25) and form.all_day and form.required


def test_not_eligible_says_why_and_what_would_change(make) -> None:
    for lang, words in (("fr", "changerait"), ("en", "would change")):
        c = make(**{**BASE, "diploma_level": 2, "professional_experience_years": 1, "language": lang})
        assert c.eligible is False and c.path == "not_eligible"
        assert words in c.reason
        assert not ({"document:administrative_file", "step:application", "step:subject"} & ids(c))


def test_foreign_diploma_adds_enic_naric_and_etudes_en_france(kb, make) -> None:
    c = make(**{**BASE, "foreign_diploma": True, "french_level": "C1"})
    items = {i.id: i for i in c.items}
    enic = items["requirement:enic_naric"]
    # the page gives the certificate no date (issue 10, item 10): no due date, only its lead time
    assert enic.required and enic.due is None and enic.lead_time_days == 120
    assert enic.link is not None and "ENIC" in enic.link.label
    french_b2 = items["requirement:french_b2"]  # « à fournir avec votre dossier créatif »: the deadline
    assert french_b2.due == event_start(kb.programmes["enjmin"].events["deadline"])
    eef = items["step:etudes_en_france"]
    # "if you are selected (June 2026)": no date to act by, so none is invented
    assert eef.event is None and eef.due is None
    french = make(**BASE)
    assert not ({"requirement:enic_naric", "step:etudes_en_france", "requirement:french_b2"} & ids(french))


@pytest.mark.parametrize(
    ("today", "late"),
    [
        (date(2025, 9, 1), False),  # 120 days later is 30 Dec 2025: before the 23 Jan deadline
        (date(2025, 9, 25), False),  # 23 Jan 2026: the deadline day itself is still in time
        (date(2025, 9, 26), True),
        (date(2025, 12, 1), True),
    ],
)
def test_enic_naric_lead_time_warning(make, today: date, late: bool) -> None:
    c = make(today, **{**BASE, "foreign_diploma": True})
    enic = next(i for i in c.items if i.id == "requirement:enic_naric")
    assert enic.late is late
    assert any("ENIC-NARIC" in w for w in c.warnings) is late


@pytest.mark.parametrize(
    ("level", "unmet"),
    [
        ("A1", True),
        ("A2", True),
        ("B1", True),
        ("B2", False),
        ("C1", False),
        ("C2", False),
        ("native", False),
        (None, None),
    ],
)
def test_french_below_b2_is_unmet(make, level: str | None, unmet: bool | None) -> None:
    c = make(**{**BASE, "foreign_diploma": True, "french_level": level})
    has = "unmet:french_b2_unmet" in ids(c)
    if unmet is None:
        assert not has
        missing = {m.field: m for m in c.missing_profile_fields}
        assert "unmet:french_b2_unmet" in missing["french_level"].affects
    else:
        assert has is unmet
    if unmet:
        assert c.items[0].id == "unmet:french_b2_unmet" and c.items[0].required


@pytest.mark.parametrize(
    ("mode", "present", "conditional"),
    [
        ("initiale", True, False),
        ("continue", True, False),
        ("apprentissage", False, False),
        (None, True, True),
    ],
)
def test_mon_master_only_for_initial_and_continuing(kb, make, mode, present, conditional) -> None:
    c = make(**{**BASE, "training_mode": mode})
    items = {i.id: i for i in c.items}
    assert ("step:mon_master" in items) is present
    if present:
        mm = items["step:mon_master"]
        assert mm.conditional is conditional
        # a step after admission to the written exams: dated after that publication
        assert mm.due > items["step:written_admissibility"].due
        window = kb.programmes["enjmin"].events["mon_master_window"]
        assert mm.due == event_end(window)
    if mode is None:
        assert [m.field for m in c.missing_profile_fields] == ["training_mode"]


def test_polytechnique_sees_the_competition_and_why(make) -> None:
    """The page gives École polytechnique (4A) students a dedicated M2 file and says every candidate
    follows every step: their list keeps the competition's steps and says the page does not settle it."""
    c = make(**{**BASE, "polytechnique_4a": True})
    assert "step:mon_master" in ids(c) and "document:polytechnique_form" in ids(c)
    assert c.eligible is None
    assert any("polytechnique" in w and "remplace" in w for w in c.warnings)
    assert "service recrutement" in (c.reason or "")


IIM_ALWAYS = {
    "document:motivation_letter",
    "document:identity",
    "document:diplomas",
    "document:processing_fees",
    "document:reference_letters",
    "document:portfolio",
    "step:application",
    "step:interview",
    "step:confirmation",
    "step:start",
}


@pytest.mark.parametrize(
    ("repeated", "two", "three"), [(False, True, False), (True, False, True), (None, True, True)]
)
def test_iim_checklist(make, repeated: bool | None, two: bool, three: bool) -> None:
    c = make(programme="iim", repeated_year=repeated)
    items = {i.id: i for i in c.items}
    assert set(items) >= IIM_ALWAYS
    assert ("document:transcripts_two_years" in items) is two
    assert ("document:transcripts_three_years" in items) is three
    assert c.eligible is None and c.path == "direct" and c.reason  # the panel decides
    assert not items["document:reference_letters"].required and not items["document:portfolio"].required
    assert items["document:processing_fees"].required and items["document:processing_fees"].link is not None
    assert all(i.due is None and i.days_left is None and not i.overdue for i in c.items)
    if repeated is None:
        assert items["document:transcripts_two_years"].conditional
        assert [m.field for m in c.missing_profile_fields] == ["repeated_year"]
    else:
        assert c.missing_profile_fields == []
    steps = [i.id for i in c.items if i.kind == "step"]
    assert steps == ["step:application", "step:interview", "step:confirmation", "step:start"]
    assert "15" in items["step:confirmation"].title


@pytest.mark.parametrize("programme", ["enjmin", "iim"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_texts_come_from_the_kb_in_the_profile_language(kb, programme: str, lang: str) -> None:
    p = kb.programmes[programme]
    c = build_checklist(kb, Profile(programme=programme, language=lang), date(2025, 12, 1))
    assert c.language == lang and c.programme_name == p.programme.name.get(lang)
    titles = {f"document:{d.id}": d.title for d in p.file.documents}
    titles |= {f"step:{s.id}": s.title for s in p.file.steps}
    titles |= {
        f"{'unmet' if r.kind == 'unmet' else 'requirement'}:{r.id}": r.title for r in p.file.requirements
    }
    for item in c.items:
        assert item.title == titles[item.id].get(lang)
        assert item.why
    other = "en" if lang == "fr" else "fr"
    assert (
        build_checklist(kb, Profile(programme=programme), date(2025, 12, 1), language=other).language == other
    )


@pytest.mark.parametrize(
    ("today", "days_left", "overdue"),
    [(date(2026, 1, 13), 10, False), (date(2026, 1, 23), 0, False), (date(2026, 1, 24), -1, True)],
)
def test_countdown_and_overdue(make, today: date, days_left: int, overdue: bool) -> None:
    c = make(today, **BASE)
    item = next(i for i in c.items if i.id == "step:application")
    assert (item.days_left, item.overdue) == (days_left, overdue)


def test_json_shape(make) -> None:
    data = make(**{**BASE, "foreign_diploma": True}).model_dump(mode="json")
    assert {"programme", "eligible", "path", "items", "missing_profile_fields", "warnings"} <= set(data)
    for item in data["items"]:
        assert {"id", "title", "detail", "due", "required", "why", "days_left", "overdue"} <= set(item)
    due = next(i["due"] for i in data["items"] if i["id"] == "step:application")
    assert due == "2026-01-23T12:00:00+01:00"


def test_session_over_prepares_the_next_session(make) -> None:
    """Issue 10, item 5: after the session, nothing is "overdue by 300 days" and no lead time is compared
    with a date ten months past; the list is the next session's, undated, what takes long first."""
    c = make(date(2026, 11, 27), **{**BASE, "foreign_diploma": True, "french_level": "C1"})
    assert c.session_over and c.session == "2026"
    assert c.notices and "terminée" in c.notices[0] and "master.enjmin@lecnam.net" in c.notices[-1]
    assert not c.dated() and not c.warnings
    assert not any(i.overdue or i.late for i in c.items)
    assert all(i.to_be_announced for i in c.items if i.event)
    assert c.items[0].id == "requirement:enic_naric" and c.items[0].start_now
    assert not make(**BASE).notices and not make(**BASE).session_over


def test_unknown_programme_is_refused(kb) -> None:
    with pytest.raises(ValueError, match="unknown programme"):
        build_checklist(kb, Profile(programme="nope"), date(2025, 12, 1))
