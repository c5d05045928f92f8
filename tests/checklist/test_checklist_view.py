"""The one checklist view: every channel shows the same verdict, dates and statuses (issue 10, item 8)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.checklist import render_markdown, render_text
from assistant.checklist.render import md_escape
from assistant.checklist.view import checklist_view

FOREIGN = {
    "programme": "enjmin",
    "polytechnique_4a": False,
    "diploma_level": 3,
    "foreign_diploma": True,
    "french_level": "C1",
    "training_mode": "continue",
}


def when_of(view, title: str) -> str:  # type: ignore[no-untyped-def]
    return next(i.when for i in view.items if i.title.startswith(title))


@pytest.mark.parametrize(
    "today", [date(2025, 12, 1), date(2026, 1, 24), date(2026, 5, 27), date(2026, 11, 27)]
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_channel_shows_the_views_words(make, today: date, lang: str) -> None:
    c = make(today, **FOREIGN, language=lang)
    v = checklist_view(c)
    text, markdown = render_text(c), render_markdown(c)
    embeds = pytest.importorskip("adapters.discord.render").checklist_embed(c)
    discord_text = "\n".join(f"{f.name}\n{f.value}" for f in embeds.fields) + (embeds.description or "")
    assert v.status in text and md_escape(v.status) in markdown
    for item in v.items:
        assert item.when in text and md_escape(item.when) in markdown
        escaped = pytest.importorskip("adapters.discord.render").escape(item.when)
        assert escaped in discord_text, item.title


def test_past_is_not_overdue_and_spans_keep_both_ends(make) -> None:
    v = checklist_view(make(date(2026, 5, 27), **FOREIGN, language="en"))
    assert when_of(v, "Read the specifications").endswith("past (166 day(s) ago)")  # a release
    assert when_of(v, "Upload the complete file").endswith("overdue by 124 day(s)")  # a deadline
    orals = when_of(v, "Take the oral exams")
    assert orals == "from Tuesday 26 May 2026 to Friday 29 May 2026 — ongoing, until Friday 29 May 2026"
    assert "16:00 (Paris time)" in when_of(v, "Check the list of candidates admitted to the master")
    assert "UTC" not in when_of(v, "Check the list of candidates admitted to the master")
    assert next(i for i in v.items if i.title.startswith("Upload")).alert
    assert not next(i for i in v.items if i.title.startswith("Read the specifications")).alert


def test_labels_say_due_only_for_a_deadline(make) -> None:
    v = checklist_view(make(date(2025, 12, 1), **FOREIGN, language="fr"))
    labels = {i.title: i.when_label for i in v.items}
    assert (
        labels["Déposer le dossier complet (administratif et créatif) sur la plateforme dédiée"] == "échéance"
    )
    assert labels["Prendre connaissance du cahier des charges et du sujet du concours"] == "date"


def test_next_session_view(make) -> None:
    v = checklist_view(make(date(2026, 11, 27), **FOREIGN, language="fr"))
    assert v.notices and v.notices[0].startswith("La session 2026 est terminée")
    assert v.items[0].tags[0] == "à commencer maintenant" and "ENIC-NARIC" in v.items[0].title
    assert all(not i.alert for i in v.items)
