"""Loading and saving timelines: YAML for hand-written files, JSON for machine exchange."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, Literal

from orgmodel import _bounded, _progress
from orgmodel._bulk import collector_paused
from orgmodel._limits import DEFAULT as DEFAULT_LIMITS
from orgmodel._limits import Limits, refusal
from orgmodel._timeline import Timeline
from orgmodel._wording import in_file_words
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


def loads(
    text: str | bytes,
    *,
    format: Format | None = None,  # noqa: A002
    name: str = "<string>",
    limits: Limits | None = None,
    progress: bool | None = None,
) -> Timeline:
    """A timeline from text in the orgmodel format; ``name`` is used in error messages.

    Without ``format``, text that starts with ``{`` is read as JSON, anything
    else as YAML.  Every problem in the text is reported together in one
    :class:`~orgmodel.errors.FormatError`, each with ``name:line:column``.
    ``limits`` bounds what is read (see :class:`~orgmodel.Limits`);
    ``progress`` shows how far a long read has come on standard error
    (``None``: when it is a terminal).

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
    limits = limits if limits is not None else DEFAULT_LIMITS
    if len(text) > limits.file_size:
        what = "bytes" if isinstance(text, bytes) else "characters"
        raise FormatError([refusal(limits, f"{name}: ", "the text is more than", "file_size", what)])
    if format is None:
        return _read_either(text, name, limits, progress)
    return _read(text, _check_format(format), name, limits, progress)


def _read_either(data: str | bytes, name: str, limits: Limits, wanted: bool | None) -> Timeline:
    """Text of no stated format: JSON when it starts with ``{`` (a JSON file always does), else YAML.

    YAML's flow style starts with ``{`` too: text that is not JSON is then read as YAML, and if that fails
    as well, the error shown is JSON's when the first key is quoted as JSON quotes it, else YAML's.
    """
    start = data.lstrip()
    if start[:1] not in ("{", b"{"):
        return _read(data, "yaml", name, limits, wanted)
    try:
        return _read(data, "json", name, limits, wanted)
    except FormatError as json_error:
        if not any(": not valid JSON: " in problem for problem in json_error.problems):
            raise
        try:
            return _read(data, "yaml", name, limits, wanted)
        except FormatError as yaml_error:
            quoted = start[1:].lstrip()[:1] in ('"', b'"')
            raise (json_error if quoted else yaml_error) from None


def _read(data: str | bytes, chosen: Format, name: str, limits: Limits, wanted: bool | None) -> Timeline:
    # The YAML machinery loads on first use, so `import orgmodel` (and Hypothesis, via its entry point) stays quick.
    from orgmodel import _document

    libyaml = _document.USE_LIBYAML and chosen == "yaml"
    try:
        return _read_with(data, chosen, name, limits, wanted, libyaml=libyaml)
    except FormatError as error:
        # libyaml refuses the escape of a lone surrogate ("\ud800"), which JSON text can bring in and saving
        # keeps; PyYAML's own parser reads it.  Such files are rare: they are read again, the slow way.
        if not libyaml or not any("invalid Unicode character escape code" in problem for problem in error.problems):
            raise
    return _read_with(data, chosen, name, limits, wanted, libyaml=False)


def _read_with(
    data: str | bytes, chosen: Format, name: str, limits: Limits, wanted: bool | None, *, libyaml: bool
) -> Timeline:
    from orgmodel import _document, _reader

    with _progress.reading(name, len(data), wanted) as progress:
        if isinstance(data, bytes) and not libyaml:
            data = _bounded.decode(data, name)  # libyaml reads UTF-8 itself, and says where it is not
        # Reading makes many small containers and no cycles (an entry read is freed at once): as a build does,
        # it runs with the collector paused, and the pause lasts through the build, so that the collector does
        # not walk everything read in between.
        with collector_paused():
            document = _document.parse(data, file=name, json_format=chosen == "json", limits=limits, libyaml=libyaml)
            del data
            document.report_progress(progress.update)
            reader = _reader.Reader(name, limits)
            entries = reader.read(document)
            if document.problems:
                # The file's shape is wrong (a key twice, a tag, an alias): what the reader made of it would mislead.
                raise FormatError([message for _, message in sorted(document.problems, key=lambda item: item[0])])
            problems = list(reader.problems)
            progress.stage(f"checking {len(entries):,} changes")
            timeline, errors = Timeline.lenient(entries, categories=reader.categories)
    consequences = 0
    for error in errors:
        if error.follows_from is not None or (error.missing is not None and error.missing in reader.unmade):
            # Reported once, at its root: the rejected change that would have made what this one needs.
            consequences += 1
            continue
        location = error.location
        problems.append((location.line if location is not None else 0, in_file_words(str(error))))
    if problems:
        messages = [message for _, message in sorted(problems, key=lambda item: item[0])]
        note = ""
        if consequences:
            plural = "s follow" if consequences != 1 else " follows"
            note = f"({consequences} more error{plural} from these: fix them first)"
        raise FormatError(messages, note=note)
    return timeline


def load(
    path: str | os.PathLike[str] | BinaryIO,
    *,
    format: Format | None = None,  # noqa: A002
    limits: Limits | None = None,
    progress: bool | None = None,
    cache: bool | str | os.PathLike[str] = False,
) -> Timeline:
    """A timeline from a file; the format follows the extension (``.yaml``, ``.yml``, ``.json``).

    ``path`` may also be a binary stream (such as ``sys.stdin.buffer``); then,
    without ``format``, text that starts with ``{`` is read as JSON, else as YAML.

    Loading never runs code from the file (only plain YAML is read; tags,
    anchors and aliases are refused).  It reads at most ``limits.file_size``
    bytes, whatever the file is (a FIFO, a device, a sparse file), and refuses
    anything larger at once; see :class:`~orgmodel.Limits`.  ``progress``
    shows how far a long load has come on standard error (``None``: when it is
    a terminal); Ctrl-C stops it cleanly.

    With ``cache=True`` (or the path of a cache file), the validated timeline
    is also kept in a cache beside the file (``kommun.yaml.orgcache``), and
    the next load of the same bytes reopens that instead of validating every
    event again (see :func:`~orgmodel.load_cache`).  The file stays the
    source of truth: once it changes, it is loaded again and the cache
    rewritten.
    """
    limits = limits if limits is not None else DEFAULT_LIMITS
    if isinstance(path, (str, os.PathLike)):
        file = os.fspath(path)
        chosen = _check_format(format) if format is not None else format_of(path)
        data = _bounded.read(file, file, limits)
        if cache is not False:
            from orgmodel import _cache

            target = _cache.cache_path(path) if cache is True else cache
            return _cache.load_through_cache(data, target, lambda: _read(data, chosen, file, limits, progress))
    else:
        if cache is not False:
            raise TypeError("load(stream, cache=...): a cache stands beside a file; give the file's path")
        file = getattr(path, "name", None) or "<stream>"
        file = file if isinstance(file, str) else "<stream>"
        data = _bounded.read(path, file, limits)
        if format is None:
            return _read_either(data, file, limits, progress)
        chosen = _check_format(format)
    return _read(data, chosen, file, limits, progress)


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
