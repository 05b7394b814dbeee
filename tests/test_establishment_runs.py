"""Runs of establishments are applied in one loop (``_log.AppliedLog._establish_run``): the same log as one by one.

Ids are drawn from small pools, so that the generated logs are full of what
the run must stop at and leave to the usual way: ids taken twice or after
their entity ended, parents and holders unknown or established later, two
sibling units with one name, two heads of a unit, more holders than seats.
The log, and every error (message, entry, what it follows from), must be
those of the build that applies each change on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import _log
from tests.test_extend import fields

DAYS = [dt.date(2015, 1, 1), dt.date(2015, 1, 1), dt.date(2015, 3, 1), dt.date(2016, 1, 1)]
UNITS = st.sampled_from(["u0", "u1", "u2", "u3"])
POSTS = st.sampled_from(["p0", "p1", "p2", "p3"])
PEOPLE = st.sampled_from(["h0", "h1", "h2"])
NAMES = st.sampled_from(["Ekonomi", "ekonomi ", "Skola", "Vård"])


@st.composite
def entities(draw: st.DrawFn) -> om.Unit | om.Post | om.Person | om.Function:
    """An entity whose references may or may not exist when it is established."""
    kind = draw(st.sampled_from(["unit", "post", "person", "function"]))
    if kind == "unit":
        return om.Unit(draw(UNITS), draw(NAMES), parent=draw(st.none() | UNITS))
    if kind == "person":
        return om.Person(draw(PEOPLE), draw(NAMES))
    if kind == "function":
        return om.Function(draw(st.sampled_from(["f0", "f1"])), draw(NAMES), owner=draw(st.none() | UNITS | POSTS))
    unit = draw(st.none() | UNITS)
    seats = draw(st.sampled_from([None, 1, 2]))
    holders = draw(st.lists(PEOPLE, max_size=3, unique=True))
    overlap = seats is not None and len(holders) > 1 and draw(st.booleans())
    return om.Post(
        draw(POSTS),
        draw(NAMES),
        unit=unit,
        heads=unit is not None and draw(st.booleans()),
        reports_to=draw(st.none() | POSTS),
        seats=seats,
        holders=tuple(om.Holding(person, overlap=overlap and index > 0) for index, person in enumerate(holders)),
    )


@st.composite
def entries(draw: st.DrawFn) -> om.Event | om.Change:
    """Mostly bare establishments (what a run is made of); now and then something that ends a run."""
    day = draw(st.sampled_from(DAYS))
    shape = draw(st.sampled_from(["bare"] * 6 + ["planned", "window", "pair", "dissolve", "rename"]))
    if shape == "bare":
        return om.Establish(draw(entities()), on=day)
    if shape == "planned":
        return om.Change(on=day, status=om.Status.PLANNED, events=[om.Establish(draw(entities()))])
    if shape == "window":
        return om.Establish(draw(entities()), on=om.When(day, day + dt.timedelta(days=30)))
    if shape == "pair":  # two establishments in one change: not a run's, applied the usual way
        return om.Change(on=day, events=[om.Establish(draw(entities())), om.Establish(draw(entities()))])
    target = draw(UNITS | POSTS | PEOPLE)
    if shape == "dissolve":
        return om.Dissolve(target, on=day)
    return om.Rename(target, draw(NAMES), on=day)


def outcome(log: list[Any], *, lenient: bool) -> Any:
    """The build's log as plain data (every field, in order) and its errors, or the error it raised."""
    if lenient:
        timeline, errors = om.Timeline.lenient(log)
        described = [(type(e).__name__, str(e), e.entry, e.missing, str(e.follows_from)) for e in errors]
        return fields(timeline._log) | {"tied": tied(timeline._log)}, described
    try:
        timeline = om.Timeline(log)
    except om.errors.EventError as error:
        return type(error).__name__, str(error), error.entry, error.missing
    return fields(timeline._log) | {"tied": tied(timeline._log)}


def built(log: list[om.Event | om.Change], *, batch: bool, lenient: bool) -> Any:
    """The build's log as plain data (and its errors), or the error it raised."""
    saved = _log.BATCH_ESTABLISHMENTS
    _log.BATCH_ESTABLISHMENTS = batch
    try:
        return outcome(log, lenient=lenient)
    finally:
        _log.BATCH_ESTABLISHMENTS = saved


def tied(log: _log.AppliedLog) -> list[Any]:
    return [(key, versions.default, versions.items) for key, versions in log.tied.items()]


@settings(max_examples=300, deadline=None)
@given(st.lists(entries(), max_size=30), st.booleans())
def test_runs_of_establishments_build_the_log_one_by_one_builds(log: list[Any], lenient: bool) -> None:
    assert built(log, batch=True, lenient=lenient) == built(log, batch=False, lenient=lenient)


@pytest.mark.parametrize("lenient", [False, True])
def test_a_run_stops_at_a_name_clash_and_the_usual_way_reports_it(lenient: bool) -> None:
    log = [
        om.Establish(om.Unit("u0", "Kommunen"), on="2015-01-01"),
        om.Establish(om.Unit("u1", "Skola", parent="u0"), on="2015-01-01"),
        om.Establish(om.Unit("u2", "skola", parent="u0"), on="2015-01-01"),
        om.Establish(om.Unit("u3", "Vård", parent="u0"), on="2015-01-01"),
    ]
    one_by_one = built(log, batch=False, lenient=lenient)
    assert built(log, batch=True, lenient=lenient) == one_by_one
    if lenient:
        assert [error[0] for error in one_by_one[1]] == ["NameClashError"]
        assert [change.events[0].entity.id for change in one_by_one[0]["changes"]] == ["u0", "u1", "u3"]
    else:
        assert one_by_one[:3:2] == ("NameClashError", 2)  # the error, and the entry it was given at


def test_runs_are_found_between_other_changes() -> None:
    steps = [
        (om.Change(on="2015-01-01", events=[om.Establish(om.Person("h0", "A"))]), 0),
        (om.Change(on="2015-01-01", events=[om.Establish(om.Person("h1", "B"))]), 1),
        (om.Change(on="2015-01-01", events=[om.Rename("h0", "C")]), 2),
        (om.Change(on="2015-01-01", events=[om.Establish(om.Person("h2", "D"))]), 3),
    ]
    runs = [(batched, [entry for _, entry in run]) for batched, run in _log._establishment_runs(steps, bool)]
    assert runs == [(True, [0, 1]), (False, [2]), (True, [3])]


def test_runs_are_cut_so_that_progress_stays_near_the_changes_applied() -> None:
    steps = [(om.Change(on="2015-01-01", events=[om.Rename("h0", f"N{i}")]), i) for i in range(600)]
    runs = [len(run) for _, run in _log._establishment_runs(steps, bool)]
    assert runs == [_log.RUN_LENGTH, _log.RUN_LENGTH, 600 - 2 * _log.RUN_LENGTH]
