"""History: every dated fact about one entity, with the event and source behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs

from orgmodel._entities import INVERSE_FACTS, Entity, Function, Person, Post, Relation, Unit
from orgmodel._events import Change, Event, Source, Status, made_entities
from orgmodel._knowledge import Revision, RevisionKind, revision_of
from orgmodel._text import table, visible
from orgmodel.dates import DayLike, When, parse_day

if TYPE_CHECKING:
    from orgmodel._log import AppliedLog
    from orgmodel._state import Delta, Value

#: A fact about an entity at one moment: an attribute and its value.
Pair = tuple[str, object]


@attrs.frozen
class Fact:
    """One fact about an entity, valid over the half-open interval ``[since, until)``.

    ``attribute`` is one of ``exists``, ``name``, ``kind``, ``parent``, ``unit``,
    ``heads``, ``reports_to``, ``seats``, ``holder``, ``owner`` (the entity's own
    fields), ``attributes.NAME`` and ``identifiers.SCHEME`` (fields of your
    own), ``role`` (a role of a holder in a post: the value is ``(id, role)``,
    the id of the other end), ``hand-over``, or ``child unit``, ``post``,
    ``head``, ``subordinate``, ``holds``, ``function`` (other entities pointing
    at it), or ``relation``.  ``value`` is the value (an id for references, a
    :class:`Relation` for relations) and ``label`` says it in words.  ``until``
    is ``None`` while the fact still holds.  ``began`` and ``ended`` are the
    events that started and ended it.
    """

    subject: str
    attribute: str
    value: object
    label: str
    since: When
    until: When | None
    began: Event
    ended: Event | None = None

    @property
    def source(self) -> Source | None:
        """The source of the event that started the fact."""
        return self.began.source

    @property
    def status(self) -> Status:
        """The status of the event that started the fact (planned, decided, implemented)."""
        assert self.began.status is not None
        return self.began.status

    def holds_on(self, day: DayLike) -> bool:
        """Whether the fact is in force on ``day`` (by the earliest days of its bounds)."""
        day = parse_day(day)
        return self.since.earliest <= day and (self.until is None or self.until.earliest > day)


class History(Sequence[Fact]):
    """Every dated fact about one entity, in the order they began.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
    ...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
    ...     ]
    ... )
    >>> [(str(fact.since), fact.value) for fact in org.history("förnyelseenheten").names()]
    [('2014-05-01', 'Samordnings- och utvecklingsenheten'), ('2015-01-01', 'Förnyelseenheten')]
    """

    def __init__(self, subject: Entity, facts: Sequence[Fact], set_aside: Sequence[Revision] = ()) -> None:
        self.subject = subject
        self.facts = tuple(facts)
        #: What the record holds about the entity but does not apply: cancelled changes, and changes a later
        #: source corrected or cancelled (each :class:`~orgmodel.Revision` with its sources).
        self.set_aside = tuple(set_aside)

    @overload
    def __getitem__(self, index: int) -> Fact: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Fact]: ...

    def __getitem__(self, index: int | slice) -> Fact | Sequence[Fact]:
        return self.facts[index]

    def __len__(self) -> int:
        return len(self.facts)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts)

    def of(self, attribute: str) -> tuple[Fact, ...]:
        """The facts about one attribute, such as ``"name"`` or ``"head"``."""
        return tuple(fact for fact in self.facts if fact.attribute == attribute)

    def names(self) -> tuple[Fact, ...]:
        """The names the entity had, oldest first."""
        return self.of("name")

    def spells(self) -> tuple[tuple[When, When | None], ...]:
        """The periods over which the entity had a tie — held a post, or took part in a relation — oldest first.

        A person who leaves and comes back has two spells; ``None`` ends one
        that still runs.

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Person("ann", "Ann"), on="2001-01-01"),
        ...         om.Establish(om.Post("min", "Minister", holder="ann"), on="2001-01-01"),
        ...         om.Vacate("min", on="2004-06-01"),
        ...         om.Appoint("min", "ann", on="2010-05-12"),
        ...     ]
        ... )
        >>> [(str(since), str(until)) for since, until in org.history("ann").spells()]
        [('2001-01-01', '2004-06-01'), ('2010-05-12', 'None')]
        """
        ties = sorted(
            (fact for fact in self.facts if fact.attribute in ("holds", "holder", "relation")),
            key=lambda fact: fact.since.earliest,
        )
        spells: list[tuple[When, When | None]] = []
        for fact in ties:
            if spells:
                since, until = spells[-1]
                if until is None or until.earliest >= fact.since.earliest:
                    later = None if until is None or fact.until is None else max(until, fact.until, key=_end_day)
                    spells[-1] = (since, later)
                    continue
            spells.append((fact.since, fact.until))
        return tuple(spells)

    def on(self, day: DayLike) -> tuple[Fact, ...]:
        """The facts in force on a day."""
        when = parse_day(day)
        return tuple(fact for fact in self.facts if fact.holds_on(when))

    def rows(self) -> list[dict[str, Any]]:
        """The facts as rows (dicts), one each; see :func:`orgmodel.io.tables.history_rows`."""
        from orgmodel.io.tables import history_rows

        return history_rows(self)

    def to_frame(self) -> Any:
        """The facts as a pandas DataFrame, one row each (needs ``orgmodel[tables]``)."""
        from orgmodel.io.tables import frame

        return frame(self.rows())

    def __repr__(self) -> str:
        subject = self.subject
        return f"<History of {subject.entity_type.value} {subject.name!r} ({subject.id}): {len(self.facts)} facts>"

    def __str__(self) -> str:
        # A status column only when something is not simply decided: most histories are.
        statuses = any(fact.status is not Status.DECIDED for fact in self.facts)
        rows = [
            [
                fact.since.label(),
                fact.until.label() if fact.until is not None else "",
                fact.attribute,
                fact.label,
                fact.began.describe(),
                *([str(fact.status)] if statuses else []),
            ]
            for fact in self.facts
        ]
        heading = f"History of {self.subject.entity_type.value} {self.subject.name!r} ({self.subject.id})"
        text = (
            visible(heading)
            + "\n"
            + table(["since", "until", "fact", "value", "event", *(["status"] if statuses else [])], rows)
        )
        if self.set_aside:
            lines = [f"  {revision.describe()}{revision.cited()}" for revision in self.set_aside]
            text += "\nSet aside (never applied):\n" + "\n".join(visible(line) for line in lines)
        return text


def _end_day(when: When) -> dt.date:
    return when.earliest


_OWN_FIELDS: dict[type[Entity], tuple[str, ...]] = {
    Unit: ("name", "kind", "parent"),
    Post: ("title", "kind", "unit", "heads", "reports_to"),
    Person: ("name",),
    Function: ("name", "kind", "owner"),
}
_REFERENCE_FIELDS = frozenset({"parent", "unit", "reports_to", "holder", "owner", "hand-over"})


def _pairs(subject: str, value: Value) -> set[Pair]:
    """The facts ``value`` (of the subject itself, of another entity, or a relation) states about ``subject``."""
    if value is None:
        return set()
    if isinstance(value, Relation):
        return {("relation", value)} if subject in (value.source, value.target) else set()
    found: set[Pair] = set()
    if value.id == subject:
        found.add(("exists", True))
        for field in _OWN_FIELDS[type(value)]:
            item = getattr(value, field)
            if item is None or item is False:
                continue
            found.add(("name" if field == "title" else field, item))
        found.update((f"attributes.{key}", item) for key, item in value.attributes.items())
        found.update((f"identifiers.{key}", item) for key, item in value.identifiers.items())
        if isinstance(value, Post):
            if value.seats != 1:
                found.add(("seats", value.seats or "unlimited"))
            for holding in value.holders:
                found.add(("holder", holding.person))
                found.update(("role", (holding.person, role)) for role in holding.roles)
                if holding.overlap:
                    found.add(("hand-over", holding.person))
        return found
    for field, target in value.references():
        if target == subject:
            found.add((INVERSE_FACTS[(value.entity_type, field)], value.id))
            if field == "unit" and isinstance(value, Post) and value.heads:
                found.add(("head", value.id))
    if isinstance(value, Post):
        held = value.holding(subject)
        if held is not None:
            found.update(("role", (value.id, role)) for role in held.roles)
    return found


def build_history(log: AppliedLog, subject: str) -> History:
    """The history of ``subject`` from the deltas that write it or point at it."""
    open_facts: dict[Pair, tuple[int, str]] = {}
    facts: list[tuple[int, Fact]] = []
    for index in log.mentions.get(subject, ()):
        delta = log.deltas[index]
        before, after = _pairs(subject, delta.old), _pairs(subject, delta.new)
        event = log.events[delta.position]
        for pair in sorted(before - after, key=_pair_order):
            if pair in open_facts:
                start, label = open_facts.pop(pair)
                began = log.events[start]
                facts.append((start, Fact(subject, pair[0], pair[1], label, _when(began), _when(event), began, event)))
        for pair in sorted(after - before, key=_pair_order):
            open_facts[pair] = (delta.position, _label(log, pair, delta.position))
    for pair, (start, label) in open_facts.items():
        began = log.events[start]
        facts.append((start, Fact(subject, pair[0], pair[1], label, _when(began), None, began, None)))
    facts.sort(key=lambda item: (item[0], _ATTRIBUTE_ORDER.get(item[1].attribute, 99)))
    entity = log.last_value(subject)
    assert entity is not None
    return History(entity, [fact for _, fact in facts], _set_aside(log, subject))


def _set_aside(log: AppliedLog, subject: str) -> list[Revision]:
    """The changes about ``subject`` that the log keeps but does not apply, as revisions with their sources."""
    changes = (log.changes[index] for index in log.set_aside)
    about = [change for change in changes if any(subject in event.subjects() for event in change.events)]
    return _why_set_aside(about, log)


def _why_set_aside(changes: Iterable[Change], log: AppliedLog) -> list[Revision]:
    """The revisions that set ``changes`` aside: what corrected or cancelled each.

    A cancellation is itself set aside; it is listed with what it cancels,
    not a second time.
    """
    record = log.record
    found: list[Revision] = []
    for change in changes:
        if change.id is not None and change.id in record.corrected_by:
            found.append(revision_of(record.corrected_by[change.id], record))
        elif change.corrects is None:  # cancelled in its own right
            found.append(Revision(RevisionKind.CANCELLED, change))
    return found


def set_aside_making(log: AppliedLog, item: str) -> list[Revision]:
    """The set-aside changes that would have brought an entity with id or name ``item`` into being.

    An entity only a cancelled change establishes never exists, so it has no
    history; an error saying "no entity was ever named …" should say why.
    """
    wanted = item.casefold()

    def makes_it(change: Change) -> bool:
        made = (entity for event in change.events for entity in made_entities(event))
        return any(entity.id == item or entity.name.casefold() == wanted for entity in made)

    return _why_set_aside((change for index in log.set_aside if makes_it(change := log.changes[index])), log)


_ATTRIBUTE_ORDER = {
    name: order
    for order, name in enumerate(
        ["exists", "name", "kind", "parent", "unit", "heads", "head", "reports_to", "seats", "holder", "role", "owner"]
    )
}


def _pair_order(pair: Pair) -> tuple[str, str]:
    return (pair[0], repr(pair[1]))


def _when(event: Event) -> When:
    assert event.on is not None
    return event.on


def _label(log: AppliedLog, pair: Pair, position: int) -> str:
    attribute, value = pair
    if isinstance(value, Relation):
        source = log.name_at(value.source, position)
        target = log.name_at(value.target, position)
        note = f" ({value.note})" if value.note else ""
        return f"{source} {value.kind!s} {target}{note}"
    if attribute in _REFERENCE_FIELDS or attribute in INVERSE_FACTS.values() or attribute == "head":
        assert isinstance(value, str)
        return f"{log.name_at(value, position)} ({value})"
    if attribute == "exists":
        return "yes"
    if attribute == "role":
        assert isinstance(value, tuple)
        other, role = value
        return f"{role} — {log.name_at(other, position)} ({other})"
    return str(getattr(value, "value", value))


def name_facts(log: AppliedLog, subject: str) -> tuple[Fact, ...]:
    """The names an entity had, read from its own writes only (no index of the whole log needed).

    Gives the same facts as ``build_history(log, subject).names()``: a name begins
    with the write that gave it and ends with the write that took it away.
    """
    facts: list[Fact] = []
    current: tuple[str, int] | None = None  # the name in force, and the event that gave it
    for delta in _own_writes(log, subject):
        old, new = delta.old, delta.new
        assert not isinstance(old, Relation)
        assert not isinstance(new, Relation)
        name = new.name if new is not None else None
        if old is not None and current is not None and name != current[0]:
            began, ended = log.events[current[1]], log.events[delta.position]
            facts.append(Fact(subject, "name", current[0], current[0], _when(began), _when(ended), began, ended))
            current = None
        if name is not None and current is None:
            current = (name, delta.position)
    if current is not None:
        began = log.events[current[1]]
        facts.append(Fact(subject, "name", current[0], current[0], _when(began), None, began, None))
    return tuple(facts)


def _own_writes(log: AppliedLog, subject: str) -> Iterator[Delta]:
    """Every write of ``subject`` itself, in order, found through its versions."""
    changes = dict.fromkeys(log.versions[subject].changes)
    for change in changes:
        for delta in log.deltas_between(change, change + 1):
            if delta.key == subject:
                yield delta
