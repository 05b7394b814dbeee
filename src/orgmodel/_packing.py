"""Values packed into columns of numbers, and read back fast: how a cache holds a timeline's objects.

A large timeline holds millions of small immutable values — entities,
events, changes, the tuples inside them — most of them shared between the
log's tables.  :class:`Packer` walks them and gives every distinct value a
number:

* **constants** (text, numbers, booleans, ``None``, days, members of the
  library's enumerations, :class:`~orgmodel.Attributes`) go into one JSON
  list, each once;
* **objects** (tuples, and values of the library's attrs classes) go into
  tables, one per class and *level*, with a column per field whose cells are
  the numbers of the values in it.  An object's level is one more than its
  fields' highest, so a table only ever points at values read before it.

Reading back (:class:`Unpacker`) is then a few C-speed passes per column —
``map(values.__getitem__, numbers)`` — and one call per object, which sets
its slots straight from the columns (:func:`orgmodel._values.maker`).  A
value shared in the timeline is shared again once read: each is stored once
and read once.  Nothing is evaluated: only JSON and arrays of machine
integers are read, and only the classes the library names (:func:`classes`)
are ever made.

Values can be packed in *parts*: the objects of some classes (``partitioned``)
go into the part they are added for, and every other value into part 0, which
holds every constant.  A part points only at itself and part 0, so it can be
read on its own: a cache reads its changes a block at a time, when they are
first asked for.  Values can also be read by need (:meth:`Unpacker.need`):
only those asked for and the values they hold, so that a question about one
day makes that day's entities, not every entity the timeline ever had.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import enum
import heapq
import json
import operator
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from itertools import chain, repeat
from typing import Any, cast

import attrs

from orgmodel._attributes import Attributes
from orgmodel._bulk import collector_paused
from orgmodel._values import maker
from orgmodel.errors import CacheError

#: Numbers of values in columns: four-byte unsigned integers while they fit, else eight.
_SMALL, _LARGE = "I", "Q"
#: Arrays of machine integers (spelled so inside Unpacker, whose method ``array`` hides the class there).
IntArray = array
#: Classes whose values are often equal without being the same object: stored once per distinct value.
_SHARED_BY_VALUE = frozenset({"When", "Source", "Holding"})


@cache
def classes() -> Mapping[str, type[Any]]:
    """Every class whose values a cache may hold, by name: the library's attrs classes and enumerations.

    Found from what ``orgmodel`` exports (and every event class), so a class
    the library adds and exports is carried without a change here.
    """
    import orgmodel
    from orgmodel._events import EVENT_TYPES

    found: dict[str, type[Any]] = {}
    candidates = [getattr(orgmodel, name) for name in orgmodel.__all__]
    for candidate in [*candidates, *EVENT_TYPES.values()]:
        carried = isinstance(candidate, type) and (attrs.has(candidate) or issubclass(candidate, enum.Enum))
        if carried and candidate.__module__.startswith("orgmodel"):
            found[candidate.__name__] = candidate
    return found


def _constant_key(value: Any) -> tuple[Any, ...] | None:
    """What tells one constant from another (``None`` for a value that is not a constant).

    ``1``, ``1.0`` and ``True`` are equal in Python, but stay three values
    here; so do ``0.0`` and ``-0.0``.
    """
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int or kind is dt.date:
        return (kind, value)
    if kind is float:
        return (float, repr(value))
    if isinstance(value, enum.Enum):
        return (kind, value.value)
    if kind is Attributes:
        return (Attributes, tuple((key, type(item), repr(item)) for key, item in value.items()))
    return None


def _encode_constant(value: Any) -> Any:
    """A constant as JSON: plain JSON values as they are, the rest tagged."""
    if value is None or (isinstance(value, (str, bool, int, float)) and not isinstance(value, enum.Enum)):
        return value
    if type(value) is dt.date:
        return {"day": value.toordinal()}
    if isinstance(value, enum.Enum):
        return {"member": [type(value).__name__, value.value]}
    if type(value) is Attributes:
        return {"attributes": [[key, item] for key, item in value.items()]}
    raise CacheError(f"cannot carry the value {value!r} in a cache")  # pragma: no cover - _constant_key decides


def _decode_constant(value: Any, known: Mapping[str, type[Any]]) -> Any:
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, content), *_ = value.items()
        if tag == "day" and type(content) is int and 1 <= content <= dt.date.max.toordinal():
            return dt.date.fromordinal(content)
        if tag == "member" and isinstance(content, list) and len(content) == 2:
            cls = known.get(content[0]) if isinstance(content[0], str) else None
            if cls is not None and issubclass(cls, enum.Enum):
                return cls(content[1])
        if tag == "attributes" and isinstance(content, list):
            pairs = dict(item for item in content if isinstance(item, list) and len(item) == 2)
            return Attributes.of(pairs)
    raise CacheError(f"the cache holds a value it cannot read: {value!r}")


class _Table:
    """The objects of one class and level in one part, each as the numbers of its fields' values."""

    __slots__ = ("name", "part", "rows")

    def __init__(self, name: str, part: int) -> None:
        self.name = name
        self.part = part
        self.rows: list[tuple[int, ...]] = []


class Packer:
    """Gives numbers to values and their parts; :meth:`finish` lays them out in columns.

    >>> import orgmodel as om
    >>> packer = Packer()
    >>> unit = om.Unit("u", "Enheten")
    >>> first = packer.add(unit)
    >>> packer.add(unit) == first, packer.add(om.Unit("u", "Enheten")) == first
    (True, False)
    >>> layout, data, numbers = packer.finish()
    >>> unpacker = Unpacker(layout, data)
    >>> unpacker.read_part(0)
    >>> unpacker.values[numbers[first]] == unit
    True
    """

    def __init__(self, partitioned: frozenset[str] = frozenset()) -> None:
        self._classes = classes()
        self._partitioned = partitioned
        self._into = 0  # the part the value being added is for
        self._constants: dict[tuple[Any, ...], int] = {}
        self._strings: dict[str, int] = {}
        self._by_id: dict[int, int] = {}
        self._by_value: dict[tuple[Any, ...], int] = {}
        self._alive: list[Any] = []  # what _by_id holds ids of: kept alive, so no id is reused meanwhile
        self._fields: dict[type[Any], tuple[str, Callable[[Any], Any]]] = {}
        # Per handle: its level (0 for a constant), its table (-1 for a constant), its place there.
        self._level: list[int] = []
        self._table: list[int] = []
        self._local: list[int] = []
        self._part_of: list[int] = []  # per handle, the part holding it (0 for a constant)
        # The classes whose values are objects, never constants: a value of one not added yet is told at once.
        self._object_kinds = frozenset({tuple, *(cls for cls in self._classes.values() if attrs.has(cls))})
        self._constants_list: list[Any] = []
        self._parts: dict[int, dict[tuple[int, str], int]] = {0: {}}
        self._tables: list[_Table] = []

    # --- adding -----------------------------------------------------------------------------------

    def add(self, value: Any, part: int = 0) -> int:
        """The handle of ``value`` (see :meth:`finish` for its number), adding it and its fields if new.

        Objects of a partitioned class go into ``part``, and so does any
        object that holds one.
        """
        self._into = part
        if part not in self._parts:
            self._parts[part] = {}
        known = self._known
        found = known(value)
        if found is not None:
            return found
        return self._add_new(value)

    def _add_new(self, value: Any) -> int:
        """Add an object not added yet, after the values in its fields (a value nests only a few levels deep)."""
        name, fields = self._describe(value)
        found, part_of, into = self._by_id.get, self._part_of, self._into
        handles = []
        for field in fields:
            handle = found(id(field))
            # Most fields were added already, in part 0: told here without a call; the rest as in _known.
            if handle is None or (part_of[handle] and part_of[handle] != into):
                handle = self._known(field)
                if handle is None:
                    handle = self._add_new(field)
            handles.append(handle)
        return self._add_object(value, name, tuple(handles))

    def add_all(self, values: Iterable[Any], part: int = 0) -> list[int]:
        """The handles of ``values``, in order."""
        values = values if isinstance(values, list) else list(values)
        # Most values of a log's tables were added already (an entity is in its versions, the writes and the
        # snapshots): those are found in C, and only the others go through add.
        handles: list[int | None] = list(map(self._by_id.get, map(id, values)))
        part_of = self._part_of
        found = [handle for handle in handles if handle is not None]
        if len(found) < len(handles) or any(part not in (0, part) for part in set(map(part_of.__getitem__, found))):
            add = self.add
            for index, handle in enumerate(handles):
                if handle is None or part_of[handle] not in (0, part):
                    handles[index] = add(values[index], part)
        return cast(list[int], handles)

    def _known(self, value: Any) -> int | None:
        """The handle of a value already added, or of a constant (added now); ``None`` for a new object."""
        found = self._by_id.get(id(value))
        if found is not None:
            # An object of another part than this one and part 0 is added again: parts point at no other.
            part = self._part_of[found]
            return found if part in (0, self._into) else None
        kind = type(value)
        if kind in self._object_kinds:
            return None
        if kind is str:
            found = self._strings.get(value)
            if found is None:
                found = self._strings[value] = self._add_constant(value)
        else:
            key = _constant_key(value)
            if key is None:
                return None
            found = self._constants.get(key)
            if found is None:
                found = self._constants[key] = self._add_constant(value)
        # Found by identity from now on (and kept alive, so that no other value takes its id).
        self._by_id[id(value)] = found
        self._alive.append(value)
        return found

    def _add_constant(self, value: Any) -> int:
        constants = self._constants_list
        self._level.append(0)
        self._table.append(-1)
        self._part_of.append(0)
        self._local.append(len(constants))
        constants.append(value)
        return len(self._level) - 1

    def _describe(self, value: Any) -> tuple[str, Sequence[Any]]:
        """The name of a value's class and the values of its fields, in order."""
        kind = type(value)
        if kind is tuple:
            return "tuple", value
        fields = self._fields.get(kind)
        if fields is None:
            name = kind.__name__
            if self._classes.get(name) is not kind or not attrs.has(kind):
                raise CacheError(
                    f"cannot carry a value of type {kind.__module__}.{kind.__qualname__} in a cache: {value!r}"
                )
            names = [field.name for field in attrs.fields(kind)]
            if len(names) == 1:
                single = operator.attrgetter(names[0])
                fields = self._fields[kind] = (name, lambda item: (single(item),))
            else:
                fields = self._fields[kind] = (name, operator.attrgetter(*names))
        name, read = fields
        return name, read(value)

    def _add_object(self, value: Any, name: str, handles: tuple[int, ...]) -> int:
        # In the part of the first field that is in a part of its own, else in the part it is added for.
        part = next(filter(None, map(self._part_of.__getitem__, handles)), 0)
        if not part and name in self._partitioned:
            part = self._into
        shared = name in _SHARED_BY_VALUE or (
            name == "tuple" and max(map(self._table.__getitem__, handles), default=-1) < 0
        )
        if shared:
            found = self._by_value.get((part, name, handles))
            if found is not None:
                self._by_id[id(value)] = found
                self._alive.append(value)
                return found
        level = 1 + max(map(self._level.__getitem__, handles), default=0)
        tables = self._parts[part]
        index = tables.get((level, name))
        if index is None:
            index = tables[(level, name)] = len(self._tables)
            self._tables.append(_Table(name, part))
        table = self._tables[index]
        handle = len(self._level)
        self._level.append(level)
        self._table.append(index)
        self._part_of.append(part)
        self._local.append(len(table.rows))
        table.rows.append(handles)
        self._by_id[id(value)] = handle
        self._alive.append(value)
        if shared:
            self._by_value[(part, name, handles)] = handle
        return handle

    # --- laying out -------------------------------------------------------------------------------

    def finish(self) -> tuple[dict[str, Any], bytes, array[int]]:
        """The layout (JSON-ready), the column data, and each handle's number among the values read back.

        Values are numbered part by part (part 0 first, with every constant),
        each part's tables by level.  Tuples are ordered by length within
        their table, so that reading makes each length's tuples in one pass.
        """
        offsets: dict[int, int] = {}
        permutations: dict[int, list[int]] = {}
        starts: dict[int, int] = {}
        count = len(self._constants_list)
        for part in sorted(self._parts):
            starts[part] = 0 if part == 0 else count
            tables = self._parts[part]
            for key in sorted(tables):
                index = tables[key]
                offsets[index] = count
                table = self._tables[index]
                if table.name == "tuple":
                    ranked = sorted(range(len(table.rows)), key=lambda row: len(table.rows[row]))
                    place = [0] * len(ranked)
                    for position, row in enumerate(ranked):
                        place[row] = position
                    permutations[index] = place
                count += len(table.rows)
        code = _SMALL if count < 2**32 else _LARGE
        numbers = array(code, bytes(array(code).itemsize * len(self._level)))
        for handle, (in_table, local) in enumerate(zip(self._table, self._local, strict=True)):
            if in_table < 0:
                numbers[handle] = local
            elif in_table in permutations:
                numbers[handle] = offsets[in_table] + permutations[in_table][local]
            else:
                numbers[handle] = offsets[in_table] + local
        data = bytearray()
        text = json.dumps(
            [_encode_constant(value) for value in self._constants_list], ensure_ascii=False, allow_nan=False
        )
        constants_at = _append(data, text.encode("utf-8"))
        parts = []
        for part in sorted(self._parts):
            tables = self._parts[part]
            laid = []
            for key in sorted(tables):
                index = tables[key]
                table = self._tables[index]
                if table.name == "tuple":
                    laid.append(self._lay_tuples(data, table, permutations[index], numbers, code))
                else:
                    laid.append(self._lay_objects(data, table, numbers, code))
            parts.append({"part": part, "start": starts[part], "tables": laid})
        layout = {
            "numbers": code,
            "byteorder": sys.byteorder,
            "count": count,
            "constants": {"at": constants_at, "count": len(self._constants_list)},
            "parts": parts,
        }
        return layout, bytes(data), numbers

    @staticmethod
    def _lay_objects(data: bytearray, table: _Table, numbers: array[int], code: str) -> dict[str, Any]:
        columns = []
        for column in zip(*table.rows, strict=True):
            first = column[0]
            if column.count(first) == len(column):
                columns.append({"same": numbers[first]})
            else:
                columns.append({"at": _append(data, array(code, map(numbers.__getitem__, column)).tobytes())})
        return {"class": table.name, "count": len(table.rows), "columns": columns}

    @staticmethod
    def _lay_tuples(data: bytearray, table: _Table, place: list[int], numbers: array[int], code: str) -> dict[str, Any]:
        rows: list[tuple[int, ...]] = [()] * len(place)
        for row, position in zip(table.rows, place, strict=True):
            rows[position] = row
        groups: list[list[int]] = []
        for row in rows:
            if groups and groups[-1][0] == len(row):
                groups[-1][1] += 1
            else:
                groups.append([len(row), 1])
        items = array(code, map(numbers.__getitem__, chain.from_iterable(rows)))
        return {"class": "tuple", "count": len(rows), "groups": groups, "items": _append(data, items.tobytes())}


def _append(data: bytearray, chunk: bytes) -> list[int]:
    """Add ``chunk`` to ``data``; where it is, as ``[offset, length]``."""
    data += chunk
    return [len(data) - len(chunk), len(chunk)]


class Unpacker:
    """Reads packed values back into :attr:`values` (in the order of their numbers), part by part.

    Part 0, with every constant, is read first; then any other, in any order.
    ``trusted`` values are made straight from their fields, unchecked; others
    go through their classes' own constructors, which check them as they
    would check a user's.
    """

    def __init__(self, layout: Mapping[str, Any], data: bytes | memoryview, *, trusted: bool = True) -> None:
        self._data = memoryview(data)
        self._known = classes()
        self._trusted = trusted
        try:
            self._code = layout["numbers"]
            self._swap = layout["byteorder"] != sys.byteorder
            self._constants = layout["constants"]
            self._parts = {int(part["part"]): part for part in layout["parts"]}
            count = int(layout["count"])
        except (KeyError, TypeError, ValueError) as error:
            raise CacheError(f"the cache's layout is damaged: {error!r}") from None
        if self._code not in (_SMALL, _LARGE) or array(self._code).itemsize != {_SMALL: 4, _LARGE: 8}[self._code]:
            raise CacheError(f"the cache numbers its values in a way this machine cannot read ({self._code!r})")
        if not 0 <= count <= 8 * len(self._data) + 2**16:
            raise CacheError("the cache's layout is damaged: more values than its data can hold")
        #: Every value, by number; those not read yet are ``None`` (no object is ``None``; every constant is read).
        self.values: list[Any] = [None] * count
        #: The parts read whole.
        self.read: set[int] = set()
        self._first_object = 0
        self._places: list[tuple[Mapping[str, Any], int]] = []  # per table, in the order of numbers: it, its part
        self._starts: list[int] = []  # per table, the number of its first value
        self._columns: dict[tuple[int, int], IntArray[int]] = {}
        self._touched: set[int] = set()  # the tables some of whose values were made
        self._makers: dict[int, tuple[Callable[..., Any], list[tuple[int, IntArray[int] | None]]]] = {}
        # Parts are read on first use, maybe by several threads at once: each is read once (the values shared).
        self._reading = threading.RLock()

    @property
    def first_object(self) -> int:
        """The number of the first value that is not a constant (0 until a value is first read)."""
        return self._first_object

    @property
    def parts(self) -> list[int]:
        """The parts the values were packed in."""
        return sorted(self._parts)

    def read_all(self) -> None:
        """Read every part not read yet."""
        for part in self.parts:
            self.read_part(part)

    def read_part(self, part: int) -> None:
        """Read every value of part ``part`` not read yet, and the values of part 0 it points at."""
        if part in self.read:
            return
        # With the collector paused, as a build is: reading makes up to millions of new objects.
        with self._reading, self._damage_told(), collector_paused():
            if part in self.read:
                return
            self._directory()
            tables = [index for index, (_, of) in enumerate(self._places) if of == part]
            if part:  # first what it points at in part 0 (only that: part 0 is read by need)
                start = int(self._parts[part]["start"])
                self._need(filter(start.__gt__, chain.from_iterable(self._fields_of(index, None) for index in tables)))
            for index in tables:
                self._make(index, None)
            self.read.add(part)

    def need(self, numbers: Iterable[int]) -> None:
        """Read the values numbered ``numbers`` (and those they hold), unless they are read already."""
        # With the collector paused, as a build is: reading makes up to millions of new objects.
        with self._reading, self._damage_told(), collector_paused():
            self._directory()
            self._need(numbers)

    def _need(self, numbers: Iterable[int]) -> None:
        # Objects hold only values numbered before them, in tables before theirs: the tables are visited from the
        # last down, each adding what its rows hold to the tables below, then made from the first up.
        values, first, starts = self.values, self._first_object, self._starts
        pending: dict[int, set[int]] = {}
        heap: list[int] = []

        def add(numbers: Iterable[int]) -> None:
            for number in filter(first.__le__, numbers):
                if values[number] is None:
                    index = bisect.bisect_right(starts, number) - 1
                    rows = pending.get(index)
                    if rows is None:
                        rows = pending[index] = set()
                        heapq.heappush(heap, -index)
                    rows.add(number - starts[index])

        add(numbers)
        order = []
        while heap:
            index = -heapq.heappop(heap)
            rows = sorted(pending.pop(index))
            order.append((index, rows))
            add(self._fields_of(index, rows))
        for index, rows in reversed(order):
            self._make(index, rows)

    def array(self, where: Sequence[int], code: str = "q") -> IntArray[int]:
        """The machine integers stored at ``where`` (``[offset, length]``)."""
        offset, length = where
        if not (offset >= 0 and length >= 0 and offset + length <= len(self._data)):
            raise CacheError(f"the cache points outside its data ({offset}, {length})")
        found = array(code)
        if length % found.itemsize:
            raise CacheError("the cache's data is cut short")
        found.frombytes(self._data[offset : offset + length])
        if self._swap:
            found.byteswap()
        return found

    def numbers(self, where: Sequence[int]) -> IntArray[int]:
        """The numbers of values stored at ``where``."""
        return self.array(where, self._code)

    def refer(self, where: Sequence[int]) -> list[Any]:
        """The values whose numbers are stored at ``where`` (read now if they are not yet)."""
        numbers = self.numbers(where)
        self.need(numbers)
        return list(map(self.values.__getitem__, numbers))

    def refer_numbers(self, numbers: Sequence[int]) -> list[Any]:
        """The values numbered ``numbers`` (read now if they are not yet)."""
        self.need(numbers)
        return list(map(self.values.__getitem__, numbers))

    def text(self, where: Sequence[int]) -> str:
        """Text stored at ``where``."""
        offset, length = where
        if not (offset >= 0 and length >= 0 and offset + length <= len(self._data)):
            raise CacheError(f"the cache points outside its data ({offset}, {length})")
        return str(self._data[offset : offset + length], "utf-8")

    @contextlib.contextmanager
    def _damage_told(self) -> Iterator[None]:
        try:
            yield
        except CacheError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, OverflowError) as error:
            raise CacheError(f"the cache's values are damaged: {type(error).__name__}: {error}") from None

    def _directory(self) -> None:
        """Where each table's values begin, every constant read (once)."""
        if self._starts:
            return
        constants = json.loads(self.text(self._constants["at"]))
        if not isinstance(constants, list) or len(constants) != self._constants["count"]:
            raise CacheError("the cache's constants are damaged")
        known = self._known
        found = [value if type(value) is not dict else _decode_constant(value, known) for value in constants]
        self.values[: len(found)] = found
        self._first_object = len(found)
        places: list[tuple[Mapping[str, Any], int]] = []
        starts: list[int] = []
        for index in sorted(self._parts):
            at = int(self._parts[index]["start"]) + (len(found) if index == 0 else 0)
            for table in self._parts[index]["tables"]:
                count = int(table["count"])
                if count < 0 or at + count > len(self.values) or (starts and at < starts[-1]):
                    raise CacheError(f"the cache's {table['class']} values are cut short")
                places.append((table, index))
                starts.append(at)
                at += count
        self._places = places
        self._starts = starts

    def _column(self, index: int, position: int) -> IntArray[int]:
        """The numbers in one column of a table (read once)."""
        key = (index, position)
        found = self._columns.get(key)
        if found is None:
            table = self._places[index][0]
            found = self._columns[key] = self.numbers(table["columns"][position]["at"])
            if len(found) != int(table["count"]):
                raise CacheError("the cache's columns are not all of one length")
        return found

    def _fields_of(self, index: int, rows: list[int] | None) -> Iterable[int]:
        """The numbers of the values the given rows of a table hold (every row's for ``None``)."""
        table = self._places[index][0]
        if table["class"] == "tuple":
            items = self._tuple_items(index)
            if rows is None:
                return items
            return chain.from_iterable(map(items.__getitem__, self._tuple_slices(index, rows)))
        found: list[Iterable[int]] = []
        for position, column in enumerate(table["columns"]):
            if "same" in column:
                found.append((int(column["same"]),))
            else:
                numbers = self._column(index, position)
                found.append(numbers if rows is None else map(numbers.__getitem__, rows))
        return chain.from_iterable(found)

    def _tuple_items(self, index: int) -> IntArray[int]:
        items = self._columns.get((index, -1))
        if items is None:
            table = self._places[index][0]
            items = self._columns[(index, -1)] = self.numbers(table["items"])
            groups = table["groups"]
            if not all(length >= 0 and count >= 0 for length, count in groups):
                raise CacheError("the cache's tuples are damaged")
            if sum(length * count for length, count in groups) != len(items):
                raise CacheError("the cache's tuples are damaged")
            if sum(count for _, count in groups) != table["count"]:
                raise CacheError("the cache's tuples are damaged")
        return items

    def _tuple_slices(self, index: int, rows: list[int]) -> list[slice]:
        """Where the items of each of ``rows`` (in order) are, in a tuple table's items."""
        groups = self._places[index][0]["groups"]
        slices = []
        row_start = item_start = 0
        position = 0
        for length, count in groups:
            row_end = row_start + count
            while position < len(rows) and rows[position] < row_end:
                first = item_start + (rows[position] - row_start) * length
                slices.append(slice(first, first + length))
                position += 1
            row_start, item_start = row_end, item_start + length * count
        if position != len(rows):
            raise CacheError("the cache's tuples are cut short")
        return slices

    def _maker(self, index: int) -> tuple[Callable[..., Any], list[tuple[int, IntArray[int] | None]]]:
        """What makes a table's values, and its columns (a number shared by every row, or each row's), once."""
        found = self._makers.get(index)
        if found is None:
            table = self._places[index][0]
            cls = self._known.get(table["class"])
            if cls is None or not attrs.has(cls):
                raise CacheError(f"the cache holds values of a class this version does not know: {table['class']}")
            if len(table["columns"]) != len(attrs.fields(cls)):
                raise CacheError(
                    f"the cache's {cls.__name__} values have {len(table['columns'])} fields, this version's "
                    f"{len(attrs.fields(cls))}: it was made by another version of orgmodel"
                )
            laid: list[tuple[int, IntArray[int] | None]] = [
                (int(column["same"]), None) if "same" in column else (-1, self._column(index, position))
                for position, column in enumerate(table["columns"])
            ]
            found = self._makers[index] = (maker(cls) if self._trusted else _checking_maker(cls), laid)
        return found

    def _make(self, index: int, rows: list[int] | None) -> None:
        """Make the values of the given rows of a table (``None``: every row not made yet)."""
        table, _ = self._places[index]
        start, count, values = self._starts[index], int(table["count"]), self.values
        if rows is None and index in self._touched:
            rows = [row for row in range(count) if values[start + row] is None]
        self._touched.add(index)
        if table["class"] == "tuple":
            items = self._tuple_items(index)
            if rows is None:
                made: list[Any] = list(self._tuples(table, items))
            else:
                made = [tuple(map(values.__getitem__, items[part])) for part in self._tuple_slices(index, rows)]
        else:
            make, laid = self._maker(index)
            size = count if rows is None else len(rows)
            columns: list[Iterator[Any]] = []
            for same, numbers in laid:
                if numbers is None:
                    columns.append(repeat(values[same], size))
                else:
                    chosen = numbers if rows is None else map(numbers.__getitem__, rows)
                    columns.append(map(values.__getitem__, chosen))
            made = list(map(make, *columns))
        if rows is None:
            if len(made) != count:
                raise CacheError(f"the cache's {table['class']} values are cut short")
            values[start : start + count] = made
        else:
            for row, value in zip(rows, made, strict=True):
                values[start + row] = value

    def _tuples(self, table: Mapping[str, Any], numbers: IntArray[int]) -> Iterator[tuple[Any, ...]]:
        items = list(map(self.values.__getitem__, numbers))
        made: list[Iterator[tuple[Any, ...]]] = []
        start = 0
        for length, count in table["groups"]:
            end = start + length * count
            if length == 0:
                made.append(repeat((), count))
            else:
                # zip(*[iterator] * n) takes n items at a time: each tuple made in C.
                made.append(zip(*[iter(items[start:end])] * length, strict=True))
            start = end
        return chain.from_iterable(made)


@cache
def _checking_maker(cls: type[Any]) -> Callable[..., Any]:
    """A function making a value of ``cls`` through its constructor, which checks every field."""
    names = [field.alias for field in attrs.fields(cls)]

    def make(*values: Any) -> Any:
        return cls(**dict(zip(names, values, strict=True)))

    return make
