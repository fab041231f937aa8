"""The steps of a run: the fast loop, one step recorded in full, and the end of an epoch.

A base of ``Trainer`` (as ``Controls`` is): these methods work on the trainer's state, and
are kept apart so that the hot path can be read on its own.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

from tui_backprop.engine import Gradients
from tui_backprop.training import divergence
from tui_backprop.training.confusion import TestClasses
from tui_backprop.training.diagnoses import SLOW_SLOPE_SHARE, Diagnosis, RunFacts, diagnose
from tui_backprop.training.evaluator import EpochRecord
from tui_backprop.training.inspection import Checkpoint, Parameters, StepDetail, copy_gradients
from tui_backprop.training.recorder import gradient_norms
from tui_backprop.training.saturation import dead_share, output_slow_share, shares
from tui_backprop.training.states import RunState

#: the last finite parameters are copied at every epoch's start and this often in between,
#: so that a divergence can be replayed from them (a copy per step would cost the hot path)
MARK_EVERY_STEPS = 256
#: the networks of the latest evaluations kept for inspecting their test samples: at most
#: this many, and within this many bytes (at least the latest). At max pace the app draws
#: twice a second while digits runs ~100 epochs a second: a view may be 50 epochs behind
EVALUATED_COUNT, EVALUATED_BYTES = 256, 16 << 20


class Steps:
    """Mini-batch steps and epoch ends for ``Trainer``."""

    _evaluated: tuple[Checkpoint, ...] = ()  # the networks of the latest evaluations
    _settings: dict  # the configuration as the diagnoses read it (made once by the trainer)

    def evaluated_network(self, classes: TestClasses) -> Checkpoint | None:
        """The parameters and counters at the evaluation that produced ``classes`` (one of
        the latest few; None when it is older), with that evaluation. Safe from any thread:
        checkpoints are immutable and the tuple is replaced, never changed."""
        for checkpoint in reversed(self._evaluated):
            if checkpoint.evaluation is not None and checkpoint.evaluation.classes is classes:
                return checkpoint
        return None

    def _before_steps(self) -> None:
        """Shuffle at an epoch's start, mark the parameters when due, and note a new η."""
        schedule, watch = self._schedule, self._watch
        if schedule.epoch_over:
            schedule.new_epoch()
            self._mark_finite()
        elif self.step_count - watch.mark.step >= MARK_EVERY_STEPS:
            self._mark_finite()
        if self.eta != watch.eta_in_use:
            watch.eta_changes[self.step_count + 1] = watch.eta_in_use = self.eta

    def _after_steps(self, grads: Gradients, Y: np.ndarray) -> None:
        """Keep the last step's gradients; check for divergence; end the epoch when due.

        One cheap check per step: NaN or inf in the forward pass reaches δ^L, and so
        ∇b^L = mean δ^L, at once; in the backward pass it reaches the weights, and so δ^L
        at the next step. (A Python sum of a short list beats any NumPy reduction here.)
        """
        self._last_grads, self._last_Y = grads, Y
        if not math.isfinite(sum(grads.nabla_b[-1].tolist())):
            self._declare(self._watch.replay(self.step_count, self._evaluation))
        elif self._schedule.epoch_over:
            self._end_epoch()

    def _run_fast(self) -> None:
        """Steps at full speed until the epoch ends, a report is due, a control arrives or
        the next mark: the hot path, on local names, with one look at the controls a step."""
        self._before_steps()
        schedule, since_mark = self._schedule, self.step_count - self._watch.mark.step
        batches, index = schedule.batches, schedule.index
        end = min(schedule.batches_per_epoch, index + MARK_EVERY_STEPS - since_mark)
        sgd_step, eta, lmbda, n = self.net.sgd_step, self.eta, self.config.lmbda, self._n_train
        every, seconds, since = self._report_steps, self._report_seconds, self._last_report
        clock, isfinite = time.perf_counter, math.isfinite
        step, samples = self.step_count, self.samples_seen
        while True:
            X, Y = batches[index]
            grads = sgd_step(X, Y, eta, lmbda, n)
            index += 1
            step += 1
            samples += len(X)
            if index == end or self._attention or not isfinite(sum(grads.nabla_b[-1].tolist())):
                break
            if (every and step % every == 0) or (seconds and clock() - since >= seconds):
                break
        # only this thread reads the counters while it trains: they are written once
        self.step_count, self.samples_seen, schedule.index = step, samples, index
        self._after_steps(grads, Y)

    def _advance(self, detail: bool) -> None:
        """One SGD step on the next mini-batch, recorded in full as a ``StepDetail`` when
        ``detail``; evaluates and ends the epoch when due."""
        self._before_steps()
        net, eta, lmbda = self.net, self.eta, self.config.lmbda
        X, Y = self._schedule.next()
        if detail:
            before = Parameters.of(net)
            gradients = copy_gradients(net.backprop(X, Y))
        grads = net.sgd_step(X, Y, eta, lmbda, self._n_train)
        self.step_count += 1
        self.samples_seen += len(X)
        if detail:
            after = Parameters.of(net)
            self._detail = StepDetail(
                self.step_count,
                np.array(X),
                np.array(Y),
                before,
                gradients,
                after,
                eta,
                lmbda,
                self._n_train,
            )
        self._after_steps(grads, Y)

    def _end_epoch(self) -> None:
        """Evaluate (every ``eval_every`` epochs and after the last); finish after the last."""
        self.epoch += 1
        if not np.isfinite(self.net.parameters).all():  # a hidden layer's update may overflow
            self._declare(self._watch.replay(self.step_count, self._evaluation))
            return
        last = self.epoch >= self.config.epochs
        if self.epoch % self.config.eval_every and not last:
            return
        evaluation = self._evaluator.evaluate(self.net, self.config.lmbda)
        self._recorder.record_epoch(self.epoch, evaluation)
        grads = self._last_grads
        # once, for the step history and the diagnoses
        norms = None if grads is None else gradient_norms(grads)
        self._record_step(norms)
        evaluation = dataclasses.replace(evaluation, diagnoses=self._diagnose(norms))
        self._evaluation = evaluation
        if self.on_epoch is not None:
            seconds = time.perf_counter() - self._started_at
            self.on_epoch(
                EpochRecord.of(
                    self.epoch,
                    self.step_count,
                    self.samples_seen,
                    self.eta,
                    evaluation,
                    seconds,
                    shares(self._saturation()),
                )
            )
        reason = divergence.cost_runaway(evaluation.train_cost, self._watch.start_cost)
        if reason:
            reason = f"{reason} (after epoch {self.epoch})"
            self._declare(self._watch.cost_rule(self.step_count, reason))
            return
        self._watch.good = checkpoint = self._checkpoint()
        # a view may show an evaluation some epochs behind the run: keep the latest ones
        keep = max(1, min(EVALUATED_COUNT, EVALUATED_BYTES // max(checkpoint.parameters.nbytes, 1)))
        self._evaluated = (*self._evaluated, checkpoint)[-keep:]
        if last:
            self.state = RunState.FINISHED
            self.message = f"finished {self.epoch} epochs"

    def _record_step(self, norms: tuple[tuple[float, ...], tuple[float, ...]] | None) -> None:
        """The last step's gradient ``norms`` (∇w, ∇b) and batch cost into the step history."""
        if norms is not None:
            progress = self.step_count / self.steps_per_epoch
            cost = self.net.batch_cost(self._last_grads, self._last_Y)
            self._recorder.record_step(self.step_count, progress, cost, *norms)

    def _diagnose(
        self, norms: tuple[tuple[float, ...], tuple[float, ...]] | None
    ) -> tuple[Diagnosis, ...]:
        """The rules of ``training.diagnoses`` on the evaluations so far and the last step
        (its gradient ``norms``)."""
        history, grads = self._recorder.epochs_history(), self._last_grads
        info = self.dataset.info
        return diagnose(
            RunFacts(
                epochs=history.epoch,
                train_cost=history.train_cost,
                test_cost=history.test_cost,
                test_accuracy=history.test_accuracy,
                eta=self.eta,
                settings=self._settings,
                n_train=self._n_train,
                n_classes=len(info.class_names) if info.task == "classification" else 0,
                output_slow_share=None
                if grads is None
                else output_slow_share(grads, self._architecture, SLOW_SLOPE_SHARE),
                # None without ReLU hidden layers, as dead_share says (without a pass)
                hidden_dead_share=dead_share(self._saturation()[:-1])
                if self._architecture.activation == "relu"
                else None,
                grad_norm_b=() if norms is None else norms[1],
            )
        )
