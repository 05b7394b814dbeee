"""Change events: the only way the facts of an organisation change.

Every event has an effective date (``on``, exact or imprecise), a ``status`` and
a ``source``.  Inside a :class:`Change` an event may leave these out and takes
them from the change; the timeline fills them in, so every event it returns
carries all three.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from orgmodel import _validate
from orgmodel._attributes import RESERVED, Attributes
from orgmodel._entities import Entity, Function, Holding, Person, Post, Relation, Unit, roles_tuple
from orgmodel.dates import DayLike, When, WhenLike, parse_day, parse_when
from orgmodel.errors import InvalidArgumentError, Location


class Status(str, enum.Enum):
    """Where an event stands. Cancelled events stay in the log but are never applied."""

    PLANNED = "planned"
    DECIDED = "decided"
    IMPLEMENTED = "implemented"
    CANCELLED = "cancelled"

    def __str__(self) -> str:
        return self.value


def _status(value: Status | str) -> Status:
    return _validate.to_enum(Status, value)


def _optional_status(value: Status | str | None) -> Status | None:
    return None if value is None else _status(value)


def _optional_when(value: WhenLike | None) -> When | None:
    return None if value is None else parse_when(value)


def _optional_day(value: DayLike | None) -> dt.date | None:
    return None if value is None else parse_day(value)


def _kind_text(value: enum.Enum | str | None) -> str | None:
    # Kinds are kept as plain text: which enum applies depends on the target's type.
    if isinstance(value, enum.Enum):
        return str(value.value)
    if value is not None and not isinstance(value, str):
        raise InvalidArgumentError(f"kind must be a kind's name such as 'unit', got {value!r}")
    return value


def _allocation(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    pairs: Iterable[object] = value.items() if isinstance(value, Mapping) else value
    result: list[tuple[str, str]] = []
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise InvalidArgumentError(f"allocate must map ids to ids, got the pair {pair!r}")
        key, place = pair
        if not (isinstance(key, str) and key and isinstance(place, str) and place):
            raise InvalidArgumentError(f"allocate must map ids to ids, got the pair {pair!r}")
        result.append((key, place))
    keys = [key for key, _ in result]
    if len(set(keys)) != len(keys):
        raise InvalidArgumentError(f"allocate must give each id one place, got {sorted(keys)!r}")
    return tuple(sorted(result))


def _units_tuple(value: Iterable[Unit]) -> tuple[Unit, ...]:
    return tuple(value)


def _optional_ids(value: Iterable[str] | str | None) -> tuple[str, ...] | None:
    return None if value is None else _validate.ids_tuple(value)


def _field_changes(value: object, what: str) -> tuple[tuple[str, Any], ...]:
    """Checked ``{name: value or None}`` changes, as sorted pairs (``None`` clears the field)."""
    if value is None:
        return ()
    if isinstance(value, tuple) and all(isinstance(pair, tuple) and len(pair) == 2 for pair in value):
        value = dict(value)  # already in the form kept: pairs, as a copy of the event gives them
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(f"{what} must map names to values (None to clear one), got {value!r}")
    kept = {key: item for key, item in value.items() if item is not None}
    checked = Attributes.of(kept) if what == "attributes" else Attributes.identifiers(kept)
    cleared = [key for key, item in value.items() if item is None]
    for key in cleared:
        if not isinstance(key, str) or not key.strip() or (what == "attributes" and key in RESERVED):
            raise InvalidArgumentError(f"{what} must map names to values (None to clear one), got the name {key!r}")
    return tuple(sorted([*checked.items(), *((key, None) for key in cleared)]))


def _attribute_changes(value: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    return _field_changes(value, "attributes")


def _identifier_changes(value: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    return _field_changes(value, "identifiers")


class LinkKind(str, enum.Enum):
    """How one entity led to another in its lineage.

    ``merged``, ``absorbed`` and ``split`` end the predecessor; ``spun-off``
    (part of it became a new unit) and ``partly-absorbed`` (part of it went
    to an existing unit) leave it in place; ``succeeded`` says the successor
    took over from it — re-formed as a new unit, or beside it for a while (an
    overlapping succession); ``transferred`` links a function's old and new
    owner.
    """

    MERGED = "merged"
    ABSORBED = "absorbed"
    SPLIT = "split"
    SPUN_OFF = "spun-off"
    PARTLY_ABSORBED = "partly-absorbed"
    SUCCEEDED = "succeeded"
    TRANSFERRED = "transferred"

    def __str__(self) -> str:
        return self.value


def _link_kind(value: LinkKind | str) -> LinkKind:
    kind = _validate.to_enum(LinkKind, value)
    if kind is LinkKind.TRANSFERRED:
        raise InvalidArgumentError("a succession links units: 'transferred' is made by Transfer, for functions")
    return kind


def _quote_ids(ids: Iterable[str]) -> str:
    return ", ".join(repr(item) for item in ids)


@attrs.frozen
class Source:
    """Where an event comes from: a document, the body that decided, when, its § or diary number, a quote.

    ``dated`` is the day of the document itself: what it says was known from
    then (a change's ``known`` day, unless the change gives its own).

    >>> Source("KFKS 2012/577-001", body="Kommunstyrelsen", decided="2013-02-11", reference="§ 53").cite()
    'KFKS 2012/577-001, Kommunstyrelsen 2013-02-11 § 53'
    """

    document: str = attrs.field(default="", validator=_validate.text)
    body: str | None = attrs.field(default=None, validator=attrs.validators.optional(_validate.text))
    decided: When | None = attrs.field(default=None, converter=_optional_when)
    reference: str | None = attrs.field(default=None, validator=attrs.validators.optional(_validate.text))
    quote: str | None = attrs.field(default=None, validator=attrs.validators.optional(_validate.text))
    dated: dt.date | None = attrs.field(default=None, converter=_optional_day, kw_only=True)

    def cite(self) -> str:
        """A short citation: document, then the deciding body, date and reference."""
        decision = " ".join(
            part for part in (self.body, str(self.decided) if self.decided else None, self.reference) if part
        )
        return ", ".join(part for part in (self.document, decision) if part) or "(no source given)"


_optional_source = attrs.validators.optional(_validate.instance_of(Source))


@attrs.frozen
class Event:
    """The base of every change event; see the subclasses for what each one changes.

    ``on``, ``status`` and ``source`` may be left out inside a :class:`Change`.
    ``origin`` is the file position the event was read from (not part of equality).
    """

    #: The event's name in files and messages.
    event_type: ClassVar[str] = "event"

    on: When | None = attrs.field(default=None, converter=_optional_when, kw_only=True)
    status: Status | None = attrs.field(default=None, converter=_optional_status, kw_only=True)
    source: Source | None = attrs.field(default=None, validator=_optional_source, kw_only=True)
    note: str = attrs.field(default="", validator=_validate.text, kw_only=True)
    origin: Location | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)

    def subjects(self) -> tuple[str, ...]:
        """The ids the event names, in the order it names them."""
        raise NotImplementedError

    def describe(self) -> str:
        """One line saying what the event does."""
        raise NotImplementedError


@attrs.frozen
class Establish(Event):
    """Bring an entity into being with its first value.

    >>> Establish(Unit("fu", "Förnyelseenheten", parent="slk"), on="2015-01-01").describe()
    "establish unit 'Förnyelseenheten' (fu)"
    """

    event_type: ClassVar[str] = "establish"

    entity: Entity = attrs.field(validator=_validate.instance_of(Unit, Post, Person, Function))

    def subjects(self) -> tuple[str, ...]:
        return (self.entity.id, *(value for _, value in self.entity.references()))

    def describe(self) -> str:
        return f"establish {self.entity.entity_type.value} {self.entity.name!r} ({self.entity.id})"


@attrs.frozen
class Dissolve(Event):
    """End an entity: a unit ceases, a post is abolished, a function ends, a person leaves.

    A unit must be empty (no child units, posts or functions): move them first
    in the same :class:`Change`, or use :class:`Absorb`.  A post must have no
    subordinates or functions.  A post's holder is released and the entity's
    relations end with it.

    >>> Dissolve("fastighetsstaben", on="2014-05-01").describe()
    "dissolve 'fastighetsstaben'"
    """

    event_type: ClassVar[str] = "dissolve"

    target: str = attrs.field(validator=_validate.identifier)

    def subjects(self) -> tuple[str, ...]:
        return (self.target,)

    def describe(self) -> str:
        return f"dissolve {self.target!r}"


@attrs.frozen
class Rename(Event):
    """Give an entity a new name (same identity); the old name is kept as an alias.

    ``kind`` changes the kind too, and ``reformed`` marks a change of scope
    (*ombildas till*: "is reformed into").

    >>> Rename("sue", "förnyelseenheten", on="2015-01-01").describe()
    "rename 'sue' to 'förnyelseenheten'"
    """

    event_type: ClassVar[str] = "rename"

    target: str = attrs.field(validator=_validate.identifier)
    name: str = attrs.field(validator=_validate.name)
    kind: str | None = attrs.field(default=None, converter=_kind_text)
    reformed: bool = attrs.field(default=False, validator=_validate.boolean)

    def subjects(self) -> tuple[str, ...]:
        return (self.target,)

    def describe(self) -> str:
        verb = "reform" if self.reformed else "rename"
        return f"{verb} {self.target!r} {'into' if self.reformed else 'to'} {self.name!r}"


@attrs.frozen
class Move(Event):
    """Move a unit under a new parent (``to=None``: to the top), or a post to another unit.

    >>> Move("idrottsdrift", "valfard-samhallsservice", on="2015-01-01").describe()
    "move 'idrottsdrift' to 'valfard-samhallsservice'"
    """

    event_type: ClassVar[str] = "move"

    target: str = attrs.field(validator=_validate.identifier)
    to: str | None = attrs.field(validator=_validate.optional_identifier)

    def subjects(self) -> tuple[str, ...]:
        return (self.target,) if self.to is None else (self.target, self.to)

    def describe(self) -> str:
        return f"move {self.target!r} to {self.to!r}" if self.to is not None else f"move {self.target!r} to the top"


@attrs.frozen
class Merge(Event):
    """Merge units into a new one: their contents move to it and they end.

    One unit "merged" alone is re-formed as a new unit (a new identity that
    succeeds it); its lineage link is then ``succeeded``.

    >>> Merge(["a", "b"], Unit("ab", "AB"), on="2015-01-01").describe()
    "merge 'a', 'b' into new unit 'AB' (ab)"
    """

    event_type: ClassVar[str] = "merge"

    units: tuple[str, ...] = attrs.field(converter=_validate.ids_tuple)
    into: Unit = attrs.field(validator=_validate.instance_of(Unit))

    def subjects(self) -> tuple[str, ...]:
        return (*self.units, self.into.id)

    def describe(self) -> str:
        return f"merge {_quote_ids(self.units)} into new unit {self.into.name!r} ({self.into.id})"


@attrs.frozen
class Absorb(Event):
    """Absorb units into an existing one (*integreras i*, *infogas i*): contents move, they end.

    With ``parts``, only those parts of one unit (its child units, posts and
    functions, by id) move, and the unit carries on: a partial absorption,
    linked ``partly-absorbed`` in the lineage.  A unit that gives parts to
    several units on one day is several of these in one :class:`Change`.

    >>> Absorb(["sociala-ekonomi"], "arbete-foretag", on="2015-01-01").describe()
    "absorb 'sociala-ekonomi' into 'arbete-foretag'"
    >>> Absorb(["dept-a"], "dept-b", parts=["energy-unit"], on="2016-07-14").describe()
    "absorb part of 'dept-a' ('energy-unit') into 'dept-b'"
    """

    event_type: ClassVar[str] = "absorb"

    units: tuple[str, ...] = attrs.field(converter=_validate.ids_tuple)
    into: str = attrs.field(validator=_validate.identifier)
    parts: tuple[str, ...] | None = attrs.field(default=None, converter=_optional_ids)

    @property
    def partial(self) -> bool:
        """Whether only some parts move and the unit carries on."""
        return self.parts is not None

    def subjects(self) -> tuple[str, ...]:
        return (*self.units, self.into, *(self.parts or ()))

    def describe(self) -> str:
        if self.parts is not None:
            return f"absorb part of {_quote_ids(self.units)} ({_quote_ids(self.parts)}) into {self.into!r}"
        return f"absorb {_quote_ids(self.units)} into {self.into!r}"


@attrs.frozen
class SpinOff(Event):
    """Make some parts of a unit a new unit, while the unit carries on (*knoppas av*).

    ``parts`` are ids of its child units, posts and functions, which move to
    the new unit ``into``; the lineage links the two ``spun-off``.

    >>> SpinOff("dept-a", Unit("agency", "The Agency"), parts=["unit-x"], on="2016-01-01").describe()
    "spin off new unit 'The Agency' (agency) from 'dept-a', taking 'unit-x'"
    """

    event_type: ClassVar[str] = "spin-off"

    target: str = attrs.field(validator=_validate.identifier)
    into: Unit = attrs.field(validator=_validate.instance_of(Unit))
    parts: tuple[str, ...] = attrs.field(default=(), converter=_validate.ids_tuple)

    def subjects(self) -> tuple[str, ...]:
        return (self.target, self.into.id, *self.parts)

    def describe(self) -> str:
        taking = f", taking {_quote_ids(self.parts)}" if self.parts else ""
        return f"spin off new unit {self.into.name!r} ({self.into.id}) from {self.target!r}{taking}"


@attrs.frozen
class Succeed(Event):
    """Record that ``successor`` took over from ``predecessor`` (a lineage link, nothing moves).

    For a succession that other events do not say on their own: a successor
    set up while its predecessor still exists (both appear on the days they
    overlap), or a link a register states.  ``kind`` is ``succeeded`` by
    default, or another structural :class:`LinkKind`.  The successor must
    exist; the predecessor may already have ended.

    >>> Succeed("old-dept", "new-dept", on="2015-01-01").describe()
    "'new-dept' succeeds 'old-dept'"
    """

    event_type: ClassVar[str] = "succeed"

    predecessor: str = attrs.field(validator=_validate.identifier)
    successor: str = attrs.field(validator=_validate.identifier)
    kind: LinkKind = attrs.field(default=LinkKind.SUCCEEDED, converter=_link_kind)

    @successor.validator
    def _check_two(self, attribute: attrs.Attribute[Any], value: str) -> None:
        if value == self.predecessor:
            raise InvalidArgumentError(f"a unit cannot succeed itself, got {value!r} twice")

    def subjects(self) -> tuple[str, ...]:
        return (self.predecessor, self.successor)

    def describe(self) -> str:
        if self.kind is LinkKind.SUCCEEDED:
            return f"{self.successor!r} succeeds {self.predecessor!r}"
        return f"link {self.predecessor!r} → {self.successor!r} ({self.kind.value})"


@attrs.frozen
class Split(Event):
    """Split one unit into several new ones (*delas i*); the unit ends.

    ``allocate`` says where each of its child units, posts and functions goes
    (an id of one of the new units, or of any unit or post that exists then);
    nothing may be left out.

    >>> Split(
    ...     "ekonomi",
    ...     [Unit("ctrl", "Controllerenheten"), Unit("red", "Redovisningsenheten")],
    ...     allocate={"ekonomichef": "red"},
    ...     on="2014-07-01",
    ... ).describe()
    "split 'ekonomi' into 'Controllerenheten' (ctrl), 'Redovisningsenheten' (red)"
    """

    event_type: ClassVar[str] = "split"

    target: str = attrs.field(validator=_validate.identifier)
    into: tuple[Unit, ...] = attrs.field(converter=_units_tuple)
    allocate: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_allocation)

    @into.validator
    def _check_into(self, attribute: attrs.Attribute[Any], value: tuple[Unit, ...]) -> None:
        for unit in value:
            if not isinstance(unit, Unit):
                raise InvalidArgumentError(f"into must hold Unit values, got {unit!r}")

    @property
    def allocation(self) -> dict[str, str]:
        """``allocate`` as a dict from each allocated id to where it goes."""
        return dict(self.allocate)

    def subjects(self) -> tuple[str, ...]:
        return (self.target, *(unit.id for unit in self.into))

    def describe(self) -> str:
        parts = ", ".join(f"{unit.name!r} ({unit.id})" for unit in self.into)
        return f"split {self.target!r} into {parts}"


@attrs.frozen
class Transfer(Event):
    """Move a function (a responsibility or process) to a new owner, a unit or a post.

    >>> Transfer("markfragor", "fastighetsutveckling", on="2015-01-01").describe()
    "transfer function 'markfragor' to 'fastighetsutveckling'"
    """

    event_type: ClassVar[str] = "transfer"

    function: str = attrs.field(validator=_validate.identifier)
    to: str = attrs.field(validator=_validate.identifier)

    def subjects(self) -> tuple[str, ...]:
        return (self.function, self.to)

    def describe(self) -> str:
        return f"transfer function {self.function!r} to {self.to!r}"


@attrs.frozen
class Appoint(Event):
    """Put a person in a post with a free seat (*tillträder*, *börjar*), in some ``roles`` if given.

    ``overlap=True`` appoints to a post whose seats are all held, for a
    hand-over: the newcomer holds it beside the others until one leaves.

    >>> Appoint("strategidirektor", "kpb", on="2015-01-01").describe()
    "appoint 'kpb' to post 'strategidirektor'"
    >>> Appoint("finance-minister", "ann", roles=["acting"], on="2015-01-01").describe()
    "appoint 'ann' to post 'finance-minister' (acting)"
    """

    event_type: ClassVar[str] = "appoint"

    post: str = attrs.field(validator=_validate.identifier)
    person: str = attrs.field(validator=_validate.identifier)
    roles: tuple[str, ...] = attrs.field(default=(), converter=roles_tuple)
    overlap: bool = attrs.field(default=False, validator=_validate.boolean)

    def subjects(self) -> tuple[str, ...]:
        return (self.post, self.person)

    def describe(self) -> str:
        notes = Holding(self.person, self.roles, self.overlap).describe()
        return f"appoint {self.person!r} to post {self.post!r}" + (f" ({notes})" if notes else "")


@attrs.frozen
class Vacate(Event):
    """A holder leaves a post: ``person``, who must be named when the post has several holders.

    >>> Vacate("stadsjurist", on="2015-01-01").describe()
    "vacate post 'stadsjurist'"
    >>> Vacate("whip", "ann", on="2015-01-01").describe()
    "'ann' leaves post 'whip'"
    """

    event_type: ClassVar[str] = "vacate"

    post: str = attrs.field(validator=_validate.identifier)
    person: str | None = attrs.field(default=None, validator=_validate.optional_identifier)

    def subjects(self) -> tuple[str, ...]:
        return (self.post,) if self.person is None else (self.post, self.person)

    def describe(self) -> str:
        if self.person is not None:
            return f"{self.person!r} leaves post {self.post!r}"
        return f"vacate post {self.post!r}"


@attrs.frozen
class SetRoles(Event):
    """Change the roles a holder has in a post, while they keep it (acting, on leave, …; empty: none).

    >>> SetRoles("finance-minister", "ann", [], on="2015-03-01").describe()
    "'ann' holds post 'finance-minister' with no role"
    >>> SetRoles("finance-minister", "ann", ["on-leave"], on="2015-06-01").describe()
    "'ann' holds post 'finance-minister' as on-leave"
    """

    event_type: ClassVar[str] = "set-roles"

    post: str = attrs.field(validator=_validate.identifier)
    person: str = attrs.field(validator=_validate.identifier)
    roles: tuple[str, ...] = attrs.field(converter=roles_tuple)

    def subjects(self) -> tuple[str, ...]:
        return (self.post, self.person)

    def describe(self) -> str:
        roles = "as " + ", ".join(self.roles) if self.roles else "with no role"
        return f"{self.person!r} holds post {self.post!r} {roles}"


@attrs.frozen
class SetAttributes(Event):
    """Set or clear fields of the user's own on an entity: ``attributes`` and ``identifiers`` (``None`` clears).

    >>> SetAttributes("d4", {"fte": 12.5, "cost_centre": None}, on="2016-01-01").describe()
    "set on 'd4': cost_centre cleared, fte = 12.5"
    """

    event_type: ClassVar[str] = "set"

    target: str = attrs.field(validator=_validate.identifier)
    attributes: tuple[tuple[str, Any], ...] = attrs.field(default=None, converter=_attribute_changes)
    identifiers: tuple[tuple[str, Any], ...] = attrs.field(default=None, converter=_identifier_changes, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.attributes and not self.identifiers:
            raise InvalidArgumentError("SetAttributes must set or clear at least one attribute or identifier")

    def subjects(self) -> tuple[str, ...]:
        return (self.target,)

    def describe(self) -> str:
        words = [
            f"{prefix}{key} cleared" if value is None else f"{prefix}{key} = {value!r}"
            for prefix, pairs in (("", self.attributes), ("identifier ", self.identifiers))
            for key, value in pairs
        ]
        return f"set on {self.target!r}: {', '.join(words)}"


@attrs.frozen
class SetReportingLine(Event):
    """Make a post report to another post (``to=None``: to nobody).

    >>> SetReportingLine("chef-juridik", "administrativ-direktor", on="2015-01-01").describe()
    "make post 'chef-juridik' report to 'administrativ-direktor'"
    """

    event_type: ClassVar[str] = "report"

    post: str = attrs.field(validator=_validate.identifier)
    to: str | None = attrs.field(validator=_validate.optional_identifier)

    def subjects(self) -> tuple[str, ...]:
        return (self.post,) if self.to is None else (self.post, self.to)

    def describe(self) -> str:
        if self.to is None:
            return f"remove the reporting line of post {self.post!r}"
        return f"make post {self.post!r} report to {self.to!r}"


@attrs.frozen
class SetHead(Event):
    """Make a post of a unit its head (``post=None``: the unit has no head); the old head stays a post of it.

    >>> SetHead("controllerenheten", "controllerchef", on="2015-01-01").describe()
    "make post 'controllerchef' head of 'controllerenheten'"
    """

    event_type: ClassVar[str] = "head"

    unit: str = attrs.field(validator=_validate.identifier)
    post: str | None = attrs.field(validator=_validate.optional_identifier)

    def subjects(self) -> tuple[str, ...]:
        return (self.unit,) if self.post is None else (self.unit, self.post)

    def describe(self) -> str:
        if self.post is None:
            return f"leave {self.unit!r} without a head"
        return f"make post {self.post!r} head of {self.unit!r}"


@attrs.frozen
class AddRelation(Event):
    """Start a typed relation (supports, responsible-for, dotted-line, contracted-to).

    >>> AddRelation(Relation("supports", "fu", "ks"), on="2015-01-01").describe()
    "add relation 'fu' supports 'ks'"
    """

    event_type: ClassVar[str] = "relate"

    relation: Relation = attrs.field(validator=_validate.instance_of(Relation))

    def subjects(self) -> tuple[str, ...]:
        return (self.relation.source, self.relation.target)

    def describe(self) -> str:
        relation = self.relation
        return f"add relation {relation.source!r} {relation.kind} {relation.target!r}"


@attrs.frozen
class RemoveRelation(Event):
    """End a typed relation, found by its kind, source and target.

    >>> RemoveRelation(Relation("supports", "fu", "ks"), on="2016-01-01").describe()
    "remove relation 'fu' supports 'ks'"
    """

    event_type: ClassVar[str] = "unrelate"

    relation: Relation = attrs.field(validator=_validate.instance_of(Relation))

    def subjects(self) -> tuple[str, ...]:
        return (self.relation.source, self.relation.target)

    def describe(self) -> str:
        relation = self.relation
        return f"remove relation {relation.source!r} {relation.kind} {relation.target!r}"


def made_entities(event: Event) -> tuple[Entity, ...]:
    """The entities an event brings into being (none for most kinds of event).

    >>> made_entities(Establish(Unit("u", "A"), on="2015-01-01"))
    (Unit(id='u', name='A'...),)
    """
    if isinstance(event, Establish):
        return (event.entity,)
    if isinstance(event, (Merge, SpinOff)):
        return (event.into,)
    if isinstance(event, Split):
        return event.into
    return ()


def _events_tuple(value: Iterable[Event]) -> tuple[Event, ...]:
    items: tuple[object, ...] = tuple(value)
    events = []
    for event in items:
        if not isinstance(event, Event) or type(event) is Event:
            raise InvalidArgumentError(f"a change holds events such as Rename(...), got {event!r}")
        events.append(event)
    if not events:
        raise InvalidArgumentError("a change must hold at least one event, got none")
    return tuple(events)


@attrs.frozen
class Change:
    """Events that apply together, atomically, on one date: one decision's worth of changes.

    The events apply in order; if one is rejected, none is.  Events may leave
    out ``on``, ``status`` and ``source`` and take the change's.

    What was known when (see :meth:`Timeline.as_known_on`): ``known`` is the
    day the change became known (by default its source's ``dated`` day; with
    neither, it counts as known all along).  ``id`` names the change so that a
    later one can correct it: a change with ``corrects=ID`` replaces that
    change from its own ``known`` day on — with another date, other events,
    or, with ``status="cancelled"``, nothing at all.  The corrected change is
    kept, and the history shows both.

    >>> change = Change("2015-01-01", [Rename("sue", "Förnyelseenheten"), Transfer("smart", "sue")])
    >>> len(change.events), change.status
    (2, <Status.DECIDED: 'decided'>)
    >>> later = Change("2015-02-01", change.events, id="c2", corrects="c1", known="2015-01-20")
    >>> later.known_on
    datetime.date(2015, 1, 20)
    """

    on: When = attrs.field(converter=parse_when)
    events: tuple[Event, ...] = attrs.field(converter=_events_tuple)
    status: Status = attrs.field(default=Status.DECIDED, converter=_status, kw_only=True)
    source: Source | None = attrs.field(default=None, validator=_optional_source, kw_only=True)
    note: str = attrs.field(default="", validator=_validate.text, kw_only=True)
    origin: Location | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    id: str | None = attrs.field(default=None, validator=_validate.optional_identifier, kw_only=True)
    known: dt.date | None = attrs.field(default=None, converter=_optional_day, kw_only=True)
    corrects: str | None = attrs.field(default=None, validator=_validate.optional_identifier, kw_only=True)

    @classmethod
    def cancelling(
        cls,
        target: Change,
        *,
        source: Source | None = None,
        known: DayLike | None = None,
        note: str = "",
        id: str | None = None,  # noqa: A002 - the field's name
    ) -> Change:
        """A change that cancels ``target`` (which needs an ``id``) from its own known day on.

        In a file it is written ``cancels: ID``.

        >>> old = Change("2015-01-01", [Dissolve("it")], id="it-ends", known="2014-11-24")
        >>> Change.cancelling(old, known="2015-02-10").describe(), Change.cancelling(old).corrects
        ("dissolve 'it'", 'it-ends')
        """
        if target.id is None:
            raise InvalidArgumentError(
                f"only a change with an id can be cancelled, got {target.describe()!r} on {target.on}; "
                "give it an id (id=... in Python, `id:` in a file)"
            )
        # The events as the target holds them, less what they take from it: they take the cancellation's.
        events = [
            attrs.evolve(
                event,
                on=None if event.on == target.on else event.on,
                status=None,
                source=None if event.source == target.source else event.source,
            )
            for event in target.events
        ]
        return cls(
            target.on,
            events,
            status=Status.CANCELLED,
            source=source,
            note=note,
            id=id,
            known=known,
            corrects=target.id,
        )

    @property
    def known_on(self) -> dt.date | None:
        """The day the change became known: ``known``, else its source's ``dated`` day, else ``None`` (all along)."""
        if self.known is not None:
            return self.known
        return self.source.dated if self.source is not None else None

    def describe(self) -> str:
        """One line saying what the change does."""
        if len(self.events) == 1:
            return self.events[0].describe()
        return "; ".join(event.describe() for event in self.events)


#: Every event class, by its name in files and messages.
EVENT_TYPES: dict[str, type[Event]] = {
    cls.event_type: cls
    for cls in (
        Establish,
        Dissolve,
        Rename,
        Move,
        Merge,
        Absorb,
        Split,
        Transfer,
        Appoint,
        Vacate,
        SetReportingLine,
        SetHead,
        AddRelation,
        RemoveRelation,
        SpinOff,
        Succeed,
        SetRoles,
        SetAttributes,
    )
}
