"""Bulk builds pause the garbage collector and always give it back as they found it."""

from __future__ import annotations

import gc
import random
import signal
import threading
import time
import weakref

import pytest
from hypothesis import settings

import orgmodel as om
from orgmodel import _bulk, _chart


@pytest.fixture
def collector():
    """Leave the collector on after each test, whatever the test did to it."""
    yield
    gc.enable()


def test_a_rejected_build_turns_the_collector_back_on(collector):
    with pytest.raises(om.EventError):
        om.Timeline([om.Dissolve("nowhere", on="2015-01-01")])
    assert gc.isenabled()


def test_a_collector_the_user_turned_off_stays_off(collector):
    gc.disable()
    org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen"), on="2015-01-01")])
    assert "ks" in org.at("2015-01-01").graph
    assert not gc.isenabled()


def test_building_the_graph_turns_the_collector_back_on(collector):
    org = om.Timeline([om.Establish(om.Unit("ks", "Kommunstyrelsen"), on="2015-01-01")])
    assert "ks" in org.at("2015-01-01").graph
    assert gc.isenabled()


class Spy(dict):
    """A table that notes, each time it is read, whether the collector was on."""

    def __init__(self, table: dict) -> None:
        super().__init__(table)
        self.collecting: list[bool] = []

    def __getitem__(self, key):
        self.collecting.append(gc.isenabled())
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.collecting.append(gc.isenabled())
        return super().get(key, default)


def test_the_collector_is_paused_while_the_graph_is_built(collector, monkeypatch):
    """The graph build reads the texts of kinds as it goes: the collector must be off at every read."""
    chart = om.examples.nacka().at("2015-01-01")
    spy = Spy(_chart._TEXT)
    monkeypatch.setattr(_chart, "_TEXT", spy)
    assert chart.graph.number_of_nodes() == len(chart)
    assert spy.collecting
    assert not any(spy.collecting)
    assert gc.isenabled()


class Cycle:
    """Garbage only the cyclic collector can free, as test machinery makes between builds."""

    def __init__(self) -> None:
        self.me = self


def test_garbage_made_between_builds_is_still_collected(collector):
    """Pausing the collector during builds must not keep it from what is made between them."""
    events = [om.Establish(om.Unit("ks", "Kommunstyrelsen"), on="2015-01-01")]
    gc.collect()
    made = []
    for _ in range(2000):
        cycle = Cycle()
        made.append(weakref.ref(cycle))
        del cycle
        om.Timeline(events)
    assert sum(ref() is None for ref in made) > len(made) // 2


# --- however a build ends (issue 17) ------------------------------------------------------------------------


class DisableThenInterrupt:
    """A stand-in for the gc module whose disable() turns the collector off and then is interrupted,
    as a KeyboardInterrupt landing right after gc.disable() would be."""

    def __init__(self) -> None:
        self.isenabled = gc.isenabled
        self.enable = gc.enable

    def disable(self) -> None:
        gc.disable()
        raise KeyboardInterrupt


def test_an_interrupt_right_after_the_pause_begins_leaves_the_collector_on(collector, monkeypatch):
    """Decorator and with statement alike: the interrupt propagates, and the collector is on again."""
    monkeypatch.setattr(_bulk, "gc", DisableThenInterrupt())

    @_bulk.collector_paused()
    def build() -> None:
        raise AssertionError("the body must not run")

    with pytest.raises(KeyboardInterrupt):
        build()
    assert gc.isenabled()
    assert _bulk.pauses() == 0
    with pytest.raises(KeyboardInterrupt), _bulk.collector_paused():
        raise AssertionError("the body must not run")
    assert gc.isenabled()
    assert _bulk.pauses() == 0


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit, ValueError])
def test_any_exception_from_a_build_leaves_the_collector_on(collector, error):
    """Whatever a build raises, the collector is on afterwards and no pause is left counted."""

    @_bulk.collector_paused()
    def build() -> None:
        assert not gc.isenabled()
        raise error

    with pytest.raises(error):
        build()
    assert gc.isenabled()
    assert _bulk.pauses() == 0


def test_an_interrupt_on_the_first_step_of_exit_is_made_good_when_the_pause_is_dropped(collector, monkeypatch):
    """The with form's one window: __exit__ interrupted before it does anything.  Dropping the
    exception (and with it the frame holding the pause) ends the pause."""
    release = _bulk.collector_paused._release
    calls = []

    def interrupted_once(self):
        calls.append(1)  # (not the pause itself: keeping it would keep it from being dropped)
        if len(calls) == 1:
            raise KeyboardInterrupt
        release(self)

    monkeypatch.setattr(_bulk.collector_paused, "_release", interrupted_once)

    def build() -> None:
        with _bulk.collector_paused():
            pass

    raised = False
    try:
        build()
    except KeyboardInterrupt:  # not bound to a name: leaving this block drops the traceback, and the pause
        raised = True
    assert raised
    assert gc.isenabled()
    assert _bulk.pauses() == 0
    assert len(calls) == 2


def test_builds_in_several_threads_share_one_pause(collector):
    """The collector stays off while any build runs and comes back when the last one ends."""
    started, release = threading.Barrier(3), threading.Event()
    seen: list[bool] = []

    @_bulk.collector_paused()
    def build() -> None:
        started.wait()
        release.wait()
        seen.append(gc.isenabled())

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    started.wait()
    assert not gc.isenabled()
    assert _bulk.pauses() == 2
    release.set()
    for thread in threads:
        thread.join()
    assert seen == [False, False]
    assert gc.isenabled()
    assert _bulk.pauses() == 0


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer (POSIX)")
def test_interrupts_at_random_moments_never_leave_the_collector_off(collector):
    """Builds of a small timeline interrupted by a timer at random moments (as a Ctrl-C would be):
    after each, the collector is on and no pause is counted."""
    events = [
        om.Establish(om.Unit(f"u{i}", f"Unit {i}", parent="u0" if i else None), on="2015-01-01") for i in range(30)
    ]
    timeline = om.Timeline(events)

    def builds() -> None:
        om.Timeline(events)
        timeline.with_events(om.Rename("u1", "Renamed", on="2015-02-01"))
        timeline.at("2015-01-01").graph  # noqa: B018  # the graph's build pauses too

    builds()  # once uninterrupted, so that what is imported on first use is imported
    # The timer goes off within the time the builds take here, however fast this machine or the code is.
    spans = []
    for _ in range(5):
        started = time.perf_counter()
        builds()
        spans.append(time.perf_counter() - started)
    span = min(spans)
    alarms = random.Random(17)
    previous = signal.signal(signal.SIGALRM, signal.default_int_handler)  # raises KeyboardInterrupt
    # Others' callbacks on each collection (Hypothesis times them) are Python code an interrupt could
    # land in, outside any build: they are set aside while the timer runs.
    callbacks = gc.callbacks[:]
    gc.callbacks.clear()
    interrupted = 0
    rounds = 3000 if settings.default.max_examples >= 1000 else 300
    try:
        for _ in range(rounds):
            try:
                signal.setitimer(signal.ITIMER_REAL, alarms.uniform(0.00001, span))
                builds()
                signal.setitimer(signal.ITIMER_REAL, 0)
            except KeyboardInterrupt:
                interrupted += 1
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            assert gc.isenabled()
            assert _bulk.pauses() == 0
    finally:
        signal.signal(signal.SIGALRM, previous)
        gc.callbacks.extend(callbacks)
    assert interrupted > rounds // 10  # the timer did land inside builds, many times
