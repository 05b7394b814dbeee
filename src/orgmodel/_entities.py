"""The things an organisation is made of, each as it stands on one day.

A :class:`Unit`, :class:`Post`, :class:`Person` or :class:`Function` is an
immutable value: its ``id`` is its identity for all time, every other field is
what it is on a given day.  Establishing an entity gives its first value; every
later event replaces the value with a new one (``attrs.evolve``).
"""

from __future__ import annotations

import enum
from typing import ClassVar, TypeAlias

import attrs

from orgmodel import _validate
from orgmodel.errors import InvalidArgumentError


class UnitKind(str, enum.Enum):
    """What a unit is. Political kinds (``is_political``) are drawn apart from the administration.

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

    def __str__(self) -> str:
        return self.value


_POLITICAL = frozenset(
    {UnitKind.ASSEMBLY, UnitKind.BOARD, UnitKind.COMMITTEE, UnitKind.SUB_COMMITTEE, UnitKind.COUNCIL}
)


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


def _unit_kind(value: UnitKind | str) -> UnitKind:
    return _validate.to_enum(UnitKind, value)


def _post_kind(value: PostKind | str) -> PostKind:
    return _validate.to_enum(PostKind, value)


def _function_kind(value: FunctionKind | str) -> FunctionKind:
    return _validate.to_enum(FunctionKind, value)


def _relation_kind(value: RelationKind | str) -> RelationKind:
    return _validate.to_enum(RelationKind, value)


@attrs.frozen
class Unit:
    """A box on the chart: a board, committee, council, office, unit, staff, company….

    ``parent`` is the id of the unit it sits under (``None`` at the top);
    ``aliases`` are other names it is or was known by (a rename adds the old name).

    >>> Unit("u1", "Förnyelseenheten", kind="unit", parent="slk").kind
    <UnitKind.UNIT: 'unit'>
    """

    entity_type: ClassVar[EntityType] = EntityType.UNIT

    id: str = attrs.field(validator=_validate.identifier)
    name: str = attrs.field(validator=_validate.name)
    kind: UnitKind = attrs.field(default=UnitKind.UNIT, converter=_unit_kind)
    parent: str | None = attrs.field(default=None, validator=_validate.optional_identifier)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_validate.names_tuple)

    def references(self) -> tuple[tuple[str, str], ...]:
        """The ``(field, id)`` pairs this value points at."""
        return (("parent", self.parent),) if self.parent is not None else ()


@attrs.frozen
class Post:
    """A role: stadsdirektör, ekonomidirektör, enhetschef of a unit.

    ``unit`` is where the post belongs; ``heads`` says it is that unit's head
    (a unit has at most one); ``reports_to`` is the post it reports to; ``holder``
    the person in it (``None``: vacant).  ``name`` is the title.

    >>> Post("p1", "Enhetschef", kind="head", unit="u1", heads=True).name
    'Enhetschef'
    """

    entity_type: ClassVar[EntityType] = EntityType.POST

    id: str = attrs.field(validator=_validate.identifier)
    title: str = attrs.field(validator=_validate.name)
    kind: PostKind = attrs.field(default=PostKind.OTHER, converter=_post_kind)
    unit: str | None = attrs.field(default=None, validator=_validate.optional_identifier)
    heads: bool = attrs.field(default=False, validator=_validate.boolean)
    reports_to: str | None = attrs.field(default=None, validator=_validate.optional_identifier)
    holder: str | None = attrs.field(default=None, validator=_validate.optional_identifier)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_validate.names_tuple)

    @property
    def name(self) -> str:
        """The post's title."""
        return self.title

    @property
    def vacant(self) -> bool:
        """Whether nobody holds the post."""
        return self.holder is None

    def references(self) -> tuple[tuple[str, str], ...]:
        """The ``(field, id)`` pairs this value points at."""
        pairs = (("unit", self.unit), ("reports_to", self.reports_to), ("holder", self.holder))
        return tuple((field, value) for field, value in pairs if value is not None)


@attrs.frozen
class Person:
    """A person; ``aliases`` are other spellings of the name (the source writes both Broryd and Brorud).

    >>> Person("kpb", "Klara Palmberg Brorud", aliases=["Klara Palmberg Broryd"]).aliases
    ('Klara Palmberg Broryd',)
    """

    entity_type: ClassVar[EntityType] = EntityType.PERSON

    id: str = attrs.field(validator=_validate.identifier)
    name: str = attrs.field(validator=_validate.name)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_validate.names_tuple)

    @property
    def kind(self) -> EntityType:
        """Always ``EntityType.PERSON``; there for symmetry with the other entities."""
        return EntityType.PERSON

    def references(self) -> tuple[tuple[str, str], ...]:
        """The ``(field, id)`` pairs this value points at: none."""
        return ()


@attrs.frozen
class Function:
    """A responsibility or process that can move between owners (a unit or a post).

    >>> Function("mark", "Markfrågor", owner="u1").kind
    <FunctionKind.RESPONSIBILITY: 'responsibility'>
    """

    entity_type: ClassVar[EntityType] = EntityType.FUNCTION

    id: str = attrs.field(validator=_validate.identifier)
    name: str = attrs.field(validator=_validate.name)
    kind: FunctionKind = attrs.field(default=FunctionKind.RESPONSIBILITY, converter=_function_kind)
    owner: str | None = attrs.field(default=None, validator=_validate.optional_identifier)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_validate.names_tuple)

    def references(self) -> tuple[tuple[str, str], ...]:
        """The ``(field, id)`` pairs this value points at."""
        return (("owner", self.owner),) if self.owner is not None else ()


@attrs.frozen
class Relation:
    """A typed edge from ``source`` to ``target`` beside the hierarchy; ``note`` says more.

    Its identity is ``key``: ``(kind, source, target)``.

    >>> Relation("supports", "fu", "ks").key
    (<RelationKind.SUPPORTS: 'supports'>, 'fu', 'ks')
    """

    kind: RelationKind = attrs.field(converter=_relation_kind)
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


Entity: TypeAlias = Unit | Post | Person | Function
RelationKey: TypeAlias = tuple[RelationKind, str, str]
#: Fields that point from one entity to another, and the name of the inverse fact.
INVERSE_FACTS: dict[tuple[EntityType, str], str] = {
    (EntityType.UNIT, "parent"): "child unit",
    (EntityType.POST, "unit"): "post",
    (EntityType.POST, "reports_to"): "subordinate",
    (EntityType.POST, "holder"): "holds",
    (EntityType.FUNCTION, "owner"): "function",
}
