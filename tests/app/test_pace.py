"""The ladder of paces: where presets start, and where < and > lead."""

from __future__ import annotations

from tui_backprop.app.pace import (
    DEFAULT_PACE,
    PACES,
    faster,
    is_slow_motion,
    pace_label,
    slower,
    starting_pace,
)
from tui_backprop.training import RunConfig


def test_a_config_starts_at_its_own_pace_or_the_default_and_above_the_ladder_is_max():
    assert starting_pace(RunConfig()) == DEFAULT_PACE
    assert starting_pace(RunConfig(max_steps_per_second=30.0)) == 30.0
    assert starting_pace(RunConfig(max_steps_per_second=1e6)) is None


def test_the_ladder_ends_at_slow_motion_and_max_and_an_odd_pace_joins_it():
    assert PACES[0] == 1.0 and PACES[-1] is None
    assert slower(PACES[0]) == PACES[0] and faster(None) is None
    assert [faster(p) for p in PACES[:-1]] == list(PACES[1:])
    assert faster(30.0) == 100.0 and slower(30.0) == 20.0
    assert is_slow_motion(1.0) and not is_slow_motion(20.0) and not is_slow_motion(None)
    assert [pace_label(p) for p in (1.0, 2000.0, None)] == [
        "pace 1/s slow-mo",
        "pace 2k/s",
        "pace max",
    ]
