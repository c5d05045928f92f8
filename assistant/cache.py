"""Where the assistant keeps what it can rebuild: the fitted topic model, the validated knowledge base.

Everything here is keyed by a hash of what it was built from, so a stale entry is never used: it is
simply not found. Deleting the folder is always safe (the next start rebuilds it).
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    env = os.environ.get("CANDIDATE_ASSISTANT_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "candidate-assistant"


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` in one step, so a concurrent reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o600)
    tmp.replace(path)
