"""The timeline: what each event does, what it refuses, and how the log is ordered."""

from __future__ import annotations

import datetime as dt

import pytest

import orgmodel as om

DAY0 = "2013-01-01"
LATER = "2015-01-01"
SOURCE = om.Source("KFKS 2012/577-001", body="Kommunstyrelsen", quote="a sentence")


def base_events() -> list[om.Event | om.Change]:
    """A small office: two units with posts, a function and two people."""
    return [
        om.Change(
            DAY0,
            [
                om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board")),
                om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office")),
                om.Establish(om.Person("anna", "Anna Andersson")),
                om.Establish(om.Person("bo", "Bo Berg", aliases=["Bo Bergh"])),
                om.Establish(
                    om.Post("sd", "Stadsdirektör", kind="chief-executive", unit="slk", heads=True, holder="anna")
                ),
                om.Establish(om.Unit("ek", "Ekonomienheten", parent="slk")),
                om.Establish(om.Post("ekchef", "Enhetschef", kind="head", unit="ek", heads=True, reports_to="sd")),
                om.Establish(om.Post("bitr", "Biträdande enhetschef", kind="deputy-head", unit="ek")),
                om.Establish(om.Unit("mex", "Mark- och exploateringsenheten", parent="slk")),
                om.Establish(om.Function("mark", "Markfrågor", owner="mex")),
                om.Establish(om.Unit("bygg", "Byggenheten", parent="slk")),
            ],
            source=SOURCE,
        )
    ]


@pytest.fixture
def org() -> om.Timeline:
    return om.Timeline(base_events())


def rejected(
    org: om.Timeline, *events: om.Event | om.Change, error: type[om.EventError], message: str
) -> om.EventError:
    """Apply events dated LATER and check they are refused with this error and message."""
    dated = [event if isinstance(event, om.Change) else attrs_on(event) for event in events]
    with pytest.raises(error) as caught:
        org.with_events(dated)
    assert message in str(caught.value), str(caught.value)
    return caught.value


def attrs_on(event: om.Event) -> om.Event:
    import attrs

    return attrs.evolve(event, on=LATER) if event.on is None else event


class TestEstablish:
    def test_brings_an_entity_into_being_on_its_day(self, org):
        """An entity exists from the day of its establishment, not before."""
        later = org.with_events(om.Establish(om.Unit("fu", "Förnyelseenheten", parent="slk"), on=LATER))
        assert "fu" not in later.at("2014-12-31")
        assert later.at(LATER).find("Förnyelseenheten").id == "fu"

    def test_refuses_an_id_in_use(self, org):
        """An id names one entity: establishing it twice is refused."""
        rejected(
            org,
            om.Establish(om.Unit("ek", "Other")),
            error=om.DuplicateIdError,
            message="id 'ek' is already taken by unit 'Ekonomienheten' (ek)",
        )

    def test_refuses_an_id_that_was_used(self, org):
        """Ids are never reused, even after the entity ended."""
        ended = org.with_events(om.Dissolve("bygg", on="2014-01-01"))
        rejected(
            ended, om.Establish(om.Unit("bygg", "New")), error=om.DuplicateIdError, message="which ended 2014-01-01"
        )

    def test_refuses_a_parent_that_does_not_exist(self, org):
        """A parent must exist on the day."""
        error = rejected(
            org,
            om.Establish(om.Unit("x", "X", parent="nowhere")),
            error=om.UnknownEntityError,
            message="unknown unit 'nowhere' on 2015-01-01",
        )
        assert error.event is not None
        assert error.event.entity.id == "x"

    def test_refuses_a_name_a_sibling_has(self, org):
        """Two active units under one parent cannot share a name (case-insensitively)."""
        rejected(
            org,
            om.Establish(om.Unit("x", "ekonomienheten", parent="slk")),
            error=om.NameClashError,
            message="units 'ek' and 'x' would both be named",
        )

    def test_allows_a_name_used_elsewhere(self, org):
        """The same name under another parent is fine."""
        assert org.with_events(om.Establish(om.Unit("x", "Ekonomienheten", parent="ks"), on=LATER))

    def test_refuses_a_second_head(self, org):
        """A unit has at most one head."""
        rejected(
            org,
            om.Establish(om.Post("x", "Chef", unit="ek", heads=True)),
            error=om.ConflictError,
            message="would have 2 heads",
        )

    def test_refuses_a_head_post_outside_any_unit(self, org):
        """A head post must belong to the unit it heads."""
        rejected(
            org,
            om.Establish(om.Post("x", "Chef", heads=True)),
            error=om.MalformedEventError,
            message="a head post must belong to one",
        )


class TestDissolve:
    def test_ends_an_empty_unit(self, org):
        """An empty unit ends on its day and is absent after."""
        later = org.with_events(om.Dissolve("bygg", on=LATER))
        assert "bygg" in later.at("2014-12-31")
        assert "bygg" not in later.at(LATER)

    def test_refuses_a_unit_with_contents(self, org):
        """Dissolving a unit that still has posts says what is left and how to place it."""
        error = rejected(
            org,
            om.Dissolve("ek"),
            error=om.NotEmptyError,
            message="unit 'Ekonomienheten' (ek) still has posts 'Biträdande enhetschef' (bitr), 'Enhetschef' (ekchef)",
        )
        assert "Absorb" in error.hint

    def test_contents_moved_first_in_the_same_change(self, org):
        """Moving the contents out earlier in the same change lets the unit end."""
        later = org.with_events(om.Change(LATER, [om.Transfer("mark", "bygg"), om.Dissolve("mex")]))
        assert later.at(LATER).owner_of("mark").id == "bygg"

    def test_releases_a_post_and_its_relations(self, org):
        """A dissolved post leaves its holder free and its relations end."""
        later = org.with_events(
            om.AddRelation(om.Relation("responsible-for", "sd", "ks"), on="2014-01-01"),
            om.Change(LATER, [om.SetReportingLine("ekchef", None), om.Dissolve("sd")]),
        )
        chart = later.at(LATER)
        assert "anna" not in chart, "a person with no post or relation left is not on the chart"
        assert later.at(LATER, people="all").posts_held_by("anna") == ()
        assert chart.relations == frozenset()

    def test_refuses_a_post_others_report_to(self, org):
        """A post with subordinates cannot end until they report elsewhere."""
        rejected(
            org,
            om.Dissolve("sd"),
            error=om.NotEmptyError,
            message="still has posts reporting to it 'Enhetschef' (ekchef)",
        )

    def test_a_person_leaving_vacates_their_posts(self, org):
        """When a person leaves, the posts they held are vacant."""
        later = org.with_events(om.Dissolve("anna", on=LATER))
        assert later.at(LATER).holder("sd") is None


class TestRename:
    def test_keeps_identity_and_finds_it_by_its_old_name(self, org):
        """A renamed unit is the same entity; its old name still finds it, and is a former name, not an alias."""
        later = org.with_events(om.Rename("bygg", "Enheten för fastighetsutveckling", reformed=True, on=LATER))
        chart = later.at(LATER)
        unit = chart.find("byggenheten")
        assert (unit.id, unit.name) == ("bygg", "Enheten för fastighetsutveckling")
        assert unit.aliases == ()
        assert chart.former_names(unit) == ("Byggenheten",)

    def test_can_change_kind(self, org):
        """A rename may change the kind (a unit becomes a staff)."""
        later = org.with_events(om.Rename("bygg", "Byggstaben", kind="staff", on=LATER))
        assert later.at(LATER)["bygg"].kind is om.UnitKind.STAFF

    def test_renames_a_post_title(self, org):
        """Posts are renamed by title."""
        later = org.with_events(om.Rename("sd", "Kommundirektör", on=LATER))
        assert later.at(LATER)["sd"].name == "Kommundirektör"

    def test_refuses_a_kind_of_the_wrong_sort(self, org):
        """A unit cannot take a post's kind; the error lists the unit kinds."""
        rejected(
            org,
            om.Rename("bygg", "X", kind="director"),
            error=om.MalformedEventError,
            message="'director' is not a unit kind but a post kind",
        )

    def test_refuses_a_change_that_changes_nothing(self, org):
        """Renaming to the current name is an error, so typos in data do not pass silently."""
        rejected(
            org, om.Rename("bygg", "Byggenheten"), error=om.ConflictError, message="already has that name and kind"
        )

    def test_suggests_the_id_when_given_a_name(self, org):
        """Events refer to ids; given a name, the error says which id it is."""
        rejected(
            org,
            om.Rename("Byggenheten", "X"),
            error=om.UnknownEntityError,
            message=(
                "'Byggenheten' is the name of 'Byggenheten' (bygg); events refer to entities by id, so write 'bygg'"
            ),
        )

    def test_suggests_close_ids(self, org):
        """A misspelt id gets close matches."""
        rejected(
            org, om.Rename("byggenhet", "X"), error=om.UnknownEntityError, message="did you mean 'bygg' (Byggenheten)?"
        )


class TestMove:
    def test_reparents_a_unit(self, org):
        """A moved unit sits under its new parent from the day on."""
        later = org.with_events(om.Move("bygg", "mex", on=LATER))
        assert later.at(LATER).parent("bygg").id == "mex"
        assert later.at("2014-12-31").parent("bygg").id == "slk"

    def test_moves_a_post_to_another_unit(self, org):
        """A post can move to another unit."""
        later = org.with_events(om.Move("bitr", "bygg", on=LATER))
        assert [post.id for post in later.at(LATER).posts_of("bygg")] == ["bitr"]

    def test_refuses_a_cycle(self, org):
        """A unit cannot move under itself or its descendants."""
        rejected(
            org,
            om.Move("slk", "ek"),
            error=om.CycleError,
            message="cannot sit under 'Ekonomienheten' (ek), which sits under it",
        )
        rejected(org, om.Move("slk", "slk"), error=om.CycleError, message="cannot sit under")

    def test_refuses_functions_and_people(self, org):
        """Functions transfer and people change posts; Move says so."""
        rejected(org, om.Move("mark", "bygg"), error=om.MalformedEventError, message="is moved with Transfer, not Move")
        rejected(org, om.Move("anna", "bygg"), error=om.MalformedEventError, message="with Vacate and Appoint")

    def test_refuses_moving_a_head_post_to_a_headed_unit(self, org):
        """A head post cannot move into a unit that has a head."""
        rejected(org, om.Move("ekchef", "slk"), error=om.ConflictError, message="would have 2 heads")


class TestMerge:
    def test_makes_a_new_unit_from_several(self, org):
        """Merged units end; their contents move to the new unit; lineage links them."""
        later = org.with_events(om.Merge(["mex", "bygg"], om.Unit("fast", "Fastighetsenheten", parent="slk"), on=LATER))
        chart = later.at(LATER)
        assert "mex" not in chart
        assert "bygg" not in chart
        assert chart.owner_of("mark").id == "fast"
        assert later.lineage("mex").descendants == ("fast",)
        assert set(later.lineage("fast").ancestors) == {"mex", "bygg"}

    def test_allows_the_new_unit_to_take_a_merged_units_name(self, org):
        """Names are checked when the whole change is done: the new unit may take an old name."""
        later = org.with_events(om.Merge(["mex", "bygg"], om.Unit("fast", "Byggenheten", parent="slk"), on=LATER))
        assert later.at(LATER).find("byggenheten").id == "fast"

    def test_of_one_unit_re_forms_it_as_a_new_one(self, org):
        """A merge of one unit re-forms it under a new identity: its contents move, and it is succeeded."""
        later = org.with_events(om.Merge(["mex"], om.Unit("x", "Exploatering", parent="slk"), on=LATER))
        chart = later.at(LATER)
        assert "mex" not in chart
        assert chart.owner_of("markfrågor").id == "x"
        assert later.lineage("mex").descendants == ("x",)
        (link,) = [link for link in later.lineage("mex").successors if link.kind is not om.LinkKind.TRANSFERRED]
        assert (link.kind, link.successor) == (om.LinkKind.SUCCEEDED, "x")

    def test_refuses_no_unit(self, org):
        """A merge needs a unit to merge."""
        rejected(
            org,
            om.Merge([], om.Unit("x", "X")),
            error=om.MalformedEventError,
            message="a merge needs a unit, got 0",
        )

    def test_refuses_two_heads(self, org):
        """Merging units that both have heads needs one head settled first."""
        with_head = org.with_events(
            om.Establish(om.Post("mexchef", "Enhetschef", unit="mex", heads=True), on="2014-01-01")
        )
        rejected(
            with_head,
            om.Merge(["mex", "ek"], om.Unit("x", "X", parent="slk")),
            error=om.ConflictError,
            message="would have 2 heads",
        )


class TestAbsorb:
    def test_folds_units_into_an_existing_one(self, org):
        """Absorbed units end and their contents join the absorbing unit."""
        later = org.with_events(om.Absorb(["mex"], "bygg", on=LATER))
        assert later.at(LATER).owner_of("mark").id == "bygg"
        assert later.lineage("mex").descendants == ("bygg",)

    def test_refuses_to_absorb_a_unit_into_its_own_descendant(self, org):
        """A unit cannot be absorbed into a unit inside it."""
        rejected(org, om.Absorb(["slk"], "ek"), error=om.CycleError, message="which contains it")


class TestSplit:
    def split(self, allocate):
        return om.Split(
            "ek",
            [om.Unit("ctrl", "Controllerenheten", parent="slk"), om.Unit("red", "Redovisningsenheten", parent="slk")],
            allocate=allocate,
        )

    def test_shares_contents_out_as_allocated(self, org):
        """Each post goes where the split says; the unit ends; lineage links it to both."""
        later = org.with_events(attrs_on(self.split({"ekchef": "ctrl", "bitr": "red"})))
        chart = later.at(LATER)
        assert chart.head("ctrl").id == "ekchef"
        assert [post.id for post in chart.posts_of("red")] == ["bitr"]
        assert later.lineage("ekonomienheten").descendants == ("ctrl", "red")

    def test_refuses_to_leave_anything_unallocated(self, org):
        """A split must say where every child unit, post and function goes."""
        rejected(
            org,
            self.split({"ekchef": "ctrl"}),
            error=om.NotEmptyError,
            message="does not say where 'Biträdande enhetschef' (bitr) go",
        )

    def test_refuses_allocating_what_is_not_there(self, org):
        """Allocating something that is not in the unit is an error."""
        rejected(
            org,
            self.split({"ekchef": "ctrl", "bitr": "red", "mark": "red"}),
            error=om.MalformedEventError,
            message="allocate names 'mark', which are not in",
        )


class TestTransfer:
    def test_moves_a_function_and_links_owners(self, org):
        """A transferred function has its new owner from the day; the owners are linked in lineage."""
        later = org.with_events(om.Transfer("mark", "bygg", on=LATER))
        assert later.at("2014-12-31").owner_of("markfrågor").id == "mex"
        assert later.at(LATER).owner_of("markfrågor").id == "bygg"
        links = later.lineage("mex").successors
        assert [(link.kind, link.successor, link.function) for link in links] == [
            (om.LinkKind.TRANSFERRED, "bygg", "mark")
        ]

    def test_may_go_to_a_post(self, org):
        """A function can be owned by a post (a director)."""
        later = org.with_events(om.Transfer("mark", "sd", on=LATER))
        assert later.at(LATER).owner_of("mark").id == "sd"


class TestAppointAndVacate:
    def test_appoint_fills_and_vacate_empties(self, org):
        """A post is held from its appointment until it is vacated."""
        later = org.with_events(om.Appoint("ekchef", "bo", on="2014-01-01"), om.Vacate("ekchef", on=LATER))
        assert later.at("2014-06-01").holder("ekchef").id == "bo"
        assert later.at(LATER).holder("ekchef") is None

    def test_refuses_a_second_holder(self, org):
        """A held post cannot take another holder; the error says to vacate first."""
        error = rejected(
            org,
            om.Appoint("sd", "bo"),
            error=om.PostOccupiedError,
            message="post 'Stadsdirektör' (sd) has one seat, held by 'Anna Andersson' (anna)",
        )
        assert "Vacate('sd')" in error.hint

    def test_vacate_then_appoint_in_one_change(self, org):
        """A change can hand a post from one person to another."""
        later = org.with_events(om.Change(LATER, [om.Vacate("sd"), om.Appoint("sd", "bo")]))
        assert later.at(LATER).holder("sd").id == "bo"

    def test_refuses_to_vacate_a_vacant_post(self, org):
        """Vacating a vacant post is an error."""
        rejected(org, om.Vacate("bitr"), error=om.ConflictError, message="is already vacant")


class TestReportingAndHeads:
    def test_sets_and_removes_a_reporting_line(self, org):
        """A reporting line can be set and removed."""
        later = org.with_events(
            om.SetReportingLine("bitr", "sd", on="2014-01-01"), om.SetReportingLine("bitr", None, on=LATER)
        )
        assert later.at("2014-06-01")["bitr"].reports_to == "sd"
        assert later.at(LATER)["bitr"].reports_to is None

    def test_refuses_a_reporting_cycle(self, org):
        """A post cannot report to a post that reports to it."""
        rejected(org, om.SetReportingLine("sd", "ekchef"), error=om.CycleError, message="which reports to it")

    def test_a_new_post_or_unit_cannot_be_its_own_boss_or_parent(self, org):
        """Nothing is under what was just established, and it cannot be put under itself (it is not there yet)."""
        new_post = om.Establish(om.Post("x", "X", unit="ek", reports_to="x"))
        rejected(org, new_post, error=om.UnknownEntityError, message="unknown post 'x'")
        rejected(
            org, om.Establish(om.Unit("y", "Y", parent="y")), error=om.UnknownEntityError, message="unknown unit 'y'"
        )

    def test_a_deep_chain_builds_and_still_refuses_loops(self):
        """Establishing down a 3,000-step chain checks no loop; moving the top under the bottom is refused."""
        depth = 3_000
        events = [
            om.Establish(om.Unit("u0", "U0"), on="2015-01-01"),
            om.Establish(om.Post("p0", "P0", unit="u0"), on="2015-01-01"),
        ]
        for step in range(1, depth):
            events.append(om.Establish(om.Unit(f"u{step}", f"U{step}", parent=f"u{step - 1}"), on="2015-01-01"))
            events.append(
                om.Establish(om.Post(f"p{step}", f"P{step}", unit="u0", reports_to=f"p{step - 1}"), on="2015-01-01")
            )
        org = om.Timeline(events)
        assert len(org.chain_of_command("p2999", on="2015-01-01")) == depth  # the post itself, then up
        with pytest.raises(om.CycleError):
            org.with_events(om.Move("u0", f"u{depth - 1}", on="2015-02-01"))
        with pytest.raises(om.CycleError):
            org.with_events(om.SetReportingLine("p0", f"p{depth - 1}", on="2015-02-01"))

    def test_set_head_hands_over_the_head(self, org):
        """SetHead makes another post of the unit its head."""
        later = org.with_events(om.SetHead("ek", "bitr", on=LATER))
        chart = later.at(LATER)
        assert chart.head("ek").id == "bitr"
        assert not chart["ekchef"].heads

    def test_set_head_refuses_a_post_of_another_unit(self, org):
        """A unit's head must belong to it."""
        rejected(
            org, om.SetHead("bygg", "bitr"), error=om.ConflictError, message="does not belong to unit 'Byggenheten'"
        )


class TestRelations:
    def test_added_and_removed(self, org):
        """A relation holds from when it is added until it is removed."""
        relation = om.Relation("supports", "ek", "ks", note="0,5 tjänst")
        later = org.with_events(om.AddRelation(relation, on="2014-01-01"), om.RemoveRelation(relation, on=LATER))
        assert later.at("2014-06-01").relations_of("ks", kind="supports") == (relation,)
        assert later.at(LATER).relations_of("ks") == ()

    def test_refuses_a_duplicate_and_a_missing_one(self, org):
        """The same relation cannot be added twice, nor one removed that is not there."""
        relation = om.Relation("supports", "ek", "ks")
        with_relation = org.with_events(om.AddRelation(relation, on="2014-01-01"))
        rejected(with_relation, om.AddRelation(relation), error=om.ConflictError, message="already supports")
        rejected(
            org,
            om.RemoveRelation(relation),
            error=om.UnknownEntityError,
            message="there is no relation 'ek' supports 'ks'",
        )

    def test_refuses_an_unknown_end(self, org):
        """Both ends of a relation must exist."""
        rejected(
            org,
            om.AddRelation(om.Relation("supports", "ek", "nobody")),
            error=om.UnknownEntityError,
            message="unknown entity 'nobody'",
        )


class TestOrdering:
    def test_events_apply_by_earliest_day_whatever_the_list_order(self):
        """Events given out of order apply by their dates."""
        events = [om.Rename("u", "Second", on="2015-01-01"), om.Establish(om.Unit("u", "First"), on="2014-01-01")]
        org = om.Timeline(events)
        assert [event.describe() for event in org.events] == ["establish unit 'First' (u)", "rename 'u' to 'Second'"]

    def test_same_day_events_apply_in_the_order_given(self):
        """On one day, the order of the list decides."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "A"), on=DAY0),
                om.Rename("u", "B", on=LATER),
                om.Rename("u", "C", on=LATER),
            ]
        )
        assert org.at(LATER)["u"].name == "C"
        with pytest.raises(om.ConflictError):
            om.Timeline(
                [om.Establish(om.Unit("u", "A"), on=DAY0), om.Rename("u", "C", on=LATER), om.Rename("u", "C", on=LATER)]
            )

    def test_a_change_is_all_or_nothing(self, org):
        """If one event of a change is refused, none of it applies."""
        change = om.Change(LATER, [om.Rename("bygg", "New name"), om.Dissolve("ek")])
        salvaged, errors = om.Timeline.lenient([*base_events(), change])
        assert len(errors) == 1
        assert salvaged.at(LATER)["bygg"].name == "Byggenheten"

    def test_an_undone_establishment_leaves_its_id_free(self):
        """A rejected change that would have made an entity does not use up its id."""
        rejected_change = om.Change(LATER, [om.Establish(om.Unit("x", "X")), om.Rename("nobody", "Y")])
        salvaged, errors = om.Timeline.lenient(
            [
                rejected_change,
                om.Establish(om.Unit("x", "X again"), on="2016-01-01"),
                om.Rename("x", "Z", on="2016-02-01"),
            ]
        )
        assert len(errors) == 1
        assert salvaged.at("2016-02-01")["x"].name == "Z"

    def test_lenient_reports_every_independent_error(self):
        """A lenient build reports each bad change and keeps the rest."""
        salvaged, errors = om.Timeline.lenient(
            [
                om.Establish(om.Unit("a", "A"), on=DAY0),
                om.Rename("x", "X", on=LATER),
                om.Rename("a", "B", on=LATER),
                om.Dissolve("y", on=LATER),
                om.Rename("a", "B", on="2016-01-01"),
            ]
        )
        assert [error.entry for error in errors] == [1, 3, 4]
        assert salvaged.at("2016-01-01")["a"].name == "B"

    def test_a_lone_event_needs_a_date(self):
        """A standalone event without a date is refused, with the fix."""
        with pytest.raises(om.MalformedEventError, match="an event on its own needs a date — give it on="):
            om.Timeline([om.Rename("u", "X")])

    def test_an_event_cannot_contradict_its_changes_date(self):
        """Inside a change, an event's own date must agree with the change's."""
        with pytest.raises(om.MalformedEventError, match=r"its date \(2015-02-01\) is not its change's \(2015-01-01\)"):
            om.Timeline([om.Change(LATER, [om.Establish(om.Unit("u", "U"), on="2015-02-01")])])

    def test_events_carry_their_changes_date_status_and_source(self, org):
        """Events from the timeline carry date, status and source, filled in from their change."""
        event = org.events[0]
        assert (str(event.on), event.status, event.source) == (DAY0, om.Status.DECIDED, SOURCE)

    def test_cancelled_changes_stay_in_the_log_but_never_apply(self, org):
        """A cancelled change is kept and listed but changes nothing, even if it could not apply."""
        later = org.with_events(om.Dissolve("nowhere", on=LATER, status="cancelled"))
        assert later.events[-1].status is om.Status.CANCELLED
        assert later.at(LATER) == org.at(LATER)

    def test_with_events_leaves_the_original_alone(self, org):
        """A timeline is immutable: with_events makes a new one."""
        later = org.with_events(om.Rename("bygg", "X", on=LATER))
        assert org.at(LATER)["bygg"].name == "Byggenheten"
        assert later != org
        assert len(later) == len(org) + 1

    def test_changes_between_matches_diff(self, org):
        """``changes_between(a, b)`` are the changes after a and on or before b."""
        later = org.with_events(om.Rename("bygg", "X", on=LATER), om.Rename("mex", "Y", on="2016-01-01"))
        assert [change.describe() for change in later.changes_between("2014-12-31", LATER)] == ["rename 'bygg' to 'X'"]
        assert len(later.changes_between(end="2014-12-31")) == 1

    def test_errors_name_the_source_and_the_phrase(self, org):
        """An error shows the event, its date as written, and its source."""
        error = rejected(
            org,
            om.Rename("nobody", "X", on="per den 1 juli 2014", source=SOURCE),
            error=om.UnknownEntityError,
            message=(
                "rename 'nobody' to 'X' (2014-07-01 (per den 1 juli 2014), "
                "source: KFKS 2012/577-001, Kommunstyrelsen): unknown entity 'nobody'"
            ),
        )
        assert error.entry == 1


class TestUncertainty:
    def test_a_window_straddling_the_day_is_uncertain(self, org):
        """In a month's window the fact shows, marked uncertain; after it, it is certain."""
        later = org.with_events(om.Rename("bygg", "X", on="januari 2015"))
        assert later.at("2014-12-31")["bygg"].name == "Byggenheten"
        middle = later.at("2015-01-15")
        assert middle["bygg"].name == "X"
        assert middle.is_uncertain("bygg")
        assert not later.at("2015-01-31").is_uncertain("bygg")

    def test_planned_facts_are_marked(self, org):
        """Facts resting on a planned change are marked planned."""
        later = org.with_events(
            om.Establish(om.Unit("va", "VA-bolag", kind="company"), on="2016-01-01", status="planned")
        )
        assert later.at("2016-06-01").is_planned("va")
        assert not later.at("2016-06-01").is_planned("bygg")


def test_empty_timeline():
    """An empty timeline has empty charts and no days."""
    org = om.Timeline()
    assert len(org.at("2015-01-01")) == 0
    assert org.first_day is None
    assert repr(org) == "<Timeline: empty>"


def test_a_single_event_is_not_a_list():
    """Passing one event instead of a list is a clear error."""
    with pytest.raises(om.InvalidArgumentError, match="wrap it in a list"):
        om.Timeline(om.Rename("u", "X", on=LATER))  # type: ignore[arg-type]


def test_days_are_dates_or_iso_text(org):
    """Every query takes a date or ISO text, and refuses anything else clearly."""
    assert org.at(dt.date(2015, 1, 1)) == org.at("2015-01-01")
    with pytest.raises(om.DateError):
        org.at("the first of never")
