"""Days and imprecise dates: what each phrase covers, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms
from orgmodel.dates import OPEN_END, OPEN_START, Precision, When, parse_day, parse_when

D = dt.date


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2015-01-01", D(2015, 1, 1), D(2015, 1, 1), Precision.DAY),
        ("2015-01", D(2015, 1, 1), D(2015, 1, 31), Precision.MONTH),
        ("2015", D(2015, 1, 1), D(2015, 12, 31), Precision.YEAR),
        ("1 januari 2015", D(2015, 1, 1), D(2015, 1, 1), Precision.DAY),
        ("den 1 maj 2014", D(2014, 5, 1), D(2014, 5, 1), Precision.DAY),
        ("per den 1 juli 2014", D(2014, 7, 1), D(2014, 7, 1), Precision.DAY),
        ("från och med den 1 januari 2015", D(2015, 1, 1), D(2015, 1, 1), Precision.DAY),
        ("januari 2015", D(2015, 1, 1), D(2015, 1, 31), Precision.MONTH),
        ("i januari 2015", D(2015, 1, 1), D(2015, 1, 31), Precision.MONTH),
        ("februari 2016", D(2016, 2, 1), D(2016, 2, 29), Precision.MONTH),
        ("(under) våren 2015", D(2015, 1, 1), D(2015, 6, 30), Precision.SEASON),
        ("under våren 2015", D(2015, 1, 1), D(2015, 6, 30), Precision.SEASON),
        ("hösten 2014", D(2014, 8, 1), D(2014, 12, 31), Precision.SEASON),
        ("sommaren 2014", D(2014, 6, 1), D(2014, 8, 31), Precision.SEASON),
        ("vintern 2015", D(2014, 12, 1), D(2015, 2, 28), Precision.SEASON),
        ("vintern 2014/2015", D(2014, 12, 1), D(2015, 2, 28), Precision.SEASON),
        ("vid årsskiftet 2013/2014", D(2013, 12, 1), D(2014, 1, 31), Precision.TURN_OF_YEAR),
        ("årsskiftet 2014/2015", D(2014, 12, 1), D(2015, 1, 31), Precision.TURN_OF_YEAR),
        ("senast 2016", OPEN_START, D(2016, 12, 31), Precision.AT_THE_LATEST),
        ("till årsskiftet 2014/2015", OPEN_START, D(2015, 1, 31), Precision.AT_THE_LATEST),
        ("till och med år 2017", OPEN_START, D(2017, 12, 31), Precision.AT_THE_LATEST),
        ("under november–december 2014", D(2014, 11, 1), D(2014, 12, 31), Precision.RANGE),
        ("under november-december 2014", D(2014, 11, 1), D(2014, 12, 31), Precision.RANGE),
        ("år 2015-2016", D(2015, 1, 1), D(2016, 12, 31), Precision.RANGE),
        ("första kvartalet 2015", D(2015, 1, 1), D(2015, 3, 31), Precision.QUARTER),
        ("fjärde kvartalet 2014", D(2014, 10, 1), D(2014, 12, 31), Precision.QUARTER),
        ("Q2 2015", D(2015, 4, 1), D(2015, 6, 30), Precision.QUARTER),
        ("spring 2015", D(2015, 1, 1), D(2015, 6, 30), Precision.SEASON),
        ("autumn 2014", D(2014, 8, 1), D(2014, 12, 31), Precision.SEASON),
        ("January 2015", D(2015, 1, 1), D(2015, 1, 31), Precision.MONTH),
        ("January 1, 2015", D(2015, 1, 1), D(2015, 1, 1), Precision.DAY),
        ("1 January 2015", D(2015, 1, 1), D(2015, 1, 1), Precision.DAY),
        ("by 2016", OPEN_START, D(2016, 12, 31), Precision.AT_THE_LATEST),
        ("no later than March 2016", OPEN_START, D(2016, 3, 31), Precision.AT_THE_LATEST),
        ("first quarter of 2015", D(2015, 1, 1), D(2015, 3, 31), Precision.QUARTER),
        ("the turn of the year 2013/2014", D(2013, 12, 1), D(2014, 1, 31), Precision.TURN_OF_YEAR),
        ("2014-11-01/2014-12-31", D(2014, 11, 1), D(2014, 12, 31), Precision.RANGE),
        ("../2016-12-31", OPEN_START, D(2016, 12, 31), Precision.AT_THE_LATEST),
        ("2015-Q1", D(2015, 1, 1), D(2015, 3, 31), Precision.QUARTER),
        ("efter 5 mars 2014", D(2014, 3, 5), OPEN_END, Precision.NOT_BEFORE),
        ("tidigast 2015", D(2015, 1, 1), OPEN_END, Precision.NOT_BEFORE),
        ("after March 2014", D(2014, 3, 1), OPEN_END, Precision.NOT_BEFORE),
        ("2014-03-05/..", D(2014, 3, 5), OPEN_END, Precision.NOT_BEFORE),
    ],
)
def test_phrases_cover_their_window(text, earliest, latest, precision):
    """Each phrase the source uses reads as the window of days it means."""
    when = parse_when(text)
    assert (when.earliest, when.latest, when.precision) == (earliest, latest, precision)


def test_phrases_keep_their_text_and_iso_forms_do_not():
    """A phrase is kept as ``text`` for display; a machine form leaves ``text`` empty."""
    assert parse_when("under våren 2015").text == "under våren 2015"
    assert parse_when("2015-01").text is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sometime", "cannot read 'sometime' as a date: expected an ISO day"),
        ("", "it is empty"),
        ("årsskiftet", "say which turn of the year, with both years"),
        ("årsskiftet 2014", "say which turn of the year"),
        ("årsskiftet 2014/2016", "must follow each other"),
        ("1/2/2015", "numeric dates other than ISO are ambiguous"),
        ("januari", "it has no year; add one"),
        ("vintern 2014/2016", "only a winter spans two years"),
        ("våren 2014/2015", "only a winter spans two years"),
        ("2015-13", "month must be 01 to 12, got 13"),
        ("2015-02-30", "day is out of range for month"),
        ("december-januari 2015", "it ends (2015-01-31) before it starts (2015-12-01)"),
    ],
)
def test_unreadable_text_is_an_error_naming_the_text(text, message):
    """Text that is not a date raises DateError, naming the text and what was expected."""
    with pytest.raises(om.DateError) as caught:
        parse_when(text)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_floor_closes_an_open_at_the_latest_date():
    """``not_before`` gives "senast 2016" an earliest day; a floor past the bound is refused."""
    assert parse_when("senast 2016", not_before="2015-01-01").earliest == D(2015, 1, 1)
    assert parse_when("2015-01", not_before="2010-01-01").earliest == D(2015, 1, 1)
    with pytest.raises(om.DateError, match="cannot be not before 2017-01-01"):
        parse_when("senast 2016", not_before="2017-01-01")


class TestParseDay:
    def test_accepts_dates_and_iso_text(self):
        """A day may be a date, a datetime (its day is kept) or ISO text."""
        assert parse_day(D(2015, 1, 1)) == D(2015, 1, 1)
        assert parse_day(dt.datetime(2015, 1, 1, 13, 30)) == D(2015, 1, 1)
        assert parse_day(" 2015-01-01 ") == D(2015, 1, 1)

    def test_accepts_a_phrase_for_one_day(self):
        """A phrase naming one day is a day."""
        assert parse_day("per den 1 juli 2014") == D(2014, 7, 1)

    def test_refuses_a_window(self):
        """A month or season is not a day: the error says what it is and gives an example."""
        with pytest.raises(om.DateError, match="'våren 2015' is a season, not a day; give one day, such as 2015-01-01"):
            parse_day("våren 2015")

    def test_refuses_other_types(self):
        """Anything but a date or text is refused with what was given."""
        with pytest.raises(om.DateError, match="got 20150101"):
            parse_day(20150101)  # type: ignore[arg-type]


class TestWhen:
    def test_certainty_on_a_day(self):
        """A window is in effect from its earliest day and certain from its latest."""
        january = parse_when("januari 2015")
        assert not january.started_by(D(2014, 12, 31))
        assert january.started_by(D(2015, 1, 1))
        assert january.straddles(D(2015, 1, 15))
        assert not january.straddles(D(2015, 1, 31))
        assert january.certain_by(D(2015, 1, 31))

    def test_an_exact_day_never_straddles(self):
        """An exact day is certain on the day itself."""
        day = When.exact("2015-01-01")
        assert day.is_exact
        assert not day.straddles(D(2015, 1, 1))
        assert day.certain_by(D(2015, 1, 1))

    def test_latest_before_earliest_is_refused(self):
        """A window that ends before it starts cannot be made."""
        with pytest.raises(om.DateError, match="must not be before its earliest"):
            When(D(2015, 2, 1), D(2015, 1, 1))

    def test_describe_shows_both_forms(self):
        """``describe`` gives the ISO form and the phrase; ``str`` the ISO form."""
        when = parse_when("vid årsskiftet 2013/2014")
        assert str(when) == "2013-12-01/2014-01-31"
        assert when.describe() == "2013-12-01/2014-01-31 (vid årsskiftet 2013/2014)"
        assert When.exact("2015-01-01").describe() == "2015-01-01"


@given(oms.imprecise_dates())
def test_iso_form_reads_back_to_the_same_window(when):
    """Every date's canonical form reads back to the same window and precision."""
    again = parse_when(when.iso())
    assert (again.earliest, again.latest) == (when.earliest, when.latest)
    if when.precision in (Precision.DAY, Precision.MONTH, Precision.YEAR, Precision.QUARTER):
        assert again.precision is when.precision


@given(oms.imprecise_dates(), oms.days())
def test_a_day_is_before_inside_or_after_a_window(when, day):
    """Exactly one holds: not yet started, straddling, or certain."""
    states = [not when.started_by(day), when.straddles(day), when.certain_by(day)]
    assert states.count(True) == 1


@given(st.dates(D(1900, 1, 1), D(2100, 12, 31)))
def test_iso_days_read_back(day):
    """Any day written as ISO text reads back as itself."""
    assert parse_day(day.isoformat()) == day
    assert parse_when(day.isoformat()) == When.exact(day)


class TestCalendarEdges:
    """Years 0, 1, 9999 and beyond: a DateError naming the text, or a window that reads back; never a ValueError."""

    TEMPLATES = (
        "{y}",
        "{y}-01",
        "{y}-12",
        "{y}-Q1",
        "{y}-Q4",
        "{y}-01-01",
        "{y}-12-31",
        "våren {y}",
        "hösten {y}",
        "sommaren {y}",
        "vintern {y}",
        "vintern {y}/{z}",
        "årsskiftet {y}/{z}",
        "vid årsskiftet {p}/{y}",
        "första kvartalet {y}",
        "fjärde kvartalet {y}",
        "januari {y}",
        "december {y}",
        "1 januari {y}",
        "31 december {y}",
        "senast {y}",
        "efter {y}",
        "november–december {y}",
        "december {p} – januari {y}",
        "{y}-01-01/{z}-01-01",
        "../{y}-12-31",
        "{y}-01-01/..",
    )

    @staticmethod
    def _text(template: str, year: int) -> str:
        return template.format(y=f"{year:04d}", z=f"{year + 1:04d}", p=f"{max(year - 1, 0):04d}")

    @pytest.mark.parametrize(
        "text", ["0000", "0000-01", "våren 0000", "vintern 0001", "årsskiftet 0000/0001", "1 januari 0000"]
    )
    def test_windows_outside_the_calendar_are_date_errors(self, text):
        """The issue's cases: each names the text and the calendar's range."""
        with pytest.raises(om.DateError, match=rf"cannot read '{text}' as a date: .*(year 1 to 9999|year 0)"):
            parse_when(text)

    def test_years_before_100_are_read_as_written(self):
        """dateutil would read '0012' as 2012; the year is given to it, not guessed."""
        assert parse_when("5 mars 0012").earliest == D(12, 3, 5)
        assert parse_when("januari 0001").iso() == "0001-01"

    def test_a_window_ending_on_the_last_day_is_not_an_open_end(self):
        """Autumn 9999 ends on date.max; it is still a season and reads back as one."""
        autumn = parse_when("hösten 9999")
        assert (autumn.earliest, autumn.latest, autumn.precision) == (D(9999, 8, 1), D(9999, 12, 31), Precision.SEASON)
        assert parse_when(autumn.iso()).latest == autumn.latest

    @given(
        template=st.sampled_from(TEMPLATES),
        year=st.one_of(st.sampled_from([0, 1, 2, 99, 100, 999, 1000, 9998, 9999]), st.integers(0, 9999)),
    )
    def test_phrases_at_the_edges_read_or_raise_a_date_error(self, template, year):
        """Every phrase at every year either reads to a window whose ISO form reads back, or is a DateError."""
        text = self._text(template, year)
        try:
            when = parse_when(text)
        except om.DateError as error:
            message = str(error)
        else:
            message = ""
        if message:
            assert repr(text) in message
            return
        again = parse_when(when.iso())
        assert (again.earliest, again.latest) == (when.earliest, when.latest)

    def test_a_when_with_a_phrase_orgmodel_cannot_read_is_saved_in_full(self):
        """A hand-made When keeping an unknown phrase: dumps writes its window and text, and loads gives it back."""
        when = When(D(2015, 1, 1), D(2015, 3, 31), Precision.RANGE, "efter valet")
        timeline = om.Timeline([om.Establish(om.Unit("a", "A"), on=when)])
        for chosen in ("yaml", "json"):
            again = om.loads(om.dumps(timeline, format=chosen), format=chosen)
            assert again == timeline
            assert again.events[0].on == when
