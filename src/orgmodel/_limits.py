"""How much a file may hold before loading refuses it (see docs/format.md, "Limits")."""

from __future__ import annotations

import attrs

from orgmodel.errors import InvalidArgumentError


def _positive(instance: Limits, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(f"Limits.{attribute.name} must be a positive whole number, got {value!r}")


@attrs.frozen
class Limits:
    """What a file may hold; loading refuses anything larger at once, with a message naming the limit.

    Every read stops as soon as it passes ``file_size`` bytes, whatever the
    file claims to be (a FIFO, ``/dev/zero``, a sparse file), so memory stays
    near the limit.  Pass larger limits to :func:`orgmodel.load` or
    :func:`orgmodel.loads` for bigger files you trust:

    >>> import orgmodel as om
    >>> om.Limits().file_size
    268435456
    >>> om.loads("events: []", limits=om.Limits(file_size=4))
    Traceback (most recent call last):
      ...
    orgmodel.errors.FormatError: <string>: the text is more than 4 characters (the file_size limit); ...
    """

    #: Bytes read from a file (characters, for text given to :func:`~orgmodel.loads`): 256 MiB.
    file_size: int = attrs.field(default=256 * 1024 * 1024, validator=_positive)
    #: Events in one file, counting each event inside a change: two million.
    events: int = attrs.field(default=2_000_000, validator=_positive)
    #: Characters in an id, a name, a title or an alias.
    name_length: int = attrs.field(default=1_000, validator=_positive)
    #: Levels of nesting (an orgmodel file needs about six).
    depth: int = attrs.field(default=64, validator=_positive)


#: The limits :func:`~orgmodel.load` and :func:`~orgmodel.loads` apply unless given others.
DEFAULT = Limits()


def refusal(limits: Limits, where: str, what: str, name: str, unit: str) -> str:
    """The message refusing something at ``where`` for passing limit ``name``: ``{what} {limit} {unit}``."""
    return (
        f"{where}{what} {getattr(limits, name):,} {unit} (the {name} limit); "
        f"load it with limits=orgmodel.Limits({name}=...) (on the command line: --limit {name}=N) if you trust it"
    )
