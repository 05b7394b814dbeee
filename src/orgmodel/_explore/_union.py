"""The union of a period's hierarchy: one tree holding every unit that ever existed, for stable positions.

The explorer lays out this tree once (for each set of collapsed units) and
shows, on each day, only the units that exist that day, each in its one place,
so nothing jumps when the slider moves — the "foresighted layout" of Diehl and
Görg (2002): lay out the union of all the graphs of a sequence, show each as a
subset.  A unit that moved sits under the parent it had on the most slider
days (the later one when two tie); on the days it sits elsewhere, its line to
that day's parent is drawn across.  A choice that would close a cycle (two
units that swapped places) falls back to the unit's next parent, or none.

>>> entities = {
...     "a": {"type": "unit", "states": [[0, {"name": "A", "group": "administration", "parent": None}]]},
...     "b": {"type": "unit", "states": [[0, {"name": "B", "group": "administration", "parent": None}]]},
...     "c": {
...         "type": "unit",
...         "states": [
...             [0, {"name": "C", "group": "administration", "parent": "a"}],
...             [1, {"name": "C", "group": "administration", "parent": "b"}],
...         ],
...     },
... }
>>> union_tree(entities, 3)["children"]
{'b': ['c']}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from orgmodel._trees import closes_loop

__all__ = ["union_tree"]

_GROUP_ORDER = {"political": 0, "administration": 1, "external": 2}


def union_tree(entities: Mapping[str, Mapping[str, Any]], day_count: int) -> dict[str, Any]:
    """The union tree of the units in ``entities`` (the payload's entity records) over ``day_count`` days.

    Returns ``roots`` and ``children`` (each list in drawing order: political
    bodies, then the administration, then the rest, each by its last name) and
    ``posts``, the most posts each unit had on one day (its box is sized for them).
    """
    units = {key: record for key, record in entities.items() if record["type"] == "unit"}
    parents: dict[str, str | None] = {}
    for key in sorted(units, key=lambda key: (_first_day(units[key]), key)):
        parents[key] = _place(key, _preferences(units[key], day_count), parents)
    children: defaultdict[str, list[str]] = defaultdict(list)
    roots: list[str] = []
    for key, parent in parents.items():
        (children[parent] if parent is not None else roots).append(key)
    order = {key: _order(units[key], key) for key in units}
    return {
        "roots": sorted(roots, key=order.__getitem__),
        "children": {key: sorted(kids, key=order.__getitem__) for key, kids in sorted(children.items())},
        "posts": _most_posts(entities, day_count),
    }


def _runs(record: Mapping[str, Any], day_count: int) -> Iterator[tuple[int, int, Any]]:
    """``(first day, day after the last, state)`` for each run of one state."""
    states = record["states"]
    for number, (start, state) in enumerate(states):
        end = states[number + 1][0] if number + 1 < len(states) else day_count
        if state is not None and end > start:
            yield start, end, state


def _first_day(record: Mapping[str, Any]) -> int:
    return int(record["states"][0][0]) if record["states"] else 0


def _preferences(record: Mapping[str, Any], day_count: int) -> list[str]:
    """The unit's parents, most days first; of two with as many days, the later first."""
    days: dict[str, int] = {}
    last: dict[str, int] = {}
    for start, end, state in _runs(record, day_count):
        parent = state.get("parent")
        if parent is not None:
            days[parent] = days.get(parent, 0) + end - start
            last[parent] = start
    return sorted(days, key=lambda parent: (-days[parent], -last[parent], parent))


def _place(key: str, preferences: list[str], parents: Mapping[str, str | None]) -> str | None:
    """The first preferred parent that does not put ``key`` above itself, else ``None`` (a root)."""
    for parent in preferences:
        if not closes_loop(key, parent, parents):
            return parent
    return None


def _order(record: Mapping[str, Any], key: str) -> tuple[int, str, str]:
    last: Mapping[str, Any] = next((state for _, state in reversed(record["states"]) if state is not None), {})
    return (_GROUP_ORDER.get(last.get("group", ""), 1), str(last.get("name", "")).casefold(), key)


def _most_posts(entities: Mapping[str, Mapping[str, Any]], day_count: int) -> dict[str, int]:
    """For each unit with posts: the most posts it had on any one day (a sweep over each post's runs)."""
    changes: defaultdict[str, defaultdict[int, int]] = defaultdict(lambda: defaultdict(int))
    for record in entities.values():
        if record["type"] != "post":
            continue
        for start, end, state in _runs(record, day_count):
            unit = state.get("unit")
            if unit is not None:
                changes[unit][start] += 1
                changes[unit][end] -= 1
    most: dict[str, int] = {}
    for unit, steps in sorted(changes.items()):
        count = best = 0
        for day in sorted(steps):
            count += steps[day]
            best = max(best, count)
        most[unit] = best
    return most
