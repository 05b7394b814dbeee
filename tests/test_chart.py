"""OrgChart: finding entities by name and asking about structure on one day."""

from __future__ import annotations

import pytest

import orgmodel as om

from .test_timeline import LATER, base_events


@pytest.fixture
def chart() -> om.OrgChart:
    org = om.Timeline(
        [
            *base_events(),
            om.Change(
                "2014-01-01",
                [
                    om.Establish(om.Unit("kultur", "Kulturenheten", parent="slk")),
                    om.Establish(om.Unit("grupp", "Gruppen", kind="group", parent="ek")),
                    om.Establish(
                        om.Post("dir", "Direktör för arbete och fritid", kind="director", unit="slk", reports_to="sd")
                    ),
                    om.Establish(om.Function("kp", "Kulturprocessen", kind="process", owner="dir")),
                    om.Establish(om.Unit("ek2", "Ekonomienheten", parent="ks")),
                    om.AddRelation(om.Relation("supports", "kultur", "ks")),
                    om.AddRelation(om.Relation("responsible-for", "dir", "kultur")),
                    om.Appoint("ekchef", "bo"),
                ],
            ),
        ]
    )
    return org.at(LATER)


class TestFind:
    def test_by_name_ignoring_case_and_spaces(self, chart):
        """Names match case-insensitively, with runs of spaces made one."""
        assert chart.find("kulturENHETEN").id == "kultur"
        assert chart.find("  Mark-  och exploateringsenheten ").id == "mex"

    def test_finds_people_posts_and_functions_too(self, chart):
        """Every sort of entity can be found, and by alias."""
        assert chart.find("Bo Bergh").id == "bo"
        assert chart.find("Stadsdirektör").kind is om.PostKind.CHIEF_EXECUTIVE
        assert chart.find("kulturprocessen").id == "kp"

    def test_ambiguous_names_list_the_candidates(self, chart):
        """Two units of one name raise an error listing both with where they sit."""
        with pytest.raises(om.AmbiguousNameError) as caught:
            chart.find("Ekonomienheten")
        assert caught.value.candidates == ("ek", "ek2")
        assert "unit 'Ekonomienheten' (ek) in 'Stadsledningskontoret'" in str(caught.value)
        assert "unit 'Ekonomienheten' (ek2) in 'Kommunstyrelsen'" in str(caught.value)

    def test_type_narrows(self, chart):
        """``type=`` narrows the search to one sort of entity."""
        assert chart.find("Enhetschef", type="post").id == "ekchef"
        with pytest.raises(om.UnknownNameError):
            chart.find("Enhetschef", type=om.Unit)
        with pytest.raises(om.InvalidArgumentError, match="type must be one of"):
            chart.find("x", type="team")

    def test_unknown_names_suggest_close_ones(self, chart):
        """An unknown name gives close matches, ignoring diacritics."""
        with pytest.raises(om.UnknownNameError) as caught:
            chart.find("Kulturenhetn")
        assert caught.value.suggestions == ("Kulturenheten",)
        assert isinstance(caught.value, LookupError)
        assert "did you mean 'Kulturenheten' (kultur)?" in str(caught.value)

    def test_ids_are_a_last_resort(self, chart):
        """An id finds its entity when no name matches."""
        assert chart.find("mex").name == "Mark- och exploateringsenheten"

    def test_getitem_by_id(self, chart):
        """``chart[id]`` returns the entity or raises UnknownNameError."""
        assert chart["ek"].name == "Ekonomienheten"
        with pytest.raises(om.UnknownNameError, match="no entity with id 'nope'"):
            chart["nope"]


class TestStructure:
    def test_parent_children_ancestors_descendants(self, chart):
        """The hierarchy can be walked both ways."""
        assert chart.parent("ek").id == "slk"
        assert chart.parent("slk") is None
        assert [unit.id for unit in chart.children("slk")] == ["bygg", "ek", "kultur", "mex"]
        assert [unit.id for unit in chart.ancestors("grupp")] == ["ek", "slk"]
        assert [unit.id for unit in chart.descendants("slk")] == ["bygg", "ek", "grupp", "kultur", "mex"]
        assert [unit.id for unit in chart.roots()] == ["ks", "slk"]

    def test_heads_holders_and_posts(self, chart):
        """A unit's head and posts, a post's holder, a person's posts."""
        assert chart.head("ek").id == "ekchef"
        assert chart.head("bygg") is None
        assert chart.holder("ekchef").name == "Bo Berg"
        assert chart.holder("bitr") is None
        assert [post.id for post in chart.posts_held_by("anna")] == ["sd"]
        assert [post.id for post in chart.posts_of("ek")] == ["bitr", "ekchef"]

    def test_chain_of_command(self, chart):
        """The chain runs from the head (or nearest head above) up each post's boss."""
        assert [post.id for post in chart.chain_of_command("grupp")] == ["ekchef", "sd"]
        assert [post.id for post in chart.chain_of_command("bitr")] == ["bitr", "ekchef", "sd"]
        assert [post.id for post in chart.chain_of_command("kulturprocessen")] == ["dir", "sd"]
        assert [post.id for post in chart.chain_of_command("Bo Berg")] == ["ekchef", "sd"]
        assert chart.chain_of_command("ks") == ()

    def test_boss_falls_back_to_the_hierarchy(self, chart):
        """Without a reporting line a post answers to its unit's head; a head to the head above."""
        assert chart.boss("bitr").id == "ekchef"
        assert chart.boss("sd") is None

    def test_functions_and_relations(self, chart):
        """Who owns a function, what an owner has, and relations by entity and kind."""
        assert chart.owner_of("markfrågor").id == "mex"
        assert [function.id for function in chart.functions_of("dir")] == ["kp"]
        assert [relation.kind.value for relation in chart.relations_of("kultur")] == ["responsible-for", "supports"]
        assert [relation.source for relation in chart.relations_of(kind="supports")] == ["kultur"]

    def test_wrong_sort_of_entity_is_refused(self, chart):
        """Asking for a unit's holder says what the entity is."""
        with pytest.raises(om.InvalidArgumentError, match="unit 'Kulturenheten' \\(kultur\\) is not a post"):
            chart.holder("kultur")


class TestViews:
    def test_graph_has_typed_nodes_and_keyed_edges(self, chart):
        """The networkx view has every entity and every relation, edges keyed by kind."""
        graph = chart.graph
        assert graph.nodes["ek"]["type"] == "unit"
        assert graph.nodes["bitr"]["vacant"] is True
        assert graph.has_edge("slk", "ek", key="contains")
        assert graph.has_edge("ekchef", "ek", key="heads")
        assert graph.has_edge("ekchef", "sd", key="reports_to")
        assert graph.has_edge("bo", "ekchef", key="holds")
        assert graph.has_edge("dir", "kp", key="owns")
        assert graph.has_edge("kultur", "ks", key="supports")
        assert graph.number_of_nodes() == len(chart)

    def test_subtree_cuts_out_a_unit_and_what_is_below(self, chart):
        """A subtree keeps the unit, its descendants, their posts, holders and functions."""
        part = chart.subtree("ek")
        assert set(part.units) == {"ek", "grupp"}
        assert set(part.posts) == {"bitr", "ekchef"}
        assert set(part.people) == {"bo"}
        assert part["ek"].parent is None
        assert part["ekchef"].reports_to is None
        assert set(chart.subtree("slk", depth=1).units) == {"slk", "bygg", "ek", "kultur", "mex"}

    def test_text_tree(self, chart):
        """``str`` shows the political bodies, then the administration, with heads and posts."""
        text = str(chart)
        assert text.splitlines()[0] == "Organisation on 2015-01-01"
        assert text.index("Kommunstyrelsen [board]") < text.index("Stadsledningskontoret [office]")
        assert "Stadsledningskontoret [office] — Stadsdirektör: Anna Andersson" in text
        assert "• Biträdande enhetschef: vacant" in text
        assert "Kulturenheten —supports→ Kommunstyrelsen" in text

    def test_equality_is_by_day_and_content(self, chart):
        """Charts are equal when they show the same organisation on the same day."""
        again = om.OrgChart(chart.day, chart.entities, chart.relations)
        assert again == chart
        assert hash(again) == hash(chart)
        assert om.OrgChart(chart.day, {}, ()) != chart
