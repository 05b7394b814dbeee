"""Synthetic organisations and event logs for the benchmarks, deterministic from a seed.

:func:`generate` builds an organisation shaped like real ones — a few boards at
the top, offices with 3–15 units (some with groups under them), wide production
areas with many leaf units, and a few deep chains — staffs it (a head post in
most units, some deputies and specialists, people in most posts, functions
owned by units and posts), establishes it on 1995-01-01 and then writes a
history of dated changes spread over the 30 years that follow, in the mix of
the issue (by change): 35 % appointments and vacancies, 20 % moves of units or
posts, 10 % renames, 10 % reporting-line changes, 10 % splits, 10 % merges and
absorptions, 5 % function transfers.  About 6 % of the changes carry an
imprecise date (a month such as ``"2015-03"``, a Swedish phrase such as
``"i mars 2015"`` or ``"våren 2015"``, or a window of days).

Every change is valid when applied in order: the generator keeps its own light
model of the organisation (:class:`_Org`) and draws only changes that apply to
it.  Randomness comes from one ``random.Random(seed)``; iteration never depends
on the order of a ``set`` of strings, so a seed gives the same log in every
process.

>>> workload = generate("S", seed=1)
>>> workload.initial["units"], workload.history
(150, 3000)
>>> generate("S", seed=1).entries == workload.entries
True
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import orgmodel as om

Entry = om.Event | om.Change
H = TypeVar("H")

#: The day the initial organisation is established; the history runs from the next day to :data:`END`.
START = dt.date(1995, 1, 1)
END = dt.date(2024, 12, 31)


@dataclass(frozen=True)
class Size:
    """A workload size: units in the initial organisation, and changes in its history."""

    units: int
    changes: int


SIZES: dict[str, Size] = {
    "S": Size(150, 3_000),
    #: About 10,000 events: the register of issue 16's loading figures (not in the default run).
    "10K": Size(300, 6_400),
    "M": Size(1_500, 30_000),
    "L": Size(20_000, 250_000),
    "XL": Size(100_000, 1_000_000),
}

#: The share of each kind of change in the history (the mix of the issue).
MIX: tuple[tuple[str, float], ...] = (
    ("appointment", 0.35),
    ("move", 0.20),
    ("rename", 0.10),
    ("reporting", 0.10),
    ("split", 0.10),
    ("merge", 0.10),
    ("transfer", 0.05),
)

_STEMS: dict[om.UnitKind, tuple[str, ...]] = {
    om.UnitKind.BOARD: ("Kommunstyrelsen", "Socialnämnden", "Tekniska nämnden", "Kulturnämnden", "Utbildningsnämnden"),
    om.UnitKind.OFFICE: (
        "Stadsledningskontoret",
        "Socialförvaltningen",
        "Tekniska förvaltningen",
        "Kulturförvaltningen",
        "Utbildningsförvaltningen",
        "Miljöförvaltningen",
    ),
    om.UnitKind.PRODUCTION_AREA: ("Välfärdsområdet", "Produktionsområdet", "Skolområdet"),
    om.UnitKind.UNIT: (
        "Ekonomienheten",
        "Personalenheten",
        "Juridiska enheten",
        "Kommunikationsenheten",
        "Parkenheten",
        "Gatuenheten",
        "Bygglovsenheten",
        "Biblioteket",
        "Skolan",
        "Förskolan",
        "Hemtjänsten",
        "Boendet",
    ),
    om.UnitKind.STAFF: ("Staben", "Kansliet"),
    om.UnitKind.GROUP: ("Gruppen", "Teamet", "Arbetslaget"),
}
_HEADS: dict[om.UnitKind, tuple[str, om.PostKind]] = {
    om.UnitKind.BOARD: ("Ordförande", om.PostKind.CHAIR),
    om.UnitKind.OFFICE: ("Förvaltningschef", om.PostKind.DIRECTOR),
    om.UnitKind.PRODUCTION_AREA: ("Områdeschef", om.PostKind.DIRECTOR),
    om.UnitKind.UNIT: ("Enhetschef", om.PostKind.HEAD),
    om.UnitKind.STAFF: ("Stabschef", om.PostKind.HEAD),
    om.UnitKind.GROUP: ("Gruppchef", om.PostKind.GROUP_HEAD),
}
_SPECIALISTS = ("Controller", "Strateg", "Jurist", "Utredare", "Handläggare", "Samordnare")
_FUNCTIONS = (
    "Markfrågor",
    "Ekonomiskt bistånd",
    "Simhallsdrift",
    "Upphandling",
    "Bygglov",
    "Färdtjänst",
    "Skolskjuts",
    "Arkiv",
    "Naturreservat",
    "Krisberedskap",
)
_FIRST = ("Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Per", "Sara", "Anders", "Klara", "Nils")
_LAST = ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson")
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
#: Kinds a rename may turn an administrative unit into.
_ADMIN_KINDS = (om.UnitKind.UNIT, om.UnitKind.STAFF, om.UnitKind.GROUP, om.UnitKind.OFFICE)


@dataclass
class Workload:
    """A generated organisation and its history, ready for ``om.Timeline(workload.entries)``."""

    seed: int
    size: Size
    #: The log: ``setup`` single ``Establish`` events, then ``history`` dated :class:`om.Change` groups.
    entries: list[Entry]
    setup: int
    history: int
    #: Events in all entries (a change may hold several).
    events: int
    #: History changes by kind of the mix.
    counts: dict[str, int]
    #: Entities in the initial organisation, and alive at the end, by type.
    initial: dict[str, int]
    final: dict[str, int]
    #: Units that took part in splits, merges and absorptions: subjects for lineage queries.
    lineage_units: list[str] = field(repr=False)

    @property
    def first_day(self) -> dt.date:
        """The day the initial organisation is established."""
        return START

    @property
    def last_day(self) -> dt.date:
        """The last day by which every change has started."""
        return END


class Pool(Generic[H]):
    """An insertion-ordered set with O(1) add, discard and random choice.

    Unlike a ``set`` of strings, its order does not depend on hash
    randomisation, so a seeded generator gives the same output in every process.
    """

    __slots__ = ("_items", "_where")

    def __init__(self) -> None:
        self._items: list[H] = []
        self._where: dict[H, int] = {}

    def add(self, item: H) -> None:
        """Add ``item`` (no-op if present)."""
        if item not in self._where:
            self._where[item] = len(self._items)
            self._items.append(item)

    def discard(self, item: H) -> None:
        """Remove ``item`` if present (the last item takes its place)."""
        index = self._where.pop(item, None)
        if index is None:
            return
        last = self._items.pop()
        if index < len(self._items):
            self._items[index] = last
            self._where[last] = index

    def choice(self, rng: random.Random) -> H:
        """A random item (the pool must not be empty)."""
        return self._items[int(rng.random() * len(self._items))]

    def sample(self, rng: random.Random, count: int) -> list[H]:
        """Up to ``count`` distinct random items."""
        return rng.sample(self._items, min(count, len(self._items)))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._where

    def __iter__(self) -> Iterator[H]:
        return iter(list(self._items))


def _pools(table: dict[str, Pool[str]], key: str) -> Pool[str]:
    pool = table.get(key)
    if pool is None:
        pool = table[key] = Pool()
    return pool


class _Org:
    """A light model of the organisation as the history unfolds: just what is needed to draw valid changes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.parent: dict[str, str | None] = {}
        self.kind: dict[str, om.UnitKind] = {}
        self.children: dict[str, Pool[str]] = {}
        self.posts_in: dict[str, Pool[str]] = {}
        self.owned: dict[str, Pool[str]] = {}
        self.subordinates: dict[str, Pool[str]] = {}
        self.head: dict[str, str] = {}
        self.post_unit: dict[str, str] = {}
        self.reports_to: dict[str, str | None] = {}
        self.holder: dict[str, str | None] = {}
        self.owner: dict[str, str] = {}
        self.units: Pool[str] = Pool()
        self.nonroot: Pool[str] = Pool()
        self.posts: Pool[str] = Pool()
        self.vacant: Pool[str] = Pool()
        self.held: Pool[str] = Pool()
        self.free: Pool[str] = Pool()
        self.functions: Pool[str] = Pool()
        self.people = 0
        self._next = {"u": 0, "p": 0, "h": 0, "f": 0}
        self._names = 0
        self.lineage_units: list[str] = []

    # --- ids and names ---------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """The next id with ``prefix`` (``u``, ``p``, ``h`` or ``f``)."""
        number = self._next[prefix]
        self._next[prefix] = number + 1
        return f"{prefix}{number}"

    def name(self, stems: tuple[str, ...]) -> str:
        """A fresh name from one of ``stems``; names are never repeated, so siblings never clash."""
        self._names += 1
        return f"{self.rng.choice(stems)} {self._names}"

    def counts(self) -> dict[str, int]:
        """Entities alive now, by type."""
        return {
            "units": len(self.units),
            "posts": len(self.posts),
            "people": self.people,
            "functions": len(self.functions),
        }

    # --- writes to the model ------------------------------------------------------------------

    def add_unit(self, unit_id: str, kind: om.UnitKind, parent: str | None) -> None:
        """Record a new unit."""
        self.parent[unit_id] = parent
        self.kind[unit_id] = kind
        self.units.add(unit_id)
        if parent is not None:
            self.nonroot.add(unit_id)
            _pools(self.children, parent).add(unit_id)

    def set_parent(self, unit_id: str, parent: str) -> None:
        """Move a unit under ``parent``."""
        old = self.parent[unit_id]
        if old is not None:
            self.children[old].discard(unit_id)
        self.parent[unit_id] = parent
        _pools(self.children, parent).add(unit_id)

    def remove_unit(self, unit_id: str) -> None:
        """Forget an emptied unit."""
        parent = self.parent.pop(unit_id)
        if parent is not None:
            self.children[parent].discard(unit_id)
        del self.kind[unit_id]
        self.units.discard(unit_id)
        self.nonroot.discard(unit_id)
        for table in (self.children, self.posts_in, self.owned):
            table.pop(unit_id, None)

    def add_post(self, post_id: str, unit: str, *, heads: bool, reports_to: str | None, holder: str | None) -> None:
        """Record a new post."""
        self.post_unit[post_id] = unit
        _pools(self.posts_in, unit).add(post_id)
        if heads:
            self.head[unit] = post_id
        self.reports_to[post_id] = reports_to
        if reports_to is not None:
            _pools(self.subordinates, reports_to).add(post_id)
        self.holder[post_id] = holder
        self.posts.add(post_id)
        (self.held if holder is not None else self.vacant).add(post_id)

    def set_post_unit(self, post_id: str, unit: str) -> None:
        """Move a post (a head post goes on heading, now its new unit)."""
        old = self.post_unit[post_id]
        self.posts_in[old].discard(post_id)
        if self.head.get(old) == post_id:
            del self.head[old]
            self.head[unit] = post_id
        self.post_unit[post_id] = unit
        _pools(self.posts_in, unit).add(post_id)

    def set_reports_to(self, post_id: str, boss: str | None) -> None:
        """Change a post's reporting line."""
        old = self.reports_to[post_id]
        if old is not None:
            self.subordinates[old].discard(post_id)
        self.reports_to[post_id] = boss
        if boss is not None:
            _pools(self.subordinates, boss).add(post_id)

    def remove_post(self, post_id: str) -> None:
        """Forget a dissolved post; its holder becomes free."""
        unit = self.post_unit.pop(post_id)
        self.posts_in[unit].discard(post_id)
        if self.head.get(unit) == post_id:
            del self.head[unit]
        self.set_reports_to(post_id, None)
        del self.reports_to[post_id]
        holder = self.holder.pop(post_id)
        if holder is not None:
            self.free.add(holder)
        for pool in (self.posts, self.vacant, self.held):
            pool.discard(post_id)
        self.subordinates.pop(post_id, None)

    def appoint(self, post_id: str, person: str) -> None:
        """Put a person in a vacant post."""
        self.holder[post_id] = person
        self.vacant.discard(post_id)
        self.held.add(post_id)

    def vacate(self, post_id: str) -> str:
        """Empty a post; returns who held it."""
        person = self.holder[post_id]
        assert person is not None
        self.holder[post_id] = None
        self.held.discard(post_id)
        self.vacant.add(post_id)
        return person

    def add_function(self, function_id: str, owner: str) -> None:
        """Record a new function."""
        self.owner[function_id] = owner
        _pools(self.owned, owner).add(function_id)
        self.functions.add(function_id)

    def set_owner(self, function_id: str, owner: str) -> None:
        """Transfer a function."""
        self.owned[self.owner[function_id]].discard(function_id)
        self.owner[function_id] = owner
        _pools(self.owned, owner).add(function_id)

    def fold(self, unit_id: str, place: dict[str, str] | str) -> None:
        """Send a unit's child units, posts and functions to ``place`` (one id, or one per item), then drop it."""
        for child in self.children.get(unit_id, Pool()):
            self.set_parent(child, place if isinstance(place, str) else place[child])
        for post in self.posts_in.get(unit_id, Pool()):
            self.set_post_unit(post, place if isinstance(place, str) else place[post])
        for function in self.owned.get(unit_id, Pool()):
            self.set_owner(function, place if isinstance(place, str) else place[function])
        self.remove_unit(unit_id)

    # --- reading the model --------------------------------------------------------------------

    def within(self, unit_id: str | None, ancestor: str) -> bool:
        """Whether ``unit_id`` is ``ancestor`` or sits somewhere below it."""
        while unit_id is not None:
            if unit_id == ancestor:
                return True
            unit_id = self.parent[unit_id]
        return False

    def reports_through(self, post_id: str | None, boss: str) -> bool:
        """Whether following explicit reporting lines up from ``post_id`` reaches ``boss``."""
        while post_id is not None:
            if post_id == boss:
                return True
            post_id = self.reports_to[post_id]
        return False

    def head_above(self, unit_id: str) -> str | None:
        """The head post of the nearest unit above ``unit_id`` that has one."""
        parent = self.parent[unit_id]
        while parent is not None:
            head = self.head.get(parent)
            if head is not None:
                return head
            parent = self.parent[parent]
        return None

    def depth(self, unit_id: str) -> int:
        """How many units sit above ``unit_id``."""
        depth = 0
        parent = self.parent[unit_id]
        while parent is not None:
            depth += 1
            parent = self.parent[parent]
        return depth

    def near(self, unit_id: str) -> str | None:
        """A unit near ``unit_id``: its parent, or a sibling (``None`` at the top without children)."""
        parent = self.parent[unit_id]
        if parent is None:
            children = self.children.get(unit_id)
            return children.choice(self.rng) if children is not None and len(children) else None
        return parent if self.rng.random() < 0.4 else self.children[parent].choice(self.rng)

    def container(self) -> str:
        """A random unit, biased towards units that hold others (a random unit's parent, mostly)."""
        unit = self.units.choice(self.rng)
        parent = self.parent[unit]
        return parent if parent is not None and self.rng.random() < 0.7 else unit


class _Generator:
    """Draws the initial organisation and then the history, writing log entries as it goes."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.org = _Org(self.rng)
        self.entries: list[Entry] = []
        self.events = 0
        self._start = om.When.exact(START)

    # --- the initial organisation ----------------------------------------------------------------

    def _establish(self, entity: om.Unit | om.Post | om.Person | om.Function) -> None:
        self.entries.append(om.Establish(entity, on=self._start))
        self.events += 1

    def _person(self) -> str:
        person = self.org.new_id("h")
        number = self.org.people = self.org.people + 1
        name = f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)} {number}"
        self._establish(om.Person(person, name))
        return person

    def _unit(self, kind: om.UnitKind, parent: str | None) -> str:
        """Establish a unit with its posts and the people in them."""
        unit = self.org.new_id("u")
        self._establish(om.Unit(unit, self.org.name(_STEMS[kind]), kind=kind, parent=parent))
        self.org.add_unit(unit, kind, parent)
        rng = self.rng
        head = None
        if kind is om.UnitKind.BOARD or rng.random() < 0.9:
            title, post_kind = _HEADS[kind]
            boss = self.org.head_above(unit) if rng.random() < 0.25 else None
            head = self._post(unit, title, post_kind, heads=True, reports_to=boss)
            if rng.random() < 0.15:
                self._post(unit, "Biträdande " + title.lower(), om.PostKind.DEPUTY_HEAD, reports_to=head)
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
            boss = head if head is not None and rng.random() < 0.5 else None
            self._post(unit, rng.choice(_SPECIALISTS), om.PostKind.SPECIALIST, reports_to=boss)
        if rng.random() < 0.1:
            self.org.free.add(self._person())
        return unit

    def _post(
        self, unit: str, title: str, kind: om.PostKind, *, heads: bool = False, reports_to: str | None = None
    ) -> str:
        holder = self._person() if self.rng.random() < 0.85 else None
        post = self.org.new_id("p")
        self._establish(
            om.Post(
                post, self.org.name((title,)), kind=kind, unit=unit, heads=heads, reports_to=reports_to, holder=holder
            )
        )
        self.org.add_post(post, unit, heads=heads, reports_to=reports_to, holder=holder)
        return post

    def setup(self, units: int) -> None:
        """The initial organisation: boards at the top, then offices, wide areas and deep chains under them."""
        rng = self.rng
        containers = [self._unit(om.UnitKind.BOARD, None) for _ in range(max(1, units // 5000))]
        while len(self.org.units) < units:
            parent = rng.choice(containers)
            left = units - len(self.org.units)
            shape = rng.random()
            if shape < 0.6:
                self._office(parent, left, containers)
            elif shape < 0.85:
                self._wide(parent, left, containers)
            else:
                self._chain(parent, left)
        for _ in range(max(3, units // 3)):
            owner = self.org.posts.choice(rng) if rng.random() < 0.25 else self.org.units.choice(rng)
            function = self.org.new_id("f")
            self._establish(
                om.Function(function, self.org.name(_FUNCTIONS), kind=rng.choice(list(om.FunctionKind)), owner=owner)
            )
            self.org.add_function(function, owner)

    def _office(self, parent: str, left: int, containers: list[str]) -> None:
        """An office with 3–15 units, some with a few groups under them."""
        office = self._unit(om.UnitKind.OFFICE, parent)
        if self.rng.random() < 0.5:
            containers.append(office)
        left -= 1
        for _ in range(self.rng.randint(3, 15)):
            if left <= 0:
                return
            kind = om.UnitKind.STAFF if self.rng.random() < 0.1 else om.UnitKind.UNIT
            unit = self._unit(kind, office)
            left -= 1
            if self.rng.random() < 0.3:
                for _ in range(min(left, self.rng.randint(2, 5))):
                    self._unit(om.UnitKind.GROUP, unit)
                    left -= 1

    def _wide(self, parent: str, left: int, containers: list[str]) -> None:
        """A production area with many leaf units (schools, homes, libraries)."""
        area = self._unit(om.UnitKind.PRODUCTION_AREA, parent)
        containers.append(area)
        width = self.rng.randint(20, max(20, min(300, (left + len(self.org.units)) // 10)))
        for _ in range(min(left - 1, width)):
            self._unit(om.UnitKind.UNIT, area)

    def _chain(self, parent: str, left: int) -> None:
        """A deep chain of units, each with a leaf or two beside it."""
        for _ in range(self.rng.randint(5, 12)):
            if left <= 0:
                return
            parent = self._unit(om.UnitKind.UNIT, parent)
            left -= 1
            for _ in range(min(left, self.rng.choice((0, 1, 2)))):
                self._unit(om.UnitKind.GROUP, parent)
                left -= 1

    # --- the history ---------------------------------------------------------------------------

    def history(self, changes: int) -> dict[str, int]:
        """Write ``changes`` dated changes in the mix; returns how many of each kind."""
        kinds = [kind for kind, _ in MIX]
        weights = [share for _, share in MIX]
        draw = {
            "appointment": self._appointment,
            "move": self._move,
            "rename": self._rename,
            "reporting": self._reporting,
            "split": self._split,
            "merge": self._merge,
            "transfer": self._transfer,
        }
        counts = dict.fromkeys(kinds, 0)
        for when in _whens(self.rng, changes):
            kind = self.rng.choices(kinds, weights)[0]
            events = draw[kind]()
            if events is None:  # nothing fitted: an appointment always does
                kind, events = "appointment", self._appointment()
            counts[kind] += 1
            self.entries.append(om.Change(when, events))
            self.events += len(events)
        return counts

    def _appointment(self) -> list[om.Event]:
        """Fill a vacancy (with someone moving from another post, a free person or a new hire), or vacate a post."""
        org, rng = self.org, self.rng
        vacancy = len(org.vacant) / max(1, len(org.posts))
        if len(org.vacant) and (not len(org.held) or vacancy > 0.2 or (vacancy > 0.08 and rng.random() < 0.6)):
            post = org.vacant.choice(rng)
            if len(org.held) and rng.random() < 0.4:
                old = org.held.choice(rng)
                person = org.vacate(old)
                org.appoint(post, person)
                return [om.Vacate(old), om.Appoint(post, person)]
            events: list[om.Event] = []
            if len(org.free) and rng.random() < 0.8:
                person = org.free.choice(rng)
                org.free.discard(person)
            else:
                person = org.new_id("h")
                org.people += 1
                name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)} {org.people}"
                events.append(om.Establish(om.Person(person, name)))
            org.appoint(post, person)
            events.append(om.Appoint(post, person))
            return events
        post = org.held.choice(rng)
        org.free.add(org.vacate(post))
        return [om.Vacate(post)]

    def _move(self) -> list[om.Event] | None:
        """Move a unit under another (never under itself), or a post to another unit, mostly nearby."""
        org, rng = self.org, self.rng
        for _ in range(10):
            if rng.random() < 0.6 and len(org.nonroot):
                unit = org.nonroot.choice(rng)
                target = self._new_parent(unit)
                if target is None or target == org.parent[unit] or org.within(target, unit):
                    continue
                org.set_parent(unit, target)
                return [om.Move(unit, target)]
            post = org.posts.choice(rng)
            current = org.post_unit[post]
            target = org.near(current) if rng.random() < 0.7 else org.units.choice(rng)
            if target is None or target == current or (org.head.get(current) == post and target in org.head):
                continue
            org.set_post_unit(post, target)
            return [om.Move(post, target)]
        return None

    def _new_parent(self, unit: str) -> str | None:
        """Where a unit moves: beside its parent, up under its grandparent, down under a sibling, or elsewhere.

        The choices are balanced so that the tree keeps its depth: choosing
        parents at random would, over 30 years of moves, drift it to dozens of
        levels, while real reorganisations mostly move units sideways.
        """
        org, rng = self.org, self.rng
        parent = org.parent[unit]
        assert parent is not None
        grandparent = org.parent[parent]
        pick = rng.random()
        if grandparent is not None and pick < 0.45:
            return org.children[grandparent].choice(rng)  # the parent itself is turned down by the caller
        if grandparent is not None and pick < 0.6:
            return grandparent
        if pick < 0.85:
            return org.children[parent].choice(rng)  # the unit itself is turned down by the caller
        target = org.container()
        return target if abs(org.depth(target) - org.depth(parent)) <= 1 else None

    def _rename(self) -> list[om.Event]:
        """Rename a unit (sometimes reforming it or changing its kind), a post or a function."""
        org, rng = self.org, self.rng
        pick = rng.random()
        if pick < 0.7:
            unit = org.units.choice(rng)
            kind = org.kind[unit]
            new_kind = None
            if kind in _ADMIN_KINDS and rng.random() < 0.05:
                new_kind = rng.choice([other for other in _ADMIN_KINDS if other is not kind])
                org.kind[unit] = new_kind
            name = org.name(_STEMS[new_kind or kind])
            return [om.Rename(unit, name, kind=new_kind, reformed=rng.random() < 0.1)]
        if pick < 0.9:
            return [om.Rename(org.posts.choice(rng), org.name(_SPECIALISTS))]
        return [om.Rename(org.functions.choice(rng), org.name(_FUNCTIONS))]

    def _reporting(self) -> list[om.Event] | None:
        """Make a post report to the head above it or to another post, or remove its reporting line."""
        org, rng = self.org, self.rng
        for _ in range(10):
            post = org.posts.choice(rng)
            current = org.reports_to[post]
            if current is not None and rng.random() < 0.15:
                org.set_reports_to(post, None)
                return [om.SetReportingLine(post, None)]
            if rng.random() < 0.6:
                unit = org.post_unit[post]
                target = org.head.get(unit)
                if target == post or target is None:
                    target = org.head_above(unit)
            else:
                nearby = org.posts_in.get(org.near(org.post_unit[post]) or "", Pool())
                target = nearby.choice(rng) if len(nearby) else None
            if target is None or target == current or org.reports_through(target, post):
                continue
            org.set_reports_to(post, target)
            return [om.SetReportingLine(post, target)]
        return None

    def _split(self) -> list[om.Event] | None:
        """Split a unit into 2–3 new ones beside it; new units without a head mostly get a new head post."""
        org, rng = self.org, self.rng
        for _ in range(10):
            source = org.nonroot.choice(rng)
            children = list(org.children.get(source, ()))
            posts = list(org.posts_in.get(source, ()))
            functions = list(org.owned.get(source, ()))
            if len(children) + len(posts) + len(functions) > 2000:
                continue
            kind, parent = org.kind[source], org.parent[source]
            into = [om.Unit(org.new_id("u"), org.name(_STEMS[kind]), kind=kind, parent=parent) for _ in range(2)]
            if rng.random() < 0.3:
                into.append(om.Unit(org.new_id("u"), org.name(_STEMS[kind]), kind=kind, parent=parent))
            ids = [unit.id for unit in into]
            head = org.head.get(source)
            allocation = {item: rng.choice(ids) for item in (*children, *posts, *functions)}
            if head is not None:
                allocation[head] = ids[0]
            for unit in into:
                org.add_unit(unit.id, kind, parent)
            org.fold(source, allocation)
            events: list[om.Event] = [om.Split(source, into, allocate=allocation)]
            for unit in into:
                if unit.id not in org.head and rng.random() < 0.8:
                    title, post_kind = _HEADS[kind]
                    post = org.new_id("p")
                    events.append(
                        om.Establish(om.Post(post, org.name((title,)), kind=post_kind, unit=unit.id, heads=True))
                    )
                    org.add_post(post, unit.id, heads=True, reports_to=None, holder=None)
            org.lineage_units.extend((source, *ids))
            return events
        return None

    def _merge(self) -> list[om.Event] | None:
        """Merge 2–3 sibling units into a new one, or absorb 1–2 units into an existing one."""
        if self.rng.random() < 0.6:
            events = self._merge_siblings()
            if events is not None:
                return events
        return self._absorb()

    def _merge_siblings(self) -> list[om.Event] | None:
        org, rng = self.org, self.rng
        for _ in range(10):
            first = org.nonroot.choice(rng)
            parent = org.parent[first]
            assert parent is not None
            others = [unit for unit in org.children[parent].sample(rng, 3) if unit != first][: rng.choice((1, 1, 1, 2))]
            if not others:
                continue
            units = [first, *others]
            kind = org.kind[first]
            into = om.Unit(org.new_id("u"), org.name(_STEMS[kind]), kind=kind, parent=parent)
            events = self._one_head(units, keep=True)
            org.add_unit(into.id, kind, parent)
            for unit in units:
                org.fold(unit, into.id)
            org.lineage_units.extend((*units, into.id))
            return [*events, om.Merge(units, into)]
        return None

    def _absorb(self) -> list[om.Event] | None:
        org, rng = self.org, self.rng
        for _ in range(10):
            into = org.container()
            if rng.random() < 0.5 and len(org.children.get(into, ())):
                units = org.children[into].sample(rng, rng.choice((1, 1, 2)))
            else:
                parent = org.parent[into]
                if parent is None:
                    continue
                units = [unit for unit in org.children[parent].sample(rng, 3) if unit != into][: rng.choice((1, 1, 2))]
            if not units:
                continue
            events = self._one_head(units, keep=into not in org.head)
            for unit in units:
                org.fold(unit, into)
            org.lineage_units.extend((*units, into))
            return [*events, om.Absorb(units, into)]
        return None

    def _one_head(self, units: list[str], *, keep: bool) -> list[om.Event]:
        """Events that leave at most one head among ``units`` (none if not ``keep``) before they are folded.

        A surplus head post with nobody reporting to it and no functions is
        dissolved; any other is made an ordinary post of its unit.
        """
        org = self.org
        events: list[om.Event] = []
        for unit in units:
            head = org.head.get(unit)
            if head is None:
                continue
            if keep:
                keep = False
                continue
            if not len(org.subordinates.get(head, ())) and not len(org.owned.get(head, ())):
                org.remove_post(head)
                events.append(om.Dissolve(head))
            else:
                del org.head[unit]
                events.append(om.SetHead(unit, None))
        return events

    def _transfer(self) -> list[om.Event] | None:
        """Transfer a function to another unit or post."""
        org, rng = self.org, self.rng
        for _ in range(10):
            function = org.functions.choice(rng)
            target = org.posts.choice(rng) if rng.random() < 0.25 else org.units.choice(rng)
            if target == org.owner[function]:
                continue
            org.set_owner(function, target)
            return [om.Transfer(function, target)]
        return None


def _whens(rng: random.Random, count: int) -> list[om.When]:
    """``count`` effective dates over the 30 years after :data:`START`, earliest first; about 6 % imprecise."""
    span = (END - START).days
    exact: dict[dt.date, om.When] = {}
    found: list[om.When] = []
    for _ in range(count):
        day = START + dt.timedelta(days=1 + int(rng.random() * span))
        pick = rng.random()
        if pick < 0.03:
            when = om.dates.parse_when(f"{day.year:04d}-{day.month:02d}")
        elif pick < 0.05:
            when = om.When(day, day + dt.timedelta(days=rng.randint(7, 120)), om.Precision.RANGE)
        elif pick < 0.06:
            season = rng.choice(("våren", "hösten", None))
            text = f"{season} {day.year}" if season else f"i {_MONTHS_SV[day.month - 1]} {day.year}"
            when = om.dates.parse_when(text)
        else:
            when = exact.get(day) or exact.setdefault(day, om.When.exact(day))
        found.append(when)
    found.sort(key=lambda when: when.earliest)  # the timeline applies earliest first; the model must too
    return found


def generate(size: Size | str, seed: int = 1) -> Workload:
    """A synthetic organisation of ``size`` (a :class:`Size` or one of ``S``, ``M``, ``L``, ``XL``) and its history."""
    if isinstance(size, str):
        size = SIZES[size]
    generator = _Generator(seed)
    generator.setup(size.units)
    setup = len(generator.entries)
    initial = generator.org.counts()
    counts = generator.history(size.changes)
    return Workload(
        seed=seed,
        size=size,
        entries=generator.entries,
        setup=setup,
        history=size.changes,
        events=generator.events,
        counts=counts,
        initial=initial,
        final=generator.org.counts(),
        lineage_units=list(dict.fromkeys(generator.org.lineage_units)),
    )
