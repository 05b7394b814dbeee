"""Shared test settings: Hypothesis profiles.

``HYPOTHESIS_PROFILE=slow`` runs the property tests deeper (as the ``slow`` CI
job and anyone changing the core should); the default profile keeps the whole
suite within a few minutes.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("slow", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
