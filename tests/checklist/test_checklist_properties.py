"""Properties over any profile and any day: one programme per checklist, every date from the KB."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.checklist import Profile, build_checklist
from assistant.kb.loader import event_end, event_start, load

KB = load()
maybe = st.none() | st.booleans()
profiles = st.builds(
    Profile,
    programme=st.sampled_from(sorted(KB.programmes)),
    diploma_level=st.none() | st.integers(0, 8),
    diploma_rncp=maybe,
    foreign_diploma=maybe,
    french_level=st.none() | st.sampled_from(["A1", "A2", "B1", "B2", "C1", "C2", "native"]),
    professional_experience_years=st.none() | st.floats(0, 40, allow_nan=False),
    repeated_year=maybe,
    polytechnique_4a=maybe,
    training_mode=st.none() | st.sampled_from(["initiale", "continue", "apprentissage"]),
    language=st.none() | st.sampled_from(["fr", "en"]),
)
days = st.dates(date(2025, 6, 1), date(2026, 12, 31))


def own_entries(pid: str) -> dict[str, object]:
    f = KB.programmes[pid].file
    out: dict[str, object] = {f"document:{d.id}": d for d in f.documents}
    out |= {f"step:{s.id}": s for s in f.steps}
    out |= {f"{'unmet' if r.kind == 'unmet' else 'requirement'}:{r.id}": r for r in f.requirements}
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, today=days)
def test_checklist_never_mixes_programmes_and_dates_come_from_the_kb(profile: Profile, today: date) -> None:
    c = build_checklist(KB, profile, today)
    pdata = KB.programmes[profile.programme]
    lang = c.language
    entries = own_entries(profile.programme)
    moments = {m for e in pdata.file.events for m in (event_start(e), event_end(e))}
    assert c.programme == profile.programme
    assert len({i.id for i in c.items}) == len(c.items)
    for item in c.items:
        entry = entries[item.id]  # an entry of this programme's own file...
        assert item.title == entry.title.get(lang)  # ...with its own text, not a namesake's
        if item.due is not None:
            assert item.event in pdata.events and item.due in moments
            assert item.days_left == (item.due.date() - today).days
            # "overdue" is for a missed deadline or window only: a past release or exam is just past
            assert item.overdue == (item.deadline and item.due.date() < today)
        else:
            assert item.days_left is None and not item.overdue
    # one verdict: never "eligible" with an unmet admission condition in the list (issue 10, item 4)
    if any(i.kind == "unmet" for i in c.items):
        assert c.eligible is False
    # once the session is over nothing is dated, overdue or late (issue 10, item 5)
    if c.session_over:
        assert not c.dated() and not any(i.overdue or i.late for i in c.items) and c.notices
    # a known path means no field is missing for it; an unknown one always says which field to give
    if c.path is None:
        assert any("path" in m.affects for m in c.missing_profile_fields)
    else:
        assert not any("path" in m.affects for m in c.missing_profile_fields)
    for m in c.missing_profile_fields:
        assert getattr(profile, m.field) is None


@settings(max_examples=100, deadline=None)
@given(profile=profiles)
def test_adding_a_missing_answer_never_adds_an_unrelated_missing_field(profile: Profile) -> None:
    """Answering the fields a checklist asks for always ends with nothing missing."""
    c = build_checklist(KB, profile, date(2025, 12, 1))
    values = profile.model_dump()
    for _ in range(12):
        if not c.missing_profile_fields:
            break
        name = c.missing_profile_fields[0].field
        values[name] = {
            "diploma_level": 3,
            "professional_experience_years": 1.0,
            "french_level": "B2",
            "training_mode": "initiale",
        }.get(name, False)
        c = build_checklist(KB, Profile(**values), date(2025, 12, 1))
    assert not c.missing_profile_fields and c.path is not None
