"""Every error orgmodel raises for bad input, rooted in :class:`OrgModelError`.

The tree::

    OrgModelError
    ├── InvalidArgumentError (ValueError)    a call the library cannot make sense of
    ├── DateError (ValueError)               text that is not a day or a known date phrase
    ├── NameLookupError (LookupError)        a name or id that does not pick one entity
    │   ├── UnknownNameError (KeyError)      nothing by that name on that day
    │   └── AmbiguousNameError               several entities answer to that name
    ├── RenderError (RuntimeError)           a drawing with no Graphviz to render it, or Graphviz failed
    │   └── DrawingTooLargeError             more boxes than a drawing is made with (force=True draws it)
    ├── MissingDependencyError (ImportError) an optional outlet whose library is not installed
    ├── EventError (ValueError)              an event the timeline cannot apply
    │   ├── MalformedEventError              wrong on its own: no date, a merge of one unit
    │   ├── UnknownEntityError               refers to something that does not exist then
    │   ├── DuplicateIdError                 reuses an id that is or was taken
    │   ├── NotEmptyError                    dissolves something that still has contents
    │   ├── CycleError                       a parent or reporting line that loops
    │   ├── PostOccupiedError                a second holder for a post
    │   ├── NameClashError                   a name two active siblings would share
    │   ├── ConflictError                    clashes with the state in another way
    │   └── CorrectionError                  corrects no change, one corrected already, or one known later
    └── FormatError (ValueError)             a file that does not follow the format

Each error says what was wrong and where (the event, its date, its source and,
for events read from a file, ``file:line:column``) and, where it can, how to
fix it.  Builtin bases are there so that ``except ValueError`` and ``except
LookupError`` keep working in code that does not know orgmodel.

>>> import orgmodel as om
>>> try:
...     om.dates.parse_day("the ides of March")
... except om.OrgModelError as error:
...     print(type(error).__name__)
DateError
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from orgmodel._events import Change, Event

__all__ = [
    "AmbiguousNameError",
    "CacheError",
    "ConflictError",
    "CorrectionError",
    "CycleError",
    "DateError",
    "DrawingTooLargeError",
    "DuplicateIdError",
    "EventError",
    "FormatError",
    "InvalidArgumentError",
    "Location",
    "MalformedEventError",
    "MissingDependencyError",
    "NameClashError",
    "NameLookupError",
    "NotEmptyError",
    "OrgModelError",
    "PostOccupiedError",
    "RenderError",
    "UnknownEntityError",
    "UnknownNameError",
]


@attrs.frozen
class Location:
    """A place in a file: where an event or a value was read from.

    >>> str(Location("nacka.yaml", 212, 7))
    'nacka.yaml:212:7'
    """

    file: str
    line: int
    column: int = 0

    def __str__(self) -> str:
        if self.column:
            return f"{self.file}:{self.line}:{self.column}"
        return f"{self.file}:{self.line}"


class OrgModelError(Exception):
    """The root of every error orgmodel raises for bad input.

    >>> issubclass(UnknownNameError, OrgModelError)
    True
    """


class InvalidArgumentError(OrgModelError, ValueError):
    """An argument the library cannot make sense of (a wrong type or value).

    >>> import orgmodel as om
    >>> om.Unit("", "nameless")
    Traceback (most recent call last):
      ...
    orgmodel.errors.InvalidArgumentError: id must be a non-empty string without surrounding spaces, got ''
    """


class DateError(OrgModelError, ValueError):
    """Text that is neither an ISO day nor a date phrase orgmodel knows.

    >>> import orgmodel as om
    >>> om.dates.parse_when("sometime")
    Traceback (most recent call last):
      ...
    orgmodel.errors.DateError: cannot read 'sometime' as a date: ...
    """


class NameLookupError(OrgModelError, LookupError):
    """A name or id that does not pick exactly one entity."""


class UnknownNameError(NameLookupError, KeyError):
    """Nothing answers to that name (on that day); ``suggestions`` holds close matches.

    >>> import orgmodel as om
    >>> chart = om.Timeline([om.Establish(om.Unit("u1", "Förnyelseenheten"), on="2015-01-01")]).at("2015-01-01")
    >>> try:
    ...     chart.find("fornyelseenheten")
    ... except om.UnknownNameError as error:
    ...     print(error)
    no entity named 'fornyelseenheten' on 2015-01-01 — did you mean 'Förnyelseenheten' (u1)?
    """

    def __init__(self, message: str, *, name: str = "", suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.suggestions = tuple(suggestions)

    def __str__(self) -> str:
        # KeyError quotes its argument; this error is a sentence, not a key.
        return str(self.args[0])


class AmbiguousNameError(NameLookupError):
    """Several entities answer to one name; ``candidates`` holds their ids."""

    def __init__(self, message: str, *, name: str = "", candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.candidates = tuple(candidates)


class EventError(OrgModelError, ValueError):
    """An event the timeline rejects, with the event, its date, source and origin.

    ``problem`` is what was wrong, ``hint`` how to fix it (may be empty),
    ``event`` and ``change`` what was being applied and ``entry`` its position
    in the log as given (0-based).  ``missing`` is the id that was not found,
    for an unknown entity.  In a lenient build (:meth:`Timeline.lenient
    <orgmodel.Timeline.lenient>`), ``follows_from`` is the earlier error this
    one is a consequence of: the rejected change that would have made the
    missing entity.
    """

    def __init__(
        self,
        problem: str,
        *,
        hint: str = "",
        event: Event | None = None,
        change: Change | None = None,
        entry: int | None = None,
        missing: str | None = None,
    ) -> None:
        self.problem = problem
        self.hint = hint
        self.event = event
        self.change = change
        self.entry = entry
        self.missing = missing
        self.follows_from: EventError | None = None
        super().__init__(self._compose())

    @property
    def location(self) -> Location | None:
        """The file position of the event (or its change), when it came from a file."""
        for item in (self.event, self.change):
            if item is not None and item.origin is not None:
                return item.origin
        return None

    def _compose(self) -> str:
        parts: list[str] = []
        location = self.location
        if location is not None:
            parts.append(f"{location}: ")
        elif self.entry is not None:
            parts.append(f"log entry {self.entry}: ")
        subject: Event | Change | None = self.event if self.event is not None else self.change
        if subject is not None:
            parts.append(subject.describe())
            context = []
            when = subject.on if subject.on is not None else (self.change.on if self.change else None)
            if when is not None:
                context.append(when.describe())
            source = subject.source if subject.source is not None else (self.change.source if self.change else None)
            if source is not None:
                context.append(f"source: {source.cite()}")
            if context:
                parts.append(f" ({', '.join(context)})")
            parts.append(": ")
        parts.append(self.problem)
        if self.hint:
            parts.append(f" — {self.hint}")
        return "".join(parts)


class MalformedEventError(EventError):
    """An event that is wrong on its own, whatever the state: no date, a merge of one unit."""


class UnknownEntityError(EventError):
    """An event refers to an entity that does not exist on its date."""


class DuplicateIdError(EventError):
    """An event establishes an id that is, or once was, taken (ids are never reused)."""


class NotEmptyError(EventError):
    """An event dissolves a unit or post that still has contents, without saying where they go."""


class CycleError(EventError):
    """An event would make a unit its own ancestor or a post report to itself."""


class PostOccupiedError(EventError):
    """An event appoints a second holder to a post."""


class NameClashError(EventError):
    """An event gives a unit a name an active sibling already has."""


class ConflictError(EventError):
    """An event clashes with the state in another way (a second head, a change that changes nothing)."""


class CorrectionError(EventError):
    """A correction that cannot stand: it names no change, one already corrected, or one known after it."""


class RenderError(OrgModelError, RuntimeError):
    """A drawing could not be rendered: no Graphviz to render with, or Graphviz failed.

    >>> issubclass(RenderError, OrgModelError)
    True
    """


class DrawingTooLargeError(RenderError):
    """A drawing with more boxes than :data:`orgmodel.render.MAX_BOXES`, refused before Graphviz spends minutes on it.

    ``boxes`` is how many boxes the drawing would have, ``limit`` the most
    drawn without ``force=True``.

    >>> error = DrawingTooLargeError("too large", boxes=50_000, limit=2_000)
    >>> isinstance(error, RenderError), error.boxes
    (True, 50000)
    """

    def __init__(self, message: str, *, boxes: int, limit: int) -> None:
        super().__init__(message)
        self.boxes = boxes
        self.limit = limit


class FormatError(OrgModelError, ValueError):
    """A file or string that does not follow the orgmodel format.

    ``problems`` holds every problem found, each prefixed with ``file:line:column``;
    ``note`` says more about them (such as how many further errors follow from them).
    """

    def __init__(self, problems: Sequence[str], *, note: str = "") -> None:
        self.problems = tuple(problems)
        self.note = note
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} found:\n" if count > 1 else ""
        super().__init__(heading + "\n".join(self.problems) + (f"\n{note}" if note else ""))


class CacheError(OrgModelError, ValueError):
    """A cache file that cannot be used: damaged, of another format version, or holding what it should not.

    The human-readable file it was made from is the source of truth: load it
    again (``om.load(path, cache=True)`` then writes the cache again).

    >>> issubclass(CacheError, OrgModelError)
    True
    """


class MissingDependencyError(OrgModelError, ImportError):
    """An optional outlet (Arrow, pandas, DuckDB, Spark, rdflib…) whose library is not installed; says which extra.

    >>> issubclass(MissingDependencyError, ImportError)
    True
    """
