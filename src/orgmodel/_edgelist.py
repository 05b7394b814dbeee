"""The edges of a day's chart as a list: the bulk query behind :meth:`Timeline.edges <orgmodel.Timeline.edges>`.

A day of a large organisation has tens of thousands of posts, and an edge
list reads one field of each.  The common kinds (a field naming the other
end, such as a unit's ``parent``) are read column-wise: one pass of C code
per field (``map`` of an ``attrgetter``) and ``compress`` to keep the
entities whose field is set, so no Python bytecode runs per entity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import TYPE_CHECKING, Any

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


def edges(log: AppliedLog, day: dt.date, kinds: frozenset[str]) -> list[Edge]:
    """The edges of the given kinds on ``day``, from the state that day (see :attr:`OrgChart.graph`), in the order
    of the kinds: ``contains``, ``has_post``, ``heads``, ``reports_to``, ``holds``, ``owns``, then relations."""
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
