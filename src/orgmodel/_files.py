"""Loading and saving timelines: YAML for hand-written files, JSON for machine exchange."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from orgmodel._timeline import Timeline
from orgmodel.errors import FormatError, InvalidArgumentError

Format = Literal["yaml", "json"]
_EXTENSIONS: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def format_of(path: str | os.PathLike[str]) -> Format:
    """The format a file's extension names (``.yaml``/``.yml`` or ``.json``)."""
    suffix = Path(path).suffix.casefold()
    if suffix not in _EXTENSIONS:
        raise InvalidArgumentError(
            f"cannot tell the format of {os.fspath(path)!r} from its extension {suffix!r}: "
            "use .yaml, .yml or .json (or pass format='yaml' or 'json')"
        )
    return _EXTENSIONS[suffix]


def _check_format(format: str) -> Format:  # noqa: A002 - the name users pass
    if format not in ("yaml", "json"):
        raise InvalidArgumentError(f"format must be 'yaml' or 'json', got {format!r}")
    return "yaml" if format == "yaml" else "json"


def loads(text: str, *, format: Format = "yaml", name: str = "<string>") -> Timeline:  # noqa: A002
    """A timeline from text in the orgmodel format; ``name`` is used in error messages.

    Every problem in the text is reported together in one
    :class:`~orgmodel.errors.FormatError`, each with ``name:line:column``.

    >>> import orgmodel as om
    >>> org = om.loads('''
    ... events:
    ...   - on: 2015-01-01
    ...     establish: {unit: {id: fu, name: Förnyelseenheten}}
    ... ''')
    >>> org.at("2015-01-01")["fu"].name
    'Förnyelseenheten'
    >>> om.loads("events:\\n  - on: 2015-01-01\\n    rename: fu\\n", name="plan.yaml")
    Traceback (most recent call last):
      ...
    orgmodel.errors.FormatError: plan.yaml:2:5: event 'rename' needs 'name'
    """
    # The YAML machinery loads on first use, so `import orgmodel` (and Hypothesis, via its entry point) stays quick.
    from orgmodel import _document, _reader

    json_format = _check_format(format) == "json"
    document = _document.parse(text, file=name, json_format=json_format)
    reader = _reader.Reader(name)
    entries = reader.read(document)
    problems = list(reader.problems)
    timeline, errors = Timeline.lenient(entries, categories=reader.categories)
    consequences = 0
    for error in errors:
        if error.follows_from is not None or (error.missing is not None and error.missing in reader.unmade):
            # Reported once, at its root: the rejected change that would have made what this one needs.
            consequences += 1
            continue
        location = error.location
        problems.append((location.line if location is not None else 0, str(error)))
    if problems:
        messages = [message for _, message in sorted(problems, key=lambda item: item[0])]
        note = ""
        if consequences:
            plural = "s follow" if consequences != 1 else " follows"
            note = f"({consequences} more error{plural} from these: fix them first)"
        raise FormatError(messages, note=note)
    return timeline


def load(
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,  # noqa: A002
    cache: bool | str | os.PathLike[str] = False,
) -> Timeline:
    """A timeline from a file; the format follows the extension (``.yaml``, ``.yml``, ``.json``).

    Loading never runs code from the file (only plain YAML is read; tags,
    anchors and aliases are refused) and refuses absurdly large or deep files.

    With ``cache=True`` (or the path of a cache file), the validated timeline
    is also kept in a cache beside the file (``kommun.yaml.orgcache``), and
    the next load of the same bytes reopens that instead of validating every
    event again (see :func:`~orgmodel.load_cache`).  The file stays the
    source of truth: once it changes, it is loaded again and the cache
    rewritten.
    """
    chosen = _check_format(format) if format is not None else format_of(path)
    if cache is not False:
        from orgmodel import _cache

        return _cache.load_through_cache(
            path,
            None if cache is True else cache,
            lambda text: loads(text, format=chosen, name=os.fspath(path)),
            lambda: load(path, format=chosen),
        )
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise FormatError([f"{os.fspath(path)}: cannot read the file: {error.strerror or error}"]) from None
    except UnicodeDecodeError as error:
        raise FormatError([f"{os.fspath(path)}: the file is not UTF-8 text: {error.reason}"]) from None
    return loads(text, format=chosen, name=os.fspath(path))


def dumps(timeline: Timeline, *, format: Format = "yaml", title: str | None = None) -> str:  # noqa: A002
    """The timeline as text in the orgmodel format; the same timeline always gives the same text.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("fu", "Förnyelseenheten"), on="1 januari 2015")])
    >>> print(om.dumps(org))
    orgmodel: 1
    entities:
      units:
      - id: fu
        name: Förnyelseenheten
        kind: unit
    events:
    - establish: fu
      on: 1 januari 2015
    <BLANKLINE>
    """
    from orgmodel import _writer

    structure = _writer.document(timeline, title=title)
    if _check_format(format) == "json":
        return _writer.to_json(structure)
    return _writer.to_yaml(structure)


def save(
    timeline: Timeline,
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,  # noqa: A002
    title: str | None = None,
    keep_layout: bool = True,
) -> None:
    """Write the timeline to a file, atomically: a failure never leaves a half-written file.

    The text goes to a temporary file beside the target, which then replaces
    it in one step, so the previous version survives any error (or ``kill -9``).
    A symlink is followed (the file it points to is replaced), an existing
    file keeps its mode, and temporary files a killed save left behind are
    removed.

    Saving YAML over an existing orgmodel file keeps that file as its author
    wrote it — comments, title, order, layout — for everything that did not
    change, and writes new and changed events in the file's own style
    (``keep_layout=False`` writes the canonical form of :func:`dumps`
    instead).  ``title`` replaces the file's title; without it the file's
    title is kept.  See "Saving" in the file format's documentation.

    >>> import orgmodel as om, pathlib, tempfile
    >>> org = om.Timeline([om.Establish(om.Unit("fu", "FU"), on="2015-01-01")])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = pathlib.Path(folder, "org.yaml")
    ...     text = "# Our office\\nevents:\\n  - {establish: {unit: {id: fu, name: FU}}, on: 2015-01-01}\\n"
    ...     _ = target.write_text(text)
    ...     om.save(org.with_events(om.Rename("fu", "Förnyelse", on="2016-01-01")), target)
    ...     print(target.read_text())
    # Our office
    events:
      - {establish: {unit: {id: fu, name: FU}}, on: 2015-01-01}
      - {rename: fu, name: Förnyelse, on: 2016-01-01}
    <BLANKLINE>
    """
    from orgmodel import _atomic

    chosen = _check_format(format) if format is not None else format_of(path)
    text: str | None = None
    if chosen == "yaml" and keep_layout:
        from orgmodel import _rewrite

        text = _rewrite.text_to_save(Path(path), timeline, title=title)
    if text is None:
        text = dumps(timeline, format=chosen, title=title)
    _atomic.replace_file(path, text.encode("utf-8"))


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the file format, as shipped in ``orgmodel/schema/orgmodel.schema.json``.

    Point an editor at that file (for YAML, e.g. a ``# yaml-language-server: $schema=...``
    comment) to have files checked as you type.

    >>> import orgmodel as om
    >>> om.json_schema()["title"]
    'orgmodel file (format version 1)'
    """
    text = resources.files("orgmodel").joinpath("schema/orgmodel.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
