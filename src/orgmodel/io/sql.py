"""The "as of a day" questions as SQL over the fact tables: one text for DuckDB and Spark.

The fact tables (:mod:`orgmodel.io.tables`) hold each fact with the days it
held: from ``valid_from`` (inclusive) to ``valid_to`` (exclusive; null while
it still holds).  Every question answers by the rule of the chart of the day
(:meth:`orgmodel.Timeline.at`, :meth:`orgmodel.Timeline.edges` and the point
queries), so the answers are the same in memory, on DuckDB and on Spark:

* a fact is on the chart of day ``D`` when it holds with every change whose
  date has begun applied — each change from its earliest day (:func:`as_of`)::

      valid_from <= D AND (valid_to IS NULL OR valid_to > D)

* and, inside the date window of a change that ended an entity or a relation
  (``valid_to <= D < valid_to_latest`` and ``ended_whole``,
  :func:`may_not_have_ended`), the fact as it last was, since it may not
  have ended yet — unless it points at what is not on the chart (a unit
  under a unit surely gone), as :meth:`~orgmodel.Timeline.at` leaves it off.

:func:`chart_views` writes the views of those rows (``day_units``,
``day_posts``, …) that the questions read; they read the tables by their
names (``units``, ``posts``, ``holdings``, …), views that
:func:`orgmodel.io.duck.connect` and :func:`orgmodel.io.spark.register`
create over Parquet files.  Each function returns a :class:`Query`: SQL text
with named parameters and their values.  The text is the same for both
engines; only the parameter marker differs (``$day`` in DuckDB, ``:day`` in
Spark), which :meth:`Query.sql` fills in.  The queries start ``WITH
RECURSIVE`` (what points at what is left off is left off too, however deep);
Spark runs that from 4.1 on, hence the ``spark`` extra's ``pyspark>=4.1``.

Nothing here needs a database: the module only writes text, so the same
queries can be handed to another engine that reads Parquet.

>>> from orgmodel.io import sql
>>> query = sql.edges("2015-01-01", kinds=["contains"])
>>> print("\\n".join(query.sql("duckdb").splitlines()[-2:]))
SELECT parent AS source, id AS target, 'contains' AS kind FROM day_units WHERE parent IS NOT NULL
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
    "chart_views",
    "column_types",
    "edges",
    "holders",
    "may_not_have_ended",
    "subtree",
]

#: The engines whose SQL this module writes.
Dialect = Literal["duckdb", "spark"]

#: The tables whose rows hold over days (all but ``events`` and ``lineage``): those :func:`changes` compares.
DATED_TABLES: tuple[str, ...] = tuple(name for name, columns in SCHEMA.items() if columns[-len(INTERVAL) :] == INTERVAL)

#: The edge kinds of :attr:`orgmodel.OrgChart.graph` that are not relations: what each selects, from which table, when.
_STRUCTURE: dict[str, tuple[str, str, str | None]] = {
    "contains": ("parent AS source, id AS target, 'contains' AS kind", "units", "parent IS NOT NULL"),
    "has_post": ("unit AS source, id AS target, 'has_post' AS kind", "posts", "unit IS NOT NULL"),
    "heads": ("id AS source, unit AS target, 'heads' AS kind", "posts", "heads AND unit IS NOT NULL"),
    "reports_to": ("post AS source, reports_to AS target, 'reports_to' AS kind", "reporting_lines", None),
    "holds": ("person AS source, post AS target, 'holds' AS kind", "holdings", None),
    "owns": ("owner AS source, function AS target, 'owns' AS kind", "function_owners", None),
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


def may_not_have_ended(parameter: str = "day", table: str | None = None) -> str:
    """The condition that a row's entity (or relation) ended inside a date window still open on the day.

    A chart shows such a fact as it last was, marked "may have ended" (see
    :class:`orgmodel.Uncertainty` and docs/time.md); every question here does too.

    >>> may_not_have_ended()
    'ended_whole AND valid_to <= $day AND valid_to_latest > $day'
    """
    prefix = f"{table}." if table else ""
    return f"{prefix}ended_whole AND {prefix}valid_to <= ${parameter} AND {prefix}valid_to_latest > ${parameter}"


#: The tables of entities (their ids are what a row can point at).
_ENTITY_TABLES = ("units", "posts", "people", "functions")

#: What a row of each table (but ``relations``) belongs to: the column with its entity's id.
_OWNER = {
    **dict.fromkeys(_ENTITY_TABLES, "id"),
    "holdings": "post",
    "reporting_lines": "post",
    "function_owners": "function",
    "attributes": "entity",
    "identifiers": "entity",
}

#: Where an entity's rows point at other entities: (table, its entity's column, the column pointed with).
_REFERENCES = (
    ("units", "id", "parent"),
    ("posts", "id", "unit"),
    ("reporting_lines", "post", "reports_to"),
    ("holdings", "post", "person"),
    ("function_owners", "function", "owner"),
)


def chart_views(tables: Iterable[str], parameter: str = "day", *, corpus: bool = False) -> list[str]:
    """The common table expressions of the rows on the chart of a day: a view ``PARAMETER_TABLE`` per table.

    A row is on the chart of day ``D`` when it holds with every change whose
    window has opened by ``D`` applied (:func:`as_of`), or when its entity or
    relation ended inside a window still open on ``D``
    (:func:`may_not_have_ended`) and all it points at is on the chart too —
    the rule of :meth:`orgmodel.Timeline.at`, :meth:`orgmodel.Timeline.edges`
    and the point queries.  The helper views ``PARAMETER_present``,
    ``PARAMETER_refs`` and ``PARAMETER_dropped`` (recursive: a query using
    these starts ``WITH RECURSIVE``) find the entities left off because they
    point at what is not there.

    >>> views = chart_views(["units"])
    >>> [view.split(" ")[0] for view in views]
    ['day_present', 'day_refs', 'day_dropped', 'day_units']
    """
    p = parameter
    org = "org, " if corpus else ""

    def same(one: str, other: str) -> str:
        return f" AND {one}.org = {other}.org" if corpus else ""

    on_day = f"(({as_of(p)}) OR ({may_not_have_ended(p)}))"
    present = "\n  UNION ALL\n  ".join(f"SELECT {org}id FROM {table} WHERE {on_day}" for table in _ENTITY_TABLES)
    refs = "\n  UNION ALL\n  ".join(
        f"SELECT {org}{owner} AS owner, {ref} AS ref FROM {table} WHERE {ref} IS NOT NULL AND {may_not_have_ended(p)}"
        for table, owner, ref in _REFERENCES
    )
    r_org = "r.org, " if corpus else ""
    views = [
        f"{p}_present AS (\n  {present}\n)",
        f"{p}_refs AS (\n  {refs}\n)",
        # Left off: a row of an entity that may not have ended, pointing at what is not on the chart, or at one
        # left off (what points at what may have ended is itself one of those: the references never go round).
        f"{p}_dropped ({org}owner) AS (\n"
        f"  SELECT {r_org}r.owner FROM {p}_refs r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {p}_present x WHERE x.id = r.ref{same('x', 'r')})\n"
        "  UNION ALL\n"
        f"  SELECT {r_org}r.owner FROM {p}_refs r JOIN {p}_dropped d ON d.owner = r.ref{same('d', 'r')}\n"
        ")",
    ]

    def shown(column: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {p}_present x WHERE x.id = g.{column}{same('x', 'g')}) AND "
            f"NOT EXISTS (SELECT 1 FROM {p}_dropped d WHERE d.owner = g.{column}{same('d', 'g')})"
        )

    for table in tables:
        if table == "relations":
            kept = f"{shown('source')} AND {shown('target')}"
        else:
            kept = f"NOT EXISTS (SELECT 1 FROM {p}_dropped d WHERE d.owner = g.{_OWNER[table]}{same('d', 'g')})"
        views.append(
            f"{p}_{table} AS (\n"
            f"  SELECT * FROM {table} WHERE {as_of(p)}\n"
            "  UNION ALL\n"
            f"  SELECT * FROM {table} g WHERE {may_not_have_ended(p, 'g')} AND {kept}\n"
            ")"
        )
    return views


def _with(views: Iterable[str]) -> str:
    return "WITH RECURSIVE " + ",\n".join(views)


def edges(day: DayLike, *, kinds: Iterable[str] | None = ("contains", "reports_to"), corpus: bool = False) -> Query:
    """The edges in force on ``day`` as rows ``(source, target, kind)``: :meth:`orgmodel.Timeline.edges` in SQL.

    ``kinds`` are edge keys of :attr:`orgmodel.OrgChart.graph`: those of
    :data:`STRUCTURE_KINDS` and relation kinds (``supports``, … or your own);
    ``None`` is every kind.  Rows come sorted by kind, source and target.
    With ``corpus``, the views hold many organisations, told apart by a
    column ``org``: each row starts with it, and rows sort by it first.

    >>> text = edges("2015-01-01", kinds=["holds", "supports"]).sql("spark")
    >>> print(text.split("\\n)\\n")[-1])  # after the views of chart_views
    SELECT person AS source, post AS target, 'holds' AS kind FROM day_holdings
    UNION ALL
    SELECT source, target, kind FROM day_relations WHERE kind IN (:kind0)
    ORDER BY kind, source, target
    """
    org = "org, " if corpus else ""
    params: dict[str, Any] = {"day": parse_day(day)}
    wanted = None if kinds is None else list(dict.fromkeys([kinds] if isinstance(kinds, str) else kinds))
    parts, tables = [], []
    for kind, (select, table, condition) in _STRUCTURE.items():
        if wanted is None or kind in wanted:
            parts.append(f"SELECT {org}{select} FROM day_{table}" + (f" WHERE {condition}" if condition else ""))
            tables.append(table)
    relation_kinds = None if wanted is None else [kind for kind in wanted if kind not in _STRUCTURE]
    if relation_kinds is None:
        parts.append(f"SELECT {org}source, target, kind FROM day_relations")
    elif relation_kinds:
        markers = ", ".join(f"$kind{number}" for number in range(len(relation_kinds)))
        params.update({f"kind{number}": kind for number, kind in enumerate(relation_kinds)})
        parts.append(f"SELECT {org}source, target, kind FROM day_relations WHERE kind IN ({markers})")
    if relation_kinds is None or relation_kinds:
        tables.append("relations")
    if not parts:  # no kind asked for: no rows, in the same shape
        return Query(f"SELECT {org}source, target, kind FROM relations WHERE FALSE", {})
    views = chart_views(dict.fromkeys(tables), corpus=corpus)
    return Query(_with(views) + "\n" + "\nUNION ALL\n".join(parts) + f"\nORDER BY {org}kind, source, target", params)


def holders(day: DayLike, *, corpus: bool = False) -> Query:
    """Who held which post on ``day``, with the post's title and unit and the person's name.

    Columns: ``post``, ``title``, ``unit``, ``person``, ``name``, ``roles``,
    ``overlap`` (after ``org`` with ``corpus``, see :func:`edges`); sorted by
    post, then by when each holding (with its roles) began.

    >>> print(holders("2015-01-01").sql("duckdb").split("\\n)\\n")[-1])
    SELECT h.post, p.title, p.unit, h.person, pe.name, h.roles, h.overlap
    FROM day_holdings h
    LEFT JOIN day_posts p ON p.id = h.post
    LEFT JOIN day_people pe ON pe.id = h.person
    ORDER BY h.post, h.valid_from, h.event_from, h.person
    """
    org, same = ("h.org, ", " AND {0}.org = h.org") if corpus else ("", "")
    views = chart_views(["holdings", "posts", "people"], corpus=corpus)
    return Query(
        _with(views) + "\n"
        f"SELECT {org}h.post, p.title, p.unit, h.person, pe.name, h.roles, h.overlap\n"
        "FROM day_holdings h\n"
        f"LEFT JOIN day_posts p ON p.id = h.post{same.format('p')}\n"
        f"LEFT JOIN day_people pe ON pe.id = h.person{same.format('pe')}\n"
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

    >>> print(
    ...     subtree("kf", "2015-01-01", depth=1).sql("duckdb").split("tree (id, depth) AS (")[-1]
    ... )  # doctest: +ELLIPSIS
      SELECT id, 0 AS depth FROM day_units WHERE id = $unit
      UNION ALL
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
        _with(chart_views(["units"], corpus=corpus)) + ",\n"
        f"tree ({org}id, depth) AS (\n"
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

    >>> print(changes("units", "2014-12-31", "2015-01-01").sql("duckdb").split("\\n),\\n")[-1])  # doctest: +ELLIPSIS
    before AS (SELECT * FROM start_units),
    after AS (SELECT * FROM end_units)
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
        _with([*chart_views([table], "start", corpus=corpus), *chart_views([table], "end", corpus=corpus)]) + ",\n"
        f"before AS (SELECT * FROM start_{table}),\n"
        f"after AS (SELECT * FROM end_{table})\n"
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
