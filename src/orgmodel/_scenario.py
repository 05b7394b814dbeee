"""Scenarios: named alternative plans, each a branch of one timeline, compared like two days.

A :class:`Scenario` is its base timeline with a plan of its own added: a
timeline in every respect (ask it for a day, a diff, a history), which also
knows its name, its base and its plan.  Its plan must apply to the base — a
plan that does not is refused with the error that says why — but the
base's own changes after the plan's first day may no longer apply once the
plan has changed the organisation: those are left out and listed in
:attr:`Scenario.left_out`, so that you see where a plan runs into what is
already decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from orgmodel._compare import Comparison, compare
from orgmodel._events import Change, Event
from orgmodel._timeline import Timeline
from orgmodel.dates import DayLike, parse_day
from orgmodel.errors import EventError, InvalidArgumentError

if TYPE_CHECKING:
    from orgmodel._chart import OrgChart


class Scenario(Timeline):
    """A named branch of a timeline: the base's changes and a plan (see :meth:`Timeline.scenario`).

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("eko", "Ekonomienheten"), on="2014-01-01")])
    >>> a = org.scenario("A", [om.Rename("eko", "Ekonomi och upphandling", on="2016-01-01")])
    >>> b = org.scenario("B", [om.Dissolve("eko", on="2016-01-01")])
    >>> [entry.describe() for entry in a.compare(b, on="2016-06-01")]
    ["unit 'Ekonomi och upphandling' (eko): only in A"]
    """

    #: The scenario's name, which titles comparisons and drawings.
    name: str
    #: The timeline it branches from.
    base: Timeline
    #: Its own changes, as applied.
    plan: tuple[Change, ...]
    #: The base's changes that no longer apply once the plan is in, each with the error that says why.
    left_out: tuple[EventError, ...]

    @classmethod
    def branch(cls, base: Timeline, name: str, plan: Iterable[Event | Change]) -> Scenario:
        """The scenario ``name`` of ``base`` with ``plan`` (what :meth:`Timeline.scenario` does)."""
        if not isinstance(cast(object, name), str) or not name.strip():  # a caller without type checks
            raise InvalidArgumentError(f"a scenario needs a name, got {name!r}")
        entries = list(plan)
        if not entries:
            raise InvalidArgumentError(f"scenario {name!r} needs a plan: a list of events or changes, got none")
        scenario = cls.__new__(cls)
        scenario.name, scenario.base = name, base
        combined, errors = Timeline.lenient([*base.changes, *entries], categories=base.categories)
        count = len(base.changes)
        for error in errors:
            if error.entry is not None and error.entry >= count:
                raise error  # the plan itself does not apply to its base: that is the plan's error
        scenario._log = combined._log
        scenario.plan = tuple(
            combined.changes[index] for index, entry in enumerate(combined._log.entries) if entry >= count
        )
        scenario.left_out = tuple(errors)
        return scenario

    def compare(self, other: Timeline, *, on: DayLike) -> Comparison:
        """What differs between this scenario and another (or the base, or any timeline) on a day."""
        day = parse_day(on)
        other_name = other.name if isinstance(other, Scenario) else "the base" if other is self.base else "the other"
        return compare(self.at(day), other.at(day), labels=(self.name, other_name))

    def on(self, day: DayLike) -> OrgChart:
        """The scenario's organisation on a day (the same as :meth:`~orgmodel.Timeline.at`)."""
        return self.at(day)

    def __repr__(self) -> str:
        left_out = f", {len(self.left_out)} of the base's changes left out" if self.left_out else ""
        return f"<Scenario {self.name!r}: {len(self.plan)} planned changes{left_out}>"
