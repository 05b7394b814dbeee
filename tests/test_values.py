"""Entities, events and sources as values: validation, equality, and what they say about themselves."""

from __future__ import annotations

import attrs
import pytest

import orgmodel as om
from orgmodel._values import replace


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: om.Unit("", "X"), "id must be a non-empty string without surrounding spaces, got ''"),
        (lambda: om.Unit(" u1", "X"), "id must be a non-empty string without surrounding spaces, got ' u1'"),
        (lambda: om.Unit("u1", "  "), "name must be a non-empty string, got '  '"),
        (lambda: om.Unit("u1", "X", kind=" department"), "a unit kind must be a non-empty name"),
        (lambda: om.Unit("u1", "X", kind="head"), "'head' is not a unit kind but a post kind"),
        (lambda: om.Unit("u1", "X", parent=""), "parent must be a non-empty string"),
        (lambda: om.Unit("u1", "X", aliases=["ok", ""]), "every name must be a non-empty string, got ''"),
        (lambda: om.Post("p1", "Chef", kind=""), "a post kind must be a non-empty name"),
        (lambda: om.Post("p1", "Chef", seats=0), "seats must be a whole number of 1 or more"),
        (lambda: om.Post("p1", "Chef", holders=["a", "a"]), "holders must name each person once"),
        (lambda: om.Post("p1", "Chef", holder="a", holders=["b"]), "give holder or holders, not both"),
        (lambda: om.Post("p1", "Chef", heads="yes"), "heads must be True or False, got 'yes'"),
        (lambda: om.Function("f1", "Markfrågor", kind="board"), "'board' is not a function kind but a unit kind"),
        (lambda: om.Relation(5, "a", "b"), "kind must be a relation kind's name"),
        (lambda: om.Unit("u1", "X", attributes={"name": "Y"}), "attribute 'name' would hide the entity's own field"),
        (lambda: om.Unit("u1", "X", attributes={"fte": [1]}), "attribute 'fte' must be text, a number"),
        (lambda: om.Unit("u1", "X", attributes={"fte": float("nan")}), "attribute 'fte' must be a finite number"),
        (lambda: om.Unit("u1", "X", identifiers={"wikidata": ""}), "identifier 'wikidata' must be non-empty text"),
        (lambda: om.Holding("anna", roles=[" acting"]), "a role kind must be a non-empty name"),
        (lambda: om.Relation("supports", "a", "a"), "a relation must join two different entities, got 'a' to itself"),
        (lambda: om.Rename("u1", ""), "name must be a non-empty string"),
        (lambda: om.Merge("ab", om.Unit("c", "C")), None),
        (lambda: om.Split("a", ["not a unit"]), "into must hold Unit values, got 'not a unit'"),
        (lambda: om.Split("a", [], allocate={"x": ""}), "allocate must map ids to ids, got the pair ('x', '')"),
        (lambda: om.Change("2015-01-01", []), "a change must hold at least one event, got none"),
        (lambda: om.Change("2015-01-01", ["rename"]), "a change holds events such as Rename(...), got 'rename'"),
        (lambda: om.Rename("u1", "X", status="maybe"), "Status must be one of 'planned', 'decided'"),
        (lambda: om.Rename("u1", "X", on="someday"), "cannot read 'someday' as a date"),
    ],
)
def test_bad_values_are_refused_where_they_are_made(make, message):
    """A bad field raises an OrgModelError naming the field and the value, when the value is made."""
    if message is None:
        # A lone string is one id, not a sequence of letters.
        assert make().units == ("ab",)
        return
    with pytest.raises(om.OrgModelError) as caught:
        make()
    assert message in str(caught.value)


def test_kinds_are_given_as_text_or_members():
    """Kinds take their member or their text, and compare equal either way."""
    assert om.Unit("u1", "KS", kind="board") == om.Unit("u1", "KS", kind=om.UnitKind.BOARD)
    assert om.UnitKind.SUB_COMMITTEE.is_political
    assert not om.UnitKind.OFFICE.is_political
    assert om.UnitKind.COMPANY.is_external


def test_entities_are_immutable_and_hashable():
    """Entities are frozen values: changed only by making a new one."""
    unit = om.Unit("u1", "Ekonomienheten")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        unit.name = "Other"  # type: ignore[misc]
    assert attrs.evolve(unit, name="Other").name == "Other"
    assert {unit: 1}[om.Unit("u1", "Ekonomienheten")] == 1


def test_every_entity_has_id_name_and_kind():
    """Units, posts, people and functions all answer ``id``, ``name`` and ``kind``."""
    entities = [
        om.Unit("u", "Enheten", kind="unit"),
        om.Post("p", "Enhetschef", kind="head"),
        om.Person("h", "Lena Dahlstedt"),
        om.Function("f", "Markfrågor"),
    ]
    assert [(entity.id, entity.name, str(entity.kind)) for entity in entities] == [
        ("u", "Enheten", "unit"),
        ("p", "Enhetschef", "head"),
        ("h", "Lena Dahlstedt", "person"),
        ("f", "Markfrågor", "responsibility"),
    ]


def test_origin_is_not_part_of_an_events_identity():
    """Where an event was read from does not make it a different event."""
    here = om.Rename("u1", "X", on="2015-01-01", origin=om.Location("a.yaml", 3, 5))
    there = om.Rename("u1", "X", on="2015-01-01", origin=om.Location("b.yaml", 9, 1))
    assert here == there


def test_rename_keeps_kind_as_text():
    """A rename's kind is kept as text, since which kinds apply depends on the target."""
    assert om.Rename("u1", "X", kind=om.UnitKind.STAFF).kind == "staff"


def test_allocation_is_order_free():
    """A split's allocation is the same whatever order it was given in."""
    one = om.Split("a", [om.Unit("b", "B"), om.Unit("c", "C")], allocate={"x": "b", "y": "c"})
    two = om.Split("a", [om.Unit("b", "B"), om.Unit("c", "C")], allocate=[("y", "c"), ("x", "b")])
    assert one == two
    assert one.allocation == {"x": "b", "y": "c"}


@pytest.mark.parametrize(
    ("event", "text"),
    [
        (om.Establish(om.Unit("fu", "Förnyelseenheten")), "establish unit 'Förnyelseenheten' (fu)"),
        (om.Dissolve("fs"), "dissolve 'fs'"),
        (
            om.Rename("bygg", "Enheten för fastighetsutveckling", reformed=True),
            "reform 'bygg' into 'Enheten för fastighetsutveckling'",
        ),
        (om.Move("id", None), "move 'id' to the top"),
        (om.Merge(["a", "b"], om.Unit("c", "C")), "merge 'a', 'b' into new unit 'C' (c)"),
        (om.Absorb(["a"], "b"), "absorb 'a' into 'b'"),
        (om.Transfer("mark", "fu"), "transfer function 'mark' to 'fu'"),
        (om.Appoint("p", "h"), "appoint 'h' to post 'p'"),
        (om.Vacate("p"), "vacate post 'p'"),
        (om.SetReportingLine("p", None), "remove the reporting line of post 'p'"),
        (om.SetHead("u", None), "leave 'u' without a head"),
        (om.RemoveRelation(om.Relation("supports", "a", "b")), "remove relation 'a' supports 'b'"),
    ],
)
def test_every_event_describes_itself(event, text):
    """Each event says in one line what it does; messages and tables use it."""
    assert event.describe() == text


def test_source_cites_what_it_has():
    """A citation lists document, deciding body, date and reference, skipping what is missing."""
    assert om.Source().cite() == "(no source given)"
    assert om.Source("KFKS 2012/577-001").cite() == "KFKS 2012/577-001"
    full = om.Source("Protokoll", body="Fritidsnämnden", decided="2014-03-05", reference="§ 24")
    assert full.cite() == "Protokoll, Fritidsnämnden 2014-03-05 § 24"


class TestFastCopies:
    """orgmodel._values.replace: the unchecked copy the timeline makes of values it has checked."""

    def test_a_copy_changes_what_it_is_given_and_keeps_the_rest(self):
        post = om.Post("p1", "Enhetschef", unit="u1", heads=True, holder="bo")
        copy = replace(post, holders=())
        assert copy == attrs.evolve(post, holders=())
        assert post.holder == "bo", "the original is untouched"

    def test_fields_of_a_base_class_are_copied_too(self):
        """An event's date, status and source sit in the slots of its base class."""
        event = om.Appoint("p1", "bo")
        when = om.dates.parse_when("2015-01-01")
        copy = replace(event, on=when, status=om.Status.DECIDED)
        assert (copy.on, copy.status, copy.post, copy.person) == (when, om.Status.DECIDED, "p1", "bo")

    def test_an_unknown_field_is_named(self):
        with pytest.raises(TypeError, match=r"Post has no field \['name'\]"):
            replace(om.Post("p1", "Enhetschef"), name="Chef")

    def test_a_class_with_a_field_named_like_a_helper_is_refused(self):
        @attrs.frozen
        class Awkward:
            _value_: int

        with pytest.raises(AssertionError, match="named like a helper"):
            replace(Awkward(1), _value_=2)
