"""The explorer's data: a timeline exported as plain JSON-ready values, from the public API only.

This module is the one place that knows both the model and the page's data
format, so a change to the model (several holders on a post, kinds of the
user's own, possibly-true facts inside date windows) is adapted here and the
page's script keeps reading the same shapes.  Everything comes from
:meth:`Timeline.changes <orgmodel.Timeline.changes>`, ``events``, ``at``,
``diff``, ``history`` and ``lineage``.

The format (``"format": 1``), every day an index into ``days``:

- ``days``: the slider's days — each day an event that applies may begin (the
  first day of its window) or is certain to have happened (the last day), in
  order; a cancelled or replaced change gives no day.
- ``entities``: by id, ``type`` (unit, post, person, function), ``states``
  (``[day, state]`` pairs: the entity's value from that day on; ``null`` when
  it is not there), ``flags`` (``[day, bits]``: 1 uncertain, 2 planned),
  ``notes`` (``[day, text]``, when uncertain: what may be otherwise that day)
  and ``names`` (every name and spelling it ever had, for search).
- ``relations``: ``kind``, ``source``, ``target`` and the same ``states`` and ``flags``.
- ``marks``: per day, what changed since the slider's previous day, as the
  diff classifies it (``kind``, ``subject``, ``related``, ``text``, ``events``).
- ``events``: each event once — what it does, when, its status and source.
- ``history``: per entity, its facts, each pointing at the events that began and ended it
  (``planned`` when the event that began it is only planned).
- ``setAside``: per entity, the changes about it that are kept but never applied (cancelled, or
  replaced by a correction), each a line saying when it became known and its sources; never facts,
  so the page lists them apart.
- ``links``, ``lineage``: lineage links once, and per entity the links before and after it.
- ``tree``: the union of the period's hierarchy, which the page lays out once (see ``_union``).
- ``style``: the static drawings' colours and badges, so both look alike.

>>> import orgmodel as om
>>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
>>> data = build_payload(org)
>>> data["days"], data["entities"]["ks"]["states"][0][1]["name"]
(['2015-01-01'], 'Kommunstyrelsen')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from orgmodel._chart import OrgChart
from orgmodel._diff import DiffEntry
from orgmodel._entities import Category, Entity, Function, Person, Post, Relation, RelationKey, Unit, category_of
from orgmodel._events import Event, Status
from orgmodel._explore._union import union_tree
from orgmodel._history import Fact
from orgmodel._lineage import LineageLink
from orgmodel._render import _style as style
from orgmodel._timeline import Timeline

__all__ = ["FORMAT", "build_payload", "slider_days"]

#: The version of the data format; the page's script checks it.
FORMAT = 1
#: Flag bits of an entity or relation on a day.
UNCERTAIN, PLANNED = 1, 2

Json = Any  # the payload is plain JSON: dicts, lists, strings, numbers, booleans and None


def slider_days(timeline: Timeline) -> tuple[dt.date, ...]:
    """The days on which the organisation, or what is certain about it, can change.

    An event dated in a window may have happened from its first day and has
    surely happened on its last, so both are steps; open bounds ("by 2014",
    "from 2015") name no day and give none.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("u", "A"), on="i januari 2015")])
    >>> [day.isoformat() for day in slider_days(org)]
    ['2015-01-01', '2015-01-31']
    """
    days: set[dt.date] = set()
    for change in timeline.applied_changes:  # what was cancelled or replaced never happens on any day
        for event in change.events:
            if event.on is None:
                continue
            if not event.on.has_open_start:
                days.add(event.on.earliest)
            if not event.on.has_open_end:
                days.add(event.on.latest)
    return tuple(sorted(days))


def build_payload(timeline: Timeline, *, title: str = "", day: dt.date | None = None) -> dict[str, Json]:
    """The whole timeline as the explorer page's data (see the module docs for the format).

    ``day`` is the day the page opens on (default: the last slider day on or
    before today, else the first).
    """
    days = slider_days(timeline)
    export = _Export(timeline, days)
    export.run()
    return {
        "format": FORMAT,
        "title": title,
        "days": [day.isoformat() for day in days],
        "start": _start_index(days, day),
        "entities": export.entities,
        "relations": export.relations,
        "marks": export.marks,
        "events": export.events.rows,
        "history": export.history(),
        "setAside": export.set_aside(),
        "links": export.links.rows,
        "lineage": export.lineage(),
        "tree": union_tree(export.entities, len(days)),
        "style": _style(),
    }


def _start_index(days: tuple[dt.date, ...], day: dt.date | None) -> int:
    if not days:
        return 0
    wanted = day if day is not None else dt.date.today()
    before = [index for index, known in enumerate(days) if known <= wanted]
    return before[-1] if before else 0


class _Table:
    """Values stored once and referred to by their position (events, lineage links)."""

    def __init__(self) -> None:
        self.rows: list[Json] = []
        self._index: dict[object, int] = {}

    def add(self, key: object, make: Any) -> int:
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = len(self.rows)
            self.rows.append(make())
        return found


class _Export:
    """Walks the slider's days once, turning each step's diff into states, flags and marks."""

    def __init__(self, timeline: Timeline, days: tuple[dt.date, ...]) -> None:
        self.timeline = timeline
        self.days = days
        self.entities: dict[str, dict[str, Json]] = {}
        self.relations: list[dict[str, Json]] = []
        self._relation_index: dict[RelationKey, int] = {}
        self.marks: list[list[Json]] = []
        self.events = _Table()
        self.links = _Table()

    def run(self) -> None:
        flagged: dict[str | RelationKey, tuple[int, str]] = {}
        entities: Mapping[str, Entity] = {}
        relations: dict[RelationKey, Relation] = {}
        uncertain: frozenset[str] = frozenset()
        for index, day in enumerate(self.days):
            # States come from the charts themselves (inside a date window a chart shows what is possibly
            # true, which a diff of the log does not); the marks from the diff since the previous step (on
            # the first, since the day before, so that what began on the first day is marked too).
            chart = self.timeline.at(day)
            previous = self.days[index - 1] if index else day - dt.timedelta(days=1)
            diff = self.timeline.diff(previous, day)
            # What can differ from the last step: what came or went (a set difference, in C), what the log
            # changed, and what is uncertain on either day (only there does a chart's "possibly true" differ
            # from the log); on the first day, everything.
            candidates = set(chart.entities) if index == 0 else {key for key in diff.changes if isinstance(key, str)}
            candidates |= entities.keys() ^ chart.entities.keys()
            candidates |= chart.uncertain | uncertain
            for key in candidates:
                old, new = entities.get(key), chart.entities.get(key)
                if old is not new and old != new:
                    self._state(key, new, index, chart)
            now = {relation.key: relation for relation in chart.relations}
            for relation_key in relations.keys() | now.keys():
                if relations.get(relation_key) != now.get(relation_key):
                    self._state(relation_key, now.get(relation_key), index, chart)
            entities, relations, uncertain = chart.entities, now, chart.uncertain
            flagged = self._flags(chart, index, flagged)
            self.marks.append([self._mark(entry) for entry in diff.entries])
        for key, record in self.entities.items():
            if record["type"] is None:
                # Never on a chart, only flagged (a person whose coming is only planned): its history knows it.
                subject = self.timeline.history(key).subject
                record["type"] = subject.entity_type.value
                record["names"] = [subject.name, *subject.aliases]

    # --- states ----------------------------------------------------------------------------------

    def _state(self, key: str | RelationKey, value: Entity | Relation | None, index: int, chart: OrgChart) -> None:
        if isinstance(key, str):
            record = self._entity(key, value)
            category = chart.category(key) if isinstance(value, Unit) else None
            state = None if value is None or isinstance(value, Relation) else entity_state(value, category)
            if state is not None:
                names = record["names"]
                for name in (state["name"], *state.get("aliases", ())):
                    if name not in names:
                        names.append(name)
        else:
            record = self._relation(key)
            state = {"note": value.note} if isinstance(value, Relation) else None
        _append(record["states"], index, state)

    def _entity(self, key: str, value: object) -> dict[str, Json]:
        record = self.entities.get(key)
        if record is None:
            record = self.entities[key] = {"type": None, "states": [], "flags": [], "names": []}
        if record["type"] is None and isinstance(value, (Unit, Post, Person, Function)):
            record["type"] = value.entity_type.value
        return record

    def _relation(self, key: RelationKey) -> dict[str, Json]:
        found = self._relation_index.get(key)
        if found is None:
            found = self._relation_index[key] = len(self.relations)
            kind, source, target = key
            self.relations.append({"kind": str(kind), "source": source, "target": target, "states": [], "flags": []})
        return self.relations[found]

    def _flags(
        self, chart: OrgChart, index: int, before: Mapping[str | RelationKey, tuple[int, str]]
    ) -> dict[str | RelationKey, tuple[int, str]]:
        """Record the flags and uncertainty notes that changed on this day; only flagged things are visited."""
        now: dict[str | RelationKey, tuple[int, str]] = {}

        def name_of(entity_id: str) -> str:
            entity = chart.get(entity_id)
            return repr(entity.name) if entity is not None else repr(entity_id)

        def note(item: str | Relation) -> str:
            found = chart.uncertainty(item)
            return found.describe(name_of) if found is not None else ""

        for entity_id in chart.uncertain:
            now[entity_id] = (UNCERTAIN, note(entity_id))
        for entity_id in chart.planned:
            bits, words = now.get(entity_id, (0, ""))
            now[entity_id] = (bits | PLANNED, words)
        for relation in chart.relations:
            uncertain = chart.is_uncertain(relation)
            bits = (UNCERTAIN if uncertain else 0) | (PLANNED if chart.is_planned(relation) else 0)
            if bits:
                now[relation.key] = (bits, note(relation) if uncertain else "")
        for key in now.keys() | before.keys():
            (bits, words), (old_bits, old_words) = now.get(key, (0, "")), before.get(key, (0, ""))
            record = self._entity(key, None) if isinstance(key, str) else self._relation(key)
            if bits != old_bits:
                _append(record["flags"], index, bits)
            if words != old_words:
                # What may be otherwise that day ("may have ended; may still be under 'Kommunstyrelsen'").
                _append(record.setdefault("notes", []), index, words or None)
        return now

    # --- marks -----------------------------------------------------------------------------------

    def _mark(self, entry: DiffEntry) -> dict[str, Json]:
        subject: Json
        if isinstance(entry.subject, Relation):
            subject = self._relation_index.get(entry.subject.key)
            if subject is None:
                subject = len(self.relations)
                self._relation(entry.subject.key)
        else:
            subject = entry.subject
        mark: dict[str, Json] = {
            "kind": entry.kind.value,
            "subject": subject,
            "text": entry.describe(),
            "events": [self.event(event) for event in entry.events],
        }
        if entry.related:
            mark["related"] = list(entry.related)
        if entry.uncertain:
            mark["uncertain"] = True
        if entry.planned:
            mark["planned"] = True
        return mark

    def event(self, event: Event) -> int:
        """The event's row in the events table."""
        return self.events.add(event, lambda: event_row(event))

    # --- history and lineage ---------------------------------------------------------------------

    def history(self) -> dict[str, list[Json]]:
        return {key: [self._fact(fact) for fact in self.timeline.history(key)] for key in self.entities}

    def set_aside(self) -> dict[str, list[str]]:
        found: dict[str, list[Json]] = {}
        for key in self.entities:
            # The history's own lines: when it became known, what was set aside, with both sources.
            rows = [revision.describe() + revision.cited() for revision in self.timeline.history(key).set_aside]
            if rows:
                found[key] = rows
        return found

    def _fact(self, fact: Fact) -> Json:
        row: dict[str, Json] = {
            "attribute": fact.attribute,
            "label": fact.label,
            "since": fact.since.label(),
            "from": fact.since.earliest.isoformat(),
            "began": self.event(fact.began),
        }
        if isinstance(fact.value, str) and fact.value in self.entities and fact.attribute not in _TEXT_ATTRIBUTES:
            row["ref"] = fact.value
        if fact.until is not None:
            row["until"] = fact.until.label()
            row["to"] = fact.until.earliest.isoformat()
        if fact.ended is not None:
            row["ended"] = self.event(fact.ended)
        if fact.status is Status.PLANNED:
            row["planned"] = True
        return row

    def lineage(self) -> dict[str, Json]:
        found: dict[str, Json] = {}
        for key in self.entities:
            lineage = self.timeline.lineage(key)
            if lineage.predecessors or lineage.successors:
                found[key] = {
                    "before": [self._link(link) for link in lineage.predecessors],
                    "after": [self._link(link) for link in lineage.successors],
                }
        return found

    def _link(self, link: LineageLink) -> int:
        return self.links.add(
            link,
            lambda: {
                "kind": link.kind.value,
                "from": link.predecessor,
                "to": link.successor,
                "fromName": link.predecessor_name,
                "toName": link.successor_name,
                "on": link.on.label(),
                "day": link.on.earliest.isoformat(),
                "event": self.event(link.event),
                "function": link.function_name,
                **({"planned": True} if link.status is Status.PLANNED else {}),
            },
        )


# Facts whose value is text that may happen to equal an id (a unit named like an id); never a link.
_TEXT_ATTRIBUTES = frozenset({"name", "kind", "exists", "heads"})


def _append(runs: list[Json], index: int, value: Json) -> None:
    """Add ``[index, value]`` to a run list; a second value on the same day replaces the first."""
    if runs and runs[-1][0] == index:
        runs[-1][1] = value
    else:
        runs.append([index, value])


def entity_state(entity: Entity, category: Category | None = None) -> dict[str, Json]:
    """An entity's value on one day, as the page reads it.

    A post lists its ``holders``, each with ``roles``; a unit's ``category``
    (political, administrative, company, external: how it is drawn) is the
    timeline's for its kind, by default the built-in one.  Fields of the
    user's own and identifiers come along when there are any.

    >>> import orgmodel as om
    >>> post = om.Post(
    ...     "p", "Enhetschef", kind="head", unit="u", heads=True, holders=[om.Holding("kpb", roles=["acting"])]
    ... )
    >>> entity_state(post)["holders"]
    [{'person': 'kpb', 'roles': ['acting']}]
    """
    state: dict[str, Json]
    if isinstance(entity, Unit):
        category = category if category is not None else category_of(entity.kind)
        group = style.Group.of(category)
        look = style.box_style(category)
        state = {
            "name": entity.name,
            "kind": str(entity.kind),
            "group": group.value,
            "look": _LOOKS[look.caption],
            "parent": entity.parent,
        }
    elif isinstance(entity, Post):
        state = {
            "name": entity.title,
            "kind": str(entity.kind),
            "unit": entity.unit,
            "heads": entity.heads,
            "reportsTo": entity.reports_to,
            "holders": [
                {"person": holding.person, "roles": [str(role) for role in holding.roles]} for holding in entity.holders
            ],
        }
        if entity.seats != 1:
            state["seats"] = entity.seats
    elif isinstance(entity, Function):
        state = {"name": entity.name, "kind": str(entity.kind), "owner": entity.owner}
    else:
        state = {"name": entity.name}
    if entity.aliases:
        state["aliases"] = list(entity.aliases)
    if entity.attributes:
        state["attributes"] = {name: _plain(value) for name, value in entity.attributes.items()}
    if entity.identifiers:
        state["identifiers"] = {name: _plain(value) for name, value in entity.identifiers.items()}
    return state


def _plain(value: object) -> Json:
    """A field's value as JSON has it: text, a number, a boolean (anything else as its text)."""
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


_LOOKS = {
    "Political body": "political",
    "Administration": "administration",
    "Company": "company",
    "External body": "external",
}


def event_row(event: Event) -> dict[str, Json]:
    """One event as the page shows it: what it does, when, its status, and its source with the quote."""
    row: dict[str, Json] = {"text": event.describe()}
    if event.on is not None:
        row["on"] = event.on.label()
    if event.status is not None:
        row["status"] = event.status.value
    if event.source is not None:
        row["cite"] = event.source.cite()
        if event.source.quote:
            row["quote"] = event.source.quote
    if event.note:
        row["note"] = event.note
    return row


def _style() -> dict[str, Json]:
    kinds = [kind for kind in style.CHANGE_PRIORITY if kind in style.CHANGE_COLOURS]
    return {
        "changes": {
            kind.value: {
                "colour": style.CHANGE_COLOURS[kind],
                "badge": style.CHANGE_BADGES[kind],
                "meaning": style.CHANGE_MEANINGS[kind],
            }
            for kind in kinds
        },
        "priority": [kind.value for kind in kinds],
        "looks": {_LOOKS[look.caption]: {"fill": look.fill, "border": look.border} for look in style.BOX_STYLES},
        "relations": {str(kind): colour for kind, colour in style.RELATION_COLOURS.items()},
        "vacant": style.VACANT,
        "ghost": style.GHOST,
        "function": style.FUNCTION,
    }
