"""Timeline: the validated, ordered log of changes, and the questions asked across time."""

from __future__ import annotations

import bisect
import datetime as dt
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Literal, TypeVar

import attrs

from orgmodel import _command, _knowledge, _names
from orgmodel._bulk import collector_paused
from orgmodel._chart import OrgChart
from orgmodel._diff import Diff
from orgmodel._edgelist import edges as edge_list
from orgmodel._entities import Category, Entity, Function, Person, Post, Unit
from orgmodel._events import Change, Event, Status
from orgmodel._history import History, build_history, set_aside_making
from orgmodel._lineage import Lineage, build_lineage
from orgmodel._log import AppliedLog, LogView
from orgmodel._plans import Conflict, conflicts
from orgmodel._values import copier, maker, replace
from orgmodel.dates import OPEN_END, OPEN_START, DayLike, parse_day
from orgmodel.errors import (
    AmbiguousNameError,
    EventError,
    InvalidArgumentError,
    MalformedEventError,
    UnknownNameError,
)

if TYPE_CHECKING:
    from orgmodel._explore import Explorer
    from orgmodel._scenario import Scenario
    from orgmodel.io.tables import FactTables

Entry = Event | Change
T = TypeVar("T", Unit, Post, Person, Function)


class Timeline:
    """An organisation's history: an immutable, validated log of dated changes.

    Build it from events and :class:`Change` groups in any order; it applies
    them earliest day first, and events of the same day in the order given.
    Every event is checked against the state it applies to, and a rejected one
    raises an :class:`~orgmodel.errors.EventError` naming the event, its date
    and its source; nothing is half-applied.  ``with_events`` returns a new
    timeline with more events.

    Days are ``datetime.date`` or ISO text everywhere.  ``categories`` says
    what each kind of unit of your own is (``{"division": "administrative",
    "board": "company"}``; see :class:`~orgmodel.Category`): it decides how
    units are grouped in drawings.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office"), on="2013-01-01"),
    ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten", parent="slk"), on="2014-05-01"),
    ...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
    ...     ]
    ... )
    >>> org.at("2015-01-01").find("förnyelseenheten").name
    'Förnyelseenheten'
    >>> org.at("2014-12-31").find("förnyelseenheten").name
    Traceback (most recent call last):
      ...
    orgmodel.errors.UnknownNameError: no entity named 'förnyelseenheten' on 2014-12-31
    """

    __slots__ = ("__dict__", "_log")

    def __init__(
        self, entries: Iterable[Event | Change] = (), *, categories: Mapping[str, Category | str] | None = None
    ) -> None:
        self._log = _build(entries, errors=None, categories=_categories(categories))

    @classmethod
    def lenient(
        cls, entries: Iterable[Event | Change], *, categories: Mapping[str, Category | str] | None = None
    ) -> tuple[Timeline, tuple[EventError, ...]]:
        """The timeline of every change that applies, and the errors of those that do not.

        Each rejected change is left out whole and the next one is applied to
        the state as it was before it, so one run reports every independent
        error.  (An error can hide a later one that depends on the rejected
        change: that one is reported as referring to something unknown.)

        >>> import orgmodel as om
        >>> org, errors = om.Timeline.lenient(
        ...     [
        ...         om.Establish(om.Unit("a", "A"), on="2015-01-01"),
        ...         om.Rename("b", "B", on="2015-02-01"),
        ...         om.Rename("a", "A2", on="2015-03-01"),
        ...     ]
        ... )
        >>> len(org), [type(error).__name__ for error in errors]
        (2, ['UnknownEntityError'])
        """
        timeline = cls.__new__(cls)
        collected: list[EventError] = []
        timeline._log = _build(entries, errors=collected, categories=_categories(categories))
        return timeline, tuple(collected)

    # --- the log ------------------------------------------------------------------------------

    @property
    def changes(self) -> tuple[Change, ...]:
        """The changes in the order they apply, each with its events resolved."""
        # A tuple as it is; a log reopened from a cache reads its changes on first use (see _cachedlog).
        return tuple(self._log.changes)

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event in the order it applies, each carrying its date, status and source."""
        return tuple(self._log.events)

    @collector_paused()
    def with_events(self, *entries: Event | Change | Iterable[Event | Change]) -> Timeline:
        """A new timeline with more events or changes (given one by one or as a list).

        The new events apply after every event already in the log that shares
        their earliest day.  Only they, and the log's changes that come after
        them, are applied: the changes before stay as they were checked, and
        the log's tables are copied (a pointer per write).  So a plan, or the
        next step of a state machine, costs about as much as the organisation
        on the last day, not as the whole history.

        Of the log's later changes, those that read nothing the new ones can
        have changed (the entities they name, the parents a cycle check
        climbs, the contents of what they empty, the names of siblings, the
        holders of posts…) are carried over as they were, unchecked; the
        others are checked again, against the organisation with the new
        changes in (see ``orgmodel._affected``).  The result, or the error,
        is the one a build from all the changes gives.  When fewer than 5 %
        of the log's writes come before the new events, when a new change
        corrects another, or when the timeline was made by :meth:`lenient`
        and left changes out, it is built again.

        >>> import orgmodel as om
        >>> org = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01")])
        >>> later = org.with_events(om.Rename("slk", "Kontoret", on="2015-01-01"))
        >>> later.at("2015-01-01").units["slk"].name, len(org), len(later)
        ('Kontoret', 1, 2)
        """
        flat: list[Entry] = []
        for entry in entries:
            if isinstance(entry, (Event, Change)):
                flat.append(entry)
            else:
                flat.extend(entry)
        if not flat:
            return self
        base = self._log
        count = len(base.changes)
        timeline = Timeline.__new__(Timeline)
        # Numbered as in the list a rebuild would take: the log's changes, then these.
        added = {count + offset: _normalise(entry, count + offset) for offset, entry in enumerate(flat)}
        # A rebuild sorts stably by earliest day, so the log's changes up to the first new one's earliest
        # day stay first, as they are: only those after it are applied again, merged with the new ones.
        prefix = bisect.bisect_right(base.starts, min(change.on.earliest for change in added.values()))
        # A correction can stop a change before the prefix from applying: that takes a build from the start.
        corrects = any(change.corrects is not None for change in added.values())
        if corrects or not base.worth_replaying(prefix):
            timeline._log = _build([*base.changes, *added.values()], errors=None, categories=base.categories)
            return timeline
        # The log's later changes are in order already: each new one goes after those of its earliest day or before
        # (put in from the last, so that new ones of one day keep their order).
        later, changes = list(range(prefix, count)), list(base.changes[prefix:count])
        for index in sorted(added, key=lambda index: (added[index].on.earliest, index), reverse=True):
            at = bisect.bisect_right(base.starts, added[index].on.earliest, prefix) - prefix
            later.insert(at, index)
            changes.insert(at, added[index])
        timeline._log = AppliedLog.replayed(base, prefix, changes, later)
        return timeline

    def scenario(self, name: str, plan: Iterable[Event | Change]) -> Scenario:
        """A named alternative: this timeline with ``plan`` added, validated against it.

        The plan must apply; the timeline's own changes that no longer do once
        it is in (a rename of a unit the plan dissolves, say) are left out and
        listed in ``left_out``.  Compare two scenarios on a day with
        :meth:`Scenario.compare <orgmodel.Scenario.compare>`.

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("eko", "Ekonomienheten"), on="2014-01-01"),
        ...         om.Rename("eko", "Ekonomi", on="2016-06-01"),
        ...     ]
        ... )
        >>> cut = org.scenario("cut", [om.Dissolve("eko", on="2016-01-01")])
        >>> [error.problem for error in cut.left_out]
        ["unit 'Ekonomienheten' (eko) no longer exists on 2016-06-01: it ended 2016-01-01"]
        """
        from orgmodel._scenario import Scenario

        return Scenario.branch(self, name, plan)

    def only(self, *statuses: Status | str) -> Timeline:
        """The timeline of only the changes with one of these statuses: ``only("decided", "implemented")``.

        What rests on a change left out cannot stand without it: such a change
        is refused with an error that names it (a decided appointment to a
        post only planned, say).

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("tek", "Tekniska enheten"), on="2013-01-01"),
        ...         om.Establish(om.Unit("va", "VA-bolag", kind="company"), on="senast 2016", status="planned"),
        ...     ]
        ... )
        >>> sorted(org.at("2016-12-31").units), sorted(org.only("decided", "implemented").at("2016-12-31").units)
        (['tek', 'va'], ['tek'])
        """
        if not statuses:
            raise InvalidArgumentError("only() needs at least one status: planned, decided, implemented or cancelled")
        try:
            wanted = {Status(status) for status in statuses}
        except ValueError:
            raise InvalidArgumentError(
                f"only() takes statuses (planned, decided, implemented, cancelled), got {statuses!r}"
            ) from None
        return Timeline([change for change in self._log.changes if change.status in wanted], categories=self.categories)

    # --- what was known when ------------------------------------------------------------------

    @property
    def applied_changes(self) -> tuple[Change, ...]:
        """The changes that apply: :attr:`changes` less the cancelled ones and those a correction replaced."""
        applies = self._log.record.applies
        return tuple(change for change in self._log.changes if applies(change))

    def known_days(self) -> tuple[dt.date, ...]:
        """The days on which something became known (each change's :attr:`~orgmodel.Change.known_on`), in order."""
        return tuple(sorted({change.known_on for change in self._log.changes if change.known_on is not None}))

    def as_known_on(self, day: DayLike) -> Timeline:
        """The timeline as it was known on ``day``: only the changes known by then, corrected as known by then.

        A change counts as known from its ``known`` day, else its source's
        ``dated`` day; one with neither counts as known all along.  The result
        is validated like any timeline: a record that was inconsistent on some
        day raises the error, saying which day.

        >>> import orgmodel as om
        >>> report = om.Source("Statusrapport", dated="2014-11-24")
        >>> minutes = om.Source("KS protokoll", dated="2015-02-10")
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("it", "IT-enheten"), on="2013-01-01"),
        ...         om.Change("2015-01-01", [om.Dissolve("it")], id="it-ends", source=report),
        ...         om.Change("2015-06-01", [om.Dissolve("it")], corrects="it-ends", source=minutes),
        ...     ]
        ... )
        >>> "it" in org.as_known_on("2014-12-01").at("2015-03-01"), "it" in org.at("2015-03-01")
        (False, True)
        """
        when = parse_day(day)
        known = _knowledge.known_by(self._log.changes, when)
        try:
            return Timeline(known, categories=self.categories)
        except EventError as error:
            raise type(error)(
                f"{error.problem} (in the timeline as known on {when})",
                hint=error.hint,
                event=error.event,
                change=error.change,
                entry=error.entry,
                missing=error.missing,
            ) from None

    def learned(self, since: DayLike | None, until: DayLike) -> _knowledge.Revisions:
        """What became known after ``since`` and on or before ``until``: new changes, corrections, cancellations.

        ``since=None`` starts from the beginning (what was known all along included).

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("it", "IT-enheten"), on="2013-01-01"),
        ...         om.Change("2015-01-01", [om.Dissolve("it")], id="it-ends", known="2014-11-24"),
        ...         om.Change("2015-06-01", [om.Dissolve("it")], corrects="it-ends", known="2015-02-10"),
        ...     ]
        ... )
        >>> [revision.describe() for revision in org.learned("2014-12-31", "2015-12-31")]
        ["2015-02-10: corrected it-ends: dissolve 'it' on 2015-01-01 → dissolve 'it' on 2015-06-01"]
        """
        start = parse_day(since) if since is not None else None
        end = parse_day(until)

        def learned_then(change: Change) -> bool:
            known = change.known_on
            if known is None:
                return start is None
            return (start is None or known > start) and known <= end

        found = [change for change in self._log.changes if learned_then(change)]
        found.sort(key=lambda change: change.known_on or dt.date.min)
        record = self._log.record
        return _knowledge.Revisions((_knowledge.revision_of(change, record) for change in found), start, end)

    def revisions(self) -> _knowledge.Revisions:
        """Every correction and cancellation in the record, in the order they became known (``str()``: a table).

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("it", "IT-enheten"), on="2013-01-01"),
        ...         om.Change("2015-01-01", [om.Dissolve("it")], id="it-ends", known="2014-11-24"),
        ...         om.Change("2015-06-01", [om.Dissolve("it")], corrects="it-ends", known="2015-02-10"),
        ...     ]
        ... )
        >>> [str(revision.kind) for revision in org.revisions()]
        ['corrected']
        """
        found = [
            revision for revision in self.learned(None, dt.date.max) if revision.kind is not _knowledge.RevisionKind.NEW
        ]
        return _knowledge.Revisions(found, None, dt.date.max, title="Corrections and cancellations")

    def check_knowledge(self) -> tuple[EventError, ...]:
        """The errors of the timeline as known on each of its :meth:`known_days` (empty when each state holds).

        The timeline itself is what is known today; each earlier state of
        knowledge must hold together too (a change known early that rests on
        one known only later does not).
        """
        found: list[EventError] = []
        for day in self.known_days():
            _, errors = Timeline.lenient(_knowledge.known_by(self._log.changes, day), categories=self.categories)
            for error in errors:
                error.problem = f"{error.problem} (in the timeline as known on {day})"
                error.args = (error._compose(),)
                found.append(error)
        return tuple(found)

    def changes_between(self, start: DayLike | None = None, end: DayLike | None = None) -> tuple[Change, ...]:
        """The changes that take effect after ``start`` and on or before ``end`` (by earliest day).

        Either bound may be left out; ``start`` is excluded so that
        ``changes_between(a, b)`` are the changes behind ``diff(a, b)``.
        """
        first = self._log.prefix(parse_day(start)) if start is not None else 0
        last = self._log.prefix(parse_day(end)) if end is not None else len(self._log.changes)
        return self._log.changes[first:last]

    @property
    def categories(self) -> Mapping[str, Category]:
        """The categories declared for kinds of unit (another kind has its built-in :class:`Category`)."""
        return self._log.categories

    @cached_property
    def ids(self) -> frozenset[str]:
        """Every id the timeline ever gave an entity (ids are never reused)."""
        return frozenset(self._log.entity_keys())

    @property
    def first_day(self) -> dt.date | None:
        """The first day the log names: the earliest known bound of any change (``None`` if empty).

        Open bounds (``senast 2016`` has no earliest day) are skipped: they name no day.
        """
        # From the log's tables of days (a reopened log reads its changes only when asked for them): every
        # change's earliest day, in order, and the latest day of those dated by a window.
        log = self._log
        starts = log.starts
        known = starts[bisect.bisect_right(starts, OPEN_START)] if starts and starts[-1] != OPEN_START else None
        floors = [
            end for index, end in zip(log.windowed, log.window_ends(), strict=True) if starts[index] == OPEN_START
        ]
        return min(filter(None, (known, *floors)), default=None)

    @property
    def last_day(self) -> dt.date | None:
        """The last day the log names: the latest known bound of any change (``None`` if empty).

        Open bounds (``efter 5 mars 2014`` has no latest day) are skipped: they name no day.
        """
        log = self._log
        ends = [end for end in log.window_ends() if end != OPEN_END]
        return max((*log.starts[-1:], *ends), default=None)

    def __len__(self) -> int:
        return len(self._log.changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self._log.changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timeline):
            return NotImplemented
        return self._log.changes == other._log.changes and self._log.categories == other._log.categories

    def __hash__(self) -> int:
        return hash(self._log.changes)

    def __repr__(self) -> str:
        if not self._log.changes:
            return "<Timeline: empty>"
        return (
            f"<Timeline: {len(self._log.changes)} changes, {len(self._log.events)} events, "
            f"{self.first_day} to {self.last_day}>"
        )

    # --- questions ----------------------------------------------------------------------------

    def at(self, day: DayLike, *, certain: bool = False, people: Literal["tied", "all"] = "tied") -> OrgChart:
        """The organisation on ``day``: what is possibly true then, each fact that is not certain marked.

        Every change whose earliest day is on or before ``day`` is applied; on a
        day inside a change's date window, what may be otherwise is marked (see
        :meth:`OrgChart.uncertainty`): an entity that may have ended is still
        shown, as it last was, and one that may have moved or been renamed
        shows where it may still be.  With ``certain=True`` the chart holds
        only what is certain that day.  It lists the people who hold a post or
        take part in a relation that day (``people="all"``: also those with no
        tie then — a minister between two terms).

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("se", "Sociala ekonomienheten"), on="2013-01-01"),
        ...         om.Dissolve("se", on="vid årsskiftet 2014/2015"),
        ...     ]
        ... )
        >>> "se" in org.at("2014-12-15"), "se" in org.at("2014-12-15", certain=True), "se" in org.at("2015-02-01")
        (True, False, False)
        """
        if people not in ("tied", "all"):
            raise InvalidArgumentError(f"people must be 'tied' or 'all', got {people!r}")
        return self._log.chart(parse_day(day), tied_only=people == "tied", certain=certain)

    def facts(self) -> FactTables:
        """Every fact of the timeline as effective-dated tables (see :mod:`orgmodel.io.tables`).

        >>> import orgmodel as om
        >>> org = om.Timeline([om.Establish(om.Unit("u", "A"), on="2014-01-01"), om.Rename("u", "B", on="2015-01-01")])
        >>> [(row["name"], str(row["valid_from"])) for row in org.facts().rows("units")]
        [('A', '2014-01-01'), ('B', '2015-01-01')]
        """
        from orgmodel.io import tables

        return tables.facts(self)

    def diff(self, start: DayLike, end: DayLike) -> Diff:
        """What changed between the organisation on ``start`` and on ``end``, classified."""
        return Diff(self._log, parse_day(start), parse_day(end))

    def history(self, item: Entity | str, *, on: DayLike | None = None) -> History:
        """Every dated fact about an entity (given as an entity, an id, or a name it ever had).

        A name several entities have had is ambiguous; pass ``on`` to mean the
        one it named that day, or pass the id.
        """
        return build_history(self._log, self.resolve(item, on=on))

    def lineage(self, item: Entity | str, *, on: DayLike | None = None) -> Lineage:
        """Where an entity came from and what became of it (see :class:`Lineage`)."""
        return build_lineage(self._log, self.resolve(item, on=on))

    # --- point queries: one fact on one day, without building the whole chart -----------------

    def entity(self, item: Entity | str, *, on: DayLike) -> Entity:
        """The entity (by entity, id, or its name that day) as it stood on ``on``.

        >>> import orgmodel as om
        >>> org = om.Timeline([om.Establish(om.Unit("u", "A"), on="2014-01-01"), om.Rename("u", "B", on="2015-01-01")])
        >>> org.entity("u", on="2014-06-01").name, org.entity("b", on="2015-06-01").id
        ('A', 'u')
        """
        view = self._log.view(parse_day(on))
        return self._entity_in(view, item)

    def parent(self, unit: Unit | str, *, on: DayLike) -> Unit | None:
        """The unit a unit sat under on ``on`` (``None`` at the top)."""
        view = self._log.view(parse_day(on))
        found = self._typed(view, unit, Unit)
        if (chart := self._chart_if_ghost(view, found)) is not None:
            return chart.parent(found.id)
        return self._typed(view, found.parent, Unit) if found.parent is not None else None

    def head(self, unit: Unit | str, *, on: DayLike) -> Post | None:
        """The post heading a unit on ``on``, or ``None``."""
        view = self._log.view(parse_day(on))
        found = self._typed(view, unit, Unit)
        if (chart := self._chart_if_ghost(view, found)) is not None:
            return chart.head(found.id)
        head = view.head_id(found.id)
        return self._typed(view, head, Post) if head is not None else None

    def holder(self, post: Post | str, *, on: DayLike) -> Person | None:
        """The person holding a post with one seat on ``on``, or ``None`` when it was vacant (see :meth:`holders`)."""
        view = self._log.view(parse_day(on))
        found = self._typed(view, post, Post)
        if (chart := self._chart_if_ghost(view, found)) is not None:
            return chart.holder(found.id)
        holder = found.holder
        return self._typed(view, holder, Person) if holder is not None else None

    def holders(self, post: Post | str, *, on: DayLike) -> tuple[Person, ...]:
        """Everyone in a post on ``on``, in the order they were appointed (see :meth:`OrgChart.holders`)."""
        view = self._log.view(parse_day(on))
        found = self._typed(view, post, Post)
        if (chart := self._chart_if_ghost(view, found)) is not None:
            return chart.holders(found.id)
        return tuple(self._typed(view, holding.person, Person) for holding in found.holders)

    def owner_of(self, function: Function | str, *, on: DayLike) -> Unit | Post | None:
        """The unit or post that owned a function on ``on``, or ``None``.

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("mex", "Mark- och exploateringsenheten"), on="2013-01-01"),
        ...         om.Establish(om.Unit("fu", "Enheten för fastighetsutveckling"), on="2013-01-01"),
        ...         om.Establish(om.Function("mark", "Markfrågor", owner="mex"), on="2013-01-01"),
        ...         om.Transfer("mark", "fu", on="2015-01-01"),
        ...     ]
        ... )
        >>> org.owner_of("markfrågor", on="2014-12-31").id, org.owner_of("markfrågor", on="2015-01-01").id
        ('mex', 'fu')
        """
        view = self._log.view(parse_day(on))
        found = self._typed(view, function, Function)
        if (chart := self._chart_if_ghost(view, found)) is not None:
            return chart.owner_of(found.id)
        owner = found.owner
        if owner is None:
            return None
        owning = view.get(owner)
        assert isinstance(owning, (Unit, Post))
        return owning

    def chain_of_command(self, item: Entity | str, *, on: DayLike) -> tuple[Post, ...]:
        """The chain of command of an entity on ``on``; the same rule as :meth:`OrgChart.chain_of_command`."""
        view = self._log.view(parse_day(on))
        found = self._entity_in(view, item)
        if (chart := self._chart_if_ghost(view, found)) is not None:
            return chart.chain_of_command(found.id)
        return _command.chain_of_command(view, found)

    def edges(self, on: DayLike, *, kinds: Iterable[str] = ("contains", "reports_to")) -> list[tuple[str, str, str]]:
        """The edges of the chart on ``on`` of the given kinds, as ``(source, target, kind)``.

        Kinds are the edge keys of :attr:`OrgChart.graph`: ``contains``, ``has_post``,
        ``heads``, ``reports_to``, ``holds``, ``owns`` and the relation kinds.
        """
        return edge_list(self._log, parse_day(on), frozenset(kinds))

    def explore(self, *, day: DayLike | None = None, title: str = "") -> Explorer:
        """An explorer page: a time slider over the history, in one HTML file that works offline.

        ``.save("org.html")`` writes it; in a notebook it shows itself.  ``day``
        is the day it opens on; see :class:`orgmodel.explorer.Explorer` and ``docs/explorer.md``.

        >>> import orgmodel as om
        >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
        >>> org.explore().data["days"]
        ['2015-01-01']
        """
        from orgmodel._explore import Explorer

        return Explorer(self, title=title, day=None if day is None else parse_day(day))

    def _entity_in(self, view: LogView, item: Entity | str) -> Entity:
        if isinstance(item, (Unit, Post, Person, Function)):
            item = item.id
        if not isinstance(item, str):
            raise InvalidArgumentError(f"an entity must be given as an entity, an id or a name, got {item!r}")
        found = view.get(item)
        if found is not None:
            return found
        # Current names first, then declared aliases, then former names, as OrgChart.find looks.
        for ids in self._log.name_index.at(item, view.prefix):
            if len(ids) == 1:
                value = view.get(ids[0])
                assert value is not None
                return value
            if ids:
                break
        # Ambiguous or unknown: the chart of the day words the error (with candidates or close matches).
        return self.at(view.day, people="all").find(item)

    def _chart_if_ghost(self, view: LogView, entity: Entity) -> OrgChart | None:
        """The chart of the view's day when ``entity`` is on it only as possibly not ended yet.

        The point queries read the log's applied values, which a ghost is not among, so
        for one the chart of the day answers (rare: only inside a window still open).
        """
        if view.get(entity.id) is not None:
            return None
        return self.at(view.day, people="all")

    def _typed(self, view: LogView, item: Entity | str, kind: type[T]) -> T:
        found = self._entity_in(view, item)
        if not isinstance(found, kind):
            raise InvalidArgumentError(
                f"{found.entity_type.value} {found.name!r} ({found.id}) is not a {kind.entity_type.value}"
            )
        return found

    def resolve(self, item: Entity | str, *, on: DayLike | None = None) -> str:
        """The id of an entity given as an entity, an id, or a name (any time, or on ``on``)."""
        if isinstance(item, (Unit, Post, Person, Function)):
            item = item.id
        if not isinstance(item, str):
            raise InvalidArgumentError(f"an entity must be given as an entity, an id or a name, got {item!r}")
        if on is not None:
            return self._entity_in(self._log.view(parse_day(on)), item).id
        if item in self._log.versions:
            return item
        found = self._log.name_index.ever(item)
        if len(found) == 1:
            return found[0]
        if found:
            listing = "; ".join(self._describe_span(entity_id) for entity_id in found)
            raise AmbiguousNameError(
                f"{len(found)} entities have been named {item!r}: {listing} — pass on=DAY or the id",
                name=item,
                candidates=found,
            )
        if aside := set_aside_making(self._log, item):
            listing = "; ".join(revision.describe() for revision in aside)
            raise UnknownNameError(
                f"no entity has ever been named {item!r}: only changes that were set aside and never applied "
                f"establish it ({listing}) — see timeline.revisions(), or as_known_on(DAY) a day before they were",
                name=item,
                suggestions=[],
            )
        close = _names.close_matches(item, self._names_by_text)
        hint = " — did you mean " + " or ".join(repr(name) for name in close) + "?" if close else ""
        raise UnknownNameError(f"no entity has ever been named {item!r}{hint}", name=item, suggestions=close)

    @cached_property
    def _names_by_text(self) -> list[str]:
        found: dict[str, None] = {}
        for key in self._log.entity_keys():
            for value in self._log.versions[key].values:
                if value is not None and isinstance(value, (Unit, Post, Person, Function)):
                    found.setdefault(value.name, None)
        return list(found)

    def _describe_span(self, entity_id: str) -> str:
        entity = self._log.last_value(entity_id)
        assert entity is not None
        versions = self._log.versions[entity_id]
        start = self._log.changes[versions.changes[0]].on
        end = self._log.changes[versions.changes[-1]].on if versions.values[-1] is None else None
        span = f"{start} – {end}" if end is not None else f"from {start}"
        return f"{entity.entity_type.value} {entity.name!r} ({entity_id}, {span})"

    def conflicts(self, day: DayLike) -> tuple[Conflict, ...]:
        """The pairs of changes taking effect on ``day`` (by earliest day) whose order matters.

        Same-day changes apply in log order.  Each pair is tried both ways on
        the organisation as it stands just before the first of the two; it
        commutes when both orders apply and give the same chart, or both fail.
        Each :class:`~orgmodel.Conflict` says whether the later change
        ``"depends"`` on the earlier (it fails before it), the earlier
        ``"blocks"`` the later (it fails after it), or both orders apply but
        give different charts (``"differs"``).
        Events inside one change are ordered on purpose and are not compared.
        To ask whether *any* order of the day's changes matters, see
        :func:`orgmodel.invariants.changes_commute`.

        >>> import orgmodel as om
        >>> org = om.Timeline(
        ...     [
        ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
        ...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
        ...         om.Rename("sue", "Strategienheten", on="2015-01-01"),
        ...     ]
        ... )
        >>> [conflict.kind for conflict in org.conflicts("2015-01-01")]
        ['differs']
        >>> org.conflicts("2014-05-01")
        ()
        """
        return conflicts(self, day)


def _categories(value: object) -> Mapping[str, Category]:
    """Checked categories of unit kinds, as a read-only mapping."""
    if value is None:
        return _NO_CATEGORIES
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(f"categories must map kinds of unit to categories, got {value!r}")
    found = {}
    for kind, category in value.items():
        if not isinstance(kind, str) or not kind.strip():
            raise InvalidArgumentError(f"categories must map kinds of unit (names) to categories, got {kind!r}")
        try:
            found[str(kind)] = Category(category)
        except ValueError:
            choices = ", ".join(repr(member.value) for member in Category)
            raise InvalidArgumentError(
                f"the category of kind {str(kind)!r} must be one of {choices}, got {category!r}"
            ) from None
    return types.MappingProxyType(dict(sorted(found.items())))


_NO_CATEGORIES: Mapping[str, Category] = types.MappingProxyType({})


@collector_paused()
def _build(
    entries: Iterable[Entry], *, errors: list[EventError] | None, categories: Mapping[str, Category]
) -> AppliedLog:
    if isinstance(entries, (Event, Change)):
        raise InvalidArgumentError(
            f"a timeline takes a list of events and changes, got a single {type(entries).__name__}; wrap it in a list"
        )
    changes: dict[int, Change] = {}
    for index, entry in enumerate(entries):
        try:
            changes[index] = _normalise(entry, index)
        except EventError as error:
            if errors is None:
                raise
            errors.append(error)
    # A stable sort: same-day changes keep the order they were given in.
    order = sorted(changes, key=lambda index: changes[index].on.earliest)
    return AppliedLog([changes[index] for index in order], order, errors=errors, categories=categories)


_make_change = maker(Change)
# Each event class's copier, looked up once per class here rather than through copier()'s cache per event.
_EVENT_COPIERS: dict[type[Event], Callable[..., Event]] = {}
_copy_change = copier(Change)
_CHANGE_FIELDS = ("on", "events", "status", "source", "note", "origin", "id", "known", "corrects")
assert tuple(field.name for field in attrs.fields(Change)) == _CHANGE_FIELDS, "Change's fields moved: see _normalise"


def _normalise(entry: Entry, index: int) -> Change:
    """A log entry as a change whose events all carry their date, status and source.

    Values were checked when they were made, so the copies here skip validation;
    an entry that is already in this form (as from ``with_events``) is kept as it is.
    """
    if isinstance(entry, Change):
        change = entry
    elif isinstance(entry, Event):
        if type(entry) is Event:
            raise InvalidArgumentError(f"log entry {index} is the abstract Event; use Establish, Rename, …")
        if entry.on is None:
            raise MalformedEventError(
                "an event on its own needs a date",
                hint="give it on=..., or put it in a Change that has one",
                event=entry,
                entry=index,
            )
        status = entry.status or Status.DECIDED
        resolved = entry if entry.status is status else replace(entry, status=status)
        # A log of bare events (a register's first establishments…) makes one change per event: made
        # positionally, in the order of Change's fields, which _CHANGE_FIELDS pins.
        made: Change = _make_change(entry.on, (resolved,), status, entry.source, "", entry.origin, None, None, None)
        return made
    else:
        raise InvalidArgumentError(f"a timeline holds events and changes, got {entry!r} at log entry {index}")
    events = []
    copied = False
    for event in change.events:
        if event.on is not None and (event.on.earliest, event.on.latest) != (change.on.earliest, change.on.latest):
            raise MalformedEventError(
                f"its date ({event.on}) is not its change's ({change.on})",
                hint="leave out the event's date: events of a change share its date",
                event=event,
                change=change,
                entry=index,
            )
        if event.status is not None and event.status is not change.status:
            raise MalformedEventError(
                f"its status ({event.status.value}) is not its change's ({change.status.value})",
                hint="leave out the event's status, or put it in a change of its own",
                event=event,
                change=change,
                entry=index,
            )
        if event.on is not None and event.status is not None and (event.source is not None or change.source is None):
            events.append(event)
            continue
        copied = True
        copy = _EVENT_COPIERS.get(type(event))
        if copy is None:
            copy = _EVENT_COPIERS[type(event)] = copier(type(event))
        events.append(
            copy(  # as replace(), without its wrapping: this runs for most events of a log
                event,
                on=event.on if event.on is not None else change.on,
                status=change.status,
                source=event.source if event.source is not None else change.source,
            )
        )
    return _copy_change(change, events=tuple(events)) if copied else change
