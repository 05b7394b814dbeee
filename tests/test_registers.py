"""What real registers need: seats, roles on a holding, people who come and go, spin-offs, partial
absorptions, successions that overlap, kinds and fields of your own, and names looked up over time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import invariants as inv
from orgmodel import strategies as oms

from .reference import replay

START = "2001-01-01"


def government(*more: om.Event | om.Change) -> om.Timeline:
    """A small made-up government: a cabinet office, two departments, whips, and three people."""
    return om.Timeline(
        [
            om.Change(
                START,
                [
                    om.Establish(om.Unit("co", "Cabinet Office", kind="department")),
                    om.Establish(om.Unit("dtc", "Department of Trade", kind="department")),
                    om.Establish(om.Unit("den", "Department of Energy", kind="department")),
                    om.Establish(om.Unit("nuc", "Nuclear Directorate", kind="directorate", parent="den")),
                    om.Establish(om.Unit("oil", "Oil and Gas Directorate", kind="directorate", parent="den")),
                    om.Establish(om.Person("ann", "Ann Archer")),
                    om.Establish(om.Person("bob", "Bob Baker")),
                    om.Establish(om.Person("cat", "Cat Cole")),
                    om.Establish(om.Post("pm", "Prime Minister", kind="minister", unit="co", heads=True, holder="ann")),
                    om.Establish(om.Post("sec-t", "Secretary of State for Trade", kind="minister", unit="dtc")),
                    om.Establish(om.Post("whip", "Assistant Whip", kind="whip", unit="co", seats=3)),
                    om.Establish(om.Post("adviser", "Special Adviser", unit="co", seats=None)),
                    om.Establish(om.Function("exports", "Export licensing", owner="dtc")),
                ],
            ),
            *more,
        ]
    )


class TestSeats:
    def test_a_post_with_seats_takes_that_many_holders(self):
        """A post with three seats takes three people at once, in the order they were appointed."""
        org = government(om.Appoint("whip", "bob", on="2002-01-01"), om.Appoint("whip", "cat", on="2002-02-01"))
        chart = org.at("2002-03-01")
        assert [person.id for person in chart.holders("whip")] == ["bob", "cat"]
        assert org.holders("whip", on="2002-01-15") == (chart["bob"],)

    def test_appointing_to_a_full_post_names_the_holders_and_the_seats(self):
        """The error says who holds the seats and how many there are, and how to proceed."""
        with pytest.raises(om.PostOccupiedError) as caught:
            government(om.Appoint("pm", "bob", on="2002-01-01"))
        message = str(caught.value)
        assert "post 'Prime Minister' (pm) has one seat, held by 'Ann Archer' (ann)" in message
        assert "overlap=True" in message

    def test_a_post_without_a_limit_is_never_full(self):
        """``seats=None``: any number may hold it."""
        org = government(om.Change("2002-01-01", [om.Appoint("adviser", who) for who in ("ann", "bob", "cat")]))
        assert len(org.at("2002-01-01").holders("adviser")) == 3

    def test_holder_is_for_posts_with_one_seat(self):
        """``holder`` answers for a one-seat post; for a post held by several it says to ask for ``holders``."""
        org = government(om.Change("2002-01-01", [om.Appoint("whip", "bob"), om.Appoint("whip", "cat")]))
        chart = org.at("2002-01-01")
        assert chart.holder("pm").id == "ann"
        with pytest.raises(om.InvalidArgumentError, match=r"has 2 holders .* use holders"):
            chart.holder("whip")

    def test_vacating_a_post_with_several_holders_says_which(self):
        """Vacate names who leaves; without a name the error lists the holders."""
        org = government(om.Change("2002-01-01", [om.Appoint("whip", "bob"), om.Appoint("whip", "cat")]))
        with pytest.raises(om.MalformedEventError, match=r"has 2 holders: 'Bob Baker' \(bob\), 'Cat Cole' \(cat\)"):
            org.with_events(om.Vacate("whip", on="2003-01-01"))
        later = org.with_events(om.Vacate("whip", "bob", on="2003-01-01"))
        assert [person.id for person in later.at("2003-01-01").holders("whip")] == ["cat"]
        with pytest.raises(om.ConflictError, match=r"'Ann Archer' .* does not hold"):
            org.with_events(om.Vacate("whip", "ann", on="2003-01-01"))

    def test_a_hand_over_lets_the_new_holder_start_before_the_old_one_leaves(self):
        """Appointed with ``overlap=True`` into a full post, both hold it until the old holder leaves."""
        org = government(
            om.Appoint("pm", "bob", overlap=True, on="2005-05-05"),
            om.Vacate("pm", "ann", on="2005-05-06"),
        )
        assert [h.person for h in org.at("2005-05-05").holdings("pm")] == ["ann", "bob"]
        assert org.at("2005-05-05").holdings("pm")[1].overlap
        assert org.at("2005-05-05").holder("pm").id == "ann", "during a hand-over, the holder is the one there first"
        (after,) = org.at("2005-05-06").holdings("pm")
        assert (after.person, after.overlap) == ("bob", False), "the hand-over ends when the post is within its seats"

    def test_a_hand_over_into_a_post_with_a_free_seat_is_refused(self):
        """``overlap=True`` is only for a full post: otherwise it is a mistake, and said to be one."""
        with pytest.raises(om.MalformedEventError, match="has a free seat"):
            government(om.Appoint("whip", "bob", overlap=True, on="2002-01-01"))


class TestRoles:
    def test_a_holding_carries_roles_that_change_while_the_person_stays(self):
        """Acting, then confirmed, then on leave: the person keeps the post throughout."""
        org = government(
            om.Appoint("sec-t", "bob", roles=["acting"], on="2002-01-01"),
            om.SetRoles("sec-t", "bob", [], on="2002-03-01"),
            om.SetRoles("sec-t", "bob", ["on-leave"], on="2003-01-01"),
        )
        assert org.at("2002-02-01").holdings("sec-t")[0].roles == ("acting",)
        assert org.at("2002-06-01").holdings("sec-t")[0].roles == ()
        assert org.at("2003-06-01").holdings("sec-t")[0].roles == ("on-leave",)
        roles = [(str(fact.since), fact.value) for fact in org.history("sec-t").of("role")]
        assert roles == [("2002-01-01", ("bob", "acting")), ("2003-01-01", ("bob", "on-leave"))]

    def test_an_acting_holder_shows_as_acting(self):
        """The text tree and the drawing say 'acting' next to the name."""
        org = government(om.Appoint("sec-t", "bob", roles=["acting"], on="2002-01-01"))
        chart = org.at("2002-01-01")
        assert "Secretary of State for Trade: Bob Baker (acting)" in str(chart)
        assert "Bob Baker (acting)" in chart.draw().dot

    def test_the_diff_says_when_roles_changed(self):
        """A change of roles is classified, with the person in ``related``."""
        org = government(
            om.Appoint("sec-t", "bob", roles=["acting"], on="2002-01-01"),
            om.SetRoles("sec-t", "bob", [], on="2002-03-01"),
        )
        (entry,) = org.diff("2002-02-01", "2002-03-01")
        assert (entry.kind, entry.related) == (om.ChangeKind.ROLES_CHANGED, ("bob",))
        assert (
            entry.describe() == "'Bob Baker' (bob) in post 'Secretary of State for Trade' (sec-t): no role (was acting)"
        )

    def test_setting_the_roles_someone_already_has_is_refused(self):
        """An event that changes nothing is an error, as everywhere."""
        with pytest.raises(om.ConflictError, match="already has those roles"):
            government(
                om.Appoint("sec-t", "bob", roles=["acting"], on="2002-01-01"),
                om.SetRoles("sec-t", "bob", ["acting"], on="2002-02-01"),
            )


class TestPeopleComeAndGo:
    def test_someone_who_leaves_and_returns_keeps_their_id(self):
        """Out of office for years, back under the same id; the chart lists them only while they hold a post."""
        org = government(
            om.Appoint("sec-t", "bob", on="2002-01-01"),
            om.Vacate("sec-t", on="2004-06-01"),
            om.Appoint("sec-t", "bob", on="2010-05-12"),
        )
        assert "bob" in org.at("2003-01-01")
        assert "bob" not in org.at("2007-01-01")
        assert "bob" in org.at("2007-01-01", people="all")
        assert "bob" in org.at("2011-01-01")
        spells = [(str(since), str(until)) for since, until in org.history("bob").spells()]
        assert spells == [("2002-01-01", "2004-06-01"), ("2010-05-12", "None")]

    def test_a_relation_is_a_tie_too(self):
        """A person with no post but a relation to the organisation is on the chart."""
        org = government(om.AddRelation(om.Relation("advises", "cat", "co"), on="2002-01-01"))
        assert "cat" not in org.at("2001-06-01")
        assert "cat" in org.at("2002-01-01")

    @given(oms.timelines(), st.data())
    def test_a_chart_lists_exactly_the_people_with_a_tie(self, timeline, data):
        """Everyone listed holds a post or takes part in a relation; everyone else is there with people='all'."""
        day = data.draw(st.sampled_from([change.on.earliest for change in timeline.changes] or [dt.date(2013, 1, 1)]))
        chart, everyone = timeline.at(day), timeline.at(day, people="all")
        assert inv.people_have_ties(chart) == []
        tied = {holding.person for post in everyone.posts.values() for holding in post.holders}
        tied |= {end for relation in everyone.relations for end in (relation.source, relation.target)}
        assert set(chart.people) == set(everyone.people) & tied


class TestLineage:
    def test_a_spin_off_leaves_the_unit_in_place_and_links_both_ways(self):
        """Part of a department becomes a new one; both carry on, and each sees the other in its lineage."""
        org = government(
            om.SpinOff("den", om.Unit("nda", "Nuclear Agency", kind="agency"), parts=["nuc"], on="2005-04-01")
        )
        chart = org.at("2005-04-01")
        assert "den" in chart
        assert chart.parent("nuc").id == "nda"
        (forward,) = org.lineage("den").successors
        (backward,) = org.lineage("nda").predecessors
        assert (forward.kind, forward.successor, forward.overlaps) == (om.LinkKind.SPUN_OFF, "nda", True)
        assert (backward.kind, backward.predecessor) == (om.LinkKind.SPUN_OFF, "den")
        (entry,) = org.diff("2005-03-31", "2005-04-01").of_kind("spun-off")
        assert entry.describe() == "spun off 'Nuclear Agency' (nda) from 'Department of Energy' (den)"

    def test_a_unit_gives_parts_to_two_existing_units_on_one_day(self):
        """A partial merge: two partial absorptions in one change; the giver carries on."""
        org = government(
            om.Change(
                "2006-01-01",
                [om.Absorb(["den"], "dtc", parts=["oil"]), om.Absorb(["den"], "co", parts=["nuc"])],
            )
        )
        chart = org.at("2006-01-01")
        assert (chart.parent("oil").id, chart.parent("nuc").id) == ("dtc", "co")
        assert set(org.lineage("den").descendants) == {"dtc", "co"}
        kinds = {link.kind for link in org.lineage("den").successors}
        assert kinds == {om.LinkKind.PARTLY_ABSORBED}
        assert {entry.subject for entry in org.diff("2005-12-31", "2006-01-01").of_kind("partly-absorbed")} == {
            "dtc",
            "co",
        }

    def test_a_single_unit_re_formed_as_a_new_one(self):
        """A merge of one: the old unit ends, the new one succeeds it with its contents."""
        org = government(om.Merge(["dtc"], om.Unit("dbt", "Department for Business and Trade"), on="2023-02-07"))
        assert org.lineage("dtc").descendants == ("dbt",)
        assert org.at("2023-02-07").owner_of("exports").id == "dbt"
        (entry,) = org.diff("2023-02-06", "2023-02-07").of_kind("succeeded")
        assert (
            entry.describe()
            == "re-formed 'Department of Trade' (dtc) as new unit 'Department for Business and Trade' (dbt)"
        )

    def test_an_overlapping_succession_shows_both_while_they_overlap(self):
        """A successor set up while its predecessor still exists: both on the chart, one link with its dates."""
        org = government(
            om.Change(
                "2007-06-28", [om.Establish(om.Unit("dius", "Department for Innovation")), om.Succeed("dtc", "dius")]
            ),
            om.Change("2007-09-01", [om.Transfer("exports", "dius"), om.Move("sec-t", "dius"), om.Dissolve("dtc")]),
        )
        overlap = org.at("2007-07-15")
        assert "dtc" in overlap
        assert "dius" in overlap
        (link,) = [link for link in org.lineage("dius").predecessors if link.kind is om.LinkKind.SUCCEEDED]
        assert (link.predecessor, str(link.on), str(link.predecessor_ended), link.overlaps) == (
            "dtc",
            "2007-06-28",
            "2007-09-01",
            True,
        )
        assert "went on until 2007-09-01" in link.describe()

    def test_a_succession_may_follow_a_predecessor_that_has_ended(self):
        """A register may link a successor to a unit that ended earlier."""
        org = government(
            om.Change("2007-01-01", [om.Transfer("exports", "co"), om.Move("sec-t", "co"), om.Dissolve("dtc")]),
            om.Establish(om.Unit("dti", "Department of Trade and Industry"), on="2007-03-01"),
            om.Succeed("dtc", "dti", on="2007-03-01"),
        )
        assert org.lineage("dtc").descendants == ("dti",)

    def test_a_succession_between_a_unit_and_a_post_is_refused(self):
        """Units succeed units, posts succeed posts."""
        with pytest.raises(om.MalformedEventError, match="a unit succeeds a unit, a post a post"):
            government(om.Succeed("pm", "co", on="2002-01-01"))

    @given(oms.timelines())
    def test_every_link_is_seen_from_both_ends(self, timeline):
        """Spin-offs, partial absorptions and successions are in the lineage of both ends."""
        assert inv.lineage_seen_from_both_ends(timeline) == []


class TestKindsOfYourOwn:
    def test_a_kind_of_your_own_is_kept_as_text_with_a_category(self):
        """A ``division`` is administrative unless the timeline says otherwise; drawing groups by category."""
        events = [
            om.Establish(om.Unit("board", "Board of Directors", kind="board"), on="2020-01-01"),
            om.Establish(om.Unit("d1", "Division North", kind="division"), on="2020-01-01"),
        ]
        chart = om.Timeline(events).at("2020-01-01")
        assert (chart["d1"].kind, chart.category("d1")) == ("division", om.Category.ADMINISTRATIVE)
        assert chart.category("board") is om.Category.POLITICAL
        company = om.Timeline(events, categories={"board": "company"}).at("2020-01-01")
        assert company.category("board") is om.Category.COMPANY
        assert "Political bodies" in chart.draw().dot
        assert "Political bodies" not in company.draw().dot
        assert company.graph.nodes["d1"]["category"] == "administrative"

    def test_a_category_must_be_one_of_four(self):
        """An unknown category is refused, naming the four."""
        with pytest.raises(om.InvalidArgumentError, match="must be one of 'political', 'administrative'"):
            om.Timeline([], categories={"division": "operational"})

    def test_kinds_of_your_own_survive_a_file(self):
        """A file keeps the kinds and the categories."""
        org = om.Timeline(
            [om.Establish(om.Unit("d1", "Division North", kind="division"), on="2020-01-01")],
            categories={"division": "company"},
        )
        again = om.loads(om.dumps(org))
        assert again == org
        assert again.categories == {"division": om.Category.COMPANY}


class TestFieldsOfYourOwn:
    def test_attributes_and_identifiers_are_dated(self):
        """Set when established, changed and cleared by events, seen in history and in the graph."""
        org = om.Timeline(
            [
                om.Establish(
                    om.Unit("d1", "Division North", attributes={"fte": 12.5}, identifiers={"hr": "D-0001"}),
                    on="2020-01-01",
                ),
                om.SetAttributes("d1", {"fte": 14, "cost_centre": "4711"}, on="2021-01-01"),
                om.SetAttributes("d1", {"fte": None}, identifiers={"wikidata": "Q1"}, on="2022-01-01"),
            ]
        )
        assert dict(org.at("2020-06-01")["d1"].attributes) == {"fte": 12.5}
        assert dict(org.at("2021-06-01")["d1"].attributes) == {"cost_centre": "4711", "fte": 14}
        assert dict(org.at("2022-06-01")["d1"].identifiers) == {"hr": "D-0001", "wikidata": "Q1"}
        facts = [(fact.attribute, fact.value, str(fact.since)) for fact in org.history("d1").of("attributes.fte")]
        assert facts == [("attributes.fte", 12.5, "2020-01-01"), ("attributes.fte", 14, "2021-01-01")]
        node = org.at("2022-06-01").graph.nodes["d1"]
        assert (node["cost_centre"], node["identifier:wikidata"]) == ("4711", "Q1")
        (entry,) = org.diff("2021-06-01", "2022-06-01")
        assert entry.describe() == "'Division North' (d1): fte cleared; identifier wikidata = 'Q1'"
        assert om.loads(om.dumps(org)) == org

    def test_a_field_may_not_hide_an_entity_field(self):
        """``name`` is the entity's own: an attribute of that name is refused."""
        with pytest.raises(om.InvalidArgumentError, match="would hide the entity's own field"):
            om.SetAttributes("d1", {"name": "X"}, on="2020-01-01")


class TestNamesOverTime:
    def test_a_name_means_what_it_meant_that_day(self):
        """A name reused by another unit later is found as it was on each day, and as a former name after."""
        org = government(
            om.Rename("dtc", "Department of Trade and Industry", on="2003-01-01"),
            om.Establish(om.Unit("new-dtc", "Department of Trade", kind="department"), on="2008-01-01"),
        )
        assert org.resolve("department of trade", on="2002-01-01") == "dtc"
        assert org.resolve("department of trade", on="2005-01-01") == "dtc", "a former name, while nothing else has it"
        assert org.resolve("department of trade", on="2009-01-01") == "new-dtc", "a current name wins"
        assert org.entity("department of trade", on="2009-01-01").id == "new-dtc"
        assert org.at("2009-01-01").former_names("dtc") == ("Department of Trade",)

    @given(oms.timelines(event_types=["establish", "rename", "move", "dissolve"]), st.data())
    def test_names_and_former_names_agree_with_replaying(self, timeline, data):
        """On every day each entity has the name a replay gives it, and its former names are the ones it had."""
        days = sorted({change.on.earliest for change in timeline.changes}) or [dt.date(2013, 1, 1)]
        day = data.draw(st.sampled_from(days))
        chart = timeline.at(day, people="all")
        graph = replay(timeline, day, people="all")
        change_of = {id(event): change for change in timeline.changes for event in change.events}
        for entity_id, entity in chart.entities.items():
            mark = chart.uncertainty(entity_id)
            if mark is not None and mark.ghost:
                continue  # it may have ended inside a date window: the replay, which fixes windows early, has not it
            assert graph.nodes[entity_id]["name"] == entity.name
            # A name given and taken again within one change was never in force: it is no former name.
            had = [
                fact.value
                for fact in timeline.history(entity_id).names()
                if fact.since.earliest <= day
                and (fact.ended is None or change_of[id(fact.began)] is not change_of[id(fact.ended)])
            ]
            former = list(dict.fromkeys(name for name in had[:-1] if name != entity.name))
            assert list(chart.former_names(entity_id)) == former


def test_renaming_one_unit_many_times_keeps_every_name_in_its_history():
    """A thousand renames: the last name on the chart, each earlier one found by name on its own day."""
    renames = [
        om.Rename("u", f"Name {number}", on=dt.date(2000, 1, 1) + dt.timedelta(days=number))
        for number in range(1, 1001)
    ]
    org = om.Timeline([om.Establish(om.Unit("u", "Name 0"), on="2000-01-01"), *renames])
    assert org.at("2003-01-01")["u"].name == "Name 1000"
    assert org.entity("name 500", on=dt.date(2000, 1, 1) + dt.timedelta(days=500)).id == "u"
    assert len(org.history("u").names()) == 1001
    assert len(org.at("2003-01-01").former_names("u")) == 1000
