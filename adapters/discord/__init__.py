"""Discord adapter of candidate-assistant (discord.py). Entry points: `build_bot`, `serve`, `run`.

Importing this package is cheap: discord.py is imported only when one of them is used.
"""

from __future__ import annotations

from typing import Any


def run(*args: Any, **kwargs: Any) -> int:
    """Run the bot (`candidate-assistant discord`); returns an exit status."""
    from adapters.discord.bot import run as _run

    return _run(*args, **kwargs)


__all__ = ["run"]
