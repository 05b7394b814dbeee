"""The documentation site builds with no warning, and its API reference documents every public name.

The site is built once, into a temporary folder, as CI builds it (``sphinx-build -W``); these tests
are skipped where the ``docs`` extra (Sphinx, MyST, furo) is not installed.
"""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PUBLIC_MODULES = (
    "orgmodel",
    "orgmodel.dates",
    "orgmodel.errors",
    "orgmodel.examples",
    "orgmodel.explorer",
    "orgmodel.invariants",
    "orgmodel.io.popolo",
    "orgmodel.io.rdf",
    "orgmodel.render",
    "orgmodel.strategies",
    "orgmodel.testing",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for requirement in ("sphinx", "myst_parser", "furo"):
        pytest.importorskip(requirement, reason="the docs extra is not installed")
    html = tmp_path_factory.mktemp("site") / "html"
    build = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(ROOT / "docs"), str(html)]
    result = subprocess.run(build, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stderr}"
    return html


def read_inventory(path: Path) -> dict[str, str]:
    """The objects of a Sphinx inventory (``objects.inv``, version 2): ``{name: "domain:role"}``."""
    version, _project, _version, _compression, body = path.read_bytes().split(b"\n", 4)
    assert version == b"# Sphinx inventory version 2", version
    objects = {}
    for line in zlib.decompress(body).decode("utf-8").splitlines():
        match = re.match(r"(?x) (.+?) \s+ (\S+:\S+) \s+ -?\d+ \s+ \S* \s+ .*", line)
        if match:
            objects[match.group(1)] = match.group(2)
    return objects


def public_paths() -> dict[str, object]:
    """Every public dotted name: each public module, and each name in its ``__all__``."""
    paths: dict[str, object] = {}
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        paths[name] = module
        for exported in module.__all__:
            paths[f"{name}.{exported}"] = getattr(module, exported)
    return paths


def test_the_site_builds_with_its_pictures(site: Path) -> None:
    """The build passes with warnings as errors, and the pages show the pictures in docs/images."""
    assert (site / "index.html").exists()
    assert (site / "_images" / "nacka-2015-diff.png").read_bytes().startswith(b"\x89PNG")
    assert "nacka-2015-diff.png" in (site / "drawing.html").read_text(encoding="utf-8")


def test_every_public_name_is_in_the_api_reference(site: Path) -> None:
    """Every public module and every name in its ``__all__`` is a documented object, found by that dotted name."""
    documented = read_inventory(site / "objects.inv")
    missing = [path for path in public_paths() if not documented.get(path, "").startswith("py:")]
    assert not missing, f"not in the API reference: {missing}"


def test_every_public_method_is_in_the_api_reference(site: Path) -> None:
    """Every public method and property of an exported class is documented, under one of the names of the class.

    An override (``Rename.describe``) counts as documented where the method it overrides is (``Event.describe``).
    """
    documented = read_inventory(site / "objects.inv")
    paths = public_paths()
    missing = []
    for path, value in paths.items():
        if not inspect.isclass(value):
            continue
        names = [other for other, same in paths.items() if same in value.__mro__]
        for attribute, member in vars(value).items():
            if attribute.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
                continue
            if not any(f"{name}.{attribute}" in documented for name in names):
                missing.append(f"{path}.{attribute}")
    assert not missing, f"not in the API reference: {sorted(set(missing))}"
