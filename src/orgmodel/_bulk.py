"""Pausing Python's cyclic garbage collector while a bulk build runs.

Building a timeline or a chart's graph makes millions of small containers
and no reference cycles worth collecting.  The collector counts every new
container and, every few hundred, walks the young ones, and now and then
the whole heap, which by then holds the timeline: a third of a build's time
is spent in it.  Pausing it for the build removes that cost; it runs again
as soon as the build ends, however it ends.

Everything made during the pause is then in the youngest generation, and the
first collection after it would walk it all once (0.8 s after building a
timeline of size L).  So the pause ends by handing it straight to the oldest
generation (``gc.freeze()`` then ``gc.unfreeze()``, as their documentation
describes), where it waits for the next full collection like any long-lived
data.  When the process has frozen objects of its own, that step is skipped,
since ``gc.unfreeze()`` would thaw them too.

The pause is process-wide (CPython has one collector): threads that run
during a build collect no cycles until it ends, a thread that turns the
collector off while a build runs finds it on again when the build ends, and
the process's other young objects go to the oldest generation with the
build's, so that cycles among them wait for the next full collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: CPython has ``gc.freeze`` (3.7 on); other Pythons may not.
_CAN_FREEZE = hasattr(gc, "freeze")


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
        if _CAN_FREEZE and not gc.get_freeze_count():
            gc.freeze()  # every tracked object, the new ones too, to the permanent generation…
            gc.unfreeze()  # …and back into the oldest one, none of them walked
        if collecting:
            gc.enable()
