"""A validated timeline from tables: units, posts, people, appointments, functions, relations and links.

Registers and HR systems keep an organisation as tables of periods: a unit
with its parent from one day to another, a person in a post from a start to
an end.  :func:`read_tables` turns such tables into dated events and builds a
timeline from them — the same events and checks as a hand-written file —
working out for you the order of what happens on one day (people leave
before others are appointed, units are set up before posts are put in them,
emptied before they are dissolved).  Every problem is reported at once, each
with ``file:row:column``, and nothing is half-loaded.

Each table is a CSV file, a sheet of an XLSX workbook (``orgmodel[xlsx]``),
a pandas DataFrame or a list of dicts.  Their columns (only the ones in bold
are needed; any other column of a unit, post, person or function is a field
of your own, and ``identifier:SCHEME`` columns are its ids in other
registers):

* ``units``: **id**, **name**, kind, parent, **start**, end, aliases — a unit
  may have several rows, one per period, back to back: a new name or parent
  from a row's start is a rename or a move;
* ``posts``: **id**, **title**, kind, unit, heads, reports_to, seats, **start**,
  end — also by period;
* ``people``: **id**, **name**, aliases, start, end — by period too; without a
  start, a person comes with their first appointment or relation;
* ``appointments``: **post**, **person**, **start**, end, roles (separated by
  ``;``), overlap (a hand-over), person_name, post_title — back-to-back rows
  of one person in one post are one holding whose roles change; without a
  posts (or people) table, the posts (or people) are made from these rows;
* ``functions``: **id**, **name**, kind, owner, **start**, end;
* ``relations``: **kind**, **source**, **target**, note, **start**, end;
* ``links``: **predecessor**, **successor**, kind, **date** — lineage links
  (``succeeded`` unless said).

Every table may also have ``source``, ``quote`` and ``status`` columns.
Dates are ISO days or any phrase orgmodel reads (``våren 2015``); an empty
end is an open end.  ``end`` is the first day a period no longer holds
(``end="inclusive"`` reads it as its last day).  With only an appointments
table, posts and people are made from it: a post with as many seats as the
most people who held it at once.

>>> from orgmodel.io import importing
>>> org = importing.read_tables(
...     appointments=[
...         {"post": "finance", "person": "ann", "start": "2001-01-01", "end": "2004-06-01"},
...         {"post": "finance", "person": "bob", "start": "2004-06-01", "end": ""},
...     ]
... )
>>> org.at("2005-01-01").holder("finance").id
'bob'
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeAlias

import attrs

from orgmodel import _names
from orgmodel._entities import Function, Person, Post, Relation, Unit
from orgmodel._events import (
    AddRelation,
    Appoint,
    Change,
    Dissolve,
    Establish,
    Event,
    LinkKind,
    Move,
    RemoveRelation,
    Rename,
    SetAttributes,
    SetHead,
    SetReportingLine,
    SetRoles,
    Source,
    Status,
    Succeed,
    Transfer,
    Vacate,
)
from orgmodel._timeline import Timeline
from orgmodel._trees import closes_loop
from orgmodel.dates import When, parse_when
from orgmodel.errors import FormatError, InvalidArgumentError, Location, OrgModelError, PostOccupiedError
from orgmodel.io._text import read_utf8

_EntityType: TypeAlias = "type[Unit] | type[Post] | type[Person] | type[Function]"

__all__ = ["PHASES", "TABLES", "read_tables", "read_workbook", "table_changes"]

#: A table as :func:`read_tables` takes it: a CSV path, ``(xlsx path, sheet)``, a DataFrame, or rows as dicts.
TableLike: TypeAlias = "str | os.PathLike[str] | tuple[str | os.PathLike[str], str] | Iterable[Mapping[str, Any]] | Any"

#: The tables, their columns, and which of them are required.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "units": (("id", "name", "kind", "parent", "start", "end", "aliases"), ("id", "name", "start")),
    "posts": (
        ("id", "title", "kind", "unit", "heads", "reports_to", "seats", "start", "end", "aliases"),
        ("id", "title", "start"),
    ),
    "people": (("id", "name", "aliases", "start", "end"), ("id", "name")),
    "appointments": (
        ("post", "person", "start", "end", "roles", "overlap", "person_name", "post_title"),
        ("post", "person", "start"),
    ),
    "functions": (("id", "name", "kind", "owner", "start", "end", "aliases"), ("id", "name", "start")),
    "relations": (("kind", "source", "target", "note", "start", "end"), ("kind", "source", "target", "start")),
    "links": (("predecessor", "successor", "kind", "date"), ("predecessor", "successor", "date")),
}
#: Columns every table may have.
COMMON = ("source", "quote", "status")
#: The start of a person's first period when the table gives none: their first appointment or relation decides.
UNKNOWN = When.exact(dt.date.max)
#: Tables whose other columns are fields of the user's own.
_ENTITY_TABLES = ("units", "posts", "people", "functions")
_FAR_FUTURE = dt.date.max


# --- reading tables ---------------------------------------------------------------------------------------


@attrs.frozen
class _Row:
    """One row of a table: its cells by column, and where it is (for messages)."""

    table: str
    file: str
    number: int
    cells: Mapping[str, Any]
    columns: Mapping[str, int]

    def where(self, column: str | None = None) -> Location:
        return Location(self.file, self.number, self.columns.get(column, 0) if column else 0)


def _read(name: str, source: TableLike) -> list[_Row]:
    """The rows of one table, from whatever it was given as."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.suffix.casefold() in (".xlsx", ".xlsm"):
            return _read_sheet(name, path, name)
        return _read_csv(name, path)
    if isinstance(source, tuple) and len(source) == 2 and isinstance(source[1], str):
        workbook: Any = source[0]
        return _read_sheet(name, Path(workbook), source[1])
    if hasattr(source, "to_dict") and hasattr(source, "columns"):  # a pandas DataFrame
        records = source.to_dict(orient="records")
        return _from_records(name, f"<{name} DataFrame>", [str(column) for column in source.columns], records, 2)
    if isinstance(source, Iterable):
        records = list(source)
        columns: list[str] = []
        for record in records:
            if not isinstance(record, Mapping):
                raise InvalidArgumentError(f"the {name} table must be rows as mappings, got {record!r}")
            columns.extend(key for key in record if key not in columns)
        return _from_records(name, f"<{name}>", columns, records, 1)
    raise InvalidArgumentError(
        f"the {name} table must be a CSV path, (xlsx path, sheet), a DataFrame or a list of dicts, got {source!r}"
    )


def _read_csv(name: str, path: Path) -> list[_Row]:
    text = read_utf8(path, f"the {name} table")
    # A spreadsheet saved where the comma is the decimal sign (Swedish Excel) separates with semicolons.
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return []
    header = [cell.strip() for cell in rows[0]]
    records = [dict(zip(header, row, strict=False)) for row in rows[1:] if any(cell.strip() for cell in row)]
    numbers = [number for number, row in enumerate(rows[1:], start=2) if any(cell.strip() for cell in row)]
    return [
        _Row(name, str(path), number, record, {column: index for index, column in enumerate(header, start=1)})
        for number, record in zip(numbers, records, strict=True)
    ]


def _read_sheet(name: str, path: Path, sheet: str) -> list[_Row]:
    from orgmodel.io.tables import _require

    openpyxl = _require("openpyxl", "xlsx")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as error:
        raise FormatError([f"{path}: cannot read the workbook: {error}"]) from None
    if sheet not in workbook.sheetnames:
        raise FormatError([f"{path}: no sheet {sheet!r} for the {name} table; the sheets are {workbook.sheetnames}"])
    rows = list(workbook[sheet].iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    found = []
    for number, row in enumerate(rows[1:], start=2):
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        record = dict(zip(header, row, strict=False))
        found.append(_Row(name, f"{path}[{sheet}]", number, record, {c: i for i, c in enumerate(header, start=1)}))
    return found


def _from_records(name: str, file: str, columns: list[str], records: list[Any], first: int) -> list[_Row]:
    positions = {column: index for index, column in enumerate(columns, start=1)}
    return [_Row(name, file, number, dict(record), positions) for number, record in enumerate(records, start=first)]


def read_workbook(path: str | os.PathLike[str], **options: Any) -> Timeline:
    """A timeline from an XLSX workbook whose sheets are named after the tables (``units``, ``appointments``…).

    ``options`` are those of :func:`read_tables`.
    """
    from orgmodel.io.tables import _require

    openpyxl = _require("openpyxl", "xlsx")
    try:
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
    except (OSError, ValueError, KeyError) as error:
        raise FormatError([f"{os.fspath(path)}: cannot read the workbook: {error}"]) from None
    sheets: dict[str, Any] = {name: (path, name) for name in TABLES if name in names}
    if not sheets:
        raise FormatError([f"{os.fspath(path)}: no sheet is named after a table ({', '.join(TABLES)})"])
    return read_tables(**sheets, **options)


# --- cells ------------------------------------------------------------------------------------------------


class _Bad(Exception):  # noqa: N818 - control flow inside the importer, never seen by users
    """A cell that cannot be used; the problem is already recorded."""


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


class _Cells:
    """Typed reading of cells, recording every problem with its place."""

    def __init__(self, end: Literal["exclusive", "inclusive"]) -> None:
        self.problems: list[tuple[str, int, int, str]] = []
        self.end = end

    def fail(self, row: _Row, column: str | None, message: str) -> None:
        where = row.where(column)
        self.problems.append((where.file, where.line, where.column, f"{where}: {message}"))

    def text(self, row: _Row, column: str, *, required: bool = False) -> str | None:
        value = row.cells.get(column)
        if _blank(value):
            if required:
                self.fail(row, column if column in row.columns else None, f"{row.table} needs {column!r}")
                raise _Bad
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def ident(self, row: _Row, column: str, *, required: bool = False) -> str | None:
        return self.text(row, column, required=required)

    def need(self, row: _Row, column: str) -> str:
        """The text of a required cell (a missing one is a problem, and skips the row)."""
        found = self.text(row, column, required=True)
        assert found is not None
        return found

    def need_when(self, row: _Row, column: str) -> When:
        """The date of a required cell (a missing one is a problem, and skips the row)."""
        found = self.when(row, column, required=True)
        assert found is not None
        return found

    def when(self, row: _Row, column: str, *, required: bool = False, ending: bool = False) -> When | None:
        value = row.cells.get(column)
        if _blank(value):
            if required:
                self.fail(row, column if column in row.columns else None, f"{row.table} needs {column!r}")
                raise _Bad
            return None
        try:
            if value is not None and hasattr(value, "to_pydatetime"):  # a pandas Timestamp
                value = value.to_pydatetime()
            if isinstance(value, dt.datetime):
                value = value.date()
            when = When.exact(value) if isinstance(value, dt.date) else parse_when(str(value).strip())
        except OrgModelError as error:
            self.fail(row, column, f"{column!r} is not a date: {error}")
            raise _Bad from None
        if ending and self.end == "inclusive":
            # The last day it held: the period ends (exclusively) the day after.
            one = dt.timedelta(days=1)
            when = When(
                min(when.earliest + one, dt.date.max), min(when.latest + one, dt.date.max), when.precision, when.text
            )
        return when

    def boolean(self, row: _Row, column: str) -> bool:
        value = row.cells.get(column)
        if _blank(value):
            return False
        if isinstance(value, bool):
            return value
        text = str(value).strip().casefold()
        if text in ("true", "yes", "1", "ja", "x"):
            return True
        if text in ("false", "no", "0", "nej"):
            return False
        self.fail(row, column, f"{column!r} must be true or false, got {value!r}")
        raise _Bad

    def seats(self, row: _Row, column: str) -> int | None:
        value = row.cells.get(column)
        if _blank(value):
            return 1
        if str(value).strip().casefold() in ("unlimited", "none", "any"):
            return None
        try:
            number = int(float(str(value).strip()))
        except ValueError:
            number = 0
        if number < 1:
            self.fail(row, column, f"'seats' must be a whole number of 1 or more, or 'unlimited', got {value!r}")
            raise _Bad
        return number

    def names(self, row: _Row, column: str) -> tuple[str, ...]:
        text = self.text(row, column)
        if text is None:
            return ()
        return tuple(part.strip() for part in re.split(r"[;|]", text) if part.strip())

    def source(self, row: _Row, default: Source | None) -> Source | None:
        document, quote = self.text(row, "source"), self.text(row, "quote")
        if document is None and quote is None:
            return default
        base = Source(document) if document is not None else default or Source()
        return attrs.evolve(base, quote=quote) if quote is not None else base

    def status(self, row: _Row) -> Status:
        text = self.text(row, "status")
        if text is None:
            return Status.DECIDED
        try:
            return Status(text.casefold())
        except ValueError:
            self.fail(row, "status", f"'status' must be planned, decided, implemented or cancelled, got {text!r}")
            raise _Bad from None

    def own_fields(self, row: _Row, known: Sequence[str]) -> tuple[dict[str, Any], dict[str, str]]:
        """The row's other columns: fields of the user's own, and ``identifier:SCHEME`` ids."""
        attributes: dict[str, Any] = {}
        identifiers: dict[str, str] = {}
        for column, value in row.cells.items():
            if column in known or column in COMMON or _blank(value):
                continue
            if column.startswith("identifier:"):
                identifiers[column.split(":", 1)[1]] = str(value).strip()
            else:
                attributes[column] = _plain(value)
        return attributes, identifiers


def _plain(value: object) -> object:
    """A cell as the plain value it looks like: a whole number, a number, true/false, or text."""
    if isinstance(value, (bool, int)) or (isinstance(value, float) and math.isfinite(value)):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if text.casefold() in ("true", "false"):
        return text.casefold() == "true"
    return text


# --- periods of one entity --------------------------------------------------------------------------------


class _Period(NamedTuple):
    """One row of an entity that may have several: what it was from ``start`` to ``end``."""

    row: _Row
    start: When
    end: When | None
    values: Mapping[str, Any]
    source: Source | None
    status: Status


class _Said(NamedTuple):
    """The status and source a row gives its events."""

    status: Status
    source: Source | None


class _Step(NamedTuple):
    """One event on one day, with the phase that orders it among that day's events."""

    phase: float
    event: Event
    origin: Location


#: The order of one day's events: who leaves and what ends first, then what is set up, then what moves, then what
#: is emptied out and dissolved, then who is appointed, and last the links.
PHASES = {
    "vacate": 0,
    "unrelate": 0,
    "unhead": 0.5,
    "establish-unit": 1,
    "establish-person": 2,
    "dissolve-person": 5.2,
    "establish-post": 2.5,
    "establish-function": 3,
    "move": 4,
    "rename": 4,
    "report": 4.5,
    "head": 4.6,
    "transfer": 4.7,
    "set": 4.8,
    "dissolve-function": 5,
    "dissolve-post": 5.5,
    "dissolve-unit": 6,
    "appoint": 7,
    "roles": 7,
    # A hand-over goes into a post whose seats are all held: after that day's other appointments fill them.
    "appoint-hand-over": 7.5,
    "relate": 8,
    "succeed": 9,
}


class _Importer:
    def __init__(
        self,
        tables: Mapping[str, list[_Row]],
        *,
        end: Literal["exclusive", "inclusive"],
        handover_days: int,
        source: Source | None,
    ) -> None:
        self.tables = tables
        self.cells = _Cells(end)
        self.handover_days = handover_days
        self.default_source = source
        self.days: dict[dt.date, list[_Step]] = defaultdict(list)
        self.whens: dict[dt.date, When] = {}
        self.statuses: dict[dt.date, Status] = {}
        # What each id is, for references between tables and their messages.
        self.kinds: dict[str, str] = {}
        self.units: dict[str, list[_Period]] = {}
        self.posts: dict[str, list[_Period]] = {}

    # --- the whole run ---------------------------------------------------------------------------------------

    def run(self) -> list[Change]:
        self.check_columns()
        units = self.units = self.periods("units", self.unit_values)
        posts = self.posts = self.periods("posts", self.post_values)
        functions = self.periods("functions", self.function_values)
        people = self.periods("people", self.person_values, start_needed=False)
        appointments = self.appointments(posts, people)
        self.posts_from_appointments(posts, appointments)
        self.check_references(units, posts, functions, people)
        self.unit_events(units)
        self.post_events(posts)
        self.function_events(functions)
        self.people_events(people, appointments)
        self.appointment_events(appointments, posts)
        self.relation_events()
        self.link_events()
        return self.changes()

    def check_columns(self) -> None:
        for name, rows in self.tables.items():
            if not rows:
                continue
            allowed, required = TABLES[name]
            present = rows[0].columns
            for column in required:
                if column not in present:
                    where = Location(rows[0].file, 1)
                    self.cells.problems.append(
                        (where.file, 1, 0, f"{where}: the {name} table needs a column {column!r}")
                    )
            if name not in _ENTITY_TABLES:
                for column in present:
                    if column not in allowed and column not in COMMON:
                        close = _names.close_matches(column, [*allowed, *COMMON], limit=1)
                        hint = f" — did you mean {close[0]!r}?" if close else ""
                        where = Location(rows[0].file, 1, present[column])
                        message = f"{where}: the {name} table has no column {column!r}{hint}"
                        self.cells.problems.append((where.file, 1, where.column, message))

    # --- entities by period ----------------------------------------------------------------------------------

    def periods(
        self, table: str, values: Callable[[_Row], dict[str, Any]], *, start_needed: bool = True
    ) -> dict[str, list[_Period]]:
        """Each id's rows, in time order, checked to follow one another without gaps or overlaps."""
        found: dict[str, list[_Period]] = defaultdict(list)
        cells = self.cells
        for row in self.tables.get(table, []):
            try:
                entity_id = cells.need(row, "id")
                start = cells.need_when(row, "start") if start_needed else cells.when(row, "start") or UNKNOWN
                end = cells.when(row, "end", ending=True)
                if end is not None and end.earliest <= start.earliest:
                    cells.fail(row, "end", f"{table} row of {entity_id!r} ends ({end}) before it starts ({start})")
                    continue
                period = _Period(
                    row, start, end, values(row), cells.source(row, self.default_source), cells.status(row)
                )
            except _Bad:
                continue
            found[entity_id].append(period)
        for entity_id, periods in found.items():
            periods.sort(key=lambda period: period.start.earliest)
            for earlier, later in itertools.pairwise(periods):
                if earlier.end is None or earlier.end.earliest > later.start.earliest:
                    cells.fail(
                        later.row, "start", f"{entity_id!r} has two rows on {later.start}: periods must not overlap"
                    )
                elif earlier.end.earliest < later.start.earliest:
                    cells.fail(
                        later.row,
                        "start",
                        f"{entity_id!r} is gone from {earlier.end} to {later.start}: an id is never reused, so its "
                        "periods must follow one another — close the gap, or give the later one another id",
                    )
            self.kinds.setdefault(entity_id, table[:-1])
        return dict(found)

    def unit_values(self, row: _Row) -> dict[str, Any]:
        cells = self.cells
        attributes, identifiers = cells.own_fields(row, TABLES["units"][0])
        return {
            "name": cells.need(row, "name"),
            "kind": cells.text(row, "kind") or "unit",
            "parent": cells.ident(row, "parent"),
            "aliases": cells.names(row, "aliases"),
            "attributes": attributes,
            "identifiers": identifiers,
        }

    def post_values(self, row: _Row) -> dict[str, Any]:
        cells = self.cells
        attributes, identifiers = cells.own_fields(row, TABLES["posts"][0])
        return {
            "title": cells.need(row, "title"),
            "kind": cells.text(row, "kind") or "other",
            "unit": cells.ident(row, "unit"),
            "heads": cells.boolean(row, "heads"),
            "reports_to": cells.ident(row, "reports_to"),
            "seats": cells.seats(row, "seats"),
            "aliases": cells.names(row, "aliases"),
            "attributes": attributes,
            "identifiers": identifiers,
        }

    def function_values(self, row: _Row) -> dict[str, Any]:
        cells = self.cells
        attributes, identifiers = cells.own_fields(row, TABLES["functions"][0])
        return {
            "name": cells.need(row, "name"),
            "kind": cells.text(row, "kind") or "responsibility",
            "owner": cells.ident(row, "owner"),
            "aliases": cells.names(row, "aliases"),
            "attributes": attributes,
            "identifiers": identifiers,
        }

    def person_values(self, row: _Row) -> dict[str, Any]:
        cells = self.cells
        attributes, identifiers = cells.own_fields(row, TABLES["people"][0])
        return {
            "name": cells.need(row, "name"),
            "aliases": cells.names(row, "aliases"),
            "attributes": attributes,
            "identifiers": identifiers,
        }

    # --- appointments ----------------------------------------------------------------------------------------

    def appointments(self, posts: Mapping[str, list[_Period]], people: dict[str, list[_Period]]) -> list[_Period]:
        cells = self.cells
        found: list[_Period] = []
        for row in self.tables.get("appointments", []):
            try:
                post = cells.need(row, "post")
                person = cells.need(row, "person")
                start = cells.need_when(row, "start")
                end = cells.when(row, "end", ending=True)
                if end is not None and end.earliest <= start.earliest:
                    cells.fail(row, "end", f"{person!r} in {post!r} ends ({end}) before they start ({start})")
                    continue
                held = {
                    "post": post,
                    "person": person,
                    "roles": cells.names(row, "roles"),
                    "overlap": cells.boolean(row, "overlap"),
                }
                period = _Period(row, start, end, held, cells.source(row, self.default_source), cells.status(row))
            except _Bad:
                continue
            found.append(period)
            if "people" not in self.tables and person not in people and person not in self.kinds:
                # A person named only here: made from the row (with its person_name, if any).
                name = cells.text(row, "person_name") or person
                values: dict[str, Any] = {"name": name, "aliases": (), "attributes": {}, "identifiers": {}}
                people[person] = [_Period(row, UNKNOWN, None, values, None, Status.DECIDED)]
                self.kinds[person] = "person"
        found.sort(key=lambda period: (period.start.earliest, period.row.number))
        return found

    def posts_from_appointments(self, posts: dict[str, list[_Period]], appointments: list[_Period]) -> None:
        """Without a posts table, the posts are made from the appointments, with as many seats as were held at once."""
        if "posts" in self.tables:
            return
        by_post: dict[str, list[_Period]] = defaultdict(list)
        for appointment in appointments:
            if appointment.values["post"] not in posts:
                by_post[appointment.values["post"]].append(appointment)
        for post, held in by_post.items():
            if self.kinds.get(post, "post") != "post":
                continue
            first = held[0]
            title = self.cells.text(first.row, "post_title") or post
            values: dict[str, Any] = {
                "title": title,
                "kind": "other",
                "unit": None,
                "heads": False,
                "reports_to": None,
                "seats": max(1, _most_at_once(held, self.handover_days)),
                "aliases": (),
                "attributes": {},
                "identifiers": {},
            }
            posts[post] = [_Period(first.row, first.start, None, values, first.source, Status.DECIDED)]
            self.kinds[post] = "post"

    # --- references --------------------------------------------------------------------------------------------

    def check_references(
        self,
        units: Mapping[str, list[_Period]],
        posts: Mapping[str, list[_Period]],
        functions: Mapping[str, list[_Period]],
        people: Mapping[str, list[_Period]],
    ) -> None:
        """Every id a row refers to is defined in the table it belongs to."""
        known = {"unit": set(units), "post": set(posts), "function": set(functions), "person": set(people)}
        checks: list[tuple[str, str, tuple[str, ...]]] = [
            ("units", "parent", ("unit",)),
            ("posts", "unit", ("unit",)),
            ("posts", "reports_to", ("post",)),
            ("functions", "owner", ("unit", "post")),
            *([("appointments", "post", ("post",))] if "posts" in self.tables else []),
            *([("appointments", "person", ("person",))] if "people" in self.tables else []),
            ("relations", "source", ("unit", "post", "person", "function")),
            ("relations", "target", ("unit", "post", "person", "function")),
            ("links", "predecessor", ("unit", "post")),
            ("links", "successor", ("unit", "post")),
        ]
        for table, column, sorts in checks:
            pool = set().union(*(known[sort] for sort in sorts))
            for row in self.tables.get(table, []):
                value = row.cells.get(column)
                if _blank(value):
                    continue
                entity_id = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()
                if entity_id not in pool:
                    close = _names.close_matches(entity_id, sorted(pool), limit=1)
                    hint = f" — did you mean {close[0]!r}?" if close else ""
                    tables = " or ".join(f"the {sort}s table" for sort in sorts)
                    self.cells.fail(row, column, f"{entity_id!r} is not in {tables}{hint}")

    # --- events ------------------------------------------------------------------------------------------------

    def add(
        self,
        when: When,
        phase: str,
        event: Event,
        row: _Row,
        column: str | None = None,
        *,
        said: _Said | None = None,
    ) -> None:
        status, source = said if said is not None else (Status.DECIDED, None)
        day = when.earliest
        known = self.whens.setdefault(day, when)
        if (known.earliest, known.latest) != (when.earliest, when.latest):
            # Two windows that start on one day: the change of that day takes the wider one.
            self.whens[day] = When(day, max(known.latest, when.latest), known.precision, known.text)
        if status is not Status.DECIDED:
            self.statuses[day] = status
        event = attrs.evolve(event, source=source) if source is not None else event
        self.days[day].append(_Step(PHASES[phase], event, row.where(column)))

    def unit_events(self, units: Mapping[str, list[_Period]]) -> None:
        for unit_id, periods in units.items():
            self.entity_events(unit_id, periods, "unit", Unit, {"parent": "move"})

    def post_events(self, posts: Mapping[str, list[_Period]]) -> None:
        dated = {"unit": "move", "reports_to": "report", "heads": "head"}
        for post_id, periods in posts.items():
            self.entity_events(post_id, periods, "post", Post, dated)

    def function_events(self, functions: Mapping[str, list[_Period]]) -> None:
        for function_id, periods in functions.items():
            self.entity_events(function_id, periods, "function", Function, {"owner": "transfer"})

    def entity_events(
        self,
        entity_id: str,
        periods: list[_Period],
        sort: str,
        kind: _EntityType,
        dated: Mapping[str, str],
    ) -> None:
        """An entity's establishment from its first period, its changes between periods, its end after the last."""
        first, last = periods[0], periods[-1]
        with self.row_of(first.row):
            entity = _make(kind, entity_id, first.values)
            self.add(first.start, f"establish-{sort}", Establish(entity), first.row, "id", said=_said(first))
        for earlier, later in itertools.pairwise(periods):
            self.entity_changes(entity_id, earlier, later, dated)
        if last.end is not None:
            self.add(last.end, f"dissolve-{sort}", Dissolve(entity_id), last.row, "end", said=_said(last))

    def entity_changes(self, entity_id: str, earlier: _Period, later: _Period, dated: Mapping[str, str]) -> None:
        """The events that turn one period's values into the next one's, on the later one's start."""
        before, after, when, row = earlier.values, later.values, later.start, later.row
        common = _Said(later.status, later.source)
        name_key = "title" if "title" in after else "name"
        if before[name_key] != after[name_key] or before.get("kind") != after.get("kind"):
            kind = after["kind"] if before.get("kind") != after.get("kind") else None
            with self.row_of(row):
                self.add(when, "rename", Rename(entity_id, after[name_key], kind=kind), row, name_key, said=common)
        for field, kind in dated.items():
            if before[field] == after[field]:
                continue
            phase = kind
            if kind == "move":
                event: Event = Move(entity_id, after[field])
            elif kind == "report":
                event = SetReportingLine(entity_id, after[field])
            elif kind == "transfer":
                if after[field] is None:
                    self.cells.fail(
                        row,
                        field,
                        f"{entity_id!r} loses its owner: a function always has one from when it is given one",
                    )
                    continue
                event = Transfer(entity_id, after[field])
            else:  # heads: the post becomes, or stops being, its unit's head (every unsetting before any setting)
                # A post stops heading the unit it headed, before anything is set up or moves: a head post takes its
                # headship along when it moves, and a post set up as head would be unset with it.
                unit = after["unit"] if after[field] else before["unit"]
                if unit is None:
                    continue
                event = SetHead(unit, entity_id if after[field] else None)
                phase = "head" if after[field] else "unhead"
            self.add(when, phase, event, row, field, said=common)
        changes = {**_changed(before["attributes"], after["attributes"])}
        ids = _changed(before["identifiers"], after["identifiers"])
        if changes or ids:
            with self.row_of(row):
                self.add(when, "set", SetAttributes(entity_id, changes, identifiers=ids), row, None, said=common)
        if before.get("seats", 1) != after.get("seats", 1):
            self.cells.fail(
                row, "seats", f"the number of seats of {entity_id!r} changes: seats are fixed for a post's life"
            )

    def people_events(self, people: Mapping[str, list[_Period]], appointments: list[_Period]) -> None:
        """People by period; one with no start comes the first day they are appointed or related (or at the start)."""
        first_seen: dict[str, dt.date] = {}
        for appointment in appointments:
            first_seen.setdefault(appointment.values["person"], appointment.start.earliest)
        for row in self.tables.get("relations", []):
            with _ignored():
                start = self.cells.when(row, "start")
                for column in ("source", "target"):
                    value = row.cells.get(column)
                    if not _blank(value) and start is not None:
                        key = str(value).strip()
                        first_seen[key] = min(first_seen.get(key, start.earliest), start.earliest)
        earliest = min([*first_seen.values(), *self.days], default=None)
        for person_id, periods in people.items():
            first = periods[0]
            if first.start is UNKNOWN:
                day = first_seen.get(person_id, earliest)
                if day is None:
                    continue  # tied to nothing, in tables with no dates: there is no day to put them on
                periods = [first._replace(start=When.exact(day)), *periods[1:]]  # noqa: PLW2901
            self.entity_events(person_id, periods, "person", Person, {})

    def appointment_events(self, appointments: list[_Period], posts: Mapping[str, list[_Period]]) -> None:
        # Back-to-back rows of one person in one post are one holding, whose roles change where they meet.
        by_holding: dict[tuple[str, str], list[_Period]] = defaultdict(list)
        for appointment in appointments:
            by_holding[(appointment.values["post"], appointment.values["person"])].append(appointment)
        ends_by_post: dict[str, list[dt.date]] = defaultdict(list)
        for (post, _), rows in by_holding.items():
            ends_by_post[post].extend(row.end.earliest for row in rows if row.end is not None)
        for (post, person), rows in by_holding.items():
            for index, period in enumerate(rows):
                previous = rows[index - 1] if index else None
                if previous is not None and previous.end is not None and previous.end.earliest > period.start.earliest:
                    self.cells.fail(
                        period.row, "start", f"{person!r} holds {post!r} twice at once (see row {previous.row.number})"
                    )
                    continue
                joined = (
                    previous is not None and previous.end is not None and previous.end.earliest == period.start.earliest
                )
                roles = period.values["roles"]
                common = _Said(period.status, period.source)
                if joined:
                    assert previous is not None
                    if previous.values["roles"] != roles:
                        with self.row_of(period.row):
                            self.add(
                                period.start, "roles", SetRoles(post, person, roles), period.row, "roles", said=common
                            )
                else:
                    overlap = period.values["overlap"] or self.hand_over(period, ends_by_post[post])
                    with self.row_of(period.row):
                        appoint = Appoint(post, person, roles=roles, overlap=overlap)
                        phase = "appoint-hand-over" if overlap else "appoint"
                        self.add(period.start, phase, appoint, period.row, "start", said=common)
                following = rows[index + 1] if index + 1 < len(rows) else None
                ends_there = following is None or period.end is None or following.start.earliest != period.end.earliest
                if period.end is not None and ends_there:
                    self.add(period.end, "vacate", Vacate(post, person), period.row, "end", said=common)

    def hand_over(self, period: _Period, ends: list[dt.date]) -> bool:
        """Whether an appointment starts within ``handover_days`` before someone else in the post leaves it."""
        if self.handover_days <= 0:
            return False
        start = period.start.earliest
        return any(start < end <= start + dt.timedelta(days=self.handover_days) for end in ends)

    def relation_events(self) -> None:
        cells = self.cells
        for row in self.tables.get("relations", []):
            try:
                kind = cells.need(row, "kind")
                source = cells.need(row, "source")
                target = cells.need(row, "target")
                start = cells.need_when(row, "start")
                end = cells.when(row, "end", ending=True)
                relation = Relation(kind, source, target, cells.text(row, "note") or "")
                common = _Said(cells.status(row), cells.source(row, self.default_source))
            except _Bad:
                continue
            except OrgModelError as error:
                cells.fail(row, None, str(error))
                continue
            self.add(start, "relate", AddRelation(relation), row, "kind", said=common)
            if end is not None:
                self.add(end, "unrelate", RemoveRelation(relation), row, "end", said=common)

    def link_events(self) -> None:
        cells = self.cells
        for row in self.tables.get("links", []):
            try:
                predecessor = cells.need(row, "predecessor")
                successor = cells.need(row, "successor")
                when = cells.need_when(row, "date")
                kind = cells.text(row, "kind") or LinkKind.SUCCEEDED.value
                event = Succeed(predecessor, successor, kind)
                common = _Said(cells.status(row), cells.source(row, self.default_source))
            except _Bad:
                continue
            except OrgModelError as error:
                cells.fail(row, "kind" if "kind" in str(error) else None, str(error))
                continue
            self.add(when, "succeed", event, row, "predecessor", said=common)

    @contextlib.contextmanager
    def row_of(self, row: _Row) -> Iterator[None]:
        """A value the row cannot make (a bad name, a bad kind) is a problem of the row; the run goes on."""
        try:
            yield
        except InvalidArgumentError as error:
            self.cells.fail(row, None, str(error))

    # --- one change per day -----------------------------------------------------------------------------------

    def changes(self) -> list[Change]:
        found = []
        for day in sorted(self.days):
            steps = self.ordered(self.days[day], day)
            events = [attrs.evolve(step.event, origin=step.origin) for step in steps]
            status = self.statuses.get(day, Status.DECIDED)
            found.append(Change(self.whens[day], events, status=status, source=self.default_source))
        return found

    def ordered(self, steps: list[_Step], day: dt.date) -> list[_Step]:
        """One day's events in phase order; within a phase, in an order each of them can be applied in."""
        grouped: dict[float, list[_Step]] = defaultdict(list)
        for step in steps:
            grouped[step.phase].append(step)
        result = []
        for phase in sorted(grouped):
            group = grouped[phase]
            if phase == PHASES["establish-unit"]:
                group = _parents_first(group, _parent_of)
            elif phase == PHASES["establish-post"]:
                group = _parents_first(group, _boss_of)
            elif phase == PHASES["move"]:
                group = _untangled(group, self.links_on(self.units, "parent", day), _moved_unit)
            elif phase == PHASES["report"]:
                group = _untangled(group, self.links_on(self.posts, "reports_to", day), _new_boss)
            elif phase == PHASES["dissolve-unit"]:
                group = self.children_first(group)
            elif phase in (PHASES["appoint"], PHASES["appoint-hand-over"]):
                # People appointed to a post on one day take its seats in the order of their rows.
                group = sorted(group, key=lambda step: step.origin.line)
            result.extend(group)
        return result

    @staticmethod
    def links_on(periods: Mapping[str, list[_Period]], field: str, day: dt.date) -> dict[str, str | None]:
        """Each entity's ``field`` (its parent, its boss) as it stands on ``day`` before anything moves."""
        found: dict[str, str | None] = {}
        for entity_id, rows in periods.items():
            before = [row for row in rows if row.start.earliest < day and (row.end is None or row.end.earliest >= day)]
            if before:
                found[entity_id] = before[-1].values[field]
            elif rows[0].start.earliest == day:
                found[entity_id] = rows[0].values[field]  # set up that day, before the moves
        return found

    def children_first(self, steps: list[_Step]) -> list[_Step]:
        """Dissolutions of units, those lower in the hierarchy first (a unit is emptied before it ends)."""
        last_parent = {unit_id: rows[-1].values["parent"] for unit_id, rows in self.units.items()}

        def depth(step: _Step) -> int:
            assert isinstance(step.event, Dissolve)
            unit, level, seen = last_parent.get(step.event.target), 0, set()
            while unit is not None and unit not in seen:
                seen.add(unit)
                unit, level = last_parent.get(unit), level + 1
            return -level

        return sorted(steps, key=depth)


def _said(period: _Period) -> _Said:
    return _Said(period.status, period.source)


def _make(kind: _EntityType, entity_id: str, values: Mapping[str, Any]) -> Unit | Post | Person | Function:
    """An entity of ``kind`` from a period's values: every field the tables give (a post's holders come by events)."""
    given = {field.name: values[field.name] for field in attrs.fields(kind) if field.name in values}
    return kind(entity_id, **given)


def _parent_of(event: Event) -> tuple[str, str | None]:
    assert isinstance(event, Establish)
    entity = event.entity
    return entity.id, entity.parent if isinstance(entity, Unit) else None


def _boss_of(event: Event) -> tuple[str, str | None]:
    assert isinstance(event, Establish)
    entity = event.entity
    return entity.id, entity.reports_to if isinstance(entity, Post) else None


def _parents_first(steps: list[_Step], links: Callable[[Event], tuple[str, str | None]]) -> list[_Step]:
    """Establishments ordered so that an entity comes before those it is the parent (or boss) of; else stable."""
    by_id = {links(step.event)[0]: step for step in steps}
    done: set[str] = set()
    ordered: list[_Step] = []

    for step in steps:
        # Up the chain of parents not yet placed (a loop, not recursion: a hierarchy may be deeper than
        # Python's recursion limit), stopping at a cycle; then placed from the top down.
        chain: list[_Step] = []
        seen: set[str] = set()
        current: _Step | None = step
        while current is not None:
            key, above = links(current.event)
            if key in done or key in seen:
                break
            seen.add(key)
            chain.append(current)
            current = by_id.get(above) if above is not None else None
        for placed in reversed(chain):
            done.add(links(placed.event)[0])
            ordered.append(placed)
    return ordered


def _moved_unit(event: Event) -> tuple[str, str | None] | None:
    return (event.target, event.to) if isinstance(event, Move) else None


def _new_boss(event: Event) -> tuple[str, str | None] | None:
    return (event.post, event.to) if isinstance(event, SetReportingLine) else None


def _untangled(
    steps: list[_Step], links: dict[str, str | None], change: Callable[[Event], tuple[str, str | None] | None]
) -> list[_Step]:
    """Moves (or new reporting lines) ordered so that none makes a loop on the way: one that would waits for the
    moves that untie it.  When none can go first, the rest keep their order and the timeline reports the loop."""
    links = dict(links)
    pending, ordered = list(steps), []
    while pending:
        for index, step in enumerate(pending):
            moved = change(step.event)
            if moved is None or not closes_loop(*moved, links):
                if moved is not None:
                    links[moved[0]] = moved[1]
                ordered.append(pending.pop(index))
                break
        else:
            ordered.extend(pending)
            break
    return ordered


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {key: value for key, value in after.items() if before.get(key) != value}
    found.update({key: None for key in before if key not in after})
    return found


def _most_at_once(periods: list[_Period], handover_days: int) -> int:
    """The most appointments in force on one day (a hand-over of up to ``handover_days`` does not count)."""
    events: list[tuple[dt.date, int]] = []
    for period in periods:
        events.append((period.start.earliest, 1))
        if period.end is not None:
            ends = period.end.earliest - dt.timedelta(days=handover_days)
            events.append((max(ends, period.start.earliest), -1))
    most = current = 0
    for _, step in sorted(events, key=lambda item: (item[0], item[1])):
        current += step
        most = max(most, current)
    return most


class _ignored:  # noqa: N801 - used as a statement: ``with _ignored():``
    """Skip a cell that cannot be read here: reading it in its own place reports it."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, traceback: object) -> bool:
        return isinstance(value, _Bad)


# --- the public entry points --------------------------------------------------------------------------------


def table_changes(
    *,
    units: TableLike | None = None,
    posts: TableLike | None = None,
    people: TableLike | None = None,
    appointments: TableLike | None = None,
    functions: TableLike | None = None,
    relations: TableLike | None = None,
    links: TableLike | None = None,
    end: Literal["exclusive", "inclusive"] = "exclusive",
    handover_days: int = 0,
    source: Source | None = None,
) -> list[Change]:
    """The changes the tables describe, one per day, in the order they apply (see :func:`read_tables`).

    Nothing is validated against the organisation yet; problems in the cells
    themselves (a date that is no date, an id no table defines) raise
    :class:`~orgmodel.errors.FormatError`, every one at once.
    """
    given = {
        "units": units,
        "posts": posts,
        "people": people,
        "appointments": appointments,
        "functions": functions,
        "relations": relations,
        "links": links,
    }
    if end not in ("exclusive", "inclusive"):
        raise InvalidArgumentError(f"end must be 'exclusive' or 'inclusive', got {end!r}")
    if type(handover_days) is not int or handover_days < 0:
        raise InvalidArgumentError(f"handover_days must be a whole number of 0 or more, got {handover_days!r}")
    tables = {name: _read(name, table) for name, table in given.items() if table is not None}
    if not tables:
        raise InvalidArgumentError("give at least one table: units=, posts=, appointments=, …")
    importer = _Importer(tables, end=end, handover_days=handover_days, source=source)
    changes = importer.run()
    if importer.cells.problems:
        raise FormatError([message for *_, message in sorted(importer.cells.problems)])
    return changes


def read_tables(
    *,
    units: TableLike | None = None,
    posts: TableLike | None = None,
    people: TableLike | None = None,
    appointments: TableLike | None = None,
    functions: TableLike | None = None,
    relations: TableLike | None = None,
    links: TableLike | None = None,
    end: Literal["exclusive", "inclusive"] = "exclusive",
    handover_days: int = 0,
    categories: Mapping[str, Any] | None = None,
    source: Source | None = None,
) -> Timeline:
    """A validated timeline from tables of periods (see the module documentation for the columns).

    ``end`` says how to read an end date: ``"exclusive"`` (the default), the
    first day the period no longer holds; ``"inclusive"``, its last day.
    ``handover_days`` lets an appointment start up to that many days before
    the person it replaces leaves: a hand-over, in which both hold the post
    (say it row by row with an ``overlap`` column instead).  ``categories``
    and ``source`` are those of the timeline and its events.

    Every problem is reported in one :class:`~orgmodel.errors.FormatError`,
    each with ``file:row:column`` — those in the cells, and those the
    timeline finds when it applies the events (an appointment to a full
    post, a unit that would sit under itself) — and nothing is loaded.

    >>> org = read_tables(
    ...     units=[
    ...         {"id": "dtc", "name": "Department of Trade", "start": "1983-06-11", "end": "2007-06-28"},
    ...         {"id": "dbt", "name": "Department for Business and Trade", "start": "2023-02-07"},
    ...     ],
    ...     links=[{"predecessor": "dtc", "successor": "dbt", "date": "2023-02-07"}],
    ... )
    >>> org.lineage("dbt").ancestors
    ('dtc',)
    """
    changes = table_changes(
        units=units,
        posts=posts,
        people=people,
        appointments=appointments,
        functions=functions,
        relations=relations,
        links=links,
        end=end,
        handover_days=handover_days,
        source=source,
    )
    timeline, errors = Timeline.lenient(changes, categories=categories)
    problems = []
    for error in errors:
        if error.follows_from is not None:
            continue
        event = error.event
        where: Location | str | None = event.origin if event is not None and event.origin is not None else None
        if where is None:
            # A rule checked at the end of a day (two heads, two siblings of one name): the day is where it is.
            where = f"<tables> {error.change.on}" if error.change is not None else "<tables>"
        words = f"{event.describe()}: " if event is not None else ""
        hint = error.hint
        if isinstance(error, PostOccupiedError):
            hint += "; in a table, mark the row overlap=true for a hand-over, or pass handover_days=N"
        problems.append((where, f"{where}: {words}{error.problem}" + (f" — {hint}" if hint else "")))
    if problems:
        raise FormatError([message for _, message in sorted(problems, key=lambda item: (str(item[0]), item[1]))])
    return timeline
