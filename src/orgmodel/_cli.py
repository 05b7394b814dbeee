"""The ``orgmodel`` command: charts, diffs, histories and lineages from the shell.

Every command reads the organisation it is told to: ``--data FILE`` for a
file of yours, ``--example nacka`` for the Nacka data set that ships with
orgmodel; it never guesses.  A day outside the data's span is flagged.
``chart`` and ``diff`` draw to a file with ``-o out.svg|png|pdf|dot``, and
otherwise print text.  Bad input (an unknown name, a bad date, an unreadable
file) ends with a one-line error and exit status 1, bad usage with status 2,
Ctrl-C with status 130, never a traceback.  Output goes through
:class:`~orgmodel._terminal.TerminalText`: control characters in names are
escaped, and a terminal that cannot show some characters gets them as ASCII.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

import attrs

from orgmodel import __version__, examples
from orgmodel._files import load, save
from orgmodel._limits import DEFAULT, Limits
from orgmodel._render import LAYOUTS
from orgmodel._terminal import TerminalText
from orgmodel._text import chart_tree, table
from orgmodel._timeline import Timeline
from orgmodel.dates import parse_day
from orgmodel.errors import AmbiguousNameError, DrawingTooLargeError, InvalidArgumentError, OrgModelError

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

PROGRAM = "orgmodel"
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# The data sets that ship with orgmodel, by the name --example takes.
EXAMPLES: dict[str, Callable[[], Timeline]] = {"nacka": examples.nacka}
_NO_DATA = (
    "say which organisation to read: --data FILE for a file of yours (.yaml, .yml or .json), "
    "or --example nacka for the Nacka data set (2013-2016) that ships with orgmodel"
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose messages, like the rest of the output, survive any terminal."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:  # argparse's one way out
        if message:
            TerminalText(file if file is not None else sys.stderr).write(message)


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROGRAM,
        description="An organisation as a dated graph: what it looked like on a day, what changed, where a unit "
        "came from. Each command reads your file (--data FILE) or an example that ships with orgmodel "
        "(--example nacka: Nacka municipality, 2013-2016).",
        epilog=_examples(
            f"{PROGRAM} diff --example nacka --from 2014-12-31 --to 2015-01-01 -o nacka-2015.svg",
            f"{PROGRAM} chart --data my-municipality.yaml --at 2015-01-01",
            f"{PROGRAM} explore --example nacka -o nacka.html",
            f"{PROGRAM} history --example nacka förnyelseenheten",
            f"{PROGRAM} validate my-municipality.yaml",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    def command(name: str, summary: str, *example_lines: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=_examples(*example_lines),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        source = sub.add_mutually_exclusive_group()
        source.add_argument("--data", metavar="FILE", help="your orgmodel file (.yaml, .yml or .json)")
        source.add_argument(
            "--example",
            choices=sorted(EXAMPLES),
            help="an example that ships with orgmodel: nacka (Nacka municipality, 2013-2016)",
        )
        sub.set_defaults(command_parser=sub)
        _quiet_option(sub)
        return sub

    chart = command(
        "chart",
        "Show the organisation on one day, as a text tree or a drawing.",
        f"{PROGRAM} chart --example nacka --at 2015-01-01",
        f"{PROGRAM} chart --example nacka --at 2015-01-01 --root stadsledningskontoret -o slk.png",
        f"{PROGRAM} chart --example nacka --at 2015-01-01 --depth 1",
        f"{PROGRAM} chart --at 2014-06-01 --data my-municipality.yaml -o chart.svg",
    )
    chart.add_argument("--at", required=True, metavar="DAY", help="the day, e.g. 2015-01-01 or '1 januari 2015'")
    _drawing_options(chart)
    chart.add_argument("--root", metavar="UNIT", help="draw only this unit and what lies below it")
    chart.add_argument(
        "--depth", type=_depth, metavar="N", help="show at most N levels below the top (0: the top only)"
    )
    chart.set_defaults(run=_chart)

    diff = command(
        "diff",
        "Show what changed between two days: a table, or a before/after drawing.",
        f"{PROGRAM} diff --example nacka --from 2014-12-31 --to 2015-01-01",
        f"{PROGRAM} diff --example nacka --from 2014-12-31 --to 2015-01-01 -o nacka-2015.svg",
        f"{PROGRAM} diff --example nacka --from 2014-06-30 --to 2014-07-01 --layout side-by-side -o split.png",
    )
    diff.add_argument("--from", dest="start", required=True, metavar="DAY", help="the first day")
    diff.add_argument("--to", dest="end", required=True, metavar="DAY", help="the second day (not before the first)")
    _drawing_options(diff)
    diff.add_argument(
        "--layout",
        choices=LAYOUTS,
        default=LAYOUTS[0],
        help="how to draw the two days: the first above the second (the default), beside it, or in one picture",
    )
    diff.set_defaults(run=_diff)

    explore = command(
        "explore",
        "Write the explorer: one HTML page with a time slider over the whole history, which works offline.",
        f"{PROGRAM} explore --example nacka -o nacka.html",
        f"{PROGRAM} explore --data my-municipality.yaml -o org.html --at 2015-01-01",
    )
    explore.add_argument("-o", "--output", required=True, metavar="FILE", help="the page to write (.html)")
    explore.add_argument("--at", metavar="DAY", help="the day the page opens on (default: the last change up to today)")
    explore.add_argument("--title", help="the page's title (default: the file's name, or the data set's)")
    explore.set_defaults(run=_explore)

    history = command(
        "history",
        "List every dated fact about one entity, with the event behind it.",
        f"{PROGRAM} history --example nacka förnyelseenheten",
        f"{PROGRAM} history --example nacka 'samordnings- och utvecklingsenheten'   # a former name",
        f"{PROGRAM} history --example nacka chef-bygg   # an id, where several posts share a title",
    )
    history.add_argument("name", help="a name the entity ever had, or its id")
    history.add_argument("--on", metavar="DAY", help="the day a shared name is meant on")
    history.set_defaults(run=_history)

    lineage = command(
        "lineage",
        "Show where a unit came from and what became of it.",
        f"{PROGRAM} lineage --example nacka ekonomienheten",
        f"{PROGRAM} lineage --example nacka markfrågor",
    )
    lineage.add_argument("name", help="a name the entity ever had, or its id")
    lineage.add_argument("--on", metavar="DAY", help="the day a shared name is meant on")
    lineage.set_defaults(run=_lineage)

    events = command(
        "events",
        "List the changes in the log, optionally between two days.",
        f"{PROGRAM} events --example nacka",
        f"{PROGRAM} events --example nacka --from 2014-12-31 --to 2015-01-01",
    )
    events.add_argument("--from", dest="start", metavar="DAY", help="only changes after this day")
    events.add_argument("--to", dest="end", metavar="DAY", help="only changes on or before this day")
    events.set_defaults(run=_events)

    validate = commands.add_parser(
        "validate",
        help="Check an orgmodel file and report every problem with its line.",
        description=(
            "Check an orgmodel file and report every problem with its line; a file that records what was "
            "known when is checked as it was known on each of its days too."
        ),
        epilog=_examples(f"{PROGRAM} validate my-municipality.yaml"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("file", help="the file to check (.yaml, .yml or .json; - reads standard input)")
    _quiet_option(validate)
    validate.set_defaults(run=_validate)

    import_ = commands.add_parser(
        "import",
        help="Turn tables of periods (CSV or XLSX) into an orgmodel file, checked, to add sources to and edit.",
        description="Turn tables of periods (CSV or XLSX) into an orgmodel file, checked, to add sources to and "
        "edit. Every problem is reported with file:row:column, and nothing is written unless all is well.",
        epilog=_examples(
            f"{PROGRAM} import --appointments appointments.csv -o register.yaml",
            f"{PROGRAM} import --units units.csv --posts posts.csv --appointments appointments.csv -o org.yaml",
            f"{PROGRAM} import --workbook register.xlsx --end inclusive --handover-days 1 -o org.yaml",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for name in ("units", "posts", "people", "appointments", "functions", "relations", "links"):
        import_.add_argument(
            f"--{name}", metavar="FILE", help=f"the {name} table (.csv, or .xlsx with a sheet of that name)"
        )
    import_.add_argument("--workbook", metavar="FILE", help="an .xlsx workbook whose sheets are named after the tables")
    import_.add_argument(
        "--end",
        choices=("exclusive", "inclusive"),
        default="exclusive",
        help="an end date is the first day a period no longer holds (exclusive, the default) or its last day",
    )
    import_.add_argument(
        "--handover-days", type=int, default=0, metavar="N", help="let a successor start up to N days early"
    )
    import_.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the orgmodel file to write (.yaml or .json)"
    )
    import_.set_defaults(run=_import)
    return parser


def _drawing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write a drawing instead of text: .svg, .png, .pdf or .dot"
    )
    parser.add_argument("--functions", action="store_true", help="draw functions (responsibilities) too")
    parser.add_argument(
        "--force",
        action="store_true",
        help="draw even a drawing of more than 2,000 boxes (Graphviz may take minutes; Ctrl-C stops it)",
    )


def _depth(text: str) -> int:
    """``--depth``: a whole number ≥ 0."""
    try:
        depth = int(text)
    except ValueError:
        depth = -1
    if depth < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0, got {text!r}")
    return depth


#: The names ``--limit`` takes: the fields of :class:`~orgmodel.Limits`, in their order.
_LIMITS = tuple(field.name for field in attrs.fields(Limits))
_LIMIT_NAMES = ", ".join(_LIMITS)


def _quiet_option(parser: argparse.ArgumentParser) -> None:
    """The options of reading a file: quiet, and larger limits for a big file one trusts."""
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress report while a long file loads (shown on a terminal)"
    )
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=N",
        type=_limit,
        help=f"raise a limit of what a file may hold, for a big file you trust (one of {_LIMIT_NAMES}; repeatable)",
    )


def _limit(text: str) -> tuple[str, int]:
    name, equals, number = text.partition("=")
    if not equals or name.strip() not in _LIMITS:
        raise argparse.ArgumentTypeError(f"say which limit and how much, as NAME=N with NAME one of {_LIMIT_NAMES}")
    try:
        value = int(number.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name.strip()} must be a whole number, got {number!r}") from None
    return name.strip(), value


def _limits(arguments: argparse.Namespace) -> Limits:
    """The limits the command line asked for: the defaults, with each ``--limit NAME=N`` put in."""
    return Limits(**dict(arguments.limit)) if arguments.limit else DEFAULT


def _progress(arguments: argparse.Namespace) -> bool | None:
    return False if arguments.quiet else None


def _timeline(arguments: argparse.Namespace) -> Timeline:
    if arguments.data:
        return load(arguments.data, progress=_progress(arguments), limits=_limits(arguments))
    return EXAMPLES[arguments.example]()


def _day(timeline: Timeline, text: str, option: str, err: TextIO) -> dt.date:
    """The day ``text`` names; a note on ``err`` when it lies outside the span of the timeline's changes."""
    day = parse_day(text)
    first, last = timeline.first_day, timeline.last_day
    if first is not None and day < first:
        print(
            f"{PROGRAM}: note: {option} {day.isoformat()} is before the first change in the data "
            f"({first.isoformat()}): nothing had been recorded yet",
            file=err,
        )
    elif last is not None and day > last:
        print(
            f"{PROGRAM}: note: {option} {day.isoformat()} is after the last change in the data "
            f"({last.isoformat()}): this is the organisation as the data leaves it, not as it is known then",
            file=err,
        )
    return day


def _chart(arguments: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    timeline = _timeline(arguments)
    chart = timeline.at(_day(timeline, arguments.at, "--at", err))
    if arguments.output:
        drawing = chart.draw(
            root=arguments.root, depth=arguments.depth, show_functions=arguments.functions, force=arguments.force
        )
        return _save(drawing.save, arguments.output, out)
    if arguments.root is not None:
        chart = chart.subtree(arguments.root)  # whole: the tree counts what lies below --depth
    print(chart_tree(chart, depth=arguments.depth), file=out)
    return EXIT_OK


def _diff(arguments: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    timeline = _timeline(arguments)
    start, end = _day(timeline, arguments.start, "--from", err), _day(timeline, arguments.end, "--to", err)
    diff = timeline.diff(start, end)
    if arguments.output:
        drawing = diff.draw(layout=arguments.layout, show_functions=arguments.functions, force=arguments.force)
        return _save(drawing.save, arguments.output, out)
    print(diff.summary(), file=out)
    return EXIT_OK


def _explore(arguments: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if Path(arguments.output).suffix.lower() not in (".html", ".htm"):
        raise InvalidArgumentError(f"the explorer is an HTML page: -o must end in .html, got {arguments.output!r}")
    title = arguments.title or (Path(arguments.data).stem if arguments.data else examples.NACKA_TITLE)
    page = _timeline(arguments).explore(day=arguments.at, title=title)
    return _save(page.save, arguments.output, out)


def _save(save: Callable[[str], Path], path: str, out: TextIO) -> int:
    written = save(path)
    print(f"wrote {written}", file=out)
    return EXIT_OK


def _history(arguments: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    timeline = _timeline(arguments)
    on = _day(timeline, arguments.on, "--on", err) if arguments.on is not None else None
    print(timeline.history(arguments.name, on=on), file=out)
    return EXIT_OK


def _lineage(arguments: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    timeline = _timeline(arguments)
    on = _day(timeline, arguments.on, "--on", err) if arguments.on is not None else None
    print(timeline.lineage(arguments.name, on=on), file=out)
    return EXIT_OK


def _events(arguments: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    timeline = _timeline(arguments)
    start = _day(timeline, arguments.start, "--from", err) if arguments.start is not None else None
    end = _day(timeline, arguments.end, "--to", err) if arguments.end is not None else None
    if start is not None and end is not None and start > end:
        raise InvalidArgumentError(
            f"--from {start.isoformat()} is after --to {end.isoformat()}: give the earlier day first"
        )
    changes = timeline.changes_between(start, end)
    rows = []
    for change in changes:
        for event in change.events:
            assert event.on is not None
            source = event.source.cite() if event.source is not None else ""
            rows.append([event.on.label(), event.status.value if event.status else "", event.describe(), source])
    print(f"{len(rows)} events in {len(changes)} changes", file=out)
    if rows:
        print(table(["effective", "status", "event", "source"], rows), file=out)
    return EXIT_OK


def _validate(arguments: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    source = sys.stdin.buffer if arguments.file == "-" else arguments.file
    timeline = load(source, progress=_progress(arguments), limits=_limits(arguments))
    # What is known today holds (load checked it); each earlier state of knowledge must hold too.
    problems = timeline.check_knowledge()
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise OrgModelError(f"{arguments.file}: {len(problems)} problems in what was known earlier:\n{listed}")
    known = timeline.known_days()
    states = f", known in {len(known)} stages (each checked)" if len(known) > 1 else ""
    print(f"{arguments.file}: valid — {len(timeline)} changes, {len(timeline.events)} events{states}", file=out)
    return EXIT_OK


def _import(arguments: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from orgmodel.io import importing

    names = ("units", "posts", "people", "appointments", "functions", "relations", "links")
    given = {name: getattr(arguments, name) for name in names if getattr(arguments, name)}
    options = {"end": arguments.end, "handover_days": arguments.handover_days}
    if arguments.workbook:
        if given:
            raise InvalidArgumentError("give --workbook or the tables one by one, not both")
        timeline = importing.read_workbook(arguments.workbook, **options)
    elif not given:
        raise InvalidArgumentError("give the tables to import: --appointments FILE, --units FILE, … or --workbook FILE")
    else:
        timeline = importing.read_tables(**given, **options)
    save(timeline, arguments.output)
    print(f"wrote {arguments.output}: {len(timeline)} changes, {len(timeline.events)} events", file=out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 bad input, 2 bad usage, 130 interrupted)."""
    raw_out = out if out is not None else sys.stdout
    # TerminalText has what print() needs of a TextIO: write and flush.
    out = cast(TextIO, TerminalText(raw_out))
    err = cast(TextIO, TerminalText(err if err is not None else sys.stderr))
    parser = _parser()
    # argparse prints help to sys.stdout and usage errors to sys.stderr: here, to this call's streams.
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            arguments = parser.parse_args(argv)
            if hasattr(arguments, "example") and arguments.data is None and arguments.example is None:
                arguments.command_parser.error(_NO_DATA)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        status: int = arguments.run(arguments, out, err)
    except AmbiguousNameError as error:
        print(f"{PROGRAM}: error: {_ambiguity(error, arguments)}", file=err)
        return EXIT_ERROR
    except DrawingTooLargeError as error:
        print(f"{PROGRAM}: error: {_too_large(error)}", file=err)
        return EXIT_ERROR
    except OrgModelError as error:
        print(f"{PROGRAM}: error: {error}", file=err)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`orgmodel events | head`): not an error of ours.  Point stdout at
        # /dev/null so that Python's flush at exit does not complain again.
        if raw_out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except OSError as error:
        print(f"{PROGRAM}: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        # Ctrl-C: whatever was being built or drawn is dropped (a drawing is written whole or not at all).
        print(f"\n{PROGRAM}: interrupted", file=err)
        return EXIT_INTERRUPTED
    return status


def _too_large(error: DrawingTooLargeError) -> str:
    """The refusal of a drawing too large, with what to do worded for the command line."""
    return (
        f"this drawing would have {error.boxes:,} boxes, more than the {error.limit:,} drawn without asking: "
        "Graphviz would take minutes over it, and the picture could not be read — draw part of it "
        "(--root UNIT, --depth N), print it as text (leave out -o), or add --force to draw it anyway"
    )


def _ambiguity(error: AmbiguousNameError, arguments: argparse.Namespace) -> str:
    """The error's message with its hint (after the last dash, worded for Python) worded for this command."""
    found = str(error).rpartition(" — ")[0] or str(error)
    if getattr(arguments, "on", None) is None and hasattr(arguments, "on"):
        return f"{found} — give the id (or, for a name used at different times, the day with --on DAY)"
    return f"{found} — give the id"


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())
