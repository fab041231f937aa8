"""Settings for the whole suite.

Hypothesis draws the same examples on every run (``derandomize``), so that a test that
passes here passes in CI, where a fresh draw could meet a case nobody has seen. To search
afresh, run with ``HYPOTHESIS_PROFILE=explore``.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
