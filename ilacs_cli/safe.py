"""Text from a document or a path is data: make it safe to show on a terminal.

A document's text (mapped in through a font's ToUnicode, or in a .txt input) and a file's
name can hold ESC, other C0/C1 control characters and bidirectional overrides. Written raw to
a terminal they clear the screen, retitle the window, draw hyperlinks (OSC 8) or reorder what
a reader sees. Every string that comes from a document or a path passes through
:func:`printable` (table cells, panels) or :func:`one_line` (stderr lines) before it reaches a
terminal; rich views never read such text as markup (see :func:`ilacs_cli.render.plain`).

A leaf module: no imports beyond the standard library, so the CLI's error path stays light.
"""

from __future__ import annotations

import re

__all__ = ["one_line", "printable"]

# C0 controls but tab and newline, DEL, C1 controls; the bidirectional embeddings,
# overrides and isolates (Trojan Source); line and paragraph separators.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_UNSAFE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\u0085]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control or reordering character shown as an escape (``\\x1b``);
    tabs and newlines are kept. Plain text is returned unchanged (the same object)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_visible, text)


def one_line(text: str) -> str:
    """Like :func:`printable`, with newlines and tabs made visible too: for one line of
    stderr, so that a file name cannot forge a second ``Error:`` line."""
    if _UNSAFE_LINE.search(text) is None:
        return text
    return _UNSAFE_LINE.sub(_visible, text)
