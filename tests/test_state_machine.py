"""The model-based test: a timeline grown by a state machine agrees with a naive replay after every step."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

import orgmodel as om
from orgmodel.testing import OrgStateMachine

from . import reference
from .reference import comparable, replay
from .test_strategies import buggy_absorb

# A machine runs many steps per example: a quarter of the profile's examples keeps the default run short
# and lets HYPOTHESIS_PROFILE=slow go deep.
MACHINE_SETTINGS = settings(max_examples=max(10, settings.default.max_examples // 4), stateful_step_count=40)


class MatchesTheReference(OrgStateMachine):
    """Every step keeps the chart equal to the naive replay's graph."""

    @invariant()
    def chart_equals_naive_replay(self):
        assert comparable(self.chart.graph) == comparable(replay(self.timeline, self.day))


class AgreesWithTheReference(MatchesTheReference):
    """And the point queries, read from the timeline's indexes, equal to the chart."""

    @invariant()
    def point_queries_agree_with_the_chart(self):
        chart, day = self.chart, self.day
        for unit in chart.units:
            assert self.timeline.head(unit, on=day) == chart.head(unit)
            assert self.timeline.parent(unit, on=day) == chart.parent(unit)
        for post in chart.posts:
            assert self.timeline.holder(post, on=day) == chart.holder(post)

    @rule(unit=OrgStateMachine.units)
    def an_id_in_the_bundle_was_made_here(self, unit):
        assert unit in self.timeline.ids


TestAgreesWithTheReference = AgreesWithTheReference.TestCase
TestAgreesWithTheReference.settings = MACHINE_SETTINGS


class GrowsNacka(OrgStateMachine):
    """Starting from Nacka: the bundles hold its ids, and the changes come after its last day."""

    base = om.examples.nacka()

    @rule(unit=OrgStateMachine.units, post=OrgStateMachine.posts, person=OrgStateMachine.people)
    def the_bundles_start_with_nackas_ids(self, unit, post, person):
        assert {unit, post, person} <= self.timeline.ids

    @invariant()
    def nothing_changes_before_the_plan(self):
        assert self.timeline.at("2016-12-31") == self.base.at("2016-12-31")


TestGrowsNacka = GrowsNacka.TestCase
TestGrowsNacka.settings = settings(max_examples=max(5, settings.default.max_examples // 10), stateful_step_count=15)


class TestMachine:
    def test_apply_refuses_what_the_timeline_refuses_and_attempt_skips_it(self):
        """apply raises the timeline's error; attempt leaves the machine as it was and says so."""
        machine = OrgStateMachine()
        assert machine.attempt(om.Establish(om.Unit("u0", "A")), after_days=3)
        before = (machine.timeline, machine.day)
        with pytest.raises(om.DuplicateIdError):
            machine.apply(om.Establish(om.Unit("u0", "B")))
        assert not machine.attempt(om.Establish(om.Unit("u0", "B")), after_days=5)
        assert (machine.timeline, machine.day) == before
        assert machine.fresh_id("u") == "u1"

    def test_refuses_to_go_back_in_time(self):
        """A machine's changes only move forward."""
        with pytest.raises(om.InvalidArgumentError, match="after_days must be 0 or more"):
            OrgStateMachine().apply(om.Establish(om.Unit("u0", "A")), after_days=-1)

    def test_refuses_unknown_event_types(self):
        """event_types is checked when the machine starts."""

        class Odd(OrgStateMachine):
            event_types = ("establish", "fly")

        with pytest.raises(om.InvalidArgumentError, match=r"event_types must be among .*, got \['fly'\]"):
            Odd()

    def test_starts_the_day_after_its_base(self):
        """With a base, the first change comes the day after the base's last day."""
        machine = GrowsNacka()
        assert str(machine.day) == "2017-01-01"
        assert machine.chart == machine.base.at("2017-01-01")
        assert machine.can("rename")
        assert not machine.can("fly")


@dataclasses.dataclass
class Shrunk:
    steps: list[str]
    made: list[str]


def shrink_planted_bug(monkeypatch: pytest.MonkeyPatch) -> Shrunk:
    """Run a machine against a reference that loses an absorbed unit's posts; the steps of the shrunk failure."""
    monkeypatch.setitem(reference.APPLY, om.Absorb, buggy_absorb)

    class Planted(MatchesTheReference):
        event_types = ("establish", "absorb")

    with pytest.raises(AssertionError) as caught:
        run_state_machine_as_test(
            Planted,
            settings=settings(
                max_examples=500,
                stateful_step_count=15,
                database=None,
                derandomize=True,
                phases=[Phase.generate, Phase.shrink],
            ),
        )
    notes = "\n".join(getattr(caught.value, "__notes__", []))
    steps = [line.split(": ", 1)[1] for line in notes.splitlines() if line.startswith("Draw ")]
    return Shrunk(steps, [step for step in steps if step != "nothing"])


@pytest.mark.slow
@pytest.mark.skipif(
    settings.default.max_examples < 1000,
    reason="shrinking a state machine takes several seconds: it runs with HYPOTHESIS_PROFILE=slow",
)
def test_a_planted_bug_shrinks_to_the_steps_that_show_it(monkeypatch):
    """The failing run shrinks to a few steps on the first day: units, a post in one, and the absorption.

    (Shrinking a state machine is less thorough than shrinking a timeline: an extra unit or a skipped step
    may remain, so this allows one; ``tests/test_strategies.py`` checks the exact minimum.)
    """
    shrunk = shrink_planted_bug(monkeypatch)
    assert len(shrunk.steps) <= 6, shrunk.steps
    assert 4 <= len(shrunk.made) <= 5, shrunk.steps
    assert all(step.startswith("2013-01-01: ") for step in shrunk.made)
    kinds = sorted(step.split(": ", 1)[1].split(" '")[0] for step in shrunk.made)
    assert kinds.count("absorb") == 1
    assert kinds.count("establish post") == 1
    assert kinds.count("establish unit") >= 2
    assert set(kinds) == {"absorb", "establish post", "establish unit"}
