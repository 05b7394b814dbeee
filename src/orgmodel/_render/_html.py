"""The one way to build a Graphviz HTML-like label from text.

Graphviz reads an HTML-like label with an XML parser; text that breaks the XML
(an unescaped ``<`` or ``&``, a character XML forbids) makes it print
"syntax error" and draw the node with *no* label, raising nothing.  So no label
in orgmodel is written by hand: every one is :func:`html_label` of
:class:`Cell` rows of :class:`Span` runs, and only :func:`escape` turns text
into label text.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

import attrs

__all__ = ["MAX_TEXT", "Cell", "Span", "escape", "html_label", "wrap"]

# Characters XML 1.0 forbids outright: Graphviz's parser rejects the whole label for one of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_REPLACEMENT = "\ufffd"
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_SPECIAL = re.compile("[&<>\"']")
#: The most characters of one run of text a label shows; longer text is cut, ending in "…".  No one reads
#: a box's line that long, and Graphviz refuses a run of text in a label longer than 16,384 bytes.
MAX_TEXT = 1000


def escape(text: str) -> str:
    r"""Text made safe inside an HTML-like label: markup characters escaped, letters kept.

    Line breaks and tabs become spaces (a label line is one line), and
    characters XML cannot hold become U+FFFD, which Graphviz draws.  A
    backslash is doubled: in label text Graphviz reads ``\N``, ``\G``, ``\L``
    … as the node's name, the graph's name …, and ``\\`` as one backslash.

    >>> escape('Miljö & "Park" <ny>')
    'Miljö &amp; &quot;Park&quot; &lt;ny&gt;'
    >>> print(escape(r"A\N"))
    A\\N
    """
    text = text.replace("\\", "\\\\")
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    text = _NOT_XML.sub(_REPLACEMENT, text)
    return _SPECIAL.sub(lambda match: _ENTITIES[match.group()], text)


def wrap(text: str, width: int | None) -> tuple[str, ...]:
    """``text`` broken at spaces into lines of about ``width`` characters (``None``: one line).

    Text that fits is returned untouched, spaces and all; text longer than
    :data:`MAX_TEXT` is cut first.

    >>> wrap("Samordnings- och utvecklingsenheten", 20)
    ('Samordnings- och', 'utvecklingsenheten')
    """
    if len(text) > MAX_TEXT:  # cut before wrapping: a name of a million characters is not a thousand lines
        text = text[: MAX_TEXT - 1] + "…"
    if width is None or len(text) <= width:
        return (text,)
    # At spaces only, as the docstring says: a hyphen inside a word ("<!--x", "e-post") is not a break.
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    return tuple(lines) if lines else (text,)


@attrs.frozen
class Span:
    """A run of text in one style: bold, italic, struck through, a colour, a point size."""

    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False
    colour: str | None = None
    size: float | None = None

    def markup(self) -> str:
        """The run as label markup, its text escaped, and cut to :data:`MAX_TEXT` characters.

        >>> Span("x" * 5000).markup() == "x" * (MAX_TEXT - 1) + "…"
        True
        """
        text = self.text if len(self.text) <= MAX_TEXT else self.text[: MAX_TEXT - 1] + "…"
        out = escape(text)
        for flag, tag in ((self.strike, "S"), (self.italic, "I"), (self.bold, "B")):
            if flag:
                out = f"<{tag}>{out}</{tag}>"
        font = []
        if self.colour is not None:
            font.append(f'COLOR="{escape(self.colour)}"')
        if self.size is not None:
            font.append(f'POINT-SIZE="{self.size:g}"')
        if font:
            out = f"<FONT {' '.join(font)}>{out}</FONT>"
        return out


@attrs.frozen
class Cell:
    """One table cell: lines of spans, and how the cell looks.

    ``port`` names the cell so edges can end at it; ``swatch`` draws an empty
    bordered cell (for the legend) in ``fill``/``border`` colours.
    """

    lines: tuple[tuple[Span, ...], ...] = ()
    align: str = "CENTER"
    port: str | None = None
    fill: str | None = None
    border: str | None = None
    dashed: bool = False
    rounded: bool = False
    swatch: bool = False
    colspan: int = 1

    @classmethod
    def of(cls, *spans: Span, align: str = "CENTER", port: str | None = None, colspan: int = 1) -> Cell:
        """A one-line cell.

        >>> Cell.of(Span("Kommunstyrelsen", bold=True)).lines[0][0].text
        'Kommunstyrelsen'
        """
        return cls((tuple(spans),), align=align, port=port, colspan=colspan)

    def markup(self) -> str:
        """The cell as a ``<TD>`` element."""
        attributes = [f'ALIGN="{self.align}"']
        if len(self.lines) > 1:
            # BALIGN aligns the lines between <BR/>s; ALIGN only places the block.
            attributes.append(f'BALIGN="{self.align}"')
        if self.colspan > 1:
            attributes.append(f'COLSPAN="{self.colspan}"')
        if self.port is not None:
            attributes.append(f'PORT="{escape(self.port)}"')
        if self.fill is not None:
            attributes.append(f'BGCOLOR="{escape(self.fill)}"')
        styles = [name for name, flag in (("rounded", self.rounded), ("dashed", self.dashed)) if flag]
        if self.swatch:
            attributes += ['BORDER="1"', 'WIDTH="24"', 'HEIGHT="12"']
            if self.border is not None:
                attributes.append(f'COLOR="{escape(self.border)}"')
        if styles:
            attributes.append(f'STYLE="{",".join(styles)}"')
        # An empty cell needs some content, or Graphviz complains about the table.
        body = "<BR/>".join("".join(span.markup() for span in line) for line in self.lines) or " "
        return f"<TD {' '.join(attributes)}>{body}</TD>"


def html_label(rows: Iterable[Cell | Sequence[Cell]], *, padding: int = 1, spacing: int = 0) -> str:
    """A complete HTML-like label (``<…>``) of a borderless table, one row per item.

    Each row is one cell or several side by side.  Pass the result as a
    ``label`` attribute: the ``graphviz`` package leaves text wrapped in ``<…>``
    unquoted, which is what makes Graphviz read it as HTML.

    >>> print(html_label([Cell.of(Span("R&D"))]))
    <<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD ALIGN="CENTER">R&amp;D</TD></TR></TABLE>>
    """
    body = []
    for row in rows:
        cells = (row,) if isinstance(row, Cell) else tuple(row)
        body.append("<TR>" + "".join(cell.markup() for cell in cells) + "</TR>")
    if not body:
        body.append("<TR>" + Cell().markup() + "</TR>")
    table = (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="{spacing}" CELLPADDING="{padding}">'
        + "".join(body)
        + "</TABLE>"
    )
    return f"<{table}>"
