"""Organisations at the extremes of shape and size, through every public output (issue 18).

Deep (a chain of units, each headed by a post), wide (every unit under one), a long history (one unit
renamed again and again), huge names, endless input.  CI runs a small version of each case, big enough
to matter (deeper than Python's recursion limit, wider than a drawing is made); ``HYPOTHESIS_PROFILE=slow``
runs the sizes of the issue: 10,000 deep, 50,000 wide.  The times and peak memory of each output at those
sizes come from ``python benchmarks/extremes.py`` (tests assert behaviour, not speed).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import settings

import orgmodel as om
import orgmodel.render
from orgmodel import invariants
from orgmodel._cli import main
from orgmodel._render._drawing import TEXT_LINES
from orgmodel._text import MAX_INDENT, chart_tree

SLOW = settings.default.max_examples >= 1000
DEEP = 10_000 if SLOW else 1_500  # CI: still past Python's recursion limit (1,000)
WIDE = 50_000 if SLOW else 5_000
RENAMES = 10_000 if SLOW else 1_000
NAME = 1_000_000 if SLOW else 100_000
DAY, LATER = "2015-01-01", "2015-06-01"
MAX_BOXES = orgmodel.render.MAX_BOXES

pytestmark = pytest.mark.slow if SLOW else []


def deep_timeline(depth: int) -> om.Timeline:
    """A chain ``u0 > u1 > …``, each unit headed by a post; on LATER the deepest moves to the top, renamed."""
    events: list[om.Event] = []
    for level in range(depth):
        parent = f"u{level - 1}" if level else None
        events.append(om.Establish(om.Unit(f"u{level}", f"Unit {level}", parent=parent), on=DAY))
        events.append(om.Establish(om.Post(f"p{level}", f"Chef {level}", unit=f"u{level}", heads=True), on=DAY))
    last = f"u{depth - 1}"
    events += [om.Move(last, "u0", on=LATER), om.Rename(last, "The deepest", on=LATER)]
    return om.Timeline(events)


def wide_timeline(width: int) -> om.Timeline:
    """``u0`` and width - 1 units under it; on LATER one of them is renamed."""
    events = [om.Establish(om.Unit("u0", "Top", kind="office"), on=DAY)]
    events += [om.Establish(om.Unit(f"u{i}", f"Unit {i}", parent="u0"), on=DAY) for i in range(1, width)]
    events.append(om.Rename("u1", "Renamed", on=LATER))
    return om.Timeline(events)


def boxes(dot: str) -> int:
    return dot.count(" [label=<<TABLE")


def run_cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(arguments), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def deep() -> om.Timeline:
    return deep_timeline(DEEP)


@pytest.fixture(scope="module")
def wide() -> om.Timeline:
    return wide_timeline(WIDE)


class TestDeep:
    """A hierarchy deeper than Python's recursion limit: every output walks it with a loop."""

    def test_the_text_tree_shows_every_level_in_short_lines(self, deep):
        """``str(chart)``: one line per unit and head, the indentation capped, the levels left out counted."""
        lines = str(deep.at(DAY)).splitlines()
        assert len(lines) == 1 + DEEP
        assert (
            lines[-1]
            == f"[+{DEEP - 2 - MAX_INDENT}] {'    ' * MAX_INDENT}└── Unit {DEEP - 1} [unit] — Chef {DEEP - 1}: vacant"
        )
        assert max(len(line) for line in lines) < 4 * MAX_INDENT + 60

    def test_the_text_tree_to_a_depth(self, deep):
        lines = chart_tree(deep.at(DAY), depth=2).splitlines()
        assert lines[-1] == f"        └── … {DEEP - 3:,} units below"
        assert len(lines) == 5

    def test_the_chart_s_walks(self, deep):
        """Ancestors, descendants, a subtree and the chain of command run the whole depth."""
        chart = deep.at(DAY)
        deepest = f"u{DEEP - 1}"
        assert len(chart.ancestors(deepest)) == DEEP - 1
        assert len(chart.descendants("u0")) == DEEP - 1
        assert len(chart.subtree("u0", depth=5).units) == 6
        assert len(chart.subtree(f"u{DEEP - 6}").units) == 6
        assert len(chart.chain_of_command(f"p{DEEP - 1}")) == DEEP
        assert len(deep.chain_of_command(f"p{DEEP - 1}", on=DAY)) == DEEP

    def test_dot_and_drawings(self, deep):
        """``to_dot``, ``draw`` (forced past MAX_BOXES at the big size) and a cut drawing have every box."""
        chart = deep.at(DAY)
        assert boxes(orgmodel.render.to_dot(chart)) == DEEP
        assert boxes(chart.draw(force=True).dot) == DEEP
        assert boxes(chart.draw(depth=10).dot) == 11
        assert boxes(chart.draw(root=f"u{DEEP - 3}", force=True).dot) == 3
        assert boxes(chart.draw(view="people", force=True).dot) == DEEP

    def test_the_picture(self, deep):
        """Graphviz lays out the whole chain (50 s at 10,000 levels): the SVG names the deepest unit."""
        svg = deep.at(DAY).draw(force=True).svg()
        assert f">Unit {DEEP - 1}</text>" in svg

    def test_the_notebook_view(self, deep):
        """A notebook gets the picture, or above MAX_BOXES the text at once; never an error."""
        bundle = deep.at(DAY)._repr_mimebundle_()
        assert bundle["text/plain"].startswith(f"Organisation on {DAY}")
        assert ("image/svg+xml" in bundle) == (DEEP <= MAX_BOXES)

    def test_a_diff(self, deep):
        """The deepest unit moved to the top and renamed: summary, both drawings, the notebook view."""
        diff = deep.diff(DAY, LATER)
        summary = diff.summary()
        assert f"moved 'Unit {DEEP - 1}'" in summary or "moved" in summary
        assert "renamed" in summary
        assert boxes(diff.draw(force=True).dot) == 2 * DEEP
        assert boxes(diff.draw(layout="overlay", force=True).dot) == DEEP
        assert boxes(diff.draw(changed_only=True, force=True).dot) <= 2 * DEEP
        assert diff._repr_mimebundle_()["text/plain"].startswith(f"Changes from {DAY} to {LATER}")

    def test_history_lineage_and_invariants(self, deep):
        history = deep.history(f"u{DEEP - 1}")
        assert "The deepest" in str(history)
        assert f"Unit {DEEP - 1}" in str(deep.lineage(f"u{DEEP - 1}"))
        assert invariants.check(deep) == []
        assert invariants.check(deep.at(DAY)) == []

    def test_files(self, deep):
        """Saved and read again, as JSON and YAML: the same organisation on both days."""
        for format_ in ("json", "yaml") if SLOW else ("json",):  # YAML is the slower read, and says no more
            again = om.loads(om.dumps(deep, format=format_), format=format_)
            for day in (DAY, LATER):
                assert again.at(day).units == deep.at(day).units

    def test_the_command_line(self, deep, tmp_path):
        """``chart`` (text, to a depth, drawn to a depth), ``history``, ``lineage`` and ``events``."""
        data = tmp_path / "deep.json"
        om.save(deep, data)
        status, out, _ = run_cli("chart", "--data", str(data), "--at", DAY)
        assert status == 0
        assert len(out.splitlines()) == 1 + DEEP
        status, out, _ = run_cli("chart", "--data", str(data), "--at", DAY, "--root", "u5", "--depth", "2")
        assert (status, len(out.splitlines())) == (0, 5)
        target = tmp_path / "top.svg"
        assert run_cli("chart", "--data", str(data), "--at", DAY, "--depth", "5", "-o", str(target))[0] == 0
        assert ">Unit 5</text>" in target.read_text(encoding="utf-8")
        for command in (["history", f"u{DEEP - 1}"], ["lineage", f"u{DEEP - 1}"], ["events"]):
            assert run_cli(*command, "--data", str(data))[0] == 0


class TestWide:
    """Every unit under one: text at once, drawings refused unless cut or forced."""

    def test_the_text_tree(self, wide):
        lines = str(wide.at(DAY)).splitlines()
        assert len(lines) == 1 + WIDE
        assert lines[1] == "Top [office]"

    def test_dot_has_every_box(self, wide):
        assert boxes(orgmodel.render.to_dot(wide.at(DAY))) == WIDE

    def test_a_drawing_is_refused_with_what_to_do(self, wide):
        chart = wide.at(DAY)
        with pytest.raises(om.DrawingTooLargeError, match=f"{WIDE:,} boxes"):
            chart.draw()
        assert boxes(chart.draw(depth=0).dot) == 1
        assert boxes(chart.draw(root="u7").dot) == 1

    def test_the_notebook_shows_the_text_cut_short(self, wide):
        bundle = wide.at(DAY)._repr_mimebundle_()
        assert list(bundle) == ["text/plain"]
        assert len(bundle["text/plain"].splitlines()) == TEXT_LINES + 2

    def test_a_diff(self, wide):
        diff = wide.diff(DAY, LATER)
        assert len(diff) == 1
        with pytest.raises(om.DrawingTooLargeError):
            diff.draw()
        assert boxes(diff.draw(changed_only=True).dot) == 4  # the renamed unit and the top, on both days
        assert "image/svg+xml" not in diff._repr_mimebundle_()

    def test_the_command_line(self, wide, tmp_path):
        data = tmp_path / "wide.json"
        om.save(wide, data)
        status, out, _ = run_cli("chart", "--data", str(data), "--at", DAY)
        assert (status, len(out.splitlines())) == (0, 1 + WIDE)
        status, _, err = run_cli("chart", "--data", str(data), "--at", DAY, "-o", str(tmp_path / "wide.svg"))
        assert status == 1
        assert f"this drawing would have {WIDE:,} boxes" in err
        assert not (tmp_path / "wide.svg").exists()


class TestLongHistory:
    """One unit renamed again and again: its history, lineage and diffs list every name."""

    @pytest.fixture(scope="class")
    @classmethod
    def renamed(cls) -> om.Timeline:
        events: list[om.Event] = [om.Establish(om.Unit("u", "Name 0"), on="2000-01-01")]
        start = dt.date(2000, 1, 1)
        events += [om.Rename("u", f"Name {i}", on=start + dt.timedelta(days=i)) for i in range(1, RENAMES)]
        return om.Timeline(events)

    def test_history_and_lineage(self, renamed):
        names = [fact for fact in renamed.history("u") if fact.attribute == "name"]
        assert len(names) == RENAMES
        assert len(renamed.lineage("u").names) == RENAMES
        assert str(renamed.history("u")).count("rename 'u'") == RENAMES - 1

    def test_the_diff_over_all_of_it(self, renamed):
        diff = renamed.diff("2000-01-01", renamed.last_day)
        assert [entry.kind for entry in diff] == [om.ChangeKind.RENAMED]
        assert f"'Name {RENAMES - 1}'" in diff.summary()

    def test_any_former_name_finds_it(self, renamed):
        assert renamed.history(f"Name {RENAMES // 2}").subject.id == "u"

    def test_the_command_line(self, renamed, tmp_path):
        data = tmp_path / "renamed.json"
        om.save(renamed, data)
        status, out, _ = run_cli("history", "--data", str(data), "Name 7")
        assert status == 0
        assert len(out.splitlines()) > RENAMES


class TestHugeNames:
    """A name of a million characters (CI: 100,000): printed whole, drawn cut to MAX_TEXT."""

    @pytest.fixture(scope="class")
    @classmethod
    def huge(cls) -> om.Timeline:
        spaced = ("Enhet för " * (NAME // 10))[:NAME]
        return om.Timeline(
            [
                om.Establish(om.Unit("u", spaced, kind="board"), on=DAY),
                om.Establish(om.Unit("v", "x" * NAME, parent="u"), on=DAY),
                om.Establish(om.Post("p", "\\N" * (NAME // 2), unit="v", heads=True), on=DAY),
            ]
        )

    def test_text_keeps_it_whole(self, huge):
        assert "x" * NAME in str(huge.at(DAY))

    def test_the_drawing_cuts_it(self, huge):
        svg = huge.at(DAY).draw().svg()
        texts = re.findall(r"<text[^>]*>(.*?)</text>", svg)
        assert "x" * 999 + "…" in texts
        assert len(svg) < 100_000

    def test_the_notebook_and_the_command_line(self, huge, tmp_path):
        assert "image/svg+xml" in huge.at(DAY)._repr_mimebundle_()
        data = tmp_path / "huge.json"
        om.save(huge, data)
        # Files are read under limits: a name this long is refused at once, naming the limit to raise.
        status, out, err = run_cli("chart", "--data", str(data), "--at", DAY)
        assert (status, out) == (1, "")
        assert "is too long" in err
        assert "name_length" in err
        assert len(err) < 1000


class TestEndlessInput:
    """A data file that never ends (a link to /dev/zero) is refused by the limit, in bounded memory."""

    @pytest.mark.skipif(not os.path.exists("/dev/zero") or os.name != "posix", reason="needs /dev/zero")
    @pytest.mark.parametrize("command", [["validate"], ["chart", "--at", DAY, "--data"]])
    def test_the_command_refuses_it(self, tmp_path, command):
        endless = tmp_path / "endless.yaml"
        endless.symlink_to("/dev/zero")
        limit = textwrap.dedent(
            """\
            import resource, sys
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
            from orgmodel._cli import main
            sys.exit(main(sys.argv[1:]))
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", limit, *command, str(endless)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 1, result.stderr[-500:]
        assert result.stderr.startswith("orgmodel: error: "), result.stderr[-500:]
        assert "Traceback" not in result.stderr
