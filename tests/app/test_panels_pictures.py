"""The δ heatmap and the output map mounted alone and fed snapshots of real runs, the
drawing helpers (ticks, decimation) and the panels' pacing."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from tests.app.panels import PanelApp, last_snapshot, run_snapshots
from tests.app.screen import screen_text
from tui_backprop.app.widgets import plotting
from tui_backprop.app.widgets.heatmap import DeltaHeatmap, group_max_magnitude
from tui_backprop.app.widgets.loss import LossPanel
from tui_backprop.app.widgets.output_map import OutputMapPanel

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
