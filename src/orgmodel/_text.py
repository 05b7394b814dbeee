"""Plain-text views: tables and the indented chart tree shown in terminals and as ``str()``.

Names come from data files written by others, so every line of text made here
goes through :func:`visible`: a control character in a name (ESC, NUL, a
bidirectional override) is shown as an escape, never sent raw to a terminal,
where it could clear the screen, retitle the window or reorder what is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from orgmodel._entities import Category, Post, Unit

if TYPE_CHECKING:
    from orgmodel._chart import OrgChart

# C0 and C1 controls and DEL; line and paragraph separators; the bidirectional marks, embeddings,
# overrides and isolates ("Trojan Source"): everything a terminal acts on or that reorders a line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")

#: Levels of indentation :func:`chart_tree` draws; deeper lines start with ``[+N]``, the levels left out.
MAX_INDENT = 16


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(line: str) -> str:
    """One line of text with every control character shown as an escape (``\\x1b``, ``\\u202e``).

    Line breaks and tabs are escaped too: a name is shown on one line, and
    cannot forge the lines after it.

    >>> print(visible("Miljö\\x1b[2J\\nenheten"))
    Miljö\\x1b[2J\\x0aenheten
    """
    return _CONTROL.sub(_escape, line)


def visible_lines(text: str) -> str:
    """Text of several lines with :func:`visible` applied to each: the line breaks are kept.

    >>> print(visible_lines("a\\x07\\nb"))
    a\\x07
    b
    """
    return "\n".join(visible(line) for line in text.split("\n"))


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A left-aligned text table with a rule under the headers; control characters in cells are escaped.

    >>> print(table(["day", "what"], [["2015-01-01", "renamed"]]))
    day         what
    ----------  -------
    2015-01-01  renamed
    """
    materialised = [[visible(str(cell)) for cell in row] for row in rows]
    headers = [visible(header) for header in headers]
    widths = [len(header) for header in headers]
    for row in materialised:
        for column, cell in enumerate(row):
            widths[column] = max(widths[column], len(cell))
    lines = ["  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    for row in materialised:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


_SIDES = {Category.POLITICAL: 0, Category.ADMINISTRATIVE: 1, Category.COMPANY: 2, Category.EXTERNAL: 2}


def _sorter(chart: OrgChart) -> Callable[[Unit], tuple[int, str]]:
    """Political bodies first, then the administration, then companies and outside bodies; by name within."""

    def key(unit: Unit) -> tuple[int, str]:
        return (_SIDES[chart.category(unit.id)], unit.name.casefold())

    return key


def _flags(chart: OrgChart, entity_id: str) -> str:
    marks = []
    mark = chart.uncertainty(entity_id)
    if mark is not None:
        words = mark.describe(lambda other: repr(chart[other].name) if other in chart else repr(other))
        marks.append(f"uncertain: {words}" if words else "uncertain")
    if chart.is_planned(entity_id):
        marks.append("planned")
    return f" ({', '.join(marks)})" if marks else ""


def post_label(chart: OrgChart, post: Post) -> str:
    """``title: holders`` (each with their roles) or ``title: vacant``, with certainty marks."""
    people = []
    for holding in post.holders:
        person = chart.get(holding.person)
        name = person.name if person is not None else holding.person
        roles = holding.describe()
        people.append(f"{name} ({roles})" if roles else name)
    who = ", ".join(people) if people else "vacant"
    return f"{post.title}: {who}{_flags(chart, post.id)}"


def unit_label(chart: OrgChart, unit: Unit) -> str:
    """``name [kind]`` and its head, with certainty marks."""
    label = f"{unit.name} [{unit.kind!s}]{_flags(chart, unit.id)}"
    head = chart.head(unit.id)
    if head is not None:
        label += f" — {post_label(chart, head)}"
    return label


def chart_tree(chart: OrgChart, *, details: bool = True, depth: int | None = None) -> str:
    """The chart as an indented tree: political bodies first, then the administration, then outside bodies.

    Each unit shows its kind and head; with ``details`` its other posts (•) and
    functions (◦) follow under it, and the relations are listed at the end.
    ``depth`` stops that many levels below the top units, saying how many
    units lie further down.  Below :data:`MAX_INDENT` levels only the last
    levels' indentation is drawn,
    after ``[+N]``, the number of levels left out, so that a line stays short
    however deep the organisation goes.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
    >>> print(chart_tree(org.at("2015-01-01")))
    Organisation on 2015-01-01
    Kommunstyrelsen [board]
    """
    lines = [f"Organisation on {chart.day.isoformat()}"]
    # A stack of what is still to write, each with the indentation it hangs from, rather than a
    # recursive walk: a hierarchy may be deeper than Python's recursion limit.  The indentation is
    # the bars of at most MAX_INDENT levels above, and how many levels there are in all.
    order = _sorter(chart)
    roots = sorted(chart.roots(), key=order)
    # Each entry: the bars, the number of levels of indentation, the branch, the item, the unit's level.
    pending: list[tuple[str, int, str, Unit | str, int]] = [("", 0, "", root, 0) for root in roots[::-1]]
    while pending:
        bars, level, branch, item, below_top = pending.pop()
        shown = f"[+{level - MAX_INDENT}] {bars}" if level > MAX_INDENT else bars
        if isinstance(item, str):
            lines.append(f"{shown}{branch}{item}")
            continue
        lines.append(f"{shown}{branch}{unit_label(chart, item)}")
        if branch:  # under a top unit, its items start at the margin
            bars = (bars + ("│   " if branch == "├── " else "    "))[-4 * MAX_INDENT :]
            level += 1
        items: list[Unit | str] = []
        if details:
            head = chart.head(item.id)
            for post in chart.posts_of(item.id):
                if head is None or post.id != head.id:
                    items.append(f"• {post_label(chart, post)}")
            for function in chart.functions_of(item.id):
                items.append(f"◦ {function.name} [{function.kind!s}]{_flags(chart, function.id)}")
        children: list[Unit] = sorted(chart.children(item.id), key=order)
        if depth is not None and below_top >= depth and children:
            hidden = len(chart.descendants(item.id))
            items.append(f"… {hidden:,} unit{'s' if hidden != 1 else ''} below")
        else:
            items.extend(children)
        for number in reversed(range(len(items))):
            branch = "└── " if number == len(items) - 1 else "├── "
            pending.append((bars, level, branch, items[number], below_top + 1))
    if details:
        loose_posts = [post for post in chart.posts.values() if post.unit is None]
        loose_functions = [function for function in chart.functions.values() if function.owner is None]
        owned_by_posts = [function for function in chart.functions.values() if function.owner in chart.posts]
        if loose_posts:
            lines.append("Posts outside any unit:")
            lines.extend(
                f"  • {post_label(chart, post)}" for post in sorted(loose_posts, key=lambda p: p.title.casefold())
            )
        if owned_by_posts:
            lines.append("Functions owned by posts:")
            for function in sorted(owned_by_posts, key=lambda f: f.name.casefold()):
                owner = chart.entities[function.owner or ""]
                lines.append(f"  ◦ {function.name} — {owner.name}{_flags(chart, function.id)}")
        if loose_functions:
            lines.append("Functions with no owner:")
            lines.extend(
                f"  ◦ {function.name}" for function in sorted(loose_functions, key=lambda f: f.name.casefold())
            )
        if chart.relations:
            lines.append("Relations:")
            for relation in chart.relations_of():
                source, target = chart.entities[relation.source], chart.entities[relation.target]
                note = f" ({relation.note})" if relation.note else ""
                flags = []
                if chart.is_uncertain(relation):
                    flags.append("uncertain")
                if chart.is_planned(relation):
                    flags.append("planned")
                flag_text = f" ({', '.join(flags)})" if flags else ""
                lines.append(f"  {source.name} —{relation.kind!s}→ {target.name}{note}{flag_text}")
    return "\n".join(visible(line) for line in lines)
