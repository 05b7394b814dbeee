"""Loading a file of a million events: how long, how much memory at the peak, and what the user sees.

    python benchmarks/big_file.py [--events 1000000] [--formats json,yaml] [--keep DIR]

Writes a file of ``--events`` events (units established in a tree, then renamed
again and again), then loads it in a fresh process with ``orgmodel.load(path,
progress=True)`` and reports the wall time, the peak resident memory of that
process (``ru_maxrss``), the file's size and how many progress reports it
wrote to standard error.  Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

#: Units in the tree; the other events rename them.
UNITS = 50_000
#: Children per unit in the tree.
FAN_OUT = 8

_LOAD = """
import sys, orgmodel
timeline = orgmodel.load(sys.argv[1], progress=True, limits=orgmodel.Limits(file_size=1 << 30))
print(len(timeline.events))
"""


def _days() -> Iterator[str]:
    """Successive days from 1995-01-02 on, each used for a few renames."""
    import datetime as dt

    day = dt.date(1995, 1, 2)
    while True:
        for _ in range(20):
            yield day.isoformat()
        day += dt.timedelta(days=1)


def entries(events: int) -> Iterator[dict[str, object]]:
    """The events of the file, as the format writes them (JSON-ready)."""
    units = min(UNITS, events)
    for number in range(units):
        entry: dict[str, object] = {"establish": f"u{number}", "on": "1995-01-01"}
        if number:
            entry["parent"] = f"u{(number - 1) // FAN_OUT}"
        yield entry
    days = _days()
    for number in range(events - units):
        unit = number % units
        yield {"rename": f"u{unit}", "name": f"Enhet {unit} ({number})", "on": next(days)}


def write(path: Path, events: int) -> None:
    """The file at ``path``, JSON or YAML by its extension."""
    units = [{"id": f"u{number}", "name": f"Enhet {number}"} for number in range(min(UNITS, events))]
    with path.open("w", encoding="utf-8") as stream:
        if path.suffix == ".json":
            stream.write('{"orgmodel": 1, "entities": {"units": ')
            json.dump(units, stream, ensure_ascii=False)
            stream.write('}, "events": [\n')
            for index, entry in enumerate(entries(events)):
                stream.write((",\n" if index else "") + json.dumps(entry, ensure_ascii=False))
            stream.write("\n]}\n")
            return
        stream.write("orgmodel: 1\nentities:\n  units:\n")
        for unit in units:
            stream.write(f"  - id: {unit['id']}\n    name: {unit['name']}\n")
        stream.write("events:\n")
        for entry in entries(events):
            first = True
            for key, value in entry.items():
                stream.write(f"{'- ' if first else '  '}{key}: {json.dumps(value, ensure_ascii=False)}\n")
                first = False


def load(path: Path) -> tuple[float, float, int, str]:
    """Seconds, peak memory in MB, progress reports and the output of loading ``path`` in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", _LOAD, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stderr is not None
    errors = process.stderr.read()  # the child writes its one line of output only at the end
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the largest of all so far
    seconds = time.perf_counter() - start
    peak = usage.ru_maxrss / 1024  # kilobytes on Linux
    said = errors.decode("utf-8", "replace")
    if status:
        raise SystemExit(f"loading {path} failed:\n{said[-2000:]}")
    shown = [line.strip() for line in said.split("\r") if line.strip()]
    reports, last = len(shown), (shown[-1] if shown else "")
    return seconds, peak, reports, f"{output.decode().strip()} events; last report: {last!r}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the file (default 1,000,000)")
    parser.add_argument("--formats", default="json,yaml", help="comma-separated: json, yaml (default both)")
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(arguments.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for chosen in arguments.formats.split(","):
            path = folder / f"big.{chosen}"
            print(f"writing {path} ({arguments.events:,} events)", file=sys.stderr)
            write(path, arguments.events)
            print(f"loading {path}", file=sys.stderr)
            seconds, peak, reports, said = load(path)
            size = path.stat().st_size / 2**20
            print(
                f"{chosen.upper()}: {size:,.0f} MB, {arguments.events:,} events: loaded in {seconds:,.1f} s, "
                f"peak memory {peak:,.0f} MB, {reports} progress reports ({said})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
