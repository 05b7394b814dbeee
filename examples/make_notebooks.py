"""Write the example notebooks in this folder from the Python source below, without outputs.

The notebooks are generated, not edited, so that they diff well and cannot drift
from one another: change a cell here, then run::

    python examples/make_notebooks.py            # writes examples/*.ipynb
    python examples/make_notebooks.py --check    # fails if a notebook differs from what this file writes

``tests/test_notebooks.py`` checks that the committed notebooks are what this
file writes, that they hold no outputs, and runs each of them.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

#: A cell: ``("md", text)`` or ``("py", source)``; text is dedented and stripped.
Cell = tuple[str, str]


def md(text: str) -> Cell:
    return ("md", text)


def py(source: str) -> Cell:
    return ("py", source)


NACKA_TOUR = [
    md("""
    # A tour of Nacka, 2013–2016

    orgmodel ships one real data set: Nacka municipality, Sweden, as its city
    executive office's status report of 24 November 2014 describes it — every
    unit, post, person and responsibility the report names, and every change it
    recounts or plans, each with the sentence it comes from.

    This notebook looks at the organisation on a few days and draws what changed
    in between. In a notebook, a chart, a diff or a drawing on the last line of a
    cell draws itself. (Run it with orgmodel installed: `python -m pip install .`
    in the repository, then `python -m pip install jupyterlab`.)
    """),
    py("""
    import orgmodel as om

    org = om.examples.nacka()
    org
    """),
    md("""
    ## Before: 1 January 2014

    A status report says what exists *now*, not since when, so most units are
    recorded as existing *at the latest* on the day the report first shows them.
    On earlier days they are marked *(uncertain)*: they may already have been
    there, and the report cannot tell.
    """),
    py("""
    print(org.at("2014-01-01").subtree("stadsledningskontoret"))
    """),
    py("""
    first_name = org.history("kommunstyrelsen").names()[0]
    print(first_name.since.label())
    print(first_name.source.quote)
    """),
    md("""
    ## 1 July 2014: ekonomienheten is split

    `org.diff(a, b)` is everything that changed after day `a` up to and including
    day `b`, classified, each change with its source.
    """),
    py("""
    split = org.diff("2014-06-30", "2014-07-01")
    print(split.summary())
    """),
    md("""
    Drawn, with only what changed and the units above it (`changed_only=True`):
    the day before above, the day itself below; new units are green, units that
    ended red.
    """),
    py("""
    split.draw(changed_only=True)
    """),
    md("""
    Where did ekonomienheten go? Its lineage follows it through the split:
    """),
    py("""
    print(org.lineage("ekonomienheten"))
    """),
    md("""
    ## 1 January 2015: the new organisation

    On New Year's Day 2015 the new board organisation takes effect, and the city
    director's changes to the administration with it. The diff on its own draws
    itself: 31 December 2014 above, 1 January 2015 below, every change coloured
    and labelled.
    """),
    py("""
    reorganisation = org.diff("2014-12-31", "2015-01-01")
    reorganisation
    """),
    md("""
    Many of its 84 changes are dated only to a window that starts that day —
    "under 2015 – 2016", "senast 2016" — and may or may not have happened yet on
    1 January; those are marked uncertain. The ones certain on the day:
    """),
    py("""
    for entry in reorganisation:
        if not entry.uncertain:
            print(entry.describe())
    """),
    md("""
    The city executive office alone, before and after — `draw()` takes the same
    options as a chart's, such as `root=`:
    """),
    py("""
    reorganisation.draw(root="Stadsledningskontoret")
    """),
    md("""
    ## Questions across time

    Point queries ask one fact about one day, without building the whole chart.
    Who was responsible for *markfrågor* (land matters), before and after?
    """),
    py("""
    for day in ("2014-12-31", "2015-01-01"):
        print(day, org.owner_of("markfrågor", on=day).name)
    """),
    py("""
    [post.title for post in org.chain_of_command("förnyelseenheten", on="2015-01-01")]
    """),
    md("""
    Every dated fact about one unit, with the event behind it:
    """),
    py("""
    print(org.history("förnyelseenheten"))
    """),
    md("""
    ## The end of the data: 31 December 2016

    A chart draws itself too; `depth=1` keeps the top two levels.
    """),
    py("""
    org.at("2016-12-31").draw(depth=1)
    """),
    md("""
    To keep a picture, save it: `reorganisation.draw().save("nacka-2015.svg")`
    writes SVG, PNG or PDF by the extension. From the shell, `orgmodel diff --example
    nacka --from 2014-12-31 --to 2015-01-01 -o nacka-2015.svg` does the same.

    ## The whole history, with a time slider

    `org.explore()` is the explorer: the chart of any day, a slider over the days
    on which something changes, search by any former name, and a panel with each
    unit's history and the report's sentences. It shows here, in the notebook;
    `.save("nacka.html")` writes it as one page that works offline.
    """),
    py("""
    org.explore(day="2015-01-01")
    """),
]

BUILD_YOUR_OWN = [
    md("""
    # Build your own organisation

    This notebook builds a small, made-up city office in Python, changes it,
    draws it before and after, then writes the same history as a YAML file and
    loads it back: the way to model your own organisation.
    """),
    md("""
    ## In Python

    Entities are values with an `id` that names them for all time. Events bring
    them into being and change them, each on a date; a `Change` groups events
    that take effect together.
    """),
    py("""
    import orgmodel as om

    start = om.Change(
        "2014-01-01",
        [
            om.Establish(om.Unit("ks", "Kommunstyrelsen", kind="board")),
            om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office")),
            om.Establish(om.Unit("eko", "Ekonomienheten", parent="slk")),
            om.Establish(om.Unit("kom", "Kommunikationsenheten", parent="slk")),
            om.Establish(om.Unit("web", "Webbenheten", parent="slk")),
            om.Establish(om.Person("anna", "Anna Andersson")),
            om.Establish(om.Person("bo", "Bo Berg")),
            om.Establish(om.Post("sd", "Stadsdirektör", kind="chief-executive", unit="slk", heads=True, holder="anna")),
            om.Establish(om.Post("ekdir", "Ekonomidirektör", kind="director", unit="slk", reports_to="sd")),
            om.Establish(om.Post("ekchef", "Enhetschef", kind="head", unit="eko", heads=True)),
            om.Establish(om.Function("budget", "Budgetprocessen", kind="process", owner="eko")),
        ],
    )
    org = om.Timeline([start])
    print(org.at("2014-01-01"))
    """),
    md("""
    A chart on the last line of a cell draws itself:
    """),
    py("""
    org.at("2014-01-01")
    """),
    md("""
    ## A reorganisation

    On 1 January 2015 communications and web merge into a new unit, the budget
    process moves to the finance director, and Bo Berg becomes finance director.
    A plan to rename the finance unit "during the autumn" is dated only to a
    window of days (August to December 2015), so a chart on a day inside it marks
    the result uncertain — and planned, as it is not decided yet.
    """),
    py("""
    plan = om.Source("Organisationsplan 2015", body="Kommunstyrelsen", decided="2014-11-24", reference="§ 12")
    org = org.with_events(
        om.Change(
            "1 januari 2015",
            [
                om.Merge(["kom", "web"], om.Unit("dig", "Digitala kanaler", parent="slk")),
                om.Transfer("budget", "ekdir"),
                om.Appoint("ekdir", "bo"),
            ],
            source=plan,
        ),
        om.Rename("eko", "Ekonomi- och upphandlingsenheten", on="under hösten 2015", status="planned"),
    )
    org
    """),
    py("""
    print(org.diff("2014-12-31", "2015-01-01").summary())
    """),
    md("""
    Before and after, drawn: a diff on the last line of a cell.
    """),
    py("""
    org.diff("2014-12-31", "2015-01-01")
    """),
    py("""
    autumn = org.at("2015-10-01")
    autumn["eko"].name, autumn.is_uncertain("eko"), autumn.is_planned("eko")
    """),
    md("""
    ## The same history in a file

    A file declares each entity once, under `entities`, then lists the dated
    events under `events`, referring to entities by id. Here it goes into a
    temporary folder; yours would live beside your notebook.
    """),
    py('''
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    path = folder / "my-office.yaml"
    path.write_text(
        """\\
    title: A small city office
    sources:
      plan:
        document: Organisationsplan 2015
        body: Kommunstyrelsen
        decided: 2014-11-24
        reference: § 12
    entities:
      units:
        - {id: ks, name: Kommunstyrelsen, kind: board}
        - {id: slk, name: Stadsledningskontoret, kind: office}
        - {id: eko, name: Ekonomienheten}
        - {id: kom, name: Kommunikationsenheten}
        - {id: web, name: Webbenheten}
        - {id: dig, name: Digitala kanaler}
      people:
        - {id: anna, name: Anna Andersson}
        - {id: bo, name: Bo Berg}
      posts:
        - {id: sd, title: Stadsdirektör, kind: chief-executive}
        - {id: ekdir, title: Ekonomidirektör, kind: director}
        - {id: ekchef, title: Enhetschef, kind: head}
      functions:
        - {id: budget, name: Budgetprocessen, kind: process}
    events:
      - on: 2014-01-01
        events:
          - establish: ks
          - establish: slk
          - establish: eko
            parent: slk
          - establish: kom
            parent: slk
          - establish: web
            parent: slk
          - establish: anna
          - establish: bo
          - establish: sd
            unit: slk
            heads: true
            holder: anna
          - establish: ekdir
            unit: slk
            reports_to: sd
          - establish: ekchef
            unit: eko
            heads: true
          - establish: budget
            owner: eko
      - on: 1 januari 2015
        source: plan
        events:
          - merge: [kom, web]
            into: dig
            parent: slk
          - transfer: budget
            to: ekdir
          - appoint: bo
            to: ekdir
      - rename: eko
        name: Ekonomi- och upphandlingsenheten
        on: under hösten 2015
        status: planned
    """,
        encoding="utf-8",
    )
    from_file = om.load(path)
    from_file == org
    '''),
    md("""
    The file gives the same timeline as the Python above. Its chart, and its
    before and after:
    """),
    py("""
    print(from_file.at("2015-01-01"))
    """),
    py("""
    from_file.diff("2014-12-31", "2015-01-01").draw(layout="side-by-side")
    """),
    md("""
    ## When a file is wrong

    Loading checks the whole file and reports every problem at once, each with
    its `file:line:column`:
    """),
    py('''
    broken = """\\
    entities:
      units:
        - {id: slk, name: Stadsledningskontoret, kind: office}
    events:
      - establish: slk
        on: 2014-01-01
      - rename: stadsledningskontoret
        name: Kommunledningskontoret
        on: 2015-01-01
      - dissolve: slk
        on: 2016-02-30
    """
    try:
        om.loads(broken, name="my-office.yaml")
    except om.FormatError as error:
        print(error)
    '''),
    md("""
    ## Saving

    `om.save` writes YAML or JSON by the extension: lossless, stable (the same
    timeline always gives the same bytes) and atomic.
    """),
    py("""
    om.save(org, folder / "my-office.json")
    om.load(folder / "my-office.json") == org
    """),
    md("""
    From here: `chart.draw().save("chart.svg")` for a picture file, `orgmodel
    chart --data my-office.yaml --at 2015-01-01 -o chart.svg` from the shell,
    and the documentation's pages on the file format and on every kind of
    event.
    """),
]

PROPERTY_TESTING = [
    md("""
    # Property-testing a reorganisation plan

    A plan is a list of dated changes. Some of what you want to know about it is
    a property — *whatever order these same-day changes apply in, the result is
    the same*; *after the plan no council lacks a responsible director* — and
    orgmodel gives you the pieces to check such properties directly, or to have
    [Hypothesis](https://hypothesis.readthedocs.io) search for counterexamples.

    The plan here is the set of changes that take effect on 1 January 2015 in
    the Nacka data set, applied to the organisation as it stood the day before.
    """),
    py("""
    import orgmodel as om
    from orgmodel import invariants as inv

    org = om.examples.nacka()
    plan = list(org.changes_between("2014-12-31", "2015-01-01"))
    before = om.Timeline(org.changes_between(end="2014-12-31"))
    len(plan), before.with_events(plan) == org
    """),
    md("""
    ## Does the order of the plan's changes matter?

    Changes of one day apply in the order they are written. `conflicts(day)`
    tries each pair of them both ways and names the pairs whose order matters:
    `"depends"` (the later needs the earlier), `"blocks"`, or `"differs"` (both
    orders apply but give different organisations — the dangerous case).
    """),
    py("""
    for conflict in org.conflicts("2015-01-01"):
        print(plan.index(conflict.first) + 1, plan.index(conflict.second) + 1, conflict.kind)
    """),
    md("""
    `plan_commutes` tries every order of the whole plan. Refused orders are
    dependencies, which the timeline reports loudly; with
    `allow_dependencies=True` only a silent difference counts — and there is none.
    """),
    py("""
    print(*inv.plan_commutes(before, plan), sep="\\n")
    inv.plan_commutes(before, plan, allow_dependencies=True)
    """),
    md("""
    ## Do the rules hold?

    `check` runs the structural rules on every day the timeline changes. Policies
    are another matter: does every council have a director responsible for it
    after the plan? Is any unit without a head for more than a month?
    """),
    py("""
    inv.check(org)
    """),
    py("""
    after = org.at("2015-01-01")
    print(*inv.relation_coverage(after, "council", "responsible-for"), sep="\\n")
    """),
    py("""
    for violation in inv.headless_at_most(org, 31, kinds=["unit"], start="2015-01-01"):
        print(violation)
    """),
    md("""
    ## The same question as a Hypothesis property

    An order is drawn as a few *moves* — take change *i* and put it first — which
    reaches every order and shrinks well. An order the timeline refuses is a
    dependency, not a failure. (`database=None` keeps Hypothesis from writing an
    example database next to the notebook; `derandomize=True` makes the run
    repeatable; `print_blob=False` leaves out the `@reproduce_failure` line
    Hypothesis adds under a failure on a CI server.)
    """),
    py("""
    from hypothesis import given, settings
    from hypothesis import strategies as st


    def reordered(entries, moves):
        order = list(entries)
        for position in moves:
            order.insert(0, order.pop(order.index(entries[position])))
        return order


    def every_order_that_applies_gives_one_organisation(entries):
        expected = before.with_events(entries).at("2015-01-01")

        @settings(database=None, derandomize=True, print_blob=False)
        @given(st.lists(st.integers(0, len(entries) - 1), max_size=len(entries)))
        def test(moves):
            try:
                timeline = before.with_events(reordered(entries, moves))
            except om.EventError:
                return  # refused: a dependency, which the timeline reports loudly
            assert timeline.at("2015-01-01") == expected

        return test


    every_order_that_applies_gives_one_organisation(plan)()
    """),
    md("""
    It passes. Now break the plan on purpose: a second rename of
    samordnings- och utvecklingsenheten on the same day, which the plan already
    renames to *Förnyelseenheten*. Hypothesis finds the order that silently
    gives another organisation, and shrinks it to one move:
    """),
    py("""
    broken = [*plan, om.Rename("samordnings-och-utvecklingsenheten", "Strategienheten", on="2015-01-01")]
    try:
        every_order_that_applies_gives_one_organisation(broken)()
    except AssertionError as error:
        print(*error.__notes__, sep="\\n")
    """),
    py("""
    for conflict in before.with_events(broken).conflicts("2015-01-01"):
        if conflict.kind == "differs":
            print(conflict)
    """),
    md("""
    ## Generated organisations

    `orgmodel.strategies` draws valid organisations, timelines, events and plans
    by construction, for properties of your own code. Here: functions keep an
    owner through mergers and splits, in any timeline made of those events.
    """),
    py("""
    from orgmodel import strategies as oms


    @settings(max_examples=25, database=None)
    @given(oms.timelines(event_types=["establish", "merge", "split", "transfer"], unit_kinds=["unit"]))
    def test_functions_keep_an_owner_through_mergers_and_splits(timeline):
        inv.assert_holds(inv.check(timeline))


    test_functions_keep_an_owner_through_mergers_and_splits()
    """),
    md("""
    A plan drawn against a real organisation: any plan of a few changes that
    applies after Nacka's last day keeps the structure valid.
    """),
    py("""
    @settings(max_examples=10, database=None)
    @given(oms.change_plans(org, max_events=5))
    def test_plans_keep_the_structure(entries):
        inv.assert_holds(inv.check(org.with_events(entries)))


    test_plans_keep_the_structure()
    """),
    md("""
    ## A state machine of your own

    `orgmodel.testing.OrgStateMachine` grows a timeline one valid change at a
    time and checks the structure after every step. Subclass it to start from
    your organisation and add your own rules and invariants — here, winding units
    down into their parents must never leave a function without an owner.
    """),
    py("""
    from hypothesis.stateful import invariant, rule

    from orgmodel.testing import OrgStateMachine


    class WindingDownNacka(OrgStateMachine):
        base = om.examples.nacka()

        def __init__(self):
            super().__init__()
            self.previous = self.chart

        @rule(unit=OrgStateMachine.units)
        def wind_down(self, unit):
            parent = self.chart.parent(unit) if unit in self.chart.units else None
            if parent is not None:
                self.attempt(om.Absorb([unit], parent.id), after_days=1)

        @invariant()
        def no_function_is_left_without_an_owner(self):
            inv.assert_holds(inv.functions_keep_owners(self.previous, self.chart))
            self.previous = self.chart


    WindingDownNacka.TestCase.settings = settings(max_examples=3, stateful_step_count=10, database=None)
    WindingDownNacka.TestCase("runTest").runTest()
    """),
    md("""
    In a test module, `TestWindingDownNacka = WindingDownNacka.TestCase` is all
    pytest needs. The documentation's page on property testing describes every
    strategy, check and knob.
    """),
]

GOVERNMENT_REGISTER = [
    md("""
    # A government register, from tables

    Registers keep a row per department per period and a row per minister per
    appointment. This notebook reads such a register — Nordland, 1990–2012, a
    made-up government with the patterns real ones have (departments renamed,
    split, merged and spun off; a post with several seats; an acting minister
    confirmed later; a minister who leaves and returns; a hand-over in which the
    new prime minister starts a day before the old one leaves) — from the CSV
    files in `nordland/`, and asks it what registers are asked. The
    documentation's page "A government register, from tables" walks through the
    same tables.
    """),
    py("""
    from orgmodel.io import importing

    org = importing.read_tables(
        units="nordland/departments.csv",
        posts="nordland/posts.csv",
        people="nordland/people.csv",
        appointments="nordland/appointments.csv",
        links="nordland/links.csv",
    )
    org
    """),
    md("""
    ## Who held what on a day

    A post may have several holders at once (the assistant whips have three
    seats); a holding carries its roles (`acting`) and whether it is a hand-over.
    """),
    py("""
    def cabinet(day):
        chart = org.at(day)
        for post in sorted(chart.posts.values(), key=lambda post: post.title):
            holders = ", ".join(
                chart[holding.person].name + (f" ({holding.describe()})" if holding.describe() else "")
                for holding in post.holders
            )
            print(f"{post.title}: {holders or 'vacant'}")


    cabinet("1997-05-02")
    print()
    cabinet("2006-01-01")
    """),
    md("""
    Ann Archer left government in 1997 and came back in 2005: her history has two
    spells, and between them she is on no chart.
    """),
    py("""
    org.history("ann").spells()
    """),
    md("""
    ## Where a department came from

    Renames, splits, mergers and spin-offs, in one lineage. A department is found
    by any name it had.
    """),
    py("""
    print(org.lineage("Department for Business, Innovation and Skills"))
    """),
    md("""
    ## The reshuffle of 28 June 2007, drawn

    The diff of two days lists every change; on the last line of a cell it draws
    itself, the first day above the second.
    """),
    py("""
    reshuffle = org.diff("2007-06-27", "2007-06-28")
    print(reshuffle.summary())
    reshuffle
    """),
    md("""
    ## Out again, as tables

    Every fact as an effective-dated row, for a spreadsheet, a DataFrame
    (`facts.to_pandas()`, with the `tables` extra) or SQL.
    """),
    py("""
    facts = org.facts()
    [row for row in facts.rows("holdings") if row["person"] == "ann"]
    """),
]

NOTEBOOKS = {
    "nacka-tour.ipynb": NACKA_TOUR,
    "build-your-own.ipynb": BUILD_YOUR_OWN,
    "property-testing.ipynb": PROPERTY_TESTING,
    "government-register.ipynb": GOVERNMENT_REGISTER,
}


def notebook(cells: list[Cell]) -> nbformat.NotebookNode:
    """A notebook of these cells, with no outputs and stable cell ids (so that it diffs well)."""
    made = nbformat.v4.new_notebook()
    made.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for number, (kind, text) in enumerate(cells, start=1):
        source = textwrap.dedent(text).strip("\n")
        new = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        made.cells.append(new(source, id=f"cell-{number:02d}"))
    nbformat.validate(made)
    return made


def text(cells: list[Cell]) -> str:
    """The notebook file's text, as ``nbformat.write`` writes it."""
    return nbformat.writes(notebook(cells)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a notebook differs from what this file writes")
    arguments = parser.parse_args(argv)
    stale = []
    for name, cells in NOTEBOOKS.items():
        path = HERE / name
        wanted = text(cells)
        if arguments.check:
            if not path.exists() or path.read_text(encoding="utf-8") != wanted:
                stale.append(name)
        else:
            path.write_text(wanted, encoding="utf-8")
            print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python examples/make_notebooks.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
