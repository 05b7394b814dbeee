"""The explorer page: the payload, the script and the styles in one HTML file that works offline.

Nothing is fetched when the page opens: the data sits in a ``<script
type="application/json">`` block, the script and styles inline (both ship in
this package, under orgmodel's MIT licence).  Notebooks get the same page in an
``<iframe srcdoc>``, so its script and styles cannot touch the notebook's own.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import string
import tempfile
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from orgmodel._explore._payload import build_payload
from orgmodel._render import _style as style
from orgmodel._timeline import Timeline
from orgmodel.dates import DayLike, parse_day

__all__ = ["Explorer"]

#: How tall the page is inside a notebook, in pixels.
NOTEBOOK_HEIGHT = 640
#: The most units whose chart a notebook also gets as a picture (for front ends without HTML); above, text only.
PICTURE_LIMIT = 300


def _asset(name: str) -> str:
    return resources.files("orgmodel._explore").joinpath(name).read_text(encoding="utf-8")


def _day(value: DayLike | None) -> dt.date | None:
    return None if value is None else parse_day(value)


@attrs.frozen(slots=False)  # not slotted: the page is built once, on first use, and kept (cached_property)
class Explorer:
    """An explorer page for a timeline: a time slider over the days on which something changes, the chart
    of the chosen day with that day's changes highlighted, search by any former name, and a side panel with
    each entity's history, sources, lineage and holders — one HTML file that works offline.

    Save it with :meth:`save`; in a notebook it shows itself, interactive where the notebook runs the
    page's script, and as text where it does not.  ``day`` is the day it opens on (default: the last day
    on which something changes, up to today); ``title`` heads the page.

    >>> import orgmodel as om
    >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
    >>> page = org.explore(title="Test")
    >>> page.html().startswith("<!DOCTYPE html>"), "Kommunstyrelsen" in page.html()
    (True, True)
    """

    timeline: Timeline = attrs.field(validator=attrs.validators.instance_of(Timeline))
    title: str = ""
    day: dt.date | None = attrs.field(default=None, converter=_day)

    @cached_property
    def data(self) -> dict[str, Any]:
        """The page's data: the timeline exported as JSON-ready values (see ``orgmodel._explore._payload``)."""
        return build_payload(self.timeline, title=self.title, day=self.day)

    def html(self) -> str:
        """The whole page as HTML text."""
        return self._page

    @cached_property
    def _page(self) -> str:
        return page_html(self.data, fallback=self._fallback_text())

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (whole or not at all: through a temporary file beside it); returns the path.

        >>> import orgmodel as om, pathlib, tempfile
        >>> org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board"), on="2015-01-01")])
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     org.explore().save(pathlib.Path(folder, "org.html")).stat().st_size > 10_000
        True
        """
        target = Path(path)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(self.html())
            os.chmod(temporary, 0o666 & ~_umask())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    def _start_day(self) -> dt.date | None:
        days = self.data["days"]
        return dt.date.fromisoformat(days[self.data["start"]]) if days else None

    def _fallback_text(self) -> str:
        """What the page says where its script does not run: the chart of its first day as a text tree."""
        day = self._start_day()
        if day is None:
            return "The timeline is empty."
        return f"The organisation on {day.isoformat()} (the page needs JavaScript for more):\n\n{self.timeline.at(day)}"

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """The page in an iframe; a drawing of its first day and the text tree for front ends without HTML."""
        # The notebook shows the richest type it can; a display hook must never raise.
        bundle: dict[str, str] = {"text/plain": self._fallback_text()}
        day = self._start_day()
        chart = self.timeline.at(day) if day is not None else None
        if chart is not None and len(chart.units) <= PICTURE_LIMIT:
            from orgmodel._render import chart_mimebundle

            picture = chart_mimebundle(chart).get("image/svg+xml")
            if picture is not None:
                bundle["image/svg+xml"] = picture
        bundle["text/html"] = notebook_html(self.html())
        return bundle

    def __repr__(self) -> str:
        return f"<Explorer of {self.timeline!r}>"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def page_html(data: dict[str, Any], *, fallback: str = "") -> str:
    """The page for ``data`` (a payload): template, styles, data and script in one text."""
    from orgmodel import __version__

    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # "</" would end the script element early; "<\/" means the same in JSON.
    payload = payload.replace("</", "<\\/")
    template = string.Template(_asset("page.html"))
    return template.substitute(
        version=html.escape(__version__),
        title=html.escape(data.get("title") or "Organisation"),
        css=_asset("explorer.css"),
        variables=_variables(),
        badges=_badge_rules(),
        markers=_markers(),
        fallback=f"<pre>{html.escape(fallback)}</pre>" if fallback else "",
        data=payload,
        script=_asset("explorer.js"),
    )


def notebook_html(page: str, height: int = NOTEBOOK_HEIGHT) -> str:
    """The page inside an ``<iframe srcdoc>``: its own document, so nothing leaks into the notebook."""
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width: 100%; height: {height}px; '
        'border: 1px solid #ddd;" title="orgmodel explorer"></iframe>'
    )


def _variables() -> str:
    looks = {
        "political": style.BOX_STYLES[0],
        "administration": style.BOX_STYLES[1],
        "company": style.BOX_STYLES[2],
        "external": style.BOX_STYLES[3],
    }
    parts = [f"--{name}-fill: {look.fill}; --{name}-border: {look.border};" for name, look in looks.items()]
    parts += [f"--vacant: {style.VACANT};", f"--ghost: {style.GHOST};", f"--function: {style.FUNCTION};"]
    return " ".join(parts)


def _badge_rules() -> str:
    rules = []
    for kind, colour in style.CHANGE_COLOURS.items():
        rules.append(f".ch-{kind.value} {{ --c: {colour}; }}")
        rules.append(f".box.ch.ch-{kind.value} {{ border-color: {colour}; }}")
    return "\n".join(rules)


def _markers() -> str:
    return "".join(
        f'<marker id="arrow-{kind.value}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="{style.CHANGE_COLOURS[kind]}"/></marker>'
        for kind in style.CHANGE_COLOURS
    )
