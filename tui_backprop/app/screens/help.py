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
| **Neuron maps** (`m`) | for 2-D data, every hidden and output neuron's activation a^l_j \
over the input plane, layer by layer (blue the low end of σ's range, grey the middle, red the \
high end), with its two strongest incoming weights (sign, size and where from) and, after a \
step, its ∂C/∂b_j (BP3). A layer wider than the screen shows the maps that fit and counts \
the rest. |
| **Status bar** | idle / running / paused / finished / diverged, the pace, epoch, step, \
samples/s, η, the last cost and accuracy. |

## The four equations, and where to see each term

| | equation | panel |
| --- | --- | --- |
| **BP1** | δ^L = ∇_a C ⊙ σ'(z^L) | δ heatmap, last layer L |
| **BP2** | δ^l = ((w^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l) | δ heatmap, hidden layers; the \
gradient ratio shows δ shrinking as it flows back |
| **BP3** | ∂C/∂b^l_j = δ^l_j | Gradients: ‖∇b^l‖ |
| **BP4** | ∂C/∂w^l_jk = a^(l−1)_k δ^l_j | Gradients: ‖∇w^l‖ |

Then SGD: w → w − (η/m) Σ ∂C_x/∂w over a mini-batch of m samples (and the same for b).

The inspector (`i`) shows each of these with the step's own numbers: z = Σ w_jk a_k + b_j \
with its largest terms, a = σ(z) and σ'(z); BP1 at the output (∇_aC ⊙ σ'(z^L), or a − y \
where σ' cancels) or BP2 at a hidden layer with its largest terms w_kj δ_k; BP3 and BP4 per \
sample and as the batch mean; and the update, before and after. The Speed view beside it \
draws ‖δ^l‖ per layer with the book's chapter 5 values under ours when a preset carries \
them, splits δ^L into ∇_aC and σ'(z^L) (chapter 3's learning slowdown), and marks \
saturated (σ' < 1 % of its maximum on every sample) and dead (ReLU, z ≤ 0) neurons.

## Keys

| key | does |
| --- | --- |
| `space` | start, pause, resume (back to the live run when rewound); after a finished or \
diverged run, start a new one |
| `n` | one mini-batch step (when idle or paused; while running, `n` pauses first) |
| `r` | reset: new weights, same settings (the run stops) |
| `+` / `-` | multiply / divide η by 1.5, applied to the running training at once |
| `l` | the loss plot's log scale on or off |
| `o` | show or hide the earlier runs on the loss plot: every run that ends or is replaced \
(reset, a new setting, a preset) stays there faintly, labelled by what differs from the \
current settings (e.g. `cost=quadratic`) |
| `O` | compare with a file written by `tui-backprop train --metrics` (also \
`tui-backprop --compare FILE.jsonl …` at start) |
| `c` | the test set by class (the Classes tab on a small terminal): the confusion matrix \
(counts, shares per true class, the most confused pair) and, for digits and MNIST, the \
worst misclassified test images with their a^L and δ^l; `←` / `→` choose one, `enter` \
inspects it (BP1–BP4 of a step on it alone, not applied), `c` or `esc` goes back |
| `f` | apply the hint's fix: after each evaluation, rules for η too high, the learning \
slowdown, vanishing gradients, dead ReLUs, overfitting and nothing learned may show one \
line above the status bar with a fix (η applies at once; anything else builds new weights) |
| `w` | plot ‖∇w^l‖ (BP4, dotted) beside ‖∇b^l‖ in the gradient panel, or stop |
| `[` / `]` | the δ heatmap's previous / next layer |
| `i` | the inspector: BP1–BP4 of one neuron and one sample of the latest step, number by \
number, beside the speed of learning (on a small terminal: the Inspect and Speed tabs, `v` \
from one to the other, `↑` / `↓` scroll the Speed tab). `n` \
takes a step to inspect; `↑` / `↓` move among neurons, `←` / `→` among samples, `[` / `]` \
among layers; `i` again goes back |
| `g` | chapter 2's race: backprop against one-sided and centred finite differences on the \
current network and mini-batch (passes P + 1, 2P and 2, times, largest error per layer); \
`c` stops it, `esc` or `g` closes it |
| `m` | the neuron maps (2-D data): `←` / `→` choose a neuron, `↑` / `↓` a layer; `enter` \
or a click opens the inspector on it; `m` again goes back |
| `<` / `>` | slower / faster: 1 step a second (slow motion: every step drawn), 5, 20, 100, \
500 (the default), 2000, max; the status bar shows the pace |
| `M` | max pace, and back to the pace before it |
| `,` / `.` | one moment back / forward in the run's kept history (a running run pauses): every \
panel shows that moment, marked "viewing step k — live is step n" |
| `b` | branch: train on from the moment shown (the later moments are dropped) |
| `u` | after a divergence (the bar names the step, layer and quantity where the first \
non-finite value appeared): roll back to the last finite state with η ÷ 10 and train on |
| `v` | on a small terminal: the next view (all panels, one panel, the form, the inspector, \
the speeds, the neuron maps) |
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
