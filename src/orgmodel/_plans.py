"""Plan analysis: which same-day changes do not commute, and whether a day's order matters at all.

Changes that share an earliest day apply in log order.  A plan is safe to
write down in any order when that order does not matter: every order of the
day's changes is valid and gives the same organisation.  Two questions:

* :func:`conflicts` (``Timeline.conflicts``): which *pairs* of the day's
  changes do not commute, each pair tried both ways at the point where the
  first of the two applies — a diagnosis, pair by pair;
* :func:`order_witness`: does *any* order of the day's changes give another
  result?  It answers exactly, with the first such order as a witness, by
  walking the orders depth first and pruning every prefix that reaches a state
  already explored (when the changes commute, the :math:`n!` orders collapse
  to the :math:`2^n` subsets).

Both replay changes on a :class:`~orgmodel._state.WorkingState` and undo them
(the state's own delta log), so trying an order costs one application per
change, not a whole timeline.  Changes within one :class:`~orgmodel.Change`
are ordered on purpose and are never reordered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from orgmodel._entities import Relation
from orgmodel._events import Change, Event, Status
from orgmodel._state import Delta, Key, Rejection, Value, WorkingState, describe
from orgmodel.dates import DayLike, parse_day
from orgmodel.errors import InvalidArgumentError

if TYPE_CHECKING:
    from orgmodel._timeline import Timeline

#: The state a sequence of changes leads to, as the net writes from a common start (hashable).
Net: TypeAlias = frozenset[tuple[Key, Value]]
#: What applying changes gives: the net writes, or the text of the error that stopped them.
Outcome: TypeAlias = "Net | str"

ConflictKind = Literal["depends", "blocks", "differs"]

# Enough for a dozen commuting changes (2**12 subsets, 12 steps each); more means the orders do not collapse.
MAX_STEPS = 200_000


@attrs.frozen
class Conflict:
    """Two changes of one day whose order matters.

    ``first`` comes before ``second`` in the log.  ``kind`` says how:
    ``"depends"`` — the second fails if it applies first (it needs what the
    first does); ``"blocks"`` — the first, applied first, makes the second fail,
    while the other order works; ``"differs"`` — both orders work but give
    different organisations.  ``detail`` says what fails or what differs.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("fu", "Förnyelseenheten"), on="2015-01-01"),
    ...         om.Rename("fu", "Strategienheten", on="2015-01-01"),
    ...     ]
    ... )
    >>> print(org.conflicts("2015-01-01")[0])
    2015-01-01: [rename 'fu' to 'Strategienheten'] depends on [establish unit 'Förnyelseenheten' (fu)]: applied
    before it, rename 'fu' to 'Strategienheten': unknown entity 'fu' on 2015-01-01
    """

    day: dt.date
    first: Change = attrs.field(repr=lambda change: repr(label(change)))
    second: Change = attrs.field(repr=lambda change: repr(label(change)))
    kind: ConflictKind
    detail: str

    def __str__(self) -> str:
        first, second = label(self.first), label(self.second)
        if self.kind == "depends":
            return f"{self.day}: [{second}] depends on [{first}]: applied before it, {self.detail}"
        if self.kind == "blocks":
            return f"{self.day}: [{first}] blocks [{second}]: applied after it, {self.detail}"
        return f"{self.day}: [{first}] and [{second}] give different organisations in the two orders: {self.detail}"


@attrs.frozen
class OrderWitness:
    """An order of a day's changes that gives another result than the log order.

    ``changes`` are the day's changes in log order; ``order`` the positions
    (0-based, into ``changes``) of the other order — only up to the change
    that failed, when it fails.  ``detail`` is the error, or what differs.
    """

    day: dt.date
    changes: tuple[Change, ...] = attrs.field(repr=lambda changes: f"<{len(changes)} changes>")
    order: tuple[int, ...]
    fails: bool
    detail: str

    def __str__(self) -> str:
        numbers = ", ".join(str(position + 1) for position in self.order)
        moved = [position for place, position in enumerate(self.order) if position != place]
        legend = "; ".join(f"{position + 1}: {label(self.changes[position])}" for position in sorted(moved))
        if self.fails and len(self.order) == 1:
            outcome = f"applying change {numbers} first fails: {self.detail}"
        elif self.fails:
            outcome = f"applying the changes in the order {numbers} fails: {self.detail}"
        else:
            logged = ", ".join(str(position + 1) for position in range(len(self.changes)))
            outcome = f"the order {numbers} gives another organisation than {logged}: {self.detail}"
        return f"{self.day}: {outcome} ({legend})"


def label(change: Change) -> str:
    """A change in a few words: its first event, and how many more it holds."""
    first = change.events[0].describe()
    more = len(change.events) - 1
    return f"{first} and {more} more" if more else first


# --- replaying changes on a working state ------------------------------------------------------


class _Replay:
    """A working state that changes are applied to one at a time, each undoable."""

    def __init__(self, changes: Iterable[Change] = ()) -> None:
        self.state = WorkingState()
        self.marks: list[tuple[int, int]] = []
        self.steps = 0
        for change in changes:
            failure = self.push(change)
            # The changes come from a valid timeline, so they apply.
            assert failure is None, failure

    def push(self, change: Change) -> str | None:
        """Apply a change; ``None`` when it applied, else why not (and the state is as before)."""
        self.steps += 1
        mark = self.state.begin(change.on)
        if change.status is not Status.CANCELLED:
            position = len(self.state.deltas)
            for event in change.events:
                try:
                    self.state.apply(event, position)
                except Rejection as rejection:
                    self.state.undo(mark)
                    return f"{event.describe()}: {rejection.problem}"
            try:
                self.state.finish()
            except Rejection as rejection:
                self.state.undo(mark)
                return f"{label(change)}: {rejection.problem}"
        self.marks.append(mark)
        return None

    def pop(self) -> None:
        """Undo the last change applied."""
        self.state.undo(self.marks.pop())

    def net_since(self, start: int) -> Net:
        """The net writes since ``start`` (a length of the delta log)."""
        return net(self.state.deltas[start:])

    def outcome(self, changes: Sequence[Change]) -> Outcome:
        """What applying ``changes`` on the current state gives; the state is left as it was."""
        start = len(self.state.deltas)
        applied = 0
        failure = None
        for change in changes:
            failure = self.push(change)
            if failure is not None:
                break
            applied += 1
        result: Outcome = failure if failure is not None else self.net_since(start)
        for _ in range(applied):
            self.pop()
        return result


def net(deltas: Iterable[Delta]) -> Net:
    """The writes that remain once ``deltas`` are folded: each key's last value, where it differs from its first."""
    first: dict[Key, Value] = {}
    last: dict[Key, Value] = {}
    for delta in deltas:
        first.setdefault(delta.key, delta.old)
        last[delta.key] = delta.new
    return frozenset((key, value) for key, value in last.items() if first[key] != value)


# --- what differs between two outcomes ---------------------------------------------------------


def difference(ours: Net, theirs: Net, *, limit: int = 3) -> str:
    """The first few facts on which two outcomes from one start disagree, in words.

    ``ours`` is the log order's outcome; ``theirs`` the other order's.
    """
    mine, other = dict(ours), dict(theirs)
    keys = sorted(set(mine) | set(other), key=_key_order)
    found = [
        _differs(key, mine.get(key, _UNCHANGED), other.get(key, _UNCHANGED))
        for key in keys
        if mine.get(key, _UNCHANGED) != other.get(key, _UNCHANGED)
    ]
    shown = "; ".join(found[:limit])
    return shown + (f"; and {len(found) - limit} more" if len(found) > limit else "")


class _Unchanged:
    """Stands for "as it was before the day" in a comparison."""

    def __repr__(self) -> str:
        return "as before"


_UNCHANGED = _Unchanged()


def _key_order(key: Key) -> tuple[int, str]:
    return (0, key) if isinstance(key, str) else (1, f"{key[0]!s} {key[1]} {key[2]}")


def _differs(key: Key, ours: Value | _Unchanged, theirs: Value | _Unchanged) -> str:
    if isinstance(key, tuple):
        what = f"relation {key[1]!r} {key[0]!s} {key[2]!r}"
        return f"{what} {_presence(ours)} in log order, {_presence(theirs)} in the other"
    if ours is None or theirs is None or isinstance(ours, _Unchanged) or isinstance(theirs, _Unchanged):
        entity = next(value for value in (ours, theirs) if value is not None and not isinstance(value, _Unchanged))
        assert not isinstance(entity, Relation)
        return f"{describe(entity)} {_presence(ours)} in log order, {_presence(theirs)} in the other"
    assert not isinstance(ours, Relation)
    assert not isinstance(theirs, Relation)
    fields = [
        field.name
        for field in attrs.fields(type(ours))
        if getattr(ours, field.name) != getattr(theirs, field.name) and field.name != "aliases"
    ] or ["aliases"]
    changes = ", ".join(f"{name} {getattr(ours, name)!r}" for name in fields)
    others = ", ".join(f"{getattr(theirs, name)!r}" for name in fields)
    return f"{describe(ours)} has {changes} in log order, {others} in the other"


def _presence(value: Value | _Unchanged) -> str:
    if isinstance(value, _Unchanged):
        return "as before the day"
    return "ended" if value is None else "present"


# --- pairs ---------------------------------------------------------------------------------------


def _same_day(timeline: Timeline, day: dt.date) -> tuple[list[Change], list[Change]]:
    """The changes before ``day``'s, and ``day``'s own (those that never apply, such as cancelled ones, left out)."""
    before: list[Change] = []
    today: list[Change] = []
    for change in timeline.applied_changes:
        if change.on.earliest < day:
            before.append(change)
        elif change.on.earliest == day:
            today.append(change)
    return before, today


def conflicts(timeline: Timeline, day: DayLike) -> tuple[Conflict, ...]:
    """The pairs of ``day``'s changes (by earliest day) that do not commute; see :meth:`Timeline.conflicts`."""
    wanted = parse_day(day)
    before, today = _same_day(timeline, wanted)
    replay = _Replay(before)
    found: list[Conflict] = []
    for index, first in enumerate(today):
        for second in today[index + 1 :]:
            conflict = _compare(replay, wanted, first, second)
            if conflict is not None:
                found.append(conflict)
        applied = replay.push(first)
        assert applied is None, applied
    return tuple(found)


def _compare(replay: _Replay, day: dt.date, first: Change, second: Change) -> Conflict | None:
    forward = replay.outcome([first, second])
    backward = replay.outcome([second, first])
    if isinstance(forward, str) and isinstance(backward, str):
        return None
    if isinstance(backward, str):
        return Conflict(day, first, second, "depends", backward)
    if isinstance(forward, str):
        return Conflict(day, first, second, "blocks", forward)
    if forward != backward:
        return Conflict(day, first, second, "differs", difference(forward, backward))
    return None


# --- every order ---------------------------------------------------------------------------------


def order_witness(
    before: Sequence[Change], today: Sequence[Change], day: dt.date, *, allow_dependencies: bool = False
) -> OrderWitness | None:
    """An order of ``today`` (applied after ``before``) that fails or differs from the log order, or ``None``.

    The first such order in lexicographic order of positions, so it keeps as
    much of the log order as it can.  With ``allow_dependencies`` an order
    that fails is not a witness (it is not explored further either): only a
    valid order that gives another organisation is.
    """
    if len(today) < 2:
        return None
    search = _OrderSearch(_Replay(before), tuple(today), allow_dependencies=allow_dependencies)
    found = search.run()
    if found is None:
        return None
    order, fails, detail = found
    return OrderWitness(day, tuple(today), order, fails, detail)


class _OrderSearch:
    """Depth-first search over the orders of some changes, pruning prefixes that reach a state already seen.

    A prefix is a set of changes applied and the state they led to: two orders
    of the same changes that lead to the same state have the same futures, so
    only the first is explored.  When the changes commute, that leaves one
    path per subset of them.
    """

    def __init__(self, replay: _Replay, changes: tuple[Change, ...], *, allow_dependencies: bool) -> None:
        self.replay = replay
        self.changes = changes
        self.allow_dependencies = allow_dependencies
        self.start = len(replay.state.deltas)
        self.seen: set[tuple[frozenset[int], Net]] = set()
        self.expected: Net | None = None

    def run(self) -> tuple[tuple[int, ...], bool, str] | None:
        """The first order (positions, whether it fails, why) that gives another result, or ``None``."""
        return next(self._search(()), None)

    def _search(self, order: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], bool, str]]:
        state = self.replay.net_since(self.start)
        key = (frozenset(order), state)
        if key in self.seen:
            return
        self.seen.add(key)
        if len(order) == len(self.changes):
            # Positions are tried smallest first, so the first complete order is the log order itself.
            if self.expected is None:
                self.expected = state
            elif state != self.expected:
                yield order, False, difference(self.expected, state)
            return
        for position in range(len(self.changes)):
            if position in order:
                continue
            if self.replay.steps > MAX_STEPS:
                raise InvalidArgumentError(
                    f"too many orders of {len(self.changes)} changes to check ({MAX_STEPS} steps): "
                    "check fewer changes at once"
                )
            failure = self.replay.push(self.changes[position])
            if failure is not None:
                if not self.allow_dependencies:
                    yield (*order, position), True, failure
                continue
            yield from self._search((*order, position))
            self.replay.pop()


def timeline_witnesses(
    timeline: Timeline, days: Iterable[DayLike] | None = None, *, allow_dependencies: bool = False
) -> list[OrderWitness]:
    """For each day (default: every day with two or more changes), an order that gives another result."""
    if days is None:
        counts: dict[dt.date, int] = {}
        for change in timeline.applied_changes:
            counts[change.on.earliest] = counts.get(change.on.earliest, 0) + 1
        wanted = sorted(day for day, count in counts.items() if count > 1)
    else:
        wanted = sorted({parse_day(day) for day in days})
    found = []
    for day in wanted:
        before, today = _same_day(timeline, day)
        witness = order_witness(before, today, day, allow_dependencies=allow_dependencies)
        if witness is not None:
            found.append(witness)
    return found


def plan_witnesses(
    base: Timeline, plan: Sequence[Event | Change], *, allow_dependencies: bool = False
) -> list[OrderWitness]:
    """For each day of ``plan`` applied after ``base``, an order of the plan's changes that gives another result.

    The base's own changes of that day stay first, in their order: only the
    plan's changes are reordered.
    """
    combined = base.with_events(list(plan))
    days = set()
    for entry in plan:
        # Every entry has a date: with_events would have refused it otherwise.
        assert entry.on is not None
        if entry.status is not Status.CANCELLED:
            days.add(entry.on.earliest)
    found = []
    for day in sorted(days):
        before, today = _same_day(combined, day)
        theirs = len(_same_day(base, day)[1])
        witness = order_witness(before + today[:theirs], today[theirs:], day, allow_dependencies=allow_dependencies)
        if witness is not None:
            found.append(witness)
    return found
