"""Bulk builds pause the garbage collector and always give it back as they found it."""

from __future__ import annotations

import gc
import weakref

import pytest

import orgmodel as om
from orgmodel import _chart


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
