"""The file format: lossless, stable round trips, errors with file:line:column, and hostile input."""

from __future__ import annotations

import os
import textwrap

import pytest
import yaml
from hypothesis import given

import orgmodel as om
from orgmodel import _document
from orgmodel import strategies as oms


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def yaml_parser(request, monkeypatch):
    """Every test here runs through libyaml's C parser and through PyYAML's pure-Python fallback."""
    if request.param == "libyaml" and not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(_document, "USE_LIBYAML", request.param == "libyaml")
    return request.param


SMALL = textwrap.dedent(
    """\
    orgmodel: 1
    title: A small office
    sources:
      report:
        document: KFKS 2012/577-001
        body: Kommunstyrelsen
        decided: 2014-11-24
    entities:
      units:
        - {id: slk, name: Stadsledningskontoret, kind: office}
        - {id: sue, name: Samordnings- och utvecklingsenheten}
        - {id: ctrl, name: Controllerenheten}
        - {id: red, name: Redovisningsenheten}
        - {id: ek, name: Ekonomienheten}
      posts:
        - {id: sfd, title: Strategi- och förnyelsedirektör, kind: director}
      people:
        - {id: kpb, name: Klara Palmberg Broryd, aliases: [Klara Palmberg Brorud]}
      functions:
        - {id: smart, name: Smart kommun, kind: assignment}
    events:
      - establish: slk
        on: senast 2014-11-24
      - establish: ek
        parent: slk
        on: senast 2014-07-01
      - split: ek
        into: [ctrl, red]
        parent: slk
        on: per den 1 juli 2014
        source: report
        quote: Per den 1 juli 2014 bildades en controllerenhet
      - establish: sue
        parent: slk
        on: senast 2014-11-24
      - establish: kpb
        on: senast 2014-11-24
      - on: 1 januari 2015
        source: report
        events:
          - establish: sfd
            unit: slk
            holder: kpb
          - rename: sue
            name: Förnyelseenheten
          - establish: smart
            owner: sue
            note: the date is that of the rest of the paragraph
    """
)


def test_a_small_file_reads_as_written():
    """A hand-written file gives the timeline it describes."""
    org = om.loads(SMALL, name="small.yaml")
    chart = org.at("2015-01-01")
    assert chart.find("förnyelseenheten").id == "sue"
    assert chart.holder("sfd").name == "Klara Palmberg Broryd"
    assert chart.find("Klara Palmberg Brorud").id == "kpb"
    split = next(event for event in org.events if isinstance(event, om.Split))
    assert split.source.quote == "Per den 1 juli 2014 bildades en controllerenhet"
    assert split.source.body == "Kommunstyrelsen"
    assert str(split.on) == "2014-07-01"
    assert split.origin == om.Location("small.yaml", 27, 5)


@given(oms.timelines(names=oms.names(unusual=True)))
def test_yaml_round_trip_is_lossless_and_stable(timeline):
    """load(save(t)) == t, and saving again gives the same bytes."""
    text = om.dumps(timeline)
    again = om.loads(text)
    assert again == timeline
    assert om.dumps(again) == text


@given(oms.timelines())
def test_json_round_trip_is_lossless_and_stable(timeline):
    """The same holds for JSON."""
    text = om.dumps(timeline, format="json")
    again = om.loads(text, format="json")
    assert again == timeline
    assert om.dumps(again, format="json") == text


@given(oms.timelines(max_events=10))
def test_save_and_load_through_files(tmp_path_factory, timeline):
    """Saving to .yaml and .json and loading back gives the same timeline."""
    folder = tmp_path_factory.mktemp("files")
    for name in ("org.yaml", "org.yml", "org.json"):
        om.save(timeline, folder / name)
        assert om.load(folder / name) == timeline


def test_dates_that_read_back_differently_are_written_in_full():
    """A date made in code, with no phrase that reads back to it, is written field by field."""
    odd = om.When("2015-01-01", "2015-06-30", precision="season")
    org = om.Timeline([om.Establish(om.Unit("u", "U"), on=odd)])
    text = om.dumps(org)
    assert "precision: season" in text
    assert om.loads(text) == org


def problems_of(text: str, *, name: str = "plan.yaml", format: str = "yaml") -> list[str]:  # noqa: A002
    with pytest.raises(om.FormatError) as caught:
        om.loads(text, name=name, format=format)  # type: ignore[arg-type]
    return list(caught.value.problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("events:\n  - on: 2015-01-01\n    rename: fu\n", ["plan.yaml:2:5: event 'rename' needs 'name'"]),
        (
            "events:\n  - rename: fu\n    name: X\n",
            ["plan.yaml:2:5: event 'rename' needs 'on' (its date), or must be inside a change that has one"],
        ),
        (
            "events:\n  - on: someday\n    dissolve: fu\n",
            ["plan.yaml:2:9: 'on' of event 'dissolve': cannot read 'someday' as a date: expected an ISO day"],
        ),
        (
            "events:\n  - on: 2015-01-01\n    dissolve: fu\n    unit: x\n",
            ["plan.yaml:4:5: event 'dissolve' does not take 'unit'"],
        ),
        (
            "events:\n  - on: 2015-01-01\n    renam: fu\n",
            [
                "plan.yaml:2:5: an event needs exactly one of establish, dissolve, rename, move, merge, absorb, split, "
                "spin-off, succeed, transfer, appoint, vacate, set-roles, set, report, head, relate, unrelate "
                "(found none) — did you mean 'rename'?"
            ],
        ),
        (
            "events:\n  - on: 2015-01-01\n    establish: ghost\n",
            ["plan.yaml:3:16: 'ghost' is not declared under entities.units or posts or people or functions"],
        ),
        (
            "entities:\n  units:\n    - {id: a, name: A}\nevents: []\n",
            ["plan.yaml:3:7: unit 'a' is declared but no event establishes it"],
        ),
        (
            "events:\n  - on: 2015-01-01\n    source: nowhere\n    dissolve: a\n",
            ["plan.yaml:3:13: unknown source 'nowhere'"],
        ),
        ("titel: x\nevents: []\n", ["plan.yaml:1:1: an orgmodel file does not take 'titel' — did you mean 'title'?"]),
        ("orgmodel: 2\nevents: []\n", ["plan.yaml:1:11: this is format version 2; orgmodel reads version 1"]),
        ("events: [}\n", ["plan.yaml:1:10: not valid YAML: "]),
    ],
)
def test_format_errors_say_where_and_what(text, expected):
    """Each problem names file, line and column, what was found and what was expected."""
    assert [problem[: len(wanted)] for problem, wanted in zip(problems_of(text), expected, strict=True)] == expected


def test_several_errors_are_reported_together():
    """All problems of a file come in one error, in file order, structural and semantic alike."""
    text = textwrap.dedent(
        """\
        entities:
          units:
            - {id: a, name: A}
        events:
          - on: 2015-01-01
            establish: a
          - on: 2015-02-30
            rename: a
            name: B
          - on: 2015-03-01
            rename: fornyelse
            name: C
          - on: 2015-03-02
            move: a
            to: a
        """
    )
    problems = problems_of(text)
    assert [problem.split(": ")[0] for problem in problems] == ["plan.yaml:7:9", "plan.yaml:10:5", "plan.yaml:13:5"]
    assert "unknown entity 'fornyelse' on 2015-03-01" in problems[1]
    assert "cannot sit under 'A' (a), which sits under it" in problems[2]
    with pytest.raises(om.FormatError, match="3 problems found"):
        om.loads(text, name="plan.yaml")


def test_json_errors_name_the_path():
    """JSON has no positions after parsing, so problems name the path to the value."""
    assert problems_of('{"events": [{"on": "2015-01-01", "rename": "x"}]}', name="plan.json", format="json") == [
        "plan.json: events[0]: event 'rename' needs 'name'"
    ]
    assert problems_of('{"events": [}', name="plan.json", format="json") == [
        "plan.json:1:13: not valid JSON: Expecting value"
    ]


class TestHostileInput:
    def test_code_is_never_run(self):
        """Python tags are refused, not executed."""
        (problem,) = problems_of("events: !!python/object/apply:os.system ['echo pwned']\n")
        assert "YAML tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed" in problem

    def test_alias_bombs_are_refused(self):
        """Anchors and aliases are refused, so a billion-laughs file cannot expand."""
        bomb = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nevents: [*b, *b, *b]\n"
        (problem,) = problems_of(bomb)
        assert "anchors and aliases (&name, *name) are not allowed" in problem

    @pytest.mark.parametrize("opening", ["[", "{a: "])
    def test_deep_nesting_is_refused(self, opening):
        """Nesting thousands deep is refused with a clear error, not a crash."""
        (problem,) = problems_of("events: " + opening * 5000)
        assert "nesting is too deep" in problem

    def test_deep_json_is_refused(self):
        """The same for JSON."""
        (problem,) = problems_of('{"events": ' + "[" * 100 + "]" * 100 + "}", name="deep.json", format="json")
        assert "nesting is too deep: more than 64 levels (the depth limit)" in problem

    def test_huge_files_are_refused(self):
        """Text past the size limit is refused before parsing, naming the limit."""
        with pytest.raises(om.FormatError, match="more than 100 characters \\(the file_size limit\\)"):
            om.loads("events: []\n" + "#" * 200, limits=om.Limits(file_size=100))


class TestFiles:
    def test_format_follows_the_extension(self, tmp_path):
        """An unknown extension is an error naming the ones that work."""
        org = om.loads(SMALL)
        with pytest.raises(om.InvalidArgumentError, match=r"use \.yaml, \.yml or \.json"):
            om.save(org, tmp_path / "org.txt")
        om.save(org, tmp_path / "org.txt", format="json")
        assert om.load(tmp_path / "org.txt", format="json") == org

    def test_unreadable_files_are_format_errors(self, tmp_path):
        """A missing file or one that is not UTF-8 is reported, not a bare OSError."""
        with pytest.raises(om.FormatError, match="cannot read the file"):
            om.load(tmp_path / "missing.yaml")
        (tmp_path / "latin1.yaml").write_bytes("events: [ö]".encode("latin-1"))
        with pytest.raises(om.FormatError, match="not UTF-8"):
            om.load(tmp_path / "latin1.yaml")

    def test_save_is_atomic(self, tmp_path, monkeypatch):
        """A failure while saving leaves the previous file whole and no temporary file behind."""
        org = om.loads(SMALL)
        target = tmp_path / "org.yaml"
        om.save(org, target)
        before = target.read_bytes()

        def broken_fsync(descriptor):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", broken_fsync)
        with pytest.raises(OSError, match="No space left"):
            om.save(org.with_events(om.Rename("slk", "Kontoret", on="2016-01-01")), target)
        assert target.read_bytes() == before
        assert sorted(path.name for path in tmp_path.iterdir()) == ["org.yaml"]

    def test_yes_no_and_on_are_text(self):
        """Only true and false are booleans, so a unit named No survives and `on:` needs no quotes."""
        org = om.Timeline([om.Establish(om.Unit("u", "No"), on="2015-01-01"), om.Rename("u", "on", on="2016-01-01")])
        text = om.dumps(org)
        assert "'on'" not in text
        assert om.loads(text) == org

    def test_title_is_written(self):
        """A title given to dumps is written at the top."""
        assert om.dumps(om.loads(SMALL), title="Nacka").splitlines()[1] == "title: Nacka"


class TestJsonSchema:
    """The shipped JSON Schema agrees with the reader, and accepts what the writer writes."""

    @staticmethod
    def validator():
        jsonschema = pytest.importorskip("jsonschema")
        return jsonschema.Draft202012Validator(om.json_schema())

    @staticmethod
    def plain(text: str):
        # Read as editors do (YAML 1.2): dates stay text, and only true/false are booleans, so `on:` is a key.
        import yaml

        from orgmodel._document import Loader

        class Plain(Loader):
            pass

        Plain.yaml_implicit_resolvers = {
            key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for key, resolvers in Loader.yaml_implicit_resolvers.items()
        }
        return yaml.load(text, Loader=Plain)

    def test_accepts_the_hand_written_example(self):
        """The example file validates."""
        self.validator().validate(self.plain(SMALL))

    @given(oms.timelines(max_events=15))
    def test_accepts_everything_the_writer_writes(self, timeline):
        """Every saved file validates."""
        self.validator().validate(self.plain(om.dumps(timeline)))

    def test_rejects_a_malformed_file(self):
        """A missing field or unknown key fails validation too."""
        errors = list(self.validator().iter_errors(self.plain("events:\n  - on: 2015-01-01\n    rename: fu\n")))
        assert errors

    def test_knows_every_event_and_field_the_reader_knows(self):
        """The schema's events take exactly the keys the reader accepts."""
        from orgmodel import _reader

        definitions = om.json_schema()["$defs"]
        for name, (extra, required) in _reader.EVENT_KEYS.items():
            schema = definitions[f"fields-{name}"]
            assert set(schema["properties"]) == {*_reader.COMMON_KEYS, name, *extra}
            assert set(schema["required"]) == {name, *required}
            # On its own, an event needs a date and may say what was known when; in a change it may not.
            entry = definitions[f"entry-{name}"]
            assert (set(entry["properties"]), entry["required"]) == (set(_reader.KNOWLEDGE_KEYS), ["on"])
            assert definitions[f"event-{name}"] == {"$ref": f"#/$defs/fields-{name}", "unevaluatedProperties": False}
        assert set(definitions["cancellation"]["properties"]) == set(_reader.CANCEL_KEYS)
        kinds = definitions["fields-relate"]["properties"]["relate"]["examples"]
        assert kinds == [kind.value for kind in om.RelationKind]
        units = om.json_schema()["properties"]["entities"]["properties"]["units"]["items"]["properties"]["kind"]
        assert units["examples"] == [kind.value for kind in om.UnitKind]
        assert units["type"] == "string", "kinds are open: a name of your own is a kind too"

    def test_the_shipped_file_is_the_one_built_from_the_reader(self):
        """The schema file is written by ``python -m orgmodel._schema``; it must not drift from the reader."""
        from orgmodel import _schema

        assert om.json_schema() == _schema.build(), "run: python -m orgmodel._schema > src/orgmodel/schema/..."
