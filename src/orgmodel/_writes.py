"""The log of writes, stored column by column.

A timeline of a million events makes a few million writes.  As tuples they
cost about a hundred bytes each (the tuple, and an int object for the
position); kept in columns — the positions in an array of machine integers,
keys and values in lists of references — they cost under thirty.  Reading
one back makes a :class:`~orgmodel._state.Delta` on the fly.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from orgmodel._state import Delta, Key, Value


class Writes(Sequence["Delta"]):
    """Every write in order: ``(position, key, old, new)`` in four columns.

    >>> writes = Writes()
    >>> writes.record(0, "u1", None, "a value")
    >>> writes[0]
    Delta(position=0, key='u1', old=None, new='a value')
    """

    __slots__ = ("keys", "news", "olds", "positions")

    def __init__(self) -> None:
        self.positions = array("q")
        self.keys: list[Key] = []
        self.olds: list[Value] = []
        self.news: list[Value] = []

    def record(self, position: int, key: Key, old: Value, new: Value) -> None:
        """Add one write at the end."""
        self.positions.append(position)
        self.keys.append(key)
        self.olds.append(old)
        self.news.append(new)

    def copy(self, length: int | None = None) -> Writes:
        """A copy of the first ``length`` writes (all by default) that can be added to without touching these.

        The values themselves are shared.
        """
        writes = Writes()
        writes.positions = self.positions[:length]
        writes.keys = self.keys[:length]
        writes.olds = self.olds[:length]
        writes.news = self.news[:length]
        return writes

    def truncate(self, length: int) -> None:
        """Forget every write after the first ``length``."""
        del self.positions[length:]
        del self.keys[length:]
        del self.olds[length:]
        del self.news[length:]

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Delta: ...
    @overload
    def __getitem__(self, index: slice) -> list[Delta]: ...

    def __getitem__(self, index: int | slice) -> Delta | list[Delta]:
        from orgmodel._state import Delta

        if isinstance(index, slice):
            columns: tuple[Any, ...] = (self.positions[index], self.keys[index], self.olds[index], self.news[index])
            return [Delta(*write) for write in zip(*columns, strict=True)]
        return Delta(self.positions[index], self.keys[index], self.olds[index], self.news[index])

    def __iter__(self) -> Iterator[Delta]:
        from orgmodel._state import Delta

        return (Delta(*write) for write in zip(self.positions, self.keys, self.olds, self.news, strict=True))
