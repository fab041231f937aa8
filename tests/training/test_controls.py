"""Controls any thread may use: pace (changeable mid-run, "max" unlimited), cadence, states."""

from __future__ import annotations

import threading
import time

import pytest

from tui_backprop.training import ConfigError, RunState, Trainer, from_dict


def _config(**changes):
    """A small xor run."""
    base = {"dataset": "xor", "sizes": [2, 6, 1], "activation": "tanh", "eta": 0.5}
    return from_dict({**base, "epochs": 100_000, **changes})


def _wait_for(condition, timeout=10.0):
    """Poll until condition() is true; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


def test_the_trainer_starts_at_max_whatever_the_config_and_none_means_max():
    """Pace is the app's: a trainer starts at full speed even when the configuration names
    a pace (so headless ignores it); None, 0 and inf are full speed."""
    trainer = Trainer(_config(max_steps_per_second=30.0))
    assert trainer.pace is None
    for unlimited in (None, 0, float("inf")):
        trainer.set_pace(unlimited)
        assert trainer.pace is None
    with pytest.raises(ConfigError, match="pace"):
        trainer.set_pace(-1)


def test_pace_changes_mid_run_from_another_thread():
    """Slow to 20 steps/s, then "max", then slow again, while the run goes on."""
    trainer = Trainer(_config())
    trainer.set_pace(20.0)
    worker = threading.Thread(target=trainer.run)
    worker.start()
    try:
        time.sleep(0.5)
        slow = trainer.step_count
        assert slow <= 0.5 * 20 + 3  # never faster than the pace (a slow machine may lag)
        trainer.set_pace(None)
        _wait_for(lambda: trainer.step_count > slow + 500)
        trainer.set_pace(2.0)
        time.sleep(0.2)  # the step under way at the change completes
        at = trainer.step_count
        time.sleep(1.0)
        assert trainer.step_count - at <= 2 + 1
    finally:
        trainer.stop()
        worker.join(timeout=5)
    assert not worker.is_alive()


def test_a_slow_pace_does_not_delay_pause_or_stop():
    """At one step a minute, a new pace, pause and stop still take effect at once."""
    seen = []
    trainer = Trainer(_config(), listener=seen.append)
    trainer.set_pace(1 / 60)
    worker = threading.Thread(target=trainer.run)
    worker.start()
    _wait_for(lambda: trainer.step_count >= 1)
    trainer.set_pace(50.0)  # from one a minute to 50 a second: no wait for the old pace
    _wait_for(lambda: trainer.step_count >= 10, timeout=5)
    trainer.set_pace(1 / 60)
    time.sleep(0.1)
    trainer.pause()
    _wait_for(lambda: seen[-1].state == RunState.PAUSED, timeout=2)
    trainer.stop()
    worker.join(timeout=2)
    assert not worker.is_alive() and seen[-1].state == RunState.STOPPED


def test_the_cadence_asked_for_is_the_cadence_reported():
    """Every 9 steps by the constructor, every 4 after set_cadence: no other running reports."""
    seen = []
    trainer = Trainer(
        _config(epochs=3), listener=seen.append, report_every_seconds=0, report_every_steps=9
    )
    assert trainer.cadence == (0.0, 9)
    trainer.run()
    running = [s.step for s in seen if s.state == RunState.RUNNING and s.step]
    assert running and all(step % 9 == 0 for step in running)
    seen.clear()
    again = Trainer(_config(epochs=3), listener=seen.append)
    again.set_cadence(seconds=0, steps=4)
    again.run()
    running = [s.step for s in seen if s.state == RunState.RUNNING and s.step]
    assert running == list(range(4, 4 * len(running) + 1, 4))
    with pytest.raises(ConfigError, match="report_every_steps"):
        again.set_cadence(steps=-1)


def test_snapshot_is_a_query():
    """snapshot() changes nothing: same object, same sequence, same history, any number of
    times and from another thread."""
    trainer = Trainer(_config())
    for _ in range(3):
        trainer.step()
    first = trainer.snapshot()
    others = []
    reader = threading.Thread(target=lambda: others.extend(trainer.snapshot() for _ in range(50)))
    reader.start()
    reader.join()
    assert all(s is first for s in others)
    assert trainer.snapshot().sequence == first.sequence == 4  # the first report, and 3 steps
    assert len(trainer.snapshot().steps_history) == 3


def test_run_states_are_one_vocabulary():
    """RunState is a StrEnum: its members are the strings shown, and know if they end a run."""
    assert RunState.RUNNING == "running" and f"{RunState.DIVERGED}" == "diverged"
    assert {s for s in RunState if s.is_terminal} == {
        RunState.FINISHED,
        RunState.STOPPED,
        RunState.DIVERGED,
        RunState.FAILED,
    }
    trainer = Trainer(_config(epochs=1))
    assert trainer.snapshot().state is RunState.IDLE
    assert trainer.run().state is RunState.FINISHED
