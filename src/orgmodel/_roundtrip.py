"""Rewriting a kept YAML file's round-trip tree so that it reads as a new timeline.

:mod:`orgmodel._rewrite` decides what to keep; this module does it on the
tree ruamel.yaml reads, with the comment-keeping edits of
:mod:`orgmodel._yamltree`.  Changed parts are compared in orgmodel's
canonical form (the writer's plain structures), so nothing here knows the
list of events or fields: a key whose canonical value did not change keeps
the file's node as written, whatever shape the format gives it.
"""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING, Any

import attrs
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from orgmodel import _writer, _yamltree
from orgmodel._entities import Entity
from orgmodel._events import Source
from orgmodel._timeline import Timeline

if TYPE_CHECKING:
    from orgmodel._rewrite import KeptFile, Plan

#: The top-level keys :func:`rewrite` handles one by one; any other key is brought up to date as a whole.
_OWN_KEYS = ("orgmodel", "title", "sources", "entities", "events")


class Unkeepable(Exception):  # noqa: N818 - caught by the caller, which writes the canonical form
    """The round-trip reader cannot read the file as orgmodel does, so its layout cannot be kept."""


def rewrite(kept: KeptFile, timeline: Timeline, title: str | None, plan: Plan) -> str:
    """The file's text with ``timeline``'s changes in place of its own, placed as ``plan`` says."""
    layout = _yamltree.Layout(kept.text)
    rt = layout.yaml()
    try:
        tree = rt.load(kept.text)
    except YAMLError as error:  # e.g. a YAML 1.1 line break (U+0085) that YAML 1.2 takes for text
        raise Unkeepable(f"the round-trip reader cannot read it: {str(error).splitlines()[0]}") from None
    layout.learn(tree)
    editor = _Editor(layout, rt, tree)
    events = tree["events"]
    _check_aligned(events, kept)

    # The file's declarations as the canonical writer declares entities (the first establishment of an id wins).
    before, now = _writer._Writer(kept.timeline), _writer._Writer(timeline)
    before.document(None)
    now.document(None)
    declared = _declared_ids(tree)
    rows_then = {ident: before.catalogue[ident] for ident in declared if ident in before.catalogue}
    rows_now = {ident: now.catalogue[ident] for ident in declared if ident in now.catalogue}
    inline = "entities" not in tree
    names = _source_names(tree, events, kept)
    old_writer = _FileWriter(kept.timeline, names, rows_then, inline=inline)
    new_writer = _FileWriter(timeline, names, rows_now, inline=inline)
    file_index = {id(change): index for index, change in enumerate(kept.changes)}
    old_entries = {
        file_index[id(change)]: entry for change, entry in zip(kept.timeline.changes, old_writer.entries(), strict=True)
    }
    new_entries = new_writer.entries()

    taken = {index: position for position, index in enumerate(plan.places) if index is not None}
    for index, position in taken.items():
        if index not in plan.unchanged:
            editor.merge(events, index, old_entries[index], new_entries[position], "events[]")
    for dropped in reversed(range(len(events))):
        if dropped not in taken:
            _yamltree.delete(events, dropped, heading=(tree, "events"))

    # New changes go after the entry of the change before them (or first, if none is before them).
    rank = {index: rank for rank, index in enumerate(sorted(taken))}
    groups: dict[int, list[int]] = {}
    anchor = -1
    for position, place in enumerate(plan.places):
        if place is None:
            groups.setdefault(anchor, []).append(position)
        else:
            anchor = rank[place]
    if not events and groups:
        events.fa.set_block_style()
    for anchor in sorted(groups, reverse=True):
        for offset, position in enumerate(groups[anchor]):
            node = editor.fresh(new_entries[position], "events[]")
            _yamltree.insert(events, anchor + 1 + offset, node, heading=(tree, "events"))

    added = [
        ident
        for position, index in enumerate(plan.places)
        if index not in plan.unchanged
        for ident in new_writer.declared[position]
        if ident not in rows_then
    ]
    editor.update_catalogue(rows_then, rows_now, list(dict.fromkeys(added)), new_writer.catalogue)
    editor.update_top(kept.timeline, timeline, title)
    return layout.dump(rt, tree)


class _Editor:
    """Edits on the round-trip tree, each keeping comments with what they head."""

    def __init__(self, layout: _yamltree.Layout, rt: Any, tree: CommentedMap) -> None:
        self.layout = layout
        self.rt = rt
        self.tree = tree

    def fresh(self, value: Any, key: str, like: Any = None) -> Any:
        """A new node for ``value`` under ``key``; flow or block as ``like`` was, if it is a collection."""
        node = self.layout.node(self.rt, value, key)
        if isinstance(like, (CommentedMap, CommentedSeq)) and isinstance(node, (CommentedMap, CommentedSeq)):
            _yamltree.set_flow(node, bool(like.fa.flow_style()))
        return node

    def merge(self, container: Any, at: Any, old: Any, new: Any, key: str) -> None:
        """Make child ``at`` of ``container``, which reads as ``old`` in the canonical form, read as ``new``."""
        if old == new:
            return
        node = container[at]
        if isinstance(old, dict) and isinstance(new, dict) and isinstance(node, CommentedMap) and set(node) == set(old):
            for child in [child for child in node if child not in new]:
                _yamltree.delete(node, child)
            for child in list(node):
                self.merge(node, child, old[child], new[child], str(child))
            names = list(new)
            for position, child in enumerate(names):
                if child not in node:
                    before = [other for other in names[:position] if other in node]
                    index = list(node).index(before[-1]) + 1 if before else 0
                    _yamltree.insert(node, index, self.fresh(new[child], str(child)), key=child)
            return
        if isinstance(old, list) and isinstance(new, list) and isinstance(node, CommentedSeq) and len(node) == len(old):
            self.merge_list(container, at, old, new, key)
            return
        _yamltree.replace(container, at, self.fresh(new, key, like=node))

    def merge_list(self, container: Any, at: Any, old: list[Any], new: list[Any], key: str) -> None:
        """Bring a list up to date item by item: unchanged items stay as written."""
        node = container[at]
        item_key = f"{key}[]"
        matcher = difflib.SequenceMatcher(
            a=[_text(item) for item in old], b=[_text(item) for item in new], autojunk=False
        )
        # From the end, so that the indices of what is still to do stay valid.
        for tag, start, end, new_start, new_end in reversed(matcher.get_opcodes()):
            if tag == "equal":
                continue
            common = min(end - start, new_end - new_start)
            for offset in range(common):
                self.merge(node, start + offset, old[start + offset], new[new_start + offset], item_key)
            for index in reversed(range(start + common, end)):
                _yamltree.delete(node, index, heading=(container, at))
            for offset, item in enumerate(new[new_start + common : new_end]):
                _yamltree.insert(node, start + common + offset, self.fresh(item, item_key), heading=(container, at))

    def update_catalogue(
        self, rows_then: dict[str, Entity], rows_now: dict[str, Entity], added: list[str], catalogue: dict[str, Entity]
    ) -> None:
        """Bring the ``entities`` lists up to date: changed rows rewritten, unused ones dropped, new ones added."""
        sections = self.tree.get("entities")
        if not isinstance(sections, CommentedMap):
            return
        for section, rows in list(sections.items()):
            for index in reversed(range(len(rows))):
                ident = rows[index].get("id") if isinstance(rows[index], CommentedMap) else None
                if ident not in rows_then:
                    continue
                if ident not in rows_now:
                    _yamltree.delete(rows, index, heading=(sections, section))
                elif rows_now[ident] != rows_then[ident]:
                    then, now = _writer._static_fields(rows_then[ident]), _writer._static_fields(rows_now[ident])
                    self.merge(rows, index, then, now, f"{section}[]")
        # Fields the file leaves out where their value is the one the reader assumes (e.g. ``kind: unit``).
        omitted = {
            (section, key, _text(value))
            for section, rows in sections.items()
            for row in rows
            if isinstance(row, CommentedMap) and row.get("id") in rows_then
            for key, value in _writer._static_fields(rows_then[row["id"]]).items()
            if key not in row
        }
        order = list(_writer._SECTIONS.values())
        for ident in added:
            entity = catalogue[ident]
            section = _writer._SECTIONS[type(entity)]
            if section not in sections:
                index = sum(1 for other in sections if other in order and order.index(other) < order.index(section))
                _yamltree.insert(sections, index, CommentedSeq(), key=section)
            rows = sections[section]
            fields = {
                key: value
                for key, value in _writer._static_fields(entity).items()
                if (section, key, _text(value)) not in omitted
            }
            node = self.fresh(fields, f"{section}[]")
            _yamltree.insert(rows, len(rows), node, heading=(sections, section))

    def update_top(self, before: Timeline, after: Timeline, title: str | None) -> None:
        """The title, and any top-level section other than those handled one by one, brought up to date."""
        if title is not None and self.tree.get("title") != title:
            if "title" in self.tree:
                _yamltree.replace(self.tree, "title", self.fresh(title, "title"))
            else:
                index = list(self.tree).index("orgmodel") + 1 if "orgmodel" in self.tree else 0
                _yamltree.insert(self.tree, index, self.fresh(title, "title"), key="title")
        old, new = _writer.document(before), _writer.document(after)
        for key in dict.fromkeys([*old, *new]):
            if key in _OWN_KEYS or old.get(key) == new.get(key):
                continue
            if key not in new:
                _yamltree.delete(self.tree, key)
            elif key in self.tree and key in old:
                self.merge(self.tree, key, old[key], new[key], key)
            else:
                index = list(self.tree).index("events")
                _yamltree.insert(self.tree, index, self.fresh(new[key], key), key=key)


class _FileWriter(_writer._Writer):
    """The canonical writer speaking the file's language: its source names, its entity declarations."""

    def __init__(
        self, timeline: Timeline, sources: dict[Source, str], catalogue: dict[str, Entity], *, inline: bool
    ) -> None:
        super().__init__(timeline)
        self.sources = dict(sources)
        self.catalogue = dict(catalogue)
        self.inline = inline
        #: For each change: the ids its entry names, as declared in the ``entities`` lists.
        self.declared: list[set[str]] = []

    def entries(self) -> list[dict[str, Any]]:
        """Every change's entry, in the timeline's order."""
        found = []
        for change in self.timeline.changes:
            self.declared.append(set())
            found.append(self.entry(change))
        return found

    def name_sources(self) -> None:
        """Only the file's own names: a new source is written out where it is used."""

    def declare(self, entity: Entity) -> str | dict[str, Any]:
        if self.inline:  # the file establishes its entities where they start: so do new ones
            return {entity.entity_type.value: _writer._static_fields(_writer._static(entity))}
        declared = super().declare(entity)
        if isinstance(declared, str):
            self.declared[-1].add(declared)
        return declared


def _text(item: Any) -> str:
    """A canonical structure as a string, to compare lists of them."""
    return json.dumps(item, sort_keys=True, default=str)


def _check_aligned(events: Any, kept: KeptFile) -> None:
    """Entry ``i`` of the tree's ``events`` is where change ``i`` (in the file's order) was read from."""
    if not isinstance(events, CommentedSeq) or len(events) != len(kept.changes):
        raise Unkeepable("the round-trip reader finds its events elsewhere")
    for index, change in enumerate(kept.changes):
        origin = change.origin
        line, column = events.lc.item(index)
        if origin is None or (origin.line, origin.column) != (line + 1, column + 1):
            raise Unkeepable("the round-trip reader finds its events elsewhere")


def _declared_ids(tree: CommentedMap) -> list[str]:
    """The ids the file declares in its ``entities`` lists."""
    sections = tree.get("entities")
    if not isinstance(sections, CommentedMap):
        return []
    return [
        str(row["id"])
        for rows in sections.values()
        if isinstance(rows, CommentedSeq)
        for row in rows
        if isinstance(row, CommentedMap) and "id" in row
    ]


def _source_names(tree: CommentedMap, events: CommentedSeq, kept: KeptFile) -> dict[Source, str]:
    """The file's names for sources (without quotes), as its entries use them."""
    sources = tree.get("sources")
    if not isinstance(sources, CommentedMap):
        return {}
    names: dict[Source, str] = {}

    def note(node: Any, source: Source | None) -> None:
        name = node.get("source") if isinstance(node, CommentedMap) else None
        if isinstance(name, str) and name in sources and source is not None:
            names.setdefault(attrs.evolve(source, quote=None), name)

    for node, change in zip(events, kept.changes, strict=True):
        note(node, change.source)
        inner = node.get("events") if isinstance(node, CommentedMap) else None
        if isinstance(inner, CommentedSeq) and len(inner) == len(change.events):
            for item, event in zip(inner, change.events, strict=True):
                note(item, event.source)
    return names
