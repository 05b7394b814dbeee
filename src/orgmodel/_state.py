"""The working state a timeline is built in, and what each event does to it.

This is the one place where the rules of the model are enforced.  Events are
applied by handlers (one per event type) that express each event as a few
writes: ``add``, ``replace``, ``remove`` of an entity and ``relate`` /
``unrelate`` of a relation.  The writes check what must hold at every moment
(references point at live entities of the right type, no unit is its own
ancestor, no post reports to itself through others, nothing is removed while
something still depends on it).  Two rules are checked when a whole change has
been applied, so that one change can swap names or heads: no two active
sibling units share a name, and no unit has two heads.

Every write is recorded as a delta ``(event position, key, old, new)``; a
rejected change is undone by writing its deltas back in reverse, so nothing is
ever half-applied.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, Generic, NamedTuple, TypeAlias, TypeVar, overload

from orgmodel import _names
from orgmodel._entities import (
    Entity,
    Function,
    Holding,
    Person,
    Post,
    Relation,
    RelationKey,
    Unit,
    _function_kind,
    _post_kind,
    _unit_kind,
)
from orgmodel._events import (
    Absorb,
    AddRelation,
    Appoint,
    Dissolve,
    Establish,
    Event,
    LinkKind,
    Merge,
    Move,
    RemoveRelation,
    Rename,
    SetAttributes,
    SetHead,
    SetReportingLine,
    SetRoles,
    SpinOff,
    Split,
    Succeed,
    Transfer,
    Vacate,
)
from orgmodel._values import copier, maker, replace
from orgmodel._writes import Writes
from orgmodel.dates import When
from orgmodel.errors import (
    ConflictError,
    CycleError,
    DuplicateIdError,
    EventError,
    InvalidArgumentError,
    MalformedEventError,
    NameClashError,
    NotEmptyError,
    PostOccupiedError,
    UnknownEntityError,
)

Key: TypeAlias = "str | RelationKey"
Value: TypeAlias = "Entity | Relation | None"
T = TypeVar("T", Unit, Post, Person, Function)
K = TypeVar("K")
Item = TypeVar("Item")
U = TypeVar("U", Unit, Post, Person, Function)


class Filed(Generic[K, Item]):
    """Items filed under keys (the children of a unit, the posts of a person…), kept small.

    Most keys hold one item, so one item is stored as itself and only two or
    more as a set; a key left with nothing is dropped.  A dict of sets costs
    at least 216 bytes a key, and a large timeline's working state has
    hundreds of thousands of them.

    >>> filed = Filed()
    >>> filed.add("u1", "p1")
    >>> filed.add("u1", "p2")
    >>> filed.discard("u1", "p1")
    >>> filed.get("u1"), filed.get("u2")
    (('p2',), ())
    """

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: dict[K, Any] = {}

    def add(self, key: K, item: Item) -> None:
        """File ``item`` under ``key``."""
        found = self._items.get(key)
        if found is None:
            self._items[key] = item
        elif type(found) is set:
            found.add(item)
        elif found != item:
            self._items[key] = {found, item}

    def discard(self, key: K, item: Item) -> None:
        """Take ``item`` out from under ``key``, if it is there."""
        found = self._items.get(key)
        if found is None:
            return
        if type(found) is set:
            found.discard(item)
            if len(found) == 1:
                self._items[key] = next(iter(found))
        elif found == item:
            del self._items[key]

    def __contains__(self, key: object) -> bool:
        """Whether anything is filed under ``key`` (a key left with nothing is dropped)."""
        return key in self._items

    def get(self, key: K, default: tuple[Item, ...] = ()) -> Collection[Item]:
        """What is filed under ``key`` (``default`` when nothing is)."""
        found = self._items.get(key)
        if found is None:
            return default
        return found if type(found) is set else (found,)


class Delta(NamedTuple):
    """One write: at event ``position`` (global, in application order) ``key`` went from ``old`` to ``new``."""

    position: int
    key: Key
    old: Value
    new: Value


class Link(NamedTuple):
    """A lineage link made by an event: ``predecessor`` led to ``successor``.

    ``kind`` is the value of a :class:`~orgmodel.LinkKind`; for a transfer
    ``function`` is the function that moved.
    """

    position: int
    kind: str
    predecessor: str
    successor: str
    function: str | None


class Rejection(Exception):  # noqa: N818 - control flow inside the package, never seen by users
    """Raised by a write or handler; the timeline turns it into an :class:`EventError` with context."""

    def __init__(
        self, error_class: type[EventError], problem: str, hint: str = "", *, missing: str | None = None
    ) -> None:
        super().__init__(problem)
        self.error_class = error_class
        self.problem = problem
        self.hint = hint
        self.missing = missing


# The copies the handlers make most, one per class: ``replace`` without its lookup of the class's copier.
_copy_unit = copier(Unit)
_copy_post = copier(Post)
_copy_function = copier(Function)

_TYPE_NAMES = {Unit: "unit", Post: "post", Person: "person", Function: "function"}
_SORT_ORDER = {kind: rank for rank, kind in enumerate(_TYPE_NAMES)}


def describe(entity: Entity) -> str:
    """``unit 'Name' (id)``: how messages name an entity."""
    return f"{entity.entity_type.value} {entity.name!r} ({entity.id})"


def _listing(entities: Iterable[Entity]) -> str:
    return ", ".join(f"{entity.name!r} ({entity.id})" for entity in entities)


class WorkingState:
    """Entities and relations in effect after some prefix of the log, with indexes.

    Not thread-safe and not for users: a :class:`~orgmodel.Timeline` owns one
    while it builds, and hands out immutable charts.
    """

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.relations: dict[RelationKey, Relation] = {}
        self.ended: dict[str, tuple[Entity, When]] = {}
        self.children: Filed[str | None, str] = Filed()
        self.posts_in: Filed[str, str] = Filed()
        self.heads_in: Filed[str, str] = Filed()
        self.owned: Filed[str, str] = Filed()
        self.subordinates: Filed[str, str] = Filed()
        self.held: Filed[str, str] = Filed()
        self.relations_of: Filed[str, RelationKey] = Filed()
        self.deltas = Writes()
        self.links: list[Link] = []
        # Set by the timeline for each change and event it applies.
        self.when: When | None = None
        self.position = 0
        # Active units by (parent, normalised name): two in one set is a name clash.
        self.named: Filed[tuple[str | None, str], str] = Filed()
        self._dirty_names: set[tuple[str | None, str]] = set()
        self._dirty_heads: set[str] = set()
        # Units whose head, and people whose posts, the current change may have changed.
        self.moved_heads: set[str] = set()
        self.moved_holders: set[str] = set()
        # What ``_suggest`` indexed, and for which version of the state (an undo can bring the counts back
        # to what they were with other entities, so undos are counted too).
        self._undos = 0
        self._suggestion_index: tuple[Any, dict[str, list[Entity]], dict[str, Entity], _names.CloseMatcher] | None = (
            None
        )
        # Entities whose relations the current change may have changed (for the ties of people).
        self.moved_relations: set[str] = set()

    @classmethod
    def resume(
        cls,
        day: Iterable[dict[Any, Any]],
        ended: dict[str, tuple[Entity, When]],
        deltas: Writes,
        links: list[Link],
    ) -> WorkingState:
        """The state holding ``day``'s entities and relations (tables by id), to go on applying changes to.

        ``ended`` is every entity that has ended, with when; ``deltas`` and
        ``links`` are the log's writes and links so far, which new ones follow.
        The indexes are made by the same writes that keep them in step.
        """
        state = cls()
        state.deltas, state.links = deltas, links
        for table in day:
            for key, value in table.items():
                state._write(key, None, value)
        state.ended = dict(ended)
        state.forget_touched()  # the writes above changed no name or head: they only rebuilt the indexes
        return state

    # --- applying a change -----------------------------------------------------------------

    def begin(self, when: When) -> tuple[int, int]:
        """Start a change on ``when``; returns the mark to :meth:`undo` to."""
        self.when = when
        self.forget_touched()
        return len(self.deltas.keys), len(self.links)  # a column's length: no call to Writes.__len__

    def forget_touched(self) -> None:
        """Forget which names, heads, holders and relations the last change touched (they were checked)."""
        self._dirty_names.clear()
        self._dirty_heads.clear()
        self.moved_heads.clear()
        self.moved_holders.clear()
        self.moved_relations.clear()

    def apply(self, event: Event, position: int) -> None:
        """Apply one event of the current change; raises :class:`Rejection`."""
        self.position = position
        _HANDLERS[type(event)](self, event)

    def finish(self) -> None:
        """Check the rules that hold once a whole change is applied; raises :class:`Rejection`."""
        for key in self._dirty_names:
            same = self.named.get(key, ())
            if len(same) > 1:
                parent = key[0]
                first, second = sorted(same)[:2]
                where = f"under {self._label(parent)}" if parent is not None else "at the top"
                raise Rejection(
                    NameClashError,
                    f"units {first!r} and {second!r} would both be named {self.entities[second].name!r} {where}",
                    "give one of them another name: active sibling units must be told apart by name",
                )
        for unit_id in self._dirty_heads:
            heads = self.heads_in.get(unit_id)
            if len(heads) > 1:
                posts = sorted(heads)
                raise Rejection(
                    ConflictError,
                    f"unit {self._label(unit_id)} would have {len(posts)} heads: "
                    f"{_listing(self._get(post) for post in posts)}",
                    "a unit has at most one head; use SetHead, Move or Dissolve so that one remains",
                )

    def established_alone(self, entity: Entity) -> bool:
        """Whether a change that only established ``entity`` passes :meth:`finish`: no sibling unit has its
        name, and if it is a post heading a unit, that unit has no other head.
        """
        kind = type(entity)
        if kind is Unit:
            assert isinstance(entity, Unit)
            return len(self.named.get((entity.parent, _names.normalise(entity.name)))) < 2
        if kind is Post:
            assert isinstance(entity, Post)
            return not entity.heads or entity.unit is None or len(self.heads_in.get(entity.unit)) < 2
        return True

    def undo(self, mark: tuple[int, int]) -> None:
        """Write back every delta after ``mark``, newest first."""
        delta_mark, link_mark = mark
        self._undos += 1
        for delta in reversed(self.deltas[delta_mark:]):
            self._write(delta.key, delta.new, delta.old)
            if delta.old is None and isinstance(delta.key, str):
                # Undoing a birth is not a death: the id was never taken, so it must not count as ended.
                self.ended.pop(delta.key, None)
        self.deltas.truncate(delta_mark)
        del self.links[link_mark:]

    # --- reading -----------------------------------------------------------------------------

    def _get(self, entity_id: str) -> Entity:
        return self.entities[entity_id]

    def _label(self, entity_id: str) -> str:
        entity = self.entities.get(entity_id)
        return f"{entity.name!r} ({entity_id})" if entity is not None else repr(entity_id)

    @overload
    def require(self, entity_id: str, kind: type[T], /) -> T: ...
    @overload
    def require(self, entity_id: str, kind: type[T], other: type[U], /) -> T | U: ...
    @overload
    def require(self, entity_id: str, *types: type[Entity]) -> Entity: ...

    def require(self, entity_id: str, *types: type[Any]) -> Entity:
        """The active entity ``entity_id``, of one of ``types``; a :class:`Rejection` naming what is wrong."""
        entity: Entity | None = self.entities.get(entity_id)
        if entity is not None and isinstance(entity, types):
            return entity  # the common case, kept short: this runs for every reference of every event
        wanted = "entity" if len(types) == len(_TYPE_NAMES) else " or ".join(_TYPE_NAMES[t] for t in types)
        if entity is not None:
            raise Rejection(UnknownEntityError, f"{describe(entity)} is not a {wanted}")
        if entity_id in self.ended:
            gone, when = self.ended[entity_id]
            raise Rejection(
                UnknownEntityError,
                f"{describe(gone)} no longer exists on {self._day()}: it ended {when.describe()}",
            )
        hint = self._suggest(entity_id, types)
        if self.when is not None and self.when.has_open_start:
            hint = (hint + "; " if hint else "") + (
                "this date has no earliest day, so the event applies before every dated one: "
                "give it a floor, such as {text: 'senast 2016', not_before: 2015-01-01}"
            )
        raise Rejection(UnknownEntityError, f"unknown {wanted} {entity_id!r} on {self._day()}", hint, missing=entity_id)

    def _suggest(self, entity_id: str, types: tuple[type[Any], ...]) -> str:
        # The candidates, indexed once for as long as the state does not change (a file of many misspelt
        # ids asks again and again in between): reporting n errors costs about n, not n times the entities.
        version = (types, self.position, len(self.deltas), len(self.entities), self._undos)
        index = self._suggestion_index
        if index is None or index[0] != version:
            # By sort, then in the order they were made: the same however the state was built (see ``resume``).
            candidates = sorted(
                (entity for entity in self.entities.values() if isinstance(entity, types)),
                key=lambda entity: _SORT_ORDER[type(entity)],
            )
            by_name: dict[str, list[Entity]] = {}
            by_text: dict[str, Entity] = {}
            for entity in candidates:
                by_name.setdefault(_names.fold(entity.name), []).append(entity)
                by_text.setdefault(entity.id, entity)
                by_text.setdefault(entity.name, entity)
            index = self._suggestion_index = (version, by_name, by_text, _names.CloseMatcher(by_text))
        _, by_name, by_text, matcher = index
        named = by_name.get(_names.fold(entity_id))
        if named:
            return (
                f"{entity_id!r} is the name of {_listing(named)}; events refer to entities by id, "
                f"so write {named[0].id!r}"
            )
        close = matcher.find(entity_id)
        if close:
            found = {by_text[text].id: by_text[text].name for text in close}
            return "did you mean " + " or ".join(f"{item!r} ({name})" for item, name in found.items()) + "?"
        return ""

    def _day(self) -> str:
        return self.when.describe() if self.when is not None else "that day"

    # --- writing -----------------------------------------------------------------------------

    def add(self, entity: Entity) -> None:
        """Bring a new entity into the state."""
        existing = self.entities.get(entity.id)
        if existing is not None:
            raise Rejection(
                DuplicateIdError,
                f"id {entity.id!r} is already taken by {describe(existing)}",
                "choose another id: an id names one entity for all time",
            )
        if entity.id in self.ended:
            gone, when = self.ended[entity.id]
            raise Rejection(
                DuplicateIdError,
                f"id {entity.id!r} belonged to {describe(gone)}, which ended {when.describe()}",
                "choose another id: ids are never reused, so that history stays unambiguous",
            )
        self._check(entity)
        self._record(entity.id, None, entity)

    def replace(self, entity: Entity) -> None:
        """Give an existing entity a new value."""
        key = entity.id
        old = self.entities[key]
        self._check(entity, old)
        self._put(key, old, entity)

    def _put(self, key: str, old: Entity, entity: Entity) -> None:
        """The write of :meth:`replace`, once ``entity`` is checked."""
        # _record and _write, inline for the most frequent write (a replace is always the same entity, re-filed).
        deltas = self.deltas
        deltas.positions.append(self.position)
        deltas.keys.append(key)
        deltas.olds.append(old)
        deltas.news.append(entity)
        self.entities[key] = entity
        self._reindex(old, entity)

    def remove(self, entity_id: str) -> None:
        """End an entity; everything that depends on it must have gone first."""
        entity = self.entities[entity_id]
        blockers = self._dependants(entity) if self._has_dependants(entity) else ""
        if blockers:
            raise Rejection(NotEmptyError, f"{describe(entity)} still has {blockers}", self._empty_hint(entity))
        self._record(entity_id, entity, None)

    def relate(self, relation: Relation) -> None:
        """Start a relation between two active entities."""
        for end in (relation.source, relation.target):
            if end not in self.entities:
                self.require(end, Unit, Post, Person, Function)
        if relation.key in self.relations:
            raise Rejection(
                ConflictError,
                f"{self._label(relation.source)} already {relation.kind} {self._label(relation.target)}",
            )
        self._record(relation.key, None, relation)

    def unrelate(self, key: RelationKey) -> None:
        """End a relation."""
        self._record(key, self.relations[key], None)

    def link(self, kind: LinkKind, predecessor: str, successor: str, function: str | None = None) -> None:
        """Record a lineage link made by the current event."""
        self.links.append(Link(self.position, kind.value, predecessor, successor, function))

    def _record(self, key: Key, old: Value, new: Value) -> None:
        # Writes.record, inline: this runs for every write.
        deltas = self.deltas
        deltas.positions.append(self.position)
        deltas.keys.append(key)
        deltas.olds.append(old)
        deltas.news.append(new)
        self._write(key, old, new)

    def _check(self, entity: Entity, old: Entity | None = None) -> None:
        """Check the references of a new value; only those that changed, since the rest still hold.

        (Removing an entity is refused while anything refers to it, so a reference
        that was valid stays valid until it changes.)
        """
        if isinstance(entity, Unit):
            moved = not isinstance(old, Unit) or old.parent != entity.parent
            if entity.parent is not None and moved:
                self.require(entity.parent, Unit)
                # A unit just established has nothing under it yet (a reference must name what exists), so it
                # closes no loop: only a move climbs the new parent's ancestors, which costs the depth of the tree.
                if old is not None and self._is_within(entity.parent, entity.id):
                    raise self._loop(entity.id, entity.parent)
        elif isinstance(entity, Post):
            before = old if isinstance(old, Post) else None
            if before is None or before.unit != entity.unit or before.heads != entity.heads:
                if entity.unit is not None:
                    self.require(entity.unit, Unit)
                elif entity.heads:
                    raise Rejection(
                        MalformedEventError, f"post {entity.id!r} heads no unit: a head post must belong to one"
                    )
            if entity.holders and (before is None or before.holders != entity.holders):
                known = set(before.holder_ids) if before is not None else set()
                for holding in entity.holders:
                    if holding.person not in known:
                        self.require(holding.person, Person)
                self._check_seats(entity)
            if entity.reports_to is not None and (before is None or before.reports_to != entity.reports_to):
                self.require(entity.reports_to, Post)
                # As for units: nobody reports to a post just established, so only a change of line can close a loop.
                looped = before is not None and self._reports_through(entity.reports_to, entity.id)
                if entity.reports_to == entity.id or looped:
                    raise Rejection(
                        CycleError,
                        f"post {self._label(entity.id)} cannot report to {self._label(entity.reports_to)}, "
                        "which reports to it",
                        "reporting lines must lead up to a top, not round in a loop",
                    )
        elif isinstance(entity, Function) and entity.owner is not None:
            moved = not isinstance(old, Function) or old.owner != entity.owner
            if moved:
                self.require(entity.owner, Unit, Post)

    def _loop(self, unit_id: str, parent: str) -> Rejection:
        """The rejection of a unit put under one of its own descendants."""
        return Rejection(
            CycleError,
            f"unit {self._label(unit_id)} cannot sit under {self._label(parent)}, which sits under it",
            "move the lower unit out first, or choose another parent",
        )

    def _check_seats(self, post: Post) -> None:
        """A post has no more holders than seats, besides hand-over holdings, which need every seat taken."""
        if post.seats is None:
            if any(holding.overlap for holding in post.holders):
                raise Rejection(
                    MalformedEventError,
                    f"{describe(post)} has no limit of seats, so nobody holds it in a hand-over",
                    "leave out overlap: there is always a free seat",
                )
            return
        regular = [holding for holding in post.holders if not holding.overlap]
        if len(regular) > post.seats:
            raise Rejection(
                PostOccupiedError,
                f"{describe(post)} has {_seats(post.seats)} but would be held by {len(regular)}: "
                f"{_listing(self._get(holding.person) for holding in regular)}",
                "vacate a seat first, or appoint with overlap=True for a hand-over",
            )
        if len(regular) < post.seats and len(regular) < len(post.holders):
            raise Rejection(
                MalformedEventError,
                f"{describe(post)} has a free seat, so nobody holds it in a hand-over",
                "leave out overlap",
            )

    def _is_within(self, unit_id: str | None, ancestor: str) -> bool:
        while unit_id is not None:
            if unit_id == ancestor:
                return True
            parent = self.entities[unit_id]
            assert isinstance(parent, Unit)
            unit_id = parent.parent
        return False

    def _reports_through(self, post_id: str | None, boss: str) -> bool:
        seen = set()
        while post_id is not None and post_id not in seen:
            if post_id == boss:
                return True
            seen.add(post_id)
            post = self.entities[post_id]
            assert isinstance(post, Post)
            post_id = post.reports_to
        return False

    def _has_dependants(self, entity: Entity) -> bool:
        """Whether :meth:`_dependants` finds anything: a look in each index, no listing (most removals find none)."""
        entity_id, kind = entity.id, type(entity)
        if entity_id in self.relations_of:
            return True
        if kind is Unit:
            return entity_id in self.children or entity_id in self.posts_in or entity_id in self.owned
        if kind is Post:
            return entity_id in self.subordinates or entity_id in self.owned
        if kind is Person:
            return entity_id in self.held
        return False

    def _dependants(self, entity: Entity) -> str:
        parts = []
        if isinstance(entity, Unit):
            parts.append(("child units", self.children.get(entity.id)))
            parts.append(("posts", self.posts_in.get(entity.id)))
            parts.append(("functions", self.owned.get(entity.id)))
        elif isinstance(entity, Post):
            parts.append(("posts reporting to it", self.subordinates.get(entity.id)))
            parts.append(("functions", self.owned.get(entity.id)))
        elif isinstance(entity, Person):
            parts.append(("posts", self.held.get(entity.id)))
        parts.append(("relations", {f"{k[1]} {k[0]} {k[2]}" for k in self.relations_of.get(entity.id, ())}))
        found = []
        for label, ids in parts:
            if ids:
                if label == "relations":
                    found.append(f"{label} {', '.join(sorted(ids))}")
                else:
                    found.append(f"{label} {_listing(self.entities[i] for i in sorted(ids))}")
        return " and ".join(found)

    @staticmethod
    def _empty_hint(entity: Entity) -> str:
        if isinstance(entity, Unit):
            return (
                "say where they go: Move, Transfer (functions) or Dissolve them earlier in the same change, "
                "or use Absorb to send them all to one unit, or Split to share them out"
            )
        if isinstance(entity, Post):
            return "give them a new place first: SetReportingLine for the posts, Transfer for the functions"
        return ""

    def _write(self, key: Key, old: Value, new: Value) -> None:
        """Store ``new`` under ``key`` and keep every index in step; checks nothing."""
        if isinstance(key, tuple):
            if old is not None:
                assert isinstance(old, Relation)
                del self.relations[key]
                self.relations_of.discard(old.source, key)
                self.relations_of.discard(old.target, key)
                self.moved_relations.update((old.source, old.target))
            if new is not None:
                assert isinstance(new, Relation)
                self.relations[key] = new
                self.relations_of.add(new.source, key)
                self.relations_of.add(new.target, key)
                self.moved_relations.update((new.source, new.target))
            return
        if old is not None and new is not None:
            assert not isinstance(old, Relation)
            assert not isinstance(new, Relation)
            self.entities[key] = new
            self._reindex(old, new)
            return
        if old is not None:
            assert not isinstance(old, Relation)
            self._unindex(old)
        if new is None:
            del self.entities[key]
            assert old is not None
            assert not isinstance(old, Relation)
            assert self.when is not None
            self.ended[key] = (old, self.when)
        else:
            assert not isinstance(new, Relation)
            self.entities[key] = new
            self._index(new)
            if old is None:
                self.ended.pop(key, None)

    # _index, _unindex and _reindex run for every write: exact type checks, and the work for each type inline.

    def _reindex(self, old: Entity, new: Entity) -> None:
        """File a new value of an entity in place of its old one: only the fields that changed are filed again.

        What did not change is not marked as touched either, so neither
        :meth:`finish` nor the log looks at it again (a post moving between
        units keeps its holders; a post appointed to keeps its unit).
        """
        kind = type(new)
        if kind is not type(old):
            self._unindex(old)
            self._index(new)
        elif kind is Post:
            assert isinstance(old, Post)
            assert isinstance(new, Post)
            post_id = new.id
            if old.unit != new.unit or old.heads != new.heads:
                if old.unit is not None:
                    self.posts_in.discard(old.unit, post_id)
                    if old.heads:
                        self.heads_in.discard(old.unit, post_id)
                        self._dirty_heads.add(old.unit)
                        self.moved_heads.add(old.unit)
                if new.unit is not None:
                    self.posts_in.add(new.unit, post_id)
                    if new.heads:
                        self.heads_in.add(new.unit, post_id)
                        self._dirty_heads.add(new.unit)
                        self.moved_heads.add(new.unit)
            if old.reports_to != new.reports_to:
                if old.reports_to is not None:
                    self.subordinates.discard(old.reports_to, post_id)
                if new.reports_to is not None:
                    self.subordinates.add(new.reports_to, post_id)
            if old.holders != new.holders:
                before = {holding.person for holding in old.holders}
                after = {holding.person for holding in new.holders}
                for person in before - after:
                    self.held.discard(person, post_id)
                    self.moved_holders.add(person)
                for person in after - before:
                    self.held.add(person, post_id)
                    self.moved_holders.add(person)
        elif kind is Unit:
            assert isinstance(old, Unit)
            assert isinstance(new, Unit)
            if old.parent != new.parent:
                self.children.discard(old.parent, new.id)
                self.children.add(new.parent, new.id)
            elif old.name == new.name:
                return
            old_name = (old.parent, _names.normalise(old.name))
            new_name = (new.parent, _names.normalise(new.name))
            if old_name != new_name:
                self.named.discard(old_name, new.id)
                self.named.add(new_name, new.id)
                self._dirty_names.add(old_name)
                self._dirty_names.add(new_name)
        elif kind is Function:
            assert isinstance(old, Function)
            assert isinstance(new, Function)
            if old.owner != new.owner:
                if old.owner is not None:
                    self.owned.discard(old.owner, new.id)
                if new.owner is not None:
                    self.owned.add(new.owner, new.id)

    def _index(self, entity: Entity) -> None:
        kind = type(entity)
        if kind is Unit:
            assert isinstance(entity, Unit)
            named = (entity.parent, _names.normalise(entity.name))
            self.children.add(entity.parent, entity.id)
            self.named.add(named, entity.id)
            self._dirty_names.add(named)
        elif kind is Post:
            assert isinstance(entity, Post)
            if entity.unit is not None:
                self.posts_in.add(entity.unit, entity.id)
                if entity.heads:
                    self.heads_in.add(entity.unit, entity.id)
                    self._dirty_heads.add(entity.unit)
                    self.moved_heads.add(entity.unit)
            if entity.reports_to is not None:
                self.subordinates.add(entity.reports_to, entity.id)
            for holding in entity.holders:
                self.held.add(holding.person, entity.id)
                self.moved_holders.add(holding.person)
        elif kind is Function:
            assert isinstance(entity, Function)
            if entity.owner is not None:
                self.owned.add(entity.owner, entity.id)

    def _unindex(self, entity: Entity) -> None:
        kind = type(entity)
        if kind is Unit:
            assert isinstance(entity, Unit)
            named = (entity.parent, _names.normalise(entity.name))
            self.children.discard(entity.parent, entity.id)
            self.named.discard(named, entity.id)
            self._dirty_names.add(named)
        elif kind is Post:
            assert isinstance(entity, Post)
            if entity.unit is not None:
                self.posts_in.discard(entity.unit, entity.id)
                if entity.heads:
                    self.heads_in.discard(entity.unit, entity.id)
                    self._dirty_heads.add(entity.unit)
                    self.moved_heads.add(entity.unit)
            if entity.reports_to is not None:
                self.subordinates.discard(entity.reports_to, entity.id)
            for holding in entity.holders:
                self.held.discard(holding.person, entity.id)
                self.moved_holders.add(holding.person)
        elif kind is Function:
            assert isinstance(entity, Function)
            if entity.owner is not None:
                self.owned.discard(entity.owner, entity.id)

    # --- compound writes shared by several events --------------------------------------------

    def end_relations(self, entity_id: str) -> None:
        """End every relation the entity takes part in."""
        for key in sorted(self.relations_of.get(entity_id, ()), key=_relation_order):
            self.unrelate(key)

    def release_posts(self, person_id: str) -> None:
        """Take the person out of every post they hold."""
        for post_id in sorted(self.held.get(person_id, ())):
            post = self.entities[post_id]
            assert isinstance(post, Post)
            self.replace(without_holder(post, person_id))

    def contents(self, unit_id: str) -> set[str]:
        """The ids of a unit's child units, posts and functions."""
        return {*self.children.get(unit_id), *self.posts_in.get(unit_id), *self.owned.get(unit_id)}

    def move_contents(
        self, unit_id: str, destination: Callable[[str], str], only: Collection[str] | None = None
    ) -> None:
        """Send each child unit, post and function of a unit (or ``only`` those) to ``destination(id)``."""
        # Each new place is checked by _place, which is all that replace() would check of a post or a function
        # (its other fields stay); of a unit, replace() would also look for a loop, so that is looked for here.
        entities, put = self.entities, self._put
        for child_id in sorted(self.children.get(unit_id, ())):
            if only is None or child_id in only:
                child = entities[child_id]
                assert isinstance(child, Unit)
                parent = self._place(destination(child_id), child_id, Unit)
                if self._is_within(parent, child_id):
                    raise self._loop(child_id, parent)
                put(child_id, child, _copy_unit(child, parent=parent))
        for post_id in sorted(self.posts_in.get(unit_id, ())):
            if only is None or post_id in only:
                post = entities[post_id]
                assert isinstance(post, Post)
                put(post_id, post, _copy_post(post, unit=self._place(destination(post_id), post_id, Unit)))
        for function_id in sorted(self.owned.get(unit_id, ())):
            if only is None or function_id in only:
                function = entities[function_id]
                assert isinstance(function, Function)
                owner = self._place(destination(function_id), function_id, Unit, Post)
                put(function_id, function, _copy_function(function, owner=owner))
                self.link(LinkKind.TRANSFERRED, unit_id, owner, function_id)

    def check_parts(self, unit: Unit, parts: Iterable[str], what: str) -> set[str]:
        """The named parts of a unit, each once and each its child unit, post or function."""
        named = list(parts)
        if len(set(named)) != len(named):
            raise Rejection(MalformedEventError, f"{what} names a part twice: {sorted(named)!r}")
        stray = sorted(set(named) - self.contents(unit.id))
        if stray:
            raise Rejection(
                MalformedEventError,
                f"{what} names {', '.join(map(repr, stray))}, which are not child units, posts or functions "
                f"of {describe(unit)}",
            )
        return set(named)

    def has_link(self, kind: str, predecessor: str, successor: str) -> bool:
        """Whether a lineage link of this kind already joins the two."""
        return any(
            link.kind == kind and link.predecessor == predecessor and link.successor == successor for link in self.links
        )

    def _place(self, target: str, moving: str, *types: type[Any]) -> str:
        if isinstance(self.entities.get(target), types):
            return target  # the common case, without setting up the rewording below
        try:
            self.require(target, *types)
        except Rejection as rejection:
            raise Rejection(
                rejection.error_class,
                f"{self._label(moving)} cannot go to {target!r}: {rejection.problem}",
                rejection.hint,
            ) from None
        return target

    def end_unit(self, unit_id: str) -> None:
        """End an emptied unit and its relations."""
        self.end_relations(unit_id)
        self.remove(unit_id)


def _relation_order(key: RelationKey) -> tuple[str, str, str]:
    return (str(key[0]), key[1], key[2])


# --- one handler per event type ------------------------------------------------------------------


def _establish(state: WorkingState, event: Establish) -> None:
    state.add(event.entity)


def _seats(count: int) -> str:
    return "one seat" if count == 1 else f"{count} seats"


def without_holder(post: Post, person: str) -> Post:
    """The post once ``person`` has left it.

    A hand-over ends as soon as the post is back within its seats: those
    appointed beside the others then hold it like everyone else.
    """
    holders = [holding for holding in post.holders if holding.person != person]
    if post.seats is not None and any(holding.overlap for holding in holders):
        regular = sum(not holding.overlap for holding in holders)
        settled = []
        for holding in holders:
            if holding.overlap and regular < post.seats:
                holding = replace(holding, overlap=False)  # noqa: PLW2901
                regular += 1
            settled.append(holding)
        holders = settled
    return _copy_post(post, holders=tuple(holders))


def _dissolve(state: WorkingState, event: Dissolve) -> None:
    entity = state.require(event.target, Unit, Post, Person, Function)
    if isinstance(entity, Post) and entity.holders:
        state.replace(replace(entity, holders=()))
    if isinstance(entity, Person):
        state.release_posts(entity.id)
    state.end_relations(entity.id)
    state.remove(entity.id)


_KIND_CONVERTERS: dict[type[Entity], Callable[[str], object]] = {
    Unit: _unit_kind,
    Post: _post_kind,
    Function: _function_kind,
}


def _rename(state: WorkingState, event: Rename) -> None:
    entity = state.require(event.target, Unit, Post, Person, Function)
    changes: dict[str, Any] = {}
    if event.kind is not None:
        convert = _KIND_CONVERTERS.get(type(entity))
        if convert is None:
            raise Rejection(MalformedEventError, f"{describe(entity)} has no kind to change", "leave out kind")
        try:
            kind = convert(event.kind)
        except InvalidArgumentError as error:
            raise Rejection(MalformedEventError, str(error)) from None
        if kind != getattr(entity, "kind"):  # noqa: B009 - Person has no kind field
            changes["kind"] = kind
    # The old name is not kept as an alias: former names are history, read from the log (a rename costs the
    # same however often the entity was renamed before).
    if event.name != entity.name:
        changes["title" if isinstance(entity, Post) else "name"] = event.name
    if not changes:
        raise Rejection(
            ConflictError, f"{describe(entity)} already has that name and kind", "drop the event: it changes nothing"
        )
    state.replace(replace(entity, **changes))


def _move(state: WorkingState, event: Move) -> None:
    entity = state.entities.get(event.target)
    if isinstance(entity, Function):
        raise Rejection(
            MalformedEventError,
            f"{describe(entity)} is moved with Transfer, not Move",
            f"write Transfer({entity.id!r}, ...)",
        )
    if isinstance(entity, Person):
        raise Rejection(
            MalformedEventError, f"{describe(entity)} moves between posts with Vacate and Appoint, not Move"
        )
    moving = state.require(event.target, Unit, Post)
    if event.to is not None:
        state.require(event.to, Unit)
    current = moving.parent if isinstance(moving, Unit) else moving.unit
    if current == event.to:
        raise Rejection(ConflictError, f"{describe(moving)} is already there", "drop the event: it changes nothing")
    if isinstance(moving, Unit):
        state.replace(_copy_unit(moving, parent=event.to))
    else:
        state.replace(_copy_post(moving, unit=event.to))


def _check_distinct(units: tuple[str, ...], least: int, what: str) -> None:
    if len(units) < least:
        needed = "a unit" if least == 1 else f"at least {least} units"
        raise Rejection(MalformedEventError, f"{what} needs {needed}, got {len(units)}")
    if len(set(units)) != len(units):
        raise Rejection(MalformedEventError, f"{what} names a unit twice: {sorted(units)!r}")


def _merge(state: WorkingState, event: Merge) -> None:
    _check_distinct(event.units, 1, "a merge")
    for unit_id in event.units:
        state.require(unit_id, Unit)
    if event.into.parent in event.units:
        raise Rejection(
            MalformedEventError,
            f"the merged unit {event.into.id!r} cannot sit under {event.into.parent!r}, which ends in the merge",
        )
    state.add(event.into)
    # One unit "merged" alone is re-formed as a new unit: it is succeeded rather than merged.
    kind = LinkKind.MERGED if len(event.units) > 1 else LinkKind.SUCCEEDED
    _fold_into(state, event.units, event.into.id, kind)


def _absorb(state: WorkingState, event: Absorb) -> None:
    _check_distinct(event.units, 1, "an absorb")
    into = state.require(event.into, Unit)
    if event.parts is not None:
        _absorb_parts(state, event, into)
        return
    for unit_id in event.units:
        state.require(unit_id, Unit)
        if unit_id == into.id or state._is_within(into.id, unit_id):
            raise Rejection(
                CycleError, f"unit {state._label(into.id)} cannot absorb {state._label(unit_id)}, which contains it"
            )
    _fold_into(state, event.units, into.id, LinkKind.ABSORBED)


def _absorb_parts(state: WorkingState, event: Absorb, into: Unit) -> None:
    assert event.parts is not None
    if len(event.units) != 1:
        raise Rejection(
            MalformedEventError,
            f"a partial absorb takes parts of one unit, got {len(event.units)}: {sorted(event.units)!r}",
            "write one Absorb(..., parts=...) per unit, in one change",
        )
    unit = state.require(event.units[0], Unit)
    if unit.id == into.id:
        raise Rejection(MalformedEventError, f"{describe(unit)} cannot absorb parts of itself")
    parts = state.check_parts(unit, event.parts, "the partial absorb")
    if not parts:
        raise Rejection(MalformedEventError, "a partial absorb names no part", "list the parts that move in parts=")
    state.move_contents(unit.id, lambda _: into.id, only=parts)
    state.link(LinkKind.PARTLY_ABSORBED, unit.id, into.id)


def _spin_off(state: WorkingState, event: SpinOff) -> None:
    source = state.require(event.target, Unit)
    parts = state.check_parts(source, event.parts, "the spin-off")
    state.add(event.into)
    state.move_contents(source.id, lambda _: event.into.id, only=parts)
    state.link(LinkKind.SPUN_OFF, source.id, event.into.id)


def _succeed(state: WorkingState, event: Succeed) -> None:
    successor = state.require(event.successor, Unit, Post)
    predecessor = state.entities.get(event.predecessor)
    if predecessor is None and event.predecessor in state.ended:
        predecessor = state.ended[event.predecessor][0]  # a successor may follow one that has already ended
    if predecessor is None:
        state.require(event.predecessor, Unit, Post)  # words the error
        return
    if type(predecessor) is not type(successor):
        raise Rejection(
            MalformedEventError,
            f"{describe(successor)} cannot succeed {describe(predecessor)}: a unit succeeds a unit, a post a post",
        )
    if state.has_link(event.kind.value, predecessor.id, successor.id):
        raise Rejection(
            ConflictError,
            f"{describe(successor)} already {event.kind.value} from {describe(predecessor)}",
            "drop the event: it changes nothing",
        )
    state.link(event.kind, predecessor.id, successor.id)


def _fold_into(state: WorkingState, units: tuple[str, ...], into: str, kind: LinkKind) -> None:
    for unit_id in units:
        state.move_contents(unit_id, lambda _: into)
        state.end_unit(unit_id)
        state.link(kind, unit_id, into)


def _split(state: WorkingState, event: Split) -> None:
    source = state.require(event.target, Unit)
    if len(event.into) < 2:
        raise Rejection(
            MalformedEventError, f"a split needs at least 2 new units, got {len(event.into)}", "use Rename for one"
        )
    contents = state.contents(source.id)
    allocation = event.allocation
    missing = sorted(contents - allocation.keys())
    if missing:
        raise Rejection(
            NotEmptyError,
            f"the split of {describe(source)} does not say where {_listing(state.entities[i] for i in missing)} go",
            "add each to allocate={id: new place}",
        )
    stray = sorted(allocation.keys() - contents)
    if stray:
        raise Rejection(
            MalformedEventError, f"allocate names {', '.join(map(repr, stray))}, which are not in {describe(source)}"
        )
    for unit in event.into:
        if unit.parent == source.id:
            raise Rejection(
                MalformedEventError, f"new unit {unit.id!r} cannot sit under {source.id!r}, which ends in the split"
            )
        state.add(unit)
    state.move_contents(source.id, allocation.__getitem__)
    state.end_unit(source.id)
    for unit in event.into:
        state.link(LinkKind.SPLIT, source.id, unit.id)


def _transfer(state: WorkingState, event: Transfer) -> None:
    function = state.require(event.function, Function)
    state.require(event.to, Unit, Post)
    if function.owner == event.to:
        raise Rejection(
            ConflictError,
            f"{describe(function)} already belongs to {state._label(event.to)}",
            "drop the event: it changes nothing",
        )
    state.replace(_copy_function(function, owner=event.to))
    if function.owner is not None:
        state.link(LinkKind.TRANSFERRED, function.owner, event.to, function.id)


_make_holding = maker(Holding)


def _appoint(state: WorkingState, event: Appoint) -> None:
    post = state.require(event.post, Post)
    person = state.require(event.person, Person)
    if post.holding(person.id) is not None:
        raise Rejection(
            ConflictError,
            f"{describe(person)} already holds {describe(post)}",
            "drop the event: it changes nothing" if not event.roles else "to change their roles, use SetRoles",
        )
    if event.overlap and not post.is_full:
        raise Rejection(
            MalformedEventError,
            f"overlap=True is for a hand-over into a post whose seats are all held, and {describe(post)} "
            + ("has no limit of seats" if post.seats is None else "has a free seat"),
            "leave out overlap",
        )
    if not event.overlap and post.is_full:
        holders = _listing(state.entities[holding.person] for holding in post.holders)
        assert post.seats is not None
        if post.seats == 1 and len(post.holders) == 1:
            fix = f"vacate it first (Vacate({post.id!r}) before the Appoint, in the same change)"
        else:
            fix = f"vacate a seat first (Vacate({post.id!r}, person) before the Appoint, in the same change)"
        raise Rejection(
            PostOccupiedError,
            f"{describe(post)} has {_seats(post.seats)}, held by {holders}",
            f"{fix}, or appoint with overlap=True for a hand-over in which both hold it for a while",
        )
    holding = _make_holding(person.id, event.roles, event.overlap)  # all three checked already: no validators
    state.replace(_copy_post(post, holders=(*post.holders, holding)))


def _vacate(state: WorkingState, event: Vacate) -> None:
    post = state.require(event.post, Post)
    if not post.holders:
        raise Rejection(ConflictError, f"{describe(post)} is already vacant", "drop the event: it changes nothing")
    if event.person is None:
        if len(post.holders) > 1:
            raise Rejection(
                MalformedEventError,
                f"{describe(post)} has {len(post.holders)} holders: "
                f"{_listing(state.entities[holding.person] for holding in post.holders)}",
                f"say who leaves: Vacate({post.id!r}, person)",
            )
        person = post.holders[0].person
    else:
        person = event.person
        if post.holding(person) is None:
            who = state.entities.get(person)
            label = describe(who) if who is not None else repr(person)
            raise Rejection(
                ConflictError, f"{label} does not hold {describe(post)}", "drop the event, or check the ids"
            )
    state.replace(without_holder(post, person))


def _set_roles(state: WorkingState, event: SetRoles) -> None:
    post = state.require(event.post, Post)
    person = state.require(event.person, Person)
    holding = post.holding(person.id)
    if holding is None:
        raise Rejection(
            ConflictError,
            f"{describe(person)} does not hold {describe(post)}",
            f"appoint them first: Appoint({post.id!r}, {person.id!r}, roles=...)",
        )
    if holding.roles == event.roles:
        raise Rejection(
            ConflictError, f"{describe(person)} already has those roles in {describe(post)}", "drop the event"
        )
    changed = replace(holding, roles=event.roles)
    state.replace(replace(post, holders=tuple(changed if h is holding else h for h in post.holders)))


def _set_attributes(state: WorkingState, event: SetAttributes) -> None:
    entity = state.require(event.target, Unit, Post, Person, Function)
    attributes = entity.attributes.changed(dict(event.attributes)) if event.attributes else entity.attributes
    identifiers = entity.identifiers.changed(dict(event.identifiers)) if event.identifiers else entity.identifiers
    if attributes == entity.attributes and identifiers == entity.identifiers:
        raise Rejection(
            ConflictError, f"{describe(entity)} already has those attributes", "drop the event: it changes nothing"
        )
    state.replace(replace(entity, attributes=attributes, identifiers=identifiers))


def _set_reporting_line(state: WorkingState, event: SetReportingLine) -> None:
    post = state.require(event.post, Post)
    if event.to is not None:
        state.require(event.to, Post)
    if post.reports_to == event.to:
        raise Rejection(ConflictError, f"{describe(post)} already reports there", "drop the event: it changes nothing")
    state.replace(_copy_post(post, reports_to=event.to))


def _set_head(state: WorkingState, event: SetHead) -> None:
    unit = state.require(event.unit, Unit)
    current = sorted(state.heads_in.get(unit.id, ()))
    if event.post is not None:
        post = state.require(event.post, Post)
        if post.unit != unit.id:
            raise Rejection(
                ConflictError,
                f"{describe(post)} does not belong to {describe(unit)}",
                f"Move({post.id!r}, {unit.id!r}) first, in the same change",
            )
        if current == [post.id]:
            raise Rejection(
                ConflictError, f"{describe(post)} already heads {describe(unit)}", "drop the event: it changes nothing"
            )
    elif not current:
        raise Rejection(ConflictError, f"{describe(unit)} already has no head", "drop the event: it changes nothing")
    for post_id in current:
        old = state.entities[post_id]
        assert isinstance(old, Post)
        state.replace(_copy_post(old, heads=False))
    if event.post is not None:
        new = state.entities[event.post]
        assert isinstance(new, Post)
        state.replace(_copy_post(new, heads=True))


def _add_relation(state: WorkingState, event: AddRelation) -> None:
    state.relate(event.relation)


def _remove_relation(state: WorkingState, event: RemoveRelation) -> None:
    key = event.relation.key
    if key not in state.relations:
        raise Rejection(
            UnknownEntityError,
            f"there is no relation {key[1]!r} {key[0]} {key[2]!r} on {state._day()}",
        )
    state.unrelate(key)


_HANDLERS: dict[type[Event], Callable[[WorkingState, Any], None]] = {
    Establish: _establish,
    Dissolve: _dissolve,
    Rename: _rename,
    Move: _move,
    Merge: _merge,
    Absorb: _absorb,
    Split: _split,
    Transfer: _transfer,
    Appoint: _appoint,
    Vacate: _vacate,
    SetReportingLine: _set_reporting_line,
    SetHead: _set_head,
    AddRelation: _add_relation,
    RemoveRelation: _remove_relation,
    SpinOff: _spin_off,
    Succeed: _succeed,
    SetRoles: _set_roles,
    SetAttributes: _set_attributes,
}
