"""The edges of a day's chart as a list: the bulk query behind :meth:`Timeline.edges <orgmodel.Timeline.edges>`.

A day of a large organisation has tens of thousands of posts, and an edge
list reads one field of each.  The common kinds (a field naming the other
end, such as a unit's ``parent``) are read column-wise: one pass of C code
per field (``map`` of an ``attrgetter``) and ``compress`` to keep the
entities whose field is set, so no Python bytecode runs per entity.

Those kinds do not need the day's whole state either (:meth:`AppliedLog.state_at
<orgmodel._log.AppliedLog.state_at>` copies five tables and replays every write
since the nearest snapshot).  Each kind asked is kept as a *column*: for every
entity of its table, by id and in the table's order, its edge (a ready tuple)
or ``None``.  The first question on a day between two snapshots makes that
segment's columns at a few points spaced evenly by writes (:data:`GRID_POINTS`);
a day then reads the nearest column before it through the writes since (a
few thousand at most, each key's last taken in C loops), without copying it.
What may not have ended yet (the day's ghosts, see ``orgmodel._uncertain``)
comes last, as the day's state has it.  The answer is the one read from the
day's state, in the same order (tests/test_edgelist.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import weakref
from collections.abc import Iterable, Iterator, Mapping
from itertools import compress, filterfalse, repeat
from operator import attrgetter, is_, is_not
from typing import TYPE_CHECKING, Any

from orgmodel._bulk import collector_paused
from orgmodel._entities import Function, Post, Unit
from orgmodel._uncertain import keep_whole, possible

if TYPE_CHECKING:
    from orgmodel._log import AppliedLog

Edge = tuple[str, str, str]

#: The kinds read from one field naming the other end: (field, whether the entity is the edge's source).
_FIELD_KINDS = {
    "contains": ("units", "parent", False),
    "has_post": ("posts", "unit", False),
    "reports_to": ("posts", "reports_to", True),
    "owns": ("functions", "owner", False),
}


#: The kinds of edge, in the order an edge list gives them (relations come after).
_ENTITY_KINDS = ("contains", "has_post", "heads", "reports_to", "holds", "owns")
#: The sort of entity each table holds.
_TYPES: dict[str, type[Any]] = {"units": Unit, "posts": Post, "functions": Function}


def edges(log: AppliedLog, day: dt.date, kinds: frozenset[str]) -> list[Edge]:
    """The edges of the given kinds on ``day``, from the state that day (see :attr:`OrgChart.graph`), in the order
    of the kinds: ``contains``, ``has_post``, ``heads``, ``reports_to``, ``holds``, ``owns``, then relations."""
    if kinds <= _FIELD_KINDS.keys():
        return by_columns(log, day, kinds)
    return from_state(log, day, kinds)


def by_columns(log: AppliedLog, day: dt.date, kinds: frozenset[str]) -> list[Edge]:
    """The edges of kinds read from one field each (:data:`_FIELD_KINDS`), from the columns of those kinds: what
    :func:`from_state` gives, without making the day's state."""
    asked = [kind for kind in _ENTITY_KINDS if kind in kinds]
    prefix = log.prefix(day)
    ghosts = _ghosts(log, day, prefix) if log.windowed and log.windowed[0] < prefix else []
    writes: _Writes | None = None
    found: list[Edge] = []
    for kind in asked:
        at, column = _nearest(log, prefix, kind)
        if writes is None or writes.start != at:
            writes = _Writes(log, at, prefix)
        edges = writes.edges_after(column, kind)
        if edges is None:
            return from_state(log, day, kinds)  # an entity ended, then there again: not in the columns' rules
        found += edges
        table, field, outward = _FIELD_KINDS[kind]
        for ghost in ghosts:
            if type(ghost) is _TYPES[table]:
                other = getattr(ghost, field)
                if other is not None:
                    found.append((ghost.id, other, kind) if outward else (other, ghost.id, kind))
    return found


def from_state(log: AppliedLog, day: dt.date, kinds: frozenset[str]) -> list[Edge]:
    """The edges of the given kinds, read from the day's state as the chart of that day has it."""
    state = log.possible_state(day)
    found: list[Edge] = []
    for kind in ("contains", "has_post", "heads", "reports_to", "holds", "owns"):
        if kind not in kinds:
            continue
        if kind == "heads":
            found += [(post.id, post.unit, "heads") for post in state.posts.values() if post.heads and post.unit]
        elif kind == "holds":
            found += [(holding.person, post.id, "holds") for post in state.posts.values() for holding in post.holders]
        else:
            table, field, outward = _FIELD_KINDS[kind]
            found.extend(_by_field(getattr(state, table), field, kind, outward=outward))
    found += [
        (relation.source, relation.target, str(relation.kind))
        for relation in state.relations.values()
        if str(relation.kind) in kinds
    ]
    return found


def _by_field(entities: Mapping[str, Any], field: str, kind: str, *, outward: bool) -> Iterable[Edge]:
    """An edge for each entity whose ``field`` names another: from the entity when ``outward``, else to it.

    ``entities`` are by id, as a day's state holds them: the ids are its keys.
    """
    others = list(map(attrgetter(field), entities.values()))
    present = list(map(is_not, others, repeat(None)))
    ids = compress(entities, present)
    ends = compress(others, present)
    return zip(ids, ends, repeat(kind)) if outward else zip(ends, ids, repeat(kind))


#: A column: for each entity of a table, by id, its edge of one kind (``None``: it has none), in the table's order.
Column = dict[Any, "Edge | None"]
#: A segment of the log (from one snapshot to the next) gets a column this many times, evenly by writes.
GRID_POINTS = 8
#: ... but no closer than this many writes apart.
GRID_MIN_WRITES = 1024
#: How many (segment, kind) grids of columns a log keeps, the last used (each about GRID_POINTS tables' size).
GRIDS_KEPT = 4

#: Per log, the grids of columns asked for, by (the segment's first change, kind): [(prefix, column), …].
_GRIDS: weakref.WeakKeyDictionary[AppliedLog, dict[tuple[int, str], list[tuple[int, Column]]]] = (
    weakref.WeakKeyDictionary()
)


def forget(log: AppliedLog) -> None:
    """Drop the log's columns (the benchmarks time a first question without them)."""
    _GRIDS.pop(log, None)


def _nearest(log: AppliedLog, prefix: int, kind: str) -> tuple[int, Column]:
    """The column of ``kind`` nearest before ``prefix``, and the prefix it is for.

    Each segment of the log between two snapshots gets its columns on first use, a few evenly spaced, so a
    day's edges replay at most a few thousand writes (state_at replays up to a whole segment's).
    """
    snapshots = log.snapshots
    found = bisect.bisect_right(snapshots, prefix, key=lambda snapshot: snapshot[0]) - 1
    start = snapshots[found][0] if found >= 0 else 0
    grids = _GRIDS.setdefault(log, {})
    grid = grids.pop((start, kind), None)
    if grid is None:
        end = snapshots[found + 1][0] if found + 1 < len(snapshots) else len(log.changes)
        table = getattr(snapshots[found][1], _FIELD_KINDS[kind][0]) if found >= 0 else {}
        grid = _grid(log, start, end, _column(table, kind), kind)
        for stale in list(grids)[: len(grids) - GRIDS_KEPT + 1]:
            grids.pop(stale, None)  # the least used (a list first: another thread may be asking too)
    grids[start, kind] = grid  # the last used last: the first is dropped first
    return grid[bisect.bisect_right(grid, prefix, key=lambda point: point[0]) - 1]


@collector_paused()  # a bulk build of a few tables' worth of dicts and tuples, like a snapshot's
def _grid(log: AppliedLog, start: int, end: int, column: Column, kind: str) -> list[tuple[int, Column]]:
    """The columns of changes ``start`` to ``end`` (the first given), evenly spaced by writes."""
    deltas = log.change_deltas
    step = max(GRID_MIN_WRITES, -(-(deltas[end] - deltas[start]) // GRID_POINTS))
    grid = [(start, column)]
    at = start
    for target in range(deltas[start] + step, deltas[end], step):
        point = bisect.bisect_left(deltas, target, start, end)
        if point <= at:
            continue
        writes = _Writes(log, at, point)
        column = column.copy()
        if not writes.apply(column, kind):
            _apply_one_by_one(log, at, point, column, kind)
        grid.append((point, column))
        at = point
    return grid


def _column(entities: Mapping[str, Any], kind: str) -> Column:
    """The column of ``kind`` of a table (entities by id)."""
    column: Column = dict.fromkeys(entities)
    column.update(_edges_of(list(entities.values()), kind))
    return column


def _edges_of(entities: list[Any], kind: str) -> Iterator[tuple[str, Edge]]:
    """``(id, edge)`` for each entity whose field of ``kind`` names another (C loops: no bytecode per entity)."""
    _, field, outward = _FIELD_KINDS[kind]
    others = list(map(attrgetter(field), entities))
    present = list(map(is_not, others, repeat(None)))
    ids = list(map(attrgetter("id"), compress(entities, present)))
    ends = compress(others, present)
    edges = zip(ids, ends, repeat(kind)) if outward else zip(ends, ids, repeat(kind))
    return zip(ids, edges, strict=False)


class _Writes:
    """The writes of a range of changes, each key's last (``None``: ended), in the order of first writes."""

    __slots__ = ("ended", "keys", "sorts", "start", "values", "written_again")

    def __init__(self, log: AppliedLog, start: int, end: int) -> None:
        first, last = log.change_deltas[start], log.change_deltas[end]
        keys, news = log.deltas.keys[first:last], log.deltas.news[first:last]
        latest = dict(zip(keys, news, strict=True))
        self.start = start
        self.keys = list(latest)
        self.values = list(latest.values())
        self.sorts = list(map(type, self.values))
        #: The keys ended in the range, and the sorts of those of them written again after (see :meth:`overrides`).
        self.ended = set(compress(keys, map(is_, news, repeat(None))))
        self.written_again = {type(latest[key]) for key in self.ended}

    def overrides(self, kind: str) -> Column | None:
        """What the writes make of a column of ``kind``: each key written's edge (``None``: none, or ended), in the
        order of first writes; ``None`` when a key of the column's table was ended and then written again (one
        by one, it would have moved to the end)."""
        sort = _TYPES[_FIELD_KINDS[kind][0]]
        if sort in self.written_again:
            return None
        mine = list(map(is_, self.sorts, repeat(sort)))
        changed: Column = dict.fromkeys(compress(self.keys, mine))
        changed.update(_edges_of(list(compress(self.values, mine)), kind))
        changed.update(dict.fromkeys(self.ended))
        return changed

    def apply(self, column: Column, kind: str) -> bool:
        """Apply the writes to ``column`` (``False``, nothing done: they must go one by one)."""
        changed = self.overrides(kind)
        if changed is None:
            return False
        column.update(changed)
        for key in self.ended:
            column.pop(key, None)
        return True

    def edges_after(self, column: Column, kind: str) -> list[Edge] | None:
        """The edges of ``column`` with the writes applied, in the order of the table they make (``None``: they
        must go one by one)."""
        if not self.keys:
            return list(filter(None, column.values()))
        changed = self.overrides(kind)
        if changed is None:
            return None
        # Those there before, in their places, as they are now; then those new, in the order they came.
        edges: list[Edge] = list(filter(None, map(changed.get, column.keys(), column.values())))
        edges += filter(None, map(changed.__getitem__, filterfalse(column.__contains__, changed)))
        return edges


def _apply_one_by_one(log: AppliedLog, start: int, end: int, column: Column, kind: str) -> None:
    """Apply the writes of changes ``start`` to ``end`` to ``column`` one by one, as ``AppliedLog.state_at`` does
    to the tables."""
    first, last = log.change_deltas[start], log.change_deltas[end]
    writes = log.deltas
    sort = _TYPES[_FIELD_KINDS[kind][0]]
    for key, old, new in zip(writes.keys[first:last], writes.olds[first:last], writes.news[first:last], strict=True):
        if new is None:
            if type(old) is sort:
                del column[key]
        elif type(new) is sort:
            column[key] = next((edge for _, edge in _edges_of([new], kind)), None)


def _ghosts(log: AppliedLog, day: dt.date, prefix: int) -> list[Any]:
    """What may not have ended yet on the day, as :func:`orgmodel._log.add_ghosts` puts it on the day's state:
    in order, unless it points at what is not there."""
    _, ghosts = possible(log, day, prefix)
    if not ghosts:
        return []
    left_out = keep_whole(_Present(log, prefix), ghosts)
    return [ghost for key, ghost in ghosts.items() if key not in left_out]


class _Present:
    """The ids of the entities there after a prefix of the log (as the day's state has them), read from versions."""

    __slots__ = ("log", "prefix")

    def __init__(self, log: AppliedLog, prefix: int) -> None:
        self.log, self.prefix = log, prefix

    def __contains__(self, entity_id: object) -> bool:
        return isinstance(entity_id, str) and self.log.value_at(entity_id, self.prefix) is not None
