"""A naive reference for ``orgmodel.io.tables.facts``: the first, plain implementation, kept to check the fast one.

It works out every fact of both values of every write (the value before and
the value after) and compares them whole, one write at a time; the library
compares only the parts of a value that changed, and caches what many
values share.  The lineage table (one row per link, unchanged) is the
library's own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

import orgmodel as om
from orgmodel._entities import Entity, Function, Person, Post, Relation, Unit, category_of
from orgmodel._events import Status
from orgmodel._log import AppliedLog
from orgmodel.dates import When
from orgmodel.io.tables import _ENDED_WHOLE, _IDENTITY, INTERVAL, SCHEMA, FactTables, _write_lineage

Facts = dict[tuple[str, tuple[Any, ...]], tuple[Any, ...]]


def naive_facts(timeline: om.Timeline) -> FactTables:
    """The fact tables of a timeline, worked out the plain way."""
    log = timeline._log
    columns: dict[str, dict[str, list[Any]]] = {
        name: {column.name: [] for column in schema} for name, schema in SCHEMA.items()
    }
    _FactWriter(log, columns).run()
    _write_lineage(log, columns["lineage"])
    _write_events(log, columns["events"])
    return FactTables(columns, SCHEMA)


def _facts_of(value: Entity | Relation | None, categories: Mapping[str, Any]) -> Facts:
    """The table rows (without their dates) that one value of an entity or relation holds."""
    found: Facts = {}
    if value is None:
        return found
    if isinstance(value, Relation):
        found[("relations", (str(value.kind), value.source, value.target))] = (value.note,)
        return found
    entity_id = value.id
    if isinstance(value, Unit):
        kind = str(value.kind)
        found[("units", (entity_id,))] = (value.name, kind, category_of(value.kind, categories).value, value.parent)
    elif isinstance(value, Post):
        found[("posts", (entity_id,))] = (value.title, str(value.kind), value.unit, value.heads, value.seats)
        if value.reports_to is not None:
            found[("reporting_lines", (entity_id,))] = (value.reports_to,)
        for holding in value.holders:
            found[("holdings", (entity_id, holding.person))] = (list(holding.roles), holding.overlap)
    elif isinstance(value, Person):
        found[("people", (entity_id,))] = (value.name,)
    elif isinstance(value, Function):
        found[("functions", (entity_id,))] = (value.name, str(value.kind))
        if value.owner is not None:
            found[("function_owners", (entity_id,))] = (value.owner,)
    for name, item in value.attributes.items():
        found[("attributes", (entity_id, name))] = (json.dumps(item, ensure_ascii=False),)
    for scheme, identifier in value.identifiers.items():
        found[("identifiers", (entity_id, scheme))] = (identifier,)
    return found


class _Open(NamedTuple):
    values: tuple[Any, ...]
    position: int


class _FactWriter:
    """Reads the log's writes in order and writes out each fact when it ends (or at the end, still open)."""

    def __init__(self, log: AppliedLog, columns: dict[str, dict[str, list[Any]]]) -> None:
        self.log = log
        self.columns = columns
        self.open: dict[tuple[str, tuple[Any, ...]], _Open] = {}
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _IDENTITY}

    def run(self) -> None:
        log, categories = self.log, self.log.categories
        writes = log.deltas
        # The (key, change) pairs where a change ended an entity or a relation (its last write of the key).
        ended: set[tuple[Any, int]] = set()
        for key, position, old, new in zip(writes.keys, writes.positions, writes.olds, writes.news, strict=True):
            change = log.event_change[position]
            if new is None:
                ended.add((key, change))
            else:
                ended.discard((key, change))
            before, after = _facts_of(old, categories), _facts_of(new, categories)
            for fact, values in before.items():
                if after.get(fact) != values:
                    self._close(fact, position, (key, change))
            for fact, values in after.items():
                if before.get(fact) != values:
                    self.open[fact] = _Open(values, position)
        for fact in list(self.open):
            self._close(fact, None, None)
        for name, rows in self.rows.items():
            kept = []
            for *row, ending in rows:
                whole = ending in ended
                start = len(row) - len(INTERVAL) + 1  # where the interval's columns begin (the flag not yet in)
                if row[start + 2] is not None and row[start + 2] <= row[start] and not whole:
                    continue  # began and ended on one day, and a chart never shows it as not ended yet
                row.insert(start + _ENDED_WHOLE, whole)
                kept.append(tuple(row))
            self.rows[name] = kept
        for name, rows in self.rows.items():
            size = _IDENTITY[name]
            # Each fact's rows together, in the order they began.
            rows.sort(key=lambda row: (*(str(item) for item in row[:size]), row[-len(INTERVAL)]))
            table = self.columns[name]
            for column, values in zip(SCHEMA[name], zip(*rows, strict=True), strict=False):
                table[column.name].extend(values)

    def _close(self, fact: tuple[str, tuple[Any, ...]], position: int | None, ending: tuple[Any, int] | None) -> None:
        """Write out an open fact that ends at ``position`` (``None``: still open), ``ending`` its (key, change)."""
        opened = self.open.pop(fact)
        log = self.log
        began = log.event_change[opened.position]
        ended = log.event_change[position] if position is not None else None
        start = log.changes[began]
        end = log.changes[ended] if ended is not None else None
        if end is not None and (ended == began or end.on.latest <= start.on.earliest):
            return  # began and ended in one change, or surely on one day: it held on no day
        table, identity = fact
        interval = _interval(start.on, start.status, end, opened.position, position)
        # The flag ended_whole (after valid_to_latest) is known once every write is read: ``ending`` stands in.
        self.rows[table].append((*identity, *opened.values, *interval, ending))


def _interval(on: When, status: Status, end: Any, began: int, ended: int | None) -> tuple[Any, ...]:
    end_on: When | None = end.on if end is not None else None
    return (
        on.earliest,
        on.latest,
        end_on.earliest if end_on is not None else None,
        end_on.latest if end_on is not None else None,
        not on.is_exact or (end_on is not None and not end_on.is_exact),
        status is Status.PLANNED or (end is not None and end.status is Status.PLANNED),
        status.value,
        began,
        ended,
    )


def _write_events(log: AppliedLog, table: dict[str, list[Any]]) -> None:
    for position, event in enumerate(log.events):
        change = log.event_change[position]
        whole = log.changes[change]
        on, source = event.on, event.source
        assert on is not None
        assert event.status is not None
        values = (
            position,
            change,
            log.entries[change],
            event.event_type,
            event.describe(),
            list(event.subjects()),
            on.label(),
            on.earliest,
            on.latest,
            on.precision.value,
            event.status.value,
            source.document or None if source is not None else None,
            source.body if source is not None else None,
            str(source.decided) if source is not None and source.decided is not None else None,
            source.reference if source is not None else None,
            source.quote if source is not None else None,
            event.note or None,
            log.record.applies(whole),
            whole.id,
            whole.known_on,
            whole.corrects,
        )
        for column, value in zip(SCHEMA["events"], values, strict=True):
            table[column.name].append(value)
