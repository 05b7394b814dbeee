"""W3C ORG as RDF: the Turtle and the JSON-LD parse back, and SPARQL over them answers as the timeline does."""

from __future__ import annotations

import datetime as dt
import sys
import warnings

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms
from orgmodel.io import rdf

rdflib = pytest.importorskip("rdflib", reason="the rdf extra (rdflib) is not installed: pip install 'orgmodel[rdf]'")

RDF_TYPE = rdflib.RDF.type
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")

PREFIXES = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

#: May hold on ?day, as a chart shows it: the interval ?during began by then at the earliest (or has no date: it
#: began by some day) and has not surely ended — its last day is not before ?day, or its end is dated by a window
#: whose last day is after ?day.
DURING = """
    OPTIONAL { ?during time:hasBeginning/time:inXSDDate ?begin }
    OPTIONAL { ?during time:hasEnd/time:inXSDDate ?end }
    OPTIONAL { ?during time:hasEnd/time:before/time:inXSDDate ?endBy }
    FILTER ((!BOUND(?begin) || ?begin <= ?day) && (!BOUND(?end) || ?end >= ?day || (BOUND(?endBy) && ?endBy > ?day)))
"""

#: Who headed ?unit on ?day: the members of it in the org:Head role then (unbound ?unit: every unit's heads).
HEADED_BY = f"""{PREFIXES}
SELECT ?person ?unit WHERE {{
    ?membership a org:Membership ; org:organization ?unit ; org:role org:Head ;
        org:member ?person ; org:memberDuring ?during .
    {DURING}
}}"""

#: The units that existed on ?day.
UNITS_ON = f"""{PREFIXES}
SELECT ?unit WHERE {{
    ?unit a org:Organization ; time:hasTime ?during .
    {DURING}
}}"""


def value_on(predicate: str) -> str:
    """What ?unit's ``predicate`` was on ?day, from the dated ``rdf:Statement`` s of it."""
    return f"""{PREFIXES}
SELECT ?value WHERE {{
    ?statement a rdf:Statement ; rdf:subject ?unit ; rdf:predicate {predicate} ;
        rdf:object ?value ; time:hasTime ?during .
    {DURING}
}}"""


PARENT_ON = value_on("org:subOrganizationOf")
NAME_ON = value_on("skos:prefLabel")


#: Each query parsed once: rdflib takes longer to parse a query than to answer it on these graphs.
PREPARED: dict[str, object] = {}


def prepared(query: str) -> object:
    if query not in PREPARED:
        from rdflib.plugins.sparql import prepareQuery

        PREPARED[query] = prepareQuery(query)
    return PREPARED[query]


def parsed(timeline: om.Timeline, syntax: str, base: str = rdf.DEFAULT_BASE) -> rdflib.Graph:
    """The timeline serialised in ``syntax`` and parsed back by rdflib: what a consumer of the file sees."""
    text = rdf.serialize(timeline, syntax, base=base)
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph (rdflib 7.x): not ours to fix.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=text, format=syntax)


def ask(graph: rdflib.Graph, query: str, **bindings: object) -> set[str]:
    values = {
        name: rdflib.Literal(value.isoformat(), datatype=rdflib.XSD.date)
        if isinstance(value, dt.date)
        else rdflib.URIRef(str(value))
        for name, value in bindings.items()
    }
    return {str(row[0]) for row in graph.query(prepared(query), initBindings=values)}


def heads_on(graph: rdflib.Graph, day: dt.date) -> set[tuple[str, str]]:
    """Every (unit, person) pair in which the person headed the unit on ``day``: one query for all units."""
    day_literal = rdflib.Literal(day.isoformat(), datatype=rdflib.XSD.date)
    rows = graph.query(prepared(HEADED_BY), initBindings={"day": day_literal})
    return {(local({str(unit)}, "unit").pop(), local({str(person)}, "person").pop()) for person, unit in rows}


def local(iris: set[str], sort: str, base: str = rdf.DEFAULT_BASE) -> set[str]:
    """The ids in IRIs ``{base}{sort}/ID``."""
    prefix = f"{base}{sort}/"
    return {iri.removeprefix(prefix) for iri in iris}


def assert_answers_as_the_timeline(timeline: om.Timeline, graph: rdflib.Graph, days: list[dt.date]) -> None:
    """On each day: the units that exist, and who headed each, as SPARQL finds them and as the chart says."""
    for day in days:
        chart = timeline.at(day)
        assert local(ask(graph, UNITS_ON, day=day), "unit") == set(chart.units), day
        expected = set()
        for unit_id in chart.units:
            head = chart.head(unit_id)
            expected |= {(unit_id, holding.person) for holding in head.holders} if head is not None else set()
        assert heads_on(graph, day) == expected, day


def change_days(timeline: om.Timeline) -> list[dt.date]:
    """The first and the last day of every change's date: where what may be true changes."""
    ends = {change.on.latest for change in timeline.changes if not change.on.has_open_end}
    return sorted({change.on.earliest for change in timeline.changes} | ends)


def change_events(graph: rdflib.Graph) -> set[tuple[frozenset[str], frozenset[str], object]]:
    """Each ``org:ChangeEvent`` as (the units before, the units after, when it started)."""
    org = rdflib.Namespace(rdf.NAMESPACES["org"])
    return {
        (
            frozenset(str(unit) for unit in graph.objects(event, org.originalOrganization)),
            frozenset(str(unit) for unit in graph.objects(event, org.resultingOrganization)),
            graph.value(event, rdflib.PROV.startedAtTime),
        )
        for event in graph.subjects(rdflib.RDF.type, org.ChangeEvent)
    }


def applied_only(timeline: om.Timeline) -> om.Timeline:
    """The timeline built from only the changes that apply (none of them corrects another then)."""
    changes = [attrs.evolve(change, corrects=None) for change in timeline.applied_changes]
    return om.Timeline(changes, categories=timeline.categories)


@pytest.fixture(scope="module")
def nacka() -> om.Timeline:
    return om.examples.nacka()


@pytest.fixture(scope="module", params=["turtle", "json-ld"])
def nacka_graph(request: pytest.FixtureRequest, nacka: om.Timeline) -> rdflib.Graph:
    return parsed(nacka, request.param)


class TestNacka:
    def test_who_headed_and_which_units_existed(self, nacka, nacka_graph):
        """SPARQL over the parsed Turtle and JSON-LD answers as ``timeline.at(day)`` on every day of a change."""
        assert_answers_as_the_timeline(nacka, nacka_graph, [dt.date(2013, 6, 1), *change_days(nacka)])

    def test_who_headed_one_unit(self, nacka, nacka_graph):
        """Asked of one unit and one day, the query finds the holder of its head post then."""
        unit = rdf.DEFAULT_BASE + "unit/samordnings-och-utvecklingsenheten"
        for day in (dt.date(2014, 12, 31), dt.date(2015, 6, 1)):
            head = nacka.head("samordnings-och-utvecklingsenheten", on=day)
            assert head is not None
            expected = {holding.person for holding in nacka.at(day).holdings(head.id)}
            assert expected
            assert local(ask(nacka_graph, HEADED_BY, unit=unit, day=day), "person") == expected

    def test_a_unit_that_moved_has_its_parents_dated(self, nacka_graph):
        """The dated ``org:subOrganizationOf`` statements give a moved unit's parent on each side of the move."""
        unit = rdf.DEFAULT_BASE + "unit/naturvardsradet"
        assert local(ask(nacka_graph, PARENT_ON, unit=unit, day=dt.date(2014, 12, 31)), "unit") == {"ks"}
        assert local(ask(nacka_graph, PARENT_ON, unit=unit, day=dt.date(2015, 1, 1)), "unit") == {
            "natur-och-trafiknamnden"
        }

    def test_names_over_time(self, nacka_graph):
        """A renamed unit has its former name on the days before the rename, and as ``skos:altLabel``."""
        unit = rdf.DEFAULT_BASE + "unit/samordnings-och-utvecklingsenheten"
        assert ask(nacka_graph, NAME_ON, unit=unit, day=dt.date(2014, 12, 31)) == {
            "Samordnings- och utvecklingsenheten"
        }
        assert ask(nacka_graph, NAME_ON, unit=unit, day=dt.date(2015, 1, 1)) == {"Förnyelseenheten"}
        labels = {str(o) for o in nacka_graph.objects(rdflib.URIRef(unit), rdflib.SKOS.altLabel)}
        assert "Samordnings- och utvecklingsenheten" in labels

    def test_change_events_with_their_sources(self, nacka, nacka_graph):
        """Each merge, absorption, split or succession is an ``org:ChangeEvent`` dated and derived from its document."""
        query = f"""{PREFIXES}
        SELECT ?before ?after ?started ?document WHERE {{
            ?event a org:ChangeEvent ; org:originalOrganization ?before ; org:resultingOrganization ?after ;
                prov:startedAtTime ?started .
            OPTIONAL {{ ?event prov:wasDerivedFrom/rdfs:label ?document }}
        }}"""
        found = {
            (local({str(b)}, "unit").pop(), local({str(a)}, "unit").pop(), s.toPython().date(), str(d) if d else None)
            for b, a, s, d in nacka_graph.query(prepared(query))
        }
        events = {row["event"]: row for row in nacka.facts().rows("events")}
        expected = {
            (link["predecessor"], link["successor"], link["on_earliest"], events[link["event"]]["document"])
            for link in nacka.facts().rows("lineage")
            if link["kind"] != "transferred"
        }
        assert expected
        assert found == expected


class TestGenerated:
    @settings(max_examples=15)  # rdflib answers a SPARQL query in tens of milliseconds: few, varied examples
    @given(
        oms.timelines(
            event_types=["establish", "dissolve", "rename", "move", "merge", "absorb", "split", "appoint", "head"],
            max_events=20,
            imprecise=False,  # a fact that begins and ends in one window is on its charts, but held on no day
        ),
        st.sampled_from(["turtle", "json-ld"]),
    )
    def test_who_headed_and_which_units_existed(self, timeline, syntax):
        """On generated timelines too, SPARQL over the parsed graph answers as the timeline does."""
        assert_answers_as_the_timeline(timeline, parsed(timeline, syntax), change_days(timeline))

    @settings(max_examples=20)
    @given(oms.timelines(max_events=10, names=oms.names(unusual=True)))
    def test_any_names_and_ids(self, timeline):
        """Names of any text are literals that read back the same from Turtle and JSON-LD."""
        for syntax in ("turtle", "json-ld"):
            graph = parsed(timeline, syntax)
            for unit_id, unit in timeline.at(timeline.last_day or dt.date(2013, 1, 1)).units.items():
                labels = set(graph.objects(rdflib.URIRef(rdf.DEFAULT_BASE + "unit/" + unit_id), rdflib.SKOS.prefLabel))
                assert labels == {rdflib.Literal(unit.name)}


class TestKnowledge:
    @pytest.fixture
    def revised(self) -> om.Timeline:
        """A merger first reported for 2015-01-01, then corrected to 2015-06-01; a second one, cancelled."""
        report = om.Source("Statusrapport", dated="2014-11-24")
        minutes = om.Source("KS protokoll", body="Kommunstyrelsen", dated="2015-02-10")
        merger = om.Change("2015-01-01", [om.Merge(["a", "b"], om.Unit("ab", "AB"))], id="ab", source=report)
        other = om.Change("2016-01-01", [om.Merge(["ab", "c"], om.Unit("abc", "ABC"))], id="abc", source=report)
        return om.Timeline(
            [
                *(om.Establish(om.Unit(unit, unit.upper()), on="2013-01-01") for unit in "abc"),
                merger,
                other,
                om.Change("2015-06-01", merger.events, corrects="ab", source=minutes),
                om.Change.cancelling(other, known="2015-03-01"),
            ]
        )

    def test_only_changes_that_apply_are_events(self, revised):
        """A corrected merger is one ``org:ChangeEvent`` on its corrected day; a cancelled one is none."""
        unit = rdf.DEFAULT_BASE + "unit/"
        started = rdflib.Literal(dt.datetime(2015, 6, 1), datatype=rdflib.XSD.dateTime)
        assert change_events(parsed(revised, "turtle")) == {
            (frozenset({unit + "a", unit + "b"}), frozenset({unit + "ab"}), started)
        }
        assert local(ask(parsed(revised, "turtle"), UNITS_ON, day=dt.date(2016, 6, 1)), "unit") == {"ab", "c"}

    @pytest.mark.parametrize("syntax", ["turtle", "json-ld"])
    def test_a_dated_source_is_generated_at_its_day(self, revised, syntax):
        """The document a change rests on is a ``prov:Entity`` ``prov:generatedAtTime`` its ``dated`` day."""
        query = f"""{PREFIXES}
        SELECT ?document ?generated WHERE {{
            ?event a org:ChangeEvent ; prov:wasDerivedFrom ?source .
            ?source a prov:Entity ; rdfs:label ?document ; prov:generatedAtTime ?generated .
        }}"""
        found = {(str(d), g.toPython()) for d, g in parsed(revised, syntax).query(prepared(query))}
        assert found == {("KS protokoll", dt.datetime(2015, 2, 10))}

    def test_a_dated_source_without_a_document(self):
        """A source with only its date is still a ``prov:Entity`` with that date (a blank node)."""
        dated = om.Source(body="Kommunstyrelsen", dated="2014-12-01")
        org = om.Timeline(
            [
                *(om.Establish(om.Unit(unit, unit.upper()), on="2013-01-01") for unit in "ab"),
                om.Change("2015-01-01", [om.Absorb(["a"], "b")], source=dated),
            ]
        )
        graph = parsed(org, "turtle")
        (document,) = graph.objects(predicate=rdflib.PROV.wasDerivedFrom)
        assert isinstance(document, rdflib.BNode)
        assert graph.value(document, rdflib.PROV.generatedAtTime).toPython() == dt.datetime(2014, 12, 1)
        assert (document, rdflib.RDF.type, rdflib.PROV.Entity) in graph

    @settings(max_examples=15)
    @given(
        oms.revised_timelines(
            event_types=["establish", "dissolve", "rename", "move", "merge", "absorb", "split", "appoint", "head"],
            max_events=15,
            imprecise=False,
        )
    )
    def test_revised_timelines_as_their_applied_changes(self, timeline):
        """A timeline known in stages is written as the changes that apply: the same events, the same answers."""
        graph = rdf.to_graph(timeline)
        assert change_events(graph) == change_events(rdf.to_graph(applied_only(timeline)))
        assert_answers_as_the_timeline(timeline, graph, change_days(timeline))


class TestOptions:
    def test_base_and_awkward_ids(self):
        """Ids are percent-encoded under the base given, so any id makes a valid IRI."""
        org = om.Timeline([om.Establish(om.Unit("a b/ö#1", "Enhet"), on="2015-01-01")])
        graph = parsed(org, "turtle", base="urn:x-org:")
        assert set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/org#Organization"))) == {
            rdflib.URIRef("urn:x-org:unit/a%20b%2F%C3%B6%231")
        }

    def test_an_event_of_a_change_with_an_id_keeps_its_iri_when_events_come_before_it(self):
        """Events are named by their change's id and place where they can: adding earlier events moves no IRI."""
        reform = om.Change(
            "2016-01-01",
            [om.Merge(["a", "b"], om.Unit("ab", "AB")), om.Split("c", [om.Unit("c1", "C1"), om.Unit("c2", "C2")])],
            id="reform",
        )
        units = [om.Establish(om.Unit(key, key.upper()), on="2014-01-01") for key in ("a", "b", "c", "d", "e")]
        unnamed = om.Merge(["d", "e"], om.Unit("de", "DE"), on="2016-06-01")
        org = om.Timeline([*units, reform, unnamed])
        grown = org.with_events(om.Establish(om.Unit("f", "F"), on="2014-06-01"))

        def events(timeline: om.Timeline) -> set[str]:
            graph = rdf.to_graph(timeline)
            return {str(iri).removeprefix(rdf.DEFAULT_BASE) for iri in graph.subjects(RDF_TYPE, ORG.ChangeEvent)}

        assert events(org) == {"event/reform/1", "event/reform/2", f"event/{len(units) + 2}"}
        assert events(grown) == {"event/reform/1", "event/reform/2", f"event/{len(units) + 3}"}

    def test_unknown_syntax(self):
        """Only Turtle and JSON-LD are written."""
        with pytest.raises(om.InvalidArgumentError, match="syntax must be 'turtle' or 'json-ld', got 'xml'"):
            rdf.serialize(om.Timeline([]), "xml")  # type: ignore[arg-type]

    def test_rdflib_is_imported_only_when_used(self):
        """``import orgmodel`` and its io modules leave rdflib alone; building a graph imports it."""
        import subprocess

        script = (
            "import sys, orgmodel as om\n"
            "from orgmodel.io import popolo, rdf\n"
            "print('rdflib' in sys.modules)\n"
            "rdf.to_graph(om.Timeline([]))\n"
            "print('rdflib' in sys.modules)\n"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        assert done.stdout.split() == ["False", "True"]

    def test_without_rdflib(self, monkeypatch):
        """Without rdflib, the error says which extra to install."""
        monkeypatch.setitem(sys.modules, "rdflib", None)
        with pytest.raises(om.MissingDependencyError, match=r"pip install 'orgmodel\[rdf\]'"):
            rdf.to_graph(om.Timeline([]))
