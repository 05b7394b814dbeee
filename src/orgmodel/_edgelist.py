"""The edges of a day's chart as a list: the bulk query behind :meth:`Timeline.edges <orgmodel.Timeline.edges>`.

A day of a large organisation has tens of thousands of posts, and an edge
list reads one field of each.  The common kinds (a field naming the other
end, such as a unit's ``parent``) are read column-wise: one pass of C code
per field (``map`` of an ``attrgetter``) and ``compress`` to keep the
entities whose field is set, so no Python bytecode runs per entity.

Those kinds do not need the day's whole state either (:meth:`AppliedLog.state_at
<orgmodel._log.AppliedLog.state_at>` copies five tables and replays every write
since the nearest snapshot): each asked field is kept as a column, ``{id:
value}`` for every entity of its table, in the table's order.  A column is
made once from a snapshot of the log, and a day's column is a copy of it with
the writes since replayed for that table only.  What may not have ended yet
(the day's ghosts, see ``orgmodel._uncertain``) is put on at the end, as the
day's state has it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import weakref
from collections.abc import Iterable, Mapping
from itertools import compress, repeat
from operator import attrgetter, is_, is_not
from typing import TYPE_CHECKING, Any

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
    """The edges of kinds read from one field each (:data:`_FIELD_KINDS`), from the day's columns of those fields:
    what :func:`from_state` gives, without making the day's state."""
    asked = [kind for kind in _ENTITY_KINDS if kind in kinds]
    prefix = log.prefix(day)
    columns = _columns(log, prefix, [_FIELD_KINDS[kind][:2] for kind in asked])
    if log.windowed and log.windowed[0] < prefix:
        _put_ghosts(log, day, prefix, columns)
    found: list[Edge] = []
    for kind in asked:
        table, field, outward = _FIELD_KINDS[kind]
        found.extend(_by_field(columns[table, field], kind, outward=outward))
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
            found.extend(_by_field(_column(getattr(state, table), field), kind, outward=outward))
    found += [
        (relation.source, relation.target, str(relation.kind))
        for relation in state.relations.values()
        if str(relation.kind) in kinds
    ]
    return found


def _by_field(column: Mapping[str, Any], kind: str, *, outward: bool) -> Iterable[Edge]:
    """An edge for each entity whose field (``column``: its value by entity id) names another: from the entity
    when ``outward``, else to it."""
    others = list(column.values())
    present = list(map(is_not, others, repeat(None)))
    ids = compress(column, present)
    ends = compress(others, present)
    return zip(ids, ends, repeat(kind)) if outward else zip(ends, ids, repeat(kind))


def _column(entities: Mapping[str, Any], field: str) -> dict[str, Any]:
    """``field`` of each entity, by id, in the order of ``entities``."""
    return dict(zip(entities, map(attrgetter(field), entities.values()), strict=True))


Column = dict[str, Any]
#: Per log, the columns made from its snapshots: by (the snapshot's prefix, table, field).
_SNAPSHOT_COLUMNS: weakref.WeakKeyDictionary[AppliedLog, dict[tuple[int, str, str], Column]] = (
    weakref.WeakKeyDictionary()
)


def _columns(log: AppliedLog, prefix: int, fields: list[tuple[str, str]]) -> dict[tuple[str, str], Column]:
    """The columns of ``fields`` ((table, field) pairs) after the first ``prefix`` changes: a copy of those of the
    nearest snapshot before, with the writes since replayed."""
    snapshots = log.snapshots
    found = bisect.bisect_right(snapshots, prefix, key=lambda snapshot: snapshot[0]) - 1
    start = snapshots[found][0] if found >= 0 else 0
    made = _SNAPSHOT_COLUMNS.setdefault(log, {})
    columns: dict[tuple[str, str], Column] = {}
    for table, field in fields:
        column = made.get((start, table, field))
        if column is None:
            column = _column(getattr(snapshots[found][1], table), field) if found >= 0 else {}
            made[start, table, field] = column
        columns[table, field] = column.copy()
    first, last = log.change_deltas[start], log.change_deltas[prefix]
    writes = log.deltas
    keys, news = writes.keys[first:last], writes.news[first:last]
    if not _replay_at_once(columns, keys, news):
        _replay(columns, keys, writes.olds[first:last], news)
    return columns


def _replay(columns: dict[tuple[str, str], Column], keys: list[Any], olds: list[Any], news: list[Any]) -> None:
    """Apply writes to the columns one by one, as :meth:`AppliedLog.state_at <orgmodel._log.AppliedLog.state_at>`
    applies them to the tables, so the columns keep the order of the state's tables."""
    by_type: dict[type[Any], list[tuple[Column, str]]] = {}
    for (table, field), column in columns.items():
        by_type.setdefault(_TYPES[table], []).append((column, field))
    for key, old, new in zip(keys, olds, news, strict=True):
        if new is None:
            for column, _ in by_type.get(type(old), ()):
                del column[key]
        else:
            for column, field in by_type.get(type(new), ()):
                column[key] = getattr(new, field)


def _replay_at_once(columns: dict[tuple[str, str], Column], keys: list[Any], news: list[Any]) -> bool:
    """Apply writes to the columns table by table in C loops (``False``, nothing done: :func:`_replay` must).

    Only each key's last write counts, and a table's keys keep their order: a key already there keeps its
    place, a new one goes at the end in the order of first writes (a dict of the writes by key has both).  That
    is the order one by one gives unless a key is ended and then written again (it would go at the end).
    """
    last = dict(zip(keys, news, strict=True))
    ended = set(compress(keys, map(is_, news, repeat(None))))
    sorts_asked = {_TYPES[table] for table, _ in columns}
    if any(type(last[key]) in sorts_asked for key in ended):
        return False  # ended, then there again (ids are never reused, but a relation's key can come back)
    for key in ended:
        for column in columns.values():
            column.pop(key, None)  # an id names one entity: only the column of its table has it
    written = list(last)
    values = list(last.values())
    sorts = list(map(type, values))
    for (table, field), column in columns.items():
        mine = list(map(is_, sorts, repeat(_TYPES[table])))
        column.update(zip(compress(written, mine), map(attrgetter(field), compress(values, mine)), strict=False))
    return True


def _put_ghosts(log: AppliedLog, day: dt.date, prefix: int, columns: dict[tuple[str, str], Column]) -> None:
    """Add to the day's columns what may not have ended yet, as :func:`orgmodel._log.add_ghosts` adds it to the
    day's state: at the end, unless it points at what is not there."""
    _, ghosts = possible(log, day, prefix)
    if not ghosts:
        return
    left_out = keep_whole(_Present(log, prefix), ghosts)
    for key, ghost in ghosts.items():
        if key in left_out:
            continue
        for (table, field), column in columns.items():
            if type(ghost) is _TYPES[table]:
                column[key] = getattr(ghost, field)  # type: ignore[index]  # an entity's key is its id


class _Present:
    """The ids of the entities there after a prefix of the log (as the day's state has them), read from versions."""

    __slots__ = ("log", "prefix")

    def __init__(self, log: AppliedLog, prefix: int) -> None:
        self.log, self.prefix = log, prefix

    def __contains__(self, entity_id: object) -> bool:
        return isinstance(entity_id, str) and self.log.value_at(entity_id, self.prefix) is not None
