"""Parsing a YAML or JSON file into plain values that remember where each came from.

YAML is composed with PyYAML's safe, pure-Python composer: it never runs code
from the file, keeps every node's line and column, and fails on deep nesting
with a RecursionError rather than by crashing.  Anchors and aliases are
refused (an org file has no use for them, and they are how "billion laughs"
files blow up).  JSON is read with the standard library, which is fast and
safe; its values have paths but no positions.
"""

from __future__ import annotations

import json
import re
from typing import Any

import attrs
import yaml

from orgmodel.errors import FormatError

#: Files larger than this are refused before parsing.
MAX_BYTES = 256 * 1024 * 1024
#: Nesting deeper than this is refused (an org file needs about six levels).
MAX_DEPTH = 64


@attrs.frozen
class Where:
    """A place in a document: a path such as ``events[3].rename`` and, for YAML, a line and column."""

    path: str
    line: int | None = None
    column: int | None = None

    def prefix(self, file: str) -> str:
        """``file:line:column: `` or, without a position, ``file: path: ``."""
        if self.line is not None:
            return f"{file}:{self.line}:{self.column}: "
        return f"{file}: {self.path}: " if self.path else f"{file}: "

    def child(self, key: str | int, line: int | None = None, column: int | None = None) -> Where:
        """The place of an item inside this one."""
        path = f"{self.path}[{key}]" if isinstance(key, int) else (f"{self.path}.{key}" if self.path else key)
        if line is None:
            line, column = self.line, self.column
        return Where(path, line, column)


class Map(dict[str, Any]):
    """A mapping read from a document, with where it, each of its keys and each of its values were."""

    where: Where
    places: dict[str, Where]
    key_places: dict[str, Where]

    def place(self, key: str) -> Where:
        """Where the value under ``key`` was, or where the mapping was if the key is absent."""
        return self.places.get(key, self.where)

    def key_place(self, key: str) -> Where:
        """Where the key itself was written."""
        return self.key_places.get(key, self.where)


class Seq(list[Any]):
    """A sequence read from a document, with where it and each of its items were."""

    where: Where
    places: list[Where]

    def place(self, index: int) -> Where:
        """Where item ``index`` was."""
        return self.places[index]


def parse(text: str, *, file: str, json_format: bool) -> Any:
    """The document in ``text`` as plain values (:class:`Map`, :class:`Seq`, scalars)."""
    if len(text) > MAX_BYTES:
        raise FormatError([f"{file}: the file is {len(text)} characters; more than {MAX_BYTES} is refused"])
    if json_format:
        return _parse_json(text, file)
    return _parse_yaml(text, file)


def _parse_json(text: str, file: str) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError([f"{file}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"]) from None
    except RecursionError:
        raise FormatError([f"{file}: nesting is too deep (more than {MAX_DEPTH} levels)"]) from None
    return _wrap_json(value, Where(""), 0, file)


def _wrap_json(value: Any, where: Where, depth: int, file: str) -> Any:
    if depth > MAX_DEPTH:
        raise FormatError([f"{where.prefix(file)}nesting is too deep (more than {MAX_DEPTH} levels)"])
    if isinstance(value, dict):
        mapping = Map()
        mapping.where, mapping.places, mapping.key_places = where, {}, {}
        for key, item in value.items():
            mapping.places[key] = mapping.key_places[key] = where.child(key)
            mapping[key] = _wrap_json(item, mapping.places[key], depth + 1, file)
        return mapping
    if isinstance(value, list):
        sequence = Seq()
        sequence.where, sequence.places = where, []
        for index, item in enumerate(value):
            sequence.places.append(where.child(index))
            sequence.append(_wrap_json(item, sequence.places[index], depth + 1, file))
        return sequence
    return value


def _yaml12_booleans(resolver: type[yaml.resolver.BaseResolver]) -> None:
    """Only ``true`` and ``false`` are booleans (as in YAML 1.2), so ``on:``, ``no`` and ``Yes`` stay text."""
    bool_tag = "tag:yaml.org,2002:bool"
    resolver.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != bool_tag]
        for first, resolvers in resolver.yaml_implicit_resolvers.items()
    }
    resolver.add_implicit_resolver(bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 booleans."""


class Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper with YAML 1.2 booleans, so it writes ``on:`` rather than ``'on':``."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_yaml12_booleans(Loader)
_yaml12_booleans(Dumper)


def _parse_yaml(text: str, file: str) -> Any:
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{file}:{mark.line + 1}:{mark.column + 1}: " if mark is not None else f"{file}: "
        raise FormatError([f"{where}not valid YAML: {error.problem or error.context}"]) from None
    except yaml.YAMLError as error:
        raise FormatError([f"{file}: not valid YAML: {error}"]) from None
    except RecursionError:
        raise FormatError([f"{file}: nesting is too deep (more than {MAX_DEPTH} levels)"]) from None
    if node is None:
        return None
    return _Converter(file).convert(node, Where("", node.start_mark.line + 1, node.start_mark.column + 1), 0)


_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


class _Converter:
    """Turns composed YAML nodes into :class:`Map`, :class:`Seq` and scalars."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.seen: set[int] = set()
        self.scalars = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, where: Where, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise FormatError([f"{where.prefix(self.file)}nesting is too deep (more than {MAX_DEPTH} levels)"])
        if id(node) in self.seen:
            raise FormatError(
                [f"{where.prefix(self.file)}anchors and aliases (&name, *name) are not allowed in orgmodel files"]
            )
        self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            message = f"YAML tags such as {node.tag!r} are not allowed: orgmodel files hold plain values"
            raise FormatError([where.prefix(self.file) + message])
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where, depth)
        if isinstance(node, yaml.SequenceNode):
            sequence = Seq()
            sequence.where, sequence.places = where, []
            for index, item in enumerate(node.value):
                place = where.child(index, item.start_mark.line + 1, item.start_mark.column + 1)
                sequence.places.append(place)
                sequence.append(self.convert(item, place, depth + 1))
            return sequence
        assert isinstance(node, yaml.ScalarNode)
        try:
            return self.scalars.construct_object(node)
        except (yaml.YAMLError, ValueError):
            # Something that looks like a date but is not one (2015-02-30): leave it as text, so
            # the field that reads it says what is wrong with it.
            return str(node.value)

    def _mapping(self, node: yaml.MappingNode, where: Where, depth: int) -> Map:
        mapping = Map()
        mapping.where, mapping.places, mapping.key_places = where, {}, {}
        problems = []
        for key_node, value_node in node.value:
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(
                    f"{self.file}:{line}:{column}: keys must be plain words; merge keys (<<) are not allowed"
                )
                continue
            key = str(key_node.value)
            if key in mapping:
                problems.append(f"{self.file}:{line}:{column}: {key!r} is given twice")
                continue
            mapping.key_places[key] = where.child(key, line, column)
            value_where = where.child(key, value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            mapping.places[key] = value_where
            mapping[key] = self.convert(value_node, value_where, depth + 1)
        if problems:
            raise FormatError(problems)
        return mapping
