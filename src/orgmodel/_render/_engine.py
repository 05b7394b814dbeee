"""Turning DOT text into SVG, PNG or PDF, in a Graphviz process that Ctrl-C can stop.

Graphviz runs through ``pygraphviz``, whose wheels bundle Graphviz, so
``pip install`` is all a user needs.  It runs in a child process (the script
``_graphviz_worker.py``), started on the first drawing and kept for the next:
a layout in C cannot be interrupted in the process that runs it, but a child
process can be ended.  So a Ctrl-C (or a notebook's "interrupt the kernel")
during a long render stops it within a fraction of a second, the child is
ended and nothing is written; the next drawing starts a new child.  A crash
in Graphviz ends the child with a :class:`RenderError`, not the user's
Python.  The cost is a copy of the DOT text and of the picture through a
pipe, about a millisecond for an ordinary chart (see ``docs/drawing.md``).

Where no child process can be started (no ``sys.executable``), Graphviz runs
in this process as before, and cannot be interrupted.  Without ``pygraphviz``
a ``dot`` executable on ``PATH`` (a system Graphviz) does the job.  With
neither, :class:`RenderError` says what to install.  The DOT text is the same
either way.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import logging
import os
import shutil
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, ClassVar, Literal

from orgmodel._atomic import replace_file
from orgmodel._progress import Progress
from orgmodel._render._graphviz_worker import REPLY, REQUEST, read_exactly
from orgmodel._render._quiet import captured_stderr
from orgmodel.errors import InvalidArgumentError, RenderError

__all__ = ["FORMATS", "Format", "RenderError", "render", "write"]

# What Graphviz says while it works (Fontconfig, "triangulation failed") is logged here, not shown,
# unless the render failed: then it is part of the error.
log = logging.getLogger("orgmodel.render")

Format = Literal["svg", "png", "pdf", "dot"]
#: The formats :func:`render` makes; ``"dot"`` is the DOT source itself.
FORMATS: tuple[Format, ...] = ("svg", "png", "pdf", "dot")

_INSTALL_HINT = (
    "install pygraphviz (`pip install pygraphviz`: its wheels include Graphviz) "
    "or a system Graphviz that puts `dot` on PATH (e.g. `apt install graphviz`, `brew install graphviz`)"
)
# One drawing at a time: Graphviz keeps global state while it lays out a graph, and there is one worker.
_GRAPHVIZ_LOCK = threading.Lock()
# How often the waiting thread looks up from waiting: the most an interrupt waits to be noticed where
# signals do not cut a wait short (Windows), and how often the progress line can change.
_POLL_SECONDS = 0.1
# A worker that drew something this large (DOT text, in bytes) is ended afterwards, to give its memory back.
_RETIRE_AFTER = 4_000_000


def render(dot_source: str, format: Format | str) -> bytes:  # noqa: A002  # the word users know, as in pygraphviz
    """DOT text rendered as ``"svg"``, ``"png"``, ``"pdf"`` or ``"dot"`` (the text itself), as bytes.

    Uses ``pygraphviz`` in a child process that Ctrl-C stops (see the module
    notes), or a ``dot`` executable on ``PATH`` when ``pygraphviz`` is not
    installed; raises :class:`RenderError` when neither is there or Graphviz
    fails.  On a terminal, a render that takes more than a second says so on
    standard error until it ends.

    >>> render("digraph { a -> b }", "svg").startswith(b"<?xml")
    True
    """
    checked = _check_format(format)
    if checked == "dot":
        return dot_source.encode()
    return _run(dot_source, checked)


def layout(dot_source: str) -> dict[str, Any]:
    """Where Graphviz puts everything in DOT text: its ``json0`` output (nodes, edges, clusters, with positions).

    ``json0`` leaves out the drawing instructions, which Graphviz 14 cannot write for some labels (it crashes).

    >>> sorted(node["name"] for node in layout("digraph { a -> b }")["objects"])
    ['a', 'b']
    """
    return dict(json.loads(_run(dot_source, "json0")))


def _run(dot_source: str, format: str) -> bytes:  # noqa: A002
    """Graphviz's output for DOT text in any format it knows (``svg``, ``json0`` …), however it is reached."""
    if importlib.util.find_spec("pygraphviz") is None:
        return _render_with_executable(dot_source, format)
    with _GRAPHVIZ_LOCK:
        worker = _Worker.current()
        if worker is None:
            return _render_in_process(dot_source, format)
        return worker.render(dot_source, format)


def _check_format(format: str) -> Format:  # noqa: A002
    for known in FORMATS:
        if format == known:
            return known
    raise InvalidArgumentError(f"format must be one of {list(FORMATS)}, got {format!r}")


def _render_in_process(dot_source: str, format: str) -> bytes:  # noqa: A002
    import pygraphviz

    # Graphviz's warnings (Fontconfig, "triangulation failed") are kept off the screen; a failure reports them.
    with captured_stderr() as said:
        try:
            graph = pygraphviz.AGraph(string=dot_source)
            # prog="dot" always: pygraphviz's default layout is neato, which ignores the hierarchy.
            data = graph.draw(format=format, prog="dot")
        except Exception as error:  # pygraphviz raises DotError, ValueError, OSError…: all mean "Graphviz failed"
            failure: Exception | None = error
        else:
            failure = None
    if failure is not None:
        raise RenderError(_failed(format, str(failure), said.text)) from failure
    if not isinstance(data, bytes):
        raise RenderError(f"Graphviz returned no {format} data")
    return data


def _failed(format: str, error: str, said: str) -> str:  # noqa: A002
    """What to tell the user when Graphviz failed: its own words, and what to try."""
    words = "; ".join(
        [error, *(line.strip() for line in said.splitlines() if line.strip() and "Fontconfig" not in line)]
    )
    return (
        f"Graphviz could not render this drawing as {format}: {words} — draw less of it (root=, depth=, "
        "changed_only=True for a diff), or report it with the DOT text (Drawing.dot) if it is small"
    )


class _Worker:
    """The Graphviz child process: started on first use, kept for the next drawing, ended to stop one.

    Only the thread holding ``_GRAPHVIZ_LOCK`` touches it.
    """

    _current: ClassVar[_Worker | None] = None
    # Set once a worker could not start: this process then renders in-process, without trying again.
    _unavailable: ClassVar[bool] = False
    # Workers inherited through os.fork(): kept referenced (and untouched), as they belong to the parent.
    _inherited: ClassVar[list[_Worker]] = []

    def __init__(self) -> None:
        self.owner = os.getpid()
        script = Path(__file__).with_name("_graphviz_worker.py")
        if not sys.executable or not script.is_file():
            raise OSError("no Python executable or worker script to start Graphviz with")
        self.process = subprocess.Popen(
            [sys.executable, str(script), json.dumps(sys.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.ready = False

    @classmethod
    def current(cls) -> _Worker | None:
        """The worker to use, started if need be; ``None`` when Graphviz must run in this process."""
        worker = cls._current
        if worker is not None and worker.owner != os.getpid():
            cls._inherited.append(worker)
            cls._current = worker = None
        elif worker is not None and worker.process.poll() is not None:
            worker.stop()  # it died between drawings: reap it, close its pipes, start another
            worker = None
        if worker is None and not cls._unavailable:
            try:
                worker = cls._current = cls()
            except OSError:
                cls._unavailable = True
        return worker

    def render(self, dot_source: str, format: str) -> bytes:  # noqa: A002
        """Send one drawing and wait for the picture, interruptibly; any interruption ends the worker."""
        source = dot_source.encode()
        exchange = _Exchange(self, REQUEST.pack(format.encode().ljust(8), len(source)) + source)
        try:
            with Progress("drawing with Graphviz") as progress:
                exchange.start()
                while exchange.is_alive():
                    exchange.join(_POLL_SECONDS)
                    progress.tick()
        except BaseException:
            # A KeyboardInterrupt, most likely: the layout is abandoned and the worker with it.
            self.stop()
            exchange.join(1)
            raise
        if exchange.unavailable is not None:
            self.stop()
            _Worker._unavailable = True
            return _render_in_process(dot_source, format)
        if exchange.reply is None:
            status = self.stop()
            raise RenderError(
                f"Graphviz stopped while rendering this drawing as {format} (exit status {status}); "
                "try a smaller drawing (root=, depth=)"
            )
        failed, data, said = exchange.reply
        words = said.decode(errors="replace")
        if failed:
            raise RenderError(_failed(format, data.decode(errors="replace"), words))
        if words.strip():
            log.debug("Graphviz said: %s", words.strip())
        if len(source) > _RETIRE_AFTER:
            self.close()
        return data

    def stop(self) -> int | None:
        """End the worker now; returns its exit status."""
        if _Worker._current is self:
            _Worker._current = None
        self.process.kill()
        status = self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        return status

    def close(self) -> None:
        """Let the worker end on its own (its input ends), and wait a moment for it."""
        if _Worker._current is self:
            _Worker._current = None
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class _Exchange(threading.Thread):
    """Writes one request to the worker and reads its reply, so that the calling thread can wait interruptibly.

    ``reply`` is ``(failed, data, what Graphviz said)``, or ``None`` when the worker went away;
    ``unavailable`` is the worker's message when it could not import pygraphviz.
    """

    def __init__(self, worker: _Worker, request: bytes) -> None:
        super().__init__(name="orgmodel-graphviz", daemon=True)
        self.worker = worker
        self.request = request
        self.reply: tuple[bool, bytes, bytes] | None = None
        self.unavailable: str | None = None

    def run(self) -> None:
        process = self.worker.process
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            if not self.worker.ready:
                greeting = read_exactly(process.stdout, 1)
                if greeting != b"R":
                    message = b""
                    length = read_exactly(process.stdout, 8) if greeting == b"E" else None
                    if length is not None:
                        message = read_exactly(process.stdout, struct.unpack("!Q", length)[0]) or b""
                    self.unavailable = message.decode(errors="replace") or "the Graphviz worker did not start"
                    return
                self.worker.ready = True
            # An unbuffered pipe may take part of a large request at a time: write until all of it is taken.
            view = memoryview(self.request)
            while view:
                view = view[process.stdin.write(view) or 0 :]
            header = read_exactly(process.stdout, REPLY.size)
            if header is None:
                return
            status, size, said_size = REPLY.unpack(header)
            data = read_exactly(process.stdout, size)
            said = read_exactly(process.stdout, said_size)
            if data is not None and said is not None:
                self.reply = (status != 0, data, said)
        except (OSError, ValueError):  # the worker was ended (a broken pipe, a closed file): no reply
            return


def _render_with_executable(dot_source: str, format: str) -> bytes:  # noqa: A002
    executable = shutil.which("dot")
    if executable is None:
        raise RenderError(f"cannot render a drawing as {format}: no Graphviz found — {_INSTALL_HINT}")
    try:
        done = subprocess.run(
            [executable, f"-T{format}"], input=dot_source.encode(), capture_output=True, check=False, timeout=300
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise RenderError(f"could not run {executable}: {error}") from error
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise RenderError(f"{executable} failed ({done.returncode}) rendering as {format}: {message}")
    return done.stdout


def format_of(path: str | os.PathLike[str]) -> Format:
    """The format a file name asks for, from its extension.

    >>> format_of("chart.SVG")
    'svg'
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    for known in FORMATS:
        if suffix == known:
            return known
    allowed = ", ".join(f".{name}" for name in FORMATS)
    raise InvalidArgumentError(f"path must end in one of {allowed}, got {os.fspath(path)!r}")


def write(dot_source: str, path: str | os.PathLike[str]) -> Path:
    """Render DOT text to a file, the format chosen by its extension (.svg, .png, .pdf, .dot).

    The file appears whole or not at all: the drawing is rendered first, then
    written as :func:`orgmodel.save` writes a timeline (a temporary file beside
    it, moved into place), so a render killed at any moment leaves the old
    file or the new one.  As for saved timelines, a symlink is followed and an
    existing file keeps its mode; a new one gets the umask's.  Returns the path
    written.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write("digraph { a -> b }", pathlib.Path(folder, "ab.dot")).read_text()
    'digraph { a -> b }'
    """
    target = Path(path)
    data = render(dot_source, format_of(target))
    replace_file(target, data)
    return target


@atexit.register
def _stop_worker() -> None:
    # An idle worker has nothing to lose: ended at once, so that exiting never waits for it.
    worker = _Worker._current
    if worker is not None and worker.owner == os.getpid():
        worker.stop()
