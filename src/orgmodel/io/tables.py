"""The facts of a timeline as effective-dated tables; a chart, a diff or a history as rows.

An organisation's history is a set of facts, each holding from one day up
to (not including) another: a unit's name and parent, who holds a post, who
owns a function.  :func:`facts` writes them out as tables — one row per fact
per stretch of time over which it did not change — the form SQL engines
answer "as of a day" questions over::

    valid_from <= DAY AND (valid_to IS NULL OR valid_to > DAY)

Every table's columns are in :data:`SCHEMA`, which ``docs/tables.md``
documents; the schema is stable: columns may be added, never renamed or
retyped.  The tables are plain Python (lists of values by column) until you
ask for Arrow tables, pandas DataFrames, Parquet or CSV files.

>>> import orgmodel as om
>>> from orgmodel.io import tables
>>> org = om.Timeline(
...     [
...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
...     ]
... )
>>> for row in tables.facts(org).rows("units"):
...     print(row["name"], row["valid_from"], row["valid_to"])
Samordnings- och utvecklingsenheten 2014-05-01 2015-01-01
Förnyelseenheten 2015-01-01 None
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from orgmodel._attributes import Attributes
from orgmodel._bulk import collector_paused
from orgmodel._entities import Entity, Function, Person, Post, Relation, Unit, category_of
from orgmodel._events import Status
from orgmodel.errors import MissingDependencyError

if TYPE_CHECKING:
    from orgmodel._chart import OrgChart
    from orgmodel._diff import DiffLike
    from orgmodel._history import History
    from orgmodel._log import AppliedLog
    from orgmodel._timeline import Timeline

__all__ = ["INTERVAL", "SCHEMA", "Column", "FactTables", "chart_tables", "diff_rows", "facts", "history_rows"]


class Column(NamedTuple):
    """A column of a fact table: its ``name``, ``type`` and what it holds.

    Types are ``string``, ``date``, ``bool``, ``int``, ``strings`` (a list of
    text) and ``json`` (a value as JSON text).
    """

    name: str
    type: str
    description: str


#: The columns every fact table ends with: when the fact held, and what it rests on.
INTERVAL: tuple[Column, ...] = (
    Column("valid_from", "date", "the first day the fact holds: the earliest day of the change that began it"),
    Column("valid_from_latest", "date", "the latest day it may have begun (later than valid_from for a date window)"),
    Column("valid_to", "date", "the first day it no longer holds; null while it still does"),
    Column("valid_to_latest", "date", "the latest day it may have ended (later than valid_to for a date window)"),
    Column(
        "ended_whole",
        "bool",
        "it ended because its entity or relation ended, not because it changed: "
        "a chart shows it on the days valid_to <= day < valid_to_latest, as it may not have ended yet",
    ),
    Column("uncertain", "bool", "its start or its end rests on a change dated by a window of days"),
    Column("planned", "bool", "its start or its end rests on a change that is only planned"),
    Column("status", "string", "the status of the change that began it: planned, decided or implemented"),
    Column("event_from", "int", "the event that began it (events.event)"),
    Column("event_to", "int", "the event that ended it (events.event); null while it holds"),
)

#: Where the flag ``ended_whole`` stands among the interval's columns.
_ENDED_WHOLE = [column.name for column in INTERVAL].index("ended_whole")

_ID = "string"

#: Every table :func:`facts` writes, its own columns first, then :data:`INTERVAL` (all but events and lineage).
SCHEMA: dict[str, tuple[Column, ...]] = {
    "units": (
        Column("id", _ID, "the unit's id"),
        Column("name", "string", "its name"),
        Column("kind", "string", "its kind: a built-in one or one of your own"),
        Column("category", "string", "political, administrative, company or external"),
        Column("parent", _ID, "the unit it sits under; null at the top"),
        *INTERVAL,
    ),
    "posts": (
        Column("id", _ID, "the post's id"),
        Column("title", "string", "its title"),
        Column("kind", "string", "its kind"),
        Column("unit", _ID, "the unit it belongs to; null for none"),
        Column("heads", "bool", "whether it heads that unit"),
        Column("seats", "int", "how many may hold it at once; null for no limit"),
        *INTERVAL,
    ),
    "people": (Column("id", _ID, "the person's id"), Column("name", "string", "their name"), *INTERVAL),
    "functions": (
        Column("id", _ID, "the function's id"),
        Column("name", "string", "its name"),
        Column("kind", "string", "responsibility, process, operation, assignment or one of your own"),
        *INTERVAL,
    ),
    "holdings": (
        Column("post", _ID, "the post"),
        Column("person", _ID, "the person in it"),
        Column("roles", "strings", "their roles there: acting, on-leave, …"),
        Column("overlap", "bool", "held in a hand-over, beside the others, over the post's seats"),
        *INTERVAL,
    ),
    "reporting_lines": (
        Column("post", _ID, "the post"),
        Column("reports_to", _ID, "the post it reports to"),
        *INTERVAL,
    ),
    "function_owners": (
        Column("function", _ID, "the function"),
        Column("owner", _ID, "the unit or post that owns it"),
        *INTERVAL,
    ),
    "relations": (
        Column("kind", "string", "supports, responsible-for, dotted-line, contracted-to or one of your own"),
        Column("source", _ID, "where it runs from"),
        Column("target", _ID, "where it runs to"),
        Column("note", "string", "what more it says"),
        *INTERVAL,
    ),
    "attributes": (
        Column("entity", _ID, "the entity"),
        Column("name", "string", "the field's name"),
        Column("value", "json", "its value, as JSON"),
        *INTERVAL,
    ),
    "identifiers": (
        Column("entity", _ID, "the entity"),
        Column("scheme", "string", "the register the id belongs to"),
        Column("identifier", "string", "its id there"),
        *INTERVAL,
    ),
    "lineage": (
        Column("kind", "string", "merged, absorbed, split, spun-off, partly-absorbed, succeeded or transferred"),
        Column("predecessor", _ID, "where it came from"),
        Column("successor", _ID, "what it led to"),
        Column("function", _ID, "for a transfer, the function that moved"),
        Column("on_earliest", "date", "the earliest day of the link's date"),
        Column("on_latest", "date", "the latest day of the link's date"),
        Column("event", "int", "the event that made the link (events.event)"),
        Column("status", "string", "the status of that event"),
    ),
    "events": (
        Column("event", "int", "the event's number, in the order the timeline applies them"),
        Column("change", "int", "the number of the change it belongs to"),
        Column("entry", "int", "the position of its change in the log as given"),
        Column("type", "string", "establish, dissolve, rename, …"),
        Column("description", "string", "what it does, in words"),
        Column("subjects", "strings", "the ids it names"),
        Column("on", "string", "its date as written (a day or a phrase)"),
        Column("earliest", "date", "the earliest day of its date"),
        Column("latest", "date", "the latest day of its date"),
        Column("precision", "string", "day, month, season, …"),
        Column("status", "string", "planned, decided, implemented or cancelled"),
        Column("document", "string", "the source document"),
        Column("body", "string", "the body that decided"),
        Column("decided", "string", "when it was decided"),
        Column("reference", "string", "the § or diary number"),
        Column("quote", "string", "the sentence it comes from"),
        Column("note", "string", "what a reader should know"),
        Column("applies", "bool", "false when its change was cancelled or a later correction replaced it"),
        Column("change_id", "string", "the id of its change, if it has one"),
        Column("known", "date", "the day its change became known (its own, else its source's date); null: all along"),
        Column("corrects", "string", "the id of the change its change corrects or cancels"),
    ),
}

#: The columns that say which fact a row is about, by table (the rest of a fact's own columns are its value).
_IDENTITY = {
    "units": 1,
    "posts": 1,
    "people": 1,
    "functions": 1,
    "holdings": 2,
    "reporting_lines": 1,
    "function_owners": 1,
    "relations": 3,
    "attributes": 2,
    "identifiers": 2,
}

#: A fact as it stands in one value: (table, identity) → the rest of its columns.
Facts = dict[tuple[str, tuple[Any, ...]], tuple[Any, ...]]


class _ValueFacts:
    """The facts values hold (see :meth:`of`), and which of them a change of value changed (:meth:`changed`).

    Many values share a kind, so each kind's text and category are worked
    out once.
    """

    def __init__(self, categories: Mapping[str, Any]) -> None:
        self.categories = categories
        self.texts: dict[Any, str] = {}
        self.unit_kinds: dict[Any, tuple[str, str]] = {}

    def of(self, value: Entity | Relation | None) -> Facts:
        """The table rows (without their dates) that one value of an entity or relation holds."""
        if value is None:
            return {}
        found = self.own(value)
        if isinstance(value, Relation):
            return found
        if isinstance(value, Post):
            found.update(_holdings(value))
        if value.attributes is not Attributes.EMPTY:
            found.update(_attributes(value))
        if value.identifiers is not Attributes.EMPTY:
            found.update(_identifiers(value))
        return found

    def changed(self, old: Entity | Relation, new: Entity | Relation) -> tuple[Facts, Facts]:
        """The facts ``old`` holds that ``new`` does not hold as they were, and those ``new`` holds anew.

        Most changes touch one field: a value's holders, attributes and
        identifiers are compared only when they are not the very same objects.
        """
        fields = _OWN_FIELDS.get(type(old))
        if fields is None or type(old) is not type(new):  # not a change the library makes, but the rows stay right
            return _compare(self.of(old), self.of(new))
        # The own facts are made of these fields alone (kinds equal as text), so equal fields make equal facts.
        gone, come = _compare(self.own(old), self.own(new)) if fields(old) != fields(new) else ({}, {})
        if isinstance(old, Relation) or isinstance(new, Relation):
            return gone, come
        if isinstance(old, Post) and isinstance(new, Post) and old.holders is not new.holders:
            _compare(_holdings(old), _holdings(new), gone, come)
        if old.attributes is not new.attributes:
            _compare(_attributes(old), _attributes(new), gone, come)
        if old.identifiers is not new.identifiers:
            _compare(_identifiers(old), _identifiers(new), gone, come)
        return gone, come

    def own(self, value: Entity | Relation) -> Facts:
        """The facts of a value's own fields: all but its holders, attributes and identifiers."""
        if isinstance(value, Relation):
            return {("relations", (self.text(value.kind), value.source, value.target)): (value.note,)}
        entity_id = value.id
        if isinstance(value, Unit):
            text, category = self.unit_kind(value.kind)
            return {("units", (entity_id,)): (value.name, text, category, value.parent)}
        if isinstance(value, Post):
            found: Facts = {
                ("posts", (entity_id,)): (value.title, self.text(value.kind), value.unit, value.heads, value.seats)
            }
            if value.reports_to is not None:
                found[("reporting_lines", (entity_id,))] = (value.reports_to,)
            return found
        if isinstance(value, Person):
            return {("people", (entity_id,)): (value.name,)}
        found = {("functions", (entity_id,)): (value.name, self.text(value.kind))}
        if value.owner is not None:
            found[("function_owners", (entity_id,))] = (value.owner,)
        return found

    def text(self, kind: Any) -> str:
        text = self.texts.get(kind)
        if text is None:
            text = self.texts[kind] = str(kind)
        return text

    def unit_kind(self, kind: Any) -> tuple[str, str]:
        """A unit kind's text and the value of its category."""
        found = self.unit_kinds.get(kind)
        if found is None:
            found = self.unit_kinds[kind] = (str(kind), category_of(kind, self.categories).value)
        return found


#: The fields the facts of :meth:`_ValueFacts.own` are made of, by type of value.
_OWN_FIELDS: dict[type, Callable[[Any], Any]] = {
    Unit: attrgetter("name", "kind", "parent"),
    Post: attrgetter("title", "kind", "unit", "heads", "seats", "reports_to"),
    Person: attrgetter("name"),
    Function: attrgetter("name", "kind", "owner"),
    Relation: attrgetter("kind", "source", "target", "note"),
}


def _holdings(post: Post) -> Facts:
    return {("holdings", (post.id, holding.person)): (list(holding.roles), holding.overlap) for holding in post.holders}


def _attributes(value: Entity) -> Facts:
    entity_id = value.id
    return {
        ("attributes", (entity_id, name)): (json.dumps(item, ensure_ascii=False),)
        for name, item in value.attributes.items()
    }


def _identifiers(value: Entity) -> Facts:
    entity_id = value.id
    return {("identifiers", (entity_id, scheme)): (identifier,) for scheme, identifier in value.identifiers.items()}


def _compare(before: Facts, after: Facts, gone: Facts | None = None, come: Facts | None = None) -> tuple[Facts, Facts]:
    """Add to ``gone`` the facts of ``before`` that ``after`` lacks or holds otherwise, to ``come`` the converse."""
    gone = {} if gone is None else gone
    come = {} if come is None else come
    for fact, values in before.items():
        if after.get(fact) != values:
            gone[fact] = values
    for fact, values in after.items():
        if before.get(fact) != values:
            come[fact] = values
    return gone, come


class FactTables:
    """Tables of facts, column by column: plain Python lists until asked for in another form.

    ``tables.rows("units")`` gives rows as dicts; :meth:`to_arrow`,
    :meth:`to_pandas`, :meth:`write_parquet` and :meth:`write_csv` give them
    to other tools.
    """

    def __init__(self, columns: Mapping[str, Mapping[str, list[Any]]], schema: Mapping[str, Sequence[Column]]) -> None:
        self.columns = {name: dict(table) for name, table in columns.items()}
        self.schema = {name: tuple(schema[name]) for name in columns}

    @property
    def names(self) -> tuple[str, ...]:
        """The tables' names."""
        return tuple(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name} {self.count(name):,}" for name in self.columns)
        return f"<FactTables: {sizes}>"

    def count(self, table: str) -> int:
        """How many rows a table has."""
        columns = self._table(table)
        return len(next(iter(columns.values()))) if columns else 0

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of a table, each a dict by column name."""
        columns = self._table(table)
        names = list(columns)
        for values in zip(*columns.values(), strict=True):
            yield dict(zip(names, values, strict=True))

    def _table(self, table: str) -> dict[str, list[Any]]:
        try:
            return self.columns[table]
        except KeyError:
            raise KeyError(f"no table {table!r}: the tables are {', '.join(self.columns)}") from None

    def to_arrow(self) -> dict[str, Any]:
        """Each table as a ``pyarrow.Table`` with the types of :data:`SCHEMA` (needs ``orgmodel[tables]``)."""
        pa = _require("pyarrow", "tables")
        return {
            name: pa.table(
                {
                    column.name: pa.array(self.columns[name][column.name], type=_arrow_type(pa, column.type))
                    for column in self.schema[name]
                }
            )
            for name in self.columns
        }

    def to_pandas(self) -> dict[str, Any]:
        """Each table as a pandas ``DataFrame`` (dates as ``datetime.date``; needs ``orgmodel[tables]``)."""
        _require("pandas", "tables")
        return {name: table.to_pandas() for name, table in self.to_arrow().items()}

    def write_parquet(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write each table to ``DIRECTORY/TABLE.parquet``; returns the paths (needs ``orgmodel[tables]``)."""
        parquet = _require("pyarrow.parquet", "tables")
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, table in self.to_arrow().items():
            path = folder / f"{name}.parquet"
            parquet.write_table(table, path)
            written.append(path)
        return written

    def write_csv(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write each table to ``DIRECTORY/TABLE.csv`` (UTF-8; lists joined with ``;``): no extra needed."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name in self.columns:
            path = folder / f"{name}.csv"
            with path.open("w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow([column.name for column in self.schema[name]])
                for values in zip(*self.columns[name].values(), strict=True):
                    writer.writerow([_csv_cell(value) for value in values])
            written.append(path)
        return written


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(map(str, value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _arrow_type(pa: Any, kind: str) -> Any:
    return {
        "string": pa.string(),
        "json": pa.string(),
        "date": pa.date32(),
        "bool": pa.bool_(),
        "int": pa.int64(),
        "strings": pa.list_(pa.string()),
    }[kind]


def _require(module: str, extra: str) -> Any:
    """Import an optional dependency, or say which extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"this needs {module.partition('.')[0]}, which is not installed: pip install 'orgmodel[{extra}]'"
        ) from None


# --- the facts of a timeline -------------------------------------------------------------------------------


@collector_paused()
def facts(timeline: Timeline) -> FactTables:
    """The facts of a timeline as effective-dated tables (see :data:`SCHEMA`).

    Each row is one fact over a stretch of days in which it did not change;
    a fact that began and ended on the same day (two changes of one day) held
    on no day and has no row, unless its entity ended inside a date window
    (a chart shows it there as possibly not ended yet).  Changes set aside
    (cancelled, or replaced by a correction) make no facts; their events are
    in the ``events`` table, with ``applies`` false.

    >>> import orgmodel as om
    >>> tables = facts(om.examples.nacka())
    >>> tables.count("units") > 40, sorted(tables.names)[:3]
    (True, ['attributes', 'events', 'function_owners'])
    """
    log = timeline._log
    columns: dict[str, dict[str, list[Any]]] = {
        name: {column.name: [] for column in schema} for name, schema in SCHEMA.items()
    }
    _FactWriter(log, columns).run()
    _write_lineage(log, columns["lineage"])
    _write_events(log, columns["events"])
    return FactTables(columns, SCHEMA)


#: A fact that has begun and not yet ended: its values, and the event (position) that began it.
_Begun = tuple[tuple[Any, ...], int]


class _Dated(NamedTuple):
    """A change's date and status, as the interval's columns take them."""

    earliest: dt.date
    latest: dt.date
    exact: bool
    planned: bool
    status: str


def _row(
    identity: tuple[Any, ...],
    values: tuple[Any, ...],
    start: _Dated,
    began: int,
    end: _Dated | None = None,
    ended: int | None = None,
    whole: bool = False,
) -> tuple[Any, ...]:
    """A fact's row: its identity and values, then :data:`INTERVAL` (``end`` is ``None`` while it holds)."""
    if end is None:
        return (
            *identity,
            *values,
            start.earliest,
            start.latest,
            None,
            None,
            False,
            not start.exact,
            start.planned,
            start.status,
            began,
            None,
        )
    return (
        *identity,
        *values,
        start.earliest,
        start.latest,
        end.earliest,
        end.latest,
        whole,
        not (start.exact and end.exact),
        start.planned or end.planned,
        start.status,
        began,
        ended,
    )


class _FactWriter:
    """Reads the log's writes once, in order, and writes out each fact when it ends (or at the end, still open).

    A write compares only the parts of the value it changed (see
    :meth:`_ValueFacts.changed`).  A fact's row is written once the change
    that ended it is over: only then is it known whether that change ended
    the fact's entity or relation whole (the flag ``ended_whole``).
    """

    def __init__(self, log: AppliedLog, columns: dict[str, dict[str, list[Any]]]) -> None:
        self.log = log
        self.columns = columns
        self.values = _ValueFacts(log.categories)
        self.open: dict[tuple[str, tuple[Any, ...]], _Begun] = {}
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _IDENTITY}
        self.dates = [
            _Dated(
                change.on.earliest,
                change.on.latest,
                change.on.is_exact,
                change.status is Status.PLANNED,
                change.status.value,
            )
            for change in log.changes
        ]
        # The facts the current change ended, with the key of the write that ended each; and the keys it ended whole.
        self.ending: list[tuple[tuple[str, tuple[Any, ...]], _Begun, int, Any]] = []
        self.ended: set[Any] = set()

    def run(self) -> None:
        writes, event_change = self.log.deltas, self.log.event_change
        values, opened, ending, ended = self.values, self.open, self.ending, self.ended
        current = -1
        for key, position, old, new in zip(writes.keys, writes.positions, writes.olds, writes.news, strict=True):
            change = event_change[position]
            if change != current:
                self._write_ended(current)
                current = change
            if new is None:
                for fact in values.of(old):
                    ending.append((fact, opened.pop(fact), position, key))
                ended.add(key)
            elif old is None:
                for fact, fact_values in values.of(new).items():
                    opened[fact] = (fact_values, position)
                ended.discard(key)
            else:
                gone, come = values.changed(old, new)
                for fact in gone:
                    ending.append((fact, opened.pop(fact), position, key))
                for fact, fact_values in come.items():
                    opened[fact] = (fact_values, position)
                ended.discard(key)
        self._write_ended(current)
        dates, rows = self.dates, self.rows
        for (table, identity), (fact_values, began) in opened.items():
            rows[table].append(_row(identity, fact_values, dates[event_change[began]], began))
        for name, table_rows in rows.items():
            size = _IDENTITY[name]
            # Each fact's rows together, in the order they began (ids are text, so they sort as text).
            table_rows.sort(key=itemgetter(*range(size), len(SCHEMA[name]) - len(INTERVAL)))
            columns = self.columns[name]
            for column, column_values in zip(SCHEMA[name], zip(*table_rows, strict=True), strict=False):
                columns[column.name].extend(column_values)
            table_rows.clear()  # the columns hold the values now: the rows go before the next table's are copied

    def _write_ended(self, change: int) -> None:
        """Write the rows of the facts that ``change`` ended, now that it is over."""
        if not self.ending:
            self.ended.clear()
            return
        dates, rows, event_change, ended = self.dates, self.rows, self.log.event_change, self.ended
        end = dates[change]
        for (table, identity), (fact_values, began), position, key in self.ending:
            began_change = event_change[began]
            if began_change == change:
                continue  # began and ended in one change: it held on no day
            start = dates[began_change]
            whole = key in ended
            if end.latest <= start.earliest or (end.earliest <= start.earliest and not whole):
                # Surely ended on the day it began, or may have, and a chart never shows it as not ended yet.
                continue
            rows[table].append(_row(identity, fact_values, start, began, end, position, whole))
        self.ending.clear()
        self.ended.clear()


def _write_lineage(log: AppliedLog, table: dict[str, list[Any]]) -> None:
    for link in log.links:
        event = log.events[link.position]
        assert event.on is not None
        assert event.status is not None
        values = (
            link.kind,
            link.predecessor,
            link.successor,
            link.function,
            event.on.earliest,
            event.on.latest,
            link.position,
            event.status.value,
        )
        for column, value in zip(SCHEMA["lineage"], values, strict=True):
            table[column.name].append(value)


def _write_events(log: AppliedLog, table: dict[str, list[Any]]) -> None:
    # The events of a change usually share its date and source: each is read once, while the next event repeats it.
    rows = []
    on_values: tuple[Any, ...] = ()
    source_values: tuple[Any, ...] = ()
    change_values: tuple[Any, ...] = ()
    last_on: object = _NOTHING
    last_source: object = _NOTHING
    last_change = -1
    event_change, changes, entries, applies = log.event_change, log.changes, log.entries, log.record.applies
    for position, event in enumerate(log.events):
        change = event_change[position]
        if change != last_change:
            whole = changes[change]
            change_values = (applies(whole), whole.id, whole.known_on, whole.corrects)
            last_change = change
        on, source, status = event.on, event.source, event.status
        assert on is not None
        assert status is not None
        if on is not last_on:
            on_values = (on.label(), on.earliest, on.latest, on.precision.value)
            last_on = on
        if source is not last_source:
            source_values = (
                (None, None, None, None, None)
                if source is None
                else (
                    source.document or None,
                    source.body,
                    str(source.decided) if source.decided is not None else None,
                    source.reference,
                    source.quote,
                )
            )
            last_source = source
        rows.append(
            (
                position,
                change,
                entries[change],
                event.event_type,
                event.describe(),
                list(event.subjects()),
                *on_values,
                status.value,
                *source_values,
                event.note or None,
                *change_values,
            )
        )
    for column, values in zip(SCHEMA["events"], zip(*rows, strict=True), strict=False):
        table[column.name].extend(values)


#: Stands for "none seen yet" where ``None`` is a value.
_NOTHING = object()


# --- one day, two days, one entity --------------------------------------------------------------------------

#: The columns a chart's tables end with: whether the fact rests on an uncertain or a planned change.
FLAGS: tuple[Column, ...] = (
    Column("uncertain", "bool", "it rests on a change whose date window straddles the day"),
    Column("planned", "bool", "it rests on a change that is only planned"),
)


def chart_tables(chart: OrgChart) -> FactTables:
    """The organisation on one day as tables: the fact tables' own columns, and the day's marks.

    >>> import orgmodel as om
    >>> tables = chart_tables(om.examples.nacka().at("2015-01-01"))
    >>> next(row for row in tables.rows("units") if row["id"] == "samordnings-och-utvecklingsenheten")["name"]
    'Förnyelseenheten'
    """
    schema = {name: (*SCHEMA[name][: len(SCHEMA[name]) - len(INTERVAL)], *FLAGS) for name in _IDENTITY}
    columns: dict[str, dict[str, list[Any]]] = {name: {c.name: [] for c in schema[name]} for name in schema}
    relations = sorted(chart.relations, key=lambda relation: (str(relation.kind), relation.source, relation.target))
    values: list[Entity | Relation] = [*chart.entities.values(), *relations]
    found = _ValueFacts(chart.categories)
    for value in values:
        flags = (chart.is_uncertain(value), chart.is_planned(value))
        for (table, identity), own in found.of(value).items():
            for column, item in zip(schema[table], (*identity, *own, *flags), strict=True):
                columns[table][column.name].append(item)
    return FactTables(columns, schema)


def diff_rows(diff: DiffLike) -> list[dict[str, Any]]:
    """The classified changes of a diff, one row each.

    >>> import orgmodel as om
    >>> rows = diff_rows(om.examples.nacka().diff("2014-12-31", "2015-01-01"))
    >>> next(row for row in rows if row["kind"] == "renamed")["name_after"]
    'Förnyelseenheten'
    """
    rows = []
    for entry in diff:
        subject = entry.subject
        before, after = entry.before, entry.after
        last = entry.events[-1].on if entry.events else None
        rows.append(
            {
                "kind": entry.kind.value,
                "subject": subject if isinstance(subject, str) else f"{subject.source} {subject.kind} {subject.target}",
                "subject_type": "relation" if isinstance(subject, Relation) else _type_of(before or after),
                "name_before": _name(before),
                "name_after": _name(after),
                "related": list(entry.related),
                "description": entry.describe(),
                "on": last.label() if last is not None else None,
                "earliest": last.earliest if last is not None else None,
                "latest": last.latest if last is not None else None,
                "uncertain": entry.uncertain,
                "planned": entry.planned,
                "source": entry.source.cite() if entry.source is not None else None,
                "events": [event.describe() for event in entry.events],
            }
        )
    return rows


def history_rows(history: History) -> list[dict[str, Any]]:
    """The facts of a history, one row each.

    >>> import orgmodel as om
    >>> rows = history_rows(om.examples.nacka().history("förnyelseenheten"))
    >>> [row["value"] for row in rows if row["attribute"] == "name"]
    ['"Samordnings- och utvecklingsenheten"', '"Förnyelseenheten"']
    """
    rows = []
    for fact in history:
        value = fact.value
        if isinstance(value, Relation):
            value = f"{value.source} {value.kind} {value.target}"
        rows.append(
            {
                "subject": fact.subject,
                "attribute": fact.attribute,
                "value": json.dumps(getattr(value, "value", value), ensure_ascii=False, default=str),
                "label": fact.label,
                "since": fact.since.label(),
                "since_earliest": fact.since.earliest,
                "since_latest": fact.since.latest,
                "until": fact.until.label() if fact.until is not None else None,
                "until_earliest": fact.until.earliest if fact.until is not None else None,
                "until_latest": fact.until.latest if fact.until is not None else None,
                "began": fact.began.describe(),
                "ended": fact.ended.describe() if fact.ended is not None else None,
                "status": fact.status.value,
                "source": fact.source.cite() if fact.source is not None else None,
            }
        )
    return rows


def frame(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> Any:
    """Rows as a pandas DataFrame (needs ``orgmodel[tables]``)."""
    pandas = _require("pandas", "tables")
    return pandas.DataFrame.from_records(list(rows), columns=columns)


def _name(value: Entity | Relation | None) -> str | None:
    return value.name if value is not None and not isinstance(value, Relation) else None


def _type_of(value: Entity | Relation | None) -> str:
    return value.entity_type.value if value is not None and not isinstance(value, Relation) else "relation"
