"""The validated knowledge base, kept between starts: validating YAML with positions costs more than
everything else a start does, and the files rarely change.

The key is a hash of every knowledge file's name and bytes and of the code that reads them, so an edit
of either is a different key: a stale entry is never read, only left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sys
from pathlib import Path

from assistant.cache import cache_dir, write_atomically

_CODE = ("models.py", "loader.py", "templates.py", "yamlpos.py", "required.py")


def key(folder: Path) -> str | None:
    """The cache key of a folder; None when it cannot be read (the checker then says why)."""
    digest = hashlib.sha256(str(folder.resolve()).encode())
    here = Path(__file__).parent
    try:
        for name in _CODE:
            digest.update((here / name).read_bytes())
        for path in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()[:24]


def _path(key: str) -> Path:
    return cache_dir() / f"kb-{key}-py{sys.version_info[0]}{sys.version_info[1]}.pickle"


def read(key: str):  # type: ignore[no-untyped-def]
    try:
        return pickle.loads(_path(key).read_bytes())
    except Exception:  # noqa: BLE001 - missing, truncated or from another version: rebuild it
        return None


def write(key: str, kb: object) -> None:
    with contextlib.suppress(OSError):  # a read-only cache only costs start-up time
        write_atomically(_path(key), pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL))
