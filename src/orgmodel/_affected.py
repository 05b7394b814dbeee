"""Which of a log's later changes an insertion in the past can affect, and carrying over those it cannot.

When :meth:`Timeline.with_events <orgmodel.Timeline.with_events>` puts new
changes before some of the log's, those later changes must be applied again,
after the new ones.  Most of them read nothing the new changes wrote: their
outcome is the one the log already holds.  :class:`Reach` tells them apart: it
lets the ones that cannot be affected be carried over as they were, without
their checks (see :meth:`Reach.first_affected` and ``orgmodel._splice``).

How a change is judged
----------------------
What differs between the log being built and the base log is kept as *dirt*:

* ``changed``: keys (entity ids, relation keys) whose value may differ;
* ``lives``: ids whose existence (alive, ended, never made) may differ;
* ``index``: entries of the working state's indexes that may differ —
  ``("c", unit)`` its child units, ``("n", parent, name)`` the units of one
  name under a parent, ``("p", unit)`` its posts, ``("h", unit)`` its head
  posts, ``("s", post)`` the posts reporting to it, ``("o", owner)`` its
  functions, ``("H", person)`` the posts they hold, ``("r", id)`` its
  relations;
* ``reparented``: units and posts whose parent (or reporting line) may
  differ, for the checks that climb the hierarchy;
* ``links_differ``: whether the lineage links may differ (read by
  :class:`~orgmodel.Succeed`).

A base change is re-checked when what it reads may have changed.  Its reads
are worked out statically, from its events and from the writes the base log
recorded for it (the handlers in ``_state`` read the value of every key they
write, the index entries of the old and new values — for the rules checked at
the end of a change and for heads, holders and ties —, the liveness of every
id an event names, the contents of a unit or post that ends or gives up
parts, the heads of a unit given a head, and the parents up the hierarchy
from a new parent or reporting line).  Instrumenting the handlers would give
exact read sets, but it would cost every validated build a bookkeeping call
per read, in the hot path of ingest; the static set costs only the replay,
and errs on the side of re-checking.  A read set of a change that is not
re-checked holds only clean items, so by induction the state it meets is, on
everything it looks at, the state it met in the base log: its writes are the
same, and it cannot be refused.

Every change that is applied with its checks (the new ones, and re-checked
ones) then adds to the dirt what it wrote differently from the base; a
re-checked change that wrote exactly what the base log holds for it makes its
keys clean again.  Nothing else is ever made clean: the dirt only errs on the
side of re-checking.

This works on logs the caller has vetted: built strictly (nothing refused),
and with no correction among the new changes (which could stop a change
before the insertion from applying) — ``AppliedLog.worth_replaying`` and
``Timeline.with_events`` see to it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from orgmodel._entities import Function, Person, Post, Relation, Unit
from orgmodel._events import (
    Absorb,
    AddRelation,
    Appoint,
    Change,
    Dissolve,
    Establish,
    Event,
    Merge,
    Move,
    RemoveRelation,
    Rename,
    SetAttributes,
    SetHead,
    SetReportingLine,
    SetRoles,
    SpinOff,
    Split,
    Succeed,
    Transfer,
    Vacate,
)
from orgmodel._names import normalise

if TYPE_CHECKING:
    from orgmodel._log import AppliedLog
    from orgmodel._state import Key, Value, WorkingState

#: The indexes keyed by an entity's id (see the module's docstring): what its removal reads.
_HELD_BY_ID = ("c", "p", "h", "s", "o", "H", "r")
#: The types of value filed under each kind of index entry (see :func:`index_entries`).
_FILED: dict[str, tuple[type[Any], ...]] = {
    "c": (Unit,),
    "n": (Unit,),
    "p": (Post,),
    "h": (Post,),
    "s": (Post,),
    "o": (Function,),
    "H": (Post, Relation),
    "r": (Post, Relation),
}


def index_entries(value: Value) -> Iterator[tuple[Any, ...]]:
    """The index entries a value is filed under in the working state (and the ties of the people it names).

    >>> from orgmodel import Unit
    >>> sorted(index_entries(Unit("u2", "Ekonomi", parent="u1")))
    [('c', 'u1'), ('n', 'u1', 'ekonomi')]
    """
    if value is None or type(value) is Person:
        return
    if type(value) is Unit:
        yield "c", value.parent
        yield "n", value.parent, normalise(value.name)
    elif type(value) is Post:
        if value.unit is not None:
            yield "p", value.unit
            if value.heads:
                yield "h", value.unit
        if value.reports_to is not None:
            yield "s", value.reports_to
        for holding in value.holders:
            yield "H", holding.person
            yield "r", holding.person
    elif type(value) is Function:
        if value.owner is not None:
            yield "o", value.owner
    elif type(value) is Relation:
        for end in (value.source, value.target):
            yield "r", end
            yield "H", end


def named_ids(event: Event) -> Iterator[str]:
    """Every id an event names: each must be alive (or not, for an id it makes) as it was in the base log."""
    if isinstance(event, Establish):
        yield event.entity.id
        yield from (entity_id for _, entity_id in event.entity.references())
    elif isinstance(event, (Dissolve, Rename, SetAttributes)):
        yield event.target
    elif isinstance(event, Move):
        yield event.target
        if event.to is not None:
            yield event.to
    elif isinstance(event, (Merge, Split, SpinOff)):
        # The units made, each with the parent it goes under; then what they are made from.
        for unit in event.into if isinstance(event, Split) else (event.into,):
            yield unit.id
            if unit.parent is not None:
                yield unit.parent
        if isinstance(event, Merge):
            yield from event.units
        elif isinstance(event, SpinOff):
            yield event.target
            yield from event.parts
        else:
            yield event.target
            for part, place in event.allocate:
                yield part
                yield place
    elif isinstance(event, Absorb):
        yield from event.units
        yield event.into
        yield from event.parts or ()
    elif isinstance(event, Transfer):
        yield event.function
        yield event.to
    elif isinstance(event, (Appoint, SetRoles)):
        yield event.post
        yield event.person
    elif isinstance(event, Vacate):
        yield event.post
        if event.person is not None:
            yield event.person
    elif isinstance(event, SetReportingLine):
        yield event.post
        if event.to is not None:
            yield event.to
    elif isinstance(event, SetHead):
        yield event.unit
        if event.post is not None:
            yield event.post
    elif isinstance(event, (AddRelation, RemoveRelation)):
        yield event.relation.source
        yield event.relation.target
    elif isinstance(event, Succeed):
        yield event.predecessor
        yield event.successor


#: The events that read the contents of what they empty (see :func:`_emptied`).
_EMPTYING = frozenset({Dissolve, Merge, Absorb, Split, SpinOff})


def _emptied(event: Event) -> tuple[str, ...]:
    """The units or entities whose contents an event reads (to move them, or to check they are gone)."""
    if isinstance(event, Dissolve):
        return (event.target,)
    if isinstance(event, (Merge, Absorb)):
        return event.units
    if isinstance(event, (Split, SpinOff)):
        return (event.target,)
    return ()


def _near(value: Value, ids: set[Any]) -> bool:
    """Whether a value points at one of ``ids`` (a cheap test before the index entries are worked out)."""
    kind = type(value)
    if kind is Unit:
        return value.parent in ids  # type: ignore[union-attr]
    if kind is Post:
        return (
            value.unit in ids  # type: ignore[union-attr]
            or value.reports_to in ids  # type: ignore[union-attr]
            or any(holding.person in ids for holding in value.holders)  # type: ignore[union-attr]
        )
    if kind is Function:
        return value.owner in ids  # type: ignore[union-attr]
    if kind is Relation:
        return value.source in ids or value.target in ids  # type: ignore[union-attr]
    return False


def _up(value: Value) -> str | None:
    """The next step up the hierarchy a cycle check climbs: a unit's parent, a post's reporting line."""
    if type(value) is Unit:
        return value.parent
    if type(value) is Post:
        return value.reports_to
    return None


class Reach:
    """What an insertion into a base log may have changed, change by change (see the module's docstring).

    ``base`` is the log being extended: its change ``index`` is entry
    ``index`` of the list the new log is built from; entries from
    ``len(base.changes)`` on are the new changes.
    """

    def __init__(self, base: AppliedLog, prefix: int) -> None:
        self.base = base
        self.count = len(base.changes)
        self.changed: set[Key] = set()
        self.lives: set[Key] = set()
        self.index: set[tuple[Any, ...]] = set()
        # The ids the entries of ``index`` are filed under (the second item of each), and by the type of value
        # filed under them: a cheap first test, since a value can only be filed under entries of its own kinds.
        self.index_ids: set[Any] = set()
        self.near: dict[type[Any], set[Any]] = {Unit: set(), Post: set(), Function: set(), Relation: set()}
        self.reparented: set[str] = set()
        self.links_differ = False
        # The base's change that comes next in the new order: the base state the new one is compared with.
        self.next_base = prefix
        self.link_positions = [link.position for link in base.links]
        #: How many of the base's changes were carried over, and how many checked again (for the benchmarks).
        self.carried = 0
        self.checked = 0

    # --- carrying a change over ---------------------------------------------------------------

    def first_affected(self, start: int, stop: int, aside: set[int]) -> int:
        """The first of base changes ``start`` to ``stop - 1`` that must be checked again (``stop`` if none).

        The changes before it are carried over as they were, unchecked; the
        caller applies the one returned with its checks, then calls
        :meth:`settle`.  Changes in ``aside`` (set aside in the base: they
        apply in neither log) are passed over.
        """
        found = stop
        if self.reparented:
            # A cycle check climbs from what a change writes, through what it writes: change by change.
            for index in range(start, stop):
                if index not in aside and self.affects(index):
                    found = index
                    break
        elif self.changed or self.lives or self.index_ids or self.links_differ:
            # The same tests as :meth:`affects`, in two flat passes: the writes, then the events of the changes
            # before the first that a write showed affected.
            bounds = self.base.change_deltas
            write = self._first_write_read(bounds[start], bounds[stop])
            if write < bounds[stop]:
                found = bisect.bisect_right(bounds, write, start, stop + 1) - 1  # the change holding that write
            found = self._first_event_read(start, found, aside)
        self.carried += found - start - sum(1 for index in aside if start <= index < found)
        if found < stop:
            self.checked += 1
        self.next_base = found
        return found

    def _near_write_differs(self, key: Key, old: Value, new: Value) -> bool:
        """Whether a base write ends, or files in an index, something near what differs (``index_ids``).

        An end reads the holdings of what ends; a value filed in an index reads the entries beside it.
        """
        dirty, near = self.index, self.index_ids
        if new is None and key in near and any((kind, key) in dirty for kind in _HELD_BY_ID):
            return True
        for value in (old, new):
            ids = self.near.get(type(value))
            if ids and _near(value, ids) and any(entry in dirty for entry in index_entries(value)):
                return True
        return False

    def _first_write_read(self, low: int, high: int) -> int:
        """The first of the base's writes ``low`` to ``high - 1`` whose reads may differ (``high`` if none)."""
        changed, lives, near = self.changed, self.lives, self.index_ids
        writes = self.base.deltas
        for write, key, old, new in zip(
            range(low, high), writes.keys[low:high], writes.olds[low:high], writes.news[low:high], strict=True
        ):
            if key in changed:
                return write
            if near and self._near_write_differs(key, old, new):
                return write
            if (
                lives
                and new is not None
                and type(new) is not Relation
                and any(entity_id in lives for _, entity_id in new.references())  # type: ignore[union-attr]
            ):
                return write
        return high

    def _first_event_read(self, start: int, stop: int, aside: set[int]) -> int:
        """The first of base changes ``start`` to ``stop - 1`` with an event whose reads may differ (else ``stop``)."""
        changed, lives, dirty, near = self.changed, self.lives, self.index, self.index_ids
        relations = any(type(key) is tuple for key in changed)
        if not (lives or near or self.links_differ or relations):
            return stop
        base = self.base
        low, high = base.change_positions[start], base.change_positions[stop]
        for position, event in zip(range(low, high), base.events[low:high], strict=True):
            kind = type(event)
            if (
                (lives and any(entity_id in lives for entity_id in named_ids(event)))
                or (
                    near
                    and kind in _EMPTYING
                    and any(
                        entity_id in near and any((held, entity_id) in dirty for held in _HELD_BY_ID)
                        for entity_id in _emptied(event)
                    )
                )
                or (near and kind is SetHead and ("h", event.unit) in dirty)  # type: ignore[attr-defined]
                or (kind is Succeed and self.links_differ)
                or (relations and (kind is AddRelation or kind is RemoveRelation) and event.relation.key in changed)  # type: ignore[attr-defined]
            ):
                index = base.event_change[position]
                if index not in aside:
                    return index
        return stop

    def affects(self, index: int) -> bool:
        """Whether what base change ``index`` reads may differ from what it read in the base log."""
        changed, lives, dirty, near = self.changed, self.lives, self.index, self.index_ids
        base = self.base
        start, end = base.change_deltas[index], base.change_deltas[index + 1]
        writes = base.deltas
        if changed and not changed.isdisjoint(writes.keys[start:end]):
            return True
        reparented = self.reparented
        climbs: list[str] = []
        if near or lives or reparented:
            for key, old, new in zip(
                writes.keys[start:end], writes.olds[start:end], writes.news[start:end], strict=True
            ):
                if near and self._near_write_differs(key, old, new):
                    return True
                if new is not None and type(new) is not Relation:
                    if lives and any(entity_id in lives for _, entity_id in new.references()):  # type: ignore[union-attr]
                        return True
                    if reparented:
                        up = _up(new)
                        if up is not None and (old is None or _up(old) != up):
                            climbs.append(up)
        change: Change = base.changes[index]
        for event in change.events:
            kind = type(event)
            if lives and any(entity_id in lives for entity_id in named_ids(event)):
                return True
            if near:
                if kind in _EMPTYING:
                    for entity_id in _emptied(event):
                        if entity_id in near and any((held, entity_id) in dirty for held in _HELD_BY_ID):
                            return True
                elif kind is SetHead and ("h", event.unit) in dirty:  # type: ignore[attr-defined]
                    return True
            if kind is Succeed and self.links_differ:
                return True
            if (kind is AddRelation or kind is RemoveRelation) and event.relation.key in changed:  # type: ignore[attr-defined]
                return True
            if reparented and kind is Absorb:
                climbs.append(event.into)  # type: ignore[attr-defined]
        return bool(climbs) and self._climbs_through_moved(climbs, index)

    def _climbs_through_moved(self, starts: list[str], index: int) -> bool:
        """Whether a climb up from ``starts`` in base change ``index`` may pass a unit or post that moved.

        A change can move things before it checks a cycle, so each step up
        follows both the value before the change and every value the change
        wrote.
        """
        base = self.base
        start, end = base.change_deltas[index], base.change_deltas[index + 1]
        written: dict[Key, list[Value]] = {}
        for key, new in zip(base.deltas.keys[start:end], base.deltas.news[start:end], strict=True):
            written.setdefault(key, []).append(new)
        todo: list[str | None] = list(starts)
        seen: set[str] = set()
        while todo:
            node = todo.pop()
            if node is None or node in seen:
                continue
            if node in self.reparented:
                return True
            seen.add(node)
            todo.extend(_up(value) for value in (base.value_at(node, index), *written.get(node, ())))
        return False

    # --- after a change applied with its checks -------------------------------------------------

    def settle(self, state: WorkingState, entry: int, mark: tuple[int, int]) -> None:
        """Add to the dirt what the change just applied (from ``mark`` on) did unlike the base log.

        ``entry`` is a base change's index (it was checked again) or a new change's.
        """
        new_writes = list(zip(state.deltas.keys[mark[0] :], state.deltas.news[mark[0] :], strict=True))
        new_links = [link[1:] for link in state.links[mark[1] :]]
        base = self.base
        if entry < self.count:
            start, end = base.change_deltas[entry], base.change_deltas[entry + 1]
            base_writes = list(zip(base.deltas.keys[start:end], base.deltas.news[start:end], strict=True))
            events_start, events_end = base.change_positions[entry], base.change_positions[entry + 1]
            low = bisect.bisect_left(self.link_positions, events_start)
            high = bisect.bisect_left(self.link_positions, events_end, low)
            base_links = [link[1:] for link in base.links[low:high]]
            after = entry + 1
            self.next_base = after
            if new_writes == base_writes and new_links == base_links:
                # The same values written: the keys hold what the base log holds after this change.  (Not the
                # ids it ended: what they were when they ended, which messages quote, may still differ.)
                for key, new in new_writes:
                    if new is not None:
                        self._clean(key)
                return
        else:
            base_writes, base_links, after = [], [], self.next_base
        if new_links != base_links:
            self.links_differ = True
        # Where a key's value after this change differs from the base's, the index entries it is filed under
        # (in one log and not the other) differ; the values it had before were marked when they came to differ.
        touched = dict.fromkeys(
            [*state.deltas.keys[mark[0] :], *(key for key, _ in base_writes)],
        )
        for key in touched:
            ours: Value = state.relations.get(key) if isinstance(key, tuple) else state.entities.get(key)
            theirs = base.value_at(key, after)
            if ours is not None and ours == theirs:
                self._clean(key)
                continue
            self.changed.add(key)
            if (ours is None) != (theirs is None) or (ours is None and self._ended_apart(state, key, after)):
                self.lives.add(key)
            if ours != theirs:
                differing = set(index_entries(ours)) ^ set(index_entries(theirs))
                self.index |= differing
                for filed in differing:
                    self.index_ids.add(filed[1])
                    for kind in _FILED[filed[0]]:
                        self.near[kind].add(filed[1])
            if isinstance(key, str) and (
                (ours is None) != (theirs is None) or type(ours) is not type(theirs) or _up(ours) != _up(theirs)
            ):
                self.reparented.add(key)

    def _ended_apart(self, state: WorkingState, key: Key, after: int) -> bool:
        """Whether ``key``, gone from both logs, ended differently (or in one only) after ``after`` base changes.

        An id that has ended is read by the messages about it and by
        :class:`~orgmodel.Succeed`: how it was when it ended must agree.
        """
        if not isinstance(key, str):
            return False
        versions = self.base.versions.get(key)
        theirs = None
        if versions is not None and versions.last is None and versions.last_change < after:
            theirs = self.base.ended.get(key)
        return state.ended.get(key) != theirs

    def _clean(self, key: Key) -> None:
        """``key`` holds the same value in both logs again (its index entries stay marked: they may still differ)."""
        self.changed.discard(key)
        self.lives.discard(key)
        if isinstance(key, str):
            self.reparented.discard(key)
