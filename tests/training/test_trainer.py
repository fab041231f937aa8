"""The trainer: epochs, controls from another thread, divergence, snapshots, history."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from tui_backprop.training import ConfigError, RunState, Trainer, from_dict, load_preset

DIVERGED, FINISHED, PAUSED, RUNNING, STOPPED = (
    RunState.DIVERGED,
    RunState.FINISHED,
    RunState.PAUSED,
    RunState.RUNNING,
    RunState.STOPPED,
)


def _config(**changes):
    """A small, fast classification run on the xor set."""
    base = {
        "dataset": "xor",
        "sizes": [2, 6, 1],
        "activation": "tanh",
        "output_activation": "sigmoid",
        "cost": "cross_entropy",
        "eta": 0.5,
        "epochs": 3,
        "report_every_seconds": 0.0,
        "report_every_steps": 5,
    }
    return from_dict({**base, **changes})


def _wait_for(condition, timeout=10.0):
    """Poll until condition() is true; fail the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


def test_a_run_that_reports_rarely_keeps_its_gradients_history_at_every_evaluation():
    """At max pace the app asks for few reports: the step history still has a row at each
    evaluation (the gradient plot's history), each with that step's norms."""
    trainer = Trainer(_config(epochs=6, report_every_steps=0, report_every_seconds=3600))
    final = trainer.run()
    per_epoch = trainer.steps_per_epoch
    steps = final.steps_history
    assert [int(s) for s in steps.step] == [e * per_epoch for e in range(1, 7)]
    assert steps.epoch_progress.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert steps.grad_norm_b[-1].tolist() == list(final.grad_norm_b)  # the last step's


def test_a_run_goes_through_every_epoch_and_evaluates_each():
    """Epoch count, step count and per-epoch evaluation are what the config says."""
    records = []
    trainer = Trainer(_config(), on_epoch=records.append)
    final = trainer.run()
    assert final.state == FINISHED
    assert final.epoch == 3
    assert final.step == 3 * trainer.steps_per_epoch
    assert final.samples_seen == 3 * len(trainer.dataset.X_train)
    assert [r.epoch for r in records] == [1, 2, 3]
    assert len(final.epochs_history) == 3
    assert 0.0 <= final.test_accuracy <= 1.0
    assert final.train_cost == pytest.approx(records[-1].train_cost)


def test_the_same_seed_gives_the_same_numbers():
    """Shuffling and initialisation are seeded: two runs agree exactly; another seed differs."""
    first = Trainer(_config()).run()
    second = Trainer(_config()).run()
    other = Trainer(_config(seed=1)).run()
    assert first.test_cost == second.test_cost
    assert np.array_equal(first.epochs_history.train_cost, second.epochs_history.train_cost)
    assert other.test_cost != first.test_cost


def test_reporting_every_n_steps():
    """report_every_steps = 5 gives a snapshot every 5 steps (plus start and end)."""
    snapshots = []
    Trainer(_config(epochs=1), listener=snapshots.append).run()
    steps = [s.step for s in snapshots if s.state == RUNNING and s.step]
    assert steps and all(step % 5 == 0 for step in steps)
    assert [s.sequence for s in snapshots] == sorted(s.sequence for s in snapshots)


def test_snapshots_hold_copies_not_live_buffers():
    """A snapshot's δ matrices do not change when training continues."""
    trainer = Trainer(_config())
    first = trainer.step()
    kept = [d.copy() for d in first.delta]
    for _ in range(5):
        trainer.step()
    assert all(np.array_equal(a, b) for a, b in zip(first.delta, kept))
    assert first.delta[0].shape == (10, 6)  # m × neurons of the first hidden layer
    assert len(first.grad_norm_b) == 2
    np.testing.assert_allclose(
        first.grad_norm_b[0], np.linalg.norm(first.delta[0].mean(axis=0)), rtol=1e-10
    )


def test_pause_resume_single_step_and_stop_from_another_thread():
    """The controls work from another thread, as the app's key handlers call them."""
    snapshots = []
    trainer = Trainer(_config(epochs=10_000), listener=snapshots.append)
    worker = threading.Thread(target=trainer.run, kwargs={"start_paused": True})
    worker.start()
    _wait_for(lambda: snapshots and snapshots[-1].state == PAUSED)
    assert trainer.step_count == 0
    trainer.request_step()
    _wait_for(lambda: trainer.step_count == 1)
    time.sleep(0.05)
    assert trainer.step_count == 1  # exactly one step
    trainer.resume()
    _wait_for(lambda: trainer.step_count > 50)
    trainer.pause()
    _wait_for(lambda: snapshots[-1].state == PAUSED)
    paused_at = trainer.step_count
    time.sleep(0.1)
    assert trainer.step_count == paused_at
    trainer.stop()
    worker.join(timeout=2)
    assert not worker.is_alive()
    assert snapshots[-1].state == STOPPED


def test_eta_changes_mid_run():
    """set_eta is used from the next mini-batch on, and shows in the snapshots."""
    trainer = Trainer(_config(epochs=1))
    trainer.step()
    trainer.set_eta(0.125)
    w_before = trainer.net.weights[1].copy()
    snapshot = trainer.step()
    assert snapshot.eta == 0.125
    assert not np.array_equal(w_before, trainer.net.weights[1])
    with pytest.raises(ConfigError, match="eta"):
        trainer.set_eta(-1)


def test_divergence_stops_the_run_and_names_the_step():
    """A huge η makes the run diverge; it stops itself with a message, no exception."""
    config = from_dict(
        {
            "dataset": "sine",
            "sizes": [1, 16, 1],
            "activation": "relu",
            "output_activation": "linear",
            "cost": "quadratic",
            "eta": 50.0,
            "epochs": 100,
        }
    )
    final = Trainer(config).run()
    assert final.state == DIVERGED
    assert "diverged at step" in final.message
    assert "smaller η" in final.message


def test_a_listener_error_ends_the_run_as_failed_not_as_an_exception():
    """An exception inside training becomes the failed state with the error as message."""

    def broken(snapshot):
        if snapshot.step > 3:
            raise RuntimeError("listener bug")

    final = Trainer(_config(), listener=broken)
    result = final.run()
    assert result.state == "failed"
    assert "listener bug" in result.message


def test_output_map_for_plane_and_curve_data():
    """2-input data gets a plane of outputs, 1-input data a curve, 64 inputs none."""
    plane = Trainer(_config(), map_resolution=(20, 10)).step().output_map
    assert plane.kind == "plane" and plane.outputs.shape == (10, 20, 1)
    assert plane.point_labels is not None and len(plane.points) == len(plane.point_targets)
    sine = load_preset("sine")
    curve = Trainer(sine, map_resolution=(30, 10)).step().output_map
    assert curve.kind == "curve" and curve.outputs.shape == (30, 1) and curve.xs.shape == (30,)
    assert Trainer(load_preset("digits")).step().output_map is None


def test_history_stays_bounded_on_long_runs():
    """However many reports, the step history keeps at most its capacity."""
    trainer = Trainer(_config(epochs=10_000, report_every_steps=1), history_capacity=64)
    for _ in range(1000):
        snapshot = trainer.step()
    assert len(snapshot.steps_history) <= 64
    assert snapshot.steps_history.grad_norm_b.shape[1] == 2
    assert snapshot.steps_history.step[-1] >= 1000 - 32


def test_saturated_start_and_the_learning_slowdown():
    """initial_weight/bias start the neuron saturated; cross-entropy learns faster early on."""
    costs = {}
    for name in ("learning-slowdown", "learning-slowdown-cross-entropy"):
        config = load_preset(name).replace(epochs=50, max_steps_per_second=0.0)
        trainer = Trainer(config)
        assert trainer.net.weights[0][0, 0] == 2.0 and trainer.net.biases[0][0] == 2.0
        final = trainer.run()
        costs[config.cost] = final.epochs_history.train_cost
    # quadratic: still near its start after 50 epochs; cross-entropy: far below its start
    assert costs["quadratic"][-1] > 0.9 * costs["quadratic"][0]
    assert costs["cross_entropy"][-1] < 0.1 * costs["cross_entropy"][0]


def test_vanishing_gradients_preset_shows_a_large_ratio():
    """In the deep sigmoid net, layer 1's ‖δ‖ is tens of times smaller than layer 4's."""
    trainer = Trainer(load_preset("vanishing-gradients"))
    ratios = [trainer.step().first_to_last_ratio for _ in range(20)]
    assert np.median(ratios) > 20
    assert trainer.step().compared_layers == (1, 4)


def test_evaluating_every_few_epochs_and_always_after_the_last():
    """eval_every = 2 over 5 epochs evaluates after epochs 2, 4 and 5."""
    records = []
    final = Trainer(_config(epochs=5, eval_every=2), on_epoch=records.append).run()
    assert [r.epoch for r in records] == [2, 4, 5]
    assert list(final.epochs_history.epoch) == [2, 4, 5]
