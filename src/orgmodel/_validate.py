"""Small validators and converters shared by the value classes.

Each raises :class:`~orgmodel.errors.InvalidArgumentError` with a message shaped
``"{field} must …, got {value!r}"``, so a bad argument is reported where it was
given and not deep inside a timeline.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from orgmodel.errors import InvalidArgumentError

E = TypeVar("E", bound=enum.Enum)


def identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An id: a non-empty string without surrounding spaces."""
    if not isinstance(value, str) or not value or value != value.strip():
        raise InvalidArgumentError(
            f"{attribute.name} must be a non-empty string without surrounding spaces, got {value!r}"
        )


def optional_identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An id or ``None``."""
    if value is not None:
        identifier(instance, attribute, value)


def name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A name or title: a non-empty string with something other than spaces in it."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{attribute.name} must be a non-empty string, got {value!r}")


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Free text, possibly empty."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{attribute.name} must be a string, got {value!r}")


def names_tuple(value: Iterable[str] | str) -> tuple[str, ...]:
    """A tuple of names from any iterable of strings (a lone string is one name, not its letters)."""
    items: tuple[object, ...] = (value,) if isinstance(value, str) else tuple(value)
    names = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise InvalidArgumentError(f"every name must be a non-empty string, got {item!r}")
        names.append(item)
    return tuple(names)


def ids_tuple(value: Iterable[str] | str) -> tuple[str, ...]:
    """A tuple of ids from any iterable of strings (a lone string is one id)."""
    items: tuple[object, ...] = (value,) if isinstance(value, str) else tuple(value)
    ids = []
    for item in items:
        if not isinstance(item, str) or not item or item != item.strip():
            raise InvalidArgumentError(f"every id must be a non-empty string without surrounding spaces, got {item!r}")
        ids.append(item)
    return tuple(ids)


def kind_name(value: object, what: str) -> None:
    """The name of a kind or role of the user's own: text without surrounding spaces or control characters."""
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise InvalidArgumentError(f"a {what} kind must be a non-empty name without surrounding spaces, got {value!r}")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise InvalidArgumentError(f"a {what} kind must not hold control characters, got {value!r}")


def to_enum(enum_type: type[E], value: E | str) -> E:
    """``value`` as a member of ``enum_type``: a member, or its value (``"board"``); else name the choices."""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(repr(member.value) for member in enum_type)
        raise InvalidArgumentError(f"{enum_type.__name__} must be one of {choices}, got {value!r}") from None


def boolean(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """True or False (not a truthy stand-in such as ``"yes"``)."""
    if not isinstance(value, bool):
        raise InvalidArgumentError(f"{attribute.name} must be True or False, got {value!r}")


def instance_of(*types: type[Any]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator that the value is one of ``types``, raising the package's own error."""
    wanted = " or ".join(kind.__name__ for kind in types)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, types):
            raise InvalidArgumentError(f"{attribute.name} must be a {wanted}, got {value!r}")

    return check
