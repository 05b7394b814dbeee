"""Example organisations shipped with orgmodel.

:func:`nacka` is the default data set: Nacka municipality, Sweden, 2013–2016,
from the status report of its city executive office of 2014-11-24
(KFKS 2012/577-001).  Every event quotes the sentence it comes from; what the
report leaves open is recorded as open (see ``docs/nacka.md``).

>>> from orgmodel import examples
>>> org = examples.nacka()
>>> org.at("2015-01-01").owner_of("markfrågor").name
'Enheten för fastighetsutveckling'
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from orgmodel._files import loads
from orgmodel._timeline import Timeline

__all__ = ["NACKA_TITLE", "nacka", "nacka_path"]

#: The Nacka data set's title, as its file gives it.
NACKA_TITLE = "Nacka kommun 2013–2016"


def nacka_path() -> Path:
    """Where the Nacka data file is installed (``orgmodel/examples/nacka.yaml``), to copy or to read."""
    return Path(str(resources.files("orgmodel.examples").joinpath("nacka.yaml")))


@lru_cache(maxsize=1)
def nacka() -> Timeline:
    """The Nacka timeline, 2013–2016, read from the shipped data file (read once, then shared).

    The timeline is immutable, so sharing one instance is safe.
    """
    text = resources.files("orgmodel.examples").joinpath("nacka.yaml").read_text(encoding="utf-8")
    return loads(text, name="nacka.yaml")
