"""The explorer page's data and file, without a browser (tests/test_explorer_browser.py drives the page).

The data is checked against the model it exports: on every slider day, the
states, flags and relations read back from the payload are the chart of that
day, and the marks are that step's diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat

import pytest
from hypothesis import given, settings

import orgmodel as om
from orgmodel import examples, strategies
from orgmodel._cli import main
from orgmodel._explore._page import notebook_html
from orgmodel._explore._payload import PLANNED, UNCERTAIN, build_payload, entity_state, event_row
from orgmodel.explorer import Explorer, slider_days


def run_at(runs, index):
    """The value of a run list on a day index: what the page's runAt does."""
    found = None
    for start, value in runs:
        if start <= index:
            found = value
    return found


def states_on(data, index):
    """Every entity's state on a day index, read back from the payload."""
    return {key: run_at(record["states"], index) for key, record in data["entities"].items()}


def assert_payload_matches(org: om.Timeline, data) -> None:
    """On every slider day, the payload reads back as the chart of that day, and its marks are the step's diff."""
    days = slider_days(org)
    assert data["days"] == [day.isoformat() for day in days]
    for index, day in enumerate(days):
        chart = org.at(day)
        present = {key: state for key, state in states_on(data, index).items() if state is not None}
        assert present == {key: entity_state(entity) for key, entity in chart.entities.items()}, day
        flags = {key: run_at(record["flags"], index) or 0 for key, record in data["entities"].items()}
        expected = {
            key: (UNCERTAIN if key in chart.uncertain else 0) | (PLANNED if key in chart.planned else 0)
            for key in data["entities"]
        }
        assert flags == expected, day

        def name_of(ref: str, chart: om.OrgChart = chart) -> str:
            return repr(getattr(chart.get(ref), "name", ref))

        for key in chart.uncertain:
            uncertainty = chart.uncertainty(key)
            words = uncertainty.describe(name_of) if uncertainty else ""
            assert (run_at(data["entities"][key].get("notes", []), index) or "") == words, (day, key)
        relations = {
            (rel["kind"], rel["source"], rel["target"], run_at(rel["states"], index)["note"])
            for rel in data["relations"]
            if run_at(rel["states"], index) is not None
        }
        assert relations == {(r.kind.value, r.source, r.target, r.note) for r in chart.relations}, day
        previous = days[index - 1] if index else day - dt.timedelta(days=1)
        diff = org.diff(previous, day)
        assert [mark["kind"] for mark in data["marks"][index]] == [entry.kind.value for entry in diff], day
        assert [mark["text"] for mark in data["marks"][index]] == [entry.describe() for entry in diff], day


def assert_union_tree(data) -> None:
    """Every unit sits once in the union tree, under a parent it had at some time, and no unit is above itself."""
    tree = data["tree"]
    units = {key for key, record in data["entities"].items() if record["type"] == "unit"}
    placed = list(tree["roots"]) + [kid for kids in tree["children"].values() for kid in kids]
    assert sorted(placed) == sorted(units)
    parent = {kid: key for key, kids in tree["children"].items() for kid in kids}
    for kid, key in parent.items():
        had = {state["parent"] for _, state in data["entities"][kid]["states"] if state is not None}
        assert key in had
    for unit in units:
        seen = set()
        node = unit
        while node in parent:
            assert node not in seen, f"a cycle through {unit}"
            seen.add(node)
            node = parent[node]


@pytest.fixture(scope="module")
def nacka_page() -> Explorer:
    return examples.nacka().explore(title=examples.NACKA_TITLE)


class TestSliderDays:
    def test_a_window_gives_its_first_and_last_day(self):
        """An event dated in a window may happen from its first day and surely has by its last: both are steps."""
        window = om.When.parse("våren 2015")
        org = om.Timeline([om.Establish(om.Unit("u", "A"), on=window)])
        assert slider_days(org) == (window.earliest, window.latest)
        assert window.earliest < window.latest

    def test_open_bounds_name_no_day(self):
        """'by 2014-11-24' gives only its last day; 'from 2014-03-05' only its first."""
        org = om.Timeline(
            [om.Establish(om.Unit("u", "A"), on="../2014-11-24"), om.Establish(om.Unit("v", "B"), on="2014-03-05/..")]
        )
        assert slider_days(org) == (dt.date(2014, 3, 5), dt.date(2014, 11, 24))

    def test_an_empty_timeline_has_no_days(self):
        """Nothing recorded, nothing to step through; the page still writes."""
        assert slider_days(om.Timeline()) == ()
        assert "<!DOCTYPE html>" in om.Timeline().explore().html()

    def test_what_was_cancelled_or_replaced_gives_no_day(self):
        """A change set aside never happens: neither its day nor the replaced date is a step."""
        org = revised_it()
        assert slider_days(org) == (dt.date(2013, 1, 1), dt.date(2015, 6, 1), dt.date(2016, 3, 1))


def revised_it() -> om.Timeline:
    """IT-enheten's end first reported for 2015-01-01, then corrected to 2015-06-01; a unit whose plan was cancelled."""
    report = om.Source("Statusrapport", dated="2014-11-24", quote="IT-enheten upphör vid årsskiftet")
    minutes = om.Source("KS protokoll", dated="2015-02-10")
    return om.Timeline(
        [
            om.Establish(om.Unit("it", "IT-enheten"), on="2013-01-01"),
            om.Change("2015-01-01", [om.Dissolve("it")], id="it-ends", source=report),
            om.Change("2015-06-01", [om.Dissolve("it")], corrects="it-ends", source=minutes),
            om.Change("2016-01-01", [om.Rename("it", "Digitaliseringsenheten")], status="cancelled"),
            om.Establish(om.Unit("va", "VA-bolag", kind="company"), on="2016-03-01", status="planned"),
        ]
    )


class TestKnowledge:
    def test_set_aside_changes_are_listed_apart_never_as_facts(self):
        """The corrected date is the fact; the first report and the cancelled rename are only listed as set aside."""
        org = revised_it()
        data = build_payload(org)
        assert [fact["label"] for fact in data["history"]["it"]] == [fact.label for fact in org.history("it")]
        assert {fact.get("to") for fact in data["history"]["it"]} == {"2015-06-01"}
        corrected, cancelled = data["setAside"]["it"]
        assert "2015-01-01" in corrected
        assert "replacing Statusrapport" in corrected
        assert "cancelled" in cancelled
        assert "Digitaliseringsenheten" in cancelled
        assert "Digitaliseringsenheten" not in data["entities"]["it"]["names"]
        assert_payload_matches(org, data)

    def test_planned_facts_and_lineage_say_so(self):
        """A planned unit is flagged planned on its days, and each fact it rests on is marked planned."""
        org = revised_it()
        data = build_payload(org)
        assert data["entities"]["va"]["flags"] == [[data["days"].index("2016-03-01"), PLANNED]]
        assert [fact.get("planned", False) for fact in data["history"]["va"]] == [
            fact.status is om.Status.PLANNED for fact in org.history("va")
        ]
        assert all(fact.get("planned") for fact in data["history"]["va"])
        assert not any(fact.get("planned") for fact in data["history"]["it"])

    def test_a_cancelled_succession_is_no_mark(self):
        """A succession first reported then cancelled: the step shows the new unit, and no succession."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2013-01-01"),
                om.Establish(om.Unit("b", "B"), on="2013-01-31"),
                om.Change("2013-01-31", [om.Succeed("a", "b")], id="link"),
                om.Change("2013-01-31", [om.Succeed("a", "b")], corrects="link", status="cancelled"),
            ]
        )
        marks = build_payload(org)["marks"][1]
        assert [mark["kind"] for mark in marks] == ["established"]
        assert not org.lineage("b").predecessors

    @settings(max_examples=30, deadline=None)
    @given(strategies.revised_timelines(max_events=15))
    def test_any_revised_timeline_shows_only_what_applies(self, org):
        """Known in stages: the payload is still every day's chart; every event it shows is one that applies."""
        data = build_payload(org)
        assert_payload_matches(org, data)
        applied = [json.dumps(event_row(event)) for change in org.applied_changes for event in change.events]
        assert all(json.dumps(row) in applied for row in data["events"])
        for key, lines in data["setAside"].items():
            history = org.history(key)
            assert lines
            assert len(lines) == len(history.set_aside)
            assert all(line in str(history) for line in lines)


class TestPayload:
    def test_nacka_reads_back_as_its_charts_and_diffs(self, nacka_page):
        """Every slider day of Nacka: the payload is the chart of that day, its marks the step's diff."""
        assert_payload_matches(examples.nacka(), nacka_page.data)

    @settings(max_examples=40, deadline=None)
    @given(strategies.timelines(max_events=25))
    def test_any_timeline_reads_back_as_its_charts_and_diffs(self, org):
        """The same for generated timelines (imprecise dates, planned changes, merges and splits)."""
        assert_payload_matches(org, build_payload(org))

    @settings(max_examples=40, deadline=None)
    @given(strategies.timelines(max_events=25))
    def test_the_union_tree_holds_every_unit_once(self, org):
        """The layout's tree: each unit once, under a parent it really had, without cycles."""
        assert_union_tree(build_payload(org))

    def test_a_moved_unit_sits_under_the_parent_it_had_longest(self):
        """One place per unit for the whole period: the parent of most slider days."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2014-01-01"),
                om.Establish(om.Unit("b", "B"), on="2014-01-01"),
                om.Establish(om.Unit("c", "C", parent="a"), on="2014-01-01"),
                om.Move("c", "b", on="2014-06-01"),
                om.Rename("a", "A2", on="2014-07-01"),
                om.Rename("b", "B2", on="2014-08-01"),
            ]
        )
        assert build_payload(org)["tree"]["children"] == {"b": ["c"]}

    def test_two_units_that_swap_places_make_no_cycle(self):
        """a under b, then b under a: the tree breaks the cycle and keeps both."""
        org = om.Timeline(
            [
                om.Establish(om.Unit("a", "A"), on="2014-01-01"),
                om.Establish(om.Unit("b", "B", parent="a"), on="2014-01-01"),
                om.Change("2014-06-01", [om.Move("b", None), om.Move("a", "b")]),
            ]
        )
        assert_union_tree(build_payload(org))

    def test_every_fact_in_the_history_has_its_event_and_source(self, nacka_page):
        """The side panel's history is org.history(), each fact with the quote of the event that began it."""
        org, data = examples.nacka(), nacka_page.data
        facts = data["history"]["samordnings-och-utvecklingsenheten"]
        expected = org.history("samordnings-och-utvecklingsenheten")
        assert [(fact["attribute"], fact["label"]) for fact in facts] == [(f.attribute, f.label) for f in expected]
        rename = next(fact for fact in facts if fact["label"] == "Förnyelseenheten")
        quote = next(f.source.quote for f in expected if f.label == "Förnyelseenheten" and f.source is not None)
        assert data["events"][rename["began"]]["quote"] == quote

    def test_search_knows_every_name_a_unit_had(self, nacka_page):
        """A renamed unit is found by its old name and its new."""
        names = nacka_page.data["entities"]["samordnings-och-utvecklingsenheten"]["names"]
        assert {"Samordnings- och utvecklingsenheten", "Förnyelseenheten"} <= set(names)

    def test_lineage_links_are_the_timelines(self, nacka_page):
        """Ekonomienheten led to the two units it was split into."""
        data = nacka_page.data
        after = [data["links"][k]["to"] for k in data["lineage"]["ekonomienheten"]["after"]]
        assert after == list(examples.nacka().lineage("ekonomienheten").descendants)

    def test_a_post_lists_its_holders_with_roles(self):
        """The page reads holders as a list (a post with several seats fits the same shape)."""
        post = om.Post("p", "Enhetschef", unit="u", heads=True, holder="kpb")
        assert entity_state(post)["holders"] == [{"person": "kpb", "roles": []}]
        assert entity_state(om.Post("q", "Controller"))["holders"] == []

    def test_the_page_opens_on_the_day_asked_for(self):
        """``day`` picks the slider day in force then; by default the last one up to today."""
        org = om.Timeline([om.Establish(om.Unit("u", "A"), on="2014-01-01"), om.Rename("u", "B", on="2015-01-01")])
        assert org.explore(day="2014-06-01").data["start"] == 0
        assert org.explore().data["start"] == 1


class TestPage:
    def test_nacka_page_is_under_2_mb(self, nacka_page):
        """The issue's bound on the page's size."""
        assert len(nacka_page.html().encode()) < 2_000_000

    def test_the_page_fetches_nothing(self, nacka_page):
        """Self-contained: no external script, style, image or font; everything is inline."""
        page = nacka_page.html()
        assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", page)
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
        assert "@import" not in page

    def test_the_data_in_the_page_reads_back(self, nacka_page):
        """The JSON block holds the payload exactly."""
        page = nacka_page.html()
        block = re.search(r'<script type="application/json" id="orgmodel-data">(.*?)</script>', page, re.DOTALL)
        assert block is not None
        assert json.loads(block.group(1)) == json.loads(json.dumps(nacka_page.data))

    @given(strategies.names(unusual=True))
    def test_no_name_can_end_the_data_block_early(self, name):
        """A name with ``</script>`` in it stays inside the JSON block."""
        page = om.Timeline([om.Establish(om.Unit("u", name), on="2015-01-01")]).explore(title=name).html()
        block = re.search(r'<script type="application/json" id="orgmodel-data">(.*?)</script>', page, re.DOTALL)
        assert block is not None
        assert json.loads(block.group(1))["entities"]["u"]["names"] == [name]

    def test_the_script_ships_with_its_licence(self, nacka_page):
        """The page's JavaScript is orgmodel's own, under its MIT licence, with no dependency."""
        page = nacka_page.html()
        assert "MIT License" in page
        assert "Permission is hereby granted" in page

    def test_without_script_the_page_shows_the_chart_as_text(self, nacka_page):
        """Where scripts do not run, the fallback is the text tree of the day the page opens on."""
        day = nacka_page.data["days"][nacka_page.data["start"]]
        fallback = re.search(r'<div id="fallback">\s*<pre>(.*?)</pre>', nacka_page.html(), re.DOTALL)
        assert fallback is not None
        assert f"The organisation on {day}" in fallback.group(1)
        assert "Stadsledningskontoret" in fallback.group(1)

    def test_save_writes_the_page_whole(self, tmp_path, nacka_page):
        """save() writes the file through a temporary one and leaves nothing else behind."""
        path = nacka_page.save(tmp_path / "nacka.html")
        assert path.read_text(encoding="utf-8") == nacka_page.html()
        assert [entry.name for entry in tmp_path.iterdir()] == ["nacka.html"]
        mask = os.umask(0)
        os.umask(mask)
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


class TestNotebook:
    def test_the_bundle_has_the_page_a_picture_and_text(self, nacka_page):
        """Front ends show the richest they can: the page in an iframe, else the drawing, else the text tree."""
        bundle = nacka_page._repr_mimebundle_()
        assert set(bundle) == {"text/html", "image/svg+xml", "text/plain"}
        assert bundle["text/html"].startswith("<iframe srcdoc=")
        assert bundle["image/svg+xml"].startswith("<?xml")
        assert "Stadsledningskontoret" in bundle["text/plain"]

    def test_the_iframe_holds_the_page_escaped(self):
        """The srcdoc attribute is the page, escaped, so no quote ends it early."""
        page = "<p title=\"a\">&amp; 'b'</p>"
        html = notebook_html(page)
        inner = re.fullmatch(r'<iframe srcdoc="([^"]*)" style="[^"]*" title="[^"]*"></iframe>', html)
        assert inner is not None
        import html as html_module

        assert html_module.unescape(inner.group(1)) == page

    def test_a_notebook_kernel_shows_the_page(self):
        """Run in a real kernel, ``org.explore()`` on a cell's last line displays the page, a picture and text."""
        nbformat = pytest.importorskip("nbformat", reason="the test extra is not installed")
        nbclient = pytest.importorskip("nbclient", reason="the test extra is not installed")
        pytest.importorskip("ipykernel", reason="the test extra is not installed")
        code = 'import orgmodel as om\nom.examples.nacka().explore(day="2015-01-01")'
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
        (output,) = notebook.cells[0].outputs
        assert output.output_type == "execute_result"
        assert output.data["text/html"].startswith("<iframe srcdoc=")
        assert output.data["image/svg+xml"].startswith("<?xml")
        assert "The organisation on 2015-01-01" in output.data["text/plain"]


class TestCommandLine:
    def test_explore_writes_the_page(self, tmp_path, capsys):
        """``orgmodel explore --example nacka -o nacka.html`` writes Nacka's page, titled as the data set."""
        assert main(["explore", "--example", "nacka", "-o", str(tmp_path / "nacka.html"), "--at", "2015-01-01"]) == 0
        page = (tmp_path / "nacka.html").read_text(encoding="utf-8")
        assert "<title>Nacka kommun 2013–2016</title>" in page
        assert capsys.readouterr().out == f"wrote {tmp_path / 'nacka.html'}\n"

    def test_explore_reads_a_file(self, tmp_path):
        """``--data FILE`` explores that file; the title is the file's name unless given."""
        data = tmp_path / "small.yaml"
        om.save(om.Timeline([om.Establish(om.Unit("u", "Enheten"), on="2015-01-01")]), data)
        assert main(["explore", "--data", str(data), "-o", str(tmp_path / "small.html")]) == 0
        assert "<title>small</title>" in (tmp_path / "small.html").read_text(encoding="utf-8")

    @pytest.mark.parametrize("name", ["org.svg", "org", "org.html.txt"])
    def test_explore_wants_an_html_file(self, tmp_path, capsys, name):
        """The page is HTML: another file name is refused, not guessed at."""
        assert main(["explore", "--example", "nacka", "-o", str(tmp_path / name)]) == 1
        assert "-o must end in .html" in capsys.readouterr().err
        assert not (tmp_path / name).exists()


def test_explorer_is_a_value_of_its_timeline():
    """Two explorers of one timeline with the same options are equal; the data is built once and kept."""
    org = examples.nacka()
    first, second = org.explore(title="t"), org.explore(title="t")
    assert first == second
    assert first.data is first.data
