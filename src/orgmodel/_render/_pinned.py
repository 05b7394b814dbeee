"""Before and after in one picture, each unit in the same place on both days: lay out once, draw twice.

The two days are written with one shared structure (every unit of either
day, each under one parent, a unit missing that day kept as an empty box; see
:class:`~orgmodel._render._scene.Structure`), so their graphs differ only in
labels, colours and which lines show.  Graphviz then lays out the "after"
graph once, with every line of both days in it and every box as large as its
larger label (measured by a first, quick Graphviz run), and both days are
drawn from those positions: the second day is the first moved down (stacked)
or right (side by side).  The result is DOT with every position given
(``layout=nop2``), which Graphviz draws without laying it out again.

This is the same method as the explorer page's — lay out the union of the
days once, show each day's part of it — with Graphviz doing the layout.
Lines of a merge, split or move are drawn inside the "after" day, from a
dashed outline where the old unit was, so none loops around the picture.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from orgmodel._render._engine import layout
from orgmodel._render._record import Attributes, EdgeKey, Recorder

__all__ = ["BASE", "pinned"]

#: The day whose graph is laid out; the other is drawn from its positions.
BASE = "after"
_MARGIN = 10.0  # points between a day's drawing and its frame
_GAP = 28.0  # points between the two days' frames, and above the legend
_EDGE_POSITIONS = ("pos", "lp", "xlp", "head_lp", "tail_lp")
_SIZE_ATTRIBUTES = ("label", "shape", "margin", "fontsize", "fontname", "style", "width", "height", "peripheries")


def swap(name: str, side: str, other: str) -> str:
    """The name of the same thing on the other day: ``after/slk`` ↔ ``before/slk``, ``cluster_after_…`` ↔ ….

    >>> swap("before/slk/stack0/1", "before", "after"), swap("cluster_before_political", "before", "after")
    ('after/slk/stack0/1', 'cluster_after_political')
    """
    for prefix in (f"{side}/", f"cluster_{side}"):
        if name.startswith(prefix):
            return prefix.replace(side, other, 1) + name[len(prefix) :]
    return name


def pinned(
    days: Mapping[str, tuple[str, Recorder]],
    legend: str,
    new_graph: Callable[[], Any],
    *,
    stacked: bool,
    caption_size: str = "16",
) -> str:
    """DOT for the two days (``{side: (caption, recording)}``, first day first), drawn from one layout.

    ``legend`` is the graph's label (an HTML label or text), ``new_graph``
    makes an empty ``graphviz.Digraph`` with the drawing's defaults.  Raises
    :class:`~orgmodel.errors.RenderError` when Graphviz cannot lay it out
    (or is not there); the caller then draws the days apart.
    """
    sizes = _measure(days, legend, new_graph, caption_size)
    base = days[BASE][1]
    plan = new_graph()
    base.emit(plan, node=lambda name, attributes: {**attributes, **_size_of(sizes, name)})
    have = Counter(key[:2] for key, _tail, _head, _attributes in base.edges())
    named = {name for name, _ in base.nodes()}
    for side, (_, recording) in days.items():
        if side == BASE:
            continue
        for name, attributes in recording.nodes():
            if swap(name, side, BASE) not in named and attributes:
                # A box only this day has (its "nothing to show"): laid out too, so it has a place.
                named.add(swap(name, side, BASE))
                plan.node(swap(name, side, BASE), **attributes, **_size_of(sizes, swap(name, side, BASE)))
        seen: Counter[tuple[str, str]] = Counter()
        for (tail, head, _), written_tail, written_head, attributes in recording.edges():
            key = (swap(tail, side, BASE), swap(head, side, BASE))
            seen[key] += 1
            if seen[key] > have[key]:
                # A line only this day has: laid out too, so it has a route, without pulling the boxes.
                ends = (swap(written_tail, side, BASE), swap(written_head, side, BASE))
                plan.edge(*ends, **{**attributes, "constraint": "false"})
                have[key] += 1
    placed = _Layout(layout(plan.source))
    return _draw(days, legend, new_graph, placed, sizes, stacked=stacked, caption_size=caption_size)


# --- measuring ---------------------------------------------------------------------------------------


def _measure(
    days: Mapping[str, tuple[str, Recorder]], legend: str, new_graph: Callable[[], Any], caption_size: str
) -> dict[str, tuple[float, float]]:
    """Every box's size in points, the larger of its two days, by the day-free name; and the captions' and legend's."""
    graph = new_graph()
    for side, (caption, recording) in days.items():
        declared: dict[str, Attributes] = {}
        for name, attributes in recording.nodes():
            declared.setdefault(name, {}).update(attributes)
        for name, attributes in declared.items():
            graph.node(name, **{key: value for key, value in attributes.items() if key in _SIZE_ATTRIBUTES})
        graph.node(f"~caption/{side}", label=caption, shape="plaintext", margin="0", fontsize=caption_size)
    graph.node("~legend", label=legend, shape="plaintext", margin="0", fontsize="14")
    found = _Layout(layout(graph.source))
    sizes: dict[str, tuple[float, float]] = {}
    for name, (_, width, height) in found.nodes.items():
        key = swap(name, "before", BASE)
        old = sizes.get(key, (0.0, 0.0))
        sizes[key] = (max(old[0], width), max(old[1], height))
        if name.startswith("~"):
            sizes[name] = (width, height)
    return sizes


def _size_of(sizes: Mapping[str, tuple[float, float]], name: str) -> dict[str, str]:
    found = sizes.get(name)
    if found is None:
        return {}
    return {"width": f"{found[0] / 72:.4f}", "height": f"{found[1] / 72:.4f}"}


# --- the layout, read back ---------------------------------------------------------------------------


class _Layout:
    """Graphviz's ``json0`` output, by name: nodes (centre, width, height), clusters and edges (positions)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.width, self.height = _bounds(str(data.get("bb", "0,0,0,0")))
        self.nodes: dict[str, tuple[tuple[float, float], float, float]] = {}
        self.clusters: dict[str, Attributes] = {}
        names: dict[int, str] = {}
        for item in data.get("objects", ()):
            names[int(item["_gvid"])] = str(item["name"])
            if "bb" in item:
                self.clusters[str(item["name"])] = {key: str(item[key]) for key in ("bb", "lp") if key in item}
            elif "pos" in item:
                x, y = (float(part) for part in str(item["pos"]).split(","))
                self.nodes[str(item["name"])] = ((x, y), float(item["width"]) * 72, float(item["height"]) * 72)
        self.edges: dict[EdgeKey, Attributes] = {}
        seen: dict[tuple[str, str], int] = {}
        for edge in sorted(data.get("edges", ()), key=lambda edge: int(edge["_gvid"])):
            tail, head = names[int(edge["tail"])], names[int(edge["head"])]
            number = seen.get((tail, head), 0)
            seen[(tail, head)] = number + 1
            self.edges[(tail, head, number)] = {key: str(edge[key]) for key in _EDGE_POSITIONS if key in edge}


def _bounds(bb: str) -> tuple[float, float]:
    left, bottom, right, top = (float(part) for part in bb.split(","))
    return right - left, top - bottom


def _moved(points: str, dx: float, dy: float) -> str:
    """A Graphviz point list (``"e,x,y x,y …"``, ``"x,y"``, ``"x1,y1,x2,y2"``) moved by ``(dx, dy)``."""
    moved = []
    for part in points.split():
        pieces = part.split(",")
        prefix = [pieces.pop(0)] if pieces[0] in ("e", "s") else []
        numbers = [float(piece) for piece in pieces]
        shifted = [number + (dx if index % 2 == 0 else dy) for index, number in enumerate(numbers)]
        moved.append(",".join([*prefix, *(f"{number:.2f}" for number in shifted)]))
    return " ".join(moved)


# --- drawing both days from one layout ---------------------------------------------------------------


def _draw(
    days: Mapping[str, tuple[str, Recorder]],
    legend: str,
    new_graph: Callable[[], Any],
    placed: _Layout,
    sizes: Mapping[str, tuple[float, float]],
    *,
    stacked: bool,
    caption_size: str,
) -> str:
    legend_width, legend_height = sizes.get("~legend", (0.0, 0.0))
    caption_height = max((sizes.get(f"~caption/{side}", (0.0, 0.0))[1] for side in days), default=0.0)
    frame_width = placed.width + 2 * _MARGIN
    frame_height = placed.height + 2 * _MARGIN + caption_height + _MARGIN / 2
    # Graphviz's y grows upwards: the legend at the bottom, then the second day, the first above it.
    origins: dict[str, tuple[float, float]] = {}
    bottom = legend_height + _GAP if legend_height else 0.0
    for number, side in enumerate(reversed(list(days))):
        if stacked:
            origins[side] = (0.0, bottom + number * (frame_height + _GAP))
        else:
            origins[side] = ((len(days) - 1 - number) * (frame_width + _GAP), bottom)
    width = max(x for x, _ in origins.values()) + frame_width
    height = max(y for _, y in origins.values()) + frame_height
    graph = new_graph()
    graph.attr(layout="nop2", bb=f"0,0,{width:.2f},{height + 4:.2f}", label=legend)
    graph.attr(lp=f"{legend_width / 2 + 2:.2f},{legend_height / 2 + 2:.2f}")
    for side, (caption, recording) in days.items():
        left, low = origins[side]
        dx, dy = left + _MARGIN, low + _MARGIN
        caption_width = sizes.get(f"~caption/{side}", (0.0, 0.0))[0]
        with graph.subgraph(name=f"cluster_{side}") as frame:
            caption_x = left + _MARGIN + caption_width / 2
            caption_y = low + frame_height - _MARGIN / 2 - caption_height / 2
            frame.attr(
                bb=f"{left:.2f},{low:.2f},{left + frame_width:.2f},{low + frame_height:.2f}",
                lp=f"{caption_x:.2f},{caption_y:.2f}",
                label=caption,
            )
            recording.emit(
                frame,
                node=functools.partial(_node, placed, side, dx, dy),
                edge=functools.partial(_edge, placed, side, dx, dy),
                subgraph=functools.partial(_cluster, placed, side, dx, dy),
            )
    return str(graph.source)


def _node(placed: _Layout, side: str, dx: float, dy: float, name: str, attributes: Attributes) -> Attributes:
    found = placed.nodes.get(swap(name, side, BASE))
    if found is None or not attributes:
        return attributes  # a node named again inside a rank group: its first declaration holds the position
    (x, y), width, height = found
    return {
        **attributes,
        "pos": f"{x + dx:.2f},{y + dy:.2f}",
        "width": f"{width / 72:.4f}",
        "height": f"{height / 72:.4f}",
    }


def _edge(placed: _Layout, side: str, dx: float, dy: float, key: EdgeKey, attributes: Attributes) -> Attributes:
    tail, head, number = key
    found = placed.edges.get((swap(tail, side, BASE), swap(head, side, BASE), number))
    if found is None:
        return attributes
    return {**attributes, **{name: _moved(value, dx, dy) for name, value in found.items()}}


def _cluster(placed: _Layout, side: str, dx: float, dy: float, name: str, attributes: Attributes) -> Attributes:
    found = placed.clusters.get(swap(name, side, BASE))
    if found is None:
        return attributes
    return {**attributes, **{key: _moved(value, dx, dy) for key, value in found.items()}}
