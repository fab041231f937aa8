"""The states a training run goes through, one vocabulary for the trainer and its faces."""

from __future__ import annotations

from enum import StrEnum


class RunState(StrEnum):
    """Where a run is. A ``StrEnum``: each state is also its lower-case name as a string."""

    IDLE = "idle"  # built, not started
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"  # every epoch done
    STOPPED = "stopped"  # ``stop`` was called
    DIVERGED = "diverged"  # a value stopped being finite, or the cost ran away
    FAILED = "failed"  # an unexpected error; the message says which

    @property
    def is_terminal(self) -> bool:
        """True when the run can go no further."""
        return self in TERMINAL_STATES


#: states after which the run cannot continue
TERMINAL_STATES = frozenset(
    {RunState.FINISHED, RunState.STOPPED, RunState.DIVERGED, RunState.FAILED}
)
#: states in which the trained network may be kept (saved, continued)
USABLE_END_STATES = frozenset({RunState.FINISHED, RunState.STOPPED})
