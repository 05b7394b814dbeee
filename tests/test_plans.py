"""Plan analysis: which same-day changes conflict, and whether any order of a day's changes matters.

Each property compares the analysis (which replays changes on one working
state and undoes them) with a brute-force check through the public API: a
new timeline for every order tried.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import _plans
from orgmodel import invariants as inv
from orgmodel import strategies as oms

DAY = dt.date(2015, 1, 1)


def busy_days(timeline: om.Timeline, most: int) -> list[dt.date]:
    """Days with two to ``most`` changes that apply (so that brute force over their orders stays small)."""
    counts: dict[dt.date, int] = {}
    for change in timeline.changes:
        if change.status is not om.Status.CANCELLED:
            counts[change.on.earliest] = counts.get(change.on.earliest, 0) + 1
    return sorted(day for day, count in counts.items() if 2 <= count <= most)


def split_at(timeline: om.Timeline, day: dt.date) -> tuple[list[om.Change], list[om.Change]]:
    """The changes before ``day``'s, and ``day``'s own that apply, in log order."""
    live = [change for change in timeline.changes if change.status is not om.Status.CANCELLED]
    return [c for c in live if c.on.earliest < day], [c for c in live if c.on.earliest == day]


def outcome(changes: list[om.Change], day: dt.date) -> om.OrgChart | None:
    """The chart on ``day`` after ``changes`` in this order, or None when the timeline refuses them."""
    try:
        return om.Timeline(changes).at(day)
    except om.EventError:
        return None


# Many changes on few days, so that days with several changes are common.
crowded = oms.timelines(max_events=10, max_gap_days=1, imprecise=False)


class TestConflicts:
    @given(crowded)
    def test_agree_with_trying_each_pair_both_ways_in_new_timelines(self, timeline):
        """A pair conflicts exactly when, on the state before the first, the two orders differ (unless both fail)."""
        for day in busy_days(timeline, most=6):
            before, today = split_at(timeline, day)
            expected = set()
            for i, j in itertools.combinations(range(len(today)), 2):
                prefix = before + today[:i]
                forward = outcome([*prefix, today[i], today[j]], day)
                backward = outcome([*prefix, today[j], today[i]], day)
                if forward is None and backward is None:
                    continue
                if backward is None:
                    expected.add((i, j, "depends"))
                elif forward is None:
                    expected.add((i, j, "blocks"))
                elif forward != backward:
                    expected.add((i, j, "differs"))
            found = {(today.index(c.first), today.index(c.second), c.kind) for c in timeline.conflicts(day)}
            assert found == expected

    def test_a_day_with_one_change_has_none(self):
        """With nothing to reorder there is nothing to conflict."""
        org = om.Timeline([om.Establish(om.Unit("u0", "A"), on=DAY)])
        assert org.conflicts(DAY) == ()
        assert org.conflicts("2020-01-01") == ()

    def test_say_what_differs(self):
        """Two renames of one unit on one day give different names in the two orders."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
                om.Rename("sue", "Förnyelseenheten", on=DAY),
                om.Rename("sue", "Strategienheten", on=DAY),
            ]
        )
        (conflict,) = org.conflicts(DAY)
        assert conflict.kind == "differs"
        assert str(conflict) == (
            "2015-01-01: [rename 'sue' to 'Förnyelseenheten'] and [rename 'sue' to 'Strategienheten'] give different "
            "organisations in the two orders: unit 'Strategienheten' (sue) has name 'Strategienheten' in log order, "
            "'Förnyelseenheten' in the other"
        )

    def test_say_what_blocks(self):
        """Dissolving a post, then appointing to it fails; the other order works: the first blocks the second."""
        org = om.Timeline(
            [
                om.Change(
                    "2014-01-01",
                    [
                        om.Establish(om.Unit("u", "A")),
                        om.Establish(om.Post("p", "Chef", unit="u")),
                        om.Establish(om.Person("h", "Anna")),
                    ],
                ),
                om.Appoint("p", "h", on=DAY),
                om.Vacate("p", on=DAY),
            ]
        )
        kinds = [conflict.kind for conflict in org.conflicts(DAY)]
        assert kinds == ["depends"]
        assert org.conflicts("2014-01-01") == ()

    def test_events_within_one_change_are_not_compared(self):
        """A change's events apply in the order written on purpose: only changes are reordered."""
        org = om.Timeline(
            [
                om.Change(
                    DAY,
                    [om.Establish(om.Unit("u", "A")), om.Rename("u", "B"), om.Rename("u", "C")],
                )
            ]
        )
        assert org.conflicts(DAY) == ()

    def test_cancelled_changes_never_conflict(self):
        """A cancelled change is never applied, so its order does not matter."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "A"), on="2014-01-01"),
                om.Rename("u", "B", on=DAY),
                om.Rename("u", "C", on=DAY, status="cancelled"),
            ]
        )
        assert org.conflicts(DAY) == ()

    def test_nacka_new_year_2015_has_only_dependencies(self):
        """On 1 January 2015 five of Nacka's changes need another first; no two give different charts."""
        conflicts = om.examples.nacka().conflicts(DAY)
        assert [conflict.kind for conflict in conflicts] == ["depends"] * 5


class TestEveryOrder:
    @given(crowded)
    def test_changes_commute_agrees_with_every_order_tried(self, timeline):
        """A day is reported exactly when some order of its changes fails or gives another chart."""
        for day in busy_days(timeline, most=4):
            before, today = split_at(timeline, day)
            expected = outcome(before + today, day)
            results = [outcome(before + list(order), day) for order in itertools.permutations(today)]
            strict = any(result != expected for result in results)
            lenient = any(result is not None and result != expected for result in results)
            assert bool(inv.changes_commute(timeline, days=[day])) == strict
            assert bool(inv.changes_commute(timeline, days=[day], allow_dependencies=True)) == lenient

    @given(crowded)
    def test_a_witness_order_really_fails_or_differs(self, timeline):
        """The order reported fails, or gives another chart than the log order, when replayed in a new timeline."""
        for witness in _plans.timeline_witnesses(timeline):
            if witness.day == om.dates.OPEN_START:
                continue
            before, today = split_at(timeline, witness.day)
            reordered = before + [today[position] for position in witness.order]
            result = outcome(reordered, witness.day)
            if witness.fails:
                assert result is None
                assert outcome(reordered[:-1], witness.day) is not None, "it fails at its last change"
            else:
                assert result is not None
                assert result != outcome(before + today, witness.day)

    @given(st.data())
    def test_plan_commutes_reorders_only_the_plan(self, data):
        """The plan's changes of a day are tried in every order after the base's own changes."""
        base = data.draw(oms.timelines(max_events=6), label="base")
        plan = data.draw(oms.change_plans(base, max_gap_days=0, min_events=2, max_events=4), label="plan")
        combined = base.with_events(plan)
        day = combined.changes[-1].on.earliest
        before, today = split_at(combined, day)
        assume(len(today) >= 2)
        theirs = len(plan)
        expected = outcome(before + today, day)
        results = [
            outcome(before + today[:-theirs] + list(order), day) for order in itertools.permutations(today[-theirs:])
        ]
        assert bool(inv.plan_commutes(base, plan)) == any(result != expected for result in results)

    def test_a_dependency_is_reported_unless_allowed(self):
        """Appointing to a post before it exists fails: a dependency, which allow_dependencies lets pass."""
        base = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01")])
        plan = [
            om.Establish(om.Post("sd", "Stadsdirektör", unit="slk"), on=DAY),
            om.Establish(om.Person("ld", "Lena Dahlstedt"), on=DAY),
            om.Appoint("sd", "ld", on=DAY),
        ]
        (violation,) = inv.plan_commutes(base, plan)
        assert violation.rule == "changes-commute"
        assert violation.subject == "2015-01-01"
        assert "appoint 'ld' to post 'sd': unknown person 'ld'" in violation.message
        assert inv.plan_commutes(base, plan, allow_dependencies=True) == []

    def test_nacka_gives_one_organisation_whatever_the_order_that_applies(self):
        """Every valid order of each day's changes gives the same organisation in the Nacka data."""
        org = om.examples.nacka()
        assert inv.changes_commute(org, allow_dependencies=True) == []
        assert [violation.subject for violation in inv.changes_commute(org)] == [
            "0001-01-01",
            "2014-05-01",
            "2014-11-01",
            "2015-01-01",
        ]

    def test_too_many_orders_is_an_error_not_a_hang(self, monkeypatch):
        """A search that cannot collapse the orders stops with a clear error."""
        monkeypatch.setattr(_plans, "MAX_STEPS", 10)
        # Four changes that commute: the search must visit every subset of them to know.
        org = om.Timeline([om.Establish(om.Unit(f"u{number}", f"U{number}"), on=DAY) for number in range(4)])
        with pytest.raises(om.InvalidArgumentError, match="too many orders of 4 changes"):
            inv.changes_commute(org)


def test_a_hint_after_an_undo_names_only_what_is_there():
    """A replay undoes changes and tries others; the "did you mean" index must not outlive what it indexed.

    Found by the property test above: after an undo the state had as many writes and entities as when the
    index was made, so an entity undone was suggested (and looking up its name raised ``KeyError``).
    """
    from orgmodel._state import Rejection, WorkingState

    on = om.Change("2015-01-01", [om.Rename("u0", "x")]).on
    state = WorkingState()
    state.begin(on)
    state.add(om.Unit("u0", "Alfa"))
    mark = state.begin(on)
    state.add(om.Unit("u1", "Betaenheten"))
    with pytest.raises(Rejection) as first:
        state.require("betaenhete", om.Unit)
    assert "'u1'" in first.value.hint
    state.undo(mark)
    state.add(om.Unit("u2", "Gammaenheten"))  # as many writes and entities as before the undo
    with pytest.raises(Rejection) as second:
        state.require("betaenhete", om.Unit)
    assert "'u1'" not in second.value.hint
