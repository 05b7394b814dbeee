"""Days and imprecise dates, and the Swedish and English phrases they are read from.

A *day* is a :class:`datetime.date`.  Everywhere orgmodel takes a day it also
takes ISO text (``"2015-01-01"``).  An effective date of an event may be
imprecise: a :class:`When` is a window of days, from its ``earliest`` to its
``latest`` day (both included), with the ``precision`` of the phrase it was read
from and that phrase as ``text``.

>>> from orgmodel.dates import parse_when
>>> spring = parse_when("under våren 2015")
>>> spring.earliest, spring.latest, spring.precision.value
(datetime.date(2015, 1, 1), datetime.date(2015, 6, 30), 'season')

What each phrase covers
-----------------------
* a day: ``2015-01-01``, ``1 januari 2015``, ``den 1 maj 2014``, ``per den 1 juli
  2014``, ``January 1, 2015``;
* a month: ``2015-01``, ``januari 2015``, ``i januari 2015``, ``January 2015``;
* a year: ``2015``, ``år 2015``;
* a quarter: ``första kvartalet 2015``, ``first quarter 2015``, ``Q1 2015``, ``2015-Q1``;
* a season, following the Swedish administrative year (vårtermin and
  hösttermin) rather than the astronomical seasons, so that a window is never
  narrower than what a municipal report means by it: spring (*våren*) is
  January–June, summer (*sommaren*) June–August, autumn (*hösten*)
  August–December, and winter *Y* (*vintern*) December of *Y*-1 to February
  of *Y*; ``vintern 2014/2015`` is December 2014 to February 2015;
* the turn of a year: ``vid årsskiftet 2013/2014``, ``turn of 2013/2014`` covers
  December 2013 and January 2014;
* a range: ``under november–december 2014``, ``2014-11-01/2014-12-31``, ``år 2015-2016``;
* at the latest: ``senast 2016``, ``by 2016``, ``till årsskiftet 2014/2015``,
  ``../2016-12-31``.  Its earliest day is open (:data:`OPEN_START`) unless a
  floor is given with ``not_before``: a plan written on a day cannot have been
  carried out before it;
* not before: ``efter 5 mars 2014``, ``tidigast 2015``, ``after March 2014``,
  ``2014-03-05/..``, for what was decided on a day but whose effective date
  is not known.  Its latest day is open (:data:`OPEN_END`): a chart marks the
  fact uncertain on every day from its earliest on.

Filler words the documents put in front (*under*, *i*, *per*, *den*, *från och
med*, *vid*, *in*, *during*, *as of*, *from*) are ignored.  Text that matches
none of these raises :class:`~orgmodel.errors.DateError` naming the text.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import enum
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

import attrs

from orgmodel.errors import DateError

if TYPE_CHECKING:
    from dateutil import parser as _dateutil_parser

__all__ = [
    "OPEN_END",
    "OPEN_START",
    "DayLike",
    "Precision",
    "When",
    "WhenLike",
    "parse_day",
    "parse_when",
]

Day = _dt.date
#: What every public function accepts as a day: a date or ISO text.
DayLike: TypeAlias = _dt.date | str

#: The earliest day of an at-the-latest date with no floor: open, any time before.
OPEN_START = _dt.date.min
#: The latest day of a not-before date: open, any time after.
OPEN_END = _dt.date.max


class Precision(str, enum.Enum):
    """How precisely a date phrase pins its day down."""

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    SEASON = "season"
    YEAR = "year"
    TURN_OF_YEAR = "turn-of-year"
    RANGE = "range"
    AT_THE_LATEST = "at-the-latest"
    NOT_BEFORE = "not-before"

    def __str__(self) -> str:
        return self.value


def _check_window(instance: When, attribute: attrs.Attribute[Day], latest: Day) -> None:
    if latest < instance.earliest:
        raise DateError(
            f"a date's latest day must not be before its earliest, got {instance.earliest.isoformat()} "
            f"to {latest.isoformat()}"
        )


def _to_date(value: DayLike) -> Day:
    # datetime is a subclass of date; keep only the day so equality is by day.
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return parse_day(value)


@attrs.frozen
class When:
    """An effective date: a window of days from ``earliest`` to ``latest``, both included.

    ``text`` keeps the phrase it was read from (``None`` for ISO forms).  An
    exact day has ``earliest == latest``.

    >>> w = When.parse("i januari 2015")
    >>> w.precision, w.is_exact, str(w), w.text
    (<Precision.MONTH: 'month'>, False, '2015-01', 'i januari 2015')
    >>> When.exact("2015-01-01").is_exact
    True
    """

    earliest: Day = attrs.field(converter=_to_date)
    latest: Day = attrs.field(converter=_to_date, validator=_check_window)
    precision: Precision = attrs.field(default=Precision.RANGE, converter=Precision)
    text: str | None = None

    @classmethod
    def exact(cls, day: DayLike) -> When:
        """The exact day ``day``.

        >>> When.exact("2014-05-01").iso()
        '2014-05-01'
        """
        value = parse_day(day)
        return cls(value, value, Precision.DAY)

    @classmethod
    def parse(cls, text: str, *, not_before: DayLike | None = None) -> When:
        """Read ``text`` (ISO or a Swedish or English phrase); see the module docs.

        ``not_before`` is a floor for an at-the-latest phrase such as ``senast 2016``.

        >>> When.parse("senast 2016", not_before="2015-01-01").earliest
        datetime.date(2015, 1, 1)
        """
        return parse_when(text, not_before=not_before)

    @property
    def is_exact(self) -> bool:
        """Whether the date is one known day."""
        return self.earliest == self.latest

    @property
    def has_open_start(self) -> bool:
        """Whether nothing is known about how early it may be (an at-the-latest date with no floor)."""
        return self.earliest == OPEN_START

    @property
    def has_open_end(self) -> bool:
        """Whether nothing is known about how late it may be (a not-before date)."""
        return self.latest == OPEN_END

    def started_by(self, day: Day) -> bool:
        """Whether the date may have come by ``day`` (its earliest day is on or before it)."""
        return self.earliest <= day

    def certain_by(self, day: Day) -> bool:
        """Whether the date has surely come by ``day`` (its latest day is on or before it)."""
        return self.latest <= day

    def straddles(self, day: Day) -> bool:
        """Whether ``day`` falls inside the window but before its last day: in effect, not certainly.

        >>> When.parse("januari 2015").straddles(_dt.date(2015, 1, 15))
        True
        """
        return self.earliest <= day < self.latest

    def iso(self) -> str:
        """The canonical machine form, which :func:`parse_when` reads back to the same window.

        >>> When.parse("under november–december 2014").iso()
        '2014-11-01/2014-12-31'
        """
        if self.precision is Precision.DAY and self.is_exact:
            return self.earliest.isoformat()
        if self.precision is Precision.MONTH and _month_window(self.earliest) == (self.earliest, self.latest):
            return self.earliest.isoformat()[:7]
        if self.precision is Precision.YEAR and _year_window(self.earliest.year) == (self.earliest, self.latest):
            return f"{self.earliest.year:04d}"
        if self.precision is Precision.QUARTER:
            quarter = (self.earliest.month - 1) // 3 + 1
            if _quarter_window(self.earliest.year, quarter) == (self.earliest, self.latest):
                return f"{self.earliest.year:04d}-Q{quarter}"
        # By precision, not by the bound alone: a window at the calendar's edge (autumn 9999) is not open-ended.
        if self.has_open_start and self.precision is Precision.AT_THE_LATEST:
            return f"../{self.latest.isoformat()}"
        if self.has_open_end and self.precision is Precision.NOT_BEFORE:
            return f"{self.earliest.isoformat()}/.."
        return f"{self.earliest.isoformat()}/{self.latest.isoformat()}"

    def label(self) -> str:
        """A short form for tables: the phrase it was read from, else the ISO form in words for open bounds.

        >>> When.parse("senast 2016").label(), When.parse("../2016-12-31").label(), When.parse("2014-03-05/..").label()
        ('senast 2016', 'by 2016-12-31', 'from 2014-03-05')
        """
        if self.text is not None:
            return self.text
        if self.has_open_start:
            return f"by {self.latest.isoformat()}"
        if self.has_open_end:
            return f"from {self.earliest.isoformat()}"
        return self.iso()

    def describe(self) -> str:
        """The canonical form, followed by the phrase it was read from when there is one.

        >>> When.parse("per den 1 juli 2014").describe()
        '2014-07-01 (per den 1 juli 2014)'
        """
        if self.text is None or self.text == self.iso():
            return self.iso()
        return f"{self.iso()} ({self.text})"

    def __str__(self) -> str:
        return self.iso()


#: What an event accepts as its effective date: a When, a day, or text.
WhenLike: TypeAlias = When | _dt.date | str


# --- parsing ---------------------------------------------------------------------------------

_MONTHS: tuple[tuple[str, ...], ...] = (
    ("jan", "januari", "january"),
    ("feb", "februari", "february"),
    ("mar", "mars", "march"),
    ("apr", "april"),
    ("maj", "may"),
    ("jun", "juni", "june"),
    ("jul", "juli", "july"),
    ("aug", "augusti", "august"),
    ("sep", "sept", "september"),
    ("okt", "oct", "oktober", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
_MONTH_NUMBER = {name: number for number, names in enumerate(_MONTHS, start=1) for name in names}


@functools.cache
def _dateutil() -> _dateutil_parser.parser:
    """dateutil's parser taught Swedish month names beside the English ones.

    Made on first use: dateutil's parser takes a noticeable part of a second to
    import, and only dates written with month names need it.
    """
    from dateutil import parser

    class SwedishEnglishInfo(parser.parserinfo):
        MONTHS = list(_MONTHS)  # type: ignore[arg-type]  # noqa: RUF012 - dateutil reads this class attribute

    return parser.parser(SwedishEnglishInfo())


# Filler words in front of a date; removed repeatedly from the start.
_FILLERS = (
    "från och med",
    "fr.o.m.",
    "fr o m",
    "with effect from",
    "as of",
    "under",
    "per",
    "den",
    "vid",
    "från",
    "i",
    "på",
    "during",
    "in",
    "on",
    "at",
    "from",
    "the",
    "år",
)
_NOT_BEFORE = ("tidigast", "efter", "not before", "at the earliest", "after")
_AT_THE_LATEST = (
    "senast",
    "till och med",
    "t.o.m.",
    "till",
    "no later than",
    "at the latest by",
    "at the latest",
    "by",
)
_ORDINALS = {
    "första": 1,
    "andra": 2,
    "tredje": 3,
    "fjärde": 4,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
_SEASONS = {
    "våren": "spring",
    "vår": "spring",
    "vårterminen": "spring",
    "spring": "spring",
    "sommaren": "summer",
    "sommar": "summer",
    "summer": "summer",
    "hösten": "autumn",
    "höst": "autumn",
    "höstterminen": "autumn",
    "autumn": "autumn",
    "fall": "autumn",
    "vintern": "winter",
    "vinter": "winter",
    "winter": "winter",
}

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"\d{4}")
_ISO_QUARTER = re.compile(r"(\d{4})-q([1-4])")
_QUARTER = re.compile(r"(?:(\w+) (?:kvartalet|quarter)(?: of)?|q([1-4])|kvartal ([1-4])) (\d{4})")
_SEASON = re.compile(r"(\w+)(?: of)? (\d{4})(?:/(\d{4}))?")
_TURN = re.compile(r"(?:årsskiftet|årsskifte|turn of the year|turn of|year-end|new year) (\d{4})\s*[/-]\s*(\d{4})")
_RANGE_SPLIT = re.compile(
    r"^(.+?)\s*(?:–|—|\s-\s|(?<=[a-zåäö])-(?=[a-zåäö])|(?<=\d)-(?=\d{4}\b)| till | to | until )\s*(.+)$"
)
_TRAILING_YEAR = re.compile(r"(\d{4})$")
_NUMERIC_ONLY = re.compile(r"[\d\s./-]+")
_YEAR_TOKEN = re.compile(r"(?<!\d)\d{4}(?!\d)")


def parse_day(value: DayLike) -> Day:
    """A day from a date or text; text must name one exact day.

    >>> parse_day("2015-01-01")
    datetime.date(2015, 1, 1)
    >>> parse_day("1 januari 2015")
    datetime.date(2015, 1, 1)
    >>> parse_day("januari 2015")
    Traceback (most recent call last):
      ...
    orgmodel.errors.DateError: 'januari 2015' is a month, not a day; give one day, such as 2015-01-01
    """
    if isinstance(value, _dt.date):
        return _to_date(value)
    if not isinstance(value, str):
        raise DateError(f"a day must be a datetime.date or ISO text such as '2015-01-01', got {value!r}")
    stripped = value.strip()
    if _ISO_DAY.fullmatch(stripped):
        return _iso_day(stripped, value)
    when = parse_when(value)
    if not when.is_exact:
        raise DateError(
            f"{value!r} is a {when.precision.value.replace('-', ' ')}, not a day; "
            f"give one day, such as {when.earliest.isoformat()}"
        )
    return when.earliest


def parse_when(value: When | DayLike, *, not_before: DayLike | None = None) -> When:
    """An effective date from a When, a day, or text (ISO or a phrase; see the module docs).

    >>> parse_when("vid årsskiftet 2013/2014").iso()
    '2013-12-01/2014-01-31'
    >>> str(parse_when("2015-01-01"))
    '2015-01-01'
    """
    if isinstance(value, When):
        return value
    if isinstance(value, _dt.date):
        day = _to_date(value)
        return When(day, day, Precision.DAY)
    if not isinstance(value, str):
        raise DateError(f"a date must be a When, a datetime.date or text, got {value!r}")
    floor = parse_day(not_before) if not_before is not None else None
    when = _parse_text(value)
    if when.has_open_start and floor is not None:
        if floor > when.latest:
            raise DateError(
                f"{value!r} is at the latest {when.latest.isoformat()}, so it cannot be not before {floor.isoformat()}"
            )
        when = attrs.evolve(when, earliest=floor)
    return when


@functools.lru_cache(maxsize=16384)
def _parse_text(original: str) -> When:
    # Cached: a file repeats its days many times over, and a When is immutable.
    text = _normalise(original)
    if not text:
        raise DateError(f"cannot read {original!r} as a date: it is empty")
    try:
        found = _parse_machine(text, original) or _parse_phrase(text, original)
    except DateError:
        raise
    except (ValueError, OverflowError):
        # A window that starts or ends outside datetime's calendar: year 0, winter 0001, a turn of year 9999/10000.
        raise DateError(
            f"cannot read {original!r} as a date: it reaches outside the calendar, which runs from the year 1 to 9999"
        ) from None
    if found is None:
        raise DateError(
            f"cannot read {original!r} as a date: expected an ISO day (2015-01-01), month (2015-01) or "
            "year, or a phrase such as '1 januari 2015', 'våren 2015', 'vid årsskiftet 2013/2014', "
            "'senast 2016', 'under november–december 2014' or 'första kvartalet 2015'"
        )
    return found


def _normalise(text: str) -> str:
    text = " ".join(text.replace("(", " ").replace(")", " ").replace(",", " ").split()).casefold()
    stripped = True
    while stripped:
        stripped = False
        for filler in _FILLERS:
            if text.startswith(filler + " "):
                text = text[len(filler) + 1 :]
                stripped = True
    return text


def _parse_machine(text: str, original: str) -> When | None:
    """The machine forms :meth:`When.iso` writes; text is ``None`` so they round-trip."""
    if _ISO_DAY.fullmatch(text):
        day = _iso_day(text, original)
        return When(day, day, Precision.DAY)
    if match := _ISO_MONTH.fullmatch(text):
        return When(*_month_window_of(int(match[1]), int(match[2]), original), Precision.MONTH)
    if _YEAR.fullmatch(text):
        return When(*_year_window(int(text)), Precision.YEAR)
    if match := _ISO_QUARTER.fullmatch(text):
        return When(*_quarter_window(int(match[1]), int(match[2])), Precision.QUARTER)
    if text.startswith(".."):
        end = _parse_machine(text.lstrip("./"), original)
        if end is not None:
            return When(OPEN_START, end.latest, Precision.AT_THE_LATEST)
    if text.endswith("/.."):
        start = _parse_machine(text[:-3], original)
        if start is not None:
            return When(start.earliest, OPEN_END, Precision.NOT_BEFORE)
    if "/" in text:
        start_text, _, end_text = text.partition("/")
        start = _parse_machine(start_text, original) if _ISO_DAY.fullmatch(start_text) else None
        end = _parse_machine(end_text, original) if _ISO_DAY.fullmatch(end_text) else None
        if start is not None and end is not None:
            return _window(start.earliest, end.latest, Precision.RANGE, None, original)
    return None


def _parse_phrase(text: str, original: str) -> When | None:
    for parse in _PHRASE_PARSERS:
        found = parse(text, original)
        if found is not None:
            return attrs.evolve(found, text=original.strip())
    return None


def _after_one_of(words: tuple[str, ...], text: str, original: str) -> When | None:
    """The date that follows one of ``words`` at the start of ``text``, if it starts so and the rest is a date."""
    for word in words:
        if text.startswith(word + " "):
            rest = _normalise(text[len(word) + 1 :])
            return _parse_machine(rest, original) or _parse_phrase(rest, original)
    return None


def _at_the_latest(text: str, original: str) -> When | None:
    bound = _after_one_of(_AT_THE_LATEST, text, original)
    if bound is None and text.endswith(" at the latest"):
        bound = _after_one_of(("by",), "by " + text[: -len(" at the latest")], original)
    return None if bound is None else When(OPEN_START, bound.latest, Precision.AT_THE_LATEST)


def _not_before(text: str, original: str) -> When | None:
    bound = _after_one_of(_NOT_BEFORE, text, original)
    # "efter 5 mars 2014": decided that day, in effect on it or later.
    return None if bound is None else When(bound.earliest, OPEN_END, Precision.NOT_BEFORE)


def _quarter(text: str, original: str) -> When | None:
    match = _QUARTER.fullmatch(text)
    if match is None:
        return None
    ordinal, q_number, kvartal_number, year = match.groups()
    quarter = _ORDINALS.get(ordinal) if ordinal else int(q_number or kvartal_number)
    if quarter is None:
        return None
    return When(*_quarter_window(int(year), quarter), Precision.QUARTER)


def _season(text: str, original: str) -> When | None:
    match = _SEASON.fullmatch(text)
    if match is None or match[1] not in _SEASONS:
        return None
    season, year, second_year = _SEASONS[match[1]], int(match[2]), match[3]
    if second_year is not None:
        if season != "winter" or int(second_year) != year + 1:
            raise DateError(
                f"cannot read {original!r} as a date: only a winter spans two years, and they must follow "
                f"each other (such as 'vintern 2014/2015')"
            )
        year += 1
    if season == "spring":
        start, end = _dt.date(year, 1, 1), _dt.date(year, 6, 30)
    elif season == "summer":
        start, end = _dt.date(year, 6, 1), _dt.date(year, 8, 31)
    elif season == "autumn":
        start, end = _dt.date(year, 8, 1), _dt.date(year, 12, 31)
    else:
        start, end = _dt.date(year - 1, 12, 1), _month_window(_dt.date(year, 2, 1))[1]
    return When(start, end, Precision.SEASON)


def _turn_of_year(text: str, original: str) -> When | None:
    match = _TURN.fullmatch(text)
    if match is None:
        if text in ("årsskiftet", "årsskifte", "turn of the year", "year-end", "new year") or re.fullmatch(
            r"(?:årsskiftet|turn of the year|turn of) \d{4}", text
        ):
            raise DateError(
                f"cannot read {original!r} as a date: say which turn of the year, with both years, "
                f"such as 'årsskiftet 2014/2015'"
            )
        return None
    first, second = int(match[1]), int(match[2])
    if second != first + 1:
        raise DateError(
            f"cannot read {original!r} as a date: the years of a turn of the year must follow each other, "
            f"such as 'årsskiftet {first}/{first + 1}'"
        )
    return When(_dt.date(first, 12, 1), _dt.date(second, 1, 31), Precision.TURN_OF_YEAR)


def _range(text: str, original: str) -> When | None:
    match = _RANGE_SPLIT.fullmatch(text)
    if match is None:
        return None
    left, right = match[1], match[2]
    right_when = _parse_machine(right, original) or _single_phrase(right, original)
    if right_when is None:
        return None
    if not _TRAILING_YEAR.search(left):
        # "november–december 2014": the first part borrows the year of the second.
        left = f"{left} {right_when.latest.year}"
    left_when = _parse_machine(left, original) or _single_phrase(left, original)
    if left_when is None:
        return None
    return _window(left_when.earliest, right_when.latest, Precision.RANGE, None, original)


def _day_or_month(text: str, original: str) -> When | None:
    if _NUMERIC_ONLY.fullmatch(text):
        raise DateError(
            f"cannot read {original!r} as a date: numeric dates other than ISO are ambiguous; write it as YYYY-MM-DD"
        )
    if not any(name in _MONTH_NUMBER for name in re.split(r"[\s.]+", text)):
        return None
    years = _YEAR_TOKEN.findall(text)
    if len(years) != 1:
        if not years:
            raise DateError(f"cannot read {original!r} as a date: it has no year; add one, such as '{original} 2015'")
        return None
    # The year goes in as the default rather than through dateutil, which reads '0012' as 2012 and '0001' as a day.
    year = int(years[0])
    if year < _dt.MINYEAR:
        raise ValueError("year 0 is outside the calendar")  # made a DateError by _parse_text
    rest = _YEAR_TOKEN.sub(" ", text)
    try:
        first = _dateutil().parse(rest, default=_dt.datetime(year, 1, 1))
        second = _dateutil().parse(rest, default=_dt.datetime(year, 1, 2))
    except (ValueError, OverflowError):
        return None
    if first.day != second.day:
        return When(*_month_window(first.date()), Precision.MONTH)
    return When(first.date(), first.date(), Precision.DAY)


def _single_phrase(text: str, original: str) -> When | None:
    for parse in (_quarter, _season, _day_or_month):
        found = parse(text, original)
        if found is not None:
            return found
    return None


_PHRASE_PARSERS: tuple[Callable[[str, str], When | None], ...] = (
    _at_the_latest,
    _not_before,
    _turn_of_year,
    _quarter,
    _season,
    _range,
    _day_or_month,
)


def _iso_day(text: str, original: str) -> Day:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError as error:
        raise DateError(f"cannot read {original!r} as a date: {error}") from None


def _window(earliest: Day, latest: Day, precision: Precision, text: str | None, original: str) -> When:
    if latest < earliest:
        raise DateError(
            f"cannot read {original!r} as a date: it ends ({latest.isoformat()}) before it starts "
            f"({earliest.isoformat()})"
        )
    return When(earliest, latest, precision, text)


def _month_window_of(year: int, month: int, original: str) -> tuple[Day, Day]:
    if not 1 <= month <= 12:
        raise DateError(f"cannot read {original!r} as a date: month must be 01 to 12, got {month:02d}")
    return _month_window(_dt.date(year, month, 1))


def _month_window(day: Day) -> tuple[Day, Day]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _year_window(year: int) -> tuple[Day, Day]:
    return _dt.date(year, 1, 1), _dt.date(year, 12, 31)


def _quarter_window(year: int, quarter: int) -> tuple[Day, Day]:
    first_month = 3 * (quarter - 1) + 1
    return _dt.date(year, first_month, 1), _month_window(_dt.date(year, first_month + 2, 1))[1]
