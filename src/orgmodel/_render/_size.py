"""How many boxes a drawing will have, counted before any DOT is written, and the limit on it.

Graphviz lays out 2,000 boxes in a few seconds, and its time grows faster
than the number of boxes: 10,000 in a chain took 50 s, 50,000 side by side
more than three minutes and a gigabyte.  Such a picture cannot be read
anyway.  So :func:`~orgmodel.render.Drawing` refuses a drawing of more than
:data:`MAX_BOXES` boxes with :class:`DrawingTooLargeError`, saying what to
draw instead, unless asked with ``force=True``.

The count is made from the chart, the way the drawing chooses its units (a
root, a depth, the units a diff touched), so that even a 50,000-unit chart is
refused at once; it does not count the invisible points of stacked columns.
"""

from __future__ import annotations

from typing import Literal

from orgmodel._chart import OrgChart
from orgmodel._diff import DiffLike
from orgmodel._render._dot import _check_depth, _root_id, _root_on, _unit_of
from orgmodel._render._scene import visible_units
from orgmodel.errors import DrawingTooLargeError

__all__ = ["MAX_BOXES", "chart_boxes", "check", "diff_boxes"]

#: The most boxes a drawing is made with unless ``force=True`` (``--force`` on the command line).
MAX_BOXES = 2_000


def chart_boxes(
    chart: OrgChart, *, root: str | None = None, depth: int | None = None, view: Literal["units", "people"] = "units"
) -> int:
    """The boxes a drawing of ``chart`` has: its units, or in the people view the posts in them.

    >>> import orgmodel as om
    >>> chart_boxes(om.examples.nacka().at("2015-01-01"), root="stadsledningskontoret", depth=1)
    9
    """
    units, _ = visible_units(chart, root=_root_id(chart, root), depth=_check_depth(depth))
    if view != "people":
        return len(units)
    posts = sum(len(chart.posts_of(unit)) for unit in units)
    if root is None:
        posts += sum(1 for post in chart.posts.values() if post.unit is None)
    return posts


def diff_boxes(
    diff: DiffLike,
    *,
    layout: str = "stacked",
    root: str | None = None,
    depth: int | None = None,
    changed_only: bool = False,
) -> int:
    """The boxes a drawing of ``diff`` has, about: the units drawn on both days (on one for the overlay).

    With ``changed_only`` it counts the units the changes are in, and those above them.

    >>> import orgmodel as om
    >>> diff_boxes(om.examples.nacka().diff("2014-12-31", "2015-01-01"), root="slk", depth=0)
    2
    """
    depth = _check_depth(depth)
    drawn: list[set[str]] = []
    for chart in (diff.before, diff.after):
        root_id = _root_on(chart, root)
        if root_id is False:
            continue
        keep = None
        if changed_only:
            ids = [entry.subject for entry in diff if isinstance(entry.subject, str)]
            ids += [other for entry in diff for other in entry.related]
            keep = {unit for unit in (_unit_of(chart, entity) for entity in ids) if unit is not None}
        units, _ = visible_units(chart, root=root_id, depth=depth, keep=keep)
        drawn.append(set(units))
    if layout == "overlay":
        return len(set().union(*drawn))
    return sum(len(units) for units in drawn)


def check(boxes: int, *, force: bool) -> None:
    """Raise :class:`DrawingTooLargeError` when ``boxes`` is over :data:`MAX_BOXES` and not ``force``.

    The message says what to do instead (the command line words it its own way).

    >>> check(50_000, force=False)
    Traceback (most recent call last):
    ...
    orgmodel.errors.DrawingTooLargeError: this drawing would have 50,000 boxes, more than the 2,000 ...
    """
    if boxes <= MAX_BOXES or force:
        return
    raise DrawingTooLargeError(
        f"this drawing would have {boxes:,} boxes, more than the {MAX_BOXES:,} drawn without asking: "
        "Graphviz would take minutes over it, and the picture could not be read — draw part of it "
        "(root='a unit', depth=2), look at it as text (print(chart), chart.subtree(...)) or in the explorer "
        "(timeline.explore()), or pass force=True to draw it anyway",
        boxes=boxes,
        limit=MAX_BOXES,
    )
