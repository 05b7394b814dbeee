"""The strategies: what they draw is always valid, the knobs do what they say, and failures shrink small."""

from __future__ import annotations

import datetime as dt
import importlib.metadata

import attrs
import pytest
from hypothesis import Phase, given, seed, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import invariants as inv
from orgmodel import strategies as oms

from . import reference
from .reference import comparable, replay


class TestValidByConstruction:
    @given(oms.timelines())
    def test_a_timeline_is_rebuilt_from_its_changes_and_keeps_every_invariant(self, timeline):
        """Every change applies (a new timeline from the same entries is equal) and the structure holds every day."""
        assert om.Timeline(list(timeline.changes)) == timeline
        inv.assert_holds(inv.check(timeline))

    @given(oms.charts())
    def test_a_chart_keeps_every_invariant(self, chart):
        """A chart drawn is a valid organisation."""
        inv.assert_holds(inv.check(chart))

    @given(oms.timelines(max_events=15), st.data())
    def test_an_event_drawn_for_a_chart_applies_to_it(self, timeline, data):
        """events(chart) draws an event the timeline accepts on the chart's day, for any kind asked for."""
        day = (timeline.last_day or dt.date(2013, 1, 1)) + dt.timedelta(days=1)
        kinds = data.draw(st.sets(st.sampled_from(oms.EVENT_TYPES)).map(lambda kinds: sorted(kinds | {"establish"})))
        event = data.draw(oms.events(timeline.at(day), event_types=kinds, taken=timeline.ids), label="event")
        assert event.event_type in kinds
        timeline.with_events(attrs.evolve(event, on=day))

    @given(oms.timelines(max_events=10), st.data())
    def test_a_plan_applies_after_its_timeline(self, timeline, data):
        """change_plans(timeline) draws entries that apply, in order, after the timeline's last day."""
        plan = data.draw(oms.change_plans(timeline), label="plan")
        assert 1 <= len(plan) <= 10
        combined = timeline.with_events(plan)
        if timeline.last_day is not None:
            assert all(entry.on is not None and entry.on.earliest > timeline.last_day for entry in plan)
        inv.assert_holds(inv.check(combined))

    @given(st.data())
    def test_a_plan_never_uses_what_may_not_have_ended_but_has_in_the_log(self, data):
        """A staff dissolved "tidigast våren 2015" is on every later chart as possibly still there, but the log ended
        it on the window's first day: a plan after the timeline never names it (it would be refused)."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01"),
                om.Establish(om.Unit("stab", "Staben", kind="staff"), on="2014-01-01"),
                om.Dissolve("stab", on="tidigast våren 2015"),
            ]
        )
        plan = data.draw(oms.change_plans(org, max_events=5), label="plan")
        org.with_events(plan)
        events = [event for entry in plan for event in (entry.events if isinstance(entry, om.Change) else [entry])]
        assert not any("stab" in event.subjects() for event in events)

    @given(oms.units(), oms.posts(), oms.people(), oms.functions(), oms.relations())
    def test_values_are_valid_values(self, unit, post, person, function, relation):
        """Standalone values pass their own validation (a head post belongs to a unit)."""
        assert attrs.evolve(unit) == unit
        assert not post.heads or post.unit is not None
        assert person.name
        assert function.name
        assert relation.source != relation.target

    @given(oms.imprecise_dates(min_year=2014, max_year=2016))
    def test_dates_read_back_and_stay_in_their_years(self, when):
        """Every date comes from a phrase orgmodel reads, and its known bounds lie in the years asked for."""
        assert om.dates.parse_when(when.iso()).earliest == when.earliest
        known = [day for day in (when.earliest, when.latest) if day not in (om.dates.OPEN_START, om.dates.OPEN_END)]
        assert known
        assert all(2013 <= day.year <= 2017 for day in known)


class TestKnobs:
    @given(oms.timelines(event_types=["establish", "rename", "move"], unit_kinds=["council", "board"]))
    def test_event_types_and_unit_kinds(self, timeline):
        """Only the event types asked for are drawn, and new units get only the kinds asked for."""
        assert {event.event_type for event in timeline.events} <= {"establish", "rename", "move"}
        units = [e.entity for e in timeline.events if isinstance(e, om.Establish) and isinstance(e.entity, om.Unit)]
        assert {unit.kind for unit in units} <= {om.UnitKind.COUNCIL, om.UnitKind.BOARD}

    @given(oms.timelines(min_events=3, max_events=5, imprecise=False, statuses=False, changes=False, max_gap_days=0))
    def test_sizes_dates_statuses_and_grouping(self, timeline):
        """min/max bound the entries; without imprecision, statuses or grouping every event is its own exact,
        decided change; with no gap they are all on the start day."""
        assert 3 <= len(timeline) <= 5
        for change in timeline.changes:
            assert change.on == om.When.exact(dt.date(2013, 1, 1))
            assert change.status is om.Status.DECIDED
            assert len(change.events) == 1

    @given(oms.units(kinds=["council"]), oms.posts(kinds=["director"]), oms.functions(kinds=["process"]))
    def test_value_kinds(self, unit, post, function):
        """The kind knobs of the value strategies."""
        assert (unit.kind, post.kind, function.kind) == (
            om.UnitKind.COUNCIL,
            om.PostKind.DIRECTOR,
            om.FunctionKind.PROCESS,
        )

    @given(oms.names(unusual=True))
    def test_unusual_names_have_something_besides_spaces(self, name):
        """Unusual names may be any text, but never blank."""
        assert name.strip()

    @pytest.mark.parametrize(
        ("make", "message"),
        [
            (lambda: oms.timelines(event_types=["rename"]), "event_types must include 'establish'"),
            (lambda: oms.timelines(event_types=["establish", "fly"]), "event_types must be among"),
            (lambda: oms.timelines(unit_kinds=["castle"]), "unit_kinds must be among"),
            (lambda: oms.timelines(unit_kinds=[]), "unit_kinds must name at least one kind"),
            (lambda: oms.timelines(min_events=5, max_events=2), "0 <= min_events <= max_events, got 5 and 2"),
            (lambda: oms.timelines(max_gap_days=-1), "max_gap_days must be 0 or more, got -1"),
            (
                lambda: oms.change_plans(om.examples.nacka(), start=dt.date(2015, 1, 1)),
                "a plan must start after the timeline's last change (2016-12-31), got 2015-01-01",
            ),
        ],
        ids=[
            "no-establish",
            "unknown-event",
            "unknown-kind",
            "no-kinds",
            "min-above-max",
            "negative-gap",
            "early-plan",
        ],
    )
    def test_invalid_arguments(self, make, message):
        """Arguments that cannot be met are refused when the strategy is made, saying why."""
        with pytest.raises(om.InvalidArgumentError) as caught:
            make()
        assert message in str(caught.value)


def buggy_absorb(graph, event):
    """A planted bug: the absorbed units' posts are lost with them (their child units and functions move)."""
    if event.parts is not None:
        reference._absorb(graph, event)  # the bug is in absorbing whole units
        return
    for unit in event.units:
        for key in ("contains", "owns"):
            for _, item, _ in reference._edges(graph, unit, key, out=True):
                graph.remove_edge(unit, item, key=key)
                reference._set_edge(graph, event.into, item, key)
        reference._remove(graph, unit)


class TestShrinking:
    def test_a_planted_bug_shrinks_to_the_smallest_timeline_that_shows_it(self, monkeypatch):
        """With the reference losing an absorbed unit's posts, the counterexample found is the smallest one:
        two units, a post in one of them (in either order), and the absorption — on the first day, with the
        first names."""
        monkeypatch.setitem(reference.APPLY, om.Absorb, buggy_absorb)

        def shows_the_bug(timeline: om.Timeline) -> bool:
            day = timeline.last_day or dt.date(2013, 1, 1)
            return comparable(timeline.at(day).graph) != comparable(replay(timeline, day))

        failing: list[om.Timeline] = []

        # Focused on the event under suspicion, as a user chasing a bug would.  Seeded, so it repeats; which
        # of the two units ends up absorbed still varies with what Hypothesis has seen (it mixes in constants
        # from the modules loaded), so the check is on the shape of the counterexample.
        @seed(20150101)
        @settings(database=None, max_examples=1000, phases=[Phase.generate, Phase.shrink])
        @given(oms.timelines(max_events=10, event_types=["establish", "absorb"]))
        def test(timeline: om.Timeline) -> None:
            if shows_the_bug(timeline):
                failing.append(timeline)
                raise AssertionError("the reference and the chart differ")

        with pytest.raises(AssertionError, match="the reference and the chart differ"):
            test()
        # Hypothesis runs the smallest failing example last, to report it.
        smallest = failing[-1]
        *made, absorb = smallest.events
        # By shape, not by name: with the whole suite loaded, Hypothesis mixes in constants of other modules
        # (a name such as 'Juridik', a person nobody appoints, whom no chart shows) that shrinking may keep.
        assert len(made) <= 4
        assert sorted(
            (type(event.entity).__name__, event.entity.id) for event in made if not isinstance(event.entity, om.Person)
        ) == [("Post", "p0"), ("Unit", "u0"), ("Unit", "u1")]
        (post,) = [event.entity for event in made if isinstance(event.entity, om.Post)]
        assert isinstance(absorb, om.Absorb)
        assert {absorb.into, *absorb.units} == {"u0", "u1"}
        assert absorb.units == (post.unit,)
        # On the first day, or (when the constants above kept shrinking from a step) one day after it.
        assert "2013-01-01" in {str(event.on) for event in smallest.events}
        assert len({str(event.on) for event in smallest.events}) <= 2

    def test_the_simplest_choices_are_the_plainest(self):
        """What shrinking aims at is plain: one decided, exact establishment of a unit 'A' on the start day."""
        drawn: list[om.Timeline] = []

        # Hypothesis tries the simplest choices first: the first example is where shrinking ends up.
        @settings(database=None, max_examples=1, phases=[Phase.generate])
        @given(oms.timelines(min_events=1))
        def first(timeline: om.Timeline) -> None:
            drawn.append(timeline)

        first()
        (smallest,) = drawn
        assert [event.describe() for event in smallest.events] == ["establish unit 'A' (u0)"]
        assert smallest.changes[0].on == om.When.exact(dt.date(2013, 1, 1))
        assert smallest.changes[0].status is om.Status.DECIDED


class TestFromType:
    def test_the_hypothesis_entry_point_is_declared(self):
        """Installing orgmodel registers its hook with Hypothesis."""
        hooks = [entry.value for entry in importlib.metadata.entry_points(group="hypothesis")]
        assert "orgmodel._hypothesis:_hypothesis_setup_hook" in hooks

    @given(
        st.from_type(om.Unit),
        st.from_type(om.Post),
        st.from_type(om.Person),
        st.from_type(om.Function),
        st.from_type(om.Relation),
        st.from_type(om.When),
    )
    def test_values_from_type_are_the_strategies_values(self, unit, post, person, function, relation, when):
        """from_type gives orgmodel's own strategies (short ids of the right prefix), not attrs guesses."""
        assert unit.id.startswith("u")
        assert post.id.startswith("p")
        assert person.id.startswith("h")
        assert function.id.startswith("f")
        assert relation.source != relation.target
        assert when.earliest <= when.latest

    @given(st.from_type(om.Timeline), st.from_type(om.OrgChart))
    def test_timelines_and_charts_from_type_are_valid(self, timeline, chart):
        """from_type(Timeline) and from_type(OrgChart) draw valid ones."""
        assert om.Timeline(list(timeline.changes)) == timeline
        inv.assert_holds(inv.check(chart))
