"""A parsed file: plain values that can say where each came from, read a part at a time.

A :class:`Document` is read a top-level key at a time, and the entries under
``events`` one by one, so a large file is never held twice: the reader turns
each entry into events and lets it go.  YAML is parsed in
:mod:`orgmodel._yaml_source` (libyaml's C parser when PyYAML has it), JSON in
:mod:`orgmodel._json_source` (the standard library's C decoder).

Values are :class:`Map`, :class:`Seq` and scalars.  A YAML mapping or list
keeps the marks of its items, and a :class:`Where` works out a line and column
only when a message needs one; a JSON place is a path such as
``events[3].rename``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Final

import yaml

from orgmodel._limits import Limits, refusal
from orgmodel.errors import FormatError

#: Whether YAML goes through libyaml (switched off in tests, to exercise the pure-Python fallback).
USE_LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))

_SELF: Final = 0
_KEY: Final = 1
_VALUE: Final = 2
_ITEM: Final = 3


class Where:
    """A place in a document: a path such as ``events[3].rename`` and, for YAML, a line and column."""

    __slots__ = ("_column", "_line", "_path")

    def __init__(self, path: str, line: int | None = None, column: int | None = None) -> None:
        self._path, self._line, self._column = path, line, column

    @property
    def path(self) -> str:
        """The path from the top of the document, such as ``events[3].rename``."""
        return self._path

    @property
    def line(self) -> int | None:
        """The line, counting from 1 (``None`` for JSON)."""
        return self._line

    @property
    def column(self) -> int | None:
        """The column, counting from 1 (``None`` for JSON)."""
        return self._column

    def prefix(self, file: str) -> str:
        """``file:line:column: `` or, without a position, ``file: path: ``."""
        line = self.line
        if line is not None:
            return f"{file}:{line}:{self.column}: "
        path = self.path
        return f"{file}: {path}: " if path else f"{file}: "

    def fixed(self) -> Where:
        """The same place, worked out now, holding nothing of the document."""
        return Where(self.path, self.line, self.column)

    def __repr__(self) -> str:
        return f"Where({self.path!r}, {self.line!r}, {self.column!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Where):
            return NotImplemented
        return (self.path, self.line, self.column) == (other.path, other.line, other.column)

    def __hash__(self) -> int:
        return hash((self.path, self.line, self.column))


class _Place(Where):
    """A place inside a :class:`Map` or :class:`Seq`, worked out from its marks when asked."""

    __slots__ = ("_in", "_key", "_part")

    def __init__(self, container: Map | Seq | Entries, key: Any, part: int) -> None:
        self._in, self._key, self._part = container, key, part

    @property
    def path(self) -> str:
        base = self._in.path()
        if self._part == _SELF:
            return base
        if isinstance(self._key, int):
            return f"{base}[{self._key}]"
        return f"{base}.{self._key}" if base else str(self._key)

    def _mark(self) -> Any:
        marks = self._in.marks
        if marks is None:
            return None
        if self._part == _ITEM:
            index = self._key + 1
            return marks[index] if index < len(marks) else marks[0]
        if self._part != _SELF:
            for index, key in enumerate(self._in):
                if key == self._key:
                    return marks[1 + 2 * index + (self._part == _VALUE)]
        return marks[0]

    @property
    def line(self) -> int | None:
        mark = self._mark()
        return None if mark is None else mark.line + 1

    def fixed(self) -> Where:
        mark = self._mark()  # once, not once for the line and once for the column
        return Where(self.path, None, None) if mark is None else Where(self.path, mark.line + 1, mark.column + 1)

    @property
    def column(self) -> int | None:
        mark = self._mark()
        return None if mark is None else mark.column + 1


class _Placed:
    """What :class:`Map` and :class:`Seq` share: where they sit, and the marks of what they hold."""

    __slots__ = ()

    #: Where it sits: ``(where its container sits, its key or index)``; ``None`` at the top.
    at: At
    #: For YAML: its own mark, then each key's and value's (a mapping) or each item's (a list); ``None`` for JSON.
    marks: list[Any] | None

    @property
    def where(self) -> Where:
        """Where it starts."""
        return _Place(self, None, _SELF)  # type: ignore[arg-type]  # self is a Map or a Seq

    def path(self) -> str:
        """The path from the top of the document."""
        return path_of(self.at)


class Map(_Placed, dict[str, Any]):
    """A mapping read from a document, which can say where it, each of its keys and each of its values were."""

    __slots__ = ("at", "marks")

    def place(self, key: str) -> Where:
        """Where the value under ``key`` was, or where the mapping was if the key is absent."""
        return _Place(self, key, _VALUE if key in self else _SELF)

    def key_place(self, key: str) -> Where:
        """Where the key itself was written."""
        return _Place(self, key, _KEY if key in self else _SELF)


class Seq(_Placed, list[Any]):
    """A sequence read from a document, which can say where it and each of its items were."""

    __slots__ = ("at", "marks")

    def place(self, index: int) -> Where:
        """Where item ``index`` was."""
        return _Place(self, index, _ITEM)


class Entries:
    """The entries under ``events``, read one at a time: iterate once, getting ``(entry, at, where)``.

    From JSON an entry comes as the decoder made it (dicts and lists), which is all the quick way
    through plain entries needs; :meth:`careful` makes it :class:`Map` and :class:`Seq` for the
    careful way, which says where each problem is.
    """

    marks = None
    at: At = (None, "events")

    def __init__(self) -> None:
        self.items: Iterator[tuple[Any, At, Where]] = iter(())
        self.careful: Callable[[Any, At], Any] = lambda entry, at: entry

    def __iter__(self) -> Iterator[tuple[Any, At, Where]]:
        return self.items

    def path(self) -> str:
        """``events``."""
        return "events"


#: Where a value sits in a document: ``(where its container sits, its key or index)``, ``None`` for the top.
#: A chain of tuples rather than pointers to the containers, so a document holds no reference cycles and
#: an entry read and let go is freed at once, even while the collector is paused.
At = tuple[Any, str | int] | None


def path_of(at: At) -> str:
    """The path of ``at``, such as ``events[3].into[0]``."""
    if at is not None:  # an entry, or an event of a change: the common cases, kept short
        up, key = at
        if up is Entries.at:
            return f"events[{key}]"
        if up is not None and up[1] == "events" and up[0] is not None and up[0][0] is Entries.at:
            return f"events[{up[0][1]}].events[{key}]"
    keys: list[str | int] = []
    while at is not None:
        at, key = at
        keys.append(key)
    path = ""
    for key in reversed(keys):
        path = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)
    return path


def new_map(at: At, marks: list[Any] | None) -> Map:
    """An empty :class:`Map` sitting at ``at``."""
    mapping = Map()
    mapping.at, mapping.marks = at, marks
    return mapping


def new_seq(at: At, marks: list[Any] | None) -> Seq:
    """An empty :class:`Seq` sitting at ``at``."""
    sequence = Seq()
    sequence.at, sequence.marks = at, marks
    return sequence


# --- the document ----------------------------------------------------------------------------


class Document:
    """A file being read: its top-level keys one at a time, and the entries under ``events`` one by one.

    After :func:`parse`, ``top`` is the top-level mapping (``None`` when the
    document is empty or is not a mapping; then ``other`` holds what it is).
    Iterating the document fills ``top`` key by key; the value under
    ``events``, when it is a list, is an :class:`Entries` to be read before the
    next key.  ``problems`` collects what is wrong with the document's shape
    (duplicate keys, refused tags, aliases); the values concerned are left out.
    """

    def __init__(self, file: str, size: int) -> None:
        self.file = file
        self.size = size
        self.top: Map | None = None
        self.other: Any = None
        self.empty = False
        self.root = Where("", 1, 1)
        self.problems: list[tuple[int, str]] = []
        self._keys: Iterator[str] = iter(())
        self._progress: Callable[[int], None] | None = None

    def __iter__(self) -> Iterator[str]:
        """Each top-level key, once its value is in ``top``."""
        return self._keys

    def report_progress(self, report: Callable[[int], None]) -> None:
        """Call ``report(done)`` now and then while reading, ``done`` out of ``size``."""
        self._progress = report


def parse(text: str | bytes, *, file: str, json_format: bool, limits: Limits, libyaml: bool | None = None) -> Document:
    """Start reading the document in ``text`` (text, or UTF-8 bytes for libyaml); see :class:`Document`.

    YAML goes through libyaml when ``libyaml`` says so (``None``: when :data:`USE_LIBYAML`).
    """
    if json_format:
        from orgmodel._json_source import JsonSource

        assert isinstance(text, str)
        return JsonSource(text, file, limits).start()
    from orgmodel._yaml_source import YamlSource

    return YamlSource(text, file, limits, libyaml=USE_LIBYAML if libyaml is None else libyaml).start()


def located(file: str, line: int, column: int, message: str) -> FormatError:
    """A :class:`FormatError` at ``file:line:column``."""
    return FormatError([f"{file}:{line}:{column}: {message}"])


def too_deep(file: str, where: str, limits: Limits) -> FormatError:
    """Nesting past the depth limit, at ``where`` (``:line:column`` or empty)."""
    return FormatError([refusal(limits, f"{file}{where}: ", "nesting is too deep: more than", "depth", "levels")])


# --- writing ---------------------------------------------------------------------------------


def _yaml12_booleans(resolver: type[yaml.resolver.BaseResolver]) -> None:
    """Only ``true`` and ``false`` are booleans (as in YAML 1.2), so ``on:``, ``no`` and ``Yes`` stay text."""
    bool_tag = "tag:yaml.org,2002:bool"
    resolver.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != bool_tag]
        for first, resolvers in resolver.yaml_implicit_resolvers.items()
    }
    resolver.add_implicit_resolver(bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 booleans (kept for code that composes YAML itself)."""


class Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper with YAML 1.2 booleans, so it writes ``on:`` rather than ``'on':``."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_yaml12_booleans(Loader)
_yaml12_booleans(Dumper)
