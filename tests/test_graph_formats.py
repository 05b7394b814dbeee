"""``chart.graph`` written to GraphML and node-link JSON and read back with networkx, unchanged."""

from __future__ import annotations

import datetime as dt
import io
import json

import attrs
import networkx as nx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import invariants
from orgmodel import strategies as oms

#: Text XML 1.0 can hold: GraphML is XML, so other characters cannot be written (see docs/standards.md).
XML_TEXT = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")).filter(lambda char: char not in "\ufffe\uffff")

#: Values of a field of the user's own, of every type one may hold: the same name takes several types.
SCALARS = st.one_of(
    st.text(XML_TEXT, max_size=8),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)


def graphml_round_trip(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    buffer.seek(0)
    back = nx.read_graphml(buffer, force_multigraph=True)
    # networkx's reader adds the (empty) defaults GraphML declares; they are not the chart's.
    assert back.graph.pop("node_default") == {}
    assert back.graph.pop("edge_default") == {}
    return back


def node_link_round_trip(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    text = json.dumps(nx.node_link_data(graph, edges="edges"))
    return nx.node_link_graph(json.loads(text), edges="edges")


def same_graph(graph: nx.MultiDiGraph, back: nx.MultiDiGraph) -> None:
    """Equal nodes, edges, keys and every value, with its type (``True`` is not ``1``)."""
    assert back.is_directed()
    assert back.is_multigraph()
    assert back.graph == graph.graph
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert {(u, v, k): d for u, v, k, d in back.edges(keys=True, data=True)} == {
        (u, v, k): d for u, v, k, d in graph.edges(keys=True, data=True)
    }
    for node, data in graph.nodes(data=True):
        assert {name: type(value) for name, value in back.nodes[node].items()} == {
            name: type(value) for name, value in data.items()
        }


def with_fields(chart: om.OrgChart, fields: dict[str, dict[str, object]]) -> om.OrgChart:
    """The chart with fields of the user's own set on some of its entities (by id)."""
    entities = {
        entity_id: attrs.evolve(entity, attributes=fields[entity_id]) if entity_id in fields else entity
        for entity_id, entity in chart.entities.items()
    }
    return om.OrgChart(chart.day, entities, chart.relations, categories=chart.categories)


@pytest.fixture(scope="module")
def nacka():
    return om.examples.nacka()


class TestGraphValues:
    def test_day_is_iso_text(self, nacka):
        """The graph attribute ``day`` is the chart's day as ISO text."""
        assert nacka.at("2015-01-01").graph.graph == {"day": "2015-01-01"}

    def test_every_value_is_a_scalar(self, nacka):
        """Graph, node and edge values are str, int, float or bool: what GraphML and JSON carry."""
        graph = nacka.at("2015-06-01").graph
        values = [
            *graph.graph.values(),
            *(value for _, data in graph.nodes(data=True) for value in data.values()),
            *(value for *_, data in graph.edges(keys=True, data=True) for value in data.values()),
        ]
        assert values
        assert {type(value) for value in values} <= {str, int, float, bool}

    def test_invariants_read_the_day(self, nacka):
        """Violations found on a chart's graph carry its day, read back from the ISO text."""
        chart = om.OrgChart(
            dt.date(2015, 3, 1),
            {"p": om.Post("p", "Chef", reports_to="p")},
        )
        (violation,) = invariants.check(chart.graph)
        assert violation.day == dt.date(2015, 3, 1)


class TestNacka:
    @pytest.mark.parametrize("day", ["2013-01-01", "2014-06-01", "2015-01-01", "2016-12-31"])
    def test_graphml(self, nacka, day, tmp_path):
        """A Nacka chart written to a GraphML file reads back the same."""
        graph = nacka.at(day).graph
        path = tmp_path / "nacka.graphml"
        nx.write_graphml(graph, path)
        back = nx.read_graphml(path, force_multigraph=True)
        del back.graph["node_default"], back.graph["edge_default"]
        same_graph(graph, back)

    @pytest.mark.parametrize("day", ["2013-01-01", "2015-01-01"])
    def test_node_link_json(self, nacka, day):
        """A Nacka chart as node-link JSON reads back the same."""
        graph = nacka.at(day).graph
        same_graph(graph, node_link_round_trip(graph))


class TestGenerated:
    @given(oms.charts(max_events=20, names=st.text(XML_TEXT, min_size=1, max_size=12).filter(str.strip)))
    def test_graphml_with_awkward_names(self, chart):
        """Names with markup, quotes, emoji and spaces round-trip through GraphML."""
        # XML reads a carriage return back as a newline (the Cc category is left out above, so none here).
        same_graph(chart.graph, graphml_round_trip(chart.graph))

    @given(oms.charts(max_events=20, names=oms.names(unusual=True)))
    def test_node_link_with_any_names(self, chart):
        """Any text at all round-trips through node-link JSON."""
        same_graph(chart.graph, node_link_round_trip(chart.graph))

    @given(
        oms.charts(max_events=15),
        st.lists(st.dictionaries(st.sampled_from(["fte", "cost_centre", "since"]), SCALARS), min_size=1),
    )
    def test_fields_of_mixed_types(self, chart, drawn):
        """A field holding text on one node, a number or a boolean on another, reads back with each type."""
        ids = sorted(chart.entities)
        assume(ids)
        chart = with_fields(chart, {ids[i % len(ids)]: fields for i, fields in enumerate(drawn)})
        graph = chart.graph
        same_graph(graph, graphml_round_trip(graph))
        same_graph(graph, node_link_round_trip(graph))
