"""Checks of an organisation that tests can assert: each returns the violations it finds, in words.

A check takes an :class:`~orgmodel.OrgChart` — or its networkx graph, as
:attr:`OrgChart.graph <orgmodel.OrgChart.graph>` builds it, so that graphs you
build or change yourself can be checked too — or, for the rules across time,
a :class:`~orgmodel.Timeline`.  It returns a list of :class:`Violation`, empty
when the rule holds.  :func:`check` runs the structural checks at once (on a
chart, or on every day of a timeline); :func:`assert_holds` fails a test with
every violation listed.

>>> import orgmodel as om
>>> from orgmodel import invariants as inv
>>> org = om.examples.nacka()
>>> inv.assert_holds(inv.check(org))
>>> for violation in inv.relation_coverage(org.at("2015-01-01"), "council", "responsible-for"):
...     print(violation)
2015-01-01: relation-coverage: council 'Naturvårdsrådet' (naturvardsradet) has no responsible-for relation to it

The rules that hold of every chart a timeline gives (a forest of units,
acyclic reporting lines, no post with more holders than seats, one head per
unit, no dangling references, only people with a tie on the chart, functions
kept when their unit ends) and of every timeline (each lineage link seen from
both ends) hold by construction; check them on graphs you change, and in
tests of code that builds charts.  The others are policies a plan may break:
heads (:func:`units_have_heads`, :func:`headless_at_most`), coverage
(:func:`relation_coverage`) and order (:func:`changes_commute`,
:func:`plan_commutes`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, TypeAlias, TypeVar

import attrs
import networkx as nx

from orgmodel import _plans
from orgmodel._chart import OrgChart
from orgmodel._entities import EntityType, RelationKind, UnitKind, _relation_kind, _unit_kind
from orgmodel._events import Change, Event, LinkKind
from orgmodel._timeline import Timeline
from orgmodel.dates import DayLike, parse_day
from orgmodel.errors import InvalidArgumentError

__all__ = [
    "HEADED_KINDS",
    "STRUCTURE",
    "Violation",
    "assert_holds",
    "changes_commute",
    "check",
    "functions_keep_owners",
    "headless_at_most",
    "hierarchy_is_forest",
    "holders_within_seats",
    "lineage_seen_from_both_ends",
    "no_dangling_references",
    "one_head_per_unit",
    "people_have_ties",
    "plan_commutes",
    "relation_coverage",
    "reporting_lines_acyclic",
    "units_have_heads",
]

#: What the chart checks take: a chart, or a graph shaped like :attr:`OrgChart.graph`.
Subject: TypeAlias = "OrgChart | nx.MultiDiGraph[str]"
K = TypeVar("K", bound=enum.Enum)

#: The unit kinds expected to have a head by default: the administration, not political bodies or outside ones.
HEADED_KINDS: tuple[UnitKind, ...] = (
    UnitKind.OFFICE,
    UnitKind.UNIT,
    UnitKind.STAFF,
    UnitKind.GROUP,
    UnitKind.PRODUCTION_AREA,
)


@attrs.frozen
class Violation:
    """One way a rule is broken: the ``rule``'s name, the ``subject`` it is about (an id, or a day), a ``message``.

    ``day`` is the day of the chart it was found on, when known.

    >>> import orgmodel as om
    >>> print(Violation("units-have-heads", "u1", "unit 'Förnyelseenheten' (u1) has no head", dt.date(2015, 1, 1)))
    2015-01-01: units-have-heads: unit 'Förnyelseenheten' (u1) has no head
    """

    rule: str
    subject: str
    message: str
    day: dt.date | None = None

    def __str__(self) -> str:
        prefix = f"{self.day.isoformat()}: " if self.day is not None else ""
        return f"{prefix}{self.rule}: {self.message}"


def assert_holds(*results: Iterable[Violation]) -> None:
    """Fail (``AssertionError``) listing every violation in ``results``; pass silently when there is none.

    >>> import orgmodel as om
    >>> chart = om.Timeline([om.Establish(om.Unit("u1", "Förnyelseenheten"), on="2015-01-01")]).at("2015-01-01")
    >>> assert_holds(check(chart), units_have_heads(chart))
    Traceback (most recent call last):
      ...
    AssertionError: 1 violation:
      2015-01-01: units-have-heads: unit 'Förnyelseenheten' (u1) has no head
    """
    found = [violation for result in results for violation in result]
    if found:
        listing = "\n".join(f"  {violation}" for violation in found)
        raise AssertionError(f"{len(found)} violation{'s' if len(found) != 1 else ''}:\n{listing}")


# --- reading a chart as a graph ----------------------------------------------------------------


class _Graph:
    """A chart's graph with its edges grouped by key, and how messages name its nodes."""

    def __init__(self, subject: Subject) -> None:
        if isinstance(subject, OrgChart):
            graph = subject.graph
        elif isinstance(subject, nx.MultiDiGraph):
            graph = subject
        else:
            raise InvalidArgumentError(f"a check takes an OrgChart or its networkx graph, got {subject!r}")
        self.graph = graph
        self.day = _day_of(graph)
        self.edges: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
        # The holdings that are a hand-over (appointed beside the others, over the post's seats).
        self.overlapping: set[tuple[str, str]] = set()
        for source, target, key, data in graph.edges(keys=True, data=True):
            self.edges[str(key)].append((source, target))
            if key == "holds" and data.get("overlap"):
                self.overlapping.add((source, target))

    def type_of(self, node: str) -> str | None:
        if node not in self.graph:
            return None
        value = self.graph.nodes[node].get("type")
        return str(value) if value is not None else None

    def nodes_of(self, kind: str) -> list[str]:
        return sorted(node for node, data in self.graph.nodes(data=True) if data.get("type") == kind)

    def label(self, node: str, *, by_kind: bool = False) -> str:
        """``unit 'Name' (id)`` (with ``by_kind``, ``council 'Name' (id)``); a bare id when not in the chart."""
        data = self.graph.nodes[node] if node in self.graph else {}
        if "type" not in data:
            return repr(node)
        name = data.get("name", node)
        return f"{data.get('kind', data['type']) if by_kind else data['type']} {name!r} ({node})"

    def listing(self, nodes: Iterable[str]) -> str:
        return ", ".join(self.label(node) for node in sorted(nodes))

    def violation(self, rule: str, subject: str, message: str) -> Violation:
        return Violation(rule, subject, message, self.day)


def _day_of(graph: nx.MultiDiGraph[str]) -> dt.date | None:
    """The day of a chart's graph (ISO text in ``graph.graph["day"]``; a date in a graph made by hand)."""
    day = graph.graph.get("day")
    if isinstance(day, dt.date):
        return day
    if isinstance(day, str):
        try:
            return dt.date.fromisoformat(day)
        except ValueError:
            return None
    return None


# --- the structure of one chart ----------------------------------------------------------------


def hierarchy_is_forest(subject: Subject) -> list[Violation]:
    """Every unit sits under at most one unit, and no unit sits (however far) under itself.

    >>> import orgmodel as om
    >>> hierarchy_is_forest(om.examples.nacka().at("2015-01-01"))
    []
    >>> import networkx as nx
    >>> graph = nx.MultiDiGraph()
    >>> graph.add_node("a", type="unit", name="A")
    >>> graph.add_node("b", type="unit", name="B")
    >>> _ = graph.add_edge("a", "b", key="contains"), graph.add_edge("b", "a", key="contains")
    >>> print(*hierarchy_is_forest(graph), sep="\\n")
    hierarchy-is-forest: unit 'A' (a), unit 'B' (b) sit under each other
    """
    graph = _Graph(subject)
    found = _one_at_most(graph, "hierarchy-is-forest", "contains", incoming=True, phrase="sits under {count} units")
    found += _loops(graph, "hierarchy-is-forest", "contains", "sit under each other", "sits under itself")
    return found


def reporting_lines_acyclic(subject: Subject) -> list[Violation]:
    """Every post reports to at most one post, and no post reports (however far up) to itself.

    >>> import orgmodel as om
    >>> reporting_lines_acyclic(om.examples.nacka().at("2015-01-01"))
    []
    """
    graph = _Graph(subject)
    found = _one_at_most(
        graph, "reporting-lines-acyclic", "reports_to", incoming=False, phrase="reports to {count} posts"
    )
    found += _loops(graph, "reporting-lines-acyclic", "reports_to", "report to each other", "reports to itself")
    return found


def holders_within_seats(subject: Subject) -> list[Violation]:
    """No post is held by more people than it has seats, besides those in a hand-over, who need every seat held.

    A post's ``seats`` (node data; 0 for no limit) is 1 unless said.

    >>> import orgmodel as om
    >>> holders_within_seats(om.examples.nacka().at("2015-01-01"))
    []
    """
    graph = _Graph(subject)
    holders: defaultdict[str, list[str]] = defaultdict(list)
    for person, post in graph.edges.get("holds", ()):
        holders[post].append(person)
    found = []
    for post, people in sorted(holders.items()):
        seats = graph.graph.nodes[post].get("seats", 1) if post in graph.graph else 1
        regular = [person for person in people if (person, post) not in graph.overlapping]
        handing_over = len(people) - len(regular)
        if seats and len(regular) > seats:
            message = f"{graph.label(post)} has {seats} seat{'s' if seats != 1 else ''} but is held by {len(regular)}"
            found.append(graph.violation("holders-within-seats", post, f"{message}: {graph.listing(regular)}"))
        elif handing_over and (not seats or len(regular) < seats):
            message = f"{graph.label(post)} is held in a hand-over while it has a free seat"
            found.append(graph.violation("holders-within-seats", post, message))
    return found


def people_have_ties(subject: Subject) -> list[Violation]:
    """Everyone on a chart holds a post or takes part in a relation: people without a tie that day are left off.

    >>> import orgmodel as om
    >>> people_have_ties(om.examples.nacka().at("2015-01-01"))
    []
    """
    graph = _Graph(subject)
    tied = {person for person, _ in graph.edges.get("holds", ())}
    for key, pairs in graph.edges.items():
        if key not in _EDGES:
            tied.update(end for pair in pairs for end in pair)
    return [
        graph.violation("people-have-ties", person, f"{graph.label(person)} holds no post and has no relation")
        for person in graph.nodes_of("person")
        if person not in tied
    ]


def one_head_per_unit(subject: Subject) -> list[Violation]:
    """Every unit has at most one head post.

    >>> import orgmodel as om
    >>> one_head_per_unit(om.examples.nacka().at("2015-01-01"))
    []
    """
    return _one_at_most(_Graph(subject), "one-head-per-unit", "heads", incoming=True, phrase="has {count} heads")


def _one_at_most(graph: _Graph, rule: str, key: str, *, incoming: bool, phrase: str) -> list[Violation]:
    """Nodes with more than one ``key`` edge (coming in, or going out)."""
    others: defaultdict[str, list[str]] = defaultdict(list)
    for source, target in graph.edges.get(key, ()):
        node, other = (target, source) if incoming else (source, target)
        others[node].append(other)
    return [
        graph.violation(rule, node, f"{graph.label(node)} {phrase.format(count=len(ends))}: {graph.listing(ends)}")
        for node, ends in sorted(others.items())
        if len(ends) > 1
    ]


def _loops(graph: _Graph, rule: str, key: str, several: str, one: str) -> list[Violation]:
    """One violation per loop of ``key`` edges (a strongly connected part of more than one node, or a self-loop)."""
    sub: nx.DiGraph[str] = nx.DiGraph()
    sub.add_edges_from(graph.edges.get(key, ()))
    found = []
    for part in nx.strongly_connected_components(sub):
        members = sorted(part)
        if len(members) > 1:
            found.append(graph.violation(rule, members[0], f"{graph.listing(members)} {several}"))
        elif sub.has_edge(members[0], members[0]):
            found.append(graph.violation(rule, members[0], f"{graph.label(members[0])} {one}"))
    return sorted(found, key=lambda violation: violation.subject)


# What each edge key joins, and how to say it: (source types, target types, the sentence, its subject is the target).
_EDGES: dict[str, tuple[frozenset[str], frozenset[str], str, bool]] = {
    "contains": (frozenset({"unit"}), frozenset({"unit"}), "{target} sits under {source}", True),
    "has_post": (frozenset({"unit"}), frozenset({"post"}), "{target} belongs to {source}", True),
    "heads": (frozenset({"post"}), frozenset({"unit"}), "{source} heads {target}", False),
    "reports_to": (frozenset({"post"}), frozenset({"post"}), "{source} reports to {target}", False),
    "holds": (frozenset({"person"}), frozenset({"post"}), "{target} is held by {source}", True),
    "owns": (frozenset({"unit", "post"}), frozenset({"function"}), "{target} is owned by {source}", True),
}
_ANY = frozenset(kind.value for kind in EntityType)


def no_dangling_references(subject: Subject) -> list[Violation]:
    """Everything a unit, post, function or relation points at is in the chart, and of the right sort.

    >>> import orgmodel as om
    >>> no_dangling_references(om.examples.nacka().at("2015-01-01"))
    []
    >>> chart = om.OrgChart(dt.date(2015, 1, 1), {"u1": om.Unit("u1", "Förnyelseenheten", parent="slk")})
    >>> print(*no_dangling_references(chart), sep="\\n")
    2015-01-01: no-dangling-references: unit 'Förnyelseenheten' (u1) sits under 'slk', which is not in the chart
    """
    graph = _Graph(subject)
    found = []
    for key in sorted(graph.edges):
        sources, targets, sentence, about_target = _EDGES.get(key, (_ANY, _ANY, "{source} " + key + " {target}", False))
        for source, target in graph.edges[key]:
            problem = _misfit(graph, source, sources) or _misfit(graph, target, targets)
            if problem:
                said = sentence.format(source=graph.label(source), target=graph.label(target))
                found.append(
                    graph.violation("no-dangling-references", target if about_target else source, said + problem)
                )
    return found


def _misfit(graph: _Graph, node: str, allowed: frozenset[str]) -> str:
    kind = graph.type_of(node)
    if kind is None:
        return ", which is not in the chart"
    if kind not in allowed:
        return f", which is a {kind}, not a {' or '.join(sorted(allowed))}"
    return ""


# --- policies of one chart ---------------------------------------------------------------------


def units_have_heads(
    subject: Subject,
    *,
    kinds: Iterable[UnitKind | str] = HEADED_KINDS,
    exempt: Iterable[str] = (),
    held: bool = False,
) -> list[Violation]:
    """Every unit of the given ``kinds`` has a head post (with ``held``, one somebody holds).

    ``exempt`` lists unit ids to leave out.  The default kinds are
    :data:`HEADED_KINDS`, the administration's.

    >>> import orgmodel as om
    >>> chart = om.examples.nacka().at("2015-01-01")
    >>> [violation.subject for violation in units_have_heads(chart, kinds=["unit"])][:3]
    ['arbets-och-foretagsenheten', 'idrottsdriftsenheten', 'lokalenheten']
    >>> units_have_heads(chart.subtree("juridik-och-kanslienheten"), held=True)
    []
    """
    graph = _Graph(subject)
    wanted = set(_kinds(_unit_kind, kinds, "kinds"))
    skip = set(exempt)
    heads = {target: source for source, target in graph.edges.get("heads", ())}
    found = []
    for unit in graph.nodes_of("unit"):
        if unit in skip or graph.graph.nodes[unit].get("kind") not in wanted:
            continue
        head = heads.get(unit)
        if head is None:
            found.append(graph.violation("units-have-heads", unit, f"{graph.label(unit)} has no head"))
        elif held and graph.graph.nodes[head].get("vacant", True):
            message = f"{graph.label(unit)} has a head post, {graph.label(head)}, that nobody holds"
            found.append(graph.violation("units-have-heads", unit, message))
    return found


def relation_coverage(
    subject: Subject,
    unit_kinds: UnitKind | str | Iterable[UnitKind | str],
    relations: RelationKind | str | Iterable[RelationKind | str],
    *,
    direction: Literal["in", "out", "any"] = "in",
) -> list[Violation]:
    """Every unit of the given kinds takes part in a relation of the given kinds.

    ``direction`` says which end the unit must be: ``"in"`` (the relation
    points at it: a director *responsible-for* a council), ``"out"`` (it
    points from it: a unit that *supports* a board), or ``"any"``.  Either
    kind argument is one kind or several.

    >>> import orgmodel as om
    >>> chart = om.examples.nacka().at("2015-01-01")
    >>> [violation.subject for violation in relation_coverage(chart, ["council", "committee"], "responsible-for")]
    ['naturvardsradet']
    >>> relation_coverage(chart, "committee", ["supports", "responsible-for"])
    []
    """
    graph = _Graph(subject)
    units = set(_kinds(_unit_kind, unit_kinds, "unit_kinds"))
    keys = _kinds(_relation_kind, relations, "relations")
    if direction not in ("in", "out", "any"):
        raise InvalidArgumentError(f"direction must be 'in', 'out' or 'any', got {direction!r}")
    covered: set[str] = set()
    for key in keys:
        for source, target in graph.edges.get(key, ()):
            if direction in ("in", "any"):
                covered.add(target)
            if direction in ("out", "any"):
                covered.add(source)
    way = {"in": " to it", "out": " from it", "any": ""}[direction]
    wording = " or ".join(keys)
    return [
        graph.violation("relation-coverage", unit, f"{graph.label(unit, by_kind=True)} has no {wording} relation{way}")
        for unit in graph.nodes_of("unit")
        if graph.graph.nodes[unit].get("kind") in units and unit not in covered
    ]


def _kinds(convert: Callable[[Any], Any], values: object, name: str) -> list[str]:
    """The names of the kinds asked for: built-in members or kinds of the user's own, as entities take them."""
    items = [values] if isinstance(values, (str, enum.Enum)) else values
    if not isinstance(items, Iterable):
        raise InvalidArgumentError(f"{name} must be a kind or a list of kinds, got {values!r}")
    try:
        return list(dict.fromkeys(str(convert(value)) for value in items))
    except InvalidArgumentError as error:
        raise InvalidArgumentError(f"{name}: {error}") from None


# --- across two days ---------------------------------------------------------------------------


def functions_keep_owners(before: Subject, after: Subject) -> list[Violation]:
    """Every function a unit owned ``before`` has an owner ``after`` if the unit is gone (or has ended itself).

    A unit's functions must go somewhere when it is dissolved, merged,
    absorbed or split: none may be left with no owner.

    >>> import orgmodel as om
    >>> org = om.examples.nacka()
    >>> functions_keep_owners(org.at("2014-06-30"), org.at("2014-07-01"))
    []
    """
    old, new = _Graph(before), _Graph(after)
    owners = {target: source for source, target in new.edges.get("owns", ())}
    found = []
    for owner, function in sorted(old.edges.get("owns", ())):
        if old.type_of(owner) != "unit" or owner in new.graph or function not in new.graph or function in owners:
            continue
        message = f"{new.label(function)} has no owner since {old.label(owner)}, which owned it, ended"
        found.append(new.violation("functions-keep-owners", function, message))
    return found


# --- across a timeline -------------------------------------------------------------------------

#: The structural checks :func:`check` runs on a chart.
STRUCTURE: tuple[Callable[[Subject], list[Violation]], ...] = (
    hierarchy_is_forest,
    reporting_lines_acyclic,
    holders_within_seats,
    one_head_per_unit,
    no_dangling_references,
    people_have_ties,
)


def check(subject: Subject | Timeline) -> list[Violation]:
    """Every structural violation: of one chart, or of a timeline on each day a change takes effect.

    On a timeline the checks of :data:`STRUCTURE` run on the chart of each
    such day, and :func:`functions_keep_owners` between consecutive ones; a
    violation that lasts several days is reported on the first.

    >>> import orgmodel as om
    >>> check(om.examples.nacka())
    []
    """
    if not isinstance(subject, Timeline):
        return [violation for rule in STRUCTURE for violation in rule(subject)]
    found: dict[tuple[str, str, str], Violation] = {
        (violation.rule, violation.subject, violation.message): violation
        for violation in lineage_seen_from_both_ends(subject)
    }
    previous: OrgChart | None = None
    for day in _days(subject):
        chart = subject.at(day)
        violations = check(chart)
        if previous is not None:
            violations += functions_keep_owners(previous, chart)
        for violation in violations:
            found.setdefault((violation.rule, violation.subject, violation.message), violation)
        previous = chart
    return list(found.values())


def lineage_seen_from_both_ends(timeline: Timeline) -> list[Violation]:
    """Every lineage link is in the lineage of both its ends: a predecessor's successors, a successor's predecessors.

    This covers spin-offs, partial absorptions and overlapping successions,
    whose predecessor goes on after the link.

    >>> import orgmodel as om
    >>> lineage_seen_from_both_ends(om.examples.nacka())
    []
    """
    found = []
    for link in timeline._log.links:
        kind = LinkKind(link.kind)
        if kind is LinkKind.TRANSFERRED:
            continue
        ends = ((link.predecessor, "successors", link.successor), (link.successor, "predecessors", link.predecessor))
        for entity_id, side, other in ends:
            lineage = timeline.lineage(entity_id)
            links = lineage.successors if side == "successors" else lineage.predecessors
            if not any(
                found_link.kind is kind and {found_link.predecessor, found_link.successor} == {entity_id, other}
                for found_link in links
            ):
                message = f"{entity_id!r} does not list {other!r} among its {side} ({kind.value})"
                found.append(Violation("lineage-seen-from-both-ends", entity_id, message))
    return found


def _days(timeline: Timeline) -> list[dt.date]:
    """The days on which the organisation may change: every change's earliest day, in order."""
    return sorted({change.on.earliest for change in timeline.applied_changes})


def headless_at_most(
    timeline: Timeline,
    days: int,
    *,
    kinds: Iterable[UnitKind | str] = HEADED_KINDS,
    exempt: Iterable[str] = (),
    held: bool = False,
    start: DayLike | None = None,
    end: DayLike | None = None,
) -> list[Violation]:
    """No unit of the given ``kinds`` is without a head (with ``held``, a held one) for more than ``days`` days.

    The timeline is read from ``start`` (default: its first named day) to
    ``end`` (default: its last); a unit still headless at ``end`` counts up
    to it.  One violation per headless stretch that is too long.  ``kinds``,
    ``exempt`` and ``held`` are as for :func:`units_have_heads`.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("pn", "Park- och naturenheten"), on="2014-01-01"),
    ...         om.Establish(om.Post("chef", "Enhetschef", unit="pn", heads=True), on="2014-03-01"),
    ...         om.Dissolve("chef", on="2014-06-01"),
    ...         om.Establish(om.Post("chef2", "Enhetschef", unit="pn", heads=True), on="2014-06-15"),
    ...     ]
    ... )
    >>> for violation in headless_at_most(org, 31):
    ...     print(violation)
    2014-01-01: headless-at-most: unit 'Park- och naturenheten' (pn) has no head from 2014-01-01 to 2014-03-01 (59
    days, more than 31)
    >>> headless_at_most(org, 60)
    []
    """
    if days < 0:
        raise InvalidArgumentError(f"days must be 0 or more, got {days}")
    first, last = timeline.first_day, timeline.last_day
    if first is None or last is None:
        return []
    begin = parse_day(start) if start is not None else first
    finish = parse_day(end) if end is not None else last
    samples = sorted({begin, finish} | {day for day in _days(timeline) if begin < day < finish})
    since: dict[str, tuple[dt.date, str]] = {}
    found = []
    for day in samples:
        chart = timeline.at(day)
        missing = {
            violation.subject: violation.message
            for violation in units_have_heads(chart, kinds=kinds, exempt=exempt, held=held)
        }
        for unit, (began, label) in list(since.items()):
            if unit not in missing or day == finish:
                del since[unit]
                if (day - began).days > days:
                    found.append(_headless(unit, label, began, day, days, still=unit in missing))
        for unit in missing:
            if unit not in since and day != finish:
                since[unit] = (day, chart.resolve(unit).name)
    return found


def _headless(unit: str, name: str, began: dt.date, ended: dt.date, days: int, *, still: bool) -> Violation:
    length = (ended - began).days
    until = f"still on {ended}" if still else f"to {ended}"
    message = f"unit {name!r} ({unit}) has no head from {began} {until} ({length} days, more than {days})"
    return Violation("headless-at-most", unit, message, began)


# --- order -------------------------------------------------------------------------------------


def changes_commute(
    timeline: Timeline, *, days: Iterable[DayLike] | None = None, allow_dependencies: bool = False
) -> list[Violation]:
    """On each day (default: every day with two or more changes), every order of the day's changes gives one result.

    A day is reported with the first order (keeping as much of the log order
    as it can) that fails or gives another organisation.  With
    ``allow_dependencies``, orders that fail are let pass: only orders that
    apply and silently give another organisation count — a change that needs
    another one first is a dependency the timeline would refuse loudly, not a
    conflict.  See also :meth:`Timeline.conflicts <orgmodel.Timeline.conflicts>`,
    which names the pairs.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten"), on="2014-05-01"),
    ...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
    ...         om.Rename("sue", "Strategienheten", on="2015-01-01"),
    ...     ]
    ... )
    >>> print(*changes_commute(org), sep="\\n")
    2015-01-01: changes-commute: the order 2, 1 gives another organisation than 1, 2: unit 'Strategienheten' (sue)
    has name 'Strategienheten' in log order, 'Förnyelseenheten' in the other (1: rename 'sue' to
    'Förnyelseenheten'; 2: rename 'sue' to 'Strategienheten')
    """
    witnesses = _plans.timeline_witnesses(timeline, days, allow_dependencies=allow_dependencies)
    return [_order_violation(witness) for witness in witnesses]


def plan_commutes(
    base: Timeline, plan: Sequence[Event | Change], *, allow_dependencies: bool = False
) -> list[Violation]:
    """The plan's changes of each day, applied after ``base`` in any order, give one result.

    Only the plan's changes are reordered; the base's own changes of the same
    day stay first.  ``allow_dependencies`` is as for :func:`changes_commute`.

    >>> import orgmodel as om
    >>> base = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01")])
    >>> plan = [
    ...     om.Establish(om.Post("sd", "Stadsdirektör", unit="slk"), on="2015-01-01"),
    ...     om.Establish(om.Person("ld", "Lena Dahlstedt"), on="2015-01-01"),
    ...     om.Appoint("sd", "ld", on="2015-01-01"),
    ... ]
    >>> print(*plan_commutes(base, plan), sep="\\n")
    2015-01-01: changes-commute: applying the changes in the order 1, 3 fails: appoint 'ld' to post 'sd': unknown
    person 'ld' on 2015-01-01 (3: appoint 'ld' to post 'sd')
    >>> plan_commutes(base, plan, allow_dependencies=True)
    []
    """
    return [
        _order_violation(witness)
        for witness in _plans.plan_witnesses(base, plan, allow_dependencies=allow_dependencies)
    ]


def _order_violation(witness: _plans.OrderWitness) -> Violation:
    message = str(witness).removeprefix(f"{witness.day}: ")
    return Violation("changes-commute", witness.day.isoformat(), message, witness.day)
