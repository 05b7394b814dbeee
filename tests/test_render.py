"""Drawing: the DOT of charts and diffs, its labels, and rendering without a system Graphviz.

Tests read the DOT back with pygraphviz and check node names, labels, styles,
colours and clusters; pixels are not compared.
"""

from __future__ import annotations

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

    def test_forbidden_characters_are_drawn_as_replacement_marks(self, capfd):
        """A name with a character XML forbids still gets its label, with U+FFFD in that place."""
        name = "Park\ufffe<&>\uffff"
        chart = om.Timeline([om.Establish(om.Unit("u", name), on=START)]).at(START)
        capfd.readouterr()
        texts = svg_texts(render(to_dot(chart), "svg"))
        assert_no_graphviz_error(capfd.readouterr().err)
        assert "Park\ufffd<&>\ufffd" in texts

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(oms.timelines(names=oms.names(unusual=True), max_events=15))
    def test_any_name_is_drawn_as_written(self, capfd, timeline):
        """Whatever the names, pygraphviz parses the DOT, Graphviz reports no error, and the SVG shows each name."""
        capfd.readouterr()
        chart = timeline.at(timeline.last_day or START)
        dot = to_dot(chart, show_functions=True, stack_leaves=None)
        parse(dot)
        texts = [squeeze(text) for text in svg_texts(render(dot, "svg"))]
        assert_no_graphviz_error(capfd.readouterr().err)
        for name in drawn_names(chart):
            expected = squeeze(re.sub("[\ufffe\uffff]", "\ufffd", name))
            assert any(expected in text for text in texts), name

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], max_examples=25)
    @given(oms.timelines(names=oms.names(unusual=True), max_events=15, min_events=1))
    def test_any_diff_renders(self, capfd, timeline):
        """Both diff layouts of any timeline parse and render with no Graphviz error."""
        capfd.readouterr()
        first, last = timeline.first_day, timeline.last_day
        assert first is not None
        assert last is not None
        diff = timeline.diff(first, last)
        for layout in ("side-by-side", "overlay"):
            dot = diff_to_dot(diff, layout=layout)
            for text in labels_of(parse(dot)):
                ET.fromstring(text)
            render(dot, "svg")
        assert_no_graphviz_error(capfd.readouterr().err)


def assert_no_graphviz_error(stderr: str) -> None:
    """Graphviz prints errors (a label it cannot parse) and carries on: they must not appear."""
    assert "Error" not in stderr
    assert "syntax error" not in stderr


def drawn_names(chart: om.OrgChart) -> list[str]:
    """The names a units drawing with functions shows: units, their posts, holders and functions."""
    posts = [post for post in chart.posts.values() if post.unit is not None]
    names = [unit.name for unit in chart.units.values()] + [post.title for post in posts]
    names += [holder.name for holder in (chart.holder(post.id) for post in posts) if holder is not None]
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
        assert "supports" in supports["label"]

    def test_relation_from_a_post_ends_at_its_row(self, chart):
        """A relation from a post leaves from the post's row in its unit's box."""
        graph = parse(to_dot(chart))
        edge = graph.get_edge("ek", "au")
        assert edge.attr["tailport"] == "r0"
        assert 'PORT="r0"' in label(graph, "ek")

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
        same_rank = [
            sub for sub in graph.get_subgraph("cluster_administration").subgraphs() if dict(sub.graph_attr).get("rank")
        ]
        assert all(sub.graph_attr["rank"] == "same" and len(sub.nodes()) == 2 for sub in same_rank)
        assert len(same_rank) == 7

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
            ({"relations": ["likes"]}, "relations must be among ['supports', 'responsible-for', 'dotted-line', "),
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
        assert "after/ek" not in graph.nodes()

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
        """Lineage arrows run from the units that ended to the units they became, in the change's colour."""
        graph = parse(diff_to_dot(diff))
        for new in ("after/ctrl", "after/red"):
            edge = edge_attributes(graph, "before/ek", new)
            assert edge["color"] == CHANGE_COLOURS[ChangeKind.SPLIT]
            assert edge["constraint"] == "false"
        for old in ("before/park", "before/gata"):
            assert edge_attributes(graph, old, "after/trafik")["color"] == CHANGE_COLOURS[ChangeKind.MERGED]
        assert "from Parkenheten, Gatuenheten" in label(graph, "after/trafik")
        assert "[split]" in label(graph, "before/ek")

    def test_function_transfer_is_marked_on_both_owners(self, diff):
        """A transferred function is listed with its old owner (to …) and its new one (from …)."""
        graph = parse(diff_to_dot(diff))
        colour = CHANGE_COLOURS[ChangeKind.FUNCTION_TRANSFERRED]
        assert "◦ Markfrågor" in label(graph, "after/sue")
        assert f'COLOR="{colour}"' in label(graph, "after/sue")
        assert "from Mark- och exploateringsenheten" in label(graph, "after/sue")
        assert "to Förnyelseenheten" in label(graph, "before/mex")
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
        """An added relation is drawn green after; a removed one red before."""
        graph = parse(diff_to_dot(diff))
        added = [edge for edge in graph.edges() if edge[0] == "after/ctrl" and edge[1] == "after/slk"]
        assert added
        assert added[0].attr["color"] == CHANGE_COLOURS[ChangeKind.RELATION_ADDED]
        assert "relation added: dotted-line" in added[0].attr["label"]
        removed = edge_attributes(graph, "before/sue", "before/ks")
        assert removed["color"] == CHANGE_COLOURS[ChangeKind.RELATION_REMOVED]

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
        graph = parse(diff_to_dot(diff, root="ek"))
        assert "before/ek" in graph.nodes()
        assert "after/~empty" in graph.nodes()

    def test_invalid_layout(self, diff):
        """Only the two layouts exist."""
        with pytest.raises(om.InvalidArgumentError, match="layout must be 'side-by-side' or 'overlay', got 'stacked'"):
            diff_to_dot(diff, layout="stacked")


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
        assert "<S>relation removed: supports</S>" in removed["label"]

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
        """DOT Graphviz cannot read raises RenderError, an OrgModelError."""
        with pytest.raises(RenderError, match="Graphviz could not render this drawing as svg"):
            render("digraph { a -> }", "svg")

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
