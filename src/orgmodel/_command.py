"""Chain of command: who answers to whom, worked out over any view of one day.

The rule, in one place for charts and for timeline point queries alike: a
post answers to the post it reports to; without a reporting line, to the head
of its unit, and a head to the head of the nearest unit above its own that has
one.  A chain starts at a post; a unit starts at its head (or the nearest head
above it), a function at its owner, a person at the one post they hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from orgmodel._entities import Entity, Function, Person, Post, Unit
from orgmodel.errors import AmbiguousNameError


class DayView(Protocol):
    """What the rule needs to know about one day."""

    day: dt.date

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id that day, or ``None``."""

    def head_id(self, unit_id: str) -> str | None:
        """The id of the post heading a unit that day, or ``None``."""

    def held_ids(self, person_id: str) -> Sequence[str]:
        """The ids of the posts a person holds that day."""


def _post(view: DayView, post_id: str) -> Post:
    post = view.get(post_id)
    assert isinstance(post, Post)
    return post


def _parent(view: DayView, unit_id: str) -> str | None:
    unit = view.get(unit_id)
    assert isinstance(unit, Unit)
    return unit.parent


def boss(view: DayView, post: Post) -> Post | None:
    """The post ``post`` answers to that day, or ``None`` at the top."""
    if post.reports_to is not None:
        return _post(view, post.reports_to)
    unit_id = post.unit
    if unit_id is not None and post.heads:
        unit_id = _parent(view, unit_id)
    while unit_id is not None:
        head = view.head_id(unit_id)
        if head is not None and head != post.id:
            return _post(view, head)
        unit_id = _parent(view, unit_id)
    return None


def start_post(view: DayView, entity: Entity) -> Post | None:
    """Where the chain of command of ``entity`` starts."""
    if isinstance(entity, Function):
        if entity.owner is None:
            return None
        owner = view.get(entity.owner)
        assert owner is not None
        entity = owner
    if isinstance(entity, Post):
        return entity
    if isinstance(entity, Person):
        held = sorted(view.held_ids(entity.id))
        if len(held) > 1:
            raise AmbiguousNameError(
                f"person {entity.name!r} ({entity.id}) holds {len(held)} posts on {view.day.isoformat()} "
                f"({', '.join(held)}) — ask for the chain of one of them",
                name=entity.name,
                candidates=held,
            )
        return _post(view, held[0]) if held else None
    assert isinstance(entity, Unit)
    unit_id: str | None = entity.id
    while unit_id is not None:
        head = view.head_id(unit_id)
        if head is not None:
            return _post(view, head)
        unit_id = _parent(view, unit_id)
    return None


def chain_of_command(view: DayView, entity: Entity) -> tuple[Post, ...]:
    """The posts from ``entity`` up to the top, each answering to the next."""
    chain: list[Post] = []
    seen: set[str] = set()
    current = start_post(view, entity)
    # Reporting lines are acyclic, but mixing them with the hierarchy could still loop: stop if it does.
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = boss(view, current)
    return tuple(chain)
