"""The report's chart — questions per day, stacked by decision, with the handovers — drawn by
matplotlib as an SVG to inline in the HTML page.

matplotlib is the `staff` extra (`pip install 'candidate-assistant[staff]'`): heavy, and only this
page needs it, so it is imported here, when a chart is drawn. Glyphs are written as paths
(`svg.fonttype: path`), so the page needs no font and no network to show the chart.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

COLOURS = {"answer": "#009E73", "clarify": "#E69F00", "decline": "#D55E00"}
"""Okabe–Ito colours, told apart with the common colour-vision deficiencies."""
OTHER_COLOURS = ("#56B4E9", "#CC79A7", "#0072B2", "#F0E442")
HANDOVER_COLOUR = "#000000"


class ChartUnavailable(Exception):
    """matplotlib is not installed: the message says how to install it."""


def colour_of(decision: str, decisions: Sequence[str]) -> str:
    if decision in COLOURS:
        return COLOURS[decision]
    others = [d for d in decisions if d not in COLOURS]
    return OTHER_COLOURS[others.index(decision) % len(OTHER_COLOURS)] if decision in others else "#999999"


def questions_per_day_svg(
    days: Sequence[date],
    by_decision: dict[str, Sequence[int]],
    handovers: Sequence[int],
    labels: dict[str, str],
    title: str,
) -> str:
    """An inline `<svg>` element: one stacked bar per day, one colour per decision, and the handovers
    of each day as a line. `by_decision[d][i]` is the count of decision `d` on `days[i]`."""
    try:
        import matplotlib
        import matplotlib.dates as mdates
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise ChartUnavailable(
            "the HTML report draws its chart with matplotlib: pip install 'candidate-assistant[staff]' "
            "(from a checkout: pip install -e '.[staff]')"
        ) from None

    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "candidate-assistant-report"}):
        figure = Figure(figsize=(10, 3.8), layout="constrained")  # no pyplot: no GUI, no global state
        axes = figure.subplots()
        bottom = [0] * len(days)
        decisions = list(by_decision)
        for decision, counts in by_decision.items():
            if not any(counts):
                continue
            axes.bar(
                days,
                counts,
                bottom=bottom,
                width=0.8,
                color=colour_of(decision, decisions),
                label=labels.get(decision, decision),
            )
            bottom = [b + n for b, n in zip(bottom, counts, strict=True)]
        handed = [(day, n) for day, n in zip(days, handovers, strict=True) if n]
        if handed:  # markers on the days with handovers only: a line along zero would hide the axis
            axes.plot(
                [day for day, _ in handed],
                [n for _, n in handed],
                linestyle="none",
                marker="D",
                markersize=6,
                color=HANDOVER_COLOUR,
                label="handed over to staff",
            )
        locator = mdates.AutoDateLocator(minticks=3, maxticks=12)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("questions")
        axes.set_title(title, loc="left", fontsize=11)
        axes.grid(axis="y", alpha=0.3)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        handles, names = axes.get_legend_handles_labels()
        if handles:  # bars first, in stacking order, then the handovers
            order = sorted(range(len(names)), key=lambda i: names[i] == "handed over to staff")
            figure.legend(
                [handles[i] for i in order],
                [names[i] for i in order],
                loc="outside lower left",
                frameon=False,
                ncols=len(order),
                fontsize=9,
            )
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata=dict.fromkeys(("Creator", "Date", "Format", "Type")))
    svg = out.getvalue()
    return svg[svg.index("<svg") :]  # the XML declaration and DOCTYPE have no place inside HTML
