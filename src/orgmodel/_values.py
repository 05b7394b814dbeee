"""A fast way to make a changed copy of a value the library has already checked.

``attrs.evolve`` re-runs every converter and validator, which is right for
values coming from users and far too slow on the inner loop of a timeline,
which replaces entity values millions of times with ids and names it has
already validated.  :func:`replace` copies the fields as they are.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import attrs

T = TypeVar("T")

#: The default of a field left out of a copy: distinct from every value, ``None`` included.
_KEPT = object()


@cache
def _field_names(cls: Any) -> frozenset[str]:  # Any: the stubs do not count classes as Hashable
    return frozenset(field.name for field in attrs.fields(cls))


@cache
def _copier(cls: Any) -> Callable[..., Any]:
    """A function that copies a value of ``cls`` with some fields changed, written out field by field.

    Generated once per class, taking the fields to change as keyword arguments
    (a missing one is left as it was): a straight run of assignments is about
    twice as fast as a loop over names, and setting each slot through its
    descriptor takes a fifth off ``object.__setattr__``.
    """
    names = sorted(_field_names(cls))
    # The fields become the copier's parameters, so none may take the name of one of its helpers.
    helpers = {"_instance_", "_value_", "_new_", "_cls_", "_kept_", "_setattr_", *(f"_set_{name}_" for name in names)}
    assert not helpers & set(names), f"{cls.__name__} has a field named like a helper: {sorted(helpers & set(names))}"
    namespace: dict[str, Any] = {"_new_": object.__new__, "_cls_": cls, "_kept_": _KEPT}
    lines = [
        f"def copy(_instance_, /, *, {', '.join(f'{name}=_kept_' for name in names)}):",
        "    _value_ = _new_(_cls_)",
    ]
    for name in names:
        slot = inspect.getattr_static(cls, name, None)
        if isinstance(slot, types.MemberDescriptorType):
            namespace[f"_set_{name}_"] = slot.__set__
            setter = f"_set_{name}_(_value_, "
        else:  # a class without slots: no descriptor to use
            namespace["_setattr_"] = object.__setattr__
            setter = f"_setattr_(_value_, {name!r}, "
        lines.append(f"    {setter}_instance_.{name} if {name} is _kept_ else {name})")
    lines.append("    return _value_")
    exec("\n".join(lines), namespace)
    copy: Callable[..., Any] = namespace["copy"]
    return copy


def new(cls: type[T], **fields: Any) -> T:
    """A value of the attrs class ``cls`` from all its fields, skipping validation (for checked values only).

    >>> import orgmodel as om
    >>> new(om.Person, id="h", name="Anna", aliases=(), attributes=om.Attributes.EMPTY, identifiers=om.Attributes.EMPTY)
    Person(id='h', name='Anna', aliases=())
    """
    key: Any = cls  # a class is a fine cache key; the stubs do not count type[T] as Hashable
    names = _field_names(key)
    assert fields.keys() == names, f"{cls.__name__} needs exactly {sorted(names)}"
    value = object.__new__(cls)
    for name, item in fields.items():
        object.__setattr__(value, name, item)
    return value


def copier(cls: type[T]) -> Callable[..., T]:
    """The function :func:`replace` calls for values of ``cls``, for a loop that copies many of one class.

    It takes the value and the fields to change by name (only fields of ``cls``).

    >>> import orgmodel as om
    >>> copier(om.Unit)(om.Unit("u", "A"), name="B").name
    'B'
    """
    key: Any = cls  # a class is a fine cache key; the stubs do not count type[T] as Hashable
    copy: Callable[..., T] = _copier(key)
    return copy


def replace(instance: T, **changes: Any) -> T:
    """A copy of the attrs value ``instance`` with ``changes``, skipping validation (for checked values only).

    >>> import orgmodel as om
    >>> replace(om.Unit("u", "A"), name="B")
    Unit(id='u', name='B', kind=<UnitKind.UNIT: 'unit'>, parent=None, aliases=())
    """
    cls: Any = type(instance)  # a class is a fine cache key; the stubs do not count type[T] as Hashable
    try:
        copy: T = _copier(cls)(instance, **changes)
    except TypeError:
        unknown = sorted(changes.keys() - _field_names(cls))
        if unknown:
            raise TypeError(f"{cls.__name__} has no field {unknown}") from None
        raise
    return copy


@cache
def maker(cls: Any) -> Callable[..., Any]:
    """A function making a value of the attrs class ``cls`` from its fields, positionally, skipping validation.

    For values checked before they were stored (see ``orgmodel._cache``): the
    fields come in the order of ``attrs.fields(cls)``, every one given, and
    each is set straight into its slot.

    >>> import orgmodel as om
    >>> make = maker(om.Holding)
    >>> make("anna", ("acting",), False)
    Holding(person='anna', roles=('acting',), overlap=False)
    """
    names = [field.name for field in attrs.fields(cls)]
    # Made as attrs makes its own __init__: one call per value, no loop over fields.  The source is written
    # from the class's own field names only (never from anything read from a file).
    # Parameters are numbered, not named after the fields: no field can shadow a helper.
    namespace: dict[str, Any] = {"_new_": object.__new__, "_cls_": cls, "_setattr_": object.__setattr__}
    parameters = [f"_field_{index}_" for index in range(len(names))]
    lines = [f"def make({', '.join(parameters)}):", "    _value_ = _new_(_cls_)"]
    for index, (name, parameter) in enumerate(zip(names, parameters, strict=True)):
        slot = inspect.getattr_static(cls, name, None)
        if isinstance(slot, types.MemberDescriptorType):
            namespace[f"_set_{index}_"] = slot.__set__
            lines.append(f"    _set_{index}_(_value_, {parameter})")
        else:  # a class without slots: no descriptor to use
            lines.append(f"    _setattr_(_value_, {name!r}, {parameter})")
    lines.append("    return _value_")
    exec("\n".join(lines), namespace)
    make: Callable[..., Any] = namespace["make"]
    return make
