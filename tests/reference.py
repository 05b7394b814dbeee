"""A naive reference: replay every event from the first into a networkx graph.

It keeps the whole state in the graph itself (nodes with attributes, edges
keyed like ``OrgChart.graph``) and shares no code with the library beyond the
event and entity classes, so a chart from the timeline's indexes can be
checked against it.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx

import orgmodel as om

CONTENT_KEYS = ("contains", "has_post", "owns")


def replay(timeline: om.Timeline, day: dt.date) -> nx.MultiDiGraph:
    """The organisation on ``day`` by applying, in order, every event in effect by then."""
    graph = nx.MultiDiGraph()
    events = sorted(timeline.events, key=lambda event: event.on.earliest)  # stable: log order within a day
    for event in events:
        if event.status is om.Status.CANCELLED or event.on.earliest > day:
            continue
        APPLY[type(event)](graph, event)
    return graph


def comparable(graph: nx.MultiDiGraph) -> tuple[dict[str, dict[str, object]], set[tuple[str, str, str]]]:
    """Nodes with the attributes both sides keep, and edges as (source, target, key)."""
    kept = ("type", "name", "kind", "heads", "vacant")
    nodes = {node: {key: data[key] for key in kept if key in data} for node, data in graph.nodes(data=True)}
    edges = {(source, target, key) for source, target, key in graph.edges(keys=True)}
    return nodes, edges


def _edges(graph, node, key, *, out):
    found = graph.out_edges(node, keys=True) if out else graph.in_edges(node, keys=True)
    return [(source, target, k) for source, target, k in found if k == key]


def _set_edge(graph, source, target, key):
    graph.add_edge(source, target, key=key)


def _establish(graph, event):
    entity = event.entity
    attributes = {"type": entity.entity_type.value, "name": entity.name, "kind": entity.kind.value}
    if isinstance(entity, om.Post):
        attributes["heads"] = entity.heads
        attributes["vacant"] = entity.holder is None
    graph.add_node(entity.id, **attributes)
    if isinstance(entity, om.Unit) and entity.parent:
        _set_edge(graph, entity.parent, entity.id, "contains")
    if isinstance(entity, om.Post):
        if entity.unit:
            _set_edge(graph, entity.unit, entity.id, "has_post")
            if entity.heads:
                _set_edge(graph, entity.id, entity.unit, "heads")
        if entity.reports_to:
            _set_edge(graph, entity.id, entity.reports_to, "reports_to")
        if entity.holder:
            _set_edge(graph, entity.holder, entity.id, "holds")
    if isinstance(entity, om.Function) and entity.owner:
        _set_edge(graph, entity.owner, entity.id, "owns")


def _remove(graph, node):
    for _, post, _ in _edges(graph, node, "holds", out=True):
        graph.nodes[post]["vacant"] = True
    graph.remove_node(node)


def _dissolve(graph, event):
    _remove(graph, event.target)


_KINDS = {"unit": om.UnitKind, "post": om.PostKind, "function": om.FunctionKind}


def _rename(graph, event):
    data = graph.nodes[event.target]
    data["name"] = event.name
    if event.kind is not None:
        data["kind"] = _KINDS[data["type"]](event.kind).value


def _move(graph, event):
    key = "contains" if graph.nodes[event.target]["type"] == "unit" else "has_post"
    graph.remove_edges_from(_edges(graph, event.target, key, out=False))
    if key == "has_post" and graph.nodes[event.target]["heads"]:
        graph.remove_edges_from(_edges(graph, event.target, "heads", out=True))
        if event.to:
            _set_edge(graph, event.target, event.to, "heads")
    if event.to:
        _set_edge(graph, event.to, event.target, key)


def _rehome(graph, unit, place):
    for key in CONTENT_KEYS:
        for _, item, _ in _edges(graph, unit, key, out=True):
            graph.remove_edge(unit, item, key=key)
            _set_edge(graph, place(item), item, key)
            if key == "has_post" and graph.nodes[item]["heads"]:
                graph.remove_edge(item, unit, key="heads")
                _set_edge(graph, item, place(item), "heads")


def _merge(graph, event):
    _establish(graph, om.Establish(event.into))
    for unit in event.units:
        _rehome(graph, unit, lambda _item: event.into.id)
        _remove(graph, unit)


def _absorb(graph, event):
    for unit in event.units:
        _rehome(graph, unit, lambda _item: event.into)
        _remove(graph, unit)


def _split(graph, event):
    for unit in event.into:
        _establish(graph, om.Establish(unit))
    _rehome(graph, event.target, event.allocation.__getitem__)
    _remove(graph, event.target)


def _transfer(graph, event):
    graph.remove_edges_from(_edges(graph, event.function, "owns", out=False))
    _set_edge(graph, event.to, event.function, "owns")


def _appoint(graph, event):
    _set_edge(graph, event.person, event.post, "holds")
    graph.nodes[event.post]["vacant"] = False


def _vacate(graph, event):
    graph.remove_edges_from(_edges(graph, event.post, "holds", out=False))
    graph.nodes[event.post]["vacant"] = True


def _report(graph, event):
    graph.remove_edges_from(_edges(graph, event.post, "reports_to", out=True))
    if event.to:
        _set_edge(graph, event.post, event.to, "reports_to")


def _head(graph, event):
    for post, _, _ in _edges(graph, event.unit, "heads", out=False):
        graph.remove_edge(post, event.unit, key="heads")
        graph.nodes[post]["heads"] = False
    if event.post:
        _set_edge(graph, event.post, event.unit, "heads")
        graph.nodes[event.post]["heads"] = True


def _relate(graph, event):
    relation = event.relation
    _set_edge(graph, relation.source, relation.target, relation.kind.value)


def _unrelate(graph, event):
    relation = event.relation
    graph.remove_edge(relation.source, relation.target, key=relation.kind.value)


APPLY = {
    om.Establish: _establish,
    om.Dissolve: _dissolve,
    om.Rename: _rename,
    om.Move: _move,
    om.Merge: _merge,
    om.Absorb: _absorb,
    om.Split: _split,
    om.Transfer: _transfer,
    om.Appoint: _appoint,
    om.Vacate: _vacate,
    om.SetReportingLine: _report,
    om.SetHead: _head,
    om.AddRelation: _relate,
    om.RemoveRelation: _unrelate,
}
