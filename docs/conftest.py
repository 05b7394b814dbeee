"""The pages' examples run as doctests; those that write files write them in a fresh folder.

That folder has a copy of the repository's example files (``examples/*.yaml``, ``examples/*.csv``), so a
page can read them by the paths a reader in the repository would use.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

#: Pages whose examples save drawings or files, which must not land in the checkout.
WRITING_PAGES = {"getting-started.md", "spreadsheets.md", "registers.md", "standards.md"}
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(autouse=True)
def _scratch_folder(request: pytest.FixtureRequest) -> None:
    if request.node.path.name in WRITING_PAGES:
        scratch: Path = request.getfixturevalue("tmp_path")
        (scratch / "examples").mkdir()
        for example in (*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.csv")):
            shutil.copy(example, scratch / "examples")
        request.getfixturevalue("monkeypatch").chdir(scratch)
