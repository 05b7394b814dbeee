"""The explorer page in a real browser: headless Chromium, driven by Playwright, the page opened from disk.

Skipped, with the reason, where Chromium or Playwright is missing (see
tests/browser.py; ``.ci/run`` installs both).  Every test fails on any error
the page logs to the console.  ``ORGMODEL_SCREENSHOTS=1`` writes the
screenshots into docs/images for the docs; otherwise they go to a temporary
folder.  The redraw time at 1,000 units is printed, never asserted.
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import orgmodel as om
from orgmodel import examples, strategies

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import browser  # noqa: E402 - the repository root comes first
from tests.test_explorer import revised_it  # noqa: E402

#: CI sets this: there, a missing browser is a failure, not a reason to skip.
REQUIRED = os.environ.get("ORGMODEL_REQUIRE_BROWSER") == "1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        browser.missing() is not None and not REQUIRED, reason=f"browser tests skipped: {browser.missing()}"
    ),
]

BEFORE, AFTER = "2014-12-31", "2015-01-01"
RENAMED = "samordnings-och-utvecklingsenheten"  # Förnyelseenheten from 2015-01-01
VIEWPORT = {"width": 1280, "height": 760}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if browser.missing() is not None:
        pytest.fail(f"ORGMODEL_REQUIRE_BROWSER=1 but {browser.missing()}")
    with browser.chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def nacka() -> om.Timeline:
    return examples.nacka()


@pytest.fixture(scope="module")
def nacka_file(tmp_path_factory: pytest.TempPathFactory, nacka: om.Timeline) -> Path:
    return nacka.explore(title=examples.NACKA_TITLE).save(tmp_path_factory.mktemp("page") / "nacka.html")


class Page:
    """One browser tab on an explorer page, collecting whatever the page logs as an error."""

    def __init__(self, tab: Any, url: str) -> None:
        self.tab = tab
        self.url = url
        self.errors: list[str] = []
        tab.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, fragment: str = "") -> Page:
        self.tab.goto(self.url + fragment)
        self.tab.wait_for_function("window.orgmodelExplorer !== undefined")
        return self

    def box(self, unit: str) -> Any:
        return self.tab.locator(f'#boxes .box[data-id="{unit}"]')

    def name_in_box(self, unit: str) -> str:
        return str(self.box(unit).locator(".name").inner_text())

    def badges(self, unit: str) -> list[str]:
        """The kinds of change marked on a unit's box (each badge's class names its kind)."""
        classes = self.box(unit).locator(".tabs .badge").evaluate_all("(badges) => badges.map((b) => b.className)")
        return [name[3:] for names in classes for name in names.split() if name.startswith("ch-")]

    def date(self) -> str:
        return str(self.tab.input_value("#date"))

    def panel_row(self, heading: str) -> str:
        return str(self.tab.locator("#panel table.today tr", has_text=heading).first.locator("td").inner_text())

    def search(self, text: str) -> None:
        self.tab.fill("#search", text)
        self.tab.keyboard.press("Enter")

    def positions(self) -> dict[str, tuple[str, str]]:
        """Where each shown box is: its left and top, in the page's own (unzoomed) pixels."""
        found: dict[str, tuple[str, str]] = self.tab.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('#boxes .box:not([hidden])')]
                 .map((box) => [box.dataset.id, [box.style.left, box.style.top]]))"""
        )
        return {key: tuple(value) for key, value in found.items()}  # type: ignore[misc]


@pytest.fixture
def page(chromium: Any, nacka_file: Path) -> Iterator[Page]:
    context = chromium.new_context(viewport=VIEWPORT)
    tab = Page(context.new_page(), nacka_file.as_uri())
    yield tab
    context.close()
    assert tab.errors == [], "the page logged errors"


class TestSlider:
    def test_stepping_into_2015_renames_moves_and_establishes(self, page: Page, nacka: om.Timeline):
        """From 2014-12-31 one step forward: förnyelseenheten's new name, and each change marked on its box."""
        page.open(f"#day={BEFORE}")
        assert page.name_in_box(RENAMED) == nacka.at(BEFORE)[RENAMED].name
        page.tab.click("#step-forward")
        assert page.date() == AFTER
        assert page.name_in_box(RENAMED) == nacka.at(AFTER)[RENAMED].name == "Förnyelseenheten"
        assert "renamed" in page.badges(RENAMED)
        assert page.box(RENAMED).locator(".sub s").inner_text() == nacka.at(BEFORE)[RENAMED].name
        diff = nacka.diff(BEFORE, AFTER)
        units = diff.after.units
        moved = [entry.subject for entry in diff.of_kind("moved") if entry.subject in units]
        new = [entry.subject for entry in diff.of_kind("established") if entry.subject in units]
        assert moved
        assert new
        for unit in moved:
            assert "moved" in page.badges(unit), unit
        for unit in new:
            assert "established" in page.badges(unit), unit
        unchanged = next(unit for unit in units if not page.badges(unit) and unit not in moved + new)
        assert "ch" not in page.box(unit=unchanged).get_attribute("class").split()

    def test_the_keyboard_steps_and_jumps(self, page: Page, nacka_file: Path):
        """→ steps forward, ← back, Home and End go to the first and last day."""
        days = om.examples.nacka().explore().data["days"]
        page.open(f"#day={BEFORE}")
        page.tab.locator("#viewport").click(position={"x": 5, "y": 5})
        page.tab.keyboard.press("ArrowRight")
        assert page.date() == AFTER
        page.tab.keyboard.press("ArrowLeft")
        assert page.date() == BEFORE
        page.tab.keyboard.press("Home")
        assert page.date() == days[0]
        page.tab.keyboard.press("End")
        assert page.date() == days[-1]

    def test_play_steps_through_the_days_until_paused(self, page: Page):
        """Play steps forward on its own, day after day; pause stops it where it is."""
        days = om.examples.nacka().explore().data["days"]
        page.open(f"#day={BEFORE}")
        page.tab.click("#play")
        page.tab.wait_for_function(f"document.querySelector('#date').value === '{AFTER}'", timeout=5000)
        page.tab.click("#play")
        stopped = page.date()
        page.tab.wait_for_timeout(1500)
        assert page.date() == stopped
        assert days.index(stopped) >= days.index(AFTER)
        assert page.tab.inner_text("#play") == "play"

    def test_any_day_from_the_date_box(self, page: Page, nacka: om.Timeline):
        """A day between two steps shows the organisation as on the step before, with no change marked."""
        page.open(f"#day={AFTER}")
        page.tab.fill("#date", "2015-01-15")
        page.tab.locator("#date").dispatch_event("change")
        assert page.date() == "2015-01-15"
        assert page.name_in_box(RENAMED) == nacka.at("2015-01-15")[RENAMED].name
        assert page.tab.locator("#boxes .box:not([hidden]) .tabs").count() == 0
        assert "nothing changes on this day" in page.tab.inner_text("#day-note")

    def test_every_unit_keeps_its_place_on_every_day(self, page: Page, nacka: om.Timeline):
        """Stable positions: stepping through the whole period, a box never moves."""
        data = nacka.explore().data
        page.open(f"#day={data['days'][0]}")
        seen: dict[str, set[tuple[str, str]]] = {}
        for day in data["days"]:
            assert page.date() == day
            for unit, where in page.positions().items():
                seen.setdefault(unit, set()).add(where)
            if day != data["days"][-1]:
                page.tab.click("#step-forward")
        assert {unit: places for unit, places in seen.items() if len(places) > 1} == {}
        assert set(seen) == {key for key, record in data["entities"].items() if record["type"] == "unit"}


class TestSearchAndPanel:
    def test_markfragor_has_its_owner_of_each_day(self, page: Page, nacka: om.Timeline):
        """Search "markfrågor": the panel shows who owns it, before and after it moved."""
        page.open(f"#day={BEFORE}")
        page.search("markfrågor")
        assert page.tab.inner_text("#panel h2").startswith("Markfrågor")
        assert page.panel_row("Owner") == nacka.owner_of("markfrågor", on=BEFORE).name
        page.tab.click("#step-forward")
        assert page.panel_row("Owner") == nacka.owner_of("markfrågor", on=AFTER).name
        assert page.panel_row("Owner") != nacka.owner_of("markfrågor", on=BEFORE).name
        owner = nacka.at(AFTER).owner_of("markfrågor").id
        assert "function-transferred" in page.badges(owner)

    def test_search_finds_a_former_name(self, page: Page):
        """A name a unit no longer has still finds it, and the list says what it is called now."""
        page.open(f"#day={AFTER}")
        page.tab.fill("#search", "samordnings- och utv")
        first = page.tab.locator("#results li").first
        assert "now Förnyelseenheten" in first.inner_text()
        page.tab.keyboard.press("Enter")
        assert page.tab.inner_text("#panel h2").startswith("Förnyelseenheten")
        assert "selected" in page.box(RENAMED).get_attribute("class").split()

    def test_a_clicked_unit_shows_its_history_with_the_source_quotes(self, page: Page, nacka: om.Timeline):
        """Click a unit: its history, each fact with the quote from the report it comes from."""
        page.open(f"#day={AFTER}")
        page.box(RENAMED).locator(".name").click()
        assert page.tab.inner_text("#panel h2").startswith("Förnyelseenheten")
        history = page.tab.locator("#panel ol.history > li")
        facts = nacka.history(RENAMED)
        assert history.count() == len(facts)
        rename = next(fact for fact in facts if fact.attribute == "name" and fact.label == "Förnyelseenheten")
        assert rename.source is not None
        assert rename.source.quote
        shown = history.nth(list(facts).index(rename))
        assert shown.locator("blockquote").inner_text() == rename.source.quote
        assert rename.source.cite() in shown.locator(".cite").inner_text()

    def test_lineage_links_lead_to_the_successor(self, page: Page, nacka: om.Timeline):
        """Ekonomienheten's lineage links to the units it was split into; a click goes there, on a day it exists."""
        page.open("#day=2014-06-30&select=ekonomienheten")
        successor = nacka.lineage("ekonomienheten").descendants[0]
        page.tab.locator(f'#panel a[data-ref="{successor}"]').first.click()
        name = nacka.history(successor).names()[0].value
        assert page.tab.inner_text("#panel h2").startswith(str(name))
        assert page.date() == "2014-07-01"

    def test_who_held_a_post_links_to_the_person_and_back(self, page: Page, nacka: om.Timeline):
        """A post's panel lists who held it over the period; the holder's panel lists the posts she held."""
        page.open(f"#day={AFTER}&select=stadsdirektor")
        held = page.tab.locator("#panel ul.held > li")
        holders = [fact for fact in nacka.history("stadsdirektor") if fact.attribute == "holder"]
        assert held.count() == len(holders)
        assert "Lena Dahlstedt" in held.first.inner_text()
        held.first.locator('a[data-ref="lena-dahlstedt"]').click()
        assert page.tab.inner_text("#panel h2").startswith("Lena Dahlstedt")
        assert "Stadsdirektör" in page.tab.inner_text("#panel ul.held")

    def test_the_url_keeps_the_day_and_the_selection(self, page: Page, chromium: Any):
        """The fragment follows the view; opening the link again gives the same view."""
        page.open(f"#day={BEFORE}")
        page.search("markfrågor")
        page.tab.click("#step-forward")
        page.tab.wait_for_function(f"location.hash === '#day={AFTER}&select=markfragor'")
        again = Page(chromium.new_page(viewport=VIEWPORT), page.tab.url).open()
        assert again.date() == AFTER
        assert again.tab.inner_text("#panel h2").startswith("Markfrågor")
        assert again.errors == []

    def test_a_subtree_collapses_and_expands(self, page: Page, nacka: om.Timeline):
        """The fold button under a unit hides what lies below it, and shows it again."""
        page.open(f"#day={AFTER}")
        below = [unit.id for unit in nacka.at(AFTER).descendants("slk")]
        page.tab.click('.fold[data-fold="slk"]')
        assert all(page.box(unit).is_hidden() for unit in below)
        assert page.tab.inner_text('.fold[data-fold="slk"]').startswith("+")
        page.tab.click('.fold[data-fold="slk"]')
        assert all(page.box(unit).is_visible() for unit in below)

    def test_the_wheel_zooms_a_drag_pans_and_0_fits(self, page: Page):
        """Zoom about the pointer, pan by dragging (without selecting what the drag began on), fit with 0."""
        page.open(f"#day={AFTER}")

        def zoom() -> dict[str, float]:
            return dict(page.tab.evaluate("() => ({...window.orgmodelExplorer.view.zoom})"))

        page.tab.keyboard.press("0")
        fitted = zoom()
        box = page.box(RENAMED).bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.tab.mouse.move(x, y)
        page.tab.mouse.wheel(0, -400)
        page.tab.wait_for_function(f"window.orgmodelExplorer.view.zoom.k > {fitted['k']}")
        after = page.box(RENAMED).bounding_box()
        assert after is not None
        assert after["width"] > box["width"]
        # The point under the pointer stays under it.
        assert after["x"] <= x <= after["x"] + after["width"]
        zoomed = zoom()
        page.tab.mouse.down()
        page.tab.mouse.move(x + 120, y + 60, steps=5)
        page.tab.mouse.up()
        panned = zoom()
        assert (panned["x"] - zoomed["x"], panned["y"] - zoomed["y"]) == (120, 60)
        assert "selected" not in (page.box(RENAMED).get_attribute("class") or "").split()
        page.tab.keyboard.press("0")
        assert zoom() == fitted


class TestPlansAndKnowledge:
    @pytest.fixture
    def revised(self, chromium: Any, tmp_path: Path) -> Iterator[Page]:
        """A page of IT-enheten's end first reported for 2015-01-01 then corrected, a cancelled rename, a plan."""
        path = revised_it().explore(title="revised").save(tmp_path / "revised.html")
        context = chromium.new_context(viewport=VIEWPORT)
        tab = Page(context.new_page(), path.as_uri())
        yield tab
        context.close()
        assert tab.errors == [], "the page logged errors"

    def test_a_planned_unit_is_hatched_and_says_so(self, revised: Page):
        """On the day the plan would take effect the box is dashed and hatched; the panel and each fact say planned."""
        revised.open("#day=2016-03-01&select=va")
        assert {"tentative", "planned"} <= set(revised.box("va").get_attribute("class").split())
        assert "(planned)" in revised.tab.inner_text("#panel h2")
        assert "only planned, not decided" in revised.tab.inner_text("#panel p.planned")
        facts = revised.tab.locator("#panel ol.history > li")
        assert facts.count() == len(revised_it().history("va"))
        assert all("(planned)" in text for text in facts.all_inner_texts())
        revised.open("#day=2013-01-01")
        assert "planned" not in revised.box("it").get_attribute("class").split()

    def test_what_was_set_aside_is_no_day_and_no_fact(self, revised: Page):
        """The slider steps from 2013 to the corrected end; the first report and the cancelled rename are
        listed apart under Set aside, never in the history."""
        revised.open("#day=2013-01-01&select=it")
        revised.tab.click("#step-forward")
        assert revised.date() == "2015-06-01"
        revised.open("#day=2015-03-01&select=it")
        assert revised.name_in_box("it") == "IT-enheten"
        history = revised.tab.inner_text("#panel ol.history")
        assert "2015-06-01" in history
        assert "Digitaliseringsenheten" not in history
        set_aside = revised.tab.locator("#panel ul.set-aside > li").all_inner_texts()
        assert len(set_aside) == 2
        assert "replacing Statusrapport" in set_aside[0]
        assert "Digitaliseringsenheten" in set_aside[1]


class TestNotebookAndFallback:
    def test_the_notebook_iframe_runs_the_page(self, page: Page, nacka: om.Timeline):
        """What a notebook shows: the page inside an iframe's srcdoc, working."""
        bundle = nacka.explore(day=AFTER)._repr_mimebundle_()
        page.tab.set_content(f"<!DOCTYPE html><html><body>{bundle['text/html']}</body></html>")
        frame = page.tab.frame_locator("iframe")
        assert frame.locator(f'#boxes .box[data-id="{RENAMED}"] .name').inner_text() == "Förnyelseenheten"

    def test_without_scripts_the_page_shows_the_chart_as_text(self, chromium: Any, nacka_file: Path):
        """Where scripts do not run, the page shows the day's chart as a text tree instead of empty controls."""
        context = chromium.new_context(java_script_enabled=False)
        tab = context.new_page()
        tab.goto(nacka_file.as_uri())
        assert tab.locator("#fallback").is_visible()
        assert "Stadsledningskontoret" in tab.inner_text("#fallback")
        assert not tab.locator("header").is_visible()
        context.close()


def test_screenshots_for_the_docs(page: Page, tmp_path: Path):
    """The pictures in docs/explorer.md: the step into 2015 with förnyelseenheten selected, and a search."""
    folder = ROOT / "docs" / "images" if os.environ.get("ORGMODEL_SCREENSHOTS") == "1" else tmp_path
    page.open(f"#day={BEFORE}&select={RENAMED}")
    page.tab.click("#step-forward")
    page.tab.click("#zoom-out")
    page.tab.click("#zoom-out")
    page.tab.wait_for_timeout(200)
    shots = [folder / "explorer-2015.png"]
    page.tab.screenshot(path=str(shots[0]))
    page.tab.fill("#search", "mark")
    shots.append(folder / "explorer-search.png")
    page.tab.screenshot(path=str(shots[1]), clip={"x": 0, "y": 0, "width": 1280, "height": 420})
    for shot in shots:
        assert shot.read_bytes().startswith(b"\x89PNG")


def test_redraw_time_at_1000_units(chromium: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Moving the slider one step at 1,000 units: the redraw time is measured and printed, not asserted."""
    from benchmarks.synthetic import Size, generate

    org = om.Timeline(generate(Size(units=1000, changes=1000), seed=1).entries)
    path = org.explore(day="1995-01-01").save(tmp_path / "synthetic.html")
    context = chromium.new_context(viewport=VIEWPORT)
    tab = Page(context.new_page(), path.as_uri()).open()
    figures = browser.measure_steps(tab.tab, 40)
    day = tab.date()
    context.close()
    assert tab.errors == []
    assert figures["boxes"] >= len(org.at(day).units)
    with capsys.disabled():
        print(
            f"\nexplorer at {len(org.at('1995-01-01').units)} units: one slider step redraws in "
            f"{statistics.median(figures['script']):.1f} ms (median of 40; script, style and layout), "
            f"{statistics.median(figures['frame']):.1f} ms to the painted frame; "
            f"page {path.stat().st_size / 1e6:.1f} MB"
        )


def test_the_benchmark_runs(chromium: Any, capsys: pytest.CaptureFixture[str]):
    """benchmarks/explorer.py at a tiny size: it builds both pages and prints its redraw figures."""
    from benchmarks import explorer

    assert explorer.main(["--units", "30", "--changes", "60", "--steps", "3"], chromium=chromium) == 0
    printed = capsys.readouterr().out
    assert "Nacka: page" in printed
    assert "one slider step, to the painted frame: median" in printed


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(strategies.timelines(names=strategies.names(unusual=True), max_events=20))
def test_any_timeline_steps_and_selects_without_an_error(chromium: Any, tmp_path: Path, timeline: om.Timeline):
    """Whatever the history and the names, the page steps through every day and shows every entity's panel
    without a script error, and each day shows exactly that day's units."""
    path = timeline.explore(title="test").save(tmp_path / "any.html")
    data = timeline.explore().data
    context = chromium.new_context(viewport=VIEWPORT)
    tab = Page(context.new_page(), path.as_uri())
    try:
        tab.open(f"#day={data['days'][0]}" if data["days"] else "")
        for number, day in enumerate(data["days"]):
            shown = tab.tab.evaluate(
                "() => [...document.querySelectorAll('#boxes .box:not([hidden]):not(.ghost)')].map((b) => b.dataset.id)"
            )
            assert sorted(shown) == sorted(timeline.at(day).units), day
            for key in list(data["entities"])[:12]:
                tab.tab.evaluate("(key) => window.orgmodelExplorer.select(key)", key)
            if number + 1 < len(data["days"]):
                tab.tab.click("#step-forward")
        tab.search(next(iter(data["entities"]), "x")[:3])
    finally:
        context.close()
    assert tab.errors == []
