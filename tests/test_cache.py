"""Caches of validated timelines: reopened equal to what was saved, never trusted when they cannot be vouched for."""

from __future__ import annotations

import datetime as dt
import json
import os
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import _cache, _files
from orgmodel import strategies as oms
from orgmodel._cachedlog import LAZY, ON_FIRST_USE
from orgmodel._log import AppliedLog, Versions
from orgmodel._writes import Writes


@pytest.fixture(autouse=True, scope="module")
def _own_key_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Sign with a key of this module's own, not the key in the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("caches")


def _plain(value: Any) -> Any:
    """A log's table as plain values, comparable with ``==``."""
    if isinstance(value, Versions):
        len(value)  # a reopened log's versions are read on first use
        return ("versions", value.default, list(value.items), None if value.tail is None else list(value.tail))
    if isinstance(value, Writes):
        return ("writes", list(value.positions), list(value.keys), list(value.olds), list(value.news))
    if isinstance(value, array):
        return list(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, Sequence)) and not isinstance(value, str):  # a reopened log's are Sequences
        return [_plain(item) for item in value]
    return value


def assert_same_log(reopened: AppliedLog, original: AppliedLog) -> None:
    """Every table of the two logs equal, the record's changes being the log's own, and the indexes built on use."""
    for name in ON_FIRST_USE:  # a reopened log reads these tables when first asked for them
        assert name in vars(original)
        getattr(reopened, name)
    built = set(vars(original)) - LAZY  # the indexes built on first use are compared below
    assert set(vars(reopened)) - LAZY == built
    for name in sorted(built - {"record"}):
        assert _plain(getattr(reopened, name)) == _plain(getattr(original, name)), name
    record, expected = reopened.record, original.record
    assert record.by_id == expected.by_id
    assert record.corrected_by == expected.corrected_by

    # The record holds the log's own changes (with_events tells a known change by identity), as the original's.
    def own(log: AppliedLog) -> list[bool]:
        ids = {id(change) for change in log.changes}
        return [id(change) in ids for change in (*log.record.by_id.values(), *log.record.corrected_by.values())]

    assert own(reopened) == own(original)
    assert reopened.name_index.spans == original.name_index.spans
    assert reopened.name_index.names == original.name_index.names
    assert reopened.ended == original.ended
    assert reopened.mentions == original.mentions


def _days(timeline: om.Timeline) -> list[dt.date]:
    if not timeline.changes:
        return [dt.date(2013, 1, 1)]
    first, last = timeline.first_day, timeline.last_day
    return sorted({first, last, first + (last - first) / 2, last + dt.timedelta(days=1)})


def assert_reopens(timeline: om.Timeline, path: Path) -> None:
    om.save_cache(timeline, path)
    reopened = om.load_cache(path)
    assert reopened == timeline
    assert_same_log(reopened._log, timeline._log)
    for day in _days(timeline):
        assert reopened.at(day) == timeline.at(day)
    assert list(reopened.revisions()) == list(timeline.revisions())
    validated = om.load_cache(path, validate=True)
    assert validated == timeline
    if sorted(timeline._log.entries) == list(range(len(timeline.changes))):
        # Built from its changes again: the same log, but for the changes a lenient build left out.
        assert_same_log(validated._log, timeline._log)


@given(oms.timelines(max_events=25))
def test_a_reopened_timeline_is_the_timeline_saved(timeline: om.Timeline) -> None:
    assert_reopens(timeline, Path(os.environ["XDG_CACHE_HOME"], "generated.orgcache"))


@given(oms.revised_timelines())
def test_a_reopened_record_keeps_what_was_known_when(timeline: om.Timeline) -> None:
    assert_reopens(timeline, Path(os.environ["XDG_CACHE_HOME"], "revised.orgcache"))


def test_nacka_reopens_equal(folder: Path) -> None:
    assert_reopens(om.examples.nacka(), folder / "nacka.orgcache")


@given(oms.timelines(max_events=25), st.data())
def test_a_reopened_chart_reads_no_change_and_only_the_tables_it_needs(
    timeline: om.Timeline, data: st.DataObject
) -> None:
    """A chart on a reopened timeline is the saved one's, read from the snapshots and writes alone."""
    path = Path(os.environ["XDG_CACHE_HOME"], "charted.orgcache")
    om.save_cache(timeline, path)
    reopened = om.load_cache(path)
    assert not set(vars(reopened._log)) & ON_FIRST_USE
    day = data.draw(st.sampled_from(_days(timeline)))
    assert reopened.at(day) == timeline.at(day)
    assert reopened.edges(day) == timeline.edges(day)
    assert not reopened._log.changes._blocks._changes  # type: ignore[attr-defined]
    assert not set(vars(reopened._log)) & {"links", "last_seen", "record", "heads", "held", "tied"}


@given(oms.timelines(max_events=25))
def test_the_first_and_last_days_are_the_changes_and_a_reopened_timeline_reads_none(timeline: om.Timeline) -> None:
    changes = timeline.changes
    first = min((c.on.latest if c.on.has_open_start else c.on.earliest for c in changes), default=None)
    last = max((c.on.earliest if c.on.has_open_end else c.on.latest for c in changes), default=None)
    assert (timeline.first_day, timeline.last_day) == (first, last)
    path = Path(os.environ["XDG_CACHE_HOME"], "days.orgcache")
    om.save_cache(timeline, path)
    reopened = om.load_cache(path)
    assert (reopened.first_day, reopened.last_day) == (first, last)
    assert not reopened._log.changes._blocks._changes  # type: ignore[attr-defined]


def test_open_dates_name_their_known_bound_as_the_first_and_last_days(folder: Path) -> None:
    """A date with no earliest day gives its latest as the first day named; one with no latest, its earliest."""
    org = om.Timeline(
        [
            om.Establish(om.Unit("a", "A"), on="senast 2013"),
            om.Establish(om.Unit("b", "B"), on="2014-01-01"),
            om.Rename("b", "C", on="efter 5 mars 2015"),
        ]
    )
    reopened = om.load_cache(om.save_cache(org, folder / "open.orgcache"))
    for timeline in (org, reopened):
        assert (timeline.first_day, timeline.last_day) == (dt.date(2013, 12, 31), dt.date(2015, 3, 5))


def test_threads_reading_a_reopened_table_at_once_share_it(folder: Path) -> None:
    import threading

    path = om.save_cache(om.examples.nacka(), folder / "threads.orgcache")
    reopened = om.load_cache(path)._log
    found: list[object] = []
    start = threading.Barrier(4)

    def read() -> None:
        start.wait()
        found.append(reopened.versions)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4
    assert all(table is found[0] for table in found)


def test_a_lenient_timeline_reopens_with_what_it_left_out_still_left_out(folder: Path) -> None:
    timeline, errors = om.Timeline.lenient(
        [
            om.Establish(om.Unit("a", "A"), on="2015-01-01"),
            om.Change("2015-02-01", [om.Rename("b", "B")], id="wrong"),
            om.Rename("a", "A2", on="2015-03-01"),
        ]
    )
    assert errors
    assert_reopens(timeline, folder / "lenient.orgcache")


def _outcome(make: Callable[[], om.Timeline]) -> om.Timeline | str:
    """The timeline made, or the error that refused it (as text)."""
    try:
        return make()
    except om.errors.OrgModelError as error:
        return f"{type(error).__name__}: {error}"


@given(oms.revised_timelines(), st.data())
def test_adding_to_a_reopened_timeline_is_adding_to_the_original(timeline: om.Timeline, data: st.DataObject) -> None:
    path = Path(os.environ["XDG_CACHE_HOME"], "added.orgcache")
    om.save_cache(timeline, path)
    reopened = om.load_cache(path)
    plan = data.draw(oms.change_plans(timeline))
    # The same timeline, or the same error.
    assert _outcome(lambda: reopened.with_events(plan)) == _outcome(lambda: timeline.with_events(plan))
    if timeline.changes and timeline.changes[-1].id is not None:
        # A change again, by the same id: refused by both alike.
        again = om.Change(timeline.last_day, timeline.changes[-1].events, id=timeline.changes[-1].id)
        refused = _outcome(lambda: timeline.with_events(again))
        assert isinstance(refused, str)
        assert _outcome(lambda: reopened.with_events(again)) == refused


def test_corrections_added_to_a_reopened_timeline_build_it_again(folder: Path) -> None:
    timeline = om.Timeline(
        [
            om.Change("2014-01-01", [om.Establish(om.Unit("eko", "Ekonomi"))], id="first"),
            om.Change("2015-01-01", [om.Rename("eko", "Ekonomienheten")], id="rename"),
        ]
    )
    om.save_cache(timeline, folder / "corrected.orgcache")
    reopened = om.load_cache(folder / "corrected.orgcache")
    fix = om.Change("2015-01-01", [om.Rename("eko", "Ekonomikontoret")], corrects="rename", known="2015-02-01")
    assert reopened.with_events(fix) == timeline.with_events(fix)
    assert reopened.with_events(fix).at("2015-06-01").units["eko"].name == "Ekonomikontoret"


# --- what is not trusted ---------------------------------------------------------------------------------


def _saved(folder: Path, name: str) -> tuple[Path, bytes]:
    path = om.save_cache(om.examples.nacka(), folder / name)
    return path, path.read_bytes()


def _split(data: bytes) -> tuple[dict[str, Any], bytes]:
    end = data.index(b"\n", len(_cache.MAGIC))
    return json.loads(data[len(_cache.MAGIC) : end]), data[end + 1 :]


def _join(header: dict[str, Any], payload: bytes) -> bytes:
    return _cache.MAGIC + json.dumps(header).encode() + b"\n" + payload


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9, 0.999])
def test_a_changed_byte_is_an_error(folder: Path, where: float) -> None:
    path, data = _saved(folder, "tampered.orgcache")
    header, payload = _split(data)
    damaged = bytearray(payload)
    damaged[int(len(damaged) * where)] ^= 0x20
    path.write_bytes(_join(header, bytes(damaged)))
    with pytest.raises(om.CacheError, match="does not match its digest"):
        om.load_cache(path)


@pytest.mark.parametrize("keep", [0.0, 0.01, 0.5, 0.99])
def test_a_cache_cut_short_is_an_error(folder: Path, keep: float) -> None:
    path, data = _saved(folder, "cut.orgcache")
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(om.CacheError):
        om.load_cache(path)


def test_a_cache_of_another_format_version_is_an_error(folder: Path) -> None:
    path, data = _saved(folder, "version.orgcache")
    header, payload = _split(data)
    path.write_bytes(_join({**header, "format": _cache.VERSION + 1}, payload))
    with pytest.raises(om.CacheError, match=f"reads format {_cache.VERSION}"):
        om.load_cache(path)


def test_a_file_that_is_no_cache_is_an_error(folder: Path) -> None:
    path = folder / "nacka.yaml"
    om.save(om.examples.nacka(), path)
    with pytest.raises(om.CacheError, match="not an orgmodel cache"):
        om.load_cache(path)
    with pytest.raises(om.CacheError, match="cannot read"):
        om.load_cache(folder / "missing.orgcache")


def _forged(folder: Path, signature: str | None) -> Path:
    """A cache whose content was altered, with its digest made to match: a unit given its sibling's name."""
    timeline = om.Timeline(
        [
            om.Establish(om.Unit("a", "Alpha"), on="2014-01-01"),
            om.Establish(om.Unit("b", "Bravo"), on="2014-01-01"),
        ]
    )
    path = om.save_cache(timeline, folder / "forged.orgcache")
    header, payload = _split(path.read_bytes())
    assert payload.count(b'"Bravo"') == 1
    altered = payload.replace(b'"Bravo"', b'"Alpha"')
    header = {**header, "digest": _cache.hashlib.blake2b(altered, digest_size=32).hexdigest(), "signature": signature}
    path.write_bytes(_join(header, altered))
    return path


@pytest.mark.parametrize("signature", [None, "0" * 64])
def test_a_cache_this_user_did_not_write_is_validated_in_full(folder: Path, signature: str | None) -> None:
    path = _forged(folder, signature)
    with pytest.raises(om.errors.EventError, match="Alpha"):
        om.load_cache(path)


def test_a_cache_written_with_another_key_is_validated_and_equal(folder: Path, tmp_path: Path) -> None:
    path, _ = _saved(folder, "elsewhere.orgcache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path))
        assert not _cache._vouched_for(_split(path.read_bytes())[0])
        assert om.load_cache(path) == om.examples.nacka()


def test_the_users_key_is_readable_by_the_user_only(folder: Path) -> None:
    _saved(folder, "key.orgcache")
    key = _cache._key_path()
    assert key.stat().st_mode & 0o077 == 0
    assert len(key.read_bytes()) == 32


# --- load(path, cache=True) --------------------------------------------------------------------------------


def test_loading_through_a_cache_reopens_the_same_bytes_and_reloads_changed_ones(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = folder / "org.yaml"
    first = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01")])
    om.save(first, source)
    assert om.load(source, cache=True) == first
    cache = _cache.cache_path(source)
    assert cache.exists()

    built: list[str] = []
    real = _files.loads

    def counting(text: str, **options: Any) -> om.Timeline:
        built.append(text)
        return real(text, **options)

    monkeypatch.setattr(_files, "loads", counting)
    assert om.load(source, cache=True) == first
    assert built == []  # reopened, not validated again

    second = first.with_events(om.Rename("slk", "Kommunledningskontoret", on="2016-01-01"))
    om.save(second, source)
    assert om.load(source, cache=True) == second  # the file is the source of truth
    assert built
    header, _ = _split(cache.read_bytes())
    assert header["source"] == _cache._source_digest(source.read_bytes())


def test_a_damaged_cache_beside_a_file_is_written_again(folder: Path) -> None:
    source = folder / "damaged.yaml"
    om.save(om.examples.nacka(), source)
    cache = folder / "elsewhere" / "damaged.cache"
    cache.parent.mkdir()
    cache.write_bytes(_cache.MAGIC + b"{not json\n")
    assert om.load(source, cache=cache) == om.examples.nacka()
    assert om.load_cache(cache) == om.examples.nacka()


def test_a_cache_that_cannot_be_written_is_warned_about(folder: Path) -> None:
    source = folder / "unwritable.yaml"
    om.save(om.examples.nacka(), source)
    with pytest.warns(UserWarning, match="could not write the cache"):
        assert om.load(source, cache=folder / "no" / "such" / "folder" / "x.orgcache") == om.examples.nacka()


def test_a_cache_beside_a_file_that_this_user_did_not_write_gives_way_to_the_file(folder: Path) -> None:
    source = folder / "truth.yaml"
    truth = om.Timeline([om.Establish(om.Unit("slk", "Stadsledningskontoret"), on="2014-01-01")])
    om.save(truth, source)
    other = om.Timeline([om.Establish(om.Unit("x", "Something else"), on="2014-01-01")])
    cache = om.save_cache(other, _cache.cache_path(source))
    header, payload = _split(cache.read_bytes())
    # Claims to be made from the file, but carries no valid signature: the file is loaded instead.
    header = {**header, "source": _cache._source_digest(source.read_bytes()), "signature": None}
    cache.write_bytes(_join(header, payload))
    assert om.load(source, cache=True) == truth
    assert om.load_cache(cache) == truth  # and the cache was written again


def test_a_stream_has_no_cache(folder: Path) -> None:
    source = folder / "stream.yaml"
    om.save(om.examples.nacka(), source)
    with source.open("rb") as stream, pytest.raises(TypeError, match="give the file's path"):
        om.load(stream, cache=True)


# --- Reading by need: a reopened log reads the values a question needs, and answers as the original ------------

_QUESTIONS = ("chart", "certain chart", "edges", "entity", "head", "holders", "history", "lineage", "facts", "diff")


def _ask(timeline: om.Timeline, question: str, day: dt.date, item: str) -> Any:
    """One question a user asks of a timeline, its answer comparable with ``==`` (an error: its type and text)."""
    try:
        if question == "chart":
            return timeline.at(day)
        if question == "certain chart":
            return timeline.at(day, certain=True)
        if question == "edges":
            return timeline.edges(day)
        if question == "entity":
            return timeline.entity(item, on=day)
        if question == "head":
            return timeline.head(item, on=day)
        if question == "holders":
            return timeline.holders(item, on=day)
        if question == "history":
            return list(timeline.history(item).rows())
        if question == "lineage":
            return repr(timeline.lineage(item))
        if question == "diff":
            return list(timeline.diff(day - dt.timedelta(days=200), day).rows())
        return timeline.facts().columns
    except (om.OrgModelError, ImportError) as error:
        return (type(error).__name__, str(error))


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots every few writes, and versions read whole after a few keys: every path of reading by need."""
    from orgmodel import _cachedlog, _log

    monkeypatch.setattr(_log, "SNAPSHOT_MIN_WRITES", 3)
    monkeypatch.setattr(_cachedlog, "SINGLY", 2)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the fixture only sets two constants
@given(oms.timelines(max_events=30), st.data())
def test_questions_on_a_reopened_timeline_in_any_order_answer_as_the_original(
    small_parts: None, timeline: om.Timeline, data: st.DataObject
) -> None:
    """Charts, edges, point queries, histories, lineage, diffs and fact tables on random days, in a random order."""
    path = Path(os.environ["XDG_CACHE_HOME"], "asked.orgcache")
    om.save_cache(timeline, path)
    reopened = om.load_cache(path)
    days = _days(timeline)
    items = sorted(timeline._log.entity_keys()) or ["nobody"]
    for _ in range(data.draw(st.integers(1, 6), label="questions")):
        question = data.draw(st.sampled_from(_QUESTIONS), label="question")
        day = data.draw(st.one_of(st.sampled_from(days), oms.days()), label="day")
        item = data.draw(st.sampled_from(items), label="item")
        assert _ask(reopened, question, day, item) == _ask(timeline, question, day, item), question
    assert_same_log(reopened._log, timeline._log)


def test_a_reopened_chart_reads_one_snapshot_and_few_versions(small_parts: None, folder: Path) -> None:
    """A chart reads the snapshot it starts from and the writes after it, not every entity the timeline had."""
    timeline = om.Timeline(om.examples.nacka().changes)  # built again, with snapshots every few writes
    assert len(timeline._log.snapshots) > 1
    path = om.save_cache(timeline, folder / "by-need.orgcache")
    reopened = om.load_cache(path)
    day = timeline.first_day + (timeline.last_day - timeline.first_day) / 2
    assert reopened.at(day) == timeline.at(day)
    unpacker = reopened._log._unread.unpacker  # type: ignore[attr-defined]
    made = sum(value is not None for value in unpacker.values[unpacker._first_object :])
    assert made < len(unpacker.values) - unpacker._first_object
    snapshots = reopened._log.snapshots
    assert sum(snapshot._state is not None for snapshot in snapshots) == 1
    assert_same_log(reopened._log, timeline._log)


def test_threads_asking_a_reopened_timeline_at_once_get_the_original_answers(small_parts: None, folder: Path) -> None:
    import random
    import threading

    timeline = om.Timeline(om.examples.nacka().changes)
    path = om.save_cache(timeline, folder / "asked-by-threads.orgcache")
    reopened = om.load_cache(path)
    rng = random.Random(16)
    items = sorted(timeline._log.entity_keys())
    days = [timeline.first_day + dt.timedelta(days=rng.randrange(1400)) for _ in range(8)]
    asked = [(rng.choice(_QUESTIONS[:-2]), rng.choice(days), rng.choice(items)) for _ in range(24)]
    answers: dict[int, Any] = {}
    start = threading.Barrier(4)

    def ask(first: int) -> None:
        start.wait()
        for index in range(first, len(asked), 4):
            answers[index] = _ask(reopened, *asked[index])

    threads = [threading.Thread(target=ask, args=(first,)) for first in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answers[index] for index in range(len(asked))] == [_ask(timeline, *question) for question in asked]
    assert_same_log(reopened._log, timeline._log)
