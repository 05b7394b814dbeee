"""Pausing Python's cyclic garbage collector while a bulk build runs.

Building a timeline or a chart's graph makes millions of small containers
and no reference cycles worth collecting.  The collector counts every new
container and, every few hundred, walks the young ones, and now and then
the whole heap, which by then holds the timeline: a third of a build's time
is spent in it.  Pausing it for the build removes that cost; it runs again
as soon as the build ends, however it ends.

The pause is process-wide (CPython has one collector): threads that run
during a build collect no cycles until it ends, and a thread that turns the
collector off while a build runs finds it on again when the build ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with the cyclic garbage collector paused, and restore it after.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
