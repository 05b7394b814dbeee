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
        self.ended = ended
        self.kept: list[Change] = list(log.changes)
        self.kept_entries: list[int] = list(log.entries)
        # The working state, made when a change must be checked, and the number of the log's changes it has seen.
        self.state: WorkingState | None = None
        self.state_changes = 0
        # The base's notes of heads, holdings and ties from the prefix on, by change (see _later_notes).
        self.notes = [_later_notes(table, prefix) for table in (base.heads, base.held, base.tied)]
        self.note_at = [0, 0, 0]

    def run(self, changes: Sequence[Change], entries: Sequence[int]) -> None:
        """Apply ``changes`` (``entries`` their positions), carrying over the base's that need no checks."""
        log, base, reach = self.log, self.base, self.reach
        count = len(base.changes)
        set_aside = set(base.set_aside[bisect.bisect_left(base.set_aside, self.prefix) :])
        run_start = run_end = -1
        for change, entry in zip(changes, entries, strict=True):
            # A base change set aside writes nothing either way; one that cannot be affected writes what it wrote.
            if entry < count and (entry in set_aside or reach.can_carry(entry)):
                if entry != run_end:
                    self.splice_run(run_start, run_end)
                    run_start = entry
                run_end = entry + 1
                continue
            self.splice_run(run_start, run_end)
            run_start = run_end = -1
            self.check(change, entry)
        self.splice_run(run_start, run_end)
        log.changes = tuple(self.kept)
        log.entries = tuple(self.kept_entries)

    # --- a change applied with its checks ---------------------------------------------------------

    def check(self, change: Change, entry: int) -> None:
        """Apply ``change`` with its checks, as a build does, and note what it did unlike the base."""
        log = self.log
        index, first = len(self.kept), len(log.events)
        applies = log.record.applies(change)
        mark = (len(log.deltas), len(log.links))
        if applies:
            state = self.working_state()
            mark = state.begin(change.on)
            log._apply(state, change, entry, first)
            self.reach.settle(state, entry, mark)
        self.kept.append(change)
        self.kept_entries.append(entry)
        log.events.extend(change.events)
        log.event_change.extend([index] * len(change.events))
        log.change_positions.append(len(log.events))
        log.change_deltas.append(len(log.deltas))
        log.starts.append(change.on.earliest)
        if not change.on.is_exact:
            log.windowed.append(index)
        if change.status is _log.Status.PLANNED:
            log.planned.append(index)
        if not applies:
            log.set_aside.append(index)
        else:
            assert self.state is not None
            log._record(self.state, index, mark[0], self.base)
            self.state_changes = index + 1
            writes = log.deltas
            for key, old, new in zip(writes.keys[mark[0] :], writes.olds[mark[0] :], writes.news[mark[0] :], strict=True):
                self.file(key, old, new, change.on)
        self.snapshot_if_due(index)

    def working_state(self) -> WorkingState:
        """The working state after the log's changes so far: caught up with the writes it missed, or made anew."""
        log, state = self.log, self.state
        start = log.change_deltas[self.state_changes]
        missed = len(log.deltas) - start
        # Replaying a write costs about twice as much as filing an entity in a new state.
        if state is None or 2 * missed > self.live():
            state = WorkingState.resume(self.shadow, self.ended, log.deltas, log.links)
        else:
            writes, write = log.deltas, state._write
            for index in range(self.state_changes, len(self.kept)):
                state.when = self.kept[index].on
                low, high = log.change_deltas[index], log.change_deltas[index + 1]
                for key, old, new in zip(writes.keys[low:high], writes.olds[low:high], writes.news[low:high], strict=True):
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
        log.change_deltas.extend(array("q", [written + write_shift for written in base.change_deltas[start + 1 : end + 1]]))
        log.starts.extend(base.starts[start:end])
        for name in _NUMBERED:
            numbers: list[int] = getattr(base, name)
            low = bisect.bisect_left(numbers, start)
            getattr(log, name).extend(number + shift for number in numbers[low : bisect.bisect_left(numbers, end, low)])
        ours, theirs = log.deltas, base.deltas
        ours.positions.extend(array("q", [position + event_shift for position in theirs.positions[write_start:write_end]]))
        ours.keys.extend(theirs.keys[write_start:write_end])
        ours.olds.extend(theirs.olds[write_start:write_end])
        ours.news.extend(theirs.news[write_start:write_end])
        positions = self.reach.link_positions
        low = bisect.bisect_left(positions, event_start)
        for link in base.links[low : bisect.bisect_left(positions, event_end, low)]:
            log.links.append(link._replace(position=link.position + event_shift))
        self.record_run(start, end, shift)

    def record_run(self, start: int, end: int, shift: int) -> None:
        """Keep the versions, heads, holdings and ties of the run's changes, and take the snapshots due in it."""
        log, base = self.log, self.base
        versions_of, last_seen, file = log.versions, log.last_seen, self.file
        keys, olds, news = base.deltas.keys, base.deltas.olds, base.deltas.news
        bounds = base.change_deltas
        tables = ((log.heads, base.heads), (log.held, base.held), (log.tied, base.tied))
        # A carried change reads only clean index entries (orgmodel._affected), so the heads, holdings and ties
        # the base noted for it are the ones a build notes.
        for change in range(start, end):
            index = change + shift
            on = base.changes[change].on
            for write in range(bounds[change], bounds[change + 1]):
                key, new = keys[write], news[write]
                # Every key written from the prefix on had its versions cut back to a copy (or dropped) when the
                # replay began, so they are the new log's own: appended to in place.
                versions = versions_of.get(key)
                if versions is None:
                    versions_of[key] = _log.Versions(None, [index, new])
                else:
                    versions.append(index, new)
                old = olds[write]
                if new is None and old is not None and type(old) is not Relation:
                    last_seen[key] = old  # type: ignore[index,assignment]
                file(key, old, new, on)
            for which, (table, shared) in enumerate(tables):
                self.note(which, table, shared, change, index)
            self.snapshot_if_due(index)

    def note(
        self, which: int, table: dict[str, Versions[Any]], shared: dict[str, Versions[Any]], change: int, index: int
    ) -> None:
        """Note in ``table`` the values the base noted (in ``shared``) in change ``change``, now number ``index``."""
        notes, at = self.notes[which], self.note_at[which]
        # Notes of changes before this one belong to changes checked again, which noted their own.
        while at < len(notes) and notes[at][0] < change:
            at += 1
        while at < len(notes) and notes[at][0] == change:
            _, _, key, default, value = notes[at]
            _log.note_version(table, shared, key, default, index, value)
            at += 1
        self.note_at[which] = at

    # --- the shadow ----------------------------------------------------------------------------------

    def file(self, key: Any, old: Any, new: Any, on: When) -> None:
        """Keep the shadow in step with one write, as the working state keeps its tables."""
        if new is None:
            del self.tables[type(old)][key]
            if type(old) is not Relation:
                self.ended[key] = (old, on)
        else:
            self.tables[type(new)][key] = new
            if old is None and type(new) is not Relation:
                self.ended.pop(key, None)

    def live(self) -> int:
        """How many entities the organisation has now."""
        shadow = self.shadow
        return len(shadow.units) + len(shadow.posts) + len(shadow.people) + len(shadow.functions)

    def snapshot_if_due(self, index: int) -> None:
        """Take a snapshot after change ``index`` where a build takes one (see ``AppliedLog._apply_all``)."""
        log = self.log
        written = log.change_deltas[index + 1]
        since = written - log.snapshot_writes
        if since >= _log.SNAPSHOT_MIN_WRITES and since >= self.live():
            log.snapshots.append((index + 1, self.shadow.copy()))
            log.snapshot_writes = written


def _later_notes(table: dict[str, Versions[Any]], prefix: int) -> list[tuple[int, int, str, Any, Any]]:
    """The notes of ``table`` made by changes from ``prefix`` on: ``(change, rank, key, default, value)``, in order.

    Keys a change noted for the first time are in the table in the order it
    noted them (``rank``): a build notes them in that order again.
    """
    notes = []
    for rank, (key, versions) in enumerate(table.items()):
        if versions.last_change < prefix:
            continue
        changes = versions.changes
        values = versions.values
        for at in range(bisect.bisect_left(changes, prefix), len(changes)):
            notes.append((changes[at], rank, key, versions.default, values[at]))
    notes.sort(key=lambda note: (note[0], note[1]))
    return notes
