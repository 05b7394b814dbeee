"""Sphinx configuration for orgmodel's documentation site.

Build it, with warnings as errors, as CI does::

    python -m pip install -e ".[docs]"
    sphinx-build -W --keep-going -b html docs docs/_build/html

The pages are Markdown (MyST); the API reference is generated from the
docstrings, which use reST roles (:class:, :meth:, …) that Sphinx resolves.
Links to the Python, networkx, attrs and Hypothesis documentation need the
network, so they are off unless ``ORGMODEL_DOCS_INTERSPHINX=1`` is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import orgmodel

project = "orgmodel"
author = "orgmodel maintainers"
copyright = "orgmodel maintainers"  # noqa: A001 - the name Sphinx reads
release = orgmodel.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
language = "en"

# Markdown: ::: fences for directives, anchors on headings so pages can link to sections.
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# Every reference must resolve: a broken :class:`…` in a docstring fails the build.
nitpicky = True
# Names from other projects, which resolve only with intersphinx (off by default: it needs the network).
nitpick_ignore_regex = [
    (r"py:.*", r"(datetime|collections|typing|typing_extensions|os|pathlib|enum|types|builtins)\..*"),
    (r"py:.*", r"(networkx|nx|attrs|attr|hypothesis|graphviz|pygraphviz|rdflib)(\..*)?"),
    # The same, as annotations spell them through a module's import aliases (``import datetime as dt``,
    # ``from hypothesis import strategies as st``), which autodoc shows as written.
    (r"py:.*", r"(dt|st)\..*"),
    (r"py:class", r"Bundle"),
    # The optional engines' own types, in the signatures of orgmodel.io (their docs are theirs).
    (r"py:.*", r"(duckdb|pyspark|pyarrow|pandas|rdflib)(\..*)?"),
    (r"py:class", r"(SparkSession|DataFrame)"),
]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"

intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
if os.environ.get("ORGMODEL_DOCS_INTERSPHINX") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "networkx": ("https://networkx.org/documentation/stable", None),
        "attrs": ("https://www.attrs.org/en/stable", None),
        "hypothesis": ("https://hypothesis.readthedocs.io/en/latest", None),
    }

#: Where public names are documented, most specific first.
PUBLIC_MODULES = (
    "orgmodel.render",
    "orgmodel.dates",
    "orgmodel.errors",
    "orgmodel.examples",
    "orgmodel.explorer",
    "orgmodel.invariants",
    "orgmodel.strategies",
    "orgmodel.testing",
    "orgmodel.io.tables",
    "orgmodel.io.importing",
    "orgmodel.io.sql",
    "orgmodel.io.duck",
    "orgmodel.io.spark",
    "orgmodel.io.popolo",
    "orgmodel.io.rdf",
    "orgmodel",
)


def resolve_public_names(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a Python reference Sphinx could not to where the name is documented: its public module.

    Public names live in private modules, and docstrings and annotations may name them by where they
    are defined (``orgmodel._render.to_dot`` is documented as ``orgmodel.render.to_dot``) or bare, as
    their own module sees them (the type alias ``DayLike`` in an annotation of ``Change``).  Recent
    Sphinx finds the bare ones itself; older versions do not.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py":
        return None
    if target.startswith("orgmodel._"):
        name = target.rsplit(".", 1)[-1]
    elif target.isidentifier():
        name = target
    else:
        return None
    domain = env.get_domain("py")
    for module in PUBLIC_MODULES:
        if f"{module}.{name}" in domain.objects:
            found = domain.resolve_any_xref(env, node["refdoc"], app.builder, f"{module}.{name}", node, contnode)
            return found[0][1] if found else None
    return None


def program_help(arguments: list[str]) -> str:
    """What ``orgmodel ARGUMENTS --help`` prints, 88 columns wide."""
    command = [sys.executable, "-m", "orgmodel", *arguments, "--help"]
    environment = {**os.environ, "COLUMNS": "88"}
    return subprocess.run(command, capture_output=True, text=True, check=True, env=environment).stdout


def setup(app: Any) -> None:
    # Imported here, so that importing this file (pytest collects it for doctests) needs no Sphinx.
    from docutils import nodes
    from sphinx.util.docutils import SphinxDirective

    class ProgramHelp(SphinxDirective):
        """``orgmodel-help [COMMAND]``: the command's ``--help``, run at build time so the page cannot go stale."""

        optional_arguments = 1

        def run(self) -> list[Any]:
            text = program_help(self.arguments)
            return [nodes.literal_block(text, text, language="text")]

    app.add_directive("orgmodel-help", ProgramHelp)
    app.connect("missing-reference", resolve_public_names)


html_theme = "furo"
html_title = f"orgmodel {release}"
html_static_path: list[str] = []
