"""A graph written down as data first, so it can be laid out, given positions, and written as DOT after.

:class:`Recorder` takes the calls :class:`~orgmodel._render._scene.SceneWriter`
makes on a ``graphviz.Digraph`` (``node``, ``edge``, ``attr``, ``subgraph``)
and keeps them; :meth:`Recorder.emit` writes them into a real graph, letting
the caller add attributes to each node, edge and subgraph on the way (the
positions of a layout made earlier).

>>> import graphviz
>>> recorded = Recorder()
>>> recorded.node("a", label="A")
>>> recorded.edge("a", "b")
>>> graph = graphviz.Digraph()
>>> recorded.emit(graph, node=lambda name, attributes: {**attributes, "pos": "1,2"})
>>> 'a [label=A pos="1,2"]' in graph.source
True
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, overload

import attrs

__all__ = ["EdgeKey", "Recorder"]

Attributes = dict[str, str]
#: An edge's identity in a recording: its tail and head nodes (ports left out: ``a:r0`` is ``a``), and which
#: edge between those two it is (0, 1, …) — as Graphviz numbers them in its layout.
EdgeKey = tuple[str, str, int]
Change = Callable[[str, Attributes], Attributes]
EdgeChange = Callable[[EdgeKey, Attributes], Attributes]


@attrs.define
class _Node:
    name: str
    attributes: Attributes


@attrs.define
class _Edge:
    tail: str
    head: str
    attributes: Attributes


def _node_of(end: str) -> str:
    """The node of an edge's end, without its port (node names never hold a ``:``; see ``_scene.node_name``)."""
    return end.split(":", 1)[0]


def _same(_name: object, attributes: Attributes) -> Attributes:
    return attributes


class Recorder:
    """The calls a ``graphviz.Digraph`` would receive, kept in order (``name`` is the subgraph's)."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name
        self.attributes: Attributes = {}
        self.items: list[_Node | _Edge | Recorder] = []

    def node(self, name: str, label: str | None = None, **attributes: str) -> None:
        """Record a node (as ``graphviz.Digraph.node``)."""
        if label is not None:
            attributes["label"] = label
        self.items.append(_Node(name, attributes))

    def edge(self, tail: str, head: str, **attributes: str) -> None:
        """Record an edge (as ``graphviz.Digraph.edge``)."""
        self.items.append(_Edge(tail, head, attributes))

    def attr(self, **attributes: str) -> None:
        """Record attributes of this graph or subgraph (as ``graphviz.Digraph.attr`` with no kind)."""
        self.attributes.update(attributes)

    @overload
    def subgraph(self, graph: Recorder) -> None: ...
    @overload
    def subgraph(self, graph: None = None, name: str | None = None) -> contextlib.AbstractContextManager[Recorder]: ...
    def subgraph(
        self, graph: Recorder | None = None, name: str | None = None
    ) -> contextlib.AbstractContextManager[Recorder] | None:
        """Record a subgraph, as ``graphviz.Digraph.subgraph``: add a recording made apart (``graph``), or
        return a context manager giving a new one (named ``name``)."""
        if graph is not None:
            self.items.append(graph)
            return None
        return self._new_subgraph(name)

    @contextlib.contextmanager
    def _new_subgraph(self, name: str | None) -> Iterator[Recorder]:
        sub = Recorder(name)
        self.items.append(sub)
        yield sub

    # --- reading it back ---------------------------------------------------------------------------

    def nodes(self) -> Iterator[tuple[str, Attributes]]:
        """Every node declaration, depth first in writing order (a node named twice comes twice)."""
        for item in self.items:
            if isinstance(item, _Node):
                yield item.name, item.attributes
            elif isinstance(item, Recorder):
                yield from item.nodes()

    def edges(self) -> Iterator[tuple[EdgeKey, str, str, Attributes]]:
        """Every edge: its key, its tail and head as written (with ports), its attributes; depth first."""
        seen: dict[tuple[str, str], int] = {}
        for edge in self._edges():
            ends = (_node_of(edge.tail), _node_of(edge.head))
            number = seen.get(ends, 0)
            seen[ends] = number + 1
            yield (*ends, number), edge.tail, edge.head, edge.attributes

    def _edges(self) -> Iterator[_Edge]:
        for item in self.items:
            if isinstance(item, _Edge):
                yield item
            elif isinstance(item, Recorder):
                yield from item._edges()

    def subgraphs(self) -> Iterator[Recorder]:
        """Every subgraph, depth first."""
        for item in self.items:
            if isinstance(item, Recorder):
                yield item
                yield from item.subgraphs()

    # --- writing it out ----------------------------------------------------------------------------

    def emit(self, graph: Any, *, node: Change = _same, edge: EdgeChange = _same, subgraph: Change = _same) -> None:
        """Write the recording into ``graph`` (a ``graphviz.Digraph``), each item's attributes through the
        matching function: ``node(name, attributes)``, ``edge(key, attributes)``, ``subgraph(name, attributes)``.
        """
        self._emit(graph, node, edge, subgraph, {})

    def _emit(
        self, graph: Any, node: Change, edge: EdgeChange, subgraph: Change, counts: dict[tuple[str, str], int]
    ) -> None:
        for item in self.items:
            if isinstance(item, _Node):
                graph.node(item.name, **node(item.name, dict(item.attributes)))
            elif isinstance(item, _Edge):
                ends = (_node_of(item.tail), _node_of(item.head))
                number = counts.get(ends, 0)
                counts[ends] = number + 1
                graph.edge(item.tail, item.head, **edge((*ends, number), dict(item.attributes)))
            else:
                with graph.subgraph(name=item.name) as inner:
                    inner.attr(**subgraph(item.name or "", dict(item.attributes)))
                    item._emit(inner, node, edge, subgraph, counts)
