"""Walks up a hierarchy given as ``{child: parent}``: one loop check for every place that builds a tree."""

from __future__ import annotations

from collections.abc import Mapping


def closes_loop(unit: str, parent: str | None, parents: Mapping[str, str | None]) -> bool:
    """Whether hanging ``unit`` from ``parent`` would put it above itself, given the ``parents`` chosen so far.

    Used where one tree is made of several days' hierarchies (a unit under one
    parent on one day, that parent under the unit on another), and where moves
    of one day are put in an order that never makes a loop on the way.

    >>> closes_loop("a", "b", {"b": "a"}), closes_loop("a", "b", {"b": None}), closes_loop("a", None, {})
    (True, False, False)
    """
    seen: set[str] = set()
    node = parent
    while node is not None and node not in seen:
        if node == unit:
            return True
        seen.add(node)
        node = parents.get(node)
    return False
