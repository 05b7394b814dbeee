"""How things look: one place for shapes, colours and the legend that explains them.

Colours are chosen to stay apart for readers with the common colour-vision
deficiencies when paired with a word: every coloured mark also carries text
(a badge such as "established", "?" or "(planned)"), so nothing is told by
colour alone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from orgmodel._diff import ChangeKind
from orgmodel._entities import Category, RelationKind
from orgmodel._render._html import Cell, Span, html_label

FONT = "Helvetica,Arial,sans-serif"
TEXT = "#222222"
MUTED = "#666666"
LINE = "#555555"
VACANT = "#b3261e"
GHOST = "#9e9e9e"
SMALL = 9.0
FUNCTION = "#2f5f3a"
WRAP = 30  # characters per line of a unit's name before it breaks at a space
ROW_WRAP = 48  # characters per line of a smaller row in a box (a function, a change's note)
LEGEND_ROWS = 8  # entries in a column of the legend before it starts another


class Group(str, enum.Enum):
    """The three parts of a municipal chart, each drawn in its own cluster."""

    POLITICAL = "political"
    ADMINISTRATION = "administration"
    EXTERNAL = "external"

    @property
    def caption(self) -> str:
        """The cluster's caption."""
        return _GROUP_TITLES[self]

    @classmethod
    def of(cls, category: Category) -> Group:
        """The group units of a category belong to."""
        if category is Category.POLITICAL:
            return cls.POLITICAL
        if category in (Category.COMPANY, Category.EXTERNAL):
            return cls.EXTERNAL
        return cls.ADMINISTRATION


_GROUP_TITLES = {
    Group.POLITICAL: "Political bodies",
    Group.ADMINISTRATION: "Administration",
    Group.EXTERNAL: "Companies and external bodies",
}


@attrs.frozen
class BoxStyle:
    """Shape and colours of a box; ``caption`` is what the legend calls it."""

    caption: str
    shape: str
    fill: str
    border: str
    rounded: bool = False


_POLITICAL = BoxStyle("Political body", "box", "#dce9f7", "#2f5d8a", rounded=True)
_ADMINISTRATION = BoxStyle("Administration", "box", "#f4f4f4", "#4d4d4d")
_COMPANY = BoxStyle("Company", "box3d", "#fcebd2", "#a15c00")
_EXTERNAL = BoxStyle("External body", "component", "#ece4f4", "#5e3c8c")


def box_style(category: Category) -> BoxStyle:
    """The box of a unit of this category.

    >>> box_style(Category.POLITICAL).caption
    'Political body'
    """
    return _BOXES[category]


_BOXES = {
    Category.POLITICAL: _POLITICAL,
    Category.ADMINISTRATIVE: _ADMINISTRATION,
    Category.COMPANY: _COMPANY,
    Category.EXTERNAL: _EXTERNAL,
}


#: Box styles in legend order.
BOX_STYLES = (_POLITICAL, _ADMINISTRATION, _COMPANY, _EXTERNAL)

RELATION_COLOURS = {
    RelationKind.SUPPORTS: "#1b7a8c",
    RelationKind.RESPONSIBLE_FOR: "#8c5a1b",
    RelationKind.DOTTED_LINE: "#3d3d9e",
    RelationKind.CONTRACTED_TO: "#7a1b5e",
}
#: The colour of a relation of a kind of the user's own.
OTHER_RELATION = "#4a4a4a"


def relation_colour(kind: RelationKind | str) -> str:
    """The colour relations of a kind are drawn in."""
    colours: dict[RelationKind | str, str] = RELATION_COLOURS  # type: ignore[assignment]  # str keys find members
    return colours.get(kind, OTHER_RELATION)


CHANGE_COLOURS = {
    ChangeKind.ESTABLISHED: "#1e7b34",
    ChangeKind.DISSOLVED: "#c0282d",
    ChangeKind.RENAMED: "#d16a00",
    ChangeKind.MOVED: "#1565c0",
    ChangeKind.MERGED: "#7b2fa0",
    ChangeKind.SPLIT: "#00838f",
    ChangeKind.SPUN_OFF: "#00838f",
    ChangeKind.PARTLY_ABSORBED: "#7b2fa0",
    ChangeKind.SUCCEEDED: "#7b2fa0",
    ChangeKind.FUNCTION_TRANSFERRED: "#b0306a",
    ChangeKind.APPOINTED: "#4f7f14",
    ChangeKind.VACATED: "#b3261e",
    ChangeKind.ROLES_CHANGED: "#4f7f14",
    ChangeKind.REPORTING_CHANGED: "#6d4c41",
    ChangeKind.RELATION_ADDED: "#1e7b34",
    ChangeKind.RELATION_REMOVED: "#c0282d",
    ChangeKind.ATTRIBUTES_CHANGED: "#546e7a",
    ChangeKind.MODIFIED: "#546e7a",
}

#: A change's badge: the word on the box (which says as much as its colour).
CHANGE_BADGES = {
    ChangeKind.ESTABLISHED: "new",
    ChangeKind.DISSOLVED: "dissolved",
    ChangeKind.RENAMED: "renamed",
    ChangeKind.MOVED: "moved",
    ChangeKind.MERGED: "merged",
    ChangeKind.SPLIT: "split",
    ChangeKind.SPUN_OFF: "spun off",
    ChangeKind.PARTLY_ABSORBED: "took over parts",
    ChangeKind.SUCCEEDED: "succeeds",
    ChangeKind.FUNCTION_TRANSFERRED: "function moved",
    ChangeKind.APPOINTED: "appointed",
    ChangeKind.VACATED: "vacated",
    ChangeKind.ROLES_CHANGED: "roles changed",
    ChangeKind.REPORTING_CHANGED: "reporting changed",
    ChangeKind.RELATION_ADDED: "relation added",
    ChangeKind.RELATION_REMOVED: "relation removed",
    ChangeKind.ATTRIBUTES_CHANGED: "fields changed",
    ChangeKind.MODIFIED: "changed",
}

#: What each badge means, for the legend.
CHANGE_MEANINGS = {
    ChangeKind.ESTABLISHED: "established (green border)",
    ChangeKind.DISSOLVED: "dissolved (red border)",
    ChangeKind.RENAMED: "renamed: the former name struck through",
    ChangeKind.MOVED: "moved to another parent or unit",
    ChangeKind.MERGED: "merged: old units into one",
    ChangeKind.SPLIT: "split: one unit into several",
    ChangeKind.SPUN_OFF: "spun off: made from parts of a unit that carries on",
    ChangeKind.PARTLY_ABSORBED: "took over parts of a unit that carries on",
    ChangeKind.SUCCEEDED: "succeeds another unit (re-formed, or beside it for a while)",
    ChangeKind.FUNCTION_TRANSFERRED: "a function moved to another owner",
    ChangeKind.APPOINTED: "someone appointed to the post",
    ChangeKind.VACATED: "someone left the post",
    ChangeKind.ROLES_CHANGED: "a holder's roles changed (acting, on leave, …)",
    ChangeKind.REPORTING_CHANGED: "the post reports elsewhere, or heads differently",
    ChangeKind.RELATION_ADDED: "a relation added (its kind follows the +)",
    ChangeKind.RELATION_REMOVED: "a relation removed (its kind follows the −)",
    ChangeKind.ATTRIBUTES_CHANGED: "fields of your own changed (a cost centre, an identifier)",
    ChangeKind.MODIFIED: "changed in another way (e.g. its kind)",
}

#: What a changed relation's label starts with: added "+ supports", removed "− supports".
RELATION_SIGNS = {ChangeKind.RELATION_ADDED: "+", ChangeKind.RELATION_REMOVED: "−"}

#: When one box has several changes, the first of these colours its border.
CHANGE_PRIORITY = (
    ChangeKind.DISSOLVED,
    ChangeKind.ESTABLISHED,
    ChangeKind.MERGED,
    ChangeKind.SPLIT,
    ChangeKind.SPUN_OFF,
    ChangeKind.PARTLY_ABSORBED,
    ChangeKind.SUCCEEDED,
    ChangeKind.MOVED,
    ChangeKind.RENAMED,
    ChangeKind.FUNCTION_TRANSFERRED,
    ChangeKind.APPOINTED,
    ChangeKind.VACATED,
    ChangeKind.ROLES_CHANGED,
    ChangeKind.REPORTING_CHANGED,
    ChangeKind.RELATION_ADDED,
    ChangeKind.RELATION_REMOVED,
    ChangeKind.ATTRIBUTES_CHANGED,
    ChangeKind.MODIFIED,
)


@attrs.define
class Legend:
    """What a drawing used, noted while it is drawn, so its legend lists only that."""

    boxes: set[BoxStyle] = attrs.field(factory=set)
    vacant: bool = False
    uncertain: bool = False
    planned: bool = False
    relations: set[RelationKind | str] = attrs.field(factory=set)
    changes: set[ChangeKind] = attrs.field(factory=set)
    lineage: bool = False
    ghost: bool = False
    #: Relations that would have been drawn but for their kind or an end not drawn, and what to call them.
    relations_left_out: int = 0
    left_out_words: str = "relations"

    def label(self, caption: str, *, show: bool = True) -> str:
        """The graph's label: a caption, then (with ``show``) the legend of what was drawn.

        A long legend runs in up to three columns, read down, so it does not
        make the picture taller than the drawing above it.

        >>> "Kommunstyrelsen" in Legend().label("Kommunstyrelsen 2015-01-01")
        True
        """
        entries = [(entry,) if isinstance(entry, Cell) else entry for entry in self._rows()] if show else []
        columns = min(3, -(-len(entries) // LEGEND_ROWS)) or 1
        height = -(-len(entries) // columns)
        width = 3 * columns - 1  # each column of entries: a swatch and words; a gap between columns
        rows: list[list[Cell]] = [[Cell.of(Span(caption, bold=True, size=12), align="LEFT", colspan=width)]]
        if show and self.relations_left_out:
            count = self.relations_left_out
            words = self.left_out_words if count != 1 else self.left_out_words.removesuffix("s")
            note = f"Not drawn: {count} {words} (of kinds left out, or with an end not drawn)"
            rows.append([Cell.of(Span(note, colour=MUTED, size=SMALL + 1), align="LEFT", colspan=width)])
        if entries:
            rows.append([Cell.of(Span("Legend", bold=True, colour=MUTED, size=SMALL + 1), align="LEFT", colspan=width)])
        for number in range(height):
            row: list[Cell] = []
            for column in range(columns):
                if column:
                    row.append(Cell.of(Span("      ")))
                index = column * height + number
                row += entries[index] if index < len(entries) else (Cell(colspan=2),)
            rows.append(row)
        return html_label(rows, padding=1, spacing=3)

    def _rows(self) -> Iterable[Cell | tuple[Cell, Cell]]:
        for look in BOX_STYLES:
            if look in self.boxes:
                yield _swatch(look.fill, look.border, rounded=look.rounded), _words(look.caption)
        if self.uncertain:
            yield _swatch("#ffffff", LINE, dashed=True), _words("dashed, ?: date uncertain that day")
        if self.planned:
            yield _swatch("#ffffff", LINE, dashed=True), _words("dashed, (planned): only planned, not decided")
        # Samples of text and lines span both columns, so the swatch column stays narrow.
        if self.vacant:
            yield _sample("vacant", VACANT, "a post nobody holds", italic=True)
        for kind in [*RelationKind, *sorted(str(kind) for kind in self.relations if kind not in RELATION_COLOURS)]:
            if kind in self.relations:
                yield _sample("- - ->", relation_colour(kind), f"{kind} (a relation beside the hierarchy)")
        for change in CHANGE_PRIORITY:
            if change in self.changes:
                sign = RELATION_SIGNS.get(change)
                sample = f"- - -> {sign}" if sign is not None else f"[{CHANGE_BADGES[change]}]"
                yield _sample(sample, CHANGE_COLOURS[change], CHANGE_MEANINGS[change])
        if self.lineage:
            yield _sample("===>", TEXT, "became: merged or split into (arrow in the change's colour)")
        if self.ghost:
            yield _sample("- - -", GHOST, "where a moved unit sat before")


def _words(text: str) -> Cell:
    return Cell.of(Span(text, size=SMALL + 1), align="LEFT")


def _sample(sample: str, colour: str, meaning: str, *, italic: bool = False) -> Cell:
    spans = (
        Span(sample, colour=colour, bold=not italic, italic=italic, size=SMALL + 1),
        Span(f"  {meaning}", size=SMALL + 1),
    )
    return Cell.of(*spans, align="LEFT", colspan=2)


def _swatch(fill: str, border: str, *, rounded: bool = False, dashed: bool = False) -> Cell:
    return Cell(fill=fill, border=border, swatch=True, rounded=rounded, dashed=dashed)
