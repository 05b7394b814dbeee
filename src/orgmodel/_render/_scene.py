"""Drawing one chart into a Graphviz graph: boxes, clusters, the hierarchy, relations.

A :class:`Scene` says *what* to draw from one chart (which units, which
changes to mark); :class:`SceneWriter` writes it into a ``graphviz.Digraph``
(the whole graph, or one side of a before/after drawing).  The same writer
draws a plain chart, each side of a diff, and the overlay of a diff, so all
three look alike.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import graphviz

from orgmodel._chart import OrgChart
from orgmodel._diff import ChangeKind
from orgmodel._entities import (
    Category,
    Function,
    Person,
    Post,
    Relation,
    RelationKey,
    RelationKind,
    Unit,
    _relation_kind,
)
from orgmodel._render import _style as style
from orgmodel._render._html import Cell, Span, html_label, wrap
from orgmodel._render._record import Recorder
from orgmodel.errors import InvalidArgumentError

View = Literal["units", "people"]

_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z")


def node_name(entity_id: str, side: str = "") -> str:
    """The DOT node name of an entity: its id when that is plain, on one side of a diff as ``side/id``.

    Ids with other characters are hex-encoded behind a ``~`` (which plain ids
    cannot contain, so names never collide): a ``:`` would read as a port, and
    DOT cannot quote every string exactly.

    >>> node_name("slk"), node_name("slk", "after"), node_name("a:b")
    ('slk', 'after/slk', '~613a62')
    """
    name = entity_id if _SAFE_NAME.match(entity_id) else "~" + entity_id.encode().hex()
    return f"{side}/{name}" if side else name


@attrs.frozen
class Mark:
    """How one change shows on one box or row: its kind, a note, and a former name to strike through."""

    kind: ChangeKind
    note: str = ""
    old_name: str | None = None
    uncertain: bool = False
    planned: bool = False

    def lines(self, indent: str = "") -> tuple[tuple[Span, ...], ...]:
        """The badge, ``[renamed]`` in the change's colour, then the note, broken into short lines.

        Every line starts with ``indent``; the note's later lines are indented
        a little more, under the badge.
        """
        colour = style.CHANGE_COLOURS[self.kind]
        badge = f"[{style.CHANGE_BADGES[self.kind]}{_flag_text(self.uncertain, self.planned)}]"
        first: list[Span] = [Span(indent)] if indent else []
        first.append(Span(badge, bold=True, colour=colour, size=style.SMALL))
        if not self.note:
            return (tuple(first),)
        # The badge takes the start of the first line: wrap the note around it.
        text = wrap(f"{badge} {self.note}", style.ROW_WRAP - len(indent))
        first.append(Span(text[0][len(badge) :], colour=colour, size=style.SMALL))
        rest = [(Span(f"{indent}  {line}", colour=colour, size=style.SMALL),) for line in text[1:]]
        return (tuple(first), *rest)


def mark_lines(marks: Iterable[Mark], indent: str = "") -> list[tuple[Span, ...]]:
    """The lines of several marks; badges without a note share a line ("[new] [appointed]")."""
    lines: list[tuple[Span, ...]] = []
    bare: list[Span] = []
    for mark in marks:
        if mark.note:
            lines += mark.lines(indent)
        else:
            bare += [Span(" ")] if bare else [Span(indent)] if indent else []
            bare += mark.lines()[0]
    if bare:
        lines.append(tuple(bare))
    return lines


@attrs.frozen
class Options:
    """The drawing options shared by charts and diffs, checked."""

    relations: frozenset[RelationKind | str]
    view: View = "units"
    stack_leaves: int | None = None
    show_posts: bool = True
    show_functions: bool = False
    legend: bool = True

    @classmethod
    def check(
        cls,
        *,
        relations: Iterable[RelationKind | str],
        view: str,
        stack_leaves: int | None,
        show_posts: bool,
        show_functions: bool,
        legend: bool,
    ) -> Options:
        """Options from a caller's arguments, or :class:`InvalidArgumentError` saying which is wrong."""
        if view not in ("units", "people"):
            raise InvalidArgumentError(f"view must be 'units' or 'people', got {view!r}")
        # type() rather than isinstance(): True is an int, but not a number of children.
        if stack_leaves is not None and (type(stack_leaves) is not int or stack_leaves < 1):
            raise InvalidArgumentError(f"stack_leaves must be a whole number ≥ 1 or None, got {stack_leaves!r}")
        if isinstance(relations, str):
            # A lone kind is one kind, not its letters.
            relations = (relations,)
        kinds: set[RelationKind | str] = set()
        for kind in relations:
            try:
                kinds.add(_relation_kind(kind))
            except InvalidArgumentError:
                allowed = [item.value for item in RelationKind]
                raise InvalidArgumentError(
                    f"relations must be kinds of relation such as {allowed} or names of your own, got {kind!r}"
                ) from None
        return cls(
            frozenset(kinds),
            view,  # type: ignore[arg-type]  # checked above
            stack_leaves,
            bool(show_posts),
            bool(show_functions),
            bool(legend),
        )


@attrs.frozen
class Structure:
    """The shape the two days of a before/after drawing share, so that each unit has one place in both.

    ``units`` are the units drawn on either day, in drawing order; ``parents``
    the unit each hangs from in the layout (where a unit sits elsewhere that
    day, its line to that day's parent is drawn beside, without pulling);
    ``groups`` the cluster each belongs to.  A unit in ``units`` that the
    day's scene does not show keeps its place as an empty, invisible box, or,
    when it is in ``ghosts`` (id → name), as a dashed outline with its name
    struck through, for the lines of a merge, split or move to start from.
    """

    units: tuple[str, ...]
    parents: Mapping[str, str | None]
    groups: Mapping[str, style.Group]
    ghosts: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class Scene:
    """What to draw from one chart.

    ``units`` are the unit ids to show, in drawing order; ``hidden_below``
    counts the units a depth limit cut off under each; ``marks`` the changes
    to show on units, posts and functions; ``forced`` posts and functions to
    list even when the options hide them (they changed); ``ghosts`` the
    entities that are gone (drawn dashed, in an overlay); ``relation_marks``
    the relations that changed; ``changed_relations_only`` leaves out the
    relations that did not.  ``whole`` says no unit was left out, so posts
    outside every unit belong in the people view too.  ``structure``, for one
    day of a before/after drawing, makes its boxes and hierarchy those both
    days share.
    """

    chart: OrgChart
    units: tuple[str, ...]
    side: str = ""
    hidden_below: Mapping[str, int] = attrs.field(factory=dict)
    marks: Mapping[str, tuple[Mark, ...]] = attrs.field(factory=dict)
    forced: frozenset[str] = frozenset()
    ghosts: frozenset[str] = frozenset()
    relation_marks: Mapping[RelationKey, ChangeKind] = attrs.field(factory=dict)
    changed_relations_only: bool = False
    whole: bool = True
    structure: Structure | None = None


def visible_units(
    chart: OrgChart, *, root: str | None = None, depth: int | None = None, keep: Iterable[str] | None = None
) -> tuple[tuple[str, ...], dict[str, int]]:
    """The units to draw, top down (political first, then by name), and how many a depth cut hid under each.

    ``root`` starts at one unit instead of every top unit; ``depth`` stops that
    many levels below; ``keep``, when given, narrows to those units and the
    units above them.
    """
    wanted: set[str] | None = None
    if keep is not None:
        wanted = set()
        for unit_id in keep:
            if unit_id in chart.units:
                wanted.add(unit_id)
                wanted.update(unit.id for unit in chart.ancestors(unit_id))
    by_group = _unit_order(chart)
    starts = [chart.units[root]] if root is not None else sorted(chart.roots(), key=by_group)
    order: list[str] = []
    hidden: dict[str, int] = {}

    # Top down with a stack rather than recursion: a hierarchy may be deeper than Python's recursion limit.
    pending = [(start, 0) for start in reversed(starts)]
    while pending:
        unit, level = pending.pop()
        if wanted is not None and unit.id not in wanted:
            continue
        order.append(unit.id)
        children = sorted(chart.children(unit.id), key=by_group)
        if depth is not None and level >= depth:
            if children and wanted is None:
                hidden[unit.id] = len(chart.descendants(unit.id))
            continue
        pending.extend((child, level + 1) for child in reversed(children))
    return tuple(order), hidden


def _unit_order(chart: OrgChart) -> Callable[[Unit], tuple[int, str, str]]:
    """Units by group (political, administration, outside), then by name."""

    def key(unit: Unit) -> tuple[int, str, str]:
        group = style.Group.of(chart.category(unit.id))
        return (list(style.Group).index(group), unit.name.casefold(), unit.id)

    return key


def _flag_text(uncertain: bool, planned: bool) -> str:
    return (" ?" if uncertain else "") + (" (planned)" if planned else "")


def cluster_attributes(title: str, fill: str) -> dict[str, str]:
    """A cluster's look; labels go top left (the graph's own label, the legend, sits at the bottom)."""
    return {
        "label": title,
        "labelloc": "t",
        "labeljust": "l",
        "style": "rounded,filled",
        "color": "#c8c8c8",
        "fillcolor": fill,
        "fontname": style.FONT,
        "fontsize": "12",
        "fontcolor": style.MUTED,
    }


_GROUP_FILLS = {
    style.Group.POLITICAL: "#f5f9fd",
    style.Group.ADMINISTRATION: "#fbfbfb",
    style.Group.EXTERNAL: "#fdfaf5",
}


@attrs.define
class _Box:
    """One node as planned: where it sits in the tree and how its edge from above looks."""

    entity_id: str
    group: style.Group
    parent: str | None
    label: str
    attributes: dict[str, str]
    edge: dict[str, str]
    #: The parent that day, where the layout hangs the box elsewhere (a shared structure).
    day_parent: str | None = None
    #: Not there that day: an invisible box or a ghost, keeping the unit's place.
    placeholder: bool = False


class SceneWriter:
    """Writes a :class:`Scene` into a graph; ``legend`` collects what the drawing used."""

    def __init__(self, graph: Any, scene: Scene, options: Options, legend: style.Legend) -> None:
        self.graph = graph
        self.scene = scene
        self.chart = scene.chart
        self.options = options
        self.legend = legend
        self.visible = set(scene.units)
        self.boxes: dict[str, _Box] = {}
        self.stacks: dict[str, list[list[str]]] = {}
        self.loose: list[list[str]] = []
        # Where edges end for entities drawn as a row inside a box: entity id -> "node:port".
        self.ports: dict[str, str] = {}

    # --- names -------------------------------------------------------------------------------

    def node(self, entity_id: str) -> str:
        """The DOT name of an entity on this writer's side."""
        return node_name(entity_id, self.scene.side)

    def anchor(self, entity_id: str) -> str | None:
        """Where an edge to an entity ends: its box or its row in a box; ``None`` when it is not drawn.

        A person is drawn where a post they hold is, and in the people view a
        unit where its head post is.  A hidden post or function has no anchor:
        an edge to the box that merely holds it would point at the wrong thing.
        """
        if entity_id in self.boxes:
            box = self.boxes[entity_id]
            hidden = box.placeholder and entity_id not in self._ghosts()
            return None if hidden else self.node(entity_id)
        if entity_id in self.ports:
            return self.ports[entity_id]
        entity = self.chart.get(entity_id)
        if isinstance(entity, Person):
            for post in self.chart.posts_held_by(entity_id):
                found = self.anchor(post.id)
                if found is not None:
                    return found
            return None
        if isinstance(entity, Unit) and self.options.view == "people":
            head = self.chart.head(entity_id) if entity_id in self.visible else None
            return self.anchor(head.id) if head is not None else None
        return None

    # --- writing -----------------------------------------------------------------------------

    def write(self) -> None:
        """Plan every box, then write clusters, the hierarchy and the relations."""
        structure = self.scene.structure
        if self.options.view == "units" and structure is not None:
            for unit_id in structure.units:
                if unit_id in self.visible:
                    self._plan_unit(self.chart.units[unit_id])
                else:
                    self._plan_placeholder(unit_id, structure)
        elif self.options.view == "units":
            for unit_id in self.scene.units:
                self._plan_unit(self.chart.units[unit_id])
        else:
            posts = self._visible_posts()
            shown = {post.id for post in posts}
            for post in posts:
                self._plan_post(post, shown)
        self.stacks = self._stacked()
        self.loose = self._loose()
        for group in style.Group:
            members = [box for box in self.boxes.values() if box.group is group]
            if members:
                self._write_cluster(group, members)
        self._write_tops()
        self._write_hierarchy()
        self._write_possible_places()
        self._write_relations()

    def _write_tops(self) -> None:
        """Line up the top boxes in one row, the groups' clusters in order from left to right.

        Left alone, a unit with no parent may drift down the page, and the
        clusters may swap places between the two sides of a diff.  An
        invisible edge between two boxes of one rank puts its tail left of its
        head, so one such edge between the first top box of each group keeps
        the political bodies left of the administration, left of the rest.
        """
        tops = self._top_row()
        if len(tops) < 2:
            return
        with self.graph.subgraph() as rank:
            rank.attr(rank="same")
            for box in tops:
                rank.node(self.node(box.entity_id))
        firsts: dict[style.Group, str] = {}
        for box in tops:
            firsts.setdefault(box.group, self.node(box.entity_id))
        leaders = [firsts[group] for group in style.Group if group in firsts]
        for left, right in itertools.pairwise(leaders):
            self.graph.edge(left, right, style="invis")

    def _top_row(self) -> list[_Box]:
        """The boxes in the top row: those that hang from no drawn box, less the loose ones stacked under another."""
        below = {entity_id for column in self.loose for entity_id in column[1:]}
        return [box for box in self.boxes.values() if box.parent not in self.boxes and box.entity_id not in below]

    def _write_cluster(self, group: style.Group, members: Sequence[_Box]) -> None:
        side = f"{self.scene.side}_" if self.scene.side else ""
        with self.graph.subgraph(name=f"cluster_{side}{group.value}") as cluster:
            cluster.attr(**cluster_attributes(group.caption, _GROUP_FILLS[group]))
            # A loose column shares a group, which Graphviz keeps in a straight line.
            columns = {entity_id: f"{self.node(column[0])}/loose" for column in self.loose for entity_id in column}
            for box in members:
                extra = {"group": columns[box.entity_id]} if box.entity_id in columns else {}
                cluster.node(self.node(box.entity_id), label=box.label, **box.attributes, **extra)
            self._write_stacks(cluster, {box.entity_id for box in members})

    # --- boxes for units -----------------------------------------------------------------------

    def _plan_unit(self, unit: Unit) -> None:
        chart, scene = self.chart, self.scene
        ports = _Ports(self.node(unit.id))
        marks = self._marks(unit.id)
        rows: list[Cell] = [Cell((line,)) for line in mark_lines(marks)]
        rows.append(self._name_cell(unit.name, unit.id))
        rows += self._uncertainty_cells(unit.id)
        rows += [
            Cell.of(Span(mark.old_name, strike=True, colour=style.MUTED, size=style.SMALL))
            for mark in marks
            if mark.old_name is not None
        ]
        if str(unit.kind) != "unit":
            rows.append(Cell.of(Span(str(unit.kind), colour=style.MUTED, size=style.SMALL)))
        head = chart.head(unit.id)
        if head is not None:
            rows.append(self._post_cell(head, ports, bullet=""))
        for post in chart.posts_of(unit.id):
            if post != head and (self.options.show_posts or post.id in scene.forced):
                rows.append(self._post_cell(post, ports, bullet="• ", align="LEFT"))
        rows += self._function_cells(unit.id, ports)
        if unit.id in scene.hidden_below:
            count = scene.hidden_below[unit.id]
            text = f"▸ {count} more unit{'s' if count != 1 else ''} below"
            rows.append(Cell.of(Span(text, colour=style.MUTED, italic=True, size=style.SMALL)))
        self.ports.update(ports.taken)
        parent = unit.parent if unit.parent in self.visible else None
        category = chart.category(unit.id)
        self._add_box(unit.id, style.Group.of(category), parent, rows, style.box_style(category))
        structure = scene.structure
        if structure is not None:
            self.boxes[unit.id].parent = structure.parents.get(unit.id)
            self.boxes[unit.id].day_parent = parent

    def _ghosts(self) -> Mapping[str, str]:
        return self.scene.structure.ghosts if self.scene.structure is not None else {}

    def _plan_placeholder(self, unit_id: str, structure: Structure) -> None:
        """A unit not there that day: its place kept by an invisible box, or a dashed ghost with its old name."""
        group, parent = structure.groups[unit_id], structure.parents.get(unit_id)
        ghost = structure.ghosts.get(unit_id)
        if ghost is None:
            attributes = {"shape": "box", "style": "invis"}
            label = html_label([Cell.of(Span(" "))])
        else:
            attributes = {"shape": "box", "style": "dashed,filled", "color": style.GHOST, "fillcolor": "#ffffff"}
            label = html_label(
                [Cell.of(Span(line, strike=True, colour=style.MUTED)) for line in wrap(ghost, style.WRAP)]
            )
        edge = {"style": "invis"}
        self.boxes[unit_id] = _Box(unit_id, group, parent, label, attributes, edge, placeholder=True)

    def _name_cell(self, name: str, entity_id: str) -> Cell:
        lines: list[tuple[Span, ...]] = [(Span(line, bold=True),) for line in wrap(name, style.WRAP)]
        flags = self._flags(entity_id)
        if flags:
            lines[-1] = (*lines[-1], Span(flags, bold=True, colour=style.MUTED))
        return Cell(tuple(lines))

    def _uncertainty_cells(self, entity_id: str) -> list[Cell]:
        """What may be otherwise about an entity that day (inside a date window), in small italics."""
        mark = self.chart.uncertainty(entity_id)
        if mark is None:
            return []
        words = mark.describe(self._name_of)
        if not words:
            return []
        return [
            Cell.of(Span(line, italic=True, colour=style.MUTED, size=style.SMALL))
            for line in wrap(words, style.ROW_WRAP)
        ]

    def _name_of(self, entity_id: object) -> str:
        entity = self.chart.get(entity_id) if isinstance(entity_id, str) else None
        return repr(entity.name) if entity is not None else repr(entity_id)

    def _write_possible_places(self) -> None:
        """A grey dashed line from the unit a unit may still sit under (inside a date window) to the unit."""
        for unit_id in self.scene.units:
            mark = self.chart.uncertainty(unit_id)
            if mark is None:
                continue
            for parent in mark.alternatives.get("parent", ()):
                tail, head = self.anchor(parent) if isinstance(parent, str) else None, self.anchor(unit_id)
                if tail is None or head is None or tail == head:
                    continue
                self.legend.uncertain = True
                self.graph.edge(
                    tail,
                    head,
                    style="dashed",
                    color=style.GHOST,
                    constraint="false",
                    arrowhead="none",
                    xlabel=html_label([Cell.of(Span("may still be here", colour=style.GHOST, size=style.SMALL))]),
                )

    def _marks(self, entity_id: str) -> tuple[Mark, ...]:
        """The changes to show on an entity, noted for the legend as they are drawn."""
        marks = self.scene.marks.get(entity_id, ())
        self.legend.changes.update(mark.kind for mark in marks)
        return marks

    def _flags(self, entity_id: str) -> str:
        uncertain, planned = self.chart.is_uncertain(entity_id), self.chart.is_planned(entity_id)
        self.legend.uncertain |= uncertain
        self.legend.planned |= planned
        return _flag_text(uncertain, planned)

    def _holders_text(self, post: Post) -> str:
        """The people in a post, each with their roles: ``Anna Andersson (acting)``."""
        names = []
        for holding in post.holders:
            person = self.chart.get(holding.person)
            name = person.name if person is not None else holding.person
            roles = holding.describe()
            names.append(f"{name} ({roles})" if roles else name)
        return ", ".join(names)

    def _post_cell(self, post: Post, ports: _Ports, *, bullet: str, align: str = "CENTER") -> Cell:
        spans = [Span(f"{bullet}{post.title}: ", size=style.SMALL + 1)]
        if not post.holders:
            self.legend.vacant = True
            spans.append(Span("vacant", italic=True, colour=style.VACANT, size=style.SMALL + 1))
        else:
            spans.append(Span(self._holders_text(post), size=style.SMALL + 1))
        flags = self._flags(post.id)
        if flags:
            spans.append(Span(flags, colour=style.MUTED, size=style.SMALL + 1))
        lines = [tuple(spans), *mark_lines(self._marks(post.id), "   ")]
        return Cell(tuple(lines), align=align, port=ports.take(post.id))

    def _function_cells(self, owner: str, ports: _Ports) -> list[Cell]:
        """Rows for the functions of a unit and of its posts (each post's named after the function)."""
        owned: list[tuple[Function, str]] = [(function, "") for function in self.chart.functions_of(owner)]
        if self.options.view == "units":
            for post in self.chart.posts_of(owner):
                owned += [(function, f" ({post.title})") for function in self.chart.functions_of(post.id)]
        cells = []
        for function, whose in owned:
            if not (self.options.show_functions or function.id in self.scene.forced):
                continue
            text = wrap(f"◦ {function.name}{whose}{self._flags(function.id)}", style.ROW_WRAP)
            lines: list[tuple[Span, ...]] = [
                (Span(("" if number == 0 else "   ") + line, italic=True, colour=style.FUNCTION, size=style.SMALL + 1),)
                for number, line in enumerate(text)
            ]
            lines += mark_lines(self._marks(function.id), "   ")
            cells.append(Cell(tuple(lines), align="LEFT", port=ports.take(function.id)))
        return cells

    def _add_box(
        self, entity_id: str, group: style.Group, parent: str | None, rows: list[Cell], look: style.BoxStyle
    ) -> None:
        self.legend.boxes.add(look)
        marks = self.scene.marks.get(entity_id, ())
        ghost = entity_id in self.scene.ghosts
        tentative = self.chart.is_uncertain(entity_id) or self.chart.is_planned(entity_id)
        styles = ["filled"] + (["rounded"] if look.rounded else []) + (["dashed"] if ghost or tentative else [])
        attributes = {"shape": look.shape, "style": ",".join(styles), "fillcolor": look.fill, "color": look.border}
        kinds = {mark.kind for mark in marks}
        first = next((kind for kind in style.CHANGE_PRIORITY if kind in kinds), None)
        if first is not None:
            attributes.update(color=style.CHANGE_COLOURS[first], penwidth="2.5")
        if ghost:
            attributes["fillcolor"] = "#ffffff"
        edge = {"style": "dashed"} if ghost or tentative else {}
        if ghost:
            edge["color"] = style.CHANGE_COLOURS[ChangeKind.DISSOLVED]
        self.boxes[entity_id] = _Box(entity_id, group, parent, html_label(rows), attributes, edge)

    # --- boxes for posts (the people view) -------------------------------------------------------

    def _visible_posts(self) -> list[Post]:
        posts = [post for unit_id in self.scene.units for post in self.chart.posts_of(unit_id)]
        if self.scene.whole:
            posts += sorted(
                (post for post in self.chart.posts.values() if post.unit is None), key=lambda p: p.title.casefold()
            )
        return posts

    def _plan_post(self, post: Post, shown: set[str]) -> None:
        ports = _Ports(self.node(post.id))
        rows: list[Cell] = [Cell((line,)) for line in mark_lines(self._marks(post.id))]
        rows.append(self._name_cell(post.title, post.id))
        if not post.holders:
            self.legend.vacant = True
            rows.append(Cell.of(Span("vacant", italic=True, colour=style.VACANT)))
        else:
            rows.append(Cell.of(Span(self._holders_text(post))))
        unit = self.chart.units.get(post.unit) if post.unit is not None else None
        if unit is not None:
            rows.append(Cell.of(Span(unit.name, colour=style.MUTED, size=style.SMALL)))
        rows += self._function_cells(post.id, ports)
        self.ports.update(ports.taken)
        boss = self.chart.boss(post.id)
        parent = boss.id if boss is not None and boss.id in shown else None
        category = self.chart.category(unit.id) if unit is not None else Category.ADMINISTRATIVE
        group = style.Group.of(category)
        look = style.box_style(category)
        self._add_box(post.id, group, parent, rows, look)

    # --- the hierarchy -------------------------------------------------------------------------

    def _children(self) -> dict[str, list[str]]:
        children: defaultdict[str, list[str]] = defaultdict(list)
        for box in self.boxes.values():
            if box.parent is not None and box.parent in self.boxes:
                children[box.parent].append(box.entity_id)
        return children

    def tops(self) -> list[str]:
        """The nodes in the drawing's top row."""
        return [self.node(box.entity_id) for box in self._top_row()]

    def lowest(self) -> str | None:
        """A node in the drawing's bottom row (``None`` for an empty drawing).

        The top row is the first rank and every other box sits one rank under
        its parent, or, stacked, one rank under the box above it in its column.
        """
        children = self._children()
        stacked = {
            leaf: index for columns in self.stacks.values() for column in columns for index, leaf in enumerate(column)
        }
        rank: dict[str, int] = {}

        pending = [(box.entity_id, 0) for box in self._top_row()]
        while pending:  # a stack, not recursion: a hierarchy may be deeper than Python's recursion limit
            entity_id, level = pending.pop()
            rank[entity_id] = level
            pending.extend((child, level + 1 + stacked.get(child, 0)) for child in children.get(entity_id, ()))
        for column in self.loose:
            for level, entity_id in enumerate(column):
                rank[entity_id] = level
        if not rank:
            return None
        return self.node(max(rank, key=rank.__getitem__))

    def _loose(self) -> list[list[str]]:
        """Where a group has more than ``stack_leaves`` top boxes: those with nothing under them, in one column.

        Units with no parent line up along the top otherwise, and a municipal
        office often has several (projects, units about to be placed).
        """
        limit = self.options.stack_leaves
        if limit is None:
            return []
        children = self._children()
        tops = [box for box in self.boxes.values() if box.parent not in self.boxes]
        columns = []
        for group in style.Group:
            members = [box.entity_id for box in tops if box.group is group]
            leaves = [entity_id for entity_id in members if entity_id not in children]
            if len(members) > limit and len(leaves) > 1:
                columns.append(leaves)
        return columns

    def _stacked(self) -> dict[str, list[list[str]]]:
        """For each parent with more than ``stack_leaves`` children: its leaves, one column per cluster."""
        limit = self.options.stack_leaves
        if limit is None:
            return {}
        children = self._children()
        stacks: dict[str, list[list[str]]] = {}
        for parent, kids in children.items():
            if len(kids) <= limit:
                continue
            by_group: dict[style.Group, list[str]] = defaultdict(list)
            for kid in kids:
                if kid not in children:
                    by_group[self.boxes[kid].group].append(kid)
            columns = [column for column in by_group.values() if len(column) > 1]
            if columns:
                stacks[parent] = columns
        return stacks

    def _write_stacks(self, cluster: Any, members: set[str]) -> None:
        """Hang stacked leaves in one column off a vertical line: a chain of points, one per leaf.

        Each point shares a rank with its leaf, so the leaves go down the page
        instead of across it; the line reads as the usual org-chart bracket.
        Each column is an invisible cluster, so no other box can come between
        a point and its leaf.
        """
        for parent, columns in self.stacks.items():
            for number, column in enumerate(columns):
                if column[0] not in members:
                    continue
                # One group per column keeps its points in a straight vertical line.
                group = f"{self.node(parent)}/stack{number}"
                with cluster.subgraph(name=f"cluster_{group}") as box:
                    box.attr(label="", style="invis", margin="0")
                    for index, leaf in enumerate(column):
                        point = self._spine(parent, number, index)
                        empty = all(self.boxes[k].placeholder for k in column[index:])
                        look = {"style": "invis"} if empty else {}
                        box.node(point, shape="point", width="0.03", color=style.LINE, label="", group=group, **look)
                        # A graph of its own, added whole (a graphviz.Digraph's subgraph() in a with-block
                        # copies the column's body so far for each leaf: quadratic in the column's length).
                        rank = Recorder() if isinstance(box, Recorder) else graphviz.Digraph()
                        rank.attr(rank="same")
                        rank.node(point)
                        rank.node(self.node(leaf))
                        box.subgraph(rank)

    def _spine(self, parent: str, column: int, index: int) -> str:
        return f"{self.node(parent)}/stack{column}/{index}"

    def _write_hierarchy(self) -> None:
        stacks = self.stacks
        stacked = {leaf for columns in stacks.values() for column in columns for leaf in column}
        for box in self.boxes.values():
            if box.parent is not None and box.parent in self.boxes and box.entity_id not in stacked:
                self.graph.edge(self.node(box.parent), self.node(box.entity_id), **self._edge_from_above(box))
        for parent, columns in stacks.items():
            for number, column in enumerate(columns):
                previous = self.node(parent)
                for index, leaf in enumerate(column):
                    point = self._spine(parent, number, index)
                    # A spine reaching only empty places is not drawn: a bracket with nothing to hold.
                    rest = column[index:]
                    spine = {"style": "invis"} if all(self.boxes[k].placeholder for k in rest) else {}
                    self.graph.edge(previous, point, weight="10", **spine)
                    self.graph.edge(point, self.node(leaf), **self._edge_from_above(self.boxes[leaf]))
                    previous = point
        for box in self.boxes.values():
            moved = box.day_parent is not None and box.day_parent != box.parent and box.day_parent in self.boxes
            if moved and not box.placeholder:
                assert box.day_parent is not None
                self.graph.edge(self.node(box.day_parent), self.node(box.entity_id), constraint="false", **box.edge)
        for column in self.loose:
            # No line: these units hang from nothing.  Weight keeps the column straight.
            for upper, lower in itertools.pairwise(column):
                self.graph.edge(self.node(upper), self.node(lower), style="invis", weight="10")

    def _edge_from_above(self, box: _Box) -> dict[str, str]:
        """The line from a box's place in the layout: invisible when it hangs elsewhere that day, or is not there."""
        if self.scene.structure is not None and (box.placeholder or box.day_parent != box.parent):
            return {"style": "invis"}
        return box.edge

    # --- relations -----------------------------------------------------------------------------

    def _write_relations(self) -> None:
        """Relations as dashed arrows that do not pull the layout (``constraint=false``).

        Only relations of the kinds asked for, and (in a diff, by default) only
        those that changed; a relation is drawn only when both its ends are,
        and the legend counts those left out for that or for their kind.
        """
        marks = self.scene.relation_marks
        for relation in self.chart.relations_of():
            if self.scene.changed_relations_only and relation.key not in marks:
                continue
            source, target = self.anchor(relation.source), self.anchor(relation.target)
            if relation.kind not in self.options.relations or source is None or target is None:
                self.legend.relations_left_out += 1
                continue
            if source == target:
                continue
            self.graph.edge(source, target, **self._relation_attributes(relation, marks.get(relation.key)))

    def _relation_attributes(self, relation: Relation, change: ChangeKind | None) -> dict[str, str]:
        colour = style.relation_colour(relation.kind)
        words = str(relation.kind)
        if change is not None:
            colour = style.CHANGE_COLOURS[change]
            words = f"{style.RELATION_SIGNS[change]} {words}"
            self.legend.changes.add(change)
        else:
            self.legend.relations.add(relation.kind)
        words += _flag_text(self.chart.is_uncertain(relation), self.chart.is_planned(relation))
        gone = change is ChangeKind.RELATION_REMOVED and self.scene.side == ""
        label = html_label([Cell.of(Span(words, colour=colour, size=style.SMALL, strike=gone))])
        return {
            "style": "dashed",
            "constraint": "false",
            "color": colour,
            "arrowhead": "vee",
            "penwidth": "1.3" if change is None else "2",
            # An xlabel is placed after the layout: a plain label would add a node to the ranking,
            # and labelled constraint=false edges between clusters break dot's ranking ("trouble in init_rank").
            "xlabel": label,
        }


class _Ports:
    """Hands out port names for the rows of one box, and remembers which entity has which."""

    def __init__(self, node: str) -> None:
        self.node = node
        self.taken: dict[str, str] = {}

    def take(self, entity_id: str) -> str:
        port = f"r{len(self.taken)}"
        self.taken[entity_id] = f"{self.node}:{port}"
        return port
