"""Masking of contact details in the questions kept for staff: a pure function, no database.

Candidates sometimes type their e-mail address or phone number into a question ("call me on 06 12 34
56 78"). The question log keeps texts for staff reports, never who asked, so those details are replaced
by `[email]` and `[phone]` before anything is stored.

Phone numbers are recognised by shape, not by country: a run of digits (with spaces, dots, dashes,
slashes or brackets between groups) holding 8 to 15 digits (E.164's maximum) that either starts with an
international prefix (`+33 6 ...`, `0033 6 ...`, `+1 (415) ...`), or starts with a national trunk `0`
(`06 12 34 56 78`, `020 7946 0958`), or has an area code in brackets (`(415) 555-2671`), or holds at
least 10 digits. Dates (`2026-01-23`, `23.01.2026`), academic years (`2025-2026`), postal codes and
short amounts are left alone. Masking errs on the side of hiding a long number that was not a phone.
"""

from __future__ import annotations

import re

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])", re.UNICODE)
# Digit groups joined by one separator (a space, a no-break space, . - /), with an optional leading
# international prefix and bracketed groups: "+33 (0)6 12 34 56 78", "06.12.34.56.78", "(415) 555-2671".
# Each group is a maximal digit run or a bracket, so matching stays linear (no nested free repetition).
_SEP = r"[ \u00a0\u202f.\-/]"
_BRACKET = r"\(\+?\d{1,4}\)"
PHONE_CANDIDATE = re.compile(
    rf"(?<![\w+/.\-])(?:(?:\+|\b00)\s?)?(?:\d+|{_BRACKET})"
    rf"(?:{_SEP}?{_BRACKET}|{_SEP}\d+|(?<=\))\d+)*"
    r"(?![\w/])"
)
DATE_LIKE = re.compile(r"\d{1,4}([.\-/])\d{1,2}\1\d{2,4}|\d{4}[\-/]\d{4}")
MIN_DIGITS, MAX_DIGITS = 8, 15


def _is_phone(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    if not MIN_DIGITS <= digits <= MAX_DIGITS:
        return False
    compact = candidate.strip()
    if DATE_LIKE.fullmatch(compact):
        return False
    if compact.startswith(("+", "00", "(+")):
        return True
    if compact.startswith(("0", "(0")):
        return True
    if "(" in compact:
        return True
    return digits >= 10


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    stripped = text.rstrip(" \u00a0\u202f.-/")
    if not _is_phone(stripped):
        return text
    return PHONE_MASK + text[len(stripped) :]


def mask_personal_data(text: str) -> str:
    """`text` with e-mail addresses replaced by `[email]` and phone numbers by `[phone]`."""
    masked = EMAIL.sub(EMAIL_MASK, text)
    return PHONE_CANDIDATE.sub(_mask_phone, masked)


def shorten(text: str, limit: int) -> str:
    """Whitespace collapsed, contact details masked, then cut to `limit` characters (with an ellipsis)."""
    # Masking looks at a few times `limit` (whole numbers straddling the cut are still seen), not at
    # an arbitrarily long message.
    clean = mask_personal_data(" ".join(text[: 4 * limit + 100].split()))
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"
