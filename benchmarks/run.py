"""Benchmark orgmodel against a naive replay and Raphtory on synthetic organisations.

    python benchmarks/run.py [--sizes S,M,L,XL] [--repeat N] [--seed 1] [--markdown] [--only-load] [--cpu-load N]

For each size it generates a workload (:mod:`benchmarks.synthetic`), checks
that every method gives the same answers, and prints the medians of: ingest
and validation, memory, the full chart on a day, building the same networkx
graph from ready lists (the floor), the edge list on a day, point queries,
diffs over windows of about 10, 1 000 and 100 000 events, lineage, and one
retroactive insertion.  Progress goes to stderr, the report to stdout.
Size ``10K`` (about 10,000 events) is there for the loading figures:
``--sizes 10K --only-load`` measures loading files against their floor alone.
``--cpu-load N`` runs it all beside N processes that keep a core busy each
(a machine under load); the report gives the load average before and after.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import networkx as nx  # noqa: E402
import yaml  # noqa: E402

import orgmodel as om  # noqa: E402
from benchmarks import naive, raphtory_baseline, synthetic  # noqa: E402
from orgmodel import _edgelist, _uncertain  # noqa: E402
from orgmodel.io.tables import FactTables  # noqa: E402

R = TypeVar("R")

#: Windows for the diff benchmark, by the number of events they should hold.
DIFF_WINDOWS = (10, 1_000, 100_000)
#: Events in the plan appended after the last day.
PLAN_EVENTS = 10
#: Days on which point-query subjects are drawn, and queries drawn per day.
QUERY_DAYS = 10
QUERIES_PER_DAY = 200
#: Days on which point queries are checked against the naive replay (each check costs one replay).
CHECK_DAYS = 3
LINEAGE_QUERIES = 50
#: Stop repeating a measurement once it has used this many seconds (it always runs at least once).
BUDGET = 60.0


def log(message: str) -> None:
    """Progress, to stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- timing ------------------------------------------------------------------------------------------------


class TimeLimitError(Exception):
    """One run of a measure took longer than the time limit."""


#: Seconds one run of a measure may take before it is abandoned (0: no limit); set by ``--limit``.
LIMIT = 120.0


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeLimitError` in the code inside if it runs longer than ``seconds`` (Unix, main thread)."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitError(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def measure(
    function: Callable[[], R], repeat: int, *, check: Callable[[R], None] | None = None, budget: float = BUDGET
) -> float:
    """The median wall time of ``function`` in seconds, over up to ``repeat`` runs (``inf``: it timed out).

    The first run's result goes to ``check`` (which raises if it is wrong)
    before any further run; runs stop early once ``budget`` seconds are used.
    A run longer than :data:`LIMIT` is abandoned and the measure reported as timed out.
    """
    return measure_both(function, repeat, check=check, budget=budget)[0]


def measure_both(
    function: Callable[[], R], repeat: int, *, check: Callable[[R], None] | None = None, budget: float = BUDGET
) -> tuple[float, float]:
    """The median wall time and the median CPU time of this process, as :func:`measure` runs them.

    CPU time is what the machine's other work does not inflate (a busy
    shared machine slows the wall clock, not the work done), so rates that
    are compared across runs are reported in both.
    """
    walls: list[float] = []
    cpus: list[float] = []
    spent = 0.0
    for index in range(max(1, repeat)):
        gc.collect()
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            with time_limit(LIMIT):
                result = function()
        except TimeLimitError:
            log(f"  a run took longer than {LIMIT:g} s: abandoned")
            return math.inf, math.inf
        elapsed = time.perf_counter() - start
        cpus.append(time.process_time() - cpu_start)
        walls.append(elapsed)
        spent += elapsed
        if index == 0 and check is not None:
            check(result)
        del result
        if spent > budget:
            break
    return statistics.median(walls), statistics.median(cpus)


#: A measure whose one call takes less than this is taken as the median of at least SHORT_RUNS runs.
SHORT_SECONDS = 0.01
SHORT_RUNS = 31


def short_repeat(function: Callable[[], object], repeat: int) -> int:
    """How many runs to take the median of: ``repeat``, or :data:`SHORT_RUNS` if one call is short.

    On a busy machine a call of a millisecond or less is now and then held up for a time slice of the
    scheduler (several milliseconds), so a median of three such calls measures the machine, not the call.
    """
    start = time.perf_counter()
    function()
    return repeat if time.perf_counter() - start >= SHORT_SECONDS else max(repeat, SHORT_RUNS)


def per_call(function: Callable[..., object], calls: Sequence[tuple[Any, ...]]) -> float:
    """The median time of one call of ``function`` over ``calls`` (argument tuples), in seconds."""
    gc.collect()
    clock = time.perf_counter_ns
    times = []
    for args in calls:
        start = clock()
        function(*args)
        times.append(clock() - start)
    return statistics.median(times) / 1e9


# --- the report --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    """One measure for every method; values in ``unit`` (``s`` values are shown in ms or µs)."""

    measure: str
    unit: str
    orgmodel: float | None
    naive: float | None = None
    raphtory: float | None = None
    target: str = ""
    higher_is_better: bool = False


@dataclasses.dataclass
class SizeReport:
    """The workload and the rows of one size."""

    name: str
    workload: list[tuple[str, str]]
    rows: list[Row]
    notes: list[str]


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if math.isinf(value):
        return f"> {LIMIT:g} s"
    if unit == "ms":
        return f"{value * 1e3:,.3g}" if value * 1e3 < 100 else f"{value * 1e3:,.0f}"
    if unit == "µs":
        return f"{value * 1e6:,.3g}" if value * 1e6 < 100 else f"{value * 1e6:,.0f}"
    if unit == "events/s":
        return f"{value:,.0f}"
    if unit == "MB":
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def _ratio(other: float | None, ours: float | None, higher_is_better: bool) -> str:
    """How many times better orgmodel is than ``other`` (above 1: orgmodel wins)."""
    if other is None or ours is None or other == 0 or ours == 0:
        return "—"
    if math.isinf(other) and math.isinf(ours):
        return "—"
    if math.isinf(ours):  # orgmodel timed out: it is slower than LIMIT, so the ratio is below other / LIMIT
        return f"< {other / LIMIT:,.3g}×"
    if math.isinf(other):
        return f"> {LIMIT / ours:,.3g}×"
    ratio = ours / other if higher_is_better else other / ours
    return f"{ratio:,.3g}×" if ratio < 100 else f"{ratio:,.0f}×"


HEADER = (
    "measure",
    "unit",
    "orgmodel",
    "naive replay",
    "naive ÷ orgmodel",
    "Raphtory",
    "Raphtory ÷ orgmodel",
    "target",
)


def table(rows: Iterable[Row]) -> list[list[str]]:
    """The cells of a report table (ratios above 1 mean orgmodel is better)."""
    return [
        [
            row.measure,
            row.unit,
            _value(row.orgmodel, row.unit),
            _value(row.naive, row.unit),
            _ratio(row.naive, row.orgmodel, row.higher_is_better),
            _value(row.raphtory, row.unit),
            _ratio(row.raphtory, row.orgmodel, row.higher_is_better),
            row.target,
        ]
        for row in rows
    ]


def render(header: Sequence[str], cells: list[list[str]], *, markdown: bool) -> str:
    """A table with aligned columns: a pipe table with ``markdown``, else plain text."""
    widths = [max(len(str(line[column])) for line in [list(header), *cells]) for column in range(len(header))]
    numeric = [column for column in range(len(header)) if column >= 2 and column != len(header) - 1]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(width) if column in numeric else value.ljust(width)
            for column, (value, width) in enumerate(zip(values, widths, strict=True))
        ]
        return ("| " + " | ".join(parts) + " |") if markdown else "  ".join(parts).rstrip()

    rule = (
        "|" + "|".join(("-" * (w + 1) + ":") if c in numeric else ("-" * (w + 2)) for c, w in enumerate(widths)) + "|"
        if markdown
        else "  ".join("-" * width for width in widths)
    )
    return "\n".join([line(header), rule, *(line(values) for values in cells)])


def machine_info() -> list[tuple[str, str]]:
    """CPU, cores, Python and library versions, and the orgmodel commit."""
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info = [
        ("CPU", cpu),
        ("cores", f"{os.cpu_count()} logical, {usable} usable"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()} on {platform.platform()}"),
    ]
    for package in ("orgmodel", "networkx", "attrs", "raphtory", "pyarrow"):
        try:
            info.append((package, importlib.metadata.version(package)))
        except importlib.metadata.PackageNotFoundError:
            info.append((package, "not installed"))
    info.append(("orgmodel source", _SOURCE))
    return info


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(_ROOT), "status", "--porcelain", "--", "src"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes in src/" if dirty else "")


def _source_digest() -> str:
    """A short digest of the orgmodel package's source files, to tell apart runs of uncommitted code."""
    package = Path(om.__file__).resolve().parent
    digest = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


#: The commit and source digest of the orgmodel that was imported (taken now: the code may change during a run).
_SOURCE = f"{_commit()}; source digest {_source_digest()} (at import)"


# --- checks ------------------------------------------------------------------------------------------------


class MismatchError(AssertionError):
    """Two methods gave different answers."""


def same(what: str, ours: object, theirs: object) -> None:
    """Raise :class:`MismatchError` unless the answers are equal."""
    if ours != theirs:
        raise MismatchError(f"{what}: orgmodel and the other method disagree")


def same_edges(what: str, ours: Iterable[tuple[str, str, str]], theirs: Iterable[tuple[str, str, str]]) -> None:
    """Raise :class:`MismatchError` unless two edge lists hold the same edges (each once)."""
    ours_list, theirs_list = sorted(ours), sorted(theirs)
    if ours_list != theirs_list:
        extra = sorted(set(ours_list) ^ set(theirs_list))[:5]
        raise MismatchError(f"{what}: edge lists differ ({len(ours_list)} vs {len(theirs_list)}; e.g. {extra})")


# --- one size ----------------------------------------------------------------------------------------------


#: The measures after ingest, which ``--only`` chooses among.
MEASURES = ("load", "reopen", "chart", "edges", "points", "diffs", "lineage", "retroactive", "plan", "tables")


@dataclasses.dataclass
class Options:
    """What to run."""

    repeat: int
    seed: int
    naive: str  # auto, always, never
    raphtory: bool
    only: frozenset[str] = frozenset(MEASURES)


class Bench:
    """Runs every measure on one workload."""

    def __init__(self, name: str, workload: synthetic.Workload, options: Options) -> None:
        self.name = name
        self.workload = workload
        self.options = options
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.rng = random.Random(options.seed)
        self.day = workload.last_day
        self.timeline = om.Timeline([])
        self.naive: naive.NaiveLog | None = None
        self.build_seconds = math.inf
        self.raphtory: raphtory_baseline.RaphtoryOrg | None = None
        self.facts: FactTables | None = None  # the fact tables, once worked out

    def run(self) -> SizeReport:
        """Every measure, in order; answers are checked before they are timed."""
        self.ingest()
        chosen = self.options.only
        if "load" in chosen:
            self.load()
        if "reopen" in chosen:
            self.reopen()
        if chosen - {"load", "reopen"}:  # the other measures compare with the naive replay and Raphtory
            self.setup_naive()
            self.setup_raphtory()
        measures: dict[str, Callable[[], None]] = {
            "chart": self.chart,
            "edges": self.edges,
            "points": self.point_queries,
            "diffs": self.diffs,
            "lineage": self.lineage,
            "retroactive": self.retroactives,
            "plan": self.plan,
            "tables": self.tables,  # the fact tables, and the as-of questions on DuckDB over them
        }
        for name, run in measures.items():
            if name in chosen:
                run()
        return SizeReport(self.name, self.describe(), self.rows, self.notes)

    def tables(self) -> None:
        """The fact tables and the SQL engines (``--only tables``)."""
        self.fact_tables()
        self.sql_engines()

    def describe(self) -> list[tuple[str, str]]:
        """The workload, for the report."""
        w = self.workload
        initial, final = w.initial, w.final
        entities = ", ".join(f"{initial[key]:,} → {final[key]:,} {key}" for key in initial)
        mix = ", ".join(f"{kind} {count:,}" for kind, count in w.counts.items())
        return [
            ("entities (1995 → 2024)", entities),
            (
                "log",
                f"{w.events:,} events in {w.setup + w.history:,} entries ({w.setup:,} setup, {w.history:,} changes)",
            ),
            ("history mix", mix),
            ("timeline", repr(self.timeline)),
        ]

    # --- ingest ------------------------------------------------------------------------------------

    def ingest(self) -> None:
        """Ingest and validation rate, and the memory it takes (tracemalloc, in a separate untimed run)."""
        entries, events = self.workload.entries, self.workload.events
        log(f"{self.name}: ingest ({events:,} events)")
        seconds, cpu_seconds = measure_both(lambda: om.Timeline(entries), self.options.repeat)
        self.build_seconds = seconds
        gc.collect()
        tracemalloc.start()
        self.timeline = om.Timeline(entries)
        retained, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        naive_seconds = None
        if self.options.naive != "never":
            naive_seconds = measure(lambda: naive.NaiveLog(entries), self.options.repeat)
        self.rows.append(
            Row(
                "ingest + validate (om.Timeline(events))",
                "events/s",
                events / seconds,
                events / naive_seconds if naive_seconds else None,
                target=_target_rate(events / seconds),
                higher_is_better=True,
            )
        )
        self.rows.append(
            Row(
                "ingest + validate, in CPU time (steadier on a busy machine)",
                "events/s",
                events / cpu_seconds,
                target=_target_rate(events / cpu_seconds),
                higher_is_better=True,
            )
        )
        self.rows.append(Row("ingest: peak memory (tracemalloc)", "MB", peak / 2**20, target=_target_memory(self.name)))
        self.rows.append(Row("ingest: memory kept by the timeline (tracemalloc)", "MB", retained / 2**20))
        if naive_seconds is not None:
            self.notes.append("naive ingest only flattens and sorts the log (no validation)")
        self.notes.append(
            "ingest memory is what Python allocated during om.Timeline(events), the events themselves excluded"
        )

    def reopen(self) -> None:
        """Save the validated timeline to a cache and reopen it (om.save_cache / om.load_cache), in a temporary folder.

        A reopened log reads its changes a block at a time on first use: the
        rows say what reopening costs, and what a first chart and reading
        every change add to it.
        """

        timeline, repeat = self.timeline, self.options.repeat
        log(f"{self.name}: cache write and reopen")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder, "timeline.orgcache")
            written = measure(lambda: om.save_cache(timeline, path), repeat)
            if math.isinf(written):  # abandoned past --limit: there is no cache to reopen
                self.rows.append(Row("cache: write (om.save_cache)", "s", written))
                self.notes.append(f"the cache took longer than --limit ({LIMIT:g} s) to write: nothing reopened")
                return
            size = path.stat().st_size

            def check(reopened: om.Timeline) -> None:
                same("reopened timeline", reopened == timeline, True)

            reopened = measure(lambda: om.load_cache(path), repeat, check=check)
            charted = measure(lambda: om.load_cache(path).at(self.day), repeat)
            every = measure(lambda: len(om.load_cache(path).changes), repeat)
            # What a user asks first, on a timeline just reopened, against the same question on the original.
            units = sorted(timeline.at(self.day).units)[:: max(1, len(timeline.at(self.day).units) // 100)][:100]
            questions = {
                "chart on the last day": lambda found: found.at(self.day),
                "edge list on the last day": lambda found: found.edges(self.day),
                "100 point queries (head)": lambda found: [found.head(unit, on=self.day) for unit in units],
            }
            firsts = {name: self._first_use(path, ask) for name, ask in questions.items()}
            originals = {name: measure(lambda ask=ask: ask(timeline), repeat) for name, ask in questions.items()}
        target = f"< 5 s at XL {_mark(reopened < 5)}" if self.name == "XL" else ""
        build = f"building it: {self.build_seconds:.3g} s"
        self.rows.append(Row("cache: write (om.save_cache)", "s", written, target=build))
        self.rows.append(Row("cache: reopen (om.load_cache)", "s", reopened, target=target or build))
        self.rows.append(Row("cache: reopen + chart on the last day", "s", charted, target=build))
        self.rows.append(Row("cache: reopen + every change read", "s", every))
        for name, first in firsts.items():
            original = originals[name]
            ratio = f"{first / original:.1f}× the original's"
            self.rows.append(Row(f"cache: first {name} after reopening", "s", first, target=ratio))
        self.notes.append(
            f"the cache file is {size / 2**20:,.0f} MB; a reopened timeline reads its changes a block "
            "at a time when first asked for them (a chart reads the blocks of the changes dated by a window)"
        )

    def _first_use(self, path: Path, ask: Callable[[om.Timeline], object]) -> float:
        """The median time of ``ask`` on a timeline just reopened from ``path`` (the reopening not counted)."""
        times = []
        for _ in range(max(1, self.options.repeat)):
            reopened = om.load_cache(path)
            gc.collect()
            start = time.perf_counter()
            ask(reopened)
            times.append(time.perf_counter() - start)
            del reopened
        return statistics.median(times)

    def load(self) -> None:
        """Loading the workload saved as JSON and as YAML, each against its floor measured in the same run.

        The floor is parsing the file (``json.loads``; libyaml's C composer, which keeps every node's line
        and column) plus ``Timeline(...)`` on the changes already built: what loading cannot do without.
        Loads and floors are timed by turns, and the ratio is the median of each turn's, so a machine that
        slows down or speeds up during the run moves both alike.
        """
        changes = self.timeline.changes
        events = len(self.timeline.events)
        log(f"{self.name}: load ({events:,} events as JSON and YAML)")
        with tempfile.TemporaryDirectory() as folder:
            floors = (("json", json.loads, "json.loads", 2.0), ("yaml", _compose, "libyaml's compose", 1.5))
            for chosen, parse, parser, target in floors:
                path = Path(folder) / f"workload.{chosen}"
                om.save(self.timeline, path)
                text = path.read_text(encoding="utf-8")
                same(f"load {chosen}", om.load(path, progress=False), self.timeline)
                turns = [
                    (
                        measure(lambda: om.load(path, progress=False), 1),  # noqa: B023 - used at once
                        measure(lambda: parse(text), 1) + measure(lambda: om.Timeline(changes), 1),  # noqa: B023
                    )
                    for _ in range(max(1, self.options.repeat))
                ]
                seconds = statistics.median(load for load, _ in turns)
                floor = statistics.median(floor for _, floor in turns)
                ratio = statistics.median(load / floor for load, floor in turns)
                self.rows.append(
                    Row(
                        f"load a {chosen.upper()} file (om.load), {len(text) / 2**20:,.1f} MB",
                        "ms",
                        seconds,
                        target=f"≤ {target:g} × floor: {ratio:.2f}× {_mark(ratio <= target)}",
                    )
                )
                self.rows.append(Row(f"  its floor: {parser} + Timeline(changes)", "ms", floor))
        self.notes.append(
            f"load: {events:,} events; the floor of YAML composes with libyaml "
            f"({'present' if yaml.__with_libyaml__ else 'missing: the pure-Python parser'}); "
            "ratios are medians of turns, each a load and its floor timed one after the other"
        )

    def setup_naive(self) -> None:
        """Flatten and order the log for the naive replay (skipped at XL unless ``--naive always``)."""
        mode = self.options.naive
        if mode == "never" or (mode == "auto" and self.name == "XL"):
            self.notes.append("naive replay skipped" + (" at XL (--naive always runs it)" if mode == "auto" else ""))
            return
        self.naive = naive.NaiveLog(self.workload.entries)

    def setup_raphtory(self) -> None:
        """Turn the log into edge updates and load them into Raphtory, timing both."""
        if not self.options.raphtory:
            self.notes.append("Raphtory skipped (not installed, or --no-raphtory)")
            return
        entries = self.workload.entries
        log(f"{self.name}: Raphtory load")
        start = time.perf_counter()
        updates = raphtory_baseline.edge_updates(entries)
        converted = time.perf_counter() - start
        start = time.perf_counter()
        self.raphtory = raphtory_baseline.RaphtoryOrg(raphtory_baseline.load(updates))
        loaded = time.perf_counter() - start
        rate = self.workload.events / (converted + loaded)
        self.rows[0].raphtory = rate
        self.notes.append(
            f"Raphtory ingest = turning events into {len(updates.additions) + len(updates.deletions):,} edge updates "
            f"in Python ({converted:.2f} s) + loading them via Arrow ({loaded:.2f} s); it validates nothing"
        )

    # --- the whole organisation on a day -------------------------------------------------------------

    def chart(self) -> None:
        """The full chart on the last day, with and without ``.graph``; the naive replay; the networkx floor."""
        day, timeline, repeat = self.day, self.timeline, self.options.repeat
        log(f"{self.name}: full chart on {day}")
        reference = timeline.at(day).graph
        naive_seconds = None
        if self.naive is not None:
            replay = self.naive.replay
            naive_seconds = measure(
                lambda: replay(day),
                repeat,
                check=lambda graph: same("chart graph", naive.comparable(reference), naive.comparable(graph)),
            )
        at_seconds = measure(lambda: timeline.at(day), repeat)
        full = measure(lambda: timeline.at(day).graph, repeat)
        nodes = list(reference.nodes(data=True))
        edges = list(reference.edges(keys=True, data=True))

        attributes = dict(reference.graph)

        def floor_graph() -> nx.MultiDiGraph[str]:
            graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(**attributes)
            graph.add_nodes_from(nodes)
            graph.add_edges_from(edges)  # type: ignore[arg-type]  # the stubs omit (u, v, key, data) tuples
            return graph

        floor = measure(
            floor_graph, repeat, check=lambda graph: same("floor", nx.utils.graphs_equal(graph, reference), True)
        )
        target = f"≤1.5× floor: {full / floor:.2g}× {_mark(full <= 1.5 * floor)}"
        if self.name == "L" and naive_seconds is not None:
            target += f"; ≥10× naive {_mark(naive_seconds >= 10 * full)}"
        if self.name == "XL":
            target += f"; < 1 s {_mark(full < 1)}"
        self.rows.append(Row(f"chart: timeline.at(day) ({len(nodes):,} nodes, {len(edges):,} edges)", "ms", at_seconds))
        self.rows.append(Row("chart: timeline.at(day).graph", "ms", full, naive_seconds, target=target))
        self.rows.append(Row("networkx graph from ready node/edge lists (floor)", "ms", floor))

    def edges(self) -> None:
        """The ``contains`` and ``reports_to`` edges on a day: orgmodel, Raphtory (checked on six days), naive."""
        day, timeline, repeat = self.day, self.timeline, self.options.repeat
        log(f"{self.name}: edge list on a day")
        kinds = raphtory_baseline.KINDS
        # The baseline applies a change on its earliest day; orgmodel's edges on a day inside a change's window of
        # dates also hold what may not have changed yet.  The two are compared on days outside every window.
        windows = [
            (event.on.earliest, event.on.latest) for event in timeline.events if event.on.latest > event.on.earliest
        ]
        days = [other for other in [day, *self._days(20)] if not any(first <= other <= last for first, last in windows)]
        if self.raphtory is not None:
            for other in days[:6]:
                same_edges(
                    f"edges on {other} vs Raphtory", timeline.edges(other, kinds=kinds), self.raphtory.edges(other)
                )

        def ours_on_the_day() -> list[tuple[str, str, str]]:
            return timeline.edges(day, kinds=kinds)

        ours = measure(ours_on_the_day, short_repeat(ours_on_the_day, repeat))
        naive_seconds = raphtory_seconds = None
        if self.naive is not None:
            expected = timeline.edges(day, kinds=kinds)
            replay = self.naive.replay
            naive_seconds = measure(
                lambda: naive.edges(replay(day), kinds),
                repeat,
                check=lambda found: same_edges("edges vs naive", expected, found),
            )
        target = ""
        if self.raphtory is not None:
            raphtory = self.raphtory
            raphtory_seconds = measure(lambda: raphtory.edges(day), short_repeat(lambda: raphtory.edges(day), repeat))
            target = f"≥ 1.5 × Raphtory {_mark(raphtory_seconds >= 1.5 * ours)}"
        count = len(timeline.edges(day, kinds=kinds))

        def first_question() -> list[tuple[str, str, str]]:
            # As on a timeline just built: the index of the day's uncertain keys, and the columns of edges of the
            # day's part of the log, are made by the first question.
            _uncertain.forget(timeline._log)
            _edgelist.forget(timeline._log)
            return timeline.edges(day, kinds=kinds)

        first = measure(first_question, repeat)
        self.rows.append(
            Row(
                f"edge list on a day (contains + reports_to, {count:,})",
                "ms",
                ours,
                naive_seconds,
                raphtory_seconds,
                target,
            )
        )
        self.rows.append(Row("edge list on a day, the timeline's first question", "ms", first, None, raphtory_seconds))

    # --- point queries --------------------------------------------------------------------------------

    def _days(self, count: int) -> list[dt.date]:
        span = (self.workload.last_day - self.workload.first_day).days
        return sorted(self.workload.first_day + dt.timedelta(days=self.rng.randint(1, span)) for _ in range(count))

    def point_queries(self) -> None:
        """Point queries on random subjects alive on random days, checked against the naive replay first."""
        timeline, rng = self.timeline, self.rng
        log(f"{self.name}: point queries")
        units: list[tuple[str, dt.date]] = []
        functions: list[tuple[str, dt.date]] = []
        days = [self.day, *self._days(QUERY_DAYS - 1)]
        for day in days:
            chart = timeline.at(day)
            unit_ids, function_ids = sorted(chart.units), sorted(chart.functions)
            units.extend((rng.choice(unit_ids), day) for _ in range(QUERIES_PER_DAY))
            if function_ids:
                functions.extend((rng.choice(function_ids), day) for _ in range(QUERIES_PER_DAY))
        checked = self._check_points(units, functions, days[:CHECK_DAYS])
        queries: list[
            tuple[str, Callable[[str, dt.date], object], list[tuple[str, dt.date]], Callable[..., object]]
        ] = [
            ("head", lambda item, day: timeline.head(item, on=day), units, naive.head),
            ("owner_of", lambda item, day: timeline.owner_of(item, on=day), functions, naive.owner_of),
            (
                "chain_of_command",
                lambda item, day: timeline.chain_of_command(item, on=day),
                units,
                naive.chain_of_command,
            ),
            ("parent", lambda item, day: timeline.parent(item, on=day), units, naive.parent),
        ]
        # A chain is a walk up the organisation: its cost is per post climbed, so the row says how far.
        climbed = statistics.median(len(timeline.chain_of_command(item, on=day)) for item, day in units)
        for name, query, calls, naive_query in queries:
            ours = per_call(query, calls)
            naive_seconds = self._naive_point(naive_query, calls[:: max(1, len(calls) // 3)][:3])
            raphtory_seconds = None
            if name == "parent" and self.raphtory is not None:
                raphtory_seconds = per_call(self.raphtory.parent, calls[:200])
            label, target = f"point query: timeline.{name}(…, on=day)", f"< 20 µs {_mark(ours < 20e-6)}"
            if name == "chain_of_command":
                label += f" (median {climbed:g} posts)"
                target += f"; {ours / max(climbed, 1) * 1e6:.2g} µs per post"
            self.rows.append(Row(label, "µs", ours, naive_seconds, raphtory_seconds, target=target))
        self.notes.append(
            f"point queries: median of {len(units):,} random subjects on {len(days)} days; answers checked against "
            f"the naive replay on {checked} days; a naive point query is one replay to the day plus a lookup"
        )
        self.by_name(units)

    def by_name(self, units: list[tuple[str, dt.date]]) -> None:
        """Questions asked with a unit's name that day rather than its id: the name must cost next to nothing."""
        timeline = self.timeline
        log(f"{self.name}: lookups by name")
        named = [(timeline.entity(item, on=day).name, item, day) for item, day in units[:400]]
        for name, item, day in named:
            same(f"{name!r} on {day}", timeline.resolve(name, on=day), item)
        by_name = [(name, day) for name, _, day in named]
        by_id = [(item, day) for _, item, day in named]
        lookups: list[tuple[str, Callable[[str, dt.date], object]]] = [
            ("resolve(name, on=day)", lambda item, day: timeline.resolve(item, on=day)),
            ("entity(name, on=day)", lambda item, day: timeline.entity(item, on=day)),
            ("history(name, on=day)", lambda item, day: timeline.history(item, on=day)),
            ("lineage(name, on=day)", lambda item, day: timeline.lineage(item, on=day)),
        ]
        for label, query in lookups:
            ours, with_ids = per_call(query, by_name), per_call(query, by_id)
            extra = ours - with_ids
            target = f"name < 50 µs {_mark(extra < 50e-6)} (by id {with_ids * 1e6:,.3g} µs)"
            self.rows.append(Row(f"by name: timeline.{label}", "µs", ours, target=target))

    def _check_points(
        self, units: list[tuple[str, dt.date]], functions: list[tuple[str, dt.date]], days: list[dt.date]
    ) -> int:
        timeline = self.timeline
        if self.naive is None and self.raphtory is None:
            return 0
        for day in days:
            graph = self.naive.replay(day) if self.naive is not None else None
            for unit in (item for item, when in units if when == day):
                parent = timeline.parent(unit, on=day)
                parent_id = parent.id if parent is not None else None
                if self.raphtory is not None:
                    same(f"parent of {unit} on {day} vs Raphtory", parent_id, self.raphtory.parent(unit, day))
                if graph is None:
                    continue
                same(f"parent of {unit} on {day}", parent_id, naive.parent(graph, unit))
                head = timeline.head(unit, on=day)
                same(f"head of {unit} on {day}", head.id if head is not None else None, naive.head(graph, unit))
                chain = tuple(post.id for post in timeline.chain_of_command(unit, on=day))
                same(f"chain of command of {unit} on {day}", chain, naive.chain_of_command(graph, unit))
            for function in (item for item, when in functions if when == day):
                owner = timeline.owner_of(function, on=day)
                if graph is not None:
                    same(f"owner of {function} on {day}", owner.id if owner else None, naive.owner_of(graph, function))
        return len(days) if self.naive is not None else 0

    def _naive_point(self, query: Callable[..., object], calls: list[tuple[str, dt.date]]) -> float | None:
        if self.naive is None:
            return None
        replay = self.naive.replay
        times = []
        for item, day in calls:
            start = time.perf_counter()
            query(replay(day), item)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    # --- diff, lineage, retroactive insertion -------------------------------------------------------

    def diffs(self) -> None:
        """Diffs over windows ending on the last day that hold about 10, 1 000 and 100 000 events."""
        timeline, end = self.timeline, self.day
        days = sorted(event.on.earliest for event in timeline.events if event.on is not None)
        last = bisect.bisect_right(days, end)
        for wanted in DIFF_WINDOWS:
            if wanted > self.workload.events - self.workload.setup:
                self.rows.append(Row(f"diff over ~{wanted:,} events", "ms", None, target="(log too short)"))
                continue
            start = days[last - wanted - 1]
            if start == end:  # more than `wanted` events on the last day: take the whole day
                start = days[bisect.bisect_left(days, end) - 1]
            held = last - bisect.bisect_right(days, start)
            log(f"{self.name}: diff {start} → {end} ({held:,} events)")
            self._diff(start, end, held)

    def _diff(self, start: dt.date, end: dt.date, held: int) -> None:
        """Time ``diff(start, end)`` with its entries, checked against the ids the naive replays say changed."""
        timeline, repeat = self.timeline, self.options.repeat
        changed: set[str] = set()
        naive_seconds = None
        if self.naive is not None:
            replay = self.naive.replay
            naive_seconds = measure(lambda: naive.changed_ids(replay(start), replay(end)), repeat, check=changed.update)

        def ours() -> om.Diff:
            diff = timeline.diff(start, end)
            _ = diff.entries
            return diff

        def check(diff: om.Diff) -> None:
            if self.naive is not None:
                same("diff: changed ids", {key for key in diff.changes if isinstance(key, str)}, changed)

        seconds = measure(ours, repeat, check=check)
        self.rows.append(
            Row(
                f"diff over {held:,} events (.entries)",
                "ms",
                seconds,
                naive_seconds,
                target=_per_event(seconds, held),
            )
        )

    def lineage(self) -> None:
        """Lineage of units that took part in splits and merges: the first call, then the median of 50."""
        timeline = self.timeline
        log(f"{self.name}: lineage")
        subjects = self.rng.sample(self.workload.lineage_units, min(LINEAGE_QUERIES, len(self.workload.lineage_units)))
        if not subjects:
            return
        gc.collect()  # as before every measure: a full collection walks the heap (seconds at L) and could land here
        start = time.perf_counter()
        timeline.lineage(subjects[0])
        first = time.perf_counter() - start
        for subject in subjects[: 5 if self.workload.events > 200_000 else len(subjects)]:
            found = timeline.lineage(subject)
            if self.naive is not None:
                same(
                    f"lineage of {subject}", (set(found.ancestors), set(found.descendants)), self.naive.lineage(subject)
                )
        ours = per_call(lambda unit: _trace(timeline, unit), [(subject,) for subject in subjects])
        naive_seconds = None
        if self.naive is not None:
            naive_seconds = per_call(self.naive.lineage, [(subject,) for subject in subjects[:5]])
        self.rows.append(Row("lineage: first timeline.lineage(unit) (builds indexes)", "ms", first))
        self.rows.append(Row(f"lineage: timeline.lineage(unit), median of {len(subjects)}", "ms", ours, naive_seconds))

    def retroactives(self) -> None:
        """An insert early in the log, and one a month before its end."""
        self.retroactive(self.workload.first_day + dt.timedelta(days=180), "day 180")
        self.retroactive(self.day - dt.timedelta(days=30), "30 days before the last")

    def retroactive(self, early: dt.date, when: str) -> None:
        """Insert a rename dated ``early`` (``when``, in words), then ask a point query on the last day.

        Every change after ``early`` must be checked again: on day 180 that is
        nearly the whole log; a month before the last day, a correction, only
        the month.
        """
        timeline, repeat, day = self.timeline, self.options.repeat, self.day
        log(f"{self.name}: retroactive insert on {early}")
        subject = self.rng.choice(sorted(timeline.at(early).units))
        probe = self.rng.choice(sorted(timeline.at(day).units))
        event = om.Rename(subject, "Retroaktivt namngiven enhet", on=early)

        def ours() -> tuple[om.Timeline, object]:
            changed = timeline.with_events(event)
            return changed, changed.head(probe, on=day)

        def check(result: tuple[om.Timeline, object]) -> None:
            changed, _ = result
            same("retroactive rename", changed.entity(subject, on=early).name, event.name)
            if self.naive is not None:
                graph = self.naive.with_event(early, event).replay(early)
                same("retroactive rename vs naive", event.name, graph.nodes[subject]["name"])

        seconds = measure(ours, repeat, check=check)
        naive_seconds = None
        if self.naive is not None:
            naive_log = self.naive
            naive_seconds = measure(lambda: naive.head(naive_log.with_event(early, event).replay(day), probe), repeat)
        self.rows.append(
            Row(f"retroactive insert: with_events(event on {when}) + head query", "ms", seconds, naive_seconds)
        )
        # Against building the timeline again from all its changes, timed by turns in this run (issue 16, item 3).
        turns = [
            (
                measure(lambda: om.Timeline([*timeline.changes, event]), 1),
                measure(lambda: timeline.with_events(event), 1),
            )
            for _ in range(max(1, min(repeat, 3)))
        ]
        rebuild, extend = statistics.median(turn[0] for turn in turns), statistics.median(turn[1] for turn in turns)
        ratio = rebuild / extend
        target = f"≥ 5× a rebuild: {ratio:.2f}× {_mark(ratio >= 5)}" if when == "day 180" else f"{ratio:.2f}× a rebuild"
        self.rows.append(Row(f"retroactive insert: rebuild (Timeline(changes + [event on {when}]))", "ms", rebuild))
        self.rows.append(Row(f"retroactive insert: with_events(event on {when}) alone", "ms", extend, target=target))

    def plan(self) -> None:
        """Append a plan of renames on the days after the last, then ask a point query on the plan's last day.

        This is what a state machine or a property test of a plan does for each
        step: the new changes come after every one in the log, so only they apply.
        """
        timeline, repeat = self.timeline, self.options.repeat
        units = self.rng.sample(sorted(timeline.at(self.day).units), PLAN_EVENTS)
        plan = [
            om.Rename(unit, f"Planerad enhet {number}", on=self.day + dt.timedelta(days=number + 1))
            for number, unit in enumerate(units)
        ]
        end = self.day + dt.timedelta(days=PLAN_EVENTS)
        probe = units[-1]
        log(f"{self.name}: plan of {PLAN_EVENTS} events after {self.day}")

        def ours() -> tuple[om.Timeline, object]:
            changed = timeline.with_events(plan)
            return changed, changed.entity(probe, on=end)

        planned = self.naive
        for event in plan:
            if planned is not None and event.on is not None:
                planned = planned.with_event(event.on.earliest, event)

        def check(result: tuple[om.Timeline, object]) -> None:
            changed, found = result
            same("planned rename", found, changed.at(end).units[probe])
            same("every planned rename", [changed.entity(unit, on=end).name for unit in units], [e.name for e in plan])
            if planned is not None:
                same("planned renames vs naive", plan[-1].name, planned.replay(end).nodes[probe]["name"])

        seconds = measure(ours, repeat, check=check)
        naive_seconds = None
        if planned is not None:
            replayed = planned
            naive_seconds = measure(lambda: replayed.replay(end).nodes[probe]["name"], repeat)
        self.rows.append(
            Row(
                f"plan: with_events({PLAN_EVENTS} events after the last day) + entity query",
                "ms",
                seconds,
                naive_seconds,
            )
        )

    # --- fact tables and SQL engines (orgmodel.io) ----------------------------------------------------

    def fact_tables(self) -> None:
        """Working out the fact tables (``timeline.facts()``) and writing them to Parquet (needs pyarrow)."""
        if not _installed("pyarrow"):
            self.notes.append("fact tables skipped (pyarrow not installed: pip install -e '.[duckdb]')")
            return
        import pyarrow.parquet  # noqa: F401 - imported before the clock starts, as a program would have it

        timeline, repeat = self.timeline, self.options.repeat
        log(f"{self.name}: fact tables")
        first: list[FactTables] = []  # the first run's tables, kept for the SQL engines (XL: minutes)
        seconds = measure(timeline.facts, repeat, check=first.append)
        if not first:
            self.rows.append(Row("fact tables: timeline.facts()", "ms", seconds))
            return
        facts = self.facts = first[0]
        rows = sum(facts.count(name) for name in facts.names)
        self.rows.append(Row(f"fact tables: timeline.facts() ({rows:,} rows in {len(facts)} tables)", "ms", seconds))
        with tempfile.TemporaryDirectory() as folder:
            written = measure(lambda: facts.write_parquet(folder), repeat)
            size = sum(path.stat().st_size for path in Path(folder).iterdir())
        self.rows.append(Row(f"fact tables: .write_parquet(folder) ({size / 2**20:,.1f} MB of Parquet)", "ms", written))

    def sql_engines(self) -> None:
        """As-of questions on DuckDB over the Parquet fact tables, against the same questions in memory.

        DuckDB reads the files on every query (the operating system caches
        them) and hands back Python tuples, as ``timeline.edges`` does.
        """
        if not (_installed("duckdb") and _installed("pyarrow")):
            self.notes.append("DuckDB skipped (not installed: pip install -e '.[duckdb]')")
            return
        import duckdb  # noqa: F401 - imported before the clock starts

        from orgmodel.io import duck

        timeline, repeat, day = self.timeline, self.options.repeat, self.day
        log(f"{self.name}: as-of questions on DuckDB over Parquet")
        with tempfile.TemporaryDirectory() as folder:
            (self.facts or timeline.facts()).write_parquet(folder)
            self.facts = None  # the engine reads the files from here on
            connected = measure(lambda: duck.connect(folder), repeat)
            self.rows.append(Row("DuckDB: duck.connect(folder) (a view per table)", "ms", connected))
            connection = duck.connect(folder)

            kinds = ("contains", "reports_to")
            expected = timeline.edges(day, kinds=kinds)
            memory = measure(lambda: timeline.edges(day, kinds=kinds), repeat)
            on_duckdb = measure(
                lambda: duck.edges(connection, day, kinds=kinds).fetchall(),
                repeat,
                check=lambda found: same_edges("edges on DuckDB vs in memory", expected, found),
            )
            self.rows.append(
                Row(
                    f"DuckDB: duck.edges(day) ({len(expected):,} contains + reports_to)",
                    "ms",
                    on_duckdb,
                    target=_against_memory("timeline.edges(day)", memory, on_duckdb),
                )
            )

            def in_memory() -> list[tuple[str, str]]:
                return [
                    (post.id, holding.person) for post in timeline.at(day).posts.values() for holding in post.holders
                ]

            held = sorted(in_memory())
            memory = measure(in_memory, repeat)
            on_duckdb = measure(
                lambda: duck.holders(connection, day).fetchall(),
                repeat,
                check=lambda found: same("holders on DuckDB vs in memory", sorted((r[0], r[3]) for r in found), held),
            )
            self.rows.append(
                Row(
                    f"DuckDB: duck.holders(day) ({len(held):,} holdings)",
                    "ms",
                    on_duckdb,
                    target=_against_memory("timeline.at(day) holders", memory, on_duckdb),
                )
            )
        self.notes.append(
            "DuckDB rows: each query reads the Parquet files (OS-cached) and returns Python tuples; "
            "'in memory' is the same question asked of the timeline already built"
        )


# --- one entity's long history -----------------------------------------------------------------------------

#: How many times one unit is renamed in the renames table.
RENAMES = (1_000, 10_000, 100_000)


def renames_table(counts: Sequence[int], repeat: int) -> list[list[str]]:
    """Build timelines that rename one unit ``count`` times: time and memory per rename must stay flat."""
    return [_renamed(count, repeat) for count in counts]


def _renamed(count: int, repeat: int) -> list[str]:
    log(f"renames: {count:,} of one unit")
    start = dt.date(1900, 1, 1)
    events: list[om.Event] = [om.Establish(om.Unit("u", "Name 0"), on=start)]
    events += [om.Rename("u", f"Name {n}", on=start + dt.timedelta(days=n)) for n in range(1, count + 1)]

    def build() -> om.Timeline:
        return om.Timeline(events)

    def check(timeline: om.Timeline) -> None:
        same("the last name", timeline.at(start + dt.timedelta(days=count))["u"].name, f"Name {count}")

    seconds = measure(build, repeat, check=check)
    gc.collect()
    tracemalloc.start()
    kept = build()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    middle = start + dt.timedelta(days=count // 2)
    lookup = per_call(lambda day: kept.entity(f"Name {count // 2}", on=day), [(middle,)] * 200)
    return [
        f"{count:,}",
        f"{seconds:,.3g}",
        f"{seconds / count * 1e6:,.3g}",
        f"{size / count:,.0f}",
        f"{lookup * 1e6:,.3g}",
    ]


RENAMES_HEADER = ("renames of one unit", "build (s)", "µs per rename", "bytes kept per rename", "entity(name) µs")


def _trace(timeline: om.Timeline, unit: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A unit's lineage, with its ancestors and descendants worked out."""
    found = timeline.lineage(unit)
    return found.ancestors, found.descendants


def _per_event(seconds: float, events: int) -> str:
    """Cost per event in the window (the target: proportional to it, so flat across windows)."""
    if math.isinf(seconds):
        return f"> {_value(LIMIT / max(1, events), 'µs')} µs per event"
    return f"{_value(seconds / max(1, events), 'µs')} µs per event"


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _against_memory(what: str, memory: float, engine: float) -> str:
    """The in-memory time of the same question, and how many times longer the engine takes."""
    return f"in memory ({what}): {_value(memory, 'ms')} ms; engine ÷ memory {engine / memory:,.3g}×"


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _target_rate(rate: float) -> str:
    return f"≥ 100k events/s {_mark(rate >= 100_000)}"


def _target_memory(name: str) -> str:
    return "< 2 GB at XL" if name != "XL" else "< 2 GB"


def _compose(text: str) -> object:
    """libyaml's composer (PyYAML's own, when it has no libyaml): nodes that keep their line and column."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.compose(text, Loader=loader)


# --- main --------------------------------------------------------------------------------------------------


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="S,M", help="comma-separated sizes among S, 10K, M, L, XL (default S,M)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure; the median is reported (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic workload (default 1)")
    parser.add_argument("--markdown", action="store_true", help="print markdown (for docs/performance.md)")
    parser.add_argument(
        "--naive", choices=("auto", "always", "never"), default="auto", help="run the naive replay (auto: not at XL)"
    )
    parser.add_argument("--no-raphtory", action="store_true", help="skip Raphtory even if it is installed")
    parser.add_argument(
        "--only",
        default=",".join(MEASURES),
        help=f"comma-separated measures to run after ingest, among {', '.join(MEASURES)} (default all)",
    )
    parser.add_argument(
        "--only-load", action="store_true", help="measure only validated ingest and loading files (as --only load)"
    )
    parser.add_argument(
        "--renames",
        default=",".join(str(count) for count in RENAMES),
        help="comma-separated numbers of renames of one unit for the renames table ('' to skip it)",
    )
    parser.add_argument(
        "--limit",
        type=float,
        default=LIMIT,
        help=f"seconds one run may take before it is abandoned (default {LIMIT:g})",
    )
    parser.add_argument(
        "--cpu-load",
        type=int,
        default=0,
        metavar="N",
        help="run beside N processes that each keep a core busy, stopped when the run ends (default 0)",
    )
    return parser.parse_args(argv)


#: What each process started by --cpu-load runs: a busy loop that ends when the benchmark does, however it
#: ends (its parent gone, it is adopted by another and sees its parent's id change).
SPIN = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    for _ in range(200_000):\n        pass\n"


@contextlib.contextmanager
def cpu_load(processes: int) -> Iterator[None]:
    """Run the body beside ``processes`` busy processes (a concurrent CPU load), stopped however the body ends."""
    spinning: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(processes):
            spinning.append(subprocess.Popen([sys.executable, "-c", SPIN], stdin=subprocess.DEVNULL))
        if processes:
            log(f"running beside {processes} busy process{'es' if processes != 1 else ''} (--cpu-load)")
        yield
    finally:
        for process in spinning:
            process.kill()
        for process in spinning:
            process.wait()


def _load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min)"


def report(
    reports: list[SizeReport],
    info: list[tuple[str, str]],
    options: Options,
    *,
    markdown: bool,
    renames: list[list[str]] | None = None,
) -> str:
    """The whole report as text."""
    out: list[str] = []
    heading = "## " if markdown else ""
    out.append(f"{heading}Machine")
    out.append(render(("", ""), [list(pair) for pair in info], markdown=markdown) if markdown else _pairs(info))
    out.append("")
    out.append(
        f"Medians of up to {options.repeat} run{'s' if options.repeat != 1 else ''} (seed {options.seed}); "
        "time values are wall clock. "
        "Ratios above 1 mean orgmodel is faster (or, for rates, higher)."
    )
    for size in reports:
        out.append("")
        out.append(f"{heading}Size {size.name}")
        out.append(_pairs(size.workload, markdown=markdown))
        out.append("")
        out.append(render(HEADER, table(size.rows), markdown=markdown))
        for note in size.notes:
            out.append(("- " if markdown else "  * ") + note)
    if renames:
        out.append("")
        out.append(f"{heading}One unit renamed many times")
        out.append(render(RENAMES_HEADER, renames, markdown=markdown))
    return "\n".join(out)


def _pairs(pairs: Sequence[tuple[str, str]], *, markdown: bool = False) -> str:
    width = max(len(key) for key, _ in pairs)
    if markdown:
        return "\n".join(f"- **{key}**: {value}" for key, value in pairs)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in pairs)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print the report."""
    global LIMIT  # noqa: PLW0603 - one knob for every measure
    arguments = parse(argv)
    LIMIT = arguments.limit
    sizes = [size.strip().upper() for size in arguments.sizes.split(",") if size.strip()]
    unknown = [size for size in sizes if size not in synthetic.SIZES]
    if unknown:
        print(f"unknown sizes {unknown}; choose among {list(synthetic.SIZES)}", file=sys.stderr)
        return 2
    options = Options(
        repeat=arguments.repeat,
        seed=arguments.seed,
        naive=arguments.naive,
        raphtory=not arguments.no_raphtory and raphtory_baseline.available(),
        only=frozenset({"load"} if arguments.only_load else filter(None, arguments.only.split(","))),
    )
    if options.only - set(MEASURES):
        print(
            f"unknown measures {sorted(options.only - set(MEASURES))}; choose among {list(MEASURES)}", file=sys.stderr
        )
        return 2
    if arguments.cpu_load < 0:
        print("--cpu-load takes a number of processes, 0 or more", file=sys.stderr)
        return 2
    info = machine_info()
    info.append(("concurrent CPU load", f"{arguments.cpu_load} busy processes (--cpu-load)"))
    info.append(("load average at the start", _load_average()))
    with cpu_load(arguments.cpu_load):
        reports = _run_sizes(sizes, options)
        info.append(("load average at the end", _load_average()))
    counts = [int(count) for count in arguments.renames.split(",") if count.strip()]
    renames = renames_table(counts, arguments.repeat) if counts else None
    print(report(reports, info, options, markdown=arguments.markdown, renames=renames))
    return 0


def _run_sizes(sizes: Sequence[str], options: Options) -> list[SizeReport]:
    """Every size's report, in order."""
    reports = []
    for name in sizes:
        log(f"{name}: generating {synthetic.SIZES[name]}")
        start = time.perf_counter()
        workload = synthetic.generate(name, seed=options.seed)
        generated = time.perf_counter() - start
        bench = Bench(name, workload, options)
        size_report = bench.run()
        size_report.notes.append(f"generating the workload took {generated:.1f} s")
        size_report.notes.append(
            f"process max RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:,.0f} MB"
        )
        reports.append(size_report)
        del workload
        gc.collect()
    return reports


if __name__ == "__main__":
    sys.exit(main())
