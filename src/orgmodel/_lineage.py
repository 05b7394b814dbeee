"""Lineage: where a unit came from and what became of it.

Renames keep identity, so a unit's names over time are part of its lineage.
Merges, absorptions, splits, spin-offs, partial absorptions and successions
link units to their successors; those links are followed in both directions,
each step forward (or back) in time.  A predecessor may go on after its link
(a spin-off, a partial absorption, an overlapping succession): the link says
until when.  Function transfers link a function's old owner to its new one:
they are shown for every unit on the way, but not followed further, since
handing over one responsibility does not make the receiver a successor of
the giver.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from orgmodel._entities import Entity, Function
from orgmodel._events import Event, LinkKind, Status
from orgmodel._history import Fact, name_facts
from orgmodel._text import table, visible
from orgmodel.dates import When

if TYPE_CHECKING:
    import networkx as nx

    from orgmodel._log import AppliedLog
    from orgmodel._state import Link


#: Links that make one entity a successor of another (every kind but a function's transfer).
_STRUCTURAL = frozenset(LinkKind) - {LinkKind.TRANSFERRED}


@attrs.frozen
class LineageLink:
    """``predecessor`` led to ``successor`` by ``kind`` on ``on``, through ``event``.

    Names are as they were that day; for a transfer, ``function`` is the id of
    the function that moved.  ``overlaps`` says the predecessor went on after
    the link (a spin-off, a partial absorption, or a successor set up before
    its predecessor ended); ``predecessor_ended`` is when it ended, if it has.
    """

    kind: LinkKind
    predecessor: str
    successor: str
    predecessor_name: str
    successor_name: str
    on: When
    event: Event
    function: str | None = None
    function_name: str | None = None
    overlaps: bool = False
    predecessor_ended: When | None = None

    @property
    def status(self) -> Status:
        """The status of the event behind the link (a planned split is only planned)."""
        assert self.event.status is not None
        return self.event.status

    def describe(self) -> str:
        """One line: ``Ekonomienheten → Controllerenheten (split, 2014-07-01)``."""
        via = f" [{self.function_name}]" if self.function_name else ""
        until = ""
        if self.overlaps and self.kind is not LinkKind.TRANSFERRED:
            until = f"; {self.predecessor_name} went on" + (
                f" until {self.predecessor_ended}" if self.predecessor_ended is not None else ""
            )
        return f"{self.predecessor_name} → {self.successor_name} ({self.kind.value}{via}, {self.on}{until})"


class Lineage:
    """Predecessors and successors of an entity, with its names over time.

    >>> import orgmodel as om
    >>> org = om.Timeline(
    ...     [
    ...         om.Establish(om.Unit("ek", "Ekonomienheten"), on="2013-01-01"),
    ...         om.Split(
    ...             "ek", [om.Unit("ctrl", "Controllerenheten"), om.Unit("red", "Redovisningsenheten")], on="2014-07-01"
    ...         ),
    ...     ]
    ... )
    >>> org.lineage("ekonomienheten").descendants
    ('ctrl', 'red')
    """

    def __init__(
        self,
        subject: Entity,
        names: Iterable[Fact],
        predecessors: Iterable[LineageLink],
        successors: Iterable[LineageLink],
    ) -> None:
        self.subject = subject
        self.names = tuple(names)
        self.predecessors = tuple(predecessors)
        self.successors = tuple(successors)

    @property
    def ancestors(self) -> tuple[str, ...]:
        """Ids the subject descends from (through merges, absorptions and splits), nearest first."""
        return _ends(self.predecessors, lambda link: link.predecessor, exclude=self.subject.id)

    @property
    def descendants(self) -> tuple[str, ...]:
        """Ids that descend from the subject (through merges, absorptions and splits), nearest first."""
        return _ends(self.successors, lambda link: link.successor, exclude=self.subject.id)

    @property
    def links(self) -> tuple[LineageLink, ...]:
        """Every link, predecessors first, each in time order."""
        return self.predecessors + self.successors

    @property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The lineage as a graph: ids as nodes (with ``name``), links as edges keyed by kind."""
        import networkx as nx  # imported on first use, as in OrgChart.graph

        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        graph.add_node(self.subject.id, name=self.subject.name)
        for link in self.links:
            graph.add_node(link.predecessor, name=link.predecessor_name)
            graph.add_node(link.successor, name=link.successor_name)
            graph.add_edge(
                link.predecessor,
                link.successor,
                key=link.kind.value,
                kind=link.kind.value,
                on=str(link.on),
                function=link.function,
            )
        return graph

    def __repr__(self) -> str:
        return (
            f"<Lineage of {self.subject.name!r} ({self.subject.id}): {len(self.predecessors)} predecessor links, "
            f"{len(self.successors)} successor links>"
        )

    def __str__(self) -> str:
        lines = [f"Lineage of {self.subject.entity_type.value} {self.subject.name!r} ({self.subject.id})"]
        if self.names:
            lines.append("Names:")
            for fact in self.names:
                until = fact.until.label() if fact.until else ""
                lines.append(f"  {fact.since.label()} – {until}  {fact.value}{_marked(fact.status)}")
        for title, links in (("Came from:", self.predecessors), ("Led to:", self.successors)):
            if links:
                lines.append(title)
                heading = ["on", "how", "from", "to", "function"]
                rows = [
                    [
                        link.on.label(),
                        link.kind.value,
                        link.predecessor_name,
                        link.successor_name,
                        link.function_name or "",
                    ]
                    for link in links
                ]
                # A status column only when some link rests on what is not simply decided, as histories do.
                if any(link.status is not Status.DECIDED for link in links):
                    heading.append("status")
                    for row, link in zip(rows, links, strict=True):
                        row.append(str(link.status))
                lines.extend("  " + line for line in table(heading, rows).splitlines())
        return "\n".join(visible(line) for line in lines)  # names from a file may hold control characters


def _marked(status: Status) -> str:
    """A name's mark when it rests on an event that is not simply decided (planned, implemented)."""
    return "" if status is Status.DECIDED else f" ({status})"


def _ends(links: Iterable[LineageLink], get: Callable[[LineageLink], str], *, exclude: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for link in links:
        if link.kind in _STRUCTURAL:
            entity_id = get(link)
            if entity_id != exclude:
                found.setdefault(entity_id, None)
    return tuple(found)


def build_lineage(log: AppliedLog, subject: str) -> Lineage:
    """Walk the lineage links of ``subject`` both ways in time."""
    entity = log.last_value(subject)
    assert entity is not None
    names = name_facts(log, subject)
    if isinstance(entity, Function):
        transfers = [link for link in log.links if link.function == subject]
        return Lineage(entity, names, (), [_link(log, link) for link in transfers])
    successors = _walk(log, subject, forward=True)
    predecessors = _walk(log, subject, forward=False)
    return Lineage(entity, names, predecessors, successors)


def _walk(log: AppliedLog, start: str, *, forward: bool) -> list[LineageLink]:
    table_ = log.links_from if forward else log.links_to
    found: dict[int, Link] = {}
    queue: deque[tuple[str, int]] = deque([(start, -1 if forward else len(log.events))])
    visited = {start}
    while queue:
        node, arrived = queue.popleft()
        for link in table_.get(node, ()):
            if (link.position < arrived) if forward else (link.position > arrived):
                continue
            found.setdefault(id(link), link)
            if LinkKind(link.kind) not in _STRUCTURAL:
                continue
            nxt = link.successor if forward else link.predecessor
            if nxt not in visited:
                visited.add(nxt)
                queue.append((nxt, link.position))
    direction = 1 if forward else -1
    ordered = sorted(found.values(), key=lambda link: (direction * link.position, link.predecessor, link.successor))
    return [_link(log, link) for link in ordered]


def _link(log: AppliedLog, link: Link) -> LineageLink:
    event = log.events[link.position]
    assert event.on is not None
    # Did the predecessor go on after the change that made the link?  Its last version says when it ended.
    versions = log.versions.get(link.predecessor)
    change = log.event_change[link.position]
    ended = versions is not None and versions.last is None
    overlaps = not ended or (versions is not None and versions.last_change > change)
    predecessor_ended = log.changes[versions.last_change].on if ended and versions is not None else None
    # The predecessor is named as it was just before the event, the successor as it was made.
    return LineageLink(
        kind=LinkKind(link.kind),
        predecessor=link.predecessor,
        successor=link.successor,
        predecessor_name=log.name_before(link.predecessor, link.position),
        successor_name=log.name_at(link.successor, link.position),
        on=event.on,
        event=event,
        function=link.function,
        function_name=log.name_at(link.function, link.position) if link.function else None,
        overlaps=overlaps,
        predecessor_ended=predecessor_ended,
    )
