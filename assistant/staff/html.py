"""The report as one self-contained HTML page: inline style, the chart as inline SVG (matplotlib, see
`assistant.staff.chart`), the tables. No script, no external file, no network: staff open it from disk,
mail it, or archive it, and it shows the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from assistant.staff.chart import questions_per_day_svg
from assistant.staff.report import DECISION_NAMES, SHOWN, Report, decision_summary, period_title

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       background: #fff; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.summary { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .6rem .9rem; min-width: 9rem; }
.card b { display: block; font-size: 1.4rem; }
figure { margin: 1rem 0; } figure svg { width: 100%; height: auto; }
figcaption, .note { color: #555; font-size: .9rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border-bottom: 1px solid #e4e4e4; padding: .3rem .7rem; text-align: left; vertical-align: top; }
th { background: #f6f6f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.tables { display: flex; flex-wrap: wrap; gap: 2rem; align-items: flex-start; }
"""


def render_html(report: Report) -> str:
    """The whole page. Raises `assistant.staff.chart.ChartUnavailable` without matplotlib."""
    title = period_title(report)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _summary(report),
        _chart(report),
        '<h2>Breakdown</h2><div class="tables">',
        _table("Decision", [(DECISION_NAMES.get(d, d), n) for d, n in report.by_decision.items()]),
        _table("Platform", report.by_platform.items()),
        _table("Programme", report.by_programme.items()),
        _table("Language", report.by_language.items()),
        _table("Handovers", [("open", report.handovers["open"]), ("answered", report.handovers["answered"])]),
        "</div>",
        "<h2>Top topics (answered questions)</h2>",
        _table("Topic", report.top_topics) if report.top_topics else '<p class="note">None.</p>',
        "<h2>Unanswered questions, grouped by similarity</h2>",
        '<p class="note">Each group is one question as candidates wrote it; the closest topic is the one '
        "to extend with examples (<code>candidate-assistant kb suggest</code>) or to answer.</p>",
        _unanswered(report),
        "<h2>Answers rated not helpful (👎)</h2>",
        _unhelpful(report),
        _per_day(report),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(report: Report) -> str:
    h = report.handovers
    cards = [("questions", report.questions)]
    cards += [(DECISION_NAMES.get(d, d), n) for d, n in report.by_decision.items()]
    cards.append(("handed over to staff", h["open"] + h["answered"]))
    inner = "".join(f'<div class="card"><b>{n}</b>{escape(label)}</div>' for label, n in cards)
    note = f'<p class="note">{escape(decision_summary(report))}</p>' if report.questions else ""
    return f'<div class="summary">{inner}</div>{note}'


def _chart(report: Report) -> str:
    if not report.per_day or not report.questions and not any(d.handovers for d in report.per_day):
        return '<p class="note">No questions in this period.</p>'
    days = [d.day for d in report.per_day]
    series = {dec: [d.by_decision.get(dec, 0) for d in report.per_day] for dec in report.decisions}
    svg = questions_per_day_svg(
        days,
        series,
        [d.handovers for d in report.per_day],
        DECISION_NAMES,
        "Questions per day, by decision",
    )
    svg = svg.replace("<svg ", '<svg role="img" aria-label="Questions per day, by decision" ', 1)
    return (
        f"<figure>{svg}<figcaption>Questions per day (Paris time), stacked by the assistant's decision; "
        "the diamonds count questions handed over to staff. The numbers are in the table at the end.</figcaption>"
        "</figure>"
    )


def _table(head: str, rows: Iterable[tuple[str, int]]) -> str:
    body = "".join(f'<tr><td>{escape(str(k))}</td><td class="n">{n}</td></tr>' for k, n in rows)
    return f"<table><tr><th>{escape(head)}</th><th>count</th></tr>{body}</table>"


def _quoted(texts: Sequence[str]) -> str:
    return "<br>".join(f"“{escape(t)}”" for t in texts)


def _unanswered(report: Report) -> str:
    if not report.unanswered:
        return '<p class="note">None.</p>'
    rows = "".join(
        f'<tr><td class="n">{g.count}</td><td>“{escape(g.text)}”</td><td>{_quoted(g.samples)}</td>'
        f"<td><code>{escape(g.closest_topic)}</code></td></tr>"
        for g in report.unanswered[:SHOWN]
    )
    return (
        "<table><tr><th>count</th><th>question</th><th>other wordings</th><th>closest topic</th></tr>"
        f"{rows}</table>{_more(len(report.unanswered))}"
    )


def _unhelpful(report: Report) -> str:
    if not report.unhelpful:
        return '<p class="note">None.</p>'
    rows = "".join(
        f'<tr><td><code>{escape(u.answer)}</code></td><td class="n">{u.count}</td>'
        f'<td class="n">{u.helpful}</td><td>{_quoted(u.samples)}</td></tr>'
        for u in report.unhelpful[:SHOWN]
    )
    return (
        "<table><tr><th>answer</th><th>not helpful</th><th>helpful</th><th>asked as</th></tr>"
        f"{rows}</table>{_more(len(report.unhelpful))}"
    )


def _per_day(report: Report) -> str:
    if not report.per_day:
        return ""
    decisions = report.decisions
    head = "".join(f"<th>{escape(DECISION_NAMES.get(d, d))}</th>" for d in decisions)
    rows = "".join(
        f"<tr><td>{d.day.isoformat()}</td><td class='n'>{d.questions}</td>"
        + "".join(f"<td class='n'>{d.by_decision.get(dec, 0)}</td>" for dec in decisions)
        + f"<td class='n'>{d.handovers}</td></tr>"
        for d in report.per_day
    )
    return (
        "<h2>Per day</h2><table><tr><th>day</th><th>questions</th>"
        f"{head}<th>handed over</th></tr>{rows}</table>"
    )


def _more(n: int) -> str:
    return (
        f'<p class="note">… and {n - SHOWN} more (all of them with --format json).</p>' if n > SHOWN else ""
    )
