"""What ``OrgChart.draw()`` and ``Diff.draw()`` return, and the pictures notebooks show."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypedDict, cast

import attrs

from orgmodel._chart import OrgChart
from orgmodel._diff import DiffLike
from orgmodel._entities import RelationKind
from orgmodel._render import _size
from orgmodel._render._dot import diff_to_dot, to_dot
from orgmodel._render._engine import Format, render, write

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["ChartOptions", "DiffOptions", "Drawing", "chart_mimebundle", "diff_mimebundle", "draw_chart", "draw_diff"]


class _DotOptions(TypedDict, total=False):
    """The keyword options of :func:`~orgmodel.render.to_dot`."""

    root: str | None
    depth: int | None
    relations: Iterable[RelationKind | str]
    view: Literal["units", "people"]
    stack_leaves: int | None
    show_posts: bool
    show_functions: bool
    legend: bool


class ChartOptions(_DotOptions, total=False):
    """The keyword options of :func:`~orgmodel.render.to_dot`, and ``force``, for ``OrgChart.draw(**options)``."""

    force: bool


class _DiffDotOptions(TypedDict, total=False):
    """The keyword options of :func:`~orgmodel.render.diff_to_dot`."""

    layout: Literal["stacked", "side-by-side", "overlay"]
    root: str | None
    depth: int | None
    relations: Iterable[RelationKind | str]
    unchanged_relations: bool
    stack_leaves: int | None
    show_posts: bool
    show_functions: bool
    changed_only: bool
    legend: bool


class DiffOptions(_DiffDotOptions, total=False):
    """The keyword options of :func:`~orgmodel.render.diff_to_dot`, and ``force``, for ``Diff.draw(**options)``."""

    force: bool


@attrs.frozen
class Drawing:
    """A drawing as DOT text, ready to render, save, or show in a notebook.

    ``text`` is the plain-text view shown instead where a picture cannot be
    made.  Rendering happens on each call; keep the bytes if you need them twice.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
    >>> drawing = draw_chart(org.at("2015-01-01"))
    >>> drawing.svg().startswith("<?xml"), drawing.png()[:4]
    (True, b'\\x89PNG')
    """

    dot: str
    text: str = ""

    def render(self, format: Format | str) -> bytes:  # noqa: A002  # the word users know
        """The drawing as ``"svg"``, ``"png"``, ``"pdf"`` or ``"dot"`` bytes (see :func:`render`)."""
        return render(self.dot, format)

    def svg(self) -> str:
        """The drawing as SVG text."""
        return render(self.dot, "svg").decode()

    def png(self) -> bytes:
        """The drawing as a PNG image."""
        return render(self.dot, "png")

    def pdf(self) -> bytes:
        """The drawing as a PDF document."""
        return render(self.dot, "pdf")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the drawing to a file in the format its extension names (.svg, .png, .pdf, .dot)."""
        return write(self.dot, path)

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> dict[str, str]:
        return _mimebundle(lambda: self.dot, lambda: self.text or self.dot)

    def __str__(self) -> str:
        return self.dot


def draw_chart(chart: OrgChart, **options: Unpack[ChartOptions]) -> Drawing:
    """A :class:`Drawing` of a chart; the options are those of :func:`~orgmodel.render.to_dot`.

    A drawing of more than :data:`~orgmodel.render.MAX_BOXES` boxes raises
    :class:`~orgmodel.errors.DrawingTooLargeError` before anything is drawn,
    unless ``force=True``.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
    >>> "ks [label=" in draw_chart(org.at("2015-01-01"), legend=False).dot
    True
    """
    force = options.pop("force", False)
    boxes = _size.chart_boxes(
        chart, root=options.get("root"), depth=options.get("depth"), view=options.get("view", "units")
    )
    _size.check(boxes, force=force)
    return Drawing(to_dot(chart, **cast("_DotOptions", options)), text=str(chart))


def draw_diff(diff: DiffLike, **options: Unpack[DiffOptions]) -> Drawing:
    """A :class:`Drawing` of a diff; the options are those of :func:`~orgmodel.render.diff_to_dot`.

    Refused above :data:`~orgmodel.render.MAX_BOXES` boxes (both days count)
    as for :func:`draw_chart`, unless ``force=True``.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
    >>> "after/ks" in draw_diff(org.diff("2014-12-31", "2015-01-01")).dot
    True
    """
    force = options.pop("force", False)
    boxes = _size.diff_boxes(
        diff,
        layout=options.get("layout", "stacked"),
        root=options.get("root"),
        depth=options.get("depth"),
        changed_only=options.get("changed_only", False),
    )
    _size.check(boxes, force=force)
    return Drawing(diff_to_dot(diff, **cast("_DiffDotOptions", options)), text=diff.summary())


def chart_mimebundle(chart: OrgChart, **options: Unpack[ChartOptions]) -> dict[str, str]:
    """What a notebook shows for a chart: an SVG drawing and the text tree; never raises.

    When the drawing cannot be made, only ``text/plain`` is returned: the
    tree, then a line saying why there is no picture.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
    >>> sorted(chart_mimebundle(org.at("2015-01-01")))
    ['image/svg+xml', 'text/plain']
    """
    return _mimebundle(lambda: draw_chart(chart, **options).dot, lambda: str(chart))


def diff_mimebundle(diff: DiffLike, **options: Unpack[DiffOptions]) -> dict[str, str]:
    """What a notebook shows for a diff: an SVG drawing and the summary table; never raises.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
    >>> print(diff_mimebundle(org.diff("2014-12-31", "2015-01-01"), layout="sideways")["text/plain"])
    Changes from 2014-12-31 to 2015-01-01: 1
    ...
    (no drawing: InvalidArgumentError: layout must be one of ['stacked', 'side-by-side', 'overlay'], got 'sideways')
    """
    return _mimebundle(lambda: draw_diff(diff, **options).dot, diff.summary)


#: The most lines of text a notebook is shown for a chart or a diff; the rest is counted, not shown.
TEXT_LINES = 500


def _mimebundle(make_dot: Callable[[], str], make_text: Callable[[], str]) -> dict[str, str]:
    # A notebook's display hook must not fail: every error becomes a line of text instead.
    # (Exception, not BaseException: an interrupt should still interrupt.)  A drawing too large is
    # refused before any DOT is made, so a huge chart shows its text at once instead of hanging the kernel.
    try:
        text = _shortened(make_text())
    except Exception as error:
        text = f"(no text view: {_reason(error)})"
    try:
        svg = render(make_dot(), "svg").decode()
    except Exception as error:
        return {"text/plain": f"{text}\n(no drawing: {_reason(error)})"}
    return {"image/svg+xml": svg, "text/plain": text}


def _shortened(text: str) -> str:
    """At most :data:`TEXT_LINES` lines of ``text``, then how many more there are."""
    lines = text.split("\n", TEXT_LINES)
    if len(lines) <= TEXT_LINES:
        return text
    more = lines[TEXT_LINES].count("\n") + 1
    return "\n".join([*lines[:TEXT_LINES], f"… {more:,} more lines (print() shows them all)"])


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
