"""The naive method: keep the event log and answer every question by replaying it from the first event.

The organisation on a day is built by applying, in order, every event in
effect by then to an empty networkx ``MultiDiGraph``.  What each event does to
the graph is the test suite's reference (``tests/reference.py``: ``APPLY`` and
``comparable``), imported rather than copied so that the benchmarks and the
property tests check the library against one and the same naive model.  This
module adds the log handling (flatten and order once, then replay a prefix) and
the questions answered on a replayed graph — point queries, the net diff of
two days, lineage by scanning the log — with no indexes at all.
"""

from __future__ import annotations

import bisect
import datetime as dt
import sys
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from pathlib import Path

import networkx as nx

import orgmodel as om

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tests.reference import APPLY, comparable, drop_untied  # noqa: E402 - the repository root must be importable first

__all__ = ["NaiveLog", "changed_ids", "comparable", "dated_events"]

#: For each edge key, which end is the entity whose value holds the fact.
_OWNER_END = {"contains": 1, "has_post": 1, "heads": 0, "reports_to": 0, "holds": 1, "owns": 1}


def dated_events(entries: Iterable[om.Event | om.Change]) -> list[tuple[dt.date, om.Event]]:
    """The events of a log that are not cancelled, each with the day it takes effect, earliest first.

    Events of one day keep their log order (the sort is stable).
    """
    dated: list[tuple[dt.date, om.Event]] = []
    for entry in entries:
        if isinstance(entry, om.Change):
            if entry.status is not om.Status.CANCELLED:
                dated.extend((entry.on.earliest, event) for event in entry.events)
        elif entry.status is not om.Status.CANCELLED:
            assert entry.on is not None
            dated.append((entry.on.earliest, entry))
    dated.sort(key=lambda item: item[0])
    return dated


class NaiveLog:
    """An event log, flattened and ordered once (earliest day first, log order within a day), replayed on demand."""

    def __init__(self, entries: Iterable[om.Event | om.Change]) -> None:
        dated = dated_events(entries)
        self.days = [day for day, _ in dated]
        self.events = [event for _, event in dated]

    def __len__(self) -> int:
        return len(self.events)

    def count(self, day: dt.date) -> int:
        """How many events are in effect on ``day``."""
        return bisect.bisect_right(self.days, day)

    def replay(self, day: dt.date) -> nx.MultiDiGraph[str]:
        """The organisation on ``day``, by applying every event in effect by then to an empty graph."""
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        for event in self.events[: self.count(day)]:
            APPLY[type(event)](graph, event)  # type: ignore[no-untyped-call]  # tests/reference.py is untyped
        drop_untied(graph)  # type: ignore[no-untyped-call]
        return graph

    def with_event(self, day: dt.date, event: om.Event) -> NaiveLog:
        """A copy of the log with one more event on ``day`` (after the events already on that day)."""
        copy = NaiveLog.__new__(NaiveLog)
        index = self.count(day)
        copy.days = [*self.days[:index], day, *self.days[index:]]
        copy.events = [*self.events[:index], event, *self.events[index:]]
        return copy

    def lineage(self, unit: str) -> tuple[set[str], set[str]]:
        """The ancestors and descendants of a unit through merges, absorptions and splits, by scanning the log.

        The same walk as the library's: forward in time along links from
        predecessor to successor, backward along links into it.
        """
        forward: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
        backward: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
        for position, event in enumerate(self.events):
            for predecessor, successor in _links(event):
                forward[predecessor].append((position, successor))
                backward[successor].append((position, predecessor))
        return _walk(backward, unit, forward=False), _walk(forward, unit, forward=True)


def _links(event: om.Event) -> list[tuple[str, str]]:
    if isinstance(event, om.Merge):
        return [(unit, event.into.id) for unit in event.units]
    if isinstance(event, om.Absorb):
        return [(unit, event.into) for unit in event.units]
    if isinstance(event, om.Split):
        return [(event.target, unit.id) for unit in event.into]
    return []


def _walk(table: dict[str, list[tuple[int, str]]], start: str, *, forward: bool) -> set[str]:
    queue: deque[tuple[str, float]] = deque([(start, -1 if forward else float("inf"))])
    visited = {start}
    while queue:
        node, arrived = queue.popleft()
        for position, other in table.get(node, ()):
            if (position < arrived) if forward else (position > arrived):
                continue
            if other not in visited:
                visited.add(other)
                queue.append((other, position))
    visited.discard(start)
    return visited


# --- questions on a replayed graph ---------------------------------------------------------------------


def _in_by_key(graph: nx.MultiDiGraph[str], node: str, key: str) -> str | None:
    for source, _, found in graph.in_edges(node, keys=True):
        if found == key:
            return str(source)
    return None


def parent(graph: nx.MultiDiGraph[str], unit: str) -> str | None:
    """The parent of a unit in a replayed graph."""
    return _in_by_key(graph, unit, "contains")


def head(graph: nx.MultiDiGraph[str], unit: str) -> str | None:
    """The post heading a unit in a replayed graph."""
    return _in_by_key(graph, unit, "heads")


def owner_of(graph: nx.MultiDiGraph[str], function: str) -> str | None:
    """The owner of a function in a replayed graph."""
    return _in_by_key(graph, function, "owns")


def _boss(graph: nx.MultiDiGraph[str], post: str) -> str | None:
    for _, target, key in graph.out_edges(post, keys=True):
        if key == "reports_to":
            return str(target)
    unit = _in_by_key(graph, post, "has_post")
    if unit is not None and graph.nodes[post]["heads"]:
        unit = parent(graph, unit)
    while unit is not None:
        found = head(graph, unit)
        if found is not None and found != post:
            return found
        unit = parent(graph, unit)
    return None


def chain_of_command(graph: nx.MultiDiGraph[str], unit: str) -> tuple[str, ...]:
    """The posts from a unit's head (or the nearest head above it) up to the top, in a replayed graph."""
    current: str | None = None
    walk: str | None = unit
    while walk is not None and current is None:
        current = head(graph, walk)
        walk = parent(graph, walk)
    chain: list[str] = []
    while current is not None and current not in chain:
        chain.append(current)
        current = _boss(graph, current)
    return tuple(chain)


def edges(graph: nx.MultiDiGraph[str], kinds: Sequence[str]) -> list[tuple[str, str, str]]:
    """The edges of the given kinds in a replayed graph, as ``(source, target, kind)``."""
    wanted = frozenset(kinds)
    return [(source, target, key) for source, target, key in graph.edges(keys=True) if key in wanted]


def changed_ids(before: nx.MultiDiGraph[str], after: nx.MultiDiGraph[str]) -> set[str]:
    """Ids of the entities whose value differs between two replayed graphs (the net diff, as ids).

    An entity changed if it came or went, if its node attributes differ, or if
    an edge recording one of its fields (its parent, unit, head flag, reporting
    line, holder or owner) came or went.
    """
    nodes_before, edges_before = comparable(before)
    nodes_after, edges_after = comparable(after)
    found = {
        node for node in nodes_before.keys() | nodes_after.keys() if nodes_before.get(node) != nodes_after.get(node)
    }
    for edge in edges_before ^ edges_after:
        end = _OWNER_END.get(edge[2])
        if end is not None:
            found.add(edge[end])
    return found
