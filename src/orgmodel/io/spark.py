"""The "as of a day" questions on Apache Spark, and a corpus of many organisations built in parallel.

Two jobs, for when one machine is not enough:

* **Questions over many organisations' tables.** :func:`register` makes a
  temporary view per fact table over Parquet files (one organisation's, or a
  corpus's partitioned by organisation); :func:`edges`, :func:`holders`,
  :func:`subtree` and :func:`changes` run :mod:`orgmodel.io.sql`'s queries —
  the same text DuckDB runs — and return Spark DataFrames.
* **Building a corpus.** :func:`build_corpus` loads and validates each
  organisation's timeline as a Spark task, in parallel across organisations,
  and writes all their fact tables partitioned by organisation
  (``TABLE/org=NAME/``); an organisation that fails is reported, and the
  others are written.

One organisation's history stays one task: its events apply in order, each
checked against the state the ones before it left, so validating a single
timeline is sequential (see ``docs/scale-out.md``).

:func:`local_session` gives a quiet session on this machine, for trying
things and for tests; on a cluster, pass the session you have.  Needs
``pip install 'orgmodel[spark]'`` (pyspark 4.1 or later, whose SQL has
``WITH RECURSIVE``) and Java 17 or later.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from orgmodel.dates import DayLike
from orgmodel.errors import InvalidArgumentError, MissingDependencyError
from orgmodel.io import sql
from orgmodel.io.tables import SCHEMA, _require

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from orgmodel._timeline import Timeline

__all__ = ["OrgResult", "build_corpus", "changes", "edges", "holders", "local_session", "register", "subtree"]

#: Spark's logging configuration for :func:`local_session`: errors only.
_LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")


def local_session(cores: int = 2) -> SparkSession:
    """A Spark session in local mode with ``cores`` worker threads, quiet, without a web UI.

    It returns the session already running in this process if there is
    one (Spark allows one per process).  Spark's Python workers run this
    Python (``PYSPARK_PYTHON`` is set to it unless you set it), so they find
    orgmodel; Spark itself logs only errors.

    >>> session = local_session()
    >>> session.range(3).count()
    3
    """
    _require("pyspark", "spark")
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        raise MissingDependencyError(
            "Spark needs Java 17 or later, and no java was found on PATH or in JAVA_HOME: "
            "install a JDK (e.g. apt-get install openjdk-17-jre-headless)"
        )
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder: Any = SparkSession.builder
    session: SparkSession = (
        builder.master(f"local[{cores}]")
        .appName("orgmodel")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(max(1, cores)))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_LOG_CONFIG.as_uri()}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def register(session: SparkSession, source: str | os.PathLike[str], *, org: str | None = None) -> None:
    """Make a temporary view in ``session`` for each fact table in a folder (``units``, ``posts``, …).

    The folder holds one organisation's tables (``TABLE.parquet``) or a
    corpus's (``TABLE/org=NAME/``, as :func:`build_corpus` writes them, with
    a column ``org``); ``org`` keeps one organisation of a corpus (and leaves
    out the column), which the questions of this module need.  Columns have
    the types of :data:`orgmodel.io.tables.SCHEMA`, read without scanning
    the files.

    >>> import tempfile
    >>> import orgmodel as om
    >>> folder = tempfile.mkdtemp()
    >>> _ = om.examples.nacka().facts().write_parquet(folder)
    >>> session = local_session()
    >>> register(session, folder)
    >>> session.sql("SELECT name FROM units WHERE id = 'slk' AND valid_to IS NULL").collect()
    [Row(name='Stadsledningskontoret')]
    """
    folder = Path(source).absolute()  # Spark's JVM resolves a relative path from its own folder, not ours
    if not any((folder / f"{name}.parquet").is_file() or (folder / name).is_dir() for name in SCHEMA):
        raise InvalidArgumentError(
            f"no fact tables in {str(folder)!r}: write them with timeline.facts().write_parquet(folder), "
            f"or a corpus with build_corpus"
        )
    corpus = any((folder / name).is_dir() for name in SCHEMA)
    for name in SCHEMA:
        _table(session, folder, name, org, corpus=corpus).createOrReplaceTempView(name)


def _table(session: SparkSession, folder: Path, table: str, org: str | None, *, corpus: bool) -> DataFrame:
    """A table as a DataFrame: its Parquet file, its corpus partitions, or no rows in its columns."""
    single, partitions = folder / f"{table}.parquet", folder / table
    if single.is_file():
        if org is not None:
            raise InvalidArgumentError(
                f"org={org!r} picks an organisation from a corpus folder, but {str(folder)!r} holds one "
                f"organisation's tables ({single.name}); leave org out"
            )
        return session.read.schema(_ddl(table)).parquet(str(single))
    if partitions.is_dir() and any(partitions.glob("*/*.parquet")):
        frame = session.read.schema(_ddl(table, org=True)).parquet(str(partitions))
    else:  # a table no organisation had rows for: Spark wrote no file for it
        frame = session.createDataFrame([], _ddl(table, org=corpus))
    if org is not None:
        from pyspark.sql import functions

        frame = frame.where(functions.col("org") == org).drop("org")
    return frame


def _ddl(table: str, *, org: bool = False) -> str:
    """A table's columns as Spark's DDL (``id STRING, …``), with the partition column ``org`` last if asked."""
    columns = [f"`{name}` {kind}" for name, kind in sql.column_types(table, "spark").items()]
    return ", ".join([*columns, "`org` STRING"] if org else columns)


def _run(session: SparkSession, question: sql.Query) -> DataFrame:
    return session.sql(question.sql("spark"), args=question.params)


def _corpus(session: SparkSession) -> bool:
    """Whether the views hold a corpus (a column ``org``): then every answer carries it."""
    return "org" in session.table("units").columns


def edges(
    session: SparkSession, day: DayLike, *, kinds: Iterable[str] | None = ("contains", "reports_to")
) -> DataFrame:
    """The edges in force on ``day``, ``(source, target, kind)``, from the views :func:`register` made.

    The same query as :func:`orgmodel.io.duck.edges` (see :func:`.sql.edges`).

    >>> import tempfile
    >>> import orgmodel as om
    >>> folder = tempfile.mkdtemp()
    >>> _ = om.examples.nacka().facts().write_parquet(folder)
    >>> session = local_session()
    >>> register(session, folder)
    >>> for row in edges(session, "2015-01-01", kinds=["contains"]).head(2):
    ...     print(row)
    Row(source='kf', target='aldrenamnden', kind='contains')
    Row(source='kf', target='arbets-och-foretagsnamnden', kind='contains')
    """
    return _run(session, sql.edges(day, kinds=kinds, corpus=_corpus(session)))


def holders(session: SparkSession, day: DayLike) -> DataFrame:
    """Who held which post on ``day`` (see :func:`.sql.holders` for the columns).

    >>> import tempfile
    >>> import orgmodel as om
    >>> folder = tempfile.mkdtemp()
    >>> _ = om.examples.nacka().facts().write_parquet(folder)
    >>> session = local_session()
    >>> register(session, folder)
    >>> holders(session, "2015-01-01").first().person
    'mats-bohman'
    """
    return _run(session, sql.holders(day, corpus=_corpus(session)))


def subtree(session: SparkSession, unit: str, day: DayLike, *, depth: int | None = None) -> DataFrame:
    """A unit (by id) and the units below it on ``day`` (see :func:`.sql.subtree` for the columns).

    >>> import tempfile
    >>> import orgmodel as om
    >>> folder = tempfile.mkdtemp()
    >>> _ = om.examples.nacka().facts().write_parquet(folder)
    >>> session = local_session()
    >>> register(session, folder)
    >>> [row.id for row in subtree(session, "ks", "2015-01-01", depth=1).collect()][:3]
    ['ks', 'brottsforebyggande-radet', 'funktionsnedsattningsradet']
    """
    return _run(session, sql.subtree(unit, day, depth=depth, corpus=_corpus(session)))


def changes(session: SparkSession, start: DayLike, end: DayLike) -> dict[str, DataFrame]:
    """What began and what ended between two days, by table (see :func:`.sql.changes` for the columns).

    >>> import tempfile
    >>> import orgmodel as om
    >>> folder = tempfile.mkdtemp()
    >>> _ = om.examples.nacka().facts().write_parquet(folder)
    >>> session = local_session()
    >>> register(session, folder)
    >>> [(row.change, row.name) for row in changes(session, "2014-12-31", "2015-01-01")["units"].collect()[1:3]]
    [('ended', 'Byggenheten'), ('began', 'Enheten för fastighetsutveckling')]
    """
    corpus = _corpus(session)
    return {table: _run(session, sql.changes(table, start, end, corpus=corpus)) for table in sql.DATED_TABLES}


# --- a corpus of organisations ------------------------------------------------------------------------------


@attrs.frozen
class OrgResult:
    """What building one organisation of a corpus gave: its rows written, or the error that stopped it.

    ``org`` is its name (its partition, ``org=NAME``), ``source`` the file
    or ``"<timeline>"`` it came from, ``error`` what went wrong (``None`` when
    it was built), ``events`` how many events its timeline has, ``rows`` the
    rows written per table, ``seconds`` how long its task took.
    """

    org: str
    source: str
    error: str | None = None
    events: int = 0
    rows: Mapping[str, int] = attrs.field(factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the organisation was built and written."""
        return self.error is None


#: One organisation as shipped to a task: its name, and a file's path or a timeline's changes and categories.
_Item = tuple[str, str, Any]


def build_corpus(
    session: SparkSession,
    organisations: Mapping[str, str | os.PathLike[str] | Timeline] | Iterable[str | os.PathLike[str]],
    directory: str | os.PathLike[str],
    *,
    partitions: int | None = None,
) -> list[OrgResult]:
    """Load and validate every organisation as a Spark task, and write their fact tables partitioned by ``org``.

    ``organisations`` are files in the orgmodel format (YAML or JSON; named
    by their stem) or a mapping from name to file or
    :class:`~orgmodel.Timeline`.  Files are read by the tasks, so on a
    cluster they must be on a file system every worker sees.  Each task
    loads one organisation — which validates every event of it, in order —
    and works out its fact tables; Spark then writes each table to
    ``DIRECTORY/TABLE/org=NAME/`` (replacing what was there), ready for
    :func:`register` and :func:`orgmodel.io.duck.connect`.  An organisation
    that fails to load is left out and reported with its error; the others
    are written.  Returns one :class:`OrgResult` per organisation, by name.

    >>> import tempfile
    >>> import orgmodel as om
    >>> nacka = om.examples.nacka()
    >>> broken = tempfile.mktemp(suffix=".yaml")
    >>> _ = Path(broken).write_text("orgmodel: 1\\nevents:\\n  - {rename: nowhere, name: X, on: 2015-01-01}\\n")
    >>> results = build_corpus(local_session(), {"nacka": nacka, "broken": broken}, tempfile.mkdtemp())
    >>> [(result.org, result.ok, result.rows.get("units")) for result in results]
    [('broken', False, None), ('nacka', True, 50)]
    >>> print(results[0].error)  # doctest: +ELLIPSIS
    FormatError: ...unknown entity 'nowhere'...
    """
    items = _items(organisations)
    if not items:
        raise InvalidArgumentError("build_corpus needs at least one organisation")
    context = session.sparkContext
    slices = partitions if partitions is not None else min(len(items), 4 * context.defaultParallelism)
    built = context.parallelize(items, max(1, slices)).map(_build).persist()
    try:
        folder = Path(directory).absolute()  # Spark's JVM resolves a relative path from its own folder, not ours
        for table in SCHEMA:
            rows = built.flatMap(functools.partial(_rows, table))
            frame = session.createDataFrame(rows, _ddl(table, org=True), verifySchema=False)
            frame.write.mode("overwrite").partitionBy("org").parquet(str(folder / table))
        results: list[OrgResult] = built.map(_result).collect()
    finally:
        built.unpersist()
    return sorted(results, key=lambda result: result.org)


def _items(
    organisations: Mapping[str, str | os.PathLike[str] | Timeline] | Iterable[str | os.PathLike[str]],
) -> list[_Item]:
    """Each organisation as a task gets it; names checked on the driver, before any task runs."""
    from orgmodel._timeline import Timeline

    named: Iterable[tuple[str, Any]]
    if isinstance(organisations, (str, os.PathLike)):
        raise InvalidArgumentError(
            f"organisations must be several files or a mapping of names, got one path {os.fspath(organisations)!r}: "
            f"pass [path] for one, or folder.glob('*.yaml') for a folder's"
        )
    if isinstance(organisations, Mapping):
        named = organisations.items()
    else:
        named = [(Path(path).stem, path) for path in organisations]
    items: list[_Item] = []
    seen: set[str] = set()
    for org, source in named:
        if not isinstance(org, str) or not org:
            raise InvalidArgumentError(f"an organisation's name must be non-empty text, got {org!r}")
        if org in seen:
            raise InvalidArgumentError(
                f"two organisations are named {org!r}: names are their partitions (org={org}); name each once"
            )
        seen.add(org)
        if isinstance(source, Timeline):
            # A timeline does not pickle; its changes do, and the task builds (and so validates) it again.
            items.append((org, "timeline", (source.changes, dict(source.categories))))
        elif isinstance(source, (str, os.PathLike)):
            # A task may run in another folder (a worker started before a chdir, or on another machine with the
            # same mount): it gets the path as given, for messages, and as the driver resolves it, to read.
            given = os.fspath(source)
            items.append((org, "file", (given, os.path.abspath(given))))
        else:
            raise InvalidArgumentError(
                f"organisation {org!r} must be a file's path or an orgmodel.Timeline, got {type(source).__name__}"
            )
    return items


#: What a task keeps of one organisation: name, source, error, events, rows by table, seconds.
_Built = tuple[str, str, "str | None", int, dict[str, list[tuple[Any, ...]]], float]


def _build(item: _Item) -> _Built:
    """One task: load (and so validate) an organisation's timeline and work out its fact tables."""
    import orgmodel as om

    org, kind, payload = item
    source = payload[0] if kind == "file" else "<timeline>"
    start = time.perf_counter()
    try:
        if kind == "file":
            given, absolute = payload
            timeline = om.load(given if os.path.abspath(given) == absolute else absolute)
        else:
            changes, categories = payload
            timeline = om.Timeline(changes, categories=categories)
        facts = timeline.facts()
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        if kind == "file":  # say the path as the caller gave it, wherever the task read it
            message = message.replace(payload[1], payload[0])
        return (org, source, message, 0, {}, time.perf_counter() - start)
    rows = {name: list(zip(*facts.columns[name].values(), strict=True)) for name in facts.names}
    return (org, source, None, len(timeline.events), rows, time.perf_counter() - start)


def _rows(table: str, built: _Built) -> Iterator[tuple[Any, ...]]:
    org, rows = built[0], built[4]
    for row in rows.get(table, ()):
        yield (*row, org)


def _result(built: _Built) -> OrgResult:
    org, source, error, events, rows, seconds = built
    counts = {name: len(table) for name, table in rows.items()}
    return OrgResult(org, source, error, events, counts, seconds)
