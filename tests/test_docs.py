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


def test_the_readme_example_runs(tmp_path, monkeypatch, capsys):
    """The README's ten-line example runs as printed, and prints what its comments say."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)[0]
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # the README's own example, as a reader would run it
    printed = capsys.readouterr().out.splitlines()
    assert printed[:4] == [
        "('Samordnings- och utvecklingsenheten',)",
        "Enheten för fastighetsutveckling",
        "Mark- och exploateringsenheten",
        "('controllerenheten', 'redovisningsenheten')",
    ]
    assert (tmp_path / "nacka-2015.png").read_bytes().startswith(b"\x89PNG")


def test_the_readme_has_exactly_two_shell_commands():
    """The README gives a newcomer two commands: one for the main job, one for the tests."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)```", readme, flags=re.DOTALL)
    assert [command.strip() for command in commands] == [
        "python -m pip install . && orgmodel diff --from 2014-12-31 --to 2015-01-01 -o nacka-2015.svg",
        'python -m pip install -e ".[test]" && python -m pytest',
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci
