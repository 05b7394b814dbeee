"""What may be true on a day inside a date window, and what surely is.

A change dated by a window ("vid årsskiftet 2014/2015") happened on some day
inside it, and orgmodel does not guess which.  On a day ``d`` a change is
*settled* once its window has closed (its latest day is on or before ``d``)
and *pending* while ``d`` falls inside it.  A fact is **possible** on ``d`` if
it holds for some choice of days inside the windows, and **certain** if it
holds for every choice.  A chart shows the possible organisation, each fact
that is not certain marked with an :class:`Uncertainty`; ``at(d,
certain=True)`` shows only what is certain.

The reasoning is per *slot* — one field of one entity (its name, its parent,
whether a person holds a post, one of its attributes), or whether it exists —
over the changes that wrote it (its *writers*):

* a writer may be the last to have set the slot by ``d`` unless a writer that
  has surely happened by ``d`` cannot have come before it (its earliest day
  is after the latest day this one could have had);
* an entity's birth comes before every other write of it, and its end after;
* a slot none of whose writers has surely happened may still have its value
  from before them.

So a slot may have several possible values — a unit that may have moved, a
name that may have changed — and the rule of what a chart shows is: each
entity as the log has it when every change whose window has opened is
applied (its earliest day), with the other possible values of each slot
listed as alternatives, and entities that may still exist though the log has
ended them shown as they last were ("may have ended").  This over-estimates
what is possible rather than miss anything (a world it allows may break a
rule the timeline checks), so that for every choice of days inside the
windows: certain ⊆ that organisation ⊆ possible.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
import weakref
from collections.abc import Container, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from orgmodel._bulk import collector_paused
from orgmodel._entities import Entity, Function, Person, Post, Relation, Unit

if TYPE_CHECKING:
    from orgmodel._log import AppliedLog
    from orgmodel._state import Key, Value

#: A slot of a value: a field's name, or (field, key) for the parts of a field (a holder, an attribute).
Slot = str | tuple[str, str]


class _Absent:
    """What a slot holds when it holds nothing: a person not in a post, an attribute not set."""

    def __repr__(self) -> str:
        return "nothing"


ABSENT = _Absent()

_FIELDS: dict[type[Any], tuple[str, ...]] = {
    Unit: ("name", "kind", "parent", "aliases"),
    Post: ("title", "kind", "unit", "heads", "reports_to", "seats", "aliases"),
    Person: ("name", "aliases"),
    Function: ("name", "kind", "owner", "aliases"),
}


def slots(value: Value) -> dict[Slot, object]:
    """Every slot a value fills, with what it holds (an absent value fills none).

    >>> sorted(slots(Post("p", "Chef", holders=["anna"])).items(), key=str)[:3]
    [('aliases', ()), ('exists', True), ('heads', False)]
    """
    found: dict[Slot, object] = {}
    if value is None:
        return found
    found["exists"] = True
    if isinstance(value, Relation):
        found["note"] = value.note
        return found
    for field in _FIELDS[type(value)]:
        found[field] = getattr(value, field)
    if isinstance(value, Post):
        for holding in value.holders:
            found[("holder", holding.person)] = True
            found[("roles", holding.person)] = (holding.roles, holding.overlap)
    for name, item in value.attributes.items():
        found[("attribute", name)] = item
    for scheme, item in value.identifiers.items():
        found[("identifier", scheme)] = item
    return found


@attrs.frozen
class Uncertainty:
    """What is not certain about an entity (or relation) on a day: it may not exist yet, may have ended, or a
    slot may have another value — ``alternatives`` maps each such slot to its other possible values.

    >>> print(Uncertainty(may_have_ended=True, alternatives={"parent": ("slk",)}).describe())
    may have ended; may still be under 'slk'
    """

    may_not_exist_yet: bool = False
    may_have_ended: bool = False
    alternatives: Mapping[Slot, tuple[object, ...]] = attrs.field(factory=dict)
    #: Shown only because it may not have ended yet: the log, with every opened window applied, has ended it.
    ghost: bool = False

    def describe(self, name_of: Any = repr) -> str:
        """The uncertainty in words; ``name_of`` names an entity by its id (the id, quoted, by default)."""
        words = []
        if self.may_not_exist_yet:
            words.append("may not exist yet")
        if self.may_have_ended:
            words.append("may have ended")
        for slot, values in self.alternatives.items():
            words.append(_alternative(slot, values, name_of))
        return "; ".join(words)

    @property
    def former_names(self) -> tuple[str, ...]:
        """The other names it may still have (for finding it by either name)."""
        found: list[str] = []
        for slot in ("name", "title"):
            found.extend(str(value) for value in self.alternatives.get(slot, ()) if isinstance(value, str))
        return tuple(found)


def _alternative(slot: Slot, values: tuple[object, ...], name_of: Any) -> str:
    shown = [value for value in values if value is not None and value is not ABSENT]
    if slot in ("name", "title"):
        return "may still be named " + " or ".join(repr(value) for value in shown) if shown else "its name is unsure"
    if slot == "parent":
        return "may still be under " + " or ".join(name_of(value) for value in shown) if shown else "may be at the top"
    if slot == "unit":
        return "may still be in " + " or ".join(name_of(value) for value in shown) if shown else "may be in no unit"
    if slot == "owner":
        return "may still be owned by " + " or ".join(name_of(value) for value in shown)
    if slot == "reports_to":
        return (
            "may still report to " + " or ".join(name_of(value) for value in shown) if shown else "may report to no one"
        )
    if isinstance(slot, tuple) and slot[0] == "holder":
        return f"{name_of(slot[1])} may {'still hold' if values == (True,) else 'not hold'} it"
    if isinstance(slot, tuple) and slot[0] == "roles":
        return f"the roles of {name_of(slot[1])} there are unsure"
    if isinstance(slot, tuple):
        return f"its {slot[0]} {slot[1]!r} is unsure"
    return f"its {slot} is unsure"


class _Writer:
    """One change's write of a slot: which change, what it set, and the change's window."""

    __slots__ = ("birth", "change", "earliest", "entry", "latest", "value")

    def __init__(self, change: int, value: object, earliest: dt.date, latest: dt.date, entry: int, birth: bool):
        self.change, self.value, self.birth = change, value, birth
        self.earliest, self.latest, self.entry = earliest, latest, entry


class _Index:
    """What the uncertainty of a log's days rests on that is the same for every day: worked out once per log.

    Every chart inside or after a window asks which keys may be uncertain and
    what each may be; most of the answer does not depend on the day, and a
    question that scanned the whole log for it each time cost more than the
    rest of the chart (tens of milliseconds at 50,000 changes).
    """

    __slots__ = (
        "__weakref__",
        "analysed",
        "earliest",
        "keys",
        "latest",
        "latest_of",
        "latest_sorted",
        "possible",
        "reordered",
        "span",
        "with_reordered",
    )

    def __init__(self, log: AppliedLog) -> None:
        windowed = log.windowed
        # From the log's tables of days, not from the changes themselves (a reopened log reads those on first use).
        self.earliest = [log.starts[index] for index in windowed]
        self.latest = log.window_ends()
        #: Each windowed change's latest day, by change (any other change's is its earliest).
        self.latest_of = dict(zip(windowed, self.latest, strict=True))
        #: The windows' latest days in order: with the log's earliest days, where a day falls among them.
        self.latest_sorted = sorted(self.latest)
        #: The longest window: a change that began more than this before a day is settled on it.
        self.span = max(map(operator.sub, self.latest, self.earliest), default=dt.timedelta(0))
        #: Each windowed change's keys, in the order it wrote them.
        self.keys = [
            tuple(dict.fromkeys(log.deltas.keys[log.change_deltas[index] : log.change_deltas[index + 1]]))
            for index in windowed
        ]
        #: Each windowed change's keys that stay uncertain once its window has closed (see _reorderable).
        self.reordered = [
            tuple(key for key in keys if _reorderable(log, key, index, latest))
            for index, keys, latest in zip(windowed, self.keys, self.latest, strict=True)
        ]
        self.with_reordered = [place for place, keys in enumerate(self.reordered) if keys]
        #: (key, how many of its versions are in effect) -> (the day from which the analysis of the key holds,
        #: its Uncertainty or None, its ghost or None): filled as days are asked about.
        self.analysed: dict[tuple[Key, int], tuple[dt.date, Uncertainty | None, Entity | Relation | None]] = {}
        #: The last days' answers of :func:`possible`, by :func:`_day_class` (newest last).
        self.possible: dict[tuple[int, int, int, int], tuple[dict[Key, Uncertainty], dict[Key, Entity | Relation]]] = {}


_INDEXES: weakref.WeakKeyDictionary[AppliedLog, _Index] = weakref.WeakKeyDictionary()


def _index(log: AppliedLog) -> _Index:
    """The log's :class:`_Index`, made on first use (a log never changes once built)."""
    found = _INDEXES.get(log)
    if found is None:
        found = _INDEXES[log] = _made_index(log)
    return found


@collector_paused()
def _made_index(log: AppliedLog) -> _Index:
    # Its tables are millions of new tuples at XL: with the collector on, it ran full collections over the
    # whole timeline several times and a first question took seconds more than the work itself.
    return _Index(log)


def forget(log: AppliedLog) -> None:
    """Drop the log's :class:`_Index` (the benchmarks time a first question with it)."""
    _INDEXES.pop(log, None)


#: How many days' answers :func:`possible` keeps per log (a few kilobytes each: the uncertain keys of a day).
POSSIBLE_KEPT = 16


def possible(log: AppliedLog, day: dt.date, prefix: int) -> tuple[dict[Key, Uncertainty], dict[Key, Entity | Relation]]:
    """The :class:`Possible` uncertainty and ghosts of ``day`` (``prefix``: the log's prefix that day), shared by
    the days the analysis cannot tell apart.  The caller must not change them.

    The analysis compares the day only with the log's earliest days and its windows' latest days, so two days with
    none of those on or between them get the same answer: a chart or an edge list asked again on such a day
    reads the answer of the first (the analysis of the keys in windows still open is redone otherwise).
    """
    index = _index(log)
    known = index.possible
    cls = _day_class(log, index, day, prefix)
    found = known.pop(cls, None)
    if found is None:
        analysed = Possible(log, day, prefix)
        found = (analysed.uncertainty, analysed.ghosts)
        for stale in list(known)[: len(known) - POSSIBLE_KEPT + 1]:
            known.pop(stale, None)  # the oldest (a list first: another thread may be asking too)
    known[cls] = found  # newest last: the oldest is dropped first
    return found


def _day_class(log: AppliedLog, index: _Index, day: dt.date, prefix: int) -> tuple[int, int, int, int]:
    """Where ``day`` falls among the log's earliest days and its windows' latest days: equal for two days exactly
    when each of those days compares the same way (before, on, after) with both."""
    latest = index.latest_sorted
    starts_before = bisect.bisect_left(log.starts, day)
    return prefix, starts_before, bisect.bisect_left(latest, day), bisect.bisect_right(latest, day)


def _reorderable(log: AppliedLog, key: Key, index: int, latest: dt.date) -> bool:
    """Whether another writer of ``key`` after change ``index`` may have come before it, had it happened by
    ``latest`` (another writer that begins after that day is after it)."""
    changes = log.versions[key].changes
    for other in changes[bisect.bisect_right(changes, index) :]:
        earliest = log.starts[other]
        if earliest > latest:
            break  # the log is in order of earliest days: so are the later writers
        if earliest < latest or log.entries[other] < log.entries[index]:
            return True
    return False


class Possible:
    """The uncertain keys of a log on one day, each with its :class:`Uncertainty` and, for a ghost, its value."""

    def __init__(self, log: AppliedLog, day: dt.date, prefix: int) -> None:
        self.log = log
        self.day = day
        self.prefix = prefix
        self.uncertainty: dict[Key, Uncertainty] = {}
        self.ghosts: dict[Key, Entity | Relation] = {}
        self._index = _index(log)
        for key in self._unsettled_keys():
            self._analyse(key)

    # --- which keys may be uncertain ------------------------------------------------------------------

    def _unsettled_keys(self) -> Iterator[Key]:
        """Keys written by a change whose window is still open on the day, or by one that may have happened in
        another order than the log's relative to another writer of the same key."""
        index, day = self._index, self.day
        end = bisect.bisect_left(self.log.windowed, self.prefix)
        # Open on the day: began within the longest window before it, and not yet ended.
        first = bisect.bisect_right(index.earliest, day - index.span, 0, end) if day > dt.date.min + index.span else 0
        pending = [place for place in range(first, end) if index.latest[place] > day]
        reordered = index.with_reordered[: bisect.bisect_left(index.with_reordered, end)]
        seen: set[Key] = set()
        for place in sorted({*pending, *reordered}):
            # A pending change's keys are all uncertain; a settled one's, those it may have swapped with another.
            for key in index.keys[place] if index.latest[place] > day else index.reordered[place]:
                if key not in seen:
                    seen.add(key)
                    yield key

    # --- one key ----------------------------------------------------------------------------------------

    def _writers(self, key: Key) -> tuple[dict[Slot, list[_Writer]], list[tuple[int, Value]]]:
        """Each slot's writers among the changes in effect, and the key's values after each such change."""
        log, prefix = self.log, self.prefix
        versions = log.versions[key]
        changes, values = versions.changes, versions.values
        count = bisect.bisect_left(changes, prefix)
        # A key written twice by one change: the change's last value is what it wrote, but a slot it changed
        # and changed back (a head handed on and back) was written too: in another order it would matter.
        by_change: dict[int, list[Value]] = {}
        for change, value in zip(changes[:count], values[:count], strict=True):
            by_change.setdefault(change, []).append(value)
        history = [(change, written[-1]) for change, written in by_change.items()]
        writers: dict[Slot, list[_Writer]] = {}
        before: dict[Slot, object] = {}
        birth = history[0][0] if history else -1
        for change, written in by_change.items():
            touched: set[Slot] = set()
            now = before
            for value in written:
                step = slots(value)
                touched.update(slot for slot in {*now, *step} if now.get(slot, ABSENT) != step.get(slot, ABSENT))
                now = step
            earliest = log.starts[change]
            latest = self._index.latest_of.get(change, earliest)
            for slot in touched:
                writers.setdefault(slot, []).append(
                    _Writer(change, now.get(slot, ABSENT), earliest, latest, log.entries[change], change == birth)
                )
            before = now
        return writers, history

    def _possible_values(self, writers: list[_Writer], *, existence: bool, death: int | None) -> set[object]:
        """The values a slot may have on the day (:data:`ABSENT`: none).

        For whether the entity exists (``existence``) that is all of it; for
        any other slot it is what the slot may hold *if* the entity exists:
        then its birth has happened, and its end (``death``, a change) has not.
        """
        day = self.day
        if existence:
            settled = [writer for writer in writers if writer.latest <= day]
        else:
            writers = [writer for writer in writers if writer.change != death]
            settled = [writer for writer in writers if writer.latest <= day or writer.birth]
        found: set[object] = set()
        ended = next((writer for writer in writers if existence and writer.value is ABSENT), None)
        for writer in writers:
            if writer.birth and any(other is not writer for other in settled):
                continue  # a birth comes before every other write: a later one that surely happened follows it
            if ended is not None and ended.latest <= day and writer is not ended:
                continue  # an end that surely happened is the last write
            latest = min(writer.latest, day)
            if all(
                other is writer or other.earliest < latest or (other.earliest == latest and other.entry < writer.entry)
                for other in settled
            ):
                found.add(writer.value)
        if not settled:
            found.add(ABSENT)  # none of its writers has surely happened: it may still be as before them
        return found

    def _analyse(self, key: Key) -> None:
        log, day = self.log, self.day
        changes = log.versions[key].changes
        count = bisect.bisect_left(changes, self.prefix)
        found = self._index.analysed.get((key, count))
        if found is not None and found[0] <= day:
            # Every writer of the key in effect has settled by the day: the analysis is the same on every such day.
            _, uncertainty, ghost = found
        else:
            uncertainty, ghost = self._analysed(key)
            latest_of, starts = self._index.latest_of, log.starts
            settled = max((latest_of.get(change, starts[change]) for change in changes[:count]), default=dt.date.min)
            if settled <= day:
                self._index.analysed[(key, count)] = (settled, uncertainty, ghost)
        if uncertainty is not None:
            self.uncertainty[key] = uncertainty
            if ghost is not None:
                self.ghosts[key] = ghost

    def _analysed(self, key: Key) -> tuple[Uncertainty | None, Entity | Relation | None]:
        """The key's :class:`Uncertainty` on the day (``None``: certain) and, if it is a ghost, its value."""
        writers, history = self._writers(key)
        if not history:
            return None, None
        death = next((w.change for w in writers.get("exists", []) if w.value is ABSENT), None)
        possible = {
            slot: self._possible_values(slot_writers, existence=slot == "exists", death=death)
            for slot, slot_writers in writers.items()
        }
        shown = history[-1][1]  # the log's value, every opened window applied
        ghost = False
        if shown is None:
            if True not in possible.get("exists", set()):
                return None, None  # surely gone
            # It may still exist: show it as it was last.
            shown = next((value for _, value in reversed(history) if value is not None), None)
            ghost = True
            if shown is None:
                return None, None
        exists = possible.get("exists", {True})
        shown_slots = slots(shown)
        alternatives: dict[Slot, tuple[object, ...]] = {}
        for slot, values in possible.items():
            if slot == "exists":
                continue
            others = values - {shown_slots.get(slot, ABSENT)}
            if others:
                alternatives[slot] = tuple(sorted(others, key=repr))
        uncertainty = Uncertainty(
            may_not_exist_yet=ABSENT in exists and self._birth_pending(writers),
            may_have_ended=ABSENT in exists and death is not None,
            alternatives=alternatives,
            ghost=ghost,
        )
        if uncertainty.may_not_exist_yet or uncertainty.may_have_ended or alternatives:
            return uncertainty, shown if ghost else None
        return None, None

    def _birth_pending(self, writers: Mapping[Slot, list[_Writer]]) -> bool:
        births = [writer for writer in writers.get("exists", []) if writer.birth]
        return bool(births) and births[0].latest > self.day


def keep_whole(present: Container[str], ghosts: Mapping[Key, Any]) -> set[Key]:
    """The keys of the ghosts to leave out: those referring to an id neither ``present`` nor of a ghost kept."""
    pending = dict(ghosts)
    left_out: set[Key] = set()
    changed = True
    while changed:
        changed = False
        for key, value in list(pending.items()):
            ends = (
                (value.source, value.target) if isinstance(value, Relation) else [ref for _, ref in value.references()]
            )
            if all(end in present or end in pending for end in ends):
                continue
            del pending[key]
            left_out.add(key)
            changed = True
    return left_out


def referenced(values: Iterable[object]) -> Iterator[str]:
    """The ids among some slot values (for dropping alternatives that point at nothing on the chart)."""
    for value in values:
        if isinstance(value, str):
            yield value


#: The fields a certain chart can leave empty when their value is not certain, and what empty is.
_BLANK: dict[str, object] = {"parent": None, "unit": None, "reports_to": None, "owner": None, "heads": False}


def certain_state(state: Any, uncertainty: Mapping[Key, Uncertainty]) -> tuple[Any, dict[Key, frozenset[Slot]]]:
    """The day's state cut down to what is certain, and the slots of each key whose shown value is not.

    An entity that may not exist (yet, or any more) is left out; a field
    whose value is not certain is left empty where it can be (a parent, a
    unit, an owner, a boss; a holding or an attribute is dropped), and
    otherwise (a name) kept; either way it is listed as unsure, and states no
    fact.  What then points at something left out is left empty, and unsure,
    too.
    """
    state = state.copy()
    tables: list[dict[Any, Any]] = [state.units, state.posts, state.people, state.functions, state.relations]
    unsure: dict[Key, frozenset[Slot]] = {}
    for key, mark in uncertainty.items():
        if mark.may_not_exist_yet or mark.may_have_ended:
            for table in tables:
                table.pop(key, None)
            continue
        for table in tables:
            value = table.get(key)
            if value is None:
                continue
            cut = table[key] = _cut(value, mark.alternatives)
            unsure[key] = frozenset(mark.alternatives) | _emptied(value, cut)
    present = {*state.units, *state.posts, *state.people, *state.functions}
    for table in tables[:4]:
        for key, value in list(table.items()):
            emptied, slots_emptied = _without_missing(value, present)
            if slots_emptied:
                table[key] = emptied
                unsure[key] = unsure.get(key, frozenset()) | slots_emptied
    for key, relation in list(state.relations.items()):
        if relation.source not in present or relation.target not in present:
            del state.relations[key]
    return state, unsure


def _cut(value: Any, alternatives: Mapping[Slot, tuple[object, ...]]) -> Any:
    """A value with its unsure slots emptied where they can be (a name cannot be: it stays, unsure)."""
    changes: dict[str, Any] = {}
    for slot in alternatives:
        if isinstance(slot, str) and slot in _BLANK:
            changes[slot] = _BLANK[slot]
        elif isinstance(slot, tuple) and slot[0] == "holder" and isinstance(value, Post):
            changes["holders"] = tuple(h for h in changes.get("holders", value.holders) if h.person != slot[1])
        elif isinstance(slot, tuple) and slot[0] == "attribute":
            changes["attributes"] = changes.get("attributes", value.attributes).changed({slot[1]: None})
        elif isinstance(slot, tuple) and slot[0] == "identifier":
            changes["identifiers"] = changes.get("identifiers", value.identifiers).changed({slot[1]: None})
    if changes.get("unit", value.unit if isinstance(value, Post) else None) is None and isinstance(value, Post):
        changes["heads"] = False  # a post in no unit heads none
    return attrs.evolve(value, **changes) if changes else value


def _emptied(before: Any, after: Any) -> frozenset[Slot]:
    """The slots whose value emptying changed (a head flag lost with its unit, say)."""
    old, new = slots(before), slots(after)
    return frozenset(slot for slot in {*old, *new} if old.get(slot, ABSENT) != new.get(slot, ABSENT))


def _without_missing(value: Any, present: set[str]) -> tuple[Any, frozenset[Slot]]:
    """A value whose references to what is not on the chart are emptied, and the slots that were."""
    changes: dict[str, Any] = {}
    emptied: set[Slot] = set()
    for field, target in value.references():
        if target in present:
            continue
        if field == "holder":
            changes["holders"] = tuple(h for h in changes.get("holders", value.holders) if h.person != target)
            emptied |= {("holder", target), ("roles", target)}
        else:
            changes[field] = None
            emptied.add(field)
            if field == "unit":
                changes["heads"] = False
                emptied.add("heads")
    return (attrs.evolve(value, **changes) if changes else value), frozenset(emptied)


def facts_of(key: Key, value: Any, unsure: frozenset[Slot] = frozenset()) -> set[tuple[Key, Slot, object]]:
    """The facts a value states, as ``(key, slot, value)``, leaving out the unsure slots.

    A slot that may hold nothing is a fact too: ``(key, slot, ABSENT)`` is not
    written out, so a chart's facts are the slots it fills.
    """
    return {(key, slot, item) for slot, item in slots(value).items() if slot not in unsure}
