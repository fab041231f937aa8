"""Synthetic regression sets: sine (1 input) and surface (2 inputs), targets in [-1, 1].

Targets stay in [-1, 1] (noisy values are clipped), so use a tanh or linear output layer:
a sigmoid output, living in (0, 1), cannot reach the negative half.
"""

from __future__ import annotations

import numpy as np

from .arrays import assemble, plane_range, split_indices
from .base import Dataset, DatasetInfo
from .options import (
    DatasetSpec,
    OptionSpec,
    n_samples_option,
    noise_option,
    seed_option,
    split_option,
)


def regression_set(
    name: str,
    description: str,
    X: np.ndarray,
    y: np.ndarray,
    test_fraction: float,
    rng: np.random.Generator,
) -> Dataset:
    """A Dataset from inputs and one column of targets, split with a seeded random split."""
    train, test = split_indices(len(X), test_fraction, rng)
    info = DatasetInfo(
        name=name,
        description=f"{description} ({len(train)} train / {len(test)} test)",
        n_inputs=X.shape[1],
        n_outputs=1,
        task="regression",
        class_names=(),
        drawable_2d=X.shape[1] == 2,
        image_shape=None,
        input_range=plane_range(X),
    )
    return assemble(info, X, y[:, None], train, test)


def load_sine(*, seed: int, n_samples: int, noise: float, test_fraction: float) -> Dataset:
    """y = sin(πx) for x uniform in [-1, 1] (one period), plus noise, clipped to [-1, 1]."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 1))
    y = np.clip(np.sin(np.pi * X[:, 0]) + rng.normal(0.0, noise, size=n_samples), -1.0, 1.0)
    return regression_set("sine", f"y = sin(πx), noise {noise:g}", X, y, test_fraction, rng)


def load_surface(*, seed: int, n_samples: int, noise: float, test_fraction: float) -> Dataset:
    """z = sin(πx)·cos(πy) for (x, y) uniform in [-1, 1]², plus noise, clipped to [-1, 1]."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    clean = np.sin(np.pi * X[:, 0]) * np.cos(np.pi * X[:, 1])
    z = np.clip(clean + rng.normal(0.0, noise, size=n_samples), -1.0, 1.0)
    return regression_set(
        "surface", f"z = sin(πx)·cos(πy), noise {noise:g}", X, z, test_fraction, rng
    )


def load_neuron(*, seed: int, x: float, y: float) -> Dataset:
    """Chapter 3's lone neuron: one input x, one target y (train and test are that sample)."""
    X = np.array([[x]])
    info = DatasetInfo(
        name="neuron",
        description=f"One sample: input {x:g}, target {y:g} (chapter 3's learning slowdown)",
        n_inputs=1,
        n_outputs=1,
        task="regression",
        class_names=(),
        drawable_2d=False,
        image_shape=None,
        input_range=(min(-1.0, x - 1.0), max(1.0, x + 1.0)),
    )
    only = np.array([0])
    return assemble(info, X, np.array([[y]]), only, only)


_TARGET_NOISE = "std of Gaussian noise added to the target (then clipped to [-1, 1])"

SPECS = (
    DatasetSpec(
        "sine",
        "Regression y = sin(πx), x in [-1, 1]; targets in [-1, 1]: use a tanh or linear output",
        (seed_option(), n_samples_option(200), noise_option(0.05, _TARGET_NOISE), split_option()),
        load_sine,
    ),
    DatasetSpec(
        "surface",
        "Regression z = sin(πx)·cos(πy) over [-1, 1]²; targets in [-1, 1]: tanh or linear output",
        (seed_option(), n_samples_option(600), noise_option(0.05, _TARGET_NOISE), split_option()),
        load_surface,
    ),
    DatasetSpec(
        "neuron",
        "A single sample x → y, to watch one neuron learn (chapter 3: 1 → 0)",
        (
            seed_option(),
            OptionSpec("x", float, 1.0, "the input", min=-10, max=10),
            OptionSpec("y", float, 0.0, "the target", min=-1, max=1),
        ),
        load_neuron,
    ),
)
