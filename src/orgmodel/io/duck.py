"""The "as of a day" questions answered by DuckDB, in-process, over the Parquet fact tables.

Write a timeline's facts once (``timeline.facts().write_parquet(folder)``),
then :func:`connect` opens a DuckDB connection with a view per table and
:func:`edges`, :func:`holders`, :func:`subtree` and :func:`changes` answer
the same questions as :meth:`~orgmodel.Timeline.edges`,
:meth:`~orgmodel.Timeline.at` and :meth:`~orgmodel.Timeline.diff` — from the
files, without building the timeline again.  Each returns a DuckDB relation:
``.fetchall()`` for tuples, ``.df()`` for pandas, ``.arrow()`` for Arrow, or
more SQL on top.  The SQL is :mod:`orgmodel.io.sql`'s, shared with Spark.
Needs ``pip install 'orgmodel[duckdb]'``.

>>> import tempfile
>>> import orgmodel as om
>>> from orgmodel.io import duck
>>> folder = tempfile.mkdtemp()
>>> _ = om.examples.nacka().facts().write_parquet(folder)
>>> db = duck.connect(folder)
>>> db.sql("SELECT count(*) FROM units WHERE valid_to IS NULL").fetchall()
[(40,)]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from orgmodel.dates import DayLike
from orgmodel.errors import InvalidArgumentError
from orgmodel.io import sql
from orgmodel.io.tables import SCHEMA, FactTables, _require

if TYPE_CHECKING:
    from collections.abc import Iterable

    import duckdb

__all__ = ["changes", "connect", "edges", "holders", "query", "subtree"]


def connect(
    source: str | os.PathLike[str] | FactTables,
    *,
    org: str | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view for each fact table (``units``, ``posts``, ``holdings``, …).

    ``source`` is a folder of fact tables: one organisation's
    (``TABLE.parquet``, as :meth:`~orgmodel.io.tables.FactTables.write_parquet`
    writes them) or a corpus's (``TABLE/org=NAME/*.parquet``, as
    :func:`orgmodel.io.spark.build_corpus` writes them, with a column ``org``);
    or a :class:`~orgmodel.io.tables.FactTables` to query in memory.  For a
    corpus, ``org`` keeps one organisation's rows (and leaves out the column),
    which the questions of this module need: ids are unique only within an
    organisation.  The views go into ``connection`` (default: a new in-memory
    database).

    >>> import tempfile
    >>> import orgmodel as om
    >>> folder = tempfile.mkdtemp()
    >>> _ = om.examples.nacka().facts().write_parquet(folder)
    >>> db = connect(folder)
    >>> db.sql("SELECT name FROM units WHERE id = 'slk' AND valid_to IS NULL").fetchall()
    [('Stadsledningskontoret',)]
    """
    duckdb_module = _require("duckdb", "duckdb")
    database = connection if connection is not None else duckdb_module.connect()
    if isinstance(source, FactTables):
        if org is not None:
            raise InvalidArgumentError("org picks an organisation from a corpus folder; fact tables hold one already")
        for name, table in source.to_arrow().items():
            database.register(f"_orgmodel_{name}", table)
            database.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM _orgmodel_{name}")
        return database
    folder = Path(source)
    found = [name for name in SCHEMA if (folder / f"{name}.parquet").is_file() or (folder / name).is_dir()]
    if not found:
        raise InvalidArgumentError(
            f"no fact tables in {str(folder)!r}: write them with timeline.facts().write_parquet(folder), "
            f"or a corpus with orgmodel.io.spark.build_corpus"
        )
    corpus = any((folder / name).is_dir() for name in found)
    for name in SCHEMA:
        database.execute(f"CREATE OR REPLACE VIEW {name} AS {_view(folder, name, org, corpus=corpus)}")
    return database


def _view(folder: Path, table: str, org: str | None, *, corpus: bool) -> str:
    """The SELECT a table's view runs: its Parquet file, its corpus partitions, or no rows in its columns."""
    single = folder / f"{table}.parquet"
    partitions = folder / table
    if single.is_file():
        if org is not None:
            raise InvalidArgumentError(
                f"org={org!r} picks an organisation from a corpus folder, but {str(folder)!r} holds one "
                f"organisation's tables ({single.name}); leave org out"
            )
        return f"SELECT * FROM read_parquet({_literal(str(single))})"
    if partitions.is_dir() and any(partitions.glob("*/*.parquet")):
        files = _literal(str(partitions / "*" / "*.parquet"))
        read = f"read_parquet({files}, hive_partitioning = true, hive_types = {{'org': VARCHAR}})"
        if org is None:
            return f"SELECT * FROM {read}"
        return f"SELECT * EXCLUDE (org) FROM {read} WHERE org = {_literal(org)}"
    # A table no organisation had rows for: Spark writes no file for it, so its view is typed by hand.
    columns = dict(sql.column_types(table, "duckdb"))
    if corpus and org is None:
        columns["org"] = "VARCHAR"
    typed = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in columns.items())
    return f"SELECT {typed} WHERE FALSE"


def _literal(text: str) -> str:
    """Text as an SQL string literal (views take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def query(connection: duckdb.DuckDBPyConnection, question: sql.Query) -> duckdb.DuckDBPyRelation:
    """Run a :class:`~orgmodel.io.sql.Query` on a connection from :func:`connect`.

    >>> import orgmodel as om
    >>> from orgmodel.io import sql
    >>> db = connect(om.examples.nacka().facts())
    >>> day = om.dates.parse_day("2015-01-01")
    >>> query(db, sql.Query("SELECT count(*) FROM units WHERE " + sql.as_of(), {"day": day})).fetchall()
    [(40,)]
    """
    return connection.sql(question.sql("duckdb"), params=question.params)


def edges(
    connection: duckdb.DuckDBPyConnection, day: DayLike, *, kinds: Iterable[str] | None = ("contains", "reports_to")
) -> duckdb.DuckDBPyRelation:
    """The edges in force on ``day``, ``(source, target, kind)``, as :meth:`orgmodel.Timeline.edges` gives them.

    See :func:`.sql.edges` for ``kinds`` and the order.

    >>> import orgmodel as om
    >>> db = connect(om.examples.nacka().facts())
    >>> edges(db, "2015-01-01", kinds=["contains"]).fetchall()[:2]
    [('kf', 'aldrenamnden', 'contains'), ('kf', 'arbets-och-foretagsnamnden', 'contains')]
    """
    return query(connection, sql.edges(day, kinds=kinds, corpus=_corpus(connection)))


def holders(connection: duckdb.DuckDBPyConnection, day: DayLike) -> duckdb.DuckDBPyRelation:
    """Who held which post on ``day`` (see :func:`.sql.holders` for the columns).

    >>> import orgmodel as om
    >>> db = connect(om.examples.nacka().facts())
    >>> holders(db, "2015-01-01").fetchall()[0]
    ('administrativ-direktor', 'Administrativ direktör', 'slk', 'mats-bohman', 'Mats Bohman', [], False)
    """
    return query(connection, sql.holders(day, corpus=_corpus(connection)))


def subtree(
    connection: duckdb.DuckDBPyConnection, unit: str, day: DayLike, *, depth: int | None = None
) -> duckdb.DuckDBPyRelation:
    """A unit (by id) and the units below it on ``day`` (see :func:`.sql.subtree` for the columns).

    >>> import orgmodel as om
    >>> db = connect(om.examples.nacka().facts())
    >>> for row in subtree(db, "ks", "2015-01-01", depth=1).fetchall()[:3]:
    ...     print(row)
    ('ks', 'Kommunstyrelsen', 'board', None, 0)
    ('brottsforebyggande-radet', 'Brottsförebyggande rådet', 'council', 'ks', 1)
    ('funktionsnedsattningsradet', 'Rådet för frågor kring funktionsnedsättning', 'council', 'ks', 1)
    """
    return query(connection, sql.subtree(unit, day, depth=depth, corpus=_corpus(connection)))


def changes(connection: duckdb.DuckDBPyConnection, start: DayLike, end: DayLike) -> dict[str, duckdb.DuckDBPyRelation]:
    """What began and what ended between two days, by table (see :func:`.sql.changes` for the columns).

    >>> import orgmodel as om
    >>> db = connect(om.examples.nacka().facts())
    >>> units = changes(db, "2014-12-31", "2015-01-01")["units"]
    >>> for row in units.project("change, id, name, valid_from, valid_to, event").fetchall()[1:3]:
    ...     print(row)
    ('ended', 'byggenheten', 'Byggenheten', datetime.date(1, 1, 1), datetime.date(2015, 1, 1), 151)
    ('began', 'byggenheten', 'Enheten för fastighetsutveckling', datetime.date(2015, 1, 1), None, 151)
    """
    corpus = _corpus(connection)
    return {table: query(connection, sql.changes(table, start, end, corpus=corpus)) for table in sql.DATED_TABLES}


def _corpus(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether the views hold a corpus (a column ``org``): then every answer carries it."""
    return "org" in connection.sql("SELECT * FROM units LIMIT 0").columns
