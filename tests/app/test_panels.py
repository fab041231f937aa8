"""The live panels (loss, gradients, δ heatmap, output map), each mounted alone in a tiny app
and fed snapshots of real runs, with assertions on what a user would see: every panel, the
loss and the gradients (the δ heatmap, the output map, drawing helpers and pacing are in
test_panels_pictures.py)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from tests.app.panels import PANEL_TYPES, PanelApp, last_snapshot, run_snapshots
from tests.app.screen import screen_text
from tui_backprop.app.widgets import plotting
from tui_backprop.app.widgets.gradients import GradientPanel, ratio_words
from tui_backprop.app.widgets.loss import LossPanel
from tui_backprop.formatting import number

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
        assert panel.ratio_text().startswith("layer 1 learns ")
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
    assert ratio_of((0.001, 0.01, 0.5)) == "layer 1 learns 10× slower than layer 2 at step 5"
    assert ratio_of((0.01, 0.037)) == "layer 1 learns 3.7× slower than layer 2 at step 5"
    assert ratio_of((0.023, 0.01, 1.0)) == "layer 1 learns 2.3× faster than layer 2 at step 5"
    assert ratio_of((0.01, 0.0101, 1.0)) == "layer 1 learns as fast as layer 2 (1.01×) at step 5"
    assert ratio_of((math.nan, math.nan, math.nan), step=0) == "no gradients yet: take a step"
    assert ratio_of((0.0, 0.1, 0.2)) == "layer 1 has zero gradient: it does not learn"
    assert ratio_of((0.1, 0.0, 0.2)) == "layer 2 has zero gradient: it does not learn"
    assert ratio_of((0.0, 0.0, 0.2)).startswith("layers 1 and 2 both have zero gradient")
    assert ratio_of((0.5,)) == "one layer only: nothing to compare"
