"""Hypothesis's entry point: ``st.from_type(orgmodel.Unit)`` and friends work without importing the strategies.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported (the
``[project.entry-points.hypothesis]`` table in ``pyproject.toml``).  Loading
the hook imports orgmodel itself, as the types must exist to be registered;
the hook only registers, and :mod:`orgmodel.strategies` is imported and each
strategy built the first time ``st.from_type`` asks for it.

>>> import orgmodel as om
>>> from hypothesis import find, strategies as st
>>> find(st.from_type(om.Unit), lambda unit: True)
Unit(id='u0', name='A', kind=<UnitKind.ASSEMBLY: 'assembly'>, parent=None, aliases=())
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orgmodel._chart import OrgChart
from orgmodel._entities import Function, Person, Post, Relation, Unit
from orgmodel._timeline import Timeline
from orgmodel.dates import When

if TYPE_CHECKING:
    from hypothesis import strategies as st


def _lazily(name: str) -> Callable[[type[Any]], st.SearchStrategy[Any]]:
    """A strategy for a type, made by ``orgmodel.strategies.<name>()`` the first time it is asked for."""

    def resolve(_type: type[Any]) -> st.SearchStrategy[Any]:
        from orgmodel import strategies  # here, not at the top: registration must not import the strategies

        made: st.SearchStrategy[Any] = getattr(strategies, name)()
        return made

    return resolve


#: The registered types and the strategy function that draws each.
REGISTERED: dict[type[Any], str] = {
    Unit: "units",
    Post: "posts",
    Person: "people",
    Function: "functions",
    Relation: "relations",
    When: "imprecise_dates",
    OrgChart: "charts",
    Timeline: "timelines",
}


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each type of :data:`REGISTERED` with Hypothesis."""
    # Imported here: Hypothesis runs this hook while it is being imported, and this module may have been
    # imported first (importing Hypothesis at its top would then find it half made).
    from hypothesis import strategies as st

    for kind, name in REGISTERED.items():
        st.register_type_strategy(kind, _lazily(name))
