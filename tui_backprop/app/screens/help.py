"""The help screen: what each panel shows, BP1–BP4 and where to see each term, the keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# tui-backprop

Choose a network and a cost in the form, press **space**, and watch backprop train it.

## The panels

| panel | shows |
| --- | --- |
| **Loss** | the cost C on the training and test sets after each epoch (and the mini-batch cost \
before the first epoch ends); accuracy beside it for classification. `l` switches to a log scale. |
| **Gradients** | ‖∇b^l‖ of each layer on a log scale (and ‖∇w^l‖ dotted after `w`), the \
current values of both, and how many times slower the first hidden layer learns than the \
last hidden one, at the first step and now: far slower means vanishing gradients. |
| **δ heatmap** | the errors δ^l = ∂C/∂z^l of the latest mini-batch: one row per neuron, one \
column per sample, red above 0 and blue below, centred on 0 with the scale shown. \
`[` and `]` (or a click) choose the layer. |
| **Output map** | for 2-D data, the network's output over the input plane (the decision \
boundary) with training points on top; for 1-D data, the fitted curve. |
| **Status bar** | idle / running / paused / finished / diverged, epoch, step, samples/s, η, \
the last cost and accuracy. |

## The four equations, and where to see each term

| | equation | panel |
| --- | --- | --- |
| **BP1** | δ^L = ∇_a C ⊙ σ'(z^L) | δ heatmap, last layer L |
| **BP2** | δ^l = ((w^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l) | δ heatmap, hidden layers; the \
gradient ratio shows δ shrinking as it flows back |
| **BP3** | ∂C/∂b^l_j = δ^l_j | Gradients: ‖∇b^l‖ |
| **BP4** | ∂C/∂w^l_jk = a^(l−1)_k δ^l_j | Gradients: ‖∇w^l‖ |

Then SGD: w → w − (η/m) Σ ∂C_x/∂w over a mini-batch of m samples (and the same for b).

## Keys

| key | does |
| --- | --- |
| `space` | start, pause, resume; after a finished or diverged run, start a new one |
| `n` | one mini-batch step (when idle or paused; while running, `n` pauses first) |
| `r` | reset: new weights, same settings (the run stops) |
| `+` / `-` | multiply / divide η by 1.5, applied to the running training at once |
| `l` | the loss plot's log scale on or off |
| `w` | plot ‖∇w^l‖ (BP4, dotted) beside ‖∇b^l‖ in the gradient panel, or stop |
| `[` / `]` | the δ heatmap's previous / next layer |
| `v` | on a small terminal: the next view (all panels, one panel, the form) |
| `e` | edit the form (Tab moves between fields; Esc leaves them) |
| `ctrl+p` | the command palette: load a preset |
| `?` | this help |
| `q` | quit (stops the training first) |

Changing η in the form applies at once; any other change, a preset or `r` builds a new \
network, and the run waits for `space`. Keys act when no text field has the focus.
"""


class HelpScreen(ModalScreen[None]):
    """A modal page of help; any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        """The help text in a scrollable box."""
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Help"
            box.border_subtitle = "esc closes"
            yield Markdown(HELP, id="help-text")
