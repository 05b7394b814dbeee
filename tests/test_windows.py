"""Honest time: inside a date window nothing is guessed; what is possible and what is certain are both shown."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms

#: The farthest an open window (no earliest or no latest day) is fixed from its known end.
OPEN = dt.timedelta(days=400)


def fixed(timeline: om.Timeline, days: st.DataObject) -> om.Timeline | None:
    """The same timeline with every date window fixed to one day inside it (``None`` if that breaks a rule)."""
    log = timeline._log
    entries = sorted(zip(log.entries, log.changes, strict=True), key=lambda pair: pair[0])
    redated = []
    for _, change in entries:
        on = change.on
        if on.is_exact:
            redated.append(change)
            continue
        earliest = on.latest - OPEN if on.has_open_start else on.earliest
        latest = on.earliest + OPEN if on.has_open_end else on.latest
        day = days.draw(st.dates(earliest, latest), label="fixed day")
        redated.append(om.Change(day, [_undated(event) for event in change.events], status=change.status))
    rebuilt, errors = om.Timeline.lenient(redated)
    return None if errors else rebuilt


def _undated(event: om.Event) -> om.Event:
    import attrs

    return attrs.evolve(event, on=None, status=None)


class TestPossibleAndCertain:
    @given(oms.timelines(max_events=15, statuses=False), st.data())
    def test_certain_is_within_every_fixing_which_is_within_possible(self, timeline, data):
        """For any choice of days inside the windows: certain chart ⊆ that organisation ⊆ possible chart.

        It runs with every profile: 100 examples in CI, 2,000 with HYPOTHESIS_PROFILE=slow.
        """
        days = sorted({change.on.earliest for change in timeline.changes} | {c.on.latest for c in timeline.changes})
        days = [day for day in days if dt.date(2000, 1, 1) < day < dt.date(2100, 1, 1)]
        assume(days)
        one = fixed(timeline, data)
        assume(one is not None)
        day = data.draw(st.sampled_from(days) | st.dates(days[0], days[-1]), label="day")
        certain = timeline.at(day, certain=True, people="all").facts()
        exact = one.at(day, people="all").facts()
        possible = timeline.at(day, people="all").facts(possible=True)
        assert certain <= exact, sorted(certain - exact, key=repr)[:5]
        assert exact <= possible, sorted(exact - possible, key=repr)[:5]

    @given(oms.timelines(max_events=15, imprecise=False), st.data())
    def test_with_exact_days_the_three_are_one(self, timeline, data):
        """Where every date is a day, nothing is uncertain: the certain and the possible chart are the chart."""
        days = sorted({change.on.earliest for change in timeline.changes}) or [dt.date(2013, 1, 1)]
        day = data.draw(st.sampled_from(days))
        chart = timeline.at(day)
        assert chart.uncertain == frozenset()
        assert timeline.at(day, certain=True).facts() == chart.facts() == chart.facts(possible=True)


class TestNacka:
    """The three examples that showed orgmodel guessing inside a window."""

    @pytest.fixture
    def nacka(self) -> om.Timeline:
        return om.examples.nacka()

    def test_a_review_to_be_done_by_the_turn_of_the_year_is_found_in_december(self, nacka):
        """A review is to be done "till årsskiftet 2014/2015": on 15 December it may still run, and says so.

        (Sociala ekonomienheten, the first example, ends "från årsskiftet": on 1 January 2015, a day.)
        """
        chart = nacka.at("2014-12-15")
        unit = chart.find("översyn av miljö- och stadsbyggnadsorganisationen")
        assert chart.is_uncertain(unit)
        assert chart.uncertainty(unit).may_have_ended
        assert unit.id not in nacka.at("2014-12-15", certain=True)
        assert not nacka.at("2015-02-01").is_uncertain(unit.id), "once gone, its id still answers"


class TestInsideOneWindow:
    def test_a_fact_that_begins_and_ends_in_one_window_is_on_the_chart_of_that_window(self):
        """A responsibility "under våren 2015" of a staff planned to end in the same spring: seen in the spring."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("stab", "Staben", kind="staff"), on="2014-01-01"),
                om.Establish(om.Function("review", "Översyn", kind="assignment", owner="stab"), on="under våren 2015"),
                om.Dissolve("review", on="under våren 2015"),
            ]
        )
        chart = org.at("2015-03-01")
        assert "review" in chart
        mark = chart.uncertainty("review")
        assert (mark.may_not_exist_yet, mark.may_have_ended) == (True, True)
        assert chart.find("översyn").id == "review"
        assert "review" not in org.at("2015-03-01", certain=True)
        assert "review" not in org.at("2015-07-01")

    def test_either_name_of_a_unit_that_may_have_been_renamed_finds_it(self):
        """Renamed "i januari 2015": in January both names find it, and the old one is the alternative."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "Byggenheten"), on="2014-01-01"),
                om.Rename("u", "Enheten för fastighetsutveckling", on="i januari 2015"),
            ]
        )
        chart = org.at("2015-01-15")
        assert chart.find("byggenheten").id == chart.find("enheten för fastighetsutveckling").id == "u"
        assert chart.uncertainty("u").alternatives == {"name": ("Byggenheten",)}
        assert chart.uncertainty("u").describe() == "may still be named 'Byggenheten'"
        assert not org.at("2015-02-01").is_uncertain("u")

    def test_a_head_handed_on_and_back_inside_a_window_may_still_head_after_a_dated_vacancy(self):
        """Found by the slow profile: a change in a window hands the head to another post and back, while on
        a day inside that window the unit is left without a head. In the log the vacancy comes last; had the
        window's change come later, the first post would head again. So that is unsure."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "Enheten"), on="2013-02-19"),
                om.Establish(om.Post("chief", "Chef", unit="u", heads=True), on="2013-04-14"),
                om.Establish(om.Post("deputy", "Biträdande chef", unit="u"), on="2013-06-03"),
                om.Change(
                    om.When("2013-09-12", "2014-01-01"),
                    [om.SetHead("u", "deputy"), om.SetHead("u", "chief")],
                ),
                om.SetHead("u", None, on="2013-09-12"),
            ]
        )
        chart = org.at("2014-01-01")
        assert chart.uncertainty("chief").alternatives == {"heads": (True,)}
        assert chart["chief"].heads is False  # the log's order, every window applied
        assert ("chief", "heads", False) not in org.at("2014-01-01", certain=True).facts()


class TestDiffsAcrossAWindow:
    def test_a_person_tied_only_by_what_may_not_have_ended_comes_with_it(self):
        """A diff into a window brings what may not have ended yet, and the person only it ties to the chart
        (found by the property test that applies a diff to the first day's chart)."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "Enheten"), on="2013-01-01"),
                om.Establish(om.Post("p", "Chef", unit="u"), on="2013-01-01"),
                om.Establish(om.Person("h", "Hanna"), on="2013-02-01"),
                om.AddRelation(om.Relation("responsible-for", "h", "p"), on="2013-02-07"),
                om.RemoveRelation(om.Relation("responsible-for", "h", "p"), on="i mars 2013"),
            ]
        )
        day = "2013-03-04"
        assert "h" in org.at(day)  # tied by a relation that may not have ended yet
        for first in ("2012-12-31", "2013-02-10"):
            assert org.diff(first, day).apply(org.at(first)) == org.at(day)

    def test_a_person_with_no_tie_whose_end_is_unsure_is_off_the_chart_with_its_marks(self):
        """A person with no post or relation is not on the day's chart, nor is their uncertainty; everyone is
        with ``people="all"`` (found by the property test that applies a diff to the first day's chart)."""
        window = om.When(dt.date(2013, 1, 4), dt.date(2013, 1, 5))
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "Enheten"), on="2013-01-01"),
                om.Establish(om.Person("h", "Hanna"), on="2013-01-01"),
                om.Dissolve("h", on=window),
            ]
        )
        day = "2013-01-04"
        assert "h" not in org.at(day)
        assert not org.at(day).is_uncertain("h")
        everyone = org.at(day, people="all")
        assert "h" in everyone
        assert everyone.uncertainty("h").may_have_ended
        assert org.diff("2012-12-31", day).apply(org.at("2012-12-31")) == org.at(day)
