"""Rendering in a Graphviz process of its own: Ctrl-C stops a long render at once, leaving nothing written.

Graphviz runs in a child process kept between drawings (``_render/_engine.py``); these tests interrupt
renders the ways a user does (SIGINT at a terminal, a notebook's "interrupt the kernel", which on some
platforms is ``_thread.interrupt_main``), kill the child, and read the progress line it shows on a terminal.
"""

from __future__ import annotations

import _thread
import io
import logging
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import attrs
import pytest

import orgmodel as om
from orgmodel import _atomic, _progress
from orgmodel._render import _engine
from orgmodel.render import render, write

from .killing import KILLS, kill_9_after

# A graph that keeps Graphviz busy for a minute or more: a random tree with as many random edges again.
SLOW_DOT_SOURCE = textwrap.dedent(
    """\
    import random
    def slow_dot(nodes=1500):
        pick = random.Random(1)
        edges = [f"n{pick.randrange(i)} -> n{i}" for i in range(1, nodes)]
        edges += [f"n{pick.randrange(nodes)} -> n{pick.randrange(nodes)}" for _ in range(nodes)]
        return "digraph G {\\n" + "\\n".join(edges) + "\\n}"
    """
)
namespace: dict[str, object] = {"random": random}
exec(SLOW_DOT_SOURCE, namespace)  # one definition, for this process and for the scripts below
slow_dot = namespace["slow_dot"]


def worker_pid() -> int:
    worker = _engine._Worker._current
    assert worker is not None
    return worker.process.pid


def gone(pid: int, within: float = 3.0) -> bool:
    """Whether process ``pid`` has ended (or is a zombie waiting to be reaped) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                if stat.read().split(") ", 1)[1].startswith("Z"):
                    return True
        except FileNotFoundError:
            return True
        except OSError:  # no /proc: ask the kernel
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
        time.sleep(0.05)
    return False


class TestTheWorker:
    def test_drawings_share_one_worker(self):
        """The Graphviz process is started once and kept: a second drawing goes to the same one."""
        render("digraph { a -> b }", "svg")
        first = worker_pid()
        render("digraph { c -> d }", "png")
        assert worker_pid() == first

    def test_graphviz_warnings_are_logged_not_printed(self, capfd, caplog):
        """What Graphviz prints (here about a label it cannot parse) reaches neither stdout nor stderr,
        only the ``orgmodel.render`` log; the drawing is still made."""
        caplog.set_level(logging.DEBUG, logger="orgmodel.render")
        capfd.readouterr()
        svg = render("digraph { a [label=<<B>x</I>>]; b -> a }", "svg")
        assert svg.startswith(b"<?xml")
        assert capfd.readouterr() == ("", "")
        said = "\n".join(record.getMessage() for record in caplog.records if record.name == "orgmodel.render")
        assert "mismatched tag" in said

    def test_broken_dot_is_a_render_error_with_graphviz_s_words(self):
        """DOT Graphviz cannot read raises RenderError with what Graphviz said and what to try."""
        with pytest.raises(om.RenderError, match="Graphviz could not render this drawing as svg") as raised:
            render("digraph { a -> }", "svg")
        assert "syntax error in line 1" in str(raised.value)
        assert "draw less of it" in str(raised.value)

    def test_a_worker_that_died_while_idle_is_replaced(self):
        """A worker killed between drawings (by the OOM killer, say) is replaced on the next one."""
        render("digraph { a -> b }", "svg")
        first = worker_pid()
        os.kill(first, signal.SIGKILL)
        assert gone(first)
        assert render("digraph { a -> b }", "svg").startswith(b"<?xml")
        assert worker_pid() != first

    def test_a_crash_during_a_render_is_a_render_error_and_the_next_render_works(self):
        """Graphviz dying mid-drawing (a crash in C) ends the worker, not this process."""
        render("digraph { a -> b }", "svg")
        victim = worker_pid()
        threading.Timer(0.5, os.kill, (victim, signal.SIGKILL)).start()
        with pytest.raises(om.RenderError, match=r"Graphviz stopped while rendering this drawing as svg"):
            render(slow_dot(), "svg")
        assert render("digraph { a -> b }", "svg").startswith(b"<?xml")

    def test_without_a_python_to_start_graphviz_with_it_renders_in_process(self, monkeypatch):
        """Embedded Pythons may have no sys.executable: the drawing is made in this process instead."""
        monkeypatch.setattr(_engine._Worker, "_current", None)
        monkeypatch.setattr(_engine._Worker, "_unavailable", False)
        monkeypatch.setattr(sys, "executable", "")
        assert render("digraph { a -> b }", "svg").startswith(b"<?xml")
        assert _engine._Worker._unavailable
        assert _engine._Worker._current is None


class TestInterrupting:
    def test_interrupt_main_stops_a_long_render_within_a_second(self):
        """A notebook's interrupt (``_thread.interrupt_main``, no signal) lands within a fraction of a second,
        the worker is ended, and the next drawing starts a new one."""
        render("digraph { a -> b }", "svg")
        worker = worker_pid()
        threading.Timer(1.0, _thread.interrupt_main).start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            render(slow_dot(), "svg")
        waited = time.monotonic() - started
        assert waited < 2.5, f"the interrupt took {waited - 1:.1f} s to land"
        assert gone(worker)
        assert render("digraph { a -> b }", "svg").startswith(b"<?xml")
        assert worker_pid() != worker

    @pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
    def test_sigint_during_a_saved_render_leaves_nothing_behind(self, tmp_path):
        """Ctrl-C (SIGINT) during ``write``: the process stops within a second or two, the target is not
        written, no temporary file is left, and the Graphviz process is gone."""
        script = SLOW_DOT_SOURCE + textwrap.dedent(
            f"""\
            from orgmodel._render import _engine
            from orgmodel.render import render, write
            render("digraph {{ a }}", "svg")
            print(_engine._Worker._current.process.pid, flush=True)
            write(slow_dot(), {str(tmp_path / "slow.svg")!r})
            """
        )
        stopped = interrupt_while_drawing([sys.executable, "-c", script], first_line=True)
        assert stopped.returncode != 0
        assert "KeyboardInterrupt" in stopped.stderr
        assert stopped.waited < 2, f"the process took {stopped.waited:.1f} s to stop"
        assert list(tmp_path.iterdir()) == []
        assert gone(int(stopped.first_line))

    @pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
    def test_ctrl_c_during_orgmodel_chart_exits_130_and_writes_nothing(self, tmp_path):
        """The command line: ``chart --force -o …`` interrupted while Graphviz works says "interrupted",
        exits with status 130 and leaves no file."""
        units = [om.Establish(om.Unit("u0", "Top", kind="office"), on="2015-01-01")]
        units += [om.Establish(om.Unit(f"u{i}", f"Unit {i}", parent="u0"), on="2015-01-01") for i in range(1, 2500)]
        data = tmp_path / "wide.json"
        om.save(om.Timeline(units), data)
        target = tmp_path / "out" / "wide.svg"
        target.parent.mkdir()
        command = [sys.executable, "-m", "orgmodel", "chart", "--data", str(data), "--at", "2015-01-01", "--force"]
        stopped = interrupt_while_drawing([*command, "-o", str(target)])
        assert stopped.returncode == 130
        assert "orgmodel: interrupted" in stopped.stderr
        assert "Traceback" not in stopped.stderr
        assert stopped.waited < 2, f"the command took {stopped.waited:.1f} s to stop"
        assert list(target.parent.iterdir()) == []


@attrs.frozen
class Stopped:
    returncode: int
    waited: float  # seconds from SIGINT to the end of the process
    first_line: str  # of its standard output
    stderr: str


def interrupt_while_drawing(command: list[str], *, first_line: bool = False) -> Stopped:
    """Run ``command``, send it SIGINT once its progress line says Graphviz has worked for a second.

    With ``first_line``, the first line of its output is read before that (and kept).
    """
    environment = {**os.environ, "ORGMODEL_PROGRESS": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment) as child:
        assert child.stdout is not None
        assert child.stderr is not None
        line = child.stdout.readline().decode() if first_line else ""
        said = b""
        while b"drawing with Graphviz" not in said:
            chunk = child.stderr.read1(4096)
            assert chunk, f"the process ended before its render showed progress: {said.decode()}"
            said += chunk
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        child.wait(timeout=10)
        waited = time.monotonic() - sent
        said += child.stderr.read()
    return Stopped(child.returncode, waited, line, said.decode())


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestProgress:
    def test_a_long_task_shows_its_progress_on_a_terminal_and_wipes_it(self, monkeypatch):
        """Once the task has run for DELAY seconds its line appears; at the end it is wiped."""
        monkeypatch.setattr(_progress, "DELAY", 0.0)
        monkeypatch.setattr(_progress, "INTERVAL", 0.0)
        monkeypatch.delenv("ORGMODEL_PROGRESS", raising=False)
        terminal = FakeTerminal()
        with _progress.Progress("building the timeline", 2048, stream=terminal) as progress:
            for _ in _progress.counting(range(2048), progress):
                pass
        shown = terminal.getvalue()
        assert "\rbuilding the timeline: 1,024 of 2,048 (50%), 0 s" in shown
        assert "\rbuilding the timeline: 2,048 of 2,048 (100%), 0 s" in shown
        # Wiped at the end: the last thing written is blanks as wide as the line, between carriage returns.
        last = shown.split("\r")[-2]
        assert shown.endswith("\r")
        assert last == " " * len("building the timeline: 2,048 of 2,048 (100%), 0 s")

    def test_nothing_is_shown_when_the_stream_is_not_a_terminal(self, monkeypatch):
        """Into a pipe, a file or a notebook, a task says nothing."""
        monkeypatch.setattr(_progress, "DELAY", 0.0)
        monkeypatch.delenv("ORGMODEL_PROGRESS", raising=False)
        pipe = io.StringIO()
        progress = _progress.Progress("building the timeline", 10, stream=pipe)
        assert list(_progress.counting(range(10), progress)) == list(range(10))
        assert progress.done == 10
        assert pipe.getvalue() == ""

    def test_orgmodel_progress_turns_it_on_and_off(self, monkeypatch):
        """ORGMODEL_PROGRESS=0 silences a terminal; ORGMODEL_PROGRESS=1 shows it anywhere."""
        monkeypatch.setattr(_progress, "DELAY", 0.0)
        monkeypatch.setenv("ORGMODEL_PROGRESS", "0")
        terminal = FakeTerminal()
        _progress.Progress("x", stream=terminal).tick()
        assert terminal.getvalue() == ""
        monkeypatch.setenv("ORGMODEL_PROGRESS", "1")
        pipe = io.StringIO()
        with _progress.Progress("drawing with Graphviz", stream=pipe) as progress:
            progress.tick()
        assert pipe.getvalue().startswith("\rdrawing with Graphviz… 0 s (Ctrl-C stops it)")

    def test_a_loop_left_early_wipes_the_line(self, monkeypatch):
        """An error in the middle of a build leaves no progress line behind."""
        monkeypatch.setattr(_progress, "DELAY", 0.0)
        monkeypatch.setattr(_progress, "INTERVAL", 0.0)
        monkeypatch.delenv("ORGMODEL_PROGRESS", raising=False)
        terminal = FakeTerminal()

        def build() -> None:
            for step in _progress.counting(range(5000), _progress.Progress("build", 5000, stream=terminal)):
                if step == 3000:
                    raise ValueError("a bad event")

        with pytest.raises(ValueError, match="a bad event"):
            build()
        assert terminal.getvalue().rstrip(" \r").count("\r") >= 2
        assert terminal.getvalue().endswith("\r")
        assert terminal.getvalue().split("\r")[-2].strip() == ""

    def test_a_build_reports_its_progress(self, monkeypatch):
        """Building a timeline counts its changes through the progress line."""
        monkeypatch.setattr(_progress, "DELAY", 0.0)
        monkeypatch.setenv("ORGMODEL_PROGRESS", "1")
        terminal = io.StringIO()
        monkeypatch.setattr(sys, "stderr", terminal)
        events = [om.Establish(om.Unit(f"u{i}", f"Unit {i}"), on="2015-01-01") for i in range(3000)]
        om.Timeline(events)
        assert "building the timeline: 1,024 of 3,000" in terminal.getvalue()


def test_writing_a_drawing_is_all_or_nothing(tmp_path):
    """A render that fails leaves an existing file as it was, and no temporary file."""
    target = tmp_path / "chart.svg"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(om.RenderError):
        write("digraph { a -> }", target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [path.name for path in Path(tmp_path).iterdir()] == ["chart.svg"]


class TestWritingADrawing:
    """Drawings are written as saved timelines are (``_atomic.replace_file``): whole, through links, mode kept."""

    def test_a_symlink_is_followed(self, tmp_path):
        real = tmp_path / "drawings" / "chart.svg"
        real.parent.mkdir()
        real.write_text("old", encoding="utf-8")
        link = tmp_path / "chart.svg"
        link.symlink_to(real)
        write("digraph { a -> b }", link)
        assert link.is_symlink()
        assert real.read_text(encoding="utf-8").startswith("<?xml")

    def test_an_existing_file_keeps_its_mode(self, tmp_path):
        target = tmp_path / "chart.dot"
        target.write_text("old", encoding="utf-8")
        target.chmod(0o640)
        write("digraph { a -> b }", target)
        assert target.stat().st_mode & 0o777 == 0o640
        assert "a -> b" in target.read_text(encoding="utf-8")

    def test_a_new_file_gets_the_mode_the_umask_gives(self, tmp_path):
        old = os.umask(0o027)
        try:
            write("digraph { a -> b }", tmp_path / "chart.dot")
        finally:
            os.umask(old)
        assert (tmp_path / "chart.dot").stat().st_mode & 0o777 == 0o640


# A process writing two drawings to one file in turn, forever: killed at random moments, it must never leave
# a partial file.  The big one takes most of a second to render and is 140 kB of SVG.
DRAWER = textwrap.dedent(
    """
    import sys
    from orgmodel.render import write
    small, big, path = open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3]
    write(small, path)
    print("ready", flush=True)
    while True:
        write(big, path)
        write(small, path)
    """
)


@pytest.mark.skipif(os.name != "posix", reason="sends SIGKILL")
def test_kill_9_while_writing_a_drawing_never_leaves_a_partial_file(tmp_path):
    """``kill -9`` at random moments of rendering and writing: the file is always one whole drawing (the
    old one or the new one), the next write removes any temporary file the killed one left, and the
    killed process's Graphviz process ends without a word."""
    small = "digraph { a -> b }"
    big = "digraph {\n" + "\n".join(f'n{i} [label="{"box " * 20}{i}"]' for i in range(400)) + "\n}"
    sources = [tmp_path / "small.dot", tmp_path / "big.dot"]
    sources[0].write_text(small, encoding="utf-8")
    sources[1].write_text(big, encoding="utf-8")
    versions = {render(small, "svg"), render(big, "svg")}
    target = tmp_path / "drawn" / "chart.svg"
    target.parent.mkdir()
    randomness = random.Random(23)
    left_behind = 0
    for _ in range(KILLS):
        said = kill_9_after([sys.executable, "-c", DRAWER, *map(str, sources), str(target)], randomness.uniform(0, 1))
        assert said == "", "the Graphviz process of a killed drawer must end quietly"
        assert target.read_bytes() in versions
        left_behind += len(_atomic.temporary_files(target))
        write(small, target)
        assert [path.name for path in target.parent.iterdir()] == ["chart.svg"]
    print(f"{KILLS} kills, {left_behind} left a temporary file that the next write removed")
