"""The HTML report: one self-contained page, its chart drawn by matplotlib, texts escaped."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from staff_support import ask, paris

from assistant.nlu.understand import Reader
from assistant.staff.chart import COLOURS, ChartUnavailable, questions_per_day_svg
from assistant.staff.html import render_html
from assistant.staff.period import Period, parse_bound
from assistant.staff.report import build_report

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def page(store: Any, reader: Reader) -> str:
    period = Period.between(parse_bound("2026-03-09"), parse_bound("2026-03-11"), NOW)
    return render_html(build_report(store, period, lambda: reader, now=NOW))


def test_one_self_contained_page(filled: Any, reader: Reader) -> None:
    html = page(filled, reader)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count("<svg") == 1 and "<?xml" not in html and "<!DOCTYPE svg" not in html
    for outside in ("<script", "<link", "<img", "<iframe", "@import"):
        assert outside not in html
    assert re.findall(r"url\((?!#)", html) == []  # only the SVG's own clip paths
    assert "src=" not in html
    assert re.findall(r"""href\s*=\s*["'](?!#)""", html) == []  # links inside the SVG only (its glyphs)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= NAMESPACES  # XML namespaces, never fetched


def test_the_tables_hold_the_numbers(filled: Any, reader: Reader) -> None:
    html = page(filled, reader)
    assert '<div class="card"><b>20</b>questions</div>' in html
    assert '<tr><td>declined</td><td class="n">10</td></tr>' in html
    assert '<tr><td>(none)</td><td class="n">9</td></tr>' in html
    assert '<td class="n">8</td><td>“Is there parking on campus?”</td>' in html
    assert "<code>campus_life</code>" in html
    assert "<tr><td>2026-03-10</td><td class='n'>6</td><td class='n'>2</td><td class='n'>1</td>" in html


def test_candidates_texts_are_escaped(store: Any, reader: Reader) -> None:
    ask(store, '<img src="x"> & <script>alert(1)</script>', paris(10, 9), decision="clarify")
    html = page(store, reader)
    assert "<script" not in html and "<img" not in html
    assert "“&lt;img src=&quot;x&quot;&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;”" in html


def test_the_chart_has_a_colour_per_decision_and_the_handovers(filled: Any, reader: Reader) -> None:
    svg = page(filled, reader).split("<figure>", 1)[1].split("</figure>", 1)[0]
    for decision in ("answer", "clarify", "decline"):
        assert f"fill: {COLOURS[decision].lower()}" in svg.lower()
    assert "<!-- handed over to staff -->" in svg  # the legend has the handovers
    assert "<text" not in svg and svg.count("<path") > 50  # letters are drawn as paths: no font needed
    assert 'role="img" aria-label="Questions per day, by decision"' in svg


def test_no_chart_for_an_empty_period(store: Any, reader: Reader) -> None:
    html = page(store, reader)
    assert "<svg" not in html and "No questions in this period." in html


def test_without_matplotlib_the_chart_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    with pytest.raises(ChartUnavailable, match=r"pip install 'candidate-assistant\[staff\]'"):
        questions_per_day_svg([], {}, [], {}, "title")
