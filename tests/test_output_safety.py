"""What orgmodel prints and draws is safe whatever the names hold, and the command line never guesses (issue 17).

Names come from files written by others: control characters must not reach a terminal raw, Graphviz's
backslash escapes must not change a name in a drawing, a latin-1 terminal must still get the chart, and a
command without data must ask for it rather than quietly read the example.
"""

from __future__ import annotations

import html
import io
import os
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import orgmodel as om
import orgmodel.render
from orgmodel._cli import main
from orgmodel._render._drawing import TEXT_LINES
from orgmodel._terminal import TerminalText
from orgmodel._text import visible

DAY = "2015-01-01"
# ESC [2J clears the screen, ESC ]0;…BEL retitles the window, U+202E reverses what follows, NUL and DEL.
HOSTILE = "Park\x1b[2J\x1b]0;pwned\x07\u202eenheten\x00\x7f\x9b"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_timeline(name: str = HOSTILE) -> om.Timeline:
    return om.Timeline(
        [
            om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on=DAY),
            om.Establish(om.Unit("x", name, parent="ks"), on=DAY),
            om.Establish(om.Post("h", f"Chef {name}", unit="x", heads=True), on=DAY),
            om.Establish(om.Function("f", f"Uppdrag {name}", owner="x"), on=DAY),
            om.Rename("x", f"{name} 2", on="2015-02-01"),
        ]
    )


def no_raw_control(text: str) -> None:
    """No control character but the line breaks between lines."""
    assert CONTROL.findall(text) == [], repr(text)


class TestControlCharacters:
    def test_the_text_tree_escapes_them(self):
        """``str(chart)``: every control character shows as an escape, and the name is still readable."""
        text = str(hostile_timeline().at(DAY))
        no_raw_control(text)
        assert "Park\\x1b[2J\\x1b]0;pwned\\x07\\u202eenheten\\x00\\x7f\\x9b [unit]" in text

    def test_a_summary_a_history_and_a_lineage_escape_them(self):
        """``diff.summary()``, ``str(history)`` and ``str(lineage)`` too."""
        timeline = hostile_timeline()
        for text in (
            timeline.diff(DAY, "2015-02-01").summary(),
            str(timeline.history("x")),
            str(timeline.lineage("x")),
        ):
            no_raw_control(text)
            assert "\\x1b[2J" in text

    def test_a_line_break_in_a_name_cannot_forge_a_line(self):
        """A name holding a line break stays on its line, the break shown as ``\\x0a``."""
        text = str(hostile_timeline("Enhet\n└── Förfalskad [unit]").at(DAY))
        assert "Enhet\\x0a└── Förfalskad [unit] [unit]" in text
        assert not any(line.startswith("└── Förfalskad") for line in text.splitlines())

    @given(st.text(max_size=20).filter(lambda text: "\\" not in text))
    def test_visible_escapes_the_control_characters_and_nothing_else(self, name):
        """No raw control character is left, and undoing the escapes gives the name back."""
        shown = visible(name)
        no_raw_control(shown)
        assert "\n" not in shown
        undone = re.sub(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1) or m.group(2), 16)), shown)
        assert undone == name

    def test_the_command_line_escapes_them(self, tmp_path):
        """``orgmodel chart``, ``diff`` and ``history`` on a hostile file print no raw control character."""
        data = tmp_path / "hostile.json"
        om.save(hostile_timeline(), data)
        for arguments in (
            ["chart", "--at", DAY],
            ["diff", "--from", DAY, "--to", "2015-02-01"],
            ["history", "x"],
            ["events"],
        ):
            out, err = io.StringIO(), io.StringIO()
            assert main([*arguments, "--data", str(data)], out=out, err=err) == 0
            no_raw_control(out.getvalue() + err.getvalue())
            assert "\\x1b[2J" in out.getvalue()

    def test_an_error_message_on_the_command_line_escapes_them(self, tmp_path):
        """A name echoed in an error is escaped as well."""
        out, err = io.StringIO(), io.StringIO()
        assert main(["history", "--example", "nacka", "no\x1b[2Jsuch"], out=out, err=err) == 1
        no_raw_control(err.getvalue())


class TestGraphvizEscapes:
    @pytest.mark.parametrize("name", [r"A\N", r"B\G", r"C\L", r"D\E", r"E\H", r"F\T", r"G\l", r"H\n", "I\\", r"J\\K"])
    def test_a_name_with_a_backslash_is_drawn_as_written(self, name):
        """Graphviz reads ``\\N`` as the node's name, ``\\G`` as the graph's …: in orgmodel's SVG each
        name is shown exactly as written."""
        chart = hostile_timeline(name).at(DAY)
        svg = chart.draw(legend=False).svg()
        texts = [html.unescape(text) for text in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
        assert name in texts
        assert f"Chef {name}: " in texts

    def test_the_notebook_picture_keeps_them_too(self):
        """The SVG a notebook shows (the HTML repr) is the same drawing."""
        bundle = hostile_timeline(r"X\N\G").at(DAY)._repr_mimebundle_()
        assert "X\\N\\G" in html.unescape(bundle["image/svg+xml"])


class TestTerminals:
    def test_a_latin_1_terminal_gets_the_chart(self):
        """``orgmodel chart`` to a latin-1 terminal: exit 0, Swedish letters kept, the tree drawn in ASCII."""
        environment = {**os.environ, "PYTHONIOENCODING": "latin-1"}
        result = subprocess.run(
            [sys.executable, "-m", "orgmodel", "chart", "--example", "nacka", "--at", DAY],
            capture_output=True,
            env=environment,
            check=False,
        )
        assert result.returncode == 0, result.stderr.decode("latin-1")
        text = result.stdout.decode("latin-1")
        assert "Förnyelseenheten [support-unit]" in text
        assert "|-- Arbets- och företagsnämnden [board]" in text
        assert "\\u2514" not in text  # the tree's corners are ASCII, not escapes

    def test_an_ascii_terminal_gets_escapes_for_what_it_cannot_show(self):
        """Where even the letters do not fit, they come as escapes, never as an error."""
        stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
        assert TerminalText(stream).safe("Förnyelseenheten → x") == "F\\xf6rnyelseenheten -> x"

    def test_a_utf_8_terminal_gets_the_text_as_it_is(self):
        stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        assert TerminalText(stream).safe("└── Förnyelseenheten — x") == "└── Förnyelseenheten — x"


class TestTheCommandLineNeverGuesses:
    @pytest.mark.parametrize("command", [["chart", "--at", DAY], ["events"], ["history", "slk"], ["lineage", "slk"]])
    def test_without_data_it_asks_which(self, command):
        """No --data and no --example: a usage error naming both, exit status 2, nothing printed."""
        out, err = io.StringIO(), io.StringIO()
        assert main(command, out=out, err=err) == 2
        assert out.getvalue() == ""
        assert "--data FILE" in err.getvalue()
        assert "--example nacka" in err.getvalue()

    def test_data_and_example_together_are_refused(self, tmp_path):
        out, err = io.StringIO(), io.StringIO()
        assert main(["events", "--example", "nacka", "--data", "x.yaml"], out=out, err=err) == 2
        assert "not allowed with argument" in err.getvalue()

    @pytest.mark.parametrize(
        ("arguments", "note"),
        [
            (["chart", "--at", "2022-09-01"], "--at 2022-09-01 is after the last change in the data (2016-12-31)"),
            (["chart", "--at", "2010-01-01"], "--at 2010-01-01 is before the first change in the data (2013-02-11)"),
            (["diff", "--from", "2016-06-01", "--to", "2022-09-01"], "--to 2022-09-01 is after the last change"),
            (["events", "--from", "2001-01-01"], "--from 2001-01-01 is before the first change"),
            (["history", "slk", "--on", "2030-01-01"], "--on 2030-01-01 is after the last change"),
        ],
    )
    def test_a_day_outside_the_data_is_flagged(self, arguments, note):
        """The answer is given (exit 0), with a note on stderr that the day lies outside the data."""
        out, err = io.StringIO(), io.StringIO()
        assert main([*arguments, "--example", "nacka"], out=out, err=err) == 0
        assert f"orgmodel: note: {note}" in err.getvalue()

    def test_a_day_inside_the_data_is_not_flagged(self):
        out, err = io.StringIO(), io.StringIO()
        assert main(["chart", "--example", "nacka", "--at", DAY], out=out, err=err) == 0
        assert err.getvalue() == ""

    @pytest.mark.parametrize(
        ("arguments", "status", "message"),
        [
            (["chart", "--at", DAY, "--depth", "-1", "--root", "slk"], 2, "--depth: must be a whole number ≥ 0"),
            (["chart", "--at", DAY, "--depth", "two"], 2, "--depth: must be a whole number ≥ 0, got 'two'"),
            (["events", "--from", "2015-01-01", "--to", "2014-01-01"], 1, "--from 2015-01-01 is after --to 2014-01-01"),
        ],
    )
    def test_wrong_uses_exit_non_zero_with_a_message(self, arguments, status, message):
        out, err = io.StringIO(), io.StringIO()
        assert main([*arguments, "--example", "nacka"], out=out, err=err) == status
        assert message in err.getvalue()
        assert out.getvalue() == ""

    def test_depth_cuts_the_text_tree(self):
        """``chart --depth 0`` prints the top units only, each saying how many units lie below."""
        out = io.StringIO()
        assert main(["chart", "--example", "nacka", "--at", DAY, "--depth", "0"], out=out) == 0
        chart = om.examples.nacka().at(DAY)
        below = len(chart.descendants("kf"))
        assert f"└── … {below:,} units below" in out.getvalue()
        for unit in chart.units.values():
            if unit.parent is not None:
                assert f" {unit.name} [" not in out.getvalue()

    def test_the_readme_s_first_command_works(self, tmp_path, monkeypatch):
        """The newcomer's command (after ``pip install .``) draws Nacka's reorganisation."""
        readme = (os.path.dirname(__file__) + "/../README.md",)[0]
        with open(readme, encoding="utf-8") as file:
            command = re.findall(r"```sh\n(.*?)```", file.read(), flags=re.DOTALL)[0].strip()
        drawing = command.split(" && ")[1].split()
        assert drawing[:2] == ["orgmodel", "diff"]
        monkeypatch.chdir(tmp_path)
        out = io.StringIO()
        assert main(drawing[1:], out=out) == 0
        assert (tmp_path / "nacka-2015.svg").read_text(encoding="utf-8").startswith("<?xml")


class TestDrawingsTooLarge:
    def wide(self, units: int) -> om.Timeline:
        events = [om.Establish(om.Unit("u0", "Top", kind="office"), on=DAY)]
        events += [om.Establish(om.Unit(f"u{i}", f"Unit {i}", parent="u0"), on=DAY) for i in range(1, units)]
        return om.Timeline(events)

    def test_a_chart_above_the_limit_is_refused_with_what_to_do(self):
        """draw() refuses at once, saying how many boxes and what to draw instead."""
        chart = self.wide(orgmodel.render.MAX_BOXES + 1).at(DAY)
        with pytest.raises(om.DrawingTooLargeError) as refused:
            chart.draw()
        assert refused.value.boxes == orgmodel.render.MAX_BOXES + 1
        assert refused.value.limit == orgmodel.render.MAX_BOXES
        for advice in ("root=", "depth=", "print(chart)", "explore()", "force=True"):
            assert advice in str(refused.value)

    def test_at_the_limit_or_with_a_root_or_a_depth_it_is_drawn(self):
        chart = self.wide(orgmodel.render.MAX_BOXES + 1).at(DAY)
        assert chart.draw(depth=0).dot.count(" [label=<<TABLE") == 1
        assert chart.draw(root="u7").dot.count(" [label=<<TABLE") == 1
        assert self.wide(orgmodel.render.MAX_BOXES).at(DAY).draw().dot  # exactly the limit: drawn

    def test_force_draws_it_anyway(self):
        chart = self.wide(orgmodel.render.MAX_BOXES + 1).at(DAY)
        assert chart.draw(force=True).dot.count(" [label=<<TABLE") == orgmodel.render.MAX_BOXES + 1

    def test_a_diff_counts_both_days(self):
        """Before and after each hold 1,001 units: 2,002 boxes, refused; the overlay draws 1,001."""
        timeline = self.wide(1001).with_events(om.Rename("u1", "Renamed", on="2015-02-01"))
        diff = timeline.diff(DAY, "2015-02-01")
        with pytest.raises(om.DrawingTooLargeError, match="2,002 boxes"):
            diff.draw()
        assert diff.draw(layout="overlay").dot
        assert diff.draw(changed_only=True).dot

    def test_the_notebook_shows_the_text_at_once(self):
        """A chart too large to draw shows its text in a notebook (cut to TEXT_LINES lines), never hangs."""
        chart = self.wide(orgmodel.render.MAX_BOXES + 1).at(DAY)
        bundle = chart._repr_mimebundle_()
        assert list(bundle) == ["text/plain"]
        lines = bundle["text/plain"].splitlines()
        assert len(lines) == TEXT_LINES + 2
        assert lines[-2] == f"… {orgmodel.render.MAX_BOXES + 2 - 500:,} more lines (print() shows them all)"
        assert lines[-1].startswith("(no drawing: DrawingTooLargeError: this drawing would have 2,001 boxes")

    def test_the_command_line_says_what_to_do_there(self, tmp_path):
        data = tmp_path / "wide.json"
        om.save(self.wide(orgmodel.render.MAX_BOXES + 1), data)
        out, err = io.StringIO(), io.StringIO()
        arguments = ["chart", "--data", str(data), "--at", DAY, "-o", str(tmp_path / "wide.svg")]
        assert main(arguments, out=out, err=err) == 1
        message = err.getvalue()
        assert message.startswith("orgmodel: error: this drawing would have 2,001 boxes")
        for advice in ("--root UNIT", "--depth N", "leave out -o", "--force"):
            assert advice in message
        assert not (tmp_path / "wide.svg").exists()
        assert main([*arguments, "--depth", "0"], out=out, err=err) == 0
