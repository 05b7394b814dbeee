"""Draw the pictures in docs/images from the library, so they always show what users get.

Run it from anywhere, with orgmodel and pygraphviz installed::

    python docs/images/make_images.py            # every picture
    python docs/images/make_images.py nacka-2015-diff.png

Each picture is the Nacka example data set drawn with the library's default
options (the overlay picture only picks its layout), so a change to the drawing
code shows here once this script is run again.  It prints each file's size in
pixels and how long it took, and fails if Graphviz printed anything but the
harmless Fontconfig warning some machines give.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orgmodel as om
from orgmodel import examples
from orgmodel.render import Drawing

HERE = Path(__file__).resolve().parent
BEFORE, AFTER = "2014-12-31", "2015-01-01"

#: File name → how to draw it from the Nacka timeline.
PICTURES: dict[str, Callable[[om.Timeline], Drawing]] = {
    # The README's picture: the reorganisation of 1 January 2015, before above after.
    "nacka-2015-diff.png": lambda org: org.diff(BEFORE, AFTER).draw(),
    # The same changes in one picture: what is gone dashed, in place.
    "nacka-2015-overlay.png": lambda org: org.diff(BEFORE, AFTER).draw(layout="overlay"),
    # The organisation on the day itself.
    "nacka-2015.png": lambda org: org.at(AFTER).draw(),
}


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def render_quietly(drawing: Drawing) -> tuple[bytes, str]:
    """The drawing as PNG, and what Graphviz printed on stderr meanwhile (it writes from C, so catch the fd)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            data = drawing.png()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        caught.seek(0)
        printed = caught.read().decode(errors="replace")
    complaints = [line for line in printed.splitlines() if line.strip() and "Fontconfig" not in line]
    return data, "\n".join(complaints)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"pictures to draw (default: all of {list(PICTURES)})")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to (default: docs/images)")
    arguments = parser.parse_args(argv)
    unknown = [name for name in arguments.names if name not in PICTURES]
    if unknown:
        parser.error(f"unknown picture(s) {unknown}: choose among {list(PICTURES)}")
    arguments.out.mkdir(parents=True, exist_ok=True)
    org = examples.nacka()
    failed = False
    for name in arguments.names or list(PICTURES):
        started = time.perf_counter()
        data, complaints = render_quietly(PICTURES[name](org))
        seconds = time.perf_counter() - started
        (arguments.out / name).write_bytes(data)
        width, height = png_size(data)
        print(f"{arguments.out / name}: {width}×{height} px, {seconds:.2f} s")
        if complaints:
            failed = True
            print(f"Graphviz printed, drawing {name}:\n{complaints}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
