"""Screenshots of a fixed state, compared with the accepted SVGs in __snapshots__/.

The state is deterministic: a seeded spiral network stepped a fixed number of times in
the test's own thread (no worker), shown as paused so that no speed (samples/s) appears,
and no cursor blinks. Update with `pytest tests/app/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

import dataclasses

from textual.pilot import Pilot
from textual.widgets import Input

from tests.app.screen import train_here
from tui_backprop.app import BackpropApp
from tui_backprop.training import RunConfig, Snapshot

#: 25 epochs of the 24-step spiral: the boundary has begun to curl around the arms
STEPS = 24 * 25


async def show_fixed_state(pilot: Pilot) -> None:
    """Train the app's network for STEPS steps here, then show it paused."""
    await train_here(pilot, STEPS)
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_panels_at_80x24(snap_compare, app_spiral_config: RunConfig) -> None:
    """80×24: the view tabs and all four panels stacked two by two."""
    app = BackpropApp(preset="spiral-demo", config=app_spiral_config)
    assert snap_compare(app, terminal_size=(80, 24), run_before=show_fixed_state)


def test_form_with_an_error_at_80x24(snap_compare, app_spiral_config: RunConfig) -> None:
    """80×24, Setup view: an invalid η is explained under its field."""

    async def edit(pilot: Pilot) -> None:
        """Show the fixed state, then type a bad η in the form."""
        await show_fixed_state(pilot)
        app = pilot.app
        assert isinstance(app, BackpropApp)
        app.main.set_view("form")
        eta = app.main.form.query_one("#field-eta", Input)
        eta.value = "-1"
        await pilot.pause()

    app = BackpropApp(preset="spiral-demo", config=app_spiral_config)
    assert snap_compare(app, terminal_size=(80, 24), run_before=edit)


def test_everything_at_120x40(snap_compare, app_spiral_config: RunConfig) -> None:
    """120×40: the form beside the four panels."""
    app = BackpropApp(preset="spiral-demo", config=app_spiral_config)
    assert snap_compare(app, terminal_size=(120, 40), run_before=show_fixed_state)


async def show_inspected_step(pilot: Pilot, layer_keys: str = "") -> None:
    """One step of the xor network recorded in full, shown paused in the inspector
    (``layer_keys``: [ or ] presses)."""
    app = pilot.app
    assert isinstance(app, BackpropApp)
    while app.trainer is None:
        await pilot.pause(0.01)
    trainer = app.trainer
    trainer.listener = None  # nothing reaches the screen but the snapshot below
    trainer.step()  # a single step is always recorded in full
    snapshot = dataclasses.replace(trainer.snapshot(), state="paused", samples_per_second=0.0)
    app.latest = snapshot
    app.main.show(snapshot)
    await pilot.press("i", "right", "right", *layer_keys)
    await pilot.pause()


def test_inspector_at_the_output_at_80x24(snap_compare, app_xor_config: RunConfig) -> None:
    """80×24, Inspect tab: BP1 at the output neuron, σ' cancelled by the cross-entropy."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    assert snap_compare(app, terminal_size=(80, 24), run_before=show_inspected_step)


def test_inspector_at_a_hidden_layer_at_120x40(snap_compare, app_xor_config: RunConfig) -> None:
    """120×40: BP2 at a hidden neuron of the first hidden layer, the whole width."""

    async def hidden(pilot: Pilot) -> None:
        """Two layers back from the output, then neuron 2."""
        await show_inspected_step(pilot, "[[")
        await pilot.press("down")

    app = BackpropApp(preset="xor", config=app_xor_config)
    assert snap_compare(app, terminal_size=(120, 40), run_before=hidden)


async def show_neuron_maps(pilot: Pilot) -> None:
    """The fixed spiral state, then `m`: every neuron's map over the plane."""
    await show_fixed_state(pilot)
    await pilot.press("m")
    await pilot.pause()


def test_neuron_maps_at_80x24(snap_compare, app_spiral_config: RunConfig) -> None:
    """80×24, Maps tab: five maps of the first hidden layer and the count of the rest."""
    app = BackpropApp(preset="spiral-demo", config=app_spiral_config)
    assert snap_compare(app, terminal_size=(80, 24), run_before=show_neuron_maps)


def test_neuron_maps_at_120x40(snap_compare, app_spiral_config: RunConfig) -> None:
    """120×40: the maps of all three layers, with weights in and ∂C/∂b."""
    app = BackpropApp(preset="spiral-demo", config=app_spiral_config)
    assert snap_compare(app, terminal_size=(120, 40), run_before=show_neuron_maps)


async def show_slowdown_split(pilot: Pilot) -> None:
    """One step of the learning-slowdown neuron, then the Speed tab (`i`, then `v`)."""
    await train_here(pilot, 1)
    await pilot.press("i", "v")
    await pilot.pause()


def test_slowdown_split_at_80x24(snap_compare) -> None:
    """80×24, Speed tab on learning-slowdown: ∇_aC ≈ 0.98 but σ'(z^L) ≈ 0.018, so δ^L ≈ 0.017."""
    app = BackpropApp(preset="learning-slowdown")
    assert snap_compare(app, terminal_size=(80, 24), run_before=show_slowdown_split)


async def show_rewound_state(pilot: Pilot) -> None:
    """The fixed state, with a moment every epoch kept, rewound twice: the panels show
    epoch 23 and the time bar says so."""
    app = pilot.app
    assert isinstance(app, BackpropApp)

    def keep_epochs(snapshot: Snapshot) -> None:
        """Keep the moment at the end of each epoch."""
        if snapshot.step % snapshot.steps_per_epoch == 0:
            app.history.add(snapshot)

    await train_here(pilot, STEPS, keep_epochs)
    for field in app.query(Input):
        field.cursor_blink = False
    await pilot.press("comma")
    await pilot.pause(0.2)  # the bar has taken its line from the panels
    await pilot.press("comma")
    await pilot.pause(0.2)


def test_rewind_marker_at_80x24(snap_compare, app_spiral_config: RunConfig) -> None:
    """80×24: two moments back, every panel at step 552 with the marker above the status."""
    app = BackpropApp(preset="spiral-demo", config=app_spiral_config)
    assert snap_compare(app, terminal_size=(80, 24), run_before=show_rewound_state)


def test_rewind_marker_at_120x40(snap_compare, app_spiral_config: RunConfig) -> None:
    """120×40: the same moment beside the form."""
    app = BackpropApp(preset="spiral-demo", config=app_spiral_config)
    assert snap_compare(app, terminal_size=(120, 40), run_before=show_rewound_state)
