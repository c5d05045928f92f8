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
from assistant.files import FileReadError, read_bounded
from assistant.kb.folder import yaml_entries
from assistant.limits import KNOWLEDGE

_CODE = (
    "kb/models.py",
    "kb/loader.py",
    "kb/templates.py",
    "kb/yamlpos.py",
    "kb/required.py",
    "kb/folder.py",
    "yamlfile.py",
    "dates.py",
)
"""The code that reads and validates knowledge files, relative to the `assistant` package."""


def key(folder: Path) -> str | None:
    """The cache key of a folder; None when an entry cannot be read as a file of at most the knowledge
    files' size limit (the checker then says why): the hash reads no more than the loader would."""
    digest = hashlib.sha256(str(folder.resolve()).encode())
    package = Path(__file__).resolve().parent.parent
    try:
        for name in _CODE:
            digest.update((package / name).read_bytes())
        for path in yaml_entries(folder):
            data = read_bounded(path, KNOWLEDGE.max_bytes)
            digest.update(path.name.encode() + b"\0" + data + b"\0")
    except (OSError, FileReadError):
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
