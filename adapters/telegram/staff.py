"""Where the admissions team reads the Telegram bot: the staff chat.

One group (or a private chat) whose id is `TELEGRAM_STAFF_CHAT_ID`: handed-over questions are posted
there, staff reply to them there, `/reload` is accepted there only, and a knowledge-base edit that is
refused is reported there. Without the variable there is no staff chat: those features say so.
"""

from __future__ import annotations

import os

STAFF_CHAT_VARIABLE = "TELEGRAM_STAFF_CHAT_ID"


def staff_chat_id(env: dict[str, str] | None = None) -> int | None:
    """The staff chat's id, or None when not set; a value that is not a chat id raises ValueError
    naming the variable (a group's id is negative, e.g. -1001234567890)."""
    raw = (os.environ if env is None else env).get(STAFF_CHAT_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValueError(
            f"{STAFF_CHAT_VARIABLE}={raw!r}: write the staff chat's numeric id (a group's id is negative, "
            "e.g. -1001234567890; forward a message of the group to @userinfobot to read it)"
        ) from None
