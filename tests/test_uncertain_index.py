"""The per-log index behind a day's uncertainty, and the column-wise edge list, against naive references."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

import orgmodel as om
from orgmodel import strategies as oms
from orgmodel._log import AppliedLog
from orgmodel._state import Key
from orgmodel._uncertain import Possible

KINDS = ("contains", "has_post", "heads", "reports_to", "holds", "owns", "manages", "supports")


class NaivePossible(Possible):
    """Possible as it was before the index: every windowed change scanned, every key analysed afresh."""

    def _unsettled_keys(self) -> Iterator[Key]:
        log, day, prefix = self.log, self.day, self.prefix
        seen: set[Key] = set()
        for index in log.windowed[: bisect.bisect_left(log.windowed, prefix)]:
            change = log.changes[index]
            keys = dict.fromkeys(log.deltas.keys[log.change_deltas[index] : log.change_deltas[index + 1]])
            pending = change.on.latest > day
            for key in keys:
                if key not in seen and (pending or self._naive_reorderable(key, index)):
                    seen.add(key)
                    yield key

    def _naive_reorderable(self, key: Key, index: int) -> bool:
        log = self.log
        latest = min(log.changes[index].on.latest, self.day)
        changes = log.versions[key].changes
        for other in changes[bisect.bisect_right(changes, index) : bisect.bisect_left(changes, self.prefix)]:
            earliest = log.changes[other].on.earliest
            if earliest > latest:
                break
            if earliest < latest or log.entries[other] < log.entries[index]:
                return True
        return False

    def _analyse(self, key: Key) -> None:
        uncertainty, ghost = self._analysed(key)
        if uncertainty is not None:
            self.uncertainty[key] = uncertainty
            if ghost is not None:
                self.ghosts[key] = ghost


def naive_edges(log: AppliedLog, day: dt.date, kinds: frozenset[str]) -> list[tuple[str, str, str]]:
    """The edge list as one comprehension per kind, entity by entity."""
    state = log.possible_state(day)
    found: list[tuple[str, str, str]] = []
    if "contains" in kinds:
        found += [(unit.parent, unit.id, "contains") for unit in state.units.values() if unit.parent is not None]
    if "has_post" in kinds:
        found += [(post.unit, post.id, "has_post") for post in state.posts.values() if post.unit is not None]
    if "heads" in kinds:
        found += [(post.id, post.unit, "heads") for post in state.posts.values() if post.heads and post.unit]
    if "reports_to" in kinds:
        found += [(p.id, p.reports_to, "reports_to") for p in state.posts.values() if p.reports_to is not None]
    if "holds" in kinds:
        found += [(holding.person, post.id, "holds") for post in state.posts.values() for holding in post.holders]
    if "owns" in kinds:
        found += [(f.owner, f.id, "owns") for f in state.functions.values() if f.owner is not None]
    found += [(r.source, r.target, str(r.kind)) for r in state.relations.values() if str(r.kind) in kinds]
    return found


def _days(timeline: om.Timeline) -> list[dt.date]:
    found = {change.on.earliest for change in timeline.changes} | {change.on.latest for change in timeline.changes}
    found |= {day + dt.timedelta(days=1) for day in found}
    return sorted(found) or [dt.date(2013, 1, 1)]


@given(oms.timelines(max_events=40, max_gap_days=20), st.data())
def test_the_index_finds_what_a_scan_of_the_whole_log_finds(timeline: om.Timeline, data: st.DataObject) -> None:
    """On every day, in any order (what one day's question leaves in the index must not change another's)."""
    log = timeline._log
    for day in data.draw(st.permutations(_days(timeline))):
        prefix = log.prefix(day)
        fast, naive = Possible(log, day, prefix), NaivePossible(log, day, prefix)
        assert list(fast.uncertainty.items()) == list(naive.uncertainty.items()), day
        assert list(fast.ghosts.items()) == list(naive.ghosts.items()), day


@given(oms.timelines(max_events=40, max_gap_days=20), st.data())
def test_the_edge_list_is_the_naive_one_in_the_same_order(timeline: om.Timeline, data: st.DataObject) -> None:
    day = data.draw(st.sampled_from(_days(timeline)))
    kinds = frozenset(data.draw(st.sets(st.sampled_from(KINDS))))
    assert timeline.edges(day, kinds=kinds) == naive_edges(timeline._log, day, kinds)
