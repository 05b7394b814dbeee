"""Bulk builds pause the garbage collector and always give it back as they found it."""

from __future__ import annotations

import gc

import pytest

import orgmodel as om


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
