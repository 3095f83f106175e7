"""Domain exceptions. Each carries the message a user should read and its exit code.

The CLI translates them once, at the edge: ``Error: <file>: <reason>`` on stderr.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    SOME_FAILED = 1  # a batch in which some inputs failed (the others were output)
    USAGE = 2
    UNSUPPORTED = 3  # readable, but not a supported Ofsted document
    UNREADABLE = 4  # not a PDF, damaged, encrypted, no text layer, missing (file or library id)
    INTERNAL = 5  # a bug in ilacs
    LIBRARY = 6  # the library file cannot be used (unwritable, not SQLite, from a newer ilacs)
    OUTPUT = 7  # the output file (-o FILE) cannot be written: disk full, no such folder, ...


class IlacsError(Exception):
    """Base class: ``str(err)`` is the one-line reason, ``path`` the input it concerns."""

    exit_code: ExitCode = ExitCode.UNREADABLE

    def __init__(self, reason: str, path: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class UnreadableDocument(IlacsError):
    """The file cannot be read as a document (not a PDF, damaged, encrypted, no text)."""

    exit_code = ExitCode.UNREADABLE


class UnsupportedDocument(IlacsError):
    """The file reads, but it is not an Ofsted document that ilacs extracts."""

    exit_code = ExitCode.UNSUPPORTED


class UsageError(IlacsError):
    exit_code = ExitCode.USAGE


class LibraryError(IlacsError):
    """The library file cannot be used: its folder is not writable, it is not a SQLite
    file, or it was made by a newer ilacs (then it is never written)."""

    exit_code = ExitCode.LIBRARY


class NotInLibrary(IlacsError):
    """No library entry has this id (or no entry is on this authority). Exit 4, like a
    missing file: ``ilacs diff A B`` takes files and ids alike."""

    exit_code = ExitCode.UNREADABLE
