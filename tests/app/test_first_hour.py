"""What a new user met in the first hour (issue 12), each checked on the rendered screen."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from functools import lru_cache

import pytest
from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import Input, Select

from tests.app.screen import screen_text, scrolled_help, wait_until
from tui_backprop.app import BackpropApp
from tui_backprop.data import mnist as mnist_module
from tui_backprop.formatting import scientific
from tui_backprop.training import Snapshot, Trainer, load_preset

# -- 1. help ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_help_shows_every_table_when_scrolled_through(size) -> None:
    """Scrolling the help from top to bottom shows the panels, BP1–BP4 and the keys."""
    app = BackpropApp()
    async with app.run_test(size=size) as pilot:
        seen = await scrolled_help(pilot)
        text = "\n".join(seen)
    assert "Gradients" in text and "δ heatmap" in text
    bp_rows = ("BP1", "BP2", "BP3", "BP4", "δ^L = ∇_a C", "last layer L", "Gradients: ‖∇w^l‖")
    for row in bp_rows:
        assert row in text, row
    assert "start, pause, resume" in text and "quit (stops the training first)" in text


# -- shared: a real run's snapshots, shown on the app's screen without a live worker ---------


@lru_cache
def preset_snapshots(preset: str, steps: int) -> tuple[Snapshot, ...]:
    """The snapshots of the first ``steps`` mini-batch steps of a preset's run."""
    trainer = Trainer(load_preset(preset))
    return tuple(trainer.step() for _ in range(steps))


async def show_on_app(pilot: Pilot, app: BackpropApp, snapshot: Snapshot) -> str:
    """Show ``snapshot`` on the app's panels (as the worker would) and return the screen."""
    await wait_until(pilot, lambda: app.trainer is not None, "the first network")
    app.main.show(snapshot)
    await pilot.pause()
    return screen_text(app)


def panel_text(app: BackpropApp, panel_id: str) -> str:
    """The characters inside one panel's region of the screen."""
    region = app.main.query_one(f"#{panel_id}").region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


# -- 2. a new dataset never leaves an impossible output/cost pair ----------------------------


async def test_a_dataset_with_one_output_resets_softmax_and_says_so() -> None:
    """spiral (softmax · log-likelihood over 3 outputs) → xor (1 output): the form shows a
    pair that can learn, a notice says why, and a step gives a non-zero gradient."""
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        app.main.form.query_one("#field-dataset", Select).value = "xor"
        await wait_until(pilot, lambda: app.config.dataset == "xor", "the xor network")
        text = screen_text(app)
        assert "out/cost  sigmoid · cross-entropy" in text and "2-16-16-1" in text
        await wait_until(pilot, lambda: "softmax needs" in screen_text(app), "the notice")
        assert app.main.form.errors == {}
        await pilot.press("n")
        await wait_until(pilot, lambda: app.latest is not None and app.latest.step == 1, "a step")
        assert app.latest.grad_norm_b[-1] > 0


# -- 3. the vanishing-gradients ratio says when it was measured -------------------------------


@pytest.mark.parametrize(
    ("size", "view"), [((80, 24), "gradients"), ((80, 24), "all"), ((120, 40), None)]
)
async def test_gradient_ratio_names_the_start_and_now(size, view) -> None:
    """The headline gives the ratio at the first step and now, each with its moment, in
    the Gradients view and in the small panel of the all-panels view."""
    snapshots = preset_snapshots("vanishing-gradients", 200)
    app = BackpropApp(preset="vanishing-gradients")
    async with app.run_test(size=size) as pilot:
        await show_on_app(pilot, app, snapshots[-1])
        if view is not None:
            app.main.set_view(view)
        # (a hint line may take a row: then the headline says "step 200", not "now")
        await wait_until(
            pilot,
            lambda: any(now in panel_text(app, "gradients") for now in ("now", "step 200")),
            "the ratio",
        )
        text = panel_text(app, "gradients")
    first = snapshots[0].first_to_last_ratio
    last = snapshots[-1].first_to_last_ratio
    assert first > 50 and last > 1  # the lesson: layer 1 is far slower at the start
    assert f"{first:.0f}× slower" in text and "step 1 " in text
    assert f"{last:.0f}× slower" in text or f"{last:.1f}× slower" in text
    assert "now" in text or "step 200" in text


def test_vanishing_preset_description_says_the_ratio_is_at_the_start() -> None:
    assert "at the start" in load_preset("vanishing-gradients").description


# -- 8. the layers field answers in the form's notation -------------------------------------


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2-0-3", "every layer needs at least 1 neuron (2-0-3 has a 0)"),
        ("2-x-3", "write whole numbers joined by dashes, such as 2-16-3"),
        ("3-8-3", "must start with 2 and end with 3: spiral has 2 inputs and 3 outputs"),
    ],
)
async def test_the_layers_error_is_written_as_the_user_types_layers(typed, reason) -> None:
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.main.form.shape is not None, "the first network")
        await pilot.press("e", *["backspace"] * 12, *typed)
        error = app.main.form.query_one("#sizes-error")
        text = " ".join(line.strip("│ ") for line in panel_text(app, "form").splitlines())
        assert error.display and reason in text
        assert "[" not in text and "sizes =" not in text


# -- 9. MNIST offline: a few lines at the dataset, the choice kept, digits offered -----------


def form_words(app: BackpropApp) -> str:
    """The form's text as one line (wrapped messages joined), without its border."""
    return " ".join(line.strip("│ ") for line in panel_text(app, "form").splitlines())


async def test_mnist_offline_keeps_the_choice_and_offers_the_digits(tmp_path, monkeypatch) -> None:
    def offline(url: str, timeout: float) -> None:
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(mnist_module, "default_cache_dir", lambda: tmp_path / "cache")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        app.main.form.query_one("#field-preset", Select).value = "nielsen-ch1"
        await wait_until(pilot, lambda: "dataset" in app.main.form.errors, "the load error")
        text = screen_text(app)
        assert "preset    nielsen-ch1" in text and "dataset   mnist" in text  # as chosen
        await wait_until(pilot, lambda: "choose the digits" in form_words(app), "the message")
        assert app.main.form.query_one("#dataset-error").region.height <= 6
        app.main.form.query_one("#field-dataset", Select).value = "digits"  # the way offered
        await wait_until(pilot, lambda: app.config.dataset == "digits", "the digits network")
        assert app.config.sizes == [64, 30, 10] and app.config.eta == 3.0  # nielsen-ch1's


# -- 10. a CSV file and its label column chosen in the form -----------------------------------


async def test_a_csv_file_and_its_label_column_are_chosen_in_the_form(tmp_path) -> None:
    rows = [f"{x / 10:.1f},{(x % 7) / 7:.3f},{'yes' if x % 2 else 'no'}" for x in range(60)]
    (tmp_path / "points.csv").write_text("a,b,kind\n" + "\n".join(rows) + "\n")
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        form = app.main.form
        form.query_one("#field-dataset", Select).value = "csv"
        asked = "csv reads a file: type its path here"
        await wait_until(pilot, lambda: asked in form_words(app), "the file field")
        path_field = form.query_one("#field-path", Input)
        await wait_until(pilot, lambda: app.focused is path_field, "the focus in the file field")
        assert "label col empty: the last column" in " ".join(form_words(app).split())
        for typed, field, words in [
            ("missing.csv", "path", "cannot read it"),  # the path may wrap: not asked for
            ("points.csv", None, ""),
        ]:
            form.query_one("#field-path", Input).value = str(tmp_path / typed)
            form.query_one("#field-path", Input).focus()
            await pilot.press("enter")
            if field is None:
                await wait_until(pilot, lambda: app.config.dataset == "csv", "the CSV network")
            else:
                await wait_until(pilot, lambda w=words: w in form_words(app), words)
                assert "missing.csv" in form.errors[field]
        assert app.config.sizes[0] == 2 and app.config.sizes[-1] == 1 and form.errors == {}
        form.query_one("#field-label", Input).focus()
        await pilot.press(*"knd", "enter")
        await wait_until(pilot, lambda: "did you mean 'kind'?" in form_words(app), "the hint")
        assert "label" in form.errors


# -- 4. ‖∇w^l‖ (BP4) has a key and shows in every layout -------------------------------------


@pytest.mark.parametrize(("size", "view"), [((120, 40), "all"), ((80, 24), "gradients")])
async def test_weight_gradients_show_in_every_layout_and_w_plots_them(size, view) -> None:
    snapshot = preset_snapshots("spiral", 5 * 72)[-1]
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=size) as pilot:
        await show_on_app(pilot, app, snapshot)
        if app.main.is_narrow:
            app.main.set_view(view)
        await wait_until(pilot, lambda: "‖∇w‖" in panel_text(app, "gradients"), "the table")
        text = panel_text(app, "gradients")
        assert all(scientific(value) in text for value in snapshot.grad_norm_w)
        assert "‖∇w^l‖ dots" not in text
        await pilot.press("w")
        text = panel_text(app, "gradients")
        assert "‖∇w^l‖ dots" in text or "‖∇w‖ dots" in text


async def test_w_shows_weight_gradients_in_the_small_all_panels_view() -> None:
    """At 80×24 the all-panels view is too short for a plot: sparklines of ‖∇b^l‖, then
    of ‖∇w^l‖ after w; the Gradients view alone plots them, ∇w dotted."""
    snapshot = preset_snapshots("spiral", 5 * 72)[-1]
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_on_app(pilot, app, snapshot)
        footer = lambda: screen_text(app).splitlines()[-1]  # noqa: E731
        await wait_until(pilot, lambda: "w ∇w" in footer(), "the footer to offer w")
        assert "1 ∇b" in panel_text(app, "gradients")  # sparklines: too short for a plot
        await pilot.press("w")
        assert "1 ∇w" in panel_text(app, "gradients")
        app.main.set_view("gradients")  # the panel alone: a plot, ∇w dotted
        await wait_until(pilot, lambda: "dots: ‖∇w‖" in panel_text(app, "gradients"), "dots")


# -- 6. every cost and accuracy says whether it is train or test -----------------------------


def unlabelled_numbers(text: str) -> list[str]:
    """Accuracies and costs on screen that do not say which set they are measured on: a
    percentage not right after "train" or "test", a number right after "cost" or "acc"
    without "train", "test" or "batch" before, and pairs written "a / b"."""
    percents = re.findall(r"(\S+) (?:acc )?(\d+(?:\.\d+)?%)", text)
    after_name = re.findall(r"(\S+) (?:cost|acc|accuracy)(?: \(log\))? (\d[\d.]*)", text)
    pairs = re.findall(r"\.\d+%? ?/ ?\d", text)
    return [
        *(" ".join(pair) for pair in percents if pair[0] not in ("train", "test")),
        *(" ".join(pair) for pair in after_name if pair[0] not in ("train", "test", "batch")),
        *pairs,
    ]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_accuracy_and_cost_on_screen_is_labelled_train_or_test(size) -> None:
    snapshot = preset_snapshots("spiral", 5 * 72)[-1]
    assert snapshot.train_accuracy is not None and snapshot.test_accuracy is not None
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=size) as pilot:
        await show_on_app(pilot, app, snapshot)
        await wait_until(pilot, lambda: "train" in panel_text(app, "loss"), "the loss titles")
        loss = panel_text(app, "loss").splitlines()[:3]  # the titles (axes hold bare ticks)
        status = panel_text(app, "status")  # as drawn: cut where the screen ends
    shown = "\n".join([*loss, status])
    accuracies = f"acc train {snapshot.train_accuracy:.1%} test {snapshot.test_accuracy:.1%}"
    assert accuracies in status and "%" in shown  # both, even in 80 columns
    assert unlabelled_numbers(shown) == []


# -- 7. focus: visible, keys reachable, the footer honest ------------------------------------


def footer_line(app: BackpropApp) -> str:
    """The footer as drawn (the screen's last line)."""
    return screen_text(app).splitlines()[-1]


async def test_a_text_field_shows_its_focus_and_the_footer_offers_only_escape() -> None:
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        labels = app.main.form.query(".field-label")
        x, y = labels[1].region.x, labels[1].region.y  # the dataset row's label
        unfocused = app.screen.get_style_at(x, y)
        await pilot.press("e")  # the layers field
        sizes_label = app.main.form.query_one("#field-sizes").parent.query_one(".field-label")

        def label_style() -> Style:
            return app.screen.get_style_at(sizes_label.region.x, sizes_label.region.y)

        await wait_until(pilot, lambda: label_style().bold, "the focused field's label")
        assert label_style().bgcolor != unfocused.bgcolor
        footer = footer_line(app)
        assert "esc Leave field" in footer
        for typed_key in ("+ -", "η", "Run/Pause", "Step", "Quit"):
            assert typed_key not in footer, typed_key
        assert "esc: back to the keys" in screen_text(app)
        await pilot.press("end", "plus")  # typed into the field, η unchanged
        assert "2-16-16-3+" in screen_text(app) and "η 0.1 " in app.main.status.text
        await pilot.press("backspace", "escape")
        assert app.focused is None and "Run/Pause" in footer_line(app)
        assert "esc: back to the keys" not in screen_text(app)


async def test_space_on_a_focused_choice_list_starts_the_run(app_xor_config) -> None:
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        await pilot.press("tab")
        assert app.focused is app.main.form.query_one("#field-preset")
        # the footer keeps the space key (whatever its label) while the list has the focus
        await wait_until(pilot, lambda: "space " in footer_line(app), "space in the footer")
        await pilot.press("space")
        await wait_until(pilot, lambda: "running" in app.main.status.text, "the run")
        assert app.focused is app.main.form.query_one("#field-preset")  # no menu opened
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code is not None, "the app to quit")
