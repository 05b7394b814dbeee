"""The pages' examples run as doctests; those that write files write them in a fresh folder."""

from __future__ import annotations

import pytest

#: Pages whose examples save drawings or files, which must not land in the checkout.
WRITING_PAGES = {"getting-started.md", "scale-out.md"}

#: Pages whose examples need an optional extra: skipped, with the reason, where it is not installed.
NEEDS = {"scale-out.md": ("duckdb", "pyarrow")}


@pytest.fixture(autouse=True)
def _scratch_folder(request: pytest.FixtureRequest) -> None:
    for module in NEEDS.get(request.node.path.name, ()):
        pytest.importorskip(module, reason=f"{module} is not installed (pip install -e '.[duckdb]')")
    if request.node.path.name in WRITING_PAGES:
        request.getfixturevalue("monkeypatch").chdir(request.getfixturevalue("tmp_path"))
