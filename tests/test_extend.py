"""``with_events`` applies only the new changes and the log's later ones: the log equals a rebuild, field by field."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import _affected, _log, _splice, _timeline
from orgmodel import strategies as oms
from orgmodel._log import AppliedLog, Versions
from orgmodel._writes import Writes

START = dt.date(2013, 1, 1)


def fields(log: AppliedLog) -> dict[str, Any]:
    """Everything a log holds, as plain data; orders included, since charts and messages follow them."""
    return {
        "changes": log.changes,
        "entries": log.entries,
        "events": list(log.events),
        "event_change": list(log.event_change),
        "change_positions": list(log.change_positions),
        "change_deltas": list(log.change_deltas),
        "starts": log.starts,
        "windowed": log.windowed,
        "planned": log.planned,
        "set_aside": log.set_aside,
        "versions": [(key, versions.default, versions.items) for key, versions in log.versions.items()],
        "heads": [(key, versions.default, versions.items) for key, versions in log.heads.items()],
        "held": [(key, versions.default, versions.items) for key, versions in log.held.items()],
        "tied": [(key, versions.default, versions.items) for key, versions in log.tied.items()],
        "last_seen": list(log.last_seen.items()),
        "snapshots": [(prefix, [list(table.items()) for table in state]) for prefix, state in log.snapshots],
        "snapshot_writes": log.snapshot_writes,
        "deltas": list(log.deltas),
        "links": list(log.links),
        "mentions": list(log.mentions.items()),
        "ended": list(log.ended.items()),
        "undid": log.undid,
    }


def rebuilt(base: om.Timeline, plan: list[om.Event | om.Change]) -> om.Timeline:
    """What ``with_events`` gave before it could extend a log: every change applied again from the first."""
    return om.Timeline([*base.changes, *plan])


def outcome(make: Any) -> tuple[str, Any]:
    """The timeline ``make()`` builds, or the error it raises, in a form that compares."""
    try:
        timeline = make()
    except om.errors.EventError as error:
        return type(error).__name__, str(error), error.entry, error.missing
    return "ok", fields(timeline._log)


def after(timeline: om.Timeline) -> dt.date:
    return (timeline.last_day or START) + dt.timedelta(days=1)


def change_days(timeline: om.Timeline) -> list[dt.date]:
    """The days ``timeline``'s changes start on, and the first day the strategies use."""
    return sorted({START, *(change.on.earliest for change in timeline.changes if not change.on.has_open_start)})


def appending_days(timeline: om.Timeline) -> st.SearchStrategy[dt.date]:
    """Days an event is appended on: the day after the last, or the earliest day of the last change."""
    days = [after(timeline)]
    if timeline.changes and not timeline.changes[-1].on.has_open_start:
        days.append(timeline.changes[-1].on.earliest)
    return st.sampled_from(days)


def any_days(timeline: om.Timeline) -> st.SearchStrategy[dt.date]:
    """Any day of the history: on a change's day, the day before or after it, or after the last.

    Not before the first change, though: then nothing is kept, and the timeline is simply built again.
    """
    days = {after(timeline)}
    for day in change_days(timeline):
        days.update((day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)))
    first = timeline._log.starts[0] if timeline.changes else START
    return st.sampled_from(sorted(day for day in days if day >= first))


@st.composite
def wild_events(draw: st.DrawFn, timeline: om.Timeline, days: Any = appending_days) -> om.Event:
    """An event that applied on some day of ``timeline``, dated on one of ``days``: it may well be refused now."""
    then = draw(st.sampled_from(change_days(timeline)))
    event = draw(oms.events(timeline.at(then), taken=timeline.ids))
    return attrs.evolve(event, on=draw(days(timeline)))


@st.composite
def redated(draw: st.DrawFn, entry: om.Event | om.Change) -> om.Event | om.Change:
    """``entry`` from its earliest day on: exact, a window, or with no earliest day; any status."""
    day = entry.on.earliest
    when = draw(
        st.sampled_from(
            [
                om.When.exact(day),
                om.When(day, day + dt.timedelta(days=30)),
                om.When.parse(f"senast {day.year + 1}"),
            ]
        )
    )
    status = draw(st.sampled_from([None, *om.Status]))
    if isinstance(entry, om.Change):
        events = [attrs.evolve(event, on=None, status=None) for event in entry.events]
        return om.Change(when, events, status=status or om.Status.DECIDED)
    return attrs.evolve(entry, on=when, status=status)


def where(base: om.Timeline, plan: list[om.Event | om.Change]) -> str:
    """Where the plan falls in the base's history, for Hypothesis's statistics (``--hypothesis-show-statistics``)."""
    starts = base._log.starts
    first = min(entry.on.earliest for entry in plan) if plan else None
    if first is None or not starts or first >= starts[-1]:
        return "appended"
    return "inside the history" if first >= starts[0] else "before every change"


def same_as_rebuilt(base: om.Timeline, plan: list[om.Event | om.Change]) -> None:
    event(where(base, plan))
    assert outcome(lambda: base.with_events(plan)) == outcome(lambda: rebuilt(base, plan))


@pytest.fixture(params=[_log.SNAPSHOT_MIN_WRITES, 3], ids=["snapshots-as-shipped", "snapshots-every-few-writes"])
def snapshot_every(request, monkeypatch):
    """Small timelines never reach a snapshot as shipped: the second run takes them every few writes.

    (The setting holds for every example of a test, as it should: hence the health check let off.)
    """
    monkeypatch.setattr(_log, "SNAPSHOT_MIN_WRITES", request.param)
    return request.param


class TestSameAsRebuilding:
    @pytest.fixture(autouse=True)
    def replay_from_anywhere(self, monkeypatch):
        """Small logs would often be built again (see ``REPLAY_MIN_SHARE``): here any prefix is replayed from."""
        monkeypatch.setattr(_log, "REPLAY_MIN_SHARE", 0)

    @settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_a_plan_after_the_last_day_gives_the_log_a_rebuild_gives(self, snapshot_every, data):
        """Versions, writes, snapshots, links, indexes: all equal, in the same order."""
        base = data.draw(oms.timelines(max_events=25, imprecise=True, statuses=True), label="base")
        plan = data.draw(oms.change_plans(base, max_events=8, imprecise=True, statuses=True), label="plan")
        same_as_rebuilt(base, plan)

    @settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_an_event_that_may_be_refused_is_refused_alike(self, snapshot_every, data):
        """Applied or refused, the same: the same error, worded the same, naming the same log entry."""
        base = data.draw(oms.timelines(max_events=20, imprecise=True, statuses=True), label="base")
        plan = data.draw(st.lists(wild_events(base), min_size=1, max_size=3), label="plan")
        same_as_rebuilt(base, plan)

    @settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_events_anywhere_in_the_history_give_what_a_rebuild_gives(self, snapshot_every, data):
        """Dated before the last change, the log's later changes are applied again after them, as a rebuild does."""
        base = data.draw(oms.timelines(max_events=25, imprecise=True, statuses=True), label="base")
        plan = data.draw(st.lists(wild_events(base, any_days), min_size=1, max_size=3), label="plan")
        same_as_rebuilt(base, plan)

    @settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_a_plan_for_a_day_inside_the_history_gives_what_a_rebuild_gives(self, snapshot_every, data):
        """A plan made for an earlier day: its changes depend on each other, and the log's later ones may be refused."""
        base = data.draw(oms.timelines(min_events=1, max_events=20, imprecise=True, statuses=True), label="base")
        head = om.Timeline(base.changes[: data.draw(st.integers(1, len(base.changes)), label="kept")])
        plan = data.draw(oms.change_plans(head, max_events=5, imprecise=True, statuses=True), label="plan")
        if data.draw(st.booleans(), label="redated"):
            plan = [data.draw(redated(entry)) for entry in plan]
        same_as_rebuilt(base, plan)

    @settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_a_timeline_made_by_replaying_replays_alike(self, snapshot_every, data):
        """Each step is a plan for some day of the timeline so far; every step, and the last, equals a rebuild."""
        timeline = data.draw(oms.timelines(min_events=1, max_events=12, imprecise=True, statuses=True), label="base")
        for _ in range(data.draw(st.integers(1, 4), label="steps")):
            head = om.Timeline(timeline.changes[: data.draw(st.integers(0, len(timeline.changes)))])
            plan = data.draw(oms.change_plans(head, max_events=3, imprecise=True, statuses=True), label="plan")
            same_as_rebuilt(timeline, plan)
            with contextlib.suppress(om.errors.EventError):
                timeline = timeline.with_events(plan)
        ours, theirs = fields(timeline._log), fields(om.Timeline(list(timeline.changes))._log)
        # Only the numbering of entries differs: each step numbers the list it was given.
        assert {**ours, "entries": ()} == {**theirs, "entries": ()}

    @settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_the_base_is_left_as_it_was(self, snapshot_every, data):
        """Extending a log, with success or not, changes nothing in it; two extensions of one base stay apart."""
        base = data.draw(oms.timelines(max_events=20), label="base")
        before = fields(base._log)
        first = data.draw(st.lists(wild_events(base, any_days), min_size=1, max_size=3), label="first")
        second = data.draw(oms.change_plans(base, max_events=5), label="second")
        made = []
        for plan in (first, second):
            with contextlib.suppress(om.errors.EventError):
                made.append((plan, base.with_events(plan)))
        assert fields(base._log) == before
        for plan, timeline in made:
            assert fields(timeline._log) == fields(rebuilt(base, plan)._log)

    @settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_step_by_step_gives_what_all_at_once_gives(self, snapshot_every, data):
        """A state machine extends its timeline once a step: after many steps, the log is the one built at once."""
        timeline = data.draw(oms.timelines(max_events=10), label="base")
        everything = list(timeline.changes)
        for _ in range(data.draw(st.integers(1, 5), label="steps")):
            plan = data.draw(oms.change_plans(timeline, max_events=3), label="plan")
            timeline = timeline.with_events(plan)
            everything += plan
        assert fields(timeline._log) == fields(om.Timeline(everything)._log)


class TestCopies:
    @given(st.lists(st.integers(0, 3), max_size=12), st.integers(0, 40))
    def test_cutting_versions_keeps_those_set_before_the_prefix(self, steps, prefix):
        """A cut keeps the values of the changes before the prefix, in a new object; with none, the key goes."""
        versions: Versions[int] = Versions(-1)
        change = 0
        for number, step in enumerate(steps):
            change += step
            versions.append(change, number)
        before = list(versions.items)
        table = {"key": versions}
        _log._cut(table, "key", prefix)
        assert versions.items == before
        kept = [
            (change, value) for change, value in zip(versions.changes, versions.values, strict=True) if change < prefix
        ]
        if not kept:
            assert table == {}
            return
        cut = table["key"]
        assert cut is not versions
        assert list(zip(cut.changes, cut.values, strict=True)) == kept
        assert [cut.at(day) for day in range(prefix + 1)] == [versions.at(day) for day in range(prefix + 1)]

    @given(st.lists(st.integers(0, 9), max_size=20), st.integers(0, 25) | st.none())
    def test_copying_writes_keeps_the_first_ones_apart(self, keys, length):
        """A copy holds the first ``length`` writes (all with ``None``), and adding to it leaves the original."""
        writes = Writes()
        for position, key in enumerate(keys):
            writes.record(position, f"k{key}", None, f"v{position}")
        copy = writes.copy(length)
        assert list(copy) == list(writes)[:length]
        copy.record(99, "new", None, "v")
        assert list(writes)[-1:] != [copy[-1]]
        assert len(writes) == len(keys)


class TestWhichPath:
    @pytest.fixture
    def paths(self, monkeypatch):
        """The names of the ways ``with_events`` built its logs, in order."""
        taken: list[object] = []
        replayed, build = AppliedLog.replayed, _timeline._build

        def spy_replayed(base: AppliedLog, prefix: int, *args: Any) -> AppliedLog:
            taken.append(("replayed from", prefix))
            return replayed(base, prefix, *args)

        def spy_build(*args: Any, **kwargs: Any) -> AppliedLog:
            taken.append("rebuilt")
            return build(*args, **kwargs)

        monkeypatch.setattr(AppliedLog, "replayed", spy_replayed)
        monkeypatch.setattr(_timeline, "_build", spy_build)
        return taken

    @pytest.mark.parametrize(
        ("on", "path"),
        [
            ("2015-06-01", ("replayed from", 2)),
            ("2015-01-01", ("replayed from", 2)),
            ("våren 2015", ("replayed from", 2)),
            ("2014-12-31", ("replayed from", 1)),
            ("2014-01-01", ("replayed from", 1)),
            (om.When.parse("senast 2016"), "rebuilt"),
        ],
        ids=[
            "after-the-last",
            "on-the-last-day",
            "a-window-from-the-last-day",
            "before-the-last",
            "on-the-first-day",
            "no-earliest-day",
        ],
    )
    def test_the_changes_before_the_new_ones_are_kept(self, paths, on, path):
        """Kept: the changes whose earliest day is on or before the new one's; with none, the log is built again."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01"),
                om.Rename("slk", "Kontoret", on="2015-01-01"),
            ]
        )
        plan = [om.Establish(om.Unit("ny", "Nya enheten", parent=None), on=on)]
        paths.clear()
        later = org.with_events(plan)
        assert paths == [path]
        assert fields(later._log) == fields(rebuilt(org, plan)._log)

    def test_a_change_between_two_of_the_log_splits_their_versions(self, paths):
        """The later change is applied again, after the new one: the versions in between are cut, not kept."""
        org = om.Timeline([om.Establish(om.Unit("u", "A"), on="2014-01-01"), om.Rename("u", "B", on="2014-03-01")])
        plan = [om.Rename("u", "C", on="2014-02-01")]
        paths.clear()
        later = org.with_events(plan)
        assert paths == [("replayed from", 1)]
        assert [later.entity("u", on=day).name for day in ("2014-01-01", "2014-02-01", "2014-03-01")] == ["A", "C", "B"]
        assert later._log.versions["u"].changes == [0, 1, 2]
        assert fields(later._log) == fields(rebuilt(org, plan)._log)
        assert org.entity("u", on="2014-02-01").name == "A"

    def test_a_log_mostly_after_the_new_events_is_built_again(self, paths):
        """Replaying from a prefix that holds under 5 % of the writes would cost as much as building again."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "A"), on="2014-01-01"),
                *(om.Rename("u", f"A{day}", on=dt.date(2014, 2, 1) + dt.timedelta(days=day)) for day in range(39)),
            ]
        )
        paths.clear()
        for day in ("2014-01-15", "2014-02-01", "2014-12-15"):
            org.with_events(om.Establish(om.Unit("ny", "Nya enheten"), on=day))
        # Of the 40 writes, 1 would be kept (under 5 %), then 2 (5 %), then all.
        assert paths == ["rebuilt", ("replayed from", 2), ("replayed from", 40)]

    def test_a_lenient_timeline_that_left_changes_out_is_built_again(self, paths, monkeypatch):
        """Undoing a refused change moves what it put back to the end of the state: a rebuild sets the order right."""
        monkeypatch.setattr(_log, "SNAPSHOT_MIN_WRITES", 3)
        day = dt.date(2014, 1, 1)
        base, errors = om.Timeline.lenient(
            [
                om.Establish(om.Unit("u", "U"), on=day),
                om.Establish(om.Unit("c", "C", parent="u"), on=day),
                om.Establish(om.Unit("v", "V"), on=day),
                om.Establish(om.Unit("w", "W"), on=day),
                om.AddRelation(om.Relation("supports", "u", "v"), on=day),
                om.AddRelation(om.Relation("supports", "v", "w"), on=day),
                # Ends u's relation, then is refused (u has a child): the undo puts the relation back, last.
                om.Dissolve("u", on="2014-01-02"),
                *(om.Rename("w", f"W{number}", on=f"2014-01-0{number}") for number in (3, 4, 5)),
            ]
        )
        assert [type(error) for error in errors] == [om.errors.NotEmptyError]
        plan = [om.Rename("v", "V2", on="2014-02-01")]
        paths.clear()
        later = base.with_events(plan)
        assert paths == ["rebuilt"]
        assert fields(later._log) == fields(rebuilt(base, plan)._log)
        assert later.edges("2014-01-05", kinds=["supports"]) == [("u", "v", "supports"), ("v", "w", "supports")]

    def test_nothing_added_is_the_same_timeline(self, paths):
        org = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01")])
        paths.clear()
        assert org.with_events() is org
        assert org.with_events([]) is org
        assert paths == []

    def test_events_on_the_last_day_come_after_those_already_there(self):
        """The same day as the last change is still an append: the new change applies after it."""
        org = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01")])
        later = org.with_events(om.Rename("slk", "Kontoret", on="2014-01-01"))
        assert later.at("2014-01-01").units["slk"].name == "Kontoret"
        assert fields(later._log) == fields(rebuilt(org, [om.Rename("slk", "Kontoret", on="2014-01-01")])._log)

    def test_an_event_before_the_last_day_is_applied_in_its_place(self):
        """An earlier event is not appended: it applies on its own day, before the later changes."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01"),
                om.Rename("slk", "Kontoret", on="2015-01-01"),
            ]
        )
        earlier = org.with_events(om.Rename("slk", "Stabskontoret", on="2014-06-01"))
        assert [earlier.at(day).units["slk"].name for day in ("2014-06-01", "2015-01-01")] == [
            "Stabskontoret",
            "Kontoret",
        ]

    def test_a_refused_event_names_its_place_in_the_combined_list(self):
        """The error says which entry of ``[*changes, *new]`` was refused, as a rebuild's would."""
        org = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01")])
        with pytest.raises(om.errors.UnknownEntityError) as refused:
            org.with_events(om.Rename("slk", "Kontoret", on="2015-01-01"), om.Dissolve("nope", on="2015-02-01"))
        assert refused.value.entry == 2


class TestCarriedOver:
    """Later changes an insertion cannot affect are carried over unchecked (orgmodel._affected); the rest checked."""

    @pytest.fixture(autouse=True)
    def replay_from_anywhere(self, monkeypatch):
        monkeypatch.setattr(_log, "REPLAY_MIN_SHARE", 0)

    @pytest.fixture
    def reaches(self, monkeypatch) -> list[_affected.Reach]:
        """Each :class:`~orgmodel._affected.Reach` a replay made, to count what it carried and checked."""
        made: list[_affected.Reach] = []

        class Counted(_affected.Reach):
            def __init__(self, *args: Any) -> None:
                super().__init__(*args)
                made.append(self)

        monkeypatch.setattr(_splice, "Reach", Counted)
        return made

    @settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_plans_inserted_at_random_days_give_what_a_rebuild_gives(self, snapshot_every, reaches, data):
        """The same log (charts on every day, histories, lineage follow from it) or the same error, worded alike."""
        base = data.draw(oms.timelines(min_events=1, max_events=25, imprecise=True, statuses=True), label="base")
        head = om.Timeline(base.changes[: data.draw(st.integers(1, len(base.changes)), label="kept")])
        if data.draw(st.booleans(), label="valid then"):
            plan = data.draw(oms.change_plans(head, max_events=4, imprecise=True), label="plan")
            plan = [data.draw(redated(entry)) for entry in plan] if data.draw(st.booleans(), label="redated") else plan
        else:
            plan = data.draw(st.lists(wild_events(base, any_days), min_size=1, max_size=3), label="plan")
        reaches.clear()
        ours = outcome(lambda: base.with_events(plan))
        assert ours == outcome(lambda: rebuilt(base, plan))
        if reaches:
            event(f"carried some: {reaches[-1].carried > 0}; checked again some: {reaches[-1].checked > 0}")
        if ours[0] == "ok":
            extended, again = base.with_events(plan), rebuilt(base, plan)
            for day in change_days(again):
                assert extended.at(day) == again.at(day), day
            for entity_id in sorted(again._log.entity_keys()):
                assert list(extended.history(entity_id)) == list(again.history(entity_id))
                assert extended.lineage(entity_id).links == again.lineage(entity_id).links

    def test_a_rename_in_the_past_carries_over_the_changes_of_other_units(self, reaches):
        base = om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2014-01-01"),
                om.Establish(om.Unit("b", "B"), on="2014-01-01"),
                *(om.Rename("b", f"B{month}", on=f"2014-{month:02}-01") for month in range(2, 13)),
                om.Rename("a", "A2", on="2014-12-15"),
            ]
        )
        plan = [om.Rename("a", "Ny", on="2014-01-15")]
        assert outcome(lambda: base.with_events(plan)) == outcome(lambda: rebuilt(base, plan))
        # The renames of b cannot see a's name; the later rename of a reads it, and is checked again.
        assert (reaches[-1].carried, reaches[-1].checked) == (11, 1)

    @pytest.mark.parametrize(
        ("later", "inserted", "error"),
        [
            # A move that closes a loop once the inserted one has moved the other unit.
            (om.Move("b", "a", on="2014-06-01"), om.Move("a", "b", on="2014-03-01"), om.errors.CycleError),
            # Two siblings of one name, once the inserted rename has taken it.
            (
                om.Rename("d", "Stab", on="2014-06-01"),
                om.Rename("c", "Stab", on="2014-03-01"),
                om.errors.NameClashError,
            ),
            # A unit no longer empty when it is dissolved.
            (
                om.Dissolve("c", on="2014-06-01"),
                om.Establish(om.Post("p2", "Chef", unit="c"), on="2014-03-01"),
                om.errors.NotEmptyError,
            ),
            # A seat no longer free.
            (om.Appoint("p", "x", on="2014-06-01"), om.Appoint("p", "y", on="2014-03-01"), om.errors.PostOccupiedError),
            # A person who no longer exists.
            (om.Appoint("p", "y", on="2014-06-01"), om.Dissolve("y", on="2014-03-01"), om.errors.UnknownEntityError),
        ],
        ids=["cycle", "name-clash", "not-empty", "seat-taken", "gone"],
    )
    def test_what_an_insertion_makes_wrong_later_is_refused_as_a_rebuild_refuses_it(
        self, reaches, later, inserted, error
    ):
        base = om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2014-01-01"),
                om.Establish(om.Unit("b", "B"), on="2014-01-01"),
                om.Establish(om.Unit("c", "C", parent="b"), on="2014-01-01"),
                om.Establish(om.Unit("d", "D", parent="b"), on="2014-01-01"),
                om.Establish(om.Post("p", "Chef", unit="a"), on="2014-01-01"),
                om.Establish(om.Person("x", "X"), on="2014-01-01"),
                om.Establish(om.Person("y", "Y"), on="2014-01-01"),
                *(om.Rename("a", f"A{month}", on=f"2014-{month:02}-15") for month in range(4, 6)),
                later,
            ]
        )
        with pytest.raises(error):
            rebuilt(base, [inserted])
        assert outcome(lambda: base.with_events(inserted)) == outcome(lambda: rebuilt(base, [inserted]))
        assert reaches[-1].checked >= 1


class TestSpliced:
    """Runs of carried changes are spliced in whole (orgmodel._splice): every way a run can begin, end and hold."""

    @pytest.fixture(autouse=True)
    def replay_from_anywhere(self, monkeypatch):
        monkeypatch.setattr(_log, "REPLAY_MIN_SHARE", 0)

    @staticmethod
    def history() -> om.Timeline:
        """Two units and a post, renamed, appointed to and related month by month through 2014."""
        return om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2014-01-01"),
                om.Establish(om.Unit("b", "B", parent="a"), on="2014-01-01"),
                om.Establish(om.Post("p", "Chef", unit="b"), on="2014-01-01"),
                om.Establish(om.Person("x", "X"), on="2014-01-01"),
                om.Establish(om.Person("y", "Y"), on="2014-01-01"),
                *(om.Rename("a", f"A{month}", on=f"2014-{month:02}-01") for month in range(2, 12)),
                om.Appoint("p", "x", on="2014-03-10"),
                om.Vacate("p", "x", on="2014-06-10"),
                om.AddRelation(om.Relation("mentor", "x", "y"), on="2014-07-10"),
                om.Establish(om.Unit("c", "C", parent="a"), on="2014-08-10"),
                om.Dissolve("y", on="2014-09-10"),
                om.Appoint("p", "x", on="2014-10-10"),
            ]
        )

    @pytest.mark.parametrize(
        "plan",
        [
            pytest.param([om.Rename("b", "Ny", on="2014-01-01")], id="on-the-first-day"),
            pytest.param([om.Rename("b", "Ny", on="2014-11-01")], id="before-the-last-change"),
            pytest.param([om.Rename("b", "Ny", on="2014-12-31")], id="after-the-last-change"),
            pytest.param(
                [om.Rename("b", "Ny", on="2014-02-15"), om.Rename("b", "Nyare", on="2014-08-15")], id="two-days"
            ),
            pytest.param([om.Establish(om.Unit("d", "D", parent="b"), on="2014-04-01")], id="an-establishment"),
            pytest.param([om.Dissolve("c", on="2014-08-20")], id="an-end"),
            pytest.param([om.Appoint("p", "y", on="2014-04-01")], id="holders-and-ties"),
            pytest.param([om.Vacate("p", "x", on="2014-03-20")], id="a-later-vacate-fails"),
            pytest.param([om.RemoveRelation(om.Relation("mentor", "x", "y"), on="2014-08-01")], id="a-relation-ends"),
            pytest.param([om.Rename("a", "A", on="2014-02-01")], id="the-same-value-again"),
        ],
    )
    def test_an_insertion_anywhere_gives_what_a_rebuild_gives(self, snapshot_every, plan):
        base = self.history()
        assert outcome(lambda: base.with_events(plan)) == outcome(lambda: rebuilt(base, plan))

    @settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_corrected_and_cancelled_changes_are_carried_as_set_aside(self, snapshot_every, data):
        """A base known in stages: corrected and cancelled changes stand in the runs, applying in neither log."""
        base = data.draw(oms.revised_timelines(max_events=12, imprecise=True), label="base")
        plan = data.draw(st.lists(wild_events(base, any_days), min_size=1, max_size=3), label="plan")
        assert outcome(lambda: base.with_events(plan)) == outcome(lambda: rebuilt(base, plan))

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_a_reopened_cache_as_the_base_gives_what_a_rebuild_gives(self, snapshot_every, tmp_path, data):
        """A timeline reopened from its cache reads its tables lazily: the splice reads them as it reads a log's."""
        base = data.draw(oms.timelines(min_events=1, max_events=20, imprecise=True, statuses=True), label="base")
        plan = data.draw(st.lists(wild_events(base, any_days), min_size=1, max_size=3), label="plan")
        path = om.save_cache(base, tmp_path / "base.orgcache")
        reopened = om.load_cache(path)
        assert outcome(lambda: reopened.with_events(plan)) == outcome(lambda: rebuilt(base, plan))

    def test_without_the_analysis_a_later_change_is_wrongly_carried(self, monkeypatch):
        """The mutation check: if every later change were carried, the end of a person the log names goes unseen."""
        base = self.history()
        plan = [om.Dissolve("x", on="2014-06-20")]  # before x is related to y and appointed again
        expected = outcome(lambda: rebuilt(base, plan))
        assert expected[0] == "UnknownEntityError"
        assert outcome(lambda: base.with_events(plan)) == expected
        monkeypatch.setattr(_affected.Reach, "first_affected", lambda self, start, stop, aside: stop)
        assert outcome(lambda: base.with_events(plan)) != expected
