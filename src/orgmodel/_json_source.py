"""JSON read into :class:`~orgmodel._document.Map` and :class:`~orgmodel._document.Seq`, a value at a time.

The standard library's C decoder reads each top-level value, and each entry
under ``events`` on its own, so the entries can be read and let go one by one.
A JSON place is a path such as ``events[3].rename``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from orgmodel._document import At, Document, Entries, Map, Seq, Where, located, new_map, too_deep
from orgmodel._limits import Limits
from orgmodel.errors import FormatError

#: More digits than Python turns into an int by default (sys.get_int_max_str_digits).
_MAX_DIGITS = 4300
#: Entries between two progress reports.
_PROGRESS_EVERY = 256


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
#: What follows an entry: a comma and the space before the next, or the closing bracket.
_NEXT_ENTRY = re.compile(r"[ \t\n\r]*(?:(,)[ \t\n\r]*|\])")
_LONG_NUMBER = re.compile(rf"-?[0-9]{{{_MAX_DIGITS + 1},}}")
_JSON_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonSource:
    """Reads JSON a top-level value at a time and the entries under ``events`` one at a time."""

    def __init__(self, text: str, file: str, limits: Limits) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text
        self.file = file
        self.limits = limits
        self.document = Document(file, len(text))
        self.decoder = json.JSONDecoder()

    # --- errors -------------------------------------------------------------------------------

    def _error(self, position: int, message: str) -> FormatError:
        error = json.JSONDecodeError(message, self.text, position)
        return located(self.file, error.lineno, error.colno, f"not valid JSON: {error.msg}")

    def _decode(self, position: int) -> tuple[Any, int]:
        """The JSON value at ``position``, and where it ends."""
        try:
            return self.decoder.raw_decode(self.text, position)
        except json.JSONDecodeError as error:
            raise located(self.file, error.lineno, error.colno, f"not valid JSON: {error.msg}") from None
        except RecursionError:
            raise self._too_deep_at(self._depth_offset(position)) from None
        except ValueError:  # Python's limit on the digits of an int
            found = _LONG_NUMBER.search(self.text, position)
            place = json.JSONDecodeError("", self.text, found.start() if found is not None else position)
            message = f"a number with more than {_MAX_DIGITS:,} digits is not allowed"
            raise located(self.file, place.lineno, place.colno, message) from None

    def _depth_offset(self, position: int) -> int:
        """Where, from ``position``, nesting first passes the limit."""
        depth = 0
        for match in _JSON_BRACKETS.finditer(self.text, position):
            token = match.group()
            if token in "[{":
                depth += 1
                if depth > self.limits.depth:
                    return match.start()
            elif token in "]}":
                depth -= 1
        return position

    def _too_deep_at(self, position: int) -> FormatError:
        place = json.JSONDecodeError("", self.text, position)
        return too_deep(self.file, f":{place.lineno}:{place.colno}", self.limits)

    def _space(self, position: int) -> int:
        found = _JSON_SPACE.match(self.text, position)
        assert found is not None
        return found.end()

    def _expect(self, position: int, characters: str, message: str) -> tuple[str, int]:
        position = self._space(position)
        if position >= len(self.text) or self.text[position] not in characters:
            raise self._error(position, message)
        return self.text[position], position + 1

    # --- the document ---------------------------------------------------------------------------

    def start(self) -> Document:
        document = self.document
        document.root = Where("")
        position = self._space(0)
        if position == len(self.text):
            document.empty = True
            return document
        if self.text[position] != "{":
            value, end = self._decode(position)
            self._end(end)
            document.other = self.wrap(value, None, 0, position)
            return document
        document.top = new_map(None, None)
        document._keys = self._top_keys(document.top, position + 1)
        return document

    def _end(self, position: int) -> None:
        position = self._space(position)
        if position != len(self.text):
            raise self._error(position, "Extra data")

    def _top_keys(self, top: Map, position: int) -> Iterator[str]:
        text = self.text
        position = self._space(position)
        if text.startswith("}", position):
            self._end(position + 1)
            return
        while True:
            _, position = self._expect(position, '"', "Expecting property name enclosed in double quotes")
            key, position = self._decode(position - 1)
            _, position = self._expect(position, ":", "Expecting ':' delimiter")
            position = self._space(position)
            if key in top:
                place = json.JSONDecodeError("", text, position)
                self.document.problems.append((place.lineno, f"{self.file}: {key}: {key!r} is given twice"))
            if key == "events" and text.startswith("[", position):
                entries = Entries()
                entries.items = self._entries(position + 1)
                entries.careful = lambda entry, at: self.wrap(entry, at, 2, self.entry_offset)
                top[key] = entries
                yield key
                for _ in entries:
                    pass
                position = self._after_entries
            else:
                value, end = self._decode(position)
                top[key] = self.wrap(value, (None, key), 1, position)
                position = end
                yield key
            found, position = self._expect(position, ",}", "Expecting ',' delimiter")
            if found == "}":
                self._end(position)
                return

    def _entries(self, position: int) -> Iterator[tuple[Any, At, Where]]:
        text = self.text
        progress = self.document._progress
        position = self._space(position)
        index = 0
        if text.startswith("]", position):
            self._after_entries = position + 1
            return
        following = _NEXT_ENTRY.match
        # What raw_decode calls, without its checks (each entry starts at a value); raw_decode if it is not there.
        decode: Callable[[str, int], tuple[Any, int]] = getattr(self.decoder, "scan_once", self.decoder.raw_decode)
        while True:
            try:
                value, end = decode(text, position)
            except (StopIteration, ValueError, RecursionError):
                value, end = self._decode(position)  # the same again, to say what is wrong and where
            self.entry_offset = position
            yield value, (Entries.at, index), Where(f"events[{index}]")
            index += 1
            if progress is not None and index % _PROGRESS_EVERY == 0:
                progress(end)
            found = following(text, end)
            if found is None:
                raise self._error(self._space(end), "Expecting ',' delimiter")
            position = found.end()
            if found.group(1) is None:  # the closing bracket
                self._after_entries = position
                return

    _after_entries = 0
    #: Where the entry last read starts, for a message about its nesting.
    entry_offset = 0

    def wrap(self, value: Any, at: At, depth: int, offset: int) -> Any:
        """``value`` as decoded, its dicts and lists made :class:`Map` and :class:`Seq` (iteratively)."""
        kind = type(value)
        if kind is not dict and kind is not list:
            return value
        limit = self.limits.depth
        root = self._wrapped(value, at)
        stack: list[tuple[Map | Seq, int]] = [(root, depth)]
        while stack:
            container, level = stack.pop()
            if level >= limit:
                raise self._too_deep_at(self._depth_offset(offset))
            if type(container) is Map:
                for item_key, item in container.items():  # replacing values, not keys: safe while iterating
                    if type(item) is dict or type(item) is list:
                        child = self._wrapped(item, (container.at, item_key))
                        container[item_key] = child
                        stack.append((child, level + 1))
            else:
                sequence: list[Any] = container  # type: ignore[assignment]  # a Seq, the other kind
                for index, item in enumerate(sequence):
                    if type(item) is dict or type(item) is list:
                        child = self._wrapped(item, (container.at, index))
                        sequence[index] = child
                        stack.append((child, level + 1))
        return root

    @staticmethod
    def _wrapped(value: dict[str, Any] | list[Any], at: At) -> Map | Seq:
        if type(value) is dict:
            mapping = Map(value)
            mapping.at, mapping.marks = at, None
            return mapping
        sequence = Seq(value)
        sequence.at, sequence.marks = at, None
        return sequence
