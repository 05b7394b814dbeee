"""Diff: what changed between two days, classified, each change with its events and source.

A diff reads only the writes of the changes between the two days, so it costs
in proportion to what changed, not to the size of the organisation.  It keeps
the net change of every key it touched (``before`` and ``after``), which is
enough to turn the chart of the first day into the chart of the second
(:meth:`Diff.apply`); its entries say the same in words.
"""

from __future__ import annotations

import datetime as dt
import enum
from abc import abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, overload, runtime_checkable

import attrs

from orgmodel._chart import OrgChart
from orgmodel._entities import Entity, Function, Person, Post, Relation, RelationKey, Unit
from orgmodel._events import Absorb, Event, LinkKind, Merge, Rename, Source, SpinOff, Split, Status, Succeed
from orgmodel._state import Delta, Key, Value
from orgmodel._text import visible
from orgmodel.errors import InvalidArgumentError

if TYPE_CHECKING:
    from typing_extensions import Unpack  # only for type checkers: no runtime dependency

    from orgmodel._log import AppliedLog
    from orgmodel._render import DiffOptions, Drawing


class ChangeKind(str, enum.Enum):
    """How an entity or relation changed between two days."""

    ESTABLISHED = "established"
    DISSOLVED = "dissolved"
    RENAMED = "renamed"
    MOVED = "moved"
    MERGED = "merged"
    SPLIT = "split"
    SPUN_OFF = "spun-off"
    PARTLY_ABSORBED = "partly-absorbed"
    SUCCEEDED = "succeeded"
    FUNCTION_TRANSFERRED = "function-transferred"
    APPOINTED = "appointed"
    VACATED = "vacated"
    ROLES_CHANGED = "roles-changed"
    REPORTING_CHANGED = "reporting-changed"
    RELATION_ADDED = "relation-added"
    RELATION_REMOVED = "relation-removed"
    ATTRIBUTES_CHANGED = "attributes-changed"
    MODIFIED = "modified"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class DiffEntry:
    """One classified change: ``subject`` (an id, or a relation) went from ``before`` to ``after``.

    ``related`` holds the other units in a merge (the merged units), a split
    (the new units), a spin-off, partial absorption or succession (the
    predecessor), the people who came to or left a post, and the ends of a
    relation; ``events`` the events that made the change.  ``uncertain``
    says an event behind it is dated in a window that runs past the diff's
    second day, so the change may not yet have happened by then.
    """

    kind: ChangeKind
    subject: str | Relation
    before: Entity | Relation | None
    after: Entity | Relation | None
    events: tuple[Event, ...] = ()
    related: tuple[str, ...] = ()
    text: str = ""
    uncertain: bool = False

    @property
    def planned(self) -> bool:
        """Whether an event behind the change is only planned."""
        return any(event.status is Status.PLANNED for event in self.events)

    @property
    def status(self) -> Status | None:
        """How firm the change is: planned if an event behind it is, implemented if all are, else decided.

        ``None`` for an entry with no events behind it (a comparison of two charts).
        """
        statuses = {event.status for event in self.events}
        if not statuses:
            return None
        if Status.PLANNED in statuses:
            return Status.PLANNED
        return Status.IMPLEMENTED if statuses == {Status.IMPLEMENTED} else Status.DECIDED

    @property
    def source(self) -> Source | None:
        """The source of the last event behind the change."""
        for event in reversed(self.events):
            if event.source is not None:
                return event.source
        return None

    def describe(self) -> str:
        """One line saying what changed."""
        return self.text


_ORDER = {kind: number for number, kind in enumerate(ChangeKind)}


@runtime_checkable
class DiffLike(Protocol):
    """What drawings need of a set of classified changes: a :class:`Diff` or a chart-to-chart comparison.

    Anything with these members can be drawn before and after (``orgmodel.render.draw_diff``).

    >>> import orgmodel as om
    >>> isinstance(om.examples.nacka().diff("2014-12-31", "2015-01-01"), om.DiffLike)
    True
    """

    @property
    def before(self) -> OrgChart:
        """The chart drawn first."""

    @property
    def after(self) -> OrgChart:
        """The chart drawn second."""

    @property
    def caption(self) -> str:
        """A title for the whole drawing."""

    @property
    def titles(self) -> tuple[str, str]:
        """The titles of the two sides."""

    @property
    def entries(self) -> tuple[DiffEntry, ...]:
        """The classified changes, in the order they are listed."""

    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[DiffEntry]: ...
    def summary(self) -> str:
        """The changes as text, one per line."""


class ClassifiedChanges(Sequence[DiffEntry]):
    """What a :class:`Diff` and a :class:`~orgmodel.Comparison` share: a sequence of classified changes.

    Subclasses give ``entries``, the two charts (``before``, ``after``), the
    titles of a drawing (``caption``, ``titles``) and ``summary``; this gives the rest — indexing,
    ``of_kind``, rows and frames, drawing, Jupyter's view and ``str``.
    """

    @property
    @abstractmethod
    def entries(self) -> tuple[DiffEntry, ...]:
        """The classified changes, in the order they are listed."""

    @property
    @abstractmethod
    def before(self) -> OrgChart:
        """The chart drawn first."""

    @property
    @abstractmethod
    def after(self) -> OrgChart:
        """The chart drawn second."""

    @property
    @abstractmethod
    def caption(self) -> str:
        """A title for the whole drawing."""

    @property
    @abstractmethod
    def titles(self) -> tuple[str, str]:
        """The titles of the two sides."""

    @abstractmethod
    def summary(self) -> str:
        """The changes as text, one per line."""

    def of_kind(self, *kinds: ChangeKind | str) -> tuple[DiffEntry, ...]:
        """The entries of the given kinds.

        >>> import orgmodel as om
        >>> diff = om.examples.nacka().diff("2014-12-31", "2015-01-01")
        >>> all(entry.kind is om.ChangeKind.RENAMED for entry in diff.of_kind("renamed"))
        True
        """
        wanted = {ChangeKind(kind) for kind in kinds}
        return tuple(entry for entry in self.entries if entry.kind in wanted)

    @overload
    def __getitem__(self, index: int) -> DiffEntry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[DiffEntry]: ...

    def __getitem__(self, index: int | slice) -> DiffEntry | Sequence[DiffEntry]:
        return self.entries[index]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[DiffEntry]:
        return iter(self.entries)

    def rows(self) -> list[dict[str, Any]]:
        """The classified changes as rows (dicts), one per entry; see :func:`orgmodel.io.tables.diff_rows`."""
        from orgmodel.io.tables import diff_rows

        return diff_rows(self)

    def to_frame(self) -> Any:
        """The classified changes as a pandas DataFrame, one row per entry (needs ``orgmodel[tables]``)."""
        from orgmodel.io.tables import frame

        return frame(self.rows())

    def draw(self, **options: Unpack[DiffOptions]) -> Drawing:
        """A before/after drawing: the first chart above the second (or ``layout="side-by-side"``/``"overlay"``),
        the changes coloured and explained in a legend.

        Options as for :func:`orgmodel.render.diff_to_dot`.

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
        ...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
        ...     ]
        ... )
        >>> "Förnyelseenheten" in org.diff("2014-12-31", "2015-01-01").draw().dot
        True
        """
        from orgmodel._render import draw_diff

        return draw_diff(self, **options)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """Jupyter's view: the before/after drawing, or the summary and the reason when it cannot be drawn."""
        from orgmodel._render import diff_mimebundle

        return diff_mimebundle(self)

    def __str__(self) -> str:
        return self.summary()


class Diff(ClassifiedChanges):
    """The changes between the organisation on ``start`` and on ``end`` (``start`` ≤ ``end``).

    Iterate it for :class:`DiffEntry` items, ``of_kind`` to pick some,
    ``summary()`` for a text table; ``before`` and ``after`` are the two charts.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
    ...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
    ...     ]
    ... )
    >>> [entry.describe() for entry in org.diff("2014-12-31", "2015-01-01")]
    ["renamed 'Samordnings- och utvecklingsenheten' → 'Förnyelseenheten' (sue)"]
    """

    def __init__(self, log: AppliedLog, start: dt.date, end: dt.date) -> None:
        if start > end:
            raise InvalidArgumentError(
                f"a diff runs forward in time: its first day must not be after its second, got "
                f"{start.isoformat()} and {end.isoformat()}; swap them"
            )
        self._log = log
        #: The first day: the organisation the changes start from.
        self.start = start
        #: The second day: the organisation the changes lead to.
        self.end = end
        self._first = log.prefix(start)
        self._last = log.prefix(end)

    @cached_property
    def _net(self) -> dict[Key, tuple[Value, Value]]:
        touched: dict[Key, None] = {}
        for delta in self._log.deltas_between(self._first, self._last):
            touched.setdefault(delta.key, None)
        net = {}
        for key in touched:
            before, after = self._log.value_at(key, self._first), self._log.value_at(key, self._last)
            if before != after:
                net[key] = (before, after)
        return net

    @property
    def changes(self) -> Mapping[str | RelationKey, tuple[Entity | Relation | None, Entity | Relation | None]]:
        """The net change of every key as the two charts show it: ``{id or relation key: (on start, on end)}``.

        ``None`` is "not on the chart": an entity that did not exist, or a
        person with no post and no relation that day.
        """
        return self._on_the_charts

    @cached_property
    def _on_the_charts(self) -> dict[Key, tuple[Value, Value]]:
        """The net change as the two charts show it: people appear and leave with their ties, not their values.

        A chart lists a person only while they hold a post or take part in a
        relation, so someone who takes their first post appears on the second
        chart though nothing about them changed, and someone who left their
        last one is no longer there though they still exist.
        """
        log, first, last = self._log, self._first, self._last
        net = {key: pair for key, pair in self._net.items() if not isinstance(pair[0] or pair[1], Person)}
        people: set[str] = set()
        for key, (before, after) in self._net.items():
            for value in (before, after):
                if isinstance(value, Post):
                    people.update(value.holder_ids)
                elif isinstance(value, Relation):
                    people.update((value.source, value.target))
                elif isinstance(value, Person):
                    people.add(key)  # type: ignore[arg-type]  # a person's key is their id
        for person in people:
            tied = log.tied.get(person)
            if tied is None:
                continue
            before = log.value_at(person, first) if tied.at(first) else None
            after = log.value_at(person, last) if tied.at(last) else None
            if before != after:
                net[person] = (before, after)
        return net

    @cached_property
    def entries(self) -> tuple[DiffEntry, ...]:
        """The classified changes, in the order of the events that made them."""
        entries = _Classifier(self._log, self._first, self._last, self._net).run()
        return tuple(
            attrs.evolve(entry, uncertain=True)
            if any(event.on is not None and event.on.latest > self.end for event in entry.events)
            else entry
            for entry in entries
        )

    @cached_property
    def before(self) -> OrgChart:
        """The organisation on ``start``."""
        return self._log.chart(self.start)

    @cached_property
    def after(self) -> OrgChart:
        """The organisation on ``end``."""
        return self._log.chart(self.end)

    @property
    def caption(self) -> str:
        """A title for a drawing: the two days, and how many changes."""
        return f"Changes from {self.start.isoformat()} to {self.end.isoformat()}: {len(self)}"

    @property
    def titles(self) -> tuple[str, str]:
        """The titles of the two sides of a drawing."""
        return (f"before {self.start.isoformat()}", f"after {self.end.isoformat()}")

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event that took effect after ``start`` and by ``end``."""
        first = self._log.change_positions[self._first]
        last = self._log.change_positions[self._last]
        return tuple(self._log.events[first:last])

    def apply(self, chart: OrgChart) -> OrgChart:
        """Turn a chart of ``start`` into the chart of ``end`` by applying the net changes.

        Raises :class:`~orgmodel.errors.InvalidArgumentError` if the chart does
        not hold what this diff changes from.  What a chart shows only because
        it may not have ended yet, inside a date window, goes with the day: the
        result has the second day's.
        """
        ghosts = {key for key, mark in chart._uncertainty.items() if mark.ghost}
        entities = {key: value for key, value in chart.entities.items() if key not in ghosts}
        relations = {relation.key: relation for relation in chart.relations if relation.key not in ghosts}
        for key, (before, after) in self._on_the_charts.items():
            table_: dict[object, object] = relations if isinstance(key, tuple) else entities  # type: ignore[assignment]
            if table_.get(key) != before:
                raise InvalidArgumentError(
                    f"this diff changes {key!r} from {before!r}, but the chart holds {table_.get(key)!r}: "
                    f"apply it to the chart of {self.start.isoformat()}"
                )
            if after is None:
                del table_[key]
            else:
                table_[key] = after
        tied: set[str] = set()  # what the second day shows only because a ghost points at it (a person tied by it)
        for key, mark in self.after._uncertainty.items():
            if mark.ghost:
                if isinstance(key, tuple):
                    ghost = next(relation for relation in self.after.relations if relation.key == key)
                    relations[key] = ghost
                    tied.update((ghost.source, ghost.target))
                else:
                    entities[key] = self.after[key]
                    tied.update(ref for _, ref in self.after[key].references())
        for entity_id in tied - entities.keys():
            if entity_id in self.after.entities:
                entities[entity_id] = self.after[entity_id]
        return OrgChart(self.end, entities, relations.values(), categories=self._log.categories)

    def __repr__(self) -> str:
        return f"<Diff {self.start.isoformat()} → {self.end.isoformat()}: {len(self.entries)} changes>"

    def summary(self) -> str:
        """The changes as text: under each effective date and source, one line per change.

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
        ...         om.Rename("sue", "Förnyelseenheten", on="1 januari 2015", source=om.Source("KFKS 2012/577-001")),
        ...     ]
        ... )
        >>> print(org.diff("2014-12-31", "2015-01-01").summary())
        Changes from 2014-12-31 to 2015-01-01: 1
        <BLANKLINE>
        1 januari 2015 — KFKS 2012/577-001
          renamed 'Samordnings- och utvecklingsenheten' → 'Förnyelseenheten' (sue)
        """
        counts = [f"{len(self.entries)}"]
        uncertain = sum(entry.uncertain for entry in self.entries)
        if uncertain:
            counts.append(f"{uncertain} of them uncertain")
        lines = [f"Changes from {self.start.isoformat()} to {self.end.isoformat()}: {', '.join(counts)}"]
        groups: dict[str, list[DiffEntry]] = {}
        for entry in self.entries:
            groups.setdefault(_group_heading(entry), []).append(entry)
        for heading, entries in groups.items():
            lines += ["", heading]
            lines += [f"  {entry.text}" for entry in entries]
        return "\n".join(visible(line) for line in lines)  # names from a file may hold control characters


class _Classifier:
    """Turns the net changes of a window of the log into classified entries."""

    def __init__(self, log: AppliedLog, first: int, last: int, net: Mapping[Key, tuple[Value, Value]]) -> None:
        self.log = log
        self.first = first
        self.last = last
        self.net = net
        self.deltas = log.deltas_between(first, last)
        # Each key's writes in the window, in order: looked up once per entry, so kept by key.
        self.by_key: dict[Key, list[Delta]] = {}
        for delta in self.deltas:
            self.by_key.setdefault(delta.key, []).append(delta)
        self.first_position = {key: writes[0].position for key, writes in self.by_key.items()}
        self.entries: list[tuple[int, DiffEntry]] = []
        # Units whose establishment or ending a merge or split entry already explains.
        self.explained: set[str] = set()

    def run(self) -> list[DiffEntry]:
        self.merges_and_splits()
        for key, (before, after) in self.net.items():
            if isinstance(key, tuple):
                self.relation(key, before, after)
            else:
                assert not isinstance(before, Relation)
                assert not isinstance(after, Relation)
                self.entity(key, before, after)
        self.entries.sort(key=lambda item: (item[0], _ORDER[item[1].kind], str(item[1].subject)))
        return [entry for _, entry in self.entries]

    # --- helpers ---------------------------------------------------------------------------

    def add(
        self,
        kind: ChangeKind,
        subject: str | Relation,
        before: Entity | Relation | None,
        after: Entity | Relation | None,
        events: tuple[Event, ...],
        text: str,
        *,
        related: tuple[str, ...] = (),
        position: int | None = None,
    ) -> None:
        key = subject.key if isinstance(subject, Relation) else subject
        where = position if position is not None else self.first_position[key]
        self.entries.append((where, DiffEntry(kind, subject, before, after, events, related, text)))

    def events_of(self, key: Key, field: str | None = None) -> tuple[Event, ...]:
        """The events in the window that wrote ``key`` (and changed ``field``, if given).

        ``field`` may also be ``"exists"``: the events that made or ended the entity.
        """
        found: dict[int, None] = {}
        for delta in self.by_key.get(key, ()):
            if field == "exists":
                relevant = (delta.old is None) != (delta.new is None)
            else:
                relevant = field is None or _field(delta.old, field) != _field(delta.new, field)
            if relevant:
                found.setdefault(delta.position, None)
        return tuple(self.log.events[position] for position in found)

    def label(self, entity_id: str | None, none: str = "the top") -> str:
        """``'Name' (id)``, named as on the second day (or the first, or last known); ``none`` for no id."""
        if entity_id is None:
            return none
        value = (
            self.log.value_at(entity_id, self.last)
            or self.log.value_at(entity_id, self.first)
            or self.log.last_value(entity_id)
        )
        assert not isinstance(value, Relation)
        return f"{value.name!r} ({entity_id})" if value is not None else repr(entity_id)

    # --- the kinds of change ---------------------------------------------------------------

    def merges_and_splits(self) -> None:
        """One entry per event that links units in their lineage, explaining the units it made and ended."""
        log = self.log
        set_aside = set(log.set_aside)  # kept in the log, never applied: a cancelled succession links nothing
        for position in range(log.change_positions[self.first], log.change_positions[self.last]):
            if log.event_change[position] in set_aside:
                continue
            event = log.events[position]
            if isinstance(event, Absorb) and event.parts is not None:
                self.lineage_entry(ChangeKind.PARTLY_ABSORBED, event, event.units[0], event.into, position)
            elif isinstance(event, SpinOff):
                self.lineage_entry(ChangeKind.SPUN_OFF, event, event.target, event.into.id, position, made=True)
            elif isinstance(event, Succeed):
                kind = _SUCCESSIONS[event.kind]
                self.lineage_entry(kind, event, event.predecessor, event.successor, position)
            elif isinstance(event, (Merge, Absorb)):
                into = event.into.id if isinstance(event, Merge) else event.into
                gone = tuple(unit for unit in event.units if unit in self.net and self.net[unit][1] is None)
                after = log.value_at(into, self.last)
                if not gone or after is None:
                    continue
                before = log.value_at(into, self.first)
                self.explained.update(gone)
                if isinstance(event, Merge):
                    self.explained.add(into)
                names = ", ".join(self.label(unit) for unit in gone)
                if isinstance(event, Merge) and len(event.units) == 1:
                    kind, text = ChangeKind.SUCCEEDED, f"re-formed {names} as new unit {self.label(into)}"
                else:
                    kind, text = ChangeKind.MERGED, f"merged {names} into {self.label(into)}"
                self.add(kind, into, before, after, (event,), text, related=gone, position=position)
            elif isinstance(event, Split):
                if event.target not in self.net or self.net[event.target][1] is not None:
                    continue
                made = tuple(unit.id for unit in event.into if log.value_at(unit.id, self.last) is not None)
                self.explained.update((event.target, *made))
                before_value = self.net[event.target][0]
                text = f"split {self.label(event.target)} into {', '.join(self.label(unit) for unit in made)}"
                self.add(
                    ChangeKind.SPLIT, event.target, before_value, None, (event,), text, related=made, position=position
                )

    def lineage_entry(
        self, kind: ChangeKind, event: Event, predecessor: str, successor: str, position: int, *, made: bool = False
    ) -> None:
        """An entry for a link whose predecessor may carry on (or may have ended already, for a succession).

        ``made``: the event made the successor too, so no entry of its own says it was established.
        """
        after = self.log.value_at(successor, self.last)
        if after is None:
            return  # the successor is gone again by the second day: nothing of it to show
        before = self.log.value_at(successor, self.first)
        if made and before is None:
            self.explained.add(successor)
        words = {
            ChangeKind.PARTLY_ABSORBED: f"{self.label(successor)} took over parts of {self.label(predecessor)}",
            ChangeKind.SPUN_OFF: f"spun off {self.label(successor)} from {self.label(predecessor)}",
            ChangeKind.SUCCEEDED: f"{self.label(successor)} succeeds {self.label(predecessor)}",
            ChangeKind.SPLIT: f"{self.label(successor)} split from {self.label(predecessor)}",
            ChangeKind.MERGED: f"{self.label(predecessor)} merged into {self.label(successor)}",
        }
        self.add(kind, successor, before, after, (event,), words[kind], related=(predecessor,), position=position)

    def relation(self, key: Key, before: Value, after: Value) -> None:
        relation = after if isinstance(after, Relation) else before
        assert isinstance(relation, Relation)
        words = f"{self.label(relation.source)} {relation.kind!s} {self.label(relation.target)}"
        if before is None:
            kind, text = ChangeKind.RELATION_ADDED, f"now {words}"
        elif after is None:
            kind, text = ChangeKind.RELATION_REMOVED, f"no longer {words}"
        else:
            kind, text = ChangeKind.MODIFIED, f"relation {words} changed"
        ends = (relation.source, relation.target)
        self.add(kind, relation, before, after, self.events_of(key), text, related=ends)

    def entity(self, key: str, before: Entity | None, after: Entity | None) -> None:
        label = self.label
        if before is None:
            assert after is not None
            if key not in self.explained:
                text = f"established {after.entity_type.value} {label(key)}"
                self.add(ChangeKind.ESTABLISHED, key, None, after, self.events_of(key, "exists"), text)
            if isinstance(after, Post) and after.holders:
                # Who fills a new post is news of its own.
                people = ", ".join(label(person) for person in after.holder_ids)
                text = f"{people} appointed to new post {label(key)}"
                events = self.events_of(key, "holders")
                self.add(ChangeKind.APPOINTED, key, None, after, events, text, related=after.holder_ids)
            return
        if after is None:
            if key not in self.explained:
                text = f"dissolved {before.entity_type.value} {label(key)}"
                self.add(ChangeKind.DISSOLVED, key, before, None, self.events_of(key, "exists"), text)
            if isinstance(before, Post) and before.holders:
                people = ", ".join(label(person) for person in before.holder_ids)
                text = f"{people} left post {label(key)}, which ended"
                events = self.events_of(key, "holders")
                self.add(ChangeKind.VACATED, key, before, None, events, text, related=before.holder_ids)
            return
        for kind, field, text, related in self.attribute_changes(before, after):
            events = self.events_of(key, field)
            reformed = kind is ChangeKind.RENAMED and any(isinstance(e, Rename) and e.reformed for e in events)
            words = f"reformed {before.name!r} into {after.name!r} ({after.id})" if reformed else text
            self.add(kind, key, before, after, events, words, related=related)

    def attribute_changes(self, before: Entity, after: Entity) -> list[tuple[ChangeKind, str, str, tuple[str, ...]]]:
        """``(kind, field, text, related)`` for each way an entity that exists on both days changed."""
        label = self.label
        found: list[tuple[ChangeKind, str, str, tuple[str, ...]]] = []
        if before.name != after.name:
            field = "title" if isinstance(before, Post) else "name"
            found.append((ChangeKind.RENAMED, field, f"renamed {before.name!r} → {after.name!r} ({after.id})", ()))
        if before.kind != after.kind:
            text = f"{label(after.id)} changed kind: {before.kind!s} → {after.kind!s}"
            found.append((ChangeKind.MODIFIED, "kind", text, ()))
        if isinstance(before, Unit) and isinstance(after, Unit) and before.parent != after.parent:
            text = f"moved {label(after.id)} from under {label(before.parent)} to under {label(after.parent)}"
            found.append((ChangeKind.MOVED, "parent", text, ()))
        if isinstance(before, Function) and isinstance(after, Function) and before.owner != after.owner:
            old, new = label(before.owner, "no owner"), label(after.owner, "no owner")
            text = f"function {label(after.id)} moved from {old} to {new}"
            found.append((ChangeKind.FUNCTION_TRANSFERRED, "owner", text, ()))
        if isinstance(before, Post) and isinstance(after, Post):
            found.extend(self.post_changes(before, after))
        if before.attributes != after.attributes or before.identifiers != after.identifiers:
            words = _field_changes("", before.attributes, after.attributes)
            words += _field_changes("identifier ", before.identifiers, after.identifiers)
            field = "attributes" if before.attributes != after.attributes else "identifiers"
            found.append((ChangeKind.ATTRIBUTES_CHANGED, field, f"{label(after.id)}: {'; '.join(words)}", ()))
        if not found and before != after:
            # Nothing above explains it (a name changed and changed back, leaving a new alias): say what did.
            fields = [
                field.name
                for field in attrs.fields(type(before))
                if getattr(before, field.name) != getattr(after, field.name)
            ]
            found.append((ChangeKind.MODIFIED, fields[0], f"{label(after.id)} changed {', '.join(fields)}", ()))
        return found

    def post_changes(self, before: Post, after: Post) -> list[tuple[ChangeKind, str, str, tuple[str, ...]]]:
        """``(kind, field, text, related)`` for each way a post changed besides its name and kind."""
        label = self.label
        found: list[tuple[ChangeKind, str, str, tuple[str, ...]]] = []
        if before.unit != after.unit:
            text = (
                f"moved post {label(after.id)} from {label(before.unit, 'no unit')} to {label(after.unit, 'no unit')}"
            )
            found.append((ChangeKind.MOVED, "unit", text, ()))
        found.extend(self.holder_changes(before, after))
        if before.reports_to != after.reports_to:
            if after.reports_to is None:
                text = f"post {label(after.id)} no longer reports to {label(before.reports_to)}"
            else:
                text = (
                    f"post {label(after.id)} now reports to {label(after.reports_to)} "
                    f"(was {label(before.reports_to, 'no one')})"
                )
            found.append((ChangeKind.REPORTING_CHANGED, "reports_to", text, ()))
        if before.heads != after.heads:
            text = f"post {label(after.id)} {'now heads' if after.heads else 'no longer heads'} {label(after.unit)}"
            found.append((ChangeKind.REPORTING_CHANGED, "heads", text, ()))
        return found

    def holder_changes(self, before: Post, after: Post) -> list[tuple[ChangeKind, str, str, tuple[str, ...]]]:
        """Who came to a post, who left it, and whose roles in it changed (``related``: the people)."""
        label = self.label
        post = label(after.id)
        came = [person for person in after.holder_ids if before.holding(person) is None]
        left = [person for person in before.holder_ids if after.holding(person) is None]
        found: list[tuple[ChangeKind, str, str, tuple[str, ...]]] = []
        if len(came) == 1 and len(left) == 1:
            text = f"{label(came[0])} appointed to post {post}, succeeding {label(left[0])}"
            found.append((ChangeKind.APPOINTED, "holders", text, (came[0], left[0])))
        else:
            for person in came:
                found.append((ChangeKind.APPOINTED, "holders", f"{label(person)} appointed to post {post}", (person,)))
            for person in left:
                found.append((ChangeKind.VACATED, "holders", f"{label(person)} left post {post}", (person,)))
        for holding in after.holders:
            was = before.holding(holding.person)
            if was is not None and was.roles != holding.roles:
                now = ", ".join(holding.roles) or "no role"
                text = f"{label(holding.person)} in post {post}: {now} (was {', '.join(was.roles) or 'no role'})"
                found.append((ChangeKind.ROLES_CHANGED, "holders", text, (holding.person,)))
        return found


#: How a succession a register states is classified, by the kind of its link.
_SUCCESSIONS = {
    LinkKind.SUCCEEDED: ChangeKind.SUCCEEDED,
    LinkKind.SPUN_OFF: ChangeKind.SPUN_OFF,
    LinkKind.PARTLY_ABSORBED: ChangeKind.PARTLY_ABSORBED,
    LinkKind.SPLIT: ChangeKind.SPLIT,
    LinkKind.MERGED: ChangeKind.MERGED,
    LinkKind.ABSORBED: ChangeKind.MERGED,
}


def _field_changes(prefix: str, before: Mapping[str, object], after: Mapping[str, object]) -> list[str]:
    """``fte 10 → 12``, ``cost_centre cleared``, ``budget = 3``: how fields of the user's own changed."""
    words = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            words.append(f"{prefix}{name} cleared")
        elif name not in before:
            words.append(f"{prefix}{name} = {after[name]!r}")
        elif before[name] != after[name]:
            words.append(f"{prefix}{name} {before[name]!r} → {after[name]!r}")
    return words


def _group_heading(entry: DiffEntry) -> str:
    """When a change took effect (with its marks) and on whose word: the heading it is listed under."""
    when = entry.events[-1].on if entry.events else None
    heading = when.label() if when is not None else "(no date)"
    marks = [mark for mark, flag in (("uncertain", entry.uncertain), ("planned", entry.planned)) if flag]
    if marks:
        heading += f" ({', '.join(marks)})"
    if entry.source is not None:
        heading += f" — {entry.source.cite()}"
    return heading


def _field(value: Value, field: str) -> object:
    return getattr(value, field, None) if value is not None else None
