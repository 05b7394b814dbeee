"""The documentation shows what the code does: its examples are the files in examples/, and they run as shown."""

from __future__ import annotations

import copy
import doctest
import io
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

import orgmodel as om
from orgmodel._cli import main
from orgmodel._document import Loader  # orgmodel's own reading of YAML: 1.2 booleans, so `on:` is a key

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
        "python -m pip install . && orgmodel diff --example nacka --from 2014-12-31 --to 2015-01-01 -o nacka-2015.svg",
        'python -m pip install -e ".[test]" && python -m pytest',
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci


EVENT_KEYS = {
    "establish", "dissolve", "rename", "move", "merge", "absorb", "split",
    "transfer", "appoint", "vacate", "report", "head", "relate", "unrelate",
}  # fmt: skip


def test_every_event_on_the_events_page_reads_the_same_from_a_file(capsys):
    """docs/events.md: each YAML example, added to the page's base file, gives the timeline of the Python above it.

    The page's Python runs in order; at each YAML block the latest ``org`` (``base`` for the first block)
    must equal what the file gives.  Between them, the YAML blocks use every kind of event.
    """
    page = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    namespace: dict[str, object] = {}
    base = None
    used: set[str] = set()
    for language, block in re.findall(r"```(pycon|yaml)\n(.*?)```", page, flags=re.DOTALL):
        if language == "pycon":
            for example in doctest.DocTestParser().get_examples(block):
                try:
                    exec(compile(example.source, "events.md", "single"), namespace)
                except om.OrgModelError:
                    assert example.exc_msg is not None, example.source  # only where the page shows the error
        elif base is None:
            base = yaml.load(block, Loader=Loader)
            assert om.loads(block, name="events.md") == namespace["base"]
        else:
            snippet = yaml.load(block, Loader=Loader)
            entities, events = ({}, snippet) if isinstance(snippet, list) else (snippet["entities"], snippet["events"])
            document = copy.deepcopy(base)
            for section, declared in entities.items():
                document["entities"].setdefault(section, []).extend(declared)
            document["events"].extend(events)
            text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
            assert om.loads(text, name="events.md") == namespace["org"], block
            for event in events:
                used.update(EVENT_KEYS.intersection(event))
                used.update(*(EVENT_KEYS.intersection(inner) for inner in event.get("events", [])))
    capsys.readouterr()
    assert used == EVENT_KEYS


def shell_examples() -> list[tuple[str, str, list[str]]]:
    """Every ``$ orgmodel …`` line of the docs' console blocks, with the output shown under it."""
    found = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        for block in re.findall(r"```console\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL):
            for command in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
                line, *shown = command.rstrip("\n").split("\n")
                if line.startswith("orgmodel "):
                    found.append((page.name, line, shown))
    return found


@pytest.mark.parametrize(
    ("page", "command", "shown"), shell_examples(), ids=[f"{page}: {command}" for page, command, _ in shell_examples()]
)
def test_a_shell_example_in_the_docs_prints_what_it_shows(page, command, shown, tmp_path, monkeypatch):
    """Each ``orgmodel`` command the docs show runs, and prints the lines shown under it (up to a line "…")."""
    (tmp_path / "examples").mkdir()
    for example in (*(ROOT / "examples").glob("*.yaml"), *(ROOT / "examples").glob("*.csv")):
        shutil.copy(example, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert main(shlex.split(command)[1:], out=out) == 0
    printed = out.getvalue().splitlines()
    expected = shown[: shown.index("…")] if "…" in shown else shown
    assert printed[: len(expected)] == expected
    if shown and "…" not in shown:
        assert len(printed) == len(expected)
