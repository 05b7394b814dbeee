"""A fast way to make a changed copy of a value the library has already checked.

``attrs.evolve`` re-runs every converter and validator, which is right for
values coming from users and far too slow on the inner loop of a timeline,
which replaces entity values millions of times with ids and names it has
already validated.  :func:`replace` copies the fields as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import attrs

T = TypeVar("T")


@cache
def _field_names(cls: Any) -> frozenset[str]:  # Any: the stubs do not count classes as Hashable
    return frozenset(field.name for field in attrs.fields(cls))


@cache
def _copier(cls: Any) -> Callable[[Any, dict[str, Any]], Any]:
    """A function that copies a value of ``cls`` with some fields changed, written out field by field.

    Generated once per class: a straight run of assignments is about twice as fast as a loop over names.
    """
    lines = ["def copy(instance, changes):", "    value = new_object(cls)"]
    for name in sorted(_field_names(cls)):
        lines.append(f"    set_field(value, {name!r}, changes[{name!r}] if {name!r} in changes else instance.{name})")
    lines.append("    return value")
    namespace: dict[str, Any] = {"new_object": object.__new__, "set_field": object.__setattr__, "cls": cls}
    exec("\n".join(lines), namespace)
    copy: Callable[[Any, dict[str, Any]], Any] = namespace["copy"]
    return copy


def new(cls: type[T], **fields: Any) -> T:
    """A value of the attrs class ``cls`` from all its fields, skipping validation (for checked values only).

    >>> import orgmodel as om
    >>> new(om.Unit, id="u", name="A", kind=om.UnitKind.UNIT, parent=None, aliases=())
    Unit(id='u', name='A', kind=<UnitKind.UNIT: 'unit'>, parent=None, aliases=())
    """
    key: Any = cls  # a class is a fine cache key; the stubs do not count type[T] as Hashable
    names = _field_names(key)
    assert fields.keys() == names, f"{cls.__name__} needs exactly {sorted(names)}"
    value = object.__new__(cls)
    for name, item in fields.items():
        object.__setattr__(value, name, item)
    return value


def replace(instance: T, **changes: Any) -> T:
    """A copy of the attrs value ``instance`` with ``changes``, skipping validation (for checked values only).

    >>> import orgmodel as om
    >>> replace(om.Unit("u", "A"), name="B")
    Unit(id='u', name='B', kind=<UnitKind.UNIT: 'unit'>, parent=None, aliases=())
    """
    cls: Any = type(instance)  # a class is a fine cache key; the stubs do not count type[T] as Hashable
    names = _field_names(cls)
    assert changes.keys() <= names, f"{cls.__name__} has no field {sorted(changes.keys() - names)}"
    copy: T = _copier(cls)(instance, changes)
    return copy
