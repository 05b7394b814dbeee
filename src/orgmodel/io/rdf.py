"""W3C ORG as RDF: a timeline as linked data, in Turtle or JSON-LD, with rdflib (``orgmodel[rdf]``).

The `Organization Ontology <https://www.w3.org/TR/vocab-org/>`_ (ORG)
describes units, posts and memberships; `OWL-Time
<https://www.w3.org/TR/owl-time/>`_ dates them and `PROV-O
<https://www.w3.org/TR/prov-o/>`_ says where a change comes from.
:func:`to_graph` builds an ``rdflib.Graph`` from a timeline's fact tables:

* each unit is an ``org:Organization`` (and an ``org:OrganizationalUnit``
  when it sits under another), named by ``skos:prefLabel`` (``skos:altLabel``
  for former names and other spellings), with ``org:classification`` its
  kind, ``org:subOrganizationOf`` its last parent and ``time:hasTime`` the
  interval it existed;
* a dated fact that ORG states without a date (a unit's parent or name over
  time, a post's unit, its reporting line, its heading its unit) is also an
  ``rdf:Statement`` of that triple with ``time:hasTime`` its interval;
* each post is an ``org:Post`` (``org:postIn``, ``org:reportsTo``,
  ``org:role`` its kind, ``org:heldBy``); each stretch of someone holding it
  is an ``org:Membership`` (``org:member``, ``org:organization``, the post
  as ``opengov:post``, ``org:role`` the post's kind, ``org:Head`` while it
  heads its unit and the holding's roles, ``org:memberDuring`` an interval);
* each merger, absorption, split, spin-off, partial absorption and
  succession is an ``org:ChangeEvent`` with ``org:originalOrganization`` and
  ``org:resultingOrganization``, ``prov:startedAtTime`` its day and
  ``prov:wasDerivedFrom`` the document it rests on (a ``prov:Entity``,
  ``prov:generatedAtTime`` the day its source is ``dated``).  Only the
  changes that apply are exported: cancelled ones and those a correction
  replaced are not (see ``Timeline.applied_changes``).

Intervals are ``time:Interval`` from a ``time:hasBeginning`` to a
``time:hasEnd`` ``time:Instant``, each ``time:inXSDDate`` a day: the first
and the last day the fact held, at the earliest (no end while it holds).
For a change dated by a window, the instant is also ``time:before`` the day
after the window; a fact known only to hold by some day has a beginning
with no date of its own, and one that ended "not before" a day an end only
``time:after`` the day before.  ``docs/standards.md`` maps every term and shows the
SPARQL that asks "who headed this unit on that day".

>>> import orgmodel as om
>>> from orgmodel.io import rdf
>>> graph = rdf.to_graph(om.examples.nacka())
>>> turtle = graph.serialize(format="turtle")
>>> "org:subOrganizationOf" in turtle
True
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from orgmodel._events import Source
from orgmodel.dates import When
from orgmodel.errors import InvalidArgumentError
from orgmodel.io._stretches import Stretch, Stretches, spans
from orgmodel.io.tables import _require

if TYPE_CHECKING:
    import rdflib
    from rdflib import Graph, Node, URIRef

    from orgmodel._timeline import Timeline

__all__ = ["DEFAULT_BASE", "NAMESPACES", "serialize", "to_graph"]

#: Where the ids of a timeline's units, posts, people and events live unless you give a ``base``.
DEFAULT_BASE = "https://example.org/org/"

#: The vocabularies the graph uses, by the prefix Turtle and JSON-LD give them.
NAMESPACES = {
    "org": "http://www.w3.org/ns/org#",
    "opengov": "http://www.w3.org/ns/opengov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_DAY = dt.timedelta(days=1)

#: The lineage links that are changes of organizations (a function's transfer is not).
_CHANGES = ("merged", "absorbed", "split", "spun-off", "partly-absorbed", "succeeded")


def to_graph(timeline: Timeline, base: str = DEFAULT_BASE) -> rdflib.Graph:
    """The timeline in the W3C Organization Ontology, as an ``rdflib.Graph`` (needs ``orgmodel[rdf]``).

    Ids become IRIs under ``base``: ``{base}unit/ID``, ``{base}post/ID``,
    ``{base}person/ID``, ``{base}membership/POST/PERSON/N``; an event is
    ``{base}event/CHANGE-ID/K`` (its change's id and its place in the
    change, from 1) when its change has an id, which stays put when events
    are added before it, else ``{base}event/N`` (its place in the
    timeline); kinds and roles are ``skos:Concept`` s under
    ``{base}kind/`` and ``{base}role/``.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("kf", "Kommunfullmäktige", kind="assembly"), on="2013-01-01")])
    >>> graph = to_graph(org)
    >>> sorted(str(label) for label in graph.objects(predicate=graph.namespace_manager.expand_curie("skos:prefLabel")))
    ['Kommunfullmäktige', 'assembly']
    """
    rdflib = _require("rdflib", "rdf")
    graph: Graph = rdflib.Graph()
    for prefix, namespace in NAMESPACES.items():
        graph.bind(prefix, rdflib.Namespace(namespace), override=True)
    _Writer(graph, rdflib, base, Stretches(timeline)).run()
    return graph


def serialize(timeline: Timeline, syntax: Literal["turtle", "json-ld"] = "turtle", *, base: str = DEFAULT_BASE) -> str:
    """The timeline's graph as Turtle or as JSON-LD (compacted with :data:`NAMESPACES` as its context).

    >>> import orgmodel as om, json
    >>> org = om.Timeline([om.Establish(om.Unit("kf", "Kommunfullmäktige"), on="2013-01-01")])
    >>> sorted(json.loads(serialize(org, "json-ld"))["@context"])[:3]
    ['dcterms', 'foaf', 'opengov']
    """
    graph = to_graph(timeline, base)
    if syntax == "json-ld":
        return str(graph.serialize(format="json-ld", context=NAMESPACES, auto_compact=True))
    if syntax == "turtle":
        return str(graph.serialize(format="turtle"))
    raise InvalidArgumentError(f"syntax must be 'turtle' or 'json-ld', got {syntax!r}")


class _Vocabulary:
    """A vocabulary's terms as IRIs, each made once (an ``rdflib.Namespace`` makes one per use, and that shows)."""

    def __init__(self, make: Any, namespace: str) -> None:
        self._make = make
        self._namespace = namespace

    def __getattr__(self, name: str) -> Any:
        term = self._make(self._namespace + name)
        setattr(self, name, term)
        return term


class _Writer:
    """Adds a timeline's units, posts, people, memberships and change events to a graph."""

    def __init__(self, graph: Graph, rdflib: Any, base: str, stretches: Stretches) -> None:
        self.graph = graph
        self.rdflib = rdflib
        self.base = base
        self.stretches = stretches
        ns = {prefix: _Vocabulary(rdflib.URIRef, namespace) for prefix, namespace in NAMESPACES.items()}
        self.org, self.skos, self.time, self.prov = ns["org"], ns["skos"], ns["time"], ns["prov"]
        self.rdf, self.rdfs, self.foaf, self.dcterms = ns["rdf"], ns["rdfs"], ns["foaf"], ns["dcterms"]
        self.opengov, self.xsd = ns["opengov"], ns["xsd"]
        self.concepts: set[URIRef] = set()
        self._event_iris: dict[int, URIRef] | None = None

    def iri(self, sort: str, *ids: str | int) -> URIRef:
        iri: URIRef = self.rdflib.URIRef(self.base + sort + "/" + "/".join(quote(str(i), safe="") for i in ids))
        return iri

    def add(self, subject: Node, predicate: Node, value: Node) -> None:
        self.graph.add((subject, predicate, value))

    def text(self, value: str) -> Node:
        node: Node = self.rdflib.Literal(value)
        return node

    def run(self) -> None:
        for unit_id in self.stretches.ids("units"):
            self.unit(unit_id)
        for post_id in self.stretches.ids("posts"):
            self.post(post_id)
        for person_id in self.stretches.ids("people"):
            self.person(person_id)
        self.change_events()

    # --- dates -------------------------------------------------------------------------------------------------

    def interval(self, start: When, end: When | None) -> Node:
        """A ``time:Interval`` from the first day to the last day a fact held (no end while it holds).

        Each bound is a ``time:Instant`` ``time:inXSDDate`` its earliest day — the day the charts apply the
        change on — and, when the change is dated by a window, ``time:before`` the day after the window, by
        which it had surely happened.  A beginning known only to be "by" some day has no date of its own.
        """
        interval: Node = self.rdflib.BNode()
        self.add(interval, self.rdf.type, self.time.Interval)
        self.add(interval, self.time.hasBeginning, self.bound(start, start.earliest, 1))
        if end is not None and not end.has_open_start:
            self.add(interval, self.time.hasEnd, self.bound(end, end.earliest - _DAY, 0))
        return interval

    def bound(self, when: When, day: dt.date, after: int) -> Node:
        """The instant a fact began or ended: on ``day`` at the earliest; for a window, before the day
        ``after`` days past its last."""
        instant: Node = self.rdflib.BNode()
        self.add(instant, self.rdf.type, self.time.Instant)
        if not after and when.has_open_end:
            # An end "not before" a day has no day by which it surely came: the fact may hold still. The
            # instant (its last day, ``day`` at the earliest) is only time:after the day before ``day``, so
            # a query for what may hold on a day keeps it.
            earlier: Node = self.rdflib.BNode()
            self.add(earlier, self.rdf.type, self.time.Instant)
            self.add(earlier, self.time.inXSDDate, self.date(day - _DAY))
            self.add(instant, self.time.after, earlier)
            return instant
        if not when.has_open_start:
            self.add(instant, self.time.inXSDDate, self.date(day))
        if not when.is_exact and not when.has_open_end:
            before: Node = self.rdflib.BNode()
            self.add(before, self.rdf.type, self.time.Instant)
            self.add(before, self.time.inXSDDate, self.date(when.latest + dt.timedelta(days=after)))
            self.add(instant, self.time.before, before)
        return instant

    def date(self, day: dt.date) -> Node:
        literal: Node = self.rdflib.Literal(day.isoformat(), datatype=self.xsd.date)
        return literal

    def moment(self, day: dt.date) -> Node:
        """The start of a day as an ``xsd:dateTime``, as PROV's times are."""
        literal: Node = self.rdflib.Literal(dt.datetime.combine(day, dt.time()), datatype=self.xsd.dateTime)
        return literal

    def dated(self, subject: URIRef, predicate: URIRef, stretches: list[Stretch], key: str, value: Any) -> None:
        """Each stretch (joined where ``key`` stays the same) as a dated ``rdf:Statement`` of one triple."""
        for number, span in enumerate(spans(stretches, key), start=1):
            found = value(span.values[key])
            if found is None:
                continue
            statement = self.rdflib.URIRef(f"{subject}/{predicate.split('#')[-1]}/{number}")
            self.add(statement, self.rdf.type, self.rdf.Statement)
            self.add(statement, self.rdf.subject, subject)
            self.add(statement, self.rdf.predicate, predicate)
            self.add(statement, self.rdf.object, found)
            self.add(statement, self.time.hasTime, self.interval(span.start, span.end))

    def concept(self, sort: str, name: str, *types: Node) -> URIRef:
        """A kind or a role as a ``skos:Concept`` labelled with its name."""
        iri = self.iri(sort, name)
        if iri in self.concepts:
            return iri
        self.concepts.add(iri)
        self.add(iri, self.rdf.type, self.skos.Concept)
        for kind in types:
            self.add(iri, self.rdf.type, kind)
        self.add(iri, self.skos.prefLabel, self.text(name))
        return iri

    # --- entities ----------------------------------------------------------------------------------------------

    def names(self, subject: URIRef, stretches: list[Stretch], key: str, aliases: tuple[str, ...]) -> None:
        """The last name as ``skos:prefLabel``, the former names and other spellings as ``skos:altLabel``."""
        last = stretches[-1].values[key]
        self.add(subject, self.skos.prefLabel, self.text(last))
        for name in dict.fromkeys((*(s.values[key] for s in stretches), *aliases)):
            if name != last:
                self.add(subject, self.skos.altLabel, self.text(name))
        self.dated(subject, self.skos.prefLabel, stretches, key, self.text)

    def identifiers(self, subject: URIRef, entity_id: str, predicate: Node) -> None:
        """Each id an entity has in another register, typed by its scheme (as ORG says of ``org:identifier``)."""
        for scheme, value in self.stretches.identifiers(entity_id):
            self.add(subject, predicate, self.rdflib.Literal(value, datatype=self.iri("scheme", scheme)))

    def unit(self, unit_id: str) -> None:
        stretches = self.stretches.unit(unit_id)
        unit, last = self.iri("unit", unit_id), stretches[-1].values
        self.add(unit, self.rdf.type, self.org.Organization)
        if any(s.values["parent"] is not None for s in stretches):
            self.add(unit, self.rdf.type, self.org.OrganizationalUnit)
        self.names(unit, stretches, "name", self.stretches.aliases(unit_id))
        self.add(unit, self.org.classification, self.concept("kind", str(last["kind"])))
        if last["parent"] is not None:
            self.add(unit, self.org.subOrganizationOf, self.iri("unit", last["parent"]))
        self.dated(unit, self.org.subOrganizationOf, stretches, "parent", self.unit_or_none)
        self.add(unit, self.time.hasTime, self.interval(stretches[0].start, stretches[-1].end))
        self.identifiers(unit, unit_id, self.org.identifier)

    def unit_or_none(self, unit_id: str | None) -> Node | None:
        return self.iri("unit", unit_id) if unit_id is not None else None

    def post(self, post_id: str) -> None:
        stretches = self.stretches.post(post_id)
        post, last = self.iri("post", post_id), stretches[-1].values
        self.add(post, self.rdf.type, self.org.Post)
        self.names(post, stretches, "title", self.stretches.aliases(post_id))
        self.add(post, self.org.role, self.concept("kind", str(last["kind"]), self.org.Role))
        if last["unit"] is not None:
            self.add(post, self.org.postIn, self.iri("unit", last["unit"]))
        if last["reports_to"] is not None:
            self.add(post, self.org.reportsTo, self.iri("post", last["reports_to"]))
        if last["heads"]:
            self.add(post, self.org.role, self.org.Head)
        self.dated(post, self.org.postIn, stretches, "unit", self.unit_or_none)
        self.dated(post, self.org.reportsTo, stretches, "reports_to", lambda boss: boss and self.iri("post", boss))
        self.dated(post, self.org.role, stretches, "heads", lambda heads: self.org.Head if heads else None)
        self.add(post, self.time.hasTime, self.interval(stretches[0].start, stretches[-1].end))
        self.identifiers(post, post_id, self.dcterms.identifier)
        for person_id, held in self.stretches.holdings(post_id).items():
            self.add(post, self.org.heldBy, self.iri("person", person_id))
            for number, stretch in enumerate(held, start=1):
                self.membership(post_id, person_id, number, stretch, str(last["kind"]))

    def membership(self, post_id: str, person_id: str, number: int, stretch: Stretch, kind: str) -> None:
        """One stretch of a holding in which the post's unit, its heading and the roles stayed the same."""
        membership, values = self.iri("membership", post_id, person_id, number), stretch.values
        self.add(membership, self.rdf.type, self.org.Membership)
        self.add(membership, self.org.member, self.iri("person", person_id))
        if values["unit"] is not None:
            self.add(membership, self.org.organization, self.iri("unit", values["unit"]))
        self.add(membership, self.opengov.post, self.iri("post", post_id))
        self.add(membership, self.org.role, self.iri("kind", kind))
        if values["heads"]:
            self.add(membership, self.org.role, self.org.Head)
        for role in values["roles"]:
            self.add(membership, self.org.role, self.concept("role", role, self.org.Role))
        self.add(membership, self.org.memberDuring, self.interval(stretch.start, stretch.end))

    def person(self, person_id: str) -> None:
        stretches = self.stretches.person(person_id)
        person = self.iri("person", person_id)
        self.add(person, self.rdf.type, self.foaf.Person)
        self.add(person, self.foaf.name, self.text(stretches[-1].values["name"]))
        self.names(person, stretches, "name", self.stretches.aliases(person_id))
        for post_id in self.stretches.posts_held(person_id):
            self.add(person, self.org.holds, self.iri("post", post_id))
        self.identifiers(person, person_id, self.dcterms.identifier)

    # --- lineage -----------------------------------------------------------------------------------------------

    def change_events(self) -> None:
        """Each event that merged, split, absorbed, spun off or succeeded units, as an ``org:ChangeEvent``."""
        links: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for link in self.stretches.lineage:
            if link["kind"] in _CHANGES:
                links[link["event"]].append(link)
        for number, found in links.items():
            event_row = self.stretches.events[number]
            event = self.event_iri(number)
            self.add(event, self.rdf.type, self.org.ChangeEvent)
            self.add(event, self.rdfs.label, self.text(event_row["description"]))
            for link in found:
                before, after = self.iri("unit", link["predecessor"]), self.iri("unit", link["successor"])
                self.add(event, self.org.originalOrganization, before)
                self.add(event, self.org.resultingOrganization, after)
                self.add(before, self.org.changedBy, event)
                self.add(after, self.org.resultedFrom, event)
                self.add(event, self.dcterms.type, self.concept("change", link["kind"]))
            when = self.stretches.whens[number]
            if not when.has_open_start:
                self.add(event, self.prov.startedAtTime, self.moment(when.earliest))
            self.source(event, number)

    def event_iri(self, number: int) -> URIRef:
        """An event's IRI: by its change's id and its place in that change where it can, by its number if not."""
        if self._event_iris is None:
            self._event_iris = {}
            places: dict[str, int] = defaultdict(int)
            for row in self.stretches.events.values():  # in the timeline's order: a change's events in a row
                if (change_id := row["change_id"]) is not None:
                    places[change_id] += 1
                    self._event_iris[row["event"]] = self.iri("event", change_id, places[change_id])
        return self._event_iris.get(number) or self.iri("event", number)

    def source(self, event: URIRef, number: int) -> None:
        """The document an event rests on (``prov:wasDerivedFrom``), its citation, and the quote it comes from.

        The document is a ``prov:Entity``, ``prov:generatedAtTime`` the day it is dated when its source says.
        """
        found = self.stretches.timeline.events[number]  # the events table numbers the timeline's events
        source = found.source
        if source is not None:
            document = self.document(source)
            if document is not None:
                self.add(event, self.prov.wasDerivedFrom, document)
            if source.document or source.body or source.reference:
                self.add(event, self.dcterms.bibliographicCitation, self.text(source.cite()))
            if source.quote:
                self.add(event, self.prov.value, self.text(source.quote))
        if found.note:
            self.add(event, self.rdfs.comment, self.text(found.note))

    def document(self, source: Source) -> Node | None:
        """A named document as ``{base}document/NAME``; an unnamed one only when dated, as a blank node."""
        if not source.document and source.dated is None:
            return None
        document: Node = self.iri("document", source.document) if source.document else self.rdflib.BNode()
        self.add(document, self.rdf.type, self.prov.Entity)
        self.add(document, self.rdf.type, self.foaf.Document)
        if source.document:
            self.add(document, self.rdfs.label, self.text(source.document))
        if source.dated is not None:
            self.add(document, self.prov.generatedAtTime, self.moment(source.dated))
        return document
