"""Timeline: the validated, ordered log of changes, and the questions asked across time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import cached_property

import attrs

from orgmodel import _names
from orgmodel._chart import OrgChart
from orgmodel._diff import Diff
from orgmodel._entities import Entity, Function, Person, Post, Unit
from orgmodel._events import Change, Event, Status
from orgmodel._history import History, build_history
from orgmodel._lineage import Lineage, build_lineage
from orgmodel._log import AppliedLog
from orgmodel.dates import DayLike, parse_day
from orgmodel.errors import (
    AmbiguousNameError,
    EventError,
    InvalidArgumentError,
    MalformedEventError,
    UnknownNameError,
)

Entry = Event | Change


class Timeline:
    """An organisation's history: an immutable, validated log of dated changes.

    Build it from events and :class:`Change` groups in any order; it applies
    them earliest day first, and events of the same day in the order given.
    Every event is checked against the state it applies to, and a rejected one
    raises an :class:`~orgmodel.errors.EventError` naming the event, its date
    and its source; nothing is half-applied.  ``with_events`` returns a new
    timeline with more events.

    Days are ``datetime.date`` or ISO text everywhere.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office"), on="2013-01-01"),
    ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten", parent="slk"), on="2014-05-01"),
    ...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
    ...     ]
    ... )
    >>> org.at("2015-01-01").find("förnyelseenheten").name
    'Förnyelseenheten'
    >>> org.at("2014-12-31").find("förnyelseenheten").name
    Traceback (most recent call last):
      ...
    orgmodel.errors.UnknownNameError: no entity named 'förnyelseenheten' on 2014-12-31
    """

    __slots__ = ("__dict__", "_log")

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._log = _build(entries, errors=None)

    @classmethod
    def lenient(cls, entries: Iterable[Entry]) -> tuple[Timeline, tuple[EventError, ...]]:
        """The timeline of every change that applies, and the errors of those that do not.

        Each rejected change is left out whole and the next one is applied to
        the state as it was before it, so one run reports every independent
        error.  (An error can hide a later one that depends on the rejected
        change: that one is reported as referring to something unknown.)

        >>> import orgmodel as om
        >>> org, errors = om.Timeline.lenient(
        ...     [
        ...         om.Establish(om.Unit("a", "A"), on="2015-01-01"),
        ...         om.Rename("b", "B", on="2015-02-01"),
        ...         om.Rename("a", "A2", on="2015-03-01"),
        ...     ]
        ... )
        >>> len(org), [type(error).__name__ for error in errors]
        (2, ['UnknownEntityError'])
        """
        timeline = cls.__new__(cls)
        collected: list[EventError] = []
        timeline._log = _build(entries, errors=collected)
        return timeline, tuple(collected)

    # --- the log ------------------------------------------------------------------------------

    @property
    def changes(self) -> tuple[Change, ...]:
        """The changes in the order they apply, each with its events resolved."""
        return self._log.changes

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event in the order it applies, each carrying its date, status and source."""
        return tuple(self._log.events)

    def with_events(self, *entries: Entry | Iterable[Entry]) -> Timeline:
        """A new timeline with more events or changes (given one by one or as a list).

        The new events apply after every event already in the log that shares
        their earliest day.
        """
        flat: list[Entry] = []
        for entry in entries:
            if isinstance(entry, (Event, Change)):
                flat.append(entry)
            else:
                flat.extend(entry)
        return Timeline([*self._log.changes, *flat])

    def changes_between(self, start: DayLike | None = None, end: DayLike | None = None) -> tuple[Change, ...]:
        """The changes that take effect after ``start`` and on or before ``end`` (by earliest day).

        Either bound may be left out; ``start`` is excluded so that
        ``changes_between(a, b)`` are the changes behind ``diff(a, b)``.
        """
        first = self._log.prefix(parse_day(start)) if start is not None else 0
        last = self._log.prefix(parse_day(end)) if end is not None else len(self._log.changes)
        return self._log.changes[first:last]

    @cached_property
    def ids(self) -> frozenset[str]:
        """Every id the timeline ever gave an entity (ids are never reused)."""
        return frozenset(self._log.entity_keys())

    @property
    def first_day(self) -> dt.date | None:
        """The earliest day any change may take effect (``None`` for an empty timeline)."""
        return self._log.starts[0] if self._log.starts else None

    @property
    def last_day(self) -> dt.date | None:
        """The latest day by which every change has surely taken effect."""
        return max((change.on.latest for change in self._log.changes), default=None)

    def __len__(self) -> int:
        return len(self._log.changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self._log.changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timeline):
            return NotImplemented
        return self._log.changes == other._log.changes

    def __hash__(self) -> int:
        return hash(self._log.changes)

    def __repr__(self) -> str:
        if not self._log.changes:
            return "<Timeline: empty>"
        return (
            f"<Timeline: {len(self._log.changes)} changes, {len(self._log.events)} events, "
            f"{self.first_day} to {self.last_day}>"
        )

    # --- questions ----------------------------------------------------------------------------

    def at(self, day: DayLike) -> OrgChart:
        """The organisation on ``day``: every change whose earliest day is on or before it, applied.

        Facts resting on a change whose date window straddles the day are
        marked in :attr:`OrgChart.uncertain`.
        """
        return self._log.chart(parse_day(day))

    def diff(self, start: DayLike, end: DayLike) -> Diff:
        """What changed between the organisation on ``start`` and on ``end``, classified."""
        return Diff(self._log, parse_day(start), parse_day(end))

    def history(self, item: Entity | str, *, on: DayLike | None = None) -> History:
        """Every dated fact about an entity (given as an entity, an id, or a name it ever had).

        A name several entities have had is ambiguous; pass ``on`` to mean the
        one it named that day, or pass the id.
        """
        return build_history(self._log, self.resolve(item, on=on))

    def lineage(self, item: Entity | str, *, on: DayLike | None = None) -> Lineage:
        """Where an entity came from and what became of it (see :class:`Lineage`)."""
        return build_lineage(self._log, self.resolve(item, on=on))

    def resolve(self, item: Entity | str, *, on: DayLike | None = None) -> str:
        """The id of an entity given as an entity, an id, or a name (any time, or on ``on``)."""
        if isinstance(item, (Unit, Post, Person, Function)):
            item = item.id
        if not isinstance(item, str):
            raise InvalidArgumentError(f"an entity must be given as an entity, an id or a name, got {item!r}")
        if on is not None:
            return self.at(on).resolve(item).id
        if item in self._log.versions:
            return item
        found = self._names.get(_names.normalise(item), [])
        if len(found) == 1:
            return found[0]
        if found:
            listing = "; ".join(self._describe_span(entity_id) for entity_id in found)
            raise AmbiguousNameError(
                f"{len(found)} entities have been named {item!r}: {listing} — pass on=DAY or the id",
                name=item,
                candidates=found,
            )
        close = _names.close_matches(item, self._names_by_text)
        hint = " — did you mean " + " or ".join(repr(name) for name in close) + "?" if close else ""
        raise UnknownNameError(f"no entity has ever been named {item!r}{hint}", name=item, suggestions=close)

    @cached_property
    def _names(self) -> dict[str, list[str]]:
        """Every name and alias any entity ever had, normalised, to the ids that had it."""
        found: dict[str, dict[str, None]] = {}
        for key in self._log.entity_keys():
            for value in self._log.versions[key].values:
                if value is None or not isinstance(value, (Unit, Post, Person, Function)):
                    continue
                for name in (value.name, *value.aliases):
                    found.setdefault(_names.normalise(name), {})[key] = None
        return {name: list(ids) for name, ids in found.items()}

    @cached_property
    def _names_by_text(self) -> list[str]:
        found: dict[str, None] = {}
        for key in self._log.entity_keys():
            for value in self._log.versions[key].values:
                if value is not None and isinstance(value, (Unit, Post, Person, Function)):
                    found.setdefault(value.name, None)
        return list(found)

    def _describe_span(self, entity_id: str) -> str:
        entity = self._log.last_value(entity_id)
        assert entity is not None
        versions = self._log.versions[entity_id]
        start = self._log.changes[versions.changes[0]].on
        end = self._log.changes[versions.changes[-1]].on if versions.values[-1] is None else None
        span = f"{start} – {end}" if end is not None else f"from {start}"
        return f"{entity.entity_type.value} {entity.name!r} ({entity_id}, {span})"


def _build(entries: Iterable[Entry], *, errors: list[EventError] | None) -> AppliedLog:
    if isinstance(entries, (Event, Change)):
        raise InvalidArgumentError(
            f"a timeline takes a list of events and changes, got a single {type(entries).__name__}; wrap it in a list"
        )
    changes: dict[int, Change] = {}
    for index, entry in enumerate(entries):
        try:
            changes[index] = _normalise(entry, index)
        except EventError as error:
            if errors is None:
                raise
            errors.append(error)
    # A stable sort: same-day changes keep the order they were given in.
    order = sorted(changes, key=lambda index: changes[index].on.earliest)
    return AppliedLog([changes[index] for index in order], order, errors=errors)


def _normalise(entry: Entry, index: int) -> Change:
    """A log entry as a change whose events all carry their date, status and source."""
    if isinstance(entry, Change):
        change = entry
    elif isinstance(entry, Event):
        if type(entry) is Event:
            raise InvalidArgumentError(f"log entry {index} is the abstract Event; use Establish, Rename, …")
        if entry.on is None:
            raise MalformedEventError(
                "an event on its own needs a date",
                hint="give it on=..., or put it in a Change that has one",
                event=entry,
                entry=index,
            )
        change = Change(
            entry.on, (entry,), status=entry.status or Status.DECIDED, source=entry.source, origin=entry.origin
        )
    else:
        raise InvalidArgumentError(f"a timeline holds events and changes, got {entry!r} at log entry {index}")
    events = []
    for event in change.events:
        if event.on is not None and (event.on.earliest, event.on.latest) != (change.on.earliest, change.on.latest):
            raise MalformedEventError(
                f"its date ({event.on}) is not its change's ({change.on})",
                hint="leave out the event's date: events of a change share its date",
                event=event,
                change=change,
                entry=index,
            )
        if event.status is not None and event.status is not change.status:
            raise MalformedEventError(
                f"its status ({event.status.value}) is not its change's ({change.status.value})",
                hint="leave out the event's status, or put it in a change of its own",
                event=event,
                change=change,
                entry=index,
            )
        events.append(
            attrs.evolve(
                event,
                on=event.on if event.on is not None else change.on,
                status=change.status,
                source=event.source if event.source is not None else change.source,
            )
        )
    return attrs.evolve(change, events=tuple(events))
