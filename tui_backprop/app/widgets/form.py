"""The experiment form: preset, dataset, layers, σ, output/cost, η, m, epochs, λ, init, seed.

Each field is checked as the user types and the reason is shown under it; a field is
committed (posted up as ``ExperimentForm.Changed``) on Enter, on leaving it, or at once
for a choice list. The app decides what a change means (η: applied live; others: reset).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from tui_backprop.app.widgets.fields import FormInput, FormSelect
from tui_backprop.app.widgets.layers import layers_problem, sizes_text
from tui_backprop.data import DatasetError, dataset_names
from tui_backprop.engine import COSTS, HIDDEN_ACTIVATIONS, INITS
from tui_backprop.formatting import plain
from tui_backprop.training import ConfigError, RunConfig, load_preset, preset_names

#: the output activation / cost pairs the engine accepts, as "output/cost" values
PAIRS = [f"{out}/{cost}" for cost, cls in COSTS.items() for out in cls.outputs]
#: free-text fields: the config field and the label shown beside it
TEXT_FIELDS = {
    "sizes": "layers",
    "eta": "η",
    "batch_size": "batch m",
    "epochs": "epochs",
    "lmbda": "λ (L2)",
    "seed": "seed",
}
#: dataset options with a field of their own, for the datasets that read a file
FILE_OPTIONS = {"path": "file", "label": "label col"}
#: which of FILE_OPTIONS each dataset shows, and the hint under its file field
FILE_FIELDS = {
    "csv": (("path", "label"), "a CSV file: numeric feature columns and a label column"),
    "mnist": (("path",), "optional: your copy (IDX folder, mnist.pkl.gz, mnist.npz)"),
}
#: what an empty field means, written in it
PLACEHOLDERS = {"label": "empty: the last column"}
#: every field that can carry an error, in display order
FIELDS = (
    "preset",
    "dataset",
    "path",
    "label",
    "sizes",
    "activation",
    "pair",
    "eta",
    "batch_size",
    "epochs",
    "lmbda",
    "init",
    "seed",
)


def pair_label(pair: str) -> str:
    """'sigmoid/cross_entropy' shown as 'sigmoid · cross-entropy'."""
    out, cost = pair.split("/")
    return f"{out} · {cost.replace('_', '-')}"


def preset_description(name: str) -> str:
    """A preset's one-line description, or '' if it cannot be read."""
    try:
        return load_preset(name).description
    except ConfigError:
        return ""


class ExperimentForm(VerticalScroll, can_focus=False):
    """Edits one RunConfig; shows each invalid value at its field with the reason."""

    class Changed(Message):
        """A committed edit: the new, valid configuration and the fields that changed."""

        def __init__(self, config: RunConfig, fields: frozenset[str]) -> None:
            """Carry the new configuration and the names of the changed fields."""
            super().__init__()
            self.config = config
            self.fields = fields

    class PresetChosen(Message):
        """The user picked a preset in the form."""

        def __init__(self, name: str) -> None:
            """Carry the preset's name."""
            super().__init__()
            self.name = name

    def __init__(self, config: RunConfig, preset: str | None = None, **kwargs: object) -> None:
        """A form showing ``config``; ``preset`` names it in the preset list."""
        super().__init__(**kwargs)
        self.config = config
        self.preset = preset
        self.shape: tuple[int, int] | None = None  # (inputs, outputs) of the loaded dataset
        self._errors: dict[str, str] = {}

    # -- focus: say how to get the keys back -------------------------------------------

    #: the form's border says this while one of its fields has the focus
    LEAVE_HINT = "esc: back to the keys"

    def on_descendant_focus(self) -> None:
        """A field has the focus: say that escape gives the keys back."""
        self.border_subtitle = self.LEAVE_HINT

    def on_descendant_blur(self) -> None:
        """No field has the focus (another may take it at once)."""
        self.border_subtitle = ""

    # -- building ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """One compact row per field, each followed by its (usually hidden) error line."""
        yield from self._row("preset", "preset", self._preset_select())
        yield Static("", id="preset-description", classes="field-hint")
        datasets = [(name, name) for name in dataset_names()]
        yield from self._row("dataset", "dataset", self._select("dataset", datasets))
        with Vertical(id="file-fields"):
            yield from self._row("path", FILE_OPTIONS["path"], self._input("path"))
            yield Static("", id="path-hint", classes="field-hint")
            yield from self._row("label", FILE_OPTIONS["label"], self._input("label"))
        yield from self._row("sizes", TEXT_FIELDS["sizes"], self._input("sizes"))
        yield Static("", id="sizes-hint", classes="field-hint")
        hidden = [(name, name) for name in HIDDEN_ACTIVATIONS]
        yield from self._row("activation", "hidden σ", self._select("activation", hidden))
        pairs = [(pair_label(p), p) for p in PAIRS]
        yield from self._row("pair", "out/cost", self._select("pair", pairs))
        for name in ("eta", "batch_size", "epochs", "lmbda"):
            yield from self._row(name, TEXT_FIELDS[name], self._input(name))
        inits = [(name, name) for name in INITS]
        yield from self._row("init", "init", self._select("init", inits))
        yield from self._row("seed", TEXT_FIELDS["seed"], self._input("seed"))

    def _row(self, name: str, label: str, field: Input | Select) -> ComposeResult:
        """A label and a field on one line, then the field's error line."""
        with Horizontal(classes="form-row", id=f"row-{name}"):
            yield Label(label, classes="field-label")
            yield field
        yield Static("", id=f"{name}-error", classes="field-error")

    def _input(self, name: str) -> Input:
        """A compact text field for a config field."""
        return FormInput(
            self._text_of(name),
            placeholder=PLACEHOLDERS.get(name, ""),
            id=f"field-{name}",
            compact=True,
            select_on_focus=False,
        )

    def _select(self, name: str, options: list[tuple[str, str]]) -> Select[str]:
        """A compact choice list for a config field."""
        value = self._choice_of(name)
        return FormSelect(options, value=value, allow_blank=False, id=f"field-{name}", compact=True)

    def _preset_options(self) -> list[tuple[str, str]]:
        """The shipped presets, plus the current one when it is a file of the user's."""
        names = preset_names()
        options = [(name, name) for name in names]
        if self.preset and self.preset not in names:
            options.append((Path(self.preset).stem, self.preset))
        if not self.preset:
            options.append(("(custom)", ""))
        return options

    def _preset_select(self) -> Select[str]:
        """The preset list, showing the current preset."""
        return FormSelect(
            self._preset_options(),
            value=self.preset or "",
            allow_blank=False,
            id="field-preset",
            compact=True,
        )

    def _text_of(self, name: str) -> str:
        """The text a text field shows for the current configuration."""
        if name in FILE_OPTIONS:
            value = self.config.dataset_options.get(name)
            return "" if value is None else str(value)
        value = getattr(self.config, name)
        if name == "sizes":
            return sizes_text(value)
        if isinstance(value, float):
            return plain(value)
        return str(value)

    def _choice_of(self, name: str) -> str:
        """The value a choice list shows for the current configuration."""
        if name == "pair":
            return f"{self.config.output_activation}/{self.config.cost}"
        return str(getattr(self.config, name))

    def on_mount(self) -> None:
        """Fill in the hints."""
        self._show_hints()

    # -- attributes down -----------------------------------------------------------------

    def load(
        self, config: RunConfig, preset: str | None = None, shape: tuple[int, int] | None = None
    ) -> None:
        """Show another configuration (a preset, a reset) without posting any change."""
        self.config = config
        self.preset = preset if preset is not None else self.preset
        self.shape = shape
        with self.prevent(Input.Changed, Select.Changed):
            preset_select = self.query_one("#field-preset", Select)
            preset_select.set_options(self._preset_options())
            preset_select.value = self.preset or ""
            for name in [*TEXT_FIELDS, *FILE_OPTIONS]:
                self.query_one(f"#field-{name}", Input).value = self._text_of(name)
            for name in ("dataset", "activation", "pair", "init"):
                self.query_one(f"#field-{name}", Select).value = self._choice_of(name)
        for name in FIELDS:
            self.set_error(name, "")
        self._show_hints()

    def set_shape(self, shape: tuple[int, int] | None) -> None:
        """Tell the form the dataset's (inputs, outputs), to check the layer sizes."""
        self.shape = shape
        self._show_hints()

    def set_eta(self, eta: float) -> None:
        """Show a new η (changed by a key) without posting a change."""
        self.config = self.config.replace(eta=eta)
        with self.prevent(Input.Changed):
            self.query_one("#field-eta", Input).value = plain(eta)
        self.set_error("eta", "")

    def set_error(self, name: str, message: str) -> None:
        """Show (or clear, with '') the reason a field's value cannot be used."""
        if message:
            self._errors[name] = message
        else:
            self._errors.pop(name, None)
        error = self.query_one(f"#{name}-error", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")
        try:
            field = self.query_one(f"#field-{name}")
        except Exception:  # pair errors belong to the pair list, which always exists
            return
        field.set_class(bool(message), "-invalid")

    @property
    def errors(self) -> dict[str, str]:
        """The fields whose value cannot be used, with the reason."""
        return dict(self._errors)

    def _show_hints(self) -> None:
        """Say where the input and output sizes come from, and what the preset is."""
        hint = self.query_one("#sizes-hint", Static)
        if self.shape is None:
            hint.update(f"in/out sizes follow {self.config.dataset} once it loads")
        else:
            n_in, n_out = self.shape
            hint.update(f"input {n_in}, output {n_out}: set by {self.config.dataset}")
        shown_options, file_hint = FILE_FIELDS.get(self.config.dataset, ((), ""))
        self.query_one("#file-fields").display = bool(shown_options)
        self.query_one("#row-label").display = "label" in shown_options
        self.query_one("#path-hint", Static).update(file_hint)
        description = preset_description(self.preset) if self.preset else ""
        shown = self.query_one("#preset-description", Static)
        shown.update(description)
        shown.display = bool(description)

    # -- messages up ---------------------------------------------------------------------

    def _candidate(self, name: str, value: str) -> RunConfig:
        """The configuration with one field changed, checked (raises ConfigError)."""
        if name == "pair":
            out, cost = value.split("/")
            return self.config.replace(output_activation=out, cost=cost)
        if name == "dataset":
            # the old dataset's options mean nothing to the new one; defaults apply
            return self.config.replace(dataset=value, dataset_options={})
        if name in FILE_OPTIONS:
            options = {**self.config.dataset_options, name: value.strip()}
            if not options[name]:
                del options[name]  # the option's default: download MNIST, the last column
            return self.config.replace(dataset_options=options)
        if name == "sizes":  # said in the form's notation (2-16-1), not the preset file's
            problem = layers_problem(value, self.config, self.shape)
            if problem:
                raise ConfigError(problem, field="sizes")
        return self.config.replace(**{name: value})

    def _check(self, name: str, value: str) -> RunConfig | None:
        """Check a value; show the reason at the field and return None when invalid."""
        try:
            candidate = self._candidate(name, value)
        except ConfigError as error:
            if name == "dataset" and value in FILE_FIELDS and error.field == "dataset_options":
                self._ask_for_file(value)
            else:
                self.set_error(name, str(error))
            return None
        self.set_error(name, "")
        return candidate

    def _ask_for_file(self, dataset: str) -> None:
        """Show a dataset that needs a file (csv) with its file field, asking for the file;
        the form holds this configuration unchecked until the file is given."""
        self.config = dataclasses.replace(self.config, dataset=dataset, dataset_options={})
        self.shape = None
        self.set_error("dataset", "")
        self.set_error("path", f"{dataset} reads a file: type its path here, then enter")
        self._show_hints()
        self.call_after_refresh(self.query_one("#field-path").focus)  # shown by now

    def show_problem(self, error: Exception) -> str:
        """Put a problem met while building the network or loading its data under the field
        it concerns (a file's under the file field); return the words shown."""
        field, words = "dataset", str(error)
        if isinstance(error, ConfigError) and error.field in ("sizes", "output_activation"):
            field = "pair" if error.field == "output_activation" else "sizes"
        elif isinstance(error, DatasetError):
            options = self.config.dataset_options
            shown = FILE_FIELDS.get(self.config.dataset, ((), ""))[0]
            if error.option in shown:
                field = error.option
            elif "path" in shown and (self.config.dataset == "csv" or options.get("path")):
                field = "path"
            words = error.short
        self.set_error(field, words)
        return words

    def _commit(self, name: str, value: str) -> None:
        """Post the change when the value is valid and differs from the configuration."""
        typed = name in TEXT_FIELDS or name in FILE_OPTIONS
        current = self._text_of(name) if typed else self._choice_of(name)
        if value.strip() == current:  # a select's echo on mount, a blur without an edit
            self.set_error(name, "")
            return
        candidate = self._check(name, value)
        if candidate is None or candidate == self.config:
            return
        fields = frozenset(
            key for key, old in self.config.to_dict().items() if candidate.to_dict()[key] != old
        )
        self.config = candidate
        self.post_message(self.Changed(candidate, fields))

    @staticmethod
    def _field_name(widget_id: str | None) -> str:
        """'field-eta' → 'eta'."""
        return (widget_id or "").removeprefix("field-")

    def on_input_changed(self, event: Input.Changed) -> None:
        """Check as the user types, so the reason appears at once."""
        event.stop()
        self._check(self._field_name(event.input.id), event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter commits the field."""
        event.stop()
        self._commit(self._field_name(event.input.id), event.value)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        """Leaving a field commits it too."""
        event.stop()
        self._commit(self._field_name(event.input.id), event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        """A choice applies at once; a preset is the app's to load."""
        event.stop()
        name = self._field_name(event.select.id)
        if event.value is Select.BLANK:
            return
        if name == "preset":
            if event.value and event.value != self.preset:
                self.post_message(self.PresetChosen(str(event.value)))
            return
        self._commit(name, str(event.value))
