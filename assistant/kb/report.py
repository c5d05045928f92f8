"""How `kb check` prints its problems: the first ones in full, then how many more.

A folder can hold millions of problems (a generated file, a wrong folder): printing them all buries
the first, which are what staff fix first, and takes longer than the check itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.files import clip
from assistant.kb.loader import Problem

MAX_PRINTED = 100
"""Problems printed by `kb check` before "… and N more"."""
MAX_LINE = 400
"""Characters of one problem's message (it may quote a key as long as the file)."""


def problem_lines(problems: list[Problem], limit: int = MAX_PRINTED) -> Iterator[str]:
    """One line per problem, at most `limit` of them, then "… and N more problems" if any remain."""
    for p in problems[:limit]:
        yield (
            f"{p.file}:{p.line}:{p.column}: {clip(p.entry, 80)}: {clip(p.message, MAX_LINE)} — {clip(p.hint, MAX_LINE)}"
        )
    rest = len(problems) - limit
    if rest > 0:
        yield f"… and {rest:,} more problem{'s' if rest > 1 else ''} (fix these first, then run `kb check` again)"
