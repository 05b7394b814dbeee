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


def as_of(facts: tables.FactTables, table: str, day: dt.date) -> list[dict]:
    """The rows of a table in force on ``day``: the as-of filter SQL engines run, in plain Python."""
    return [
        row
        for row in facts.rows(table)
        if row["valid_from"] <= day and (row["valid_to"] is None or row["valid_to"] > day)
    ]


def chart_from_facts(facts: tables.FactTables, day: dt.date) -> dict[str, object]:
    """What the fact tables say of one day, in the shape of :func:`chart_facts`."""
    units = {row["id"]: (row["name"], row["kind"], row["parent"]) for row in as_of(facts, "units", day)}
    posts = {
        row["id"]: (row["title"], row["kind"], row["unit"], row["heads"], row["seats"])
        for row in as_of(facts, "posts", day)
    }
    holdings = {
        (row["post"], row["person"]): (tuple(row["roles"]), row["overlap"]) for row in as_of(facts, "holdings", day)
    }
    relations = {(row["kind"], row["source"], row["target"]) for row in as_of(facts, "relations", day)}
    owners = {row["function"]: row["owner"] for row in as_of(facts, "function_owners", day)}
    reporting = {row["post"]: row["reports_to"] for row in as_of(facts, "reporting_lines", day)}
    attributes = {(row["entity"], row["name"]): json.loads(row["value"]) for row in as_of(facts, "attributes", day)}
    functions = {row["id"]: row["name"] for row in as_of(facts, "functions", day)}
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


def without_ghosts(chart: om.OrgChart) -> om.OrgChart:
    """The chart less what is on it only because it may not have ended yet."""
    ghosts = {key for key, mark in chart._uncertainty.items() if mark.ghost}
    return om.OrgChart.assemble(
        chart.day,
        {key: unit for key, unit in chart.units.items() if key not in ghosts},
        {key: post for key, post in chart.posts.items() if key not in ghosts},
        {key: person for key, person in chart.people.items() if key not in ghosts},
        {key: function for key, function in chart.functions.items() if key not in ghosts},
        {relation.key: relation for relation in chart.relations if relation.key not in ghosts},
    )


class TestFacts:
    @given(oms.timelines(), st.data())
    def test_the_rows_in_force_on_a_day_are_the_chart_of_that_day(self, timeline, data):
        """Filtering every table by ``valid_from <= day < valid_to`` gives the organisation ``at(day)`` shows,
        less what it shows only because it may not have ended yet (each window at its earliest day)."""
        facts = timeline.facts()
        days = sorted({change.on.earliest for change in timeline.changes} | {dt.date(2012, 12, 31)})
        day = data.draw(st.sampled_from(days) | st.dates(days[0], days[-1] + dt.timedelta(days=30)))
        found, expected = chart_from_facts(facts, day), chart_facts(without_ghosts(timeline.at(day)))
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
                assert row["valid_to"] is None or row["valid_to"] > row["valid_from"]
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
