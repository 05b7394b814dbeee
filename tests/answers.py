"""What an SQL engine over the fact tables must answer, worked out in memory from the timeline.

The DuckDB and the Spark tests both hand an :class:`Engine` (their answers, as
plain rows) to :func:`check_answers`, which compares each question with what
:meth:`Timeline.edges`, :meth:`Timeline.at` and :meth:`Timeline.diff` say.

The SQL answers by the rule of the chart (see :func:`orgmodel.io.sql.chart_views`):
each change from its earliest day, and inside a date window still open what
it ended shown as it last was; so the answers must equal the chart's exactly.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import orgmodel as om
from orgmodel.io import sql
from orgmodel.io.tables import _IDENTITY, INTERVAL, SCHEMA

from .naive_tables import _facts_of


class Engine(Protocol):
    """One engine's answers to the questions of :mod:`orgmodel.io.sql`, as rows of plain values.

    Every row starts with the organisation it is about (its ``org``; an
    engine over one organisation's tables says ``""``), and change rows have
    a key ``org``.
    """

    def edges(self, day: dt.date, kinds: Sequence[str] | None) -> list[tuple[Any, ...]]: ...

    def holders(self, day: dt.date) -> list[tuple[Any, ...]]: ...

    def subtree(self, unit: str, day: dt.date) -> list[tuple[Any, ...]]: ...

    def changes(self, start: dt.date, end: dt.date) -> Mapping[str, list[dict[str, Any]]]: ...


def plain(value: Any) -> Any:
    """A value as a hashable plain one: lists (SQL arrays) as tuples."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def expected_holders(chart: om.OrgChart) -> list[tuple[Any, ...]]:
    """``(post, title, unit, person, name, roles, overlap)`` for every holding on the chart."""
    return sorted(
        (post.id, post.title, post.unit, holding.person, chart[holding.person].name, holding.roles, holding.overlap)
        for post in chart.posts.values()
        for holding in post.holders
    )


def expected_subtree(chart: om.OrgChart, unit: str) -> list[tuple[Any, ...]]:
    """``(id, name, kind, parent, depth)`` for each unit of ``chart.subtree(unit)``."""
    below = chart.subtree(unit)
    rows = []
    for found in below.units.values():
        depth, parent = 0, found.parent
        while parent is not None:
            depth, parent = depth + 1, below.units[parent].parent
        rows.append((found.id, found.name, str(found.kind), found.parent, depth))
    return sorted(rows)


def expected_changes(timeline: om.Timeline, start: dt.date, end: dt.date) -> set[tuple[Any, ...]]:
    """``(table, began|ended, *the fact's own columns)`` for each fact that differs between the two days' charts.

    The charts are taken with every person (``people="all"``), since the
    ``people`` table holds everyone who exists, not only those tied to a post.
    """
    categories = timeline.categories

    def facts_on(day: dt.date) -> dict[tuple[str, tuple[Any, ...]], tuple[Any, ...]]:
        chart = timeline.at(day, people="all")
        found: dict[tuple[str, tuple[Any, ...]], tuple[Any, ...]] = {}
        for value in [*chart.entities.values(), *chart.relations]:
            found.update(_facts_of(value, categories))
        return found

    old, new = facts_on(start), facts_on(end)
    found: set[tuple[Any, ...]] = set()
    for (table, identity), values in new.items():
        if old.get((table, identity)) != values:
            found.add((table, "began", *identity, *map(plain, values)))
    for (table, identity), values in old.items():
        if new.get((table, identity)) != values:
            found.add((table, "ended", *identity, *map(plain, values)))
    return found


def found_changes(rows_by_table: Mapping[str, Iterable[Mapping[str, Any]]]) -> dict[str, set[tuple[Any, ...]]]:
    """The engine's change rows in the shape of :func:`expected_changes`, by organisation."""
    found: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for table, rows in rows_by_table.items():
        own = own_columns(table)
        for row in rows:
            found[row["org"]].add((table, row["change"], *(plain(row[name]) for name in own)))
    return found


def by_org(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows that start with their organisation, grouped by it (the organisation left out), in order."""
    grouped: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for org, *rest in rows:
        grouped[org].append(tuple(rest))
    return grouped


def own_columns(table: str) -> list[str]:
    """A dated table's own columns (without the interval's)."""
    return [column.name for column in SCHEMA[table][: -len(INTERVAL)]]


def all_kinds(timelines: Iterable[om.Timeline]) -> list[str]:
    """Every edge kind there is in the timelines: the structure's, and each relation kind ever used."""
    relation_kinds = {row["kind"] for timeline in timelines for row in timeline.facts().rows("relations")}
    return [*sql.STRUCTURE_KINDS, *sorted(relation_kinds)]


def check_answers(
    engine: Engine, timelines: Mapping[str, om.Timeline], days: Sequence[dt.date], *, units_per_day: int = 0
) -> None:
    """Each question on each day (and between each day and the next) answered as each organisation's timeline does.

    ``units_per_day`` limits the subtrees asked for per day (0: every unit of
    every organisation); an organisation without the unit that day has no rows.
    """
    kinds = all_kinds(timelines.values())
    # Some kinds of the structure and a relation kind: the filters of both parts of the query.
    some = ["contains", "holds", *kinds[len(sql.STRUCTURE_KINDS) :][:1]]
    for day in days:
        charts = {org: timeline.at(day) for org, timeline in timelines.items()}
        everything, picked = (by_org(engine.edges(day, asked)) for asked in (None, some))
        holders = by_org(engine.holders(day))
        for org, timeline in timelines.items():
            where = f"{org or 'the organisation'} on {day}"
            assert sorted(everything[org]) == sorted(timeline.edges(day, kinds=kinds)), f"all edges of {where}"
            assert sorted(picked[org]) == sorted(timeline.edges(day, kinds=some)), f"{some} edges of {where}"
            assert sorted(holders[org], key=repr) == sorted(expected_holders(charts[org]), key=repr), where
            posts = [row[0] for row in holders[org]]
            assert posts == sorted(posts), "holders come sorted by post"
        units = sorted({unit for chart in charts.values() for unit in chart.units})
        for unit in units[:units_per_day] if units_per_day else units:
            answered = by_org(engine.subtree(unit, day))
            for org, chart in charts.items():
                expected = expected_subtree(chart, unit) if unit in chart.units else []
                assert sorted(answered[org]) == expected, f"subtree of {unit} in {org or 'the organisation'} on {day}"
                assert [row[4] for row in answered[org]][:1] == [0][: len(expected)], "the unit itself comes first"
    events = {
        org: {row["event"]: row for row in timeline.facts().rows("events")} for org, timeline in timelines.items()
    }
    for start, end in itertools.pairwise(days):
        rows = engine.changes(start, end)
        found = found_changes(rows)
        for org, timeline in timelines.items():
            # An engine may answer for some tables only (Spark, where each is a job): those it answered.
            expected = {fact for fact in expected_changes(timeline, start, end) if fact[0] in rows}
            assert found[org] == expected, f"changes of {org or 'the organisation'} from {start} to {end}"
        for table, table_rows in rows.items():
            for row in table_rows:
                event = events[row["org"]][row["event"]]
                if row["change"] == "began":
                    assert start < row["valid_from"] == event["earliest"] <= end, row
                else:  # it ended by the end day; it may have been shown until its end's window closed
                    assert row["valid_to"] == event["earliest"] <= end, row
                    assert start < event["latest"], row
            size = _IDENTITY[table]
            identities = [(row["org"], *(row[name] for name in own_columns(table)[:size])) for row in table_rows]
            assert identities == sorted(identities), f"{table} changes come sorted by the fact"
