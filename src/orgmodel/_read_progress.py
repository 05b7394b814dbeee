"""Telling someone at a terminal how far a long load has come (reading and checking a file).

Builds and renders have their own line, ``orgmodel._progress``: the two are to be made one.

Nothing is written unless standard error is a terminal (or progress is asked
for), and nothing for work that ends within half a second, so quick loads and
scripts stay quiet.  The line is cleared when the work ends, however it ends
(Ctrl-C included).
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

#: Seconds before the first report, and between two.
_DELAY = 0.5
_EVERY = 0.2


class Progress:
    """A one-line report on a stream, redrawn at most five times a second; silent when ``stream`` is ``None``."""

    def __init__(self, label: str, total: int, stream: TextIO | None) -> None:
        self.label = label
        self.total = total
        self.stream = stream
        self.started = time.monotonic()
        self.next_report = self.started + _DELAY
        self.width = 0
        self.detail = ""

    def update(self, done: int) -> None:
        """``done`` out of ``total`` (bytes or characters read)."""
        if self.stream is None:
            return
        now = time.monotonic()
        if now < self.next_report:
            return
        self.next_report = now + _EVERY
        share = min(done / self.total, 1.0) if self.total else 0.0
        self._show(f"{self.label}: reading, {share:.0%} of {_size(self.total)}")

    def stage(self, detail: str) -> None:
        """Say what the work has moved on to (shown at once if anything has been shown, else after the delay)."""
        if self.stream is None:
            return
        self.detail = detail
        if self.width or time.monotonic() >= self.next_report:
            self._show(f"{self.label}: {detail}…")

    def _show(self, line: str) -> None:
        assert self.stream is not None
        padding = " " * max(self.width - len(line), 0)
        self.stream.write(f"\r{line}{padding}")
        self.stream.flush()
        self.width = len(line)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.stream is not None and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _size(count: int) -> str:
    if count >= 1 << 20:
        return f"{count / (1 << 20):,.1f} MB"
    return f"{count / (1 << 10):,.0f} kB"


def for_reading(name: str, total: int, wanted: bool | None) -> Progress:
    """A :class:`Progress` for reading ``name``: shown when ``wanted``, or (``None``) when stderr is a terminal."""
    stream = sys.stderr
    shown = wanted if wanted is not None else _is_terminal(stream)
    return Progress(name, total, stream if shown else None)


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # replaced by something without isatty, or closed
        return False
