"""Popolo JSON: what a timeline exports, what other producers' documents import as, and the round trip."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms
from orgmodel.io import popolo

#: The events whose effects Popolo (with orgmodel's ``+periods``) carries: units, posts, people, appointments.
POPOLO_EVENTS = ["establish", "dissolve", "rename", "move", "appoint", "vacate", "set-roles", "head", "report"]
#: Structural events: their effects on the chart carry over, their lineage links do not.
STRUCTURAL_EVENTS = [*POPOLO_EVENTS, "merge", "absorb", "split", "spin-off", "succeed"]
#: The Popolo date fields and the pattern the Popolo JSON schemas give them.
DATE_FIELDS = ("founding_date", "dissolution_date", "start_date", "end_date")


def chart_shape(chart: om.OrgChart) -> dict[str, object]:
    """What a chart says of units, posts, holdings and people (not functions or relations, which Popolo lacks)."""
    return {
        "units": {u.id: (u.name, str(u.kind), u.parent, u.aliases, dict(u.identifiers)) for u in chart.units.values()},
        "posts": {p.id: (p.title, str(p.kind), p.unit, p.heads, p.seats, p.reports_to) for p in chart.posts.values()},
        "holdings": {(p.id, h.person): (h.roles, h.overlap) for p in chart.posts.values() for h in p.holders},
        "people": {p.id: (p.name, p.aliases, dict(p.identifiers)) for p in chart.people.values()},
    }


def assert_same_charts(original: om.Timeline, back: om.Timeline) -> None:
    """The two timelines show the same units, posts, holdings and people on every day a change takes effect."""
    for day in sorted({change.on.earliest for change in original.changes}):
        assert chart_shape(back.at(day, people="all")) == chart_shape(original.at(day, people="all")), day


#: What each fact table says, by its columns that are not dates: the facts Popolo carries.
FACT_COLUMNS = {
    "units": ("id", "name", "kind", "parent"),
    "posts": ("id", "title", "kind", "unit", "heads", "seats"),
    "reporting_lines": ("post", "reports_to"),
    "holdings": ("post", "person", "roles", "overlap"),
    "people": ("id", "name"),
    "identifiers": ("entity", "scheme", "identifier"),
}


def facts_on(timeline: om.Timeline, day: dt.date) -> dict[str, set[tuple]]:
    """The facts in force on ``day`` as the fact tables show them (from ``valid_from`` up to ``valid_to``)."""
    found: dict[str, set[tuple]] = {}
    tables = timeline.facts()
    for table, columns in FACT_COLUMNS.items():
        found[table] = {
            tuple(tuple(row[c]) if isinstance(row[c], list) else row[c] for c in columns)
            for row in tables.rows(table)
            if row["valid_from"] <= day and (row["valid_to"] is None or day < row["valid_to"])
        }
    return found


def assert_same_facts(original: om.Timeline, back: om.Timeline) -> None:
    """The two timelines' fact tables say the same on every day a change takes effect.

    Charts on a day inside a date window show what may be true; two windows that begin on one day read back
    as one change with the wider window (as tables do), so the charts of imprecise timelines may differ in
    what is possible while the facts, taken from each change's earliest day, are the same.
    """
    for day in sorted({change.on.earliest for change in original.changes}):
        assert facts_on(back, day) == facts_on(original, day), day


def through_json(timeline: om.Timeline) -> om.Timeline:
    return popolo.from_popolo(json.loads(json.dumps(popolo.to_popolo(timeline))))


@pytest.fixture(scope="module")
def nacka() -> om.Timeline:
    return om.examples.nacka()


@pytest.fixture(scope="module")
def document(nacka: om.Timeline) -> dict:
    return popolo.to_popolo(nacka)


def by_id(items: list[dict], item_id: str) -> dict:
    return next(item for item in items if item.get("id") == item_id)


class TestExport:
    def test_a_renamed_unit_has_its_former_name_dated(self, document):
        """A former name is in ``other_names`` with the day it ended (Popolo's end date is the last day)."""
        unit = by_id(document["organizations"], "samordnings-och-utvecklingsenheten")
        assert unit["name"] == "Förnyelseenheten"
        assert unit["other_names"] == [{"name": "Samordnings- och utvecklingsenheten", "end_date": "2014-12-31"}]
        assert unit["classification"] == "support-unit"  # the report calls it a stödenhet
        assert unit["parent_id"] == "slk"

    def test_an_alias_is_an_undated_other_name(self, document):
        """Another spelling the unit declares is an other name with no dates."""
        unit = by_id(document["organizations"], "kp")
        assert {"name": "den kommunala produktionen"} in unit["other_names"]

    def test_a_moved_unit_has_its_last_parent_and_dated_parents(self, document):
        """``parent_id`` is the last parent; ``+periods`` dates each parent, with orgmodel's exclusive end."""
        unit = by_id(document["organizations"], "naturvardsradet")
        assert unit["parent_id"] == "natur-och-trafiknamnden"
        assert [(p["parent_id"], p["end"]) for p in unit["+periods"]] == [
            ("ks", "2015-01-01"),
            ("natur-och-trafiknamnden", None),
        ]

    def test_founding_and_dissolution(self, nacka, document):
        """A unit set up on a day has it as founding date; a dissolved one has its last day as dissolution date."""
        assert by_id(document["organizations"], "mangfaldskommitten")["founding_date"] == "2015-01-01"
        ended = [row for row in nacka.facts().rows("units") if row["valid_to"] is not None]
        last = max(ended, key=lambda row: row["valid_to"])
        unit = by_id(document["organizations"], last["id"])
        if unit["+periods"][-1]["end"] is not None:
            assert unit["dissolution_date"] == (last["valid_to"] - dt.timedelta(days=1)).isoformat()

    def test_an_open_start_is_left_out(self, document):
        """A unit known only to exist by some day ("senast") has no founding date: Popolo cannot say "by"."""
        unit = by_id(document["organizations"], "kp")
        assert "founding_date" not in unit
        assert unit["+periods"][0]["start"].startswith("../")

    def test_posts_and_memberships(self, nacka, document):
        """A post has its title as label, its kind as role and its unit; a holding is a membership of the post."""
        post = by_id(document["posts"], "stadsjurist")
        now = nacka.entity("stadsjurist", on="2016-01-01")
        assert (post["label"], post["role"], post["organization_id"]) == (now.title, str(now.kind), now.unit)
        membership = next(m for m in document["memberships"] if m["post_id"] == "stadsjurist")
        assert membership["person_id"] == by_id(document["persons"], membership["person_id"])["id"]
        assert membership["organization_id"] == post["organization_id"]

    def test_dates_follow_the_popolo_schema(self, document):
        """Every Popolo date is ISO 8601 with a year, a month or a day, as Popolo's JSON schemas require."""
        dates = [
            value
            for items in document.values()
            for item in items
            for value in [
                *(item.get(key) for key in DATE_FIELDS),
                *(name.get(key) for name in item.get("other_names", []) for key in DATE_FIELDS),
            ]
            if value is not None
        ]
        assert dates
        assert all(popolo.POPOLO_DATE.fullmatch(value) for value in dates)

    def test_a_month_or_a_year_stays_partial(self):
        """A change dated by a month or a year gives a partial date; by another window, its earliest day."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2014"),
                om.Establish(om.Person("ann", "Ann"), on="2014"),
                om.Establish(om.Post("p", "Chef", unit="a"), on="2014"),
                om.Appoint("p", "ann", on="2015-03"),
                om.Vacate("p", on="2015-11-01/2015-12-31"),
                om.Rename("a", "B", on="2016-01"),
            ]
        )
        document = popolo.to_popolo(org)
        unit = document["organizations"][0]
        assert unit["founding_date"] == "2014"
        assert unit["other_names"] == [{"name": "A", "start_date": "2014", "end_date": "2016-01"}]
        (membership,) = document["memberships"]
        assert (membership["start_date"], membership["end_date"]) == ("2015-03", "2015-10-31")
        assert membership["+end"] == "2015-11-01/2015-12-31"
        assert "+start" not in membership

    def test_roles_and_hand_overs(self):
        """A holding's roles are the membership's role; a hand-over is flagged ``+overlap``."""
        org = om.Timeline(
            [
                om.Change(
                    "2015-01-01",
                    [
                        om.Establish(om.Person("ann", "Ann")),
                        om.Establish(om.Person("bo", "Bo")),
                        om.Establish(om.Post("p", "Chef", holders=[om.Holding("ann", ["acting", "deputy"])])),
                    ],
                ),
                om.Appoint("p", "bo", overlap=True, on="2015-06-01"),
            ]
        )
        memberships = {m["person_id"]: m for m in popolo.to_popolo(org)["memberships"]}
        assert memberships["ann"]["role"] == "acting; deputy"
        assert memberships["bo"]["+overlap"] is True

    def test_identifiers_and_categories(self):
        """Identifiers are Popolo identifiers; the categories of kinds of one's own travel in ``+categories``."""
        org = om.Timeline(
            [om.Establish(om.Unit("d", "Division", kind="division", identifiers={"orgnr": "212000-0167"}), on="2015")],
            categories={"division": "company"},
        )
        document = popolo.to_popolo(org)
        assert document["organizations"][0]["identifiers"] == [{"scheme": "orgnr", "identifier": "212000-0167"}]
        assert document["+categories"] == {"division": "company"}
        assert popolo.from_popolo(document).categories == org.categories


class TestRoundTrip:
    def test_nacka_through_a_file(self, nacka, tmp_path):
        """Nacka written to a Popolo file and read back shows the same chart on every day a change takes effect."""
        path = popolo.write_popolo(nacka, tmp_path / "nacka.json")
        assert json.loads(path.read_text(encoding="utf-8"))["organizations"]
        assert_same_facts(nacka, popolo.read_popolo(path))

    @given(oms.timelines(event_types=POPOLO_EVENTS, max_events=25, imprecise=False))
    def test_what_popolo_expresses(self, timeline):
        """Units, posts, people, renames, moves, appointments, vacancies, roles, heads and dissolutions round-trip."""
        assert_same_charts(timeline, through_json(timeline))

    @given(oms.timelines(event_types=POPOLO_EVENTS, max_events=25))
    def test_imprecise_dates(self, timeline):
        """With dates that are windows, the facts in force on each day a change takes effect are the same."""
        assert_same_facts(timeline, through_json(timeline))

    @given(oms.timelines(event_types=STRUCTURAL_EVENTS, max_events=20, imprecise=False))
    def test_structural_changes_keep_their_charts(self, timeline):
        """Merges, splits and absorptions read back as the moves and endings they made: the charts are the same."""
        assert_same_charts(timeline, through_json(timeline))

    @given(
        oms.timelines(
            event_types=POPOLO_EVENTS,
            max_events=15,
            imprecise=False,
            # Reading drops the spaces around a name, as the table importer does (docs/standards.md says so).
            names=oms.names(unusual=True).filter(lambda name: name == name.strip()),
        )
    )
    def test_any_names(self, timeline):
        """Names with markup, quotes, emoji and Swedish letters survive JSON and back."""
        assert_same_charts(timeline, through_json(timeline))

    @given(oms.revised_timelines(event_types=STRUCTURAL_EVENTS, max_events=15))
    def test_a_revised_timeline_is_written_as_its_applied_changes(self, timeline):
        """Cancelled changes and those a correction replaced are left out: the document is that of the rest."""
        applied = om.Timeline(
            [attrs.evolve(change, corrects=None) for change in timeline.applied_changes], categories=timeline.categories
        )
        assert popolo.to_popolo(timeline) == popolo.to_popolo(applied)
        assert_same_facts(timeline, through_json(timeline))

    def test_a_head_post_that_moves_away(self):
        """A head post that stops heading its unit and moves to another reads back heading nothing."""
        org = om.Timeline(
            [
                om.Change(
                    "2015-01-01",
                    [
                        om.Establish(om.Unit("a", "A")),
                        om.Establish(om.Unit("b", "B")),
                        om.Establish(om.Post("pa", "Chef A", unit="a", heads=True)),
                        om.Establish(om.Post("pb", "Chef B", unit="b", heads=True)),
                    ],
                ),
                om.Change("2016-01-01", [om.SetHead("a", None), om.Move("pa", "b")]),
            ]
        )
        back = through_json(org)
        assert back.head("b", on="2016-01-01").id == "pb"
        assert back.head("a", on="2016-01-01") is None
        assert_same_charts(org, back)


#: A document as other Popolo producers write them: no ``+periods``, memberships without posts.
TOWN = {
    "organizations": [
        {
            "id": "council",
            "name": "Town Council",
            "classification": "council",
            "founding_date": "1990",
            "other_names": [
                {"name": "Borough Council", "start_date": "1990", "end_date": "2004-12-31"},
                {"name": "The Council"},
            ],
            "identifiers": [{"scheme": "gss", "identifier": "E07000001"}],
        },
        {"id": "finance", "name": "Finance Committee", "classification": "committee", "parent_id": "council"},
    ],
    "persons": [
        {"id": "ann", "name": "Ann Smith", "other_names": [{"name": "Ann Jones", "end_date": "2009-06-30"}]},
        {"id": "bob", "name": "Bob Brown"},
    ],
    "posts": [
        {"id": "mayor", "label": "Mayor", "role": "Mayor", "organization_id": "council", "start_date": "2000"},
    ],
    "memberships": [
        {"person_id": "ann", "post_id": "mayor", "role": "Mayor", "start_date": "2006-05", "end_date": "2010-05"},
        {"person_id": "bob", "post_id": "mayor", "start_date": "2010-05"},
        {"person_id": "ann", "organization_id": "finance", "role": "chair", "start_date": "2008-01-15"},
        {"person_id": "bob", "organization_id": "finance", "start_date": "2008-01-15", "end_date": "2012-12-31"},
    ],
}


@pytest.fixture(scope="module")
def town() -> om.Timeline:
    return popolo.from_popolo(TOWN)


class TestOtherProducers:
    def test_dated_other_names_are_renames(self, town):
        """A dated other name is a former name: the organization bore it until its end date."""
        assert town.entity("council", on="2004-12-31").name == "Borough Council"
        assert town.entity("council", on="2005-01-01").name == "Town Council"
        assert town.at("2005-01-01").units["council"].aliases == ("The Council",)
        assert dict(town.at("2005-01-01").units["council"].identifiers) == {"gss": "E07000001"}

    def test_no_founding_date_starts_with_the_document(self, town):
        """An organization without a founding date is there from the earliest date the document gives."""
        assert town.first_day == dt.date(1990, 1, 1)
        assert town.parent("finance", on="1990-01-01").id == "council"

    def test_memberships_of_posts(self, town):
        """A membership of a post is a holding; the post's own role said again is not a role of the holding."""
        (holding,) = town.at("2007-01-01").holdings("mayor")
        assert (holding.person, holding.roles) == ("ann", ())
        assert [person.id for person in town.holders("mayor", on="2010-05-01")] == ["bob"]

    def test_memberships_without_posts(self, town):
        """A membership in an organization without a post holds a post of its role there (``member`` without)."""
        chart = town.at("2009-01-01")
        assert [person.id for person in chart.holders("finance/chair")] == ["ann"]
        assert [person.id for person in chart.holders("finance/member")] == ["bob"]
        assert chart.posts["finance/chair"].unit == "finance"
        assert town.holders("finance/member", on="2013-01-01") == ()

    def test_former_names_of_persons(self, town):
        """A person's dated other name is their name until its end date."""
        assert town.entity("ann", on="2008-01-15").name == "Ann Jones"
        assert town.entity("ann", on="2009-07-01").name == "Ann Smith"


class TestErrors:
    def test_every_problem_at_once_with_its_place(self):
        """Problems in the document are all reported, each at the object it is in, and nothing is loaded."""
        document = {
            "organizations": [{"name": "No id", "founding_date": "2015"}, {"id": "x", "founding_date": "15/1/2015"}],
            "memberships": [{"post_id": "nowhere"}, {"person_id": "ann"}],
        }
        with pytest.raises(om.FormatError) as caught:
            popolo.from_popolo(document, file="town.json")
        assert caught.value.problems == (
            "town.json: organizations[0]: 'id' must be a non-empty text, got None",
            "town.json: organizations[1]: 'founding_date' must be a date such as '2015-01-31', '2015-01' or '2015', "
            "got '15/1/2015'",
            "town.json: memberships[0]: needs a 'person_id' (orgmodel reads memberships of persons only)",
            "town.json: memberships[1]: needs a 'post_id' or an 'organization_id'",
        )

    def test_a_problem_of_the_organisation_is_placed_at_its_object(self):
        """What the timeline refuses (a membership of a person no list has) is placed at the membership."""
        document = {
            "organizations": [{"id": "c", "name": "Council", "founding_date": "2015"}],
            "posts": [{"id": "mayor", "label": "Mayor", "organization_id": "c"}],
            "memberships": [{"person_id": "ann", "post_id": "mayor", "start_date": "2016"}],
            "persons": [{"id": "bob", "name": "Bob"}],
        }
        with pytest.raises(om.FormatError, match=r"^town\.json: memberships\[0\]: 'ann' is not in the persons table"):
            popolo.from_popolo(document, file="town.json")

    def test_not_a_document(self):
        """A JSON value that is not an object is refused, saying what it is."""
        with pytest.raises(om.FormatError, match="a Popolo document is a JSON object, got list"):
            popolo.from_popolo([])  # type: ignore[arg-type]

    def test_a_file_that_is_not_json(self, tmp_path):
        """A file that is not JSON is refused with its line and column."""
        path = tmp_path / "broken.json"
        path.write_text('{"organizations": [\n  {"id": "a",}\n]}', encoding="utf-8")
        with pytest.raises(om.FormatError, match=r"broken\.json:2:14: not JSON"):
            popolo.read_popolo(path)

    @given(st.sampled_from(["2015-1-1", "15", "2015-01-01T00:00:00", "yesterday", 2015]))
    def test_dates_that_are_not_popolo_dates(self, value):
        """Only Popolo's dates are read: a year, a month or a day in ISO 8601."""
        document = {"organizations": [{"id": "c", "name": "C", "founding_date": value}]}
        with pytest.raises(om.FormatError, match=r"organizations\[0\]: 'founding_date' must be a date"):
            popolo.from_popolo(document)
