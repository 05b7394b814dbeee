"""How names are compared and how close matches are found for "did you mean" hints."""

from __future__ import annotations

import difflib
import heapq
import itertools
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """The form two names are compared in: case-folded, runs of spaces made one.

    >>> normalise("  Förnyelse   Enheten ")
    'förnyelse enheten'
    """
    return " ".join(name.casefold().split())


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """``normalise`` without diacritics, so a misspelt 'fornyelseenheten' still finds 'förnyelseenheten'.

    >>> fold("Förnyelseenheten")
    'fornyelseenheten'
    """
    decomposed = unicodedata.normalize("NFKD", normalise(name))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def close_matches(query: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` candidates that look like ``query``, best first, each once.

    For many queries against the same candidates, make one :class:`CloseMatcher`.

    >>> close_matches("fornyelseenheten", ["Förnyelseenheten", "Lokalenheten"])
    ['Förnyelseenheten']
    """
    return CloseMatcher(candidates).find(query, limit)


class CloseMatcher:
    """Finds, among many texts, those that look like a query; made once and asked many times.

    Up to :attr:`EXHAUSTIVE` texts, a query is compared with each (difflib's
    ratio, as :func:`close_matches` always did).  Above that, an index of the
    texts' two-letter pieces picks a short list first: the texts sharing the
    most pieces with the query, counting the rarest pieces first and at most
    :attr:`BUDGET` postings, so a query costs about the same however many texts
    there are, and reporting a thousand misspelt ids takes a thousand short
    steps rather than a thousand passes over every id.

    >>> matcher = CloseMatcher(f"enhet{number}" for number in range(1000))
    >>> matcher.find("enhte512", limit=1)
    ['enhet512']
    """

    #: Up to this many texts, every query is compared with all of them.
    EXHAUSTIVE = 300
    #: Above it, how many texts of the short list are compared with the query.
    SHORTLIST = 16
    #: Above it, how many postings of the index one query counts at most.
    BUDGET = 8_000

    def __init__(self, candidates: Iterable[str]) -> None:
        by_folded: dict[str, str] = {}
        for candidate in candidates:
            by_folded.setdefault(fold(candidate), candidate)
        self._by_folded = by_folded
        self._folded = list(by_folded)
        self._postings: dict[str, list[int]] = {}
        self._sizes: list[int] = []

    def find(self, query: str, limit: int = 3) -> list[str]:
        """Up to ``limit`` texts that look like ``query``, best first; the text itself when one folds to it."""
        folded = fold(query)
        exact = self._by_folded.get(folded)
        if exact is not None:
            return [exact]
        pool = self._folded if len(self._folded) <= self.EXHAUSTIVE else self._shortlist(folded)
        found = difflib.get_close_matches(folded, pool, n=limit, cutoff=0.75)
        return [self._by_folded[text] for text in found]

    def _shortlist(self, folded: str) -> list[str]:
        if not self._sizes:
            for index, text in enumerate(self._folded):
                pieces = _pieces(text)
                self._sizes.append(len(pieces))
                for piece in pieces:
                    self._postings.setdefault(piece, []).append(index)
        pieces = _pieces(folded)
        postings = sorted((self._postings[piece] for piece in pieces if piece in self._postings), key=len)
        chosen: list[list[int]] = []
        counted = 0
        for found in postings:
            if chosen and counted + len(found) > self.BUDGET:
                break  # the commonest pieces say least about which text it is
            chosen.append(found)
            counted += len(found)
        shared = Counter(itertools.chain.from_iterable(chosen))
        size, sizes = len(pieces), self._sizes
        # Dice's coefficient on the pieces counted: shared pieces over the pieces of both.
        scored = [(count / (size + sizes[index]), index) for index, count in shared.items()]
        return [self._folded[index] for _, index in heapq.nlargest(self.SHORTLIST, scored)]


def _pieces(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[index : index + 2] for index in range(len(padded) - 1)}
