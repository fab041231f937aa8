"""The live panels (loss, gradients, δ heatmap, output map), each mounted alone in a tiny app
and fed snapshots of real runs, with assertions on what a user would see."""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget

from tests.app.screen import screen_text
from tui_backprop.app.widgets import pacing, plotting
from tui_backprop.app.widgets.gradients import GradientPanel, ratio_words
from tui_backprop.app.widgets.heatmap import DeltaHeatmap, group_max_magnitude
from tui_backprop.app.widgets.loss import LossPanel
from tui_backprop.app.widgets.output_map import OutputMapPanel
from tui_backprop.formatting import number
from tui_backprop.training import Snapshot, Trainer, from_dict

PANELS_CSS = Path(pacing.__file__).with_name("panels.tcss")
PANEL_TYPES = (LossPanel, GradientPanel, DeltaHeatmap, OutputMapPanel)

RUNS = {
    "spiral": dict(
        dataset="spiral",
        dataset_options={"arms": 3},
        sizes=[2, 16, 16, 3],
        activation="tanh",
        output_activation="softmax",
        cost="log_likelihood",
        eta=0.3,
        epochs=5,
    ),
    "xor": dict(
        dataset="xor",
        sizes=[2, 2, 1],
        activation="tanh",
        output_activation="sigmoid",
        cost="cross_entropy",
        eta=0.5,
        epochs=5,
    ),
    "sine": dict(
        dataset="sine",
        sizes=[1, 16, 1],
        activation="tanh",
        output_activation="linear",
        cost="quadratic",
        eta=0.1,
        epochs=5,
    ),
    "digits": dict(
        dataset="digits",
        sizes=[64, 30, 10],
        activation="sigmoid",
        output_activation="softmax",
        cost="log_likelihood",
        eta=0.3,
        epochs=5,
    ),
}


@lru_cache
def run_snapshots(run: str, steps: int) -> tuple[Snapshot, ...]:
    """The untrained snapshot, then one per mini-batch step, of a small real run."""
    trainer = Trainer(from_dict(RUNS[run]))
    return (trainer.snapshot(), *(trainer.step() for _ in range(steps)))


def last_snapshot(run: str, steps: int = 40) -> Snapshot:
    """The snapshot after ``steps`` steps (past the first epoch for every run here)."""
    return run_snapshots(run, steps)[-1]


class PanelApp(App[None]):
    """A bare app holding one panel, styled by the panels' own stylesheet."""

    CSS_PATH = PANELS_CSS

    def __init__(self, panel: Widget) -> None:
        """Hold ``panel``."""
        super().__init__()
        self.panel = panel

    def compose(self) -> ComposeResult:
        """Just the panel."""
        yield self.panel


# -- every panel ------------------------------------------------------------------------


@pytest.mark.parametrize("panel_type", PANEL_TYPES)
async def test_a_panel_says_press_space_before_a_snapshot_and_after_clear(panel_type) -> None:
    panel = panel_type()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "press space to train" in screen_text(app)
        panel.show(last_snapshot("spiral"))
        await pilot.pause()
        assert "press space to train" not in screen_text(app)
        panel.clear()
        await pilot.pause()
        assert "press space to train" in screen_text(app)


@pytest.mark.parametrize("size", [(30, 8), (38, 10), (160, 50)])
@pytest.mark.parametrize("panel_type", PANEL_TYPES)
async def test_every_panel_draws_every_run_from_tiny_to_large(panel_type, size) -> None:
    panel = panel_type()
    app = PanelApp(panel)
    async with app.run_test(size=size) as pilot:
        for run in ("spiral", "xor", "sine", "digits"):
            for snapshot in (run_snapshots(run, 40)[0], last_snapshot(run)):
                panel.show(snapshot)
                await pilot.pause()
                assert screen_text(app).strip()  # drew something, and raised nothing


async def test_panels_survive_nan_gradients_and_deltas() -> None:
    good = last_snapshot("spiral")
    nan = math.nan
    broken = dataclasses.replace(
        good,
        state="diverged",
        grad_norm_b=(nan, 1.0, math.inf),
        grad_norm_w=(nan, nan, nan),
        delta=tuple(np.full_like(d, np.nan) for d in good.delta),
    )
    for panel_type in PANEL_TYPES:
        panel = panel_type()
        app = PanelApp(panel)
        async with app.run_test(size=(80, 24)) as pilot:
            panel.show(broken)
            await pilot.pause()
            assert screen_text(app).strip()
            if isinstance(panel, GradientPanel):
                assert panel.ratio_text() == "the gradients are not finite (the run diverged)"


async def test_log_plots_render_again_without_new_data() -> None:
    # plotext's build takes the log of a figure's data in place: a second build of the same
    # figure (a resize, a refresh) must not take the log of the logs
    for panel in (LossPanel(), GradientPanel()):
        app = PanelApp(panel)
        async with app.run_test(size=(100, 40)) as pilot:
            if isinstance(panel, LossPanel):
                panel.set_log_scale(True)
            panel.show(last_snapshot("spiral"))
            await pilot.pause()
            before = screen_text(app)
            for plot in panel.query(plotting.TimedPlot):
                plot.refresh()
            await pilot.pause()
            assert screen_text(app) == before
            await pilot.resize_terminal(90, 30)
            await pilot.pause()
            assert screen_text(app).strip()


# -- loss -------------------------------------------------------------------------------


async def test_loss_plot_grows_as_snapshots_arrive() -> None:
    panel = LossPanel()
    app = PanelApp(panel)
    snapshots = run_snapshots("spiral", 70)
    async with app.run_test(size=(100, 40)) as pilot:
        panel._pacer.min_interval = 0.0  # this test is about the data, not the pacing
        panel._pacer.share = 1.0
        panel.show(snapshots[0])  # before the first step: nothing to plot yet
        await pilot.pause()
        assert panel.plotted_points() == 0
        assert "press space to train" in screen_text(app)
        panel.show(dataclasses.replace(snapshots[0], state="running"))
        await pilot.pause()
        assert "waiting for the first mini-batch" in screen_text(app)
        counts = []
        for snapshot in snapshots[1::10]:
            panel.show(snapshot)
            await pilot.pause()
            counts.append(panel.plotted_points())
        assert counts == sorted(counts) and counts[0] >= 1 and counts[-1] > counts[0]
        assert "batch" in screen_text(app)  # the per-step cost moves before epoch 1 ends


async def test_log_scale_toggles_the_cost_title() -> None:
    panel = LossPanel()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        panel.show(last_snapshot("spiral"))
        await pilot.pause()
        assert "cost (log)" not in screen_text(app)
        assert "cost · train" in screen_text(app)
        panel.set_log_scale(True)
        await pilot.pause()
        assert panel.log_scale
        assert "cost (log) · train" in screen_text(app)
        panel.set_log_scale(False)
        await pilot.pause()
        assert "cost (log)" not in screen_text(app)


async def test_accuracy_shows_for_classification_in_percent_and_not_for_regression() -> None:
    panel = LossPanel()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        snapshot = last_snapshot("spiral")
        panel.show(snapshot)
        await pilot.pause()
        assert f"{100 * snapshot.test_accuracy:.1f}%" in screen_text(app)
        panel.show(last_snapshot("sine"))
        await pilot.pause()
        assert "accuracy" not in screen_text(app)


async def test_a_tiny_loss_panel_summarises_in_text() -> None:
    panel = LossPanel()
    app = PanelApp(panel)
    async with app.run_test(size=(30, 8)) as pilot:
        snapshot = last_snapshot("spiral")
        panel.show(snapshot)
        await pilot.pause()
        assert panel.has_class("-compact")
        assert f"train {number(snapshot.train_cost)}" in screen_text(app)


# -- gradients --------------------------------------------------------------------------


async def test_gradient_panel_shows_current_values_and_the_ratio() -> None:
    panel = GradientPanel()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        assert panel.current_values() == ()
        snapshot = last_snapshot("spiral")
        panel.show(snapshot)
        await pilot.pause()
        assert panel.current_values() == snapshot.grad_norm_b
        ratio = snapshot.first_to_last_ratio
        amount, word = (ratio, "slower") if ratio > 1 else (1 / ratio, "faster")
        now = f"{amount:.0f}" if amount >= 10 else f"{amount:.1f}"
        # the last hidden layer; the ratio at the first report, then now
        assert panel.ratio_text().startswith("layer 1 vs layer 2: ")
        assert panel.ratio_text().endswith(f"→ {now}× {word} at step {snapshot.step}")
        text = screen_text(app)
        assert panel.ratio_text() in text
        assert f"{snapshot.grad_norm_b[2]:.2e}" in text  # the output layer's row
        assert "3  out" in text
        panel.set_show_weights(True)
        await pilot.pause()
        assert "dots: ‖∇w‖" in screen_text(app)


def ratio_of(norms: tuple[float, ...], step: int = 5) -> str:
    """The ratio words for a snapshot with these ‖∇b^l‖ now and no earlier report."""
    spiral = last_snapshot("spiral")
    history = dataclasses.replace(
        spiral.steps_history, step=spiral.steps_history.step[:0], grad_norm_b=np.zeros((0, 3))
    )
    snapshot = dataclasses.replace(spiral, grad_norm_b=norms, step=step, steps_history=history)
    return ratio_words(snapshot)[0]


def test_ratio_words_read_well_for_every_case() -> None:
    assert ratio_of((0.001, 0.01, 0.5)) == "layer 1 vs layer 2: 10× slower at step 5"
    assert ratio_of((0.01, 0.037)) == "layer 1 vs layer 2: 3.7× slower at step 5"
    assert ratio_of((0.023, 0.01, 1.0)) == "layer 1 vs layer 2: 2.3× faster at step 5"
    assert ratio_of((0.01, 0.0101, 1.0)) == "layer 1 vs layer 2: as fast (1.01×) at step 5"
    assert ratio_of((math.nan, math.nan, math.nan), step=0) == "no gradients yet: take a step"
    assert ratio_of((0.0, 0.1, 0.2)) == "layer 1 has zero gradient: it does not learn"
    assert ratio_of((0.1, 0.0, 0.2)) == "layer 2 has zero gradient: it does not learn"
    assert ratio_of((0.0, 0.0, 0.2)).startswith("layers 1 and 2 both have zero gradient")
    assert ratio_of((0.5,)) == "one layer only: nothing to compare"


# -- δ heatmap --------------------------------------------------------------------------


async def test_heatmap_shows_each_layer_as_neurons_by_samples() -> None:
    panel = DeltaHeatmap()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        assert panel.matrix_shape is None
        snapshot = last_snapshot("spiral")
        panel.show(snapshot)
        await pilot.pause()
        layers = len(snapshot.delta)
        for layer in range(layers):
            samples, neurons = snapshot.delta[layer].shape
            assert panel.layer_index == layer
            assert panel.matrix_shape == (neurons, samples)
            title = f"layer {layer + 1} of {layers}"
            assert title in screen_text(app)
            assert f"({neurons} neurons × {samples} samples)" in screen_text(app)
            panel.next_layer()
            await pilot.pause()
        assert panel.layer_index == 0  # wrapped around
        panel.previous_layer()
        assert panel.layer_index == layers - 1
        assert panel.matrix_shape == (3, snapshot.delta[-1].shape[0])


async def test_heatmap_before_the_first_step_says_so() -> None:
    panel = DeltaHeatmap()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        panel.show(run_snapshots("spiral", 1)[0])
        await pilot.pause()
        assert panel.matrix_shape == (16, 0)
        assert "δ appears after the first mini-batch" in screen_text(app)


async def test_heatmap_legend_is_symmetric_around_zero() -> None:
    panel = DeltaHeatmap()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        snapshot = last_snapshot("digits")  # 30 hidden neurons
        panel.show(snapshot)
        await pilot.pause()
        largest = float(np.abs(snapshot.delta[0]).max())
        assert f"−{largest:.2g}" in screen_text(app)
        assert f"+{largest:.2g}" in screen_text(app)


async def test_heatmap_click_shows_the_next_layer() -> None:
    panel = DeltaHeatmap()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        panel.show(last_snapshot("xor"))
        await pilot.pause()
        await pilot.click(DeltaHeatmap)
        assert panel.layer_index == 1
        assert panel.matrix_shape == (1, last_snapshot("xor").delta[1].shape[0])


def test_grouping_keeps_the_signed_extreme_and_nan() -> None:
    matrix = np.array([[1.0, -5.0, 2.0, 0.5, np.nan]])
    grouped = group_max_magnitude(matrix, 3, axis=1)[0]  # runs [1] [-5, 2] [0.5, nan]
    assert grouped[:2].tolist() == [1.0, -5.0] and np.isnan(grouped[2])
    assert group_max_magnitude(matrix.T, 2, axis=0)[:, 0].tolist()[0] == -5.0
    assert group_max_magnitude(matrix, 9, axis=1) is matrix  # fits: left alone


async def test_heatmap_of_a_wide_layer_groups_neurons_and_says_so() -> None:
    panel = DeltaHeatmap()
    app = PanelApp(panel)
    snapshot = last_snapshot("digits")
    wide = dataclasses.replace(snapshot, delta=(np.tile(snapshot.delta[0], (1, 4)),))
    async with app.run_test(size=(100, 40)) as pilot:  # 70 pixel rows for 120 neurons
        panel.show(wide)
        await pilot.pause()
        assert panel.matrix_shape == (120, snapshot.delta[0].shape[0])
        assert "(120 neurons × " in screen_text(app)
        assert "a cell = largest |δ| of up to 2 neurons" in screen_text(app)


# -- output map -------------------------------------------------------------------------


async def test_output_map_explains_why_digits_have_no_map() -> None:
    panel = OutputMapPanel()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        panel.show(last_snapshot("digits"))
        await pilot.pause()
        note = "The output map needs a dataset with 1 or 2 inputs (this one has 64)"
        assert note in screen_text(app)


@pytest.mark.parametrize("run", ["spiral", "xor"])
async def test_output_map_draws_the_plane_with_training_points(run) -> None:
    panel = OutputMapPanel()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        panel.show(last_snapshot(run))
        await pilot.pause()
        text = screen_text(app)
        assert "predicted class over the input plane" in text
        assert text.count("●") > 20  # the training points, on top
        assert "▀" in text  # the half-block plane


async def test_output_map_draws_a_curve_for_one_input() -> None:
    panel = OutputMapPanel()
    app = PanelApp(panel)
    async with app.run_test(size=(100, 40)) as pilot:
        panel.show(last_snapshot("sine"))
        await pilot.pause()
        assert panel.has_class("-curve")
        assert "network output a^L(x)" in screen_text(app)


# -- drawing helpers --------------------------------------------------------------------


def test_ticks_are_round_numbers() -> None:
    assert plotting.nice_ticks(0, 40, 5) == [0.0, 10.0, 20.0, 30.0, 40.0]
    assert plotting.log_ticks(0.0016, 0.63, 5) == [0.01, 0.1]
    assert plotting.log_ticks(0.3, 0.9, 4) == [0.4, 0.6, 0.8]


def test_log_ticks_are_positive_and_finite_over_any_range() -> None:
    """A diverging run's norms span the floats: a 0 tick made plotext's log10 fail."""
    values = [5e-324, 1e-300, 1e-9, 0.3, 9.0, 1e300, float(np.finfo(float).max)]
    for low in values:
        for high in [v * k for v in values for k in (1, 3)]:
            if 0 < low <= high < np.inf:
                for count in (1, 3, 8):
                    ticks = plotting.log_ticks(low, high, count)
                    assert all(0 < t < np.inf for t in ticks), (low, high, count, ticks)


def test_decimation_keeps_the_ends_and_a_bounded_count() -> None:
    x = np.arange(512.0)
    xs, ys = plotting.finite_xy(x, np.where(x % 5 == 0, np.nan, x), limit=100)
    assert len(xs) <= 100 and xs[0] == 1.0 and xs[-1] == 511.0
    assert all(not math.isnan(y) for y in ys)
    xs, _ = plotting.bin_mean_xy(x, x + 1, bins=64, log=True)
    assert len(xs) == 64


# -- pacing -----------------------------------------------------------------------------


async def test_running_snapshots_are_paced_by_what_drawing_costs() -> None:
    panel = LossPanel()
    app = PanelApp(panel)
    snapshots = run_snapshots("spiral", 70)
    running = [dataclasses.replace(s, state="running") for s in snapshots[1::20]]
    async with app.run_test(size=(100, 40)) as pilot:
        panel._pacer.share = 0.1
        panel._pacer.min_interval = 0.2
        panel.show(running[0])
        await pilot.pause()
        for plot in panel.query(plotting.TimedPlot):
            plot.render_seconds = 0.025  # as if plotext took 50 ms in all: 0.5 s apart
        panel._pacer.request(urgent=True)  # a drawing just now
        first = panel.plotted_points()
        panel.show(running[1])
        panel.show(running[2])
        assert panel.plotted_points() == first  # waits for the budget...
        assert panel._pacer.pending
        for _ in range(30):
            await pilot.pause(0.1)
            if not panel._pacer.pending:
                break
        assert not panel._pacer.pending
        assert panel.plotted_points() > first  # ...then draws the latest, once
        panel.show(dataclasses.replace(running[-1], state="paused"))
        assert not panel._pacer.pending  # a paused run's snapshot draws at once
