"""The documentation shows what the code does: examples in the docs are the files in examples/."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_format_guide_shows_the_example_file_as_it_is():
    """docs/format.md's complete example is examples/small-office.yaml, word for word."""
    guide = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = (ROOT / "examples" / "small-office.yaml").read_text(encoding="utf-8")
    assert example in yaml_blocks(guide)
