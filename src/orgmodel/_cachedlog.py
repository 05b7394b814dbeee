"""An applied log packed for a cache, and read back: the tables as they were, the changes when asked for.

:func:`pack_log` lays out everything an :class:`~orgmodel._log.AppliedLog`
holds — writes, versions, snapshots, links, and its changes — with
:mod:`orgmodel._packing`; :func:`unpack_log` makes the same log again,
field by field, without applying a single change.

The log's tables are read when first used, and even then only by need: a
snapshot's entities when a day after it is asked about, the writes between
it and the day, a key's versions when a question asks for that key (once
many were, the rest of the table at once).  The changes and their events,
about half of what a log holds, are read a block of :data:`BLOCK` changes at a time,
when a question first needs one of them (a chart with a window of dates
needs a few; a history or a diff, those it reports): the log's ``changes``
and ``events`` are sequences that read their blocks on first use.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
import threading
import types
import weakref
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import accumulate, chain, islice, repeat
from operator import attrgetter
from typing import Any, Generic, TypeVar, cast, overload

from orgmodel._bulk import collector_paused
from orgmodel._entities import Category
from orgmodel._events import EVENT_TYPES, Change, Event
from orgmodel._knowledge import Record
from orgmodel._log import SPLIT_AT, AppliedLog, DayState, Versions
from orgmodel._packing import Packer, Unpacker
from orgmodel._state import Link
from orgmodel._writes import Writes
from orgmodel.errors import CacheError

T = TypeVar("T")

#: How many changes are read together when one of them is first asked for.
BLOCK = 2048
#: The tables of versions a log keeps, by attribute.
VERSION_TABLES = ("versions", "heads", "held", "tied")
#: The log's attributes a cache carries; those it works out again from them; those worked out on first use.
CARRIED = frozenset(
    {
        "changes",
        "entries",
        "categories",
        "event_change",
        "change_positions",
        "change_deltas",
        "windowed",
        "planned",
        "set_aside",
        "record",
        *VERSION_TABLES,
        "last_seen",
        "snapshots",
        "snapshot_writes",
        "undid",
        "deltas",
        "links",
    }
)
DERIVED = frozenset({"events", "starts"})
LAZY = frozenset({"ended", "name_index", "mentions", "links_from", "links_to"})
#: The classes of the changes' own values: packed with the changes, a block at a time.
_WITH_CHANGES = frozenset({"Change", "When", "Source", "Location", *(cls.__name__ for cls in EVENT_TYPES.values())})


@collector_paused()  # millions of new objects and handles at XL: a collection would walk them all, many times
def pack_log(log: AppliedLog) -> tuple[dict[str, Any], bytes]:
    """The layout (JSON-ready) and the data of everything ``log`` holds."""
    unknown = set(vars(log)) - CARRIED - DERIVED - LAZY
    if unknown:  # a table added to the log and not yet to the cache: refuse rather than drop it
        raise CacheError(f"cannot carry the log's {sorted(unknown)} in a cache")
    packer = Packer(partitioned=_WITH_CHANGES)
    changes = log.changes
    handles: dict[str, Any] = {
        "changes": [packer.add(change, 1 + index // BLOCK) for index, change in enumerate(changes)]
    }
    writes = log.deltas
    handles["writes"] = [packer.add_all(column) for column in (writes.keys, writes.olds, writes.news)]
    for name in VERSION_TABLES:
        table: dict[Any, Versions[Any]] = getattr(log, name)
        default = next(iter(table.values())).default if table else None
        if any(versions.default != default for versions in table.values()):  # pragma: no cover - one per table
            raise CacheError(f"the log's {name} have several defaults")
        # Each key's changes as machine integers, its values as handles: see _versions.
        versioned = chain.from_iterable(versions.values for versions in table.values())
        handles[name] = (packer.add_all(table), packer.add(default), packer.add_all(versioned))
    handles["last_seen"] = (packer.add_all(log.last_seen), packer.add_all(log.last_seen.values()))
    handles["snapshots"] = [
        [(packer.add_all(part), packer.add_all(part.values())) for part in state] for _, state in log.snapshots
    ]
    handles["record"] = _pack_record(packer, log)
    columns = list(zip(*log.links, strict=True))[1:] if log.links else []
    handles["links"] = [packer.add_all(column) for column in columns]
    layout, values, numbers = packer.finish()
    code = layout["numbers"]
    data = bytearray(values)

    def put(items: Sequence[int]) -> list[int]:
        chunk = (items if isinstance(items, array) and items.typecode == "q" else array("q", items)).tobytes()
        data.extend(chunk)
        return [len(data) - len(chunk), len(chunk)]

    def refs(items: list[int]) -> list[int]:
        chunk = array(code, map(numbers.__getitem__, items)).tobytes()
        data.extend(chunk)
        return [len(data) - len(chunk), len(chunk)]

    tables = {}
    for name in VERSION_TABLES:
        keys, default, values_of = handles[name]
        table = getattr(log, name)
        tables[name] = {
            "keys": refs(keys),
            "default": numbers[default],
            "counts": put([len(versions) for versions in table.values()]),
            "changes": put(list(chain.from_iterable(versions.changes for versions in table.values()))),
            "values": refs(values_of),
        }
    described = {
        "changes": refs(handles["changes"]),
        "block": BLOCK,
        "entries": put(log.entries),
        "event_change": put(log.event_change),
        "change_positions": put(log.change_positions),
        "change_deltas": put(log.change_deltas),
        "starts": put([day.toordinal() for day in log.starts]),
        "windowed": put(log.windowed),
        "window_ends": put([day.toordinal() for day in log.window_ends()]),
        "planned": put(log.planned),
        "set_aside": put(log.set_aside),
        "record": {
            "parts": handles["record"][0],
            "by_id": refs(handles["record"][1]),
            "corrected_by": refs(handles["record"][2]),
        },
        "writes": {
            "positions": put(writes.positions),
            **{name: refs(column) for name, column in zip(("keys", "olds", "news"), handles["writes"], strict=True)},
        },
        "tables": tables,
        "last_seen": [refs(column) for column in handles["last_seen"]],
        "snapshots": [
            {"prefix": prefix, "tables": [[refs(keys), refs(values_of)] for keys, values_of in state]}
            for (prefix, _), state in zip(log.snapshots, handles["snapshots"], strict=True)
        ],
        "snapshot_writes": log.snapshot_writes,
        "undid": log.undid,
        "links": {
            "positions": put([link.position for link in log.links]),
            "columns": [refs(column) for column in handles["links"]],
        },
        "categories": {kind: category.value for kind, category in log.categories.items()},
    }
    return {"layout": layout, "log": described}, bytes(data)


def categories_of(described: Mapping[str, Any]) -> dict[str, Category]:
    """The categories of kinds of unit a packed log was built with."""
    return {str(kind): Category(value) for kind, value in described["log"]["categories"].items()}


def unpack_changes(described: Mapping[str, Any], data: memoryview, *, trusted: bool) -> list[Change]:
    """Only the changes of a packed log, in the order given (made through checking constructors unless ``trusted``)."""
    unpacker = Unpacker(described["layout"], data, trusted=trusted)
    unpacker.read_all()
    changes = cast(list[Change], unpacker.refer(described["log"]["changes"]))
    # In the order they were given (a build sorts them by day again): a rebuild numbers them as the original did.
    entries = unpacker.array(described["log"]["entries"]).tolist()
    if len(entries) != len(changes):
        raise CacheError("the cache's log is damaged: its tables do not agree in length")
    return [change for _, change in sorted(zip(entries, changes, strict=True), key=lambda pair: pair[0])]


def unpack_log(described: Mapping[str, Any], data: memoryview) -> AppliedLog:
    """The log packed by :func:`pack_log`, equal to it field by field; its tables and changes read on first use."""
    unpacker = Unpacker(described["layout"], data)
    laid = described["log"]
    read = unpacker.array
    log = ReopenedLog.__new__(ReopenedLog)
    blocks = _Blocks(unpacker, unpacker.numbers(laid["changes"]), int(laid["block"]))
    log.entries = tuple(read(laid["entries"]))
    log.categories = types.MappingProxyType(dict(sorted(categories_of(described).items())))
    log.event_change = read(laid["event_change"])
    log.change_positions = read(laid["change_positions"])
    log.change_deltas = read(laid["change_deltas"])
    blocks.event_starts = log.change_positions

    held = weakref.ref(log)  # not the log itself: a log and its changes would hold each other

    def settle(name: str, whole: tuple[Any, ...]) -> None:
        # Once every block is read, the log holds a plain tuple (and list) again, as a build makes.
        found = held()
        if found is not None:
            setattr(found, name, whole if name == "changes" else list(whole))

    log.changes = cast(tuple[Change, ...], Blocked(blocks, len(blocks.numbers), "changes", settle))
    log.events = cast(list[Event], Blocked(blocks, len(log.event_change), "events", settle))
    log.starts = _days(read(laid["starts"]))
    log.windowed = read(laid["windowed"]).tolist()
    log.planned = read(laid["planned"]).tolist()
    log.set_aside = read(laid["set_aside"]).tolist()
    log.snapshot_writes = int(laid["snapshot_writes"])
    log.undid = bool(laid["undid"])
    counts = {len(log.entries), len(log.starts), len(log.change_positions) - 1, len(log.change_deltas) - 1}
    if len(counts) != 1 or len(log.changes) not in counts:
        raise CacheError("the cache's log is damaged: its tables do not agree in length")
    log._window_ends = _days(read(laid["window_ends"]))
    if len(log._window_ends) != len(log.windowed):
        raise CacheError("the cache's log is damaged: its tables do not agree in length")
    log._unread = _Unread(unpacker, laid)
    return log


class ReopenedLog(AppliedLog):
    """A log read back from a cache, whose tables are read from it when first used.

    Every entity of every version is a Python object, millions of them in a
    large log: making them all is most of what reopening costs, and a
    question needs only some tables (a day's chart: the snapshots and the
    writes; a history: the changes).  So each of :data:`ON_FIRST_USE` is
    read when the log is first asked for it, and is then an attribute like
    any other: the log is, and answers, as the one that was saved.
    """

    __slots__ = ("_unread", "_window_ends")  # not in vars(): the log's own attributes are those a built log has

    _unread: _Unread
    _window_ends: list[dt.date]

    def window_ends(self) -> list[dt.date]:
        """As a built log's, from the cache's table of days (not from the changes, which are read on first use)."""
        return self._window_ends

    def __getattr__(self, name: str) -> Any:
        # Called only for an attribute not set yet: a table not read yet, or no attribute at all.
        try:
            unread = object.__getattribute__(self, "_unread")
        except AttributeError:
            raise AttributeError(name) from None
        if name not in ON_FIRST_USE:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return unread.table(self, name)


#: The log's tables a reopened log reads on first use, by attribute.
ON_FIRST_USE = frozenset({"deltas", "record", "last_seen", "snapshots", "links", *VERSION_TABLES})


class _Unread:
    """What a reopened log has not read yet, and how to read each table (once, thread-safely)."""

    def __init__(self, unpacker: Unpacker, laid: Mapping[str, Any]) -> None:
        self.unpacker = unpacker
        self.laid = laid
        self.lock = threading.Lock()

    def table(self, log: AppliedLog, name: str) -> Any:
        with self.lock:
            found = vars(log).get(name, _NOT_READ)
            if found is _NOT_READ:
                # Read with the collector paused, as a build is: a table is up to millions of new objects.
                with collector_paused():
                    try:
                        found = self._read(name)
                    except CacheError:
                        raise
                    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
                        raise CacheError(f"the cache is damaged: {type(error).__name__}: {error}") from None
                setattr(log, name, found)
        return found

    def _read(self, name: str) -> Any:
        # Each table reads (by need) only the values it holds; the writes, versions and snapshots not even
        # those: they are read a part at a time when asked for (a day's chart needs one snapshot, a few writes).
        unpacker, laid = self.unpacker, self.laid
        refer, read = unpacker.refer, unpacker.array
        if name == "record":
            return _unpack_record(unpacker, laid["record"])
        if name == "deltas":
            writes = Writes()
            written = laid["writes"]
            writes.positions = read(written["positions"])
            lazy = [_Column(unpacker, unpacker.numbers(written[column])) for column in ("keys", "olds", "news")]
            writes.keys, writes.olds, writes.news = cast(Any, lazy)
            if not len(writes.keys) == len(writes.olds) == len(writes.news) == len(writes.positions):
                raise CacheError("the cache's log is damaged: its writes do not agree in length")
            return writes
        if name in VERSION_TABLES:
            return _versions(unpacker, laid["tables"][name])
        if name == "last_seen":
            keys, values = (refer(where) for where in laid["last_seen"])
            return dict(zip(keys, values, strict=True))
        if name == "snapshots":
            return [_Snapshot(unpacker, int(snapshot["prefix"]), snapshot["tables"]) for snapshot in laid["snapshots"]]
        linked = laid["links"]
        columns = [refer(where) for where in linked["columns"]]
        return list(map(Link, read(linked["positions"]), *columns)) if columns else []


_NOT_READ = object()


class _Column(Sequence[Any]):
    """A column of the log's writes, its values read by need: a day's chart reads only the writes since a snapshot."""

    __slots__ = ("_numbers", "_unpacker", "_whole")

    def __init__(self, unpacker: Unpacker, numbers: array[int]) -> None:
        self._unpacker = unpacker
        self._numbers = numbers
        self._whole: list[Any] | None = None

    def whole(self) -> list[Any]:
        """Every value, in order (read once, then kept)."""
        if self._whole is None:
            self._unpacker.need(self._numbers)
            self._whole = list(map(self._unpacker.values.__getitem__, self._numbers))
        return self._whole

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if self._whole is not None:
            return self._whole[index]
        values = self._unpacker.values
        if isinstance(index, slice):
            numbers = self._numbers[index]
            self._unpacker.need(numbers)
            return list(map(values.__getitem__, numbers))
        number = self._numbers[index]
        if values[number] is None and number >= self._unpacker.first_object:  # not read yet (not the constant None)
            self._unpacker.need((number,))
        return values[number]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.whole())


class _Snapshot(Sequence[Any]):
    """One of the log's snapshots, ``(prefix, state)`` as a built log has it, the state read on first use."""

    __slots__ = ("_state", "_tables", "_unpacker", "prefix")

    def __init__(self, unpacker: Unpacker, prefix: int, tables: Sequence[Sequence[Sequence[int]]]) -> None:
        self._unpacker = unpacker
        self.prefix = prefix
        self._tables = tables
        self._state: DayState | None = None

    @property
    def state(self) -> DayState:
        """The state after the first ``prefix`` changes (read once, then kept)."""
        if self._state is None:
            refer = self._unpacker.refer
            parts = [dict(zip(refer(keys), refer(values), strict=True)) for keys, values in self._tables]
            if len(parts) != len(DayState._fields):
                raise CacheError("the cache's snapshots are damaged")
            self._state = DayState(*parts)
        return self._state

    def __len__(self) -> int:
        return 2

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Any, ...]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int) and index in (0, -2):  # the prefix, as bisect asks: no state read
            return self.prefix
        return (self.prefix, self.state)[index]

    def __iter__(self) -> Iterator[Any]:
        yield self.prefix
        yield self.state

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str) and len(other) == 2:
            return (self.prefix, self.state) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


#: The slots of Versions, set and read past _UnreadVersions' attributes of the same names.
_DEFAULT, _ITEMS, _TAIL = Versions.__dict__["default"], Versions.__dict__["items"], Versions.__dict__["tail"]
#: One lock for every reopened log's versions read by need: reading one is quick, and rare once all are read.
_VERSIONS_LOCK = threading.Lock()
#: How many keys' versions are read one at a time before the rest of their table is read at once.
SINGLY = 4096


class _VersionsTable:
    """A table of versions as the cache holds it: each key's changes, and the numbers of its values."""

    def __init__(self, unpacker: Unpacker, changes: list[int], numbers: array[int], counts: list[int]) -> None:
        self.unpacker = unpacker
        self.changes = changes
        self.numbers = numbers
        self.starts = list(accumulate(counts, initial=0))
        self.unread: list[_UnreadVersions] = []
        self.singly = 0

    def read(self, versions: _UnreadVersions) -> None:
        """Read ``versions`` (a key asked for) — or, once many were, every key's not read yet."""
        with _VERSIONS_LOCK:
            if type(versions) is not _UnreadVersions:  # read meanwhile, by another thread
                return
            self.singly += 1
            if self.singly <= SINGLY:
                self._fill(versions, _ITEMS.__get__(versions))
                return
            # Many keys asked for one by one (an index of names, every history): the rest at once is cheaper.
            self.unpacker.need(self.numbers)
            for index, unread in enumerate(self.unread):
                if type(unread) is _UnreadVersions:
                    self._fill(unread, index, read=True)
            self.unread = []

    def _fill(self, versions: _UnreadVersions, index: int, *, read: bool = False) -> None:
        start, end = self.starts[index], self.starts[index + 1]
        numbers = self.numbers[start:end]
        if not read:
            self.unpacker.need(numbers)
        items = self.changes[start:end] + list(map(self.unpacker.values.__getitem__, numbers))
        count = end - start
        tail = None
        if count > SPLIT_AT:  # a key with many versions keeps them in two lists (see Versions.append)
            tail = items[count:]
            del items[count:]
        _ITEMS.__set__(versions, items)
        _TAIL.__set__(versions, tail)
        versions.__class__ = Versions  # type: ignore[assignment]


class _UnreadVersions(Versions[Any]):
    """A key's versions not read from the cache yet: read when first used, and then plain :class:`Versions`.

    A reopened log's tables of versions hold a key for every entity and
    relation the timeline ever had; a day's chart asks for a few of them,
    a point query for one.  While unread, the slot ``items`` holds the key's
    place in its table and ``tail`` the table; the attributes read the key's
    versions first, so that code that reads them (a splice) sees the lists.
    """

    __slots__ = ()

    @staticmethod
    def unread(default: Any, table: _VersionsTable, count: int) -> list[_UnreadVersions]:
        """The ``count`` keys of ``table``, unread (made and filled in C: a table has up to millions of keys)."""
        made = list(map(_UnreadVersions.__new__, repeat(_UnreadVersions, count)))
        deque(map(_DEFAULT.__set__, made, repeat(default, count)), maxlen=0)
        deque(map(_ITEMS.__set__, made, range(count)), maxlen=0)
        deque(map(_TAIL.__set__, made, repeat(table, count)), maxlen=0)
        return made

    def _read(self) -> Versions[Any]:
        table = _TAIL.__get__(self)
        if isinstance(table, _VersionsTable):  # else read meanwhile, by another thread
            table.read(self)
        return self

    @property
    def items(self) -> list[Any]:
        return self._read().items

    @items.setter
    def items(self, items: list[Any]) -> None:
        _ITEMS.__set__(self._read(), items)

    @property
    def tail(self) -> list[Any] | None:
        return self._read().tail

    @tail.setter
    def tail(self, tail: list[Any] | None) -> None:
        _TAIL.__set__(self._read(), tail)

    def append(self, change: int, value: Any) -> None:
        Versions.append(self._read(), change, value)

    def at(self, prefix: int) -> Any:
        return Versions.at(self._read(), prefix)

    def copy(self) -> Versions[Any]:
        return Versions.copy(self._read())

    def before(self, prefix: int) -> Versions[Any] | None:
        return Versions.before(self._read(), prefix)

    def _changes(self) -> list[int] | None:
        """The key's changes, without its values (``None`` once read)."""
        table = _TAIL.__get__(self)
        if not isinstance(table, _VersionsTable):
            return None
        index = _ITEMS.__get__(self)
        return table.changes[table.starts[index] : table.starts[index + 1]]

    @property
    def last_change(self) -> int:
        changes = self._changes()  # questions about when a key changed need no value: none read
        return changes[-1] if changes is not None else self._read().last_change

    @property
    def last(self) -> Any:
        return self._read().last

    @property
    def changes(self) -> list[int]:
        changes = self._changes()
        return changes if changes is not None else self._read().changes

    @property
    def values(self) -> list[Any]:
        return self._read().values

    def __len__(self) -> int:
        return len(self._read())


def _pack_record(packer: Packer, log: AppliedLog) -> tuple[list[int], list[int], list[int]]:
    """The parts holding the changes of the log's record, and the handles of those changes.

    The record holds the very changes of the log (``AppliedLog.replayed``
    tells a change already recorded by identity), so each is packed as the
    log's own, in its block; a change the record keeps that the log left out
    (a lenient build) goes into part 0.
    """
    record = log.record
    if not record.by_id and not record.corrected_by:
        return [], [], []
    position = {id(change): index for index, change in enumerate(log.changes)}
    parts: set[int] = set()

    def add(change: Change) -> int:
        index = position.get(id(change))
        part = 0 if index is None else 1 + index // BLOCK
        parts.add(part)
        return packer.add(change, part)

    by_id = [add(change) for change in record.by_id.values()]
    corrected_by = [add(change) for change in record.corrected_by.values()]
    return sorted(parts), by_id, corrected_by


def _unpack_record(unpacker: Unpacker, described: Mapping[str, Any]) -> Record:
    """The record packed by :func:`_pack_record`, its changes the very ones the log reads (their blocks read now)."""
    record = Record()
    for part in described["parts"]:
        unpacker.read_part(int(part))
    by_id = unpacker.refer(described["by_id"])
    corrected_by = unpacker.refer(described["corrected_by"])
    if not all(isinstance(change, Change) for change in chain(by_id, corrected_by)):
        raise CacheError("the cache's record of change ids is damaged")
    record.by_id = {change.id: change for change in by_id}
    record.corrected_by = {change.corrects: change for change in corrected_by}
    if len(record.by_id) != len(by_id) or len(record.corrected_by) != len(corrected_by):
        raise CacheError("the cache's record of change ids is damaged")
    return record


def _days(ordinals: array[int]) -> list[Any]:
    """Days from their ordinals, each distinct day made once (a log has many changes a day).

    A log's days in order (its ``starts``) are laid out a run of equal days at a time, in C.
    """
    numbers = ordinals.tolist()
    distinct = sorted(set(numbers))
    made = list(map(dt.date.fromordinal, distinct))
    if all(map(operator.le, numbers, islice(numbers, 1, None))):
        ends = [bisect.bisect_right(numbers, ordinal) for ordinal in distinct]
        counts = map(operator.sub, ends, chain((0,), ends))
        return list(chain.from_iterable(map(repeat, made, counts)))
    return list(map(dict(zip(distinct, made, strict=True)).__getitem__, numbers))


def _versions(unpacker: Unpacker, described: Mapping[str, Any]) -> dict[Any, Versions[Any]]:
    """A table of versions, each laid out as :class:`~orgmodel._log.Versions` lays out that many.

    Each key's versions are stored as its changes (machine integers) and its
    values (numbers of values), both in the order of the keys.  A key's
    versions are read when first used (see :class:`_UnreadVersions`).
    """
    keys = unpacker.refer(described["keys"])
    counts = unpacker.array(described["counts"]).tolist()
    changes = unpacker.array(described["changes"]).tolist()
    numbers = unpacker.numbers(described["values"])
    (default,) = unpacker.refer_numbers((described["default"],))
    if len(keys) != len(counts) or sum(counts) != len(changes) or len(changes) != len(numbers):
        raise CacheError("the cache's versions are damaged")
    if min(counts, default=1) <= 0:
        raise CacheError("the cache's versions are damaged")
    table = _VersionsTable(unpacker, changes, numbers, counts)
    table.unread = _UnreadVersions.unread(default, table, len(keys))
    return dict(zip(keys, table.unread, strict=True))


class _Blocks:
    """The changes and events of a reopened log, each block read on first use (thread-safely)."""

    def __init__(self, unpacker: Unpacker, numbers: Sequence[int], block: int) -> None:
        if block <= 0:
            raise CacheError("the cache's log is damaged: blocks of no changes")
        self.unpacker = unpacker
        self.numbers = numbers
        self.block = block
        self.event_starts: Sequence[int] = array("q", [0])
        self._changes: dict[int, list[Change]] = {}
        self._events: dict[int, list[Event]] = {}
        self._lock = threading.Lock()

    def changes(self, index: int) -> list[Change]:
        found = self._changes.get(index)
        if found is None:
            with self._lock:
                found = self._changes.get(index)
                if found is None:
                    # Read with the collector paused, as a build is: a block is thousands of new objects, and
                    # reading one from a question (a chart) would otherwise set off collections of the whole log.
                    with collector_paused():
                        self.unpacker.read_part(1 + index)
                    first = index * self.block
                    numbers = self.numbers[first : first + self.block]
                    found = self._changes[index] = list(map(self.unpacker.values.__getitem__, numbers))
        return found

    def events(self, index: int) -> list[Event]:
        found = self._events.get(index)
        if found is None:
            found = list(chain.from_iterable(map(attrgetter("events"), self.changes(index))))
            self._events[index] = found
        return found

    def block_of_event(self, position: int) -> int:
        """The block holding event ``position``."""
        return (bisect.bisect_right(self.event_starts, position, 0, len(self.event_starts) - 1) - 1) // self.block

    def first_event(self, index: int) -> int:
        return self.event_starts[min(index * self.block, len(self.event_starts) - 1)]


class Blocked(Sequence[T], Generic[T]):
    """A log's changes or events, read a block at a time; compares and hashes like the tuple it stands for."""

    __slots__ = ("_blocks", "_length", "_name", "_read", "_settle", "_whole")

    def __init__(self, blocks: _Blocks, length: int, name: str, settle: Callable[[str, tuple[Any, ...]], None]) -> None:
        self._blocks = blocks
        self._length = length
        self._name = name
        self._read: Callable[[int], list[Any]] = blocks.changes if name == "changes" else blocks.events
        self._settle = settle
        self._whole: tuple[T, ...] | None = None

    def whole(self) -> tuple[T, ...]:
        """Every item, as a tuple (read once, then kept, and handed to the log in place of this)."""
        if self._whole is None:
            count = (len(self._blocks.numbers) + self._blocks.block - 1) // self._blocks.block
            self._whole = tuple(chain.from_iterable(self._read(index) for index in range(count)))
            if len(self._whole) != self._length:
                raise CacheError("the cache's log is damaged: its changes and events do not agree")
            self._settle(self._name, self._whole)
        return self._whole

    def _locate(self, index: int) -> tuple[int, int]:
        """The block holding item ``index``, and where that block's items begin."""
        blocks = self._blocks
        if self._name == "changes":
            block = index // blocks.block
            return block, block * blocks.block
        block = blocks.block_of_event(index)
        return block, blocks.first_event(block)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            # As the log's own: a tuple of changes, a list of events.
            part = self.whole()[index]
            return part if self._name == "changes" else list(part)
        if self._whole is not None:
            return self._whole[index]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("index out of range")
        block, first = self._locate(index)
        item: T = self._read(block)[index - first]
        return item

    def __iter__(self) -> Iterator[T]:
        return iter(self.whole())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Blocked):
            return self.whole() == other.whole()
        if isinstance(other, (tuple, list)):
            return self.whole() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.whole())

    def __repr__(self) -> str:
        return repr(self.whole())
