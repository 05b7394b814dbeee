"""Comparing two charts that need not come from one timeline: two scenarios, two states of knowledge.

A :class:`~orgmodel.Diff` reads the events between two days of one
timeline.  A :class:`Comparison` has no events to read: it compares the
values of two charts — the same day in two scenarios, or as it was known on
two days — and classifies what differs the same way (established, dissolved,
renamed, moved, appointed, …).  It draws like a diff, the first chart above
(or beside) the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from orgmodel._chart import OrgChart
from orgmodel._diff import _ORDER, ChangeKind, ClassifiedChanges, DiffEntry, _Classifier
from orgmodel._entities import Entity, Relation, RelationKey
from orgmodel._events import Event
from orgmodel._text import table

if TYPE_CHECKING:
    from orgmodel._state import Key, Value


def compare(first: OrgChart, second: OrgChart, *, labels: tuple[str, str] | None = None) -> Comparison:
    """What differs between two charts, classified (see :class:`Comparison`).

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("u", "A"), on="2015-01-01")])
    >>> plan = org.with_events(om.Rename("u", "B", on="2016-01-01"))
    >>> [entry.describe() for entry in om.compare(org.at("2016-06-01"), plan.at("2016-06-01"))]
    ["renamed 'A' → 'B' (u)"]
    """
    return Comparison(first, second, labels=labels)


class Comparison(ClassifiedChanges):
    """What differs between two charts, classified like a :class:`~orgmodel.Diff`: ``first`` to ``second``.

    ``labels`` name the two (for scenarios, their names); they title a drawing.
    Entries carry no events: the two charts need not share a history.
    """

    def __init__(self, first: OrgChart, second: OrgChart, *, labels: tuple[str, str] | None = None) -> None:
        self._first, self._second = first, second
        #: The days of the two charts.
        self.start, self.end = first.day, second.day
        self.labels = labels or (f"first ({first.day.isoformat()})", f"second ({second.day.isoformat()})")

    @property
    def caption(self) -> str:
        """A title for a drawing: what is compared, and how many differences."""
        return f"Differences between {self.labels[0]} and {self.labels[1]}: {len(self)}"

    @property
    def before(self) -> OrgChart:
        """The chart compared from."""
        return self._first

    @property
    def after(self) -> OrgChart:
        """The chart compared to."""
        return self._second

    @property
    def titles(self) -> tuple[str, str]:
        """The titles of the two sides of a drawing."""
        return self.labels

    @cached_property
    def changes(self) -> Mapping[str | RelationKey, tuple[Entity | Relation | None, Entity | Relation | None]]:
        """Every key whose value differs: ``{id or relation key: (in the first, in the second)}``."""
        first, second = self.before, self.after
        found: dict[Key, tuple[Value, Value]] = {}
        for key in {*first.entities, *second.entities}:
            before, after = first.get(key), second.get(key)
            if before != after:
                found[key] = (before, after)
        relations_before = {relation.key: relation for relation in first.relations}
        relations_after = {relation.key: relation for relation in second.relations}
        for relation_key in {*relations_before, *relations_after}:
            old, new = relations_before.get(relation_key), relations_after.get(relation_key)
            if old != new:
                found[relation_key] = (old, new)
        return found

    @cached_property
    def entries(self) -> tuple[DiffEntry, ...]:
        """The classified differences, ordered by kind, then by what they are about."""
        return tuple(_ChartClassifier(self.before, self.after, self.changes, self.labels).run())

    def __repr__(self) -> str:
        return f"<Comparison {self.labels[0]} → {self.labels[1]}: {len(self.entries)} differences>"

    def summary(self) -> str:
        """The differences as text, one line each under its kind."""
        rows = [[entry.kind.value, entry.describe()] for entry in self.entries]
        heading = f"Differences between {self.labels[0]} and {self.labels[1]}: {len(rows)}"
        return heading + ("\n\n" + table(["kind", "difference"], rows) if rows else "")


class _ChartClassifier(_Classifier):
    """The classifier of a diff, reading two charts instead of a log: no events, names from the charts."""

    def __init__(
        self, first: OrgChart, second: OrgChart, net: Mapping[Key, tuple[Value, Value]], labels: tuple[str, str]
    ) -> None:
        self.first_chart, self.second_chart = first, second
        self.labels = labels
        self.net = net
        self.entries: list[tuple[int, DiffEntry]] = []
        self.explained: set[str] = set()

    def merges_and_splits(self) -> None:
        """No events to read: a merge is a unit gone and one new, each reported as such."""

    def events_of(self, key: Key, field: str | None = None) -> tuple[Event, ...]:
        return ()

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
        # Between two charts nothing was established or dissolved: an entity is on one of them only.
        if kind is ChangeKind.ESTABLISHED and text.startswith("established "):
            text = f"{text.removeprefix('established ')}: only in {self.labels[1]}"
        elif kind is ChangeKind.DISSOLVED and text.startswith("dissolved "):
            text = f"{text.removeprefix('dissolved ')}: only in {self.labels[0]}"
        self.entries.append((0, DiffEntry(kind, subject, before, after, events, related, text)))

    def label(self, entity_id: str | None, none: str = "the top") -> str:
        if entity_id is None:
            return none
        value = self.second_chart.get(entity_id) or self.first_chart.get(entity_id)
        return f"{value.name!r} ({entity_id})" if value is not None else repr(entity_id)

    def run(self) -> list[DiffEntry]:
        entries = super().run()
        return sorted(entries, key=lambda entry: (_ORDER[entry.kind], str(entry.subject)))
