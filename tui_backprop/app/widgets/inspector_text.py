"""The inspector's page: one ``NeuronInspection`` as labelled rows, equation beside number.

Each section names the equation it comes from; each row has a plain-language label and
the equation filled in with the step's actual numbers (from
``tui_backprop.training.inspection``). Neurons, samples and layers are counted from 1 on
screen, as in the δ heatmap (layer 1 is the first hidden one).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text

from tui_backprop.formatting import number
from tui_backprop.training.inspector_rows import NeuronInspection, Sum

HEADING = Style(bold=True)
EQUATION = Style(italic=True)
LABEL = Style(dim=True)
#: σ'(z) written as the activation computes it from a
SLOPES = {
    "sigmoid": "a(1 − a)",
    "tanh": "1 − a²",
    "relu": "1 if z > 0, else 0",
    "linear": "1",
}
#: width of the labels column
LABEL_WIDTH = 16


def num(value: float | None) -> str:
    """A number of the inspector: four significant digits (the missing mark when None)."""
    return number(value, 4)


def signed(value: float) -> str:
    """A later term of a sum: "+ 0.12" or "− 0.12"."""
    return f"{'−' if value < 0 else '+'} {num(abs(value))}"


def sum_text(total: Sum, weight: str, value: str, extra: tuple[str, float] | None = None) -> str:
    """Σ_k weight·value written out as its terms, each value followed by where it comes
    from: "−0.374 (w3·a3) + 0.1217 (w7·a7) + 0.2381 (5 more)", then ``extra`` (the bias)."""
    named = [(t.product, f"{weight}{t.k + 1}·{value}{t.k + 1}") for t in total.terms]
    if total.rest_count:
        named.append((total.rest, f"{total.rest_count} more"))
    if extra is not None:
        named.append((extra[1], extra[0]))
    first, *later = named
    parts = [f"{num(first[0])} ({first[1]})"] + [f"{signed(v)} ({what})" for v, what in later]
    return " ".join(parts)


def terms_text(total: Sum) -> str:
    """The factors of a sum's named terms: "δ1 = 0.47 × w1 = -0.21; …" (BP2's w_kj δ_k)."""
    return "; ".join(
        f"δ{t.k + 1} = {num(t.value)} × w{t.k + 1} = {num(t.weight)}" for t in total.terms
    )


def layer_name(ins: NeuronInspection, offset: int) -> str:
    """Layer l + offset as shown on screen: 'layer k', or 'the inputs' before layer 1."""
    k = ins.layer + 1 + offset
    return "the inputs" if k == 0 else f"layer {k}"


def header(ins: NeuronInspection, title: str) -> Text:
    """Which step (``title``), layer, neuron and sample are shown."""
    role = "output" if ins.is_output else "hidden"
    return Text.assemble(
        (title, HEADING),
        f" · layer {ins.layer + 1}/{ins.n_layers} ({role}, {ins.sigma})",
        " · neuron ",
        (f"j = {ins.neuron + 1}", HEADING),
        f"/{ins.n_neurons} · sample ",
        (f"x = {ins.sample + 1}", HEADING),
        f"/{ins.m}",
    )


def section(title: str, equation: str) -> Text:
    """A section heading: its name in bold, then the equation it applies."""
    return Text.assemble((title, HEADING), "  ", (equation, EQUATION))


def rows(items: list[tuple[str, str]]) -> Table:
    """Label (dim) and content rows; the content wraps under itself."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=LABEL_WIDTH, no_wrap=True, overflow="ellipsis")
    table.add_column(ratio=1, overflow="fold")
    for label, content in items:
        table.add_row(Text(label, style=LABEL), content)
    return table


def forward(ins: NeuronInspection) -> list[RenderableType]:
    """z^l_j as its largest terms, a^l_j and σ'(z^l_j), with the inputs that matter most."""
    named = ", ".join(f"a{t.k + 1} = {num(t.value)}" for t in ins.z_sum.terms)
    z_line = f"{sum_text(ins.z_sum, 'w', 'a', ('b', ins.bias_before))} = {num(ins.z)}"
    activation = f"a = {ins.sigma}(z) = {num(ins.a)}"
    if ins.sigma_prime is not None:
        activation += f"    slope σ'(z) = {SLOPES.get(ins.sigma, 'σ′')} = {num(ins.sigma_prime)}"
    return [
        section("Forward", "z = Σ_k w_jk a_k + b_j,  a = σ(z)"),
        rows(
            [
                ("inputs", f"from {layer_name(ins, -1)}: {named}"),
                ("weighted input", f"z = {z_line}"),
                ("activation", activation),
            ]
        ),
    ]


def backward(ins: NeuronInspection) -> list[RenderableType]:
    """BP1 at the output (or δ = a − y when σ' cancels), BP2 at a hidden layer."""
    if ins.is_output and ins.sigma_cancels:
        why = "log-likelihood + softmax" if ins.cost == "log_likelihood" else "cross-entropy"
        return [
            section("BP1", f"δ^L = ∇_aC ⊙ σ'(z^L): with {why}, σ' cancels and δ^L = a − y"),
            rows(
                [
                    (
                        "output error",
                        f"δ = a − y = {num(ins.a)} − {num(ins.target)} = {num(ins.delta)}",
                    )
                ]
            ),
        ]
    if ins.is_output:
        return [
            section("BP1", "δ^L = ∇_aC ⊙ σ'(z^L)"),
            rows(
                [
                    (
                        "cost's slope",
                        f"∇_aC = a − y = {num(ins.a)} − {num(ins.target)} = {num(ins.nabla_a)}",
                    ),
                    (
                        "output error",
                        f"δ = ∇_aC × σ'(z) = {num(ins.nabla_a)} × {num(ins.sigma_prime)}"
                        f" = {num(ins.delta)}",
                    ),
                ]
            ),
        ]
    assert ins.back_sum is not None
    return [
        section("BP2", f"δ^l = ((w^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l), back from {layer_name(ins, 1)}"),
        rows(
            [
                ("errors above", f"from {layer_name(ins, 1)}: {terms_text(ins.back_sum)}"),
                (
                    "error from above",
                    f"(wᵀδ)_j = {sum_text(ins.back_sum, 'w', 'δ')} = {num(ins.back_sum.total)}",
                ),
                (
                    "error",
                    f"δ = (wᵀδ)_j × σ'(z) = {num(ins.back_sum.total)} × "
                    f"{num(ins.sigma_prime)} = {num(ins.delta)}",
                ),
            ]
        ),
    ]


def gradients_and_update(ins: NeuronInspection) -> list[RenderableType]:
    """BP3 and BP4 per sample and as the batch mean, then the update they make (with L2,
    the weight first shrinks by 1 − ηλ/n: a column of its own, the bias does not)."""
    decays = ins.lmbda != 0
    table = Table(  # one space between columns: with L2's column it fits 76 cells
        box=None,
        padding=(0, 1),
        collapse_padding=True,
        show_edge=False,
        header_style=LABEL,
        pad_edge=False,
        expand=False,
    )
    table.add_column("", no_wrap=True)
    titles = ["a_k", "this x", "batch mean", "before"]
    titles += ["× decay", "− η·mean", "after"] if decays else ["− η·mean", "after"]
    for title in titles:
        table.add_column(title, justify="right", no_wrap=True)
    bias = [num(ins.delta), num(ins.nabla_b), num(ins.bias_before)]
    bias += [""] if decays else []
    # short labels when the decay column needs the room (80 columns)
    table.add_row(
        "b_j" if decays else "bias b_j", "", *bias, num(ins.bias_step), num(ins.bias_after)
    )
    for row in ins.weights:
        cells = [num(row.a_k), num(row.per_sample), num(row.batch_mean), num(row.before)]
        cells += [num(row.decayed)] if decays else []
        label = f"w_j{row.k + 1}" if decays else f"weight w_j{row.k + 1}"
        table.add_row(label, *cells, num(row.step), num(row.after))
    rule = [
        f"mean over the mini-batch of {ins.m}, then the step w → w − η·mean (η = {num(ins.eta)})"
    ]
    if decays:  # two lines, so that no number is cut from its name
        rule = [
            f"mean over the mini-batch of {ins.m}, then the step w → (1 − ηλ/n)·w − η·mean",
            f"with η = {num(ins.eta)}, λ = {num(ins.lmbda)}: 1 − ηλ/n = {number(ins.decay, 6)}",
        ]
    return [
        Text.assemble(
            section("BP3, BP4", "∂C/∂b_j = δ_j,  ∂C/∂w_jk = a_k δ_j"),
            ("  (largest |mean ∂C/∂w_jk|)", LABEL),  # which weights the rows show
        ),
        *(Text(line, style=LABEL) for line in rule),
        table,
    ]


def inspection_page(ins: NeuronInspection, title: str, note: str = "") -> RenderableType:
    """The whole page under ``title`` ("step 12", or what else was inspected) and an
    optional ``note`` line: forward pass, BP1 or BP2, BP3 and BP4 with the update."""
    top = [header(ins, title)] + ([Text(note, style="italic")] if note else [])
    return Group(*top, *forward(ins), *backward(ins), *gradients_and_update(ins))
