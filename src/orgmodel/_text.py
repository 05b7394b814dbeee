"""Plain-text views: tables and the indented chart tree shown in terminals and as ``str()``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from orgmodel._entities import Category, Post, Unit

if TYPE_CHECKING:
    from orgmodel._chart import OrgChart


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A left-aligned text table with a rule under the headers.

    >>> print(table(["day", "what"], [["2015-01-01", "renamed"]]))
    day         what
    ----------  -------
    2015-01-01  renamed
    """
    materialised = [list(map(str, row)) for row in rows]
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


def chart_tree(chart: OrgChart, *, details: bool = True) -> str:
    """The chart as an indented tree: political bodies first, then the administration, then outside bodies.

    Each unit shows its kind and head; with ``details`` its other posts (•) and
    functions (◦) follow under it, and the relations are listed at the end.
    """
    lines = [f"Organisation on {chart.day.isoformat()}"]
    order = _sorter(chart)

    def walk(unit: Unit, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└── " if last else "├── ")
        lines.append(f"{prefix}{branch}{unit_label(chart, unit)}")
        inner = prefix if top else prefix + ("    " if last else "│   ")
        items: list[tuple[str, Unit | None]] = []
        if details:
            head = chart.head(unit.id)
            for post in chart.posts_of(unit.id):
                if head is None or post.id != head.id:
                    items.append((f"• {post_label(chart, post)}", None))
            for function in chart.functions_of(unit.id):
                items.append((f"◦ {function.name} [{function.kind!s}]{_flags(chart, function.id)}", None))
        items.extend(("", child_unit) for child_unit in sorted(chart.children(unit.id), key=order))
        for number, (text, child) in enumerate(items):
            is_last = number == len(items) - 1
            if child is None:
                lines.append(f"{inner}{'└── ' if is_last else '├── '}{text}")
            else:
                walk(child, inner, is_last, top=False)

    for root in sorted(chart.roots(), key=order):
        walk(root, "", True, top=True)
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
    return "\n".join(lines)
