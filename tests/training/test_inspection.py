"""What a consumer may ask of a run: a step in full, parameters, and restoring a moment."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from tui_backprop.training import Parameters, RunState, Trainer, from_dict


def _config(**changes):
    """A small classification run on the xor set, with L2 so the decay shows."""
    base = {
        "dataset": "xor",
        "sizes": [2, 6, 4, 1],
        "activation": "tanh",
        "output_activation": "sigmoid",
        "cost": "cross_entropy",
        "eta": 0.5,
        "lmbda": 0.1,
        "epochs": 50,
        "report_every_seconds": 0.0,
        "report_every_steps": 7,
    }
    return from_dict({**base, **changes})


def _spy_on_sgd_step(trainer):
    """Record, for each sgd_step, copies of its X, Y and of the gradients it returned."""
    calls = []
    real = trainer.net.sgd_step

    def spy(X, Y, eta, lmbda=0.0, n=None):
        grads = real(X, Y, eta, lmbda, n)
        calls.append(
            (
                np.array(X),
                np.array(Y),
                [g.copy() for g in grads.nabla_w],
                [g.copy() for g in grads.nabla_b],
            )
        )
        return grads

    trainer.net.sgd_step = spy
    return calls


def test_a_single_step_carries_its_detail_with_the_engines_numbers():
    """X, Y, parameters before and after, and the very gradients sgd_step used (bitwise)."""
    trainer = Trainer(_config(eta=0.3))  # not a power of 2: a rescaled ∇ would differ
    trainer.step()
    before = Parameters.of(trainer.net)
    calls = _spy_on_sgd_step(trainer)
    snapshot = trainer.step()
    detail = snapshot.step_detail
    X, Y, nabla_w, nabla_b = calls[-1]
    assert detail.step == snapshot.step == 2
    assert np.array_equal(detail.X, X) and np.array_equal(detail.Y, Y)
    assert np.array_equal(detail.before.flat, before.flat)
    assert np.array_equal(detail.after.flat, Parameters.of(trainer.net).flat)
    for l in range(3):
        assert np.array_equal(detail.gradients.nabla_w[l], nabla_w[l])
        assert np.array_equal(detail.gradients.nabla_b[l], nabla_b[l])
    assert (detail.eta, detail.lmbda, detail.n) == (0.3, 0.1, len(trainer.dataset.X_train))


def test_the_detail_is_chapter_2s_arithmetic_recomputed_here():
    """BP1–BP4 and the update, recomputed in the test from X, Y and the parameters before."""
    trainer = Trainer(_config())
    detail = trainer.step().step_detail
    w, b = detail.before.weights, detail.before.biases
    a, zs, activations = detail.X, [], [detail.X]
    for l in range(3):
        z = a @ w[l].T + b[l]
        a = np.tanh(z) if l < 2 else 1 / (1 + np.exp(-z))
        zs.append(z)
        activations.append(a)
    m = len(detail.X)
    delta = a - detail.Y  # cross-entropy with a sigmoid output: σ' cancels (BP1)
    deltas = [delta]
    for l in (2, 1):  # BP2
        delta = (delta @ w[l]) * (1 - np.tanh(zs[l - 1]) ** 2)
        deltas.insert(0, delta)
    g = detail.gradients
    for l in range(3):
        np.testing.assert_allclose(g.zs[l], zs[l], rtol=1e-12)
        np.testing.assert_allclose(g.delta[l], deltas[l], rtol=1e-10, atol=1e-15)
        nabla_b = deltas[l].mean(axis=0)  # BP3
        nabla_w = deltas[l].T @ activations[l] / m  # BP4
        np.testing.assert_allclose(g.nabla_b[l], nabla_b, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(g.nabla_w[l], nabla_w, rtol=1e-10, atol=1e-15)
        decay = 1 - detail.eta * detail.lmbda / detail.n
        expected_w = decay * w[l] - detail.eta * nabla_w
        np.testing.assert_allclose(detail.after.weights[l], expected_w, rtol=1e-12)
        expected_b = b[l] - detail.eta * nabla_b
        np.testing.assert_allclose(detail.after.biases[l], expected_b, rtol=1e-12)


def test_detail_while_running_only_when_asked_and_only_at_reports():
    """No detail by default; with request_step_detail, each report's step carries one."""
    quiet = []
    Trainer(_config(epochs=2), listener=quiet.append).run()
    assert all(s.step_detail is None for s in quiet)
    seen = []
    trainer = Trainer(_config(epochs=2), listener=seen.append)
    trainer.request_step_detail()
    trainer.run()
    running = [s for s in seen if s.state == RunState.RUNNING and s.step]
    assert running and all(s.step_detail.step == s.step for s in running)


def test_parameters_on_request_are_flat_copies_in_the_engines_shapes():
    """request_parameters puts a read-only copy on every snapshot, shaped as the engine's."""
    trainer = Trainer(_config())
    assert trainer.step().parameters is None
    trainer.request_parameters()
    snapshot = trainer.step()
    p = snapshot.parameters
    assert p.flat.size == trainer.net.num_params and not p.flat.flags.writeable
    for mine, theirs in zip(p.weights + p.biases, trainer.net.weights + trainer.net.biases):
        assert mine.shape == theirs.shape and np.array_equal(mine, theirs)
    trainer.step()
    assert not np.array_equal(p.weights[0], trainer.net.weights[0])  # a copy, not a view


def test_restore_then_continue_repeats_the_same_parameters_as_a_branch():
    """Restoring a snapshot brings back its parameters, counters and η; history is cut."""
    trainer = Trainer(_config())
    trainer.request_parameters()
    for _ in range(5):
        trainer.step()
    kept = trainer.step()  # step 6
    for _ in range(20):
        last = trainer.step()
    trainer.set_eta(0.1)
    trainer.restore(kept)
    restored = trainer.snapshot()
    assert restored.step == trainer.step_count == 6
    assert restored.samples_seen == kept.samples_seen and restored.eta == 0.5
    assert np.array_equal(restored.parameters.flat, kept.parameters.flat)
    assert restored.steps_history.step[-1] <= 6 < last.steps_history.step[-1]
    assert "continued from step 6" in restored.message
    branch = trainer.step()
    assert branch.step == 7 and not np.array_equal(branch.parameters.flat, kept.parameters.flat)


def test_restore_while_running_in_another_thread_happens_between_steps():
    """A restore asked for from another thread is applied by the training thread."""
    seen = []
    trainer = Trainer(_config(epochs=100_000), listener=seen.append)
    trainer.request_parameters()
    kept = trainer.step()
    worker = threading.Thread(target=trainer.run)
    worker.start()
    deadline = time.monotonic() + 10
    while trainer.step_count < 200:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    trainer.pause()
    trainer.restore(kept)
    while not (seen[-1].message.startswith("continued") and seen[-1].step == kept.step):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    assert np.array_equal(Parameters.of(trainer.net).flat, kept.parameters.flat)
    trainer.stop()
    worker.join(timeout=5)
    assert not worker.is_alive()


def test_a_snapshot_without_parameters_cannot_be_restored():
    """The message says what to do; a checkpoint of another shape is refused."""
    trainer = Trainer(_config())
    with pytest.raises(ValueError, match="request_parameters"):
        trainer.restore(trainer.step())
    other = Trainer(_config(sizes=[2, 3, 1]))
    other.request_parameters()
    with pytest.raises(ValueError, match="sizes"):
        trainer.restore(other.step())


def test_the_network_of_an_earlier_evaluation_stays_at_hand_for_its_test_samples():
    """A view may show an evaluation some epochs behind the run: the trainer still has the
    network that evaluation measured (its worst samples' outputs come out of it again), and
    forgets evaluations beyond the latest EVALUATED_COUNT."""
    from tui_backprop.engine import Network
    from tui_backprop.training import load_preset
    from tui_backprop.training.inspection import load_parameters
    from tui_backprop.training.steps import EVALUATED_COUNT

    seen = {}  # each evaluation's classes, by epoch

    def keep(snapshot) -> None:
        """Note the test set by class of every evaluation."""
        if snapshot.classes is not None:
            seen.setdefault(snapshot.epoch, snapshot.classes)

    config = load_preset("digits").replace(epochs=EVALUATED_COUNT + 4, eval_every=1)
    every_epoch = 1_438 // config.batch_size + 1  # digits: 1,438 training images
    trainer = Trainer(config, listener=keep, report_every_seconds=0, report_every_steps=every_epoch)
    trainer.run()
    assert sorted(seen) == list(range(1, config.epochs + 1))
    assert trainer.evaluated_network(seen[2]) is None  # EVALUATED_COUNT + 2 evaluations ago
    recent = seen[config.epochs - 3]
    checkpoint = trainer.evaluated_network(recent)
    assert checkpoint is not None and checkpoint.epoch == config.epochs - 3
    net = Network(**config.network_arguments())
    load_parameters(net, checkpoint.parameters)
    outputs = net.feedforward(trainer.dataset.X_test[recent.worst])
    np.testing.assert_allclose(outputs, recent.worst_outputs, rtol=1e-12)
