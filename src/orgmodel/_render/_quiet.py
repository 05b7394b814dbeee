"""Keeping Graphviz's own messages off the user's screen unless something failed.

Graphviz writes warnings from C straight to file descriptor 2: a Fontconfig
complaint about the machine's font configuration on every first render, "triangulation
failed" when it cannot route one edge around the boxes.  Neither means the
drawing failed, and in a notebook each shows as a red box.  While Graphviz
runs, :func:`captured_stderr` points descriptor 2 (and ``sys.stderr``) at a
temporary file; the caller gets the text, puts it into the error when the
render failed, and otherwise only logs it (logger ``orgmodel.render``, level
DEBUG) for whoever wants to see it.

Descriptor 2 belongs to the whole process: anything another thread writes to
standard error during a render is caught too (and logged, not lost).

>>> import os
>>> with captured_stderr() as caught:
...     _ = os.write(2, b"Warning: something Graphviz says\\n")
>>> caught.text
'Warning: something Graphviz says\\n'
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator

__all__ = ["Caught", "captured_stderr", "log"]

log = logging.getLogger("orgmodel.render")


class Caught:
    """What was written to standard error while it was captured (``text``, filled when the capture ends)."""

    def __init__(self) -> None:
        self.text = ""

    def lines(self) -> list[str]:
        """The non-empty lines, stripped."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]


@contextlib.contextmanager
def captured_stderr() -> Iterator[Caught]:
    """Catch what C code and Python write to standard error meanwhile; see the module notes."""
    caught = Caught()
    try:
        descriptor = sys.__stderr__.fileno() if sys.__stderr__ is not None else 2
        saved = os.dup(descriptor)
    except (OSError, ValueError):  # no descriptor 2 at all (a detached process): nothing to keep quiet
        yield caught
        return
    with tempfile.TemporaryFile() as sink, open(sink.fileno(), "w", encoding="utf-8", closefd=False) as text:
        _flush()
        os.dup2(sink.fileno(), descriptor)
        try:
            with contextlib.redirect_stderr(text):
                yield caught
        finally:
            text.flush()
            _flush()
            os.dup2(saved, descriptor)
            os.close(saved)
            sink.seek(0)
            caught.text = sink.read().decode(errors="replace")
    if caught.text:
        log.debug("Graphviz said: %s", caught.text.strip())


def _flush() -> None:
    for stream in (sys.stderr, sys.__stderr__):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
