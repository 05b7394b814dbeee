"""Writing text to a terminal that may not take it: control characters escaped, any encoding.

The command line prints names from files written by others, to terminals set
up by others.  :class:`TerminalText` wraps an output stream so that

- control characters are shown as escapes (``\\x1b``), never acted on: a
  name cannot clear the screen, retitle the window or reorder a line;
- text the stream's encoding cannot hold (a latin-1 or ASCII terminal) is
  written anyway: the tree's lines and arrows become ASCII (``|--``, ``->``),
  and any other such character a ``\\xNN``/``\\uNNNN`` escape, instead of
  the command failing with ``UnicodeEncodeError``.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

from orgmodel._text import visible_lines

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["TerminalText"]

# Typographic characters orgmodel itself prints, and the ASCII that stands in for them.
_ASCII = str.maketrans(
    {
        "├": "|",
        "└": "`",
        "│": "|",
        "─": "-",
        "—": "--",
        "–": "-",
        "→": "->",
        "←": "<-",
        "•": "*",
        "◦": "o",
        "…": "...",
        "≥": ">=",
        "≤": "<=",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
    }
)


class TerminalText:
    """A text stream for the command's output: writes through ``stream``, escaped and encodable.

    >>> import io
    >>> out = TerminalText(io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    >>> out.safe("Förnyelseenheten └── Enhet\\x1b[2J → ok")
    'Förnyelseenheten `-- Enhet\\\\x1b[2J -> ok'
    """

    def __init__(self, stream: SupportsWrite[str]) -> None:
        self.stream = stream
        encoding = getattr(stream, "encoding", None)
        try:
            self.encoding = codecs.lookup(encoding).name if isinstance(encoding, str) else None
        except LookupError:
            self.encoding = None

    def safe(self, text: str) -> str:
        """``text`` as it will be written: control characters escaped, fitted to the stream's encoding."""
        text = visible_lines(text.replace("\r\n", "\n"))
        if self.encoding is None:
            return text
        try:
            text.encode(self.encoding)
        except UnicodeEncodeError:
            text = text.translate(_ASCII).encode(self.encoding, "backslashreplace").decode(self.encoding)
        return text

    def write(self, text: str) -> int:
        """Write ``text`` made safe; returns the length of ``text`` as given, as ``print`` expects."""
        self.stream.write(self.safe(text))
        return len(text)

    def flush(self) -> None:
        """Flush the stream underneath."""
        flush = getattr(self.stream, "flush", None)
        if flush is not None:
            flush()

    def isatty(self) -> bool:
        """Whether the stream underneath is a terminal."""
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty is not None and isatty())
