"""Replaying a log after an insertion in the past, with the unaffected changes spliced in whole runs.

:meth:`AppliedLog.replayed <orgmodel._log.AppliedLog.replayed>` puts new
changes among a base log's later ones.  Most of those later changes cannot
be affected (:class:`~orgmodel._affected.Reach` tells which): their events,
writes and links are the base's, at shifted positions.  Carried one at a time
they still cost about a third of a check each, most of it keeping the working
state's indexes in step.  Here they are taken in *runs* of consecutive base
changes, and:

* the log's columns (events, writes, positions, links, windowed, planned…)
  are copied from the base as slices, their numbers shifted;
* each write is filed in a *shadow*: the organisation's tables by kind
  (a :class:`~orgmodel._log.DayState`) and the ended entities, kept in the
  order a build keeps them.  That is a dict operation per write, not an
  index update; snapshots are copies of the shadow;
* versions are appended per write, and the base's heads, holdings and ties
  of the run are noted again under their new change numbers;
* the working state, with its indexes, is brought up to date only for a
  change that must be applied with its checks: by replaying the writes it
  missed when they are few, else by rebuilding it from the shadow (its cost
  is the size of the organisation, not of the history).

A run's change numbers and positions all shift by one amount, since no new
change sits inside it.  The result is, field by field, the log a full build
gives (tests/test_extend.py).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from orgmodel import _log
from orgmodel._affected import Reach
from orgmodel._entities import Function, Person, Post, Relation, Unit
from orgmodel._state import WorkingState

if TYPE_CHECKING:
    from orgmodel._entities import Entity
    from orgmodel._events import Change
    from orgmodel._log import AppliedLog, DayState, Versions
    from orgmodel.dates import When

#: The log's lists of change numbers that a run copies from the base, shifted (see :meth:`Splice.splice_run`).
_NUMBERED = ("windowed", "planned", "set_aside")


class Splice:
    """Builds ``log`` (a copy of ``base`` cut back to ``prefix`` changes) by replaying the changes after it.

    ``shadow`` and ``ended`` are the organisation and the ended entities
    after the first ``prefix`` changes of ``base``, owned by this replay.
    """

    def __init__(
        self,
        log: AppliedLog,
        base: AppliedLog,
        prefix: int,
        shadow: DayState,
        ended: dict[str, tuple[Entity, When]],
    ) -> None:
        self.log, self.base, self.prefix = log, base, prefix
        self.reach = Reach(base, prefix)
        self.shadow = shadow
        self.tables: dict[type[Any], dict[Any, Any]] = {
            Unit: shadow.units,
            Post: shadow.posts,
            Person: shadow.people,
            Function: shadow.functions,
            Relation: shadow.relations,
        }
        self.live = len(shadow.units) + len(shadow.posts) + len(shadow.people) + len(shadow.functions)
        self.ended = ended
        self.kept: list[Change] = list(log.changes)
        self.kept_entries: list[int] = list(log.entries)
        # The working state, made when a change must be checked, and the number of the log's changes it has seen.
        self.state: WorkingState | None = None
        self.state_changes = 0
        # The new number of each of the base's changes from the prefix on, and those of them checked again.
        # (Indexed by the base's change number; those before the prefix keep theirs.)
        self.renumber = array("q", range(len(base.changes)))
        self.checked: list[int] = []
        # What the changes applied with their checks wrote, by key: (change number, value) in order.
        self.written: dict[Any, list[tuple[int, Any]]] = {}
        # The heads, holdings and ties the base noted from the prefix on, put in key by key (see LaterNotes).
        self.notes = [LaterNotes(table, prefix) for table in (log.heads, log.held, log.tied)]
        # The base's change that comes next, and the new numbers of the changes applied with their checks.
        self.base_next = prefix
        self.checked_at: set[int] = set()

    def run(self, changes: Sequence[Change], entries: Sequence[int]) -> None:
        """Apply ``changes`` (``entries`` their positions), carrying over the base's that need no checks."""
        log, base, reach = self.log, self.base, self.reach
        count = len(base.changes)
        # A base change set aside writes nothing in either log: it is carried over like one that is not affected.
        aside = set(base.set_aside[bisect.bisect_left(base.set_aside, self.prefix) :])
        at = 0
        while at < len(changes):
            entry = entries[at]
            if entry >= count:  # a new change
                self.check(changes[at], entry)
                at += 1
                continue
            # The base's changes come in runs of consecutive entries between the new ones.
            last = at
            while last + 1 < len(changes) and entries[last + 1] == entries[last] + 1 and entries[last + 1] < count:
                last += 1
            stop = entries[last] + 1
            while entry < stop:
                found = reach.first_affected(entry, stop, aside)
                self.splice_run(entry, found)
                if found < stop:
                    self.check(base.changes[found], found)
                    found += 1
                entry = found
            at = last + 1
        log.changes = tuple(self.kept)
        log.entries = tuple(self.kept_entries)
        self.finish_versions()
        checked = set(self.checked)
        for notes in self.notes:
            notes.finish(self.prefix, self.renumber, checked, self.checked_at)

    # --- a change applied with its checks ---------------------------------------------------------

    def check(self, change: Change, entry: int) -> None:
        """Apply ``change`` with its checks, as a build does, and note what it did unlike the base."""
        log = self.log
        index, first = len(self.kept), len(log.events)
        self.checked_at.add(index)
        if entry < len(self.base.changes):
            self.renumber[entry] = index
            self.checked.append(entry)
            self.base_next = entry + 1
        applies = log.record.applies(change)
        mark = (len(log.deltas), len(log.links))
        if applies:
            state = self.working_state()
            mark = state.begin(change.on)
            log._apply(state, change, entry, first)
            self.reach.settle(state, entry, mark)
        self.kept.append(change)
        self.kept_entries.append(entry)
        log._list_change(change, index, applies)
        if applies:
            assert self.state is not None
            state = self.state
            # What the base noted before this change, for the keys it may note, goes in first, in order.
            upto = entry if entry < len(self.base.changes) else self.base_next
            moved = (state.moved_heads, state.moved_holders, state.moved_holders | state.moved_relations)
            checked = set(self.checked)
            for notes, ids in zip(self.notes, moved, strict=True):
                for entity_id in ids:
                    notes.catch_up(entity_id, upto, self.renumber, checked)
            log._note_moves(state, index, self.base)
            self.state_changes = index + 1
            writes, written = log.deltas, self.written
            for key, old, new in zip(
                writes.keys[mark[0] :], writes.olds[mark[0] :], writes.news[mark[0] :], strict=True
            ):
                written.setdefault(key, []).append((index, new))
                if new is None and old is not None and type(old) is not Relation:
                    log.last_seen[key] = old  # type: ignore[index,assignment]
                self.file(key, old, new, change.on)
        self.snapshot_if_due(index)

    def working_state(self) -> WorkingState:
        """The working state after the log's changes so far: caught up with the writes it missed, or made anew."""
        log, state = self.log, self.state
        start = log.change_deltas[self.state_changes]
        missed = len(log.deltas) - start
        # Replaying a write costs about twice as much as filing an entity in a new state.
        if state is None or 2 * missed > self.live:
            state = WorkingState.resume(self.shadow, self.ended, log.deltas, log.links)
        else:
            writes, write = log.deltas, state._write
            for index in range(self.state_changes, len(self.kept)):
                state.when = self.kept[index].on
                low, high = log.change_deltas[index], log.change_deltas[index + 1]
                for key, old, new in zip(
                    writes.keys[low:high], writes.olds[low:high], writes.news[low:high], strict=True
                ):
                    write(key, old, new)
        self.state, self.state_changes = state, len(self.kept)
        return state

    # --- a run of carried changes ----------------------------------------------------------------

    def splice_run(self, start: int, end: int) -> None:
        """Copy the base's changes ``start`` to ``end - 1`` into the log as they are, renumbered (none if empty)."""
        if start >= end:
            return
        log, base = self.log, self.base
        index = len(self.kept)
        shift = index - start
        self.renumber[start:end] = array("q", range(index, index + end - start))
        event_start, event_end = base.change_positions[start], base.change_positions[end]
        event_shift = len(log.events) - event_start
        write_start, write_end = base.change_deltas[start], base.change_deltas[end]
        write_shift = len(log.deltas) - write_start
        self.kept.extend(base.changes[start:end])
        self.kept_entries.extend(range(start, end))
        log.events.extend(base.events[event_start:event_end])
        log.event_change.extend(array("q", [change + shift for change in base.event_change[event_start:event_end]]))
        log.change_positions.extend(
            array("q", [position + event_shift for position in base.change_positions[start + 1 : end + 1]])
        )
        log.change_deltas.extend(
            array("q", [written + write_shift for written in base.change_deltas[start + 1 : end + 1]])
        )
        log.starts.extend(base.starts[start:end])
        for name in _NUMBERED:
            numbers: list[int] = getattr(base, name)
            low = bisect.bisect_left(numbers, start)
            getattr(log, name).extend(number + shift for number in numbers[low : bisect.bisect_left(numbers, end, low)])
        ours, theirs = log.deltas, base.deltas
        ours.positions.extend(
            array("q", [position + event_shift for position in theirs.positions[write_start:write_end]])
        )
        ours.keys.extend(theirs.keys[write_start:write_end])
        ours.olds.extend(theirs.olds[write_start:write_end])
        ours.news.extend(theirs.news[write_start:write_end])
        positions = self.reach.link_positions
        low = bisect.bisect_left(positions, event_start)
        for link in base.links[low : bisect.bisect_left(positions, event_end, low)]:
            log.links.append(link._replace(position=link.position + event_shift))
        self.file_run(start, end, shift)
        self.base_next = end

    def file_run(self, start: int, end: int, shift: int) -> None:
        """File the run's writes in the shadow (and the ends in ``last_seen``); take the snapshots due in it."""
        log, base = self.log, self.base
        bounds, changes = base.change_deltas, base.changes
        last_seen: dict[Any, Any] = log.last_seen
        ended: dict[Any, Any] = self.ended
        tables = self.tables
        relations: dict[Any, Any] = self.shadow.relations
        live = self.live
        low, high = bounds[start], bounds[end]
        write_shift = log.change_deltas[start + shift] - low
        # Where the next snapshot may be due: once this many writes were made since the last, and as many as
        # there are live entities (checked at the end of each change, as a build does).
        due = log.snapshot_writes + _log.SNAPSHOT_MIN_WRITES - write_shift
        change, change_end = start, bounds[start + 1]
        writes = base.deltas
        for write, key, old, new in zip(
            range(low, high), writes.keys[low:high], writes.olds[low:high], writes.news[low:high], strict=True
        ):
            while write >= change_end:  # the changes before this write are done
                if change_end >= due and change_end + write_shift - log.snapshot_writes >= live:
                    self.snapshot(change + shift, change_end + write_shift)
                    due = change_end + _log.SNAPSHOT_MIN_WRITES
                change += 1
                change_end = bounds[change + 1]
            if type(key) is tuple:
                if new is None:
                    del relations[key]
                else:
                    relations[key] = new
            elif new is None:
                del tables[type(old)][key]
                ended[key] = (old, changes[change].on)
                last_seen[key] = old
                live -= 1
            else:
                tables[type(new)][key] = new
                if old is None:
                    ended.pop(key, None)
                    live += 1
        while change < end:
            if change_end >= due and change_end + write_shift - log.snapshot_writes >= live:
                self.snapshot(change + shift, change_end + write_shift)
                due = change_end + _log.SNAPSHOT_MIN_WRITES
            change += 1
            if change < end:
                change_end = bounds[change + 1]
        self.live = live

    def snapshot(self, index: int, written: int) -> None:
        """Take a snapshot after change ``index``, the log's first ``written`` writes."""
        self.log.snapshots.append((index + 1, self.shadow.copy()))
        self.log.snapshot_writes = written

    # --- the shadow ----------------------------------------------------------------------------------

    def file(self, key: Any, old: Any, new: Any, on: When) -> None:
        """Keep the shadow in step with one write, as the working state keeps its tables."""
        if new is None:
            del self.tables[type(old)][key]
            if type(old) is not Relation:
                self.ended[key] = (old, on)
                self.live -= 1
        else:
            self.tables[type(new)][key] = new
            if old is None and type(new) is not Relation:
                self.ended.pop(key, None)
                self.live += 1

    def snapshot_if_due(self, index: int) -> None:
        """Take a snapshot after change ``index`` where a build takes one (see ``AppliedLog._apply_all``)."""
        log = self.log
        since = log.change_deltas[index + 1] - log.snapshot_writes
        if since >= _log.SNAPSHOT_MIN_WRITES and since >= self.live:
            self.snapshot(index, log.change_deltas[index + 1])

    # --- versions ------------------------------------------------------------------------------------

    def finish_versions(self) -> None:
        """Give every key written from the prefix on its versions in the new log, in the order a build files them.

        A key only carried changes wrote keeps the base's versions, renumbered.
        One that a change applied with its checks wrote (in either log) takes
        the base's versions of the carried changes and those of the checked
        ones, in order.  Keys first written after the prefix are then put in
        the order of their first writes.
        """
        log, base, prefix = self.log, self.base, self.prefix
        versions_of, renumber, written = log.versions, self.renumber, self.written
        bounds, keys = base.change_deltas, base.deltas.keys
        start = bounds[prefix]
        redone = set(written)
        for entry in self.checked:
            redone.update(keys[bounds[entry] : bounds[entry + 1]])
        checked = set(self.checked)
        renumbered = renumber.__getitem__
        for key in dict.fromkeys(keys[start:]):
            if key in redone:
                continue
            base_versions = base.versions[key]
            values = base_versions.values if base_versions.tail is None else base_versions.tail.copy()  # (its own list)
            versions_of[key] = _log.Versions.of(None, list(map(renumbered, base_versions.changes)), values)
        for key in redone:
            pairs: list[tuple[int, Any]] = []
            theirs = base.versions.get(key)
            if theirs is not None:
                pairs.extend(
                    (renumber[change], value)
                    for change, value in zip(theirs.changes, theirs.values, strict=True)
                    if change not in checked
                )
            pairs.extend(written.get(key, ()))
            pairs.sort(key=lambda pair: pair[0])  # stable: a key written twice in one change keeps its order
            if pairs:
                versions_of[key] = _log.Versions.of(None, [pair[0] for pair in pairs], [pair[1] for pair in pairs])
            else:
                versions_of.pop(key, None)
        # The versions are filed by first write: those first written from the prefix on, in the new log's order.
        for key in dict.fromkeys(log.deltas.keys[log.change_deltas[prefix] :]):
            filed = versions_of.get(key)
            if filed is not None and filed.items[0] >= prefix:
                versions_of[key] = versions_of.pop(key)


class LaterNotes:
    """The heads, holdings or ties (one ``table``) the base noted from ``prefix`` on, put into the new log.

    The table, a copy of the base's, is cut back to what was noted before
    ``prefix``.  A key a change applied with its checks may note is first
    caught up with what the base noted for it before that change (the
    carried changes' notes, renumbered); the rest go in at the end, a key's
    notes at once.  A carried change reads only clean index entries
    (orgmodel._affected), so what the base noted for it is what a build
    notes.  As in ``_log.note_version``, a value equal to the one in force is
    not noted.
    """

    def __init__(self, table: dict[str, Versions[Any]], prefix: int) -> None:
        self.table = table
        # The keys with notes from the prefix on: their place in the base's table, their versions there, and
        # how many of those are in the new table.
        self.later: dict[str, tuple[int, Versions[Any]]] = {}
        self.done: dict[str, int] = {}
        self.touched: set[str] = set()  # keys caught up before a checked change noted them
        for rank, (key, versions) in enumerate(table.items()):
            items = versions.items
            if items[-1 if versions.tail is not None else len(items) // 2 - 1] >= prefix:  # its last change
                self.later[key] = (rank, versions)
        for key, (_, versions) in self.later.items():
            self.done[key] = bisect.bisect_left(versions.changes, prefix)
            cut = versions.before(prefix)
            if cut is None:
                del table[key]
            else:
                table[key] = cut

    def catch_up(self, key: str, upto: int, renumber: array[int], checked: set[int]) -> None:
        """Note what the base noted for ``key`` in its changes before ``upto``, but those ``checked`` again."""
        found = self.later.get(key)
        if found is None:
            return
        self.touched.add(key)
        versions = found[1]
        at, table, default = self.done[key], self.table, versions.default
        changes, values = versions.changes, versions.values
        while at < len(changes) and changes[at] < upto:
            if changes[at] not in checked:
                value = values[at]
                ours = table.get(key)
                if ours is None:
                    if value != default:
                        table[key] = _log.Versions(default, [renumber[changes[at]], value])
                elif ours.last != value:
                    ours.append(renumber[changes[at]], value)
            at += 1
        self.done[key] = at

    def finish(self, prefix: int, renumber: array[int], checked: set[int], checked_at: set[int]) -> None:
        """Put in every note left, then file the keys first noted from ``prefix`` on in the order a build does.

        A build files keys in the order it first notes them: by change, and
        within one of the base's changes in the base's order, within one
        checked again in the order it noted them.
        """
        table, touched = self.table, self.touched
        renumbered = renumber.__getitem__
        for key, (_, versions) in self.later.items():
            changes = versions.changes
            kept = self.done[key]
            if key not in touched and checked.isdisjoint(changes[kept:]):
                # Only carried changes noted it from the prefix on: the base's notes, renumbered, at once.
                values = versions.values if versions.tail is None else versions.tail.copy()
                table[key] = _log.Versions.of(versions.default, list(map(renumbered, changes)), values)
            else:
                self.catch_up(key, len(renumber), renumber, checked)
        firsts = []
        for position, (key, versions) in enumerate(table.items()):
            first = versions.items[0]
            if first >= prefix:
                found = self.later.get(key)
                firsts.append((first, position if found is None or first in checked_at else found[0], key))
        firsts.sort()
        for _, _, key in firsts:
            table[key] = table.pop(key)
