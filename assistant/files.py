"""Bounded reading of the files people hand us (knowledge, profiles, evaluation sets).

A path can name anything: a 50 MB file, a named pipe that blocks the reader for ever, a folder, a
link to nowhere or a link loop. `read_bounded` reads a regular file of at most `max_bytes` and says
which of these it met otherwise, in words a member of staff can act on.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

CHUNK = 1 << 16


class FileReadError(Exception):
    """A file that cannot be read as a file: `message` says what it is, `hint` what to do."""

    def __init__(self, file: str, message: str, hint: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file, self.message, self.hint = file, message, hint


def size_text(n: int) -> str:
    """`n` bytes for people: 512 bytes, 64 KB, 4.0 MB."""
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n // 1024} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def not_a_file(path: Path, display: str | None = None) -> FileReadError | None:
    """Why `path` cannot be read as a file (missing, link loop, dangling link, folder, pipe...), or
    None for a regular file or a link to one. Only `stat` calls: it never opens nor blocks."""
    name = display or str(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _stat_problem(path, name, exc)
    if stat.S_ISREG(mode):
        return None
    return _not_regular(name, mode)


def _not_regular(name: str, mode: int) -> FileReadError:
    if stat.S_ISDIR(mode):
        hint = "this name is read as a file: rename the folder or move it elsewhere"
    else:
        hint = "only regular files are read: remove it, or replace it by the file itself"
    return FileReadError(name, f"is {_kind(mode)}, not a file", hint)


def _stat_problem(path: Path, name: str, exc: OSError) -> FileReadError:
    if exc.errno == errno.ELOOP:
        return FileReadError(
            name, "is a symbolic link loop", "point the link at a real file, or remove the link"
        )
    if exc.errno == errno.ENOENT and os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return FileReadError(
            name,
            f"is a broken symbolic link (its target `{clip_start(target, 120)}` does not exist)",
            "restore the file it points to, point it at the right file, or remove the link",
        )
    if exc.errno == errno.ENOENT:
        return FileReadError(name, "does not exist", "check the path")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return FileReadError(name, "cannot be read: permission denied", "give read permission on it")
    return FileReadError(name, f"cannot be read: {exc.strerror or exc}", "check the file and its path")


def read_bounded(path: str | Path, max_bytes: int, display: str | None = None) -> bytes:
    """The bytes of the regular file `path`, at most `max_bytes` of them, else `FileReadError`.

    The file is opened without blocking (a FIFO opened for reading would wait for a writer) and
    checked to be a regular file on the open descriptor, so no race swaps in something else; then at
    most `max_bytes + 1` bytes are read, whatever the file claims its size is.
    """
    path = Path(path)
    name = display or str(path)
    problem = not_a_file(path, name)
    if problem is not None:
        raise problem
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _stat_problem(path, name, exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # swapped since the check above
            raise _not_regular(name, info.st_mode)
        if info.st_size > max_bytes:
            raise too_large(name, info.st_size, max_bytes)
        parts: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
        if total > max_bytes:  # it grew while being read, or st_size lied (/proc, FUSE)
            raise too_large(name, total, max_bytes, at_least=True)
        return b"".join(parts)
    except OSError as exc:
        raise FileReadError(name, f"cannot be read: {exc.strerror or exc}", "check the file") from None
    finally:
        os.close(fd)


def too_large(name: str, size: int, max_bytes: int, at_least: bool = False) -> FileReadError:
    more = "more than " if at_least else ""
    return FileReadError(
        name,
        f"is {more}{size_text(size)}, over the {size_text(max_bytes)} limit",
        "check that this is the right file; a file this large is refused before it is read",
    )


def clip(text: str, limit: int = 60) -> str:
    """`text` cut to `limit` characters for an error message: input is never echoed unbounded."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip_start(text: str, limit: int = 60) -> str:
    """`text` cut to its last `limit` characters: the end of a path is the part that names the file."""
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]
