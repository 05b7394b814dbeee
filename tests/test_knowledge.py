"""Plans as plans, what was known when, and scenarios (issue 13, items 2–4)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms
from orgmodel.examples import nacka

REPORT = om.Source("Statusrapport", dated="2014-11-24")
MINUTES = om.Source("KS protokoll", dated="2015-02-10")


def office(*more: om.Change | om.Event) -> om.Timeline:
    """An office with an IT unit whose end was first reported for New Year and then for June."""
    return om.Timeline(
        [
            om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office"), on="2013-01-01"),
            om.Establish(om.Unit("it", "IT-enheten", parent="slk"), on="2013-01-01"),
            om.Change("2015-01-01", [om.Dissolve("it")], id="it-ends", source=REPORT),
            om.Change("2015-06-01", [om.Dissolve("it")], corrects="it-ends", source=MINUTES),
            *more,
        ]
    )


class TestPlansAsPlans:
    def test_the_planned_va_bolag_is_visibly_planned_everywhere(self):
        """Issue 13: "A planned VA-bolag can be found on 2015-01-01 as if it existed"."""
        org = nacka()
        chart = org.at("2015-01-01")
        va = chart.find("va-bolag")
        assert chart.is_planned(va.id)
        assert chart.is_uncertain(va.id)
        assert "planned" in str(chart).split("VA-bolag", 1)[1].splitlines()[0]
        assert {fact.status for fact in org.history(va.id)} == {om.Status.PLANNED}
        assert str(org.history(va.id)).splitlines()[3].endswith("planned")  # the status column
        assert "VA-bolag (planned)" in str(org.lineage(va.id))
        entries = [entry for entry in org.diff("2014-12-31", "2016-12-31") if entry.subject == va.id]
        assert entries
        assert all(entry.status is om.Status.PLANNED for entry in entries)

    def test_a_view_of_only_what_was_decided(self):
        org = nacka()
        decided = org.only("decided", "implemented")
        assert all(change.status in (om.Status.DECIDED, om.Status.IMPLEMENTED) for change in decided.changes)
        assert "va-bolag" in org.ids
        assert "va-bolag" not in decided.ids
        planned = {change for change in org.changes if change.status is om.Status.PLANNED}
        assert planned
        assert len(decided.changes) == len(org.changes) - len(planned) - sum(
            change.status is om.Status.CANCELLED for change in org.changes
        )

    def test_only_refuses_what_rests_on_a_change_left_out(self):
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "Enheten"), on="2015-01-01", status="planned"),
                om.Rename("u", "Enheten för X", on="2015-06-01"),
            ]
        )
        with pytest.raises(om.UnknownEntityError, match="'u'"):
            org.only("decided")
        with pytest.raises(om.InvalidArgumentError, match="statuses"):
            org.only("maybe")
        with pytest.raises(om.InvalidArgumentError, match="at least one"):
            org.only()

    def test_a_cancelled_change_stays_in_history_with_its_source(self):
        source = om.Source("KS 2015-03-02", reference="§ 12")
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "Enheten"), on="2014-01-01"),
                om.Rename("u", "Nya enheten", on="2015-06-01", status="cancelled", source=source),
            ]
        )
        history = org.history("u")
        assert [fact.value for fact in history.names()] == ["Enheten"]
        (revision,) = history.set_aside
        assert revision.kind is om.RevisionKind.CANCELLED
        assert revision.change.source == source
        assert "cancelled: rename 'u' to 'Nya enheten' on 2015-06-01 [KS 2015-03-02, § 12]" in str(history)

    def test_asking_for_what_only_a_cancelled_change_establishes_says_so(self):
        plan = om.Change("2016-01-01", [om.Establish(om.Unit("va", "VA-bolag", parent="slk"))], id="va", source=REPORT)
        org = office(plan).with_events(om.Change.cancelling(plan, source=MINUTES))
        for asked in ("va", "va-bolag"):
            with pytest.raises(om.UnknownNameError) as caught:
                org.history(asked)
            message = str(caught.value)
            assert "set aside" in message
            assert "cancelled va: establish unit 'VA-bolag' (va)" in message
            assert message.count("cancelled") == 1  # the cancellation is listed with what it cancels, once
        assert org.as_known_on("2015-01-01").history("va").subject.id == "va"
        with pytest.raises(om.UnknownNameError, match="did you mean") as caught:
            org.history("IT-enhten")
        assert "set aside" not in str(caught.value)

    def test_a_diff_entry_says_how_firm_it_is(self):
        org = om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2014-01-01", status="implemented"),
                om.Establish(om.Unit("b", "B"), on="2014-01-01"),
                om.Establish(om.Unit("c", "C"), on="2014-01-01", status="planned"),
            ]
        )
        statuses = {entry.subject: entry.status for entry in org.diff("2013-12-31", "2014-01-01")}
        assert statuses == {"a": om.Status.IMPLEMENTED, "b": om.Status.DECIDED, "c": om.Status.PLANNED}


class TestWhatWasKnownWhen:
    def test_the_timeline_as_known_on_a_day(self):
        org = office()
        assert org.known_days() == (dt.date(2014, 11, 24), dt.date(2015, 2, 10))
        then = org.as_known_on("2014-12-01")
        assert "it" not in then.at("2015-03-01")
        assert "it" in org.at("2015-03-01")
        assert [str(change.on) for change in then.changes if change.events[0].event_type == "dissolve"] == [
            "2015-01-01"
        ]
        # Before the report, only what is known all along (no source, no known day).
        assert sorted(org.as_known_on("2014-01-01").ids) == ["it", "slk"]
        assert org.as_known_on("2015-02-10").at("2015-03-01") == org.at("2015-03-01")

    def test_history_shows_both_versions_and_learned_says_what_was_learned(self):
        org = office()
        history = org.history("it")
        assert str(history.of("exists")[0].until) == "2015-06-01"
        (revision,) = history.set_aside
        assert (revision.kind, revision.previous.id, str(revision.previous.on)) == (
            om.RevisionKind.CORRECTED,
            "it-ends",
            "2015-01-01",
        )
        assert "[KS protokoll; replacing Statusrapport]" in str(history)
        learned = org.learned("2014-11-24", "2015-12-31")
        assert [(str(revision.kind), revision.known) for revision in learned] == [("corrected", dt.date(2015, 2, 10))]
        assert [str(revision.kind) for revision in org.learned(None, "2014-11-24")] == ["new", "new", "new"]
        assert "Learned after 2014-11-24 up to 2015-12-31" in str(learned)

    def test_a_cancellation_from_a_later_source(self):
        org = office()
        plan = om.Change("2016-01-01", [om.Rename("slk", "Kontoret")], id="rename-slk", source=REPORT)
        org = org.with_events(plan)
        cancelled = org.with_events(om.Change.cancelling(plan, source=MINUTES))
        assert cancelled.at("2016-06-01").units["slk"].name == "Stadsledningskontoret"
        assert cancelled.as_known_on("2015-01-01").at("2016-06-01").units["slk"].name == "Kontoret"
        assert [str(revision.kind) for revision in cancelled.revisions()] == ["corrected", "cancelled"]
        assert cancelled == om.Timeline(cancelled.changes)  # added to a built log or built at once: the same

    @pytest.mark.parametrize(
        ("entries", "error", "words"),
        [
            (
                [
                    om.Change("2015-01-01", [om.Dissolve("it")], id="slk-x"),
                    om.Change("2015-01-02", [om.Dissolve("slk")], id="slk-x"),
                ],
                om.DuplicateIdError,
                "change id 'slk-x' is already the id of",
            ),
            (
                [om.Change("2015-01-01", [om.Dissolve("it")], corrects="nope")],
                om.CorrectionError,
                "no change has that id",
            ),
            (
                [
                    om.Change("2015-01-01", [om.Dissolve("it")], id="a", known="2014-01-01"),
                    om.Change("2015-02-01", [om.Dissolve("it")], id="b", corrects="a", known="2014-02-01"),
                    om.Change("2015-03-01", [om.Dissolve("it")], corrects="a", known="2014-03-01"),
                ],
                om.CorrectionError,
                "already corrected by change 'b' — to correct it again, correct 'b' instead",
            ),
            (
                [
                    om.Change("2015-01-01", [om.Dissolve("it")], id="a", known="2014-06-01"),
                    om.Change("2015-02-01", [om.Dissolve("it")], corrects="a", known="2014-01-01"),
                ],
                om.CorrectionError,
                "known on 2014-01-01, before the change 'a' it corrects",
            ),
        ],
    )
    def test_a_record_that_cannot_stand_is_refused_with_what_to_do(self, entries, error, words):
        base = [om.Establish(om.Unit("slk", "S"), on="2013-01-01"), om.Establish(om.Unit("it", "I"), on="2013-01-01")]
        with pytest.raises(error) as raised:
            om.Timeline([*base, *entries])
        assert words in str(raised.value)
        _, errors = om.Timeline.lenient([*base, *entries])
        assert [type(found) for found in errors] == [error]

    def test_each_state_of_knowledge_must_hold(self):
        """A rename known in 2014 of a unit whose establishment became known only in 2015."""
        org = om.Timeline(
            [
                om.Change("2013-01-01", [om.Establish(om.Unit("u", "U"))], known="2015-01-01"),
                om.Change("2014-01-01", [om.Rename("u", "V")], known="2014-01-01"),
            ]
        )
        (error,) = org.check_knowledge()
        assert isinstance(error, om.UnknownEntityError)
        assert "(in the timeline as known on 2014-01-01)" in str(error)
        with pytest.raises(om.UnknownEntityError, match="as known on 2014-06-01"):
            org.as_known_on("2014-06-01")

    def test_the_file_carries_it(self, tmp_path):
        plan = om.Change("2016-01-01", [om.Rename("slk", "Kontoret")], id="rename-slk", source=REPORT)
        org = office(plan, om.Change.cancelling(plan, source=MINUTES, known="2015-03-01"))
        text = om.dumps(org)
        assert "cancels: rename-slk" in text
        assert "corrects: it-ends" in text
        assert "dated: '2014-11-24'" in text
        assert om.loads(text) == org
        assert om.loads(om.dumps(org, format="json"), format="json") == org
        jsonschema = pytest.importorskip("jsonschema")
        from tests.test_format import TestJsonSchema

        jsonschema.Draft202012Validator(om.json_schema()).validate(TestJsonSchema.plain(text))

    def test_file_errors_are_located(self):
        text = """\
events:
  - establish: {id: u, name: U}
    on: 2014-01-01
  - rename: u
    name: V
    on: 2015-01-01
    known: våren 2015
  - cancels: nothing
    source: {document: KS, dated: 2015-03-01}
"""
        with pytest.raises(om.FormatError) as raised:
            om.loads(text)
        message = str(raised.value)
        assert "<string>:7:12: 'known' of an event must be one day such as 2015-02-10" in message
        assert "<string>:8:14: it cancels change 'nothing', but no change has that id" in message

    @given(oms.revised_timelines())
    def test_now_is_the_last_state_of_knowledge_and_the_first_has_no_revision(self, org):
        last = org.as_known_on(dt.date.max)
        for day in sorted({change.on.earliest for change in org.changes}):
            assert last.at(day, people="all") == org.at(day, people="all")
        days = org.known_days()
        first = org.as_known_on(days[0])
        assert not first.revisions()
        assert len(org.learned(None, days[0])) == len(first.changes)
        revised = org.revisions()
        assert len(org.learned(days[0], dt.date.max)) == len(revised)
        # Every replaced version is in the record, set aside, and in the history of what it touched.
        for revision in revised:
            assert revision.previous in org.changes
            assert revision.previous not in org.applied_changes
            for subject in {subject for event in revision.previous.events for subject in event.subjects()}:
                if subject in org.ids:
                    assert revision in org.history(subject).set_aside

    @given(oms.revised_timelines())
    def test_the_events_table_says_which_events_apply_and_when_they_were_known(self, org):
        """Tables carry the record: a row per event of every change, those set aside with ``applies`` false."""
        rows = list(org.facts().rows("events"))
        applied = set(map(id, org.applied_changes))
        by_change = {}
        for row in rows:
            by_change.setdefault(row["change"], []).append(row)
        assert sum(len(change.events) for change in org.changes) == len(rows)
        for change in org.changes:
            matching = [
                group for group in by_change.values() if group[0]["change_id"] == change.id and change.id is not None
            ]
            for group in matching:
                assert {row["applies"] for row in group} == {id(change) in applied}
                assert {row["known"] for row in group} == {change.known_on}
                assert {row["corrects"] for row in group} == {change.corrects}
        assert {row["applies"] for row in rows if row["status"] == "cancelled"} <= {
            False
        }  # a cancellation applies nothing
        assert sum(1 for group in by_change.values() if not group[0]["applies"]) == len(org.changes) - len(applied)

    @given(oms.revised_timelines(), st.data())
    def test_a_revised_record_survives_files_and_one_by_one_building(self, org, data):
        assert om.loads(om.dumps(org)) == org
        assert om.loads(om.dumps(org, format="json"), format="json") == org
        # What was known on one day, built at once; the rest added as it became known.
        day = data.draw(st.sampled_from(org.known_days()), label="known on")
        known = [change for change in org.changes if change.known_on is None or change.known_on <= day]
        stepwise = om.Timeline(known)
        for later in org.known_days():
            if later > day:
                stepwise = stepwise.with_events([change for change in org.changes if change.known_on == later])
        # The same changes, set aside alike; changes on one day may stand in another order (the order learned).
        assert Counter(stepwise.changes) == Counter(org.changes)
        assert Counter(stepwise.applied_changes) == Counter(org.applied_changes)


class TestScenarios:
    def test_a_scenario_is_its_base_and_a_plan(self):
        org = office()
        cut = org.scenario("cut", [om.Dissolve("slk", on="2016-01-01")])
        assert isinstance(cut, om.Timeline)
        assert cut.base is org
        assert cut.name == "cut"
        assert [change.describe() for change in cut.plan] == ["dissolve 'slk'"]
        assert "slk" not in cut.at("2016-01-01")
        assert "slk" in org.at("2016-01-01")
        assert repr(cut) == "<Scenario 'cut': 1 planned changes>"

    def test_a_plan_that_does_not_apply_is_refused_and_the_base_it_overrides_is_listed(self):
        org = office(om.Rename("slk", "Kontoret", on="2016-06-01"))
        with pytest.raises(om.UnknownEntityError, match="'nowhere'"):
            org.scenario("bad", [om.Move("slk", "nowhere", on="2016-01-01")])
        early = org.scenario("early", [om.Dissolve("slk", on="2016-01-01"), om.Dissolve("it", on="2014-01-01")])
        assert [error.problem for error in early.left_out] == [
            "unit 'IT-enheten' (it) no longer exists on 2015-06-01: it ended 2014-01-01",
            "unit 'Stadsledningskontoret' (slk) no longer exists on 2016-06-01: it ended 2016-01-01",
        ]
        with pytest.raises(om.InvalidArgumentError, match="needs a plan"):
            org.scenario("empty", [])

    def test_two_scenarios_compared_on_a_day_and_drawn(self):
        org = office()
        a = org.scenario("A", [om.Rename("slk", "Kontoret", on="2016-01-01")])
        b = org.scenario("B", [om.Establish(om.Unit("dig", "Digitaliseringsenheten", parent="slk"), on="2016-01-01")])
        comparison = a.compare(b, on="2016-06-01")
        assert sorted(entry.describe() for entry in comparison) == [
            "renamed 'Kontoret' → 'Stadsledningskontoret' (slk)",
            "unit 'Digitaliseringsenheten' (dig): only in B",
        ]
        assert [entry.describe() for entry in b.compare(a, on="2016-06-01").of_kind("dissolved")] == [
            "unit 'Digitaliseringsenheten' (dig): only in B"
        ]
        assert comparison.titles == ("A", "B")
        assert not a.compare(a, on="2016-06-01")
        assert a.compare(org, on="2016-06-01").titles == ("A", "the base")
        svg = comparison.draw().svg()
        assert "Kontoret" in svg
        assert "Digitaliseringsenheten" in svg

    @given(st.data())
    def test_a_comparison_lists_every_difference_between_the_two_charts(self, data):
        org = data.draw(oms.timelines(max_events=10, statuses=False, imprecise=False), label="base")
        scenario = data.draw(oms.scenarios(org, max_events=4), label="scenario")
        day = scenario.last_day
        comparison = scenario.compare(org, on=day)
        mine, theirs = scenario.at(day), org.at(day)
        differing = {key for key in {*mine.entities, *theirs.entities} if mine.get(key) != theirs.get(key)}
        assert {key for key in comparison.changes if isinstance(key, str)} == differing
        assert bool(comparison) == bool(comparison.changes)
        assert all(entry.describe() for entry in comparison)
        # A scenario compared with itself, or with another of the same plan, finds nothing.
        assert not scenario.compare(scenario, on=day)
        assert not org.scenario("again", scenario.plan).compare(scenario, on=day)


class TestCommandLine:
    def test_validate_checks_each_state_of_knowledge(self, tmp_path):
        import io

        from orgmodel._cli import main

        good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
        om.save(office(), good)
        out, err = io.StringIO(), io.StringIO()
        assert main(["validate", str(good)], out=out, err=err) == 0
        assert "known in 2 stages (each checked)" in out.getvalue()
        om.save(
            om.Timeline(
                [
                    om.Change("2013-01-01", [om.Establish(om.Unit("u", "U"))], known="2015-01-01"),
                    om.Change("2014-01-01", [om.Rename("u", "V")], known="2014-01-01"),
                ]
            ),
            bad,
        )
        out, err = io.StringIO(), io.StringIO()
        assert main(["validate", str(bad)], out=out, err=err) == 1
        assert "1 problems in what was known earlier" in err.getvalue()
        assert "(in the timeline as known on 2014-01-01)" in err.getvalue()
