"""Turning DOT text into SVG, PNG or PDF, in-process when it can.

Graphviz runs inside Python through ``pygraphviz``, whose wheels bundle
Graphviz, so ``pip install`` is all a user needs.  Without ``pygraphviz`` a
``dot`` executable on ``PATH`` (a system Graphviz) does the same job.  With
neither, :class:`RenderError` says what to install.  The DOT text is the same
either way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import uuid
from pathlib import Path
from typing import Any, Literal

from orgmodel._render._quiet import captured_stderr
from orgmodel.errors import InvalidArgumentError, RenderError

__all__ = ["FORMATS", "Format", "RenderError", "render", "write"]

Format = Literal["svg", "png", "pdf", "dot"]
#: The formats :func:`render` makes; ``"dot"`` is the DOT source itself.
FORMATS: tuple[Format, ...] = ("svg", "png", "pdf", "dot")

_INSTALL_HINT = (
    "install pygraphviz (`pip install pygraphviz`: its wheels include Graphviz) "
    "or a system Graphviz that puts `dot` on PATH (e.g. `apt install graphviz`, `brew install graphviz`)"
)
# Graphviz keeps global state while it lays out a graph: one drawing at a time per process.
_GRAPHVIZ_LOCK = threading.Lock()


def render(dot_source: str, format: Format | str) -> bytes:  # noqa: A002  # the word users know, as in pygraphviz
    """DOT text rendered as ``"svg"``, ``"png"``, ``"pdf"`` or ``"dot"`` (the text itself), as bytes.

    Uses ``pygraphviz`` in-process, or a ``dot`` executable on ``PATH`` when
    ``pygraphviz`` is not installed; raises :class:`RenderError` when neither
    is there or Graphviz fails.

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
    try:
        import pygraphviz
    except ImportError:
        return _render_with_executable(dot_source, format)
    return _render_in_process(pygraphviz, dot_source, format)


def _check_format(format: str) -> Format:  # noqa: A002
    for known in FORMATS:
        if format == known:
            return known
    raise InvalidArgumentError(f"format must be one of {list(FORMATS)}, got {format!r}")


def _render_in_process(pygraphviz: Any, dot_source: str, format: str) -> bytes:  # noqa: A002
    # Graphviz's warnings (Fontconfig, "triangulation failed") are kept off the screen; a failure reports them.
    with _GRAPHVIZ_LOCK, captured_stderr() as said:
        try:
            graph = pygraphviz.AGraph(string=dot_source)
            # prog="dot" always: pygraphviz's default layout is neato, which ignores the hierarchy.
            data = graph.draw(format=format, prog="dot")
        except Exception as error:  # pygraphviz raises DotError, ValueError, OSError…: all mean "Graphviz failed"
            failure: Exception | None = error
        else:
            failure = None
    if failure is not None:
        raise RenderError(_failed(format, failure, said.lines())) from failure
    if not isinstance(data, bytes):
        raise RenderError(f"Graphviz returned no {format} data")
    return data


def _failed(format: str, error: Exception, said: list[str]) -> str:  # noqa: A002
    """What to tell the user when Graphviz failed: its own words, and what to try."""
    words = "; ".join([str(error), *(line for line in said if "Fontconfig" not in line)])
    return (
        f"Graphviz could not render this drawing as {format}: {words} — draw less of it (root=, depth=, "
        f"changed_only=True for a diff), or report it with the DOT text (Drawing.dot) if it is small"
    )


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
    written to a temporary file beside it and moved into place.  Returns the
    path written.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write("digraph { a -> b }", pathlib.Path(folder, "ab.dot")).read_text()
    'digraph { a -> b }'
    """
    target = Path(path)
    data = render(dot_source, format_of(target))
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    # os.open with mode 0o666 lets the umask decide the permissions, as for any new file.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(temporary, flags, 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
