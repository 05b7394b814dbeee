"""Reading the orgmodel file format (see docs/format.md) into events and changes.

The reader never stops at the first problem: it checks the whole document
against the format, collecting each problem with its ``file:line:column``,
then builds the timeline leniently so that every independent error in the
events is reported too.  Only then, if anything was wrong, it raises one
:class:`~orgmodel.errors.FormatError` listing them all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from orgmodel import _names
from orgmodel._document import At, Document, Entries, Map, Seq, Where, path_of
from orgmodel._entities import Category, Entity, Function, Holding, Person, Post, Relation, Unit
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
from orgmodel._fast_entries import FastPath
from orgmodel._limits import DEFAULT as DEFAULT_LIMITS
from orgmodel._limits import Limits, refusal
from orgmodel._wording import in_file_words
from orgmodel.dates import Precision, When, parse_when
from orgmodel.errors import FormatError, Location, OrgModelError

#: The format version this reader understands (the ``orgmodel:`` key of a file).
FORMAT_VERSION = 1

TOP_KEYS = ("orgmodel", "title", "description", "categories", "sources", "entities", "events")
SOURCE_KEYS = ("document", "body", "decided", "reference", "quote", "dated")
#: The fields of the user's own every entity may declare.
OWN_FIELDS = ("attributes", "identifiers")
ENTITY_SECTIONS: dict[str, tuple[type[Entity], tuple[str, ...]]] = {
    "units": (Unit, ("id", "name", "kind", "aliases", *OWN_FIELDS)),
    "posts": (Post, ("id", "title", "kind", "seats", "aliases", *OWN_FIELDS)),
    "people": (Person, ("id", "name", "aliases", *OWN_FIELDS)),
    "functions": (Function, ("id", "name", "kind", "aliases", *OWN_FIELDS)),
}
#: Keys every event and change may have.
COMMON_KEYS = ("on", "status", "source", "quote", "note")
#: What was known when: keys of a log entry (a change, or an event on its own), not of an event in a change.
KNOWLEDGE_KEYS = ("id", "known", "corrects")
#: The keys of an entry that cancels an earlier change (``cancels: ID``).
CANCEL_KEYS = ("cancels", "id", "known", "source", "quote", "note")
#: For each event, the keys it takes besides its own and the common ones, and which of them it needs.
EVENT_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "establish": (("parent", "unit", "heads", "reports_to", "holder", "holders", "owner"), ()),
    "dissolve": ((), ()),
    "rename": (("name", "kind", "reformed"), ("name",)),
    "move": (("to",), ("to",)),
    "merge": (("into", "parent"), ("into",)),
    "absorb": (("into", "parts"), ("into",)),
    "split": (("into", "parent", "allocate"), ("into",)),
    "spin-off": (("into", "parent", "parts"), ("into",)),
    "succeed": (("by", "kind"), ("by",)),
    "transfer": (("to",), ("to",)),
    "appoint": (("to", "roles", "overlap"), ("to",)),
    "vacate": (("person",), ()),
    "set-roles": (("of", "in"), ("of", "in")),
    "set": (("attributes", "identifiers"), ()),
    "report": (("to",), ("to",)),
    "head": (("of",), ("of",)),
    "relate": (("from", "to", "detail"), ("from", "to")),
    "unrelate": (("from", "to", "detail"), ("from", "to")),
}
#: The fields an establish event may set, by what it establishes.
DATED_FIELDS: dict[type[Entity], tuple[str, ...]] = {
    Unit: ("parent",),
    Post: ("unit", "heads", "reports_to", "holders"),
    Person: (),
    Function: ("owner",),
}
T = TypeVar("T")
_SECTION_OF = {kind: section for section, (kind, _) in ENTITY_SECTIONS.items()}
_PRECISIONS = tuple(precision.value for precision in Precision)


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = _names.close_matches(word, choices, limit=1)
    return f" — did you mean {close[0]!r}?" if close else ""


class _Invalid(Exception):  # noqa: N818 - control flow inside the reader, never seen by users
    """A value that cannot be used; its message is already recorded."""


class _Deferred(Exception):  # noqa: N818 - control flow inside the reader, never seen by users
    """An entry that needs a source or entity the file may declare further down: read it at the end."""


class Reader:
    """Reads one document; ``problems`` collects everything wrong with it."""

    def __init__(self, file: str, limits: Limits = DEFAULT_LIMITS, *, fast: bool = True) -> None:
        self.file = file
        self.limits = limits
        #: Events read so far, each inside a change counted: refused at once past ``limits.events``.
        self.events_read = 0
        self.problems: list[tuple[int, str]] = []
        self.sources: dict[str, Source] = {}
        self.categories: dict[str, Category] = {}
        self.catalogue: dict[str, tuple[Entity, Where]] = {}
        self.established: set[str] = set()
        #: Ids that entries dropped for a problem would have made: errors about them follow from that problem.
        self.unmade: set[str] = set()
        #: Indexes of declared ids by the kinds asked for, and how many were declared then: for "did you mean".
        self._matchers: dict[tuple[tuple[type[Entity], ...], int], _names.CloseMatcher] = {}
        #: What each id read so far is (a Unit, a Post ...): for hints such as swapped ids.
        self.kinds: dict[str, type[Entity]] = {}
        #: Sections not yet read while the events are (``sources``, ``entities``), and the entries waiting for them.
        self.waiting_for: set[str] = set()
        self.deferred: list[tuple[int, Any, Where]] = []
        #: The quick way through plain entries (``None``: every entry the careful way, as tests compare).
        self.fast = FastPath(self, COMMON_KEYS, EVENT_KEYS, KNOWLEDGE_KEYS, DATED_FIELDS) if fast else None
        #: ``cancels:`` entries, resolved once every entry is read (each a placeholder, its mapping, its fields).
        self.cancellations: list[tuple[Change, Map, dict[str, Any]]] = []

    # --- reporting ------------------------------------------------------------------------

    def fail(self, where: Where, message: str) -> None:
        """Record a problem at ``where``."""
        self.problems.append((where.line or 0, where.prefix(self.file) + message))

    def origin(self, where: Where) -> Location | None:
        """The :class:`Location` an event read at ``where`` carries."""
        if where.line is None:
            return Location(f"{self.file}: {where.path}", 0)
        return Location(self.file, where.line, where.column or 0)

    def origin_at(self, mapping: dict[str, Any], at: At) -> Location:
        """The :class:`Location` of an event or change read from ``mapping``, which sits at ``at``."""
        marks = mapping.marks if isinstance(mapping, Map) else None
        if marks is None:
            return Location(f"{self.file}: {path_of(at)}", 0)
        mark = marks[0]
        return Location(self.file, mark.line + 1, mark.column + 1)

    def origin_of(self, mapping: Map) -> Location:
        """The :class:`Location` of an event or change read from ``mapping`` (what ``origin(mapping.where)`` gives)."""
        marks = mapping.marks
        if marks is None:
            return Location(f"{self.file}: {mapping.path()}", 0)
        mark = marks[0]
        return Location(self.file, mark.line + 1, mark.column + 1)

    # --- typed access -----------------------------------------------------------------------

    def mapping(self, value: Any, where: Where, what: str) -> Map:
        if not isinstance(value, Map):
            self.fail(where, f"{what} must be a mapping of keys to values, got {_shown(value)}")
            raise _Invalid
        return value

    def sequence(self, value: Any, where: Where, what: str) -> Seq:
        if not isinstance(value, Seq):
            self.fail(where, f"{what} must be a list, got {_shown(value)}")
            raise _Invalid
        return value

    def keys(
        self, mapping: Map, allowed: tuple[str, ...] | frozenset[str], what: str, required: tuple[str, ...] = ()
    ) -> bool:
        """Check ``mapping`` has only ``allowed`` keys and every ``required`` one; False if not."""
        fine = True
        for key in mapping:
            if key not in allowed:
                self.fail(mapping.key_place(key), f"{what} does not take {key!r}{_suggest(key, sorted(allowed))}")
                fine = False
        for key in required:
            if key not in mapping:
                self.fail(mapping.where, f"{what} needs {key!r}")
                fine = False
        return fine

    def text(self, mapping: Map, key: str, what: str) -> str | None:
        value = mapping.get(key)
        if value is None or type(value) is str:
            return value
        if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.fail(mapping.place(key), f"{key!r} of {what} must be text, got {_shown(value)}")
            raise _Invalid
        return value

    def ident(self, mapping: Map, key: str, what: str) -> str:
        """The id under ``key``, which must be there."""
        found = self.maybe_ident(mapping, key, what)
        if found is None:
            self.fail(mapping.place(key), f"{key!r} of {what} must be an id, got nothing")
            raise _Invalid
        return found

    def maybe_ident(self, mapping: Map, key: str, what: str) -> str | None:
        """The id under ``key``, or ``None`` when it is absent or null."""
        value = mapping.get(key)
        if value is None:
            return None
        if type(value) is str and value and value == value.strip() and len(value) <= self.limits.name_length:
            return value  # the common case, kept short: a plain id
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value or value != value.strip():
            self.fail(mapping.place(key), f"{key!r} of {what} must be an id, got {_shown(value)}")
            raise _Invalid
        self.short(value, mapping.place(key), f"{key!r} of {what}")
        return value

    def short(self, value: str, where: Where, what: str) -> None:
        """Refuse an id or a name longer than the ``name_length`` limit."""
        limit = self.limits.name_length
        if len(value) > limit:
            self.fail(where, refusal(self.limits, "", f"{what} is too long: more than", "name_length", "characters"))
            raise _Invalid

    def idents(self, mapping: Map, key: str, what: str) -> tuple[str, ...]:
        value = mapping.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return (str(value),)
        items = self.sequence(value, mapping.place(key), f"{key!r} of {what}")
        found = []
        for index, item in enumerate(items):
            if not isinstance(item, (str, int)) or isinstance(item, bool) or not str(item).strip():
                self.fail(items.place(index), f"{key!r} of {what} must list ids, got {_shown(item)}")
                raise _Invalid
            found.append(str(item))
        return tuple(found)

    def boolean(self, mapping: Map, key: str, what: str) -> bool | None:
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(mapping.place(key), f"{key!r} of {what} must be true or false, got {_shown(value)}")
            raise _Invalid
        return value

    def when(self, mapping: Map, key: str, what: str) -> When | None:
        value = mapping.get(key)
        if value is None:
            return None
        where = mapping.place(key)
        try:
            if isinstance(value, dt.date):
                return When.exact(value)
            if isinstance(value, int) and not isinstance(value, bool):
                return parse_when(str(value))
            if isinstance(value, str):
                return parse_when(value)
            if isinstance(value, Map):
                return self._structured_when(value, what)
        except OrgModelError as error:
            self.fail(where, f"{key!r} of {what}: {error}")
            raise _Invalid from None
        self.fail(where, f"{key!r} of {what} must be a date such as 2015-01-01 or 'våren 2015', got {_shown(value)}")
        raise _Invalid

    def day(self, mapping: Map, key: str, what: str) -> dt.date | None:
        """A date that must be one day (a document's date, the day something became known)."""
        when = self.when(mapping, key, what)
        if when is None:
            return None
        if not when.is_exact:
            self.fail(mapping.place(key), f"{key!r} of {what} must be one day such as 2015-02-10, got {when}")
            raise _Invalid
        return when.earliest

    def _structured_when(self, value: Map, what: str) -> When:
        date_of = f"the date of {what}"
        if "not_before" in value:
            if not self.keys(value, ("text", "not_before"), date_of, ("text", "not_before")):
                raise _Invalid
            floor = self.when(value, "not_before", date_of)
            text = self.text(value, "text", date_of)
            if floor is None or text is None:
                self.fail(value.where, f"{date_of} needs both 'text' and 'not_before'")
                raise _Invalid
            return parse_when(text, not_before=floor.earliest)
        if not self.keys(value, ("earliest", "latest", "precision", "text"), date_of, ("earliest", "latest")):
            raise _Invalid
        earliest = self.when(value, "earliest", date_of)
        latest = self.when(value, "latest", date_of)
        if earliest is None or latest is None:
            self.fail(value.where, f"{date_of} needs both 'earliest' and 'latest' (got null)")
            raise _Invalid
        precision = self.text(value, "precision", date_of) or "range"
        if precision not in _PRECISIONS:
            choices = ", ".join(_PRECISIONS)
            self.fail(
                value.place("precision"),
                f"'precision' of {date_of} must be one of {choices}, "
                f"got {precision!r}{_suggest(precision, _PRECISIONS)}",
            )
            raise _Invalid
        return When(earliest.earliest, latest.latest, precision, self.text(value, "text", date_of))

    def build(self, where: Where, what: str, make: Callable[[], T]) -> T:
        """Call ``make``; an orgmodel error it raises becomes a problem at ``where``."""
        try:
            return make()
        except OrgModelError as error:
            self.fail(where, f"{what}: {in_file_words(str(error))}")
            raise _Invalid from None

    # --- sections ---------------------------------------------------------------------------

    def read(self, document: Document) -> list[Event | Change]:
        """Every log entry of the document (after recording every problem found).

        The document is read in the file's order; entries under ``events`` are read one at a
        time as they are parsed.  An entry that needs a source or an entity declared further
        down the file waits, and is read at the end.
        """
        if document.empty:
            self.fail(document.root, "the file is empty; it needs at least 'events'")
            return []
        top = document.top
        if top is None:
            shown = _shown(document.other)
            self.fail(document.root, f"an orgmodel file must be a mapping of keys to values, got {shown}")
            return []
        entries: list[Event | Change | None] = []
        self.waiting_for = {"sources", "entities"}
        for key in document:
            self.waiting_for.discard(key)
            if key not in TOP_KEYS:
                self.fail(top.key_place(key), f"an orgmodel file does not take {key!r}{_suggest(key, TOP_KEYS)}")
                continue
            with contextlib.suppress(_Invalid):
                if key == "orgmodel":
                    self.read_version(top)
                elif key in ("title", "description"):
                    self.text(top, key, "the file")
                elif key == "sources":
                    self.read_sources(top["sources"], top.place("sources"))
                elif key == "entities":
                    self.read_entities(top["entities"], top.place("entities"))
                elif key == "categories":
                    self.read_categories(top["categories"], top.place("categories"))
                elif key == "events":
                    entries = self.read_events(top["events"], top.place("events"))
            top[key] = None  # read: let it go
        self.waiting_for = set()
        if "events" not in top:
            self.fail(document.root, "an orgmodel file needs 'events'")
        read = [entry for entry in (self.read_deferred(entries) if self.deferred else entries) if entry is not None]
        read = self.resolve_cancellations(read)
        for entity_id, (entity, where) in self.catalogue.items():
            if entity_id not in self.established and entity_id not in self.unmade:
                self.fail(where, f"{entity.entity_type.value} {entity_id!r} is declared but no event establishes it")
        return read

    def read_version(self, top: Map) -> None:
        version = top.get("orgmodel")
        if version != FORMAT_VERSION:
            self.fail(
                top.place("orgmodel"), f"this is format version {version!r}; orgmodel reads version {FORMAT_VERSION}"
            )

    def read_categories(self, value: Any, where: Where) -> None:
        """``categories:``: what each kind of unit of the file's own is (political, administrative, …)."""
        table = self.mapping(value, where, "categories")
        choices = [member.value for member in Category]
        for kind in table:
            category = table[kind]
            if category not in choices:
                self.fail(
                    table.place(kind),
                    f"the category of kind {kind!r} must be one of {', '.join(choices)}, got {_shown(category)}"
                    f"{_suggest(str(category), choices)}",
                )
                continue
            self.categories[kind] = Category(category)

    def read_sources(self, value: Any, where: Where) -> None:
        sources = self.mapping(value, where, "sources")
        for name, item in sources.items():
            with contextlib.suppress(_Invalid):
                self.sources[name] = self.source_value(item, sources.place(name))

    def source_value(self, value: Any, where: Where) -> Source:
        mapping = self.mapping(value, where, "a source")
        if not self.keys(mapping, SOURCE_KEYS, "a source"):
            raise _Invalid
        decided = self.when(mapping, "decided", "a source")
        dated = self.day(mapping, "dated", "a source")
        texts = {key: self.text(mapping, key, "a source") for key in ("body", "reference", "quote")}
        document = self.text(mapping, "document", "a source") or ""
        return self.build(where, "a source", lambda: Source(document, decided=decided, dated=dated, **texts))

    def read_entities(self, value: Any, where: Where) -> None:
        sections = self.mapping(value, where, "entities")
        self.keys(sections, tuple(ENTITY_SECTIONS), "entities")
        for section, (kind, fields) in ENTITY_SECTIONS.items():
            if section not in sections:
                continue
            try:
                items = self.sequence(sections[section], sections.place(section), f"entities.{section}")
            except _Invalid:
                continue
            fast = self.fast
            marks = items.marks
            for index, item in enumerate(items):
                entity = fast.entity(item, kind, fields) if fast is not None else None
                if entity is not None:
                    # Where it was declared, for later messages: worked out now, cheaply (items.place(index).fixed()).
                    mark = marks[index + 1] if marks is not None else None
                    where = Where(f"entities.{section}[{index}]", *((mark.line + 1, mark.column + 1) if mark else ()))
                    self.catalogue[entity.id] = (entity, where)
                    self.kinds[entity.id] = kind
                    continue
                with contextlib.suppress(_Invalid):
                    self._entity(item, items.place(index), kind, fields, section)

    def _entity(self, item: Any, where: Where, kind: type[Entity], fields: tuple[str, ...], section: str) -> None:
        mapping = self.mapping(item, where, f"an entry of entities.{section}")
        name_key = "title" if kind is Post else "name"
        if not self.keys(mapping, fields, f"an entry of entities.{section}", ("id", name_key)):
            raise _Invalid
        entity_id = self.ident(mapping, "id", "an entity")
        if entity_id in self.catalogue:
            earlier = self.catalogue[entity_id][1]
            self.fail(where, f"id {entity_id!r} is declared twice (first at line {earlier.line})")
            raise _Invalid
        try:
            values = self.entity_values(mapping, fields, f"{kind.entity_type.value} {entity_id!r}")
            entity = self.build(where, f"{kind.entity_type.value} {entity_id!r}", lambda: kind(**values))
        except _Invalid:
            self.unmade.add(entity_id)  # events establishing it fail because of this problem: not reported again
            raise
        self.catalogue[entity_id] = (entity, where.fixed())
        self.kinds[entity_id] = kind

    def entity_values(self, mapping: Map, fields: tuple[str, ...], what: str) -> dict[str, Any]:
        """The values of an entity's ``fields`` in ``mapping``, each checked as what it is (an id, a name ...)."""
        values: dict[str, Any] = {}
        for key in fields:
            if key not in mapping:
                continue
            reader = _ENTITY_FIELD_READERS.get(key)
            if reader is None:
                values[key] = mapping[key]  # a field this reader does not know: the entity's own check applies
            else:
                values[key] = reader(self, mapping, key, what)
        return values

    def name(self, mapping: Map, key: str, what: str) -> str | None:
        """A name or title: text within the ``name_length`` limit."""
        value = self.text(mapping, key, what)
        if value is not None:
            self.short(value, mapping.place(key), f"{key!r} of {what}")
        return value

    def aliases(self, mapping: Map, key: str, what: str) -> tuple[str, ...]:
        found = self.idents_or_names(mapping, key)
        for index, alias in enumerate(found):
            self.short(alias, mapping.place(key), f"alias {index + 1} of {what}")
        return found

    def seats(self, mapping: Map, key: str, what: str) -> int | None:
        """A number of seats, or ``unlimited`` (``None``)."""
        value = mapping.get(key)
        if value == "unlimited":
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(mapping.place(key), f"'seats' of {what} must be a whole number of 1 or more, or 'unlimited'")
            raise _Invalid
        return value

    def fields(self, mapping: Map, key: str, what: str, *, clearing: bool = False) -> dict[str, Any]:
        """``attributes:`` or ``identifiers:``: names to plain values (``null`` clears one, when ``clearing``)."""
        table = self.mapping(mapping[key], mapping.place(key), f"{key!r} of {what}")
        found: dict[str, Any] = {}
        for name in table:
            value = table[name]
            if isinstance(value, (Map, Seq)) or (value is None and not clearing):
                allowed = "text, a number, true/false" + (" or null (to clear it)" if clearing else "")
                self.fail(table.place(name), f"{key[:-1]} {name!r} of {what} must be {allowed}, got {_shown(value)}")
                raise _Invalid
            found[name] = value.isoformat() if isinstance(value, dt.date) else value
        return found

    def holdings(self, mapping: Map, key: str, what: str) -> tuple[Holding, ...]:
        """``holder: id`` or ``holders: [id, {person: id, roles: [...], overlap: true}, …]``."""
        value = mapping[key]
        items: list[Any]
        if key == "holder" or not isinstance(value, Seq):
            items, places = [value], [mapping.place(key)]  # one holder (a list under 'holder' is refused below)
        else:
            items, places = list(value), [value.place(index) for index in range(len(value))]
        found = []
        for item, where in zip(items, places, strict=True):
            if isinstance(item, Map):
                if not self.keys(item, ("person", "roles", "overlap"), "a holder", ("person",)):
                    raise _Invalid
                person = self.ident(item, "person", "a holder")
                roles = self.idents_or_names(item, "roles") if "roles" in item else ()
                overlap = self.boolean(item, "overlap", "a holder") or False
                found.append(self.build(where, "a holder", lambda: Holding(person, roles, overlap)))  # noqa: B023
            elif isinstance(item, (str, int)) and not isinstance(item, bool) and str(item).strip():
                found.append(Holding(str(item)))
            else:
                self.fail(where, f"{key!r} of {what} must name people, got {_shown(item)}")
                raise _Invalid
        return tuple(found)

    def idents_or_names(self, mapping: Map, key: str) -> tuple[str, ...]:
        value = mapping.get(key)
        if isinstance(value, str):
            return (value,)
        items = self.sequence(value, mapping.place(key), f"{key!r}")
        for index, item in enumerate(items):
            if not isinstance(item, str):
                self.fail(items.place(index), f"{key!r} must list names, got {_shown(item)}")
                raise _Invalid
        return tuple(items)

    # --- events -----------------------------------------------------------------------------

    def read_events(self, value: Any, where: Where) -> list[Event | Change | None]:
        """The entries under ``events``, read as they come; ``None`` where one waits (see :meth:`read`)."""
        if not isinstance(value, Entries):
            self.sequence(value, where, "events")  # records what it is instead; a list is always Entries
            return []
        entries: list[Event | Change | None] = []
        fast = self.fast
        for item, at, item_where in value:
            quick = fast.entry(item, at) if fast is not None else None
            if quick is not None:
                entries.append(quick)
                continue
            item = value.careful(item, at)  # noqa: PLW2901 - the same entry, made ready for the careful way
            problems = len(self.problems)
            try:
                entries.append(self.entry(item, item_where))
            except _Deferred:
                del self.problems[problems:]
                self.deferred.append((len(entries), item, item_where))
                entries.append(None)
            except _Invalid:
                self.unmade.update(_would_make(item))
                entries.append(None)
        return entries

    def read_deferred(self, entries: list[Event | Change | None]) -> list[Event | Change | None]:
        """``entries`` with the ones that waited for a later section read in their places."""
        for index, item, where in self.deferred:
            try:
                entries[index] = self.entry(item, where)
            except _Invalid:
                self.unmade.update(_would_make(item))
        self.deferred = []
        return entries

    def entry(self, item: Any, where: Where) -> Event | Change:
        mapping = self.mapping(item, where, "an event")
        if "events" in mapping:
            return self.change(mapping)
        if "cancels" in mapping:
            return self.cancellation(mapping)
        event = self.event(mapping, in_change=False)
        knowledge = self.knowledge(mapping, "an event")
        if not knowledge:
            return event
        # What was known when belongs to a change: an event on its own that carries it is a change of one.
        on = event.on
        assert on is not None
        origin = self.origin_of(mapping)
        status = event.status or Status.DECIDED
        return self.build(
            mapping.where,
            "an event",
            lambda: Change(on, [event], status=status, source=event.source, origin=origin, **knowledge),
        )

    def knowledge(self, mapping: Map, what: str) -> dict[str, Any]:
        """The ``id``, ``known`` and ``corrects`` of a log entry, those it has."""
        found: dict[str, Any] = {}
        for key in ("id", "corrects"):
            if key in mapping:
                found[key] = self.ident(mapping, key, what)
        known = self.day(mapping, "known", what)
        if known is not None:
            found["known"] = known
        return found

    def cancellation(self, mapping: Map) -> Change:
        """``cancels: ID``: a change that cancels an earlier one; it takes that one's date and events."""
        what = "a cancellation"
        if not self.keys(mapping, CANCEL_KEYS, what, ("cancels",)):
            raise _Invalid
        target = self.ident(mapping, "cancels", what)
        common = self.common(mapping, what)
        knowledge = self.knowledge(mapping, what)
        origin = self.origin_of(mapping)
        # Resolved once every entry is read: the change it cancels may come later in the file.
        placeholder = Change("0001-01-01", [Dissolve(target)], status=Status.CANCELLED, corrects=target, origin=origin)
        self.cancellations.append((placeholder, mapping, {**common, **knowledge}))
        return placeholder

    def resolve_cancellations(self, entries: list[Event | Change]) -> list[Event | Change]:
        """Put in each cancellation the date and events of the change it cancels."""
        if not self.cancellations:
            return entries
        by_id = {entry.id: entry for entry in entries if isinstance(entry, Change) and entry.id is not None}
        made: dict[int, Change | None] = {}
        for placeholder, mapping, fields in self.cancellations:
            target_id = placeholder.corrects
            assert target_id is not None
            target = by_id.get(target_id)
            if target is None:
                hint = _suggest(target_id, list(by_id))
                self.fail(mapping.place("cancels"), f"it cancels change {target_id!r}, but no change has that id{hint}")
                made[id(placeholder)] = None
                continue
            cancellation = Change.cancelling(target, **fields)
            made[id(placeholder)] = attrs.evolve(cancellation, origin=placeholder.origin)
        resolved: list[Event | Change] = []
        for entry in entries:
            if id(entry) in made:
                replacement = made[id(entry)]
                if replacement is not None:
                    resolved.append(replacement)
            else:
                resolved.append(entry)
        return resolved

    def common(self, mapping: Map, what: str, inherited: Source | None = None) -> dict[str, Any]:
        """The date, status, source and note of an event or change.

        A quote with no source of its own quotes the ``inherited`` source (the change's).
        """
        found: dict[str, Any] = {}
        on = self.when(mapping, "on", what)
        if on is not None:
            found["on"] = on
        status = self.text(mapping, "status", what)
        if status is not None:
            found["status"] = status
        source: Source | None = None
        if "source" in mapping:
            value = mapping["source"]
            if isinstance(value, str):
                if value not in self.sources and "sources" in self.waiting_for:
                    raise _Deferred
                if value not in self.sources:
                    self.fail(mapping.place("source"), f"unknown source {value!r}{_suggest(value, list(self.sources))}")
                    raise _Invalid
                source = self.sources[value]
            else:
                source = self.source_value(value, mapping.place("source"))
        quote = self.text(mapping, "quote", what)
        if quote is not None:
            source = attrs.evolve(source or inherited or Source(), quote=quote)
        if source is not None:
            found["source"] = source
        note = self.text(mapping, "note", what)
        if note is not None:
            found["note"] = note
        return found

    def change(self, mapping: Map) -> Change:
        what = "a change"
        self.keys(mapping, (*COMMON_KEYS, *KNOWLEDGE_KEYS, "events"), what, ("on", "events"))
        common = {**self.common(mapping, what), **self.knowledge(mapping, what)}
        items = self.sequence(mapping["events"], mapping.place("events"), "a change's events")
        events = []
        for index, item in enumerate(items):
            try:
                event_map = self.mapping(item, items.place(index), "an event")
                events.append(self.event(event_map, in_change=True, inherited=common.get("source")))
            except _Invalid:
                continue
        if "on" not in common or len(events) != len(items):
            raise _Invalid
        if not events:
            self.fail(mapping.place("events"), "a change needs at least one event")
            raise _Invalid
        origin = self.origin_of(mapping)
        return self.build(mapping.where, what, lambda: Change(events=events, origin=origin, **common))

    def event(self, mapping: Map, *, in_change: bool, inherited: Source | None = None) -> Event:
        types = [key for key in mapping if key in EVENT_KEYS]
        if len(types) != 1:
            found = f"found {', '.join(map(repr, types))}" if types else "found none"
            unknown = [key for key in mapping if key not in COMMON_KEYS]
            hint = _suggest(unknown[0], list(EVENT_KEYS)) if unknown and not types else ""
            self.fail(mapping.where, f"an event needs exactly one of {', '.join(EVENT_KEYS)} ({found}){hint}")
            raise _Invalid
        kind = types[0]
        self.events_read += 1
        if self.events_read > self.limits.events:
            prefix = mapping.where.prefix(self.file)
            raise FormatError([refusal(self.limits, prefix, "the file has more than", "events", "events")])
        allowed, required, what = self._event_keys(kind, in_change)
        fine = self.keys(mapping, allowed, what, required)
        if not in_change and "on" not in mapping:
            self.fail(mapping.where, f"{what} needs 'on' (its date), or must be inside a change that has one")
            fine = False
        if not fine:
            raise _Invalid
        common = self.common(mapping, what, inherited)
        common["origin"] = self.origin_of(mapping)
        make = getattr(self, f"_{kind.replace('-', '_')}")
        event: Event = make(mapping, what, common)
        return event

    @functools.cache  # noqa: B019 - a few kinds per reader; the cache goes with it
    def _event_keys(self, kind: str, in_change: bool) -> tuple[frozenset[str], tuple[str, ...], str]:
        """The keys an event of ``kind`` takes, those it needs, and how messages name it.

        An event on its own is a log entry, so it may also say what was known when; inside a
        change only the change does.
        """
        extra, required = EVENT_KEYS[kind]
        own = COMMON_KEYS if in_change else (*COMMON_KEYS, *KNOWLEDGE_KEYS)
        return frozenset((*own, kind, *extra)), required, f"event {kind!r}"

    def _catalogued(self, entity_id: str, where: Where, kinds: tuple[type[Entity], ...]) -> Entity:
        found = self.catalogue.get(entity_id)
        wanted = " or ".join(_SECTION_OF[kind] for kind in kinds)
        if found is None and "entities" in self.waiting_for:
            raise _Deferred
        if found is None and entity_id in self.unmade:
            raise _Invalid  # its declaration has a problem, reported there
        if found is None:
            self.fail(
                where,
                f"{entity_id!r} is not declared under entities.{wanted}{self._suggest_declared(entity_id, kinds)}",
            )
            raise _Invalid
        entity = found[0]
        if not isinstance(entity, kinds):
            self.fail(where, f"{entity_id!r} is a {entity.entity_type.value}, not one of entities.{wanted}")
            raise _Invalid
        self.established.add(entity_id)
        return entity

    def _suggest_declared(self, entity_id: str, kinds: tuple[type[Entity], ...]) -> str:
        """`` — did you mean ...?`` for an id not declared; the index of declared ids is made once."""
        key = (kinds, len(self.catalogue))
        matcher = self._matchers.get(key)
        if matcher is None:
            ids = [key for key, (entity, _) in self.catalogue.items() if isinstance(entity, kinds)]
            matcher = self._matchers[key] = _names.CloseMatcher(ids)
        close = matcher.find(entity_id, limit=1)
        return f" — did you mean {close[0]!r}?" if close else ""

    def _establish(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        value = mapping["establish"]
        where = mapping.place("establish")
        if isinstance(value, Map):
            entity = self._inline_entity(value, where)
        else:
            entity_id = self.ident(mapping, "establish", what)
            entity = self._catalogued(entity_id, where, (Unit, Post, Person, Function))
        allowed = DATED_FIELDS[type(entity)]
        changes: dict[str, Any] = {}
        if "holder" in mapping and "holders" in mapping:
            self.fail(mapping.key_place("holders"), f"{what} takes 'holder' or 'holders', not both")
            raise _Invalid
        for key in ("parent", "unit", "heads", "reports_to", "holder", "holders", "owner"):
            if key not in mapping:
                continue
            field = "holders" if key == "holder" else key
            if field not in allowed:
                self.fail(mapping.key_place(key), f"{what} of a {entity.entity_type.value} does not take {key!r}")
                raise _Invalid
            if field == "holders":
                changes[field] = self.holdings(mapping, key, what)
            elif key == "heads":
                changes[key] = self.boolean(mapping, key, what)
            else:
                changes[key] = self.maybe_ident(mapping, key, what)
        entity = self.build(where, what, lambda: attrs.evolve(entity, **changes))
        return self.build(mapping.where, what, lambda: Establish(entity, **common))

    def _inline_entity(self, value: Map, where: Where) -> Entity:
        singular = {"unit": "units", "post": "posts", "person": "people", "function": "functions"}
        if len(value) != 1 or next(iter(value)) not in singular:
            self.fail(where, "an inline entity is written as one of unit:, post:, person:, function: with its fields")
            raise _Invalid
        key = next(iter(value))
        kind, fields = ENTITY_SECTIONS[singular[key]]
        mapping = self.mapping(value[key], value.place(key), f"an inline {key}")
        name_key = "title" if kind is Post else "name"
        dated = DATED_FIELDS[kind]
        extra = ("holder",) if kind is Post else ()
        if not self.keys(mapping, (*fields, *dated, *extra), f"an inline {key}", ("id", name_key)):
            raise _Invalid
        what = f"an inline {key}"
        values = self.entity_values(mapping, (*fields, *dated), what)
        for name in ("holder", "holders"):
            if name in mapping:
                values["holders"] = self.holdings(mapping, name, what)
        entity = self.build(where, what, lambda: kind(**values))
        self.kinds[entity.id] = kind
        return entity

    def _dissolve(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        target = self.ident(mapping, "dissolve", what)
        return self.build(mapping.where, what, lambda: Dissolve(target, **common))

    def _rename(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        target = self.ident(mapping, "rename", what)
        name = self.text(mapping, "name", what) or ""
        kind = self.text(mapping, "kind", what)
        reformed = self.boolean(mapping, "reformed", what) or False
        return self.build(mapping.where, what, lambda: Rename(target, name, kind=kind, reformed=reformed, **common))

    def _move(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        target = self.ident(mapping, "move", what)
        to = self.maybe_ident(mapping, "to", what)
        return self.build(mapping.where, what, lambda: Move(target, to, **common))

    def _new_unit(self, unit_id: str, where: Where, parent: str | None) -> Unit:
        unit = self._catalogued(unit_id, where, (Unit,))
        assert isinstance(unit, Unit)
        return attrs.evolve(unit, parent=parent)

    def _merge(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        units = self.idents(mapping, "merge", what)
        into_id = self.ident(mapping, "into", what)
        into = self._new_unit(into_id, mapping.place("into"), self.maybe_ident(mapping, "parent", what))
        return self.build(mapping.where, what, lambda: Merge(units, into, **common))

    def _absorb(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        units = self.idents(mapping, "absorb", what)
        into = self.ident(mapping, "into", what)
        parts = self.idents(mapping, "parts", what) if "parts" in mapping else None
        return self.build(mapping.where, what, lambda: Absorb(units, into, parts=parts, **common))

    def _spin_off(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        target = self.ident(mapping, "spin-off", what)
        into_id = self.ident(mapping, "into", what)
        into = self._new_unit(into_id, mapping.place("into"), self.maybe_ident(mapping, "parent", what))
        parts = self.idents(mapping, "parts", what) if "parts" in mapping else ()
        return self.build(mapping.where, what, lambda: SpinOff(target, into, parts, **common))

    def _succeed(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        predecessor = self.ident(mapping, "succeed", what)
        successor = self.ident(mapping, "by", what)
        kind = self.text(mapping, "kind", what) or "succeeded"
        return self.build(mapping.where, what, lambda: Succeed(predecessor, successor, kind, **common))

    def _split(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        target = self.ident(mapping, "split", what)
        default_parent = self.maybe_ident(mapping, "parent", what)
        items = self.sequence(mapping["into"], mapping.place("into"), f"'into' of {what}")
        into = []
        for index, item in enumerate(items):
            where = items.place(index)
            if isinstance(item, Map):
                if not self.keys(item, ("id", "parent"), "a new unit of a split", ("id",)):
                    raise _Invalid
                unit_id = self.ident(item, "id", "a new unit")
                parent = self.maybe_ident(item, "parent", "a new unit") if "parent" in item else default_parent
            elif isinstance(item, str):
                unit_id, parent = item, default_parent
            else:
                self.fail(where, f"'into' of {what} must list ids or {{id, parent}} mappings, got {_shown(item)}")
                raise _Invalid
            into.append(self._new_unit(unit_id, where, parent))
        allocate: dict[str, str] = {}
        if "allocate" in mapping:
            table = self.mapping(mapping["allocate"], mapping.place("allocate"), f"'allocate' of {what}")
            for key in table:
                allocate[key] = self.ident(table, key, f"'allocate' of {what}")
        return self.build(mapping.where, what, lambda: Split(target, into, allocate=allocate, **common))

    def _transfer(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        function = self.ident(mapping, "transfer", what)
        to = self.ident(mapping, "to", what)
        return self.build(mapping.where, what, lambda: Transfer(function, to, **common))

    def _appoint(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        person = self.ident(mapping, "appoint", what)
        post = self.ident(mapping, "to", what)
        if self.kinds.get(person) is Post and self.kinds.get(post) is Person:
            self.fail(
                mapping.where,
                f"{what}: {person!r} is a post and {post!r} a person, so the two look swapped: "
                f"a file writes the person first (appoint: {post}, to: {person})",
            )
            raise _Invalid
        roles = self.idents_or_names(mapping, "roles") if "roles" in mapping else ()
        overlap = self.boolean(mapping, "overlap", what) or False
        return self.build(mapping.where, what, lambda: Appoint(post, person, roles=roles, overlap=overlap, **common))

    def _vacate(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        post = self.ident(mapping, "vacate", what)
        person = self.maybe_ident(mapping, "person", what)
        return self.build(mapping.where, what, lambda: Vacate(post, person, **common))

    def _set_roles(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        roles = self.idents_or_names(mapping, "set-roles") if mapping.get("set-roles") not in (None, []) else ()
        person = self.ident(mapping, "of", what)
        post = self.ident(mapping, "in", what)
        return self.build(mapping.where, what, lambda: SetRoles(post, person, roles, **common))

    def _set(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        target = self.ident(mapping, "set", what)
        attributes = self.fields(mapping, "attributes", what, clearing=True) if "attributes" in mapping else None
        identifiers = self.fields(mapping, "identifiers", what, clearing=True) if "identifiers" in mapping else None
        return self.build(
            mapping.where, what, lambda: SetAttributes(target, attributes, identifiers=identifiers, **common)
        )

    def _report(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        post = self.ident(mapping, "report", what)
        to = self.maybe_ident(mapping, "to", what)
        return self.build(mapping.where, what, lambda: SetReportingLine(post, to, **common))

    def _head(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        post = self.maybe_ident(mapping, "head", what)
        unit = self.ident(mapping, "of", what)
        return self.build(mapping.where, what, lambda: SetHead(unit, post, **common))

    def _relation(self, mapping: Map, kind_key: str, what: str) -> Relation:
        kind = self.text(mapping, kind_key, what) or ""
        source = self.ident(mapping, "from", what)
        target = self.ident(mapping, "to", what)
        detail = self.text(mapping, "detail", what) or ""
        return self.build(mapping.where, what, lambda: Relation(kind, source, target, detail))

    def _relate(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        relation = self._relation(mapping, "relate", what)
        return self.build(mapping.where, what, lambda: AddRelation(relation, **common))

    def _unrelate(self, mapping: Map, what: str, common: dict[str, Any]) -> Event:
        relation = self._relation(mapping, "unrelate", what)
        return self.build(mapping.where, what, lambda: RemoveRelation(relation, **common))


_ENTITY_FIELD_READERS: dict[str, Callable[[Reader, Map, str, str], Any]] = {
    "seats": Reader.seats,
    "attributes": Reader.fields,
    "identifiers": Reader.fields,
    "id": Reader.ident,
    "name": Reader.name,
    "title": Reader.name,
    "kind": Reader.text,
    "aliases": Reader.aliases,
    "parent": Reader.maybe_ident,
    "unit": Reader.maybe_ident,
    "heads": Reader.boolean,
    "reports_to": Reader.maybe_ident,
    "holder": Reader.maybe_ident,
    "owner": Reader.maybe_ident,
}


def _would_make(entry: Any) -> set[str]:
    """The ids a log entry (an event or a change, as read) would bring into being, as far as can be told."""
    if not isinstance(entry, dict):
        return set()
    if isinstance(entry.get("events"), list):
        return set().union(*(_would_make(event) for event in entry["events"]))
    made: set[str] = set()
    for key in ("establish", "into"):
        value = entry.get(key)
        candidates = value if isinstance(value, list) else [value]
        for candidate in candidates:
            if isinstance(candidate, dict) and len(candidate) == 1 and isinstance(next(iter(candidate.values())), dict):
                candidate = next(iter(candidate.values()))  # an inline entity: {unit: {id: …}}  # noqa: PLW2901
            if isinstance(candidate, dict):
                candidate = candidate.get("id")  # noqa: PLW2901
            if isinstance(candidate, str):
                made.add(candidate)
    return made


def _shown(value: Any) -> str:
    if isinstance(value, Map):
        return "a mapping"
    if isinstance(value, Seq):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)
