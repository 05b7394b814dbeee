"""The explorer page: its size, how long it takes to build, and how fast one slider step redraws in a browser.

    python benchmarks/explorer.py [--units 1000] [--changes 1000] [--steps 40] [--seed 1]

Builds Nacka's page and a synthetic organisation's (:mod:`benchmarks.synthetic`),
prints their sizes and build times, then opens the synthetic page in headless
Chromium (Debian's ``chromium`` driven by Playwright, as in the browser tests;
nothing downloads a browser), unfolds every unit and steps the slider
``--steps`` times, printing the median and the slowest redraw: the page's own
work with the style and layout it causes, and the time until the browser has
painted the result.  Nothing is asserted; the figures go to stdout.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tests import browser  # noqa: E402

import orgmodel as om  # noqa: E402 - the repository root comes first
from benchmarks.synthetic import Size, generate  # noqa: E402
from orgmodel import examples  # noqa: E402


def build(org: om.Timeline, path: Path, title: str) -> tuple[float, int]:
    """Seconds to build and write the page, and its size in bytes."""
    started = time.perf_counter()
    org.explore(title=title, day=org.first_day).save(path)
    return time.perf_counter() - started, path.stat().st_size


def redraw_figures(chromium: Any, path: Path, steps: int) -> dict[str, Any]:
    """Open the page in ``chromium`` (a Playwright browser), unfold everything and time ``steps`` slider steps."""
    tab = chromium.new_page(viewport={"width": 1280, "height": 760})
    try:
        tab.goto(path.as_uri())
        tab.wait_for_function("window.orgmodelExplorer !== undefined")
        return browser.measure_steps(tab, steps)
    finally:
        tab.close()


def main(argv: Sequence[str] | None = None, *, chromium: Any = None) -> int:
    """Run the benchmark; ``chromium`` is a Playwright browser to use (default: launch one)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=1000, help="units at the start (default 1000)")
    parser.add_argument("--changes", type=int, default=1000, help="changes in the history (default 1000)")
    parser.add_argument("--steps", type=int, default=40, help="slider steps to time (default 40)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic organisation (default 1)")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        seconds, size = build(examples.nacka(), Path(folder, "nacka.html"), examples.NACKA_TITLE)
        print(f"Nacka: page {size / 1e6:.2f} MB, built in {seconds:.2f} s")
        org = om.Timeline(generate(Size(options.units, options.changes), seed=options.seed).entries)
        path = Path(folder, "synthetic.html")
        seconds, size = build(org, path, "synthetic")
        start = org.first_day
        assert start is not None
        units = len(org.at(start).units)
        print(
            f"synthetic: {units} units on the first day, {len(org)} changes, "
            f"page {size / 1e6:.2f} MB, built in {seconds:.2f} s"
        )
        missing = browser.missing()
        if missing is not None:
            print(f"no redraw figures: {missing}")
            return 1
        if chromium is not None:
            figures = redraw_figures(chromium, path, options.steps)
        else:
            with browser.chromium() as launched:
                figures = redraw_figures(launched, path, options.steps)
    for what, key in (("script, style and layout", "script"), ("to the painted frame", "frame")):
        times = figures[key]
        print(
            f"one slider step, {what}: median {statistics.median(times):.1f} ms, "
            f"slowest {max(times):.1f} ms ({len(times)} steps, {figures['boxes']} boxes shown)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
