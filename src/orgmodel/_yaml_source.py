"""YAML read into :class:`~orgmodel._document.Map` and :class:`~orgmodel._document.Seq`, from parser events.

libyaml's C parser does the parsing when PyYAML has it, else PyYAML's
pure-Python parser; the values are built here from the parser's events, with an
explicit stack instead of recursion, in the YAML 1.2 core schema: only
``true``/``false`` are booleans, only ``null``/``~``/nothing is null, and a plain
scalar is a number only when it is spelt as a number is written back (``12``,
``-3``, ``1.5``), so ``1:20``, ``0755``, ``1_000`` or ``+5`` keep their spelling
as text.  Nothing runs code: tags other than the standard scalar ones are
refused, and so are anchors and aliases (they are how "billion laughs" files
blow up).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

import yaml
from yaml import events as _yaml_events

from orgmodel import _bounded
from orgmodel._document import At, Document, Entries, Map, Seq, Where, located, new_map, new_seq, too_deep
from orgmodel._limits import Limits
from orgmodel.errors import FormatError

_STD = "tag:yaml.org,2002:"
_STR_TAG = _STD + "str"
_PLAIN_WORDS: dict[str, Any] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}
_TEXT = object()
_NUMBER_START = frozenset("-0123456789.")
_CANONICAL_INT = re.compile(r"0|-?[1-9][0-9]*")
_CORE_INT = re.compile(r"[-+]?[0-9]+")
_CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
#: More digits than Python turns into an int by default (sys.get_int_max_str_digits).
_MAX_DIGITS = 4300


def _plain(value: str) -> Any:
    """A plain (unquoted, untagged) scalar in the YAML 1.2 core schema, keeping spellings ids and names use.

    Whole numbers are numbers only as a number is written back (``12``, ``-3``), so an id such as ``0755``
    or ``+5`` keeps its spelling; numbers with a fraction need their point (``1.5``, ``1.0e+20``), so
    ``1e3`` stays text.  Everything the writer writes reads back as it was.
    """
    found = _PLAIN_WORDS.get(value, _TEXT)
    if found is not _TEXT:
        return found
    if value[0] in _NUMBER_START:
        if _CANONICAL_INT.fullmatch(value):
            return int(value) if len(value) <= _MAX_DIGITS else value
        if "." in value and _CORE_FLOAT.fullmatch(value) and len(value) <= _MAX_DIGITS:
            return float(value)
    return value


def _explicit_int(text: str) -> int:
    if len(text) > _MAX_DIGITS:
        raise ValueError(f"it has more than {_MAX_DIGITS:,} digits")
    if _CORE_INT.fullmatch(text):
        return int(text)
    if re.fullmatch(r"0o[0-7]+", text):
        return int(text[2:], 8)
    if re.fullmatch(r"0x[0-9a-fA-F]+", text):
        return int(text[2:], 16)
    raise ValueError("it is not a whole number")


def _explicit_float(value: str) -> float:
    found = _PLAIN_WORDS.get(value, _TEXT)
    if isinstance(found, float):
        return found
    if len(value) <= _MAX_DIGITS and _CORE_FLOAT.fullmatch(value):
        return float(value)
    raise ValueError("it is not a number")


def _explicit_bool(value: str) -> bool:
    found = _PLAIN_WORDS.get(value, _TEXT)
    if isinstance(found, bool):
        return found
    raise ValueError("only true and false are booleans")


def _explicit_null(value: str) -> None:
    if value in ("", "~", "null", "Null", "NULL"):
        return
    raise ValueError("only null, ~ or nothing is null")


def _explicit_timestamp(value: str) -> Any:
    if not _TIMESTAMP.fullmatch(value):
        raise ValueError("it is not a date such as 2015-01-01")
    node = yaml.ScalarNode(_STD + "timestamp", value)
    return yaml.constructor.SafeConstructor().construct_yaml_timestamp(node)


_TIMESTAMP = re.compile(
    r"[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
    r"(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?"
)
_EXPLICIT: dict[str, Callable[[str], Any]] = {
    "int": _explicit_int,
    "float": _explicit_float,
    "bool": _explicit_bool,
    "null": _explicit_null,
    "timestamp": _explicit_timestamp,
}


class _PurePythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python parser alone: the fallback when libyaml is missing."""

    def __init__(self, stream: str | bytes) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def _yaml_parser(text: str | bytes, libyaml: bool) -> Any:
    if libyaml:
        from yaml import _yaml  # the C extension; present when __with_libyaml__

        return _yaml.CParser(text)
    return _PurePythonParser(text)


_ScalarEvent = _yaml_events.ScalarEvent
_MappingStart = _yaml_events.MappingStartEvent
_SequenceStart = _yaml_events.SequenceStartEvent
_MappingEnd = _yaml_events.MappingEndEvent
_SequenceEnd = _yaml_events.SequenceEndEvent
_ENDS = (_MappingEnd, _SequenceEnd)
_STARTS = (_MappingStart, _SequenceStart)
_NO_KEY: Final = object()
_SKIP: Final = object()
#: Entries between two progress reports.
_PROGRESS_EVERY = 256


class YamlSource:
    """Builds values from YAML parser events, an explicit stack instead of recursion."""

    def __init__(self, text: str | bytes, file: str, limits: Limits, *, libyaml: bool) -> None:
        self.text = text
        self.file = file
        self.limits = limits
        self.libyaml = libyaml
        self.document = Document(file, len(text))
        try:
            self.parser = _yaml_parser(text, libyaml)
        except yaml.reader.ReaderError as error:  # PyYAML's reader checks the characters as it starts
            raise self._reader_error(error) from None
        except UnicodeEncodeError as error:  # text holding a lone surrogate, which libyaml is given as UTF-8
            before = str(error.object)[: error.start]
            line, column = before.count("\n") + 1, error.start - (before.rfind("\n") + 1) + 1
            character = f"#x{ord(str(error.object)[error.start]):04x}"
            message = f"not valid YAML: the character {character} is not allowed (a lone surrogate is not text)"
            raise located(file, line, column, message) from None
        self.aliases_seen = False

    # --- errors -------------------------------------------------------------------------------

    def problem(self, mark: Any, message: str) -> None:
        self.document.problems.append((mark.line + 1, f"{self.file}:{mark.line + 1}:{mark.column + 1}: {message}"))

    def alias(self, mark: Any) -> None:
        """Anchors and aliases are refused; said once, at the first, since a bomb holds thousands."""
        if not self.aliases_seen:
            self.problem(mark, "anchors and aliases (&name, *name) are not allowed in orgmodel files")
        self.aliases_seen = True

    def next_event(self) -> Any:
        try:
            return self.parser.get_event()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            if mark is not None and "maximum nesting depth" in str(error.problem):  # libyaml's own limit
                raise self._tootoo_deep(mark) from None
            message = f"not valid YAML: {error.problem or error.context}"
            if mark is None:
                raise FormatError([f"{self.file}: {message}"]) from None
            raise located(self.file, mark.line + 1, mark.column + 1, message) from None
        except yaml.reader.ReaderError as error:
            raise self._reader_error(error) from None
        except yaml.YAMLError as error:
            raise FormatError([f"{self.file}: not valid YAML: {error}"]) from None

    def _reader_error(self, error: yaml.reader.ReaderError) -> FormatError:
        """A character the YAML reader refuses, located: libyaml counts bytes of UTF-8, PyYAML characters."""
        text = self.text
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) and self.libyaml else text
        before = data[: int(error.position)]
        before_text = before.decode("utf-8", "replace") if isinstance(before, bytes) else before
        line = before_text.count("\n") + 1
        column = len(before_text) - before_text.rfind("\n")
        reason = error.reason
        if "control characters" in reason or "special characters" in reason:
            character = error.character
            shown = f"#x{character:02x}" if isinstance(character, int) else repr(character)
            reason = f"the character {shown} is not allowed (YAML refuses control characters)"
        elif isinstance(text, bytes) and ("UTF-8" in reason or "utf-8" in reason):
            return _bounded.decoding_error(text, self.file) or located(
                self.file, line, column, f"the file is not UTF-8 text ({reason}); save it as UTF-8"
            )
        return located(self.file, line, column, f"not valid YAML: {reason}")

    def _tootoo_deep(self, mark: Any) -> FormatError:
        return too_deep(self.file, f":{mark.line + 1}:{mark.column + 1}", self.limits)

    # --- the document ---------------------------------------------------------------------------

    def start(self) -> Document:
        document = self.document
        self.next_event()  # the stream's start
        event = self.next_event()
        if isinstance(event, _yaml_events.StreamEndEvent):
            document.empty = True
            return document
        event = self.next_event()  # past the document's start
        mark = event.start_mark
        document.root = Where("", mark.line + 1, mark.column + 1)
        if isinstance(event, _MappingStart) and self._container_allowed(event, "map"):
            document.top = new_map(None, [mark])
            document._keys = self._top_keys(document.top)
        else:
            document.other = self.value(event, None, 0)
            if document.other is None and not isinstance(event, _ScalarEvent):
                document.other = new_seq(None, [mark])
            self._end_of_stream()
        return document

    def _top_keys(self, top: Map) -> Iterator[str]:
        while True:
            event = self.next_event()
            if isinstance(event, _MappingEnd):
                break
            key = self._key(event, top)
            value_event = self.next_event()
            if key is _SKIP:
                self._skip(value_event)
                continue
            assert isinstance(key, str)
            assert top.marks is not None
            if key == "events" and isinstance(value_event, _SequenceStart):
                if not self._container_allowed(value_event, "seq"):
                    self._skip(value_event)
                    continue
                top.marks += [event.start_mark, value_event.start_mark]
                entries = Entries()
                entries.items = self._entries()
                top[key] = entries
                yield key
                for _ in entries:  # whatever the reader left unread
                    pass
                continue
            value = self.value(value_event, (None, key), 1)
            if value is _SKIP:
                continue
            top.marks += [event.start_mark, value_event.start_mark]
            top[key] = value
            yield key
        self._end_of_stream()

    def _end_of_stream(self) -> None:
        self.next_event()  # the document's end
        event = self.next_event()
        if not isinstance(event, _yaml_events.StreamEndEvent):
            self.problem(event.start_mark, "a file holds one document; remove everything from this '---' on")
            while not isinstance(self.next_event(), _yaml_events.StreamEndEvent):
                pass

    def _entries(self) -> Iterator[tuple[Any, At, Where]]:
        index = 0
        progress = self.document._progress
        while True:
            event = self.next_event()
            if isinstance(event, _SequenceEnd):
                return
            mark = event.start_mark
            where = Where(f"events[{index}]", mark.line + 1, mark.column + 1)
            at = (Entries.at, index)
            value = self.value(event, at, 2)
            if value is not _SKIP:
                yield value, at, where
            index += 1
            if progress is not None and index % _PROGRESS_EVERY == 0:
                progress(mark.index)

    # --- values ---------------------------------------------------------------------------------

    def _key(self, event: Any, container: Map) -> Any:
        """A mapping key: plain words only, each once; ``_SKIP`` (after recording why) otherwise."""
        if not isinstance(event, _ScalarEvent) or event.tag not in (None, "!", _STR_TAG):
            self.problem(event.start_mark, "keys must be plain words; merge keys (<<) are not allowed")
            self._skip(event)
            return _SKIP
        key: str = event.value
        if key == "<<" and event.implicit[0]:
            self.problem(event.start_mark, "keys must be plain words; merge keys (<<) are not allowed")
            return _SKIP
        if event.anchor is not None:
            self.alias(event.start_mark)
            return _SKIP
        if key in container:
            self.problem(event.start_mark, f"{key!r} is given twice")
            return _SKIP
        return key

    def _skip(self, event: Any) -> None:
        """Pass over a value (and everything inside it) that is left out."""
        depth = 1 if isinstance(event, _STARTS) else 0
        while depth:
            event = self.next_event()
            if isinstance(event, _STARTS):
                depth += 1
            elif isinstance(event, _ENDS):
                depth -= 1

    def _container_allowed(self, event: Any, kind: str) -> bool:
        tag = event.tag
        if event.anchor is not None:
            self.alias(event.start_mark)
            return False
        if tag is None or tag == "!" or tag == _STD + kind:
            return True
        self.problem(event.start_mark, f"YAML tags such as {tag!r} are not allowed: orgmodel files hold plain values")
        return False

    def scalar(self, event: Any) -> Any:
        """A scalar's value, or ``_SKIP`` after recording why it cannot be used."""
        tag = event.tag
        if tag is None:
            if event.implicit[0]:
                return _plain(event.value) if event.value else None
            return event.value
        if tag in ("!", _STR_TAG):
            return event.value
        if event.anchor is not None:
            self.alias(event.start_mark)
            return _SKIP
        convert = _EXPLICIT.get(tag[len(_STD) :]) if tag.startswith(_STD) else None
        if convert is None:
            message = f"YAML tags such as {tag!r} are not allowed: orgmodel files hold plain values"
            self.problem(event.start_mark, message)
            return _SKIP
        try:
            return convert(event.value)
        except (ValueError, OverflowError) as error:
            shown = tag.replace(_STD, "!!")
            self.problem(event.start_mark, f"{event.value!r} is not a valid {shown}: {error}")
            return _SKIP

    def value(self, event: Any, at: At, depth: int) -> Any:
        """The value that starts with ``event``: built in full, or ``_SKIP`` after recording why not."""
        kind = type(event)
        if kind is _ScalarEvent:
            if event.anchor is not None:
                self.alias(event.start_mark)
                return _SKIP
            return self.scalar(event)
        if kind is _yaml_events.AliasEvent:
            self.alias(event.start_mark)
            return _SKIP
        if not self._container_allowed(event, "map" if kind is _MappingStart else "seq"):
            self._skip(event)
            return _SKIP
        return self._container(event, at, depth)

    def _container(self, event: Any, at: At, depth: int) -> Any:
        root = self._open(event, at, depth)
        # The containers being filled, and for each mapping the key waiting for its value (with its mark).
        stack: list[Map | Seq] = [root]
        pending: list[Any] = [_NO_KEY]
        get = self.next_event
        while stack:
            event = get()
            kind = type(event)
            if kind is _MappingEnd or kind is _SequenceEnd:
                stack.pop()
                pending.pop()
                continue
            container = stack[-1]
            marks = container.marks
            assert marks is not None
            is_map = type(container) is Map
            if is_map:
                waiting = pending[-1]
                if waiting is _NO_KEY:
                    found = self._key(event, container)  # type: ignore[arg-type]
                    pending[-1] = _SKIP if found is _SKIP else (found, event.start_mark)
                    continue
                pending[-1] = _NO_KEY
                if waiting is _SKIP:
                    self._skip(event)
                    continue
                slot, key_mark = waiting
            else:
                slot, key_mark = len(container), None
            if kind is _ScalarEvent:
                if event.tag is None and event.anchor is None:  # the common case, kept short
                    text = event.value
                    value = (_plain(text) if text else None) if event.implicit[0] else text
                else:
                    value = self.value(event, None, 0)  # a scalar: where it sits is not kept
                    if value is _SKIP:
                        continue
            elif kind is _yaml_events.AliasEvent:
                self.alias(event.start_mark)
                continue
            elif not self._container_allowed(event, "map" if kind is _MappingStart else "seq"):
                self._skip(event)
                continue
            else:
                value = self._open(event, (container.at, slot), len(stack) + depth)
                stack.append(value)
                pending.append(_NO_KEY)
            if isinstance(container, Map):
                container[slot] = value
                marks.append(key_mark)
            else:
                container.append(value)
            marks.append(event.start_mark)
        return root

    def _open(self, event: Any, at: At, depth: int) -> Map | Seq:
        if depth >= self.limits.depth:
            raise self._tootoo_deep(event.start_mark)
        if type(event) is _MappingStart:
            return new_map(at, [event.start_mark])
        return new_seq(at, [event.start_mark])
