"""OrgChart: the organisation on one day, and the questions one asks of it."""

from __future__ import annotations

import datetime as dt
import types
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from orgmodel import _command, _names
from orgmodel._bulk import collector_paused
from orgmodel._entities import (
    Category,
    Entity,
    Function,
    FunctionKind,
    Holding,
    Person,
    Post,
    PostKind,
    Relation,
    RelationKey,
    RelationKind,
    Unit,
    UnitKind,
    category_of,
)
from orgmodel._uncertain import Uncertainty, facts_of
from orgmodel.errors import AmbiguousNameError, InvalidArgumentError, UnknownNameError

if TYPE_CHECKING:
    import networkx as nx
    from typing_extensions import Unpack  # only for type checkers: no runtime dependency

    from orgmodel._log import AppliedLog
    from orgmodel._render import ChartOptions, Drawing
    from orgmodel.io.tables import FactTables

T = TypeVar("T", Unit, Post, Person, Function)
#: What chart methods accept to name an entity: the entity itself, its id, or its name that day.
Ref = Entity | str

_TYPES_BY_NAME: dict[str, type[Entity]] = {"unit": Unit, "post": Post, "person": Person, "function": Function}


class _Index:
    """Lookups derived from a chart's entities, built once on first use."""

    def __init__(self, entities: Mapping[str, Entity], relations: Iterable[Relation]) -> None:
        self.children: defaultdict[str | None, list[str]] = defaultdict(list)
        self.posts_in: defaultdict[str, list[str]] = defaultdict(list)
        self.head: dict[str, str] = {}
        self.owned: defaultdict[str, list[str]] = defaultdict(list)
        self.held: defaultdict[str, list[str]] = defaultdict(list)
        self.subordinates: defaultdict[str, list[str]] = defaultdict(list)
        self.relations_of: defaultdict[str, list[Relation]] = defaultdict(list)
        self.by_name: defaultdict[str, list[str]] = defaultdict(list)
        self.by_alias: defaultdict[str, list[str]] = defaultdict(list)
        for entity_id in sorted(entities):
            entity = entities[entity_id]
            self.by_name[_names.normalise(entity.name)].append(entity_id)
            for alias in entity.aliases:
                self.by_alias[_names.normalise(alias)].append(entity_id)
            if isinstance(entity, Unit):
                self.children[entity.parent].append(entity_id)
            elif isinstance(entity, Post):
                if entity.unit is not None:
                    self.posts_in[entity.unit].append(entity_id)
                    if entity.heads:
                        self.head[entity.unit] = entity_id
                for holding in entity.holders:
                    self.held[holding.person].append(entity_id)
                if entity.reports_to is not None:
                    self.subordinates[entity.reports_to].append(entity_id)
            elif isinstance(entity, Function) and entity.owner is not None:
                self.owned[entity.owner].append(entity_id)
        for relation in sorted(relations, key=_relation_sort_key):
            self.relations_of[relation.source].append(relation)
            self.relations_of[relation.target].append(relation)


def _relation_sort_key(relation: Relation) -> tuple[str, str, str]:
    return (str(relation.kind), relation.source, relation.target)


class OrgChart:
    """The organisation as it stands on one day: an immutable snapshot.

    Every method that takes an entity accepts the entity, its id, or its name
    on that day (ids win when a text is both).  On a day inside a change's
    date window the chart shows what is *possibly* true: :meth:`uncertainty`
    says, for each entity or relation that is not certain, what may be
    otherwise (it may not exist yet, may have ended, may have moved from a
    unit, may still have its old name); ``uncertain`` holds their ids.
    ``Timeline.at(day, certain=True)`` gives only what is certain.
    ``planned`` holds the ids of entities resting on an event only planned.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2013-01-01"),
    ...         om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office"), on="2013-01-01"),
    ...         om.Establish(om.Unit("fu", "Förnyelseenheten", parent="slk"), on="2015-01-01"),
    ...     ]
    ... )
    >>> chart = org.at("2015-01-01")
    >>> chart.find("förnyelseenheten").id, chart.parent("fu").name
    ('fu', 'Stadsledningskontoret')
    """

    __slots__ = (
        "__dict__",
        "_categories",
        "_entities",
        "_log",
        "_planned",
        "_prefix",
        "_relations",
        "_uncertain",
        "_uncertainty",
        "_unsure",
        "certain",
        "day",
    )

    def __init__(
        self,
        day: dt.date,
        entities: Mapping[str, Entity],
        relations: Iterable[Relation] = (),
        *,
        uncertain: Iterable[str | RelationKey] = (),
        planned: Iterable[str | RelationKey] = (),
        categories: Mapping[str, Category] | None = None,
    ) -> None:
        self.day = day
        self._entities = types.MappingProxyType(dict(entities))
        self._relations = frozenset(relations)
        self._uncertainty: Mapping[str | RelationKey, Uncertainty] = {key: Uncertainty() for key in uncertain}
        self._uncertain = frozenset(self._uncertainty)
        self._unsure: Mapping[str | RelationKey, frozenset[Any]] = {}
        #: Whether the chart shows only what is certain that day (``Timeline.at(day, certain=True)``).
        self.certain = False
        self._planned = frozenset(planned)
        self._categories: Mapping[str, Category] = categories if categories is not None else {}
        # The log a chart of a timeline comes from, and how far into it: for former names.
        self._log: AppliedLog | None = None
        self._prefix = 0

    @classmethod
    def assemble(
        cls,
        day: dt.date,
        units: dict[str, Unit],
        posts: dict[str, Post],
        people: dict[str, Person],
        functions: dict[str, Function],
        relations: dict[RelationKey, Relation],
        *,
        uncertainty: Mapping[str | RelationKey, Uncertainty] | None = None,
        unsure: Mapping[str | RelationKey, frozenset[Any]] | None = None,
        certain: bool = False,
        planned: Iterable[str | RelationKey] = (),
        categories: Mapping[str, Category] | None = None,
        log: AppliedLog | None = None,
        prefix: int = 0,
    ) -> OrgChart:
        """A chart from dicts by sort of entity, taken over without copying (for the library's own use)."""
        chart = cls.__new__(cls)
        chart.day = day
        chart._entities = types.MappingProxyType({**units, **posts, **people, **functions})
        chart._relations = frozenset(relations.values())
        chart._uncertainty = uncertainty if uncertainty is not None else {}
        chart._uncertain = frozenset(chart._uncertainty)
        chart._unsure = unsure if unsure is not None else {}
        chart.certain = certain
        chart._planned = frozenset(planned)
        chart._categories = categories if categories is not None else {}
        chart._log = log
        chart._prefix = prefix
        # The views by sort are ready made: fill the cached properties instead of filtering again.
        chart.__dict__.update(
            units=types.MappingProxyType(units),
            posts=types.MappingProxyType(posts),
            people=types.MappingProxyType(people),
            functions=types.MappingProxyType(functions),
        )
        return chart

    # --- what is there ------------------------------------------------------------------------

    @cached_property
    def _index(self) -> _Index:
        return _Index(self._entities, self._relations)

    def _of_type(self, kind: type[T]) -> Mapping[str, T]:
        return types.MappingProxyType({key: value for key, value in self._entities.items() if isinstance(value, kind)})

    @cached_property
    def units(self) -> Mapping[str, Unit]:
        """The units that day, by id."""
        return self._of_type(Unit)

    @cached_property
    def posts(self) -> Mapping[str, Post]:
        """The posts that day, by id."""
        return self._of_type(Post)

    @cached_property
    def people(self) -> Mapping[str, Person]:
        """The people that day, by id."""
        return self._of_type(Person)

    @cached_property
    def functions(self) -> Mapping[str, Function]:
        """The functions (responsibilities, processes) that day, by id."""
        return self._of_type(Function)

    @property
    def entities(self) -> Mapping[str, Entity]:
        """Every entity that day, by id."""
        return self._entities

    @property
    def relations(self) -> frozenset[Relation]:
        """Every typed relation that day."""
        return self._relations

    @property
    def uncertain(self) -> frozenset[str]:
        """Ids of the entities on the chart that are not certain that day (see :meth:`uncertainty`)."""
        return frozenset(item for item in self._uncertain if isinstance(item, str))

    def uncertainty(self, item: Ref | Relation) -> Uncertainty | None:
        """What is not certain about an entity or relation that day, or ``None`` when all of it is.

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("se", "Sociala ekonomienheten"), on="2013-01-01"),
        ...         om.Dissolve("se", on="vid årsskiftet 2014/2015"),
        ...     ]
        ... )
        >>> print(org.at("2014-12-15").uncertainty("sociala ekonomienheten").describe())
        may have ended
        """
        key = self._flag_key(item)
        return self._uncertainty.get(key)

    def facts(self, *, possible: bool = False) -> frozenset[tuple[Any, Any, object]]:
        """The chart's facts as ``(id or relation key, slot, value)``: each field, each holder, each attribute.

        A chart of what is certain leaves out what it could not make certain
        (a name that may be another); with ``possible``, the other values
        each uncertain slot may have are added.  For any choice of days inside
        the date windows, the certain chart's facts are among that
        organisation's, which are among the possible chart's ``facts(possible=True)``.
        """
        found: set[tuple[Any, Any, object]] = set()
        items: list[tuple[str | RelationKey, Entity | Relation]] = [
            *self._entities.items(),
            *((relation.key, relation) for relation in self._relations),
        ]
        for key, value in items:
            found |= facts_of(key, value, self._unsure.get(key, frozenset()))
            mark = self._uncertainty.get(key)
            if possible and mark is not None:
                found |= {(key, slot, other) for slot, others in mark.alternatives.items() for other in others}
        return frozenset(found)

    @property
    def planned(self) -> frozenset[str]:
        """Ids of entities whose facts that day rest on an event that is only planned."""
        return frozenset(item for item in self._planned if isinstance(item, str))

    def is_uncertain(self, item: Ref | Relation) -> bool:
        """Whether anything about an entity or relation is not certain that day (see :meth:`uncertainty`).

        An id that is not on the chart (it has surely ended, or never was)
        answers ``False``.
        """
        return self._flag_key(item) in self._uncertain

    def is_planned(self, item: Ref | Relation) -> bool:
        """Whether an entity's or relation's facts that day rest on a planned (not decided) event."""
        return self._flag_key(item) in self._planned

    def _flag_key(self, item: Ref | Relation) -> str | RelationKey:
        if isinstance(item, Relation):
            return item.key
        if isinstance(item, str) and item not in self._entities:
            if self._log is not None and item in self._log.versions:
                return item  # an id of the timeline that is not on the chart today: nothing uncertain about it
            if item in self._uncertain or item in self._planned:
                return item
        return self.resolve(item).id

    def __len__(self) -> int:
        return len(self._entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._entities.values())

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Relation):
            return item in self._relations
        if isinstance(item, (Unit, Post, Person, Function)):
            return self._entities.get(item.id) == item
        return isinstance(item, str) and item in self._entities

    def __getitem__(self, entity_id: str) -> Entity:
        try:
            return self._entities[entity_id]
        except KeyError:
            raise self._unknown(entity_id, "id") from None

    @overload
    def get(self, entity_id: str) -> Entity | None: ...
    @overload
    def get(self, entity_id: str, default: Entity) -> Entity: ...

    def get(self, entity_id: str, default: Entity | None = None) -> Entity | None:
        """The entity with this id that day, or ``default``."""
        return self._entities.get(entity_id, default)

    def __eq__(self, other: object) -> bool:
        # Equal when they show the same organisation on the same day; certainty marks are
        # derived from the timeline and are not part of what the chart shows.
        if not isinstance(other, OrgChart):
            return NotImplemented
        return self.day == other.day and self._entities == other._entities and self._relations == other._relations

    def __hash__(self) -> int:
        return hash((self.day, frozenset(self._entities.items()), self._relations))

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{len(mapping)} {label}"
            for label, mapping in (
                ("units", self.units),
                ("posts", self.posts),
                ("people", self.people),
                ("functions", self.functions),
            )
        )
        return f"<OrgChart {self.day.isoformat()}: {counts}, {len(self._relations)} relations>"

    # --- finding ------------------------------------------------------------------------------

    def find(self, name: str, *, type: str | type[Entity] | None = None) -> Entity:  # noqa: A002
        """The entity with this name that day (case-insensitive); ``type`` narrows to units, posts….

        Current names are searched first, then aliases (other spellings), then
        the names entities had before (for a chart of a timeline), then ids.
        Several matches raise :class:`~orgmodel.errors.AmbiguousNameError`
        listing them; none raises :class:`~orgmodel.errors.UnknownNameError`
        with close matches.
        """
        wanted = self._wanted_type(type)
        key = _names.normalise(name)
        for table in (self._index.by_name, self._index.by_alias, self._possible_names, self._former_by_name(key)):
            found = [entity_id for entity_id in table.get(key, ()) if isinstance(self._entities[entity_id], wanted)]
            if len(found) == 1:
                return self._entities[found[0]]
            if found:
                listing = "; ".join(self._describe_in_context(entity_id) for entity_id in found)
                raise AmbiguousNameError(
                    f"{len(found)} entities are named {name!r} on {self.day.isoformat()}: {listing} — "
                    "pass the id, or narrow with type=",
                    name=name,
                    candidates=found,
                )
        entity = self._entities.get(name.strip())
        if entity is not None and isinstance(entity, wanted):
            return entity
        raise self._unknown(name, "name", wanted)

    def find_all(self, name: str) -> tuple[Entity, ...]:
        """Every entity that answers to this name, an alias or a former name that day (possibly none)."""
        key = _names.normalise(name)
        ids = dict.fromkeys(
            [
                *self._index.by_name.get(key, ()),
                *self._index.by_alias.get(key, ()),
                *self._former_by_name(key).get(key, ()),
            ]
        )
        return tuple(self._entities[entity_id] for entity_id in ids)

    @cached_property
    def _possible_names(self) -> dict[str, list[str]]:
        """The names entities on the chart may still have, that day, inside a date window (normalised)."""
        found: dict[str, list[str]] = {}
        for key, mark in self._uncertainty.items():
            if isinstance(key, str) and key in self._entities:
                for name in mark.former_names:
                    found.setdefault(_names.normalise(name), []).append(key)
        return found

    def _former_by_name(self, key: str) -> Mapping[str, list[str]]:
        """``{key: ids}`` of the entities on the chart that were once named ``key`` (normalised)."""
        if self._log is None:
            return {}
        former = self._log.name_index.at(key, self._prefix, exists=self._entities).former
        return {key: sorted(former)}

    def former_names(self, item: Ref) -> tuple[str, ...]:
        """The names an entity had before its name that day, oldest first (none for a chart made by hand).

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
        ...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
        ...     ]
        ... )
        >>> org.at("2015-01-01").former_names("förnyelseenheten")
        ('Samordnings- och utvecklingsenheten',)
        """
        entity = self.resolve(item)
        if self._log is None:
            return ()
        return self._log.name_index.former_names(entity.id, self._prefix)

    def resolve(self, item: Ref) -> Entity:
        """The entity that day for an entity, an id, or a name."""
        if isinstance(item, (Unit, Post, Person, Function)):
            item = item.id
        if not isinstance(item, str):
            raise InvalidArgumentError(f"an entity must be given as an entity, an id or a name, got {item!r}")
        entity = self._entities.get(item)
        return entity if entity is not None else self.find(item)

    def _resolve_as(self, item: Ref, kind: type[T]) -> T:
        if isinstance(item, str) and item not in self._entities:
            entity: Entity = self.find(item, type=kind)
        else:
            entity = self.resolve(item)
        if not isinstance(entity, kind):
            raise InvalidArgumentError(
                f"{entity.entity_type.value} {entity.name!r} ({entity.id}) is not a {kind.entity_type.value}"
            )
        return entity

    @staticmethod
    def _wanted_type(kind: str | type[Entity] | None) -> tuple[type[Entity], ...]:
        if kind is None:
            return (Unit, Post, Person, Function)
        if isinstance(kind, str):
            if kind not in _TYPES_BY_NAME:
                raise InvalidArgumentError(f"type must be one of {sorted(_TYPES_BY_NAME)}, got {kind!r}")
            return (_TYPES_BY_NAME[kind],)
        if kind in (Unit, Post, Person, Function):
            return (kind,)
        raise InvalidArgumentError(f"type must be Unit, Post, Person or Function, got {kind!r}")

    def _describe_in_context(self, entity_id: str) -> str:
        entity = self._entities[entity_id]
        where = ""
        container = entity.parent if isinstance(entity, Unit) else entity.unit if isinstance(entity, Post) else None
        if container is not None:
            where = f" in {self._entities[container].name!r}"
        return f"{entity.entity_type.value} {entity.name!r} ({entity_id}){where}"

    def _unknown(
        self, text: str, what: str, wanted: tuple[type[Entity], ...] = (Unit, Post, Person, Function)
    ) -> UnknownNameError:
        names = [entity.name for entity in self._entities.values() if isinstance(entity, wanted)]
        close = _names.close_matches(text, names)
        labels = []
        for match in close:
            ids = self._index.by_name[_names.normalise(match)]
            labels.append(f"{match!r} ({', '.join(ids)})")
        message = f"no entity {'with id' if what == 'id' else 'named'} {text!r} on {self.day.isoformat()}"
        if close:
            message += " — did you mean " + " or ".join(labels) + "?"
        return UnknownNameError(message, name=text, suggestions=close)

    # --- structure ----------------------------------------------------------------------------

    def parent(self, unit: Ref) -> Unit | None:
        """The unit a unit sits under, or ``None`` at the top."""
        found = self._resolve_as(unit, Unit)
        if found.parent is None:
            return None
        parent = self._entities[found.parent]
        assert isinstance(parent, Unit)
        return parent

    def children(self, unit: Ref) -> tuple[Unit, ...]:
        """The units directly under a unit, ordered by id."""
        found = self._resolve_as(unit, Unit)
        return tuple(self._unit(child) for child in self._index.children.get(found.id, ()))

    def roots(self) -> tuple[Unit, ...]:
        """The units at the top (with no parent), ordered by id."""
        return tuple(self._unit(child) for child in self._index.children.get(None, ()))

    def ancestors(self, unit: Ref) -> tuple[Unit, ...]:
        """The units above a unit, nearest first."""
        result = []
        current = self.parent(unit)
        while current is not None:
            result.append(current)
            current = self.parent(current.id)
        return tuple(result)

    def descendants(self, unit: Ref) -> tuple[Unit, ...]:
        """Every unit below a unit, depth first."""
        found = self._resolve_as(unit, Unit)
        result: list[Unit] = []
        stack = list(reversed(self._index.children.get(found.id, ())))
        while stack:
            child = self._unit(stack.pop())
            result.append(child)
            stack.extend(reversed(self._index.children.get(child.id, ())))
        return tuple(result)

    def _unit(self, unit_id: str) -> Unit:
        unit = self._entities[unit_id]
        assert isinstance(unit, Unit)
        return unit

    def _post(self, post_id: str) -> Post:
        post = self._entities[post_id]
        assert isinstance(post, Post)
        return post

    # --- posts and people ---------------------------------------------------------------------

    def posts_of(self, unit: Ref) -> tuple[Post, ...]:
        """The posts that belong to a unit, ordered by id."""
        found = self._resolve_as(unit, Unit)
        return tuple(self._post(post) for post in self._index.posts_in.get(found.id, ()))

    def head(self, unit: Ref) -> Post | None:
        """The post that heads a unit, or ``None``."""
        found = self._resolve_as(unit, Unit)
        head = self._index.head.get(found.id)
        return self._post(head) if head is not None else None

    def holder(self, post: Ref) -> Person | None:
        """The person in a post with one seat, or ``None`` when it is vacant.

        During a hand-over it is the one who was there first.  A post with
        several holders raises :class:`~orgmodel.errors.InvalidArgumentError`:
        ask for :meth:`holders`.
        """
        found = self._resolve_as(post, Post)
        holder = found.holder
        return self._person(holder) if holder is not None else None

    def holders(self, post: Ref) -> tuple[Person, ...]:
        """Everyone in a post, in the order they were appointed (empty when it is vacant)."""
        found = self._resolve_as(post, Post)
        return tuple(self._person(holding.person) for holding in found.holders)

    def holdings(self, post: Ref) -> tuple[Holding, ...]:
        """Everyone in a post with their roles there (acting, on leave, …), in the order they were appointed."""
        return self._resolve_as(post, Post).holders

    def _person(self, person_id: str) -> Person:
        person = self._entities[person_id]
        assert isinstance(person, Person)
        return person

    def posts_held_by(self, person: Ref) -> tuple[Post, ...]:
        """The posts a person holds that day."""
        found = self._resolve_as(person, Person)
        return tuple(self._post(post) for post in self._index.held.get(found.id, ()))

    def subordinates(self, post: Ref) -> tuple[Post, ...]:
        """The posts that report directly to a post (by explicit reporting line)."""
        found = self._resolve_as(post, Post)
        return tuple(self._post(item) for item in self._index.subordinates.get(found.id, ()))

    def boss(self, post: Ref) -> Post | None:
        """The post a post answers to: its reporting line, else the head above it in the hierarchy.

        A post with no reporting line answers to the head of its unit; a head
        post answers to the head of the nearest unit above its own that has one.
        """
        return _command.boss(self, self._resolve_as(post, Post))

    def chain_of_command(self, item: Ref) -> tuple[Post, ...]:
        """The posts from an entity up to the top, each answering to the next (see :meth:`boss`).

        A unit starts at its head (or, with none, the nearest head above it); a
        function at its owner; a person at the one post they hold.
        """
        return _command.chain_of_command(self, self.resolve(item))

    def category(self, unit: Ref) -> Category:
        """What a unit is (political, administrative, company, external), by its kind and the timeline's categories.

        >>> import orgmodel as om
        >>> org = om.Timeline([om.Establish(om.Unit("d", "Division Nord", kind="division"), on="2020-01-01")])
        >>> org.at("2020-01-01").category("d")
        <Category.ADMINISTRATIVE: 'administrative'>
        """
        return category_of(self._resolve_as(unit, Unit).kind, self._categories)

    @property
    def categories(self) -> Mapping[str, Category]:
        """The categories of kinds of unit declared by the timeline the chart comes from."""
        return self._categories

    def head_id(self, unit_id: str) -> str | None:
        """The id of the post heading a unit (by id), or ``None``; see :meth:`head`."""
        return self._index.head.get(unit_id)

    def held_ids(self, person_id: str) -> tuple[str, ...]:
        """The ids of the posts a person (by id) holds; see :meth:`posts_held_by`."""
        return tuple(self._index.held.get(person_id, ()))

    # --- functions and relations --------------------------------------------------------------

    def owner_of(self, function: Ref) -> Unit | Post | None:
        """The unit or post that owns a function that day, or ``None``."""
        found = self._resolve_as(function, Function)
        if found.owner is None:
            return None
        owner = self._entities[found.owner]
        assert isinstance(owner, (Unit, Post))
        return owner

    def functions_of(self, owner: Ref) -> tuple[Function, ...]:
        """The functions a unit or post owns that day."""
        found = self.resolve(owner)
        return tuple(self._of(Function, item) for item in self._index.owned.get(found.id, ()))

    def _of(self, kind: type[T], entity_id: str) -> T:
        entity = self._entities[entity_id]
        assert isinstance(entity, kind)
        return entity

    def relations_of(self, item: Ref | None = None, *, kind: RelationKind | str | None = None) -> tuple[Relation, ...]:
        """Relations that day: those an entity takes part in (either end), of one kind, or both."""
        wanted = RelationKind(kind) if kind is not None else None
        if item is None:
            pool: Iterable[Relation] = sorted(self._relations, key=_relation_sort_key)
        else:
            pool = self._index.relations_of.get(self.resolve(item).id, ())
        return tuple(relation for relation in pool if wanted is None or relation.kind is wanted)

    # --- views --------------------------------------------------------------------------------

    @cached_property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The chart as a networkx ``MultiDiGraph``: nodes are ids, edges keyed by kind.

        The graph attribute ``day`` holds the chart's day as ISO text
        (``graph.graph["day"] == "2015-01-01"``).  Every graph, node and edge
        value is a string, a number or a boolean, so the graph writes as is
        to GraphML (``nx.write_graphml``) and to node-link JSON
        (``json.dumps(nx.node_link_data(graph))``).

        Node attributes: ``type`` (unit, post, person, function), ``name``,
        ``kind``, ``uncertain``, ``planned``; for units ``category``; for posts
        ``heads``, ``vacant`` and ``seats`` (0 for no limit); and the entity's own
        attributes under their names and identifiers as ``identifier:SCHEME``.
        Edge keys (each edge also has ``kind`` set to its key): ``contains``
        (parent unit → child unit), ``has_post`` (unit → post), ``heads`` (head
        post → its unit), ``reports_to`` (post → the post it reports to),
        ``holds`` (person → post, with ``roles``, comma-separated, and
        ``overlap``), ``owns`` (unit or post → function), and one per relation
        kind (``supports``, ``responsible-for``, ``dotted-line``,
        ``contracted-to``, or a kind of your own: source → target).  The graph
        is built once per chart; copy it before changing it.
        """
        return build_graph(self)

    def subtree(self, unit: Ref, *, depth: int | None = None) -> OrgChart:
        """The chart cut down to a unit and what lies below it (to ``depth`` levels), with their posts,
        holders, functions and the relations among them."""
        root = self._resolve_as(unit, Unit)
        keep: dict[str, Entity] = {root.id: attrs.evolve(root, parent=None)}
        frontier = [root.id]
        level = 0
        while frontier and (depth is None or level < depth):
            level += 1
            next_frontier = []
            for unit_id in frontier:
                for child in self._index.children.get(unit_id, ()):
                    keep[child] = self._entities[child]
                    next_frontier.append(child)
            frontier = next_frontier
        for unit_id in [key for key, value in keep.items() if isinstance(value, Unit)]:
            for post_id in self._index.posts_in.get(unit_id, ()):
                post = self._post(post_id)
                keep[post_id] = post
                for holding in post.holders:
                    keep[holding.person] = self._entities[holding.person]
        for owner in list(keep):
            for function_id in self._index.owned.get(owner, ()):
                keep[function_id] = self._entities[function_id]
        for key, value in list(keep.items()):
            if isinstance(value, Post) and value.reports_to is not None and value.reports_to not in keep:
                keep[key] = attrs.evolve(value, reports_to=None)
        relations = [r for r in self._relations if r.source in keep and r.target in keep]
        kept = set(keep) | {relation.key for relation in relations}
        chart = OrgChart(self.day, keep, relations, planned=self._planned & kept, categories=self._categories)
        chart._uncertainty = {key: mark for key, mark in self._uncertainty.items() if key in kept}
        chart._uncertain = frozenset(chart._uncertainty)
        chart._unsure = {key: slots for key, slots in self._unsure.items() if key in kept}
        chart.certain = self.certain
        chart._log, chart._prefix = self._log, self._prefix
        return chart

    def tables(self) -> FactTables:
        """The chart as tables: units, posts, people, functions, holdings, reporting lines, owners, relations….

        Rows have the columns of the timeline's fact tables (without their
        dates) and the day's ``uncertain`` and ``planned`` marks; see
        :mod:`orgmodel.io.tables`.
        """
        from orgmodel.io.tables import chart_tables

        return chart_tables(self)

    def to_frames(self) -> dict[str, Any]:
        """The chart's :meth:`tables` as pandas DataFrames, by table (needs ``orgmodel[tables]``).

        >>> import orgmodel as om
        >>> frames = om.examples.nacka().at("2015-01-01").to_frames()  # doctest: +SKIP
        >>> frames["holdings"].head()  # doctest: +SKIP
        """
        return self.tables().to_pandas()

    def draw(self, **options: Unpack[ChartOptions]) -> Drawing:
        """A drawing of the chart: Graphviz DOT, rendered to SVG, PNG or PDF on demand.

        Options as for :func:`orgmodel.render.to_dot` (``root=``, ``depth=``,
        ``relations=``, ``view=``, ``stack_leaves=``, ``show_posts=``,
        ``show_functions=``, ``legend=``).

        >>> import orgmodel as om
        >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
        >>> org.at("2015-01-01").draw().svg().startswith("<?xml")
        True
        """
        from orgmodel._render import draw_chart

        return draw_chart(self, **options)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """Jupyter's view: the drawing as SVG, or the text tree and the reason when it cannot be drawn."""
        from orgmodel._render import chart_mimebundle

        return chart_mimebundle(self)

    def __str__(self) -> str:
        from orgmodel._text import chart_tree

        return chart_tree(self)


# Texts of kinds, looked up rather than read through Enum.value (a Python-level property) per node.  A kind of
# the user's own is plain text already: looking it up finds nothing, and the text itself is used.
_TEXT: dict[object, str] = {
    member: member.value for kinds in (UnitKind, PostKind, FunctionKind, RelationKind) for member in kinds
}


def _own_fields(data: dict[str, Any], entity: Entity) -> None:
    """Add an entity's attributes to its node's data, and its identifiers as ``identifier:SCHEME``."""
    data.update(entity.attributes)
    for scheme, value in entity.identifiers.items():
        data[f"identifier:{scheme}"] = value


@collector_paused()
def build_graph(chart: OrgChart) -> nx.MultiDiGraph[str]:
    """Build the networkx view of a chart (see :attr:`OrgChart.graph`).

    This runs for every chart drawn or analysed, and at a large organisation's
    size networkx's ``add_nodes_from``/``add_edges_from`` take most of the time:
    per edge they build a view object, copy the data dict and clear caches.  So
    the graph's dicts are filled in directly, in the dict-of-dict-of-dict-of-dict
    shape networkx documents for subclasses (node → neighbour → key → data, the
    key dict shared between ``_succ[u][v]`` and ``_pred[v][u]``).  A property
    test checks the result equal to one built through the public methods.
    """
    import networkx as nx  # here: networkx is a tenth of a second to import, and most uses of orgmodel never need it

    # The day as ISO text, not a date: every value in the graph is a scalar GraphML and JSON can carry.
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(day=chart.day.isoformat())
    # The stubs of networkx leave out the internal dicts its documentation describes.
    node_data: dict[str, dict[str, Any]] = graph._node  # type: ignore[attr-defined]
    succ: dict[str, dict[str, dict[str, dict[str, Any]]]] = graph._succ  # type: ignore[attr-defined]
    pred: dict[str, dict[str, dict[str, dict[str, Any]]]] = graph._pred  # type: ignore[attr-defined]
    uncertain, planned, text = chart._uncertain, chart._planned, _TEXT
    units, posts, people, functions = chart.units, chart.posts, chart.people, chart.functions

    # Nodes first, all of them, so that every edge below finds both its ends.
    categories = chart._categories
    data: dict[str, Any]
    for unit_id, unit in units.items():
        kind = unit.kind
        node_data[unit_id] = data = {
            "type": "unit",
            "name": unit.name,
            "kind": text.get(kind) or kind,
            "category": category_of(kind, categories).value,
            "uncertain": unit_id in uncertain,
            "planned": unit_id in planned,
        }
        if unit.attributes or unit.identifiers:
            _own_fields(data, unit)
    for post_id, post in posts.items():
        kind = post.kind
        node_data[post_id] = data = {
            "type": "post",
            "name": post.title,
            "kind": text.get(kind) or kind,
            "heads": post.heads,
            "vacant": not post.holders,
            "seats": post.seats or 0,
            "uncertain": post_id in uncertain,
            "planned": post_id in planned,
        }
        if post.attributes or post.identifiers:
            _own_fields(data, post)
    for person_id, person in people.items():
        node_data[person_id] = data = {
            "type": "person",
            "name": person.name,
            "kind": "person",
            "uncertain": person_id in uncertain,
            "planned": person_id in planned,
        }
        if person.attributes or person.identifiers:
            _own_fields(data, person)
    for function_id, function in functions.items():
        kind = function.kind
        node_data[function_id] = data = {
            "type": "function",
            "name": function.name,
            "kind": text.get(kind) or kind,
            "uncertain": function_id in uncertain,
            "planned": function_id in planned,
        }
        if function.attributes or function.identifiers:
            _own_fields(data, function)
    for node in node_data:
        succ[node] = {}
        pred[node] = {}

    def link(source: str, target: str, key: str, data: dict[str, Any]) -> None:
        try:
            keys = succ[source].get(target)
            if keys is None:
                keys = pred[target][source] = succ[source][target] = {}  # pred first: a missing end writes nothing
        except KeyError:
            # A chart made by hand may point at an entity it lacks: networkx adds such an end as a bare node.
            for end in (source, target):
                if end not in node_data:
                    node_data[end], succ[end], pred[end] = {}, {}, {}
            link(source, target, key, data)
            return
        keys[key] = data

    # Edges by sort of entity, each in the chart's order, so that neighbours iterate the same way in every build.
    for unit_id, unit in units.items():
        if unit.parent is not None:
            link(unit.parent, unit_id, "contains", {"kind": "contains"})
    for post_id, post in posts.items():
        if post.unit is not None:
            link(post.unit, post_id, "has_post", {"kind": "has_post"})
            if post.heads:
                link(post_id, post.unit, "heads", {"kind": "heads"})
        if post.reports_to is not None:
            link(post_id, post.reports_to, "reports_to", {"kind": "reports_to"})
        for holding in post.holders:
            link(
                holding.person,
                post_id,
                "holds",
                {"kind": "holds", "roles": ",".join(holding.roles), "overlap": holding.overlap},
            )
    for function_id, function in functions.items():
        if function.owner is not None:
            link(function.owner, function_id, "owns", {"kind": "owns"})
    for relation in sorted(chart.relations, key=_relation_sort_key):  # a frozenset: its order varies by process
        key = text.get(relation.kind) or str(relation.kind)
        link(
            relation.source,
            relation.target,
            key,
            {
                "kind": key,
                "note": relation.note,
                "uncertain": relation.key in uncertain,
                "planned": relation.key in planned,
            },
        )
    return graph
