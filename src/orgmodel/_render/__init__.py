"""Drawing: Graphviz DOT for an organisation on one day and for what changed between two days.

Build DOT with :func:`to_dot` (a chart) or :func:`diff_to_dot` (a diff),
turn it into SVG, PNG or PDF with :func:`render` or into a file with
:func:`write`; :class:`Drawing` bundles the DOT with those steps, and
:func:`chart_mimebundle` / :func:`diff_mimebundle` are what notebooks show.
Rendering runs Graphviz in-process through ``pygraphviz`` (whose wheels bundle
Graphviz), else a ``dot`` executable on ``PATH``; see ``docs/drawing.md``.

The modules: ``_html`` (the one escaping label builder), ``_style`` (shapes,
colours, legend), ``_scene`` (one chart into a graph), ``_dot`` (the two entry
points and the marks of a diff), ``_engine`` (rendering, files), ``_drawing``
(the :class:`Drawing` value and notebook display).

>>> import orgmodel as om
>>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
>>> b"Kommunstyrelsen" in render(to_dot(org.at("2015-01-01")), "svg")
True
"""

from orgmodel._render._dot import ALL_RELATIONS, DEFAULT_RELATIONS, DEFAULT_STACK, LAYOUTS, diff_to_dot, to_dot
from orgmodel._render._drawing import (
    ChartOptions,
    DiffOptions,
    Drawing,
    chart_mimebundle,
    diff_mimebundle,
    draw_chart,
    draw_diff,
)
from orgmodel._render._engine import FORMATS, Format, RenderError, format_of, render, write
from orgmodel._render._size import MAX_BOXES

__all__ = [
    "ALL_RELATIONS",
    "DEFAULT_RELATIONS",
    "DEFAULT_STACK",
    "FORMATS",
    "LAYOUTS",
    "MAX_BOXES",
    "ChartOptions",
    "DiffOptions",
    "Drawing",
    "Format",
    "RenderError",
    "chart_mimebundle",
    "diff_mimebundle",
    "diff_to_dot",
    "draw_chart",
    "draw_diff",
    "format_of",
    "render",
    "to_dot",
    "write",
]
