"""The "as of a day" questions as SQL over the fact tables: one text for DuckDB and Spark.

The fact tables (:mod:`orgmodel.io.tables`) hold each fact with the days it
held: from ``valid_from`` (inclusive) to ``valid_to`` (exclusive; null while
it still holds).  Every question here filters them with :func:`as_of`::

    valid_from <= DAY AND (valid_to IS NULL OR valid_to > DAY)

taking each change from its earliest day, as :meth:`orgmodel.Timeline.edges`
does.  (On a day inside a change's date window, :meth:`orgmodel.Timeline.at`
also shows what may not have ended yet; those are the rows with
``valid_to <= DAY < valid_to_latest``.)  The questions read views named after
the tables (``units``, ``posts``, ``holdings``, …), which
:func:`orgmodel.io.duck.connect` and :func:`orgmodel.io.spark.register`
create over Parquet files.  Each function
returns a :class:`Query`: SQL text with named parameters and their values.
The text is the same for both engines; only the parameter marker differs
(``$day`` in DuckDB, ``:day`` in Spark), which :meth:`Query.sql` fills in.
Spark runs the subtree's ``WITH RECURSIVE`` from Spark 4.1 on, hence the
``spark`` extra's ``pyspark>=4.1``.

Nothing here needs a database: the module only writes text, so the same
queries can be handed to another engine that reads Parquet.

>>> from orgmodel.io import sql
>>> query = sql.edges("2015-01-01", kinds=["contains"])
>>> print(query.sql("duckdb"))
SELECT parent AS source, id AS target, 'contains' AS kind FROM units
WHERE parent IS NOT NULL AND valid_from <= $day AND (valid_to IS NULL OR valid_to > $day)
ORDER BY kind, source, target
>>> query.params
{'day': datetime.date(2015, 1, 1)}
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any, Literal, NamedTuple

from orgmodel.dates import DayLike, parse_day
from orgmodel.errors import InvalidArgumentError
from orgmodel.io.tables import _IDENTITY, INTERVAL, SCHEMA

__all__ = [
    "DATED_TABLES",
    "STRUCTURE_KINDS",
    "Dialect",
    "Query",
    "as_of",
    "changes",
    "column_types",
    "edges",
    "holders",
    "subtree",
]

#: The engines whose SQL this module writes.
Dialect = Literal["duckdb", "spark"]

#: The tables whose rows hold over days (all but ``events`` and ``lineage``): those :func:`changes` compares.
DATED_TABLES: tuple[str, ...] = tuple(name for name, columns in SCHEMA.items() if columns[-len(INTERVAL) :] == INTERVAL)

#: The edge kinds of :attr:`orgmodel.OrgChart.graph` that are not relations: what each selects, and its condition.
_STRUCTURE: dict[str, tuple[str, str | None]] = {
    "contains": ("parent AS source, id AS target, 'contains' AS kind FROM units", "parent IS NOT NULL"),
    "has_post": ("unit AS source, id AS target, 'has_post' AS kind FROM posts", "unit IS NOT NULL"),
    "heads": ("id AS source, unit AS target, 'heads' AS kind FROM posts", "heads AND unit IS NOT NULL"),
    "reports_to": ("post AS source, reports_to AS target, 'reports_to' AS kind FROM reporting_lines", None),
    "holds": ("person AS source, post AS target, 'holds' AS kind FROM holdings", None),
    "owns": ("owner AS source, function AS target, 'owns' AS kind FROM function_owners", None),
}

#: The edge kinds that come from the structure rather than from relations, in the order :func:`edges` lists them.
STRUCTURE_KINDS: tuple[str, ...] = tuple(_STRUCTURE)

#: Column types of :data:`orgmodel.io.tables.SCHEMA` in each engine's SQL.
_TYPES: dict[Dialect, dict[str, str]] = {
    "duckdb": {
        "string": "VARCHAR",
        "json": "VARCHAR",
        "date": "DATE",
        "bool": "BOOLEAN",
        "int": "BIGINT",
        "strings": "VARCHAR[]",
    },
    "spark": {
        "string": "STRING",
        "json": "STRING",
        "date": "DATE",
        "bool": "BOOLEAN",
        "int": "BIGINT",
        "strings": "ARRAY<STRING>",
    },
}


class Query(NamedTuple):
    """SQL text with ``$name`` parameters, and the values of the parameters.

    >>> query = Query("SELECT id FROM units WHERE id = $unit", {"unit": "u0"})
    >>> query.sql("spark")
    'SELECT id FROM units WHERE id = :unit'
    """

    text: str
    params: dict[str, Any]

    def sql(self, dialect: Dialect) -> str:
        """The text with the parameter markers of ``dialect``: ``$name`` for DuckDB, ``:name`` for Spark."""
        marker = {"duckdb": "$", "spark": ":"}.get(dialect)
        if marker is None:
            raise InvalidArgumentError(f"dialect must be 'duckdb' or 'spark', got {dialect!r}")
        return string.Template(self.text).substitute({name: marker + name for name in self.params})


def as_of(parameter: str = "day", table: str | None = None) -> str:
    """The condition that a row held on the day in parameter ``parameter`` (of ``table``, when given).

    >>> as_of()
    'valid_from <= $day AND (valid_to IS NULL OR valid_to > $day)'
    >>> as_of("end", "h")
    'h.valid_from <= $end AND (h.valid_to IS NULL OR h.valid_to > $end)'
    """
    prefix = f"{table}." if table else ""
    return f"{prefix}valid_from <= ${parameter} AND ({prefix}valid_to IS NULL OR {prefix}valid_to > ${parameter})"


def edges(day: DayLike, *, kinds: Iterable[str] | None = ("contains", "reports_to"), corpus: bool = False) -> Query:
    """The edges in force on ``day`` as rows ``(source, target, kind)``: :meth:`orgmodel.Timeline.edges` in SQL.

    ``kinds`` are edge keys of :attr:`orgmodel.OrgChart.graph`: those of
    :data:`STRUCTURE_KINDS` and relation kinds (``supports``, … or your own);
    ``None`` is every kind.  Rows come sorted by kind, source and target.
    With ``corpus``, the views hold many organisations, told apart by a
    column ``org``: each row starts with it, and rows sort by it first.

    >>> print(edges("2015-01-01", kinds=["holds", "supports"]).sql("spark"))
    SELECT person AS source, post AS target, 'holds' AS kind FROM holdings
    WHERE valid_from <= :day AND (valid_to IS NULL OR valid_to > :day)
    UNION ALL
    SELECT source, target, kind FROM relations
    WHERE kind IN (:kind0) AND valid_from <= :day AND (valid_to IS NULL OR valid_to > :day)
    ORDER BY kind, source, target
    """
    org = "org, " if corpus else ""
    params: dict[str, Any] = {"day": parse_day(day)}
    wanted = None if kinds is None else list(dict.fromkeys([kinds] if isinstance(kinds, str) else kinds))
    parts = [
        f"SELECT {org}{select}\nWHERE {condition + ' AND ' if condition else ''}{as_of()}"
        for kind, (select, condition) in _STRUCTURE.items()
        if wanted is None or kind in wanted
    ]
    relation_kinds = None if wanted is None else [kind for kind in wanted if kind not in _STRUCTURE]
    if relation_kinds is None:
        parts.append(f"SELECT {org}source, target, kind FROM relations\nWHERE {as_of()}")
    elif relation_kinds:
        markers = ", ".join(f"$kind{number}" for number in range(len(relation_kinds)))
        params.update({f"kind{number}": kind for number, kind in enumerate(relation_kinds)})
        parts.append(f"SELECT {org}source, target, kind FROM relations\nWHERE kind IN ({markers}) AND {as_of()}")
    if not parts:  # no kind asked for: no rows, in the same shape
        return Query(f"SELECT {org}source, target, kind FROM relations WHERE FALSE", {})
    return Query("\nUNION ALL\n".join(parts) + f"\nORDER BY {org}kind, source, target", params)


def holders(day: DayLike, *, corpus: bool = False) -> Query:
    """Who held which post on ``day``, with the post's title and unit and the person's name.

    Columns: ``post``, ``title``, ``unit``, ``person``, ``name``, ``roles``,
    ``overlap`` (after ``org`` with ``corpus``, see :func:`edges`); sorted by
    post, then by when each holding (with its roles) began.

    >>> print(holders("2015-01-01").sql("duckdb"))  # doctest: +ELLIPSIS
    SELECT h.post, p.title, p.unit, h.person, pe.name, h.roles, h.overlap
    FROM holdings h
    LEFT JOIN posts p ON p.id = h.post AND p.valid_from <= $day AND ...
    """
    org, same = ("h.org, ", " AND {0}.org = h.org") if corpus else ("", "")
    return Query(
        f"SELECT {org}h.post, p.title, p.unit, h.person, pe.name, h.roles, h.overlap\n"
        "FROM holdings h\n"
        f"LEFT JOIN posts p ON p.id = h.post{same.format('p')} AND {as_of(table='p')}\n"
        f"LEFT JOIN people pe ON pe.id = h.person{same.format('pe')} AND {as_of(table='pe')}\n"
        f"WHERE {as_of(table='h')}\n"
        f"ORDER BY {org}h.post, h.valid_from, h.event_from, h.person",
        {"day": parse_day(day)},
    )


def subtree(unit: str, day: DayLike, *, depth: int | None = None, corpus: bool = False) -> Query:
    """A unit (by id) and the units below it on ``day``, to ``depth`` levels (``None``: all).

    Columns: ``id``, ``name``, ``kind``, ``parent`` (null for the unit
    itself, as in :meth:`orgmodel.OrgChart.subtree`), ``depth`` (0 for the
    unit); sorted by depth and id.  No rows when the unit did not exist that
    day.  With ``corpus`` (see :func:`edges`), the subtree of the unit with
    that id in each organisation that has one.  A recursive query: Spark
    runs it from 4.1 on, up to its ``spark.sql.cteRecursionLevelLimit``
    levels (100 unless set).

    >>> print(subtree("kf", "2015-01-01", depth=1).sql("duckdb"))  # doctest: +ELLIPSIS
    WITH RECURSIVE day_units AS (
    ...
      SELECT c.id, t.depth + 1 AS depth FROM day_units c JOIN tree t ON c.parent = t.id WHERE t.depth < $depth
    ...
    """
    params: dict[str, Any] = {"day": parse_day(day), "unit": unit}
    limit = ""
    if depth is not None:
        if type(depth) is not int or depth < 0:  # bool is an int, but not a number of levels
            raise InvalidArgumentError(f"depth must be a whole number of levels, 0 or more, or None; got {depth!r}")
        limit = " WHERE t.depth < $depth"
        params["depth"] = depth
    org, child, same = ("org, ", "c.org, ", " AND {0}.org = t.org") if corpus else ("", "", "")
    return Query(
        "WITH RECURSIVE day_units AS (\n"
        f"  SELECT {org}id, name, kind, parent FROM units WHERE {as_of()}\n"
        f"), tree ({org}id, depth) AS (\n"
        f"  SELECT {org}id, 0 AS depth FROM day_units WHERE id = $unit\n"
        "  UNION ALL\n"
        f"  SELECT {child}c.id, t.depth + 1 AS depth FROM day_units c "
        f"JOIN tree t ON c.parent = t.id{same.format('c')}{limit}\n"
        ")\n"
        f"SELECT {'t.' + org if corpus else ''}u.id, u.name, u.kind, "
        "CASE WHEN t.depth = 0 THEN NULL ELSE u.parent END AS parent, t.depth\n"
        f"FROM tree t JOIN day_units u ON u.id = t.id{same.format('u')}\n"
        f"ORDER BY {'t.' + org if corpus else ''}t.depth, u.id",
        params,
    )


def changes(table: str, start: DayLike, end: DayLike, *, corpus: bool = False) -> Query:
    """The rows of a dated table that differ between ``start`` and ``end``: what began and what ended.

    A row ``began`` when it holds on ``end`` and no row with the same values
    held on ``start``; it ``ended`` when it held on ``start`` and no row with
    the same values holds on ``end``.  This is the net change, as
    :meth:`orgmodel.Timeline.diff` compares the two days: a fact that began
    and ended in between is in neither, and a rename is an ended row and a
    began one.  Columns: ``change`` (``began`` or ``ended``), the table's own
    columns, ``valid_from``, ``valid_to`` and ``event`` (the event that began
    the row, or that ended it); sorted by the fact, ended before began.
    With ``corpus`` (see :func:`edges`), ``org`` comes first.

    >>> print(changes("units", "2014-12-31", "2015-01-01").sql("duckdb"))  # doctest: +ELLIPSIS
    WITH before AS (SELECT * FROM units WHERE valid_from <= $start AND ...),
    after AS (SELECT * FROM units WHERE valid_from <= $end AND ...)
    SELECT 'began' AS change, a.id, a.name, a.kind, a.category, a.parent, a.valid_from, a.valid_to, ...
    FROM after a WHERE NOT EXISTS (SELECT 1 FROM before b WHERE b.id IS NOT DISTINCT FROM a.id AND ...)
    UNION ALL
    ...
    """
    if table not in DATED_TABLES:
        raise InvalidArgumentError(f"changes are kept for the tables {', '.join(DATED_TABLES)}; got {table!r}")
    first, second = parse_day(start), parse_day(end)
    if first > second:
        raise InvalidArgumentError(
            f"the first day must not be after the second, got {first.isoformat()} and {second.isoformat()}; swap them"
        )
    own = [column.name for column in SCHEMA[table][: -len(INTERVAL)]]
    matched = ["org", *own] if corpus else own

    def side(change: str, kept: str, other: str, event: str) -> str:
        picked = ", ".join(f"{kept}.{name}" for name in matched)
        same = " AND ".join(f"{other}.{name} IS NOT DISTINCT FROM {kept}.{name}" for name in matched)
        view, other_view = ("after", "before") if kept == "a" else ("before", "after")
        return (
            f"SELECT '{change}' AS change, {picked}, {kept}.valid_from, {kept}.valid_to, {kept}.{event} AS event\n"
            f"FROM {view} {kept} WHERE NOT EXISTS (SELECT 1 FROM {other_view} {other} WHERE {same})"
        )

    identity = ", ".join(matched[: _IDENTITY[table] + (1 if corpus else 0)])
    return Query(
        f"WITH before AS (SELECT * FROM {table} WHERE {as_of('start')}),\n"
        f"after AS (SELECT * FROM {table} WHERE {as_of('end')})\n"
        f"{side('began', 'a', 'b', 'event_from')}\n"
        "UNION ALL\n"
        f"{side('ended', 'b', 'a', 'event_to')}\n"
        f"ORDER BY {identity}, change DESC, valid_from",
        {"start": first, "end": second},
    )


def column_types(table: str, dialect: Dialect) -> dict[str, str]:
    """The SQL type of each column of a fact table in ``dialect`` (for views over tables with no file).

    >>> column_types("holdings", "spark")["roles"]
    'ARRAY<STRING>'
    """
    types: Mapping[str, str] = _TYPES[dialect]
    return {column.name: types[column.type] for column in SCHEMA[table]}
