"""Which entries of a knowledge folder are knowledge files.

Every entry named `*.yaml` or `*.yml` is one, whatever it turns out to be: a link loop, a link to
nowhere, a named pipe or a folder with such a name is reported by the checker (it cannot be read as
a file), never skipped in silence.
"""

from __future__ import annotations

from pathlib import Path

SUFFIXES = (".yaml", ".yml")


def yaml_entries(folder: Path) -> list[Path]:
    """The entries of `folder` named *.yaml or *.yml, sorted by name; `OSError` if it cannot be listed."""
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES)
