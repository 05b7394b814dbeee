"""The orgmodel command, run through its real entry points."""

from __future__ import annotations

import errno
import io
import shlex
import shutil
import subprocess
import sys
import textwrap

import pytest

import orgmodel as om
from orgmodel._cli import main

SCRIPT = shutil.which("orgmodel")
NACKA = ("--example", "nacka")  # the data set every command is told to read here
COMMANDS = ("chart", "diff", "history", "lineage", "events", "validate")


def run(*arguments: str, cwd=None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m orgmodel`` the way a user would, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "orgmodel", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        check=False,
        timeout=120,
    )


@pytest.mark.skipif(SCRIPT is None, reason="the console script is installed with the package")
def test_the_console_script_runs():
    """The installed ``orgmodel`` script answers --version."""
    result = subprocess.run([SCRIPT, "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.strip() == f"orgmodel {om.__version__}"


class TestText:
    def test_chart_prints_the_tree(self):
        """``chart --at`` prints the organisation that day."""
        result = run("chart", "--example", "nacka", "--at", "2015-01-01")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Organisation on 2015-01-01\n")
        assert "Förnyelseenheten [support-unit]" in result.stdout

    def test_chart_of_one_unit(self):
        """``--root`` cuts the tree to one unit."""
        result = run("chart", "--example", "nacka", "--at", "2015-01-01", "--root", "kommunstyrelsen")
        assert result.returncode == 0, result.stderr
        assert "Mångfaldskommittén" in result.stdout
        assert "Stadsledningskontoret" not in result.stdout

    def test_diff_prints_the_changes(self):
        """``diff`` prints the classified changes with their sources."""
        result = run("diff", "--example", "nacka", "--from", "2014-06-30", "--to", "2014-07-01")
        assert result.returncode == 0, result.stderr
        expected = len(om.examples.nacka().diff("2014-06-30", "2014-07-01"))
        assert result.stdout.splitlines()[0] == f"Changes from 2014-06-30 to 2014-07-01: {expected}"
        assert "split 'Ekonomienheten' (ekonomienheten) into 'Controllerenheten'" in result.stdout

    def test_history_and_lineage(self):
        """``history`` and ``lineage`` take any name the entity had."""
        history = run("history", "--example", "nacka", "samordnings- och utvecklingsenheten")
        assert history.returncode == 0, history.stderr
        assert "History of unit 'Förnyelseenheten'" in history.stdout
        lineage = run("lineage", "--example", "nacka", "ekonomienheten")
        assert "split  Ekonomienheten  Redovisningsenheten" in lineage.stdout

    def test_events_between_two_days(self):
        """``events --from --to`` lists the changes in between."""
        result = run("events", "--example", "nacka", "--from", "2014-04-30", "--to", "2014-05-01")
        assert result.returncode == 0, result.stderr
        changes = om.examples.nacka().changes_between("2014-04-30", "2014-05-01")
        events = sum(len(change.events) for change in changes)
        assert result.stdout.splitlines()[0] == f"{events} events in {len(changes)} changes"
        assert "dissolve 'fastighetsstaben'" in result.stdout

    def test_help_has_examples(self):
        """Every command's --help ends with examples."""
        for command in COMMANDS:
            result = run(command, "--help")
            assert result.returncode == 0
            assert "examples:\n  orgmodel " + command in result.stdout

    @pytest.mark.parametrize("command", [None, *COMMANDS])
    def test_every_example_in_the_help_runs(self, tmp_path, command):
        """The examples --help shows work as written (``my-municipality.yaml`` standing for the user's file)."""
        om.save(om.examples.nacka(), tmp_path / "my-municipality.yaml")
        help_text = run(*([command] if command else []), "--help").stdout
        examples = help_text.split("examples:\n")[1].splitlines()
        assert examples
        for example in examples:
            arguments = shlex.split(example, comments=True)
            assert arguments[0] == "orgmodel"
            result = run(*arguments[1:], cwd=tmp_path)
            assert result.returncode == 0, f"{example}: {result.stderr}"


class TestDrawing:
    @pytest.mark.parametrize("suffix", ["svg", "png", "pdf", "dot"])
    def test_writes_a_drawing_of_the_requested_kind(self, tmp_path, suffix):
        """``-o`` writes the drawing; the file is what its extension says."""
        target = tmp_path / f"nacka.{suffix}"
        result = run("diff", "--example", "nacka", "--from", "2014-12-31", "--to", "2015-01-01", "-o", str(target))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"wrote {target}"
        head = target.read_bytes()[:400]
        if suffix == "dot":
            assert b"digraph" in head
        else:
            assert head.startswith({"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}[suffix])

    def test_chart_drawing(self, tmp_path):
        """``chart -o`` draws one day."""
        target = tmp_path / "chart.svg"
        assert run("chart", "--example", "nacka", "--at", "2015-01-01", "-o", str(target)).returncode == 0
        assert "Förnyelseenheten" in target.read_text(encoding="utf-8")


class TestBadInput:
    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (("chart", *NACKA, "--at", "2015-13-01"), "cannot read '2015-13-01' as a date"),
            (("history", *NACKA, "nothing-by-this-name"), "no entity has ever been named 'nothing-by-this-name'"),
            (("history", *NACKA, "Enhetschef"), "11 entities have been named 'Enhetschef'"),
            (("diff", *NACKA, "--from", "2015-01-01", "--to", "2014-01-01"), "a diff runs forward in time"),
            (("chart", "--at", "2015-01-01", "--data", "missing.yaml"), "missing.yaml: cannot read the file"),
            (
                ("chart", *NACKA, "--at", "2015-01-01", "-o", "chart.gif"),
                "path must end in one of .svg, .png, .pdf, .dot",
            ),
            (("chart", *NACKA, "--at", "2015-01-01", "--root", "no-such-unit"), "no entity named 'no-such-unit'"),
        ],
    )
    def test_one_line_error_and_non_zero_exit(self, tmp_path, arguments, message):
        """Bad input ends with one error line on stderr and exit status 1, never a traceback."""
        result = run(*arguments, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr.startswith(f"orgmodel: error: {message}"), result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1

    def test_an_ambiguous_name_is_answered_with_the_options_of_the_command(self):
        """The hint names --on, not the Python keyword, and lists the ids to choose from."""
        result = run("history", "--example", "nacka", "Enhetschef")
        assert "give the id" in result.stderr
        assert "--on DAY" in result.stderr
        assert "on=DAY" not in result.stderr
        assert "(chef-bygg, from ../2014-11-24)" in result.stderr

    def test_a_reader_that_stops_early_is_not_an_error(self):
        """``orgmodel events | head -1``: no "Broken pipe" complaint when the reader goes away."""

        class ClosedPipe(io.StringIO):
            def write(self, text: str) -> int:
                raise BrokenPipeError(errno.EPIPE, "Broken pipe")

        errors = io.StringIO()
        assert main(["events", "--example", "nacka"], out=ClosedPipe(), err=errors) == 1
        assert errors.getvalue() == ""

    def test_usage_errors_exit_2(self):
        """A missing required option is a usage error (exit status 2)."""
        result = run("chart", "--example", "nacka")
        assert result.returncode == 2
        assert "the following arguments are required: --at" in result.stderr


class TestValidate:
    def test_limits_raised_from_the_command_line(self, tmp_path):
        """A file past a limit is refused with the option that lifts it; with the option it loads."""
        target = tmp_path / "small.yaml"
        om.save(om.examples.nacka(), target)
        events = len(om.examples.nacka().events)
        out, err = io.StringIO(), io.StringIO()
        assert main(["validate", str(target), "--limit", "events=3"], out=out, err=err) == 1
        assert "--limit events=N" in err.getvalue()
        out, err = io.StringIO(), io.StringIO()
        assert main(["validate", str(target), "--limit", f"events={events}"], out=out, err=err) == 0, err.getvalue()
        assert (
            main(["chart", "--data", str(target), "--at", "2015-01-01", "--limit", "events=3"], out=out, err=err) == 1
        )

    @pytest.mark.parametrize("option", ["events", "events=many", "size=5"])
    def test_a_limit_must_be_named_and_counted(self, option, capsys):
        err = io.StringIO()
        assert main(["validate", "x.yaml", "--limit", option], out=io.StringIO(), err=err) == 2
        assert "--limit" in err.getvalue() + capsys.readouterr().err

    def test_a_valid_file(self, tmp_path):
        """A valid file is reported valid with its size."""
        target = tmp_path / "nacka.yaml"
        om.save(om.examples.nacka(), target)
        result = run("validate", str(target))
        assert result.returncode == 0, result.stderr
        org = om.examples.nacka()
        assert result.stdout.strip().endswith(f"valid — {len(org)} changes, {len(org.events)} events")

    def test_every_problem_with_its_line(self, tmp_path):
        """An invalid file lists every problem with file:line:column and exits 1."""
        target = tmp_path / "plan.yaml"
        target.write_text(
            textwrap.dedent(
                """\
                events:
                  - on: 2015-01-01
                    rename: fu
                  - on: someday
                    dissolve: x
                """
            ),
            encoding="utf-8",
        )
        result = run("validate", str(target))
        assert result.returncode == 1
        lines = result.stderr.splitlines()
        assert lines[0] == "orgmodel: error: 2 problems found:"
        assert lines[1] == f"{target}:2:5: event 'rename' needs 'name'"
        assert lines[2].startswith(f"{target}:4:9: 'on' of event 'dissolve': cannot read 'someday'")
