"""Drawing organisations with Graphviz: a chart on one day, or the changes between two days.

Most users call :meth:`OrgChart.draw <orgmodel.OrgChart.draw>` and
:meth:`Diff.draw <orgmodel.Diff.draw>`, which return a :class:`Drawing`; this
module holds the functions underneath, for building DOT text and rendering it
yourself.  Rendering needs no system package: it runs Graphviz in-process
through ``pygraphviz`` (whose wheels bundle Graphviz), falls back to a ``dot``
executable on ``PATH``, and otherwise raises :class:`~orgmodel.errors.RenderError`
saying what to install.  See ``docs/drawing.md``.

>>> import orgmodel as om
>>> from orgmodel import render
>>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
>>> dot = render.to_dot(org.at("2015-01-01"))
>>> render.render(dot, "svg")[:5]
b'<?xml'
"""

from orgmodel._render import (
    ALL_RELATIONS,
    DEFAULT_RELATIONS,
    FORMATS,
    LAYOUTS,
    MAX_BOXES,
    ChartOptions,
    DiffOptions,
    Drawing,
    chart_mimebundle,
    diff_mimebundle,
    diff_to_dot,
    render,
    to_dot,
    write,
)
from orgmodel.errors import RenderError

__all__ = [
    "ALL_RELATIONS",
    "DEFAULT_RELATIONS",
    "FORMATS",
    "LAYOUTS",
    "MAX_BOXES",
    "ChartOptions",
    "DiffOptions",
    "Drawing",
    "RenderError",
    "chart_mimebundle",
    "diff_mimebundle",
    "diff_to_dot",
    "render",
    "to_dot",
    "write",
]
