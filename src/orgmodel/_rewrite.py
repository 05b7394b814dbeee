"""Saving over a YAML file someone keeps: what did not change stays exactly as they wrote it.

A :class:`~orgmodel.Timeline` does not remember the file it came from (it
may have been built in code, loaded from JSON, or edited since).  Instead,
:func:`text_to_save` compares the timeline with the file *on disk*:

1. the file is read twice — by orgmodel's own reader, which says which
   change each entry of ``events`` is, and in ruamel.yaml's round-trip mode,
   which keeps its comments, order, quoting and layout;
2. each change of the timeline is matched with an equal entry of the file;
   those entries are left exactly as written.  An entry that no longer
   matches is, when a new change looks like it (same kind of event on the
   same thing), updated in place key by key, keeping its comments; the
   other old entries are dropped, the other new changes inserted after the
   entry of the change that precedes them;
3. new and changed parts are written by orgmodel's writer, then styled like
   the file (:class:`~orgmodel._yamltree.Layout`); entities the new events
   declare are added to the file's ``entities`` lists (or written inline if
   the file declares none), and declarations no event uses any more go;
4. the result is read back, and used only if it gives exactly the timeline.

Anything else — no file, a file orgmodel cannot read, a file already in
orgmodel's own canonical form, a file sharing less than half its changes
with the timeline (a different timeline: the author's notes would not fit
it), or a result that does not read back (a warning says so) — gets the
canonical form of :func:`orgmodel.dumps`.  Without a ``title``, the file's
title is kept either way.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from pathlib import Path

import attrs
import yaml

from orgmodel import _writer
from orgmodel._events import Change
from orgmodel._timeline import Timeline
from orgmodel.errors import OrgModelError

#: Files larger than this (in bytes) are saved in the canonical form: the round trip is pure Python
#: (about 0.5 s for the 66 kB of the Nacka file), and files this large are written by programs, not people.
MAX_KEPT_CHARACTERS = 2 * 1024 * 1024


def text_to_save(path: Path, timeline: Timeline, *, title: str | None) -> str:
    """The YAML text that saving ``timeline`` over ``path`` writes (see the module's docstring)."""
    real = Path(os.path.realpath(path))
    try:
        size = real.stat().st_size
    except OSError:
        return canonical(timeline, title)
    if size > MAX_KEPT_CHARACTERS:
        # Not read whole: the title is at the top, and so are the comments of a file people keep.
        head = _existing_text(real, limit=64 * 1024) or ""
        if _COMMENT.search(head):
            _warn(path, f"it is larger than {MAX_KEPT_CHARACTERS} bytes")
        return canonical(timeline, title if title is not None else _title_of(head))
    existing = _existing_text(real)
    kept = KeptFile.read(existing, os.fspath(path)) if existing is not None else None
    if kept is None:
        return canonical(timeline, title)
    if title is None:
        title = kept.title
    if kept.text == canonical(kept.timeline, kept.title):
        return canonical(timeline, title)
    plan = kept.match(timeline)
    if 2 * plan.kept < len(kept.changes):
        return canonical(timeline, title)  # a different timeline: the file's notes would not fit it
    from orgmodel import _roundtrip

    for pairing in (True, False):
        try:
            text = _roundtrip.rewrite(kept, timeline, title, plan if pairing else kept.match(timeline, pair=False))
        except _roundtrip.Unkeepable as error:
            _warn(path, str(error))
            return canonical(timeline, title)
        except Exception:  # a bug in keeping the layout must cost the layout, never the save
            continue
        if _reads_back(text, timeline, os.fspath(path)):
            return text
    _warn(path, "keeping them failed (please report this, with the file if you can)")
    return canonical(timeline, title)


_COMMENT = re.compile(r"(?m)(^|\s)#")


def _warn(path: Path, why: str) -> None:
    warnings.warn(
        f"{os.fspath(path)}: saved in orgmodel's own form, without the file's comments and layout: {why}",
        UserWarning,
        stacklevel=4,
    )


def canonical(timeline: Timeline, title: str | None) -> str:
    """The canonical YAML of :func:`orgmodel.dumps`."""
    return _writer.to_yaml(_writer.document(timeline, title=title))


def _existing_text(path: Path, limit: int = -1) -> str | None:
    """The file's text (its first ``limit`` characters), with its line ends as they are; None if unreadable."""
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return stream.read(limit)
    except (OSError, UnicodeDecodeError):
        return None


def _reads_back(text: str, timeline: Timeline, name: str) -> bool:
    from orgmodel import _files

    try:
        return _files.loads(text, name=name) == timeline
    except OrgModelError:
        return False


@attrs.frozen
class Plan:
    """Which entry of the file each change of the timeline takes."""

    #: For each change of the new timeline (in order): the index of the file entry it takes, or None if new.
    places: tuple[int | None, ...]
    #: The file entries taken by an equal change (left as written).
    unchanged: frozenset[int]

    @property
    def kept(self) -> int:
        return len(self.unchanged)


class KeptFile:
    """An orgmodel YAML file on disk, as orgmodel reads it: its text, its timeline, and the change of each entry."""

    def __init__(self, text: str, name: str, timeline: Timeline, changes: list[Change]) -> None:
        self.text = text
        self.name = name
        self.timeline = timeline
        #: The change each entry of ``events`` makes, in the file's order.
        self.changes = changes

    @classmethod
    def read(cls, text: str, name: str) -> KeptFile | None:
        """The file, or None if orgmodel cannot read it (or cannot tell which entry made which change)."""
        from orgmodel import _files

        try:
            timeline = _files.loads(text, name=name)
        except OrgModelError:
            return None
        # Each change remembers where its entry starts, so sorting by that gives the file's order.
        starts: list[tuple[int, int]] = []
        for change in timeline.changes:
            origin = change.origin
            if origin is None:
                return None
            starts.append((origin.line, origin.column))
        changes = [change for _, change in sorted(zip(starts, timeline.changes, strict=True), key=lambda pair: pair[0])]
        return cls(text, name, timeline, changes)

    @functools.cached_property
    def title(self) -> str | None:
        """The file's ``title``, read from the top of the YAML stream (the rest is not parsed again)."""
        return _title_of(self.text)

    # --- matching ----------------------------------------------------------------------------

    def match(self, timeline: Timeline, *, pair: bool = True) -> Plan:
        """Each change's entry: an equal one if any, else (with ``pair``) an old entry it looks like."""
        free: dict[Change, list[int]] = {}
        for index, change in enumerate(self.changes):
            free.setdefault(change, []).append(index)
        places: list[int | None] = []
        for change in timeline.changes:
            indices = free.get(change)
            places.append(indices.pop(0) if indices else None)
        unchanged = frozenset(index for index in places if index is not None)
        if pair:
            left = [index for index in range(len(self.changes)) if index not in unchanged]
            for position, change in enumerate(timeline.changes):
                if places[position] is not None or not left:
                    continue
                score, best = max((_likeness(self.changes[index], change), index) for index in reversed(left))
                if score > 0:
                    places[position] = best
                    left.remove(best)
        return Plan(tuple(places), unchanged)


def _likeness(old: Change, new: Change) -> int:
    """How much a new change looks like an old one: 0 unless they touch the same thing the same way."""
    shared = len(_subjects(old) & _subjects(new))
    if not shared:
        return 0
    return 4 * shared + (old.on == new.on) + (old.source == new.source) + (len(old.events) == len(new.events))


def _subjects(change: Change) -> set[tuple[str, tuple[str, ...]]]:
    """Each event's kind and what it acts on first."""
    return {(event.event_type, event.subjects()[:1]) for event in change.events}


def _title_of(text: str) -> str | None:
    """The top-level ``title`` of a YAML document, read from the start of its event stream."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth, expecting_key, key = 0, True, None
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                if depth == 0 and not isinstance(event, yaml.MappingStartEvent):
                    return None
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                expecting_key = True  # a collection under a top-level key has ended
            elif depth == 1 and isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                if expecting_key:
                    key = getattr(event, "value", None)
                elif key == "title" and isinstance(event, yaml.ScalarEvent):
                    plain_null = event.implicit[0] and event.value in ("", "~", "null", "Null", "NULL")
                    return None if plain_null else str(event.value)
                expecting_key = not expecting_key
            elif isinstance(event, yaml.DocumentEndEvent):
                break
    except yaml.YAMLError:
        return None
    return None
