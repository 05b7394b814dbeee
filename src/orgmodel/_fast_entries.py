"""The quick way through well-formed entries of the common kinds, for large files.

:class:`~orgmodel._reader.Reader` checks every value and says where each
problem is, which costs more than the events themselves.  Most entries of a
large file are plain: ids as text, a date as text, known keys only.  This reads
those with as little work as can be, and gives up (returns ``None``) at
anything else: an unusual value, a key or an event kind it does not know, a
constructor that refuses.  The reader then reads that entry the careful way,
which finds and reports what is wrong.  Both make equal events from the same
entry (``tests/test_loading.py`` checks this on generated timelines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from orgmodel import _values
from orgmodel._document import At
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
    SetHead,
    SetReportingLine,
    Source,
    Split,
    Status,
    Transfer,
    Vacate,
)
from orgmodel.dates import When, parse_when
from orgmodel.errors import OrgModelError

if TYPE_CHECKING:
    from orgmodel._reader import Reader


class _Slow(Exception):  # noqa: N818 - control flow: this entry goes the careful way
    """The entry is not one the quick way reads."""


Build = Callable[["FastPath", dict[str, Any], dict[str, Any]], Event]


class FastPath:
    """Reads plain entries for a :class:`~orgmodel._reader.Reader`, sharing its catalogue, sources and counts."""

    def __init__(
        self,
        reader: Reader,
        common_keys: tuple[str, ...],
        event_keys: dict[str, Any],
        knowledge_keys: tuple[str, ...],
        dated_fields: dict[type[Entity], tuple[str, ...]],
    ) -> None:
        self.reader = reader
        self.dated_fields = {kind: frozenset(fields) for kind, fields in dated_fields.items()}
        self.name_length = reader.limits.name_length
        self.change_keys = frozenset((*common_keys, *knowledge_keys, "events"))
        # What this reads of each kind, never more than the format allows (the tables may change).
        self.allowed: dict[str, frozenset[str]] = {}
        self.required: dict[str, tuple[str, ...]] = {}
        for kind, (keys, _) in _KINDS.items():
            if kind in event_keys:
                extra, required = event_keys[kind]
                self.allowed[kind] = frozenset((*common_keys, kind, *keys)) & frozenset((*common_keys, kind, *extra))
                self.required[kind] = required
        #: An event on its own is a log entry: it may also say what was known when (inside a change, the change does).
        self.alone = {kind: keys | frozenset(knowledge_keys) for kind, keys in self.allowed.items()}
        self.builders: dict[str, Build] = {kind: build for kind, (_, build) in _KINDS.items()}
        #: Ids the entry being read establishes; the reader records them once it is read.
        self.established: list[str] = []

    def entry(self, item: Any, at: At) -> Event | Change | None:
        """The event or change ``item`` (sitting at ``at``) reads to, or ``None`` if it must go the careful way.

        ``item`` is a :class:`~orgmodel._document.Map` or, from JSON, the plain values the decoder made.
        """
        if not isinstance(item, dict):
            return None
        established: list[str] = []
        self.established = established
        found: Event | Change
        try:
            if "events" in item:
                change = self._change(item, at)
                found, count = change, len(change.events)
            else:
                found, count = self._entry(item, at), 1
        except (_Slow, OrgModelError, TypeError, ValueError):
            # Not plain, or refused: the careful way says what is wrong.  (TypeError and ValueError too, so that
            # a constructor changed under this module costs speed, never a wrong answer or a traceback.)
            return None
        reader = self.reader
        if reader.events_read + count > reader.limits.events:
            return None  # the careful way refuses the file, naming the limit
        reader.events_read += count
        reader.established.update(established)
        return found

    def entity(self, item: Any, kind: type[Entity], fields: tuple[str, ...]) -> Entity | None:
        """The entity an entry of the ``entities`` section declares, or ``None`` if it must go the careful way."""
        if not isinstance(item, dict) or "id" not in item or ("title" if kind is Post else "name") not in item:
            return None
        values: dict[str, Any] = {}
        try:
            for key in item:
                read = _ENTITY_FIELDS.get(key) if key in fields else None
                if read is None:
                    return None  # a key it does not know, or one this kind does not take
                values[key] = read(self, item, key)
            if values["id"] in self.reader.catalogue:
                return None  # declared twice: the careful way says so
            return kind(**values)
        except (_Slow, OrgModelError):
            return None

    def aliases(self, mapping: dict[str, Any], key: str) -> tuple[str, ...]:
        value = mapping.get(key)
        if type(value) is str:
            value = [value]
        elif not isinstance(value, list):
            raise _Slow
        for item in value:
            if type(item) is not str or len(item) > self.name_length:
                raise _Slow
        return tuple(value)

    # --- entries ----------------------------------------------------------------------------------

    def _change(self, mapping: dict[str, Any], at: At) -> Change:
        if not mapping.keys() <= self.change_keys:
            raise _Slow
        common = {**self._common(mapping, None, in_change=False), **self._knowledge(mapping)}
        items = mapping["events"]
        if not isinstance(items, list) or not items:
            raise _Slow
        inherited = common.get("source")
        inside: At = (at, "events")
        events = [self._event(item, (inside, index), inherited, in_change=True) for index, item in enumerate(items)]
        return Change(events=events, origin=self.reader.origin_at(mapping, at), **common)

    def _entry(self, mapping: dict[str, Any], at: At) -> Event | Change:
        """An event on its own; with what was known when, a change of that one event (as the careful way makes)."""
        if "cancels" in mapping:
            raise _Slow  # resolved against the whole file: the careful way keeps it for the end
        event = self._event(mapping, at, None, in_change=False)
        knowledge = self._knowledge(mapping)
        if not knowledge:
            return event
        assert event.on is not None  # an event on its own needs its date (checked in _common)
        status = event.status or Status.DECIDED
        return Change(event.on, [event], status=status, source=event.source, origin=event.origin, **knowledge)

    def _knowledge(self, mapping: dict[str, Any]) -> dict[str, Any]:
        """The ``id``, ``corrects`` and ``known`` a log entry has."""
        found: dict[str, Any] = {}
        for key in ("id", "corrects"):
            if key in mapping:
                found[key] = self.ident(mapping, key)
        known = mapping.get("known")
        if type(known) is str:
            when = parse_when(known)
            if not when.is_exact:
                raise _Slow  # the careful way says it must be one day
            found["known"] = when.earliest
        elif type(known) is dt.date:
            found["known"] = known
        elif known is not None:
            raise _Slow
        return found

    def _event(self, mapping: Any, at: At, inherited: Source | None, *, in_change: bool) -> Event:
        if not isinstance(mapping, dict):
            raise _Slow
        kind = None
        for key in mapping:
            if key in self.allowed:
                if kind is not None:
                    raise _Slow
                kind = key
        if kind is None or not mapping.keys() <= (self.allowed if in_change else self.alone)[kind]:
            raise _Slow
        for key in self.required[kind]:
            if key not in mapping:
                raise _Slow
        common = self._common(mapping, inherited, in_change=in_change)
        common["origin"] = self.reader.origin_at(mapping, at)
        return self.builders[kind](self, mapping, common)

    def _common(self, mapping: dict[str, Any], inherited: Source | None, *, in_change: bool) -> dict[str, Any]:
        found: dict[str, Any] = {}
        on = mapping.get("on")
        if type(on) is str:
            found["on"] = parse_when(on)
        elif on is None:
            if not in_change:
                raise _Slow
        elif type(on) is dt.date:
            found["on"] = When.exact(on)
        else:
            raise _Slow
        status = self.text(mapping, "status")
        if status is not None:
            found["status"] = status
        source: Source | None = None
        if "source" in mapping:
            name = mapping["source"]
            if type(name) is not str:
                raise _Slow
            source = self.reader.sources.get(name)
            if source is None:
                raise _Slow
        quote = self.text(mapping, "quote")
        if quote is not None:
            source = attrs.evolve(source or inherited or Source(), quote=quote)
        if source is not None:
            found["source"] = source
        note = self.text(mapping, "note")
        if note is not None:
            found["note"] = note
        return found

    # --- values -----------------------------------------------------------------------------------

    def ident(self, mapping: dict[str, Any], key: str) -> str:
        value = mapping.get(key)
        if type(value) is str and value and value == value.strip() and len(value) <= self.name_length:
            return value
        raise _Slow

    def maybe_ident(self, mapping: dict[str, Any], key: str) -> str | None:
        return None if mapping.get(key) is None else self.ident(mapping, key)

    def idents(self, mapping: dict[str, Any], key: str) -> tuple[str, ...]:
        value = mapping.get(key)
        if type(value) is str:
            return (self.ident(mapping, key),)
        if not isinstance(value, list):
            raise _Slow
        for item in value:
            if type(item) is not str or not item.strip():
                raise _Slow
        return tuple(value)

    def text(self, mapping: dict[str, Any], key: str) -> str | None:
        value = mapping.get(key)
        if value is None or type(value) is str:
            return value
        raise _Slow

    def name(self, mapping: dict[str, Any], key: str) -> str:
        value = self.text(mapping, key)
        if value is None or len(value) > self.name_length:
            raise _Slow
        return value

    def boolean(self, mapping: dict[str, Any], key: str) -> bool | None:
        value = mapping.get(key)
        if value is None or type(value) is bool:
            return value
        raise _Slow

    def catalogued(self, entity_id: str, kinds: type[Entity] | tuple[type[Entity], ...]) -> Entity:
        found = self.reader.catalogue.get(entity_id)
        if found is None or not isinstance(found[0], kinds):
            raise _Slow
        self.established.append(entity_id)
        return found[0]

    def new_unit(self, unit_id: str, parent: str | None) -> Unit:
        unit = self.catalogued(unit_id, Unit)
        assert isinstance(unit, Unit)
        return _values.replace(unit, parent=parent)  # the parent is an id checked as Unit's validator would


# --- one reader for each kind, as the careful ones in _reader.py read them -------------------------

#: The keys of an establish event the quick way reads ("holders" lists go the careful way).
_ESTABLISH_FIELDS = ("parent", "unit", "heads", "reports_to", "holder", "owner")
_SPLIT_ITEM_KEYS = frozenset(("id", "parent"))


def _establish(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    entity = fast.catalogued(fast.ident(mapping, "establish"), (Unit, Post, Person, Function))
    allowed = fast.dated_fields.get(type(entity))
    if allowed is None:
        raise _Slow
    changes: dict[str, Any] = {}
    for key in _ESTABLISH_FIELDS:
        if key in mapping:
            field = "holders" if key == "holder" else key  # ``holder: id`` is one holding
            if field not in allowed:
                raise _Slow
            if field == "holders":
                changes[field] = (Holding(fast.ident(mapping, key)),)
            elif key == "heads":
                changes[key] = fast.boolean(mapping, key)
            else:
                changes[key] = fast.maybe_ident(mapping, key)
    if changes:
        # Checked above as the entity's own validators would (ids, a boolean, a holding): copied unvalidated.
        entity = _values.replace(entity, **changes)
    return Establish(entity, **common)


def _dissolve(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    return Dissolve(fast.ident(mapping, "dissolve"), **common)


def _rename(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    target = fast.ident(mapping, "rename")
    reformed = fast.boolean(mapping, "reformed") or False
    return Rename(target, fast.name(mapping, "name"), kind=fast.text(mapping, "kind"), reformed=reformed, **common)


def _move(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    return Move(fast.ident(mapping, "move"), fast.maybe_ident(mapping, "to"), **common)


def _merge(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    units = fast.idents(mapping, "merge")
    into = fast.new_unit(fast.ident(mapping, "into"), fast.maybe_ident(mapping, "parent"))
    return Merge(units, into, **common)


def _absorb(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    return Absorb(fast.idents(mapping, "absorb"), fast.ident(mapping, "into"), **common)


def _split(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    target = fast.ident(mapping, "split")
    parent = fast.maybe_ident(mapping, "parent")
    items = mapping.get("into")
    if not isinstance(items, list):
        raise _Slow
    into = []
    for item in items:
        if type(item) is str:
            into.append(fast.new_unit(item, parent))
        elif isinstance(item, dict) and "id" in item and item.keys() <= _SPLIT_ITEM_KEYS:
            into.append(
                fast.new_unit(fast.ident(item, "id"), fast.maybe_ident(item, "parent") if "parent" in item else parent)
            )
        else:
            raise _Slow
    allocate: dict[str, str] = {}
    table = mapping.get("allocate")
    if table is not None:
        if not isinstance(table, dict):
            raise _Slow
        for key in table:
            allocate[key] = fast.ident(table, key)
    return Split(target, into, allocate=allocate, **common)


def _transfer(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    return Transfer(fast.ident(mapping, "transfer"), fast.ident(mapping, "to"), **common)


def _appoint(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    person, post = fast.ident(mapping, "appoint"), fast.ident(mapping, "to")
    kinds = fast.reader.kinds
    if kinds.get(person) is Post and kinds.get(post) is Person:
        raise _Slow  # swapped: the careful way says so
    return Appoint(post, person, **common)


def _vacate(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    return Vacate(fast.ident(mapping, "vacate"), **common)


def _report(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    return SetReportingLine(fast.ident(mapping, "report"), fast.maybe_ident(mapping, "to"), **common)


def _head(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    return SetHead(fast.ident(mapping, "of"), fast.maybe_ident(mapping, "head"), **common)


def _relation(fast: FastPath, mapping: dict[str, Any], key: str) -> Relation:
    return Relation(
        fast.text(mapping, key) or "",
        fast.ident(mapping, "from"),
        fast.ident(mapping, "to"),
        fast.text(mapping, "detail") or "",
    )


def _relate(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    return AddRelation(_relation(fast, mapping, "relate"), **common)


def _unrelate(fast: FastPath, mapping: dict[str, Any], common: dict[str, Any]) -> Event:
    return RemoveRelation(_relation(fast, mapping, "unrelate"), **common)


#: How the quick way reads each field of an entity declared in the ``entities`` section.
_ENTITY_FIELDS: dict[str, Callable[[FastPath, dict[str, Any], str], Any]] = {
    "id": FastPath.ident,
    "name": FastPath.name,
    "title": FastPath.name,
    "kind": FastPath.text,
    "aliases": FastPath.aliases,
}

#: Each kind the quick way reads: the keys it reads besides the kind's own and the common ones, and how.
_KINDS: dict[str, tuple[tuple[str, ...], Build]] = {
    "establish": (_ESTABLISH_FIELDS, _establish),
    "dissolve": ((), _dissolve),
    "rename": (("name", "kind", "reformed"), _rename),
    "move": (("to",), _move),
    "merge": (("into", "parent"), _merge),
    "absorb": (("into",), _absorb),
    "split": (("into", "parent", "allocate"), _split),
    "transfer": (("to",), _transfer),
    "appoint": (("to",), _appoint),
    "vacate": ((), _vacate),
    "report": (("to",), _report),
    "head": (("of",), _head),
    "relate": (("from", "to", "detail"), _relate),
    "unrelate": (("from", "to", "detail"), _unrelate),
}
