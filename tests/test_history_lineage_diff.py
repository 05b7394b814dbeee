"""Questions across time: history of an entity, lineage of a unit, and the diff of two days."""

from __future__ import annotations

import pytest

import orgmodel as om

from .test_timeline import LATER, SOURCE, base_events

BEFORE = "2014-12-31"


@pytest.fixture
def org() -> om.Timeline:
    return om.Timeline(
        [
            *base_events(),
            om.Split(
                "ek",
                [
                    om.Unit("ctrl", "Controllerenheten", parent="slk"),
                    om.Unit("red", "Redovisningsenheten", parent="slk"),
                ],
                allocate={"ekchef": "ctrl", "bitr": "red"},
                on="per den 1 juli 2014",
                source=SOURCE,
            ),
            om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten", parent="slk"), on="2014-05-01"),
            om.Establish(
                om.Post("suechef", "Enhetschef", kind="head", unit="sue", heads=True, reports_to="sd"), on="2014-05-01"
            ),
            om.Establish(om.Post("sfd", "Strategi- och förnyelsedirektör", kind="director", unit="slk"), on=LATER),
            om.Change(
                LATER,
                [
                    om.Rename("sue", "Förnyelseenheten"),
                    om.SetReportingLine("suechef", "sfd"),
                    om.Appoint("sfd", "bo"),
                    om.Transfer("mark", "bygg"),
                    om.Rename("bygg", "Enheten för fastighetsutveckling", reformed=True),
                    om.Rename("mex", "Exploateringsenheten"),
                    om.AddRelation(om.Relation("supports", "sue", "ks")),
                    om.Vacate("sd"),
                ],
                source=SOURCE,
            ),
            om.Establish(
                om.Unit("va", "VA-bolag", kind="company"),
                on=om.When.parse("senast 2016", not_before=LATER),
                status="planned",
            ),
        ]
    )


class TestHistory:
    def test_names_over_time(self, org):
        """A renamed unit's history lists each name with its interval and event."""
        names = org.history("förnyelseenheten").names()
        assert [(str(fact.since), str(fact.until) if fact.until else None, fact.value) for fact in names] == [
            ("2014-05-01", LATER, "Samordnings- och utvecklingsenheten"),
            (LATER, None, "Förnyelseenheten"),
        ]
        assert names[1].began.describe() == "rename 'sue' to 'Förnyelseenheten'"
        assert names[1].source == SOURCE

    def test_facts_from_other_entities(self, org):
        """A unit's history includes its head, posts, functions and relations."""
        history = org.history("sue")
        assert [fact.value for fact in history.of("head")] == ["suechef"]
        assert [fact.label for fact in history.of("relation")] == ["Förnyelseenheten supports Kommunstyrelsen"]

    def test_a_posts_holders_and_bosses(self, org):
        """A post's history has its holders and reporting lines."""
        history = org.history("suechef")
        assert [(fact.value, str(fact.since)) for fact in history.of("reports_to")] == [
            ("sd", "2014-05-01"),
            ("sfd", LATER),
        ]
        people = org.history("sd").of("holder")
        assert [(fact.value, str(fact.until)) for fact in people] == [("anna", LATER)]

    def test_by_any_name_it_ever_had_or_on_a_day(self, org):
        """An entity is found by a former name; an ambiguous name needs a day or an id."""
        assert org.history("Samordnings- och utvecklingsenheten").subject.id == "sue"
        with pytest.raises(om.AmbiguousNameError, match="2 entities have been named 'Enhetschef'"):
            org.history("Enhetschef")
        assert org.history("Enhetschef", on="2014-01-01").subject.id == "ekchef"
        with pytest.raises(om.UnknownNameError, match="did you mean 'Förnyelseenheten'"):
            org.history("fornyelseenhten")

    def test_on_a_day(self, org):
        """``on(day)`` gives the facts in force that day."""
        facts = org.history("sue").on(BEFORE)
        assert ("name", "Samordnings- och utvecklingsenheten") in [(fact.attribute, fact.value) for fact in facts]

    def test_text_table(self, org):
        """``str`` is a table of facts with the events behind them."""
        text = str(org.history("sue"))
        assert text.startswith("History of unit 'Förnyelseenheten' (sue)")
        assert "rename 'sue' to 'Förnyelseenheten'" in text


class TestLineage:
    def test_split_both_ways(self, org):
        """A split unit leads to its parts, and each part comes from it."""
        lineage = org.lineage("ekonomienheten")
        assert lineage.descendants == ("ctrl", "red")
        assert [link.describe() for link in lineage.successors] == [
            "Ekonomienheten → Controllerenheten (split, 2014-07-01)",
            "Ekonomienheten → Redovisningsenheten (split, 2014-07-01)",
        ]
        assert org.lineage("redovisningsenheten").ancestors == ("ek",)

    def test_transfers_are_shown_not_followed(self, org):
        """A function transfer shows on both owners, without making one the other's successor."""
        lineage = org.lineage("mex")
        assert [(link.kind.value, link.successor_name, link.function_name) for link in lineage.successors] == [
            ("transferred", "Enheten för fastighetsutveckling", "Markfrågor")
        ]
        assert lineage.descendants == ()
        assert [link.predecessor for link in org.lineage("bygg").predecessors] == ["mex"]

    def test_a_function_lineage_is_its_owners(self, org):
        """A function's lineage is the chain of its transfers."""
        assert [link.successor for link in org.lineage("markfrågor").successors] == ["bygg"]

    def test_walks_several_steps_forward_in_time(self):
        """Lineage follows merges after splits, each step later than the last."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2013-01-01"),
                om.Establish(om.Unit("z", "Z"), on="2013-01-01"),
                om.Split("a", [om.Unit("b", "B"), om.Unit("c", "C")], on="2014-01-01"),
                om.Merge(["c", "z"], om.Unit("d", "D"), on="2015-01-01"),
            ]
        )
        assert org.lineage("a").descendants == ("b", "c", "d")
        assert org.lineage("d").ancestors == ("c", "z", "a")
        assert set(org.lineage("a").graph.edges(keys=True)) == {
            ("a", "b", "split"),
            ("a", "c", "split"),
            ("c", "d", "merged"),
        }

    def test_text(self, org):
        """``str`` lists names and links."""
        assert "Ekonomienheten  Controllerenheten" in str(org.lineage("ek")).replace("  ", "  ")


class TestDiff:
    def test_classifies_each_change(self, org):
        """The changes of 2015-01-01 are each classified, with the event behind them."""
        diff = org.diff(BEFORE, LATER)
        kinds = {
            (entry.kind.value, entry.subject if isinstance(entry.subject, str) else entry.subject.kind.value)
            for entry in diff
        }
        assert kinds == {
            ("established", "sfd"),
            ("renamed", "sue"),
            ("reporting-changed", "suechef"),
            ("appointed", "sfd"),
            ("function-transferred", "mark"),
            ("renamed", "bygg"),
            ("renamed", "mex"),
            ("relation-added", "supports"),
            ("vacated", "sd"),
            ("established", "va"),
        }
        renamed = diff.of_kind("renamed")[0]
        assert renamed.before.name == "Samordnings- och utvecklingsenheten"
        assert renamed.after.name == "Förnyelseenheten"
        assert renamed.events[0].source == SOURCE

    def test_a_split_is_one_entry(self, org):
        """A split shows as one entry naming the parts, not as a dissolution and two establishments."""
        diff = org.diff("2014-06-30", "2014-07-01")
        split = diff.of_kind("split")
        assert len(split) == 1
        assert split[0].related == ("ctrl", "red")
        assert not diff.of_kind("dissolved", "established")
        assert {entry.subject for entry in diff.of_kind("moved")} == {"ekchef", "bitr"}

    def test_a_merge_is_one_entry(self):
        """A merge shows as one entry naming the merged units."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2013-01-01"),
                om.Establish(om.Unit("b", "B"), on="2013-01-01"),
                om.Merge(["a", "b"], om.Unit("ab", "AB"), on="2014-01-01"),
            ]
        )
        (entry,) = org.diff("2013-06-01", "2014-01-01")
        assert (entry.kind, entry.subject, entry.related) == (om.ChangeKind.MERGED, "ab", ("a", "b"))
        assert entry.describe() == "merged 'A' (a), 'B' (b) into 'AB' (ab)"

    def test_marks_uncertain_and_planned(self, org):
        """A change dated in a window past the second day is uncertain; a planned one is planned."""
        entry = next(entry for entry in org.diff(BEFORE, LATER) if entry.subject == "va")
        assert entry.uncertain
        assert entry.planned
        assert "(uncertain, planned)" in org.diff(BEFORE, LATER).summary()

    def test_a_name_changed_and_changed_back_is_no_change(self):
        """Renamed there and back: the two days show the same post, so the diff is empty; the history has both."""
        org = om.Timeline(
            [
                om.Establish(om.Post("p", "A"), on="2013-01-01"),
                om.Rename("p", "B", on="2014-01-01"),
                om.Rename("p", "A", on="2014-02-01"),
            ]
        )
        assert list(org.diff("2013-06-01", "2014-06-01")) == []
        assert [fact.value for fact in org.history("p").names()] == ["A", "B", "A"]

    def test_no_change_no_entries(self, org):
        """Two days with nothing between give an empty diff."""
        diff = org.diff("2014-08-01", "2014-09-01")
        assert len(diff) == 0
        assert diff.summary() == "Changes from 2014-08-01 to 2014-09-01: 0"

    def test_refuses_days_in_reverse(self, org):
        """A diff runs forward; the error says to swap the days."""
        with pytest.raises(om.InvalidArgumentError, match="swap them"):
            org.diff(LATER, BEFORE)

    def test_apply_refuses_another_chart(self, org):
        """A diff only applies to the chart of its first day."""
        with pytest.raises(om.InvalidArgumentError, match="apply it to the chart of 2014-12-31"):
            org.diff(BEFORE, LATER).apply(org.at("2013-06-01"))

    def test_summary_lists_changes_with_sources(self, org):
        """The summary is a table of kind, what, when and source."""
        summary = org.diff(BEFORE, LATER).summary()
        lines = summary.splitlines()
        assert "  renamed 'Samordnings- och utvecklingsenheten' → 'Förnyelseenheten' (sue)" in lines
        assert "KFKS 2012/577-001, Kommunstyrelsen" in summary
        assert org.diff(BEFORE, LATER).before == org.at(BEFORE)
