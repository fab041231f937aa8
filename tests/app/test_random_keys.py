"""Random key sequences with resizes (issue 13): the app never crashes, still answers a
key afterwards, and leaves no worker running after it quits.

A few sequences in `make test`; ``TUI_BACKPROP_APP_SEQUENCES=300`` for a few hundred (the
battery, ``benchmarks/battery.py``, runs them against any checkout).
"""

from __future__ import annotations

import os

import pytest

from benchmarks.app_sequences import sequence
from tests.app.test_app import trainer_threads

SEQUENCES = int(os.environ.get("TUI_BACKPROP_APP_SEQUENCES", "4"))
SEED = int(os.environ.get("TUI_BACKPROP_APP_SEED", "13"))


@pytest.mark.parametrize("index", range(SEQUENCES))
async def test_random_keys_leave_the_app_answering_with_no_worker_behind(index: int) -> None:
    outcome = await sequence(index, SEED, length=30)
    assert not outcome.crashed, f"keys {outcome.keys}"
    assert outcome.quit or outcome.answered, f"no help screen after {outcome.keys}"
    assert outcome.workers_left == 0
    assert not trainer_threads()
