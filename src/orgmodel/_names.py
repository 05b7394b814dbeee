"""How names are compared and how close matches are found for "did you mean" hints."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """The form two names are compared in: case-folded, runs of spaces made one.

    >>> normalise("  Förnyelse   Enheten ")
    'förnyelse enheten'
    """
    return " ".join(name.casefold().split())


def fold(name: str) -> str:
    """``normalise`` without diacritics, so a misspelt 'fornyelseenheten' still finds 'förnyelseenheten'.

    >>> fold("Förnyelseenheten")
    'fornyelseenheten'
    """
    decomposed = unicodedata.normalize("NFKD", normalise(name))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def close_matches(query: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` candidates that look like ``query``, best first, each once.

    >>> close_matches("fornyelseenheten", ["Förnyelseenheten", "Lokalenheten"])
    ['Förnyelseenheten']
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(fold(candidate), candidate)
    folded_query = fold(query)
    if folded_query in by_folded:
        return [by_folded[folded_query]]
    found = difflib.get_close_matches(folded_query, list(by_folded), n=limit, cutoff=0.75)
    return [by_folded[item] for item in found]
