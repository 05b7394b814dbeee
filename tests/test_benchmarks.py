"""The benchmark harness at a tiny size: the generator is valid and deterministic, and every method agrees.

No timings are asserted: these tests only guard the workload and the answers
the benchmarks compare.
"""

from __future__ import annotations

import datetime as dt
import doctest
import itertools
import math
import random
import sys
from pathlib import Path

import pytest

import orgmodel as om

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import naive, raphtory_baseline, run, synthetic  # noqa: E402 - the repository root comes first

TINY = synthetic.Size(units=40, changes=400)


@pytest.fixture(scope="module")
def workload() -> synthetic.Workload:
    return synthetic.generate(TINY, seed=3)


@pytest.fixture(scope="module")
def timeline(workload: synthetic.Workload) -> om.Timeline:
    return om.Timeline(workload.entries)


@pytest.fixture(scope="module")
def replayed(workload: synthetic.Workload) -> naive.NaiveLog:
    return naive.NaiveLog(workload.entries)


def some_days(count: int, seed: int = 0) -> list[dt.date]:
    rng = random.Random(seed)
    span = (synthetic.END - synthetic.START).days
    return [
        synthetic.START,
        synthetic.END,
        *(synthetic.START + dt.timedelta(days=rng.randint(0, span)) for _ in range(count)),
    ]


def test_the_generator_doctest_passes() -> None:
    assert doctest.testmod(synthetic).failed == 0


def test_the_generator_is_deterministic() -> None:
    first, again, other = (synthetic.generate(TINY, seed=seed) for seed in (7, 7, 8))
    assert first.entries == again.entries
    assert first.entries != other.entries


@pytest.mark.parametrize("seed", range(6))
def test_every_generated_change_applies(seed: int) -> None:
    workload = synthetic.generate(synthetic.Size(units=60, changes=600), seed=seed)
    timeline, errors = om.Timeline.lenient(workload.entries)
    assert errors == ()
    assert len(timeline) == workload.setup + workload.history


def test_the_workload_has_the_shape_asked_for(workload: synthetic.Workload, timeline: om.Timeline) -> None:
    assert workload.initial["units"] == TINY.units
    assert sum(workload.counts.values()) == workload.history == TINY.changes
    assert all(count > 0 for count in workload.counts.values())
    assert len(timeline.events) == workload.events
    assert {entity_id[0] for entity_id in timeline.ids} == {"u", "p", "h", "f"}
    dates = [change.on for change in timeline.changes]
    assert any(not when.is_exact for when in dates)
    assert min(when.earliest for when in dates) == synthetic.START
    assert max(when.earliest for when in dates) <= synthetic.END


def test_charts_match_the_naive_replay(timeline: om.Timeline, replayed: naive.NaiveLog) -> None:
    for day in some_days(8):
        assert naive.comparable(timeline.at(day).graph) == naive.comparable(replayed.replay(day)), day


def test_point_queries_match_the_naive_replay(timeline: om.Timeline, replayed: naive.NaiveLog) -> None:
    for day in some_days(4, seed=1):
        graph = replayed.replay(day)
        chart = timeline.at(day)
        for unit in chart.units:
            head = timeline.head(unit, on=day)
            parent = timeline.parent(unit, on=day)
            assert (head.id if head else None) == naive.head(graph, unit)
            assert (parent.id if parent else None) == naive.parent(graph, unit)
            chain = tuple(post.id for post in timeline.chain_of_command(unit, on=day))
            assert chain == naive.chain_of_command(graph, unit)
        for function in chart.functions:
            owner = timeline.owner_of(function, on=day)
            assert (owner.id if owner else None) == naive.owner_of(graph, function)


def test_diffs_match_the_naive_replay(timeline: om.Timeline, replayed: naive.NaiveLog) -> None:
    days = sorted(some_days(6, seed=2))
    for start, end in itertools.pairwise(days):
        diff = timeline.diff(start, end)
        ours = {key for key in diff.changes if isinstance(key, str)}
        assert ours == naive.changed_ids(replayed.replay(start), replayed.replay(end)), (start, end)


def test_lineage_matches_the_naive_scan(
    workload: synthetic.Workload, timeline: om.Timeline, replayed: naive.NaiveLog
) -> None:
    assert workload.lineage_units
    for unit in workload.lineage_units[:40]:
        found = timeline.lineage(unit)
        assert (set(found.ancestors), set(found.descendants)) == replayed.lineage(unit), unit


def test_edges_match_raphtory(workload: synthetic.Workload, timeline: om.Timeline) -> None:
    pytest.importorskip("raphtory")
    graph = raphtory_baseline.RaphtoryOrg.from_entries(workload.entries)
    for day in some_days(8, seed=3):
        assert sorted(timeline.edges(day, kinds=raphtory_baseline.KINDS)) == sorted(graph.edges(day)), day
        for unit in list(timeline.at(day).units)[:20]:
            parent = timeline.parent(unit, on=day)
            assert (parent.id if parent else None) == graph.parent(unit, day)


def test_the_runner_checks_and_reports_every_measure(workload: synthetic.Workload) -> None:
    options = run.Options(repeat=1, seed=1, naive="always", raphtory=raphtory_baseline.available())
    report = run.Bench("tiny", workload, options).run()
    measures = " ".join(row.measure for row in report.rows)
    for name in ("ingest", "chart", "floor", "edge list", "head", "owner_of", "chain_of_command", "diff", "lineage"):
        assert name in measures
    assert "event on day 180" in measures
    assert "event on 30 days before the last" in measures
    assert "plan: with_events" in measures
    assert "load a JSON file" in measures
    assert "load a YAML file" in measures
    assert "cache: reopen (om.load_cache)" in measures
    for markdown in (False, True):
        text = run.report([report], run.machine_info(), options, markdown=markdown)
        assert "Size tiny" in text


def test_only_load_measures_ingest_and_loading(workload: synthetic.Workload) -> None:
    options = run.Options(repeat=1, seed=1, naive="never", raphtory=False, only=frozenset({"load"}))
    report = run.Bench("tiny", workload, options).run()
    measures = [row.measure for row in report.rows]
    assert any(measure.startswith("load a JSON file") for measure in measures)
    assert any(measure.startswith("load a YAML file") for measure in measures)
    assert not any("chart" in measure or "edge list" in measure for measure in measures)
    assert run.parse(["--sizes", "10K", "--only-load"]).only_load
    ingest = next(row for row in report.rows if row.measure.startswith("ingest + validate ("))
    assert ingest.naive is None  # --naive never: the naive ingest is not run either
    cpu = next(row for row in report.rows if "in CPU time" in row.measure)
    assert cpu.orgmodel is not None
    assert cpu.orgmodel > 0


def test_only_reopen_measures_ingest_and_the_cache(workload: synthetic.Workload) -> None:
    options = run.Options(repeat=1, seed=1, naive="never", raphtory=False, only=frozenset({"reopen"}))
    report = run.Bench("tiny", workload, options).run()
    measures = [row.measure for row in report.rows]
    assert [measure for measure in measures if measure.startswith("cache:")] == [
        "cache: write (om.save_cache)",
        "cache: reopen (om.load_cache)",
        "cache: reopen + chart on the last day",
        "cache: reopen + every change read",
        "cache: first chart on the last day after reopening",
        "cache: first edge list on the last day after reopening",
        "cache: first 100 point queries (head) after reopening",
    ]
    assert not any(measure.startswith(("load a", "chart", "edge list")) for measure in measures)
    assert run.main(["--sizes", "S", "--only", "nothing"]) == 2


def test_a_cache_write_past_the_limit_is_reported_not_a_crash(
    workload: synthetic.Workload, monkeypatch: pytest.MonkeyPatch
) -> None:
    def abandoned(timeline: om.Timeline, path: object) -> None:
        raise run.TimeLimitError("took longer than the limit")  # as time_limit raises it

    monkeypatch.setattr(run.om, "save_cache", abandoned)
    options = run.Options(repeat=1, seed=1, naive="never", raphtory=False, only=frozenset({"reopen"}))
    report = run.Bench("tiny", workload, options).run()
    (written,) = [row for row in report.rows if row.measure.startswith("cache:")]
    assert written.orgmodel == math.inf
    assert any("nothing reopened" in note for note in report.notes)


def test_only_tables_measures_the_fact_tables_and_duckdb(workload: synthetic.Workload) -> None:
    """The fact tables are worked out once (the first timed run's kept) and DuckDB's answers checked against memory."""
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    options = run.Options(repeat=1, seed=1, naive="never", raphtory=False, only=frozenset({"tables"}))
    bench = run.Bench("tiny", workload, options)
    report = bench.run()
    measures = [row.measure for row in report.rows]
    rows = sum(bench.timeline.facts().count(name) for name in bench.timeline.facts().names)
    assert f"fact tables: timeline.facts() ({rows:,} rows in 12 tables)" in measures
    assert any(measure.startswith("fact tables: .write_parquet(folder)") for measure in measures)
    assert any(measure.startswith("DuckDB: duck.edges(day)") for measure in measures)
    assert any(measure.startswith("DuckDB: duck.holders(day)") for measure in measures)
    assert bench.facts is None  # let go once written to Parquet
