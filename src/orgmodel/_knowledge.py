"""What was known when: change ids, corrections and cancellations by later sources, and revisions.

A timeline is a *record*: every change it was ever told, each with the day it
became known (:attr:`Change.known_on <orgmodel.Change.known_on>`).  A change
with ``corrects=ID`` replaces the change with that id from its own known day
on; the replaced one is kept but no longer applies, like a cancelled one.
This module checks that the record is well formed (:class:`Record`) and says
what a later source changed (:class:`Revision`, :class:`Revisions`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import attrs

from orgmodel._events import Change, Status
from orgmodel._text import table
from orgmodel.errors import CorrectionError, DuplicateIdError, EventError


class Record:
    """The ids of a log's changes, and for each corrected change the change that corrects it."""

    __slots__ = ("by_id", "corrected_by")

    def __init__(self) -> None:
        self.by_id: dict[str, Change] = {}
        self.corrected_by: dict[str, Change] = {}

    def copy(self) -> Record:
        record = Record()
        record.by_id, record.corrected_by = dict(self.by_id), dict(self.corrected_by)
        return record

    def applies(self, change: Change) -> bool:
        """Whether a change applies: it is neither cancelled nor replaced by a correction."""
        return change.status is not Status.CANCELLED and (change.id is None or change.id not in self.corrected_by)

    def add(self, changes: Sequence[Change], entries: Sequence[int], errors: list[EventError] | None) -> set[int]:
        """Take in ``changes`` (with their ``entries``); returns the positions (in ``changes``) refused.

        A refused change is reported through ``errors`` (a lenient build) or
        raised.  Ids come first, so that a correction may name a change given
        after it: what it corrects is known by id, not by where it stands.
        """
        refused: set[int] = set()

        def refuse(position: int, error: EventError) -> None:
            if errors is None:
                raise error
            errors.append(error)
            refused.add(position)

        for position, change in enumerate(changes):
            if change.id is None:
                continue
            earlier = self.by_id.get(change.id)
            if earlier is not None:
                refuse(
                    position,
                    DuplicateIdError(
                        f"change id {change.id!r} is already the id of {_label(earlier)}",
                        hint="give each change its own id: a correction names the change it corrects by its id",
                        change=change,
                        entry=entries[position],
                    ),
                )
                continue
            self.by_id[change.id] = change
        for position, change in enumerate(changes):
            if change.corrects is None or position in refused:
                continue
            problem = self._correction_problem(change)
            if problem is not None:
                if change.id is not None and self.by_id.get(change.id) is change:
                    del self.by_id[change.id]
                refuse(position, CorrectionError(problem[0], hint=problem[1], change=change, entry=entries[position]))
                continue
            self.corrected_by[change.corrects] = change
        return refused

    def _correction_problem(self, change: Change) -> tuple[str, str] | None:
        target_id = change.corrects
        assert target_id is not None
        target = self.by_id.get(target_id)
        if target is None:
            return (
                f"it corrects change {target_id!r}, but no change has that id",
                "give the change it corrects `id: " + target_id + "`, or name another",
            )
        if target is change:
            return f"change {target_id!r} corrects itself", "a correction is a change of its own, with its own id"
        other = self.corrected_by.get(target_id)
        if other is not None:
            fix = f"to correct it again, correct {other.id!r}" if other.id else "give the first correction an id"
            return f"change {target_id!r} is already corrected by {_label(other)}", f"{fix} instead"
        known, earlier = change.known_on, target.known_on
        if earlier is not None and (known is None or known < earlier):
            when = "all along" if known is None else f"on {known}"
            return (
                f"it is known {when}, before the change {target_id!r} it corrects (known on {earlier})",
                "give the correction a `known` day (or a source `dated`) on or after the day of what it corrects",
            )
        # A correction of a correction of … this one: a loop would leave no version standing.
        seen = {id(change)}
        step: Change | None = target
        while step is not None and step.corrects is not None:
            if id(step) in seen:
                return f"corrections run in a circle through change {target_id!r}", "break the circle"
            seen.add(id(step))
            step = self.by_id.get(step.corrects)
        return None


def _dated(change: Change) -> str:
    return f"{change.describe()} on {change.on.label()}"


def _label(change: Change) -> str:
    return f"change {change.id!r}" if change.id else f"the change {change.describe()!r} ({change.on})"


class RevisionKind(str, enum.Enum):
    """What a source added to what was known: a change not known before, a correction, a cancellation."""

    NEW = "new"
    CORRECTED = "corrected"
    CANCELLED = "cancelled"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Revision:
    """One thing learned: a ``change`` that became known on ``known`` and, for a correction, the one it replaced.

    >>> import orgmodel as om
    >>> old = om.Change("2015-01-01", [om.Dissolve("it")], id="c1", known="2014-11-24")
    >>> new = om.Change("2015-03-01", [om.Dissolve("it")], corrects="c1", known="2015-02-10")
    >>> Revision(RevisionKind.CORRECTED, new, previous=old).describe()
    "2015-02-10: corrected c1: dissolve 'it' on 2015-01-01 → dissolve 'it' on 2015-03-01"
    """

    kind: RevisionKind
    change: Change
    previous: Change | None = None

    @property
    def known(self) -> dt.date | None:
        """The day it became known (``None``: known all along)."""
        return self.change.known_on

    def describe(self) -> str:
        """One line: when it became known, what kind of revision, and what it says."""
        when = str(self.known) if self.known is not None else "all along"
        now = _dated(self.change)
        if self.previous is None:
            if self.kind is RevisionKind.CANCELLED and self.known is None:
                return f"cancelled: {now}"  # cancelled as far back as the record goes
            return f"{when}: {self.kind}: {now}"
        was = _dated(self.previous)
        name = self.previous.id or "a change"
        if self.kind is RevisionKind.CANCELLED:
            return f"{when}: cancelled {name}: {was}"
        return f"{when}: corrected {name}: {was} → {now}"

    def cited(self) -> str:
        """Its sources as a bracketed suffix: the one that says it, then the one it replaces (``""`` if none).

        >>> import orgmodel as om
        >>> old = om.Change("2015-01-01", [om.Dissolve("it")], id="c1", source=om.Source("KS 2014-11-24"))
        >>> new = om.Change("2015-03-01", [om.Dissolve("it")], corrects="c1", source=om.Source("KS 2015-02-10"))
        >>> Revision(RevisionKind.CORRECTED, new, previous=old).cited()
        ' [KS 2015-02-10; replacing KS 2014-11-24]'
        """
        sources = [change.source.cite() for change in (self.change, self.previous) if change and change.source]
        return f" [{'; replacing '.join(sources)}]" if sources else ""


class Revisions(Sequence[Revision]):
    """What became known over a span of knowledge days, in the order it became known.

    See :meth:`Timeline.learned <orgmodel.Timeline.learned>`; ``str()`` gives a table.
    """

    def __init__(
        self, revisions: Iterable[Revision], since: dt.date | None, until: dt.date, *, title: str | None = None
    ) -> None:
        self.revisions = tuple(revisions)
        self.since, self.until = since, until
        span = f"after {since} " if since is not None else ""
        #: The table's title: the span of knowledge days, unless told otherwise.
        self.title = title if title is not None else f"Learned {span}up to {until}"

    @overload
    def __getitem__(self, index: int) -> Revision: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Revision]: ...

    def __getitem__(self, index: int | slice) -> Revision | Sequence[Revision]:
        return self.revisions[index]

    def __len__(self) -> int:
        return len(self.revisions)

    def __iter__(self) -> Iterator[Revision]:
        return iter(self.revisions)

    def of(self, kind: RevisionKind | str) -> tuple[Revision, ...]:
        """The revisions of one kind (``"new"``, ``"corrected"`` or ``"cancelled"``)."""
        wanted = RevisionKind(kind)
        return tuple(revision for revision in self.revisions if revision.kind is wanted)

    def __str__(self) -> str:
        title = self.title
        if not self.revisions:
            return f"{title}: nothing"
        rows = [
            (
                str(revision.known) if revision.known else "all along",
                str(revision.kind),
                _dated(revision.previous) if revision.previous is not None else "",
                "" if revision.kind is RevisionKind.CANCELLED else _dated(revision.change),
                revision.change.source.cite() if revision.change.source is not None else "",
            )
            for revision in self.revisions
        ]
        return f"{title}\n" + table(("known", "what", "was", "now", "source"), rows)

    def __repr__(self) -> str:
        return f"<Revisions: {len(self.revisions)} up to {self.until}>"


def revision_of(change: Change, record: Record) -> Revision:
    """What ``change`` added to the record when it became known."""
    if change.corrects is None:
        return Revision(RevisionKind.NEW, change)
    previous = record.by_id[change.corrects]
    kind = RevisionKind.CANCELLED if change.status is Status.CANCELLED else RevisionKind.CORRECTED
    return Revision(kind, change, previous)


def known_by(changes: Iterable[Change], day: dt.date) -> list[Change]:
    """The changes known on ``day`` (those known all along included), in the order given."""
    return [change for change in changes if change.known_on is None or change.known_on <= day]
