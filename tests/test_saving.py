"""Saving: files users keep stay as they wrote them, and a save is atomic whatever happens.

The first half checks what saving over a hand-written YAML file leaves behind
(comments, title, order and layout kept; new and changed events in the
file's style); the second half the file-system side (symlinks, modes, stale
temporary files, ``kill -9``, text that UTF-8 cannot hold).
"""

from __future__ import annotations

import difflib
import fcntl
import os
import random
import re
import stat
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import _atomic, _rewrite, _roundtrip
from orgmodel import strategies as oms

from .killing import KILLS, kill_9_after

REPO = Path(__file__).resolve().parent.parent

#: A hand-written file: comments everywhere, flow-style declarations, an integer where text is meant.
HAND = textwrap.dedent(
    """\
    # yaml-language-server: $schema=orgmodel.schema.json
    # The city office, as we keep it by hand.
    orgmodel: 1
    title: Stadsledningskontoret   # working title
    sources:
      plan: {document: Organisationsplan, body: Kommunstyrelsen, reference: 12}
    entities:
      units:
        - {id: slk, name: Stadsledningskontoret, kind: office}
        - {id: eko, name: Ekonomienheten}
        - {id: kom, name: Kommunikationsenheten}
      people:
        - {id: anna, name: Anna Andersson}
    events:
      # Everything in place at the start.
      - on: 2014-01-01
        source: plan
        events:
          - establish: slk
          - establish: eko
            parent: slk   # under the office
          - establish: kom
            parent: eko
          - establish: anna
      # The economy unit's new name, decided in the autumn.
      - rename: eko
        name: Ekonomi och styrning
        on: 1 januari 2015   # as the plan says

      # Communications moves up.
      - move: kom
        to: slk
        on: 2015-06-01
    """
)


def write(folder: Path, text: str = HAND, name: str = "office.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines removed from ``before`` and added in ``after``."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def evolve_change(org: om.Timeline, index: int, **changes) -> om.Timeline:
    found = list(org.changes)
    found[index] = attrs.evolve(found[index], **changes)
    return om.Timeline(found)


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


class TestKeepingTheFile:
    """Saving over a hand-written YAML file changes only what changed."""

    def test_saving_an_unchanged_timeline_leaves_the_file_byte_for_byte(self, tmp_path):
        """Comments, quoting, flow style, blank lines and the integer ``reference: 12`` all stay."""
        path = write(tmp_path)
        om.save(om.load(path), path)
        assert path.read_text(encoding="utf-8") == HAND

    @pytest.mark.parametrize("example", ["examples/small-office.yaml", "src/orgmodel/examples/nacka.yaml"])
    def test_the_shipped_files_survive_a_save_unchanged(self, tmp_path, example):
        original = (REPO / example).read_text(encoding="utf-8")
        path = write(tmp_path, original)
        om.save(om.load(path), path)
        assert path.read_text(encoding="utf-8") == original

    def test_adding_one_event_adds_only_its_lines(self, tmp_path):
        """The new event goes after the change before it, in the file's style; nothing else moves."""
        path = write(tmp_path)
        org = om.load(path).with_events(om.Rename("kom", "Kommunikation", on="2015-03-01"))
        om.save(org, path)
        after = path.read_text(encoding="utf-8")
        assert changed_lines(HAND, after) == ([], ["  - rename: kom", "    name: Kommunikation", "    on: 2015-03-01"])
        # It heads nothing: the next event keeps its blank line and heading.
        assert "    on: 2015-03-01\n\n  # Communications moves up.\n  - move: kom" in after
        assert om.load(path) == org

    def test_the_diff_shown_in_the_format_docs_is_what_saving_does(self, tmp_path):
        """docs/format.md shows the diff of adding one event to examples/small-office.yaml: it is this one."""
        original = (REPO / "examples/small-office.yaml").read_text(encoding="utf-8")
        path = write(tmp_path, original)
        om.save(om.load(path).with_events(om.Rename("ks", "Kommunstyrelsen (ny)", on="2016-03-01")), path)
        diff = difflib.unified_diff(original.splitlines(), path.read_text(encoding="utf-8").splitlines(), lineterm="")
        shown = (REPO / "docs/format.md").read_text(encoding="utf-8").split("```diff\n")[1].split("```")[0]
        assert "\n".join(list(diff)[2:]) + "\n" == shown

    def test_a_changed_event_is_changed_in_place(self, tmp_path):
        """Only the changed value is rewritten; the comments on and around the event stay."""
        path = write(tmp_path)
        org = om.load(path)
        rename = org.changes[1].events[0]
        org = evolve_change(org, 1, events=[attrs.evolve(rename, name="Ekonomi")])
        om.save(org, path)
        after = path.read_text(encoding="utf-8")
        assert changed_lines(HAND, after) == (["    name: Ekonomi och styrning"], ["    name: Ekonomi"])
        assert om.load(path) == org

    def test_a_new_date_keeps_the_end_of_line_comment(self, tmp_path):
        path = write(tmp_path)
        org = om.load(path)
        change = org.changes[1]
        redated = [attrs.evolve(event, on="1 februari 2015") for event in change.events]
        om.save(evolve_change(org, 1, on="1 februari 2015", events=redated), path)
        assert changed_lines(HAND, path.read_text(encoding="utf-8")) == (
            ["    on: 1 januari 2015   # as the plan says"],
            ["    on: 1 februari 2015  # as the plan says"],  # the comment stays in its column
        )

    def test_an_event_added_to_a_change_joins_its_list(self, tmp_path):
        """A new unit in the first change: a row in the file's flow style, a line in the change's list."""
        path = write(tmp_path)
        org = om.load(path)
        first = org.changes[0]
        new_unit = om.Establish(om.Unit("hr", "HR-enheten", parent="slk"), on=first.on, source=first.source)
        org = evolve_change(org, 0, events=[*first.events, new_unit])
        om.save(org, path)
        removed, added = changed_lines(HAND, path.read_text(encoding="utf-8"))
        assert removed == []
        assert added == ["    - {id: hr, name: HR-enheten}", "      - establish: hr", "        parent: slk"]
        assert om.load(path) == org

    def test_a_removed_event_takes_its_own_comments_only(self, tmp_path):
        """The comment heading the removed event goes; the blank line and heading of the next one stay."""
        path = write(tmp_path)
        org = om.load(path)
        om.save(om.Timeline([change for index, change in enumerate(org.changes) if index != 1]), path)
        after = path.read_text(encoding="utf-8")
        removed, added = changed_lines(HAND, after)
        assert added == []
        assert removed == [
            "  # The economy unit's new name, decided in the autumn.",
            "  - rename: eko",
            "    name: Ekonomi och styrning",
            "    on: 1 januari 2015   # as the plan says",
        ]
        assert "      - establish: anna\n\n  # Communications moves up." in after

    def test_declarations_no_event_uses_are_removed(self, tmp_path):
        """Dropping the establishment of a unit drops its row, which the reader would otherwise refuse."""
        text = HAND.split("\n\n  # Communications")[0] + "\n"
        path = write(tmp_path, text)
        org = om.load(path)
        first = org.changes[0]
        org = evolve_change(org, 0, events=[event for event in first.events if event.subjects()[0] != "kom"])
        om.save(org, path)
        removed, added = changed_lines(text, path.read_text(encoding="utf-8"))
        assert (removed, added) == (
            ["    - {id: kom, name: Kommunikationsenheten}", "      - establish: kom", "        parent: eko"],
            [],
        )

    def test_the_title_is_kept_unless_one_is_given(self, tmp_path):
        path = write(tmp_path)
        org = om.load(path).with_events(om.Rename("kom", "Kommunikation", on="2016-01-01"))
        om.save(org, path)
        assert "title: Stadsledningskontoret   # working title\n" in path.read_text(encoding="utf-8")
        om.save(org, path, title="Nacka")
        assert re.search(r"\ntitle: Nacka +# working title\n", path.read_text(encoding="utf-8"))

    def test_a_file_with_entities_inline_gets_new_ones_inline_and_dates_first(self, tmp_path):
        """The file's habits are learned: entities where they start, ``on`` before the event."""
        text = "events:\n  - on: 2014-01-01\n    establish: {unit: {id: a, name: A}}\n"
        path = write(tmp_path, text)
        org = om.load(path).with_events(om.Establish(om.Unit("b", "B", parent="a"), on="2015-01-01"))
        om.save(org, path)
        assert path.read_text(encoding="utf-8") == text + (
            "  - on: 2015-01-01\n    establish: {unit: {id: b, name: B, kind: unit}}\n    parent: a\n"
        )
        assert om.load(path) == org

    def test_a_file_in_flow_style_gets_new_events_in_flow_style(self, tmp_path):
        text = "events:\n- {establish: {unit: {id: a, name: A}}, on: '2014-01-01'}\n"
        path = write(tmp_path, text)
        om.save(om.load(path).with_events(om.Rename("a", "B", on="2015-01-01")), path)
        assert path.read_text(encoding="utf-8") == text + "- {rename: a, name: B, on: '2015-01-01'}\n"

    def test_windows_line_ends_stay(self, tmp_path):
        path = tmp_path / "office.yaml"
        path.write_bytes(HAND.replace("\n", "\r\n").encode())
        om.save(om.load(path).with_events(om.Rename("kom", "K", on="2016-01-01")), path)
        data = path.read_bytes()
        assert data.count(b"\r\n") == data.count(b"\n") == HAND.count("\n") + 3

    def test_a_different_timeline_is_written_in_the_canonical_form(self, tmp_path):
        """A file sharing under half its changes with the timeline is another document: notes would not fit."""
        path = write(tmp_path)
        other = om.Timeline([om.Establish(om.Unit("x", "X"), on="2020-01-01")])
        om.save(other, path)
        assert path.read_text(encoding="utf-8") == om.dumps(other, title="Stadsledningskontoret")

    def test_a_canonical_file_stays_canonical(self, tmp_path):
        path = tmp_path / "org.yaml"
        org = om.load(write(tmp_path))
        om.save(org, path, keep_layout=False)
        bigger = org.with_events(om.Rename("kom", "K", on="2016-01-01"))
        om.save(bigger, path)
        assert path.read_text(encoding="utf-8") == om.dumps(bigger)

    def test_keep_layout_false_writes_the_canonical_form(self, tmp_path):
        path = write(tmp_path)
        org = om.load(path)
        om.save(org, path, keep_layout=False)
        assert path.read_text(encoding="utf-8") == om.dumps(org)

    def test_an_unreadable_file_is_replaced_by_the_canonical_form(self, tmp_path):
        path = write(tmp_path, "events: [this is not an event]\n")
        org = om.load(write(tmp_path, name="good.yaml"))
        om.save(org, path)
        assert path.read_text(encoding="utf-8") == om.dumps(org)

    def test_a_file_over_the_size_limit_is_saved_canonically_with_a_warning(self, tmp_path, monkeypatch):
        """Its title is still kept; the warning says that its comments are not."""
        monkeypatch.setattr(_rewrite, "MAX_KEPT_CHARACTERS", 100)
        path = write(tmp_path)
        org = om.load(path)
        with pytest.warns(UserWarning, match="without the file's comments and layout: it is larger than 100 bytes"):
            om.save(org, path)
        assert path.read_text(encoding="utf-8") == om.dumps(org, title="Stadsledningskontoret")

    def test_if_keeping_the_layout_fails_the_save_still_succeeds_and_says_so(self, tmp_path, monkeypatch):
        def broken(*arguments):
            raise RuntimeError("a bug in keeping the layout")

        monkeypatch.setattr(_roundtrip, "rewrite", broken)
        path = write(tmp_path)
        org = om.load(path).with_events(om.Rename("kom", "K", on="2016-01-01"))
        with pytest.warns(UserWarning, match="keeping them failed"):
            om.save(org, path)
        assert path.read_text(encoding="utf-8") == om.dumps(org, title="Stadsledningskontoret")

    def test_a_file_the_round_trip_reader_reads_otherwise_is_saved_canonically_with_a_warning(self, tmp_path):
        """Found by the fuzz suite: U+0085 ends a line in YAML 1.1 (orgmodel's reader), not in YAML 1.2."""
        path = write(tmp_path, "\x85orgmodel: 1\nevents: []\n")
        org = om.Timeline([om.Establish(om.Unit("a", "A"), on="2015-01-01")])
        with pytest.warns(UserWarning, match="the round-trip reader cannot read it"):
            om.save(org, path)
        assert om.load(path) == org

    def test_the_round_trip_library_loads_only_to_save_over_a_kept_file(self, tmp_path):
        """``import orgmodel``, loading, and saving a new file never import ruamel.yaml."""
        script = textwrap.dedent(
            f"""
            import sys, orgmodel as om
            org = om.load({str(write(tmp_path))!r})
            om.save(org, {str(tmp_path / "new.yaml")!r})
            print("ruamel.yaml" in sys.modules)
            om.save(org.with_events(om.Rename("kom", "K", on="2016-01-01")), {str(tmp_path / "office.yaml")!r})
            print("ruamel.yaml" in sys.modules)
            """
        )
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        assert result.stdout.split() == ["False", "True"]


def with_comments(text: str) -> str:
    """A canonical file made hand-written: a comment above every event and every declaration."""
    lines, count = [], 0
    for line in text.splitlines(keepends=True):
        if re.match(r"- ", line) or re.match(r"  - id: ", line):
            count += 1
            lines.append(f"{' ' * (len(line) - len(line.lstrip()))}# note {count}\n")
        lines.append(line)
    return "".join(lines)


class TestKeepingProperties:
    """For any timeline, saving over a hand-written version of part of it."""

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(timeline=oms.timelines(max_events=12), data=st.data())
    def test_adding_changes_keeps_every_comment_and_reads_back(self, tmp_path, timeline, data):
        """Saving a longer timeline over a commented file of its first changes keeps every comment, in order."""
        cut = data.draw(st.integers(0, len(timeline)), label="changes in the file")
        text = with_comments(om.dumps(om.Timeline(timeline.changes[:cut])))
        path = write(tmp_path, text, "property.yaml")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            om.save(timeline, path)
        after = path.read_text(encoding="utf-8")
        assert om.load(path) == timeline
        assert comment_lines(after) == comment_lines(text)

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(timeline=oms.timelines(max_events=12), data=st.data())
    def test_dropping_later_changes_keeps_the_comments_of_the_rest(self, tmp_path, timeline, data):
        cut = data.draw(st.integers(len(timeline) // 2, len(timeline)), label="changes kept")
        text = with_comments(om.dumps(timeline))
        path = write(tmp_path, text, "property.yaml")
        shorter = om.Timeline(timeline.changes[:cut])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            om.save(shorter, path)
        assert om.load(path) == shorter
        kept = comment_lines(path.read_text(encoding="utf-8"))
        assert set(kept) <= set(comment_lines(text))


class TestAtomicSave:
    """The file-system side of ``save()``: whatever happens, the target is whole and nothing is left behind."""

    def org(self) -> om.Timeline:
        return om.Timeline([om.Establish(om.Unit("a", "A"), on="2015-01-01")])

    def test_a_symlink_is_followed(self, tmp_path):
        """The file the link points to is updated; the link stays a link."""
        real = tmp_path / "data" / "org.yaml"
        real.parent.mkdir()
        real.write_text("events: []\n")
        link = tmp_path / "org.yaml"
        link.symlink_to(real)
        om.save(self.org(), link)
        assert link.is_symlink()
        assert om.load(real) == self.org()
        assert sorted(path.name for path in real.parent.iterdir()) == ["org.yaml"]

    def test_a_dangling_symlink_creates_its_target(self, tmp_path):
        link = tmp_path / "org.yaml"
        link.symlink_to(tmp_path / "real.yaml")
        om.save(self.org(), link)
        assert link.is_symlink()
        assert om.load(tmp_path / "real.yaml") == self.org()

    @pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
    def test_an_existing_file_keeps_its_mode(self, tmp_path, mode):
        path = tmp_path / "org.json"
        path.write_text("{}")
        path.chmod(mode)
        om.save(self.org(), path)
        assert stat.S_IMODE(path.stat().st_mode) == mode

    @pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
    def test_a_new_file_gets_the_mode_the_umask_gives(self, tmp_path, umask):
        previous = os.umask(umask)
        try:
            om.save(self.org(), tmp_path / "org.yaml")
        finally:
            os.umask(previous)
        assert stat.S_IMODE((tmp_path / "org.yaml").stat().st_mode) == 0o666 & ~umask

    def test_abandoned_temporary_files_are_removed(self, tmp_path):
        """A temporary file nobody holds is what a killed save left: the next save removes it."""
        target = tmp_path / "org.yaml"
        abandoned = tmp_path / ".org.yaml.dead1234.tmp"
        abandoned.write_text("half a fi")
        other = tmp_path / ".other.yaml.dead1234.tmp"
        other.write_text("not ours to judge")
        om.save(self.org(), target)
        assert sorted(path.name for path in tmp_path.iterdir()) == [".other.yaml.dead1234.tmp", "org.yaml"]

    def test_a_temporary_file_another_save_is_writing_is_left_alone(self, tmp_path):
        target = tmp_path / "org.yaml"
        busy = tmp_path / ".org.yaml.busy1234.tmp"
        busy.write_text("in progress")
        with busy.open("rb") as held:
            fcntl.flock(held.fileno(), fcntl.LOCK_EX)
            om.save(self.org(), target)
            assert busy.exists()
        om.save(self.org(), target)
        assert not busy.exists()

    def test_a_failure_leaves_the_old_file_and_no_temporary_file(self, tmp_path, monkeypatch):
        target = tmp_path / "org.yaml"
        om.save(self.org(), target)
        before = target.read_bytes()

        def full_disk(descriptor, data):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "write", full_disk)
        with pytest.raises(OSError, match="No space left"):
            om.save(self.org().with_events(om.Rename("a", "B", on="2016-01-01")), target)
        assert target.read_bytes() == before
        assert [path.name for path in tmp_path.iterdir()] == ["org.yaml"]

    def test_a_lone_surrogate_is_saved_losslessly(self, tmp_path):
        """JSON can hold "\\ud800" and so can a timeline; both formats write it as an escape and read it back."""
        org = om.loads(
            '{"events": [{"establish": {"unit": {"id": "a", "name": "x\\ud800y"}}, "on": "2015-01-01"}]}', format="json"
        )
        for name in ("org.json", "org.yaml"):
            om.save(org, tmp_path / name)
            assert om.load(tmp_path / name) == org
            assert b"\\u" in (tmp_path / name).read_bytes().lower()
        path = write(tmp_path, "# kept\nevents:\n  - {establish: {unit: {id: b, name: B}}, on: 2014-01-01}\n")
        bigger = om.load(path).with_events(*org.events)
        om.save(bigger, path)
        assert om.load(path) == bigger
        assert path.read_text(encoding="utf-8").startswith("# kept\n")

    def test_a_surrogate_pair_written_apart_is_refused_in_json(self, tmp_path):
        """Two halves side by side would read back as one character: say so rather than change the name."""
        org = om.Timeline([om.Establish(om.Unit("a", "\ud83d\ude00"), on="2015-01-01")])
        with pytest.raises(om.InvalidArgumentError, match="surrogate"):
            om.save(org, tmp_path / "org.json")
        om.save(org, tmp_path / "org.yaml")
        assert om.load(tmp_path / "org.yaml") == org


# A process saving two timelines in turn, forever: killed at random moments, it must never leave a partial file.
SAVER = textwrap.dedent(
    """
    import sys, orgmodel as om
    small, big, path = om.load(sys.argv[1]), om.load(sys.argv[2]), sys.argv[3]
    om.save(small, path)
    print("ready", flush=True)
    while True:
        om.save(big, path)
        om.save(small, path)
    """
)


def test_kill_9_during_save_never_leaves_a_partial_file(tmp_path):
    """``kill -9`` at random moments: the file is always one whole version, and the next save cleans up."""
    small = om.Timeline([om.Establish(om.Unit("a", "A"), on="2015-01-01")])
    big = om.examples.nacka()
    sources = [tmp_path / "small.json", tmp_path / "big.json"]
    om.save(small, sources[0])
    om.save(big, sources[1])
    versions = {om.dumps(small, format="json").encode(), om.dumps(big, format="json").encode()}
    target = tmp_path / "saved" / "org.json"
    target.parent.mkdir()
    randomness = random.Random(17)
    left_behind = 0
    for _ in range(KILLS):
        kill_9_after([sys.executable, "-c", SAVER, *map(str, sources), str(target)], randomness.uniform(0.0, 0.3))
        assert target.read_bytes() in versions
        left_behind += len(_atomic.temporary_files(target))
        om.save(small, target)
        assert [path.name for path in target.parent.iterdir()] == ["org.json"]
    print(f"{KILLS} kills, {left_behind} left a temporary file that the next save removed")
