"""The example notebooks in examples/: generated, committed without outputs, and they run.

Each notebook runs in a fresh Jupyter kernel from the examples folder, as a reader would run it;
a cell that raises fails the test.  Those tests are skipped where nbclient or ipykernel is missing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import types
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"
NOTEBOOKS = sorted(path.name for path in EXAMPLES.glob("*.ipynb"))
#: Seconds any one cell may take; the notebooks take a few seconds in all.
CELL_TIMEOUT = 300


def generator() -> types.ModuleType:
    """``examples/make_notebooks.py``, imported (it is a script, not a package module)."""
    pytest.importorskip("nbformat", reason="the test extra is not installed")
    spec = importlib.util.spec_from_file_location("make_notebooks", EXAMPLES / "make_notebooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_four_notebooks_are_there():
    """The examples: a tour of Nacka, building an organisation, property-testing a plan, a register from tables."""
    assert NOTEBOOKS == [
        "build-your-own.ipynb",
        "government-register.ipynb",
        "nacka-tour.ipynb",
        "property-testing.ipynb",
    ]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_committed_notebook_has_no_outputs(name):
    """Notebooks are committed stripped: no outputs and no execution counts, so that they diff well."""
    notebook = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{name}: a cell has outputs"
            assert cell["execution_count"] is None, f"{name}: a cell has an execution count"


def test_the_notebooks_are_what_the_generator_writes():
    """examples/*.ipynb are written by examples/make_notebooks.py: change the generator, then run it."""
    make = generator()
    assert sorted(make.NOTEBOOKS) == NOTEBOOKS
    for name, cells in make.NOTEBOOKS.items():
        assert (EXAMPLES / name).read_text(encoding="utf-8") == make.text(cells), (
            f"{name} is out of date: run python examples/make_notebooks.py"
        )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_runs(name, tmp_path, monkeypatch):
    """Every cell of the notebook runs without an error, in a kernel started in the examples folder."""
    nbformat = pytest.importorskip("nbformat", reason="the test extra is not installed")
    nbclient = pytest.importorskip("nbclient", reason="the test extra is not installed")
    pytest.importorskip("ipykernel", reason="the test extra is not installed")
    # Hypothesis keeps a cache of constants in .hypothesis/ under the working folder: not in examples/.
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", os.fspath(tmp_path / ".hypothesis"))
    notebook = nbformat.read(EXAMPLES / name, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": os.fspath(EXAMPLES)}}
    )
    client.execute()
    errors = [output for cell in notebook.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert not errors
