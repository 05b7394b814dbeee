"""A state machine for property tests over a timeline: subclass it and add your own rules and invariants.

:class:`OrgStateMachine` is a Hypothesis :class:`~hypothesis.stateful.RuleBasedStateMachine`
whose state is a :class:`~orgmodel.Timeline`.  Its rules establish units,
posts, people and functions, reorganise (merge, split), restructure (absorb,
move, dissolve, rename), staff (appoint, vacate, head, report), relate (relate,
unrelate, transfer), and make several such changes at once, each drawn valid against the
organisation as it stands — never filtered — and each on a day a few days
after the last (often the same day).  It checks :func:`orgmodel.invariants.check`
after every step.  The ids it makes go into the bundles :attr:`~OrgStateMachine.units`,
:attr:`~OrgStateMachine.posts`, :attr:`~OrgStateMachine.people` and
:attr:`~OrgStateMachine.functions`, for your rules to draw from.

>>> import orgmodel as om
>>> from hypothesis import settings
>>> from hypothesis.stateful import invariant, rule
>>> from orgmodel import invariants as inv
>>> class Reorganisations(OrgStateMachine):
...     @rule(unit=OrgStateMachine.units)
...     def give_it_a_head(self, unit):
...         # A bundle keeps every id it was given; the unit may have ended since.
...         if unit in self.chart.units and self.chart.head(unit) is None:
...             self.apply(om.Establish(om.Post(self.fresh_id("p"), "Enhetschef", unit=unit, heads=True)))
...
...     @invariant()
...     def no_post_heads_two_units(self):
...         inv.assert_holds(inv.one_head_per_unit(self.chart))
>>> Reorganisations.TestCase.settings = settings(max_examples=5, stateful_step_count=10)
>>> Reorganisations.TestCase("runTest").runTest()

In a test module, ``TestReorganisations = Reorganisations.TestCase`` is all
pytest or unittest needs.  Set :attr:`~OrgStateMachine.base` to start from
an organisation of your own (the bundles then start with its ids).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, precondition, rule

from orgmodel import invariants
from orgmodel._chart import OrgChart
from orgmodel._entities import Entity, Function, Person, Post, Unit, UnitKind
from orgmodel._events import Change, Establish, Event, Merge, Split
from orgmodel._timeline import Timeline
from orgmodel.errors import EventError, InvalidArgumentError
from orgmodel.strategies import _SKIP, EVENT_TYPES, Draw, _Drawer, _Model, _model_after, _words

__all__ = ["OrgStateMachine"]

# The events that make nothing new, which the change rules draw (the rest have rules of their own).
_EDITS = tuple(kind for kind in EVENT_TYPES if kind not in ("establish", "merge", "split"))


@attrs.frozen
class _Step:
    """What a rule drew: the day and the events of one change, shown in a failing example as they read."""

    day: dt.date
    events: tuple[Event, ...]

    def __repr__(self) -> str:
        return f"{self.day}: " + "; ".join(event.describe() for event in self.events) if self.events else "nothing"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints drawn values with its pretty-printer, which would spell out every field.
        printer.text(repr(self))


@st.composite
def _steps(draw: Draw, machine: OrgStateMachine, make: str | None, kinds: Sequence[str], sizes: range) -> _Step:
    """A step of ``machine``: a gap of days, then some events (or a new ``make``), valid in that order."""
    # As in the strategies, 0 skips the step: the shrinker can then cut a step it does not need.
    if draw(_SKIP) == 0:
        return _Step(machine.day, ())
    day = machine.day + dt.timedelta(days=draw(st.integers(0, machine.max_gap_days)))
    size = draw(st.integers(sizes.start, sizes.stop - 1)) if len(sizes) > 1 else sizes.start
    drawer = _Drawer(draw, machine._model(), machine.names, machine.unit_kinds)
    events: list[Event] = []
    for _ in range(size):
        event = drawer.establish(make) if make is not None else drawer.event(kinds)
        if event is None:
            continue
        # The drawer's model follows, so that the next event is drawn valid after this one.
        drawer.model.apply(event)
        events.append(event)
    return _Step(day, tuple(events))


class OrgStateMachine(RuleBasedStateMachine):
    """A timeline grown one valid change at a time; subclass it to add rules and invariants.

    Read :attr:`timeline`, :attr:`day` (of the last change) and :attr:`chart`
    (the organisation on that day); change it with :meth:`apply` (or
    :meth:`attempt`, which lets the timeline refuse).  The class attributes
    :attr:`base`, :attr:`start`, :attr:`max_gap_days`, :attr:`event_types`,
    :attr:`unit_kinds` and :attr:`names` configure what it draws.

    >>> from hypothesis import settings
    >>> from hypothesis.stateful import run_state_machine_as_test
    >>> run_state_machine_as_test(OrgStateMachine, settings=settings(max_examples=3, stateful_step_count=5))
    """

    #: Ids of units made (or, with :attr:`base`, there at the start); some may have ended since.
    units: ClassVar[Bundle[str]] = Bundle("units")
    #: Ids of posts made or there at the start.
    posts: ClassVar[Bundle[str]] = Bundle("posts")
    #: Ids of people made or there at the start.
    people: ClassVar[Bundle[str]] = Bundle("people")
    #: Ids of functions made or there at the start.
    functions: ClassVar[Bundle[str]] = Bundle("functions")

    #: The organisation to start from (default: none); the machine's changes come after its last day.
    base: ClassVar[Timeline | None] = None
    #: The first day, when there is no :attr:`base`.
    start: ClassVar[dt.date] = dt.date(2013, 1, 1)
    #: The most days between one step and the next (0: every change on one day).
    max_gap_days: ClassVar[int] = 30
    #: The event types the rules may draw (``"establish"`` is always drawn by its rules).
    event_types: ClassVar[Sequence[str]] = EVENT_TYPES
    #: The kinds new units get.
    unit_kinds: ClassVar[Sequence[UnitKind]] = tuple(UnitKind)
    #: Where names come from (default: short words, as in :mod:`orgmodel.strategies`).
    names: ClassVar[st.SearchStrategy[str]] = _words()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # With a base, the bundles start with its ids; without one, rules that add nothing would only
        # clutter a failing example, so they are there only when base is set (in the class body).
        if cls.base is not None:
            for bundle in ("units", "posts", "people", "functions"):
                setattr(cls, f"{bundle}_at_the_start", _seeding(bundle))

    def __init__(self) -> None:
        super().__init__()
        unknown = sorted(set(self.event_types) - set(EVENT_TYPES))
        if unknown:
            raise InvalidArgumentError(f"event_types must be among {list(EVENT_TYPES)}, got {unknown}")
        #: The timeline so far: :attr:`base` and every change the rules have applied.
        self.timeline: Timeline = self.base if self.base is not None else Timeline()
        last = self.timeline.last_day
        #: The day of the last change applied; at first, the day after :attr:`base`'s last day, or :attr:`start`.
        self.day: dt.date = last + dt.timedelta(days=1) if last is not None else self.start
        self._charted: tuple[Timeline, dt.date, OrgChart] | None = None
        self._applicable: tuple[Timeline, frozenset[str]] | None = None

    # --- reading --------------------------------------------------------------------------------

    @property
    def chart(self) -> OrgChart:
        """The organisation on :attr:`day`, as the timeline shows it (built once per change)."""
        if self._charted is None or self._charted[0] is not self.timeline or self._charted[1] != self.day:
            self._charted = (self.timeline, self.day, self.timeline.at(self.day))
        return self._charted[2]

    def fresh_id(self, prefix: str) -> str:
        """An id starting with ``prefix`` that no entity has ever had in :attr:`timeline`.

        >>> OrgStateMachine().fresh_id("u")
        'u0'
        """
        return self._model().fresh(prefix)

    def can(self, *event_types: str) -> bool:
        """Whether any of ``event_types`` (among :attr:`event_types`) applies to the organisation now.

        The rules that change things run only when it does, so that no step is wasted.

        >>> OrgStateMachine().can("rename"), OrgStateMachine().can("establish")
        (False, True)
        """
        allowed = [kind for kind in event_types if kind in self.event_types]
        if not allowed:
            return False
        if self._applicable is None or self._applicable[0] is not self.timeline:
            everything = _Drawer(_no_draw, self._model(), self.names).applicable(EVENT_TYPES)
            self._applicable = (self.timeline, frozenset(everything))
        return any(kind in self._applicable[1] for kind in allowed)

    def _model(self) -> _Model:
        return _model_after(self.timeline, self.chart)

    # --- changing ---------------------------------------------------------------------------------

    def apply(self, *events: Event, after_days: int = 0) -> Change:
        """Apply ``events`` as one change, ``after_days`` after :attr:`day`; the timeline's error if it refuses.

        >>> import orgmodel as om
        >>> machine = OrgStateMachine()
        >>> machine.apply(om.Establish(om.Unit("u0", "A")), after_days=31).describe()
        "establish unit 'A' (u0)"
        >>> machine.day, len(machine.chart.units)
        (datetime.date(2013, 2, 1), 1)
        """
        if after_days < 0:
            raise InvalidArgumentError(f"after_days must be 0 or more: a machine only moves forward, got {after_days}")
        day = self.day + dt.timedelta(days=after_days)
        change = Change(day, events)
        self.timeline = self.timeline.with_events(change)
        self.day = day
        return change

    def attempt(self, *events: Event, after_days: int = 0) -> bool:
        """Like :meth:`apply`, but when the timeline refuses, leave everything as it was and return ``False``.

        >>> import orgmodel as om
        >>> machine = OrgStateMachine()
        >>> machine.attempt(om.Rename("u0", "B"))
        False
        """
        try:
            self.apply(*events, after_days=after_days)
        except EventError:
            return False
        return True

    def _step(
        self, data: st.DataObject, make: str | None = None, kinds: Sequence[str] = (), sizes: range = range(1, 2)
    ) -> _Step:
        """Draw a step (shown in a failing example), apply it, and return it."""
        allowed = [kind for kind in kinds if kind in self.event_types]
        if make is None and not allowed:
            return _Step(self.day, ())
        step: _Step = data.draw(_steps(self, make, allowed, sizes), label="change")
        if step.events:
            self.apply(*step.events, after_days=(step.day - self.day).days)
        return step

    # --- the rules ------------------------------------------------------------------------------

    @rule(target=units, data=st.data())
    def establish_unit(self, data: st.DataObject) -> Any:
        """Establish a unit, at the top or under one."""
        return _made(self._step(data, make="unit"), Unit)

    @rule(target=posts, data=st.data())
    def establish_post(self, data: st.DataObject) -> Any:
        """Establish a post (a unit first, while there is none)."""
        return _made(self._step(data, make="post"), Post)

    @rule(target=people, data=st.data())
    def establish_person(self, data: st.DataObject) -> Any:
        """Establish a person (a unit first, while there is none)."""
        return _made(self._step(data, make="person"), Person)

    @rule(target=functions, data=st.data())
    def establish_function(self, data: st.DataObject) -> Any:
        """Establish a function (a unit first, while there is none)."""
        return _made(self._step(data, make="function"), Function)

    @precondition(lambda self: self.can("merge", "split"))
    @rule(target=units, data=st.data())
    def reorganise(self, data: st.DataObject) -> Any:
        """Merge units into a new one, or split one into new ones."""
        return _made(self._step(data, kinds=("merge", "split")), Unit)

    @precondition(lambda self: self.can("absorb", "move", "dissolve", "rename"))
    @rule(data=st.data())
    def restructure(self, data: st.DataObject) -> None:
        """Absorb units into another, move a unit or post, dissolve or rename something."""
        self._step(data, kinds=("absorb", "move", "dissolve", "rename"))

    @precondition(lambda self: self.can("appoint", "vacate", "head", "report"))
    @rule(data=st.data())
    def staff(self, data: st.DataObject) -> None:
        """Appoint someone to a post or vacate it, make a post head of its unit, or set a reporting line."""
        self._step(data, kinds=("appoint", "vacate", "head", "report"))

    @precondition(lambda self: self.can("relate", "unrelate", "transfer"))
    @rule(data=st.data())
    def relate(self, data: st.DataObject) -> None:
        """Start or end a relation, or transfer a function to a new owner."""
        self._step(data, kinds=("relate", "unrelate", "transfer"))

    @precondition(lambda self: self.can(*_EDITS))
    @rule(data=st.data())
    def change_several(self, data: st.DataObject) -> None:
        """Apply two or three such events as one change: they apply in order, all or nothing."""
        self._step(data, kinds=_EDITS, sizes=range(2, 4))

    @invariant()
    def structure_holds(self) -> None:
        """The chart passes :func:`orgmodel.invariants.check`."""
        invariants.assert_holds(invariants.check(self.chart))


def _seeding(bundle: str) -> Any:
    """An initialize rule that puts the ids of the chart's ``bundle`` (units, posts…) into that bundle."""

    def seed(self: OrgStateMachine) -> Any:
        return multiple(*sorted(getattr(self.chart, bundle)))

    seed.__name__ = seed.__qualname__ = f"{bundle}_at_the_start"
    seed.__doc__ = f"The {bundle} of the base go into the bundle ``{bundle}``."
    targets: dict[str, Bundle[str]] = {
        "units": OrgStateMachine.units,
        "posts": OrgStateMachine.posts,
        "people": OrgStateMachine.people,
        "functions": OrgStateMachine.functions,
    }
    return initialize(target=targets[bundle])(seed)


def _no_draw(strategy: st.SearchStrategy[Any]) -> Any:
    raise AssertionError("only asked what applies: nothing is drawn")


def _made(step: _Step, kind: type[Entity]) -> Any:
    """The ids of the ``kind`` entities ``step`` made, for a bundle."""
    made: list[str] = []
    for event in step.events:
        if isinstance(event, Establish) and isinstance(event.entity, kind):
            made.append(event.entity.id)
        elif isinstance(event, Merge) and kind is Unit:
            made.append(event.into.id)
        elif isinstance(event, Split) and kind is Unit:
            made.extend(unit.id for unit in event.into)
    return multiple(*made)
