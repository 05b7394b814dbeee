"""The pages' examples run as doctests; those that write files write them in a fresh folder."""

from __future__ import annotations

import pytest

#: Pages whose examples save drawings or files, which must not land in the checkout.
WRITING_PAGES = {"getting-started.md"}


@pytest.fixture(autouse=True)
def _scratch_folder(request: pytest.FixtureRequest) -> None:
    if request.node.path.name in WRITING_PAGES:
        request.getfixturevalue("monkeypatch").chdir(request.getfixturevalue("tmp_path"))
