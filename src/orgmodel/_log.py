"""The applied log: every change in application order, what each did, and versions by key.

A timeline builds one :class:`AppliedLog` from its changes: it orders them
(earliest day first, then log order), applies them to a
:class:`~orgmodel._state.WorkingState`, and keeps

* the resolved events, numbered by *position* in application order;
* every write as a :class:`~orgmodel._state.Delta`, grouped by change;
* for every key (entity id or relation key) its *versions*: the value after
  each change that touched it, so the value in force after any prefix of the
  log is a binary search away;
* the lineage links the events made.

The organisation on a day is the state after the prefix of changes whose
earliest day is on or before that day.
"""

from __future__ import annotations

import bisect
import datetime as dt
from array import array
from collections import ChainMap, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, Generic, NamedTuple, TypeVar

from orgmodel._bulk import collector_paused
from orgmodel._chart import OrgChart
from orgmodel._entities import Category, Entity, Function, Person, Post, Relation, RelationKey, Unit
from orgmodel._events import Change, Establish, Event, Status, made_entities
from orgmodel._knowledge import Record
from orgmodel._nameindex import NameIndex
from orgmodel._progress import Progress, counting
from orgmodel._state import _HANDLERS, Delta, Key, Link, Rejection, Value, WorkingState
from orgmodel._uncertain import Uncertainty, certain_state, keep_whole, possible
from orgmodel._writes import Writes
from orgmodel.dates import When
from orgmodel.errors import EventError

V = TypeVar("V")
K = TypeVar("K")


class Versions(Generic[V]):
    """The values one key took, each from the change that set it on.

    A timeline has hundreds of thousands of keys, most with a handful of
    versions, so a key's versions are kept as one list, the changes and then
    their values (``change, change, …, value, value, …``): two lists a key
    would cost twice the overhead, and with the changes together, finding the
    one in force is C's ``bisect``.  Adding to the middle of that list costs
    its length, so a key that gathers many versions (a unit renamed every
    year for a century, a post with a thousand appointments) moves to two
    lists once it has :data:`SPLIT_AT` of them: then each version costs the
    same however many came before.

    >>> versions = Versions(None)
    >>> versions.append(2, "a")
    >>> versions.append(4, "b")
    >>> [versions.at(prefix) for prefix in range(6)], versions.changes, versions.values
    ([None, None, None, 'a', 'a', 'b'], [2, 4], ['a', 'b'])
    """

    __slots__ = ("default", "items", "tail")

    def __init__(self, default: V, items: list[Any] | None = None) -> None:
        # ``tail`` is None while the key has few versions (``items`` holds changes, then values); once split,
        # ``items`` holds the changes and ``tail`` the values.  A new key's first version comes as ``items``
        # (``[change, value]``): most keys are written once, and this spares them a call to append.
        self.items: list[Any] = items if items is not None else []
        self.tail: list[Any] | None = None
        self.default = default

    def append(self, change: int, value: V) -> None:
        """From ``change`` on, the value is ``value``."""
        items = self.items
        tail = self.tail
        if tail is not None:
            items.append(change)
            tail.append(value)
            return
        count = len(items) // 2
        if count < SPLIT_AT:
            items.insert(count, change)  # a move of a few pointers while the key has few versions
            items.append(value)
            return
        self.tail = [*items[count:], value]
        del items[count:]
        items.append(change)

    def at(self, prefix: int) -> V:
        """The value after the first ``prefix`` changes (``default`` before the first)."""
        items = self.items
        tail = self.tail
        if tail is None:
            count = len(items) // 2
            if not count:
                return self.default
            if items[count - 1] < prefix:
                value: V = items[-1]  # most keys last changed before the day asked about: no search
                return value
            found = bisect.bisect_left(items, prefix, 0, count)  # the first change not in the prefix
            return items[count + found - 1] if found else self.default
        found = bisect.bisect_left(items, prefix)
        return tail[found - 1] if found else self.default

    def copy(self) -> Versions[V]:
        """A copy that can be added to without touching this one."""
        versions = Versions(self.default)
        versions.items = self.items.copy()
        versions.tail = self.tail.copy() if self.tail is not None else None
        return versions

    def before(self, prefix: int) -> Versions[V] | None:
        """A copy of the versions set by the first ``prefix`` changes (``None`` when there are none)."""
        changes = self.changes
        kept = bisect.bisect_left(changes, prefix)
        if not kept:
            return None
        return Versions.of(self.default, changes[:kept], self.values[:kept])

    @classmethod
    def of(cls, default: V, changes: list[int], values: list[V]) -> Versions[V]:
        """The versions setting ``values`` in ``changes`` (lists it takes over), laid out as appending them would.

        >>> Versions.of(None, [2, 4], ["a", "b"]).items
        [2, 4, 'a', 'b']
        """
        versions = cls(default)
        if len(changes) > SPLIT_AT:
            versions.items, versions.tail = changes, values
        else:
            items: list[Any] = changes
            items.extend(values)
            versions.items = items
        return versions

    @property
    def last_change(self) -> int:
        """The change that set the last value (there must be one)."""
        change: int = self.items[len(self.items) // 2 - 1] if self.tail is None else self.items[-1]
        return change

    @property
    def last(self) -> V:
        """The last value (there must be one)."""
        value: V = self.items[-1] if self.tail is None else self.tail[-1]
        return value

    @property
    def changes(self) -> list[int]:
        """The changes that set a value, in order."""
        return self.items[: len(self.items) // 2] if self.tail is None else self.items

    @property
    def values(self) -> list[V]:
        """The values, in order."""
        return self.items[len(self.items) // 2 :] if self.tail is None else self.tail

    def __len__(self) -> int:
        return len(self.items) // 2 if self.tail is None else len(self.items)


class DayState(NamedTuple):
    """The organisation after a prefix of the log, by sort of entity (dicts by id)."""

    units: dict[str, Unit]
    posts: dict[str, Post]
    people: dict[str, Person]
    functions: dict[str, Function]
    relations: dict[RelationKey, Relation]

    def copy(self) -> DayState:
        """A copy whose dicts can be changed without touching this one."""
        return DayState(*(table.copy() for table in self))  # type: ignore[arg-type]


def add_ghosts(state: DayState, ghosts: Mapping[Key, Entity | Relation], uncertainty: dict[Key, Uncertainty]) -> None:
    """Put on ``state`` what may not have ended yet, as it last was, unless it points at what is not there.

    The ghosts left out lose their marks in ``uncertainty``; those put on keep theirs.
    """
    if not ghosts:
        return
    tables: dict[type[Any], dict[Any, Any]] = {
        Unit: state.units,
        Post: state.posts,
        Person: state.people,
        Function: state.functions,
    }
    # Looked up table by table, not merged into one dict: a day has thousands of entities and a few ghosts.
    present = ChainMap[str, Any](state.units, state.posts, state.people, state.functions)
    for key in keep_whole(present, ghosts):
        uncertainty.pop(key, None)
    for key, value in ghosts.items():
        if key in uncertainty:
            if isinstance(value, Relation):
                state.relations[key] = value  # type: ignore[index]
            else:
                tables[type(value)][value.id] = value


#: How many versions a key keeps in one list before it moves to two (see :class:`Versions`).
SPLIT_AT = 32
#: A snapshot is taken once this many writes have piled up since the last (or more, for a large organisation).
SNAPSHOT_MIN_WRITES = 2048
#: Replaying from a prefix is done when the prefix holds at least this share of the log's writes.  Below it,
#: building again costs about the same: cutting back what the later writes recorded is not free, and the later
#: changes are carried over (orgmodel._affected) at about a third of the cost of checking them.
REPLAY_MIN_SHARE = 0.05


class AppliedLog:
    """Changes applied in order, with what they did; built once, read many times.

    A log is never changed once built: :meth:`replayed` makes a new one that
    shares what the two have in common.
    """

    def __init__(
        self,
        changes: Sequence[Change],
        entries: Sequence[int],
        *,
        errors: list[EventError] | None = None,
        categories: Mapping[str, Category] | None = None,
    ) -> None:
        """Apply ``changes`` in order; ``entries`` are their positions in the log as given.

        A rejected change raises its :class:`EventError`, unless ``errors`` is a
        list: then the error is appended to it and the change left out, so the
        log holds exactly the changes that apply.
        """
        self.changes: tuple[Change, ...] = ()
        self.entries: tuple[int, ...] = ()
        #: What each kind of unit of the user's own is (see Timeline's ``categories``).
        self.categories: Mapping[str, Category] = categories if categories is not None else {}
        self.events: list[Event] = []
        # Per event, its change; per change, where its events and writes begin (machine integers: no int objects).
        # Both of the last two end with one more entry, where the next change would begin.
        self.event_change = array("q")
        self.change_positions = array("q", [0])
        self.change_deltas = array("q", [0])
        self.starts: list[dt.date] = []
        self.windowed: list[int] = []
        self.planned: list[int] = []
        # The changes kept but not applied: cancelled, or replaced by a correction (for histories).
        self.set_aside: list[int] = []
        self.versions: dict[Key, Versions[Value]] = {}
        self.heads: dict[str, Versions[str | None]] = {}
        self.held: dict[str, Versions[tuple[str, ...]]] = {}
        # Whether a person has a tie to the organisation (a post, a relation): a chart lists only those who do.
        self.tied: dict[str, Versions[bool]] = {}
        self.last_seen: dict[str, Entity] = {}
        # Copies of the state at intervals, so a day's state is a copy plus a short replay.
        self.snapshots: list[tuple[int, DayState]] = []
        self.snapshot_writes = 0
        # Whether a change was refused and undone: undoing puts back what it removed at the end of the state's
        # dicts, so entities and relations can be in another order than a build of the kept changes gives.
        self.undid = False
        state = WorkingState()
        self.deltas: Writes = state.deltas
        self.links: list[Link] = state.links
        # Which change corrects which: a corrected change is kept, but no longer applies.
        self.record = Record()
        refused = self.record.add(changes, entries, errors)
        if refused:
            changes = [change for position, change in enumerate(changes) if position not in refused]
            entries = [entry for position, entry in enumerate(entries) if position not in refused]
        self._apply_all(state, changes, entries, errors=errors)

    @classmethod
    def replayed(cls, base: AppliedLog, prefix: int, changes: Sequence[Change], entries: Sequence[int]) -> AppliedLog:
        """The log of ``base``'s first ``prefix`` changes followed by ``changes``, applying only ``changes``.

        This is how new changes join a log without applying it all again:
        ``changes`` are everything after the prefix in application order —
        the new changes, and any of ``base``'s that come after them, which
        must be checked again.  The caller sees to it that the order is the one
        a build from all the changes would take, and that ``base`` refused no
        change (see ``undid`` and :meth:`worth_replaying`).

        ``base`` is left as it was, also when a change is rejected.  The result
        equals the log built from all the changes at once, field by field.  Its
        copies are shallow (a pointer per write), the versions of a key the
        replayed changes wrote are cut back to the prefix, and those of a key a
        new change writes are copied first: nothing of ``base`` is changed.
        """
        log = cls.__new__(cls)
        events_end, writes_end = base.change_positions[prefix], base.change_deltas[prefix]
        log.changes = base.changes[:prefix]
        log.categories = base.categories
        # Positions in the list ``Timeline.with_events`` would rebuild from: the base's changes, then the new.
        log.entries = tuple(range(prefix))
        log.events = base.events[:events_end]
        log.event_change = base.event_change[:events_end]
        log.change_positions = base.change_positions[: prefix + 1]
        log.change_deltas = base.change_deltas[: prefix + 1]
        log.starts = base.starts[:prefix]
        log.windowed = base.windowed[: bisect.bisect_left(base.windowed, prefix)]
        log.planned = base.planned[: bisect.bisect_left(base.planned, prefix)]
        log.set_aside = base.set_aside[: bisect.bisect_left(base.set_aside, prefix)]
        log.deltas = base.deltas.copy(writes_end)
        log.links = base.links[: bisect.bisect_left(base.links, events_end, key=lambda link: link.position)]
        # A snapshot is only ever copied from, never changed: the new log can share those of the prefix.
        log.snapshots = base.snapshots[: bisect.bisect_right(base.snapshots, prefix, key=lambda snapshot: snapshot[0])]
        log.snapshot_writes = base.change_deltas[log.snapshots[-1][0]] if log.snapshots else 0
        log.undid = False  # replaying is strict: a refused change raises, and the new log is dropped
        # The base's changes are in its record already; new ones with an id join a copy (a correction among them
        # would change what applies before the prefix: Timeline.with_events builds those again instead).
        log.record = base.record
        fresh = [
            (change, entry)
            for change, entry in zip(changes, entries, strict=True)
            if change.id is not None and base.record.by_id.get(change.id) is not change
        ]
        if fresh:
            log.record = base.record.copy()
            log.record.add([change for change, _ in fresh], [entry for _, entry in fresh], None)
        log.versions = base.versions.copy()
        log.heads = base.heads.copy()
        log.held = base.held.copy()
        log.tied = base.tied.copy()
        log.last_seen = base.last_seen.copy()
        ended = base.ended.copy()  # the replay keeps it in step
        if prefix < len(base.changes):
            for entity_id in log._forget_after(base, prefix):
                del ended[entity_id]
        # The base's later changes that the new ones cannot affect are spliced in whole runs, unchecked (see
        # orgmodel._splice; imported here, since it builds on this module).
        from orgmodel._splice import Splice

        Splice(log, base, prefix, base.state_at(prefix), ended).run(changes, entries)
        return log

    def worth_replaying(self, prefix: int) -> bool:
        """Whether :meth:`replayed` from ``prefix`` can be used, and pays off against building again."""
        return not self.undid and prefix > 0 and self.change_deltas[prefix] >= REPLAY_MIN_SHARE * len(self.deltas)

    def _forget_after(self, base: AppliedLog, prefix: int) -> list[str]:
        """Drop from this copy of ``base``'s ``last_seen`` the entities its changes from ``prefix`` on ended.

        Returns their ids.  (The versions, heads, holdings and ties are worked
        out again by the replay: see ``orgmodel._splice``.)
        """
        start = base.change_deltas[prefix]
        writes = base.deltas
        # A write that ends an entity: a key that is an id (a relation's is a tuple) and nothing after it.
        ended: list[str] = [
            key
            for key, new in zip(writes.keys[start:], writes.news[start:], strict=True)
            if new is None and type(key) is str
        ]
        for entity_id in ended:
            del self.last_seen[entity_id]
        return ended

    def _apply_all(
        self,
        state: WorkingState,
        changes: Sequence[Change],
        entries: Sequence[int],
        *,
        errors: list[EventError] | None,
    ) -> None:
        """Apply ``changes`` after those already in the log, to ``state`` (the state after them)."""
        kept = list(self.changes)
        kept_entries = list(self.entries)
        # Ids a rejected change would have made, and the error behind it: later errors about them follow from it.
        unmade: dict[str, EventError] = {}
        # On a terminal, a build that takes more than a second says how far it is (orgmodel._progress).
        steps = counting(zip(changes, entries, strict=True), Progress("building the timeline", len(changes)))
        # The loop runs once per change: what it calls and reads is looked up once, here.
        events = self.events
        # The writes' key column: its length is the number of writes, without a call to Writes.__len__.
        written_keys = state.deltas.keys
        applies_now, begin, apply_change, record = self.record.applies, state.begin, self._apply, self._record
        list_change = self._list_change
        # No snapshot is due before this many writes (the full test below also counts the live entities).
        snapshot_at = self.snapshot_writes + SNAPSHOT_MIN_WRITES
        # A build files the versions of its writes once, at the end (_file_versions): nothing reads them before.
        # (A correction in the past does not come here: orgmodel._splice carries and checks the base's changes.)
        filed_from = len(kept) if FILE_VERSIONS_AT_END else None
        if filed_from is not None:
            record = self._record_moves
        for batched, run in _establishment_runs(steps, applies_now):
            if batched:
                done = self._establish_run(state, run, kept, kept_entries)
                snapshot_at = self.snapshot_writes + SNAPSHOT_MIN_WRITES
                # The change that stopped the run, and those after it, go the usual way: its error is one by one's.
                run = run[done:]  # noqa: PLW2901
            for change, entry in run:
                index, first = len(kept), len(events)
                mark = begin(change.on)
                applies = applies_now(change)
                if applies:
                    try:
                        apply_change(state, change, entry, first)
                    except EventError as error:
                        state.undo(mark)
                        if errors is None:
                            raise
                        self.undid = True
                        if error.missing is not None and error.missing in unmade:
                            error.follows_from = unmade[error.missing]
                        root = error.follows_from or error
                        for event in change.events:
                            unmade.update(dict.fromkeys(_made_by(event), root))
                        errors.append(error)
                        continue
                kept.append(change)
                kept_entries.append(entry)
                list_change(change, index, applies)
                written = len(written_keys)
                record(state, index, mark[0])
                # Snapshot when the writes since the last one outnumber the live entities: memory stays
                # about the size of the log, and rebuilding a day costs about as much as the day's size.
                if written >= snapshot_at and written - self.snapshot_writes >= len(state.entities):
                    self.snapshots.append((index + 1, _split(state)))
                    self.snapshot_writes = written
                    snapshot_at = written + SNAPSHOT_MIN_WRITES
        if filed_from is not None:
            self._file_versions(filed_from)
        self.changes = tuple(kept)
        self.entries = tuple(kept_entries)

    def _list_change(self, change: Change, index: int, applies: bool) -> None:
        """Enter change ``index`` in the log's tables of changes, once its writes are in :attr:`deltas`.

        (``_establish_run`` enters its one-event changes inline, in its own tight loop.)
        """
        events = self.events
        events.extend(change.events)
        self.event_change.extend([index] * len(change.events))
        self.change_positions.append(len(events))
        self.change_deltas.append(len(self.deltas.keys))
        self.starts.append(change.on.earliest)
        # The few changes that can mark a chart: dated by a window, or only planned.
        if not change.on.is_exact:
            self.windowed.append(index)
        if change.status is Status.PLANNED:
            self.planned.append(index)
        if not applies:
            self.set_aside.append(index)

    def _record_moves(self, state: WorkingState, index: int, start: int) -> None:
        """As :meth:`_record` for a build, whose versions :meth:`_file_versions` files at the end."""
        if state.moved_heads or state.moved_holders or state.moved_relations:  # most changes move none
            self._note_moves(state, index, None)

    def _file_versions(self, first: int) -> None:
        """Keep the versions of what changes ``first`` on wrote, as :meth:`_record` would have change by change.

        One pass over the write columns, once the changes are applied: a
        change refused on the way has been undone and left no writes, so the
        versions and ``last_seen`` come out as they would have, in the same
        order.  The common case of :meth:`Versions.append` is written out here.
        """
        versions_of, last_seen, bounds = self.versions, self.last_seen, self.change_deltas
        writes = self.deltas
        start = bounds[first]
        owners: list[int] = []
        for index in range(first, len(bounds) - 1):
            owners += [index] * (bounds[index + 1] - bounds[index])
        news = writes.news
        for index, key, new in zip(owners, writes.keys[start:], news[start:], strict=True):
            versions = versions_of.get(key)
            if versions is None:
                versions_of[key] = Versions(None, [index, new])
                continue
            items = versions.items
            count = len(items) >> 1
            if versions.tail is None and count < SPLIT_AT:
                items.insert(count, index)
                items.append(new)
            else:
                versions.append(index, new)
        # What an entity last was before it ended, kept for history and for messages.
        olds = writes.olds
        for write in range(start, len(news)):
            if news[write] is None:
                old = olds[write]
                if old is not None and not isinstance(old, Relation):
                    last_seen[old.id] = old

    def _record(self, state: WorkingState, index: int, start: int) -> None:
        """Keep the versions of what change ``index`` touched (its writes from ``start`` on), and heads and holders.

        A build does this change by change only without :data:`FILE_VERSIONS_AT_END` (the plain path, which
        the tests compare the fast one with).
        """
        versions_of = self.versions
        writes = state.deltas
        for key, old, new in zip(writes.keys[start:], writes.olds[start:], writes.news[start:], strict=True):
            # A key written twice in one change gets two versions with the same change number;
            # Versions.at finds the last of them, which is the value the change left.
            versions = versions_of.get(key)
            if versions is None:
                versions_of[key] = Versions(None, [index, new])
            else:
                versions.append(index, new)
            if new is None and old is not None and not isinstance(old, Relation):
                # What an entity last was before it ended, kept for history and for messages.
                self.last_seen[old.id] = old
        self._note_moves(state, index, None)

    def _note_moves(self, state: WorkingState, index: int, shared: AppliedLog | None) -> None:
        """Keep the heads, holdings and ties that change ``index`` moved (see the ``moved_`` sets of the state)."""
        for unit in state.moved_heads:
            heads = state.heads_in.get(unit)
            head = min(heads) if heads else None
            note_version(self.heads, shared.heads if shared is not None else None, unit, None, index, head)
        if not (state.moved_holders or state.moved_relations):
            return  # most changes: no holder or relation moved, no sets to join
        for person in state.moved_holders:
            held = tuple(sorted(state.held.get(person, ())))
            note_version(self.held, shared.held if shared is not None else None, person, (), index, held)
        for entity_id in state.moved_holders | state.moved_relations:
            if isinstance(state.entities.get(entity_id), Person):
                tied = bool(state.held.get(entity_id)) or bool(state.relations_of.get(entity_id))
            elif entity_id in self.tied:
                tied = False  # a person who ended this change: no ties left
            else:
                continue
            note_version(self.tied, shared.tied if shared is not None else None, entity_id, False, index, tied)

    def _establish_run(
        self,
        state: WorkingState,
        run: list[tuple[Change, int]],
        kept: list[Change],
        kept_entries: list[int],
    ) -> int:
        """Apply changes that each establish one entity, as :meth:`_apply_all` would, in one tight loop.

        A register's first establishments are a third of a large log's events,
        each a change of its own: here each is checked and written as one by
        one would (``state.add``, then the two rules ``finish`` checks, for the
        one entity), without the per-change set-up an arbitrary change needs.
        Returns how many applied.  It stops before the first that fails, with
        that one's writes undone, and the caller applies it the usual way: its
        error, and everything after it, are exactly one by one's.
        """
        events, event_change, change_positions = self.events, self.event_change, self.change_positions
        change_deltas, starts = self.change_deltas, self.starts
        deltas, links, add, alone = state.deltas, state.links, state.add, state.established_alone
        written_keys = deltas.keys  # its length is the number of writes, without a call to Writes.__len__
        moved = (state.moved_heads, state.moved_holders, state.moved_relations)
        done = 0
        try:
            for change, _ in run:
                event = change.events[0]
                assert isinstance(event, Establish)
                entity = event.entity
                index, position, on = len(kept), len(events), change.on
                state.when, state.position = on, position
                mark = (len(written_keys), len(links))
                is_post = type(entity) is Post
                if is_post:  # only a post moves heads and holders: the sets hold this one's moves alone
                    for table in moved:
                        table.clear()
                try:
                    add(entity)
                    applied = alone(entity)
                except Rejection:
                    applied = False
                if not applied:  # the usual way finds what is wrong, and says it
                    state.undo(mark)
                    return done
                kept.append(change)
                kept_entries.append(run[done][1])
                events.append(event)
                event_change.append(index)
                change_positions.append(position + 1)
                written = len(written_keys)
                change_deltas.append(written)
                starts.append(on.earliest)
                if not on.is_exact:
                    self.windowed.append(index)
                if change.status is Status.PLANNED:
                    self.planned.append(index)
                if is_post:
                    self._note_moves(state, index, None)
                since = written - self.snapshot_writes
                if since >= SNAPSHOT_MIN_WRITES and since >= len(state.entities):  # as _apply_all snapshots
                    self.snapshots.append((index + 1, _split(state)))
                    self.snapshot_writes = written
                done += 1
            return done
        finally:
            state.forget_touched()  # the names and heads marked on the way were checked, entity by entity

    @cached_property
    def ended(self) -> dict[str, tuple[Entity, When]]:
        """Every entity that has ended, with its last value and the date of the change that ended it.

        Kept once worked out, like the log itself: not to be changed.
        """
        found = {}
        versions_of, changes = self.versions, self.changes
        for entity_id, entity in self.last_seen.items():
            # Ids are never reused, so the last version is the end: its change is the last of the changes kept.
            found[entity_id] = (entity, changes[versions_of[entity_id].last_change].on)
        return found

    def view(self, day: dt.date) -> LogView:
        """A read-only view of one day that answers point queries without building a chart."""
        return LogView(self, day)

    @staticmethod
    def _apply(state: WorkingState, change: Change, entry: int, first: int) -> None:
        event: Event | None = None
        try:
            for offset, event in enumerate(change.events):  # state.apply, written out: this runs for every event
                state.position = first + offset
                _HANDLERS[type(event)](state, event)
            event = None
            state.finish()
        except Rejection as rejection:
            raise rejection.error_class(
                rejection.problem,
                hint=rejection.hint,
                event=event,
                change=change,
                entry=entry,
                missing=rejection.missing,
            ) from None

    # --- reading ------------------------------------------------------------------------------

    def prefix(self, day: dt.date) -> int:
        """How many changes are in effect on ``day`` (their earliest day is on or before it)."""
        return bisect.bisect_right(self.starts, day)

    def value_at(self, key: Key, prefix: int) -> Value:
        """The value of ``key`` after the first ``prefix`` changes (``None``: absent)."""
        versions = self.versions.get(key)
        return versions.at(prefix) if versions is not None else None

    def deltas_between(self, start: int, end: int) -> Sequence[Delta]:
        """The writes of changes ``start`` to ``end - 1``."""
        return self.deltas[self.change_deltas[start] : self.change_deltas[end]]

    def window_ends(self) -> list[dt.date]:
        """The latest day of each change dated by a window, in the order of ``windowed``."""
        return [self.changes[index].on.latest for index in self.windowed]

    def change_of(self, position: int) -> Change:
        """The change the event at ``position`` belongs to."""
        return self.changes[self.event_change[position]]

    def state_at(self, prefix: int) -> DayState:
        """The state after the first ``prefix`` changes: the nearest snapshot before, and the writes since."""
        found = bisect.bisect_right(self.snapshots, prefix, key=lambda snapshot: snapshot[0]) - 1
        if found >= 0:
            start, snapshot = self.snapshots[found]
            state = snapshot.copy()
        else:
            start, state = 0, DayState({}, {}, {}, {}, {})
        tables: dict[type[Any], dict[Any, Any]] = {
            Unit: state.units,
            Post: state.posts,
            Person: state.people,
            Function: state.functions,
            Relation: state.relations,
        }
        first, last = self.change_deltas[start], self.change_deltas[prefix]
        writes = self.deltas
        for key, old, new in zip(
            writes.keys[first:last], writes.olds[first:last], writes.news[first:last], strict=True
        ):
            if new is None:
                del tables[type(old)][key]
            else:
                tables[type(new)][key] = new
        return state

    def possible_state(self, day: dt.date) -> DayState:
        """The state on ``day`` with what may not have ended yet, as on the chart of that day."""
        prefix = self.prefix(day)
        state = self.state_at(prefix)
        if self.windowed and self.windowed[0] < prefix:
            uncertainty, ghosts = possible(self, day, prefix)
            add_ghosts(state, ghosts, dict(uncertainty))
        return state

    def chart(self, day: dt.date, *, tied_only: bool = True, certain: bool = False) -> OrgChart:
        """The organisation on ``day``: what is possibly true then, each uncertain fact marked (see _uncertain).

        With ``certain``, only what is certainly true; with ``tied_only``, only
        the people with a post or a relation then.
        """
        prefix = self.prefix(day)
        state = self.state_at(prefix)
        uncertainty: dict[Key, Uncertainty] = {}
        unsure: dict[Key, frozenset[Any]] = {}
        if self.windowed and self.windowed[0] < prefix:
            shared, ghosts = possible(self, day, prefix)
            uncertainty = dict(shared)  # shared with the next question on such a day: this chart takes marks off
            if certain:
                state, unsure = certain_state(state, uncertainty)
                uncertainty = {key: mark for key, mark in uncertainty.items() if key in unsure}
            else:
                add_ghosts(state, ghosts, uncertainty)
        if tied_only:
            tied = {holding.person for post in state.posts.values() for holding in post.holders}
            for relation in state.relations.values():
                tied.add(relation.source)
                tied.add(relation.target)
            people = state.people
            for person_id in [person_id for person_id in people if person_id not in tied]:
                del people[person_id]
                uncertainty.pop(person_id, None)  # a person left off the chart takes their marks along
        planned: set[Key] = set()
        for index in self.planned[: bisect.bisect_left(self.planned, prefix)]:
            planned.update(self.deltas.keys[self.change_deltas[index] : self.change_deltas[index + 1]])
        return OrgChart.assemble(
            day,
            *state,
            uncertainty=uncertainty,
            unsure=unsure,
            certain=certain,
            planned=planned,
            categories=self.categories,
            log=self,
            prefix=prefix,
        )

    @cached_property
    def name_index(self) -> NameIndex:
        """Which entities answered to each name after each prefix: lookups by name on a day."""
        return NameIndex(self)

    # --- indexes for history and lineage, built on first use ----------------------------------

    @cached_property
    @collector_paused()  # a list per entity ever seen: a bulk build, like the log itself
    def mentions(self) -> dict[str, list[int]]:
        """For each entity id, the indexes of the deltas that write it or point at it."""
        found: defaultdict[str, list[int]] = defaultdict(list)
        writes = self.deltas
        for index, (key, old, new) in enumerate(zip(writes.keys, writes.olds, writes.news, strict=True)):
            ids = {*_ids_in(old), *_ids_in(new)}
            if isinstance(key, str):
                ids.add(key)
            for entity_id in ids:
                found[entity_id].append(index)
        return dict(found)

    @cached_property
    def links_from(self) -> dict[str, list[Link]]:
        """Lineage links by predecessor."""
        found: defaultdict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            found[link.predecessor].append(link)
        return dict(found)

    @cached_property
    def links_to(self) -> dict[str, list[Link]]:
        """Lineage links by successor."""
        found: defaultdict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            found[link.successor].append(link)
        return dict(found)

    def entity_keys(self) -> Iterator[str]:
        """Every entity id that was ever established (and applied)."""
        return (key for key in self.versions if isinstance(key, str))

    def last_value(self, entity_id: str) -> Entity | None:
        """The last value an entity had before it ended (or its value now)."""
        versions = self.versions.get(entity_id)
        if versions is not None and versions.last is not None:
            value: Value = versions.last
            assert not isinstance(value, Relation)
            return value
        return self.last_seen.get(entity_id)

    def name_at(self, entity_id: str, position: int) -> str:
        """An entity's name once the change holding event ``position`` is applied (else its last name)."""
        return self._name(entity_id, self.event_change[position] + 1)

    def name_before(self, entity_id: str, position: int) -> str:
        """An entity's name just before the change holding event ``position`` (else its name after it)."""
        prefix = self.event_change[position]
        value = self.value_at(entity_id, prefix)
        if value is None or isinstance(value, Relation):
            return self._name(entity_id, prefix + 1)
        return value.name

    def _name(self, entity_id: str, prefix: int) -> str:
        value = self.value_at(entity_id, prefix)
        if value is None or isinstance(value, Relation):
            value = self.last_value(entity_id)
        return value.name if value is not None else entity_id


def _cut(table: dict[K, Versions[Any]], key: K, prefix: int) -> None:
    """Replace the versions of ``key`` by a copy of those set by the first ``prefix`` changes (none: drop the key)."""
    kept = table[key].before(prefix)
    if kept is None:
        del table[key]
    else:
        table[key] = kept


def note_version(
    table: dict[str, Versions[V]], shared: dict[str, Versions[V]] | None, key: str, default: V, change: int, value: V
) -> None:
    """Note in ``table`` that from ``change`` on ``key`` has ``value``, if that is not the value it has.

    A key is given versions only once its value first differs from
    ``default``, so a log replayed from a prefix and one built at once hold the
    same keys, in the same order.  Versions still ``shared`` with the log this
    one was copied from are copied before they are added to.

    >>> table = {}
    >>> note_version(table, None, "u1", None, 0, None)
    >>> note_version(table, None, "u1", None, 1, "p1")
    >>> note_version(table, None, "u1", None, 2, "p1")
    >>> {key: (versions.changes, versions.values) for key, versions in table.items()}
    {'u1': ([1], ['p1'])}
    """
    versions = table.get(key)
    if versions is None:
        if value == default:
            return
        table[key] = Versions(default, [change, value])
        return
    tail = versions.tail  # Versions.last, written out: this runs for every head, holder and tie a change moves
    if (versions.items[-1] if tail is None else tail[-1]) == value:
        return
    if shared is not None and shared.get(key) is versions:
        versions = table[key] = versions.copy()
    versions.append(change, value)


#: Whether :meth:`AppliedLog._apply_all` applies runs of establishments together (tests compare both ways).
BATCH_ESTABLISHMENTS = True
#: Whether a build files the versions of its writes in one pass at the end (tests compare both ways).
FILE_VERSIONS_AT_END = True
#: The most changes :func:`_establishment_runs` puts in one run.
RUN_LENGTH = 256


def _establishment_runs(
    steps: Iterable[tuple[Change, int]], applies: Callable[[Change], bool]
) -> Iterator[tuple[bool, list[tuple[Change, int]]]]:
    """The changes with their entries, in order and in runs: ``(True, run)`` for changes that each establish one
    entity (see :meth:`AppliedLog._establish_run`), ``(False, run)`` for other changes.

    A run holds at most :data:`RUN_LENGTH` changes, so that the progress shown (counted as changes are taken
    from ``steps``) stays near the changes applied.  Without :data:`BATCH_ESTABLISHMENTS`, each change comes
    alone.
    """
    if not BATCH_ESTABLISHMENTS:
        for step in steps:
            yield False, [step]
        return
    run: list[tuple[Change, int]] = []
    batched = False
    for step in steps:
        events = step[0].events
        fits = len(events) == 1 and type(events[0]) is Establish and applies(step[0])
        if run and (fits is not batched or len(run) >= RUN_LENGTH):
            yield batched, run
            run = []
        batched = fits
        run.append(step)
    if run:
        yield batched, run


def _split(state: WorkingState) -> DayState:
    """The working state's entities and relations, copied and sorted by kind."""
    parts = DayState({}, {}, {}, {}, dict(state.relations))
    tables: dict[type[Any], dict[str, Any]] = {
        Unit: parts.units,
        Post: parts.posts,
        Person: parts.people,
        Function: parts.functions,
    }
    for entity_id, entity in state.entities.items():
        tables[type(entity)][entity_id] = entity
    return parts


def _made_by(event: Event) -> list[str]:
    """The ids an event brings into being."""
    return [entity.id for entity in made_entities(event)]


def _ids_in(value: Value) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, Relation):
        yield value.source
        yield value.target
        return
    for _, entity_id in value.references():
        yield entity_id


class LogView:
    """One day of an applied log, read through its versions: each lookup a binary search.

    Point queries make a view per call and a few lookups through it, so it keeps
    the log's tables at hand rather than going through the log for each.
    """

    __slots__ = ("_heads", "_held", "_versions", "day", "log", "prefix")

    def __init__(self, log: AppliedLog, day: dt.date) -> None:
        self.log = log
        self.day = day
        self.prefix = log.prefix(day)
        self._versions, self._heads, self._held = log.versions, log.heads, log.held

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id that day, or ``None``."""
        versions = self._versions.get(entity_id)
        if versions is None:
            return None
        value = versions.at(self.prefix)
        assert not isinstance(value, Relation)
        return value

    def head_id(self, unit_id: str) -> str | None:
        """The id of the post heading a unit that day, or ``None``."""
        versions = self._heads.get(unit_id)
        return versions.at(self.prefix) if versions is not None else None

    def held_ids(self, person_id: str) -> tuple[str, ...]:
        """The ids of the posts a person holds that day."""
        versions = self._held.get(person_id)
        return versions.at(self.prefix) if versions is not None else ()
