"""Budgets for everything the project reads from outside: one place to see and change them.

Kept apart from the loaders so that code which only needs a figure (the knowledge cache's hashing)
does not import PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Budgets for one YAML file. An alias counts for every value it stands for, in `max_nodes` too."""

    max_bytes: int
    max_nodes: int
    max_depth: int
    max_alias_nodes: int


KNOWLEDGE = Limits(max_bytes=4 << 20, max_nodes=200_000, max_depth=64, max_alias_nodes=10_000)
"""A knowledge file: topics.yaml, the largest, is ~400 KB and ~4,000 values."""
PROFILE = Limits(max_bytes=64 << 10, max_nodes=2_000, max_depth=16, max_alias_nodes=200)
"""A candidate profile: a dozen fields."""
EVAL_SET = Limits(max_bytes=4 << 20, max_nodes=200_000, max_depth=32, max_alias_nodes=10_000)
"""An evaluation set: a few hundred cases."""
SETTINGS = Limits(max_bytes=1 << 20, max_nodes=20_000, max_depth=32, max_alias_nodes=1_000)
"""Settings and data files shipped with the code."""

MAX_NUMBER_CHARS = 100
"""A YAML number written with more characters is refused: base-60 integers (`1:0:0:0...`) cost
quadratic time to convert."""

MAX_BATCH_LINE = 1 << 20
"""`ask --jsonl`: a longer input line is an error (the rest of the line is skipped, not stored)."""
