"""Names over time: which entities answered to a name after any prefix of the log.

Looking an entity up by name on a day must not cost a chart of that day.
:class:`NameIndex` keeps, for every name and alias ever used (normalised),
the spans of the log's prefixes over which each entity had it, so the
entities a name meant on a day are a short scan of that name's spans.  It is
built once, on first use, in one pass over every entity's versions: linear
in the number of versions, however often an entity was renamed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from orgmodel import _names
from orgmodel._entities import Function, Person, Post, Unit

if TYPE_CHECKING:
    from orgmodel._log import AppliedLog

#: The end of a span that still runs.
OPEN = 2**62


class Span(NamedTuple):
    """``entity`` had a name over the prefixes ``start`` (included) to ``end`` (excluded)."""

    entity: str
    start: int
    end: int
    #: ``name`` for its name (a post's title), ``alias`` for one of its declared other names.
    how: str


class Matches(NamedTuple):
    """The entities a name meant after one prefix: by current name, by alias, by a former name."""

    current: list[str]
    aliases: list[str]
    former: list[str]


class NameIndex:
    """For each normalised name, the spans of the log over which each entity answered to it.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("u", "Gamla enheten"), on="2014-01-01"),
    ...         om.Rename("u", "Nya enheten", on="2015-01-01"),
    ...     ]
    ... )
    >>> index = NameIndex(org._log)
    >>> index.at("gamla enheten", 2), index.former_names("u", 2)
    (Matches(current=[], aliases=[], former=['u']), ('Gamla enheten',))
    """

    def __init__(self, log: AppliedLog) -> None:
        self._log = log
        self.spans: dict[str, list[Span]] = {}
        # Each entity's names (not aliases) with their spans, in order: its former names on a day.
        self.names: dict[str, list[tuple[str, int, int]]] = {}
        for key, versions in log.versions.items():
            if isinstance(key, str):
                self._add(key, versions.changes, versions.values)

    def _add(self, entity_id: str, changes: Sequence[int], values: Sequence[object]) -> None:
        # Open spans by (how, normalised name): the prefix from which the entity has had that name.
        open_spans: dict[tuple[str, str], tuple[int, str]] = {}
        names: list[tuple[str, int, int]] = []
        for change, value in zip(changes, values, strict=True):
            prefix = change + 1  # a value set by change c is in force after the first c + 1 changes
            current: dict[tuple[str, str], str] = {}
            if isinstance(value, (Unit, Post, Person, Function)):
                current[("name", _names.normalise(value.name))] = value.name
                for alias in value.aliases:
                    current.setdefault(("alias", _names.normalise(alias)), alias)
            for key in [key for key in open_spans if key not in current]:
                start, text = open_spans.pop(key)
                self._close(entity_id, key, start, prefix, text, names)
            for key, text in current.items():
                open_spans.setdefault(key, (prefix, text))
        for key, (start, text) in open_spans.items():
            self._close(entity_id, key, start, OPEN, text, names)
        names.sort(key=lambda item: item[1])
        self.names[entity_id] = names

    def _close(
        self,
        entity_id: str,
        key: tuple[str, str],
        start: int,
        end: int,
        text: str,
        names: list[tuple[str, int, int]],
    ) -> None:
        how, normalised = key
        if start < end:
            self.spans.setdefault(normalised, []).append(Span(entity_id, start, end, how))
            if how == "name":
                names.append((text, start, end))

    def ever(self, name: str) -> list[str]:
        """Every entity that ever answered to ``name`` (by name or alias), in the order of their ids' first use."""
        return list(dict.fromkeys(span.entity for span in self.spans.get(_names.normalise(name), ())))

    def at(self, name: str, prefix: int, exists: Iterable[str] | None = None) -> Matches:
        """The entities ``name`` meant after the first ``prefix`` changes.

        Former names count for entities that still exist then (``exists``, or
        those the log holds a value for at that prefix).
        """
        current: dict[str, None] = {}
        aliases: dict[str, None] = {}
        former: dict[str, None] = {}
        alive = set(exists) if exists is not None else None
        for span in self.spans.get(_names.normalise(name), ()):
            if span.start <= prefix < span.end:
                (current if span.how == "name" else aliases)[span.entity] = None
            elif span.how == "name" and span.end <= prefix:
                if alive is not None:
                    if span.entity in alive:
                        former[span.entity] = None
                elif self._log.value_at(span.entity, prefix) is not None:
                    former[span.entity] = None
        for entity_id in (*current, *aliases):
            former.pop(entity_id, None)
        return Matches(list(current), [key for key in aliases if key not in current], list(former))

    def former_names(self, entity_id: str, prefix: int) -> tuple[str, ...]:
        """The names an entity had before the one it has after the first ``prefix`` changes, oldest first."""
        found: dict[str, None] = {}
        current = None
        for text, start, end in self.names.get(entity_id, ()):
            if end <= prefix:
                found[text] = None
            elif start <= prefix:
                current = _names.normalise(text)
        return tuple(text for text in found if _names.normalise(text) != current)
