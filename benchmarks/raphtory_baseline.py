"""The Raphtory baseline: the unit hierarchy and reporting lines as a Raphtory ``PersistentGraph``.

Raphtory (``pip install raphtory``, an optional benchmark dependency) keeps
temporal graphs; in a ``PersistentGraph`` an edge stays from its addition
until its deletion, and ``g.at(t)`` is the graph as it stands at ``t`` (the
same as ``g.snapshot_at(t)`` for a persistent graph: edges whose last update
at or before ``t`` is an addition).

Raphtory knows nothing of units, posts or merges, so the history is first
turned into edge updates by a small replay of the events (:func:`edge_updates`):

* layer ``contains``: parent unit → child unit, as units are established,
  moved, merged, absorbed, split and dissolved (their children re-homed);
* layer ``reports_to``: post → the post it reports to, as posts are
  established, change reporting line or are dissolved;
* nodes: every unit and post, added when it is established (Raphtory has no
  node deletion; ended nodes simply lose their edges).

Times are day ordinals (``date.toordinal()``), each change at its earliest
day, as in the timeline.  Updates are netted per day, so that an edge removed
and re-added on one day is not both added and deleted at one time (which
Raphtory would order by event id).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orgmodel as om
from benchmarks.naive import dated_events

KINDS: tuple[str, ...] = ("contains", "reports_to")
Edge = tuple[str, str, str]  # (source, target, layer)


def available() -> bool:
    """Whether Raphtory (and pyarrow, which it installs) can be imported; importing here keeps it out of timings."""
    try:
        import pyarrow  # noqa: F401
        import raphtory  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Updates:
    """Edge additions and deletions, and node additions, with day-ordinal times."""

    additions: list[tuple[int, str, str, str]] = field(default_factory=list)
    deletions: list[tuple[int, str, str, str]] = field(default_factory=list)
    nodes: list[tuple[int, str, str]] = field(default_factory=list)


class _Replay:
    """Just enough state to turn events into ``contains`` and ``reports_to`` edge updates."""

    def __init__(self) -> None:
        self.type: dict[str, str] = {}
        self.parent: dict[str, str | None] = {}
        self.children: dict[str, dict[str, None]] = {}
        self.boss: dict[str, str | None] = {}
        self.active: set[Edge] = set()
        self.touched: dict[Edge, bool] = {}  # edges touched today -> present at the start of the day
        self.updates = Updates()

    def _set(self, edge: Edge, present: bool) -> None:
        if edge not in self.touched:
            self.touched[edge] = edge in self.active
        if present:
            self.active.add(edge)
        else:
            self.active.discard(edge)

    def close_day(self, time: int) -> None:
        """Write the net edge updates of the day ``time``."""
        for edge, was in self.touched.items():
            now = edge in self.active
            if now and not was:
                self.updates.additions.append((time, *edge))
            elif was and not now:
                self.updates.deletions.append((time, *edge))
        self.touched.clear()

    def _set_parent(self, unit: str, parent: str | None) -> None:
        old = self.parent.get(unit)
        if old is not None:
            self._set((old, unit, "contains"), False)
            del self.children[old][unit]
        self.parent[unit] = parent
        if parent is not None:
            self._set((parent, unit, "contains"), True)
            self.children.setdefault(parent, {})[unit] = None

    def _set_boss(self, post: str, boss: str | None) -> None:
        old = self.boss.get(post)
        if old is not None:
            self._set((post, old, "reports_to"), False)
        self.boss[post] = boss
        if boss is not None:
            self._set((post, boss, "reports_to"), True)

    def _establish(self, entity: object, time: int) -> None:
        if isinstance(entity, om.Unit):
            self.type[entity.id] = "unit"
            self.updates.nodes.append((time, entity.id, "unit"))
            self._set_parent(entity.id, entity.parent)
        elif isinstance(entity, om.Post):
            self.type[entity.id] = "post"
            self.updates.nodes.append((time, entity.id, "post"))
            self._set_boss(entity.id, entity.reports_to)

    def _end_unit(self, unit: str, place: dict[str, str] | str) -> None:
        for child in list(self.children.get(unit, ())):
            self._set_parent(child, place if isinstance(place, str) else place[child])
        self._set_parent(unit, None)
        self.children.pop(unit, None)

    def apply(self, event: om.Event, time: int) -> None:
        """Record the edge updates one event makes."""
        if isinstance(event, om.Establish):
            self._establish(event.entity, time)
        elif isinstance(event, om.Dissolve):
            kind = self.type.get(event.target)
            if kind == "unit":
                self._set_parent(event.target, None)
            elif kind == "post":
                self._set_boss(event.target, None)
        elif isinstance(event, om.Move):
            if self.type.get(event.target) == "unit":
                self._set_parent(event.target, event.to)
        elif isinstance(event, om.SetReportingLine):
            self._set_boss(event.post, event.to)
        elif isinstance(event, om.Merge):
            self._establish(event.into, time)
            for ended in event.units:
                self._end_unit(ended, event.into.id)
        elif isinstance(event, om.Absorb):
            for ended in event.units:
                self._end_unit(ended, event.into)
        elif isinstance(event, om.Split):
            for new in event.into:
                self._establish(new, time)
            self._end_unit(event.target, event.allocation)


def edge_updates(entries: Iterable[om.Event | om.Change]) -> Updates:
    """The ``contains`` and ``reports_to`` edge updates of a log, netted per day, in time order."""
    dated = dated_events(entries)
    replay = _Replay()
    current: int | None = None
    for day, event in dated:
        time = day.toordinal()
        if current is not None and time != current:
            replay.close_day(current)
        current = time
        replay.apply(event, time)
    if current is not None:
        replay.close_day(current)
    return replay.updates


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence Raphtory's loading progress bars (written by Rust straight to file descriptor 2)."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def load(updates: Updates) -> Any:
    """A Raphtory ``PersistentGraph`` holding the updates (loaded through Arrow tables)."""
    import pyarrow as pa
    from raphtory import PersistentGraph

    graph = PersistentGraph()

    def table(rows: list[tuple[Any, ...]], names: list[str]) -> pa.Table:
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
        types = [pa.int64() if name == "time" else pa.string() for name in names]
        return pa.table([pa.array(column, type=kind) for column, kind in zip(columns, types, strict=True)], names=names)

    with _quiet_stderr():
        if updates.nodes:
            graph.load_nodes(table(updates.nodes, ["time", "id", "type"]), time="time", id="id", node_type_col="type")
        edge_columns = ["time", "src", "dst", "layer"]
        if updates.additions:
            graph.load_edges(
                table(updates.additions, edge_columns), time="time", src="src", dst="dst", layer_col="layer"
            )
        if updates.deletions:
            graph.load_edge_deletions(
                table(updates.deletions, edge_columns), time="time", src="src", dst="dst", layer_col="layer"
            )
    return graph


class RaphtoryOrg:
    """The hierarchy and reporting lines of a log, in Raphtory."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    @classmethod
    def from_entries(cls, entries: Iterable[om.Event | om.Change]) -> RaphtoryOrg:
        """Turn a log into edge updates and load them."""
        return cls(load(edge_updates(entries)))

    def edges(self, day: dt.date, kinds: Iterable[str] = KINDS) -> list[Edge]:
        """The edges of the given layers on ``day``: ``g.at(day)``, then each layer's edge ids."""
        view = self.graph.at(day.toordinal())
        found: list[Edge] = []
        for kind in kinds:
            found.extend((source, target, kind) for source, target in view.layer(kind).edges.id.collect())
        return found

    def parent(self, unit: str, day: dt.date) -> str | None:
        """The parent of a unit on ``day`` (its in-neighbour in the ``contains`` layer)."""
        node = self.graph.at(day.toordinal()).layer("contains").node(unit)
        if node is None:
            return None
        names = node.in_neighbours.name.collect()
        return str(names[0]) if names else None
