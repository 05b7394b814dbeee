"""Shared test settings: Hypothesis profiles, and the Spark session of the tests marked ``spark``.

``HYPOTHESIS_PROFILE=slow`` runs the property tests deeper (as the ``slow`` CI
job and anyone changing the core should); the default profile keeps the whole
suite within a few minutes.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("slow", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local Spark session for the whole test run (starting one takes many seconds); tests marked ``spark``."""
    from orgmodel.io import spark

    session = spark.local_session()
    yield session
    session.stop()
