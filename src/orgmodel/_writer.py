"""Writing a timeline in the orgmodel file format (see docs/format.md).

The output is stable: the same timeline always gives the same text, keys in a
fixed order, so saved files diff well in version control.  It is also
lossless: reading it back gives an equal timeline.  Entities are declared
once, as they were when established; sources shared by several events are
declared once under ``sources`` and named by what they cite.
"""

from __future__ import annotations

import json
import re
from typing import Any

import attrs
import yaml

from orgmodel._document import Dumper
from orgmodel._entities import Entity, Function, Holding, Person, Post, Relation, Unit
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
    Source,
    SpinOff,
    Split,
    Status,
    Succeed,
    Transfer,
    Vacate,
)
from orgmodel._reader import DATED_FIELDS, FORMAT_VERSION
from orgmodel._timeline import Timeline
from orgmodel.dates import Precision, When, parse_when
from orgmodel.errors import DateError, InvalidArgumentError

_SECTIONS = {Unit: "units", Post: "posts", Person: "people", Function: "functions"}


class _Flow(list[Any]):
    """A short list of ids, written on one line: ``[a, b]``."""


def document(timeline: Timeline, *, title: str | None = None) -> dict[str, Any]:
    """The timeline as the plain structure of the file format."""
    writer = _Writer(timeline)
    return writer.document(title)


def to_yaml(structure: dict[str, Any]) -> str:
    """YAML text for a document structure, in a stable form."""
    return yaml.dump(
        structure, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=110
    )


def to_json(structure: dict[str, Any]) -> str:
    """JSON text for a document structure, in a stable form.

    Text is written as itself, except lone surrogates (which Python strings
    may hold, e.g. from JSON's ``"\\ud800"``, but UTF-8 cannot): they are
    written as ``\\uXXXX`` escapes, which read back as the same string.
    """
    text = json.dumps(structure, ensure_ascii=False, indent=2) + "\n"
    if _SURROGATE.search(text) is None:
        return text
    if pair := _SURROGATE_PAIR.search(text):
        raise InvalidArgumentError(
            f"cannot write {pair.group()!r} as JSON: a high and a low surrogate side by side read back as "
            f"one character ({pair.group().encode('utf-16', 'surrogatepass').decode('utf-16')!r}); "
            "join them into that character, or save as YAML"
        )
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


# Code points that are half of a UTF-16 pair: not characters, and not encodable as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


class _Dumper(Dumper):
    """The document dumper, writing short id lists on one line."""


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


class _Writer:
    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.sources: dict[Source, str] = {}
        self.catalogue: dict[str, Entity] = {}

    def document(self, title: str | None) -> dict[str, Any]:
        self.name_sources()
        events = [self.entry(change) for change in self.timeline.changes]
        result: dict[str, Any] = {"orgmodel": FORMAT_VERSION}
        if title is not None:
            result["title"] = title
        if self.timeline.categories:
            result["categories"] = {kind: category.value for kind, category in self.timeline.categories.items()}
        if self.sources:
            result["sources"] = {name: _source_fields(source) for source, name in self.sources.items()}
        entities: dict[str, list[dict[str, Any]]] = {}
        for entity in self.catalogue.values():
            entities.setdefault(_SECTIONS[type(entity)], []).append(_static_fields(entity))
        if entities:
            result["entities"] = {section: entities[section] for section in _SECTIONS.values() if section in entities}
        result["events"] = events
        return result

    # --- sources ----------------------------------------------------------------------------

    def name_sources(self) -> None:
        """Name each source (without its quote) used by more than one event, in order of use."""
        counts: dict[Source, int] = {}
        for event in self.timeline.events:
            if event.source is not None:
                bare = _without_quote(event.source)
                counts[bare] = counts.get(bare, 0) + 1
        taken: set[str] = set()
        for source, count in counts.items():
            if count < 2:
                continue
            base = _slug(source.reference or source.document or source.body or "source")
            name, number = base, 2
            while name in taken:
                name, number = f"{base}-{number}", number + 1
            taken.add(name)
            self.sources[source] = name

    def source_fields(self, source: Source | None, inherited: Source | None) -> dict[str, Any]:
        """The ``source``/``quote`` keys for an event or change whose context already gives ``inherited``."""
        if source == inherited or source is None:
            return {}
        bare = _without_quote(source)
        if inherited is not None and source.quote is not None and bare == _without_quote(inherited):
            return {"quote": source.quote}  # a quote alone refines the source it inherits
        found: dict[str, Any] = {}
        if bare in self.sources:
            found["source"] = self.sources[bare]
        elif bare != Source() or source.quote is None:
            found["source"] = _source_fields(bare)
        if source.quote is not None:
            found["quote"] = source.quote
        return found

    # --- events -----------------------------------------------------------------------------

    def entry(self, change: Change) -> dict[str, Any]:
        """One log entry: a lone event when the change holds only one and adds nothing to it."""
        if self.is_cancellation(change):
            assert change.corrects is not None
            return {
                "cancels": change.corrects,
                **self.common(None, None, change.source, change.note, None),
                **{key: value for key, value in _knowledge_fields(change).items() if key != "corrects"},
            }
        events = change.events
        lone = len(events) == 1 and events[0].on == change.on and events[0].source == change.source
        if lone and not change.note:
            fields = self.event(events[0])
            common = self.common(events[0].on, change.status, events[0].source, events[0].note, None)
            return {**fields, **common, **_knowledge_fields(change)}
        result = self.common(change.on, change.status, change.source, change.note, None)
        result.update(_knowledge_fields(change))
        result["events"] = [self.event_in(event, change) for event in events]
        return result

    def is_cancellation(self, change: Change) -> bool:
        """Whether a change only cancels another: its date and events are those of the change it cancels."""
        if change.status is not Status.CANCELLED or change.corrects is None:
            return False
        target = self.timeline._log.record.by_id.get(change.corrects)
        return target is not None and target.on == change.on and _bare(target.events) == _bare(change.events)

    def event_in(self, event: Event, change: Change) -> dict[str, Any]:
        fields = self.event(event)
        own_on = event.on if event.on != change.on else None
        fields.update(self.common(own_on, None, event.source, event.note, change.source))
        return fields

    def common(
        self, on: When | None, status: Status | None, source: Source | None, note: str, inherited: Source | None
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if on is not None:
            found["on"] = _when(on)
        if status is not None and status is not Status.DECIDED:
            found["status"] = status.value
        found.update(self.source_fields(source, inherited))
        if note:
            found["note"] = note
        return found

    def declare(self, entity: Entity) -> str | dict[str, Any]:
        """Declare an entity in the catalogue; an id, or the inline entity if another value took the id."""
        static = _static(entity)
        known = self.catalogue.get(entity.id)
        if known is None:
            self.catalogue[entity.id] = static
            return entity.id
        if known == static:
            return entity.id
        singular = {Unit: "unit", Post: "post", Person: "person", Function: "function"}[type(entity)]
        return {singular: _static_fields(static)}

    def event(self, event: Event) -> dict[str, Any]:
        if isinstance(event, Establish):
            entity = event.entity
            found: dict[str, Any] = {"establish": self.declare(entity)}
            for field in DATED_FIELDS[type(entity)]:
                value = getattr(entity, field)
                if field == "holders":
                    found.update(_holders(value))
                elif value not in (None, False):
                    found[field] = value
            return found
        if isinstance(event, Dissolve):
            return {"dissolve": event.target}
        if isinstance(event, Rename):
            found = {"rename": event.target, "name": event.name}
            if event.kind is not None:
                found["kind"] = event.kind
            if event.reformed:
                found["reformed"] = True
            return found
        if isinstance(event, Move):
            return {"move": event.target, "to": event.to}
        if isinstance(event, Merge):
            found = {"merge": _Flow(event.units), "into": self.declare(event.into)}
            if event.into.parent is not None:
                found["parent"] = event.into.parent
            return found
        if isinstance(event, Absorb):
            found = {"absorb": _Flow(event.units), "into": event.into}
            if event.parts is not None:
                found["parts"] = _Flow(event.parts)
            return found
        if isinstance(event, SpinOff):
            found = {"spin-off": event.target, "into": self.declare(event.into)}
            if event.into.parent is not None:
                found["parent"] = event.into.parent
            if event.parts:
                found["parts"] = _Flow(event.parts)
            return found
        if isinstance(event, Succeed):
            found = {"succeed": event.predecessor, "by": event.successor}
            if event.kind.value != "succeeded":
                found["kind"] = event.kind.value
            return found
        if isinstance(event, Split):
            into: list[Any] = []
            for unit in event.into:
                declared = self.declare(unit)
                into.append({"id": declared, "parent": unit.parent} if unit.parent is not None else declared)
            found = {"split": event.target, "into": into}
            if event.allocate:
                found["allocate"] = dict(event.allocate)
            return found
        if isinstance(event, Transfer):
            return {"transfer": event.function, "to": event.to}
        if isinstance(event, Appoint):
            found = {"appoint": event.person, "to": event.post}
            if event.roles:
                found["roles"] = _Flow(event.roles)
            if event.overlap:
                found["overlap"] = True
            return found
        if isinstance(event, Vacate):
            return {"vacate": event.post, "person": event.person} if event.person else {"vacate": event.post}
        if isinstance(event, SetRoles):
            return {"set-roles": _Flow(event.roles), "of": event.person, "in": event.post}
        if isinstance(event, SetAttributes):
            found = {"set": event.target}
            if event.attributes:
                found["attributes"] = dict(event.attributes)
            if event.identifiers:
                found["identifiers"] = dict(event.identifiers)
            return found
        if isinstance(event, SetReportingLine):
            return {"report": event.post, "to": event.to}
        if isinstance(event, SetHead):
            return {"head": event.post, "of": event.unit}
        if isinstance(event, (AddRelation, RemoveRelation)):
            relation: Relation = event.relation
            key = "relate" if isinstance(event, AddRelation) else "unrelate"
            found = {key: str(relation.kind), "from": relation.source, "to": relation.target}
            if relation.note:
                found["detail"] = relation.note
            return found
        raise AssertionError(f"no writer for {type(event).__name__}")


def _static(entity: Entity) -> Entity:
    """The entity without its dated fields (those go in the establishing event)."""
    if isinstance(entity, Unit):
        return attrs.evolve(entity, parent=None)
    if isinstance(entity, Post):
        return attrs.evolve(entity, unit=None, heads=False, reports_to=None, holders=())
    if isinstance(entity, Function):
        return attrs.evolve(entity, owner=None)
    return entity


def _static_fields(entity: Entity) -> dict[str, Any]:
    found: dict[str, Any] = {"id": entity.id}
    found["title" if isinstance(entity, Post) else "name"] = entity.name
    if not isinstance(entity, Person):
        found["kind"] = str(entity.kind)
    if isinstance(entity, Post) and entity.seats != 1:
        found["seats"] = entity.seats if entity.seats is not None else "unlimited"
    if entity.aliases:
        found["aliases"] = list(entity.aliases)
    if entity.attributes:
        found["attributes"] = dict(entity.attributes)
    if entity.identifiers:
        found["identifiers"] = dict(entity.identifiers)
    return found


def _holders(holders: tuple[Holding, ...]) -> dict[str, Any]:
    """``holder: id`` for one plain holder, ``holders: [...]`` for more or for roles."""
    if not holders:
        return {}
    if len(holders) == 1 and not holders[0].roles and not holders[0].overlap:
        return {"holder": holders[0].person}
    items: list[Any] = []
    for holding in holders:
        if not holding.roles and not holding.overlap:
            items.append(holding.person)
            continue
        item: dict[str, Any] = {"person": holding.person}
        if holding.roles:
            item["roles"] = _Flow(holding.roles)
        if holding.overlap:
            item["overlap"] = True
        items.append(item)
    return {"holders": items}


def _source_fields(source: Source) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if source.document:
        found["document"] = source.document
    for key in ("body", "reference", "quote"):
        value = getattr(source, key)
        if value is not None:
            found[key] = value
    if source.decided is not None:
        found["decided"] = _when(source.decided)
    if source.dated is not None:
        found["dated"] = source.dated.isoformat()
    return found


def _knowledge_fields(change: Change) -> dict[str, Any]:
    """What was known when: a change's ``id``, ``known`` day and the change it ``corrects``."""
    found: dict[str, Any] = {}
    if change.id is not None:
        found["id"] = change.id
    if change.known is not None:
        found["known"] = change.known.isoformat()
    if change.corrects is not None:
        found["corrects"] = change.corrects
    return found


def _bare(events: tuple[Event, ...]) -> tuple[Event, ...]:
    """Events without what they take from their change (date, status, source, note), to compare what they do."""
    return tuple(attrs.evolve(event, on=None, status=None, source=None, note="") for event in events)


def _without_quote(source: Source) -> Source:
    return attrs.evolve(source, quote=None)


def _when(when: When) -> str | dict[str, Any]:
    """A date as the file writes it: its phrase or ISO form when that reads back the same, else in full."""
    for text in (when.text, when.iso()):
        if text is None:
            continue
        try:
            if parse_when(text) == when:
                return text
            if when.precision is Precision.AT_THE_LATEST and parse_when(text, not_before=when.earliest) == when:
                return {"text": text, "not_before": when.earliest.isoformat()}
        except DateError:
            continue  # a phrase orgmodel cannot read (kept by hand in a When): written in full below, with its text
    found: dict[str, Any] = {
        "earliest": when.earliest.isoformat(),
        "latest": when.latest.isoformat(),
        "precision": when.precision.value,
    }
    if when.text is not None:
        found["text"] = when.text
    return found


def _slug(text: str) -> str:
    slug = re.sub(r"[^0-9a-zåäö]+", "-", text.casefold()).strip("-")
    return slug[:40].strip("-") or "source"
