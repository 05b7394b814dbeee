"""Examples that need an optional extra skip, saying which to install, where its library is missing.

The doctests of modules and pages run everywhere the tests do; those of an outlet whose library is an
extra (rdflib for W3C ORG) run where it is installed, as in CI, and are skipped elsewhere.
"""

from __future__ import annotations

import importlib.util

import pytest

#: Files whose examples need an optional library: file name → (module, extra).
NEEDS = {"rdf.py": ("rdflib", "rdf"), "standards.md": ("rdflib", "rdf")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        need = NEEDS.get(item.path.name)
        if need is not None and importlib.util.find_spec(need[0]) is None:
            module, extra = need
            item.add_marker(pytest.mark.skip(reason=f"needs {module}: pip install 'orgmodel[{extra}]'"))
