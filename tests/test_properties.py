"""Invariants of the model, checked over generated valid timelines."""

from __future__ import annotations

import datetime as dt
import itertools

import networkx as nx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms

from .reference import comparable, replay


def days_of(timeline: om.Timeline) -> list[dt.date]:
    """Every day on which something may change, and the day before the first."""
    found = {change.on.earliest for change in timeline.changes} | {change.on.latest for change in timeline.changes}
    if timeline.first_day is not None:
        found.add(timeline.first_day - dt.timedelta(days=1))
    return sorted(found)


def edge_subgraph(graph: nx.MultiDiGraph, key: str) -> nx.DiGraph:
    sub = nx.DiGraph()
    sub.add_nodes_from(graph.nodes)
    sub.add_edges_from((source, target) for source, target, k in graph.edges(keys=True) if k == key)
    return sub


@given(oms.timelines())
def test_hierarchy_and_reporting_lines_are_forests_on_every_day(timeline):
    """On every day each unit has at most one parent, each post at most one boss, and neither loops."""
    for day in days_of(timeline):
        graph = timeline.at(day).graph
        contains = edge_subgraph(graph, "contains")
        assert all(degree <= 1 for _, degree in contains.in_degree())
        assert nx.is_directed_acyclic_graph(contains)
        reporting = edge_subgraph(graph, "reports_to")
        assert all(degree <= 1 for _, degree in reporting.out_degree())
        assert nx.is_directed_acyclic_graph(reporting)
        heads = edge_subgraph(graph, "heads")
        assert all(degree <= 1 for _, degree in heads.in_degree()), "a unit has at most one head"


@given(oms.timelines(imprecise=False), st.data())
def test_chart_equals_naive_replay(timeline, data):
    """``at(d)`` shows exactly what replaying every event up to ``d`` into a graph shows.

    With exact days: inside a date window a chart shows what is possible, which
    tests/test_windows.py checks against these charts with every window fixed to a day.
    """
    candidates = days_of(timeline) or [dt.date(2013, 1, 1)]
    day = data.draw(st.sampled_from(candidates) | st.dates(candidates[0], candidates[-1] + dt.timedelta(days=5)))
    assert comparable(timeline.at(day).graph) == comparable(replay(timeline, day))


def all_pairs_share_their_key_dicts(graph: nx.MultiDiGraph) -> bool:
    """networkx keeps one dict of keys per pair, reached from both ends: ``_succ[u][v] is _pred[v][u]``."""
    return all(
        keys is graph._pred[target][source]
        for source, targets in graph._succ.items()
        for target, keys in targets.items()
    )


def graph_through_public_methods(chart: om.OrgChart) -> nx.MultiDiGraph:
    """``chart.graph`` as networkx's own ``add_node``/``add_edge`` build it: the reference for the direct build."""
    graph = nx.MultiDiGraph(day=chart.day.isoformat())

    def flags(item: object) -> dict[str, bool]:
        return {"uncertain": chart.is_uncertain(item), "planned": chart.is_planned(item)}

    def own(entity: om.Unit | om.Post | om.Person | om.Function) -> dict[str, object]:
        fields = dict(entity.attributes)
        fields.update({f"identifier:{scheme}": value for scheme, value in entity.identifiers.items()})
        return fields

    for unit in chart.units.values():
        category = chart.category(unit).value
        graph.add_node(
            unit.id, type="unit", name=unit.name, kind=str(unit.kind), category=category, **flags(unit), **own(unit)
        )
    for post in chart.posts.values():
        graph.add_node(
            post.id,
            type="post",
            name=post.title,
            kind=str(post.kind),
            heads=post.heads,
            vacant=not post.holders,
            seats=post.seats or 0,
            **flags(post),
            **own(post),
        )
    for person in chart.people.values():
        graph.add_node(person.id, type="person", name=person.name, kind="person", **flags(person), **own(person))
    for function in chart.functions.values():
        graph.add_node(
            function.id,
            type="function",
            name=function.name,
            kind=str(function.kind),
            **flags(function),
            **own(function),
        )
    for unit in chart.units.values():
        if unit.parent is not None:
            graph.add_edge(unit.parent, unit.id, key="contains", kind="contains")
    for post in chart.posts.values():
        if post.unit is not None:
            graph.add_edge(post.unit, post.id, key="has_post", kind="has_post")
            if post.heads:
                graph.add_edge(post.id, post.unit, key="heads", kind="heads")
        if post.reports_to is not None:
            graph.add_edge(post.id, post.reports_to, key="reports_to", kind="reports_to")
        for holding in post.holders:
            roles = ",".join(holding.roles)
            graph.add_edge(holding.person, post.id, key="holds", kind="holds", roles=roles, overlap=holding.overlap)
    for function in chart.functions.values():
        if function.owner is not None:
            graph.add_edge(function.owner, function.id, key="owns", kind="owns")
    for relation in sorted(
        chart.relations, key=lambda relation: (str(relation.kind), relation.source, relation.target)
    ):
        kind = str(relation.kind)
        graph.add_edge(relation.source, relation.target, key=kind, kind=kind, note=relation.note, **flags(relation))
    return graph


@given(oms.timelines(), st.data())
def test_graph_is_the_one_networkx_public_methods_build(timeline, data):
    """``.graph`` fills networkx's dicts directly; it must equal, and behave as, a graph built the public way."""
    candidates = days_of(timeline) or [dt.date(2013, 1, 1)]
    chart = timeline.at(data.draw(st.sampled_from(candidates)))
    graph, expected = chart.graph, graph_through_public_methods(chart)
    assert nx.utils.graphs_equal(graph, expected)
    assert graph.pred == expected.pred
    assert list(graph.nodes) == list(expected.nodes), "nodes iterate in the same order"
    assert list(graph.edges(keys=True)) == list(expected.edges(keys=True)), "edges iterate in the same order"
    assert all_pairs_share_their_key_dicts(graph)
    # Changing it must keep both directions in step, as it does in a graph networkx built.
    graph.remove_edges_from(list(graph.edges(keys=True))[::2])
    expected.remove_edges_from(list(expected.edges(keys=True))[::2])
    assert nx.utils.graphs_equal(graph, expected)
    assert graph.pred == expected.pred


def test_a_hand_made_chart_pointing_outside_itself_gets_bare_nodes_as_networkx_adds_them():
    """A chart made directly may refer to entities it lacks; its graph has them as bare nodes."""
    chart = om.OrgChart(
        dt.date(2015, 1, 1),
        {
            "u1": om.Unit("u1", "Förnyelseenheten", parent="slk"),
            "p1": om.Post("p1", "Enhetschef", unit="u1", heads=True, holder="nn", reports_to="sd"),
        },
        # Two edges one way between one pair: the head post heads its unit and is responsible for it.
        [om.Relation("responsible-for", "p1", "u1")],
    )
    graph, expected = chart.graph, graph_through_public_methods(chart)
    assert nx.utils.graphs_equal(graph, expected)
    assert graph.pred == expected.pred
    assert list(graph.nodes) == ["u1", "p1", "slk", "sd", "nn"]
    assert graph.nodes["slk"] == {}
    assert set(graph["p1"]["u1"]) == {"heads", "responsible-for"}
    assert all_pairs_share_their_key_dicts(graph)


@given(oms.timelines(), st.data())
def test_diff_applied_to_the_first_chart_gives_the_second(timeline, data):
    """``diff(a, b)`` applied to ``at(a)`` gives ``at(b)``, and every net change has an entry."""
    candidates = days_of(timeline) or [dt.date(2013, 1, 1)]
    first = data.draw(st.sampled_from(candidates), label="first")
    second = data.draw(st.sampled_from([day for day in candidates if day >= first]), label="second")
    diff = timeline.diff(first, second)
    assert diff.apply(timeline.at(first)) == timeline.at(second)
    explained = set()
    for entry in diff:
        subject = entry.subject.key if isinstance(entry.subject, om.Relation) else entry.subject
        explained.add(subject)
        explained.update(entry.related)
    assert set(diff.changes) <= explained


@given(oms.timelines(event_types=["establish", "merge", "absorb", "split", "rename", "move"]))
def test_every_unit_ended_by_a_merge_or_split_has_a_successor(timeline):
    """A unit ended by a merge, absorption or split has a successor in its lineage."""
    for event in timeline.events:
        if event.status is om.Status.CANCELLED:
            continue
        if isinstance(event, (om.Merge, om.Absorb)):
            into = event.into.id if isinstance(event, om.Merge) else event.into
            for unit in event.units:
                assert into in timeline.lineage(unit).descendants
        elif isinstance(event, om.Split):
            descendants = timeline.lineage(event.target).descendants
            assert {unit.id for unit in event.into} <= set(descendants)


def bad_events(chart: om.OrgChart) -> list[om.Event]:
    """Events that must be rejected against ``chart``."""
    found: list[om.Event] = [om.Rename("no-such-id", "Ghost")]
    units = sorted(chart.units.values(), key=lambda unit: unit.id)
    for unit in units:
        found.append(om.Move(unit.id, unit.id))
        if chart.children(unit.id) or chart.posts_of(unit.id) or chart.functions_of(unit.id):
            found.append(om.Dissolve(unit.id))
        for child in chart.descendants(unit.id):
            found.append(om.Move(unit.id, child.id))
        found.append(om.Establish(om.Unit(unit.id, "Same id")))
    for post in chart.posts.values():
        outsiders = sorted(set(chart.people) - set(post.holder_ids))
        if post.is_full and outsiders:
            found.append(om.Appoint(post.id, outsiders[0]))
    return found


@given(oms.timelines(), st.data())
def test_a_rejected_change_leaves_the_timeline_unchanged(timeline, data):
    """A change with a bad event is rejected whole: strictly it raises, leniently it is left out."""
    candidates = days_of(timeline) or [dt.date(2013, 1, 1)]
    day = data.draw(st.sampled_from(candidates), label="day")
    bad = data.draw(st.sampled_from(bad_events(timeline.at(day))), label="bad event")
    # A valid first event proves the change is undone as a whole, not just its failing event.
    ghost = om.Establish(om.Unit("ghost-unit", "Ghost"))
    change = om.Change(day, [ghost, bad])
    entries = list(timeline.changes)
    # After every change in effect on that day, so it meets the state the bad event was chosen against.
    position = sum(1 for existing in entries if existing.on.earliest <= day)
    entries.insert(position, change)

    with pytest.raises(om.EventError):
        om.Timeline(entries)
    salvaged, errors = om.Timeline.lenient(entries)
    assert len(errors) == 1
    assert errors[0].entry == position
    assert salvaged == timeline
    assert "ghost-unit" not in salvaged.ids
    assert salvaged.at(day) == timeline.at(day)


@given(oms.timelines(), st.data())
def test_same_day_changes_apply_in_log_order(timeline, data):
    """Reversing the log changes nothing but the order of same-day changes."""
    changes = list(timeline.changes)
    assume(len(changes) >= 2)
    # Only changes with distinct earliest days may be shuffled freely.
    by_day: dict[dt.date, list[om.Change]] = {}
    for change in changes:
        by_day.setdefault(change.on.earliest, []).append(change)
    shuffled = [change for day in sorted(by_day, reverse=True) for change in by_day[day]]
    assert om.Timeline(shuffled) == timeline


@given(oms.timelines())
def test_history_intervals_are_ordered_and_half_open(timeline):
    """Every fact starts no later than it ends, and a fact about one value never overlaps itself."""
    for entity_id in sorted(timeline.ids):
        history = timeline.history(entity_id)
        seen: dict[tuple[str, object], list[om.Fact]] = {}
        for fact in history:
            if fact.until is not None:
                assert fact.since.earliest <= fact.until.earliest
            seen.setdefault((fact.attribute, repr(fact.value)), []).append(fact)
        for facts in seen.values():
            for before, after in itertools.pairwise(facts):
                assert before.until is not None
                assert before.until.earliest <= after.since.earliest


EDGE_KINDS = ("contains", "has_post", "heads", "reports_to", "holds", "owns", *(kind.value for kind in om.RelationKind))


@given(oms.timelines(), st.data())
def test_point_queries_agree_with_the_chart(timeline, data):
    """Head, parent, holder, owner, chain of command and edges read from the index match the full chart."""
    candidates = days_of(timeline) or [dt.date(2013, 1, 1)]
    day = data.draw(st.sampled_from(candidates))
    chart = timeline.at(day)
    for unit in chart.units:
        assert timeline.head(unit, on=day) == chart.head(unit)
        assert timeline.parent(unit, on=day) == chart.parent(unit)
        assert timeline.chain_of_command(unit, on=day) == chart.chain_of_command(unit)
    for post in chart.posts:
        assert timeline.holders(post, on=day) == chart.holders(post)
        assert timeline.chain_of_command(post, on=day) == chart.chain_of_command(post)
    for function in chart.functions:
        assert timeline.owner_of(function, on=day) == chart.owner_of(function)
    assert sorted(timeline.edges(day, kinds=EDGE_KINDS)) == sorted(chart.graph.edges(keys=True))


@given(oms.timelines())
def test_snapshots_change_nothing(timeline):
    """A timeline that keeps snapshots after nearly every change answers exactly as one that keeps none."""
    from unittest import mock

    from orgmodel import _log

    with mock.patch.object(_log, "SNAPSHOT_MIN_WRITES", 1):
        snapshotted = om.Timeline(timeline.changes)
    with mock.patch.object(_log, "SNAPSHOT_MIN_WRITES", 10**9):
        plain = om.Timeline(timeline.changes)
    assert not plain._log.snapshots
    assert snapshotted == plain
    timeline = plain
    for day in days_of(timeline):
        assert snapshotted.at(day) == timeline.at(day)
        assert sorted(snapshotted.edges(day, kinds=EDGE_KINDS)) == sorted(timeline.edges(day, kinds=EDGE_KINDS))


@given(oms.timelines())
def test_lineage_names_agree_with_history(timeline):
    """The names a lineage shows (read from the entity's versions) are the names its history shows."""
    for entity_id in sorted(timeline.ids):
        assert timeline.lineage(entity_id).names == timeline.history(entity_id).names()
