"""Loading files: both ways through an entry agree, both YAML parsers agree, reads are bounded, errors are located.

The speed of loading is measured by ``benchmarks/run.py`` (rows "load ... vs its floor"), not here.
"""

from __future__ import annotations

import gc
import io
import os
import re
import sys
import tracemalloc

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import _document, _json_source, _names, _progress, _reader, _yaml_source
from orgmodel import strategies as oms
from orgmodel._cli import main
from orgmodel._limits import DEFAULT

needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")


def read(text: str, *, fast: bool = True, json_format: bool = False, libyaml: bool = True) -> tuple[object, ...]:
    """Everything the reader makes of ``text``: entries, their origins, and the problems found."""
    saved = _document.USE_LIBYAML
    _document.USE_LIBYAML = libyaml and yaml.__with_libyaml__
    try:
        document = _document.parse(text, file="f", json_format=json_format, limits=DEFAULT)
        reader = _reader.Reader("f", fast=fast)
        entries = reader.read(document)
    finally:
        _document.USE_LIBYAML = saved
    origins = [(entry.origin, [event.origin for event in getattr(entry, "events", ())]) for entry in entries]
    return entries, origins, sorted(reader.established), reader.problems, document.problems


def problems(text: str | bytes, **options: object) -> list[str]:
    with pytest.raises(om.FormatError) as caught:
        om.loads(text, name="f.yaml", **options)  # type: ignore[arg-type]
    return list(caught.value.problems)


class TestTwoWaysAgree:
    """The quick way through plain entries makes what the careful way makes."""

    @settings(max_examples=60)
    @given(oms.timelines(names=oms.names(unusual=True)), st.sampled_from(["yaml", "json"]))
    def test_the_quick_way_reads_as_the_careful_way(self, timeline, chosen):
        """Same entries, origins, established ids and problems, for YAML and JSON."""
        text = om.dumps(timeline, format=chosen)
        json_format = chosen == "json"
        assert read(text, json_format=json_format) == read(text, fast=False, json_format=json_format)

    @needs_libyaml
    @settings(max_examples=60)
    @given(oms.timelines(names=oms.names(unusual=True)))
    def test_libyaml_reads_as_the_pure_python_parser(self, timeline):
        """The C parser and the pure-Python fallback give the same entries at the same lines and columns."""
        text = om.dumps(timeline)
        assert read(text) == read(text, libyaml=False)

    def test_the_nacka_file_reads_the_same_every_way(self):
        """The embedded data set, through every parser and both ways."""
        text = om.dumps(om.examples.nacka())
        first = read(text)
        assert read(text, fast=False) == first
        assert read(text, libyaml=False) == first
        for fast in (True, False):
            entries, *_ = read(om.dumps(om.examples.nacka(), format="json"), fast=fast, json_format=True)
            assert entries == first[0]

    def test_entries_the_quick_way_leaves_are_read_the_careful_way(self):
        """Inline entities, quotes, numbers as ids: whatever the quick way gives up on still reads."""
        text = (
            "sources:\n  kf: {document: Protokoll, decided: 2015-01-01}\n"
            "events:\n"
            "  - on: 2015-01-01\n    source: kf\n    quote: Enheten bildas\n"
            "    establish: {unit: {id: 7, name: Sju}}\n"
            "  - {on: våren 2015, rename: 7, name: 8}\n"
        )
        assert read(text) == read(text, fast=False)
        org = om.loads(text)
        assert org.at("2015-07-01")["7"].name == "8"


class TestWhatWasKnownWhen:
    """Ids, known days, corrections and cancellations read alike every way (quick or careful, either parser)."""

    TEXT = (
        "events:\n"
        "  - cancels: plan\n    known: 2015-06-01\n    source: ks\n"  # before the change it cancels
        "  - {on: 2014-01-01, establish: {unit: {id: u, name: U}}, id: made, known: 2014-01-05}\n"
        "  - {on: 2015-01-01, rename: u, name: V, id: r1, known: 2014-12-01}\n"
        "  - {on: 2015-01-20, rename: u, name: V, corrects: r1, known: 2015-02-01, source: ks}\n"
        "  - on: 2016-01-01\n    id: plan\n    known: 2015-03-01\n    status: planned\n"
        "    events:\n      - {rename: u, name: W}\n"
        "sources:\n  ks: {document: KS, dated: 2015-03-01}\n"  # after the entries that need it
    )

    def test_a_hand_written_file_reads_the_same_every_way(self):
        first = read(self.TEXT)
        assert first[3:] == ([], [])  # no problems, in the entries or the document
        assert read(self.TEXT, fast=False) == first
        assert read(self.TEXT, libyaml=False) == first
        assert read(self.TEXT, libyaml=False, fast=False) == first
        org = om.loads(self.TEXT)
        assert [change.id for change in org.changes if change.corrects] == [None, None]
        assert {change.corrects for change in org.changes} >= {"r1", "plan"}
        assert om.loads(om.dumps(org, format="json")) == org
        for fast in (True, False):
            entries, *_ = read(om.dumps(org, format="json"), fast=fast, json_format=True)
            assert om.Timeline(entries) == org

    def test_the_quick_way_reads_them(self, monkeypatch):
        """Only the cancellation (resolved against the whole file) goes the careful way."""
        careful = []
        entry = _reader.Reader.entry

        def counted(self, item, where):
            careful.append(where)
            return entry(self, item, where)

        monkeypatch.setattr(_reader.Reader, "entry", counted)
        declared = "entities:\n  units:\n    - {id: u, name: U}\n"
        text = declared + self.TEXT.replace(", source: ks}", "}").replace("    source: ks\n", "")
        org = om.loads(text.replace("{unit: {id: u, name: U}}", "u"))
        assert [where.path for where in careful] == ["events[0]"]
        assert len(org.changes) == 5

    @settings(max_examples=40)
    @given(oms.revised_timelines(), st.sampled_from(["yaml", "json"]))
    def test_generated_revisions_read_the_same_both_ways(self, timeline, chosen):
        text = om.dumps(timeline, format=chosen)
        json_format = chosen == "json"
        quick = read(text, json_format=json_format)
        assert quick == read(text, fast=False, json_format=json_format)
        if not json_format:
            assert quick == read(text, libyaml=False)

    @pytest.mark.parametrize(
        ("entry", "message"),
        [
            (
                "{on: 2015-02-01, rename: u, name: V, corrects: [r1]}",
                "f.yaml:3:52: 'corrects' of an event must be an id",
            ),
            (
                "{on: 2015-02-01, corrects: ' r1', events: [{rename: u, name: V}]}",
                "f.yaml:3:32: 'corrects' of a change",
            ),
            ("{on: 2015-02-01, rename: u, name: V, corrects: r2}", "f.yaml:3:5: rename 'u' to 'V' (2015-02-01): it co"),
            ("{on: 2015-02-01, rename: u, name: V, known: våren 2015}", "f.yaml:3:49: 'known' of an event must be one"),
            ("{cancels: r2, on: 2015-02-01}", "f.yaml:3:19: a cancellation does not take 'on'"),
            ("{cancels: r2}", "f.yaml:3:15: it cancels change 'r2', but no change has that id"),
        ],
    )
    def test_bad_knowledge_is_located(self, entry, message):
        head = "events:\n  - {on: 2015-01-01, id: r1, establish: {unit: {id: u, name: U}}}\n"
        text = head + f"  - {entry}\n"
        for libyaml in (True, False):
            assert read(text, libyaml=libyaml) == read(text, libyaml=libyaml, fast=False)
        (problem,) = problems(text)
        assert problem.startswith(message), problem


class TestStreaming:
    """Entries are read as they come; an entry needing a section further down waits for it."""

    BODY = (
        "events:\n"
        "  - {on: 2015-01-01, source: kf, establish: a}\n"
        "  - {on: 2015-02-01, rename: a, name: B}\n"
        "entities:\n  units:\n    - {id: a, name: A}\n"
        "sources:\n  kf: {document: Protokoll}\n"
    )

    def test_events_before_entities_and_sources(self):
        """The file's order does not matter: the timeline is the one the usual order gives."""
        usual = (
            "sources:\n  kf: {document: Protokoll}\n"
            "entities:\n  units:\n    - {id: a, name: A}\n"
            "events:\n"
            "  - {on: 2015-01-01, source: kf, establish: a}\n"
            "  - {on: 2015-02-01, rename: a, name: B}\n"
        )
        assert om.loads(self.BODY) == om.loads(usual)
        assert [event.origin.line for event in om.loads(self.BODY).events] == [2, 3]

    def test_a_waiting_entry_still_reports_its_own_problem(self):
        """Read at the end, it is checked as any other, at its own line."""
        problem = problems(self.BODY.replace("establish: a}", "establish: b}"))[0]
        assert problem.startswith("f.yaml:2:45: 'b' is not declared under entities.units")

    @pytest.mark.parametrize("chosen", ["yaml", "json"])
    def test_entries_read_are_let_go(self, chosen):
        """Reading a long file holds the events made, not the parsed file: no reference cycles keep it."""
        timeline = om.Timeline(
            [om.Establish(om.Unit("a", "A"), on="2015-01-01")]
            + [om.Rename("a", f"Namn {number}", on=f"2015-02-{1 + number % 28:02d}") for number in range(200)]
        )
        text = om.dumps(timeline, format=chosen)
        gc.collect()
        gc.disable()
        try:
            document = _document.parse(text, file="f", json_format=chosen == "json", limits=DEFAULT)
            reader = _reader.Reader("f")
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            reader.read(document)
            kept = tracemalloc.get_traced_memory()[0] - before
            tracemalloc.stop()
        finally:
            gc.enable()
        assert kept < len(text) * 4  # the events and their origins, about; the parsed entries would be far more


class TestBoundedReads:
    """Every read stops at the file_size limit, whatever the file claims to be."""

    LIMIT = om.Limits(file_size=1 << 20)

    def refused(self, source: object) -> str:
        with pytest.raises(om.FormatError, match=r"more than 1,048,576 bytes \(the file_size limit\)") as caught:
            om.load(source, format="yaml", limits=self.LIMIT)  # type: ignore[arg-type]
        return str(caught.value)

    @pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
    def test_a_link_to_dev_zero_is_refused_with_memory_near_the_limit(self, tmp_path):
        """An endless device is read up to the limit and refused."""
        link = tmp_path / "endless.yaml"
        link.symlink_to("/dev/zero")
        tracemalloc.start()
        self.refused(link)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 3 * self.LIMIT.file_size

    def test_a_sparse_file_is_refused_at_once(self, tmp_path):
        """A regular file is as long as it says: a 3 GB sparse file is refused before anything is read."""
        sparse = tmp_path / "sparse.yaml"
        with sparse.open("wb") as stream:
            stream.truncate(3 << 30)
        tracemalloc.start()
        self.refused(sparse)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < self.LIMIT.file_size

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
    def test_a_fifo_is_read_up_to_the_limit(self, tmp_path):
        """A FIFO says nothing of its length: what comes through it counts."""
        import threading

        fifo = tmp_path / "pipe.yaml"
        os.mkfifo(fifo)

        def write() -> None:
            try:
                with fifo.open("wb") as stream:
                    for _ in range(4):
                        stream.write(b"#" * (1 << 19))
            except BrokenPipeError:
                pass  # the reader stopped at the limit and closed its end

        writer = threading.Thread(target=write)
        writer.start()
        self.refused(fifo)
        writer.join(timeout=30)
        assert not writer.is_alive()

    def test_a_stream_such_as_standard_input_is_bounded(self):
        """A binary stream reads as a file does, its format told by its first character."""
        self.refused(io.BytesIO(b"#" * (2 << 20)))
        timeline = om.load(io.BytesIO(b'{"events": []}'))
        assert len(timeline) == 0

    def test_a_directory_is_a_format_error(self, tmp_path):
        """Not a bare IsADirectoryError."""
        with pytest.raises(om.FormatError, match="cannot read the file"):
            om.load(tmp_path, format="yaml")


class TestLimits:
    """Each limit is checked as the file is read and named in the message; larger limits let a file in."""

    def test_the_events_limit(self):
        text = "events:\n" + "".join(
            f"  - {{on: 2015-01-0{day}, establish: {{unit: {{id: u{day}, name: U{day}}}}}}}\n" for day in range(1, 6)
        )
        (problem,) = problems(text, limits=om.Limits(events=3))
        assert problem == (
            "f.yaml:5:5: the file has more than 3 events (the events limit); "
            "load it with limits=orgmodel.Limits(events=...) (on the command line: --limit events=N) if you trust it"
        )
        assert len(om.loads(text, limits=om.Limits(events=5)).events) == 5

    def test_the_name_length_limit(self):
        text = "events:\n  - {on: 2015-01-01, establish: {unit: {id: u, name: %s}}}\n" % ("x" * 50)
        (problem,) = problems(text, limits=om.Limits(name_length=40))
        assert "is too long: more than 40 characters (the name_length limit)" in problem
        assert problem.startswith("f.yaml:2:")
        assert om.loads(text, limits=om.Limits(name_length=50)).events[0].entity.name == "x" * 50

    @pytest.mark.parametrize("chosen", ["yaml", "json"])
    def test_the_depth_limit_is_located(self, chosen):
        nested = "[" * 10 + "]" * 10
        text = f'{{"events": [{{"on": "2015-01-01", "note": {nested}}}]}}'
        (problem,) = problems(text, format=chosen, limits=om.Limits(depth=6))
        assert "nesting is too deep: more than 6 levels (the depth limit)" in problem
        assert re.match(r"f\.yaml:1:\d+: ", problem)

    @pytest.mark.parametrize("field", ["file_size", "events", "name_length", "depth"])
    @pytest.mark.parametrize("value", [0, -1, 1.5, True, "10"])
    def test_limits_must_be_positive_whole_numbers(self, field, value):
        with pytest.raises(om.InvalidArgumentError, match=f"Limits.{field} must be a positive whole number"):
            om.Limits(**{field: value})


class TestLocatedFileErrors:
    """Errors the docs promise with file:line:column have it."""

    def test_bytes_that_are_not_utf8(self, tmp_path):
        path = tmp_path / "latin1.yaml"
        path.write_bytes("events: []\ntitle: Förnyelse\n".encode("latin-1"))
        with pytest.raises(om.FormatError, match=r"latin1\.yaml:2:9: the file is not UTF-8 text \(byte 0xf6"):
            om.load(path)

    @pytest.mark.parametrize("libyaml", [True, False])
    @pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f"])
    def test_control_characters_in_yaml(self, monkeypatch, libyaml, character):
        if libyaml and not yaml.__with_libyaml__:
            pytest.skip("PyYAML was built without libyaml")
        monkeypatch.setattr(_document, "USE_LIBYAML", libyaml)
        (problem,) = problems(f"events: []\ntitle: Före{character}\n")
        assert problem.startswith(f"f.yaml:2:12: not valid YAML: the character #x{ord(character):02x} is not allowed")

    def test_control_characters_in_json(self):
        (problem,) = problems('{"events": [], "title": "a\x1bb"}', format="json")
        assert problem.startswith("f.yaml:1:")
        assert "Invalid control character" in problem

    @pytest.mark.parametrize("chosen", ["yaml", "json"])
    def test_nesting_too_deep_for_the_parser(self, chosen):
        """Thousands deep: refused with a position, not a RecursionError."""
        (problem,) = problems('{"events": ' + "[" * 5000 + "]" * 5000 + "}", format=chosen)
        assert re.match(r"f\.yaml:1:\d+: nesting is too deep: more than 64 levels", problem)

    def test_a_5000_digit_integer_in_json(self):
        (problem,) = problems('{"events": [], "orgmodel": ' + "9" * 5000 + "}", format="json")
        assert problem == "f.yaml:1:28: a number with more than 4,300 digits is not allowed"


class TestYaml12Scalars:
    """Files are YAML 1.2: spellings YAML 1.1 read as numbers or booleans keep their text."""

    @pytest.mark.parametrize("libyaml", [True, False])
    @pytest.mark.parametrize("written", ["1:20", "0755", "1_000", "+5", "0x1F", "0o17", "1e3", "yes", "No", "on", "~x"])
    def test_spellings_that_stay_text(self, monkeypatch, libyaml, written):
        if libyaml and not yaml.__with_libyaml__:
            pytest.skip("PyYAML was built without libyaml")
        monkeypatch.setattr(_document, "USE_LIBYAML", libyaml)
        org = om.loads(f"events:\n  - {{on: 2015-01-01, establish: {{unit: {{id: {written}, name: {written}}}}}}}\n")
        assert org.at("2015-01-01")[written].name == written

    def test_what_the_writer_writes_reads_back(self):
        """Numbers and number-like text among a unit's own fields keep their types and spellings."""
        fields = {"a": 1e20, "b": 1.5, "c": -3, "d": "0755", "e": "1e3", "f": "1_000", "g": "1:20", "h": "+5"}
        timeline = om.Timeline([om.Establish(om.Unit("u", "U", attributes=fields), on="2015-01-01")])
        again = om.loads(om.dumps(timeline))
        assert again == timeline
        assert dict(again.at("2015-01-01")["u"].attributes) == fields

    @pytest.mark.parametrize(
        ("written", "value"),
        [
            ("12", 12),
            ("-3", -3),
            ("1.5", 1.5),
            ("1.0e+20", 1e20),
            ("-.5", -0.5),
            (".inf", float("inf")),
            ("true", True),
            ("False", False),
            ("null", None),
            ("~", None),
            ("", None),
        ],
    )
    def test_core_schema_values(self, written, value):
        document = _document.parse(f"x: {written}\n", file="f", json_format=False, limits=DEFAULT)
        assert list(document) == ["x"]
        assert document.top is not None
        assert document.top["x"] == value
        assert type(document.top["x"]) is type(value)


class TestExplicitTags:
    """Standard tags are checked as what they say; anything else is refused, each at its place."""

    @pytest.mark.parametrize(
        ("written", "message"),
        [
            ("!!timestamp abc", "f.yaml:2:9: 'abc' is not a valid !!timestamp: it is not a date such as 2015-01-01"),
            ("!!timestamp 2015-02-30", "f.yaml:2:9: '2015-02-30' is not a valid !!timestamp: day is out of range"),
            ("!!int ''", "f.yaml:2:9: '' is not a valid !!int: it is not a whole number"),
            ("!!int " + "9" * 5000, "f.yaml:2:9: '" + "9" * 5000 + "' is not a valid !!int: it has more than"),
            ("!!bool ''", "f.yaml:2:9: '' is not a valid !!bool: only true and false are booleans"),
            ("!!bool maybe", "f.yaml:2:9: 'maybe' is not a valid !!bool: only true and false are booleans"),
            ("!!float x", "f.yaml:2:9: 'x' is not a valid !!float: it is not a number"),
            ("!!null x", "f.yaml:2:9: 'x' is not a valid !!null: only null, ~ or nothing is null"),
            ("!!binary aGk=", "f.yaml:2:9: YAML tags such as 'tag:yaml.org,2002:binary' are not allowed"),
            ("!local x", "f.yaml:2:9: YAML tags such as '!local' are not allowed"),
        ],
    )
    @pytest.mark.parametrize("libyaml", [True, False])
    def test_bad_tagged_values_are_located(self, monkeypatch, libyaml, written, message):
        if libyaml and not yaml.__with_libyaml__:
            pytest.skip("PyYAML was built without libyaml")
        monkeypatch.setattr(_document, "USE_LIBYAML", libyaml)
        (problem,) = problems(f"events:\n  - on: {written}\n    establish: {{unit: {{id: a, name: A}}}}\n")
        assert problem.startswith(message)

    def test_good_tagged_values_read(self):
        org = om.loads(
            "events:\n  - on: !!timestamp 2015-01-01\n    establish: {unit: {id: !!str 12, name: !!str 0755}}\n"
        )
        assert org.at("2015-01-01")["12"].name == "0755"


class TestReaderDefects:
    """The reader's own defects from issue 17, each a located FormatError now."""

    def test_aliases_that_are_not_a_list(self):
        declared = (
            "entities:\n  units:\n    - {id: a, name: A, aliases: 5}\nevents:\n  - {on: 2015-01-01, establish: a}\n"
        )
        assert problems(declared) == ["f.yaml:3:33: 'aliases' must be a list, got 5"]  # and nothing that follows
        inline = "events:\n  - {on: 2015-01-01, establish: {unit: {id: a, name: A, aliases: 5}}}\n"
        assert problems(inline) == ["f.yaml:2:66: 'aliases' must be a list, got 5"]

    def test_an_unknown_precision(self):
        (problem,) = problems(
            "events:\n  - on: {earliest: 2015-01-01, latest: 2015-02-01, precision: zzz}\n"
            "    establish: {unit: {id: a, name: A}}\n"
        )
        assert problem.startswith("f.yaml:2:63: 'precision' of the date of event 'establish' must be one of day, ")

    @pytest.mark.parametrize(
        ("date", "message"),
        [
            ("{text: senast 2016, not_before: null}", "f.yaml:2:9: the date of event 'establish' needs both"),
            ("{earliest: null, latest: 2015-02-01}", "f.yaml:2:9: the date of event 'establish' needs both"),
            ("{earliest: 2015-01-01, latest: ~}", "f.yaml:2:9: the date of event 'establish' needs both"),
        ],
    )
    def test_structured_dates_with_nulls(self, date, message):
        (problem,) = problems(f"events:\n  - on: {date}\n    establish: {{unit: {{id: a, name: A}}}}\n")
        assert problem.startswith(message)

    def test_the_escape_of_a_lone_surrogate_reads_with_libyaml_too(self):
        """libyaml refuses it, so such a file is read again through PyYAML's parser, which reads it as written."""
        text = 'events:\n  - {on: 2015-01-01, establish: {unit: {id: a, name: "A\\ud800"}}}\n'
        assert om.loads(text).at("2015-01-01")["a"].name == "A\ud800"

    def test_a_list_under_holder(self):
        """'holder' names one person; a list there is refused (found by fuzzing: it was a ValueError)."""
        text = (
            "events:\n  - on: 2015-01-01\n    establish: {unit: {id: u, name: U}}\n"
            "  - on: 2015-01-01\n    establish: {post: {id: p, title: Chef, unit: u}}\n    holder: [a, b]\n"
        )
        assert problems(text)[0] == "f.yaml:6:13: 'holder' of event 'establish' must name people, got a list"

    def test_swapped_appoint_ids_get_a_hint(self):
        text = (
            "events:\n  - on: 2015-01-01\n    establish: {unit: {id: u, name: U}}\n"
            "  - on: 2015-01-01\n    establish: {post: {id: p, title: Chef, unit: u}}\n"
            "  - on: 2015-01-01\n    establish: {person: {id: h, name: Anna}}\n"
            "  - {on: 2015-02-01, appoint: p, to: h}\n"
        )
        assert problems(text) == [
            "f.yaml:8:5: event 'appoint': 'p' is a post and 'h' a person, so the two look swapped: "
            "a file writes the person first (appoint: h, to: p)"
        ]

    def test_messages_use_the_files_words(self):
        """No Python class names: 'status', not Status; vacate: p, not Vacate('p')."""
        (problem,) = problems("events:\n  - {on: 2015-01-01, status: zzz, establish: {unit: {id: a, name: A}}}\n")
        assert "'status' must be one of 'planned'" in problem
        text = (
            "events:\n  - {on: 2015-01-01, establish: {unit: {id: a, name: A}}}\n"
            "  - {on: 2015-01-01, establish: {post: {id: p, title: T, unit: a}}}\n"
            "  - {on: 2015-01-01, establish: {person: {id: h, name: H}}}\n"
            "  - {on: 2015-01-01, establish: {person: {id: g, name: G}}}\n"
            "  - {on: 2015-02-01, appoint: h, to: p}\n  - {on: 2015-02-01, appoint: g, to: p}\n"
        )
        (problem,) = problems(text)
        assert "(vacate: p before the appoint, in the same change)" in problem
        assert "Vacate(" not in problem

    def test_loads_recognises_json(self):
        """Without format, text starting with { is JSON, not YAML (which would read it far slower)."""
        timeline = om.examples.nacka()
        assert om.loads(om.dumps(timeline, format="json")) == timeline
        (problem,) = problems('{"events": [}')
        assert problem.startswith("f.yaml:1:13: not valid JSON")

    def test_loads_reads_yaml_flow_style_too(self):
        """YAML may start with { as well: what is not JSON is read as YAML, and its error shown if it fails."""
        assert len(om.loads("{events: [{on: 2015-01-01, establish: {unit: {id: a, name: A}}}]}")) == 1
        (problem,) = problems("{events: [}")
        assert problem.startswith("f.yaml:1:11: not valid YAML")


class TestMisspeltIds:
    """Suggestions stay right when there are many candidates and many misspellings."""

    def test_many_misspelt_references_each_get_the_right_suggestion(self):
        count = 600
        declared = "".join(f"    - {{id: enhet{n}, name: Enheten för verksamhet {n}}}\n" for n in range(count))
        events = "".join(f"  - {{on: 2015-01-01, establish: enhet{n}}}\n" for n in range(count))
        typos = "".join(f"  - {{on: 2015-02-01, rename: enhte{n}, name: Ny {n}}}\n" for n in range(count))
        found = problems(f"entities:\n  units:\n{declared}events:\n{events}{typos}")
        assert len(found) == count
        for number, problem in enumerate(found):
            assert f"unknown entity 'enhte{number}'" in problem
            assert f"did you mean 'enhet{number}' (Enheten för verksamhet {number})" in problem

    @given(st.lists(st.text("abcdefgh", min_size=1, max_size=8), max_size=60), st.text("abcdefgh", max_size=8))
    def test_few_candidates_are_all_compared(self, candidates, query):
        """Up to CloseMatcher.EXHAUSTIVE texts, the answer is difflib's over all of them."""
        import difflib

        by_folded = {}
        for candidate in candidates:
            by_folded.setdefault(_names.fold(candidate), candidate)
        folded = _names.fold(query)
        expected = (
            [by_folded[folded]]
            if folded in by_folded
            else [by_folded[text] for text in difflib.get_close_matches(folded, list(by_folded), n=3, cutoff=0.75)]
        )
        assert _names.CloseMatcher(candidates).find(query) == expected

    @given(st.integers(0, 4999), st.sampled_from(["swap", "drop", "double", "change"]))
    def test_one_slip_among_thousands_is_found(self, number, slip):
        """An id with one letter swapped, dropped, doubled or changed finds the id it was meant to be."""
        matcher = _MATCHER
        meant = f"enhet{number}"
        position = 2
        typo = {
            "swap": meant[:position] + meant[position + 1] + meant[position] + meant[position + 2 :],
            "drop": meant[:position] + meant[position + 1 :],
            "double": meant[:position] + meant[position] + meant[position:],
            "change": meant[:position] + "x" + meant[position + 1 :],
        }[slip]
        assert meant in matcher.find(typo)


_MATCHER = _names.CloseMatcher(f"enhet{number}" for number in range(5000))


class TestProgress:
    """A long load says how far it has come on a terminal, and clears the line when it ends."""

    @pytest.fixture
    def no_delay(self, monkeypatch):
        monkeypatch.setattr(_progress, "DELAY", 0.0)
        monkeypatch.setattr(_progress, "INTERVAL", 0.0)
        monkeypatch.setattr(_yaml_source, "_PROGRESS_EVERY", 1)
        monkeypatch.setattr(_json_source, "_PROGRESS_EVERY", 1)

    def text(self) -> str:
        timeline = om.Timeline(
            [om.Establish(om.Unit("a", "A"), on="2015-01-01")]
            + [om.Rename("a", f"Namn {number}", on="2015-02-01") for number in range(600)]
        )
        return om.dumps(timeline)

    def test_shown_when_asked_and_cleared(self, no_delay, capsys):
        om.loads(self.text(), name="big.yaml", progress=True)
        written = capsys.readouterr().err
        assert "big.yaml: reading, " in written
        assert "big.yaml: checking " in written
        assert written.endswith("\r")  # the line is blanked at the end

    def test_quiet_when_not_a_terminal_or_asked(self, no_delay, capsys):
        om.loads(self.text(), progress=None)  # stderr is captured here: not a terminal
        om.loads(self.text(), progress=False)
        assert capsys.readouterr().err == ""

    def test_ctrl_c_stops_a_load_cleanly(self, no_delay, monkeypatch, capsys):
        """KeyboardInterrupt comes through; the collector runs again and the line is cleared."""

        shown = _progress.Progress.update

        def interrupt(self: _progress.Progress, done: int) -> None:
            if self._width:
                raise KeyboardInterrupt  # once the line is on the screen
            shown(self, done)

        monkeypatch.setattr(_progress.Progress, "update", interrupt)
        with pytest.raises(KeyboardInterrupt):
            om.loads(self.text(), progress=True)
        assert gc.isenabled()
        written = capsys.readouterr().err
        assert "reading" in written
        assert written.endswith("\r")

    def test_the_cli_exits_130_on_ctrl_c(self, monkeypatch, tmp_path):
        path = tmp_path / "plan.yaml"
        path.write_text(self.text(), encoding="utf-8")

        def interrupt(*arguments: object, **options: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr("orgmodel._cli.load", interrupt)
        err = io.StringIO()
        assert main(["validate", str(path)], out=io.StringIO(), err=err) == 130
        assert err.getvalue() == "\norgmodel: interrupted\n"  # on a line of its own, after the terminal's ^C


class TestCommandLine:
    def test_a_day_outside_the_calendar_is_a_clean_error(self):
        err = io.StringIO()
        assert main(["chart", "--example", "nacka", "--at", "0000"], out=io.StringIO(), err=err) == 1
        assert err.getvalue().startswith("orgmodel: error: cannot read '0000' as a date")

    def test_validate_reads_standard_input(self, monkeypatch):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(om.dumps(om.examples.nacka()).encode())))
        out = io.StringIO()
        assert main(["validate", "-", "--quiet"], out=out, err=io.StringIO()) == 0
        assert out.getvalue().startswith("-: valid")


class TestMutatedFiles:
    """Whatever a careless edit does to a file, loading gives a timeline or a FormatError, never a traceback."""

    BASE = om.Timeline(
        [
            om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office"), on="2013-01-01"),
            om.Establish(om.Unit("mex", "Mark- och exploatering", parent="slk"), on="2013-01-01"),
            om.Establish(om.Post("dir", "Direktör", unit="slk", heads=True), on="2013-01-01"),
            om.Establish(om.Person("anna", "Anna"), on="2013-01-01"),
            om.Appoint("dir", "anna", on="våren 2014"),
            om.Change(
                "2015-01-01",
                [om.Rename("mex", "Exploateringsenheten"), om.Split("mex", [om.Unit("a", "A"), om.Unit("b", "B")])],
            ),
        ]
    )

    @settings(max_examples=150)
    @given(
        st.sampled_from(["yaml", "json"]),
        st.booleans(),
        st.lists(
            st.tuples(
                st.floats(0, 1),
                st.sampled_from(["delete", "insert", "replace"]),
                st.sampled_from(
                    [*" \n\t:-[]{},'\"!&*#|>%@`0123456789.~<?", "\x00", "\x1b", "é", "\ud800", "null", "true", "!!int"]
                ),
            ),
            min_size=1,
            max_size=6,
        ),
    )
    def test_only_format_errors_escape(self, chosen, libyaml, edits):
        text = om.dumps(self.BASE, format=chosen)
        for where, edit, piece in edits:
            position = int(where * len(text))
            if edit == "delete":
                text = text[:position] + text[position + len(piece) :]
            elif edit == "insert":
                text = text[:position] + piece + text[position:]
            else:
                text = text[:position] + piece + text[position + len(piece) :]
        saved = _document.USE_LIBYAML
        _document.USE_LIBYAML = libyaml and yaml.__with_libyaml__
        try:
            om.loads(text, format=chosen)
        except om.FormatError as error:
            for problem in error.problems:
                assert problem.startswith("<string>")
        finally:
            _document.USE_LIBYAML = saved
