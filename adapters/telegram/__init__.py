"""Telegram adapter: `candidate-assistant telegram`.

Importing this package is cheap: python-telegram-bot is only imported when `run()` or
`build_application()` is called, so the core and the CLI start fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram.ext import Application

    from assistant.engine import Assistant
    from assistant.storage import Storage


def run(args: argparse.Namespace | Mapping[str, Any] | None = None, **kwargs: Any) -> int:
    """Run the bot (long polling, or a webhook with `webhook_url`); returns an exit status."""
    from adapters.telegram.app import run as _run

    return _run(args, **kwargs)


def build_application(
    assistant: Assistant, storage: Storage, token: str, base_url: str | None = None, **kwargs: Any
) -> Application:
    """A configured `telegram.ext.Application` (see `adapters.telegram.app.build_application`)."""
    from adapters.telegram.app import build_application as _build

    return _build(assistant, storage, token, base_url, **kwargs)


__all__ = ["build_application", "run"]
