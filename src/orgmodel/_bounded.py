"""Reading a file's bytes with the size limit applied to what is read, not to what ``stat`` says.

A FIFO or a character device (``/dev/zero``) reports no size, and a sparse
file reports holes it has not stored: each is read in chunks and refused as
soon as it passes the limit, so memory stays near the limit whatever the file.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from orgmodel._limits import Limits, refusal
from orgmodel.errors import FormatError

_CHUNK = 1 << 20


def _too_big(file: str, limits: Limits) -> FormatError:
    return FormatError([refusal(limits, f"{file}: ", "the file is more than", "file_size", "bytes")])


def read(source: str | BinaryIO, file: str, limits: Limits) -> bytes:
    """The bytes of ``source`` (a path or a binary stream), refused once they pass ``limits.file_size``."""
    if not isinstance(source, str):
        return _read_stream(source, file, limits, hint=0)
    try:
        with open(source, "rb", buffering=0) as stream:
            status = os.fstat(stream.fileno())
            if stat.S_ISDIR(status.st_mode):
                raise FormatError([f"{file}: cannot read the file: it is a directory"])
            hint = status.st_size if stat.S_ISREG(status.st_mode) else 0
            if hint > limits.file_size:
                raise _too_big(file, limits)  # refused at once: a regular file is as long as it says
            return _read_stream(stream, file, limits, hint)
    except OSError as error:
        raise FormatError([f"{file}: cannot read the file: {error.strerror or error}"]) from None


def _read_stream(stream: BinaryIO, file: str, limits: Limits, hint: int) -> bytes:
    limit = limits.file_size
    # A regular file comes in one read of its stated size; anything past it (a file growing) in chunks after.
    first = stream.read(min(hint, limit) + 1) if hint else b""
    if hint and len(first) <= hint:
        return first
    chunks = [first] if first else []
    total = len(first)
    while total <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise _too_big(file, limits)
    return b"".join(chunks)


def decode(data: bytes, file: str) -> str:
    """``data`` as UTF-8 text (a leading byte-order mark dropped); not UTF-8 is an error at its line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(data, file, error) from None
    return text[1:] if text.startswith("\ufeff") else text


def decoding_error(data: bytes, file: str) -> FormatError | None:
    """The error :func:`decode` gives for ``data``, or ``None`` if it is UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _not_utf8(data, file, error)
    return None


def _not_utf8(data: bytes, file: str, error: UnicodeDecodeError) -> FormatError:
    line = data.count(b"\n", 0, error.start) + 1
    line_start = data.rfind(b"\n", 0, error.start) + 1
    column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
    return FormatError(
        [
            f"{file}:{line}:{column}: the file is not UTF-8 text "
            f"(byte 0x{data[error.start]:02x}: {error.reason}); save it as UTF-8"
        ]
    )
