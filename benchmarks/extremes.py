"""Time and peak memory of every output on the extreme organisations of issue 18.

    python benchmarks/extremes.py                       # 10,000 deep and 50,000 wide, every output
    python benchmarks/extremes.py --deep 2000 --wide 5000 --only text,dot --markdown

Each measure runs in a process of its own, so that its peak memory is its own: the process builds the
organisation (``tests/test_extremes.py``'s shapes: a chain of units each headed by a post, or every unit
under one), notes its peak resident memory, then runs one output and notes the time and the peak again,
with the Graphviz process's peak where there is one.  A measure longer than ``--limit`` seconds is
stopped and reported as ``> N s``.  Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_ROOT))

from tests.test_extremes import DAY, LATER, deep_timeline, wide_timeline  # noqa: E402  # after the path

import orgmodel as om  # noqa: E402
import orgmodel.render  # noqa: E402
from orgmodel import invariants  # noqa: E402
from orgmodel._cli import main as cli  # noqa: E402


def _cli(*arguments: str) -> Callable[[om.Timeline, Path], object]:
    def run(timeline: om.Timeline, folder: Path) -> object:
        # The file was saved before the clock started (see measure_one).
        return cli([*arguments, "--data", str(folder / "data.json")], out=io.StringIO(), err=io.StringIO())

    return run


def _refused(draw: Callable[[], object]) -> str:
    """Draw, or say it was refused (the refusal is the output measured)."""
    try:
        draw()
    except om.DrawingTooLargeError as error:
        return f"refused: {error.boxes:,} boxes"
    return "drawn"


def _deepest(timeline: om.Timeline) -> str:
    return max(timeline.at(DAY).units, key=lambda unit: int(unit[1:]))


OUTPUTS: dict[str, Callable[[om.Timeline, Path], object]] = {
    "text tree: str(chart)": lambda t, _: str(t.at(DAY)),
    "DOT: render.to_dot(chart)": lambda t, _: orgmodel.render.to_dot(t.at(DAY)),
    "chart.draw().svg()": lambda t, _: _refused(lambda: t.at(DAY).draw().svg()),
    "chart.draw(depth=3).svg()": lambda t, _: _refused(lambda: t.at(DAY).draw(depth=3).svg()),
    "chart.draw(force=True).svg()": lambda t, _: t.at(DAY).draw(force=True).svg(),
    "notebook: chart._repr_mimebundle_()": lambda t, _: t.at(DAY)._repr_mimebundle_(),
    "diff.summary()": lambda t, _: t.diff(DAY, LATER).summary(),
    "diff.draw(force=True).dot": lambda t, _: t.diff(DAY, LATER).draw(force=True).dot,
    "notebook: diff._repr_mimebundle_()": lambda t, _: t.diff(DAY, LATER)._repr_mimebundle_(),
    "history(deepest)": lambda t, _: str(t.history(_deepest(t))),
    "lineage(deepest)": lambda t, _: str(t.lineage(_deepest(t))),
    "chain_of_command(deepest unit)": lambda t, _: t.at(DAY).chain_of_command(_deepest(t)),
    "invariants.check(timeline)": lambda t, _: invariants.check(t),
    "dumps (JSON)": lambda t, _: om.dumps(t, format="json"),
    "loads (JSON)": lambda t, _: om.loads(om.dumps(t, format="json"), format="json"),
    "orgmodel chart (text)": _cli("chart", "--at", DAY),
    "orgmodel chart -o svg": _cli("chart", "--at", DAY, "-o", "chart.svg"),
    "orgmodel chart --depth 3 -o svg": _cli("chart", "--at", DAY, "--depth", "3", "-o", "chart.svg"),
    "orgmodel history (deepest)": lambda t, folder: _cli("history", _deepest(t))(t, folder),
}


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(who).ru_maxrss * scale / 2**20


def measure_one(shape: str, size: int, output: str) -> dict[str, float | str]:
    """Run in the child: build, then one output; the figures as a dict."""
    started = time.perf_counter()
    timeline = deep_timeline(size) if shape == "deep" else wide_timeline(size)
    built = time.perf_counter() - started
    built_mb = _peak_mb()
    folder = Path(os.environ.get("EXTREMES_FOLDER", "."))
    os.chdir(folder)
    if output.startswith("orgmodel ") and not (folder / "data.json").exists():
        om.save(timeline, folder / "data.json")
    started = time.perf_counter()
    result = OUTPUTS[output](timeline, folder)
    seconds = time.perf_counter() - started
    from orgmodel._render import _engine

    worker = _engine._Worker._current
    graphviz_mb = 0.0
    if worker is not None:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{worker.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    graphviz_mb = int(line.split()[1]) / 1024
    note = result if isinstance(result, str) and len(result) < 60 else ""
    return {
        "build_s": built,
        "built_mb": built_mb,
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "graphviz_mb": graphviz_mb,
        "note": note,
    }


def measure(shape: str, size: int, output: str, limit: float, folder: Path) -> dict[str, float | str]:
    command = [sys.executable, __file__, "--one", shape, str(size), output]
    environment = {**os.environ, "EXTREMES_FOLDER": str(folder), "ORGMODEL_PROGRESS": "0"}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=limit, env=environment, check=False, cwd=_ROOT
        )
    except subprocess.TimeoutExpired:
        return {"seconds": float("inf"), "note": f"> {limit:.0f} s, stopped"}
    if done.returncode != 0:
        return {"seconds": float("nan"), "note": f"failed: {done.stderr.strip().splitlines()[-1]}"}
    figures: dict[str, float | str] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _row(output: str, figures: dict[str, float | str]) -> list[str]:
    seconds = figures.get("seconds")
    if isinstance(seconds, float) and seconds == float("inf"):
        time_text = str(figures["note"])
        return [output, time_text, "", "", ""]
    if isinstance(seconds, float) and math.isnan(seconds):  # failed
        return [output, "", "", "", str(figures["note"])]
    assert isinstance(seconds, float)
    peak, built, graphviz = (float(figures[key]) for key in ("peak_mb", "built_mb", "graphviz_mb"))
    return [
        output,
        f"{seconds:.2f} s",
        f"{peak:,.0f} MB (+{peak - built:,.0f})",
        f"{graphviz:,.0f} MB" if graphviz else "",
        str(figures.get("note", "")),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deep", type=int, default=10_000)
    parser.add_argument("--wide", type=int, default=50_000)
    parser.add_argument("--limit", type=float, default=600, help="seconds before a measure is stopped")
    parser.add_argument("--only", help="outputs whose name contains one of these words (comma-separated)")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--one", nargs=3, metavar=("SHAPE", "SIZE", "OUTPUT"), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.one:
        shape, size, output = arguments.one
        print(json.dumps(measure_one(shape, int(size), output)))
        return 0
    wanted = [name for name in OUTPUTS if not arguments.only or any(w in name for w in arguments.only.split(","))]
    import tempfile

    header = ["output", "time", "peak memory (above the built organisation)", "Graphviz's peak", "note"]
    for shape, size in (("deep", arguments.deep), ("wide", arguments.wide)):
        rows = []
        build = ""
        with tempfile.TemporaryDirectory() as folder:
            for output in wanted:
                print(f"{shape} {size:,}: {output} …", file=sys.stderr, flush=True)
                figures = measure(shape, size, output, arguments.limit, Path(folder))
                if not build and "build_s" in figures:
                    build = f"built in {float(figures['build_s']):.1f} s, {float(figures['built_mb']):,.0f} MB peak"
                rows.append(_row(output, figures))
        title = (
            f"{size:,} {'deep (a chain, each unit headed by a post)' if shape == 'deep' else 'wide (all under one)'}"
        )
        print(f"\n{title}: {build}\n")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for number, row in enumerate([header, *rows]):
            if arguments.markdown:
                print("| " + " | ".join(row) + " |")
                if number == 0:
                    print("|" + "|".join("---" for _ in header) + "|")
            else:
                print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
