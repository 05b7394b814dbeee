"""Pausing Python's cyclic garbage collector while a bulk build runs, and always giving it back.

Building a timeline or a chart's graph makes millions of small containers
and no reference cycles worth collecting.  The collector counts every new
container and, every few hundred, walks the young ones, and now and then
the whole heap, which by then holds the timeline: a third of a build's time
is spent in it.  Pausing it for the build removes that cost.

**What a build does to other threads.**  CPython has one collector for the
whole process, so while any thread builds, the collector is paused for all
of them.  Other threads run on and free their objects by reference counting
as usual; only the reference *cycles* they make wait, uncollected, until the
pause ends (a build of a million events takes about a minute).  Builds in
several threads share one pause: the collector comes back when the last of
them ends, if it was on when the first began.  A thread that calls
``gc.disable()`` or ``gc.enable()`` while a build runs finds the collector as
it was before the first build once the last one ends.

**However a build ends.**  The pause ends when the build returns or raises,
whatever it raises, ``KeyboardInterrupt`` included.  A signal's exception
can land between two steps of Python code, so where it lands matters:

- As a decorator (``@collector_paused()``, the form orgmodel uses), the pause
  begins and ends inside the wrapper's own ``try``/``finally``, in steps at
  which CPython (3.11 and later) checks for no signal: the collector goes
  off inside the ``try`` and comes back by the first call in ``finally``.
  No single interrupt can leave it off.
- As a ``with`` statement, an interrupt can also land on the first step of
  ``__exit__``, before it does anything.  Then the pause ends when the pause
  object is dropped, as the exception's traceback is freed; a kept traceback
  (``sys.last_exc`` in an interactive session) keeps it until then.

``tests/test_bulk.py`` sends thousands of interrupts at random moments and
checks the collector after each.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from types import TracebackType
from typing import ParamSpec, TypeVar

__all__ = ["collector_paused", "pauses"]

P = ParamSpec("P")
R = TypeVar("R")

# [how many pauses are in force, whether the collector was on when the first began].  Updated only by
# steps between which CPython neither checks for signals nor switches threads (no calls, no loops), so
# that no interrupt and no other thread sees it half-changed; hence no lock, whose wait a signal could cut.
_PAUSES, _RESTORE = 0, 1
_state = [0, 0]


def pauses() -> int:
    """How many builds are pausing the collector now (0 when none is).

    >>> with collector_paused():
    ...     pauses()
    1
    >>> pauses()
    0
    """
    return _state[_PAUSES]


class collector_paused:  # noqa: N801  # used as a function: @collector_paused(), with collector_paused():
    """Run the body with the cyclic garbage collector paused, and restore it after; also a decorator.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """

    __slots__ = ("_holding",)

    def __init__(self) -> None:
        self._holding = False

    def __call__(self, function: Callable[P, R]) -> Callable[P, R]:
        """Use as a decorator: each call of ``function`` runs paused."""

        @functools.wraps(function)
        def paused(*args: P.args, **kwargs: P.kwargs) -> R:
            holding = False
            try:
                restore = gc.isenabled() if not _state[_PAUSES] else _state[_RESTORE]
                # From here to gc.disable(): no call, so no signal lands in between.
                _state[_RESTORE] = restore
                _state[_PAUSES] += 1
                holding = True
                gc.disable()
                return function(*args, **kwargs)
            finally:
                if holding:
                    _state[_PAUSES] -= 1
                    if not _state[_PAUSES] and _state[_RESTORE]:
                        gc.enable()

        return paused

    def __enter__(self) -> None:
        try:
            restore = gc.isenabled() if not _state[_PAUSES] else _state[_RESTORE]
            _state[_RESTORE] = restore
            _state[_PAUSES] += 1
            self._holding = True
            gc.disable()
        except BaseException:  # an interrupt just after gc.disable(): as if never entered
            self._release()
            raise

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._release()

    def __del__(self) -> None:
        # The safety net for an interrupt on the first step of __exit__ (see the module notes).
        self._release()

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            _state[_PAUSES] -= 1
            if not _state[_PAUSES] and _state[_RESTORE]:
                gc.enable()
