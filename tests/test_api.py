"""The public API: what is exported, and that every public name is documented."""

from __future__ import annotations

import inspect
import types

import pytest

import orgmodel as om
from orgmodel import dates, errors, examples, invariants, render, strategies, testing

PUBLIC_MODULES = [om, dates, errors, examples, invariants, render, strategies, testing]


def public_members(module: types.ModuleType) -> set[str]:
    # Submodules appear as attributes once anything imports them; only those imported eagerly count.
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_all_is_sorted_and_complete():
    """``orgmodel.__all__`` is sorted and lists exactly the public names (nothing leaks, nothing is lost)."""
    assert om.__all__ == sorted(om.__all__)
    assert set(om.__all__) == public_members(om) | {"__version__", "dates", "errors", "examples"}


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda module: module.__name__)
def test_every_exported_name_exists(module):
    """Every name in a public module's ``__all__`` is defined there."""
    for name in module.__all__:
        assert hasattr(module, name), f"{module.__name__}.{name}"


def documented_objects():
    for module in PUBLIC_MODULES:
        yield module.__name__, module
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, (types.ModuleType, str, tuple, dict)) or name.isupper():
                continue
            yield f"{module.__name__}.{name}", value
            if inspect.isclass(value):
                for attribute, member in vars(value).items():
                    if attribute.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
                        continue
                    yield f"{module.__name__}.{name}.{attribute}", member


@pytest.mark.parametrize(
    ("name", "value"), list(documented_objects()), ids=lambda item: item if isinstance(item, str) else ""
)
def test_every_public_name_has_a_docstring(name, value):
    """Every public module, class, function, method and property says what it is."""
    doc = inspect.getdoc(value)
    assert doc, f"{name} has no docstring"


def test_importing_orgmodel_leaves_the_heavy_libraries_until_they_are_needed():
    """``import orgmodel`` loads neither networkx, YAML nor dateutil's parser.

    Hypothesis imports orgmodel through its entry point, so this cost would fall on every test run.
    Each is imported by the first call that needs it: a graph, a file, a date written in words.
    """
    import subprocess
    import sys

    script = (
        "import sys, orgmodel as om\n"
        "heavy = ('networkx', 'yaml', 'dateutil.parser')\n"
        "print(*[name in sys.modules for name in heavy])\n"
        "om.dates.parse_when('1 januari 2015'); om.loads('events: []'); om.examples.nacka().at('2015-01-01').graph\n"
        "print(*[name in sys.modules for name in heavy])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["False False False", "True True True"]
