"""The classification views (`c`): the test set's confusion matrix and, for images, a
gallery of the worst misclassified test images with the chosen one in detail.

Live: while it shows, the app passes every snapshot on (the matrix changes at each
evaluation). ←/→ choose an image, enter opens the inspector on it (BP1–BP4 of a step on
that sample alone, from the network of that evaluation); c or escape goes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui_backprop.app.widgets.confusion import confusion_renderable
from tui_backprop.app.widgets.gallery import sample_detail, sample_noun, thumbnails
from tui_backprop.data import Dataset
from tui_backprop.formatting import percent
from tui_backprop.training import Snapshot, Trainer
from tui_backprop.training.confusion import TestClasses
from tui_backprop.training.inspection import deltas_of, one_sample_step


class ClassesScreen(Screen["TestSample | None"]):
    """The confusion matrix and the gallery of the worst misclassified test samples."""

    BINDINGS = [
        Binding("escape,c", "close", "Back"),
        Binding("v", "next_view", "View", show=False),
        Binding("left", "choose(-1)", "Previous image", priority=True),
        Binding("right", "choose(1)", "Next image", priority=True),
        Binding("enter", "inspect", "Inspect it"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, dataset: Dataset, snapshot: Snapshot | None) -> None:
        """Views of ``dataset``'s test split, starting with ``snapshot``."""
        super().__init__()
        self.dataset = dataset
        self.snapshot = snapshot
        self.chosen = 0
        self._deltas: tuple[TestClasses | None, tuple | None] = (None, None)
        info = dataset.info
        self.names = info.class_names or tuple(str(k) for k in range(max(info.n_outputs, 2)))

    def compose(self) -> ComposeResult:
        """A title line, the matrix beside (or above) the gallery, and the footer."""
        yield Static("", id="classes-title")
        with VerticalScroll(id="classes-scroll"), Horizontal(id="classes-body"):
            matrix = Static("", id="confusion")
            matrix.border_title = "Confusion matrix (test set)"
            yield matrix
            with Vertical(id="gallery-box") as box:
                box.border_title = "Worst misclassified"
                yield Static("", id="gallery")
                yield Static("", id="sample")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Draw the starting snapshot (again once laid out: the gallery fits its width)."""
        self._draw()
        self.call_after_refresh(self._draw)

    def on_resize(self) -> None:
        """The gallery's width follows the screen's."""
        self.call_after_refresh(self._draw)

    def show(self, snapshot: Snapshot) -> None:
        """A newer snapshot: redraw when its evaluation changed."""
        old = self.snapshot
        self.snapshot = snapshot
        if old is None or old.classes is not snapshot.classes or old.epoch != snapshot.epoch:
            self._draw()

    def action_choose(self, step: int) -> None:
        """The previous or next of the worst images."""
        classes = self.snapshot.classes if self.snapshot is not None else None
        if classes is not None and len(classes.worst):
            self.chosen = (self.chosen + step) % len(classes.worst)
            self._draw()

    def action_inspect(self) -> None:
        """Open the inspector on the chosen sample (the app computes its step)."""
        snapshot = self.snapshot
        classes = snapshot.classes if snapshot is not None else None
        if classes is None or not len(classes.worst):
            self.notify("No misclassified test sample to inspect yet.")
            return
        k = self.chosen
        true, given = int(classes.worst_true[k]), int(classes.worst_predicted[k])
        sample = TestSample(
            int(classes.worst[k]), self.names[true], given, self.names[given], classes
        )
        self.dismiss(sample)  # the app inspects it once this screen has gone

    def action_close(self) -> None:
        """Back to the panels (all of them, when the Classes tab opened this)."""
        self.dismiss()
        if self.app.main.view == "classes":
            self.app.main.set_view("all")

    def action_next_view(self) -> None:
        """On a small terminal the matrix is a view among others: v goes on to the next."""
        self.dismiss()
        self.app.main.next_view()

    def _draw(self) -> None:
        """Title, matrix, thumbnails and the chosen sample, from the latest snapshot."""
        snapshot = self.snapshot
        classes = snapshot.classes if snapshot is not None else None
        title = self.query_one("#classes-title", Static)
        noun = sample_noun(self.dataset.info.image_shape)
        if snapshot is None or snapshot.test_accuracy is None:
            title.update("Test set by class: waiting for the first evaluation (space trains)")
        else:
            title.update(
                f"Test set, epoch {snapshot.epoch}: accuracy {percent(snapshot.test_accuracy)}"
                f" · ←/→ choose a{'n' if noun == 'image' else ''} {noun}"
                " · enter inspects it"
            )
        self.query_one("#confusion", Static).update(confusion_renderable(classes, self.names))
        gallery, sample = self.query_one("#gallery", Static), self.query_one("#sample", Static)
        if classes is None or not len(classes.worst):
            gallery.update(Text("No misclassified test sample yet." if classes else ""))
            sample.update("")
            return
        self.chosen = min(self.chosen, len(classes.worst) - 1)
        shape = self.dataset.info.image_shape
        X_test = self.dataset.X_test
        if shape is None:
            gallery.update(Text("(images only for image datasets: digits, MNIST)", style="dim"))
        else:
            width = max(self.query_one("#gallery-box").content_size.width, 20)
            gallery.update(thumbnails(classes, X_test, shape, self.names, self.chosen, width))
        deltas = self._deltas_of(classes)
        sample.update(sample_detail(classes, self.chosen, X_test, shape, self.names, deltas))

    def _deltas_of(self, classes: TestClasses) -> tuple | None:
        """δ^l of the worst mistakes from the network of their evaluation (one backward pass
        per evaluation shown); None when that network is no longer kept."""
        shown, deltas = self._deltas
        if shown is not classes:
            trainer = self.app.trainer
            checkpoint = trainer.evaluated_network(classes) if trainer is not None else None
            if checkpoint is not None:
                rows = classes.worst
                deltas = deltas_of(
                    checkpoint.parameters,
                    trainer.config.network_arguments(),
                    self.dataset.X_test[rows],
                    self.dataset.Y_test[rows],
                )
            else:
                deltas = None
            self._deltas = (classes, deltas)
        return deltas


@dataclass(frozen=True)
class TestSample:
    """A test sample chosen in the gallery, as that evaluation saw it."""

    row: int  # its row in the test split
    true: str  # the name of its class
    given_class: int  # the class the network gave it (its output neuron), and its name
    given: str
    classes: TestClasses  # the evaluation it was chosen from


class ClassesKeys:
    """The app's side of the classification views (mixed into the app)."""

    trainer: Trainer | None
    latest: Snapshot | None

    def action_classes(self) -> None:
        """Open the confusion matrix and the gallery (classification only)."""
        if self.trainer is None:
            self.notify("No network yet: check the form.", severity="warning")
            return
        if self.trainer.dataset.info.task != "classification":
            self.notify("The confusion matrix needs classes: this dataset is regression.")
            return
        if not isinstance(self.screen, ClassesScreen):
            self.push_screen(ClassesScreen(self.trainer.dataset, self.latest), self._inspect_chosen)

    def _inspect_chosen(self, chosen: TestSample | None) -> None:
        """The classification views have closed: inspect the image chosen there, if any."""
        if chosen is not None:
            self.inspect_test_sample(chosen)

    def inspect_test_sample(self, sample: TestSample) -> None:
        """The inspector on one test sample: BP1–BP4 of a step on it alone, from the network
        of the evaluation that chose it; the run is not touched."""
        trainer = self.trainer
        checkpoint = trainer.evaluated_network(sample.classes) if trainer is not None else None
        if checkpoint is None:
            self.notify(
                "That evaluation's network is no longer kept (a new run, or a moment rewound "
                "to long ago): open c on a later moment."
            )
            return
        dataset, config = trainer.dataset, trainer.config
        detail = one_sample_step(
            checkpoint.parameters,
            config.network_arguments(),
            dataset.X_test[sample.row],
            dataset.Y_test[sample.row],
            checkpoint.eta,
            config.lmbda,
            len(dataset.X_train),
            checkpoint.step,
        )
        info = dataset.info
        title = f"test {sample_noun(info.image_shape)} {sample.row}: "
        title += f"true {sample.true}, given {sample.given}"
        if info.n_outputs > 1:  # neurons count from 1 on screen, classes as named
            title += f" (output neuron j = {sample.given_class + 1})"
        note = (
            f"the network after epoch {checkpoint.epoch} (step {checkpoint.step}); "
            "the step shown is on this sample alone and is not applied"
        )
        self.main.inspector.show_step(detail, checkpoint.step, title, note)
        self.main.inspector.select(-1, sample.given_class, 0)  # the output neuron that won
        self.main.set_view("inspect")

    def _show_classes(self, snapshot: Snapshot) -> None:
        """Pass a snapshot on to the classification views when they show."""
        if isinstance(self.screen, ClassesScreen):
            self.screen.show(snapshot)
