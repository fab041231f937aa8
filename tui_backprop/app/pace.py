"""The app's pace: how many mini-batch steps a second it lets the trainer take. No Textual.

A ladder from slow motion (one step a second, every step reported and drawn) to "max"
(the trainer's full speed): ``<`` and ``>`` move along it, ``M`` jumps to max and back.
A preset may name its own starting pace (``max_steps_per_second``); headless training
ignores pace altogether (the trainer starts at full speed and only the app slows it).
"""

from __future__ import annotations

from tui_backprop.formatting import compact, number
from tui_backprop.training import RunConfig

#: steps a second at each pace below "max" (None), slowest first
PACES: tuple[float | None, ...] = (1.0, 5.0, 20.0, 100.0, 500.0, 2000.0, None)
#: where the app starts unless a preset says otherwise: the spiral untangles over about
#: 20 to 40 seconds (steps 9,000 to 20,000 of its 36,000) instead of in two
DEFAULT_PACE = 500.0
#: at this pace or slower every step is reported and drawn ("slow motion")
SLOW_MOTION = 5.0
#: reports a second at "max": fewer than at the other paces, because drawing a frame holds
#: Python's interpreter lock and the trainer waits meanwhile; at 5 a second the app trained
#: at 75–88 % of the headless speed, at 2 at over 90 % (``make bench --only pace``)
MAX_PACE_SNAPSHOTS_PER_SECOND = 2.0


def starting_pace(config: RunConfig) -> float | None:
    """The pace a configuration starts at in the app: its own, or ``DEFAULT_PACE`` if 0.

    A value above the fastest step of the ladder means "max".
    """
    wanted = config.max_steps_per_second
    if not wanted:
        return DEFAULT_PACE
    fastest = max(p for p in PACES if p is not None)
    return None if wanted > fastest else wanted


def _rank(pace: float | None) -> float:
    """A pace as a number to compare (max is infinitely fast)."""
    return float("inf") if pace is None else pace


def faster(pace: float | None) -> float | None:
    """The next pace up the ladder (max stays max)."""
    return next((p for p in PACES if _rank(p) > _rank(pace)), None)


def slower(pace: float | None) -> float | None:
    """The next pace down the ladder (the slowest stays the slowest)."""
    below = [p for p in PACES if _rank(p) < _rank(pace)]
    return below[-1] if below else PACES[0]


def is_slow_motion(pace: float | None) -> bool:
    """True when every step is reported and drawn."""
    return pace is not None and pace <= SLOW_MOTION


def pace_label(pace: float | None) -> str:
    """What the status bar says: "pace max", "pace 500/s", "pace 1/s slow-mo"."""
    if pace is None:
        return "pace max"
    label = f"pace {compact(pace) if pace >= 1 else number(pace)}/s"
    return f"{label} slow-mo" if is_slow_motion(pace) else label
