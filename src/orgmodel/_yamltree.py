"""Editing a YAML file's round-trip tree (ruamel.yaml) without moving its comments.

ruamel.yaml keeps a file's comments by hanging each on a node.  The comment
lines *after* a node's last line — which a reader takes as the heading of
whatever comes next — hang on the deepest last child of the node before, so
inserting or deleting naively moves headings onto the wrong node.  The
helpers here keep each own-line comment with the node it heads:

* inserting a node after K: the lines of K's tail indented no deeper than
  K and its siblings (headings of the next sibling, or of something further
  out) move below the new node; deeper lines (K's own last words) stay;
* deleting a node: its own end-of-line comment and deeper lines go with it,
  the headings in its tail move to the node before;
* replacing a node: the replacement takes over its tail.

New nodes are written by orgmodel's own writer and then styled like the
file (:class:`Layout`): flow or block as the file writes the same key,
dates plain or quoted, the keys the file puts first put first.

The walks here recurse on the nesting of the YAML document, which the
reader has already bounded (files nested deeper than 64 levels are refused
before a round trip is tried).
"""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from typing import Any, NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tokens import CommentToken

from orgmodel import _writer

Container = CommentedMap | CommentedSeq

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_KEY_LINE = re.compile(r"( *)[^\s#-][^#]*:[ \t]*(#.*)?\Z")
_MAP_LINE = re.compile(r"( *)[^\s#-]")
_SEQ_LINE = re.compile(r"( *)(-[ \t]+)\S")


class Layout:
    """How a file writes things, learned from its text and tree, so that new nodes look like their neighbours."""

    def __init__(self, text: str) -> None:
        self.mapping, self.sequence, self.offset = _indentation(text)
        self.null = "~" if len(re.findall(r":[ \t]+~[ \t]*$", text, re.M)) > text.count(": null") else "null"
        self.explicit_start = re.match(r"(\s*#.*\n|\s*\n)*---", text) is not None
        self.line_end = "\r\n" if "\r\n" in text else "\n"
        #: For a key: whether the file writes the collection under it in flow style (``key[]``: its items).
        self.flow: dict[str, bool] = {}
        #: Keys under which the file writes days plainly (``on: 2015-01-01``), not quoted.
        self.plain_dates: set[str] = set()
        #: Keys the file writes first in most mappings that have them.
        self.leading: set[str] = set()

    def learn(self, tree: Any) -> None:
        """Learn the file's habits from its round-trip tree."""
        flow: Counter[tuple[str, bool]] = Counter()
        dates: Counter[tuple[str, bool]] = Counter()
        first: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        _learn(tree, "", flow, dates, first, seen)
        self.flow = {key: True for (key, is_flow), count in flow.items() if is_flow and count > flow[(key, False)]}
        self.flow.update(
            {key: False for (key, is_flow), count in flow.items() if not is_flow and count >= flow[(key, True)]}
        )
        self.plain_dates = {key for (key, plain), count in dates.items() if plain and count >= dates[(key, False)]}
        self.leading = {key for key, count in first.items() if 2 * count > seen[key]}

    def yaml(self) -> YAML:
        """A round-trip YAML reader and writer set up to write like the file."""
        rt = YAML(typ="rt")
        rt.preserve_quotes = True
        rt.width = 4096  # never re-wrap a line the author wrote
        rt.indent(mapping=self.mapping, sequence=self.sequence, offset=self.offset)
        rt.explicit_start = self.explicit_start
        null = self.null

        class Representer(RoundTripRepresenter):
            pass

        # ruamel writes None as nothing (`head:`); the file's own spelling reads better and says what it means.
        Representer.add_representer(
            type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", null)
        )
        rt.Representer = Representer
        return rt

    def node(self, rt: YAML, value: Any, key: str) -> Any:
        """A new node for ``value`` (a structure of the file format) written under ``key``, in the file's style."""
        # orgmodel's writer decides quoting (it knows what the reader reads back); ruamel keeps its choice.
        fresh = rt.load(_writer.to_yaml({key: value}))[key]
        return self.restyle(fresh, key)

    def restyle(self, node: Any, key: str) -> Any:
        """``node`` (new, without comments) in the file's style for values under ``key``."""
        if isinstance(node, CommentedMap):
            ordered = CommentedMap()
            keys = list(node)
            for child in [k for k in keys if k in self.leading] + [k for k in keys if k not in self.leading]:
                ordered[child] = self.restyle(node[child], child)
            set_flow(ordered, self.flow.get(key, node.fa.flow_style()))
            return ordered
        if isinstance(node, CommentedSeq):
            for index, item in enumerate(node):
                node[index] = self.restyle(item, f"{key}[]")
            set_flow(node, self.flow.get(key, node.fa.flow_style()))
            return node
        if isinstance(node, ScalarString) and key in self.plain_dates and _ISO_DAY.match(node):
            return datetime.date.fromisoformat(str(node))
        return node

    def dump(self, rt: YAML, tree: Any) -> str:
        """The tree as text, with the file's line ends."""
        stream = io.StringIO()
        rt.dump(tree, stream)
        text = stream.getvalue()
        return text.replace("\n", "\r\n") if self.line_end == "\r\n" else text


def _learn(
    node: Any,
    key: str,
    flow: Counter[tuple[str, bool]],
    dates: Counter[tuple[str, bool]],
    first: Counter[str],
    seen: Counter[str],
) -> None:
    if isinstance(node, CommentedMap):
        flow[(key, bool(node.fa.flow_style()))] += 1
        if len(node) > 1:
            first[next(iter(node))] += 1
            seen.update(node.keys())
        for child, value in node.items():
            _learn(value, str(child), flow, dates, first, seen)
    elif isinstance(node, CommentedSeq):
        flow[(key, bool(node.fa.flow_style()))] += 1
        for item in node:
            _learn(item, f"{key}[]", flow, dates, first, seen)
    elif isinstance(node, datetime.date):
        dates[(key, True)] += 1
    elif isinstance(node, ScalarString) and _ISO_DAY.match(node):
        dates[(key, False)] += 1


def set_flow(node: Container, flow: bool | None) -> None:
    """Write ``node`` in flow style (``[a, b]``, ``{k: v}``) or, for False or None, block style."""
    if flow:
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()


def _indentation(text: str) -> tuple[int, int, int]:
    """The file's (mapping indent, sequence indent, dash offset), as ruamel.yaml counts them."""
    mapping: int | None = None
    sequence: tuple[int, int] | None = None
    previous: re.Match[str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if previous is not None:
            parent = len(previous.group(1))
            as_item = _SEQ_LINE.match(line)
            as_key = _MAP_LINE.match(line)
            if as_item and sequence is None and len(as_item.group(1)) >= parent:
                offset = len(as_item.group(1)) - parent
                sequence = (offset + len(as_item.group(2)), offset)
            elif as_key and not as_item and mapping is None and len(as_key.group(1)) > parent:
                mapping = len(as_key.group(1)) - parent
        if mapping is not None and sequence is not None:
            break
        previous = _KEY_LINE.match(line)
    indent, offset = sequence if sequence is not None else (2, 0)
    return mapping or 2, max(indent, offset + 2), offset


# --- comments -------------------------------------------------------------------------------


class Tail(NamedTuple):
    """The comments after a node: its end-of-line comment (or nothing), a newline, then whole lines."""

    text: str
    #: The column of the end-of-line comment.
    column: int = 0


def take_tail(container: Container, key: Any) -> Tail:
    """Remove and return the comments after child ``key``."""
    text, column = "", 0
    for slot in _slots(container, key):
        token = _token(*slot)
        if token is not None:
            if not text:
                column = _token_column(token)
            text = _joined(text, token.value) if text else token.value
            _put_token(*slot, None)
    return Tail(text, column)


def give_tail(container: Container, key: Any, tail: Tail) -> None:
    """Hang ``tail`` after child ``key``, after any comments already there."""
    if not tail.text:
        return
    slots = _slots(container, key)
    for slot in reversed(slots):
        token = _token(*slot)
        if token is not None:
            token.value = _joined(token.value, tail.text)
            return
    _put_token(*slots[-1], CommentToken(tail.text, CommentMark(tail.column), None))


def insert(
    container: Container, index: int, node: Any, key: Any = None, heading: tuple[Container, Any] | None = None
) -> None:
    """Insert ``node`` at ``index`` (under ``key`` in a mapping), keeping every comment with what it heads.

    ``heading`` is where the comments written just before the container's
    first child hang (for a sequence under a key: its parent and that key),
    so that a node inserted first goes above them.
    """
    moved = ""
    if not container.fa.flow_style():
        if index > 0:
            before = _keys(container)[index - 1]
            tail = take_tail(container, before)
            stay, moved = _split(tail.text, _column(container))
            give_tail(container, before, Tail(stay, tail.column))
        elif heading is not None:
            moved = _take_heading(*heading)
    if isinstance(container, CommentedSeq):
        container.insert(index, node)
        at: Any = index
    else:
        container.insert(index, key, node)
        at = key
    give_tail(container, at, Tail(moved))


def delete(container: Container, at: Any, heading: tuple[Container, Any] | None = None) -> None:
    """Delete child ``at`` (an index or a key) with its own comments; the headings after it move up.

    A child's own comments are those on its lines and the comment lines
    directly above it (no blank line between).
    """
    keys = _keys(container)
    position = keys.index(at)
    if not container.fa.flow_style():
        column = _column(container)
        _, moved = _split(take_tail(container, at).text, column)
        if position > 0:
            before = keys[position - 1]
            tail = take_tail(container, before)
            give_tail(container, before, Tail(_without_heading(tail.text, column), tail.column))
            give_tail(container, before, Tail(moved))
        elif heading is not None:
            _drop_heading(*heading, column)
            _give_heading(*heading, moved, column)
        elif len(keys) > 1:
            give_tail(container, keys[1], Tail(moved))  # nowhere better: keep the words, a line lower
    del container[at]
    if isinstance(container, CommentedMap):
        container.ca.items.pop(at, None)


def replace(container: Container, at: Any, node: Any) -> None:
    """Put ``node`` in the place of child ``at``; it takes over the comments after the old one."""
    tail = take_tail(container, at)
    container[at] = node
    give_tail(container, at, tail)


def _keys(container: Container) -> list[Any]:
    return list(range(len(container))) if isinstance(container, CommentedSeq) else list(container)


def _column(container: Container) -> int:
    """The column at which the container's keys or dashes stand."""
    column: int = container.lc.col or 0
    return column


def _slots(container: Container, key: Any) -> list[tuple[Container, Any]]:
    """The comment slots that may hold the comments after child ``key``: its own, then its last descendants'."""
    found: list[tuple[Container, Any]] = [(container, key)]
    node = container[key]
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node) and not node.fa.flow_style():
        last = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        found.append((node, last))
        node = node[last]
    return found


def _token(container: Container, key: Any) -> CommentToken | None:
    entry = container.ca.items.get(key)
    place = 2 if isinstance(container, CommentedMap) else 0
    if entry is None or len(entry) <= place:
        return None
    token: CommentToken | None = entry[place]
    return token


def _put_token(container: Container, key: Any, token: CommentToken | None) -> None:
    if isinstance(container, CommentedMap):
        container.ca.items.setdefault(key, [None, None, None, None])[2] = token
    else:
        container.ca.items.setdefault(key, [None, None])[0] = token


def _token_column(token: CommentToken) -> int:
    mark = getattr(token, "start_mark", None)
    column: int = getattr(mark, "column", 0) or 0
    return column


def _joined(before: str, after: str) -> str:
    """Two tails one after the other (the second's end-of-line comment, if any, on a line of its own)."""
    if not before.endswith("\n"):
        before += "\n"
    eol, _, lines = after.partition("\n")
    if eol.strip():
        lines = eol.strip() + "\n" + lines
    return before + lines


def _split(text: str, column: int) -> tuple[str, str]:
    """A tail cut in two: what stays with its node, and the headings (lines no deeper than ``column``) after it.

    Blank lines with no heading after them stay too, so that they also
    separate the node from what is inserted after it.
    """
    eol, newline, rest = text.partition("\n")
    lines = rest.splitlines(keepends=True)
    cut = len(lines)
    for index, line in enumerate(lines):
        if line.strip() and _indent(line) <= column:
            cut = index
            break
    while cut > 0 and not lines[cut - 1].strip():
        cut -= 1  # blank lines before a heading go with it
    kept, moved = lines[:cut], lines[cut:]
    # Blank lines before a heading go with the heading; blank lines alone separate every node from the next.
    spacing = moved if all(not line.strip() for line in moved) else []
    stay = eol + newline + "".join(kept + spacing)
    return (stay if stay.strip() or kept or spacing else ""), ("\n" + "".join(moved) if moved else "")


def _without_heading(text: str, column: int) -> str:
    """A tail without the comment lines at its end (no blank line after them): the heading of what follows."""
    lines = text.splitlines(keepends=True)
    end = len(lines)
    while end > 1 and lines[end - 1].strip().startswith("#") and _indent(lines[end - 1]) <= column:
        end -= 1
    return "".join(lines[:end])


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _heading_tokens(parent: Container, key: Any) -> list[CommentToken]:
    entry = parent.ca.items.get(key)
    if not entry or len(entry) < 4 or not entry[3]:
        return []
    tokens: list[CommentToken] = entry[3]
    return tokens


def _take_heading(parent: Container, key: Any) -> str:
    """Remove and return, as tail lines, the comments between ``key:`` and its first child."""
    tokens = _heading_tokens(parent, key)
    if not tokens:
        return ""
    parent.ca.items[key][3] = None
    lines = ""
    for token in tokens:
        for line in token.value.splitlines(keepends=True):
            lines += (" " * _token_column(token) + line) if line.strip() else line
    return "\n" + lines


def _drop_heading(parent: Container, key: Any, column: int) -> None:
    """Remove the comment lines directly above ``key``'s first child (its own heading)."""
    tokens = _heading_tokens(parent, key)
    while tokens and tokens[-1].value.strip().startswith("#") and "\n\n" not in tokens[-1].value:
        if _token_column(tokens[-1]) > column:
            break
        tokens.pop()


def _give_heading(parent: Container, key: Any, text: str, column: int) -> None:
    """Put tail lines (as :func:`_split` returns them) back as the comments before ``key``'s first child."""
    if not text:
        return
    entry = parent.ca.items.setdefault(key, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    tokens: list[CommentToken] = entry[3] or []
    for line in text[1:].splitlines(keepends=True):
        tokens.append(CommentToken(line.lstrip(" ") if line.strip() else line, CommentMark(_indent(line)), None))
    entry[3] = tokens
