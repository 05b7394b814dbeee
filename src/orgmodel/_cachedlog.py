"""An applied log packed for a cache, and read back: the tables as they were, the changes when asked for.

:func:`pack_log` lays out everything an :class:`~orgmodel._log.AppliedLog`
holds — writes, versions, snapshots, links, and its changes — with
:mod:`orgmodel._packing`; :func:`unpack_log` makes the same log again,
field by field, without applying a single change.

The entities, and the log's tables that hold them, are read at once: every
question about a day needs them.  The changes and their events, about half
of what a log holds, are read a block of :data:`BLOCK` changes at a time,
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import accumulate, chain, compress, islice, repeat
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
        values = chain.from_iterable(versions.values for versions in table.values())
        handles[name] = (packer.add_all(table), packer.add(default), packer.add_all(values))
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
        unpacker, laid = self.unpacker, self.laid
        unpacker.read_part(0)  # the entities, and every value the tables share
        refer, read = unpacker.refer, unpacker.array
        if name == "record":
            return _unpack_record(unpacker, laid["record"])
        if name == "deltas":
            writes = Writes()
            written = laid["writes"]
            writes.positions = read(written["positions"])
            writes.keys, writes.olds, writes.news = (refer(written[column]) for column in ("keys", "olds", "news"))
            if not len(writes.keys) == len(writes.olds) == len(writes.news) == len(writes.positions):
                raise CacheError("the cache's log is damaged: its writes do not agree in length")
            return writes
        if name in VERSION_TABLES:
            return _versions(unpacker, laid["tables"][name])
        if name == "last_seen":
            keys, values = (refer(where) for where in laid["last_seen"])
            return dict(zip(keys, values, strict=True))
        if name == "snapshots":
            snapshots = []
            for snapshot in laid["snapshots"]:
                parts = [dict(zip(refer(keys), refer(values), strict=True)) for keys, values in snapshot["tables"]]
                snapshots.append((int(snapshot["prefix"]), DayState(*parts)))
            return snapshots
        linked = laid["links"]
        columns = [refer(where) for where in linked["columns"]]
        return list(map(Link, read(linked["positions"]), *columns)) if columns else []


_NOT_READ = object()


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
    values (numbers of values), both in the order of the keys: each key's
    list is its two slices joined, all made in C.
    """
    keys = unpacker.refer(described["keys"])
    counts = unpacker.array(described["counts"]).tolist()
    changes = unpacker.array(described["changes"]).tolist()
    values = unpacker.refer(described["values"])
    default = unpacker.values[described["default"]]
    if len(keys) != len(counts) or sum(counts) != len(changes) or len(changes) != len(values):
        raise CacheError("the cache's versions are damaged")
    ends = list(accumulate(counts))
    slices = list(map(slice, chain((0,), ends), ends))
    items = map(operator.add, map(changes.__getitem__, slices), map(values.__getitem__, slices))
    table = dict(zip(keys, map(_make_versions, repeat(default), items), strict=True))
    # A key with many versions keeps them in two lists (see Versions.append).
    for key in compress(keys, map(SPLIT_AT.__lt__, counts)):
        versions = table[key]
        count = len(versions.items) // 2
        versions.tail = versions.items[count:]
        del versions.items[count:]
    return table


def _make_versions(default: Any, items: list[Any]) -> Versions[Any]:
    versions: Versions[Any] = Versions.__new__(Versions)
    versions.default = default
    versions.items = items
    versions.tail = None
    return versions


class _Blocks:
    """The changes and events of a reopened log, each block read on first use (thread-safely)."""

    def __init__(self, unpacker: Unpacker, numbers: list[int], block: int) -> None:
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
