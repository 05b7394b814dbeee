"""Spark answers the as-of questions as the timelines do, and builds a corpus of many organisations in parallel.

Marked ``spark``: they need pyspark and Java (skipped without them) and share
one local session (the ``spark_session`` fixture).  CI runs them in a step of
their own (``pytest -m spark``).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms

from .answers import check_answers, plain

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import synthetic  # noqa: E402 - the repository root comes first

pytest.importorskip("pyspark", reason="the spark extra is not installed")

from orgmodel.io import spark  # noqa: E402 - after the skip: the module is usable only with pyspark


class SparkEngine:
    """The questions asked of one Spark session's views, as plain rows that start with their organisation."""

    def __init__(self, session: Any, *, corpus: bool = False) -> None:
        self.session = session
        self.org: tuple[str, ...] = () if corpus else ("",)  # one organisation's rows carry no org: call it ""

    def rows(self, frame: Any) -> list[tuple[Any, ...]]:
        return [(*self.org, *(plain(value) for value in row)) for row in frame.collect()]

    def edges(self, day: dt.date, kinds: list[str] | None) -> list[tuple[Any, ...]]:
        return self.rows(spark.edges(self.session, day, kinds=kinds))

    def holders(self, day: dt.date) -> list[tuple[Any, ...]]:
        return self.rows(spark.holders(self.session, day))

    def subtree(self, unit: str, day: dt.date) -> list[tuple[Any, ...]]:
        return self.rows(spark.subtree(self.session, unit, day))

    #: The tables whose changes Spark is asked for: one of each shape of key (one, two and three columns). The
    #: SQL is DuckDB's, checked there on every table; a Spark query is a job of seconds, ten a minute per day.
    CHANGE_TABLES = ("units", "holdings", "relations")

    def changes(self, start: dt.date, end: dt.date) -> dict[str, list[dict[str, Any]]]:
        return {
            table: [{"org": "", **row.asDict()} for row in frame.collect()]
            for table, frame in spark.changes(self.session, start, end).items()
            if table in self.CHANGE_TABLES
        }


#: Days on which the corpus is asked its questions (each Spark query takes seconds: two days, one diff).
DAYS = [dt.date(2005, 7, 1), dt.date(2015, 1, 1)]


def municipalities(count: int) -> dict[str, om.Timeline]:
    """Nacka and ``count - 1`` small synthetic organisations with thirty years of history each, named as
    municipalities are (a space, a quote and letters beyond ASCII among them)."""
    names = ["Upplands Väsby", "O'Stad", "Håbo", *(f"kommun-{number:03}" for number in range(count - 4))]
    organisations = {
        name: om.Timeline(synthetic.generate(synthetic.Size(units=12, changes=30), seed=seed).entries)
        for seed, name in enumerate(names)
    }
    return {**organisations, "Nacka": om.examples.nacka()}


class TestCorpus:
    @pytest.fixture(scope="class")
    @classmethod
    def corpus(cls, spark_session, tmp_path_factory):
        """Fifty-two organisations saved as YAML files, two of them broken, built into one corpus."""
        folder = tmp_path_factory.mktemp("corpus")
        files = folder / "files"
        files.mkdir()
        organisations = municipalities(52)
        for name, timeline in organisations.items():
            om.save(timeline, files / f"{name}.yaml")
        (files / "trasig.yaml").write_text("orgmodel: 1\nevents:\n  - rename: [\n", encoding="utf-8")
        (files / "okänd.yaml").write_text(
            "orgmodel: 1\nevents:\n  - rename: ks\n    name: Kommunstyrelsen\n    on: 2015-01-01\n", encoding="utf-8"
        )
        paths = sorted(files.iterdir())
        results = spark.build_corpus(spark_session, paths, folder / "tables")
        return organisations, results, folder / "tables"

    def test_every_organisation_is_reported_and_the_broken_ones_say_why(self, corpus):
        """One result per file, by name; the broken files are reported with where and what, the rest built."""
        organisations, results, _ = corpus
        assert [result.org for result in results] == sorted([*organisations, "trasig", "okänd"])
        failed = {result.org: result.error for result in results if not result.ok}
        assert set(failed) == {"trasig", "okänd"}
        assert re.search(r"FormatError: .*trasig\.yaml:\d+:\d+", failed["trasig"])
        assert re.search(r"FormatError: .*okänd\.yaml:3:5: rename 'ks' .*: unknown entity 'ks'", failed["okänd"])
        for result in results:
            if result.ok:
                timeline = organisations[result.org]
                assert result.events == len(timeline.events)
                assert result.rows == {name: timeline.facts().count(name) for name in result.rows}
                assert result.source.endswith(f"{result.org}.yaml")
            else:
                assert result.rows == {}

    def test_tables_are_partitioned_by_organisation(self, corpus):
        """Each table has a folder ``org=NAME`` for each organisation built that has rows in it, and no other."""
        organisations, _, tables = corpus
        units = {path.name for path in (tables / "units").iterdir() if path.is_dir()}
        assert len(units) == len(organisations) == 52
        assert "org=trasig" not in units
        assert "org=okänd" not in units

    def test_spark_answers_for_every_organisation_at_once(self, spark_session, corpus):
        """Over the whole corpus each question is one query; every organisation's rows are its timeline's answers."""
        organisations, _, tables = corpus
        spark.register(spark_session, tables)
        check_answers(SparkEngine(spark_session, corpus=True), organisations, DAYS, units_per_day=1)

    def test_one_organisation_of_the_corpus(self, spark_session, corpus):
        """``org=`` registers one organisation's rows, without the column."""
        organisations, _, tables = corpus
        spark.register(spark_session, tables, org="Upplands Väsby")
        assert "org" not in spark_session.table("units").columns
        check_answers(SparkEngine(spark_session), {"": organisations["Upplands Väsby"]}, DAYS, units_per_day=1)

    def test_duckdb_reads_the_corpus_spark_wrote(self, corpus):
        """The partitions Spark writes (its escapes in names included) are what DuckDB reads."""
        pytest.importorskip("duckdb")
        from orgmodel.io import duck

        organisations, _, tables = corpus
        connection = duck.connect(tables)
        names = [row[0] for row in connection.sql("SELECT DISTINCT org FROM units ORDER BY org").fetchall()]
        assert names == sorted(organisations)
        from .test_duck import DuckEngine

        check_answers(DuckEngine(duck.connect(tables, org="O'Stad")), {"": organisations["O'Stad"]}, DAYS[1:])


# Each example builds a corpus and runs some 40 Spark queries, seconds each: two examples unless the profile is deep.
@settings(max_examples=max(2, settings.default.max_examples // 50), suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(oms.timelines(), min_size=3, max_size=6), st.data())
def test_generated_corpora_answer_as_their_timelines(spark_session, timelines, data):
    """Generated timelines (every kind of event) built as a corpus from timelines: Spark answers as each does."""
    organisations = {f"org{number}": timeline for number, timeline in enumerate(timelines)}
    first = min((timeline.first_day for timeline in timelines if timeline.first_day), default=dt.date(2013, 1, 1))
    last = max((timeline.last_day for timeline in timelines if timeline.last_day), default=first)
    span = st.dates(first - dt.timedelta(days=1), last + dt.timedelta(days=1))
    days = sorted(data.draw(st.lists(span, min_size=2, max_size=2), label="days"))
    with tempfile.TemporaryDirectory() as folder:
        results = spark.build_corpus(spark_session, organisations, folder)
        assert [(result.org, result.ok, result.source) for result in results] == [
            (org, True, "<timeline>") for org in sorted(organisations)
        ]
        spark.register(spark_session, folder)
        check_answers(SparkEngine(spark_session, corpus=True), organisations, days, units_per_day=1)


def test_what_may_not_have_ended_is_answered_as_the_chart_shows_it(spark_session, tmp_path):
    """Inside a date window Spark shows what may not have ended yet, and leaves off what points at what is gone."""
    from .test_duck import TestTheChartsRule

    org = TestTheChartsRule().windowed()
    org.facts().write_parquet(tmp_path)
    spark.register(spark_session, tmp_path)
    days = [dt.date(2015, 3, 15), dt.date(2015, 4, 1)]  # a Spark query is a job: two days keep it to a minute
    assert [row[1] for row in spark.subtree(spark_session, "kf", days[0]).collect()] == ["KF", "D"]
    check_answers(SparkEngine(spark_session), {"": org}, days, units_per_day=2)


class TestMistakes:
    def test_a_folder_without_tables(self, spark_session, tmp_path):
        with pytest.raises(om.errors.InvalidArgumentError, match=r"no fact tables in .*build_corpus"):
            spark.register(spark_session, tmp_path)

    def test_org_for_one_organisations_folder(self, spark_session, tmp_path):
        om.examples.nacka().facts().write_parquet(tmp_path)
        with pytest.raises(om.errors.InvalidArgumentError, match=r"org='nacka' picks an organisation from a corpus"):
            spark.register(spark_session, tmp_path, org="nacka")

    @pytest.mark.parametrize(
        ("organisations", "message"),
        [
            ([], "needs at least one organisation"),
            ("corpus/", r"got one path 'corpus/': pass \[path\] for one"),
            (["a/x.yaml", "b/x.yaml"], r"two organisations are named 'x'.*name each once"),
            ({"": om.Timeline()}, "name must be non-empty text, got ''"),
            ({"x": 42}, "organisation 'x' must be a file's path or an orgmodel.Timeline, got int"),
        ],
    )
    def test_bad_corpora_are_refused_before_any_task_runs(self, spark_session, tmp_path, organisations, message):
        with pytest.raises(om.errors.InvalidArgumentError, match=message):
            spark.build_corpus(spark_session, organisations, tmp_path)
        assert list(tmp_path.iterdir()) == []

    def test_without_java_it_says_what_to_install(self, monkeypatch):
        monkeypatch.setattr(spark.shutil, "which", lambda name: None)
        monkeypatch.delenv("JAVA_HOME", raising=False)
        with pytest.raises(om.errors.MissingDependencyError, match=r"Spark needs Java 17 or later.*install a JDK"):
            spark.local_session()


def test_the_spark_examples_of_the_scale_out_page_run(spark_session, tmp_path, monkeypatch, capsys):
    """The page's Python blocks (its Spark examples) run in order, in a fresh folder, and print what it shows."""
    page = (ROOT / "docs" / "scale-out.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```(?:\n+```text\n(.*?)```)?", page, flags=re.DOTALL)
    assert any("build_corpus" in code for code, _ in blocks), "the page builds a corpus"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for code, shown in blocks:
        capsys.readouterr()
        exec(compile(code, "docs/scale-out.md", "exec"), namespace)
        printed = capsys.readouterr().out
        if shown:
            assert printed == shown, code
