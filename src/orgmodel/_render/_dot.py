"""DOT for an organisation on one day (:func:`to_dot`) and for what changed between two (:func:`diff_to_dot`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs
import graphviz

from orgmodel._chart import OrgChart
from orgmodel._diff import ChangeKind, DiffEntry, DiffLike
from orgmodel._entities import Function, Post, Relation, RelationKey, RelationKind, Unit
from orgmodel._render import _style as style
from orgmodel._render._engine import RenderError
from orgmodel._render._html import Cell, Span, html_label
from orgmodel._render._pinned import pinned
from orgmodel._render._record import Recorder
from orgmodel._render._scene import (
    Mark,
    Options,
    Scene,
    SceneWriter,
    Structure,
    cluster_attributes,
    visible_units,
)
from orgmodel._trees import closes_loop
from orgmodel.errors import InvalidArgumentError

__all__ = ["ALL_RELATIONS", "DEFAULT_RELATIONS", "DEFAULT_STACK", "LAYOUTS", "diff_to_dot", "to_dot"]

#: Every relation kind: pass ``relations=ALL_RELATIONS`` to draw them all.
ALL_RELATIONS: tuple[RelationKind, ...] = tuple(RelationKind)
#: The relation kinds drawn by default: the lines between bodies.  ``responsible-for`` is left
#: out: it ties directors to councils and tasks, often dozens of lines out of one box.
DEFAULT_RELATIONS: tuple[RelationKind, ...] = (
    RelationKind.SUPPORTS,
    RelationKind.DOTTED_LINE,
    RelationKind.CONTRACTED_TO,
)
#: A parent with more children than this hangs its leaf units in one column (and so do a group's top units).
DEFAULT_STACK = 2

Layout = Literal["stacked", "side-by-side", "overlay"]
#: The layouts of a diff: before above after (the default), before beside after, or one overlaid picture.
LAYOUTS: tuple[Layout, ...] = ("stacked", "side-by-side", "overlay")


def to_dot(
    chart: OrgChart,
    *,
    root: str | None = None,
    depth: int | None = None,
    relations: Iterable[RelationKind | str] = DEFAULT_RELATIONS,
    view: Literal["units", "people"] = "units",
    stack_leaves: int | None = DEFAULT_STACK,
    show_posts: bool = True,
    show_functions: bool = False,
    legend: bool = True,
) -> str:
    """The chart as Graphviz DOT text: an org chart, top down.

    Each unit is a box with its name, its head's title and holder ("vacant"
    in red when nobody holds it) and, with ``show_posts``, its other posts;
    political bodies, the administration and companies or outside bodies are
    drawn apart, each in its own shape, colour and cluster.  ``root`` draws
    only one unit (an id or a name) and what lies under it, ``depth`` stops
    that many levels down; ``relations`` picks the relation kinds to draw
    (dashed, not pulling the layout; by default :data:`DEFAULT_RELATIONS`,
    all but ``responsible-for``), each only when both its ends are drawn, and
    the caption counts those left out; ``stack_leaves`` hangs the leaf units
    of a parent with more children than that in one column, and the parentless
    units of a group with more than that at the top (``None``: never);
    ``show_functions`` lists functions in their owners' boxes;
    ``view="people"`` draws posts and their holders along the reporting lines
    instead of units.  Facts whose date is uncertain that day are dashed and
    marked "?", facts only planned "(planned)".

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
    >>> dot = to_dot(org.at("2015-01-01"))
    >>> dot.startswith("// Organisation on 2015-01-01"), "Kommunstyrelsen" in dot
    (True, True)
    """
    options = Options.check(
        relations=relations,
        view=view,
        stack_leaves=stack_leaves,
        show_posts=show_posts,
        show_functions=show_functions,
        legend=legend,
    )
    root_id = _root_id(chart, root)
    units, hidden = visible_units(chart, root=root_id, depth=_check_depth(depth))
    caption = f"Organisation on {chart.day.isoformat()}"
    graph = _new_graph(caption)
    notes = style.Legend()
    SceneWriter(graph, Scene(chart, units, hidden_below=hidden, whole=root_id is None), options, notes).write()
    graph.attr(label=notes.label(caption, show=options.legend))
    return str(graph.source)


def diff_to_dot(
    diff: DiffLike,
    *,
    layout: Layout = "stacked",
    root: str | None = None,
    depth: int | None = None,
    relations: Iterable[RelationKind | str] = DEFAULT_RELATIONS,
    unchanged_relations: bool = False,
    stack_leaves: int | None = DEFAULT_STACK,
    show_posts: bool = True,
    show_functions: bool = False,
    changed_only: bool = False,
    legend: bool = True,
) -> str:
    """What changed between two days as Graphviz DOT text, each kind of change in its own colour.

    ``layout="stacked"`` draws the organisation before above the organisation
    after, in two clusters (org charts are wide, so the two fit a page best
    one over the other); ``"side-by-side"`` puts them next to each other;
    ``"overlay"`` draws one organisation with what is gone dashed in red.
    New units are green, dissolved red; a renamed unit shows its new name
    with the old one struck through; a moved unit keeps a grey dashed line to
    where it sat; merges and splits draw lineage arrows from the old units to
    the new; transferred functions, appointments and vacancies are marked on
    their rows.  Every mark also carries a word, so nothing is told by colour
    alone.  Only the relations that were added or removed are drawn (of the
    kinds in ``relations``); ``unchanged_relations=True`` draws the others
    too.  ``changed_only`` draws only the units something happened to and
    those above them; the other options are those of :func:`to_dot`.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
    ...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
    ...     ]
    ... )
    >>> dot = diff_to_dot(org.diff("2014-12-31", "2015-01-01"))
    >>> "<S>Samordnings- och utvecklingsenheten</S>" in dot
    True
    """
    if layout not in LAYOUTS:
        raise InvalidArgumentError(f"layout must be one of {list(LAYOUTS)}, got {layout!r}")
    options = Options.check(
        relations=relations,
        view="units",
        stack_leaves=stack_leaves,
        show_posts=show_posts,
        show_functions=show_functions,
        legend=legend,
    )
    depth = _check_depth(depth)
    if root is not None:
        _check_root_somewhere(diff, root)
    marks = _DiffMarks(diff, options.relations)
    caption = diff.caption
    graph = _new_graph(caption)
    notes = style.Legend(left_out_words="relations" if unchanged_relations else "changed relations")
    settings = _DiffSettings(root, depth, changed_only, only_changed_relations=not unchanged_relations)
    if layout == "overlay":
        _overlay(graph, diff, marks, options, notes, settings)
        graph.attr(label=notes.label(caption, show=options.legend))
        return str(graph.source)
    days = _two_days(diff, marks, options, notes, settings)
    label = notes.label(caption, show=options.legend)
    stacked = layout == "stacked"
    try:
        return pinned(
            {side: (day.caption, day.recording) for side, day in days.items()},
            label,
            lambda: _new_graph(caption),
            stacked=stacked,
        )
    except RenderError:
        # Laying out once needs Graphviz; without it the DOT still holds both days, each laid out apart.
        return _apart(graph, days, label, stacked=stacked)


# --- shared ----------------------------------------------------------------------------------------


def _new_graph(caption: str) -> Any:
    return graphviz.Digraph(
        name="orgmodel",
        comment=caption,
        graph_attr={
            "rankdir": "TB",
            # newrank ranks the whole graph at once: stacked columns share ranks inside clusters, the
            # groups' top boxes share a row across clusters, and "before" can sit above "after".
            "newrank": "true",
            "nodesep": "0.3",
            "ranksep": "0.55",
            "fontname": style.FONT,
            "labelloc": "b",
            "labeljust": "l",
        },
        node_attr={
            "shape": "box",
            "fontname": style.FONT,
            "fontsize": "11",
            "fontcolor": style.TEXT,
            "margin": "0.12,0.06",
        },
        edge_attr={"arrowhead": "none", "color": style.LINE, "fontname": style.FONT},
    )


def _root_id(chart: OrgChart, root: str | None) -> str | None:
    if root is None:
        return None
    entity = chart.resolve(root)
    if not isinstance(entity, Unit):
        raise InvalidArgumentError(f"root must be a unit, got {entity.entity_type.value} {entity.name!r} ({entity.id})")
    return entity.id


def _check_root_somewhere(diff: DiffLike, root: str) -> None:
    """A diff's root must be a unit on one of its two days (it may be new, or gone)."""
    try:
        _root_id(diff.after, root)
    except LookupError:
        # Not there on the second day: then it must be there on the first (this raises if not).
        _root_id(diff.before, root)


def _root_on(chart: OrgChart, root: str | None) -> str | Literal[False] | None:
    """The root's id on this day; ``False`` when it is not there that day."""
    if root is None:
        return None
    try:
        return _root_id(chart, root)
    except LookupError:
        return False


def _check_depth(depth: int | None) -> int | None:
    if depth is not None and (type(depth) is not int or depth < 0):
        raise InvalidArgumentError(f"depth must be a whole number ≥ 0 or None, got {depth!r}")
    return depth


@attrs.frozen
class _DiffSettings:
    """What a diff's layouts share: the part of the organisation to draw, and which relations."""

    root: str | None
    depth: int | None
    changed_only: bool
    only_changed_relations: bool


def _scene(
    chart: OrgChart,
    side: str,
    marks: Mapping[str, tuple[Mark, ...]],
    relation_marks: Mapping[RelationKey, ChangeKind],
    settings: _DiffSettings,
    *,
    keep: set[str] | None,
    ghosts: frozenset[str] = frozenset(),
    structure: Structure | None = None,
) -> Scene:
    units, hidden = _units_on(chart, settings, keep)
    forced = frozenset(key for key in marks if isinstance(chart.get(key), (Post, Function)))
    return Scene(
        chart,
        units,
        side=side,
        hidden_below=hidden,
        marks=marks,
        forced=forced,
        ghosts=ghosts,
        relation_marks=relation_marks,
        changed_relations_only=settings.only_changed_relations,
        whole=settings.root is None and keep is None,
        structure=structure,
    )


def _units_on(
    chart: OrgChart, settings: _DiffSettings, keep: set[str] | None
) -> tuple[tuple[str, ...], dict[str, int]]:
    """The units a diff draws on one of its days, and how many a depth cut hid under each."""
    root_id = _root_on(chart, settings.root)
    if root_id is False:
        return (), {}
    return visible_units(chart, root=root_id, depth=settings.depth, keep=keep)


# --- the layouts -----------------------------------------------------------------------------------


@attrs.frozen
class _Day:
    """One day of a before/after drawing, written down: its caption, its graph, its top and bottom boxes."""

    caption: str
    recording: Recorder
    top: str
    lowest: str


def _two_days(
    diff: DiffLike, marks: _DiffMarks, options: Options, notes: style.Legend, settings: _DiffSettings
) -> dict[str, _Day]:
    """The two days, written with one shared structure (so each unit has one place), "before" first.

    The lines of merges, splits and moves are written into the "after" day,
    from dashed outlines where the old units were.
    """
    sides = (
        ("before", diff.before, marks.before, marks.relations_before, diff.titles[0]),
        ("after", diff.after, marks.after, marks.relations_after, diff.titles[1]),
    )
    keeps = {side: marks.touched(chart, side) if settings.changed_only else None for side, chart, *_ in sides}
    shown = {side: _units_on(chart, settings, keeps[side])[0] for side, chart, *_ in sides}
    shared = _structure(diff, shown)
    ghosts = _ghosts(diff, marks, shown)
    days: dict[str, _Day] = {}
    writers: dict[str, SceneWriter] = {}
    for side, chart, side_marks, relation_marks, title in sides:
        structure = attrs.evolve(shared, ghosts=ghosts if side == "after" else {})
        scene = _scene(chart, side, side_marks, relation_marks, settings, keep=keeps[side], structure=structure)
        recording = Recorder()
        writer = writers[side] = SceneWriter(recording, scene, options, notes)
        writer.write()
        tops, lowest = writer.tops(), writer.lowest()
        if not tops or lowest is None or all(box.placeholder for box in writer.boxes.values()):
            empty = f"{side}/~empty"
            tops, lowest = [empty], empty
            recording.node(empty, label=html_label([Cell.of(Span("nothing to show"))]), shape="plain")
        days[side] = _Day(title, recording, tops[0], lowest)
    after = writers["after"]
    _write_lineage(after.graph, marks, after, after, notes)
    _write_ghosts(after.graph, marks, diff.before, after, notes)
    return days


def _structure(diff: DiffLike, shown: Mapping[str, tuple[str, ...]]) -> Structure:
    """Every unit drawn on either day, in drawing order, each under the parent it has after (or had, if gone)."""
    union = overlay_chart(diff.before, diff.after)
    wanted = set(shown["before"]) | set(shown["after"])
    order = [unit for unit in visible_units(union)[0] if unit in wanted]
    order += [unit for side in ("before", "after") for unit in shown[side] if unit not in set(order)]
    parents: dict[str, str | None] = {}
    for unit in order:
        candidates = [
            union.units[unit].parent,
            *(c.units[unit].parent for c in (diff.before, diff.after) if unit in c.units),
        ]
        parents[unit] = next((p for p in candidates if p in wanted and not closes_loop(unit, p, parents)), None)
    groups = {
        unit: style.Group.of((diff.after if unit in diff.after.units else diff.before).category(unit)) for unit in order
    }
    return Structure(tuple(order), parents, groups)


def _ghosts(diff: DiffLike, marks: _DiffMarks, shown: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Units gone on the second day that a merge, split or move line starts from: drawn there as outlines."""
    starts = {source for source, _, _ in marks.lineage}
    starts.update(
        unit.parent
        for unit in (diff.before.units.get(key) for key in marks.moved_units)
        if unit is not None and unit.parent
    )
    return {
        unit: diff.before.units[unit].name
        for unit in shown["before"]
        if unit in starts and unit not in diff.after.units
    }


def _apart(graph: Any, days: Mapping[str, _Day], legend: str, *, stacked: bool) -> str:
    """The two days as two clusters of one graph, each laid out on its own: where Graphviz cannot lay out first."""
    for side, day in days.items():
        with graph.subgraph(name=f"cluster_{side}") as cluster:
            cluster.attr(**cluster_attributes(day.caption, "#ffffff"))
            cluster.attr(fontsize="16", fontcolor=style.TEXT)
            day.recording.emit(cluster)
    if stacked:
        _stack(graph, lowest=days["before"].lowest, top=days["after"].top)
    graph.attr(label=legend)
    return str(graph.source)


def _stack(graph: Any, *, lowest: str, top: str) -> None:
    """Put one drawing under another: ``lowest`` (a node in the bottom row of the one above)
    gets an invisible edge to an invisible point, and that point one to ``top`` (a node in the
    top row of the one below).

    The edges weigh nothing, so they only order the ranks and pull no box sideways.
    """
    divider = "~divider"
    graph.node(divider, shape="point", style="invis", width="0", height="0", label="")
    graph.edge(lowest, divider, style="invis", weight="0")
    graph.edge(divider, top, style="invis", weight="0")


def _overlay(
    graph: Any,
    diff: DiffLike,
    marks: _DiffMarks,
    options: Options,
    notes: style.Legend,
    settings: _DiffSettings,
) -> None:
    chart = overlay_chart(diff.before, diff.after)
    gone = frozenset(key for key in diff.before.entities if key not in diff.after.entities)
    merged_marks = {key: value for key, value in marks.before.items() if key in gone}
    merged_marks.update(marks.after)
    relation_marks = {**marks.relations_before, **marks.relations_after}
    touched = marks.touched(diff.before, "before") | marks.touched(diff.after, "after")
    keep = touched if settings.changed_only else None
    scene = _scene(chart, "", merged_marks, relation_marks, settings, keep=keep, ghosts=gone)
    writer = SceneWriter(graph, scene, options, notes)
    writer.write()
    _write_lineage(graph, marks, writer, writer, notes)
    _write_ghosts(graph, marks, diff.before, writer, notes)


def overlay_chart(before: OrgChart, after: OrgChart) -> OrgChart:
    """One chart holding the second day's organisation and what the first day had that is gone.

    A gone post that headed a unit which has a new head is drawn as an
    ordinary post, so each unit keeps one head.
    """
    entities = dict(after.entities)
    for key, entity in before.entities.items():
        if key in entities:
            continue
        if isinstance(entity, Post) and entity.heads and _has_head(after, entity.unit):
            entities[key] = attrs.evolve(entity, heads=False)
        else:
            entities[key] = entity
    kept = {relation.key for relation in after.relations}
    relations = [*after.relations, *(relation for relation in before.relations if relation.key not in kept)]
    planned: set[str | RelationKey] = set(after.planned)
    planned.update(relation.key for relation in after.relations if after.is_planned(relation))
    chart = OrgChart(after.day, entities, relations, planned=planned, categories=after.categories)
    chart._uncertainty = after._uncertainty
    chart._uncertain = after._uncertain
    return chart


def _has_head(chart: OrgChart, unit: str | None) -> bool:
    return unit is not None and unit in chart.units and chart.head(unit) is not None


def _write_lineage(graph: Any, marks: _DiffMarks, old: SceneWriter, new: SceneWriter, notes: style.Legend) -> None:
    """Arrows from units that ended in a merge or split to the units they became."""
    for source, target, kind in marks.lineage:
        tail, head = old.anchor(source), new.anchor(target)
        if tail is None or head is None:
            continue
        notes.lineage = True
        colour = style.CHANGE_COLOURS[kind]
        graph.edge(tail, head, color=colour, style="bold", penwidth="2", arrowhead="normal", constraint="false")


def _write_ghosts(graph: Any, marks: _DiffMarks, before: OrgChart, writer: SceneWriter, notes: style.Legend) -> None:
    """A grey dashed line from a moved unit's former parent, where that parent is still drawn."""
    for unit_id in marks.moved_units:
        former = before.units.get(unit_id)
        if former is None or former.parent is None:
            continue
        tail, head = writer.anchor(former.parent), writer.anchor(unit_id)
        if tail is None or head is None or tail == head:
            continue
        notes.ghost = True
        graph.edge(tail, head, style="dashed", color=style.GHOST, constraint="false", penwidth="1.5")


# --- marks from diff entries ---------------------------------------------------------------------


class _DiffMarks:
    """The marks a diff puts on each side: per entity, per relation, and the lineage and ghost lines."""

    def __init__(self, diff: DiffLike, kinds: frozenset[RelationKind | str] = frozenset(RelationKind)) -> None:
        self.diff = diff
        # The relation kinds drawn: changes to others neither draw nor pull their ends into changed_only.
        self.kinds = kinds
        self.before: defaultdict[str, tuple[Mark, ...]] = defaultdict(tuple)
        self.after: defaultdict[str, tuple[Mark, ...]] = defaultdict(tuple)
        self.relations_before: dict[RelationKey, ChangeKind] = {}
        self.relations_after: dict[RelationKey, ChangeKind] = {}
        self.lineage: list[tuple[str, str, ChangeKind]] = []
        self.moved_units: list[str] = []
        for entry in diff.entries:
            self._add(entry)

    def name(self, entity_id: str | None, nobody: str = "the top") -> str:
        """An entity's name on the second day (or the first); ``nobody`` (default "the top", for no parent) for none."""
        if entity_id is None:
            return nobody
        entity = self.diff.after.get(entity_id) or self.diff.before.get(entity_id)
        return entity.name if entity is not None else entity_id

    def _mark(self, side: str, entry: DiffEntry, entity_id: str, note: str = "", old_name: str | None = None) -> None:
        table = self.after if side == "after" else self.before
        mark = Mark(entry.kind, note, old_name, uncertain=entry.uncertain, planned=entry.planned)
        if mark not in table[entity_id]:  # one entry per field changed can tell the same story twice
            table[entity_id] = (*table[entity_id], mark)

    def _add(self, entry: DiffEntry) -> None:
        kind, subject, before, after = entry.kind, entry.subject, entry.before, entry.after
        if isinstance(subject, Relation):
            if after is None:
                self.relations_before[subject.key] = kind
            else:
                self.relations_after[subject.key] = kind
            return
        if kind is ChangeKind.ESTABLISHED:
            self._mark("after", entry, subject)
        elif kind is ChangeKind.DISSOLVED:
            self._mark("before", entry, subject)
        elif kind is ChangeKind.RENAMED:
            assert before is not None
            assert after is not None
            self._mark("after", entry, subject, old_name=_name(before))
            self._mark("before", entry, subject, note=f"→ {_name(after)}")
        elif kind is ChangeKind.MOVED:
            self._moved(entry, subject)
        elif kind is ChangeKind.MERGED:
            gone = ", ".join(self.name(unit) for unit in entry.related)
            self._mark("after", entry, subject, note=f"from {gone}")
            for unit in entry.related:
                self._mark("before", entry, unit, note=f"into {self.name(subject)}")
                self.lineage.append((unit, subject, kind))
        elif kind is ChangeKind.SPLIT:
            self._mark("before", entry, subject, note="into " + ", ".join(self.name(unit) for unit in entry.related))
            for unit in entry.related:
                self._mark("after", entry, unit, note=f"from {self.name(subject)}")
                self.lineage.append((subject, unit, kind))
        elif kind in (ChangeKind.SPUN_OFF, ChangeKind.PARTLY_ABSORBED, ChangeKind.SUCCEEDED):
            # The predecessor may carry on (or be gone already): the successor is marked, and the link drawn.
            predecessor = entry.related[0]
            self._mark("after", entry, subject, note=f"from {self.name(predecessor)}")
            self.lineage.append((predecessor, subject, kind))
        elif kind is ChangeKind.FUNCTION_TRANSFERRED:
            assert isinstance(before, Function)
            assert isinstance(after, Function)
            self._mark("after", entry, subject, note=f"from {self.name(before.owner, 'no owner')}")
            self._mark("before", entry, subject, note=f"to {self.name(after.owner, 'no owner')}")
        elif kind is ChangeKind.APPOINTED:
            was = _gone_holders(before, after)
            self._mark("after", entry, subject, note=f"succeeding {self.name(was)}" if was is not None else "")
        elif kind is ChangeKind.VACATED:
            was = _gone_holders(before, after)
            side = "after" if after is not None else "before"
            self._mark(side, entry, subject, note=f"was {self.name(was)}" if side == "after" and was else "")
        elif kind is ChangeKind.REPORTING_CHANGED and isinstance(before, Post) and isinstance(after, Post):
            self._mark("after", entry, subject, note=self._reporting(before, after))
        else:
            self._mark("after" if after is not None else "before", entry, subject)

    def _reporting(self, before: Post, after: Post) -> str:
        """What changed about a post's place: to whom it reports, whether it heads its unit (or both)."""
        notes = []
        if before.reports_to != after.reports_to:
            notes.append(f"to {self.name(after.reports_to, 'no one')}")
        if before.heads != after.heads:
            notes.append("now heads its unit" if after.heads else "no longer heads its unit")
        return "; ".join(notes)

    def _moved(self, entry: DiffEntry, subject: str) -> None:
        before, after = entry.before, entry.after
        if isinstance(before, Unit) and isinstance(after, Unit):
            self._mark("after", entry, subject, note=f"from under {self.name(before.parent)}")
            self._mark("before", entry, subject, note=f"to under {self.name(after.parent)}")
            self.moved_units.append(subject)
        elif isinstance(before, Post) and isinstance(after, Post):
            self._mark("after", entry, subject, note=f"from {self.name(before.unit)}")
            self._mark("before", entry, subject, note=f"to {self.name(after.unit)}")

    def touched(self, chart: OrgChart, side: str) -> set[str]:
        """The units on one side that something happened to, or in, or that a change line ends at."""
        marks = self.after if side == "after" else self.before
        relation_marks = self.relations_after if side == "after" else self.relations_before
        ids: set[str] = set(marks)
        for key in relation_marks:
            if key[0] in self.kinds:
                ids.update(key[1:])
        for source, target, _ in self.lineage:
            ids.update((source, target))
        for unit_id in self.moved_units:
            former = self.diff.before.units.get(unit_id)
            if former is not None and former.parent is not None:
                ids.add(former.parent)
        return {unit for unit in (_unit_of(chart, key) for key in ids) if unit is not None}


def _gone_holders(before: object, after: object) -> str | None:
    """The first person who held a post on the first day and no longer does on the second."""
    if not isinstance(before, Post):
        return None
    staying = set(after.holder_ids) if isinstance(after, Post) else set()
    gone = [person for person in before.holder_ids if person not in staying]
    return gone[0] if gone else None


def _name(value: object) -> str:
    name = getattr(value, "name", "")
    return str(name)


def _unit_of(chart: OrgChart, entity_id: str) -> str | None:
    """The unit whose box shows an entity on this chart (a post's unit, a function's owner's)."""
    entity = chart.get(entity_id)
    if isinstance(entity, Unit):
        return entity.id
    if isinstance(entity, Post):
        return entity.unit
    if isinstance(entity, Function) and entity.owner is not None:
        return _unit_of(chart, entity.owner)
    return None
