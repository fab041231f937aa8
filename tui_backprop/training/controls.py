"""The trainer's controls: what any thread may ask of a run, and how the loop hears it.

The training loop polls these between mini-batches; a sleeping loop (paused, or keeping
a slow pace) is woken by ``_wake`` so that a key takes effect at once.
"""

from __future__ import annotations

import math
import threading

from tui_backprop.training.config import ConfigError, RunConfig


class Controls:
    """Pause, resume, single steps, stop, η, pace, report cadence, and what reports carry.

    Every method may be called from any thread. (A base of ``Trainer``: the loop reads
    the attributes directly, which keeps the per-step cost of polling small.)
    """

    def _init_controls(
        self, config: RunConfig, report_seconds: float | None, report_steps: int | None
    ) -> None:
        """Start unpaused, at full speed, at the configuration's η and the asked-for cadence.

        The configuration's ``max_steps_per_second`` is the app's to apply (``set_pace``):
        headless training ignores pace.
        """
        self.eta = config.eta
        # set by every control: the fast loop checks this one flag between steps
        self._attention = False
        self._paused = False
        self._step_requests = 0
        self._stop_event = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._detail_wanted = False
        self._parameters_wanted = False
        self._map_wanted = True
        self._neuron_maps_wanted = False
        self._report_seconds = config.report_every_seconds
        self._report_steps = config.report_every_steps
        self.set_cadence(report_seconds, report_steps)
        self._step_interval = 0.0
        self._next_step_at = 0.0  # perf_counter time before which no step is taken
        self.set_pace(None)

    def pause(self) -> None:
        """Pause between mini-batches; a paused run still answers ``request_step``."""
        self._paused = True
        self._attention = True
        self._wake.set()

    def resume(self) -> None:
        """Continue a paused run."""
        self._paused = False
        self._attention = True
        self._wake.set()

    @property
    def is_paused(self) -> bool:
        """True while paused."""
        return self._paused

    def request_step(self, count: int = 1) -> None:
        """Take ``count`` mini-batch steps while paused (ignored while running).

        Each such step carries its ``StepDetail`` on the snapshot that follows it.
        """
        with self._lock:
            self._step_requests += count
        self._attention = True
        self._wake.set()

    def _take_step_request(self) -> bool:
        """True (and one request fewer) when a single step was asked for."""
        with self._lock:
            if self._step_requests > 0:
                self._step_requests -= 1
                return True
        return False

    def stop(self) -> None:
        """End the run after the current mini-batch."""
        self._stop_event.set()
        self._attention = True
        self._wake.set()

    def set_eta(self, eta: float) -> None:
        """Change the learning rate η; the next mini-batch uses it."""
        if not (isinstance(eta, int | float) and math.isfinite(eta) and eta > 0):
            raise ConfigError(f"eta = {eta!r} must be a number > 0", field="eta")
        self.eta = float(eta)
        self._attention = True

    def set_pace(self, steps_per_second: float | None) -> None:
        """Take at most this many steps a second; None (or 0, or inf) for full speed ("max")."""
        if steps_per_second is None or steps_per_second == 0 or steps_per_second == math.inf:
            self._step_interval = 0.0
        elif isinstance(steps_per_second, int | float) and steps_per_second > 0:
            self._step_interval = 1.0 / steps_per_second
        else:
            raise ConfigError(
                f"pace = {steps_per_second!r} must be a number of steps a second > 0 "
                "(or None for full speed)",
                field="max_steps_per_second",
            )
        self._next_step_at = 0.0  # the new pace counts from the next step
        self._attention = True
        self._wake.set()  # a long wait at the old pace ends now

    @property
    def pace(self) -> float | None:
        """Steps a second at most, or None at full speed."""
        return 1.0 / self._step_interval if self._step_interval else None

    def set_cadence(self, seconds: float | None = None, steps: int | None = None) -> None:
        """Report every ``seconds`` of training and/or every ``steps`` steps (0: not by that).

        The consumer says how often it wants snapshots, so that none is built only to be
        dropped; changes of state (paused, single steps, the end) are always reported.
        """
        if seconds is not None:
            if not (isinstance(seconds, int | float) and math.isfinite(seconds) and seconds >= 0):
                raise ConfigError(
                    f"report_every_seconds = {seconds!r} must be a number ≥ 0",
                    field="report_every_seconds",
                )
            self._report_seconds = float(seconds)
        if steps is not None:
            if isinstance(steps, bool) or not (isinstance(steps, int) and steps >= 0):
                raise ConfigError(
                    f"report_every_steps = {steps!r} must be a whole number ≥ 0",
                    field="report_every_steps",
                )
            self._report_steps = steps
        self._attention = True

    @property
    def cadence(self) -> tuple[float, int]:
        """(seconds, steps) between reports while running; 0 means not by that measure."""
        return self._report_seconds, self._report_steps

    def request_step_detail(self, on: bool = True) -> None:
        """While on, the step before each report is recorded in full (``Snapshot.step_detail``).

        For an open inspector: it costs one more backward pass and a few copies per report,
        not per step. Single steps (``request_step``) always carry their detail.
        """
        self._detail_wanted = on
        self._attention = True

    def request_output_map(self, on: bool = True) -> None:
        """Whether snapshots carry the output map (on by default; a consumer that draws no
        map, such as the headless mode, turns it off and saves a forward pass per report)."""
        self._map_wanted = on

    def request_neuron_maps(self, on: bool = True) -> None:
        """Whether snapshots carry every neuron's map over the input plane (off by default:
        one more small forward pass per report, for a consumer that draws them)."""
        self._neuron_maps_wanted = on

    def request_parameters(self, on: bool = True) -> None:
        """While on, every snapshot carries a copy of the parameters (``Snapshot.parameters``,
        and so a ``Snapshot.checkpoint`` to ``restore``)."""
        self._parameters_wanted = on
        self._attention = True
