"""Reading an input's bytes: regular files only (stdin aside), never more than a limit.

A ``.pdf`` that is a named pipe would block a reader for ever, and one that is a link to
``/dev/zero`` (or ``extract - < /dev/zero``) would be read until memory runs out. Every
read of an input goes through :func:`read_input` (a path) or :func:`read_stream` (stdin):
a path is opened without blocking and refused unless it is a regular file, and no read
goes past :data:`MAX_INPUT_BYTES` (or the limit given).

A leaf module: the standard library and :mod:`ilacs_cli.errors` only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import UnreadableDocument

__all__ = ["MAX_INPUT_BYTES", "read_input", "read_stream", "too_large"]

#: The largest input read (PDF, text or saved JSON): 64 MiB, about 100 times the largest
#: report in the corpus (663 KB).
MAX_INPUT_BYTES = 64 << 20

_CHUNK = 1 << 20


def too_large(limit: int) -> str:
    return f"larger than {_size(limit)}; refused as too large for a report"


def _size(limit: int) -> str:
    return f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit:,} bytes"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_input(path: str | Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises :class:`~ilacs_cli.errors.UnreadableDocument` (exit 4): missing, a directory,
    not a regular file (a pipe, a device: opened without blocking, never read), larger
    than ``limit``, or unreadable."""
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError as exc:
        raise UnreadableDocument("is a directory", name) from exc
    except FileNotFoundError as exc:
        raise UnreadableDocument("no such file", name) from exc
    except OSError as exc:
        if os.path.exists(path) and not os.path.isfile(path):  # a socket: ENXIO
            raise UnreadableDocument(
                f"not a regular file ({_kind(os.stat(path).st_mode)}); to read a stream, "
                "pipe it to - (stdin)",
                name,
            ) from exc
        raise UnreadableDocument(f"cannot read ({exc.strerror or exc})", name) from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableDocument("is a directory", name)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableDocument(
                f"not a regular file ({_kind(info.st_mode)}); to read a stream, pipe it to - "
                "(stdin)",
                name,
            )
        if info.st_size > limit:
            raise UnreadableDocument(too_large(limit), name)
        with open(fd, "rb", buffering=0, closefd=False) as fh:
            return read_stream(fh, limit, name)
    except OSError as exc:
        raise UnreadableDocument(f"cannot read ({exc.strerror or exc})", name) from exc
    finally:
        os.close(fd)


def read_stream(stream: BinaryIO, limit: int = MAX_INPUT_BYTES, name: str = "<stdin>") -> bytes:
    """At most ``limit`` bytes of ``stream`` (stdin), read to its end; one byte more is
    :class:`~ilacs_cli.errors.UnreadableDocument` (too large), and reading stops there."""
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            raise UnreadableDocument(too_large(limit), name)
    return b"".join(parts)
