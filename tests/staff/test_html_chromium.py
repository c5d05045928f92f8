"""The HTML report opened in a real browser (headless Chromium, Debian's `chromium` package) shows its
chart: the screenshot has the decisions' colours where the chart is, and loses them without the chart.

Skipped only when Chromium is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from adapters.cli.main import main
from assistant.staff.chart import COLOURS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)
FLAGS = (
    "--headless",
    "--no-sandbox",  # as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers have a small /dev/shm
    "--hide-scrollbars",
    "--window-size=1200,900",
)


def screenshot(page: Path, tmp_path: Path) -> Image.Image:
    shot = tmp_path / f"{page.stem}.png"
    profile = tmp_path / f"profile-{page.stem}"
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}", page.resolve().as_uri()]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # Chromium's helper processes too
        process.communicate()
        pytest.fail("Chromium did not finish in 120 s")
    assert shot.is_file(), (
        f"no screenshot (exit {process.returncode}):\n{output.decode(errors='replace')[-2000:]}"
    )
    with Image.open(shot) as image:
        return image.convert("RGB")


def share_near(image: Image.Image, colour: str, tolerance: int = 24) -> float:
    """Share of the pixels within `tolerance` (per channel) of `colour` (#rrggbb)."""
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    pixels = np.asarray(image, dtype=np.int16).reshape(-1, 3)
    return float((np.abs(pixels - target) <= tolerance).all(axis=1).mean())


def test_the_report_page_shows_its_chart_in_chromium(
    filled: Any, db_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANDIDATE_ASSISTANT_RETENTION_DAYS", "36500")  # March 2026 may be past retention
    page = tmp_path / "report.html"
    code = main(
        ["report", "--db", db_path, "--since", "2026-03-09", "--until", "2026-03-11", "--format", "html",
         "--out", str(page)]
    )  # fmt: skip
    assert code == 0
    image = screenshot(page, tmp_path)
    white = share_near(image, "#ffffff", tolerance=8)
    assert white < 0.97, "the page is blank"
    for decision in ("answer", "clarify", "decline"):  # the stacked bars, in the first screen
        assert share_near(image, COLOURS[decision]) > 0.003, f"no {decision} bar in the screenshot"

    # The same page without its chart: the colours go, so they came from the chart.
    html = page.read_text(encoding="utf-8")
    start, end = html.index("<figure>"), html.index("</figure>") + len("</figure>")
    bare = tmp_path / "bare.html"
    bare.write_text(html[:start] + html[end:], encoding="utf-8")
    image = screenshot(bare, tmp_path)
    assert all(share_near(image, COLOURS[d]) < 0.0005 for d in ("answer", "clarify", "decline"))
