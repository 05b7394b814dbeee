"""Fields of the user's own on an entity: attributes (a cost centre, a head count) and identifiers by scheme.

An :class:`Attributes` is an immutable, hashable mapping, so entities that
carry one stay values (hashable, comparable, usable as networkx nodes).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, TypeAlias

from orgmodel.errors import InvalidArgumentError

#: What an attribute may hold: plain values every format and table can carry.
Scalar: TypeAlias = "str | int | float | bool"

#: Names an attribute may not take: the entity's own fields and the keys of its node in ``OrgChart.graph``.
RESERVED = frozenset(
    {
        "id",
        "type",
        "name",
        "title",
        "kind",
        "category",
        "parent",
        "unit",
        "heads",
        "reports_to",
        "holder",
        "holders",
        "seats",
        "owner",
        "aliases",
        "attributes",
        "identifiers",
        "uncertain",
        "planned",
        "vacant",
        "status",
    }
)


def _check_key(key: object, what: str) -> str:
    if not isinstance(key, str) or not key.strip() or key != key.strip():
        raise InvalidArgumentError(f"{what} names must be non-empty text without surrounding spaces, got {key!r}")
    if any(ord(char) < 32 or ord(char) == 127 for char in key):
        raise InvalidArgumentError(f"{what} names must not hold control characters, got {key!r}")
    return key


def _check_scalar(key: str, value: object) -> Scalar:
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidArgumentError(f"attribute {key!r} must be a finite number, got {value!r}")
        return value
    raise InvalidArgumentError(f"attribute {key!r} must be text, a number or true/false, got {value!r}")


class Attributes(Mapping[str, Any]):
    """An immutable mapping of names to plain values (text, numbers, booleans), in name order.

    >>> fields = Attributes.of({"fte": 12.5, "cost_centre": "4711"})
    >>> dict(fields), fields.changed({"fte": None, "budget": 3})["budget"]
    ({'cost_centre': '4711', 'fte': 12.5}, 3)
    """

    __slots__ = ("_data", "_hash")

    #: The empty mapping, shared by every entity with no fields of its own.
    EMPTY: ClassVar[Attributes]

    def __init__(self, data: Mapping[str, Any] = {}) -> None:
        self._data: dict[str, Any] = dict(sorted(data.items()))
        self._hash: int | None = None

    @classmethod
    def of(cls, value: object) -> Attributes:
        """Checked attributes from a mapping: names not reserved, values text, numbers or booleans."""
        if isinstance(value, Attributes):
            return value
        if value is None or (isinstance(value, Mapping) and not value):
            return cls.EMPTY
        if not isinstance(value, Mapping):
            raise InvalidArgumentError(f"attributes must be a mapping of names to values, got {value!r}")
        checked = {}
        for key, item in value.items():
            name = _check_key(key, "attribute")
            if name in RESERVED:
                raise InvalidArgumentError(
                    f"attribute {name!r} would hide the entity's own field of that name: choose another name"
                )
            checked[name] = _check_scalar(name, item)
        return cls(checked)

    @classmethod
    def identifiers(cls, value: object) -> Attributes:
        """Checked identifiers from a mapping of schemes (``"wikidata"``) to ids (non-empty text)."""
        if isinstance(value, Attributes):
            return value
        if value is None or (isinstance(value, Mapping) and not value):
            return cls.EMPTY
        if not isinstance(value, Mapping):
            raise InvalidArgumentError(f"identifiers must be a mapping of schemes to ids, got {value!r}")
        checked = {}
        for key, item in value.items():
            scheme = _check_key(key, "identifier scheme")
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)  # noqa: PLW2901 - registers often number their ids
            if not isinstance(item, str) or not item.strip():
                raise InvalidArgumentError(f"identifier {scheme!r} must be non-empty text, got {item!r}")
            checked[scheme] = item
        return cls(checked)

    def changed(self, changes: Mapping[str, Any]) -> Attributes:
        """A copy with ``changes`` made: a value sets a name, ``None`` removes it."""
        data = dict(self._data)
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return Attributes(data) if data else Attributes.EMPTY

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Attributes):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Attributes({self._data!r})" if self._data else "Attributes({})"


Attributes.EMPTY = Attributes()
