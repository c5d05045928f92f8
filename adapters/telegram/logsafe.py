"""Keeping the bot token out of logs.

The token is a password: anyone who reads it controls the bot. httpx logs every request URL at INFO, and
Bot API URLs contain the token (`.../bot<TOKEN>/sendMessage`); exceptions may quote URLs too. We silence
httpx below WARNING and install a filter on every root handler that replaces the token (and any
`bot<digits>:<secret>` lookalike) in the message, its arguments and formatted tracebacks.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[REDACTED]"
TOKEN_LIKE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class TokenRedactingFilter(logging.Filter):
    """Rewrites records so neither `token` nor anything shaped like a bot token reaches a handler."""

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        if token:
            self.add(token)

    def add(self, secret: str) -> None:
        if secret:
            self.secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_LIKE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
            record.exc_info = None  # handlers would otherwise format the raw traceback again
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(token: str | None, level: int = logging.INFO) -> TokenRedactingFilter:
    """Configure logging for the bot process: a redacting filter on every root handler, httpx quiet."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    existing = next(
        (f for h in root.handlers for f in h.filters if isinstance(f, TokenRedactingFilter)), None
    )
    flt = existing or TokenRedactingFilter()
    if token:
        flt.add(token)
    for handler in root.handlers:
        if flt not in handler.filters:
            handler.addFilter(flt)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return flt
