"""Versions: the values a key took, looked up by log prefix, against a plain scan."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from orgmodel._log import Versions, note_version

# Steps between the changes that write a key: 0 is a key written twice in one change.
steps = st.lists(st.tuples(st.integers(0, 3), st.integers()), max_size=30)


def scanned(pairs: list[tuple[int, int]], prefix: int, default: object) -> object:
    """The value after the first ``prefix`` changes, by reading every version in order."""
    value = default
    for change, item in pairs:
        if change < prefix:
            value = item
    return value


@given(steps, st.integers(-1, 100))
def test_a_lookup_finds_what_a_scan_finds(steps, prefix):
    changes = list(itertools.accumulate(step for step, _ in steps))
    pairs = [(change, item) for change, (_, item) in zip(changes, steps, strict=True)]
    versions: Versions[object] = Versions("default")
    for change, item in pairs:
        versions.append(change, item)
    assert versions.at(prefix) == scanned(pairs, prefix, "default")
    assert versions.changes == changes
    assert versions.values == [item for _, item in pairs]


@given(st.lists(st.integers(0, 2), max_size=20))
def test_noting_keeps_only_changes_of_value(values):
    """A value is kept only when it differs from the one before; a key never changed from its default has none."""
    table: dict[str, Versions[int]] = {}
    for change, value in enumerate(values):
        note_version(table, None, "key", 0, change, value)
    kept = [(change, value) for change, value in enumerate(values) if value != ([0, *values][change])]
    assert ("key" in table) == bool(kept)
    versions = table.get("key", Versions(0))
    assert list(zip(versions.changes, versions.values, strict=True)) == kept
    assert [versions.at(prefix) for prefix in range(len(values) + 1)] == [0, *values]


@given(st.lists(st.integers(0, 2), min_size=1, max_size=10), st.lists(st.integers(0, 2), min_size=1, max_size=10))
def test_noting_copies_shared_versions_before_adding(first, then):
    """Versions shared with another table are copied before a new value is added: the other table keeps its own."""
    theirs: dict[str, Versions[int]] = {}
    for change, value in enumerate(first):
        note_version(theirs, None, "key", 0, change, value)
    before = {key: list(versions.items) for key, versions in theirs.items()}
    ours = theirs.copy()
    for change, value in enumerate(then, start=len(first)):
        note_version(ours, theirs, "key", 0, change, value)
    assert {key: versions.items for key, versions in theirs.items()} == before
    expected = [0, *first, *then]
    assert [ours["key"].at(prefix) if "key" in ours else 0 for prefix in range(len(expected))] == expected
