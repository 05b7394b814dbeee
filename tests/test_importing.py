"""Tables of periods in, a validated timeline out: events derived, same-day order worked out, every problem located."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms
from orgmodel._cli import main
from orgmodel.io import importing
from orgmodel.io.tables import facts


def write_csv(path, text: str):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


class TestAppointments:
    def test_a_spreadsheet_of_appointments_is_enough(self, tmp_path):
        """Post, person, start, end: posts and people are made from it, each post with the seats it needed."""
        sheet = write_csv(
            tmp_path / "appointments.csv",
            """
            post,person,start,end,person_name,roles
            pm,ann,1979-05-04,1990-11-28,Ann Archer,
            pm,bob,1990-11-28,,Bob Baker,
            whip,cat,1980-01-01,1985-01-01,Cat Cole,
            whip,dan,1981-01-01,,Dan Dunn,acting
            whip,ann,1991-01-01,,,
            """,
        )
        org = importing.read_tables(appointments=sheet)
        assert org.at("1985-06-01").holder("pm").name == "Ann Archer"
        assert org.at("1991-06-01").holder("pm").name == "Bob Baker"
        chart = org.at("1982-01-01")
        assert [person.id for person in chart.holders("whip")] == ["cat", "dan"]
        assert chart["whip"].seats == 2
        assert chart.holdings("whip")[1].roles == ("acting",)
        assert [str(since) for since, _ in org.history("ann").spells()] == ["1979-05-04", "1991-01-01"]

    def test_roles_change_where_two_rows_meet(self):
        """Back-to-back rows of one person in one post are one holding whose roles change."""
        org = importing.read_tables(
            appointments=[
                {"post": "sec", "person": "ann", "start": "2001-01-01", "end": "2001-03-01", "roles": "acting"},
                {"post": "sec", "person": "ann", "start": "2001-03-01", "end": "", "roles": ""},
            ]
        )
        assert [event.event_type for event in org.events].count("appoint") == 1
        assert org.at("2001-02-01").holdings("sec")[0].roles == ("acting",)
        assert org.at("2001-04-01").holdings("sec")[0].roles == ()

    def test_an_end_may_be_the_last_day(self):
        """With end="inclusive", a period ending on day D holds on D and ends the day after."""
        rows = [{"post": "pm", "person": "ann", "start": "2001-01-01", "end": "2001-12-31"}]
        org = importing.read_tables(appointments=rows, end="inclusive")
        assert org.at("2001-12-31").holder("pm").id == "ann"
        assert org.at("2002-01-01").holder("pm") is None

    def test_a_hand_over_by_days(self):
        """A successor who starts a day before the predecessor leaves is a hand-over when the tables allow it."""
        rows = [
            {"post": "ceo", "person": "ann", "start": "2001-01-01", "end": "2005-01-02"},
            {"post": "ceo", "person": "bob", "start": "2005-01-01", "end": ""},
        ]
        units = None
        posts = [{"id": "ceo", "title": "Chief Executive", "start": "2001-01-01"}]
        with pytest.raises(om.FormatError) as caught:
            importing.read_tables(posts=posts, appointments=rows, units=units)
        assert "<appointments>:2:3: appoint 'bob' to post 'ceo'" in str(caught.value)
        assert "pass handover_days=N" in str(caught.value)
        org = importing.read_tables(posts=posts, appointments=rows, handover_days=1)
        assert [h.person for h in org.at("2005-01-01").holdings("ceo")] == ["ann", "bob"]
        assert [h.person for h in org.at("2005-01-02").holdings("ceo")] == ["bob"]


GOVERNMENT = {
    "units": """
        id,name,kind,parent,start,end,cost_centre
        co,Cabinet Office,department,,1979-01-01,,100
        dti,Department of Trade and Industry,department,,1979-01-01,2007-06-28,200
        energy,Energy Directorate,directorate,dti,1979-01-01,1992-04-01,210
        energy,Energy Directorate,directorate,decc,1992-04-01,,210
        decc,Department of Energy,department,,1992-04-01,,300
        berr,Department for Business,department,,2007-06-28,,400
        """,
    "posts": """
        id,title,kind,unit,heads,seats,start,end
        pm,Prime Minister,minister,co,true,1,1979-01-01,
        sos-dti,Secretary of State for Trade and Industry,minister,dti,true,1,1979-01-01,2007-06-28
        sos-berr,Secretary of State for Business,minister,berr,true,1,2007-06-28,
        whip,Assistant Whip,whip,co,,unlimited,1979-01-01,
        """,
    "people": """
        id,name,identifier:wikidata
        ann,Ann Archer,Q1
        bob,Bob Baker,
        cat,Cat Cole,
        """,
    "appointments": """
        post,person,start,end,roles
        pm,ann,1979-05-04,1990-11-28,
        pm,bob,1990-11-28,,
        sos-dti,cat,1983-06-11,2007-06-28,acting
        sos-berr,cat,2007-06-28,,
        whip,ann,1991-01-01,,
        whip,bob,1979-05-04,1990-11-28,
        """,
    "links": """
        predecessor,successor,kind,date
        dti,berr,succeeded,2007-06-28
        dti,decc,spun-off,1992-04-01
        """,
}


@pytest.fixture
def government(tmp_path):
    return {name: write_csv(tmp_path / f"{name}.csv", text) for name, text in GOVERNMENT.items()}


class TestRegister:
    def test_a_register_of_several_tables(self, government):
        """Units by period (a move), posts with seats and heads, people with ids, appointments, lineage links."""
        org = importing.read_tables(**government)
        assert org.at("1993-01-01").parent("energy").id == "decc"
        assert org.at("1990-01-01").parent("energy").id == "dti"
        assert org.at("2008-01-01").head("berr").title == "Secretary of State for Business"
        assert org.at("2008-01-01").holder("sos-berr").id == "cat"
        assert "dti" not in org.at("2008-01-01")
        assert org.lineage("dti").descendants == ("decc", "berr")
        assert org.at("2000-01-01")["co"].attributes["cost_centre"] == 100
        assert org.at("2000-01-01")["ann"].identifiers["wikidata"] == "Q1"

    def test_one_days_events_are_put_in_an_order_that_works(self, government):
        """On 1990-11-28 one prime minister leaves and another is appointed; on 2007-06-28 a department and its
        post end while their successors begin and the same person moves across: the importer orders it all."""
        org = importing.read_tables(**government)
        (day,) = [change for change in org.changes if change.on.earliest == dt.date(2007, 6, 28)]
        kinds = [event.event_type for event in day.events]
        assert kinds.index("vacate") < kinds.index("appoint")
        assert kinds.index("establish") < kinds.index("dissolve")
        assert kinds.index("dissolve") < kinds.index("appoint")

    def test_the_file_it_makes_can_be_edited_and_loaded(self, government, tmp_path):
        """`orgmodel import` writes a checked orgmodel file that loads to the same timeline."""
        output = tmp_path / "register.yaml"
        arguments = [f"--{name}={path}" for name, path in government.items()]
        assert main(["import", *arguments, "-o", str(output)]) == 0
        assert om.load(output) == importing.read_tables(**government)


class TestProblems:
    def test_every_problem_at_once_with_file_row_and_column(self, tmp_path):
        """Bad dates, an end before a start, an unknown id, a gap in a unit's periods: all reported, nothing loaded."""
        units = write_csv(
            tmp_path / "units.csv",
            """
            id,name,parent,start,end
            slk,A,,2001-01-01,
            b,B,slk2,2001-01-01,
            c,C,slk,2003-01-01,2002-01-01
            d,D,,2001-01-01,2002-01-01
            d,D,,2003-01-01,
            e,E,,the ides of March,
            """,
        )
        with pytest.raises(om.FormatError) as caught:
            importing.read_tables(units=units)
        problems = caught.value.problems
        assert len(problems) == 4
        assert problems[0].startswith(f"{units}:3:3: 'slk2' is not in the units table — did you mean 'slk'?")
        assert problems[1].startswith(f"{units}:4:5: units row of 'c' ends (2002-01-01) before it starts")
        assert problems[2].startswith(f"{units}:6:4: 'd' is gone from 2002-01-01 to 2003-01-01")
        assert problems[3].startswith(f"{units}:7:4: 'start' is not a date")

    def test_what_the_timeline_refuses_is_located_too(self, tmp_path):
        """A unit that would sit under itself, two people in a one-seat post: the rows that say so are named."""
        units = write_csv(
            tmp_path / "units.csv",
            """
            id,name,parent,start
            a,A,b,2001-01-01
            b,B,a,2001-01-01
            """,
        )
        with pytest.raises(om.FormatError, match=r"units\.csv:\d:1: establish unit") as caught:
            importing.read_tables(units=units)
        assert "sits under it" in str(caught.value) or "unknown unit" in str(caught.value)

    def test_an_unknown_column_is_named(self, tmp_path):
        """A misspelt column of a table that takes no fields of your own is reported, with the likely one."""
        appointments = write_csv(tmp_path / "a.csv", "post,persn,start\np,ann,2001-01-01\n")
        with pytest.raises(om.FormatError) as caught:
            importing.read_tables(appointments=appointments)
        assert f"{appointments}:1:2: the appointments table has no column 'persn' — did you mean 'person'?" in str(
            caught.value
        )

    def test_bad_arguments(self):
        """No table, or a wrong option, is said plainly."""
        with pytest.raises(om.InvalidArgumentError, match="give at least one table"):
            importing.read_tables()
        with pytest.raises(om.InvalidArgumentError, match="end must be 'exclusive' or 'inclusive'"):
            importing.read_tables(appointments=[], end="last")


class TestOtherForms:
    def test_a_workbook(self, tmp_path):
        """An XLSX workbook with a sheet per table, dates as Excel dates."""
        openpyxl = pytest.importorskip("openpyxl")
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "appointments"
        sheet.append(["post", "person", "start", "end"])
        sheet.append(["pm", "ann", dt.datetime(1979, 5, 4), dt.datetime(1990, 11, 28)])
        sheet.append(["pm", "bob", dt.datetime(1990, 11, 28), None])
        workbook.save(tmp_path / "register.xlsx")
        org = importing.read_workbook(tmp_path / "register.xlsx")
        assert org.at("1991-01-01").holder("pm").id == "bob"

    def test_a_dataframe(self):
        """A pandas DataFrame, as a notebook holds it."""
        pandas = pytest.importorskip("pandas")
        frame = pandas.DataFrame(
            {
                "post": ["pm", "pm"],
                "person": ["ann", "bob"],
                "start": ["1979-05-04", "1990-11-28"],
                "end": ["1990-11-28", None],
            }
        )
        org = importing.read_tables(appointments=frame)
        assert org.at("1991-01-01").holder("pm").id == "bob"

    def test_semicolons(self, tmp_path):
        """A CSV file saved with semicolons (Swedish Excel) is read as well."""
        sheet = write_csv(tmp_path / "a.csv", "post;person;start;end\npm;ann;1979-05-04;\n")
        assert importing.read_tables(appointments=sheet).at("1980-01-01").holder("pm").id == "ann"


# --- a timeline's facts, written out as tables of periods and read back ------------------------------------


def test_people_appointed_on_one_day_take_their_seats_in_the_order_of_their_rows():
    """h0 held the post before: the rows, not who was there first, order the seats taken on one day."""
    rows = [
        {"post": "board", "person": "h0", "start": "2013-05-01", "end": "2013-05-27"},
        {"post": "board", "person": "h1", "start": "2013-05-28", "end": ""},
        {"post": "board", "person": "h0", "start": "2013-05-28", "end": ""},
    ]
    org = importing.read_tables(appointments=rows)
    assert [holding.person for holding in org.at("2013-06-01").posts["board"].holders] == ["h1", "h0"]
    swapped = importing.read_tables(appointments=[rows[0], rows[2], rows[1]])
    assert [holding.person for holding in swapped.at("2013-06-01").posts["board"].holders] == ["h0", "h1"]


def seat_order(timeline: om.Timeline, row: dict) -> int:
    """Where the row's person stands among the post's holders on the row's first day.

    A register lists people appointed to one post on one day in the order they
    took their seats; the import keeps the order of the rows.
    """
    holders = timeline.holders(row["post"], on=row["start"])
    return [person.id for person in holders].index(row["person"])


def period_tables(timeline: om.Timeline) -> dict[str, list[dict]]:
    """The tables a register would keep of this timeline: each entity by period, the holdings, relations, links."""
    found = facts(timeline)
    day = dt.date.isoformat

    def periods(table: str, fields: dict[str, str]) -> list[dict]:
        return [
            {
                **{mine: row[theirs] for mine, theirs in fields.items()},
                "start": day(row["valid_from"]),
                "end": day(row["valid_to"]) if row["valid_to"] else "",
            }
            for row in found.rows(table)
        ]

    posts = segmented(
        periods(
            "posts", {"id": "id", "title": "title", "kind": "kind", "unit": "unit", "heads": "heads", "seats": "seats"}
        ),
        periods("reporting_lines", {"id": "post", "reports_to": "reports_to"}),
        "reports_to",
    )
    for row in posts:
        row["seats"] = row["seats"] or "unlimited"
    return {
        "units": periods("units", {"id": "id", "name": "name", "kind": "kind", "parent": "parent"}),
        "posts": posts,
        "people": periods("people", {"id": "id", "name": "name"}),
        "functions": segmented(
            periods("functions", {"id": "id", "name": "name", "kind": "kind"}),
            periods("function_owners", {"id": "function", "owner": "owner"}),
            "owner",
        ),
        "appointments": sorted(
            (
                {**row, "roles": ";".join(row["roles"])}
                for row in periods(
                    "holdings", {"post": "post", "person": "person", "roles": "roles", "overlap": "overlap"}
                )
            ),
            key=lambda row: (row["start"], seat_order(timeline, row)),
        ),
        "relations": periods("relations", {"kind": "kind", "source": "source", "target": "target", "note": "note"}),
    }


def segmented(rows: list[dict], extra: list[dict], field: str) -> list[dict]:
    """Entity periods cut where a value kept in another table (an owner, a boss) changes, that value added."""
    found = []
    for row in rows:
        ends = [other for other in extra if other["id"] == row["id"]]
        cuts = sorted(
            {row["start"], *(other["start"] for other in ends), *(other["end"] for other in ends if other["end"])}
        )
        cuts = [cut for cut in cuts if cut >= row["start"] and (not row["end"] or cut < row["end"])]
        for start, end in zip(cuts, [*cuts[1:], row["end"]], strict=True):
            value = next((o[field] for o in ends if o["start"] <= start and (not o["end"] or o["end"] > start)), "")
            found.append({**row, field: value, "start": start, "end": end})
    return found


@settings(max_examples=60)
@given(
    oms.timelines(
        event_types=[
            "establish",
            "dissolve",
            "rename",
            "move",
            "appoint",
            "vacate",
            "relate",
            "unrelate",
            "report",
            "head",
            "transfer",
            "set-roles",
            "merge",
            "absorb",
            "split",
            "spin-off",
        ],
        imprecise=False,
        statuses=False,
    ),
    st.data(),
)
def test_a_timeline_written_as_periods_reads_back_the_same(timeline, data):
    """Units, posts, people and holdings by period, read back: the organisation is the same on every day."""
    tables = period_tables(timeline)
    if not tables["units"]:
        return
    again = importing.read_tables(**tables)
    days = sorted({change.on.earliest for change in timeline.changes})
    day = data.draw(st.sampled_from(days))
    ours, theirs = timeline.at(day), again.at(day)
    assert {unit.id: (unit.name, unit.parent) for unit in ours.units.values()} == {
        unit.id: (unit.name, unit.parent) for unit in theirs.units.values()
    }
    assert {post.id: (post.title, post.unit, post.holders) for post in ours.posts.values()} == {
        post.id: (post.title, post.unit, post.holders) for post in theirs.posts.values()
    }
    assert ours.relations == theirs.relations
    assert {f.id: (f.name, f.owner) for f in ours.functions.values()} == {
        f.id: (f.name, f.owner) for f in theirs.functions.values()
    }


class TestTheRegisterExample:
    """docs/registers.md writes its tables in the page; the notebook reads them from examples/nordland/."""

    ROOT = Path(__file__).resolve().parent.parent

    def test_the_pages_tables_are_the_example_files(self):
        page = (self.ROOT / "docs" / "registers.md").read_text(encoding="utf-8")
        written = dict(re.findall(r'>>> (\w+) = table\("""\n(.*?)\n\.\.\. """\)', page, re.S))
        assert sorted(written) == ["appointments", "departments", "links", "people", "posts"]
        for name, block in written.items():
            lines = [line.removeprefix("... ") for line in block.splitlines()]
            on_file = (self.ROOT / "examples" / "nordland" / f"{name}.csv").read_text(encoding="utf-8")
            assert on_file.splitlines() == lines, f"examples/nordland/{name}.csv differs from docs/registers.md"

    def test_the_files_read_as_the_page_says(self):
        folder = self.ROOT / "examples" / "nordland"
        org = importing.read_tables(
            units=folder / "departments.csv",
            posts=folder / "posts.csv",
            people=folder / "people.csv",
            appointments=folder / "appointments.csv",
            links=folder / "links.csv",
        )
        assert [str(since) for since, _ in org.history("ann").spells()] == ["1990-01-01", "2005-05-05"]
        assert sorted(org.lineage("bis").ancestors) == ["dbe", "din", "dti"]
