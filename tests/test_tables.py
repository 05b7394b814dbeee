"""The facts of a timeline as effective-dated tables, and charts, diffs and histories as rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms
from orgmodel.io import tables

from . import naive_tables

#: What a row of each table belongs to (the column of its entity's id), and what an entity's rows point at.
_OWNER = {
    "units": "id",
    "posts": "id",
    "people": "id",
    "functions": "id",
    "holdings": "post",
    "reporting_lines": "post",
    "function_owners": "function",
    "attributes": "entity",
    "identifiers": "entity",
}
_POINTS_AT = {"units": "parent", "posts": "unit", "reporting_lines": "reports_to", "holdings": "person"}
_POINTS_AT["function_owners"] = "owner"


def on_chart(facts: tables.FactTables, day: dt.date) -> dict[str, list[dict]]:
    """Each table's rows on the chart of ``day``, read naively: the rule the SQL of orgmodel.io.sql runs.

    The rows in force with every opened window applied, and the rows of an
    entity or relation that ended inside a window still open on the day, as
    long as all it points at is on the chart too (checked until nothing more
    is left off).
    """
    held, ghosts = {}, {}
    for table in _OWNER | {"relations": ""}:
        rows = list(facts.rows(table))
        held[table] = [
            row for row in rows if row["valid_from"] <= day and (row["valid_to"] is None or row["valid_to"] > day)
        ]
        ghosts[table] = [row for row in rows if row["ended_whole"] and row["valid_to"] <= day < row["valid_to_latest"]]
    present = {row["id"] for table in ("units", "posts", "people", "functions") for row in held[table]}
    pending = {row["id"] for table in ("units", "posts", "people", "functions") for row in ghosts[table]}
    points_at: dict[str, set[str]] = {}
    for table, column in _POINTS_AT.items():
        for row in ghosts[table]:
            if row[column] is not None:
                points_at.setdefault(row[_OWNER[table]], set()).add(row[column])
    while left_off := {owner for owner in pending if not points_at.get(owner, set()) <= present | pending}:
        pending -= left_off
    found = {table: held[table] + [row for row in ghosts[table] if row[_OWNER[table]] in pending] for table in _OWNER}
    found["relations"] = held["relations"] + [
        row for row in ghosts["relations"] if {row["source"], row["target"]} <= present | pending
    ]
    return found


def chart_from_facts(facts: tables.FactTables, day: dt.date) -> dict[str, object]:
    """What the fact tables say of one day, in the shape of :func:`chart_facts`."""
    rows = on_chart(facts, day)
    units = {row["id"]: (row["name"], row["kind"], row["parent"]) for row in rows["units"]}
    posts = {row["id"]: (row["title"], row["kind"], row["unit"], row["heads"], row["seats"]) for row in rows["posts"]}
    holdings = {(row["post"], row["person"]): (tuple(row["roles"]), row["overlap"]) for row in rows["holdings"]}
    relations = {(row["kind"], row["source"], row["target"]) for row in rows["relations"]}
    owners = {row["function"]: row["owner"] for row in rows["function_owners"]}
    reporting = {row["post"]: row["reports_to"] for row in rows["reporting_lines"]}
    attributes = {(row["entity"], row["name"]): json.loads(row["value"]) for row in rows["attributes"]}
    functions = {row["id"]: row["name"] for row in rows["functions"]}
    return {
        "units": units,
        "posts": posts,
        "holdings": holdings,
        "relations": relations,
        "owners": owners,
        "reporting": reporting,
        "attributes": attributes,
        "functions": functions,
    }


def chart_facts(chart: om.OrgChart) -> dict[str, object]:
    """The same, read from the chart."""
    return {
        "units": {unit.id: (unit.name, str(unit.kind), unit.parent) for unit in chart.units.values()},
        "posts": {
            post.id: (post.title, str(post.kind), post.unit, post.heads, post.seats) for post in chart.posts.values()
        },
        "holdings": {
            (post.id, holding.person): (holding.roles, holding.overlap)
            for post in chart.posts.values()
            for holding in post.holders
        },
        "relations": {(str(r.kind), r.source, r.target) for r in chart.relations},
        "owners": {function.id: function.owner for function in chart.functions.values() if function.owner},
        "reporting": {post.id: post.reports_to for post in chart.posts.values() if post.reports_to},
        "attributes": {
            (entity.id, name): value
            for entity in chart.entities.values()
            for name, value in entity.attributes.items()
            if entity.id in chart.units or entity.id in chart.posts or entity.id in chart.functions
        },
        "functions": {function.id: function.name for function in chart.functions.values()},
    }


class TestFacts:
    @given(oms.timelines(), st.data())
    def test_the_rows_in_force_on_a_day_are_the_chart_of_that_day(self, timeline, data):
        """Each table's rows on the chart of a day (orgmodel.io.sql's rule) give the organisation ``at(day)`` shows."""
        facts = timeline.facts()
        days = sorted({change.on.earliest for change in timeline.changes} | {dt.date(2012, 12, 31)})
        day = data.draw(st.sampled_from(days) | st.dates(days[0], days[-1] + dt.timedelta(days=30)))
        found, expected = chart_from_facts(facts, day), chart_facts(timeline.at(day))
        found["attributes"] = {
            key: value for key, value in found["attributes"].items() if key[0] not in _people(timeline, day)
        }
        assert found == expected

    @given(oms.timelines())
    def test_each_fact_has_rows_that_neither_overlap_nor_hold_on_no_day(self, timeline):
        """A fact's rows follow one another in time; none is empty; every row names the events behind it."""
        facts = timeline.facts()
        events = {row["event"] for row in facts.rows("events")}
        for table in ("units", "posts", "people", "functions", "holdings", "relations"):
            rows = list(facts.rows(table))
            for row in rows:
                # Only what ended whole inside a window may end on the day it began: a chart shows it in the window.
                if row["valid_to"] is not None and not row["ended_whole"]:
                    assert row["valid_to"] > row["valid_from"]
                assert row["valid_to_latest"] is None or row["valid_to_latest"] > row["valid_from"]
                assert row["event_from"] in events
                assert row["event_to"] is None or row["event_to"] in events
                assert row["uncertain"] == (
                    row["valid_from"] != row["valid_from_latest"]
                    or (row["valid_to"] is not None and row["valid_to"] != row["valid_to_latest"])
                )

    def test_a_renamed_unit_has_one_row_per_name(self):
        """Rows are slowly changing dimensions: a new row when a value changes, the old one closed that day."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "A"), on="2014-01-01"),
                om.Rename("u", "B", on="2015-01-01"),
                om.Dissolve("u", on="2016-01-01"),
            ]
        )
        rows = [(row["name"], str(row["valid_from"]), str(row["valid_to"])) for row in org.facts().rows("units")]
        assert rows == [("A", "2014-01-01", "2015-01-01"), ("B", "2015-01-01", "2016-01-01")]

    def test_a_date_window_is_kept_whole_and_marked(self):
        """A change dated "våren 2015" begins its fact on the window's first day, its last day kept beside it."""
        org = om.Timeline(
            [om.Establish(om.Unit("u", "A"), on="2014-01-01"), om.Rename("u", "B", on="under våren 2015")]
        )
        last = list(org.facts().rows("units"))[-1]
        assert (last["valid_from"], last["valid_from_latest"], last["uncertain"]) == (
            dt.date(2015, 1, 1),
            dt.date(2015, 6, 30),
            True,
        )

    def test_the_events_table_keeps_sources_and_cancelled_changes(self):
        """Every event is a row with its source and status, a cancelled one too (it made no facts)."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "A"), on="2014-01-01", source=om.Source("Plan", quote="A is set up")),
                om.Dissolve("u", on="2015-01-01", status="cancelled"),
            ]
        )
        events = list(org.facts().rows("events"))
        assert [(row["type"], row["status"], row["quote"]) for row in events] == [
            ("establish", "decided", "A is set up"),
            ("dissolve", "cancelled", None),
        ]
        assert next(org.facts().rows("units"))["valid_to"] is None

    def test_nacka_lineage_is_a_table(self):
        """The lineage links are rows, with the event behind each."""
        lineage = list(om.examples.nacka().facts().rows("lineage"))
        assert ("split", "ekonomienheten", "controllerenheten") in {
            (row["kind"], row["predecessor"], row["successor"]) for row in lineage
        }


def same_tables(found: tables.FactTables, expected: tables.FactTables) -> None:
    """Two sets of fact tables are equal: the same tables, columns, rows and order."""
    assert found.names == expected.names
    assert found.schema == expected.schema
    for name in expected.names:
        assert list(found.rows(name)) == list(expected.rows(name)), name


class TestFactsAgainstTheNaiveWay:
    """``facts()`` compares only what each write changed and writes a row once its change is over.

    The naive way (``tests/naive_tables.py``, the first implementation)
    works out every fact of both values of every write and compares them
    whole; the two must give the same tables, row for row.
    """

    @given(oms.timelines(max_events=40))
    def test_the_tables_are_those_of_the_naive_way(self, timeline):
        same_tables(timeline.facts(), naive_tables.naive_facts(timeline))

    @given(oms.timelines(max_events=40, max_gap_days=2))
    def test_on_crowded_days_and_overlapping_windows(self, timeline):
        """Many changes of one day: facts that held on no day, and ends inside windows."""
        same_tables(timeline.facts(), naive_tables.naive_facts(timeline))

    @given(oms.revised_timelines())
    def test_with_cancelled_and_corrected_changes(self, timeline):
        same_tables(timeline.facts(), naive_tables.naive_facts(timeline))

    def test_a_fact_changed_by_the_change_that_ends_its_entity_ended_whole(self):
        """A post renamed and abolished in one change dated by a window: its old title ended whole, not renamed."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("u", "U"), on="2014-01-01"),
                om.Establish(om.Post("p", "Chef", unit="u"), on="2014-01-01"),
                om.Change("under våren 2015", [om.Rename("p", "Direktör"), om.Dissolve("p")]),
            ]
        )
        same_tables(org.facts(), naive_tables.naive_facts(org))
        rows = [(row["title"], row["ended_whole"]) for row in org.facts().rows("posts")]
        assert rows == [("Chef", True)]


@pytest.fixture(scope="module")
def facts() -> tables.FactTables:
    return om.examples.nacka().facts()


class TestFormats:
    def test_arrow_tables_have_the_schema_types(self, facts):
        """Dates are date32, lists are lists of text, ids are text: as docs/tables.md says."""
        pa = pytest.importorskip("pyarrow")
        arrow = facts.to_arrow()
        assert set(arrow) == set(tables.SCHEMA)
        units = arrow["units"]
        assert units.schema.field("valid_from").type == pa.date32()
        assert arrow["holdings"].schema.field("roles").type == pa.list_(pa.string())
        assert units.num_rows == facts.count("units")

    def test_parquet_round_trip(self, facts, tmp_path):
        """Written to Parquet and read back, every table is the same."""
        parquet = pytest.importorskip("pyarrow.parquet")
        paths = facts.write_parquet(tmp_path / "facts")
        assert sorted(path.name for path in paths) == sorted(f"{name}.parquet" for name in tables.SCHEMA)
        for name, table in facts.to_arrow().items():
            assert parquet.read_table(tmp_path / "facts" / f"{name}.parquet").equals(table)

    def test_pandas_frames(self, facts):
        """One DataFrame per table, its columns those of the schema."""
        pytest.importorskip("pandas")
        frames = facts.to_pandas()
        assert list(frames["units"].columns) == [column.name for column in tables.SCHEMA["units"]]
        assert len(frames["events"]) == facts.count("events")

    def test_csv_needs_nothing_extra(self, facts, tmp_path):
        """CSV files with a header row; dates in ISO, lists joined with ';', nothing written as 'None'."""
        facts.write_csv(tmp_path)
        lines = (tmp_path / "units.csv").read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("id,name,kind,category,parent,valid_from")
        assert "None" not in (tmp_path / "holdings.csv").read_text(encoding="utf-8")

    def test_a_missing_library_names_the_extra(self, facts, monkeypatch):
        """Without pyarrow, asking for Arrow says what to install."""
        import builtins

        real_import = builtins.__import__

        def no_pyarrow(name, *args, **kwargs):
            if name.startswith("pyarrow"):
                raise ImportError(name)
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", no_pyarrow)
        monkeypatch.delitem(__import__("sys").modules, "pyarrow", raising=False)
        with pytest.raises(om.MissingDependencyError, match=r"pip install 'orgmodel\[tables\]'"):
            facts.to_arrow()


class TestRows:
    def test_a_chart_as_tables(self):
        """A day's organisation as rows, with its marks."""
        chart = om.examples.nacka().at("2015-01-01")
        rows = list(chart.tables().rows("holdings"))
        assert len(rows) == sum(len(post.holders) for post in chart.posts.values())
        assert set(rows[0]) == {"post", "person", "roles", "overlap", "uncertain", "planned"}

    def test_a_diff_as_rows(self):
        """One row per classified change, with what kind it is and its source."""
        diff = om.examples.nacka().diff("2014-12-31", "2015-01-01")
        rows = diff.rows()
        assert len(rows) == len(diff)
        renamed = next(
            row for row in rows if row["kind"] == "renamed" and row["subject"] == "samordnings-och-utvecklingsenheten"
        )
        assert (renamed["name_before"], renamed["name_after"]) == (
            "Samordnings- och utvecklingsenheten",
            "Förnyelseenheten",
        )

    def test_a_history_as_rows(self):
        """One row per fact, with its dates and the event behind it."""
        history = om.examples.nacka().history("förnyelseenheten")
        rows = history.rows()
        assert len(rows) == len(history)
        assert {"since_earliest", "until_earliest", "began", "source"} <= set(rows[0])

    def test_frames(self):
        """Diffs and histories as DataFrames."""
        pytest.importorskip("pandas")
        org = om.examples.nacka()
        assert len(org.diff("2014-12-31", "2015-01-01").to_frame()) == len(org.diff("2014-12-31", "2015-01-01"))
        assert "attribute" in org.history("förnyelseenheten").to_frame().columns
        assert set(org.at("2015-01-01").to_frames()) >= {"units", "posts", "holdings"}


def _people(timeline: om.Timeline, day: dt.date) -> set[str]:
    return set(timeline.at(day, people="all").people)
