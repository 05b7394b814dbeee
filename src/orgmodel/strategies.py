"""Hypothesis strategies for organisations, timelines and change plans.

Everything generated is valid by construction, not by filtering: a generator
keeps a small model of the organisation and only draws events that apply to
it, skipping a step when nothing fits.  Ids are ``u0, u1, …`` (units),
``p0, …`` (posts), ``h0, …`` (people) and ``f0, …`` (functions), names come
from a short list of words and days start early, so a failing example shrinks
to something small and readable.

>>> from hypothesis import given, settings
>>> from orgmodel import strategies as oms
>>> @settings(max_examples=5)
... @given(oms.timelines(max_events=10))
... def test_every_day_has_a_chart(timeline):
...     for change in timeline.changes:
...         timeline.at(change.on.earliest)
>>> test_every_day_has_a_chart()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from orgmodel import _names
from orgmodel._chart import OrgChart
from orgmodel._entities import (
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
    Role,
    Unit,
    UnitKind,
)
from orgmodel._events import (
    Absorb,
    AddRelation,
    Appoint,
    Change,
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
    Source,
    SpinOff,
    Split,
    Status,
    Succeed,
    Transfer,
    Vacate,
)
from orgmodel._scenario import Scenario
from orgmodel._state import without_holder
from orgmodel._timeline import Timeline
from orgmodel.dates import When, parse_when
from orgmodel.errors import InvalidArgumentError

__all__ = [
    "EVENT_TYPES",
    "change_plans",
    "charts",
    "days",
    "events",
    "functions",
    "imprecise_dates",
    "names",
    "people",
    "posts",
    "relations",
    "revised_timelines",
    "scenarios",
    "timelines",
    "units",
]

T = TypeVar("T")
E = TypeVar("E", Unit, Post, Person, Function)

#: The event types the generators know, by name; pass a subset as ``event_types=``.
EVENT_TYPES: tuple[str, ...] = (
    "establish",
    "dissolve",
    "rename",
    "move",
    "merge",
    "absorb",
    "split",
    "transfer",
    "appoint",
    "vacate",
    "report",
    "head",
    "relate",
    "unrelate",
    "spin-off",
    "succeed",
    "set-roles",
    "set",
)

_WEIGHTS = {"establish": 5, "dissolve": 1, "merge": 1, "absorb": 1, "split": 1, "appoint": 3, "succeed": 1}
#: Kinds of unit of a user's own that generated organisations use besides the built-in ones.
_OWN_UNIT_KINDS = ("division", "team")
_ROLES = (Role.ACTING.value, Role.ON_LEAVE.value, "deputy")
_ATTRIBUTES = ("fte", "cost_centre")
_WORDS = ("A", "B", "C", "D", "Ekonomi", "Förnyelse", "Kultur", "Park", "Social", "Teknik", "Miljö", "Juridik")
_MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


# --- values ----------------------------------------------------------------------------------------


def days(
    min_value: dt.date = dt.date(2010, 1, 1), max_value: dt.date = dt.date(2030, 12, 31)
) -> st.SearchStrategy[dt.date]:
    """Days between ``min_value`` and ``max_value``, shrinking towards the first."""
    return st.dates(min_value, max_value)


def imprecise_dates(
    min_year: int = 2010, max_year: int = 2030, *, exact: bool = True, open_ended: bool = True
) -> st.SearchStrategy[When]:
    """Effective dates of every precision, each made from a phrase orgmodel reads.

    Months, quarters, seasons, years, turns of the year, ranges and
    at-the-latest dates with a floor (``senast 2016``, not before a day), in
    Swedish and English; with ``exact`` also exact days; with ``open_ended``
    also the windows open at one end: not-before dates (``efter 5 mars 2014``,
    ``tidigast 2015``: no latest day) and at-the-latest dates with no floor (no
    earliest day).

    >>> from hypothesis import find
    >>> find(imprecise_dates(), lambda when: when.precision.value == "season").text
    'våren 2010'
    >>> find(imprecise_dates(), lambda when: when.has_open_end and when.text.startswith("efter")).text
    'efter 1 januari 2010'
    """
    years = st.integers(min_year, max_year)
    months = st.integers(1, 12)
    phrases = [
        st.builds(lambda y: f"våren {y}", years),
        st.builds(lambda y, m: f"{_MONTHS_SV[m - 1]} {y}", years, months),
        st.builds(lambda y, q: f"Q{q} {y}", years, st.integers(1, 4)),
        st.builds(lambda y: f"hösten {y}", years),
        st.builds(lambda y: f"vid årsskiftet {y}/{y + 1}", years),
        st.builds(lambda y, m: f"under {_MONTHS_SV[m - 1]}–december {y}", years, months),
        st.builds(lambda y: f"{y}", years),
        st.builds(lambda y: f"spring {y}", years),
    ]
    if open_ended:
        days_of_month = st.integers(1, 28)
        phrases += [
            st.builds(lambda y, m, d: f"efter {d} {_MONTHS_SV[m - 1]} {y}", years, months, days_of_month),
            st.builds(lambda y: f"tidigast {y}", years),
            st.builds(lambda y: f"senast {y}", years),
        ]
    strategy = st.one_of(phrases).map(parse_when)
    at_the_latest = st.builds(
        lambda y, floor: parse_when(f"senast {y}", not_before=dt.date(min(floor, y), 1, 1)), years, years
    )
    strategy = st.one_of(strategy, at_the_latest)
    if exact:
        strategy = st.one_of(days(dt.date(min_year, 1, 1), dt.date(max_year, 12, 31)).map(When.exact), strategy)
    return strategy


def _words() -> st.SearchStrategy[str]:
    return st.sampled_from(_WORDS)


def names(*, unusual: bool = False) -> st.SearchStrategy[str]:
    """Names: short words, or with ``unusual`` any text with something besides spaces in it.

    Unusual names (``<``, ``&``, quotes, Swedish letters, emoji) test
    escaping in whatever shows them.
    """
    words = _words()
    if not unusual:
        return words
    text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)
    return st.one_of(words, text.filter(lambda value: bool(value.strip())))


def _ids(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(0, 99).map(lambda number: f"{prefix}{number}")


def units(
    *,
    ids: st.SearchStrategy[str] | None = None,
    names: st.SearchStrategy[str] | None = None,
    kinds: Sequence[UnitKind] = tuple(UnitKind),
    parents: st.SearchStrategy[str | None] | None = None,
) -> st.SearchStrategy[Unit]:
    """Unit values (standalone: their parent, if any, is just an id)."""
    return st.builds(
        Unit,
        id=ids if ids is not None else _ids("u"),
        name=names if names is not None else _words(),
        kind=st.sampled_from(list(kinds)),
        parent=parents if parents is not None else st.none() | _ids("u"),
        aliases=st.lists(_words(), max_size=2).map(tuple),
    )


def posts(
    *,
    ids: st.SearchStrategy[str] | None = None,
    titles: st.SearchStrategy[str] | None = None,
    kinds: Sequence[PostKind] = tuple(PostKind),
) -> st.SearchStrategy[Post]:
    """Post values (standalone: the ids they point at need not exist)."""
    return st.builds(
        Post,
        id=ids if ids is not None else _ids("p"),
        title=titles if titles is not None else names(),
        kind=st.sampled_from(list(kinds)),
        unit=st.none() | _ids("u"),
        heads=st.booleans(),
        reports_to=st.none() | _ids("p"),
        holders=st.lists(_ids("h"), max_size=1).map(tuple),
    ).map(lambda post: attrs.evolve(post, heads=False) if post.unit is None else post)


def people(
    *, ids: st.SearchStrategy[str] | None = None, names: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[Person]:
    """Person values."""
    return st.builds(
        Person,
        id=ids if ids is not None else _ids("h"),
        name=names if names is not None else _words(),
        aliases=st.lists(_words(), max_size=2).map(tuple),
    )


def functions(
    *,
    ids: st.SearchStrategy[str] | None = None,
    names: st.SearchStrategy[str] | None = None,
    kinds: Sequence[FunctionKind] = tuple(FunctionKind),
) -> st.SearchStrategy[Function]:
    """Function values (standalone: the owner id need not exist)."""
    return st.builds(
        Function,
        id=ids if ids is not None else _ids("f"),
        name=names if names is not None else _words(),
        kind=st.sampled_from(list(kinds)),
        owner=st.none() | _ids("u"),
    )


def relations(*, kinds: Sequence[RelationKind] = tuple(RelationKind)) -> st.SearchStrategy[Relation]:
    """Relation values between two different ids."""
    return st.builds(Relation, kind=st.sampled_from(list(kinds)), source=_ids("u"), target=_ids("p"), note=st.just(""))


# --- the model a generator keeps --------------------------------------------------------------------


class _Model:
    """What the generator knows of the organisation: enough to draw only valid events."""

    def __init__(
        self,
        entities: Iterable[Entity] = (),
        relations: Iterable[Relation] = (),
        taken: Iterable[str] = (),
        ended: Iterable[Entity] = (),
        links: Iterable[tuple[str, str, str]] = (),
    ):
        self.entities: dict[str, Entity] = {entity.id: entity for entity in entities}
        self.relations: dict[RelationKey, Relation] = {relation.key: relation for relation in relations}
        self.taken: set[str] = set(taken) | set(self.entities)
        # Units and posts that have ended (a succession may name one), and the lineage links so far, as
        # (kind, predecessor, successor): a link stated twice is refused.
        self.ended: dict[str, Entity] = {entity.id: entity for entity in ended}
        self.links: set[tuple[str, str, str]] = set(links)

    # reading

    def of(self, kind: type[T]) -> list[T]:
        return [entity for _, entity in sorted(self.entities.items()) if isinstance(entity, kind)]

    def children(self, unit_id: str | None) -> list[Unit]:
        return [unit for unit in self.of(Unit) if unit.parent == unit_id]

    def posts_in(self, unit_id: str) -> list[Post]:
        return [post for post in self.of(Post) if post.unit == unit_id]

    def owned(self, owner: str) -> list[Function]:
        return [function for function in self.of(Function) if function.owner == owner]

    def subtree(self, unit_id: str) -> set[str]:
        found, stack = {unit_id}, [unit_id]
        while stack:
            for child in self.children(stack.pop()):
                found.add(child.id)
                stack.append(child.id)
        return found

    def reports_up_to(self, post_id: str, boss: str) -> bool:
        current: str | None = post_id
        while current is not None:
            if current == boss:
                return True
            post = self.entities[current]
            assert isinstance(post, Post)
            current = post.reports_to
        return False

    def get(self, entity_id: str, kind: type[E]) -> E:
        entity = self.entities[entity_id]
        assert isinstance(entity, kind)
        return entity

    def fresh(self, prefix: str) -> str:
        number = 0
        while f"{prefix}{number}" in self.taken:
            number += 1
        self.taken.add(f"{prefix}{number}")
        return f"{prefix}{number}"

    @staticmethod
    def names_unique(units: Iterable[Unit]) -> bool:
        seen = [_names.normalise(unit.name) for unit in units]
        return len(seen) == len(set(seen))

    def sibling_names(self, parent: str | None, leaving: Iterable[str] = ()) -> set[str]:
        gone = set(leaving)
        return {_names.normalise(unit.name) for unit in self.children(parent) if unit.id not in gone}

    def heads(self, unit_ids: Iterable[str]) -> list[Post]:
        wanted = set(unit_ids)
        return [post for post in self.of(Post) if post.heads and post.unit in wanted]

    # writing: the model assumes the event is valid

    def apply(self, event: Event) -> None:
        handler = getattr(self, f"_apply_{type(event).__name__.lower()}")
        handler(event)

    def _set(self, entity: Entity) -> None:
        self.entities[entity.id] = entity

    def _drop(self, entity_id: str) -> None:
        entity = self.entities.pop(entity_id)
        if isinstance(entity, (Unit, Post)):
            self.ended[entity_id] = entity
        for key in [key for key in self.relations if entity_id in (key[1], key[2])]:
            del self.relations[key]
        for post in self.of(Post):
            if post.holding(entity_id) is not None:
                self._set(without_holder(post, entity_id))

    def _apply_establish(self, event: Establish) -> None:
        self.taken.add(event.entity.id)
        self._set(event.entity)

    def _apply_dissolve(self, event: Dissolve) -> None:
        self._drop(event.target)

    def _apply_rename(self, event: Rename) -> None:
        entity = self.entities[event.target]
        if isinstance(entity, Post):
            self._set(attrs.evolve(entity, title=event.name))
        else:
            self._set(attrs.evolve(entity, name=event.name))

    def _apply_move(self, event: Move) -> None:
        entity = self.entities[event.target]
        if isinstance(entity, Unit):
            self._set(attrs.evolve(entity, parent=event.to))
        else:
            self._set(attrs.evolve(self.get(event.target, Post), unit=event.to))

    def contents(self, unit_id: str) -> list[Entity]:
        return [*self.children(unit_id), *self.posts_in(unit_id), *self.owned(unit_id)]

    def _move_contents(self, unit_id: str, place: Callable[[str], str], only: Iterable[str] | None = None) -> None:
        wanted = set(only) if only is not None else None
        for child in self.children(unit_id):
            if wanted is None or child.id in wanted:
                self._set(attrs.evolve(child, parent=place(child.id)))
        for post in self.posts_in(unit_id):
            if wanted is None or post.id in wanted:
                self._set(attrs.evolve(post, unit=place(post.id)))
        for function in self.owned(unit_id):
            if wanted is None or function.id in wanted:
                self._set(attrs.evolve(function, owner=place(function.id)))

    def _apply_merge(self, event: Merge) -> None:
        self._apply_establish(Establish(event.into))
        kind = LinkKind.MERGED if len(event.units) > 1 else LinkKind.SUCCEEDED
        for unit_id in event.units:
            self._move_contents(unit_id, lambda _: event.into.id)
            self._drop(unit_id)
            self.links.add((kind.value, unit_id, event.into.id))

    def _apply_absorb(self, event: Absorb) -> None:
        if event.parts is not None:
            self._move_contents(event.units[0], lambda _: event.into, event.parts)
            self.links.add((LinkKind.PARTLY_ABSORBED.value, event.units[0], event.into))
            return
        for unit_id in event.units:
            self._move_contents(unit_id, lambda _: event.into)
            self._drop(unit_id)
            self.links.add((LinkKind.ABSORBED.value, unit_id, event.into))

    def _apply_spinoff(self, event: SpinOff) -> None:
        self._apply_establish(Establish(event.into))
        self._move_contents(event.target, lambda _: event.into.id, event.parts)
        self.links.add((LinkKind.SPUN_OFF.value, event.target, event.into.id))

    def _apply_succeed(self, event: Succeed) -> None:
        self.links.add((event.kind.value, event.predecessor, event.successor))

    def _apply_setroles(self, event: SetRoles) -> None:
        post = self.get(event.post, Post)
        holders = tuple(
            attrs.evolve(holding, roles=event.roles) if holding.person == event.person else holding
            for holding in post.holders
        )
        self._set(attrs.evolve(post, holders=holders))

    def _apply_setattributes(self, event: SetAttributes) -> None:
        entity = self.entities[event.target]
        attributes = entity.attributes.changed(dict(event.attributes))
        identifiers = entity.identifiers.changed(dict(event.identifiers))
        self._set(attrs.evolve(entity, attributes=attributes, identifiers=identifiers))

    def _apply_split(self, event: Split) -> None:
        for unit in event.into:
            self._apply_establish(Establish(unit))
        self._move_contents(event.target, event.allocation.__getitem__)
        self._drop(event.target)
        self.links.update((LinkKind.SPLIT.value, event.target, unit.id) for unit in event.into)

    def _apply_transfer(self, event: Transfer) -> None:
        self._set(attrs.evolve(self.get(event.function, Function), owner=event.to))

    def _apply_appoint(self, event: Appoint) -> None:
        post = self.get(event.post, Post)
        holding = Holding(event.person, event.roles, event.overlap)
        self._set(attrs.evolve(post, holders=(*post.holders, holding)))

    def _apply_vacate(self, event: Vacate) -> None:
        post = self.get(event.post, Post)
        person = event.person if event.person is not None else post.holders[0].person
        self._set(without_holder(post, person))

    def _apply_setreportingline(self, event: SetReportingLine) -> None:
        self._set(attrs.evolve(self.get(event.post, Post), reports_to=event.to))

    def _apply_sethead(self, event: SetHead) -> None:
        for post in self.heads([event.unit]):
            self._set(attrs.evolve(post, heads=False))
        if event.post is not None:
            self._set(attrs.evolve(self.get(event.post, Post), heads=True))

    def _apply_addrelation(self, event: AddRelation) -> None:
        self.relations[event.relation.key] = event.relation

    def _apply_removerelation(self, event: RemoveRelation) -> None:
        del self.relations[event.relation.key]


# --- drawing one valid event ------------------------------------------------------------------------

Draw = Callable[[st.SearchStrategy[Any]], Any]
_PICK = st.integers(0, 255)


class _Drawer:
    """Draws one event valid against a model, or ``None`` when the drawn choices do not fit."""

    def __init__(
        self,
        draw: Draw,
        model: _Model,
        name_strategy: st.SearchStrategy[str],
        unit_kinds: Sequence[UnitKind | str] = (*UnitKind, *_OWN_UNIT_KINDS),
    ) -> None:
        self.draw = draw
        self.model = model
        self.names = name_strategy
        self.unit_kinds = list(unit_kinds)

    def pick(self, items: Sequence[T]) -> T:
        # A number taken modulo the choices, not an index into them: when the shrinker deletes an earlier
        # step the choices change, and a recorded number still picks something (an index could fall off the
        # end and spoil the attempt).  Shrinking the number goes to the first choice.
        number: int = self.draw(_PICK)
        return items[number % len(items)]

    def pick_several(self, items: Sequence[T], least: int, most: int) -> list[T]:
        """Between ``least`` and ``most`` different items (as many as there are, at most)."""
        remaining = list(items)
        count = min(self.draw(st.integers(least, most)), len(remaining))
        chosen = []
        for _ in range(count):
            chosen.append(remaining.pop(self.draw(_PICK) % len(remaining)))
        return chosen

    def name_for(self, parent: str | None, leaving: Iterable[str] = (), taken: Iterable[str] = ()) -> str:
        name: str = self.draw(self.names)
        used = self.model.sibling_names(parent, leaving) | {_names.normalise(item) for item in taken}
        if _names.normalise(name) in used:
            # Names are drawn from a short list; make a clash unique rather than skip the step.
            number = 2
            while _names.normalise(f"{name} {number}") in used:
                number += 1
            name = f"{name} {number}"
        return name

    def applicable(self, allowed: Sequence[str]) -> list[str]:
        m = self.model
        units, posts, people, functions = m.of(Unit), m.of(Post), m.of(Person), m.of(Function)
        possible = {
            "establish": True,
            "dissolve": bool(m.entities),
            "rename": bool(m.entities),
            "move": bool(units) or (bool(posts) and bool(units)),
            "merge": len(units) >= 2,
            "absorb": len(units) >= 2,
            "split": bool(units),
            "transfer": bool(functions) and len(units) + len(posts) >= 2,
            "appoint": bool(posts) and bool(people),
            "vacate": any(post.holders for post in posts),
            "report": len(posts) >= 1,
            "head": any(post.unit is not None for post in posts),
            "relate": len(m.entities) >= 2,
            "unrelate": bool(m.relations),
            "spin-off": bool(units),
            "succeed": len(units) >= 2 or (bool(units) and any(isinstance(e, Unit) for e in m.ended.values())),
            "set-roles": any(post.holders for post in posts),
            "set": bool(m.entities),
        }
        return [name for name in allowed if possible[name]]

    def event(self, allowed: Sequence[str]) -> Event | None:
        choices = self.applicable(allowed)
        if not choices:
            return None
        # Weighted so an organisation fills up with posts, people and functions before it thins out.  The
        # number picks among every allowed kind, not only those that apply now, so that it still picks the
        # same kind once the shrinker has removed an earlier step; a kind that does not apply falls back to
        # establishing (which always does), else to the first that applies.
        kind = self.pick([choice for choice in allowed for _ in range(_WEIGHTS.get(choice, 2))])
        if kind not in choices:
            kind = "establish" if "establish" in choices else choices[0]
        result: Event | None = getattr(self, f"_{kind.replace('-', '_')}")()
        return result

    # one method per event type

    def _establish(self) -> Event:
        m = self.model
        what = self.pick(["unit", "post", "person", "function"])
        if what == "person" and m.of(Person) and all(post.is_full for post in m.of(Post)):
            what = "post"
        return self.establish(what)

    def establish(self, what: str) -> Establish:
        """Establish a new ``unit``, ``post``, ``person`` or ``function`` (a unit while there is none)."""
        m = self.model
        units, posts = m.of(Unit), m.of(Post)
        if what == "unit" or not units:
            parent = self.pick([None, *[unit.id for unit in units]])
            kind = self.pick(self.unit_kinds)
            return Establish(Unit(m.fresh("u"), self.name_for(parent), kind=kind, parent=parent))
        if what == "post":
            unit = self.pick([None, *[unit.id for unit in units]])
            heads = unit is not None and not m.heads([unit]) and self.draw(st.booleans())
            boss = self.pick([None, *[post.id for post in posts]])
            people = [person.id for person in m.of(Person)]
            holder = self.pick([None, *people])
            title = self.draw(self.names)
            seats: int | None = self.pick([1, 1, 2, 3, None])
            holders = (Holding(holder, self._roles()),) if holder is not None else ()
            post = Post(
                m.fresh("p"),
                title,
                kind=self.pick(list(PostKind)),
                unit=unit,
                heads=heads,
                reports_to=boss,
                holders=holders,
                seats=seats,
            )
            return Establish(post)
        if what == "person":
            return Establish(Person(m.fresh("h"), self.draw(self.names), attributes=self._attributes()))
        owner = self.pick([None, *[unit.id for unit in units], *[post.id for post in posts]])
        return Establish(Function(m.fresh("f"), self.draw(self.names), kind=self.pick(list(FunctionKind)), owner=owner))

    def _roles(self) -> tuple[str, ...]:
        """No role, mostly; else one or two of a few."""
        return tuple(sorted(self.pick_several(_ROLES, 0, 2))) if self.draw(st.integers(0, 3)) == 3 else ()

    def _attributes(self) -> dict[str, object]:
        """No attributes, mostly; else a number or a text under a name or two."""
        if self.draw(st.integers(0, 3)) != 3:
            return {}
        return {name: self.pick([1, 2.5, "A1", True]) for name in self.pick_several(_ATTRIBUTES, 1, 2)}

    def _dissolve(self) -> Event | None:
        m = self.model
        candidates = [
            unit.id for unit in m.of(Unit) if not (m.children(unit.id) or m.posts_in(unit.id) or m.owned(unit.id))
        ]
        bosses = {post.reports_to for post in m.of(Post)}
        candidates += [post.id for post in m.of(Post) if not m.owned(post.id) and post.id not in bosses]
        candidates += [person.id for person in m.of(Person)] + [function.id for function in m.of(Function)]
        return Dissolve(self.pick(candidates)) if candidates else None

    def _rename(self) -> Event:
        m = self.model
        entity = self.pick(list(m.entities.values()))
        # A rename to the current name is refused, so that name counts as taken, like a sibling's: a draw
        # of it becomes "A 2".  Always drawing a rename (not skipping) keeps it when shrinking removes a step.
        if isinstance(entity, Unit):
            return Rename(entity.id, self.name_for(entity.parent, leaving=[entity.id], taken=[entity.name]))
        name: str = self.draw(self.names)
        return Rename(entity.id, name if name != entity.name else f"{name} 2")

    def _move(self) -> Event | None:
        m = self.model
        movable = list(m.of(Unit)) + (list(m.of(Post)) if m.of(Unit) else [])
        entity = self.pick(movable)
        if isinstance(entity, Unit):
            blocked = m.subtree(entity.id)
            targets: list[str | None] = [unit.id for unit in m.of(Unit) if unit.id not in blocked]
            targets = [target for target in [None, *targets] if target != entity.parent]
            if not targets:
                return None
            target = self.pick(targets)
            if _names.normalise(entity.name) in m.sibling_names(target):
                return None
            return Move(entity.id, target)
        assert isinstance(entity, Post)
        post_targets = [unit.id for unit in m.of(Unit) if unit.id != entity.unit]
        if entity.heads:
            post_targets = [unit for unit in post_targets if not m.heads([unit])]
        if not post_targets:
            return None
        return Move(entity.id, self.pick(post_targets))

    def _contents_after(self, units: Sequence[str], into: str | None) -> tuple[list[Unit], list[Post]]:
        """Children and head posts gathered when ``units`` fold into ``into`` (or ``None``)."""
        m = self.model
        gone = set(units)
        children = [child for unit in units for child in m.children(unit) if child.id not in gone]
        heads = m.heads(units)
        if into is not None:
            children += [child for child in m.children(into) if child.id not in gone]
            heads += m.heads([into])
        return children, heads

    def _merge(self) -> Event | None:
        m = self.model
        units = [unit.id for unit in m.of(Unit)]
        chosen = self.pick_several(units, 1, 3)
        blocked = set().union(*(m.subtree(unit) for unit in chosen))
        parent = self.pick([None, *[unit for unit in units if unit not in blocked]])
        children, heads = self._contents_after(chosen, None)
        if len(heads) > 1 or not m.names_unique(children):
            return None
        into = Unit(m.fresh("u"), self.name_for(parent, leaving=chosen), kind=self.pick(self.unit_kinds), parent=parent)
        return Merge(chosen, into)

    def _absorb(self) -> Event | None:
        m = self.model
        units = [unit.id for unit in m.of(Unit)]
        into = self.pick(units)
        if self.draw(st.integers(0, 2)) == 2:
            return self._absorb_parts(into)
        others = [unit for unit in units if unit != into and into not in m.subtree(unit)]
        if not others:
            return None
        chosen = self.pick_several(others, 1, 2)
        children, heads = self._contents_after(chosen, into)
        if len(heads) > 1 or not m.names_unique(children):
            return None
        return Absorb(chosen, into)

    def _parts(self, source: str, into: str | None) -> list[str] | None:
        """Some parts of ``source`` that can move to ``into`` (``None``: a new unit), or ``None`` if they cannot."""
        m = self.model
        parts = self.pick_several([item.id for item in m.contents(source)], 1, 3)
        moving = [m.entities[part] for part in parts]
        children = [item for item in moving if isinstance(item, Unit)]
        heads = [item for item in moving if isinstance(item, Post) and item.heads]
        if into is not None:
            if any(into in m.subtree(child.id) for child in children):
                return None
            children += m.children(into)
            heads += m.heads([into])
        if len(heads) > 1 or not m.names_unique(children):
            return None
        return parts

    def _absorb_parts(self, into: str) -> Event | None:
        m = self.model
        sources = [unit.id for unit in m.of(Unit) if unit.id != into and m.contents(unit.id)]
        if not sources:
            return None
        source = self.pick(sources)
        parts = self._parts(source, into)
        return Absorb([source], into, parts=parts) if parts else None

    def _spin_off(self) -> Event | None:
        m = self.model
        source = self.pick(m.of(Unit))
        parts = self._parts(source.id, None) if m.contents(source.id) else []
        if parts is None:
            return None
        blocked = set().union(*(m.subtree(part) for part in parts if isinstance(m.entities[part], Unit)))
        parent = self.pick(
            [source.parent, source.id, None, *[unit.id for unit in m.of(Unit) if unit.id not in blocked]]
        )
        if parent in blocked:
            return None
        into = Unit(m.fresh("u"), self.name_for(parent), kind=self.pick(self.unit_kinds), parent=parent)
        return SpinOff(source.id, into, parts)

    def _succeed(self) -> Event | None:
        m = self.model
        successor = self.pick(m.of(Unit))
        candidates = [unit for unit in [*m.of(Unit), *m.ended.values()] if isinstance(unit, Unit)]
        predecessor = self.pick([unit.id for unit in candidates if unit.id != successor.id] or [successor.id])
        kind = self.pick([LinkKind.SUCCEEDED, LinkKind.SUCCEEDED, LinkKind.SPUN_OFF, LinkKind.PARTLY_ABSORBED])
        if predecessor == successor.id or (kind.value, predecessor, successor.id) in m.links:
            return None
        return Succeed(predecessor, successor.id, kind)

    def _set_roles(self) -> Event:
        post = self.pick([post for post in self.model.of(Post) if post.holders])
        holding = self.pick(post.holders)
        roles = self._roles() or ((_ROLES[0],) if not holding.roles else ())
        if roles == holding.roles:
            roles = ()
        return SetRoles(post.id, holding.person, roles)

    def _set(self) -> Event:
        entity = self.pick(list(self.model.entities.values()))
        name = self.pick(_ATTRIBUTES)
        if name in entity.attributes and self.draw(st.booleans()):
            return SetAttributes(entity.id, {name: None})
        value = self.pick([1, 2.5, "A1", True, 7])
        if entity.attributes.get(name) == value:
            value = f"{value}+"
        return SetAttributes(entity.id, {name: value})

    def _split(self) -> Event | None:
        m = self.model
        source = self.pick(m.of(Unit))
        blocked = m.subtree(source.id)
        count = self.draw(st.integers(2, 3))
        new_units: list[Unit] = []
        for _ in range(count):
            parent = self.pick([source.parent, None, *[unit.id for unit in m.of(Unit) if unit.id not in blocked]])
            same_parent = [unit.name for unit in new_units if unit.parent == parent]
            name = self.name_for(parent, leaving=[source.id], taken=same_parent)
            new_units.append(Unit(m.fresh("u"), name, kind=self.pick(self.unit_kinds), parent=parent))
        new_ids = [unit.id for unit in new_units]
        contents: list[Entity] = [*m.children(source.id), *m.posts_in(source.id), *m.owned(source.id)]
        allocation = {item.id: self.pick(new_ids) for item in contents}
        for unit_id in new_ids:
            children = [child for child in m.children(source.id) if allocation[child.id] == unit_id]
            heads = [post for post in m.posts_in(source.id) if post.heads and allocation[post.id] == unit_id]
            if len(heads) > 1 or not m.names_unique(children):
                return None
        return Split(source.id, new_units, allocate=allocation)

    def _transfer(self) -> Event | None:
        m = self.model
        function = self.pick(m.of(Function))
        owners = [unit.id for unit in m.of(Unit)] + [post.id for post in m.of(Post)]
        owners = [owner for owner in owners if owner != function.owner]
        return Transfer(function.id, self.pick(owners)) if owners else None

    def _appoint(self) -> Event | None:
        m = self.model
        post = self.pick(m.of(Post))
        person = self.pick([person for person in m.of(Person) if post.holding(person.id) is None] or [None])
        if person is None:
            return None
        if post.is_full:
            # A hand-over: the newcomer holds the post beside the others until one leaves.
            return Appoint(post.id, person.id, roles=self._roles(), overlap=True)
        return Appoint(post.id, person.id, roles=self._roles())

    def _vacate(self) -> Event:
        post = self.pick([post for post in self.model.of(Post) if post.holders])
        if len(post.holders) == 1 and self.draw(st.booleans()):
            return Vacate(post.id)
        return Vacate(post.id, self.pick(post.holders).person)

    def _report(self) -> Event | None:
        m = self.model
        post = self.pick(m.of(Post))
        bosses: list[str | None] = [other.id for other in m.of(Post) if not m.reports_up_to(other.id, post.id)]
        bosses = [boss for boss in [None, *bosses] if boss != post.reports_to]
        return SetReportingLine(post.id, self.pick(bosses)) if bosses else None

    def _head(self) -> Event | None:
        m = self.model
        post = self.pick([post for post in m.of(Post) if post.unit is not None])
        assert post.unit is not None
        if post.heads:
            return SetHead(post.unit, None)
        return SetHead(post.unit, post.id)

    def _relate(self) -> Event | None:
        m = self.model
        ids = sorted(m.entities)
        source = self.pick(ids)
        target = self.pick([item for item in ids if item != source])
        relation = Relation(self.pick(list(RelationKind)), source, target)
        return None if relation.key in m.relations else AddRelation(relation)

    def _unrelate(self) -> Event:
        key = self.pick(sorted(self.model.relations, key=lambda key: (str(key[0]), key[1], key[2])))
        return RemoveRelation(self.model.relations[key])


# --- sequences ---------------------------------------------------------------------------------------


def _check_event_types(event_types: Sequence[str] | None) -> tuple[str, ...]:
    if event_types is None:
        return EVENT_TYPES
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise InvalidArgumentError(f"event_types must be among {list(EVENT_TYPES)}, got {unknown}")
    if "establish" not in event_types:
        raise InvalidArgumentError(
            "event_types must include 'establish': nothing else applies to an empty organisation"
        )
    return tuple(event_types)


def _check_unit_kinds(unit_kinds: Sequence[UnitKind | str] | None) -> tuple[UnitKind, ...]:
    if unit_kinds is None:
        return tuple(UnitKind)
    try:
        kinds = tuple(UnitKind(kind) for kind in unit_kinds)
    except ValueError:
        raise InvalidArgumentError(
            f"unit_kinds must be among {[kind.value for kind in UnitKind]}, got {list(unit_kinds)!r}"
        ) from None
    if not kinds:
        raise InvalidArgumentError("unit_kinds must name at least one kind, got none")
    return kinds


def _names_or_words(names: st.SearchStrategy[str] | None) -> st.SearchStrategy[str]:
    return names if names is not None else _words()


@attrs.frozen
class _Knobs:
    """How a sequence of changes is drawn: the options of :func:`timelines` and :func:`change_plans`, checked."""

    min_events: int
    max_events: int
    event_types: tuple[str, ...] = attrs.field(converter=_check_event_types)
    max_gap_days: int
    imprecise: bool
    statuses: bool
    group: bool
    names: st.SearchStrategy[str] = attrs.field(converter=_names_or_words)
    unit_kinds: tuple[UnitKind | str, ...] = attrs.field(converter=_check_unit_kinds)

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.min_events <= self.max_events:
            raise InvalidArgumentError(
                f"min_events and max_events must satisfy 0 <= min_events <= max_events, "
                f"got {self.min_events} and {self.max_events}"
            )
        if self.max_gap_days < 0:
            raise InvalidArgumentError(f"max_gap_days must be 0 or more, got {self.max_gap_days}")


# Whether to draw another step: stopping is the simplest choice (0), so shrinking cuts steps from the end.
# 1 in 16 to stop gives about a dozen steps, often the most allowed.
_MORE = st.integers(0, 15)
# Whether a step or an event is drawn at all: 0 skips it, rarely in generation (1 in 16).
_SKIP = st.integers(0, 15)
_STATUSES = [Status.DECIDED, Status.IMPLEMENTED, Status.PLANNED, Status.CANCELLED]

# How the choices are laid out, for the shrinker.  Each step, and each event within a step, is one block
# of choices (a strategy drawn of its own) that starts with a number where 0 means "skip it", and is
# followed by the flag for the next one, outside the block.  The shrinker tries setting every choice of a
# block to its simplest: then the block is skipped, and as it draws nothing more, the shrinker cuts its
# remaining choices out and every later choice stays where it was.  So a counterexample loses the steps
# and events it does not need one by one.  Picks are numbers taken modulo the choices (see ``_Drawer.pick``)
# so that a later step still draws something sensible after an earlier one is gone; and the simplest
# choice of every draw is the plainest: the same day as before, an exact date, decided, a single event,
# the first kind and name.


@st.composite
def _entries(draw: Draw, model: Callable[[], _Model], start: dt.date, knobs: _Knobs) -> list[Event | Change]:
    # A fresh model for every example: the drawer changes it as it goes.
    return _Sequence(model(), start, knobs).draw_all(draw)


@st.composite
def _block(draw: Draw, body: Callable[[Draw], T]) -> T:
    """Draw ``body``'s choices as one block (a span, to the shrinker)."""
    return body(draw)


class _Sequence:
    """Draws the steps of one example, each as a block (see above), on an organisation it keeps a model of."""

    def __init__(self, model: _Model, start: dt.date, knobs: _Knobs) -> None:
        self.model = model
        self.day = start
        self.knobs = knobs
        # Made once per example and drawn many times: a new strategy object per step would be validated anew.
        self.step = _block(self._step)
        self.event = _block(self._event)
        self.first_event = _block(self._first_event)
        self.optional = True

    def draw_all(self, draw: Draw) -> list[Event | Change]:
        knobs = self.knobs
        entries: list[Event | Change] = []
        # Only the steps that make an entry count, so that there are at least min_events entries.
        more = knobs.max_events > 0 and (knobs.min_events > 0 or draw(_MORE) > 0)
        while more:
            # A step needed to reach min_events cannot be skipped: with every choice at its simplest the
            # sequence must still end (the first event of a step then establishes, which always applies).
            self.optional = len(entries) >= knobs.min_events
            entry: Event | Change | None = draw(self.step)
            if entry is not None:
                entries.append(entry)
            made = len(entries)
            # The flag is drawn even when its answer is already known, so that every step is followed by one:
            # when the shrinker deletes a step, the choices after it still line up.
            flag = draw(_MORE)
            more = made < knobs.max_events and (made < knobs.min_events or flag > 0)
        return entries

    def _step(self, draw: Draw) -> Event | Change | None:
        """One entry of the log on or after the last one's day; ``None`` when skipped or nothing drawn fits."""
        if self.optional and draw(_SKIP) == 0:
            return None
        knobs = self.knobs
        self.day += dt.timedelta(days=draw(st.integers(0, knobs.max_gap_days)))
        when: When = When.exact(self.day)
        if knobs.imprecise and draw(st.integers(0, 4)) == 4:
            when = When(self.day, self.day + dt.timedelta(days=draw(st.integers(1, 120))))
        status = _Drawer(draw, self.model, knobs.names, knobs.unit_kinds).pick(_STATUSES) if knobs.statuses else None
        # Drawn whatever the number of events, so that deleting an event leaves the choices after it in place.
        grouped = draw(st.booleans())
        batch: list[Event] = []
        tried = 0
        another = True
        while another:
            tried += 1
            # Any event can be skipped alone (so the shrinker can delete it), but not the first of a step
            # needed to reach min_events (with every choice at its simplest, it then establishes a unit).
            event: Event | None = draw(self.event if self.optional or tried > 1 else self.first_event)
            if event is not None:
                if status is not Status.CANCELLED:
                    self.model.apply(event)
                batch.append(event)
            # Drawn after every event, even the third, for the same reason as the steps' flag.
            another = knobs.group and draw(st.booleans()) and tried < 3
        status = status or Status.DECIDED
        if not batch:
            return None
        if len(batch) == 1 and not grouped:
            return attrs.evolve(batch[0], on=when, status=status)
        return Change(when, batch, status=status, source=Source("generated plan"))

    def _event(self, draw: Draw) -> Event | None:
        """One event; ``None`` when skipped or the drawn choices do not fit."""
        if draw(_SKIP) == 0:
            return None
        return self._first_event(draw)

    def _first_event(self, draw: Draw) -> Event | None:
        """One event; ``None`` when the drawn choices do not fit."""
        knobs = self.knobs
        return _Drawer(draw, self.model, knobs.names, knobs.unit_kinds).event(knobs.event_types)


def timelines(
    *,
    min_events: int = 0,
    max_events: int = 30,
    start: dt.date = dt.date(2013, 1, 1),
    event_types: Sequence[str] | None = None,
    max_gap_days: int = 60,
    imprecise: bool = True,
    statuses: bool = True,
    changes: bool = True,
    names: st.SearchStrategy[str] | None = None,
    unit_kinds: Sequence[UnitKind | str] | None = None,
) -> st.SearchStrategy[Timeline]:
    """Valid timelines: sequences of events and changes that all apply.

    ``min_events``/``max_events`` bound the number of entries in the log (events
    or changes; a step that finds nothing to do is skipped); ``event_types`` restricts the kinds
    (``establish`` is always needed); ``max_gap_days`` is the most days between
    two steps (0: everything on ``start``); ``imprecise`` lets some dates be
    windows; ``statuses`` mixes in planned, implemented and cancelled changes;
    ``changes`` groups some events into multi-event changes; ``names`` draws the
    names (default: short words; ``strategies.names(unusual=True)`` for any
    text); ``unit_kinds`` the kinds new units get (default: every kind).

    Shrinks towards few steps, all on ``start``, exact and decided, with the
    first names and ids (``u0``, ``A``):

    >>> from hypothesis import find, settings
    >>> import orgmodel as om
    >>> smallest = find(
    ...     timelines(max_events=3, event_types=["establish", "rename"]),
    ...     lambda timeline: any(isinstance(event, om.Rename) for event in timeline.events),
    ...     settings=settings(database=None),
    ... )
    >>> [(str(event.on), event.event_type) for event in smallest.events]
    [('2013-01-01', 'establish'), ('2013-01-01', 'rename')]
    """
    knobs = _Knobs(min_events, max_events, event_types, max_gap_days, imprecise, statuses, changes, names, unit_kinds)
    return _entries(_Model, start, knobs).map(Timeline)


def charts(**timeline_options: Any) -> st.SearchStrategy[OrgChart]:
    """Valid organisations on one day: a generated timeline's chart on a day within it.

    Takes the options of :func:`timelines` (``max_events`` for the size,
    ``unit_kinds`` and ``event_types`` for the kinds).  Dates are exact
    unless ``imprecise=True`` is given: inside a date window a chart shows
    what is *possibly* true (a head that may have left beside one that may
    have come), which need not be one valid organisation.

    >>> from hypothesis import find
    >>> two_units = find(charts(max_events=3, unit_kinds=["council"]), lambda chart: len(chart.units) >= 2)
    >>> two_units.units["u1"].kind
    <UnitKind.COUNCIL: 'council'>
    """
    start = timeline_options.get("start", dt.date(2013, 1, 1))
    timeline_options = {"imprecise": False, **timeline_options}

    @st.composite
    def build(draw: Draw) -> OrgChart:
        timeline: Timeline = draw(timelines(**timeline_options))
        if timeline.first_day is None:
            return timeline.at(start)
        last = timeline.changes[-1].on.latest
        return timeline.at(draw(days(timeline.first_day, last)))

    return build()


def events(
    chart: OrgChart,
    *,
    event_types: Sequence[str] | None = None,
    taken: Iterable[str] = (),
    names: st.SearchStrategy[str] | None = None,
    unit_kinds: Sequence[UnitKind | str] | None = None,
) -> st.SearchStrategy[Event]:
    """One event valid against ``chart`` (without a date: give it ``on=`` or put it in a Change).

    New entities get ids not in the chart and not in ``taken``; pass the ids
    a timeline ever used (``timeline.ids``) so an ended id is not reused.
    ``event_types`` restricts the kinds of event; when none of them applies to
    the chart, a new entity is established instead.

    >>> import datetime as dt
    >>> import orgmodel as om
    >>> from hypothesis import find
    >>> org = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2015-01-01")])
    >>> find(events(org.at("2015-01-01"), event_types=["establish", "rename"]), lambda e: isinstance(e, om.Rename))
    Rename(on=None, status=None, source=None, note='', target='slk', name='A', kind=None, reformed=False)
    """
    allowed = _check_event_types(event_types)
    name_strategy = names if names is not None else _words()
    kinds = _check_unit_kinds(unit_kinds)
    used = set(taken)

    @st.composite
    def build(draw: Draw) -> Event:
        model = _Model(chart.entities.values(), chart.relations, used)
        event = _Drawer(draw, model, name_strategy, kinds).event(allowed)
        if event is None:
            # Nothing else fits: establishing always does.
            event = _Drawer(draw, model, name_strategy, kinds).event(("establish",))
        assert event is not None
        return event

    return build()


def change_plans(
    timeline: Timeline,
    *,
    start: dt.date | None = None,
    min_events: int = 1,
    max_events: int = 10,
    event_types: Sequence[str] | None = None,
    max_gap_days: int = 30,
    imprecise: bool = False,
    statuses: bool = False,
    changes: bool = True,
    names: st.SearchStrategy[str] | None = None,
    unit_kinds: Sequence[UnitKind | str] | None = None,
) -> st.SearchStrategy[list[Event | Change]]:
    """Plans: lists of events and changes that apply, in order, after ``timeline``.

    The plan starts on ``start`` (default: the day after every change of the
    timeline has surely taken effect), so ``timeline.with_events(plan)`` is
    valid.  The options are those of :func:`timelines`; ``max_gap_days=0``
    puts the whole plan on one day.

    >>> import orgmodel as om
    >>> from hypothesis import find
    >>> org = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-12-31")])
    >>> plan = find(change_plans(org, max_gap_days=0, max_events=3), lambda plan: len(plan) >= 2)
    >>> len(plan), {str(entry.on) for entry in plan}, len(org.with_events(plan))
    (2, {'2015-01-01'}, 3)
    """
    knobs = _Knobs(min_events, max_events, event_types, max_gap_days, imprecise, statuses, changes, names, unit_kinds)
    last = timeline.last_day
    begin = start if start is not None else (last + dt.timedelta(days=1) if last is not None else dt.date(2013, 1, 1))
    if last is not None and begin <= last:
        raise InvalidArgumentError(
            f"a plan must start after the timeline's last change ({last.isoformat()}), got {begin.isoformat()}"
        )
    chart = timeline.at(begin, people="all")  # a plan may appoint someone who holds nothing that day
    return _entries(lambda: _model_after(timeline, chart), begin, knobs)


def _model_after(timeline: Timeline, chart: OrgChart) -> _Model:
    """What changes drawn after ``timeline`` may work on: the chart's entities and relations the log has applied.

    What may not have ended yet (its end dated "not before" a day) is on the
    chart, but the log has ended it, so no change may name it; every id ever
    taken stays taken, and the lineage links so far may not be stated again.
    """

    def applied(item: Entity | Relation) -> bool:
        mark = chart.uncertainty(item if isinstance(item, Relation) else item.id)
        return mark is None or not mark.may_have_ended

    return _Model(
        [entity for entity in chart.entities.values() if applied(entity)],
        [relation for relation in chart.relations if applied(relation)],
        timeline.ids,
        links=[(link.kind, link.predecessor, link.successor) for link in timeline._log.links],
    )


# --- what was known when, and alternatives ------------------------------------------------------------


def revised_timelines(*, max_events: int = 15, **timeline_options: Any) -> st.SearchStrategy[Timeline]:
    """Valid timelines that were known in stages: some changes first reported otherwise, some plans cancelled.

    A timeline from :func:`timelines` (the options are its own), known from a
    first day on; then, known on later days: the true date of one or two of
    its last changes (first reported a few days late), and a plan after it
    whose last steps a later source cancels.  Every state of knowledge is a
    valid timeline (``check_knowledge()`` is empty).

    >>> from hypothesis import find, settings
    >>> revised = find(revised_timelines(), lambda org: len(org.revisions()) >= 2, settings=settings(database=None))
    >>> sorted({str(revision.kind) for revision in revised.revisions()}) <= ["cancelled", "corrected"]
    True
    """
    options = {"statuses": False, **timeline_options}

    @st.composite
    def build(draw: Draw) -> Timeline:
        base: Timeline = draw(timelines(min_events=1, max_events=max_events, **options))
        first_known = draw(days(base.first_day or dt.date(2013, 1, 1), (base.last_day or dt.date(2013, 1, 1))))
        step = draw(st.integers(1, 60))
        reported = Source("first report", dated=first_known)
        correcting = Source("later report", dated=first_known + dt.timedelta(days=step))
        cancelling = Source("cancellation", dated=first_known + dt.timedelta(days=2 * step))
        changes = list(base.changes)
        exact_tail = [index for index in range(len(changes))[-2:] if changes[index].on.is_exact]
        redated = draw(st.sets(st.sampled_from(exact_tail), max_size=2) if exact_tail else st.just(set()))
        last = base.last_day or dt.date(2013, 1, 1)
        entries: list[Change] = []
        for index, given in enumerate(changes):
            change = attrs.evolve(given, source=reported, events=_undated(given.events))
            if index not in redated:
                entries.append(change)
                continue
            # First reported a few days late (still before the plan); the true day came from a later source.
            late = change.on.earliest + dt.timedelta(days=draw(st.integers(1, 20)))
            last = max(last, late)
            first = attrs.evolve(change, on=When.exact(late), id=f"c{index}")
            entries += [first, attrs.evolve(change, source=correcting, corrects=first.id)]
        plan = draw(change_plans(base, start=last + dt.timedelta(days=30), max_events=4))
        planned = [
            attrs.evolve(_as_change(entry), source=reported, id=f"p{number}") for number, entry in enumerate(plan)
        ]
        cancelled = draw(st.integers(0, len(planned)))
        entries += planned
        entries += [Change.cancelling(step, source=cancelling) for step in planned[len(planned) - cancelled :]]
        # A change reported late may have been reported after one that needs it: such records are not drawn.
        revised, errors = Timeline.lenient(entries, categories=base.categories)
        assume(not errors and not revised.check_knowledge())
        return revised

    return build()


def scenarios(
    timeline: Timeline, *, name: str | None = None, start: dt.date | None = None, **plan_options: Any
) -> st.SearchStrategy[Scenario]:
    """Named alternatives: ``timeline`` with a plan from :func:`change_plans` (the options are its own).

    Draw two to test a plan against an alternative:

    >>> import orgmodel as om
    >>> from hypothesis import find
    >>> org = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-12-31")])
    >>> a = find(scenarios(org, name="A"), lambda scenario: len(scenario.plan) >= 2)
    >>> a.name, len(a.plan), a.base is org
    ('A', 2, True)
    """

    @st.composite
    def build(draw: Draw) -> Scenario:
        plan = draw(change_plans(timeline, start=start, **plan_options))
        label = name if name is not None else draw(st.sampled_from(("A", "B", "C")))
        return timeline.scenario(label, plan)

    return build()


def _undated(events: Iterable[Event]) -> list[Event]:
    """Events without what their change gives them, to put in a change of other content."""
    return [attrs.evolve(event, on=None, status=None, source=None) for event in events]


def _as_change(entry: Event | Change) -> Change:
    if isinstance(entry, Change):
        return attrs.evolve(entry, events=_undated(entry.events))
    assert entry.on is not None
    return Change(entry.on, _undated([entry]), status=entry.status or Status.DECIDED)
