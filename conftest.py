"""Settings for every test of the repository: the Spark tests, and examples that need an optional extra.

Tests marked ``spark`` (and the docstring examples of ``orgmodel/io/spark.py``,
marked here) need pyspark and Java; where either is missing they are skipped
with the reason.  CI runs them as a step of their own: ``pytest -m spark``.
The doctests of an outlet whose library is an extra (rdflib for W3C ORG, DuckDB) run
where it is installed, as in CI, and are skipped elsewhere.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

#: Files whose examples need optional libraries: file name → (modules, extra).
NEEDS = {
    "rdf.py": (("rdflib",), "rdf"),
    "standards.md": (("rdflib",), "rdf"),
    "duck.py": (("duckdb", "pyarrow"), "duckdb"),
}


def spark_missing() -> str | None:
    """Why Spark cannot run here, or ``None`` when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed: pip install -e '.[spark]'"
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        return "Spark needs Java 17 or later, and no java is on PATH or in JAVA_HOME"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = spark_missing()
    for item in items:
        if item.path.name == "spark.py" and item.path.parent.name == "io":
            item.add_marker(pytest.mark.spark)
        if missing is not None and item.get_closest_marker("spark") is not None:
            item.add_marker(pytest.mark.skip(reason=missing))
        need = NEEDS.get(item.path.name)
        if need is not None:
            modules, extra = need
            absent = [module for module in modules if importlib.util.find_spec(module) is None]
            if absent:
                reason = f"needs {' and '.join(absent)}: pip install 'orgmodel[{extra}]'"
                item.add_marker(pytest.mark.skip(reason=reason))
