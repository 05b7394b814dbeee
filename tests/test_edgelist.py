"""The edge list's fast paths against the plain ones: the day's columns against the day's state, and the shared
analysis of a day's uncertainty against a fresh one."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import _edgelist, _log, _uncertain
from orgmodel import strategies as oms
from orgmodel._uncertain import Possible
from orgmodel._writes import Writes
from orgmodel.dates import parse_day

FIELD_KINDS = ("contains", "has_post", "reports_to", "owns")

#: Generated timelines with date windows, plans (some cancelled) and corrections.
TIMELINES = st.one_of(oms.timelines(max_events=40, max_gap_days=20), oms.revised_timelines(max_gap_days=20))


def snapshotted(timeline: om.Timeline) -> om.Timeline:
    """The timeline built again with a snapshot as often as the log takes one (every few changes)."""
    with mock.patch.object(_log, "SNAPSHOT_MIN_WRITES", 1):
        return om.Timeline(timeline.changes)


def days_of(timeline: om.Timeline, data: st.DataObject) -> list[dt.date]:
    """Each change's first and last day, the days after them and some days in between, in a drawn order."""
    bounds = {change.on.earliest for change in timeline.changes} | {change.on.latest for change in timeline.changes}
    bounds |= {day + dt.timedelta(days=1) for day in bounds}
    first = min(bounds, default=dt.date(2013, 1, 1))
    between = data.draw(st.lists(st.integers(0, 400), max_size=6))
    days = sorted(bounds | {first + dt.timedelta(days=offset) for offset in between})
    return data.draw(st.permutations(days))


@given(TIMELINES, st.data())
def test_the_columns_give_the_edges_of_the_days_state(timeline: om.Timeline, data: st.DataObject) -> None:
    """The same edges in the same order, from any snapshot and point of its grid, with the writes since applied at
    once or one by one, and with the day's ghosts put on."""
    log = snapshotted(timeline)._log
    grid_every = data.draw(st.sampled_from([1, 3, 10**6]))
    one_by_one = data.draw(st.booleans())
    apply_one_by_one = mock.patch.object(_edgelist._Writes, "apply", return_value=False)
    with mock.patch.object(_edgelist, "GRID_MIN_WRITES", grid_every), apply_one_by_one if one_by_one else nullcontext():
        for day in days_of(timeline, data):
            kinds = frozenset(data.draw(st.sets(st.sampled_from(FIELD_KINDS))))
            assert _edgelist.by_columns(log, day, kinds) == _edgelist.from_state(log, day, kinds), (day, sorted(kinds))


@given(TIMELINES, st.data())
def test_a_days_shared_analysis_is_a_fresh_one(timeline: om.Timeline, data: st.DataObject) -> None:
    """Days asked in any order, some sharing one answer: each is what a fresh analysis of that day finds, and the
    charts (possible and certain) are those of a log that never shared one."""
    log = timeline._log
    fresh = om.Timeline(timeline.changes)
    for day in days_of(timeline, data):
        prefix = log.prefix(day)
        uncertainty, ghosts = _uncertain.possible(log, day, prefix)
        alone = Possible(log, day, prefix)
        assert list(uncertainty.items()) == list(alone.uncertainty.items()), day
        assert list(ghosts.items()) == list(alone.ghosts.items()), day
        for certain in (False, True):
            _uncertain.forget(fresh._log)
            assert timeline.at(day, certain=certain) == fresh.at(day, certain=certain), (day, certain)


WRITES = st.lists(st.tuples(st.sampled_from("abcde"), st.sampled_from([None, "x", "y"])))


@given(WRITES, st.sets(st.sampled_from("abc")))
def test_writes_at_once_make_what_one_by_one_makes(writes: list[Any], before: set[str]) -> None:
    """Each write sets a unit with a parent or ends it; what was there first, and what is ended, varies: a column
    with the writes applied at once, and the edges read through them, are those of the writes one by one."""
    start = dict.fromkeys(sorted(before), "x")
    log = SimpleNamespace(change_deltas=[0, 0], deltas=Writes())
    now = dict(start)
    for key, parent in writes:
        if parent is None and key not in now:
            continue  # only what is there can end
        old = om.Unit(key, key, parent=now[key]) if key in now else None
        log.deltas.record(0, key, old, None if parent is None else om.Unit(key, key, parent=parent))
        if parent is None:
            del now[key]
        else:
            now[key] = parent
    log.change_deltas[1] = len(log.deltas)

    def column(parents: dict[str, str]) -> dict[str, tuple[str, str, str]]:
        return {key: (parent, key, "contains") for key, parent in parents.items()}

    one_by_one = column(start)
    _edgelist._apply_one_by_one(log, 0, 1, one_by_one, "contains")  # type: ignore[arg-type]
    assert list(one_by_one.items()) == list(column(now).items())
    at_once = column(start)
    writes_of = _edgelist._Writes(log, 0, 1)  # type: ignore[arg-type]
    if writes_of.apply(at_once, "contains"):  # type: ignore[arg-type]
        assert list(at_once.items()) == list(column(now).items())
        assert writes_of.edges_after(column(start), "contains") == list(column(now).values())  # type: ignore[arg-type]
    else:
        assert writes_of.edges_after(column(start), "contains") is None  # type: ignore[arg-type]
        assert writes_of.ended


def test_a_reopened_log_gives_the_same_edges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The columns read a reopened log's tables (snapshots, writes, versions) as they come from the cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    timeline = snapshotted(om.examples.nacka())
    assert timeline._log.snapshots
    om.save_cache(timeline, tmp_path / "nacka.orgcache")
    reopened = om.load_cache(tmp_path / "nacka.orgcache")
    for day in ("2013-06-01", "2014-12-31", "2015-01-01", "2016-06-30"):
        for kinds in (("contains", "reports_to"), FIELD_KINDS):
            expected = _edgelist.from_state(timeline._log, parse_day(day), frozenset(kinds))
            assert reopened.edges(day, kinds=kinds) == expected
            assert timeline.edges(day, kinds=kinds) == expected
