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


def replay(timeline: om.Timeline, day: dt.date, *, people: str = "tied") -> nx.MultiDiGraph:
    """The organisation on ``day`` by applying, in order, every event in effect by then.

    Like a chart, it lists only the people with a post or a relation that day (``people="all"``: everyone).
    """
    graph = nx.MultiDiGraph()
    # Cancelled changes, and those a later correction replaced, never apply.
    applied = [event for change in timeline.applied_changes for event in change.events]
    events = sorted(applied, key=lambda event: event.on.earliest)  # stable: log order within a day
    for event in events:
        if event.on.earliest > day:
            continue
        APPLY[type(event)](graph, event)
    if people == "tied":
        drop_untied(graph)
    return graph


def drop_untied(graph: nx.MultiDiGraph) -> None:
    """Leave out the people with no post and no relation, as a chart does."""
    idle = [node for node, data in graph.nodes(data=True) if data["type"] == "person" and graph.degree(node) == 0]
    graph.remove_nodes_from(idle)


OWN = "own:"


def comparable(graph: nx.MultiDiGraph) -> tuple[dict[str, dict[str, object]], set[tuple]]:
    """Nodes with the attributes both sides keep, and edges as (source, target, key) (with roles for holdings)."""
    kept = ("type", "name", "kind", "heads", "vacant", "seats")
    nodes = {}
    for node, data in graph.nodes(data=True):
        nodes[node] = {key: data[key] for key in kept if key in data}
        # The entity's own fields: the reference keeps them under "own:"; the chart's graph under their names.
        own = {key[len(OWN) :]: value for key, value in data.items() if key.startswith(OWN)}
        if not own:
            own = {key: value for key, value in data.items() if key not in _NODE_KEYS}
        nodes[node]["own"] = own
    edges = set()
    for source, target, key, data in graph.edges(keys=True, data=True):
        if key == "holds":
            edges.add((source, target, key, data.get("roles", ""), data.get("overlap", False)))
        else:
            edges.add((source, target, key))
    return nodes, edges


_NODE_KEYS = frozenset({"type", "name", "kind", "heads", "vacant", "seats", "uncertain", "planned", "category"})


def _edges(graph, node, key, *, out):
    found = graph.out_edges(node, keys=True) if out else graph.in_edges(node, keys=True)
    return [(source, target, k) for source, target, k in found if k == key]


def _set_edge(graph, source, target, key):
    graph.add_edge(source, target, key=key)


def _own_fields(entity) -> dict[str, object]:
    fields = {OWN + key: value for key, value in entity.attributes.items()}
    fields.update({f"{OWN}identifier:{scheme}": value for scheme, value in entity.identifiers.items()})
    return fields


def _establish(graph, event):
    entity = event.entity
    attributes = {"type": entity.entity_type.value, "name": entity.name, "kind": str(entity.kind)}
    if isinstance(entity, om.Post):
        attributes["heads"] = entity.heads
        attributes["vacant"] = not entity.holders
        attributes["seats"] = entity.seats or 0
    graph.add_node(entity.id, **attributes, **_own_fields(entity))
    if isinstance(entity, om.Unit) and entity.parent:
        _set_edge(graph, entity.parent, entity.id, "contains")
    if isinstance(entity, om.Post):
        if entity.unit:
            _set_edge(graph, entity.unit, entity.id, "has_post")
            if entity.heads:
                _set_edge(graph, entity.id, entity.unit, "heads")
        if entity.reports_to:
            _set_edge(graph, entity.id, entity.reports_to, "reports_to")
        for holding in entity.holders:
            _hold(graph, holding.person, entity.id, holding.roles, holding.overlap)
    if isinstance(entity, om.Function) and entity.owner:
        _set_edge(graph, entity.owner, entity.id, "owns")


def _hold(graph, person, post, roles, overlap):
    graph.add_edge(person, post, key="holds", roles=",".join(roles), overlap=overlap)


def _release(graph, person, post):
    """``person`` leaves ``post``; a hand-over ends once the post is back within its seats."""
    graph.remove_edge(person, post, key="holds")
    seats = graph.nodes[post]["seats"]
    holdings = [data for _, _, key, data in graph.in_edges(post, keys=True, data=True) if key == "holds"]
    regular = sum(not data["overlap"] for data in holdings)
    for data in holdings:
        if data["overlap"] and seats and regular < seats:
            data["overlap"] = False
            regular += 1
    graph.nodes[post]["vacant"] = not holdings


def _remove(graph, node):
    for _, post, _ in list(_edges(graph, node, "holds", out=True)):
        _release(graph, node, post)
    graph.remove_node(node)


def _dissolve(graph, event):
    _remove(graph, event.target)


def _rename(graph, event):
    data = graph.nodes[event.target]
    data["name"] = event.name
    if event.kind is not None:
        data["kind"] = event.kind


def _move(graph, event):
    key = "contains" if graph.nodes[event.target]["type"] == "unit" else "has_post"
    graph.remove_edges_from(_edges(graph, event.target, key, out=False))
    if key == "has_post" and graph.nodes[event.target]["heads"]:
        graph.remove_edges_from(_edges(graph, event.target, "heads", out=True))
        if event.to:
            _set_edge(graph, event.target, event.to, "heads")
    if event.to:
        _set_edge(graph, event.to, event.target, key)


def _rehome(graph, unit, place, only=None):
    for key in CONTENT_KEYS:
        for _, item, _ in _edges(graph, unit, key, out=True):
            if only is not None and item not in only:
                continue
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
    if event.parts is not None:
        _rehome(graph, event.units[0], lambda _item: event.into, set(event.parts))
        return
    for unit in event.units:
        _rehome(graph, unit, lambda _item: event.into)
        _remove(graph, unit)


def _spin_off(graph, event):
    _establish(graph, om.Establish(event.into))
    _rehome(graph, event.target, lambda _item: event.into.id, set(event.parts))


def _succeed(graph, event):
    """A lineage link: nothing on the chart changes."""


def _split(graph, event):
    for unit in event.into:
        _establish(graph, om.Establish(unit))
    _rehome(graph, event.target, event.allocation.__getitem__)
    _remove(graph, event.target)


def _transfer(graph, event):
    graph.remove_edges_from(_edges(graph, event.function, "owns", out=False))
    _set_edge(graph, event.to, event.function, "owns")


def _appoint(graph, event):
    _hold(graph, event.person, event.post, event.roles, event.overlap)
    graph.nodes[event.post]["vacant"] = False


def _vacate(graph, event):
    holders = [person for person, _, _ in _edges(graph, event.post, "holds", out=False)]
    _release(graph, event.person if event.person is not None else holders[0], event.post)


def _set_roles(graph, event):
    graph.edges[event.person, event.post, "holds"]["roles"] = ",".join(event.roles)


def _set_attributes(graph, event):
    data = graph.nodes[event.target]
    changes = {OWN + key: value for key, value in event.attributes}
    changes.update({f"{OWN}identifier:{scheme}": value for scheme, value in event.identifiers})
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value


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
    _set_edge(graph, relation.source, relation.target, str(relation.kind))


def _unrelate(graph, event):
    relation = event.relation
    graph.remove_edge(relation.source, relation.target, key=str(relation.kind))


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
    om.SpinOff: _spin_off,
    om.Succeed: _succeed,
    om.SetRoles: _set_roles,
    om.SetAttributes: _set_attributes,
}
