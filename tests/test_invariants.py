"""The invariant checks: each finds what breaks its rule, says it in words, and finds nothing in valid data."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest
from hypothesis import given

import orgmodel as om
from orgmodel import invariants as inv
from orgmodel import strategies as oms

DAY = dt.date(2015, 1, 1)


def graph(nodes: dict[str, tuple[str, str]], edges: list[tuple[str, str, str]], **data: object) -> nx.MultiDiGraph:
    """A chart-shaped graph: nodes as id -> (type, name), edges as (source, target, key)."""
    built = nx.MultiDiGraph(day=DAY)
    for node, (kind, name) in nodes.items():
        built.add_node(node, type=kind, name=name, kind="unit" if kind == "unit" else "other", **data)
    for source, target, key in edges:
        built.add_edge(source, target, key=key)
    return built


def messages(violations: list[inv.Violation]) -> list[str]:
    return [str(violation) for violation in violations]


UNITS = {"a": ("unit", "A"), "b": ("unit", "B"), "c": ("unit", "C")}
POSTS = {"p": ("post", "Chef"), "q": ("post", "Direktör")}
PEOPLE = {"h": ("person", "Anna"), "k": ("person", "Bo")}


class TestStructure:
    @given(oms.timelines())
    def test_nothing_is_found_in_a_valid_timeline(self, timeline):
        """Every chart a timeline gives keeps the structural rules, on every day."""
        assert inv.check(timeline) == []

    def test_nothing_is_found_in_nacka(self):
        """The Nacka data set keeps them too."""
        assert inv.check(om.examples.nacka()) == []

    @pytest.mark.parametrize(
        ("check", "nodes", "edges", "expected"),
        [
            (
                inv.hierarchy_is_forest,
                UNITS,
                [("a", "c", "contains"), ("b", "c", "contains")],
                ["2015-01-01: hierarchy-is-forest: unit 'C' (c) sits under 2 units: unit 'A' (a), unit 'B' (b)"],
            ),
            (
                inv.hierarchy_is_forest,
                UNITS,
                [("a", "b", "contains"), ("b", "c", "contains"), ("c", "a", "contains")],
                ["2015-01-01: hierarchy-is-forest: unit 'A' (a), unit 'B' (b), unit 'C' (c) sit under each other"],
            ),
            (
                inv.hierarchy_is_forest,
                UNITS,
                [("a", "a", "contains")],
                ["2015-01-01: hierarchy-is-forest: unit 'A' (a) sits under itself"],
            ),
            (
                inv.reporting_lines_acyclic,
                POSTS,
                [("p", "q", "reports_to"), ("q", "p", "reports_to")],
                ["2015-01-01: reporting-lines-acyclic: post 'Chef' (p), post 'Direktör' (q) report to each other"],
            ),
            (
                inv.reporting_lines_acyclic,
                {**POSTS, "r": ("post", "Stadsdirektör")},
                [("p", "q", "reports_to"), ("p", "r", "reports_to")],
                [
                    "2015-01-01: reporting-lines-acyclic: post 'Chef' (p) reports to 2 posts: "
                    "post 'Direktör' (q), post 'Stadsdirektör' (r)"
                ],
            ),
            (
                inv.holders_within_seats,
                {**POSTS, **PEOPLE},
                [("h", "p", "holds"), ("k", "p", "holds"), ("h", "q", "holds")],
                [
                    "2015-01-01: holders-within-seats: post 'Chef' (p) has 1 seat but is held by 2: "
                    "person 'Anna' (h), person 'Bo' (k)"
                ],
            ),
            (
                inv.one_head_per_unit,
                {**UNITS, **POSTS},
                [("p", "a", "heads"), ("q", "a", "heads")],
                ["2015-01-01: one-head-per-unit: unit 'A' (a) has 2 heads: post 'Chef' (p), post 'Direktör' (q)"],
            ),
            (
                inv.no_dangling_references,
                {**UNITS, **POSTS, **PEOPLE},
                [("ghost", "a", "contains"), ("p", "h", "reports_to"), ("a", "zz", "supports")],
                [
                    "2015-01-01: no-dangling-references: unit 'A' (a) sits under 'ghost', which is not in the chart",
                    "2015-01-01: no-dangling-references: post 'Chef' (p) reports to person 'Anna' (h), "
                    "which is a person, not a post",
                    "2015-01-01: no-dangling-references: unit 'A' (a) supports 'zz', which is not in the chart",
                ],
            ),
        ],
        ids=[
            "two-parents",
            "loop",
            "self-loop",
            "reporting-loop",
            "two-bosses",
            "two-holders",
            "two-heads",
            "dangling",
        ],
    )
    def test_each_rule_finds_what_breaks_it(self, check, nodes, edges, expected):
        """A graph that breaks a rule gets one violation per break, each in words naming what is wrong."""
        assert messages(check(graph(nodes, edges))) == expected

    def test_check_runs_every_structural_rule(self):
        """check() on a chart or graph is every rule of STRUCTURE."""
        broken = graph({**UNITS, **POSTS}, [("a", "b", "contains"), ("b", "a", "contains"), ("p", "x", "heads")])
        assert [violation.rule for violation in inv.check(broken)] == ["hierarchy-is-forest", "no-dangling-references"]

    def test_a_hand_made_chart_with_a_dangling_parent(self):
        """Charts made directly, not by a timeline, are checked through their graph."""
        chart = om.OrgChart(DAY, {"u1": om.Unit("u1", "Förnyelseenheten", parent="slk")})
        assert messages(inv.check(chart)) == [
            "2015-01-01: no-dangling-references: unit 'Förnyelseenheten' (u1) sits under 'slk', "
            "which is not in the chart"
        ]

    def test_refuses_what_is_neither_a_chart_nor_a_graph(self):
        """A check names what it was given when it cannot read it."""
        with pytest.raises(om.InvalidArgumentError, match="a check takes an OrgChart or its networkx graph, got 42"):
            inv.check(42)  # type: ignore[arg-type]


class TestAssertHolds:
    def test_passes_silently_when_nothing_is_found(self):
        """No violations, no error."""
        inv.assert_holds([], [])

    def test_lists_every_violation(self):
        """The error lists all violations of all results, one a line."""
        first = inv.Violation("a-rule", "u1", "first problem", DAY)
        second = inv.Violation("b-rule", "u2", "second problem")
        with pytest.raises(AssertionError) as caught:
            inv.assert_holds([first], [second])
        assert str(caught.value) == "2 violations:\n  2015-01-01: a-rule: first problem\n  b-rule: second problem"


def office(*later: om.Event | om.Change) -> om.Timeline:
    """A small office on 2014-01-01: an office, two units, one with a head, and a council."""
    return om.Timeline(
        [
            om.Change(
                "2014-01-01",
                [
                    om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office")),
                    om.Establish(om.Unit("eko", "Ekonomienheten", parent="slk")),
                    om.Establish(om.Unit("kom", "Kommunikationsenheten", parent="slk")),
                    om.Establish(om.Unit("rad", "Seniorrådet", kind="council")),
                    om.Establish(om.Person("anna", "Anna Andersson")),
                    om.Establish(om.Post("sd", "Stadsdirektör", unit="slk", heads=True, holder="anna")),
                    om.Establish(om.Post("ekchef", "Enhetschef", unit="eko", heads=True)),
                    om.Establish(om.Function("budget", "Budgetprocessen", owner="kom")),
                ],
            ),
            *later,
        ]
    )


class TestHeads:
    def test_units_of_the_kinds_asked_for_need_a_head(self):
        """Units of the headed kinds without a head post are reported; councils are not, by default."""
        chart = office().at("2014-01-01")
        assert messages(inv.units_have_heads(chart)) == [
            "2014-01-01: units-have-heads: unit 'Kommunikationsenheten' (kom) has no head"
        ]
        assert [v.subject for v in inv.units_have_heads(chart, kinds=["council", "unit"])] == ["kom", "rad"]
        assert inv.units_have_heads(chart, exempt=["kom"]) == []

    def test_kinds_of_ones_own_are_checked_like_built_in_ones(self):
        """Any name is a kind (open kinds): a company's teams need heads as its units do."""
        chart = office(om.Establish(om.Unit("team", "Webbteamet", kind="team", parent="kom"), on="2014-01-01")).at(
            "2014-01-01"
        )
        assert [v.subject for v in inv.units_have_heads(chart, kinds=["team"])] == ["team"]
        assert [v.subject for v in inv.units_have_heads(chart, kinds=["castle"])] == []
        assert inv.relation_coverage(chart, "team", "admires") != []

    def test_held_asks_for_someone_in_the_head_post(self):
        """With held, a head post nobody holds counts as missing."""
        chart = office().at("2014-01-01")
        assert messages(inv.units_have_heads(chart, held=True, exempt=["kom"])) == [
            "2014-01-01: units-have-heads: unit 'Ekonomienheten' (eko) has a head post, post 'Enhetschef' (ekchef), "
            "that nobody holds"
        ]

    def test_a_short_headless_stretch_passes_and_a_long_one_is_reported(self):
        """Headless from the day the head post ends to the day a new one comes: reported if longer than allowed."""
        org = office(
            om.Dissolve("ekchef", on="2014-03-01"),
            om.Establish(om.Post("ekchef2", "Enhetschef", unit="eko", heads=True), on="2014-04-15"),
            om.Establish(om.Post("komchef", "Enhetschef", unit="kom", heads=True), on="2014-01-20"),
        )
        assert messages(inv.headless_at_most(org, 31)) == [
            "2014-03-01: headless-at-most: unit 'Ekonomienheten' (eko) has no head from 2014-03-01 to 2014-04-15 "
            "(45 days, more than 31)"
        ]
        assert inv.headless_at_most(org, 45) == []

    def test_a_unit_still_headless_at_the_end_counts_up_to_it(self):
        """A stretch not over by the end of the period is reported as still going on."""
        org = office(om.Rename("slk", "Stadsledningskontoret (SLK)", on="2014-06-01"))
        assert messages(inv.headless_at_most(org, 100)) == [
            "2014-01-01: headless-at-most: unit 'Kommunikationsenheten' (kom) has no head from 2014-01-01 "
            "still on 2014-06-01 (151 days, more than 100)"
        ]
        assert inv.headless_at_most(org, 100, end="2014-03-01") == []
        assert inv.headless_at_most(org, 100, start="2014-03-01") == []

    def test_held_counts_a_vacant_head_post_as_missing(self):
        """With held, the stretch lasts until someone is appointed."""
        org = office(
            om.Establish(om.Post("komchef", "Enhetschef", unit="kom", heads=True), on="2014-01-02"),
            om.Establish(om.Person("bo", "Bo Berg"), on="2014-01-02"),
            om.Appoint("ekchef", "bo", on="2014-05-01"),
        )
        assert [v.subject for v in inv.headless_at_most(org, 31, held=True)] == ["eko", "kom"]
        assert inv.headless_at_most(org, 31) == []

    def test_refuses_a_negative_number_of_days(self):
        """The most days allowed is 0 or more."""
        with pytest.raises(om.InvalidArgumentError, match="days must be 0 or more, got -1"):
            inv.headless_at_most(office(), -1)


class TestCoverage:
    def test_a_council_needs_a_responsible_for_relation_to_it(self):
        """relation_coverage reports each unit of the kinds with no relation of the kinds, in the direction asked."""
        chart = office(
            om.Establish(om.Unit("radet2", "Naturvårdsrådet", kind="council"), on="2015-01-01"),
            om.AddRelation(om.Relation("responsible-for", "sd", "rad"), on="2015-01-01"),
        ).at("2015-01-01")
        assert messages(inv.relation_coverage(chart, "council", "responsible-for")) == [
            "2015-01-01: relation-coverage: council 'Naturvårdsrådet' (radet2) has no responsible-for relation to it"
        ]
        assert [v.subject for v in inv.relation_coverage(chart, "council", "responsible-for", direction="out")] == [
            "rad",
            "radet2",
        ]
        assert inv.relation_coverage(chart, ["office", "unit"], ["supports"]) != []

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (
                {"unit_kinds": "director", "relations": "supports"},
                "unit_kinds: 'director' is not a unit kind but a post",
            ),
            ({"unit_kinds": "council", "relations": "board"}, "relations: 'board' is not a relation kind but a unit"),
            ({"unit_kinds": "council", "relations": "supports", "direction": "up"}, "direction must be 'in', 'out'"),
        ],
        ids=["unit-kind", "relation-kind", "direction"],
    )
    def test_refuses_unknown_kinds_and_directions(self, arguments, message):
        """Kinds and directions are checked, with the choices named."""
        with pytest.raises(om.InvalidArgumentError, match=message):
            inv.relation_coverage(office().at("2014-01-01"), **arguments)


class TestFunctionsKeepOwners:
    def test_a_unit_that_ends_must_leave_its_functions_an_owner(self):
        """A function whose unit is gone and that has no owner on the next day is reported."""
        before = office().at("2014-01-01")
        entities = dict(before.entities)
        del entities["kom"]
        entities["budget"] = om.Function("budget", "Budgetprocessen")
        after = om.OrgChart(dt.date(2014, 2, 1), entities)
        assert messages(inv.functions_keep_owners(before, after)) == [
            "2014-02-01: functions-keep-owners: function 'Budgetprocessen' (budget) has no owner since "
            "unit 'Kommunikationsenheten' (kom), which owned it, ended"
        ]

    def test_absorbing_a_unit_keeps_its_functions(self):
        """The timeline moves functions on when their unit ends, so the rule holds."""
        org = office(om.Absorb(["kom"], "eko", on="2014-02-01"))
        assert inv.functions_keep_owners(org.at("2014-01-01"), org.at("2014-02-01")) == []
