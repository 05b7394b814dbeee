"""Each entity's stretches of unchanged facts, read from the fact tables, for formats that date facts their own way.

Popolo and W3C ORG both say "this held from one date to another" per
object (an organization's names, a membership), where the fact tables say it
per fact.  :class:`Stretches` regroups the tables by entity: a unit's rows,
a post's rows cut wherever its reporting line changes, a holding's rows cut
wherever its post moves or starts or stops heading its unit; each stretch
with the :class:`~orgmodel.dates.When` of the changes that began and ended
it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from orgmodel.dates import When
from orgmodel.io.tables import facts

if TYPE_CHECKING:
    from orgmodel._timeline import Timeline


class Stretch(NamedTuple):
    """One stretch of an entity's life in which none of ``values`` changed; ``end`` is ``None`` while it lasts."""

    start: When
    end: When | None
    values: dict[str, Any]

    def holds_on(self, day: dt.date) -> bool:
        return self.start.earliest <= day and (self.end is None or day < self.end.earliest)


#: The columns of each entity's stretches, by table: column → the key it takes in ``Stretch.values``.
UNIT_FIELDS = {"name": "name", "kind": "kind", "parent": "parent"}
POST_FIELDS = {"title": "title", "kind": "kind", "unit": "unit", "heads": "heads", "seats": "seats"}
PERSON_FIELDS = {"name": "name"}
HOLDING_FIELDS = {"person": "person", "roles": "roles", "overlap": "overlap"}


class Stretches:
    """The fact tables of a timeline, grouped by entity, as stretches dated by the changes behind them."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        tables = facts(timeline)
        self.whens = {
            row["event"]: When(row["earliest"], row["latest"], row["precision"]) for row in tables.rows("events")
        }
        self.events = {row["event"]: row for row in tables.rows("events")}
        self.lineage = list(tables.rows("lineage"))
        self._rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for table, key in (
            ("units", "id"),
            ("posts", "id"),
            ("people", "id"),
            ("reporting_lines", "post"),
            ("identifiers", "entity"),
            ("holdings", "post"),
        ):
            grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in tables.rows(table):
                grouped[row[key]].append(row)  # each entity's rows in the order they began (see tables.facts)
            self._rows[table] = grouped
        self._held: dict[str, list[str]] = defaultdict(list)
        for post_id, rows in self._rows["holdings"].items():
            for person_id in dict.fromkeys(row["person"] for row in rows):
                self._held[person_id].append(post_id)

    def ids(self, table: str) -> list[str]:
        """The ids of the entities of a table (``units``, ``posts``, ``people``), in the tables' order."""
        return list(self._rows[table])

    def of(self, rows: Iterable[dict[str, Any]], fields: Mapping[str, str]) -> list[Stretch]:
        """Rows as stretches, with the columns in ``fields`` under their new names."""
        return [
            Stretch(
                self.whens[row["event_from"]],
                self.whens[row["event_to"]] if row["event_to"] is not None else None,
                {name: row[column] for column, name in fields.items()},
            )
            for row in rows
        ]

    def unit(self, unit_id: str) -> list[Stretch]:
        """A unit's stretches: ``name``, ``kind`` and ``parent``."""
        return self.of(self._rows["units"][unit_id], UNIT_FIELDS)

    def person(self, person_id: str) -> list[Stretch]:
        """A person's stretches: ``name``."""
        return self.of(self._rows["people"][person_id], PERSON_FIELDS)

    def post(self, post_id: str) -> list[Stretch]:
        """A post's stretches: ``title``, ``kind``, ``unit``, ``heads``, ``seats`` and ``reports_to``."""
        own = self.of(self._rows["posts"][post_id], POST_FIELDS)
        lines = self.of(self._rows["reporting_lines"].get(post_id, []), {"reports_to": "reports_to"})
        return merge(own, lines, {"reports_to": None})

    def holdings(self, post_id: str) -> dict[str, list[Stretch]]:
        """Each holder's stretches in a post (``roles``, ``overlap``), cut wherever the post moves or heads anew.

        The values also hold the post's ``unit`` and ``heads`` over the stretch.
        """
        post = self.of(self._rows["posts"][post_id], {"unit": "unit", "heads": "heads"})
        found: dict[str, list[Stretch]] = defaultdict(list)
        for row in self._rows["holdings"].get(post_id, []):
            (held,) = self.of([row], HOLDING_FIELDS)
            found[row["person"]].extend(within(held, post))
        return dict(found)

    def posts_held(self, person_id: str) -> list[str]:
        """The posts a person ever held."""
        return self._held.get(person_id, [])

    def aliases(self, entity_id: str) -> tuple[str, ...]:
        """The other spellings an entity declares, as it last stood (the fact tables do not keep them)."""
        table = next(table for table in ("units", "posts", "people") if entity_id in self._rows[table])
        rows = self._rows[table][entity_id]
        stretches = self.of(rows, {})
        aliases: tuple[str, ...] = self.timeline.entity(entity_id, on=last_day(stretches)).aliases
        return aliases

    def identifiers(self, entity_id: str) -> list[tuple[str, str]]:
        """Every (scheme, id) an entity ever had, in the order first had."""
        rows = self._rows["identifiers"].get(entity_id, [])
        return list(dict.fromkeys((row["scheme"], row["identifier"]) for row in rows))


def merge(base: list[Stretch], extra: list[Stretch], absent: dict[str, Any]) -> list[Stretch]:
    """``base`` cut wherever ``extra`` changes, each piece with the values of both (``absent`` where extra has none)."""
    if not extra:
        return [stretch._replace(values={**stretch.values, **absent}) for stretch in base]
    cuts: dict[dt.date, When] = {}
    for stretch in [*base, *extra]:
        cuts.setdefault(stretch.start.earliest, stretch.start)
        if stretch.end is not None:
            cuts.setdefault(stretch.end.earliest, stretch.end)
    last = base[-1].end
    days = sorted(day for day in cuts if day >= base[0].start.earliest and (last is None or day < last.earliest))
    merged: list[Stretch] = []
    for index, day in enumerate(days):
        end = cuts[days[index + 1]] if index + 1 < len(days) else last
        values = {**covering(base, day), **(covering(extra, day) or absent)}
        if merged and merged[-1].values == values:
            merged[-1] = merged[-1]._replace(end=end)
        else:
            merged.append(Stretch(cuts[day], end, values))
    return merged


def within(stretch: Stretch, outer: list[Stretch]) -> list[Stretch]:
    """``stretch`` cut where ``outer`` (the stretches of what it sits in) changes, with their values added."""
    return merge([stretch], outer, {})


def covering(stretches: list[Stretch], day: dt.date) -> dict[str, Any]:
    """The values of the stretch that holds on ``day`` (empty when none does)."""
    for stretch in stretches:
        if stretch.holds_on(day):
            return stretch.values
    return {}


def spans(stretches: list[Stretch], key: str) -> list[Stretch]:
    """Back-to-back stretches with the same value of ``key`` joined (a move does not end a name)."""
    joined: list[Stretch] = []
    for stretch in stretches:
        if joined and joined[-1].values[key] == stretch.values[key] and joined[-1].end == stretch.start:
            joined[-1] = joined[-1]._replace(end=stretch.end)
        else:
            joined.append(stretch)
    return joined


def last_day(stretches: list[Stretch]) -> dt.date:
    """A day on which the last stretch holds: the day before it ends, or its first day while it lasts."""
    last = stretches[-1]
    if last.end is None:
        return last.start.earliest
    return max(last.start.earliest, last.end.earliest - dt.timedelta(days=1))
