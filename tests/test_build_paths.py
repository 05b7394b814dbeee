"""A build's fast paths give exactly the log, and the errors, of the plain path.

A build files the versions of its writes in one pass at the end
(``_log.FILE_VERSIONS_AT_END``) and applies runs of establishments in one loop
(``_log.BATCH_ESTABLISHMENTS``); the plain path records each change's versions
as it goes and applies every change on its own.  Both are compared on
generated timelines whose changes are shuffled and thinned, so that many are
refused (lenient builds keep going, strict ones raise), and on logs of
colliding establishments (tests/test_establishment_runs.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel import _log
from orgmodel import strategies as oms
from tests.test_establishment_runs import entries, outcome


@contextmanager
def paths(*, fast: bool) -> Iterator[None]:
    """Builds inside take the fast paths, or the plain one."""
    saved = _log.FILE_VERSIONS_AT_END, _log.BATCH_ESTABLISHMENTS
    _log.FILE_VERSIONS_AT_END = _log.BATCH_ESTABLISHMENTS = fast
    try:
        yield
    finally:
        _log.FILE_VERSIONS_AT_END, _log.BATCH_ESTABLISHMENTS = saved


def built(log: list[Any], *, fast: bool, lenient: bool) -> Any:
    """The build's log as plain data and its errors (every field, in order), or the error it raised."""
    with paths(fast=fast):
        return outcome(log, lenient=lenient)


@settings(max_examples=150, deadline=None)
@given(st.data(), st.booleans())
def test_shuffled_timelines_build_as_the_plain_path_builds(data: st.DataObject, lenient: bool) -> None:
    timeline = data.draw(oms.timelines(max_events=25, imprecise=True, statuses=True), label="timeline")
    changes = data.draw(st.permutations(list(timeline.changes)), label="order")
    kept = data.draw(st.lists(st.booleans(), min_size=len(changes), max_size=len(changes)), label="kept")
    # Bare events as well as changes: a change of one event is given as its event, dated, now and then.
    log: list[Any] = [
        change.events[0] if len(change.events) == 1 and data.draw(st.booleans(), label="bare") else change
        for change, keep in zip(changes, kept, strict=True)
        if keep or len(changes) < 3
    ]
    assert built(log, fast=True, lenient=lenient) == built(log, fast=False, lenient=lenient)


@settings(max_examples=150, deadline=None)
@given(st.lists(entries(), max_size=30), st.booleans())
def test_colliding_establishments_build_as_the_plain_path_builds(log: list[Any], lenient: bool) -> None:
    assert built(log, fast=True, lenient=lenient) == built(log, fast=False, lenient=lenient)


def test_the_fast_paths_are_what_a_build_takes() -> None:
    # The comparisons above are only worth something while a build takes the fast paths by default.
    assert _log.FILE_VERSIONS_AT_END
    assert _log.BATCH_ESTABLISHMENTS
