"""The things an organisation is made of, each as it stands on one day.

A :class:`Unit`, :class:`Post`, :class:`Person` or :class:`Function` is an
immutable value: its ``id`` is its identity for all time, every other field is
what it is on a given day.  Establishing an entity gives its first value; every
later event replaces the value with a new one (``attrs.evolve``).

Kinds are open: the built-in kinds (:class:`UnitKind`, :class:`PostKind`,
:class:`FunctionKind`, :class:`RelationKind`) are the municipal vocabulary the
drawings know, and any other kind name (``"division"``, ``"ministry"``) is
accepted as plain text.  What a unit kind *is* — political, administrative, a
company, external — is its :class:`Category`, which drives how it is drawn.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypeAlias

import attrs

from orgmodel import _validate
from orgmodel._attributes import Attributes
from orgmodel.errors import InvalidArgumentError


class Category(str, enum.Enum):
    """What a kind of unit is, for drawing and grouping: which part of the organisation it belongs to.

    A built-in :class:`UnitKind` has its category; a kind of the user's own is
    ``administrative`` unless the timeline says otherwise
    (``Timeline(..., categories={"board": "company"})``, or ``kinds:`` in a file).

    >>> UnitKind.BOARD.category, UnitKind.COMPANY.category
    (<Category.POLITICAL: 'political'>, <Category.COMPANY: 'company'>)
    """

    POLITICAL = "political"  # assemblies, boards, committees, councils: the elected side
    ADMINISTRATIVE = "administrative"  # offices, units, staffs, divisions, teams: the organisation itself
    COMPANY = "company"  # owned companies and their bodies
    EXTERNAL = "external"  # outside bodies: contractors, other authorities

    def __str__(self) -> str:
        return self.value


class UnitKind(str, enum.Enum):
    """The built-in kinds of unit. Political kinds (``is_political``) are drawn apart from the administration.

    Any other kind name is accepted too (``Unit(..., kind="division")``) and kept as text.

    >>> UnitKind("sub-committee").is_political
    True
    """

    ASSEMBLY = "assembly"  # kommunfullmäktige
    BOARD = "board"  # nämnd, styrelse (kommunstyrelsen is the executive board)
    COMMITTEE = "committee"  # kommitté
    SUB_COMMITTEE = "sub-committee"  # utskott
    COUNCIL = "council"  # råd
    OFFICE = "office"  # förvaltning, kontor (stadsledningskontoret)
    UNIT = "unit"  # enhet
    STAFF = "staff"  # stab
    GROUP = "group"  # grupp, team
    PRODUCTION_AREA = "production-area"  # produktionsområde, välfärdsområde
    COMPANY = "company"  # bolag
    EXTERNAL = "external"  # an outside body: a contractor, another authority
    OTHER = "other"

    @property
    def is_political(self) -> bool:
        """Whether units of this kind are political bodies (assembly, boards, committees, councils)."""
        return self in _POLITICAL

    @property
    def is_external(self) -> bool:
        """Whether units of this kind stand outside the municipality's own organisation."""
        return self in (UnitKind.COMPANY, UnitKind.EXTERNAL)

    @property
    def category(self) -> Category:
        """The part of the organisation units of this kind belong to."""
        if self in _POLITICAL:
            return Category.POLITICAL
        if self is UnitKind.COMPANY:
            return Category.COMPANY
        if self is UnitKind.EXTERNAL:
            return Category.EXTERNAL
        return Category.ADMINISTRATIVE

    def __str__(self) -> str:
        return self.value


_POLITICAL = frozenset(
    {UnitKind.ASSEMBLY, UnitKind.BOARD, UnitKind.COMMITTEE, UnitKind.SUB_COMMITTEE, UnitKind.COUNCIL}
)


def category_of(kind: UnitKind | str, categories: Mapping[str, Category] | None = None) -> Category:
    """The category of a unit kind: as ``categories`` declares it, else built in, else administrative.

    >>> category_of("division"), category_of("board"), category_of("board", {"board": Category.COMPANY})
    (<Category.ADMINISTRATIVE: 'administrative'>, <Category.POLITICAL: 'political'>, <Category.COMPANY: 'company'>)
    """
    text = str(kind)
    if categories is not None and text in categories:
        return categories[text]
    if isinstance(kind, UnitKind):
        return kind.category
    builtin = _UNIT_KINDS.get(text)
    return builtin.category if builtin is not None else Category.ADMINISTRATIVE


class PostKind(str, enum.Enum):
    """What a post is, for display; whether it heads its unit is ``Post.heads``."""

    CHIEF_EXECUTIVE = "chief-executive"  # stadsdirektör, kommundirektör
    DIRECTOR = "director"  # X-direktör
    HEAD = "head"  # enhetschef, stabschef
    DEPUTY_HEAD = "deputy-head"  # biträdande enhetschef
    GROUP_HEAD = "group-head"  # gruppchef
    SPECIALIST = "specialist"  # stadsjurist, strateg, controller
    CHAIR = "chair"  # ordförande
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


class FunctionKind(str, enum.Enum):
    """What a function is: something an owner is responsible for, which can move between owners."""

    RESPONSIBILITY = "responsibility"  # ansvar: markfrågor, ekonomiskt bistånd
    PROCESS = "process"  # process: naturreservatsprocessen
    OPERATION = "operation"  # drift: simhallsdrift
    ASSIGNMENT = "assignment"  # uppdrag: utvecklingsuppdraget Smart kommun

    def __str__(self) -> str:
        return self.value


class EntityType(str, enum.Enum):
    """The four sorts of entity; ``Person.kind`` is ``EntityType.PERSON``."""

    UNIT = "unit"
    POST = "post"
    PERSON = "person"
    FUNCTION = "function"

    def __str__(self) -> str:
        return self.value


class RelationKind(str, enum.Enum):
    """Typed, dated edges beside the hierarchy.

    ``supports``: a unit gives staff support to a body (tjänstemannastöd);
    ``responsible-for``: a post answers for a body or a function (ansvarig direktör);
    ``dotted-line``: functional reporting beside the line (a controller placed in
    one unit who reports to a director); ``contracted-to``: a body carries out
    work under contract for another (a winning bidder).
    """

    SUPPORTS = "supports"
    RESPONSIBLE_FOR = "responsible-for"
    DOTTED_LINE = "dotted-line"
    CONTRACTED_TO = "contracted-to"

    def __str__(self) -> str:
        return self.value


class Role(str, enum.Enum):
    """Well-known roles of a person in a post (see :class:`Holding`); any other role name is accepted too.

    >>> Holding("anna", roles=["acting"]).roles
    ('acting',)
    """

    ACTING = "acting"  # tillförordnad: fills the post until it is filled for good
    INTERIM = "interim"  # appointed for a set period
    ON_LEAVE = "on-leave"  # holds the post but is away from it
    DEPUTISING = "deputising"  # stands in for the holder of another post

    def __str__(self) -> str:
        return self.value


_UNIT_KINDS = {member.value: member for member in UnitKind}
_POST_KINDS = {member.value: member for member in PostKind}
_FUNCTION_KINDS = {member.value: member for member in FunctionKind}
_RELATION_KINDS = {member.value: member for member in RelationKind}

_KINDS_BY_SORT: dict[str, Mapping[str, Any]] = {
    "unit": _UNIT_KINDS,
    "post": _POST_KINDS,
    "function": _FUNCTION_KINDS,
    "relation": _RELATION_KINDS,
}


def _open_kind(builtins: Mapping[str, Any], value: object, what: str) -> Any:
    # A built-in kind becomes its member (so `kind is UnitKind.BOARD` holds); any other name stays text, unless
    # it is a built-in kind of another sort of entity (a unit of kind "director" is a mistake, not a new kind).
    if isinstance(value, enum.Enum) and value.value in builtins:
        return builtins[value.value]
    if not isinstance(value, str):
        raise InvalidArgumentError(f"kind must be a {what} kind's name such as {next(iter(builtins))!r}, got {value!r}")
    found = builtins.get(value)
    if found is not None:
        return found
    _validate.kind_name(value, what)
    for sort, kinds in _KINDS_BY_SORT.items():
        if sort != what and value in kinds:
            choices = ", ".join(repr(name) for name in builtins)
            raise InvalidArgumentError(
                f"{value!r} is not a {what} kind but a {sort} kind: use one of {choices}, or a name of your own"
            )
    return value


def _unit_kind(value: UnitKind | str) -> UnitKind | str:
    result: UnitKind | str = _open_kind(_UNIT_KINDS, value, "unit")
    return result


def _post_kind(value: PostKind | str) -> PostKind | str:
    result: PostKind | str = _open_kind(_POST_KINDS, value, "post")
    return result


def _function_kind(value: FunctionKind | str) -> FunctionKind | str:
    result: FunctionKind | str = _open_kind(_FUNCTION_KINDS, value, "function")
    return result


def _relation_kind(value: RelationKind | str) -> RelationKind | str:
    result: RelationKind | str = _open_kind(_RELATION_KINDS, value, "relation")
    return result


def roles_tuple(value: Iterable[Role | str] | str) -> tuple[str, ...]:
    items: tuple[object, ...] = (value,) if isinstance(value, str) else tuple(value)
    roles = set()
    for item in items:
        text = item.value if isinstance(item, Role) else item
        if not isinstance(text, str):
            raise InvalidArgumentError(f"roles must be names such as 'acting', got {item!r}")
        _validate.kind_name(text, "role")
        roles.add(text)
    return tuple(sorted(roles))


@attrs.frozen
class Holding:
    """A person in a post, with their ``roles`` there (acting, on leave, deputising, or any of the user's own).

    ``overlap`` marks a hand-over: the person was appointed while every seat
    of the post was still held (``Appoint(..., overlap=True)``), and holds it
    beside the others until one of them leaves.

    >>> Holding("anna", roles=["on-leave", "acting"])
    Holding(person='anna', roles=('acting', 'on-leave'), overlap=False)
    """

    person: str = attrs.field(validator=_validate.identifier)
    roles: tuple[str, ...] = attrs.field(default=(), converter=roles_tuple)
    overlap: bool = attrs.field(default=False, validator=_validate.boolean)

    def describe(self) -> str:
        """The roles in words: ``'acting, on-leave'`` (``''`` for none), with a hand-over said as such."""
        words = [*self.roles, *(["hand-over"] if self.overlap else [])]
        return ", ".join(words)


def _holdings(value: Iterable[Holding | str] | Holding | str | None) -> tuple[Holding, ...]:
    # A person's id stands for a holding without roles; None for nobody.
    if value is None:
        return ()
    items: tuple[object, ...] = (value,) if isinstance(value, (str, Holding)) else tuple(value)
    holdings = []
    for item in items:
        if isinstance(item, str):
            item = Holding(item)  # noqa: PLW2901
        if not isinstance(item, Holding):
            raise InvalidArgumentError(f"holders must be ids of people or Holding values, got {item!r}")
        holdings.append(item)
    people = [holding.person for holding in holdings]
    if len(set(people)) != len(people):
        raise InvalidArgumentError(f"holders must name each person once, got {people!r}")
    return tuple(holdings)


def _attributes(value: object) -> Attributes:
    return Attributes.of(value)


def _identifiers(value: object) -> Attributes:
    return Attributes.identifiers(value)


def _entity_repr(self: Any) -> str:
    """The repr attrs would write, leaving out ``attributes`` and ``identifiers`` when they are empty."""
    parts = []
    for field in attrs.fields(type(self)):
        value = getattr(self, field.name)
        if field.name in ("attributes", "identifiers") and not value:
            continue
        parts.append(f"{field.name}={value!r}")
    return f"{type(self).__name__}({', '.join(parts)})"


def _seats(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidArgumentError(f"seats must be a whole number of 1 or more, or None for no limit, got {value!r}")


@attrs.frozen(repr=False)
class Unit:
    """A box on the chart: a board, committee, council, office, unit, staff, company….

    ``parent`` is the id of the unit it sits under (``None`` at the top);
    ``aliases`` are other names it is known by (other spellings, short forms;
    its former names are in its history).  ``kind`` is a :class:`UnitKind` or
    the name of a kind of your own.  ``attributes`` hold fields of your own
    (a cost centre, a head count: text, numbers or booleans) and
    ``identifiers`` its ids in other registers, by scheme.

    >>> Unit("u1", "Förnyelseenheten", kind="unit", parent="slk").kind
    <UnitKind.UNIT: 'unit'>
    >>> Unit("d4", "Division 4", kind="division", attributes={"cost_centre": "4711"}).attributes["cost_centre"]
    '4711'
    """

    entity_type: ClassVar[EntityType] = EntityType.UNIT

    id: str = attrs.field(validator=_validate.identifier)
    name: str = attrs.field(validator=_validate.name)
    kind: UnitKind | str = attrs.field(default=UnitKind.UNIT, converter=_unit_kind)
    parent: str | None = attrs.field(default=None, validator=_validate.optional_identifier)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_validate.names_tuple)
    attributes: Attributes = attrs.field(default=Attributes.EMPTY, converter=_attributes)
    identifiers: Attributes = attrs.field(default=Attributes.EMPTY, converter=_identifiers)

    def references(self) -> tuple[tuple[str, str], ...]:
        """The ``(field, id)`` pairs this value points at."""
        return (("parent", self.parent),) if self.parent is not None else ()


@attrs.frozen(repr=False, init=False)
class Post:
    """A role: stadsdirektör, ekonomidirektör, enhetschef of a unit.

    ``unit`` is where the post belongs; ``heads`` says it is that unit's head
    (a unit has at most one); ``reports_to`` is the post it reports to.
    ``holders`` are the people in it, each a :class:`Holding` with their roles,
    in the order they were appointed (empty: vacant; ``holder="anna"`` is
    short for ``holders=["anna"]``); ``seats`` is how many may hold it at once
    (``None``: no limit).  ``name`` is the title.

    >>> Post("p1", "Enhetschef", kind="head", unit="u1", heads=True).name
    'Enhetschef'
    >>> whip = Post("whip", "Assistant Whip", seats=None, holders=["ann", "bob"])
    >>> whip.holder_ids, whip.vacant
    (('ann', 'bob'), False)
    """

    entity_type: ClassVar[EntityType] = EntityType.POST

    id: str = attrs.field(validator=_validate.identifier)
    title: str = attrs.field(validator=_validate.name)
    kind: PostKind | str = attrs.field(default=PostKind.OTHER, converter=_post_kind)
    unit: str | None = attrs.field(default=None, validator=_validate.optional_identifier)
    heads: bool = attrs.field(default=False, validator=_validate.boolean)
    reports_to: str | None = attrs.field(default=None, validator=_validate.optional_identifier)
    holders: tuple[Holding, ...] = attrs.field(default=(), converter=_holdings)
    seats: int | None = attrs.field(default=1, validator=_seats)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_validate.names_tuple)
    attributes: Attributes = attrs.field(default=Attributes.EMPTY, converter=_attributes)
    identifiers: Attributes = attrs.field(default=Attributes.EMPTY, converter=_identifiers)

    def __init__(
        self,
        id: str,  # noqa: A002 - the field's name
        title: str,
        kind: PostKind | str = PostKind.OTHER,
        unit: str | None = None,
        heads: bool = False,
        reports_to: str | None = None,
        holders: Iterable[Holding | str] | Holding | str | None = (),
        seats: int | None = 1,
        aliases: Iterable[str] | str = (),
        attributes: Mapping[str, Any] | Attributes | None = None,
        identifiers: Mapping[str, Any] | Attributes | None = None,
        *,
        holder: str | None = None,
    ) -> None:
        # ``holder="anna"`` is the one-holder way of writing ``holders=["anna"]``.
        if holder is not None:
            if holders:
                raise InvalidArgumentError("give holder or holders, not both")
            holders = (holder,)
        self.__attrs_init__(  # made by attrs, as init=False asks
            id, title, kind, unit, heads, reports_to, holders, seats, aliases, attributes, identifiers
        )

    @property
    def name(self) -> str:
        """The post's title."""
        return self.title

    @property
    def vacant(self) -> bool:
        """Whether nobody holds the post."""
        return not self.holders

    @property
    def holder_ids(self) -> tuple[str, ...]:
        """The ids of the people in the post, in the order they were appointed."""
        return tuple(holding.person for holding in self.holders)

    @property
    def holder(self) -> str | None:
        """The id of the one person in a post with one seat (``None`` when vacant).

        During a hand-over it is the one who was there first.  A post with
        several seats has no single holder: this raises
        :class:`~orgmodel.errors.InvalidArgumentError`; use ``holders``.

        >>> Post("sd", "Stadsdirektör", holders="lundin").holder
        'lundin'
        """
        holders = self.holders
        if not holders:
            return None
        if self.seats == 1:
            return holders[0].person
        if len(holders) == 1:
            return holders[0].person
        raise InvalidArgumentError(
            f"post {self.title!r} ({self.id}) has {len(holders)} holders "
            f"({', '.join(self.holder_ids)}), not one: use holders"
        )

    def holding(self, person: str) -> Holding | None:
        """The holding of ``person`` in this post, or ``None`` when they do not hold it."""
        for holding in self.holders:
            if holding.person == person:
                return holding
        return None

    @property
    def is_full(self) -> bool:
        """Whether every seat is taken (never, without a limit); hand-over holdings do not count."""
        return self.seats is not None and sum(not holding.overlap for holding in self.holders) >= self.seats

    def references(self) -> tuple[tuple[str, str], ...]:
        """The ``(field, id)`` pairs this value points at (``holder`` once per person in it)."""
        pairs = [("unit", self.unit), ("reports_to", self.reports_to)]
        pairs += [("holder", holding.person) for holding in self.holders]
        return tuple((field, value) for field, value in pairs if value is not None)


@attrs.frozen(repr=False)
class Person:
    """A person; ``aliases`` are other spellings of the name (the source writes both Broryd and Brorud).

    >>> Person("kpb", "Klara Palmberg Brorud", aliases=["Klara Palmberg Broryd"]).aliases
    ('Klara Palmberg Broryd',)
    """

    entity_type: ClassVar[EntityType] = EntityType.PERSON

    id: str = attrs.field(validator=_validate.identifier)
    name: str = attrs.field(validator=_validate.name)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_validate.names_tuple)
    attributes: Attributes = attrs.field(default=Attributes.EMPTY, converter=_attributes)
    identifiers: Attributes = attrs.field(default=Attributes.EMPTY, converter=_identifiers)

    @property
    def kind(self) -> EntityType:
        """Always ``EntityType.PERSON``; there for symmetry with the other entities."""
        return EntityType.PERSON

    def references(self) -> tuple[tuple[str, str], ...]:
        """The ``(field, id)`` pairs this value points at: none."""
        return ()


@attrs.frozen(repr=False)
class Function:
    """A responsibility or process that can move between owners (a unit or a post).

    >>> Function("mark", "Markfrågor", owner="u1").kind
    <FunctionKind.RESPONSIBILITY: 'responsibility'>
    """

    entity_type: ClassVar[EntityType] = EntityType.FUNCTION

    id: str = attrs.field(validator=_validate.identifier)
    name: str = attrs.field(validator=_validate.name)
    kind: FunctionKind | str = attrs.field(default=FunctionKind.RESPONSIBILITY, converter=_function_kind)
    owner: str | None = attrs.field(default=None, validator=_validate.optional_identifier)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_validate.names_tuple)
    attributes: Attributes = attrs.field(default=Attributes.EMPTY, converter=_attributes)
    identifiers: Attributes = attrs.field(default=Attributes.EMPTY, converter=_identifiers)

    def references(self) -> tuple[tuple[str, str], ...]:
        """The ``(field, id)`` pairs this value points at."""
        return (("owner", self.owner),) if self.owner is not None else ()


@attrs.frozen
class Relation:
    """A typed edge from ``source`` to ``target`` beside the hierarchy; ``note`` says more.

    Its identity is ``key``: ``(kind, source, target)``.  ``kind`` is a
    :class:`RelationKind` or the name of a kind of your own (``"liaises-with"``).

    >>> Relation("supports", "fu", "ks").key
    (<RelationKind.SUPPORTS: 'supports'>, 'fu', 'ks')
    """

    kind: RelationKind | str = attrs.field(converter=_relation_kind)
    source: str = attrs.field(validator=_validate.identifier)
    target: str = attrs.field(validator=_validate.identifier)
    note: str = attrs.field(default="", validator=_validate.text)

    @property
    def key(self) -> RelationKey:
        """What identifies the relation: no two active relations share a key."""
        return (self.kind, self.source, self.target)

    def __attrs_post_init__(self) -> None:
        if self.source == self.target:
            raise InvalidArgumentError(f"a relation must join two different entities, got {self.source!r} to itself")


for _entity_class in (Unit, Post, Person, Function):
    _entity_class.__repr__ = _entity_repr  # type: ignore[method-assign]

Entity: TypeAlias = Unit | Post | Person | Function
RelationKey: TypeAlias = tuple[RelationKind | str, str, str]
#: Fields that point from one entity to another, and the name of the inverse fact.
INVERSE_FACTS: dict[tuple[EntityType, str], str] = {
    (EntityType.UNIT, "parent"): "child unit",
    (EntityType.POST, "unit"): "post",
    (EntityType.POST, "reports_to"): "subordinate",
    (EntityType.POST, "holder"): "holds",
    (EntityType.FUNCTION, "owner"): "function",
}
