"""The classification views (c): the live confusion matrix and the gallery of the worst
misclassified test images, asserted on what the screen shows."""

from __future__ import annotations

import re

import numpy as np

from tests.app.screen import screen_text, train_here, wait_until
from tests.step_records import check_against_reference
from tui_backprop.app import BackpropApp
from tui_backprop.app.screens.classes import ClassesScreen
from tui_backprop.engine import Network
from tui_backprop.formatting import number, scientific
from tui_backprop.training import from_dict, load_preset
from tui_backprop.training.inspection import load_parameters
from tui_backprop.training.inspector_rows import Architecture

#: one epoch of the digits preset (1,438 training images, m = 10) and a little more
DIGITS_STEPS = 150


def digits_app() -> BackpropApp:
    """The app on the digits preset."""
    return BackpropApp(preset="digits", config=load_preset("digits"))


async def test_c_shows_the_confusion_matrix_and_the_worst_images_of_digits() -> None:
    """After an epoch: counts per true and given digit, the share right per row, the most
    confused pair named, thumbnails captioned true→given and the chosen image in detail;
    → chooses the next image; c goes back to the panels."""
    app = digits_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await train_here(pilot, DIGITS_STEPS)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClassesScreen)
        text = screen_text(app)
        assert "Confusion matrix (test set)" in text and "true╲given" in text
        assert "test samples right" in text and "right" in text
        classes = app.latest.classes
        assert classes is not None and classes.most_confused() is not None
        true, given, count = classes.most_confused()
        assert f"most confused: {true} taken for {given}: {count} times" in text
        assert f"{classes.worst_true[0]}→{classes.worst_predicted[0]}" in text
        assert f"test image {classes.worst[0]}:" in text
        # δ^l from the network of that evaluation, recomputed here on the image alone
        net = Network(**app.trainer.config.network_arguments())
        load_parameters(net, app.trainer.evaluated_network(classes).parameters)
        row = int(classes.worst[0])
        X, Y = app.trainer.dataset.X_test, app.trainer.dataset.Y_test
        delta = net.backprop(X[row : row + 1], Y[row : row + 1]).delta
        assert "δ^l of this image (BP1, BP2):" in text  # the box wraps the numbers
        for l, d in enumerate(delta):
            assert f"‖δ^{l + 1}‖" in text and scientific(float(np.linalg.norm(d))) in text
        await pilot.press("right")
        await pilot.pause()
        assert f"test image {classes.worst[1]}:" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ClassesScreen)


async def test_the_gallery_says_when_the_evaluations_network_is_gone() -> None:
    """δ^l are computed when shown, from the evaluation's kept network: without it the
    gallery says so instead of showing numbers of another network."""
    app = digits_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await train_here(pilot, DIGITS_STEPS)
        app.trainer._evaluated = ()  # as when the view is far behind the kept evaluations
        await pilot.press("c")
        await pilot.pause()
        text = screen_text(app)
        flat = " ".join(text.replace("│", " ").split())  # the box wraps its lines
        assert "δ^l of this image (BP1, BP2): that" in flat and "network is no longer kept" in flat
        assert "‖δ^1‖" not in text


async def test_enter_on_a_misclassified_image_opens_the_inspector_on_it() -> None:
    """Enter on the second worst image: the inspector shows a step on that one test sample,
    from the network of the evaluation that chose it (its a^L is the gallery's), with every
    number equal to the book's equations recomputed here; the run is not touched."""
    app = digits_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await train_here(pilot, DIGITS_STEPS)
        trainer = app.trainer
        steps, weights = trainer.step_count, trainer.net.weights[0].copy()
        await pilot.press("c", "right", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ClassesScreen) and app.main.view == "inspect"
        classes = app.latest.classes
        row, true, given = classes.worst[1], classes.worst_true[1], classes.worst_predicted[1]
        text = app.main.inspector.page_text
        assert f"test image {row}: true {true}, given {given}" in text
        assert "after epoch 1" in text and "not applied" in text and "x = 1/1" in text
        assert re.search(rf"j =\s+{given + 1}/10", text)  # the output neuron that won
        record = app.main.inspector.record
        np.testing.assert_array_equal(record.X[0], trainer.dataset.X_test[row])
        np.testing.assert_allclose(record.gradients.activations[-1][0], classes.worst_outputs[1])
        assert number(record.gradients.delta[-1][0, given], 4) in text
        arch = Architecture.of(app.config)
        check_against_reference(record, arch, 1, given, 0)  # the output neuron it chose
        check_against_reference(record, arch, 0, 3, 0)  # a hidden neuron (BP2)
        assert trainer.step_count == steps and (trainer.net.weights[0] == weights).all()


async def test_enter_inspects_an_image_while_the_run_goes_on_at_max_pace() -> None:
    """The view may show an evaluation a few epochs behind a running run: enter still
    inspects the image with the network that evaluation measured."""
    app = BackpropApp(preset="digits", config=load_preset("digits").replace(epochs=1_000))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("M", "space")
        await wait_until(pilot, lambda: app.latest is not None and app.latest.epoch >= 3, "3")
        await pilot.press("c")
        await wait_until(pilot, lambda: "enter inspects it" in screen_text(app), "the matrix")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.main.view == "inspect", "the inspector")
        assert "test image" in app.main.inspector.page_text
        assert "no longer kept" not in screen_text(app)
        await pilot.pause(0.5)  # the run goes on, the chosen image stays
        assert app.trainer.state == "running" and "test image" in app.main.inspector.page_text
        await pilot.press("space")
        await wait_until(pilot, lambda: "paused" in app.main.status.text, "the pause")
        await pilot.press("n")  # a step of the run's own replaces it
        await wait_until(
            pilot, lambda: app.main.inspector.page_text.startswith("step "), "the new step"
        )


async def test_the_classes_tab_is_reachable_with_v_at_80x24() -> None:
    """On a small terminal the views' tabs end with Classes; v reaches it and it opens the
    matrix (the footer offers its keys), and leaving comes back to all panels."""
    app = digits_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await train_here(pilot, DIGITS_STEPS)
        assert "Classes" in screen_text(app).splitlines()[0]
        for _ in range(8):
            await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ClassesScreen)
        text = screen_text(app)
        assert "Confusion matrix" in text and "esc Back" in text.splitlines()[-1]
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.view == "all"


async def test_a_two_dimensional_set_gets_the_matrix_without_pictures(app_spiral_config) -> None:
    """The spiral's three classes: a matrix, and the worst points in words, no images."""
    app = BackpropApp(preset="spiral", config=app_spiral_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await train_here(pilot, 30)
        await pilot.press("c")
        await pilot.pause()
        text = screen_text(app)
        assert "true╲given" in text and "images only for image datasets" in text


async def test_c_on_regression_says_why_there_is_no_matrix() -> None:
    """sine has no classes: a notification, and the panels stay."""
    config = from_dict(
        {"dataset": "sine", "sizes": [1, 8, 1], "output_activation": "linear", "cost": "quadratic"}
    )
    app = BackpropApp(preset="sine", config=config)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, 3)
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ClassesScreen)
        await wait_until(pilot, lambda: "needs classes" in screen_text(app), "the notice")


def test_mnist_sized_images_are_halved_to_fit_the_gallery() -> None:
    """A 28 × 28 image becomes 14 × 14 pixels (7 lines of half blocks); 8 × 8 stays, and
    doubles in the detail view; ink 1 is the palette's white."""
    import numpy as np

    from tui_backprop.app.widgets.gallery import GREY, image_pixels

    mnist = image_pixels(np.ones(28 * 28), (28, 28))
    assert mnist.shape == (14, 14) and (mnist == len(GREY) - 1).all()
    assert image_pixels(np.zeros(64), (8, 8)).shape == (8, 8)
    assert image_pixels(np.zeros(64), (8, 8), scale=2).shape == (16, 16)


async def test_a_2d_sets_classes_are_named_whole_and_its_samples_are_not_images() -> None:
    """The spiral's three arms: the matrix's columns read "arm 1", "arm 2", "arm 3" (not
    three "arm "), and its misclassified points are test samples, not images."""
    app = BackpropApp(preset="spiral", config=load_preset("spiral"))
    async with app.run_test(size=(120, 40)) as pilot:
        await train_here(pilot, 5 * 72)  # the first evaluation, after epoch 5
        await pilot.press("c")
        await pilot.pause()
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "true╲given" in line)
        assert all(f"arm {k}" in header for k in (1, 2, 3)), header
        assert "choose a sample" in text and "test image" not in text
        worst = app.latest.classes.worst
        assert len(worst) and f"test sample {worst[0]}:" in text  # 5 epochs: many mistakes
