"""A line on the terminal saying what a long task is doing, and nothing anywhere else.

Builds, loads and renders of large organisations take seconds to minutes; a
user at a terminal should see that something is happening and how far it is.
The line goes to standard error, only when that is a terminal (never into a
pipe, a log file or a notebook cell), only once the task has run for a second,
at most a few times a second, and is wiped when the task ends, however it
ends.  ``ORGMODEL_PROGRESS=0`` silences it; ``ORGMODEL_PROGRESS=1`` shows it
even when standard error is not a terminal.

Three ways to use it: :class:`Progress` for a task that counts its steps (call
:meth:`Progress.advance`, or wrap an iterable in :func:`counting`); the same
with no total for a task that cannot count (a Graphviz layout): call
:meth:`Progress.tick` while waiting, and it shows the time; and
:func:`reading` for a file read, which reports bytes read (:meth:`Progress.update`)
and then what the load has moved on to (:meth:`Progress.stage`).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Literal, TextIO, TypeVar

__all__ = ["Progress", "counting", "reading"]

T = TypeVar("T")

#: Seconds a task runs before its line appears, and between two updates of it.
DELAY, INTERVAL = 1.0, 0.25
# Steps between two looks at the clock in counting(): a build applies about a million steps a minute.
_STRIDE = 1024


def _wanted(stream: TextIO | None, asked: bool | None = None) -> bool:
    if asked is not None:  # the caller's own choice (``progress=`` of a load) comes before the environment
        return asked and stream is not None
    setting = os.environ.get("ORGMODEL_PROGRESS", "")
    if setting in {"0", "1"}:
        return setting == "1" and stream is not None
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except (OSError, ValueError):  # a closed or detached stream
        return False


class Progress:
    """What a task is doing, shown on the terminal once it has taken a while; a context manager.

    ``what`` names the task ("building the timeline"); ``total`` is its number
    of steps, or ``None`` when it cannot count them (then the line shows the
    time so far).  ``stream`` is standard error unless given.  ``wanted``
    forces the line on or off; by default it shows on a terminal only.
    ``unit="bytes"`` counts bytes read and shows them as a size.

    >>> import io
    >>> with Progress("building the timeline", 1000, stream=io.StringIO()) as progress:
    ...     progress.advance(500)
    >>> progress.done
    500
    """

    def __init__(
        self,
        what: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        wanted: bool | None = None,
        unit: Literal["steps", "bytes"] = "steps",
    ) -> None:
        self.what = what
        self.total = total
        self.done = 0
        self.unit = unit
        #: What the task has moved on to (:meth:`stage`); shown instead of the count once set.
        self.detail = ""
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _wanted(self.stream, wanted)
        self.started = time.monotonic()
        self._next = self.started + DELAY
        self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def advance(self, steps: int = 1) -> None:
        """Count ``steps`` more steps done; the line is redrawn when it is time to."""
        self.update(self.done + steps)

    def update(self, done: int) -> None:
        """Set the count to ``done`` (bytes read so far, say); the line is redrawn when it is time to."""
        self.done = done
        if self.enabled and time.monotonic() >= self._next:
            self._show()

    def stage(self, detail: str) -> None:
        """Say what the task has moved on to: shown at once if the line is on the screen, else when it is time to.

        >>> progress = Progress("big.yaml", 100, stream=None)
        >>> progress.stage("checking 600 changes")
        >>> progress.text()
        'big.yaml: checking 600 changes…'
        """
        self.detail = detail
        if self.enabled and (self._width or time.monotonic() >= self._next):
            self._show()

    def tick(self) -> None:
        """Redraw the line if it is time to (for a task that cannot count its steps)."""
        if self.enabled and time.monotonic() >= self._next:
            self._show()

    def text(self) -> str:
        """The line as it would show now.

        >>> Progress("rendering", 400, stream=None).text()
        'rendering: 0 of 400 (0%), 0 s'
        """
        seconds = int(time.monotonic() - self.started)
        if self.detail:
            return f"{self.what}: {self.detail}…"
        if self.unit == "bytes":
            share = min(self.done / self.total, 1.0) if self.total else 0.0
            return f"{self.what}: reading, {share:.0%} of {_size(self.total or 0)}"
        if self.total is None:
            return f"{self.what}… {seconds} s (Ctrl-C stops it)"
        share = 100 * self.done // self.total if self.total else 100
        return f"{self.what}: {self.done:,} of {self.total:,} ({share}%), {seconds} s"

    def _show(self) -> None:
        line = self.text()
        self._write("\r" + line.ljust(self._width))
        self._width = max(self._width, len(line))
        self._next = time.monotonic() + INTERVAL

    def close(self) -> None:
        """Wipe the line, if one was shown; nothing is left on the terminal."""
        if self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0
        self.enabled = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the task itself goes on
            self.enabled = False


def reading(name: str, total: int, wanted: bool | None) -> Progress:
    """The line of a file read: ``total`` bytes, shown when ``wanted`` (``None``: on a terminal, as usual).

    >>> reading("big.yaml", 3 << 20, wanted=None).text()
    'big.yaml: reading, 0% of 3.0 MB'
    """
    return Progress(name, total, wanted=wanted, unit="bytes")


def _size(count: int) -> str:
    if count >= 1 << 20:
        return f"{count / (1 << 20):,.1f} MB"
    return f"{count / (1 << 10):,.0f} kB"


def counting(items: Iterable[T], progress: Progress) -> Iterator[T]:
    """The items, counting each as a step of ``progress`` (cheaply: the clock is read every thousand).

    The line is wiped when the items run out, or when the loop over them ends
    early (a ``break``, an error).

    >>> import io
    >>> progress = Progress("summing", 3, stream=io.StringIO())
    >>> sum(counting([1, 2, 3], progress)), progress.done
    (6, 3)
    """
    try:
        if not progress.enabled:
            # Nothing will be shown: no look at the clock, and the count is only kept for the record.
            count = 0
            for count, item in enumerate(items, 1):  # noqa: B007  # the count is wanted after the loop
                yield item
            progress.done += count
            return
        pending = 0
        for item in items:
            yield item
            pending += 1
            if pending == _STRIDE:
                progress.advance(pending)
                pending = 0
        progress.advance(pending)
    finally:
        progress.close()
