"""Drawing: the DOT of charts and diffs, its labels, and rendering without a system Graphviz.

Tests read the DOT back with pygraphviz and check node names, labels, styles,
colours and clusters; pixels are not compared.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import pygraphviz
import pytest
from hypothesis import HealthCheck, given, settings

import orgmodel as om
from orgmodel import strategies as oms
from orgmodel._render import (
    ALL_RELATIONS,
    DEFAULT_RELATIONS,
    DEFAULT_STACK,
    LAYOUTS,
    Drawing,
    RenderError,
    chart_mimebundle,
    diff_mimebundle,
    diff_to_dot,
    draw_chart,
    draw_diff,
    render,
    to_dot,
    write,
)
from orgmodel._render._html import Cell, Span, escape, html_label
from orgmodel._render._scene import node_name
from orgmodel._render._style import CHANGE_COLOURS, GHOST, RELATION_COLOURS, VACANT

START, BEFORE, AFTER = "2013-01-01", "2014-12-31", "2015-01-01"
ChangeKind = om.ChangeKind


def municipality() -> om.Timeline:
    """A small municipality reorganised on 2015-01-01, with a company planned for February."""
    unit, post, person, function, establish = om.Unit, om.Post, om.Person, om.Function, om.Establish
    return om.Timeline(
        [
            establish(unit("kf", "Kommunfullmäktige", kind="assembly"), on=START),
            establish(unit("ks", "Kommunstyrelsen", kind="board", parent="kf"), on=START),
            establish(unit("au", "Arbetsutskottet", kind="sub-committee", parent="ks"), on=START),
            establish(unit("pr", "Pensionärsrådet", kind="council", parent="ks"), on=START),
            establish(unit("slk", "Stadsledningskontoret", kind="office"), on=START),
            establish(unit("sue", "Samordnings- och utvecklingsenheten", parent="slk"), on=START),
            establish(unit("ek", "Ekonomienheten", parent="slk"), on=START),
            establish(unit("mex", "Mark- och exploateringsenheten", parent="slk"), on=START),
            establish(unit("park", "Parkenheten", parent="slk"), on=START),
            establish(unit("gata", "Gatuenheten", parent="slk"), on=START),
            establish(unit("kom", "Kommunikationsenheten", parent="slk"), on=START),
            establish(unit("stab", "Stadsdirektörens stab", kind="staff", parent="slk"), on=START),
            establish(unit("nab", "Nacka Energi AB", kind="company"), on=START),
            establish(unit("ent", "Entreprenören", kind="external"), on=START),
            establish(person("lo", "Lena Olsson"), on=START),
            establish(person("ma", "Mats Andersson"), on=START),
            establish(person("eva", "Eva Ek"), on=START),
            establish(person("kpb", "Klara Palmberg Brorud"), on=START),
            establish(
                post("sd", "Stadsdirektör", kind="chief-executive", unit="slk", heads=True, holder="lo"), on=START
            ),
            establish(post("ekdir", "Ekonomidirektör", kind="director", unit="ek", heads=True, holder="ma"), on=START),
            establish(post("suechef", "Enhetschef", kind="head", unit="sue", heads=True), on=START),
            establish(post("ctrl1", "Controller", kind="specialist", unit="ek", holder="eva"), on=START),
            establish(function("mark", "Markfrågor", owner="mex"), on=START),
            establish(function("smart", "Smart kommun", kind="assignment", owner="sue"), on=START),
            om.AddRelation(om.Relation("supports", "sue", "ks"), on=START),
            om.AddRelation(om.Relation("responsible-for", "ekdir", "au"), on=START),
            om.AddRelation(om.Relation("contracted-to", "ent", "slk"), on=START),
            om.Change(
                AFTER,
                [
                    om.Rename("sue", "Förnyelseenheten"),
                    om.Appoint("suechef", "kpb"),
                    om.Vacate("ctrl1"),
                    om.Split(
                        "ek",
                        [
                            unit("ctrl", "Controllerenheten", parent="slk"),
                            unit("red", "Redovisningsenheten", parent="slk"),
                        ],
                        allocate={"ekdir": "red", "ctrl1": "ctrl"},
                    ),
                    om.Merge(["park", "gata"], unit("trafik", "Trafik- och parkenheten", parent="slk")),
                    om.Transfer("mark", "sue"),
                    om.Move("kom", "stab"),
                    om.Dissolve("pr"),
                    om.Establish(unit("ar", "Äldrerådet", kind="council", parent="ks")),
                    om.RemoveRelation(om.Relation("supports", "sue", "ks")),
                    om.AddRelation(om.Relation("dotted-line", "ctrl1", "sd")),
                ],
            ),
            om.Change("i februari 2015", [establish(unit("sab", "Stadshus AB", kind="company"))], status="planned"),
        ]
    )


@pytest.fixture(scope="module")
def org() -> om.Timeline:
    return municipality()


@pytest.fixture(scope="module")
def chart(org: om.Timeline) -> om.OrgChart:
    return org.at(BEFORE)


@pytest.fixture(scope="module")
def diff(org: om.Timeline) -> om.Diff:
    return org.diff(BEFORE, AFTER)


def parse(dot: str) -> pygraphviz.AGraph:
    return pygraphviz.AGraph(string=dot)


def label(graph: pygraphviz.AGraph, node: str) -> str:
    return str(graph.get_node(node).attr["label"])


def graph_label(graph: pygraphviz.AGraph) -> str:
    # The graph's own label (the caption and legend); item access misses it, the attribute mapping does not.
    return str(dict(graph.graph_attr)["label"])


def cluster_nodes(graph: pygraphviz.AGraph, *path: str) -> set[str]:
    for name in path:
        graph = graph.get_subgraph(name)
        assert graph is not None, f"no subgraph {name}"
    return set(graph.nodes())


def edge_attributes(graph: pygraphviz.AGraph, tail: str, head: str) -> dict[str, str]:
    return dict(graph.get_edge(tail, head).attr)


def svg_texts(svg: bytes) -> list[str]:
    """The text of every <text> element, with the non-breaking spaces Graphviz writes for runs of spaces undone."""
    root = ET.fromstring(svg)
    texts = ["".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text")]
    return [text.replace("\xa0", " ") for text in texts]


def squeeze(text: str) -> str:
    return " ".join(text.split())


def words(markup: str) -> str:
    """A label's text without its markup, lines joined by spaces: what a reader sees, wrapping aside."""
    return squeeze(re.sub("<[^>]*>", " ", markup).replace("&amp;", "&"))


def assert_edges_end_at_drawn_things(graph: pygraphviz.AGraph) -> None:
    """Every visible edge runs between drawn nodes (a box or a point), and every port it names is in the box."""
    declared = {str(node) for node in graph.nodes() if "label" in dict(node.attr) or "shape" in dict(node.attr)}
    for edge in graph.edges():
        attributes = dict(edge.attr)
        if attributes.get("style") == "invis":
            continue
        for node, port in ((edge[0], attributes.get("tailport")), (edge[1], attributes.get("headport"))):
            assert node in declared, f"edge {edge} ends at {node}, which is not drawn"
            if port:
                assert f'PORT="{port}"' in label(graph, node), f"edge {edge} ends at a row {node} lacks"


def labels_of(graph: pygraphviz.AGraph) -> list[str]:
    found = [dict(node.attr).get("label", "") for node in graph.nodes()]
    found += [dict(edge.attr).get("label", "") for edge in graph.edges()]
    found.append(dict(graph.graph_attr).get("label", ""))
    return [text for text in found if text.startswith("<TABLE")]


# --- labels -----------------------------------------------------------------------------------------


class TestLabels:
    def test_escape_keeps_swedish_letters_and_escapes_markup(self):
        """Markup characters and quotes are escaped; å, ä, ö stay as they are."""
        assert escape("Miljö & \"Park\" <ny> 'x'") == "Miljö &amp; &quot;Park&quot; &lt;ny&gt; &#39;x&#39;"

    def test_escape_replaces_what_xml_cannot_hold(self):
        """Characters XML forbids become U+FFFD, and line breaks become spaces, so the label still parses."""
        assert escape("a\ufffeb\x01c\nd") == "a\ufffdb\ufffdc d"

    def test_label_text_is_never_markup(self):
        """Text that looks like markup is shown, not obeyed."""
        made = html_label([Cell.of(Span("<B>not bold</B> &amp;"))])
        assert "&lt;B&gt;not bold&lt;/B&gt; &amp;amp;" in made
        ET.fromstring(made[1:-1])

    def test_every_label_of_a_drawing_is_well_formed_xml(self, chart, diff):
        """Graphviz parses labels as XML and silently drops one that is not: every label parses."""
        for dot in (to_dot(chart, show_functions=True), diff_to_dot(diff), diff_to_dot(diff, layout="overlay")):
            for text in labels_of(parse(dot)):
                ET.fromstring(text)

    def test_forbidden_characters_are_drawn_as_replacement_marks(self, graphviz_said):
        """A name with a character XML forbids still gets its label, with U+FFFD in that place."""
        name = "Park\ufffe<&>\uffff"
        chart = om.Timeline([om.Establish(om.Unit("u", name), on=START)]).at(START)
        graphviz_said.clear()
        texts = svg_texts(render(to_dot(chart), "svg"))
        assert_no_graphviz_error(graphviz_said.text())
        assert "Park\ufffd<&>\ufffd" in texts

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(oms.timelines(names=oms.names(unusual=True), max_events=15))
    def test_any_name_is_drawn_as_written(self, graphviz_said, timeline):
        """Whatever the names, pygraphviz parses the DOT, Graphviz reports no error, and the SVG shows each name."""
        graphviz_said.clear()
        chart = timeline.at(timeline.last_day or START)
        dot = to_dot(chart, show_functions=True, stack_leaves=None)
        parse(dot)
        texts = [squeeze(text) for text in svg_texts(render(dot, "svg"))]
        assert_no_graphviz_error(graphviz_said.text())
        for name in drawn_names(chart):
            expected = squeeze(re.sub("[\ufffe\uffff]", "\ufffd", name))
            assert any(expected in text for text in texts), name

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], max_examples=25)
    @given(oms.timelines(names=oms.names(unusual=True), max_events=15, min_events=1))
    def test_any_diff_renders(self, graphviz_said, timeline):
        """Both diff layouts of any timeline parse and render with no Graphviz error."""
        graphviz_said.clear()
        first, last = timeline.first_day, timeline.last_day
        assert first is not None
        assert last is not None
        diff = timeline.diff(first, last)
        for layout in LAYOUTS:
            dot = diff_to_dot(diff, layout=layout)
            graph = parse(dot)
            for text in labels_of(graph):
                ET.fromstring(text)
            assert_edges_end_at_drawn_things(graph)
            render(dot, "svg")
        assert_no_graphviz_error(graphviz_said.text())


class GraphvizSaid:
    """What Graphviz printed while drawing: it is kept off the screen and logged (logger ``orgmodel.render``)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog

    def clear(self) -> None:
        self.caplog.clear()

    def text(self) -> str:
        return "\n".join(r.getMessage() for r in self.caplog.records if r.name == "orgmodel.render")


@pytest.fixture
def graphviz_said(caplog: pytest.LogCaptureFixture) -> GraphvizSaid:
    caplog.set_level(logging.DEBUG, logger="orgmodel.render")
    return GraphvizSaid(caplog)


def assert_no_graphviz_error(stderr: str) -> None:
    """Graphviz prints errors (a label it cannot parse, a layout it cannot rank) and carries on: none may appear.

    Some lines are harmless: the machine's fontconfig setup; when the text
    layout library cannot measure a label (a soft hyphen alone, say),
    Graphviz estimating its width from tables that lack the font or the
    character; and the spline router's complaints when it cannot route one
    line around the boxes ("triangulation failed": it draws it anyway, with
    straight segments).  All are kept off the user's screen (``_render/_quiet.py``).
    """
    harmless = (
        "no value for width of non-ASCII character",
        "no hard-coded metrics for",
        "triangulation failed",
        "cannot find triangle path",
        "Unable to reclaim box space in spline routing",
    )
    assert graphviz_complaints(stderr, harmless=harmless) == []


def graphviz_complaints(stderr: str, harmless: tuple[str, ...] = ()) -> list[str]:
    """What Graphviz printed, less the Fontconfig warning this machine prints for every process that draws text."""
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and "Fontconfig" not in line and not any(words in line for words in harmless)
    ]


def drawn_names(chart: om.OrgChart) -> list[str]:
    """The names a units drawing with functions shows: units, their posts, holders and functions."""
    posts = [post for post in chart.posts.values() if post.unit is not None]
    names = [unit.name for unit in chart.units.values()] + [post.title for post in posts]
    names += [person.name for post in posts for person in chart.holders(post.id)]
    in_units = {post.id for post in posts} | set(chart.units)
    names += [function.name for function in chart.functions.values() if function.owner in in_units]
    return names


# --- charts -----------------------------------------------------------------------------------------


class TestChart:
    def test_units_are_nodes_named_by_id_with_name_and_head(self, chart):
        """Each unit is a node named by its id; its label shows its name, its head's title and holder."""
        graph = parse(to_dot(chart))
        assert {"kf", "ks", "slk", "ek", "nab", "ent"} <= set(graph.nodes())
        assert "<B>Ekonomienheten</B>" in label(graph, "ek")
        assert "Ekonomidirektör: " in label(graph, "ek")
        assert "Mats Andersson" in label(graph, "ek")

    def test_vacant_head_is_marked_in_red(self, chart):
        """A head post nobody holds says "vacant", in red italics."""
        text = label(parse(to_dot(chart)), "sue")
        assert f'<FONT COLOR="{VACANT}" POINT-SIZE="10"><I>vacant</I></FONT>' in text

    def test_top_down_with_default_splines(self, chart):
        """The chart runs top down and keeps Graphviz's default splines (ortho cannot label edges)."""
        graph = parse(to_dot(chart))
        assert graph.graph_attr["rankdir"] == "TB"
        assert "splines" not in dict(graph.graph_attr)

    def test_groups_are_clusters(self, chart):
        """Political bodies, the administration and outside bodies each sit in their own cluster."""
        graph = parse(to_dot(chart))
        assert cluster_nodes(graph, "cluster_political") == {"kf", "ks", "au", "pr"}
        assert {"slk", "ek", "stab"} <= cluster_nodes(graph, "cluster_administration")
        assert cluster_nodes(graph, "cluster_external") == {"nab", "ent"}
        assert graph.get_subgraph("cluster_political").graph_attr["label"] == "Political bodies"

    def test_kinds_have_their_own_shape_and_colour(self, chart):
        """Political bodies, administration, companies and outside bodies differ in shape or colour."""
        graph = parse(to_dot(chart))
        looks = {
            node: (graph.get_node(node).attr["shape"], graph.get_node(node).attr["fillcolor"])
            for node in ("ks", "ek", "nab", "ent")
        }
        assert len(set(looks.values())) == 4
        assert "rounded" in graph.get_node("ks").attr["style"]
        assert looks["nab"][0] == "box3d"

    def test_hierarchy_edges_run_parent_to_child(self, chart):
        """Each unit hangs from its parent."""
        graph = parse(to_dot(chart, stack_leaves=None))
        assert graph.has_edge("kf", "ks")
        assert graph.has_edge("slk", "ek")
        assert not graph.has_edge("ks", "slk")

    def test_other_posts_are_listed_and_can_be_hidden(self, chart):
        """Posts that are not heads are rows in their unit's box, unless show_posts=False."""
        assert "• Controller: " in label(parse(to_dot(chart)), "ek")
        assert "Controller" not in label(parse(to_dot(chart, show_posts=False)), "ek")

    def test_functions_are_optional(self, chart):
        """Functions are listed in their owner's box only with show_functions=True."""
        assert "Markfrågor" not in label(parse(to_dot(chart)), "mex")
        assert "◦ Markfrågor" in label(parse(to_dot(chart, show_functions=True)), "mex")

    def test_relations_are_dashed_and_do_not_pull_the_layout(self, chart):
        """Relations are dashed arrows in their kind's colour with constraint=false."""
        graph = parse(to_dot(chart))
        supports = edge_attributes(graph, "sue", "ks")
        assert supports["style"] == "dashed"
        assert supports["constraint"] == "false"
        assert supports["color"] == RELATION_COLOURS[om.RelationKind.SUPPORTS]

    def test_relation_words_are_placed_after_the_layout(self, chart):
        """A relation's words are an xlabel, never a label: labelled constraint=false edges between clusters
        make dot fail ("trouble in init_rank") and double every rank's height."""
        graph = parse(to_dot(chart, relations=ALL_RELATIONS))
        relations = [edge for edge in graph.edges() if dict(edge.attr).get("constraint") == "false"]
        assert len(relations) == 3
        for edge in relations:
            assert "label" not in dict(edge.attr)
        assert "supports" in edge_attributes(graph, "sue", "ks")["xlabel"]

    def test_relation_from_a_post_ends_at_its_row(self, chart):
        """A relation from a post leaves from the post's row in its unit's box."""
        graph = parse(to_dot(chart, relations=ALL_RELATIONS))
        edge = graph.get_edge("ek", "au")
        assert edge.attr["tailport"] == "r0"
        assert 'PORT="r0"' in label(graph, "ek")

    def test_responsible_for_is_left_out_by_default(self, chart):
        """By default a chart draws supports, dotted-line and contracted-to; the caption counts what it left out."""
        assert om.RelationKind.RESPONSIBLE_FOR not in DEFAULT_RELATIONS
        graph = parse(to_dot(chart))
        assert graph.has_edge("sue", "ks")
        assert graph.has_edge("ent", "slk")
        assert not graph.has_edge("ek", "au")
        assert "Not drawn: 1 relation (of kinds left out, or with an end not drawn)" in graph_label(graph)
        assert "Not drawn" not in graph_label(parse(to_dot(chart, relations=ALL_RELATIONS)))

    def test_no_relation_to_what_is_not_drawn(self, org):
        """A relation ends only at a box or a row that is drawn: not at the box of a hidden function or post."""
        timeline = org.with_events(
            om.AddRelation(om.Relation("supports", "ctrl1", "mark"), on="2014-06-01"),
        )
        chart = timeline.at(BEFORE)
        hidden = parse(to_dot(chart, show_functions=False))
        assert not [edge for edge in hidden.edges() if edge[1] == "mex" and edge.attr["constraint"] == "false"]
        shown = parse(to_dot(chart, show_functions=True))
        edge = shown.get_edge("ek", "mex")
        assert 'PORT="{}"'.format(edge.attr["headport"]) in label(shown, "mex")
        no_posts = parse(to_dot(chart, show_functions=True, show_posts=False))
        assert not no_posts.has_edge("ek", "mex")
        for graph in (hidden, shown, no_posts):
            assert_edges_end_at_drawn_things(graph)

    def test_relation_kinds_can_be_chosen(self, chart):
        """Only the relation kinds asked for are drawn."""
        graph = parse(to_dot(chart, relations=["supports"]))
        assert graph.has_edge("sue", "ks")
        assert not graph.has_edge("ent", "slk")
        assert not parse(to_dot(chart, relations=())).has_edge("sue", "ks")

    def test_uncertain_and_planned_are_dashed_and_marked(self, org):
        """A fact whose date window straddles the day, and only planned, is dashed with "?" and "(planned)"."""
        graph = parse(to_dot(org.at("2015-02-10")))
        company = graph.get_node("sab")
        assert "dashed" in company.attr["style"]
        assert " ? (planned)" in company.attr["label"]
        assert "dashed" not in graph.get_node("nab").attr["style"]

    def test_root_draws_a_subtree_and_depth_cuts_it(self, org):
        """root= draws one unit and what is under it; depth= stops and says how many units it hid."""
        chart = org.at(AFTER)
        graph = parse(to_dot(chart, root="Stadsledningskontoret", depth=1))
        assert "stab" in graph.nodes()
        assert "kom" not in graph.nodes()
        assert "ks" not in graph.nodes()
        assert "▸ 1 more unit below" in label(graph, "stab")

    def test_wide_parents_stack_their_leaves(self, chart):
        """Leaves of a parent with more children than stack_leaves hang in one column off a line of points."""
        graph = parse(to_dot(chart, stack_leaves=3))
        points = [node for node in graph.nodes() if node.startswith("slk/stack0/")]
        assert len(points) == 7
        assert graph.get_node(points[0]).attr["shape"] == "point"
        assert graph.has_edge("slk", "slk/stack0/0")
        assert graph.has_edge("slk/stack0/0", "slk/stack0/1")
        assert not graph.has_edge("slk", "ek")
        # Each column is an invisible cluster, so nothing can come between a point and its leaf.
        column = graph.get_subgraph("cluster_administration").get_subgraph("cluster_slk/stack0")
        assert column.graph_attr["style"] == "invis"
        same_rank = [sub for sub in column.subgraphs() if dict(sub.graph_attr).get("rank")]
        assert all(sub.graph_attr["rank"] == "same" and len(sub.nodes()) == 2 for sub in same_rank)
        assert len(same_rank) == 7

    def test_stacking_starts_above_two_children(self, chart):
        """By default a parent with three or more children stacks its leaves."""
        assert DEFAULT_STACK == 2
        timeline = om.Timeline(
            [om.Establish(om.Unit("top", "Top"), on=START)]
            + [om.Establish(om.Unit(f"u{n}", f"Unit {n}", parent="top"), on=START) for n in range(3)]
        )
        graph = parse(to_dot(timeline.at(START)))
        assert graph.has_edge("top", "top/stack0/0")
        two = parse(to_dot(timeline.with_events(om.Dissolve("u2", on="2014-01-01")).at("2014-01-01")))
        assert two.has_edge("top", "u0")

    def test_top_boxes_share_a_row_with_the_groups_in_order(self, chart):
        """The boxes that hang from nothing share the top rank; invisible edges keep political, administration,
        external from left to right."""
        graph = parse(to_dot(chart))
        rows = [sub for sub in graph.subgraphs() if dict(sub.graph_attr).get("rank") == "same"]
        assert [set(row.nodes()) for row in rows] == [{"kf", "slk", "nab", "ent"}]
        assert edge_attributes(graph, "kf", "slk")["style"] == "invis"
        assert edge_attributes(graph, "slk", "ent")["style"] == "invis"

    def test_loose_top_units_stack_in_a_column(self):
        """A group with more top boxes than stack_leaves puts those with nothing under them in a column, no line."""
        timeline = om.Timeline(
            [
                om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office"), on=START),
                om.Establish(om.Unit("ek", "Ekonomienheten", parent="slk"), on=START),
            ]
            + [om.Establish(om.Unit(f"p{n}", f"Projekt {n}"), on=START) for n in range(3)]
        )
        graph = parse(to_dot(timeline.at(START)))
        assert edge_attributes(graph, "p0", "p1")["style"] == "invis"
        assert edge_attributes(graph, "p1", "p2")["style"] == "invis"
        assert len({graph.get_node(node).attr["group"] for node in ("p0", "p1", "p2")}) == 1
        rows = [sub for sub in graph.subgraphs() if dict(sub.graph_attr).get("rank") == "same"]
        assert [set(row.nodes()) for row in rows] == [{"slk", "p0"}]
        assert not parse(to_dot(timeline.at(START), stack_leaves=None)).has_edge("p0", "p1")

    def test_stacking_can_be_turned_off(self, chart):
        """stack_leaves=None draws every child edge straight from the parent."""
        graph = parse(to_dot(chart, stack_leaves=None))
        assert graph.has_edge("slk", "ek")
        assert not [node for node in graph.nodes() if "/stack" in node]

    def test_people_view_draws_posts_along_reporting_lines(self, chart):
        """view="people" draws a box per post with its holder, and an edge from each boss."""
        graph = parse(to_dot(chart, view="people"))
        assert {"sd", "ekdir", "ctrl1", "suechef"} <= set(graph.nodes())
        assert "Lena Olsson" in label(graph, "sd")
        assert graph.has_edge("sd", "ekdir")
        assert graph.has_edge("ekdir", "ctrl1")
        assert "vacant" in label(graph, "suechef")

    def test_legend_lists_what_is_drawn(self, chart):
        """The legend (the graph's label) explains the styles used, and legend=False leaves only the caption."""
        caption = graph_label(parse(to_dot(chart)))
        assert "Organisation on 2014-12-31" in caption
        for words in ("Political body", "Company", "External body", "supports", "a post nobody holds"):
            assert words in caption
        assert "(planned)" not in caption
        bare = graph_label(parse(to_dot(chart, legend=False)))
        assert "Organisation on 2014-12-31" in bare
        assert "Legend" not in bare

    def test_odd_ids_get_safe_node_names(self):
        """An id DOT would misread (a colon means a port) is hex-encoded behind a "~"."""
        chart = om.Timeline([om.Establish(om.Unit("a:b", "Odd"), on=START)]).at(START)
        assert node_name("a:b") == "~613a62"
        assert "~613a62" in parse(to_dot(chart)).nodes()

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"view": "posts"}, "view must be 'units' or 'people', got 'posts'"),
            ({"stack_leaves": 0}, "stack_leaves must be a whole number ≥ 1 or None, got 0"),
            ({"stack_leaves": True}, "stack_leaves must be a whole number ≥ 1 or None, got True"),
            ({"depth": -1}, "depth must be a whole number ≥ 0 or None, got -1"),
            ({"relations": [" likes"]}, "relations must be kinds of relation such as ['supports', "),
            ({"root": "sd"}, "root must be a unit, got post 'Stadsdirektör' (sd)"),
        ],
    )
    def test_invalid_options(self, chart, options, message):
        """Bad options raise InvalidArgumentError saying which and what was given."""
        with pytest.raises(om.InvalidArgumentError, match=re.escape(message)):
            to_dot(chart, **options)

    def test_unknown_root_says_so(self, chart):
        """A root nobody is called raises the chart's own lookup error."""
        with pytest.raises(om.UnknownNameError):
            to_dot(chart, root="Nobody")


# --- diffs ------------------------------------------------------------------------------------------


def node_colour(graph: pygraphviz.AGraph, node: str) -> str:
    return str(graph.get_node(node).attr["color"])


class TestDiffSideBySide:
    def test_two_clusters_named_by_day(self, diff):
        """The days are drawn in clusters "before <day>" and "after <day>", nodes named side/id."""
        graph = parse(diff_to_dot(diff))
        assert graph.get_subgraph("cluster_before").graph_attr["label"] == f"before {BEFORE}"
        assert graph.get_subgraph("cluster_after").graph_attr["label"] == f"after {AFTER}"
        assert "before/ek" in cluster_nodes(graph, "cluster_before", "cluster_before_administration")
        assert "after/red" in cluster_nodes(graph, "cluster_after", "cluster_after_administration")

    def test_a_unit_not_there_keeps_its_place_unseen(self, diff):
        """A dissolved unit is an invisible box after, a new one an invisible box before: each keeps its place."""
        graph = parse(diff_to_dot(diff))
        assert graph.get_node("after/pr").attr["style"] == "invis"
        assert graph.get_node("before/ar").attr["style"] == "invis"
        assert "[new]" in label(graph, "after/ar")
        assert "invis" not in graph.get_node("before/pr").attr["style"]

    def test_established_is_green_and_dissolved_red(self, diff):
        """A new unit has a thick green border and "[new]"; a dissolved one red and "[dissolved]"."""
        graph = parse(diff_to_dot(diff))
        assert node_colour(graph, "after/ar") == CHANGE_COLOURS[ChangeKind.ESTABLISHED]
        assert graph.get_node("after/ar").attr["penwidth"] == "2.5"
        assert "[new]" in label(graph, "after/ar")
        assert node_colour(graph, "before/pr") == CHANGE_COLOURS[ChangeKind.DISSOLVED]
        assert "[dissolved]" in label(graph, "before/pr")

    def test_renamed_shows_the_old_name_struck_through(self, diff):
        """A renamed unit shows its new name and, struck through, its old one."""
        graph = parse(diff_to_dot(diff))
        text = label(graph, "after/sue")
        assert "<B>Förnyelseenheten</B>" in text
        assert "<S>Samordnings- och utvecklingsenheten</S>" in text
        assert node_colour(graph, "after/sue") == CHANGE_COLOURS[ChangeKind.RENAMED]
        assert "→ Förnyelseenheten" in label(graph, "before/sue")

    def test_moved_unit_keeps_a_ghost_edge_from_its_old_parent(self, diff):
        """A moved unit is blue, and a grey dashed edge that does not pull the layout comes from its old parent."""
        graph = parse(diff_to_dot(diff, stack_leaves=None))
        assert node_colour(graph, "after/kom") == CHANGE_COLOURS[ChangeKind.MOVED]
        assert graph.has_edge("after/stab", "after/kom")
        ghost = [edge for edge in graph.edges() if edge == ("after/slk", "after/kom")]
        assert ghost
        attributes = dict(ghost[0].attr)
        assert attributes["color"] == GHOST
        assert attributes["style"] == "dashed"
        assert attributes["constraint"] == "false"

    def test_split_and_merge_draw_lineage_from_old_to_new(self, diff):
        """Lineage arrows run, inside the second day, from dashed outlines where the units that ended were to the
        units they became, in the change's colour: no arrow crosses from one day to the other."""
        graph = parse(diff_to_dot(diff))
        for new in ("after/ctrl", "after/red"):
            edge = edge_attributes(graph, "after/ek", new)
            assert edge["color"] == CHANGE_COLOURS[ChangeKind.SPLIT]
            assert edge["constraint"] == "false"
        for old in ("after/park", "after/gata"):
            assert edge_attributes(graph, old, "after/trafik")["color"] == CHANGE_COLOURS[ChangeKind.MERGED]
            assert graph.get_node(old).attr["style"] == "dashed,filled"
        assert "<S>Ekonomienheten</S>" in label(graph, "after/ek")
        assert not [edge for edge in graph.edges() if edge[0].split("/")[0] != edge[1].split("/")[0]]
        assert "from Parkenheten, Gatuenheten" in label(graph, "after/trafik")
        assert "[split]" in label(graph, "before/ek")

    def test_function_transfer_is_marked_on_both_owners(self, diff):
        """A transferred function is listed with its old owner (to …) and its new one (from …)."""
        graph = parse(diff_to_dot(diff))
        colour = CHANGE_COLOURS[ChangeKind.FUNCTION_TRANSFERRED]
        assert "◦ Markfrågor" in label(graph, "after/sue")
        assert f'COLOR="{colour}"' in label(graph, "after/sue")
        assert "from Mark- och exploateringsenheten" in words(label(graph, "after/sue"))
        assert "to Förnyelseenheten" in words(label(graph, "before/mex"))
        assert "Smart kommun" not in label(graph, "after/sue")

    def test_appointed_and_vacated_are_marked_on_the_post(self, diff):
        """An appointment and a vacancy show as badges on the post's row."""
        graph = parse(diff_to_dot(diff, show_posts=False))
        assert "[appointed]" in label(graph, "after/sue")
        assert "Klara Palmberg Brorud" in label(graph, "after/sue")
        ctrl = label(graph, "after/ctrl")
        assert "• Controller: " in ctrl
        assert "[vacated]" in ctrl
        assert "was Eva Ek" in ctrl

    def test_relation_changes_are_coloured(self, diff):
        """An added relation is drawn green after, "+ kind"; a removed one red before, "− kind"."""
        graph = parse(diff_to_dot(diff))
        added = [edge for edge in graph.edges() if edge[0] == "after/ctrl" and edge[1] == "after/slk"]
        assert added
        assert added[0].attr["color"] == CHANGE_COLOURS[ChangeKind.RELATION_ADDED]
        assert "+ dotted-line" in added[0].attr["xlabel"]
        removed = edge_attributes(graph, "before/sue", "before/ks")
        assert removed["color"] == CHANGE_COLOURS[ChangeKind.RELATION_REMOVED]
        assert "− supports" in removed["xlabel"]

    def test_only_changed_relations_are_drawn(self, diff):
        """By default a diff draws the relations added or removed; unchanged_relations=True draws the rest too."""
        graph = parse(diff_to_dot(diff))
        assert not graph.has_edge("before/ent", "before/slk")
        assert not graph.has_edge("after/ent", "after/slk")
        everything = parse(diff_to_dot(diff, unchanged_relations=True))
        unchanged = edge_attributes(everything, "after/ent", "after/slk")
        assert unchanged["color"] == RELATION_COLOURS[om.RelationKind.CONTRACTED_TO]
        assert everything.has_edge("before/ent", "before/slk")
        assert everything.has_edge("after/ctrl", "after/slk")

    def test_changed_relations_of_kinds_left_out_are_counted(self, diff):
        """relations= applies to changed relations too; the caption says how many changes it left out."""
        graph = parse(diff_to_dot(diff, relations=["supports"]))
        assert not [edge for edge in graph.edges() if edge[0] == "after/ctrl" and edge[1] == "after/slk"]
        assert graph.has_edge("before/sue", "before/ks")
        assert "Not drawn: 1 changed relation (" in graph_label(graph)
        assert "Not drawn" not in graph_label(parse(diff_to_dot(diff)))

    def test_reporting_changes_say_to_whom(self, org):
        """A post that now reports elsewhere says to whom; one that now heads its unit says so."""
        timeline = org.with_events(
            om.Establish(om.Post("chef", "Kanslichef", unit="stab", reports_to="sd"), on="2016-01-01"),
            om.SetReportingLine("chef", "ekdir", on="2016-06-01"),
            om.SetHead("stab", "chef", on="2016-09-01"),
        )
        moved = words(label(parse(diff_to_dot(timeline.diff("2016-01-01", "2016-06-01"))), "after/stab"))
        assert "[reporting changed] to Ekonomidirektör" in moved
        heads = words(label(parse(diff_to_dot(timeline.diff("2016-06-01", "2016-09-01"))), "after/stab"))
        assert heads.count("[reporting changed]") == 1
        assert "[reporting changed] now heads its unit" in heads
        both = words(label(parse(diff_to_dot(timeline.diff("2016-01-01", "2016-09-01"))), "after/stab"))
        assert both.count("[reporting changed]") == 1
        assert "[reporting changed] to Ekonomidirektör; now heads its unit" in both

    def test_each_change_kind_has_its_own_colour(self):
        """The kinds a reader must tell apart on one chart have different colours."""
        kinds = [
            ChangeKind.ESTABLISHED,
            ChangeKind.DISSOLVED,
            ChangeKind.RENAMED,
            ChangeKind.MOVED,
            ChangeKind.MERGED,
            ChangeKind.SPLIT,
            ChangeKind.FUNCTION_TRANSFERRED,
            ChangeKind.APPOINTED,
            ChangeKind.REPORTING_CHANGED,
            ChangeKind.MODIFIED,
        ]
        assert len({CHANGE_COLOURS[kind] for kind in kinds}) == len(kinds)

    def test_legend_lists_the_changes_shown(self, diff):
        """The legend explains each change badge used, lineage and ghost lines."""
        caption = graph_label(parse(diff_to_dot(diff)))
        assert f"Changes from {BEFORE} to {AFTER}: {len(diff)}" in caption
        for words in ("[new]", "[dissolved]", "[renamed]", "[split]", "[merged]", "became:", "where a moved unit"):
            assert words in caption
        assert "[reporting changed]" not in caption

    def test_changed_only_draws_what_changed_and_what_is_above(self, diff):
        """changed_only=True leaves out units nothing happened to, but keeps their parents for context."""
        graph = parse(diff_to_dot(diff, changed_only=True))
        nodes = set(graph.nodes())
        assert {"after/ar", "after/ks", "after/kf", "after/kom", "after/stab", "after/slk"} <= nodes
        assert "after/au" not in nodes
        assert "after/nab" not in nodes

    def test_root_may_exist_on_one_day_only(self, diff):
        """A root that is gone after is drawn before, and the after side says there is nothing to show."""
        graph = parse(diff_to_dot(diff, root="pr"))
        assert "invis" not in graph.get_node("before/pr").attr["style"]
        assert "after/~empty" in graph.nodes()
        assert "pos" in graph.get_node("after/~empty").attr

    def test_invalid_layout(self, diff):
        """Only the three layouts exist."""
        message = "layout must be one of ['stacked', 'side-by-side', 'overlay'], got 'sideways'"
        with pytest.raises(om.InvalidArgumentError, match=re.escape(message)):
            diff_to_dot(diff, layout="sideways")  # type: ignore[arg-type]


class TestDiffStacked:
    def test_stacked_is_the_default(self, diff):
        """Org charts are wide: by default "before" is drawn above "after"."""
        assert LAYOUTS[0] == "stacked"
        assert diff_to_dot(diff) == diff_to_dot(diff, layout="stacked")

    def test_before_sits_above_after(self, diff):
        """Stacked, every box of the first day is above every box of the second (Graphviz's y grows upwards)."""
        graph = parse(diff_to_dot(diff))
        before = [position(graph, node)[1] for node in graph.nodes() if node.startswith("before/")]
        after = [position(graph, node)[1] for node in graph.nodes() if node.startswith("after/")]
        assert min(before) > max(after)

    @pytest.mark.parametrize("layout", ["stacked", "side-by-side"])
    def test_each_unit_has_the_same_place_on_both_days(self, org, layout):
        """Laid out once, drawn twice: a unit's box on the second day is its box on the first, moved by one
        offset for the whole drawing (down when stacked, right side by side), and just as large."""
        graph = parse(diff_to_dot(org.diff(BEFORE, AFTER), layout=layout))
        offsets = set()
        for node in graph.nodes():
            if node.startswith("before/") and graph.has_node("after/" + node[7:]):
                (bx, by), (ax, ay) = position(graph, node), position(graph, "after/" + node[7:])
                offsets.add((round(bx - ax, 1), round(by - ay, 1)))
                for size in ("width", "height"):
                    assert graph.get_node(node).attr[size] == graph.get_node("after/" + node[7:]).attr[size]
        assert len(offsets) == 1
        (dx, dy) = offsets.pop()
        assert (dx == 0 and dy > 0) if layout == "stacked" else (dy == 0 and dx < 0)

    def test_the_drawing_is_laid_out_once(self, diff):
        """The DOT carries every position and asks Graphviz only to draw it (layout=nop2)."""
        graph = parse(diff_to_dot(diff))
        assert graph.graph_attr["layout"] == "nop2"
        assert all("pos" in graph.get_node(node).attr for node in graph.nodes())
        assert all(edge.attr["pos"] for edge in graph.edges())

    def test_side_by_side_has_no_divider(self, diff):
        """Side by side, the two days share ranks: nothing puts one under the other."""
        graph = parse(diff_to_dot(diff, layout="side-by-side"))
        assert "~divider" not in graph.nodes()
        assert graph.get_subgraph("cluster_before") is not None


class TestDiffWithoutGraphviz:
    """Laying out once needs Graphviz; without it the DOT still holds both days, each laid out on its own."""

    @pytest.fixture(autouse=True)
    def no_graphviz(self, no_dot_on_path, without_pygraphviz):
        return None

    def test_before_sits_above_after(self, diff):
        """An invisible point sits under the lowest box before and above the top row after, on weightless edges."""
        graph = parse_text(diff_to_dot(diff))
        assert "layout" not in graph
        assert re.search(r'"~divider" \[[^]]*style=invis', graph)
        assert re.search(r'"before/[^"]*" -> "~divider" \[style=invis weight=0\]', graph)
        assert re.search(r'"~divider" -> "after/[^"]*" \[style=invis weight=0\]', graph)

    def test_the_divider_hangs_from_the_lowest_box(self, org):
        """The edge into the divider leaves from a box in the bottom row before (the last of a stacked column)."""
        dot = diff_to_dot(org.diff(BEFORE, AFTER), stack_leaves=3)
        into = re.search(r'"(before/[^"]*)" -> "~divider"', dot)
        assert into is not None
        points = sorted(set(re.findall(r'"before/slk/stack0/(\d+)"', dot)), key=int)
        last = re.search(rf'"before/slk/stack0/{points[-1]}" -> "(before/[^"/]*)"', dot)
        assert last is not None
        assert into.group(1) == last.group(1)

    def test_an_empty_side_still_stacks(self, diff):
        """With a root only one day has, the empty side's "nothing to show" takes part in the stacking."""
        assert '"~divider" -> "after/~empty"' in diff_to_dot(diff, root="pr")


def parse_text(dot: str) -> str:
    """DOT text as it is (without pygraphviz, which these tests hide)."""
    return dot


def position(graph: pygraphviz.AGraph, node: str) -> tuple[float, float]:
    x, y = (float(part) for part in graph.get_node(node).attr["pos"].split(","))
    return x, y


class TestDiffOverlay:
    def test_one_graph_with_ids_as_names(self, diff):
        """The overlay is one drawing: nodes named by id, no before/after clusters."""
        graph = parse(diff_to_dot(diff, layout="overlay"))
        assert graph.get_subgraph("cluster_before") is None
        assert {"sue", "ctrl", "ek", "pr"} <= set(graph.nodes())

    def test_gone_units_are_dashed_ghosts(self, diff):
        """Units that ended are drawn dashed, unfilled, on a dashed red edge from their old parent."""
        graph = parse(diff_to_dot(diff, layout="overlay", stack_leaves=None))
        pr = graph.get_node("pr")
        assert "dashed" in pr.attr["style"]
        assert pr.attr["fillcolor"] == "#ffffff"
        edge = edge_attributes(graph, "ks", "pr")
        assert edge["style"] == "dashed"
        assert edge["color"] == CHANGE_COLOURS[ChangeKind.DISSOLVED]

    def test_lineage_ghosts_and_renames(self, diff):
        """Lineage arrows, the moved unit's ghost edge and the struck-through old name all appear in one graph."""
        graph = parse(diff_to_dot(diff, layout="overlay", stack_leaves=None))
        assert edge_attributes(graph, "ek", "red")["color"] == CHANGE_COLOURS[ChangeKind.SPLIT]
        assert edge_attributes(graph, "park", "trafik")["color"] == CHANGE_COLOURS[ChangeKind.MERGED]
        assert graph.has_edge("stab", "kom")
        ghosts = [edge for edge in graph.edges() if edge == ("slk", "kom") and edge.attr["color"] == GHOST]
        assert ghosts
        assert "<S>Samordnings- och utvecklingsenheten</S>" in label(graph, "sue")

    def test_removed_relation_is_struck_through(self, diff):
        """A relation that ended is drawn red with its label struck through."""
        graph = parse(diff_to_dot(diff, layout="overlay"))
        removed = edge_attributes(graph, "sue", "ks")
        assert removed["color"] == CHANGE_COLOURS[ChangeKind.RELATION_REMOVED]
        assert "<S>− supports</S>" in removed["xlabel"]

    def test_a_unit_keeps_one_head(self, org):
        """A gone head post of a unit that has a new head is drawn as an ordinary post."""
        timeline = org.with_events(
            om.Change(
                "2016-01-01",
                [om.Dissolve("sd"), om.Establish(om.Post("kd", "Kommundirektör", unit="slk", heads=True))],
            )
        )
        graph = parse(diff_to_dot(timeline.diff("2015-12-31", "2016-01-01"), layout="overlay"))
        text = label(graph, "slk")
        assert "Kommundirektör: " in text
        assert "• Stadsdirektör: " in text


# --- the real data set -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nacka() -> om.Timeline:
    from orgmodel import examples

    return examples.nacka()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


class TestNacka:
    """The reorganisation of Nacka on 2015-01-01: the picture users see first."""

    def test_drawings_render_without_a_word_from_graphviz(self, nacka, graphviz_said):
        """The before/after and the chart of the day render with nothing on stderr (the fd, where C writes).

        The diff used to print "trouble in init_rank" and "lost … edge" and draw boxes over each other.
        """
        drawings = [nacka.diff("2014-12-31", "2015-01-01").draw(), nacka.at("2015-01-01").draw()]
        graphviz_said.clear()
        for drawing in drawings:
            drawing.png()
            drawing.svg()
        assert graphviz_complaints(graphviz_said.text()) == []

    def test_every_layout_renders_without_a_word_from_graphviz(self, nacka, graphviz_said):
        """Every layout, with every relation drawn, renders silently too."""
        diff = nacka.diff("2014-12-31", "2015-01-01")
        dots = [
            diff_to_dot(diff, layout=layout, relations=ALL_RELATIONS, unchanged_relations=True) for layout in LAYOUTS
        ]
        dots.append(to_dot(nacka.at("2015-01-01"), relations=ALL_RELATIONS, show_functions=True))
        graphviz_said.clear()
        for dot in dots:
            render(dot, "svg")
        assert graphviz_complaints(graphviz_said.text()) == []

    def test_the_diff_fits_a_screen(self, nacka):
        """The default before/after is about as big as the two days drawn alone, one above the other: not twice
        as wide, and only the change marks and the legend taller (each day keeps the union's places, so a bound
        fixed in pixels would only follow the data set's size)."""
        days = [png_size(nacka.at(day).draw().png()) for day in ("2014-12-31", "2015-01-01")]
        width, height = png_size(nacka.diff("2014-12-31", "2015-01-01").draw().png())
        assert width <= 1.2 * max(day_width for day_width, _ in days)
        assert height <= 1.3 * sum(day_height for _, day_height in days)

    def test_a_diff_draws_only_changed_relations_between_drawn_things(self, nacka):
        """Of the 44 relations added that day, only those of the default kinds between drawn boxes are drawn."""
        graph = parse(nacka.diff("2014-12-31", "2015-01-01").draw().dot)
        relations = [edge for edge in graph.edges() if edge.attr["constraint"] == "false" and edge.attr["xlabel"]]
        assert relations
        for edge in relations:
            assert "+ supports" in edge.attr["xlabel"] or "+ contracted-to" in edge.attr["xlabel"]
            assert edge.attr["color"] == CHANGE_COLOURS[ChangeKind.RELATION_ADDED]
        assert_edges_end_at_drawn_things(graph)
        assert "Not drawn: " in graph_label(graph)

    def test_the_chart_draws_no_relation_to_a_hidden_function(self, nacka):
        """Directors' assignments (functions, hidden by default) draw no arrow to the box that lists the director."""
        chart = nacka.at("2015-01-01")
        graph = parse(to_dot(chart, relations=ALL_RELATIONS))
        assert_edges_end_at_drawn_things(graph)
        relations = [edge for edge in graph.edges() if edge.attr["constraint"] == "false"]
        functions = [relation for relation in chart.relations if relation.target in chart.functions]
        assert functions
        assert len(relations) <= len(chart.relations) - len(functions)


# --- rendering --------------------------------------------------------------------------------------


@pytest.fixture
def no_dot_on_path(tmp_path, monkeypatch):
    """PATH holds only an empty folder: no system Graphviz."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None
    return empty


@pytest.fixture
def without_pygraphviz(monkeypatch):
    """pygraphviz cannot be imported."""
    monkeypatch.setitem(sys.modules, "pygraphviz", None)


def fake_dot(folder: Path, body: str) -> Path:
    script = folder / "dot"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


class TestRender:
    def test_svg_and_png_render_without_a_dot_executable(self, chart, no_dot_on_path):
        """pygraphviz renders in-process: no `dot` on PATH is needed."""
        dot = to_dot(chart)
        svg = render(dot, "svg")
        assert svg.startswith(b"<?xml")
        assert "Kommunstyrelsen" in "".join(svg_texts(svg))
        assert render(dot, "png").startswith(b"\x89PNG\r\n\x1a\n")

    def test_pdf_and_dot(self, chart, no_dot_on_path):
        """PDF renders too, and "dot" gives back the source."""
        dot = to_dot(chart)
        assert render(dot, "pdf").startswith(b"%PDF")
        assert render(dot, "dot") == dot.encode()

    def test_unknown_format(self):
        """Formats other than svg, png, pdf and dot are refused by name."""
        with pytest.raises(
            om.InvalidArgumentError, match=re.escape("format must be one of ['svg', 'png', 'pdf', 'dot']")
        ):
            render("digraph {}", "jpg")

    def test_broken_dot_is_a_render_error(self):
        """DOT Graphviz cannot read raises RenderError, an OrgModelError, with Graphviz's words and what to try."""
        with pytest.raises(RenderError, match="Graphviz could not render this drawing as svg") as raised:
            render("digraph { a -> }", "svg")
        assert "syntax error in line 1" in str(raised.value)
        assert "draw less of it (root=, depth=" in str(raised.value)

    def test_graphviz_warnings_stay_off_the_screen(self, capfd, graphviz_said):
        """A warning Graphviz prints from C (here: a label it cannot parse) reaches neither stderr nor stdout,
        only the ``orgmodel.render`` log; the render goes on."""
        graphviz_said.clear()
        capfd.readouterr()
        svg = render("digraph { a [label=<<B>x</I>>]; b -> a }", "svg")
        printed = capfd.readouterr()
        assert svg.startswith(b"<?xml")
        assert (printed.out, printed.err) == ("", "")
        assert "mismatched tag" in graphviz_said.text()

    def test_the_nacka_drawings_print_nothing(self, nacka, capfd):
        """The first render of a process prints a Fontconfig warning on many machines; the user sees none."""
        diff = nacka.diff("2013-02-11", "2014-07-01")
        capfd.readouterr()
        for layout in LAYOUTS:
            diff.draw(layout=layout, root="slk").svg()
        assert capfd.readouterr() == ("", "")

    @pytest.mark.skipif(os.name != "posix", reason="a shell-script stand-in for dot")
    def test_falls_back_to_dot_on_path(self, tmp_path, no_dot_on_path, without_pygraphviz):
        """Without pygraphviz, a `dot` executable on PATH renders the same DOT."""
        cat = shutil.which("cat", path=os.defpath)  # PATH is empty here: the script needs cat's full path
        fake_dot(no_dot_on_path, f'echo "$@" > {tmp_path}/args\n{cat} > {tmp_path}/stdin\nprintf "<svg/>"\n')
        assert render("digraph { a }", "svg") == b"<svg/>"
        assert (tmp_path / "args").read_text().strip() == "-Tsvg"
        assert (tmp_path / "stdin").read_text() == "digraph { a }"

    @pytest.mark.skipif(os.name != "posix", reason="a shell-script stand-in for dot")
    def test_a_failing_dot_is_a_render_error(self, no_dot_on_path, without_pygraphviz):
        """A `dot` that fails raises RenderError carrying what it printed."""
        fake_dot(no_dot_on_path, 'echo "Error: boom" >&2\nexit 1\n')
        with pytest.raises(RenderError, match="Error: boom"):
            render("digraph { a }", "png")

    def test_neither_says_what_to_install(self, no_dot_on_path, without_pygraphviz):
        """With no pygraphviz and no `dot`, RenderError says to install one of them."""
        with pytest.raises(RenderError, match=re.escape("`pip install pygraphviz`")) as caught:
            render("digraph { a }", "svg")
        assert isinstance(caught.value, om.OrgModelError)
        assert isinstance(caught.value, RuntimeError)
        assert "system Graphviz" in str(caught.value)


class TestWrite:
    @pytest.mark.parametrize(
        ("suffix", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF"), ("dot", b"//")]
    )
    def test_format_follows_the_extension(self, chart, tmp_path, suffix, magic):
        """The extension picks the format; the path written is returned."""
        path = write(to_dot(chart), tmp_path / f"chart.{suffix.upper()}")
        assert path.read_bytes().startswith(magic)

    def test_unknown_extension_names_the_allowed_ones(self, chart, tmp_path):
        """An extension that is no format raises before anything is written."""
        with pytest.raises(om.OrgModelError, match=re.escape("path must end in one of .svg, .png, .pdf, .dot")):
            write(to_dot(chart), tmp_path / "chart.jpg")
        assert list(tmp_path.iterdir()) == []

    def test_a_failed_render_leaves_the_old_file_and_no_litter(self, tmp_path):
        """The file appears whole or not at all: a failure keeps what was there and leaves no temporary file."""
        target = tmp_path / "chart.svg"
        target.write_text("old")
        with pytest.raises(RenderError):
            write("digraph { a -> }", target)
        assert target.read_text() == "old"
        assert [path.name for path in tmp_path.iterdir()] == ["chart.svg"]

    def test_replaces_an_existing_file(self, chart, tmp_path):
        """Writing over a file replaces it, leaving no temporary file behind."""
        target = tmp_path / "chart.dot"
        target.write_text("old")
        write(to_dot(chart), target)
        assert target.read_text() == to_dot(chart)
        assert [path.name for path in tmp_path.iterdir()] == ["chart.dot"]


# --- drawings and notebooks -------------------------------------------------------------------------


class TestDrawing:
    def test_draw_chart_holds_the_dot_and_renders_it(self, chart, tmp_path):
        """A Drawing keeps the DOT and text view, renders SVG and PNG, and saves."""
        drawing = draw_chart(chart, depth=1)
        assert drawing.dot == to_dot(chart, depth=1)
        assert drawing.text == str(chart)
        assert drawing.svg().startswith("<?xml")
        assert drawing.png().startswith(b"\x89PNG")
        assert drawing.save(tmp_path / "c.svg").read_text().startswith("<?xml")

    def test_a_drawing_is_a_value(self, diff):
        """Drawings are frozen and compare by their DOT."""
        drawing = draw_diff(diff, layout="overlay")
        assert drawing == Drawing(diff_to_dot(diff, layout="overlay"), diff.summary())
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            drawing.dot = ""  # type: ignore[misc]

    def test_notebooks_get_svg_and_text(self, diff):
        """In a notebook a Drawing shows as SVG, with the text view as plain text."""
        bundle = draw_diff(diff)._repr_mimebundle_()
        assert bundle["image/svg+xml"].startswith("<?xml")
        assert bundle["text/plain"] == diff.summary()


class TestMimebundle:
    def test_chart_bundle(self, chart):
        """A chart shows as SVG, with the text tree as plain text."""
        bundle = chart_mimebundle(chart)
        assert "<svg" in bundle["image/svg+xml"]
        assert bundle["text/plain"] == str(chart)

    def test_diff_bundle(self, diff):
        """A diff shows as SVG, with the summary table as plain text."""
        bundle = diff_mimebundle(diff, layout="overlay")
        assert "<svg" in bundle["image/svg+xml"]
        assert bundle["text/plain"] == diff.summary()

    def test_never_raises_without_graphviz(self, chart, diff, no_dot_on_path, without_pygraphviz):
        """With nothing to render with, the text comes back with a line saying why."""
        bundle = chart_mimebundle(chart)
        assert list(bundle) == ["text/plain"]
        assert bundle["text/plain"].startswith(str(chart))
        reason = bundle["text/plain"].splitlines()[-1]
        assert reason.startswith("(no drawing: RenderError: cannot render a drawing as svg: no Graphviz found")
        assert diff_mimebundle(diff)["text/plain"].startswith(diff.summary())

    def test_never_raises_on_bad_options(self, chart):
        """Bad options become the reason line too."""
        bundle = chart_mimebundle(chart, view="sideways")  # type: ignore[typeddict-item]
        assert bundle["text/plain"].endswith(
            "(no drawing: InvalidArgumentError: view must be 'units' or 'people', got 'sideways')"
        )
