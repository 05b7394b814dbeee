"""Popolo JSON: a timeline's units, posts, people and appointments in the civic-tech standard, and back.

`Popolo <https://www.popoloproject.com/specs/>`_ describes organizations,
the posts in them, the persons who hold them and their memberships, each
with dates.  :func:`to_popolo` writes a timeline as one Popolo document
(``organizations``, ``posts``, ``persons``, ``memberships``), built from its
fact tables (:func:`orgmodel.io.tables.facts`); :func:`from_popolo` reads
such a document back into a validated :class:`~orgmodel.Timeline`, from
orgmodel or from other producers.

What Popolo has no term for travels in keys that start with ``+``, Popolo's
convention for additional properties that other consumers ignore: each
object's ``+periods`` (its states over time, which is how a dated parent is
said) and a membership's ``+overlap``.  ``docs/standards.md`` maps every
field and says what does not carry over.

>>> import orgmodel as om
>>> from orgmodel.io import popolo
>>> org = om.Timeline(
...     [
...         om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office"), on="2013-01-01"),
...         om.Establish(om.Unit("sue", "Samordnings- och utvecklingsenheten", parent="slk"), on="2014-05-01"),
...         om.Rename("sue", "Förnyelseenheten", on="2015-01-01"),
...     ]
... )
>>> document = popolo.to_popolo(org)
>>> unit = document["organizations"][1]
>>> unit["name"], unit["parent_id"], unit["founding_date"]
('Förnyelseenheten', 'slk', '2014-05-01')
>>> unit["other_names"]
[{'name': 'Samordnings- och utvecklingsenheten', 'start_date': '2014-05-01', 'end_date': '2014-12-31'}]
>>> popolo.from_popolo(document).at("2014-12-31").units["sue"].name
'Samordnings- och utvecklingsenheten'
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import pathlib
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from orgmodel.dates import OPEN_START, Precision, When
from orgmodel.errors import FormatError
from orgmodel.io._stretches import Stretch, Stretches, spans
from orgmodel.io._text import read_utf8

if TYPE_CHECKING:
    from orgmodel._timeline import Timeline

__all__ = ["POPOLO_DATE", "end_date", "from_popolo", "read_popolo", "start_date", "to_popolo", "write_popolo"]

#: A Popolo date: ISO 8601 with a year, a month or a day (``2015``, ``2015-01``, ``2015-01-31``).
POPOLO_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}")
_DAY = dt.timedelta(days=1)


# --- dates ------------------------------------------------------------------------------------------------


def start_date(when: When) -> str | None:
    """The Popolo ``start_date`` of a change dated ``when``: its year, month or day, else its earliest day.

    ``None`` when nothing is known of how early it may be (an at-the-latest date with no floor).

    >>> start_date(When.parse("2015-03")), start_date(When.parse("november–december 2014"))
    ('2015-03', '2014-11-01')
    >>> start_date(When.parse("senast 2016")) is None
    True
    """
    if when.has_open_start:
        return None
    iso = when.iso()
    return iso if POPOLO_DATE.fullmatch(iso) else when.earliest.isoformat()


def end_date(when: When) -> str | None:
    """The Popolo ``end_date`` of what a change dated ``when`` ended: the last day it held.

    Popolo's end date is inclusive, so for a day it is the day before the
    change; for a change dated by a month or a year it is that month or year
    (it ended in it); otherwise the day before the change's earliest day.

    >>> end_date(When.parse("2015-01-01")), end_date(When.parse("2015-01")), end_date(When.parse("nov–dec 2014"))
    ('2014-12-31', '2015-01', '2014-10-31')
    """
    if when.has_open_start or when.earliest == OPEN_START:
        return None
    iso = when.iso()
    if POPOLO_DATE.fullmatch(iso) and when.precision in (Precision.MONTH, Precision.YEAR):
        return iso
    return (when.earliest - dt.timedelta(days=1)).isoformat()


def _exact_in_popolo(when: When) -> bool:
    """Whether Popolo's date says all of ``when`` (a day, a month or a year), so no ``+start``/``+end`` is needed."""
    return not when.has_open_start and POPOLO_DATE.fullmatch(when.iso()) is not None


# --- export -----------------------------------------------------------------------------------------------


def to_popolo(timeline: Timeline) -> dict[str, Any]:
    """The timeline as a Popolo document: ``organizations``, ``posts``, ``persons`` and ``memberships``.

    Units are organizations (their kind the ``classification``, former names
    dated ``other_names``, ``parent_id`` their last parent); posts are posts
    (title the ``label``, kind the ``role``); people are persons; each
    stretch of a holding with the same roles is a membership (its ``role``
    the holding's roles, ``"; "``-joined).  Every organization, post and
    person also has ``+periods``: its states from change to change, with
    orgmodel's own dates (``start`` and an exclusive ``end``), so that
    :func:`from_popolo` reads back what Popolo's fields cannot date.

    >>> import orgmodel as om
    >>> document = to_popolo(om.examples.nacka())
    >>> sorted(document)
    ['memberships', 'organizations', 'persons', 'posts']
    >>> next(m for m in document["memberships"] if m["person_id"] == "helena-meier")["post_id"]
    'stadsjurist'
    """
    stretches = Stretches(timeline)
    document: dict[str, Any] = {
        "organizations": [_organization(stretches, unit) for unit in stretches.ids("units")],
        "posts": [_post(stretches, post) for post in stretches.ids("posts")],
        "persons": [_person(stretches, person) for person in stretches.ids("people")],
        "memberships": [membership for post in stretches.ids("posts") for membership in _memberships(stretches, post)],
    }
    if timeline.categories:
        document["+categories"] = {kind: category.value for kind, category in sorted(timeline.categories.items())}
    return document


def _organization(stretches: Stretches, unit_id: str) -> dict[str, Any]:
    periods = stretches.unit(unit_id)
    last = periods[-1].values
    found: dict[str, Any] = {"id": unit_id, "name": last["name"], "classification": str(last["kind"])}
    found.update(_other_names(stretches, unit_id, periods))
    if last["parent"] is not None:
        found["parent_id"] = last["parent"]
    found.update(_dated(periods[0].start, periods[-1].end, "founding_date", "dissolution_date"))
    found.update(_identifiers(stretches, unit_id))
    found["+periods"] = _periods(periods, {"name": "name", "kind": "classification", "parent": "parent_id"})
    return found


def _post(stretches: Stretches, post_id: str) -> dict[str, Any]:
    periods = stretches.post(post_id)
    last = periods[-1].values
    found: dict[str, Any] = {"id": post_id, "label": last["title"]}
    former = list(dict.fromkeys(p.values["title"] for p in periods if p.values["title"] != last["title"]))
    if former:
        found["other_label"] = former
    found["role"] = str(last["kind"])
    if last["unit"] is not None:
        found["organization_id"] = last["unit"]
    found.update(_dated(periods[0].start, periods[-1].end, "start_date", "end_date"))
    found["+periods"] = _periods(
        periods,
        {
            "title": "label",
            "kind": "role",
            "unit": "organization_id",
            "heads": "heads",
            "seats": "seats",
            "reports_to": "reports_to",
        },
    )
    return found


def _person(stretches: Stretches, person_id: str) -> dict[str, Any]:
    periods = stretches.person(person_id)
    found: dict[str, Any] = {"id": person_id, "name": periods[-1].values["name"]}
    found.update(_other_names(stretches, person_id, periods))
    found.update(_identifiers(stretches, person_id))
    found["+periods"] = _periods(periods, {"name": "name"})
    return found


def _memberships(stretches: Stretches, post_id: str) -> Iterable[dict[str, Any]]:
    """One membership per stretch of a holding in which its roles, and the post's unit, stayed the same."""
    for person_id, held in stretches.holdings(post_id).items():
        for number, stretch in enumerate(held, start=1):
            values = stretch.values
            found: dict[str, Any] = {"id": f"{post_id}/{person_id}/{number}", "person_id": person_id}
            found["post_id"] = post_id
            if values["unit"] is not None:
                found["organization_id"] = values["unit"]
            if values["roles"]:
                found["role"] = "; ".join(values["roles"])
            if values["overlap"]:
                found["+overlap"] = True
            found.update(_dated(stretch.start, stretch.end, "start_date", "end_date"))
            if not _exact_in_popolo(stretch.start):
                found["+start"] = stretch.start.iso()
            if stretch.end is not None and not _exact_in_popolo(stretch.end):
                found["+end"] = stretch.end.iso()
            yield found


def _other_names(stretches: Stretches, entity_id: str, periods: list[Stretch]) -> dict[str, Any]:
    """``other_names``: the former names, dated, then the other spellings the entity declares, undated."""
    names: list[dict[str, Any]] = [
        {"name": span.values["name"], **_dated(span.start, span.end, "start_date", "end_date")}
        for span in spans(periods, "name")[:-1]
    ]
    names.extend({"name": alias} for alias in stretches.aliases(entity_id))
    return {"other_names": names} if names else {}


def _identifiers(stretches: Stretches, entity_id: str) -> dict[str, Any]:
    """``identifiers``: every scheme and id the entity ever had (Popolo's identifiers are undated)."""
    pairs = stretches.identifiers(entity_id)
    return {"identifiers": [{"scheme": scheme, "identifier": value} for scheme, value in pairs]} if pairs else {}


def _dated(start: When, end: When | None, start_key: str, end_key: str) -> dict[str, str]:
    found = {}
    first = start_date(start)
    if first is not None:
        found[start_key] = first
    last = end_date(end) if end is not None else None
    if last is not None:
        found[end_key] = last
    return found


def _periods(periods: list[Stretch], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """``+periods``: each stretch with orgmodel's dates (``start``; ``end``, the first day it no longer held)."""
    return [
        {
            "start": period.start.iso(),
            "end": period.end.iso() if period.end is not None else None,
            **{name: _plain(period.values[key]) for key, name in names.items()},
        }
        for period in periods
    ]


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, enum.Enum) else value


# --- import -----------------------------------------------------------------------------------------------

#: The Popolo lists :func:`from_popolo` reads; other keys (``areas``, ``events``, ``+…``) are left alone.
_LISTS = ("organizations", "posts", "persons", "memberships")
#: The tables of :func:`orgmodel.io.importing.read_tables` whose rows Popolo objects become.
_TABLES = ("units", "posts", "people", "appointments")


def from_popolo(data: Mapping[str, Any], *, file: str = "<popolo>") -> Timeline:
    """A validated timeline from a Popolo document (a dict, as ``json.load`` gives it).

    Reads what :func:`to_popolo` writes, ``+periods`` and all, and the
    common subset of what other producers write: organizations with
    ``founding_date``, ``dissolution_date``, ``parent_id`` and dated
    ``other_names`` (former names; undated ones are other spellings); posts
    with an ``organization_id``; persons; memberships with or without a
    ``post_id`` (a membership in an organization with no post makes a post
    of its ``role`` there, ``"member"`` without one).  Every problem is
    reported at once in a :class:`~orgmodel.errors.FormatError`, each at
    its place in the document (``organizations[3]``), and nothing is loaded.

    >>> from orgmodel.io.popolo import from_popolo
    >>> org = from_popolo(
    ...     {
    ...         "organizations": [{"id": "council", "name": "Town Council", "founding_date": "2010"}],
    ...         "persons": [{"id": "ann", "name": "Ann Smith"}],
    ...         "memberships": [
    ...             {"person_id": "ann", "organization_id": "council", "role": "Mayor", "start_date": "2014-05-01"}
    ...         ],
    ...     }
    ... )
    >>> [person.name for person in org.at("2015-01-01").holders("council/Mayor")]
    ['Ann Smith']
    """
    from orgmodel._timeline import Timeline
    from orgmodel.io.importing import read_tables

    reader = _Reader(data, file)
    tables = reader.tables()
    categories = data.get("+categories")
    if not tables:
        return Timeline([], categories=categories if isinstance(categories, Mapping) else None)
    try:
        return read_tables(
            units=tables.get("units"),
            posts=tables.get("posts"),
            people=tables.get("people"),
            appointments=tables.get("appointments"),
            categories=categories if isinstance(categories, Mapping) else None,
        )
    except FormatError as error:
        raise FormatError([reader.located(problem) for problem in error.problems], note=error.note) from None


class _Reader:
    """Turns a Popolo document into the tables of periods :func:`~orgmodel.io.importing.read_tables` reads."""

    def __init__(self, data: Mapping[str, Any], file: str) -> None:
        self.file = file
        self.problems: list[str] = []
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in _TABLES}
        self.paths: dict[str, list[str]] = {table: [] for table in _TABLES}
        if not isinstance(data, Mapping):
            raise FormatError([f"{file}: a Popolo document is a JSON object, got {type(data).__name__}"])
        self.lists: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
        for key in _LISTS:
            items = data.get(key, [])
            if not isinstance(items, list):
                self.fail(key, f"must be a list, got {type(items).__name__}")
                items = []
            found = []
            for index, item in enumerate(items):
                if isinstance(item, Mapping):
                    found.append((f"{key}[{index}]", item))
                else:
                    self.fail(f"{key}[{index}]", f"must be an object, got {type(item).__name__}")
            self.lists[key] = found
        self.earliest = self.earliest_date()

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{self.file}: {path}: {message}")

    def no_start(self, path: str, message: str) -> None:
        """A missing start, unless a start was given and already refused (one problem, not two)."""
        if not any(problem.startswith(f"{self.file}: {path}: ") for problem in self.problems):
            self.fail(path, message)

    def add(self, table: str, path: str, row: dict[str, Any]) -> None:
        self.rows[table].append(row)
        self.paths[table].append(path)

    def located(self, problem: str) -> str:
        """A problem the table importer found, placed at the Popolo object its row came from."""

        def place(match: re.Match[str]) -> str:
            number = int(match.group(2))
            paths = self.paths[match.group(1)]
            return f"{self.file}: {paths[number - 1]}" if 0 < number <= len(paths) else match.group(0)

        return _TABLE_PLACE.sub(place, problem)

    # --- dates -------------------------------------------------------------------------------------------------

    def earliest_date(self) -> str | None:
        """The earliest Popolo date in the document: the start of what it gives no start for."""
        found = []
        for _, item in (pair for pairs in self.lists.values() for pair in pairs):
            for key in ("founding_date", "start_date", "end_date", "dissolution_date"):
                value = item.get(key)
                if isinstance(value, str) and POPOLO_DATE.fullmatch(value):
                    found.append(value)
        return min(found, default=None)

    def start(self, path: str, item: Mapping[str, Any], key: str) -> str | None:
        """A Popolo start date as the importer reads it (year, month or day), or ``None``."""
        value = item.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not POPOLO_DATE.fullmatch(value):
            self.fail(path, f"{key!r} must be a date such as '2015-01-31', '2015-01' or '2015', got {value!r}")
            return None
        return value

    def end(self, path: str, item: Mapping[str, Any], key: str) -> str | None:
        """A Popolo end date (the last day it held) as the exclusive end the importer reads."""
        value = self.start(path, item, key)
        if value is None or len(value) < 10:
            return value  # a month or a year: it ended in it
        return (dt.date.fromisoformat(value) + _DAY).isoformat()

    # --- the tables --------------------------------------------------------------------------------------------

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        units = {self.ident(path, item): (path, item) for path, item in self.lists["organizations"]}
        posts = {self.ident(path, item): (path, item) for path, item in self.lists["posts"]}
        lives = {unit_id: self.organization(unit_id, path, item) for unit_id, (path, item) in units.items() if unit_id}
        for post_id, (path, item) in posts.items():
            if post_id:
                self.post(post_id, path, item, lives)
        for path, item in self.lists["persons"]:
            person_id = self.ident(path, item)
            if person_id:
                self.person(person_id, path, item)
        self.memberships(posts, lives)
        if self.problems:
            raise FormatError(self.problems)
        return {table: rows for table, rows in self.rows.items() if rows}

    def ident(self, path: str, item: Mapping[str, Any], key: str = "id") -> str | None:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is not None or key == "id":
            self.fail(path, f"{key!r} must be a non-empty text, got {value!r}")
        return None

    def text(self, path: str, item: Mapping[str, Any], key: str) -> str | None:
        value = item.get(key)
        if value is None or (isinstance(value, str) and value.strip()):
            return value
        self.fail(path, f"{key!r} must be a non-empty text, got {value!r}")
        return None

    def organization(self, unit_id: str, path: str, item: Mapping[str, Any]) -> tuple[str | None, str | None]:
        """Its rows of the units table; returns when it began and ended, as the importer reads them."""
        names, aliases = self.other_names(path, item)
        own = {"aliases": "; ".join(aliases), **self.identifiers(path, item)}
        periods = item.get("+periods")
        if periods is not None:
            keys = {"name": "name", "classification": "kind", "parent_id": "parent"}
            return self.periods("units", unit_id, path, periods, keys, own)
        founding = self.start(path, item, "founding_date")
        start = founding or (names[0][1] if names else None) or self.earliest
        if start is None:
            self.no_start(path, "needs a 'founding_date' (the document gives no date at all to start it on)")
            return None, None
        dissolution = self.end(path, item, "dissolution_date")
        name = self.text(path, item, "name") or unit_id
        common = {
            "id": unit_id,
            "kind": item.get("classification") or "unit",
            "parent": self.ident(path, item, "parent_id"),
            **own,
        }
        for row in _name_rows(names, name, start, dissolution):
            self.add("units", path, {**common, **row})
        return start, dissolution

    def post(self, post_id: str, path: str, item: Mapping[str, Any], lives: Mapping[str, Any]) -> None:
        periods = item.get("+periods")
        if periods is not None:
            keys = {
                "label": "title",
                "role": "kind",
                "organization_id": "unit",
                "heads": "heads",
                "seats": "seats",
                "reports_to": "reports_to",
            }
            self.periods("posts", post_id, path, periods, keys, self.identifiers(path, item))
            return
        unit = self.ident(path, item, "organization_id")
        began, ended = lives.get(unit, (None, None)) if unit is not None else (None, None)
        start = self.start(path, item, "start_date") or began or self.earliest
        if start is None:
            self.no_start(path, "needs a 'start_date' (the document gives no date at all to start it on)")
            return
        row = {
            "id": post_id,
            "title": self.text(path, item, "label") or self.text(path, item, "role") or post_id,
            "kind": self.text(path, item, "role") or "other",
            "unit": unit,
            "seats": "unlimited",  # Popolo does not limit how many hold a post at once
            "start": start,
            "end": self.end(path, item, "end_date") or ended,  # a post ends with its organization, at the latest
        }
        self.add("posts", path, row)

    def person(self, person_id: str, path: str, item: Mapping[str, Any]) -> None:
        names, aliases = self.other_names(path, item)
        own = {"aliases": "; ".join(aliases), **self.identifiers(path, item)}
        periods = item.get("+periods")
        if periods is not None:
            self.periods("people", person_id, path, periods, {"name": "name"}, own)
            return
        name = self.text(path, item, "name") or person_id
        common = {"id": person_id, **own}
        if not names:
            self.add("people", path, {**common, "name": name})  # here from their first membership
            return
        start = names[0][1] or self.earliest
        if start is None:
            self.no_start(path, "needs a 'start_date' on its first former name (the document gives no date at all)")
            return
        for row in _name_rows(names, name, start, None):
            self.add("people", path, {**common, **row})

    def memberships(self, posts: Mapping[str | None, Any], lives: Mapping[str, tuple[str | None, str | None]]) -> None:
        implicit: dict[str, tuple[dict[str, Any], str]] = {}
        for path, item in self.lists["memberships"]:
            person = self.ident(path, item, "person_id")
            post = self.ident(path, item, "post_id")
            unit = self.ident(path, item, "organization_id")
            role = self.text(path, item, "role")
            if person is None:
                if "person_id" not in item:
                    self.fail(path, "needs a 'person_id' (orgmodel reads memberships of persons only)")
                continue
            roles = role
            if post is None:
                if unit is None:
                    self.fail(path, "needs a 'post_id' or an 'organization_id'")
                    continue
                post = self.implicit_post(unit, role or "member", path, item, posts, lives, implicit)
                roles = None
            elif post in posts and role in (posts[post][1].get("role"), posts[post][1].get("label")):
                roles = None  # the post's own role said again, not a role of this holding
            began = lives.get(unit, (None, None))[0] if unit is not None else None
            start = item.get("+start") or self.start(path, item, "start_date") or began or self.earliest
            if start is None:
                self.no_start(path, "needs a 'start_date' (the document gives no date at all to start it on)")
                continue
            row = {
                "post": post,
                "person": person,
                "start": start,
                "end": item.get("+end") or self.end(path, item, "end_date"),
                "roles": roles,
                "overlap": bool(item.get("+overlap")),
            }
            self.add("appointments", path, row)
        for post_row, post_path in implicit.values():
            self.add("posts", post_path, post_row)
        # A hand-over joins a post whose seats are all held: on a day with several appointments, it comes last.
        order = sorted(range(len(self.rows["appointments"])), key=lambda i: self.rows["appointments"][i]["overlap"])
        self.rows["appointments"] = [self.rows["appointments"][i] for i in order]
        self.paths["appointments"] = [self.paths["appointments"][i] for i in order]

    def implicit_post(
        self,
        unit: str,
        role: str,
        path: str,
        item: Mapping[str, Any],
        posts: Mapping[str | None, Any],
        lives: Mapping[str, tuple[str | None, str | None]],
        implicit: dict[str, tuple[dict[str, Any], str]],
    ) -> str:
        """The post a membership in an organization with no post stands for: its role there."""
        post_id = f"{unit}/{role}"
        while post_id in posts and post_id not in implicit:
            post_id += "'"
        began, ended = lives.get(unit, (None, None))
        start = self.start(path, item, "start_date") or began or self.earliest
        if post_id not in implicit:
            row = {"id": post_id, "title": role, "unit": unit, "seats": "unlimited", "start": start, "end": ended}
            implicit[post_id] = (row, path)
        elif start is not None and (implicit[post_id][0]["start"] is None or start < implicit[post_id][0]["start"]):
            implicit[post_id][0]["start"] = start
        return post_id

    def other_names(self, path: str, item: Mapping[str, Any]) -> tuple[list[tuple[str, str | None, str]], list[str]]:
        """The former names (name, start, exclusive end), ordered by end, and the undated other names."""
        former: list[tuple[str, str | None, str]] = []
        aliases: list[str] = []
        names = item.get("other_names", [])
        if not isinstance(names, list):
            self.fail(path, f"'other_names' must be a list, got {type(names).__name__}")
            return former, aliases
        for index, other in enumerate(names):
            where = f"{path}.other_names[{index}]"
            if not isinstance(other, Mapping) or not isinstance(other.get("name"), str):
                self.fail(where, f"must be an object with a 'name', got {other!r}")
                continue
            end = self.end(where, other, "end_date")
            if end is None:
                aliases.append(other["name"])
            else:
                former.append((other["name"], self.start(where, other, "start_date"), end))
        former.sort(key=lambda name: name[2])
        return former, aliases

    def identifiers(self, path: str, item: Mapping[str, Any]) -> dict[str, str]:
        """``identifiers`` as the ``identifier:SCHEME`` columns of the entity's rows (the last id of a scheme wins)."""
        found = {}
        for index, identifier in enumerate(item.get("identifiers") or []):
            if isinstance(identifier, Mapping) and identifier.get("scheme") and identifier.get("identifier"):
                found[f"identifier:{identifier['scheme']}"] = str(identifier["identifier"])
            else:
                self.fail(f"{path}.identifiers[{index}]", f"needs a 'scheme' and an 'identifier', got {identifier!r}")
        return found

    def periods(
        self,
        table: str,
        entity_id: str,
        path: str,
        periods: object,
        keys: Mapping[str, str],
        own: Mapping[str, str],
    ) -> tuple[str | None, str | None]:
        """``+periods`` as rows of a table (with ``own``: aliases, ids); returns the first start and the last end."""
        if not isinstance(periods, list) or not periods or not all(isinstance(p, Mapping) for p in periods):
            self.fail(path, "'+periods' must be a list of objects with 'start' and 'end'")
            return None, None
        for index, period in enumerate(periods):
            row: dict[str, Any] = {"id": entity_id, "start": period.get("start"), "end": period.get("end")}
            for key, column in keys.items():
                value = period.get(key)
                row[column] = "unlimited" if column == "seats" and value is None else value
            self.add(table, f"{path}.+periods[{index}]", {**row, **own})
        return periods[0].get("start"), periods[-1].get("end")


#: Where the table importer places a problem: ``<units>:3`` or ``<units>:3:2`` (a row, a column).
_TABLE_PLACE = re.compile(r"<(units|posts|people|appointments)>:(\d+)(?::\d+)?")


def _name_rows(
    names: list[tuple[str, str | None, str]], name: str, start: str, end: str | None
) -> list[dict[str, Any]]:
    """Rows of an entity's names: each former name up to its end, then the present name up to ``end``."""
    rows: list[dict[str, Any]] = []
    for former, _, former_end in names:
        rows.append({"name": former, "start": start, "end": former_end})
        start = former_end
    rows.append({"name": name, "start": start, "end": end})
    return rows


# --- files ------------------------------------------------------------------------------------------------


def write_popolo(timeline: Timeline, path: str | os.PathLike[str]) -> pathlib.Path:
    """Write the timeline's Popolo document to a JSON file (UTF-8, indented); returns the path."""
    target = pathlib.Path(path)
    target.write_text(json.dumps(to_popolo(timeline), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def read_popolo(path: str | os.PathLike[str]) -> Timeline:
    """A validated timeline from a Popolo JSON file (see :func:`from_popolo`); errors name the file.

    >>> import orgmodel as om, tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_popolo(om.examples.nacka(), pathlib.Path(folder) / "nacka.json")
    ...     read_popolo(path).at("2015-01-01").units["kf"].name
    'Kommunfullmäktige'
    """
    source = pathlib.Path(path)
    text = read_utf8(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError([f"{source}:{error.lineno}:{error.colno}: not JSON: {error.msg}"]) from None
    return from_popolo(data, file=str(source))
