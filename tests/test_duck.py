"""DuckDB answers the as-of questions over the Parquet fact tables as the timeline does in memory."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms
from orgmodel.io import sql

from .answers import check_answers, plain

duckdb = pytest.importorskip("duckdb", reason="the duckdb extra is not installed")
pytest.importorskip("pyarrow", reason="the duckdb extra is not installed")

from orgmodel.io import duck  # noqa: E402 - after the skip: the module is usable only with duckdb


class DuckEngine:
    """The questions asked of one DuckDB connection, as plain rows that start with their organisation."""

    def __init__(self, connection: Any, *, corpus: bool = False) -> None:
        self.connection = connection
        self.org: tuple[str, ...] = () if corpus else ("",)  # one organisation's rows carry no org: call it ""

    def rows(self, relation: Any) -> list[tuple[Any, ...]]:
        return [(*self.org, *(plain(value) for value in row)) for row in relation.fetchall()]

    def edges(self, day: dt.date, kinds: list[str] | None) -> list[tuple[Any, ...]]:
        return self.rows(duck.edges(self.connection, day, kinds=kinds))

    def holders(self, day: dt.date) -> list[tuple[Any, ...]]:
        return self.rows(duck.holders(self.connection, day))

    def subtree(self, unit: str, day: dt.date) -> list[tuple[Any, ...]]:
        return self.rows(duck.subtree(self.connection, unit, day))

    def changes(self, start: dt.date, end: dt.date) -> dict[str, list[dict[str, Any]]]:
        found = {}
        for table, relation in duck.changes(self.connection, start, end).items():
            columns = relation.columns
            found[table] = [{"org": "", **dict(zip(columns, row, strict=True))} for row in relation.fetchall()]
        return found


def days_of(timeline: om.Timeline, data: st.DataObject, count: int = 3) -> list[dt.date]:
    """A few days around the timeline's history, in order."""
    first = timeline.first_day or dt.date(2013, 1, 1)
    last = timeline.last_day or first
    days = st.dates(first - dt.timedelta(days=1), last + dt.timedelta(days=1))
    return sorted(data.draw(st.lists(days, min_size=count, max_size=count), label="days"))


class TestAnswers:
    # Each example writes the files and runs some 40 queries: a tenth of the profile's examples keeps it in seconds.
    @settings(max_examples=max(5, settings.default.max_examples // 10))
    @given(oms.timelines(), st.data())
    def test_answers_over_parquet_equal_the_timelines(self, timeline, data):
        """Edges, holders, subtrees and changes read from the Parquet files equal the timeline's own answers."""
        with tempfile.TemporaryDirectory() as folder:
            timeline.facts().write_parquet(folder)
            check_answers(DuckEngine(duck.connect(folder)), {"": timeline}, days_of(timeline, data), units_per_day=4)

    def test_nacka_on_every_day_it_changed(self, tmp_path):
        """On each day Nacka changed, and the day before, DuckDB answers as the timeline does."""
        nacka = om.examples.nacka()
        nacka.facts().write_parquet(tmp_path)
        changed = sorted({change.on.earliest for change in nacka.changes})  # the first is the open start
        days = sorted({day - dt.timedelta(days=offset) for day in changed[1:] for offset in (0, 1)})
        check_answers(DuckEngine(duck.connect(tmp_path)), {"": nacka}, days[::3], units_per_day=8)

    def test_fact_tables_in_memory_answer_as_the_files_do(self, tmp_path):
        """connect() takes fact tables as they are, without writing files."""
        nacka = om.examples.nacka()
        nacka.facts().write_parquet(tmp_path)
        in_memory, on_disk = duck.connect(nacka.facts()), duck.connect(tmp_path)
        for day in ("2013-06-01", "2015-01-01", "2016-06-30"):
            assert duck.holders(in_memory, day).fetchall() == duck.holders(on_disk, day).fetchall()
            assert duck.edges(in_memory, day, kinds=None).fetchall() == duck.edges(on_disk, day, kinds=None).fetchall()

    def test_views_can_go_into_a_connection_of_your_own(self, tmp_path):
        """The views land in the connection given, beside what it already holds."""
        om.examples.nacka().facts().write_parquet(tmp_path)
        mine = duckdb.connect()
        mine.execute("CREATE TABLE notes AS SELECT 'kf' AS unit, 'the assembly' AS note")
        assert duck.connect(tmp_path, connection=mine) is mine
        joined = mine.sql("SELECT n.note, u.name FROM notes n JOIN units u ON u.id = n.unit").fetchall()
        assert joined == [("the assembly", "Kommunfullmäktige")]


class TestTheChartsRule:
    """Inside a date window the engines show what may not have ended yet, as the chart does."""

    def windowed(self) -> om.Timeline:
        """A unit dissolved "in March 2015" with its post, holder and a relation; another under a unit surely gone."""
        return om.Timeline(
            [
                om.Establish(om.Unit("kf", "KF"), on="2014-01-01"),
                om.Establish(om.Unit("a", "A", parent="kf"), on="2014-01-01"),
                om.Establish(om.Unit("b", "B", parent="a"), on="2014-01-01"),
                om.Establish(om.Unit("c", "C", parent="b"), on="2014-01-01"),
                om.Establish(om.Unit("d", "D", parent="kf"), on="2014-01-01"),
                om.Establish(om.Person("eva", "Eva"), on="2014-01-01"),
                om.Establish(om.Post("dp", "Chef", unit="d", heads=True, holder="eva"), on="2014-01-01"),
                om.AddRelation(om.Relation("supports", "d", "a"), on="2014-01-01"),
                om.Change("2015-03", [om.Dissolve("c"), om.Dissolve("b")]),
                om.Change("2015-03", [om.Dissolve("dp"), om.Dissolve("d")]),
                om.Dissolve("a", on="2015-03-10"),
            ]
        )

    def test_what_may_not_have_ended_is_on_the_answers(self):
        """On 5 March the dissolved units are answered as they last were; from 10 March B and C, under A (surely
        gone), are left off, D and its post stay until the window closes."""
        org = self.windowed()
        connection = duck.connect(org.facts())
        inside, after_a, closed = dt.date(2015, 3, 5), dt.date(2015, 3, 15), dt.date(2015, 4, 1)
        assert ("a", "b", "contains") in duck.edges(connection, inside).fetchall()
        assert [row[1] for row in duck.subtree(connection, "kf", after_a).fetchall()] == ["KF", "D"]
        assert [(row[0], row[3]) for row in duck.holders(connection, after_a).fetchall()] == [("dp", "eva")]
        assert duck.edges(connection, closed, kinds=None).fetchall() == []
        days = [dt.date(2015, 2, 28), inside, dt.date(2015, 3, 10), after_a, dt.date(2015, 3, 31), closed]
        check_answers(DuckEngine(connection), {"": org}, days)

    def test_set_aside_changes_never_reach_the_engines(self):
        """A cancelled change and one a correction replaced make no facts; their events say they do not apply."""
        first = om.Change("2015-01-01", [om.Dissolve("b")], id="b-ends", known="2014-06-01")
        moved = om.Change("2015-01-01", [om.Move("c", "kf")], id="c-moves", known="2014-06-01")
        org = om.Timeline(
            [
                *self.windowed().changes[:5],
                first,
                om.Change.cancelling(first, known="2014-12-01"),
                moved,
                om.Change("2015-02-01", [om.Move("c", "d")], corrects="c-moves", known="2014-12-01"),
            ]
        )
        facts = org.facts()
        units = {row["id"]: row for row in facts.rows("units") if row["valid_to"] is None}
        assert units["b"]["valid_from"] == dt.date(2014, 1, 1), "the cancelled dissolution ended nothing"
        assert (units["c"]["parent"], units["c"]["valid_from"]) == ("d", dt.date(2015, 2, 1)), "only the correction"
        applies = {(row["type"], row["earliest"]): row["applies"] for row in facts.rows("events")}
        assert applies[("dissolve", dt.date(2015, 1, 1))] is False
        assert applies[("move", dt.date(2015, 1, 1))] is False
        assert applies[("move", dt.date(2015, 2, 1))] is True
        days = [dt.date(2014, 12, 31), dt.date(2015, 1, 1), dt.date(2015, 2, 1)]
        check_answers(DuckEngine(duck.connect(facts)), {"": org}, days)


def write_corpus(folder: Path, organisations: dict[str, om.Timeline]) -> None:
    """Fact tables partitioned by organisation, as Spark's ``partitionBy("org")`` lays them out."""
    import pyarrow.parquet as pq

    for org, timeline in organisations.items():
        for table, rows in timeline.facts().to_arrow().items():
            (folder / table).mkdir(parents=True, exist_ok=True)  # Spark makes every table's folder, full or not
            if rows.num_rows:
                partition = folder / table / f"org={org}"
                partition.mkdir()
                pq.write_table(rows, partition / "part-0.parquet")


class TestCorpus:
    def organisations(self) -> dict[str, om.Timeline]:
        small = om.Timeline(
            [
                om.Establish(om.Unit("kf", "Kommunfullmäktige"), on="2014-01-01"),
                om.Establish(om.Unit("ks", "Kommunstyrelsen", parent="kf"), on="2014-01-01"),
            ]
        )
        return {"nacka": om.examples.nacka(), "0180 O'Stad": small}

    def test_one_organisation_of_a_corpus_answers_as_its_timeline(self, tmp_path):
        """``org=`` keeps one organisation's rows, without the column: its answers are its timeline's."""
        organisations = self.organisations()
        write_corpus(tmp_path, organisations)
        days = [dt.date(2014, 1, 1), dt.date(2015, 1, 1)]
        for org, timeline in organisations.items():
            connection = duck.connect(tmp_path, org=org)
            assert "org" not in connection.sql("SELECT * FROM units").columns
            check_answers(DuckEngine(connection), {"": timeline}, days, units_per_day=3)

    def test_a_whole_corpus_answers_for_each_organisation(self, tmp_path):
        """Over a whole corpus every answer carries ``org``, and each organisation's are its timeline's."""
        organisations = self.organisations()
        write_corpus(tmp_path, organisations)
        days = [dt.date(2013, 6, 1), dt.date(2014, 1, 1), dt.date(2015, 1, 1)]
        check_answers(DuckEngine(duck.connect(tmp_path), corpus=True), organisations, days, units_per_day=5)

    @settings(max_examples=max(3, settings.default.max_examples // 25))
    @given(st.lists(oms.timelines(), min_size=2, max_size=4), st.data())
    def test_generated_corpora_answer_for_each_organisation(self, timelines, data):
        """Organisations that share ids (u0, u1, …) are kept apart: each answers as its own timeline."""
        organisations = {f"org{number}": timeline for number, timeline in enumerate(timelines)}
        with tempfile.TemporaryDirectory() as folder:
            write_corpus(Path(folder), organisations)
            days = days_of(timelines[0], data)
            check_answers(DuckEngine(duck.connect(folder), corpus=True), organisations, days, units_per_day=3)

    def test_the_whole_corpus_has_a_column_org(self, tmp_path):
        """Without ``org=`` the views hold every organisation, told apart by ``org`` (kept as text)."""
        write_corpus(tmp_path, self.organisations())
        connection = duck.connect(tmp_path)
        day = om.dates.parse_day("2015-01-01")
        views = ",\n".join(sql.chart_views(["units"], corpus=True))
        question = f"WITH RECURSIVE {views}\nSELECT org, count(*) FROM day_units GROUP BY org ORDER BY org"
        counts = connection.sql(question, params={"day": day}).fetchall()
        assert counts == [("0180 O'Stad", 2), ("nacka", len(om.examples.nacka().at(day).units))]
        # The small organisation has no posts: its partitions are missing, and the views still work.
        assert connection.sql("SELECT DISTINCT org FROM holdings").fetchall() == [("nacka",)]

    def test_a_table_no_organisation_has_rows_for_is_empty_with_its_columns(self, tmp_path):
        """A table with no partition at all (Spark writes none) is an empty view with the schema's columns."""
        write_corpus(tmp_path, {"small": self.organisations()["0180 O'Stad"]})
        connection = duck.connect(tmp_path)
        relation = connection.sql("SELECT * FROM identifiers")
        assert relation.fetchall() == []
        assert relation.columns == [*sql.column_types("identifiers", "duckdb"), "org"]
        assert duck.holders(duck.connect(tmp_path, org="small"), "2015-01-01").fetchall() == []


class TestMistakes:
    def test_a_folder_without_tables(self, tmp_path):
        with pytest.raises(om.errors.InvalidArgumentError, match=r"no fact tables in .*write_parquet"):
            duck.connect(tmp_path)

    def test_org_for_one_organisations_folder(self, tmp_path):
        om.examples.nacka().facts().write_parquet(tmp_path)
        with pytest.raises(om.errors.InvalidArgumentError, match=r"org='nacka' picks an organisation from a corpus"):
            duck.connect(tmp_path, org="nacka")

    def test_org_for_fact_tables(self):
        with pytest.raises(om.errors.InvalidArgumentError, match="fact tables hold one already"):
            duck.connect(om.examples.nacka().facts(), org="nacka")

    @pytest.mark.parametrize(
        ("ask", "message"),
        [
            (lambda: sql.changes("events", "2015-01-01", "2015-02-01"), "changes are kept for the tables units, "),
            (lambda: sql.changes("units", "2015-02-01", "2015-01-01"), "must not be after the second.*swap them"),
            (lambda: sql.subtree("kf", "2015-01-01", depth=-1), "depth must be a whole number.*got -1"),
            (lambda: sql.subtree("kf", "2015-01-01", depth=True), "depth must be a whole number.*got True"),
            (lambda: sql.holders("2015-02-30"), "2015-02-30"),
            (lambda: sql.edges("2015-01-01").sql("postgres"), "dialect must be 'duckdb' or 'spark', got 'postgres'"),
        ],
    )
    def test_bad_arguments_say_what_to_give(self, ask, message):
        with pytest.raises(om.errors.OrgModelError, match=message):
            ask()

    def test_without_duckdb_it_says_what_to_install(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "duckdb", None)  # what Python does for a module it cannot import
        with pytest.raises(om.errors.MissingDependencyError, match=r"pip install 'orgmodel\[duckdb\]'"):
            duck.connect(om.examples.nacka().facts())


def test_a_unit_not_there_that_day_has_no_subtree():
    """The subtree of a unit that does not exist (yet, or at all) is no rows."""
    connection = duck.connect(om.examples.nacka().facts())
    assert duck.subtree(connection, "fornyelseenheten", "2012-01-01").fetchall() == []
    assert duck.subtree(connection, "no-such-unit", "2015-01-01").fetchall() == []


def test_no_kind_asked_for_is_no_edge():
    """``kinds=[]`` asks for nothing and gets no rows, in the usual columns."""
    relation = duck.edges(duck.connect(om.examples.nacka().facts()), "2015-01-01", kinds=[])
    assert relation.columns == ["source", "target", "kind"]
    assert relation.fetchall() == []
