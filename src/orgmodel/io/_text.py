"""Reading a text file someone gave us: UTF-8 (a byte-order mark allowed), every failure a located FormatError."""

from __future__ import annotations

from pathlib import Path

from orgmodel.errors import FormatError


def read_utf8(path: Path, what: str = "the file") -> str:
    """The text of ``path``; a missing, unreadable or non-UTF-8 file is a :class:`FormatError` naming it.

    ``what`` names the file in the message ("the units table").  Spreadsheet
    programs save UTF-8 with a byte-order mark, which is dropped.
    """
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise FormatError([f"{path}: cannot read {what}: {error.strerror or error}"]) from None
    except UnicodeDecodeError as error:
        raise FormatError([f"{path}: {what} is not UTF-8 text: {error.reason}"]) from None
